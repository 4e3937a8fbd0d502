use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::repo as session_repo;
use super::{HackSession, NewSession, SessionForm, repo};
use crate::db::{Db, Tx};
use crate::hackfest::Hackfest;
use crate::history::Fields;
use crate::ids::{HackfestId, SessionId};
use crate::outbox::Message;
use crate::room::{self, Room};
use crate::write::{self, Edit, Update, Versioned};
use crate::{DomainError, FieldErrors, markdown};

fn zone(h: &Hackfest) -> Tz {
    h.time_zone.parse().unwrap_or(chrono_tz::UTC)
}

/// Adds what the page shows but the table does not hold: wall-clock times in the
/// hackfest's zone and the rendered Markdown.
pub fn decorate(mut s: HackSession, tz: Tz) -> HackSession {
    s.starts_local = Some(s.starts_at.with_timezone(&tz).naive_local());
    s.ends_local = Some(s.ends_at.with_timezone(&tz).naive_local());
    s.agenda_html = markdown::render(&s.agenda);
    s.notes_html = markdown::render(&s.notes);
    s
}

#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list(db: &Db, h: &Hackfest) -> Result<Vec<HackSession>, DomainError> {
    let tz = zone(h);
    Ok(repo::list_for_hackfest(db, h.id)
        .await?
        .into_iter()
        .map(|s| decorate(s, tz))
        .collect())
}

/// The sessions booked in room `room_id` of this hackfest, in start order.
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn list_in_room(
    db: &Db,
    h: &Hackfest,
    room_id: Uuid,
) -> Result<Vec<HackSession>, DomainError> {
    let tz = zone(h);
    Ok(repo::list_in_room(db, room_id)
        .await?
        .into_iter()
        .filter(|s| s.hackfest_id == h.id)
        .map(|s| decorate(s, tz))
        .collect())
}

/// A session of this hackfest (one of another hackfest is "not found").
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn get(db: &Db, h: &Hackfest, id: Uuid) -> Result<HackSession, DomainError> {
    repo::get(db, id)
        .await?
        .filter(|s| s.hackfest_id == h.id)
        .map(|s| decorate(s, zone(h)))
        .ok_or(DomainError::NotFound("session"))
}

/// Wall-clock time → UTC; a time the clocks skip is a field error, an ambiguous one
/// (the hour repeated in autumn) takes the earlier instant.
fn to_utc(tz: Tz, t: NaiveDateTime, field: &str, what: &str) -> Result<DateTime<Utc>, FieldErrors> {
    tz.from_local_datetime(&t)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            FieldErrors::single(
                field,
                format!(
                    "{what} {} does not exist in {tz}: the clocks change then.",
                    t.format("%Y-%m-%d %H:%M")
                ),
            )
        })
}

/// The rules that need the hackfest and the database.
async fn check(
    tx: &mut Tx,
    h: &Hackfest,
    s: &NewSession,
) -> Result<(DateTime<Utc>, DateTime<Utc>), DomainError> {
    let tz = zone(h);
    let mut e = FieldErrors::new();
    let day = s.starts_at.date();
    if day < h.start_date || day > h.end_date {
        e.add(
            "starts_at",
            format!(
                "The session must start during the hackfest ({} to {}).",
                h.start_date, h.end_date
            ),
        );
    }
    if !tx.all_belong("goals", &s.goal_ids, h.id).await? {
        e.add("goal_ids", "A linked goal does not exist in this hackfest.");
    }
    let starts = to_utc(tz, s.starts_at, "starts_at", "Start").map_err(|f| e.0.extend(f.0));
    let ends = to_utc(tz, s.ends_at, "ends_at", "End").map_err(|f| e.0.extend(f.0));
    match (starts, ends) {
        (Ok(a), Ok(b)) if e.is_empty() => Ok((a, b)),
        _ => Err(e.into()),
    }
}

/// The room the session is booked in: the chosen one (of this hackfest), else the
/// hackfest's room named by the free-text `room`, else none (a free-text place).
/// The room is locked on PostgreSQL, then checked: open over the session's times
/// (on the hackfest's wall clock) and not booked by another session (`except`) over
/// any part of `[starts_at, ends_at)`. Errors are on `room_id`.
async fn book(
    tx: &mut Tx,
    h: &Hackfest,
    s: &NewSession,
    except: Option<Uuid>,
    (starts_at, ends_at): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Option<Room>, DomainError> {
    let id = match s.room_id {
        Some(id) => Some(id),
        None if !s.room.is_empty() => room::repo::id_by_name(tx, h.id, &s.room).await?,
        None => None,
    };
    let Some(id) = id else {
        return Ok(None);
    };
    let Some(r) = room::repo::lock(tx, id)
        .await?
        .filter(|r| r.hackfest_id == h.id)
    else {
        return Err(
            FieldErrors::single("room_id", "The room does not exist in this hackfest.").into(),
        );
    };
    if let Some((opens, closes)) = r.hours() {
        let inside = s.starts_at.date() == s.ends_at.date()
            && s.starts_at.time() >= opens
            && s.ends_at.time() <= closes;
        if !inside {
            return Err(FieldErrors::single(
                "room_id",
                format!(
                    "Room {} is open from {} to {}; the session is outside those hours.",
                    r.name,
                    opens.format("%H:%M"),
                    closes.format("%H:%M")
                ),
            )
            .into());
        }
    }
    let except = except.unwrap_or_else(Uuid::nil);
    if let Some((title, a, b)) =
        session_repo::first_clash(tx, r.id, except, starts_at, ends_at).await?
    {
        let tz = zone(h);
        let (a, b) = (a.with_timezone(&tz), b.with_timezone(&tz));
        let end = if a.date_naive() == b.date_naive() {
            b.format("%H:%M")
        } else {
            b.format("%a %-d %b %H:%M")
        };
        return Err(FieldErrors::single(
            "room_id",
            format!(
                "Room {} is booked for \u{201c}{title}\u{201d}, {}\u{2013}{end}.",
                r.name,
                a.format("%a %-d %b %H:%M")
            ),
        )
        .into());
    }
    Ok(Some(r))
}

/// A parsed session with its wall-clock times turned into instants (by [`check`]):
/// what a create or an update writes.
pub struct Scheduled {
    new: NewSession,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    tz: Tz,
    /// Kept by an edit; set by [`cancel`].
    cancelled_at: Option<DateTime<Utc>>,
}

/// How history shows whether a session is cancelled.
fn cancelled_field(at: Option<DateTime<Utc>>) -> (&'static str, String) {
    ("cancelled", if at.is_some() { "yes" } else { "" }.into())
}

/// Checks `new` (session `except` when it is an update) against the hackfest and
/// the database, and books its room: the session to write.
async fn schedule(
    tx: &mut Tx,
    h: &Hackfest,
    mut new: NewSession,
    except: Option<Uuid>,
) -> Result<Scheduled, DomainError> {
    let (starts_at, ends_at) = check(tx, h, &new).await?;
    if let Some(r) = book(tx, h, &new, except, (starts_at, ends_at)).await? {
        new.room = r.name;
        new.room_id = Some(r.id);
    }
    Ok(Scheduled {
        new,
        starts_at,
        ends_at,
        tz: zone(h),
        cancelled_at: None,
    })
}

fn row(s: &Scheduled) -> repo::Row<'_> {
    repo::Row {
        title: &s.new.title,
        kind: s.new.kind,
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        room: &s.new.room,
        room_id: s.new.room_id,
        participants: &s.new.participants,
        goal_ids: &s.new.goal_ids,
        agenda: &s.new.agenda,
        notes: &s.new.notes,
        cancelled_at: s.cancelled_at,
    }
}

fn as_new(s: &HackSession) -> NewSession {
    NewSession {
        title: s.title.clone(),
        kind: s.kind,
        starts_at: s.starts_local.unwrap_or(s.starts_at.naive_utc()),
        ends_at: s.ends_local.unwrap_or(s.ends_at.naive_utc()),
        room: s.room.clone(),
        room_id: s.room_id,
        participants: s.participants.clone(),
        goal_ids: s.goal_ids.clone(),
        agenda: s.agenda.clone(),
        notes: s.notes.clone(),
    }
}

#[tracing::instrument(skip(db, h, form), err(level = "debug"))]
pub async fn create(
    db: &Db,
    h: &Hackfest,
    form: &SessionForm,
    actor: &str,
) -> Result<HackSession, DomainError> {
    let mut tx = db.begin().await?;
    let made = create_in(&mut tx, h, form, actor).await?;
    tx.commit().await?;
    Ok(made)
}

/// [`create`] inside the caller's transaction (the demo loads in one).
pub async fn create_in(
    tx: &mut Tx,
    h: &Hackfest,
    form: &SessionForm,
    actor: &str,
) -> Result<HackSession, DomainError> {
    let new = schedule(tx, h, form.parse()?, None).await?;
    let s = write::create_in(tx, HackfestId(h.id), &new, actor).await?;
    Ok(decorate(s, new.tz))
}

impl Versioned for HackSession {
    type Id = SessionId;
    type Input = Scheduled;
    type More = ();
    const ENTITY: &'static str = "session";
    const WHAT: &'static str = "session";

    write::row_keys!(SessionId);
    fn new_fields(s: &Scheduled) -> Fields {
        let mut f = s.new.field_values();
        f.push(cancelled_field(s.cancelled_at));
        f
    }
    /// On the hackfest's wall clock, as the form has them.
    fn old_fields(&self, s: &Scheduled) -> Fields {
        let mut f = NewSession {
            starts_at: self.starts_at.with_timezone(&s.tz).naive_local(),
            ends_at: self.ends_at.with_timezone(&s.tz).naive_local(),
            ..as_new(self)
        }
        .field_values();
        f.push(cancelled_field(self.cancelled_at));
        f
    }
    async fn read(tx: &mut Tx, id: SessionId) -> Result<Option<HackSession>, sqlx::Error> {
        repo::get_in_tx(tx, id.0).await
    }
    async fn insert(
        tx: &mut Tx,
        id: SessionId,
        hackfest: HackfestId,
        s: &Scheduled,
        _: &str,
        at: DateTime<Utc>,
    ) -> Result<HackSession, sqlx::Error> {
        repo::insert(tx, id, hackfest, &row(s), at).await
    }
    async fn update(
        tx: &mut Tx,
        id: SessionId,
        expected_version: i64,
        s: &Scheduled,
        at: DateTime<Utc>,
    ) -> Result<Option<HackSession>, sqlx::Error> {
        repo::update(tx, id, expected_version, &row(s), at).await
    }
    fn message<'a>(
        &self,
        _: &Scheduled,
        _: &(),
        event: &'static str,
        actor: &'a str,
        at: DateTime<Utc>,
    ) -> Message<'a> {
        Message::new(self.hackfest_id, "session", self.id, event, actor, self, at)
            .users(self.participants.iter().map(String::as_str))
            .page(format!("/sessions/{}", self.id))
    }
}

/// Saves `form` over the session if it is still at `expected_version`; otherwise
/// returns `Conflict` with the current session and writes nothing.
#[tracing::instrument(skip(db, h, form), err(level = "debug"))]
pub async fn update(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    expected_version: i64,
    form: &SessionForm,
    actor: &str,
) -> Result<HackSession, DomainError> {
    let new = form.parse()?;
    let tz = zone(h);
    let mut w = Update::open(
        db,
        HackfestId(h.id),
        SessionId(id),
        expected_version,
        async move |s: HackSession| decorate(s, tz),
    )
    .await?;
    // Bookings are checked in the turn: another save may take the slot.
    let mut new = schedule(w.lock().await?, h, new, Some(id)).await?;
    // An edit neither cancels nor reinstates.
    new.cancelled_at = w.current.cancelled_at;
    w.save(&new, Edit::update(actor)).await
}

/// Cancels the session (the caller checks that the actor organizes the hackfest) if
/// it is still at `expected_version`: it stays, marked cancelled (the feeds show it
/// `STATUS:CANCELLED`), and no longer holds its room. History `cancel`, message
/// `hackfest.session.cancel`. Cancelling a cancelled session changes nothing.
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn cancel(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    expected_version: i64,
    actor: &str,
) -> Result<HackSession, DomainError> {
    let tz = zone(h);
    let w = Update::open(
        db,
        HackfestId(h.id),
        SessionId(id),
        expected_version,
        async move |s: HackSession| decorate(s, tz),
    )
    .await?;
    let c = &w.current;
    let input = Scheduled {
        new: NewSession {
            starts_at: c.starts_at.with_timezone(&tz).naive_local(),
            ends_at: c.ends_at.with_timezone(&tz).naive_local(),
            ..as_new(c)
        },
        starts_at: c.starts_at,
        ends_at: c.ends_at,
        tz,
        cancelled_at: Some(c.cancelled_at.unwrap_or_else(Utc::now)),
    };
    let edit = Edit {
        actor,
        action: "cancel",
        event: "cancel",
    };
    w.save(&input, edit).await
}
