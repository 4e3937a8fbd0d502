use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{NewRoom, Room, RoomForm, repo};
use crate::db::{Db, Tx};
use crate::history::Fields;
use crate::ids::{HackfestId, RoomId};
use crate::outbox::Message;
use crate::write::{self, Edit, Update, Versioned};
use crate::{DomainError, markdown};

pub fn decorate(mut r: Room) -> Room {
    r.notes_html = markdown::render(&r.notes);
    r
}

#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn list(db: &Db, hackfest_id: Uuid) -> Result<Vec<Room>, DomainError> {
    Ok(repo::list_for_hackfest(db, hackfest_id)
        .await?
        .into_iter()
        .map(decorate)
        .collect())
}

/// A room of this hackfest (one of another hackfest is "not found").
#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn get(db: &Db, hackfest_id: Uuid, id: Uuid) -> Result<Room, DomainError> {
    repo::get(db, id)
        .await?
        .filter(|r| r.hackfest_id == hackfest_id)
        .map(decorate)
        .ok_or(DomainError::NotFound("room"))
}

#[tracing::instrument(skip(db, form), err(level = "debug"))]
pub async fn create(
    db: &Db,
    hackfest_id: Uuid,
    form: &RoomForm,
    actor: &str,
) -> Result<Room, DomainError> {
    let mut tx = db.begin().await?;
    let made = create_in(&mut tx, hackfest_id, form, actor).await?;
    tx.commit().await?;
    Ok(made)
}

/// [`create`] inside the caller's transaction (the demo loads in one).
pub async fn create_in(
    tx: &mut Tx,
    hackfest_id: Uuid,
    form: &RoomForm,
    actor: &str,
) -> Result<Room, DomainError> {
    let new = form.parse()?;
    Ok(decorate(
        write::create_in(tx, HackfestId(hackfest_id), &new, actor).await?,
    ))
}

/// Saves `form` over the room if it is still at `expected_version`; otherwise
/// returns `Conflict` with the current room and writes nothing. A name another room
/// of the hackfest has is a field error on `name`.
#[tracing::instrument(skip(db, form), err(level = "debug"))]
pub async fn update(
    db: &Db,
    hackfest_id: Uuid,
    id: Uuid,
    expected_version: i64,
    form: &RoomForm,
    actor: &str,
) -> Result<Room, DomainError> {
    let new = form.parse()?;
    let w = Update::open(
        db,
        HackfestId(hackfest_id),
        RoomId(id),
        expected_version,
        async |r: Room| decorate(r),
    )
    .await?;
    w.save(&new, Edit::update(actor)).await
}

impl From<&Room> for NewRoom {
    fn from(r: &Room) -> NewRoom {
        let hours = r.hours();
        NewRoom {
            name: r.name.clone(),
            location: r.location.clone(),
            capacity: r.capacity,
            equipment: r.equipment.clone(),
            notes: r.notes.clone(),
            open_for_breakouts: r.open_for_breakouts,
            opens: hours.map(|h| h.0),
            closes: hours.map(|h| h.1),
            closed: r.closed.clone(),
        }
    }
}

impl Versioned for Room {
    type Id = RoomId;
    type Input = NewRoom;
    type More = ();
    const ENTITY: &'static str = "room";
    const WHAT: &'static str = "room";

    write::row_keys!(RoomId);
    fn new_fields(new: &NewRoom) -> Fields {
        new.field_values()
    }
    fn old_fields(&self, _: &NewRoom) -> Fields {
        NewRoom::from(self).field_values()
    }
    write::repo_sql!();
    /// Its sessions carry its name: a rename renames them too.
    async fn write_more(
        &self,
        tx: &mut Tx,
        _: &NewRoom,
        _: &str,
        _: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        repo::rename_sessions(tx, self.id, &self.name).await
    }
    fn message<'a>(
        &self,
        _: &NewRoom,
        _: &(),
        event: &'static str,
        actor: &'a str,
        at: DateTime<Utc>,
    ) -> Message<'a> {
        Message::new(self.hackfest_id, "room", self.id, event, actor, self, at)
            .page(format!("/rooms/{}", self.id))
    }
}
