use std::collections::HashMap;

use domain::action::ActionItem;
use domain::decision::Decision;
use domain::history::HistoryEntry;
use domain::session::{HackSession, SessionForm};
use domain::view::Titles;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::hackfest::scope::Scope;

/// A session's page: the session, the decisions and action items recorded in it, the
/// titles of its goals and of what its history names, and its history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionPage {
    pub session: HackSession,
    pub decisions: Vec<Decision>,
    pub actions: Vec<ActionItem>,
    pub titles: HashMap<Uuid, String>,
    pub history: Vec<HistoryEntry>,
    /// The hackfest's rooms (for the "Move" form).
    #[serde(default)]
    pub rooms: Titles,
}

#[server(endpoint = "sessions/get")]
pub async fn get_session_page(slug: String, id: Uuid) -> Result<SessionPage, AppError> {
    use domain::read;
    let s = Scope::of(&slug).await?;
    let h = s.hackfest.id;
    let mut session = domain::session::service::get(&s.db, &s.hackfest, id).await?;
    session.warnings = domain::session::service::warnings_of(&s.db, &s.hackfest, &session).await?;
    let history = domain::history::for_entity(&s.db, h, "session", id)
        .await
        .map_err(domain::DomainError::from)?;
    let mut ids = read::ids_in_history(&history);
    ids.extend(&session.goal_ids);
    Ok(SessionPage {
        decisions: read::decisions_of_session(&s.db, h, id).await?,
        actions: read::actions_linked(&s.db, h, read::Linked::Session, id).await?,
        titles: read::titles_of(&s.db, h, &ids).await?,
        rooms: if s.role.can_edit_content() {
            domain::room::service::list(&s.db, h)
                .await?
                .into_iter()
                .map(|r| (r.id, r.label()))
                .collect()
        } else {
            Titles::new()
        },
        session,
        history,
    })
}

/// Every session of the hackfest, in start order (the schedule shows them by day).
#[server(endpoint = "sessions/list")]
pub async fn list_sessions(slug: String) -> Result<Vec<HackSession>, AppError> {
    let s = Scope::of(&slug).await?;
    Ok(domain::session::service::list(&s.db, &s.hackfest)
        .await?
        .into_iter()
        .map(domain::read::session_row)
        .collect())
}

/// Sessions as "title (when)", for a select of links.
#[cfg(feature = "ssr")]
pub async fn session_labels(s: &Scope) -> Result<Titles, AppError> {
    Ok(domain::session::service::list(&s.db, &s.hackfest)
        .await?
        .iter()
        .map(|x| (x.id, format!("{} ({})", x.title, super::page::when(x))))
        .collect())
}

/// The create/edit form: the session (when editing), the goals it may serve and the
/// hackfest's rooms it may be booked in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionEditorData {
    pub session: Option<HackSession>,
    pub goals: Titles,
    #[serde(default)]
    pub rooms: Titles,
    /// The rooms open for breakouts: the only ones an attendee may book.
    #[serde(default)]
    pub breakout_rooms: Vec<Uuid>,
}

#[server(endpoint = "sessions/editor")]
pub async fn get_session_editor(
    slug: String,
    id: Option<Uuid>,
) -> Result<SessionEditorData, AppError> {
    let s = Scope::of(&slug).await?;
    let session = match id {
        Some(id) => Some(domain::session::service::get(&s.db, &s.hackfest, id).await?),
        None => None,
    };
    let rooms = domain::room::service::list(&s.db, s.hackfest.id).await?;
    Ok(SessionEditorData {
        session,
        goals: domain::read::titles(&s.db, s.hackfest.id, domain::read::Linked::Goal).await?,
        breakout_rooms: rooms
            .iter()
            .filter(|r| r.open_for_breakouts)
            .map(|r| r.id)
            .collect(),
        rooms: rooms.into_iter().map(|r| (r.id, r.label())).collect(),
    })
}

/// Saves `form` over session `id` at `version` as the viewer (an editor), in the rooms
/// they may book: the session with its warnings.
#[cfg(feature = "ssr")]
async fn save(
    s: &Scope,
    id: Uuid,
    version: i64,
    form: &SessionForm,
) -> Result<HackSession, AppError> {
    let actor = s.editor()?;
    Ok(domain::session::service::update_as(
        &s.db,
        &s.hackfest,
        id,
        version,
        form,
        &actor,
        s.bookable_rooms(),
    )
    .await?)
}

/// Attendees may book a room open for breakouts (a 422 on `room_id` for another room);
/// organizers any. The session comes back with its warnings.
#[server(endpoint = "sessions/create")]
pub async fn create_session(slug: String, form: SessionForm) -> Result<HackSession, AppError> {
    let s = Scope::of(&slug).await?;
    let actor = s.editor()?;
    Ok(
        domain::session::service::create_as(&s.db, &s.hackfest, &form, &actor, s.bookable_rooms())
            .await?,
    )
}

/// Saves over version `version`; a newer stored version gives `AppError::Conflict`.
#[server(endpoint = "sessions/update")]
pub async fn update_session(
    slug: String,
    id: Uuid,
    version: i64,
    form: SessionForm,
) -> Result<HackSession, AppError> {
    let s = Scope::of(&slug).await?;
    save(&s, id, version, &form).await
}

/// Organizers only (401 anonymous, 403 attendees). Cancels the session at version
/// `version`: it stays, marked cancelled (the iCal feeds say `STATUS:CANCELLED`), and
/// frees its room; history `cancel`, message `hackfest.session.cancel`. A plain form
/// posts it without JavaScript (the browser comes back to the session's page).
#[server(endpoint = "sessions/cancel")]
pub async fn cancel_session(slug: String, id: Uuid, version: i64) -> Result<HackSession, AppError> {
    let s = Scope::of(&slug).await?;
    let actor = s.organizer()?;
    Ok(domain::session::service::cancel(&s.db, &s.hackfest, id, version, &actor).await?)
}

/// Organizers only (401 anonymous, 403 attendees). Acknowledges the session's warning
/// `key` at version `version`: who and when are kept with the session and in its
/// history; a key the session no longer raises is a 422 on `key`. A plain form posts
/// it without JavaScript (the browser comes back to the session's page).
#[server(endpoint = "sessions/acknowledge")]
pub async fn acknowledge_warning(
    slug: String,
    id: Uuid,
    version: i64,
    key: String,
) -> Result<HackSession, AppError> {
    let s = Scope::of(&slug).await?;
    let actor = s.organizer()?;
    Ok(
        domain::session::service::acknowledge(&s.db, &s.hackfest, id, version, &key, &actor)
            .await?,
    )
}

/// Moves the session at version `version` to another slot or room (the session page's
/// "Move" form, a plain form that works without JavaScript): its other fields stay.
/// The same rules as an edit: the room's bookings and hours, attendees only between
/// rooms open for breakouts; the answer carries the warnings; the message is
/// `hackfest.session.schedule`. `room_id` empty: no room.
#[server(endpoint = "sessions/move")]
pub async fn move_session(
    slug: String,
    id: Uuid,
    version: i64,
    room_id: String,
    starts_at: String,
    ends_at: String,
) -> Result<HackSession, AppError> {
    let s = Scope::of(&slug).await?;
    s.editor()?;
    let current = domain::session::service::get(&s.db, &s.hackfest, id).await?;
    // Into a room: the free-text place goes; out of rooms, a free-text place stays.
    let room = if room_id.trim().is_empty() && current.room_id.is_none() {
        current.room.clone()
    } else {
        String::new()
    };
    let form = SessionForm {
        room_id,
        starts_at,
        ends_at,
        room,
        ..current.to_form()
    };
    save(&s, id, version, &form).await
}
