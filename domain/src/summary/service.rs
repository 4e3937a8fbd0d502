use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::draft::{self, Day, Event, GoalLine, Line, Record, SessionHeld};
use super::repo::{self, NewSummary};
use super::{BODY_MAX, Generated, Published, Summary, SummaryForm, SummaryStatus};
use crate::db::{Db, Tx};
use crate::hackfest::Hackfest;
use crate::hackfest::service::{day_bounds, tz};
use crate::history::Fields;
use crate::ids::{HackfestId, SummaryId};
use crate::outbox::Message;
use crate::page::{RevisionDiff, RevisionSummary};
use crate::write::{self, Edit, Outcome, Update, Versioned};
use crate::{DomainError, FieldErrors, on_db};

/// At most this many history rows of a day are read for its draft.
pub const HISTORY_LIMIT: i64 = 2_000;
/// At most this many sessions of a day, and items of each list of the event summary.
pub const LIST_LIMIT: i64 = 200;
/// Who drafts the days that ended ([`draft_due`]).
pub const DRAFTER: &str = "hackfest";

/// "Monday, 23 March 2026 — CI Hackfest", or "CI Hackfest: summary of the week".
pub fn title(h: &Hackfest, day: Option<NaiveDate>) -> String {
    match day {
        Some(d) => format!("{} — {}", d.format("%A, %-d %B %Y"), h.title),
        None => format!("{}: summary of the week", h.title),
    }
}

/// A day of the hackfest, or the field error on `day`.
fn check_day(h: &Hackfest, day: Option<NaiveDate>) -> Result<(), FieldErrors> {
    match day {
        Some(d) if d < h.start_date || d > h.end_date => Err(FieldErrors::single(
            "day",
            format!(
                "{d} is not a day of this hackfest ({} – {}).",
                h.start_date, h.end_date
            ),
        )),
        _ => Ok(()),
    }
}

/// "revision 2 (812 bytes)" for the body, "812 bytes" for the generated text: history
/// keeps no summary text (the revisions do).
fn recorded(changes: write::Changes, revision: i64) -> write::Changes {
    crate::page::service::without_bodies(changes, revision)
        .into_iter()
        .map(|(f, old, new)| {
            if f == "generated" {
                let size = |t: &str| format!("{} bytes", t.len());
                (f, size(&old), size(&new))
            } else {
                (f, old, new)
            }
        })
        .collect()
}

fn fields(s: &NewSummary) -> Fields {
    vec![
        ("title", s.title.clone()),
        ("body", s.body.clone()),
        ("generated", s.generated.clone()),
        ("status", s.status.to_string()),
        (
            "published_revision",
            s.published_revision
                .map(|r| r.to_string())
                .unwrap_or_default(),
        ),
        (
            "published_at",
            s.published_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ),
    ]
}

/// A summary as `hackfest.summary.publish` carries it: no text, its revision.
#[derive(serde::Serialize)]
struct SummaryOnTheBus<'s> {
    id: Uuid,
    hackfest_id: Uuid,
    day: Option<NaiveDate>,
    title: &'s str,
    revision: i64,
    version: i64,
    body_bytes: usize,
    published_at: Option<DateTime<Utc>>,
    url: &'s str,
}

/// Every save is a revision of the text (a save that changes neither title nor body
/// keeps its revision); only publishing goes on the bus.
impl Versioned for Summary {
    type Id = SummaryId;
    type Input = NewSummary;
    /// The revision the save left the text at.
    type More = i64;
    const ENTITY: &'static str = "summary";
    const WHAT: &'static str = "summary";

    write::row_keys!(SummaryId);
    fn new_fields(new: &NewSummary) -> Fields {
        fields(new)
    }
    fn old_fields(&self, _: &NewSummary) -> Fields {
        fields(&NewSummary::from(self))
    }
    async fn read(tx: &mut Tx, id: SummaryId) -> Result<Option<Self>, sqlx::Error> {
        repo::get_in_tx(tx, id.0).await
    }
    async fn insert(
        tx: &mut Tx,
        id: SummaryId,
        hackfest: HackfestId,
        new: &NewSummary,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Self, sqlx::Error> {
        repo::insert(tx, id, hackfest, new, actor, at).await
    }
    async fn update(
        tx: &mut Tx,
        id: SummaryId,
        expected_version: i64,
        new: &NewSummary,
        at: DateTime<Utc>,
    ) -> Result<Option<Self>, sqlx::Error> {
        repo::update(tx, id, expected_version, new, &new.actor, at).await
    }
    async fn write_more(
        &self,
        tx: &mut Tx,
        _: &NewSummary,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, sqlx::Error> {
        repo::add_revision(tx, self, actor, at).await?;
        Ok(self.revision)
    }
    fn recorded(changes: write::Changes, revision: &i64) -> write::Changes {
        recorded(changes, *revision)
    }
    fn announced(&self, event: &'static str) -> bool {
        event == "publish"
    }
    fn message<'a>(
        &self,
        new: &NewSummary,
        _: &i64,
        event: &'static str,
        actor: &'a str,
        at: DateTime<Utc>,
    ) -> Message<'a> {
        let bus = SummaryOnTheBus {
            id: self.id,
            hackfest_id: self.hackfest_id,
            day: self.day,
            title: &self.title,
            revision: self.revision,
            version: self.version,
            body_bytes: self.body.len(),
            published_at: self.published_at,
            url: &new.url,
        };
        let page = match self.day {
            Some(d) => format!("/summary/{d}"),
            None => "/summary".to_owned(),
        };
        Message::new(self.hackfest_id, "summary", self.id, event, actor, &bus, at).page(page)
    }
}

/// The summary of `day` (None: the event summary), if there is one (never for a day
/// outside the hackfest).
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn get(
    db: &Db,
    h: &Hackfest,
    day: Option<NaiveDate>,
) -> Result<Option<Summary>, DomainError> {
    Ok(repo::by_day(db, h.id, day).await?)
}

/// Every summary of the hackfest, drafts too (for its members): the event summary
/// first, then by day (a month at most, so at most 32).
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn list(db: &Db, h: &Hackfest) -> Result<Vec<Summary>, DomainError> {
    Ok(repo::list(db, h.id).await?)
}

/// The summary `id` of this hackfest.
pub async fn by_id(db: &Db, h: &Hackfest, id: SummaryId) -> Result<Summary, DomainError> {
    repo::get(db, id.0)
        .await?
        .filter(|s| s.hackfest_id == h.id)
        .ok_or(DomainError::NotFound("summary"))
}

/// What the day's draft is made of, read in `tx` (bounded).
async fn day_input(tx: &mut Tx, h: &Hackfest, day: NaiveDate) -> Result<Day, DomainError> {
    let bounds = day_bounds(h, day);
    let zone = tz(h);
    let (sessions, sessions_total) = repo::sessions_in(tx, h.id, bounds, LIST_LIMIT).await?;
    let (history, history_total) =
        crate::history::between_in(tx, h.id, bounds, Summary::ENTITY, HISTORY_LIMIT).await?;
    let ids = |entity: &str| {
        let mut v: Vec<Uuid> = history
            .iter()
            .filter(|e| e.entity == entity)
            .map(|e| e.entity_id)
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let mut refs = repo::refs_in(
        tx,
        h.id,
        &ids("decision"),
        &ids("action_item"),
        &ids("goal"),
        &ids("page"),
        &ids("question"),
    )
    .await?;
    // The decisions that replaced those superseded, for "superseded by".
    let mut by: Vec<Uuid> = refs.decisions.iter().filter_map(|d| d.2).collect();
    by.sort();
    by.dedup();
    let replacing = repo::refs_in(tx, h.id, &by, &[], &[], &[], &[]).await?;
    refs.decisions.extend(replacing.decisions);

    let slug = &h.slug;
    let mut records = HashMap::new();
    let mut put = |id: Uuid, title: String, path: String| {
        records.insert(
            id,
            Record {
                title,
                path,
                ..Default::default()
            },
        );
    };
    for (id, title, ..) in &sessions {
        put(*id, title.clone(), format!("/h/{slug}/sessions/{id}"));
    }
    for (id, title) in refs.goals {
        put(id, title, format!("/h/{slug}/goals/{id}"));
    }
    for (id, page, title) in refs.pages {
        put(id, title, format!("/h/{slug}/pages/{page}"));
    }
    for (id, question, page) in refs.questions {
        put(id, question, format!("/h/{slug}/pages/{page}#q-{id}"));
    }
    for (id, title, superseded_by) in refs.decisions {
        let path = format!("/h/{slug}/decisions/{id}");
        records.insert(
            id,
            Record {
                title,
                path,
                superseded_by,
                ..Default::default()
            },
        );
    }
    for (id, title, owner, due) in refs.actions {
        let path = format!("/h/{slug}/actions/{id}");
        records.insert(
            id,
            Record {
                title,
                path,
                owner,
                due,
                ..Default::default()
            },
        );
    }
    let read = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    Ok(Day {
        sessions_cut: usize::try_from(sessions_total - read(sessions.len())).unwrap_or(0),
        history_cut: usize::try_from(history_total - read(history.len())).unwrap_or(0),
        sessions: sessions
            .into_iter()
            .map(|(id, title, starts, ends, notes)| SessionHeld {
                id,
                title,
                starts: starts.with_timezone(&zone).time(),
                ends: ends.with_timezone(&zone).time(),
                notes,
            })
            .collect(),
        history,
        records,
    })
}

/// What the event summary is made of, read in `tx` (bounded).
async fn event_input(tx: &mut Tx, h: &Hackfest) -> Result<Event, DomainError> {
    let rows = repo::event_in(tx, h.id, LIST_LIMIT).await?;
    let slug = &h.slug;
    Ok(Event {
        hackfest_slug: slug.clone(),
        days: h
            .start_date
            .iter_days()
            .take_while(|d| *d <= h.end_date)
            .collect(),
        goals: rows
            .goals
            .into_iter()
            .map(|(id, title, kind, status, progress, outcome)| GoalLine {
                title,
                path: format!("/h/{slug}/goals/{id}"),
                big: kind == "big",
                status,
                progress: u8::try_from(progress).unwrap_or(0),
                outcome,
            })
            .collect(),
        decisions: rows
            .decisions
            .into_iter()
            .map(|(id, title, status)| Line {
                title,
                path: format!("/h/{slug}/decisions/{id}"),
                detail: status,
                due: None,
            })
            .collect(),
        open_actions: rows
            .open_actions
            .into_iter()
            .map(|(id, title, owner, due)| Line {
                title,
                path: format!("/h/{slug}/actions/{id}"),
                detail: owner,
                due,
            })
            .collect(),
        cut: usize::try_from(rows.cut).unwrap_or(0),
    })
}

/// The draft text of `day` (None: the event) from what is stored now.
async fn drafted(tx: &mut Tx, h: &Hackfest, day: Option<NaiveDate>) -> Result<String, DomainError> {
    let text = match day {
        Some(d) => draft::daily(&day_input(tx, h, d).await?),
        None => draft::event(&event_input(tx, h).await?),
    };
    Ok(draft::fit(text, BODY_MAX))
}

/// The next revision when title or body change, else the current one.
fn revision_after(current: &Summary, title: &str, body: &str) -> i64 {
    if current.title != title || current.body != body {
        current.revision + 1
    } else {
        current.revision
    }
}

/// Drafts the summary of `day` (None: the event summary) if it has none; otherwise
/// regenerates it, keeping the organizers' edits (see [`draft`]). One transaction.
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn generate(
    db: &Db,
    h: &Hackfest,
    day: Option<NaiveDate>,
    actor: &str,
) -> Result<Generated, DomainError> {
    check_day(h, day)?;
    let mut tx = db.begin().await?;
    let g = generate_in(&mut tx, h, day, actor).await?;
    tx.commit().await?;
    Ok(g)
}

/// [`generate`] inside the caller's transaction (the demo loads in one).
pub async fn generate_in(
    tx: &mut Tx,
    h: &Hackfest,
    day: Option<NaiveDate>,
    actor: &str,
) -> Result<Generated, DomainError> {
    check_day(h, day)?;
    let text = drafted(tx, h, day).await?;
    let Some(current) = repo::by_day_in(tx, h.id, day).await? else {
        let new = NewSummary {
            day,
            title: title(h, day),
            body: text.clone(),
            generated: text,
            status: SummaryStatus::Draft,
            revision: 1,
            published_revision: None,
            published_at: None,
            actor: actor.to_owned(),
            url: String::new(),
        };
        let summary = write::create_in(tx, HackfestId(h.id), &new, actor).await?;
        return Ok(Generated {
            summary,
            additions: Vec::new(),
        });
    };
    let merged = draft::merge(&current.body, &current.generated, &text);
    if merged.body.chars().count() > BODY_MAX {
        return Err(FieldErrors::single(
            "body",
            format!(
                "Regenerating would make the text longer than {BODY_MAX} characters; \
                 shorten it first."
            ),
        )
        .into());
    }
    let new = NewSummary {
        revision: revision_after(&current, &current.title, &merged.body),
        body: merged.body,
        generated: text,
        actor: actor.to_owned(),
        ..NewSummary::from(&current)
    };
    let edit = Edit {
        actor,
        action: "generate",
        event: "generate",
    };
    let version = current.version;
    let summary = match write::update_in(tx, current, version, &new, edit).await? {
        Outcome::Saved(s) | Outcome::Unchanged(s) => s,
        Outcome::Stale(s) => return Err(DomainError::conflict(&s)),
    };
    Ok(Generated {
        summary,
        additions: merged.additions,
    })
}

/// Saves the organizers' title and text if the summary is still at
/// `expected_version` (else `Conflict` with the current summary).
#[tracing::instrument(skip(db, h, form), err(level = "debug"))]
pub async fn update(
    db: &Db,
    h: &Hackfest,
    id: SummaryId,
    expected_version: i64,
    form: &SummaryForm,
    actor: &str,
) -> Result<Summary, DomainError> {
    let text = form.parse()?;
    let w = Update::open(
        db,
        HackfestId(h.id),
        id,
        expected_version,
        async |s: Summary| s,
    )
    .await?;
    let new = NewSummary {
        revision: revision_after(&w.current, &text.title, &text.body),
        title: text.title,
        body: text.body,
        actor: actor.to_owned(),
        ..NewSummary::from(&w.current)
    };
    w.save(&new, Edit::update(actor)).await
}

/// The new state of `current` published at its current revision.
fn published_state(current: &Summary, actor: &str, url: &str) -> Result<NewSummary, DomainError> {
    if current.body.trim().is_empty() {
        return Err(FieldErrors::single(
            "body",
            "An empty summary cannot be published; write or generate its text first.",
        )
        .into());
    }
    Ok(NewSummary {
        status: SummaryStatus::Published,
        published_revision: Some(current.revision),
        published_at: Some(Utc::now()),
        actor: actor.to_owned(),
        url: url.to_owned(),
        ..NewSummary::from(current)
    })
}

fn publish_edit(actor: &str) -> Edit<'_> {
    Edit {
        actor,
        action: "publish",
        event: "publish",
    }
}

/// Publishes the summary at its current revision (again, after corrections): the
/// public then sees that revision; one `hackfest.summary.publish` message. `url` is
/// the published page's address, carried in the message.
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn publish(
    db: &Db,
    h: &Hackfest,
    id: SummaryId,
    expected_version: i64,
    actor: &str,
    url: &str,
) -> Result<Summary, DomainError> {
    let w = Update::open(
        db,
        HackfestId(h.id),
        id,
        expected_version,
        async |s: Summary| s,
    )
    .await?;
    let new = published_state(&w.current, actor, url)?;
    w.save(&new, publish_edit(actor)).await
}

/// [`publish`] inside the caller's transaction.
pub async fn publish_in(
    tx: &mut Tx,
    current: Summary,
    actor: &str,
    url: &str,
) -> Result<Summary, DomainError> {
    let new = published_state(&current, actor, url)?;
    let version = current.version;
    match write::update_in(tx, current, version, &new, publish_edit(actor)).await? {
        Outcome::Saved(s) | Outcome::Unchanged(s) => Ok(s),
        Outcome::Stale(s) => Err(DomainError::conflict(&s)),
    }
}

fn shown(r: repo::PublishedRow) -> Published {
    Published {
        id: r.id,
        hackfest_id: r.hackfest_id,
        day: r.day,
        title: r.title,
        revision: r.revision,
        body_html: crate::markdown::render(&r.body),
        published_at: r.published_at,
        updated_at: r.updated_at,
    }
}

/// The hackfest's published summaries, as published: the event summary, then by day.
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn published(db: &Db, h: &Hackfest) -> Result<Vec<Published>, DomainError> {
    let rows = repo::published(db, h.id, None).await?;
    Ok(rows.into_iter().map(shown).collect())
}

/// The published summary of `day` (None: the event), as published.
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn published_one(
    db: &Db,
    h: &Hackfest,
    day: Option<NaiveDate>,
) -> Result<Option<Published>, DomainError> {
    let scope = repo::scope(day);
    let rows = repo::published(db, h.id, Some(&scope)).await?;
    Ok(rows.into_iter().next().map(shown))
}

/// The newest published summaries of every hackfest (at most `limit`, up to 100).
#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn published_site(
    db: &Db,
    limit: i64,
) -> Result<Vec<(Hackfest, Published)>, DomainError> {
    let rows = repo::published_site(db, limit.clamp(1, 100)).await?;
    let mut ids: Vec<Uuid> = rows.iter().map(|r| r.hackfest_id).collect();
    ids.sort();
    ids.dedup();
    let hackfests: HashMap<Uuid, Hackfest> = repo::hackfests(db, &ids)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| Some((hackfests.get(&r.hackfest_id)?.clone(), shown(r))))
        .collect())
}

/// The summary's revisions, newest first.
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn revisions(
    db: &Db,
    h: &Hackfest,
    id: SummaryId,
) -> Result<Vec<RevisionSummary>, DomainError> {
    by_id(db, h, id).await?;
    let zone = tz(h);
    let mut revisions = repo::revisions(db, id.0).await?;
    for r in &mut revisions {
        r.created_local = Some(r.created_at.with_timezone(&zone).naive_local());
    }
    Ok(revisions)
}

/// What changed from revision `from` to `to`, as the wiki shows it.
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn diff(
    db: &Db,
    h: &Hackfest,
    id: SummaryId,
    from: i64,
    to: i64,
) -> Result<RevisionDiff, DomainError> {
    by_id(db, h, id).await?;
    let get = |n: i64| async move {
        let (title, body, author, created_at) = repo::revision(db, id.0, n)
            .await?
            .ok_or(DomainError::NotFound("revision"))?;
        let r = RevisionSummary {
            number: n,
            title,
            author,
            comment: String::new(),
            created_at,
            created_local: None,
        };
        Ok::<_, DomainError>((r, body))
    };
    let (a, b) = (get(from).await?, get(to).await?);
    crate::page::service::compare(a, b).await
}

/// A new revision with revision `number`'s title and text (history `revert`).
/// Conflict if the summary is no longer at `expected_version`.
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn revert(
    db: &Db,
    h: &Hackfest,
    id: SummaryId,
    number: i64,
    expected_version: i64,
    actor: &str,
) -> Result<Summary, DomainError> {
    let mut w = Update::open(
        db,
        HackfestId(h.id),
        id,
        expected_version,
        async |s: Summary| s,
    )
    .await?;
    let (title, body, ..) = repo::revision_in_tx(w.tx(), id.0, number)
        .await?
        .ok_or(DomainError::NotFound("revision"))?;
    let new = NewSummary {
        revision: revision_after(&w.current, &title, &body),
        title,
        body,
        actor: actor.to_owned(),
        ..NewSummary::from(&w.current)
    };
    let edit = Edit {
        actor,
        action: "revert",
        event: "revert",
    };
    w.save(&new, edit).await
}

/// Drafts every hackfest day that has ended (on its wall clock) by `now` and has no
/// summary yet, as [`DRAFTER`]; each in its own transaction. Returns how many.
#[tracing::instrument(skip(db), err)]
pub async fn draft_due(db: &Db, now: DateTime<Utc>) -> Result<usize, DomainError> {
    let mut made = 0;
    for h in crate::hackfest::repo::list(db).await? {
        let have = repo::days(db, h.id).await?;
        let due: Vec<NaiveDate> = h
            .start_date
            .iter_days()
            .take_while(|d| *d <= h.end_date)
            .filter(|d| day_bounds(&h, *d).1 <= now && !have.contains(d))
            .collect();
        for d in due {
            let mut tx = db.begin().await?;
            // Drafted meanwhile (by an organizer, another instance): left as it is.
            if repo::by_day_in(&mut tx, h.id, Some(d)).await?.is_some() {
                continue;
            }
            match generate_in(&mut tx, &h, Some(d), DRAFTER).await {
                Ok(_) => {
                    tx.commit().await?;
                    made += 1;
                }
                // A racing instance inserted it first (the unique day).
                Err(DomainError::Validation(_)) => drop(tx),
                Err(e) => return Err(e),
            }
        }
    }
    Ok(made)
}

/// What the public summary pages of the hackfest `slug` are made of, as one short
/// string: the hackfest's version and every summary's id, version and published
/// revision. A page's `ETag` is made from it (a change to any of them may change the
/// page: its text, its list of days). `None` when there is no such hackfest.
pub async fn fingerprint(db: &Db, slug: &str) -> Result<Option<String>, DomainError> {
    let hackfest: Option<(Uuid, i64)> = on_db!(db, p => sqlx::query_as(
        "SELECT id, version FROM hackfests WHERE slug = $1",
    )
    .bind(slug)
    .fetch_optional(p)
    .await)?;
    let Some((id, version)) = hackfest else {
        return Ok(None);
    };
    let rows: Vec<(Uuid, i64, Option<i64>)> = on_db!(db, p => sqlx::query_as(
        "SELECT id, version, published_revision FROM summaries WHERE hackfest_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(p)
    .await)?;
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (id, version, rows).hash(&mut hasher);
    Ok(Some(format!("{:016x}", hasher.finish())))
}
