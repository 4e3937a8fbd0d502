use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::{HackSession, NewSession, SessionForm, repo};
use crate::db::{Db, Tx};
use crate::hackfest::Hackfest;
use crate::history::{self, Change};
use crate::outbox::{self, Message};
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

fn row<'a>(s: &'a NewSession, times: (DateTime<Utc>, DateTime<Utc>)) -> repo::Row<'a> {
    repo::Row {
        title: &s.title,
        kind: s.kind,
        starts_at: times.0,
        ends_at: times.1,
        room: &s.room,
        participants: &s.participants,
        goal_ids: &s.goal_ids,
        agenda: &s.agenda,
        notes: &s.notes,
    }
}

fn as_new(s: &HackSession) -> NewSession {
    NewSession {
        title: s.title.clone(),
        kind: s.kind,
        starts_at: s.starts_local.unwrap_or(s.starts_at.naive_utc()),
        ends_at: s.ends_local.unwrap_or(s.ends_at.naive_utc()),
        room: s.room.clone(),
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
    let new = form.parse()?;
    let id = Uuid::now_v7();
    let now = Utc::now();
    let times = check(tx, h, &new).await?;
    repo::insert(tx, id, h.id, &row(&new, times), now).await?;
    let changes = history::record(
        tx,
        Change::created(h.id, "session", id, actor, new.field_values(), now),
    )
    .await?;
    let s = repo::get_in_tx(tx, id)
        .await?
        .ok_or(DomainError::NotFound("session"))?;
    outbox::enqueue(tx, message(&s, "new", actor, changes, now)).await?;
    Ok(decorate(s, zone(h)))
}

fn message<'a>(
    s: &HackSession,
    event: &'static str,
    actor: &'a str,
    changes: Vec<history::FieldChange>,
    at: DateTime<Utc>,
) -> Message<'a> {
    Message::new(s.hackfest_id, "session", s.id, event, actor, s, at)
        .changes(changes)
        .users(s.participants.iter().map(String::as_str))
        .page(format!("/sessions/{}", s.id))
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
    let now = Utc::now();
    let tz = zone(h);
    let mut tx = db.begin().await?;
    let current = repo::get_in_tx(&mut tx, id)
        .await?
        .filter(|s| s.hackfest_id == h.id)
        .map(|s| decorate(s, tz))
        .ok_or(DomainError::NotFound("session"))?;
    if current.version != expected_version {
        return Err(DomainError::conflict(&current));
    }
    let times = check(&mut tx, h, &new).await?;
    let changes = history::diff(as_new(&current).field_values(), new.field_values());
    if changes.is_empty() {
        return Ok(current);
    }
    if !repo::update(&mut tx, id, expected_version, &row(&new, times), now).await? {
        let current = repo::get_in_tx(&mut tx, id)
            .await?
            .ok_or(DomainError::NotFound("session"))?;
        return Err(DomainError::conflict(&decorate(current, tz)));
    }
    let changes = history::record(
        &mut tx,
        Change::updated(h.id, "session", id, actor, changes, now),
    )
    .await?;
    let s = repo::get_in_tx(&mut tx, id)
        .await?
        .ok_or(DomainError::NotFound("session"))?;
    outbox::enqueue(&mut tx, message(&s, "update", actor, changes, now)).await?;
    tx.commit().await?;
    Ok(decorate(s, tz))
}
