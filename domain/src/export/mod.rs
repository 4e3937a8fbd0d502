//! A whole hackfest out of the database and back (issue 11, item 8): the JSON export
//! (every object with every column, its revisions and the history) that [`import`]
//! restores into another database, on either backend, all or nothing; and the Markdown
//! tar ([`markdown_tar`]), one file per object, for reading.
//!
//! The JSON is deterministic: rows in (created_at, id) order, timestamps at microsecond
//! precision (what PostgreSQL keeps), so two exports of the same data differ only in
//! `exported_at`, and export → import → export gives the same bytes apart from it.
//!
//! Not exported: the outbox (messages already announced; a restore announces nothing,
//! so an import writes no outbox row) and sign-in sessions. Members are exported as
//! the identity they signed in with (issuer, subject, username, display name); an
//! import reuses the user with that identity or creates it.

mod markdown;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, SecondsFormat, SubsecRound, Utc};
use serde::{Deserialize, Serialize, Serializer};
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::decision::FollowUp;
use crate::history::FieldChange;
use crate::{DomainError, FieldErrors, on_tx};

pub use markdown::{file_part, markdown_tar};

/// The `format` of every export.
pub const FORMAT: &str = "hackfest-export";
/// The schema this version writes and reads.
pub const SCHEMA_VERSION: u32 = 1;
/// Files larger than this are refused before parsing.
pub const IMPORT_MAX_BYTES: usize = 64 * 1024 * 1024;

/// Timestamps as RFC 3339 in UTC with exactly six fractional digits: what both
/// databases keep, so an export never depends on the backend it came from.
fn micros<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&stamp(*t))
}

fn micros_opt<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_some(&stamp(*t)),
        None => s.serialize_none(),
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.trunc_subsecs(6)
        .to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn us(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}

/// One hackfest, everything an import needs to restore it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    pub format: String,
    pub schema_version: u32,
    #[serde(serialize_with = "micros")]
    pub exported_at: DateTime<Utc>,
    pub hackfest: HackfestRow,
    pub goals: Vec<GoalRow>,
    pub goal_notes: Vec<GoalNoteRow>,
    /// Rooms, before the sessions booked in them.
    #[serde(default)]
    pub rooms: Vec<RoomRow>,
    pub sessions: Vec<SessionRow>,
    pub decisions: Vec<DecisionRow>,
    pub action_items: Vec<ActionRow>,
    pub pages: Vec<PageRow>,
    pub questions: Vec<QuestionRow>,
    pub summaries: Vec<SummaryRow>,
    pub history: Vec<HistoryRow>,
    pub members: Vec<MemberRow>,
}

impl Export {
    /// The document as pretty JSON (what the HTTP route and the CLI write).
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct HackfestRow {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub time_zone: String,
    pub location: String,
    pub description: String,
    pub version: i64,
    #[serde(serialize_with = "micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "micros")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct GoalRow {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub status: String,
    pub progress: i32,
    pub owner: String,
    pub outcome: String,
    pub version: i64,
    #[serde(serialize_with = "micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "micros")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct GoalNoteRow {
    pub id: Uuid,
    pub goal_id: Uuid,
    pub author: String,
    pub body: String,
    #[serde(serialize_with = "micros")]
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct RoomRow {
    pub id: Uuid,
    pub name: String,
    pub location: String,
    pub capacity: Option<i64>,
    pub equipment: Json<Vec<String>>,
    pub notes: String,
    pub open_for_breakouts: bool,
    pub opens: Option<String>,
    pub closes: Option<String>,
    /// Closed periods (older exports have none).
    #[serde(default, skip_serializing_if = "no_items")]
    pub closed: Json<Vec<crate::room::Closed>>,
    pub version: i64,
    #[serde(serialize_with = "micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "micros")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct SessionRow {
    pub id: Uuid,
    pub title: String,
    pub kind: String,
    #[serde(serialize_with = "micros")]
    pub starts_at: DateTime<Utc>,
    #[serde(serialize_with = "micros")]
    pub ends_at: DateTime<Utc>,
    pub room: String,
    /// The room it is booked in (none: free text only).
    #[serde(default)]
    pub room_id: Option<Uuid>,
    /// When an organizer cancelled it (none: it takes place).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "micros_opt"
    )]
    pub cancelled_at: Option<DateTime<Utc>>,
    pub participants: Json<Vec<String>>,
    /// Welcome, not needed (older exports have none).
    #[serde(default, skip_serializing_if = "no_items")]
    pub optional_participants: Json<Vec<String>>,
    /// Warnings an organizer acknowledged (older exports have none).
    #[serde(default, skip_serializing_if = "no_items")]
    pub acknowledged: Json<Vec<crate::session::warnings::Ack>>,
    pub goal_ids: Json<Vec<Uuid>>,
    pub agenda: String,
    pub notes: String,
    pub version: i64,
    #[serde(serialize_with = "micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "micros")]
    pub updated_at: DateTime<Utc>,
}

/// A decision with its goal links and follow-ups (JSON columns of the row).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct DecisionRow {
    pub id: Uuid,
    pub title: String,
    pub context: String,
    pub decision: String,
    pub status: String,
    pub superseded_by: Option<Uuid>,
    pub session_id: Option<Uuid>,
    pub goal_ids: Json<Vec<Uuid>>,
    pub followups: Json<Vec<FollowUp>>,
    pub version: i64,
    #[serde(serialize_with = "micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "micros")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct ActionRow {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub owner: String,
    pub due_date: Option<NaiveDate>,
    pub status: String,
    pub goal_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
    pub decision_id: Option<Uuid>,
    pub version: i64,
    #[serde(serialize_with = "micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "micros")]
    pub updated_at: DateTime<Utc>,
}

/// A page with every revision, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct PageRow {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub version: i64,
    #[serde(serialize_with = "micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "micros")]
    pub updated_at: DateTime<Utc>,
    #[sqlx(skip)]
    pub revisions: Vec<PageRevisionRow>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct PageRevisionRow {
    pub id: Uuid,
    #[serde(skip)]
    pub page_id: Uuid,
    pub number: i64,
    pub title: String,
    pub body: String,
    pub author: String,
    pub comment: String,
    #[serde(serialize_with = "micros")]
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct QuestionRow {
    pub id: Uuid,
    pub page_id: Uuid,
    pub question: String,
    pub answer: String,
    pub state: String,
    pub decision_id: Option<Uuid>,
    pub asked_by: String,
    pub version: i64,
    #[serde(serialize_with = "micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "micros")]
    pub updated_at: DateTime<Utc>,
}

/// A summary with every revision, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct SummaryRow {
    pub id: Uuid,
    pub scope: String,
    pub day: Option<NaiveDate>,
    pub title: String,
    pub body: String,
    pub generated: String,
    pub status: String,
    pub revision: i64,
    pub published_revision: Option<i64>,
    #[serde(serialize_with = "micros_opt")]
    pub published_at: Option<DateTime<Utc>>,
    pub version: i64,
    #[serde(serialize_with = "micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "micros")]
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    #[sqlx(skip)]
    pub revisions: Vec<SummaryRevisionRow>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct SummaryRevisionRow {
    pub id: Uuid,
    #[serde(skip)]
    pub summary_id: Uuid,
    pub revision: i64,
    pub title: String,
    pub body: String,
    pub actor: String,
    #[serde(serialize_with = "micros")]
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct HistoryRow {
    pub id: Uuid,
    pub entity: String,
    pub entity_id: Uuid,
    pub action: String,
    pub actor: String,
    pub changes: Json<Vec<FieldChange>>,
    #[serde(serialize_with = "micros")]
    pub created_at: DateTime<Utc>,
}

/// A member: the identity they sign in with, and their role here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct MemberRow {
    pub username: String,
    pub display_name: String,
    pub issuer: String,
    pub subject: String,
    pub role: String,
    #[serde(serialize_with = "micros")]
    pub created_at: DateTime<Utc>,
}

/// What an import wrote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub hackfest_id: Uuid,
    pub slug: String,
    pub goals: usize,
    pub goal_notes: usize,
    pub rooms: usize,
    pub sessions: usize,
    pub decisions: usize,
    pub action_items: usize,
    pub pages: usize,
    pub page_revisions: usize,
    pub questions: usize,
    pub summaries: usize,
    pub summary_revisions: usize,
    pub history: usize,
    pub members: usize,
    /// Users created because no user had the member's identity.
    pub users_created: usize,
}

async fn rows<T>(tx: &mut Tx, sql: &str, id: Uuid) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    on_tx!(tx, c => sqlx::query_as(sql).bind(id).fetch_all(c).await)
}

/// Sorts by (created_at at microseconds, id): the order of the export whatever the
/// backend's text or timestamp ordering.
fn by_creation<T>(v: &mut [T], key: impl Fn(&T) -> (DateTime<Utc>, Uuid)) {
    v.sort_by_key(|r| {
        let (t, id) = key(r);
        (us(t), id)
    });
}

/// The hackfest `hackfest_id` as one versioned document, read in one transaction (one
/// consistent state). `NotFound` for an unknown id.
#[tracing::instrument(skip_all, err)]
pub async fn json(db: &Db, hackfest_id: Uuid) -> Result<Export, DomainError> {
    // A read transaction: one snapshot, and writers are not held up (SQLite: a
    // deferred BEGIN reads one snapshot of the WAL without the writers' lock).
    let mut tx = match db {
        Db::Sqlite(p, _) => Tx::Sqlite(crate::db::Conn::Tx(p.begin().await?)),
        Db::Postgres(p) => {
            let mut t = p.begin().await?;
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *t)
                .await?;
            Tx::Postgres(crate::db::Conn::Tx(t))
        }
    };
    let hackfest: Option<HackfestRow> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT id, slug, title, start_date, end_date, time_zone, location, description, \
         version, created_at, updated_at FROM hackfests WHERE id = $1",
    )
    .bind(hackfest_id)
    .fetch_optional(c)
    .await)?;
    let hackfest = hackfest.ok_or(DomainError::NotFound("Hackfest"))?;
    let id = hackfest.id;
    let mut goals: Vec<GoalRow> = rows(
        &mut tx,
        "SELECT id, title, description, kind, parent_id, status, progress, owner, outcome, \
         version, created_at, updated_at FROM goals WHERE hackfest_id = $1",
        id,
    )
    .await?;
    by_creation(&mut goals, |r| (r.created_at, r.id));
    let mut goal_notes: Vec<GoalNoteRow> = rows(
        &mut tx,
        "SELECT id, goal_id, author, body, created_at FROM goal_notes WHERE hackfest_id = $1",
        id,
    )
    .await?;
    by_creation(&mut goal_notes, |r| (r.created_at, r.id));
    let mut rooms: Vec<RoomRow> = rows(
        &mut tx,
        "SELECT id, name, location, capacity, equipment, notes, open_for_breakouts, opens, closes, closed, \
         version, created_at, updated_at FROM rooms WHERE hackfest_id = $1",
        id,
    )
    .await?;
    by_creation(&mut rooms, |r| (r.created_at, r.id));
    let mut sessions: Vec<SessionRow> = rows(
        &mut tx,
        "SELECT id, title, kind, starts_at, ends_at, room, room_id, cancelled_at, participants, \
         optional_participants, acknowledged, goal_ids, agenda, notes, version, created_at, updated_at \
         FROM hack_sessions WHERE hackfest_id = $1",
        id,
    )
    .await?;
    by_creation(&mut sessions, |r| (r.created_at, r.id));
    let mut decisions: Vec<DecisionRow> = rows(
        &mut tx,
        "SELECT id, title, context, decision, status, superseded_by, session_id, goal_ids, \
         followups, version, created_at, updated_at FROM decisions WHERE hackfest_id = $1",
        id,
    )
    .await?;
    by_creation(&mut decisions, |r| (r.created_at, r.id));
    let mut action_items: Vec<ActionRow> = rows(
        &mut tx,
        "SELECT id, title, description, owner, due_date, status, goal_id, session_id, \
         decision_id, version, created_at, updated_at FROM action_items WHERE hackfest_id = $1",
        id,
    )
    .await?;
    by_creation(&mut action_items, |r| (r.created_at, r.id));
    let mut pages: Vec<PageRow> = rows(
        &mut tx,
        "SELECT id, slug, title, body, version, created_at, updated_at FROM pages \
         WHERE hackfest_id = $1",
        id,
    )
    .await?;
    by_creation(&mut pages, |r| (r.created_at, r.id));
    let revisions: Vec<PageRevisionRow> = rows(
        &mut tx,
        "SELECT id, page_id, number, title, body, author, comment, created_at FROM page_revisions \
         WHERE page_id IN (SELECT id FROM pages WHERE hackfest_id = $1)",
        id,
    )
    .await?;
    let mut by_page: HashMap<Uuid, Vec<PageRevisionRow>> = HashMap::new();
    for r in revisions {
        by_page.entry(r.page_id).or_default().push(r);
    }
    for p in &mut pages {
        let mut revs = by_page.remove(&p.id).unwrap_or_default();
        revs.sort_by_key(|r| (r.number, r.id));
        p.revisions = revs;
    }
    let mut questions: Vec<QuestionRow> = rows(
        &mut tx,
        "SELECT id, page_id, question, answer, state, decision_id, asked_by, version, created_at, \
         updated_at FROM page_questions WHERE hackfest_id = $1",
        id,
    )
    .await?;
    by_creation(&mut questions, |r| (r.created_at, r.id));
    let mut summaries: Vec<SummaryRow> = rows(
        &mut tx,
        "SELECT id, scope, day, title, body, generated, status, revision, published_revision, \
         published_at, version, created_at, updated_at, updated_by FROM summaries \
         WHERE hackfest_id = $1",
        id,
    )
    .await?;
    by_creation(&mut summaries, |r| (r.created_at, r.id));
    let revisions: Vec<SummaryRevisionRow> = rows(
        &mut tx,
        "SELECT id, summary_id, revision, title, body, actor, created_at FROM summary_revisions \
         WHERE summary_id IN (SELECT id FROM summaries WHERE hackfest_id = $1)",
        id,
    )
    .await?;
    let mut by_summary: HashMap<Uuid, Vec<SummaryRevisionRow>> = HashMap::new();
    for r in revisions {
        by_summary.entry(r.summary_id).or_default().push(r);
    }
    for s in &mut summaries {
        let mut revs = by_summary.remove(&s.id).unwrap_or_default();
        revs.sort_by_key(|r| (r.revision, r.id));
        s.revisions = revs;
    }
    let mut history: Vec<HistoryRow> = rows(
        &mut tx,
        "SELECT id, entity, entity_id, action, actor, changes, created_at FROM history \
         WHERE hackfest_id = $1",
        id,
    )
    .await?;
    by_creation(&mut history, |r| (r.created_at, r.id));
    let mut members: Vec<MemberRow> = rows(
        &mut tx,
        "SELECT u.username, u.display_name, u.issuer, u.subject, m.role, m.created_at \
         FROM hackfest_members m JOIN users u ON u.id = m.user_id WHERE m.hackfest_id = $1",
        id,
    )
    .await?;
    members.sort_by(|a, b| {
        (&a.username, &a.issuer, &a.subject).cmp(&(&b.username, &b.issuer, &b.subject))
    });
    // Read only: nothing to commit (dropping the transaction rolls it back).
    drop(tx);
    Ok(Export {
        format: FORMAT.into(),
        schema_version: SCHEMA_VERSION,
        exported_at: us(Utc::now()),
        hackfest,
        goals,
        goal_notes,
        rooms,
        sessions,
        decisions,
        action_items,
        pages,
        questions,
        summaries,
        history,
        members,
    })
}

fn invalid(field: &str, message: impl Into<String>) -> DomainError {
    DomainError::Validation(FieldErrors::single(field, message))
}

/// What serde_json said, with its line and column, as the error of the file.
fn json_error(e: serde_json::Error) -> DomainError {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Eof => "the file is truncated",
        Category::Syntax => "the file is not valid JSON",
        Category::Data => "the file does not match the export schema",
        Category::Io => "the file could not be read",
    };
    invalid("json", format!("{what}: {e}"))
}

/// The first fields, read before the rest so that a file of another format or a
/// newer schema is named as such rather than as a list of unknown fields.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    schema_version: Option<serde_json::Value>,
}

/// Parses an export and checks its format and schema version, without a database.
pub fn parse(bytes: &[u8]) -> Result<Export, DomainError> {
    if bytes.len() > IMPORT_MAX_BYTES {
        return Err(invalid(
            "json",
            format!(
                "the file is {} bytes; an import reads at most {IMPORT_MAX_BYTES} bytes (64 MiB)",
                bytes.len()
            ),
        ));
    }
    let header: Header = serde_json::from_slice(bytes).map_err(json_error)?;
    match header.format.as_deref() {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(invalid(
                "format",
                format!("this is not a Hackfest export (format {other:?}; expected {FORMAT:?})"),
            ));
        }
        None => {
            return Err(invalid(
                "format",
                format!("this is not a Hackfest export (no \"format\": {FORMAT:?})"),
            ));
        }
    }
    let version = header
        .schema_version
        .as_ref()
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| {
            invalid(
                "schema_version",
                "the file has no schema_version (a whole number)",
            )
        })?;
    if version > u64::from(SCHEMA_VERSION) {
        return Err(invalid(
            "schema_version",
            format!(
                "this file is from a newer Hackfest (schema {version}); this one reads schema {SCHEMA_VERSION}"
            ),
        ));
    }
    if version < 1 {
        return Err(invalid(
            "schema_version",
            format!(
                "schema {version} is not a Hackfest export schema (this one reads schema {SCHEMA_VERSION})"
            ),
        ));
    }
    serde_json::from_slice(bytes).map_err(json_error)
}

/// Every link between the file's objects points at an object of the file (never at
/// another hackfest's row of the target database), and goals form no cycle.
fn check_links(e: &Export) -> Result<(), DomainError> {
    let set = |ids: Vec<Uuid>| ids.into_iter().collect::<HashSet<Uuid>>();
    let goals = set(e.goals.iter().map(|g| g.id).collect());
    let sessions = set(e.sessions.iter().map(|s| s.id).collect());
    let rooms = set(e.rooms.iter().map(|r| r.id).collect());
    let decisions = set(e.decisions.iter().map(|d| d.id).collect());
    let pages = set(e.pages.iter().map(|p| p.id).collect());
    let mut errors = FieldErrors::new();
    let mut need = |field: String, id: Option<Uuid>, ids: &HashSet<Uuid>, kind: &str| {
        if let Some(id) = id
            && !ids.contains(&id)
        {
            errors.add(&field, format!("{id} is not a {kind} of this file"));
        }
    };
    for (i, g) in e.goals.iter().enumerate() {
        need(format!("goals[{i}].parent_id"), g.parent_id, &goals, "goal");
    }
    for (i, n) in e.goal_notes.iter().enumerate() {
        need(
            format!("goal_notes[{i}].goal_id"),
            Some(n.goal_id),
            &goals,
            "goal",
        );
    }
    for (i, s) in e.sessions.iter().enumerate() {
        for g in &s.goal_ids.0 {
            need(format!("sessions[{i}].goal_ids"), Some(*g), &goals, "goal");
        }
        need(format!("sessions[{i}].room_id"), s.room_id, &rooms, "room");
    }
    for (i, d) in e.decisions.iter().enumerate() {
        need(
            format!("decisions[{i}].superseded_by"),
            d.superseded_by,
            &decisions,
            "decision",
        );
        need(
            format!("decisions[{i}].session_id"),
            d.session_id,
            &sessions,
            "session",
        );
        for g in &d.goal_ids.0 {
            need(format!("decisions[{i}].goal_ids"), Some(*g), &goals, "goal");
        }
    }
    for (i, a) in e.action_items.iter().enumerate() {
        need(
            format!("action_items[{i}].goal_id"),
            a.goal_id,
            &goals,
            "goal",
        );
        need(
            format!("action_items[{i}].session_id"),
            a.session_id,
            &sessions,
            "session",
        );
        need(
            format!("action_items[{i}].decision_id"),
            a.decision_id,
            &decisions,
            "decision",
        );
    }
    for (i, q) in e.questions.iter().enumerate() {
        need(
            format!("questions[{i}].page_id"),
            Some(q.page_id),
            &pages,
            "page",
        );
        need(
            format!("questions[{i}].decision_id"),
            q.decision_id,
            &decisions,
            "decision",
        );
    }
    // Goal parents: no cycle (each goal is walked once).
    let parent: HashMap<Uuid, Uuid> = e
        .goals
        .iter()
        .filter_map(|g| g.parent_id.map(|p| (g.id, p)))
        .collect();
    let mut ok: HashSet<Uuid> = HashSet::new();
    for (i, g) in e.goals.iter().enumerate() {
        let mut path = Vec::new();
        let mut on_path = HashSet::new();
        let mut at = Some(g.id);
        while let Some(id) = at {
            if ok.contains(&id) {
                break;
            }
            if !on_path.insert(id) {
                errors.add(
                    &format!("goals[{i}].parent_id"),
                    "the goals' parents form a cycle",
                );
                break;
            }
            path.push(id);
            at = parent.get(&id).copied();
        }
        ok.extend(path);
    }
    Ok(errors.into_result(|| ())?)
}

/// A row the database refused: named by its place in the file, with the reason.
fn row_error(place: String, e: sqlx::Error) -> DomainError {
    let message = match (&e, crate::db::constraint_field_error(&e)) {
        (_, Some(fields)) => fields.to_string(),
        (sqlx::Error::Database(d), None) => d.message().to_owned(),
        _ => return DomainError::Database(e),
    };
    invalid(&place, format!("cannot be restored: {message}"))
}

/// Restores an export into this database, in one transaction: everything or, on any
/// error, nothing. Refused: a file over 64 MiB, malformed or truncated JSON (the error
/// names serde_json's line and column), another format, a newer schema, a slug or id
/// that this database already has, links to objects outside the file. Writes no
/// outbox message (a restore announces nothing).
#[tracing::instrument(skip_all, err)]
pub async fn import(db: &Db, bytes: &[u8]) -> Result<ImportReport, DomainError> {
    let e = parse(bytes)?;
    check_links(&e)?;
    let mut tx = db.begin().await?;
    let report = write(&mut tx, &e).await?;
    // The rows went around the shared write path: index them in this transaction.
    crate::search::reindex(&mut tx, report.hackfest_id).await?;
    tx.commit().await?;
    Ok(report)
}

async fn write(tx: &mut Tx, e: &Export) -> Result<ImportReport, DomainError> {
    let h = &e.hackfest;
    if crate::hackfest::repo::slug_taken(tx, &h.slug).await? {
        return Err(invalid(
            "slug",
            format!(
                "a hackfest with slug {:?} already exists in this database; delete it first or import into another database",
                h.slug
            ),
        ));
    }
    let taken: i64 = on_tx!(&mut *tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM hackfests WHERE id = $1")
        .bind(h.id)
        .fetch_one(c)
        .await)?;
    if taken > 0 {
        return Err(invalid(
            "hackfest.id",
            format!(
                "a hackfest with id {} already exists in this database",
                h.id
            ),
        ));
    }
    let hid = h.id;
    on_tx!(&mut *tx, c => sqlx::query(
        "INSERT INTO hackfests (id, slug, title, start_date, end_date, time_zone, location, \
         description, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(h.id)
    .bind(&h.slug)
    .bind(&h.title)
    .bind(h.start_date)
    .bind(h.end_date)
    .bind(&h.time_zone)
    .bind(&h.location)
    .bind(&h.description)
    .bind(h.version)
    .bind(h.created_at)
    .bind(h.updated_at)
    .execute(c)
    .await
    .map(|_| ()))
    .map_err(|err| row_error("hackfest".into(), err))?;

    // Goals without their parents first (a parent may come later in the file), then
    // the parents.
    for (i, g) in e.goals.iter().enumerate() {
        on_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO goals (id, hackfest_id, title, description, kind, parent_id, status, \
             progress, owner, outcome, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(g.id)
        .bind(hid)
        .bind(&g.title)
        .bind(&g.description)
        .bind(&g.kind)
        .bind(&g.status)
        .bind(g.progress)
        .bind(&g.owner)
        .bind(&g.outcome)
        .bind(g.version)
        .bind(g.created_at)
        .bind(g.updated_at)
        .execute(c)
        .await
        .map(|_| ()))
        .map_err(|err| row_error(format!("goals[{i}]"), err))?;
    }
    for (i, g) in e.goals.iter().enumerate() {
        if let Some(parent) = g.parent_id {
            on_tx!(&mut *tx, c => sqlx::query("UPDATE goals SET parent_id = $2 WHERE id = $1")
                .bind(g.id)
                .bind(parent)
                .execute(c)
                .await
                .map(|_| ()))
            .map_err(|err| row_error(format!("goals[{i}].parent_id"), err))?;
        }
    }
    for (i, n) in e.goal_notes.iter().enumerate() {
        on_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO goal_notes (id, hackfest_id, goal_id, author, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(n.id)
        .bind(hid)
        .bind(n.goal_id)
        .bind(&n.author)
        .bind(&n.body)
        .bind(n.created_at)
        .execute(c)
        .await
        .map(|_| ()))
        .map_err(|err| row_error(format!("goal_notes[{i}]"), err))?;
    }
    for (i, r) in e.rooms.iter().enumerate() {
        on_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO rooms (id, hackfest_id, name, location, capacity, equipment, notes, \
             open_for_breakouts, opens, closes, version, created_at, updated_at, closed) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(r.id)
        .bind(hid)
        .bind(&r.name)
        .bind(&r.location)
        .bind(r.capacity)
        .bind(&r.equipment)
        .bind(&r.notes)
        .bind(r.open_for_breakouts)
        .bind(&r.opens)
        .bind(&r.closes)
        .bind(r.version)
        .bind(r.created_at)
        .bind(r.updated_at)
        .bind(&r.closed)
        .execute(c)
        .await
        .map(|_| ()))
        .map_err(|err| row_error(format!("rooms[{i}]"), err))?;
    }
    for (i, s) in e.sessions.iter().enumerate() {
        on_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO hack_sessions (id, hackfest_id, title, kind, starts_at, ends_at, room, \
             participants, goal_ids, agenda, notes, version, created_at, updated_at, room_id, \
             cancelled_at, optional_participants, acknowledged) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        )
        .bind(s.id)
        .bind(hid)
        .bind(&s.title)
        .bind(&s.kind)
        .bind(s.starts_at)
        .bind(s.ends_at)
        .bind(&s.room)
        .bind(&s.participants)
        .bind(&s.goal_ids)
        .bind(&s.agenda)
        .bind(&s.notes)
        .bind(s.version)
        .bind(s.created_at)
        .bind(s.updated_at)
        .bind(s.room_id)
        .bind(s.cancelled_at)
        .bind(&s.optional_participants)
        .bind(&s.acknowledged)
        .execute(c)
        .await
        .map(|_| ()))
        .map_err(|err| row_error(format!("sessions[{i}]"), err))?;
    }
    // Decisions without `superseded_by` first (the decision replacing one may come
    // later); a superseded one waits as 'proposed' (the schema wants a superseding
    // decision for 'superseded'), then gets its link and status.
    for (i, d) in e.decisions.iter().enumerate() {
        let status = if d.superseded_by.is_some() {
            "proposed"
        } else {
            d.status.as_str()
        };
        on_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO decisions (id, hackfest_id, title, context, decision, status, \
             superseded_by, session_id, goal_ids, followups, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9, $10, $11, $12)",
        )
        .bind(d.id)
        .bind(hid)
        .bind(&d.title)
        .bind(&d.context)
        .bind(&d.decision)
        .bind(status)
        .bind(d.session_id)
        .bind(&d.goal_ids)
        .bind(&d.followups)
        .bind(d.version)
        .bind(d.created_at)
        .bind(d.updated_at)
        .execute(c)
        .await
        .map(|_| ()))
        .map_err(|err| row_error(format!("decisions[{i}]"), err))?;
    }
    for (i, d) in e.decisions.iter().enumerate() {
        if let Some(by) = d.superseded_by {
            on_tx!(&mut *tx, c => sqlx::query(
                "UPDATE decisions SET superseded_by = $2, status = $3 WHERE id = $1",
            )
            .bind(d.id)
            .bind(by)
            .bind(&d.status)
            .execute(c)
            .await
            .map(|_| ()))
            .map_err(|err| row_error(format!("decisions[{i}].superseded_by"), err))?;
        }
    }
    for (i, a) in e.action_items.iter().enumerate() {
        on_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO action_items (id, hackfest_id, title, description, owner, due_date, \
             status, goal_id, session_id, decision_id, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(a.id)
        .bind(hid)
        .bind(&a.title)
        .bind(&a.description)
        .bind(&a.owner)
        .bind(a.due_date)
        .bind(&a.status)
        .bind(a.goal_id)
        .bind(a.session_id)
        .bind(a.decision_id)
        .bind(a.version)
        .bind(a.created_at)
        .bind(a.updated_at)
        .execute(c)
        .await
        .map(|_| ()))
        .map_err(|err| row_error(format!("action_items[{i}]"), err))?;
    }
    let mut page_revisions = 0;
    for (i, p) in e.pages.iter().enumerate() {
        on_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO pages (id, hackfest_id, slug, title, body, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(p.id)
        .bind(hid)
        .bind(&p.slug)
        .bind(&p.title)
        .bind(&p.body)
        .bind(p.version)
        .bind(p.created_at)
        .bind(p.updated_at)
        .execute(c)
        .await
        .map(|_| ()))
        .map_err(|err| row_error(format!("pages[{i}]"), err))?;
        for (j, r) in p.revisions.iter().enumerate() {
            on_tx!(&mut *tx, c => sqlx::query(
                "INSERT INTO page_revisions (id, page_id, number, title, body, author, comment, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(r.id)
            .bind(p.id)
            .bind(r.number)
            .bind(&r.title)
            .bind(&r.body)
            .bind(&r.author)
            .bind(&r.comment)
            .bind(r.created_at)
            .execute(c)
            .await
            .map(|_| ()))
            .map_err(|err| row_error(format!("pages[{i}].revisions[{j}]"), err))?;
            page_revisions += 1;
        }
    }
    for (i, q) in e.questions.iter().enumerate() {
        on_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO page_questions (id, hackfest_id, page_id, question, answer, state, \
             decision_id, asked_by, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(q.id)
        .bind(hid)
        .bind(q.page_id)
        .bind(&q.question)
        .bind(&q.answer)
        .bind(&q.state)
        .bind(q.decision_id)
        .bind(&q.asked_by)
        .bind(q.version)
        .bind(q.created_at)
        .bind(q.updated_at)
        .execute(c)
        .await
        .map(|_| ()))
        .map_err(|err| row_error(format!("questions[{i}]"), err))?;
    }
    let mut summary_revisions = 0;
    for (i, s) in e.summaries.iter().enumerate() {
        on_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO summaries (id, hackfest_id, scope, day, title, body, generated, status, \
             revision, published_revision, published_at, version, created_at, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(s.id)
        .bind(hid)
        .bind(&s.scope)
        .bind(s.day)
        .bind(&s.title)
        .bind(&s.body)
        .bind(&s.generated)
        .bind(&s.status)
        .bind(s.revision)
        .bind(s.published_revision)
        .bind(s.published_at)
        .bind(s.version)
        .bind(s.created_at)
        .bind(s.updated_at)
        .bind(&s.updated_by)
        .execute(c)
        .await
        .map(|_| ()))
        .map_err(|err| row_error(format!("summaries[{i}]"), err))?;
        for (j, r) in s.revisions.iter().enumerate() {
            on_tx!(&mut *tx, c => sqlx::query(
                "INSERT INTO summary_revisions (id, summary_id, revision, title, body, actor, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(r.id)
            .bind(s.id)
            .bind(r.revision)
            .bind(&r.title)
            .bind(&r.body)
            .bind(&r.actor)
            .bind(r.created_at)
            .execute(c)
            .await
            .map(|_| ()))
            .map_err(|err| row_error(format!("summaries[{i}].revisions[{j}]"), err))?;
            summary_revisions += 1;
        }
    }
    for (i, r) in e.history.iter().enumerate() {
        on_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO history (id, hackfest_id, entity, entity_id, action, actor, changes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(r.id)
        .bind(hid)
        .bind(&r.entity)
        .bind(r.entity_id)
        .bind(&r.action)
        .bind(&r.actor)
        .bind(&r.changes)
        .bind(r.created_at)
        .execute(c)
        .await
        .map(|_| ()))
        .map_err(|err| row_error(format!("history[{i}]"), err))?;
    }
    let mut users_created = 0;
    let now = us(Utc::now());
    for (i, m) in e.members.iter().enumerate() {
        let place = format!("members[{i}]");
        let existing: Option<Uuid> = on_tx!(&mut *tx, c => sqlx::query_scalar(
            "SELECT id FROM users WHERE issuer = $1 AND subject = $2",
        )
        .bind(&m.issuer)
        .bind(&m.subject)
        .fetch_optional(c)
        .await)
        .map_err(|err| row_error(place.clone(), err))?;
        let user_id = match existing {
            Some(id) => id,
            None => {
                let id = Uuid::now_v7();
                on_tx!(&mut *tx, c => sqlx::query(
                    "INSERT INTO users (id, issuer, subject, username, display_name, email, groups, \
                     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, '', $6, $7, $7)",
                )
                .bind(id)
                .bind(&m.issuer)
                .bind(&m.subject)
                .bind(&m.username)
                .bind(&m.display_name)
                .bind(Json(Vec::<String>::new()))
                .bind(now)
                .execute(c)
                .await
                .map(|_| ()))
                .map_err(|err| row_error(place.clone(), err))?;
                users_created += 1;
                id
            }
        };
        on_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO hackfest_members (hackfest_id, user_id, role, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(hid)
        .bind(user_id)
        .bind(&m.role)
        .bind(m.created_at)
        .execute(c)
        .await
        .map(|_| ()))
        .map_err(|err| row_error(place, err))?;
    }
    Ok(ImportReport {
        hackfest_id: hid,
        slug: h.slug.clone(),
        goals: e.goals.len(),
        goal_notes: e.goal_notes.len(),
        rooms: e.rooms.len(),
        sessions: e.sessions.len(),
        decisions: e.decisions.len(),
        action_items: e.action_items.len(),
        pages: e.pages.len(),
        page_revisions,
        questions: e.questions.len(),
        summaries: e.summaries.len(),
        summary_revisions,
        history: e.history.len(),
        members: e.members.len(),
        users_created,
    })
}

/// An empty JSON list column is left out of the export (older exports lack it).
fn no_items<T>(v: &Json<Vec<T>>) -> bool {
    v.0.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(e: DomainError, name: &str) -> String {
        match e {
            DomainError::Validation(f) => f
                .get(name)
                .unwrap_or_else(|| panic!("no error on {name}: {f}"))
                .to_owned(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn parse_names_the_problem() {
        let m = field(
            parse(b"{\"format\": \"hackfest-export\", \"sch").unwrap_err(),
            "json",
        );
        assert!(
            m.contains("truncated") && m.contains("line 1 column"),
            "{m}"
        );
        let m = field(parse(b"{\"format\": hackfest}").unwrap_err(), "json");
        assert!(m.contains("not valid JSON") && m.contains("column"), "{m}");
        let m = field(
            parse(br#"{"format": "hackfest-export", "schema_version": 2}"#).unwrap_err(),
            "schema_version",
        );
        assert_eq!(
            m,
            "this file is from a newer Hackfest (schema 2); this one reads schema 1"
        );
        let m = field(
            parse(br#"{"format": "other", "schema_version": 1}"#).unwrap_err(),
            "format",
        );
        assert!(m.contains("not a Hackfest export"), "{m}");
        let m = field(
            parse(br#"{"format": "hackfest-export", "schema_version": 1}"#).unwrap_err(),
            "json",
        );
        assert!(m.contains("missing field"), "{m}");
        let big = vec![b' '; IMPORT_MAX_BYTES + 1];
        assert!(field(parse(&big).unwrap_err(), "json").contains("64 MiB"));
    }

    #[test]
    fn timestamps_have_six_digits() {
        let t: DateTime<Utc> = "2026-03-23T10:00:00.123456789Z".parse().unwrap();
        assert_eq!(stamp(t), "2026-03-23T10:00:00.123456Z");
        let t: DateTime<Utc> = "2026-03-23T10:00:00Z".parse().unwrap();
        assert_eq!(stamp(t), "2026-03-23T10:00:00.000000Z");
    }
}
