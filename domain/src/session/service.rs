use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::repo as session_repo;
use super::warnings::{self, Ack, Warning};
use super::{HackSession, NewSession, SessionForm, repo};
use crate::db::{Db, Tx};
use crate::hackfest::Hackfest;
use crate::history::Fields;
use crate::ids::{HackfestId, SessionId};
use crate::outbox::Message;
use crate::room::{self, Room};
use crate::write::{self, Edit, Update, Versioned};
use crate::{DomainError, FieldErrors, markdown};

use crate::hackfest::service::tz as zone;

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
    // `@name` insists on an account: one nobody signed in with is a mistake, where a
    // plain name may be a guest.
    for (field, what, names) in [
        ("participants", "Participants", &s.participants),
        (
            "optional_participants",
            "Optional participants",
            &s.optional_participants,
        ),
    ] {
        let asked: Vec<String> = names
            .iter()
            .filter_map(|n| n.strip_prefix('@'))
            .map(str::to_owned)
            .collect();
        if asked.is_empty() {
            continue;
        }
        let known = crate::user::repo::known_usernames(tx, &asked).await?;
        if let Some(unknown) = asked.iter().find(|a| !known.contains(a)) {
            e.add(
                field,
                format!(
                    "{what}: @{} has never signed in here; write a guest's name without @.",
                    crate::text::shown(unknown)
                ),
            );
        }
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
    rooms: Rooms,
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
    if rooms == Rooms::Breakouts && !r.open_for_breakouts {
        return Err(FieldErrors::single(
            "room_id",
            format!(
                "Room {} is booked by the organizers; attendees book the rooms open for breakouts.",
                r.name
            ),
        )
        .into());
    }
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
    if let Some(c) = r.closed_during(s.starts_at, s.ends_at) {
        return Err(FieldErrors::single(
            "room_id",
            format!("Room {} is closed {}.", r.name, c.shown()),
        )
        .into());
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

/// Which rooms a save may book a session into, or move it out of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rooms {
    /// Any room of the hackfest: organizers (and the demo, imports, tests).
    All,
    /// Only rooms open for breakouts: attendees book a free slot there for a session of
    /// their own, and may move sessions between such rooms; organizers place the rest.
    Breakouts,
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
    /// Kept by an edit; added to by [`acknowledge`].
    acknowledged: Vec<Ack>,
}

/// How history shows the acknowledged warnings: one line each, "text (by who)".
fn acknowledged_field(acks: &[Ack]) -> (&'static str, String) {
    (
        "acknowledged",
        acks.iter()
            .map(|a| format!("{} (acknowledged by {})", a.text, a.by))
            .collect::<Vec<_>>()
            .join("\n"),
    )
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
    rooms: Rooms,
) -> Result<Scheduled, DomainError> {
    let (starts_at, ends_at) = check(tx, h, &new).await?;
    if let Some(r) = book(tx, h, &new, except, (starts_at, ends_at), rooms).await? {
        new.room = r.name;
        new.room_id = Some(r.id);
    }
    // Checked: an account is stored by its name.
    for n in new
        .participants
        .iter_mut()
        .chain(new.optional_participants.iter_mut())
    {
        if let Some(plain) = n.strip_prefix('@') {
            *n = plain.to_owned();
        }
    }
    Ok(Scheduled {
        new,
        starts_at,
        ends_at,
        tz: zone(h),
        cancelled_at: None,
        acknowledged: Vec::new(),
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
        optional_participants: &s.new.optional_participants,
        acknowledged: &s.acknowledged,
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
        optional_participants: s.optional_participants.clone(),
        goal_ids: s.goal_ids.clone(),
        agenda: s.agenda.clone(),
        notes: s.notes.clone(),
    }
}

/// Creates a session in any room (see [`create_as`]).
pub async fn create(
    db: &Db,
    h: &Hackfest,
    form: &SessionForm,
    actor: &str,
) -> Result<HackSession, DomainError> {
    create_as(db, h, form, actor, Rooms::All).await
}

/// Creates a session booked in one of `rooms`: the session with its warnings.
#[tracing::instrument(skip(db, h, form), err(level = "debug"))]
pub async fn create_as(
    db: &Db,
    h: &Hackfest,
    form: &SessionForm,
    actor: &str,
    rooms: Rooms,
) -> Result<HackSession, DomainError> {
    let mut tx = db.begin().await?;
    let new = schedule(&mut tx, h, form.parse()?, None, rooms).await?;
    let s = write::create_in(&mut tx, HackfestId(h.id), &new, actor).await?;
    tx.commit().await?;
    Ok(with_warnings(db, h, decorate(s, new.tz)).await)
}

/// [`create`] inside the caller's transaction (the demo loads in one); no warnings
/// are attached.
pub async fn create_in(
    tx: &mut Tx,
    h: &Hackfest,
    form: &SessionForm,
    actor: &str,
) -> Result<HackSession, DomainError> {
    let new = schedule(tx, h, form.parse()?, None, Rooms::All).await?;
    let s = write::create_in(tx, HackfestId(h.id), &new, actor).await?;
    Ok(decorate(s, new.tz))
}

/// How many neighbours a session's warnings read at most.
const NEAR_MAX: i64 = 500;

/// The warnings of `s` (decorated), from its neighbours in time and its room (two
/// queries), and who is away (the travel records of people who share their days: a
/// third).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn warnings_of(
    db: &Db,
    h: &Hackfest,
    s: &HackSession,
) -> Result<Vec<Warning>, DomainError> {
    if s.cancelled_at.is_some() {
        return Ok(Vec::new());
    }
    let tz = zone(h);
    let near: Vec<HackSession> = repo::near(db, h.id, s.id, s.starts_at, s.ends_at, NEAR_MAX)
        .await?
        .into_iter()
        .map(|mut o| {
            o.starts_local = Some(o.starts_at.with_timezone(&tz).naive_local());
            o.ends_local = Some(o.ends_at.with_timezone(&tz).naive_local());
            o
        })
        .collect();
    let capacity = match s.room_id {
        Some(r) => room::repo::get(db, r).await?.and_then(|r| r.capacity),
        None => None,
    };
    let stays = crate::travel::service::stays(db, h.id).await?;
    let mut out = warnings::of(s, capacity, &near, &stays);
    for w in &mut out {
        w.acknowledged_local = w
            .acknowledged
            .as_ref()
            .map(|a| a.at.with_timezone(&tz).naive_local());
    }
    Ok(out)
}

/// `s` with its warnings; a failure to read them is logged and shows none (the save
/// or read it follows has succeeded).
pub async fn with_warnings(db: &Db, h: &Hackfest, mut s: HackSession) -> HackSession {
    match warnings_of(db, h, &s).await {
        Ok(w) => s.warnings = w,
        Err(e) => tracing::warn!(session = %s.id, error = %e, "reading a session's warnings"),
    }
    s
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
        f.push(acknowledged_field(&s.acknowledged));
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
        f.push(acknowledged_field(&self.acknowledged));
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
            .users(
                self.participants
                    .iter()
                    .chain(&self.optional_participants)
                    .map(String::as_str),
            )
            .page(format!("/sessions/{}", self.id))
    }
}

/// Saves `form` over the session (in any room; see [`update_as`]).
pub async fn update(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    expected_version: i64,
    form: &SessionForm,
    actor: &str,
) -> Result<HackSession, DomainError> {
    update_as(db, h, id, expected_version, form, actor, Rooms::All).await
}

/// Opens session `id` of hackfest `h` for a save at `expected_version`: what it shows
/// (the result, or the current session of a conflict) is decorated. (A macro: the
/// closure's type cannot be named in a function's signature with its future `Send`.)
macro_rules! open {
    ($db:expr, $h:expr, $id:expr, $expected_version:expr) => {{
        let tz = zone($h);
        Update::open(
            $db,
            HackfestId($h.id),
            SessionId($id),
            $expected_version,
            async move |s: HackSession| decorate(s, tz),
        )
        .await?
    }};
}

/// A save that changes when or where the session is: message `hackfest.session.schedule`.
fn moved(current: &HackSession, new: &Scheduled) -> bool {
    current.starts_at != new.starts_at
        || current.ends_at != new.ends_at
        || current.room_id != new.new.room_id
        || (current.room_id.is_none() && current.room != new.new.room)
}

/// Saves `form` over the session if it is still at `expected_version`; otherwise
/// returns `Conflict` with the current session and writes nothing. With
/// [`Rooms::Breakouts`], a move (time or room) must leave and land in rooms open for
/// breakouts. A move is message `hackfest.session.schedule`, any other edit
/// `hackfest.session.update`; the result carries the session's warnings.
#[tracing::instrument(skip(db, h, form), err(level = "debug"))]
pub async fn update_as(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    expected_version: i64,
    form: &SessionForm,
    actor: &str,
    rooms: Rooms,
) -> Result<HackSession, DomainError> {
    let new = form.parse()?;
    let mut w = open!(db, h, id, expected_version);
    // Bookings are checked in the turn: another save may take the slot.
    let (current_room, current) = (w.current.room_id, w.current.clone());
    let tx = w.lock().await?;
    let mut new = schedule(tx, h, new, Some(id), Rooms::All).await?;
    let moves = moved(&current, &new);
    if moves && rooms == Rooms::Breakouts {
        let from = match current_room {
            Some(r) => room::repo::get_in_tx(tx, r).await?,
            None => None,
        };
        let to = match new.new.room_id {
            Some(r) => room::repo::get_in_tx(tx, r).await?,
            None => None,
        };
        if let Some(r) = [from, to]
            .into_iter()
            .flatten()
            .find(|r| !r.open_for_breakouts)
        {
            return Err(FieldErrors::single(
                "room_id",
                format!(
                    "Room {} is booked by the organizers: only they move its sessions; attendees book the rooms open for breakouts.",
                    r.name
                ),
            )
            .into());
        }
    }
    // An edit neither cancels nor reinstates, and keeps what was acknowledged.
    new.cancelled_at = current.cancelled_at;
    new.acknowledged = current.acknowledged.clone();
    let edit = Edit {
        actor,
        action: "update",
        event: if moves { "schedule" } else { "update" },
    };
    Ok(with_warnings(db, h, w.save(&new, edit).await?).await)
}

/// What the session's row holds now, as the input of a save that changes only what
/// the caller sets after (cancelled, acknowledged).
fn as_is(c: &HackSession, tz: Tz) -> Scheduled {
    Scheduled {
        new: NewSession {
            starts_at: c.starts_at.with_timezone(&tz).naive_local(),
            ends_at: c.ends_at.with_timezone(&tz).naive_local(),
            ..as_new(c)
        },
        starts_at: c.starts_at,
        ends_at: c.ends_at,
        tz,
        cancelled_at: c.cancelled_at,
        acknowledged: c.acknowledged.clone(),
    }
}

/// Appends `markdown` to the notes of session `id` of `h`, in the caller's transaction
/// (who commits): a meeting's import. History `import`, message
/// `hackfest.session.update`. Notes that would grow past [`super::TEXT_MAX`]
/// characters are a field error on `field`, and nothing is written.
pub async fn append_notes_in(
    tx: &mut Tx,
    h: &Hackfest,
    id: Uuid,
    markdown: &str,
    actor: &str,
    field: &str,
) -> Result<(), DomainError> {
    let current: HackSession = write::current(tx, HackfestId(h.id), SessionId(id)).await?;
    let mut input = as_is(&current, zone(h));
    let notes = match current.notes.trim_end() {
        "" => markdown.to_owned(),
        before => format!("{before}\n\n{markdown}"),
    };
    if notes.chars().count() > super::TEXT_MAX {
        return Err(FieldErrors::single(
            field,
            format!(
                "The session's notes would be longer than {} characters with these notes: import fewer, or shorten the notes first.",
                super::TEXT_MAX
            ),
        )
        .into());
    }
    input.new.notes = notes;
    let version = current.version;
    let edit = Edit {
        actor,
        action: "import",
        event: "update",
    };
    write::update_in(tx, current, version, &input, edit).await?;
    Ok(())
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
    let w = open!(db, h, id, expected_version);
    let mut input = as_is(&w.current, zone(h));
    input.cancelled_at = Some(w.current.cancelled_at.unwrap_or_else(Utc::now));
    let edit = Edit {
        actor,
        action: "cancel",
        event: "cancel",
    };
    w.save(&input, edit).await
}

/// Acknowledges the session's warning `key` (the caller checks that the actor
/// organizes the hackfest) if the session is still at `expected_version`: the
/// acknowledgement (who, when, the warning's text) is stored with the session, in
/// its history (`acknowledge`) and on the bus (`hackfest.session.update`).
/// Acknowledgements of warnings no longer raised are dropped then. A key that is not
/// among the session's warnings now is a field error on `key`.
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn acknowledge(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    expected_version: i64,
    key: &str,
    actor: &str,
) -> Result<HackSession, DomainError> {
    let w = open!(db, h, id, expected_version);
    let tz = zone(h);
    let shown = decorate(w.current.clone(), tz);
    let now = warnings_of(db, h, &shown).await?;
    let Some(warning) = now.iter().find(|x| x.key == key) else {
        return Err(FieldErrors::single(
            "key",
            "This warning is no longer raised: the session or another one changed. Reload the page.",
        )
        .into());
    };
    let mut input = as_is(&w.current, tz);
    input
        .acknowledged
        .retain(|a| a.key != key && now.iter().any(|x| x.key == a.key));
    input.acknowledged.push(Ack {
        key: warning.key.clone(),
        text: warning.text.clone(),
        by: actor.to_owned(),
        at: Utc::now(),
    });
    let edit = Edit {
        actor,
        action: "acknowledge",
        event: "update",
    };
    Ok(with_warnings(db, h, w.save(&input, edit).await?).await)
}
