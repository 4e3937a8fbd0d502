use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{Summary, SummaryStatus};
use crate::db::{Db, Tx};
use crate::hackfest::Hackfest;
use crate::ids::{HackfestId, SummaryId};
use crate::page::RevisionSummary;
use crate::{on_db, on_tx};

pub const COLUMNS: &str = "id, hackfest_id, day, title, body, generated, status, revision, \
                           published_revision, published_at, version, created_at, updated_at, \
                           updated_by";

/// What a save of a summary stores.
#[derive(Clone, Debug, PartialEq)]
pub struct NewSummary {
    pub day: Option<NaiveDate>,
    pub title: String,
    pub body: String,
    pub generated: String,
    pub status: SummaryStatus,
    /// The body's revision after this save (the next one when title or body change).
    pub revision: i64,
    pub published_revision: Option<i64>,
    pub published_at: Option<DateTime<Utc>>,
    /// Who saves (`updated_by`).
    pub actor: String,
    /// The published page's address, for the publish message (empty otherwise).
    pub url: String,
}

impl From<&Summary> for NewSummary {
    fn from(s: &Summary) -> Self {
        NewSummary {
            day: s.day,
            title: s.title.clone(),
            body: s.body.clone(),
            generated: s.generated.clone(),
            status: s.status,
            revision: s.revision,
            published_revision: s.published_revision,
            published_at: s.published_at,
            actor: s.updated_by.clone(),
            url: String::new(),
        }
    }
}

/// The unique key beside the hackfest: `event` or the day.
pub fn scope(day: Option<NaiveDate>) -> String {
    day.map_or_else(|| "event".to_owned(), |d| d.to_string())
}

pub async fn get_in_tx(tx: &mut Tx, id: Uuid) -> Result<Option<Summary>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM summaries WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)
}

pub async fn by_day(
    db: &Db,
    hackfest_id: Uuid,
    day: Option<NaiveDate>,
) -> Result<Option<Summary>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM summaries WHERE hackfest_id = $1 AND scope = $2");
    on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).bind(scope(day)).fetch_optional(p).await)
}

pub async fn by_day_in(
    tx: &mut Tx,
    hackfest_id: Uuid,
    day: Option<NaiveDate>,
) -> Result<Option<Summary>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM summaries WHERE hackfest_id = $1 AND scope = $2");
    on_tx!(tx, c => sqlx::query_as(&sql).bind(hackfest_id).bind(scope(day)).fetch_optional(c).await)
}

pub async fn get(db: &Db, id: Uuid) -> Result<Option<Summary>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM summaries WHERE id = $1");
    on_db!(db, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await)
}

/// The hackfest's summaries: the event summary first, then by day.
pub async fn list(db: &Db, hackfest_id: Uuid) -> Result<Vec<Summary>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM summaries WHERE hackfest_id = $1 ORDER BY day IS NOT NULL, day"
    );
    on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).fetch_all(p).await)
}

/// The days of the hackfest that have a summary.
pub async fn days(db: &Db, hackfest_id: Uuid) -> Result<Vec<NaiveDate>, sqlx::Error> {
    on_db!(db, p => sqlx::query_scalar(
        "SELECT day FROM summaries WHERE hackfest_id = $1 AND day IS NOT NULL ORDER BY day",
    )
    .bind(hackfest_id)
    .fetch_all(p)
    .await)
}

pub async fn insert(
    tx: &mut Tx,
    id: SummaryId,
    hackfest_id: HackfestId,
    s: &NewSummary,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<Summary, sqlx::Error> {
    let sql = format!(
        "INSERT INTO summaries (scope, {COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, NULL, NULL, 1, $9, $9, $10) RETURNING {COLUMNS}"
    );
    on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(scope(s.day))
        .bind(id)
        .bind(hackfest_id)
        .bind(s.day)
        .bind(&s.title)
        .bind(&s.body)
        .bind(&s.generated)
        .bind(s.status)
        .bind(at)
        .bind(actor)
        .fetch_one(c)
        .await)
}

/// Writes only if the stored version is still `expected_version`.
pub async fn update(
    tx: &mut Tx,
    id: SummaryId,
    expected_version: i64,
    s: &NewSummary,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<Option<Summary>, sqlx::Error> {
    let sql = format!(
        "UPDATE summaries SET title = $3, body = $4, generated = $5, status = $6, revision = $7, \
         published_revision = $8, published_at = $9, version = version + 1, updated_at = $10, \
         updated_by = $11 WHERE id = $1 AND version = $2 RETURNING {COLUMNS}"
    );
    on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(expected_version)
        .bind(&s.title)
        .bind(&s.body)
        .bind(&s.generated)
        .bind(s.status)
        .bind(s.revision)
        .bind(s.published_revision)
        .bind(s.published_at)
        .bind(at)
        .bind(actor)
        .fetch_optional(c)
        .await)
}

/// Stores the summary's current revision unless it is stored already (a save that
/// changed neither title nor body, such as publishing, keeps its revision).
pub async fn add_revision(
    tx: &mut Tx,
    s: &Summary,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO summary_revisions (id, summary_id, revision, title, body, actor, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (summary_id, revision) DO NOTHING",
    )
    .bind(Uuid::now_v7())
    .bind(s.id)
    .bind(s.revision)
    .bind(&s.title)
    .bind(&s.body)
    .bind(actor)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ()))
}

/// Newest first, as the wiki lists revisions (a summary's revisions have no comment).
pub async fn revisions(db: &Db, summary_id: Uuid) -> Result<Vec<RevisionSummary>, sqlx::Error> {
    on_db!(db, p => sqlx::query_as(
        "SELECT revision AS number, title, actor AS author, '' AS comment, created_at \
         FROM summary_revisions WHERE summary_id = $1 ORDER BY revision DESC",
    )
    .bind(summary_id)
    .fetch_all(p)
    .await)
}

/// (title, body, author, created_at) of revision `number`.
pub type RevisionRow = (String, String, String, DateTime<Utc>);

pub async fn revision(
    db: &Db,
    summary_id: Uuid,
    number: i64,
) -> Result<Option<RevisionRow>, sqlx::Error> {
    on_db!(db, p => sqlx::query_as(
        "SELECT title, body, actor, created_at FROM summary_revisions \
         WHERE summary_id = $1 AND revision = $2",
    )
    .bind(summary_id)
    .bind(number)
    .fetch_optional(p)
    .await)
}

pub async fn revision_in_tx(
    tx: &mut Tx,
    summary_id: Uuid,
    number: i64,
) -> Result<Option<RevisionRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT title, body, actor, created_at FROM summary_revisions \
         WHERE summary_id = $1 AND revision = $2",
    )
    .bind(summary_id)
    .bind(number)
    .fetch_optional(c)
    .await)
}

/// A published summary with the title and body of its published revision.
#[derive(sqlx::FromRow)]
pub struct PublishedRow {
    pub id: Uuid,
    pub hackfest_id: Uuid,
    pub day: Option<NaiveDate>,
    pub title: String,
    pub body: String,
    pub revision: i64,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const PUBLISHED: &str = "SELECT s.id, s.hackfest_id, s.day, r.title, r.body, r.revision, \
                         s.published_at, s.updated_at FROM summaries s \
                         JOIN summary_revisions r ON r.summary_id = s.id \
                         AND r.revision = s.published_revision \
                         WHERE s.status = 'published' AND s.published_at IS NOT NULL";

/// The hackfest's published summaries (or the one of `scope`): the event summary
/// first, then by day.
pub async fn published(
    db: &Db,
    hackfest_id: Uuid,
    scope: Option<&str>,
) -> Result<Vec<PublishedRow>, sqlx::Error> {
    let sql = format!(
        "{PUBLISHED} AND s.hackfest_id = $1{} ORDER BY s.day IS NOT NULL, s.day",
        if scope.is_some() {
            " AND s.scope = $2"
        } else {
            ""
        }
    );
    on_db!(db, p => {
        let mut q = sqlx::query_as(&sql).bind(hackfest_id);
        if let Some(s) = scope {
            q = q.bind(s);
        }
        q.fetch_all(p).await
    })
}

/// The newest published summaries of every hackfest.
pub async fn published_site(db: &Db, limit: i64) -> Result<Vec<PublishedRow>, sqlx::Error> {
    let sql = format!("{PUBLISHED} ORDER BY s.published_at DESC, s.id LIMIT $1");
    on_db!(db, p => sqlx::query_as(&sql).bind(limit).fetch_all(p).await)
}

/// The hackfests with these ids.
pub async fn hackfests(db: &Db, ids: &[Uuid]) -> Result<Vec<Hackfest>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT id, slug, title, start_date, end_date, time_zone, location, description, \
         version, created_at, updated_at FROM hackfests WHERE id IN ({})",
        marks.join(", ")
    );
    on_db!(db, p => {
        let mut q = sqlx::query_as(&sql);
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(p).await
    })
}

/// Rows of `sql` (which selects from one table `WHERE hackfest_id = $1 AND id IN
/// ({ids})`) for `ids`, in chunks so no query has too many parameters.
macro_rules! refs {
    ($tx:expr, $sql:expr, $hackfest:expr, $ids:expr, $row:ty) => {{
        let mut out: Vec<$row> = Vec::new();
        for chunk in $ids.chunks(500) {
            let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = $sql.replace("{ids}", &marks.join(", "));
            let rows: Vec<$row> = on_tx!($tx, c => {
                let mut q = sqlx::query_as(&sql).bind($hackfest);
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(c).await
            })?;
            out.extend(rows);
        }
        out
    }};
}

/// What the daily draft says of the objects its history names.
#[derive(Default)]
pub struct Refs {
    /// (id, title, superseded_by)
    pub decisions: Vec<(Uuid, String, Option<Uuid>)>,
    /// (id, title, owner, due)
    pub actions: Vec<(Uuid, String, String, Option<NaiveDate>)>,
    /// (id, title)
    pub goals: Vec<(Uuid, String)>,
    /// (id, slug, title)
    pub pages: Vec<(Uuid, String, String)>,
    /// (id, question, page slug)
    pub questions: Vec<(Uuid, String, String)>,
}

/// The objects with these ids of the hackfest, by kind.
pub async fn refs_in(
    tx: &mut Tx,
    hackfest_id: Uuid,
    decisions: &[Uuid],
    actions: &[Uuid],
    goals: &[Uuid],
    pages: &[Uuid],
    questions: &[Uuid],
) -> Result<Refs, sqlx::Error> {
    Ok(Refs {
        decisions: refs!(
            tx,
            "SELECT id, title, superseded_by FROM decisions WHERE hackfest_id = $1 AND id IN ({ids})",
            hackfest_id,
            decisions,
            (Uuid, String, Option<Uuid>)
        ),
        actions: refs!(
            tx,
            "SELECT id, title, owner, due_date FROM action_items WHERE hackfest_id = $1 AND id IN ({ids})",
            hackfest_id,
            actions,
            (Uuid, String, String, Option<NaiveDate>)
        ),
        goals: refs!(
            tx,
            "SELECT id, title FROM goals WHERE hackfest_id = $1 AND id IN ({ids})",
            hackfest_id,
            goals,
            (Uuid, String)
        ),
        pages: refs!(
            tx,
            "SELECT id, slug, title FROM pages WHERE hackfest_id = $1 AND id IN ({ids})",
            hackfest_id,
            pages,
            (Uuid, String, String)
        ),
        questions: refs!(
            tx,
            "SELECT q.id, q.question, p.slug FROM page_questions q JOIN pages p ON p.id = q.page_id \
             WHERE q.hackfest_id = $1 AND q.id IN ({ids})",
            hackfest_id,
            questions,
            (Uuid, String, String)
        ),
    })
}

/// (id, title, starts_at, ends_at, notes) of up to `limit` sessions starting in
/// `from..to`, in start order; and how many there are in all.
pub type SessionRow = (Uuid, String, DateTime<Utc>, DateTime<Utc>, String);

pub async fn sessions_in(
    tx: &mut Tx,
    hackfest_id: Uuid,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    limit: i64,
) -> Result<(Vec<SessionRow>, i64), sqlx::Error> {
    const WHERE: &str = "WHERE hackfest_id = $1 AND starts_at >= $2 AND starts_at < $3";
    let rows = on_tx!(tx, c => sqlx::query_as(&format!(
        "SELECT id, title, starts_at, ends_at, notes FROM hack_sessions {WHERE} \
         ORDER BY starts_at, id LIMIT $4"
    ))
    .bind(hackfest_id)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(c)
    .await)?;
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM hack_sessions {WHERE}"
    ))
    .bind(hackfest_id)
    .bind(from)
    .bind(to)
    .fetch_one(c)
    .await)?;
    Ok((rows, total))
}

/// What the event summary lists, each list at most `limit` long.
#[derive(Default)]
pub struct EventRows {
    /// (id, title, kind, status, progress, outcome), big goals first.
    pub goals: Vec<(Uuid, String, String, String, i32, String)>,
    /// (id, title, status)
    pub decisions: Vec<(Uuid, String, String)>,
    /// (id, title, owner, due) of the open action items.
    pub open_actions: Vec<(Uuid, String, String, Option<NaiveDate>)>,
    /// How many rows the lists left out.
    pub cut: i64,
}

pub async fn event_in(
    tx: &mut Tx,
    hackfest_id: Uuid,
    limit: i64,
) -> Result<EventRows, sqlx::Error> {
    const OPEN: &str = "status NOT IN ('done', 'dropped')";
    let goals = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, title, kind, status, progress, outcome FROM goals WHERE hackfest_id = $1 \
         ORDER BY kind = 'small', created_at, id LIMIT $2",
    )
    .bind(hackfest_id)
    .bind(limit)
    .fetch_all(c)
    .await)?;
    let decisions = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, title, status FROM decisions WHERE hackfest_id = $1 \
         ORDER BY created_at, id LIMIT $2",
    )
    .bind(hackfest_id)
    .bind(limit)
    .fetch_all(c)
    .await)?;
    let open_actions = on_tx!(tx, c => sqlx::query_as(&format!(
        "SELECT id, title, owner, due_date FROM action_items WHERE hackfest_id = $1 AND {OPEN} \
         ORDER BY due_date IS NULL, due_date, created_at, id LIMIT $2"
    ))
    .bind(hackfest_id)
    .bind(limit)
    .fetch_all(c)
    .await)?;
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(&format!(
        "SELECT (SELECT COUNT(*) FROM goals WHERE hackfest_id = $1) \
         + (SELECT COUNT(*) FROM decisions WHERE hackfest_id = $1) \
         + (SELECT COUNT(*) FROM action_items WHERE hackfest_id = $1 AND {OPEN})"
    ))
    .bind(hackfest_id)
    .fetch_one(c)
    .await)?;
    let mut rows = EventRows {
        goals,
        decisions,
        open_actions,
        cut: 0,
    };
    let read = rows.goals.len() + rows.decisions.len() + rows.open_actions.len();
    rows.cut = total - i64::try_from(read).unwrap_or(i64::MAX);
    Ok(rows)
}
