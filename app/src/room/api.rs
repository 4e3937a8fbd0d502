use domain::history::HistoryEntry;
use domain::room::{Room, RoomForm};
use domain::session::HackSession;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::hackfest::scope::Scope;

/// The hackfest's rooms, by name. Everyone may read them.
#[server(endpoint = "rooms/list")]
pub async fn list_rooms(slug: String) -> Result<Vec<Room>, AppError> {
    let s = Scope::of(&slug).await?;
    Ok(domain::room::service::list(&s.db, s.hackfest.id).await?)
}

/// A room's page: the room, the sessions booked in it (in start order) and its history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoomPage {
    pub room: Room,
    pub sessions: Vec<HackSession>,
    pub history: Vec<HistoryEntry>,
}

#[server(endpoint = "rooms/get")]
pub async fn get_room(slug: String, id: Uuid) -> Result<RoomPage, AppError> {
    let s = Scope::of(&slug).await?;
    let h = s.hackfest.id;
    let room = domain::room::service::get(&s.db, h, id).await?;
    let history = domain::history::for_entity(&s.db, h, "room", id)
        .await
        .map_err(domain::DomainError::from)?;
    Ok(RoomPage {
        sessions: domain::session::service::list_in_room(&s.db, &s.hackfest, id)
            .await?
            .into_iter()
            .map(domain::read::session_row)
            .collect(),
        room,
        history,
    })
}

/// The create/edit form: the room, when editing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoomEditorData {
    pub room: Option<Room>,
}

#[server(endpoint = "rooms/editor")]
pub async fn get_room_editor(slug: String, id: Option<Uuid>) -> Result<RoomEditorData, AppError> {
    let s = Scope::of(&slug).await?;
    let room = match id {
        Some(id) => Some(domain::room::service::get(&s.db, s.hackfest.id, id).await?),
        None => None,
    };
    Ok(RoomEditorData { room })
}

/// Organizers only.
#[server(endpoint = "rooms/create")]
pub async fn create_room(slug: String, form: RoomForm) -> Result<Room, AppError> {
    let s = Scope::of(&slug).await?;
    let actor = s.organizer()?;
    Ok(domain::room::service::create(&s.db, s.hackfest.id, &form, &actor).await?)
}

/// Organizers only. Saves over version `version`; a newer stored version gives
/// `AppError::Conflict`.
#[server(endpoint = "rooms/update")]
pub async fn update_room(
    slug: String,
    id: Uuid,
    version: i64,
    form: RoomForm,
) -> Result<Room, AppError> {
    let s = Scope::of(&slug).await?;
    let actor = s.organizer()?;
    Ok(domain::room::service::update(&s.db, s.hackfest.id, id, version, &form, &actor).await?)
}
