use chrono::Utc;
use uuid::Uuid;

use super::{Hackfest, HackfestForm, NewHackfest, repo};
use crate::db::{Db, Tx};
use crate::history::{self, Change};
use crate::outbox::{self, Message};
use crate::user::{self, Role};
use crate::{DomainError, FieldErrors};

#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list(db: &Db) -> Result<Vec<Hackfest>, DomainError> {
    Ok(repo::list(db).await?)
}

#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn by_slug(db: &Db, slug: &str) -> Result<Hackfest, DomainError> {
    repo::by_slug(db, slug)
        .await?
        .ok_or(DomainError::NotFound("hackfest"))
}

/// Who made a hackfest that nobody signed in made (the demo, tests, operators' tools).
pub const SYSTEM: &str = "system";

/// Creates a hackfest, recorded as made by [`SYSTEM`], with no organizer yet.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn create(db: &Db, form: &HackfestForm) -> Result<Hackfest, DomainError> {
    create_by(db, form, SYSTEM, None).await
}

/// Creates a hackfest made by `actor`; `organizer` (the signed-in creator's user id)
/// becomes its first organizer. All in one transaction, with its history row and
/// `hackfest.hackfest.new`: a failure leaves no hackfest without its organizer. The
/// answer is the hackfest as written in that transaction (no read after commit).
#[tracing::instrument(skip(db, form), err(level = "debug"))]
pub async fn create_by(
    db: &Db,
    form: &HackfestForm,
    actor: &str,
    organizer: Option<Uuid>,
) -> Result<Hackfest, DomainError> {
    let mut tx = db.begin().await?;
    let h = create_in(&mut tx, form, actor, organizer).await?;
    tx.commit().await?;
    Ok(h)
}

/// [`create_by`] inside the caller's transaction (the demo loads in one).
pub async fn create_in(
    tx: &mut Tx,
    form: &HackfestForm,
    actor: &str,
    organizer: Option<Uuid>,
) -> Result<Hackfest, DomainError> {
    let new = form.parse()?;
    if repo::slug_taken(tx, new.slug.as_str()).await? {
        return Err(
            FieldErrors::single("slug", "This slug is already used by another hackfest.").into(),
        );
    }
    let id = Uuid::now_v7();
    let now = Utc::now();
    repo::insert(tx, id, &new, now).await?;
    let mut fields = field_values(&new);
    if let Some(user_id) = organizer {
        user::repo::set_membership_in(tx, id, user_id, Role::Organizer, now).await?;
        fields.push(("organizer", actor.to_owned()));
    }
    let changes =
        history::record(tx, Change::created(id, "hackfest", id, actor, fields, now)).await?;
    let h = repo::get_in_tx(tx, id)
        .await?
        .ok_or(DomainError::NotFound("hackfest"))?;
    outbox::enqueue(
        tx,
        Message::new(id, "hackfest", id, "new", actor, &h, now).changes(changes),
    )
    .await?;
    Ok(h)
}

/// The hackfest's fields as text, in form order (for its history).
fn field_values(h: &NewHackfest) -> history::Fields {
    vec![
        ("slug", h.slug.as_str().to_owned()),
        ("title", h.title.clone()),
        ("start_date", h.start_date.to_string()),
        ("end_date", h.end_date.to_string()),
        ("time_zone", h.time_zone.clone()),
        ("location", h.location.clone()),
        ("description", h.description.clone()),
    ]
}

/// A person's membership as history and the bus see it.
#[derive(serde::Serialize)]
struct Member<'a> {
    /// The person's user id (the message's object id).
    id: Uuid,
    hackfest_id: Uuid,
    username: &'a str,
    role: &'static str,
}

/// Gives `user` (whose username is `username`) at least `role` in the hackfest, with a
/// history row and a `hackfest.member.<event>` message, in one transaction; a person
/// who already has that role (a repeated join or grant) changes nothing. Returns
/// the stored role as this transaction left it (no read after commit).
async fn set_role(
    db: &Db,
    h: &Hackfest,
    user_id: Uuid,
    username: &str,
    role: Role,
    event: &'static str,
    actor: &str,
) -> Result<Role, DomainError> {
    let mut tx = db.begin().await?;
    let before = user::repo::membership_in(&mut tx, h.id, user_id).await?;
    if before.is_some_and(|b| b >= role) {
        return Ok(before.unwrap_or(role));
    }
    let now = Utc::now();
    user::repo::set_membership_in(&mut tx, h.id, user_id, role, now).await?;
    let label = |r: Option<Role>| r.map(|r| r.label().to_owned()).unwrap_or_default();
    let changes = history::record(
        &mut tx,
        Change {
            hackfest_id: h.id,
            entity: "member",
            entity_id: user_id,
            action: event,
            actor,
            changes: vec![("role", label(before), label(Some(role)))],
            at: now,
        },
    )
    .await?;
    let member = Member {
        id: user_id,
        hackfest_id: h.id,
        username,
        role: role.label(),
    };
    outbox::enqueue(
        &mut tx,
        Message::new(h.id, "member", user_id, event, actor, &member, now)
            .changes(changes)
            .users([username]),
    )
    .await?;
    tx.commit().await?;
    Ok(role)
}

/// The signed-in person joins the hackfest as an attendee (`hackfest.member.join`).
/// Returns their stored role (an organizer who joins stays one).
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn join(
    db: &Db,
    h: &Hackfest,
    user_id: Uuid,
    username: &str,
) -> Result<Role, DomainError> {
    set_role(db, h, user_id, username, Role::Attendee, "join", username).await
}

/// `actor` makes the person an organizer of the hackfest (`hackfest.member.organizer`).
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn grant_organizer(
    db: &Db,
    h: &Hackfest,
    user_id: Uuid,
    username: &str,
    actor: &str,
) -> Result<Role, DomainError> {
    set_role(
        db,
        h,
        user_id,
        username,
        Role::Organizer,
        "organizer",
        actor,
    )
    .await
}

/// The hackfest's time zone (UTC if the stored name is unknown): the one place a
/// stored zone name is parsed.
pub fn tz(h: &Hackfest) -> chrono_tz::Tz {
    zone_named(&h.time_zone)
}

/// The zone called `name` (UTC if the name is unknown).
pub fn zone_named(name: &str) -> chrono_tz::Tz {
    name.parse().unwrap_or(chrono_tz::UTC)
}

/// `t` on the hackfest's wall clock.
pub fn local(h: &Hackfest, t: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    t.with_timezone(&tz(h)).naive_local()
}

/// Today's date on the hackfest's wall clock.
pub fn today(h: &Hackfest) -> chrono::NaiveDate {
    Utc::now().with_timezone(&tz(h)).date_naive()
}

/// When `day` begins and ends (the next day's start) on the hackfest's wall clock, in UTC.
pub fn day_bounds(
    h: &Hackfest,
    day: chrono::NaiveDate,
) -> (chrono::DateTime<Utc>, chrono::DateTime<Utc>) {
    use chrono::TimeZone;
    let tz = tz(h);
    let start = |d: chrono::NaiveDate| {
        let t = d.and_time(chrono::NaiveTime::MIN);
        tz.from_local_datetime(&t)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&t))
    };
    (start(day), start(day.succ_opt().unwrap_or(day)))
}
