use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Goal, GoalKind, GoalStatus, NewGoal};
use crate::db::{Db, Tx};
use crate::ids::{GoalId, HackfestId};
use crate::{on_db, on_tx};

#[derive(sqlx::FromRow)]
pub(crate) struct GoalRow {
    pub id: Uuid,
    pub hackfest_id: Uuid,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub status: String,
    pub progress: i32,
    pub owner: String,
    pub outcome: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<GoalRow> for Goal {
    type Error = sqlx::Error;

    fn try_from(r: GoalRow) -> Result<Self, Self::Error> {
        let outcome_html = crate::markdown::render(&r.outcome);
        Ok(Goal {
            outcome_html,
            ..decode(r)?
        })
    }
}

/// A row as a goal, its outcome not rendered.
fn decode(r: GoalRow) -> Result<Goal, sqlx::Error> {
    // The CHECK constraints guarantee these; a failure means a corrupted row.
    let bad = |m: String| sqlx::Error::Decode(m.into());
    Ok(Goal {
        id: r.id,
        hackfest_id: r.hackfest_id,
        title: r.title,
        description: r.description,
        kind: GoalKind::parse(&r.kind).map_err(bad)?,
        parent_id: r.parent_id,
        status: GoalStatus::parse(&r.status).map_err(bad)?,
        progress: r.progress.clamp(0, 100) as u8,
        owner: r.owner,
        outcome_html: String::new(),
        outcome: r.outcome,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

pub(crate) const COLUMNS: &str = "id, hackfest_id, title, description, kind, parent_id, status, progress, \
                       owner, outcome, version, created_at, updated_at";

fn convert(rows: Vec<GoalRow>) -> Result<Vec<Goal>, sqlx::Error> {
    rows.into_iter().map(Goal::try_from).collect()
}

/// Big goals first, then in the order they were added.
pub async fn list_for_hackfest(db: &Db, hackfest_id: Uuid) -> Result<Vec<Goal>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM goals WHERE hackfest_id = $1 \
         ORDER BY CASE kind WHEN 'big' THEN 0 ELSE 1 END, created_at, id"
    );
    let rows: Vec<GoalRow> =
        on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).fetch_all(p).await)?;
    convert(rows)
}

/// The whole tree as a tree view needs it: every goal of the hackfest in
/// [`list_for_hackfest`]'s order, without descriptions and with outcomes not rendered
/// (the view renders the few it shows): a thousand outcomes rendered on every
/// overview were a thousand wasted Markdown renders.
pub async fn list_tree(db: &Db, hackfest_id: Uuid) -> Result<Vec<Goal>, sqlx::Error> {
    let sql = "SELECT id, hackfest_id, title, '' AS description, kind, parent_id, status, \
               progress, owner, outcome, version, created_at, updated_at FROM goals \
               WHERE hackfest_id = $1 \
               ORDER BY CASE kind WHEN 'big' THEN 0 ELSE 1 END, created_at, id";
    let rows: Vec<GoalRow> =
        on_db!(db, p => sqlx::query_as(sql).bind(hackfest_id).fetch_all(p).await)?;
    rows.into_iter().map(decode).collect()
}

/// What changes whenever a goal of the hackfest is added, changed or deleted (each
/// write raises a version or the count, and stamps `updated_at`): the key under which
/// a tree read from [`list_tree`] can be reused.
pub async fn tree_fingerprint(db: &Db, hackfest_id: Uuid) -> Result<String, sqlx::Error> {
    let sql = "SELECT COUNT(*), CAST(COALESCE(SUM(version), 0) AS BIGINT), \
               COALESCE(CAST(MAX(updated_at) AS TEXT), '') FROM goals WHERE hackfest_id = $1";
    let (n, versions, newest): (i64, i64, String) =
        on_db!(db, p => sqlx::query_as(sql).bind(hackfest_id).fetch_one(p).await)?;
    Ok(format!("{n}/{versions}/{newest}"))
}

pub async fn get(db: &Db, id: Uuid) -> Result<Option<Goal>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM goals WHERE id = $1");
    let row: Option<GoalRow> =
        on_db!(db, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await)?;
    row.map(Goal::try_from).transpose()
}

pub async fn get_in_tx(tx: &mut Tx, id: Uuid) -> Result<Option<Goal>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM goals WHERE id = $1");
    let row: Option<GoalRow> =
        on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    row.map(Goal::try_from).transpose()
}

/// Goal `id` and its ancestors, nearest first, at most `limit` of them, in one query:
/// (id, hackfest_id, parent_id) each. Empty if the goal does not exist.
pub async fn ancestors(
    tx: &mut Tx,
    id: Uuid,
    limit: i64,
) -> Result<Vec<(Uuid, Uuid, Option<Uuid>)>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "WITH RECURSIVE up (id, hackfest_id, parent_id, depth) AS ( \
           SELECT id, hackfest_id, parent_id, 1 FROM goals WHERE id = $1 \
           UNION ALL \
           SELECT g.id, g.hackfest_id, g.parent_id, up.depth + 1 \
           FROM goals g JOIN up ON g.id = up.parent_id WHERE up.depth < $2 \
         ) SELECT id, hackfest_id, parent_id FROM up ORDER BY depth",
    )
    .bind(id)
    .bind(limit)
    .fetch_all(c)
    .await)
}

/// How many levels of sub-goals hang below goal `id` (0 for none), counted up to
/// `limit`, in one query.
pub async fn height(tx: &mut Tx, id: Uuid, limit: i64) -> Result<i64, sqlx::Error> {
    let h: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
        "WITH RECURSIVE down (id, depth) AS ( \
           SELECT id, 0 FROM goals WHERE id = $1 \
           UNION ALL \
           SELECT g.id, down.depth + 1 FROM goals g JOIN down ON g.parent_id = down.id \
           WHERE down.depth < $2 \
         ) SELECT CAST(MAX(depth) AS BIGINT) FROM down",
    )
    .bind(id)
    .bind(limit)
    .fetch_one(c)
    .await)?;
    Ok(h.unwrap_or(0))
}

/// Makes changes to a hackfest's goal tree take turns until commit (PostgreSQL; SQLite
/// writers already do, from BEGIN IMMEDIATE): two concurrent moves cannot each pass
/// the cycle and depth checks against a tree the other is changing. `NO KEY UPDATE`
/// does not block inserts that merely reference the hackfest.
pub async fn lock_tree(tx: &mut Tx, hackfest_id: Uuid) -> Result<(), sqlx::Error> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT id FROM hackfests WHERE id = $1 FOR NO KEY UPDATE")
            .bind(hackfest_id)
            .fetch_optional(&mut **t)
            .await?;
    }
    Ok(())
}

/// Writes a new goal at version 1 and returns it as stored.
pub async fn insert(
    tx: &mut Tx,
    id: GoalId,
    hackfest_id: HackfestId,
    g: &NewGoal,
    now: DateTime<Utc>,
) -> Result<Goal, sqlx::Error> {
    let sql = format!(
        "INSERT INTO goals ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11) \
         RETURNING {COLUMNS}"
    );
    let row: GoalRow = on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(hackfest_id)
        .bind(&g.title)
        .bind(&g.description)
        .bind(g.kind.as_str())
        .bind(g.parent_id)
        .bind(g.status.as_str())
        .bind(i32::from(g.progress.value()))
        .bind(&g.owner)
        .bind(&g.outcome)
        .bind(now)
        .fetch_one(c)
        .await)?;
    row.try_into()
}

/// Writes only if the stored version is still `expected_version`: the goal as stored
/// then, or `None` if someone saved in between.
pub async fn update(
    tx: &mut Tx,
    id: GoalId,
    expected_version: i64,
    g: &NewGoal,
    now: DateTime<Utc>,
) -> Result<Option<Goal>, sqlx::Error> {
    let sql = format!(
        "UPDATE goals SET title = $3, description = $4, kind = $5, parent_id = $6, status = $7, \
         progress = $8, owner = $9, outcome = $10, version = version + 1, updated_at = $11 \
         WHERE id = $1 AND version = $2 RETURNING {COLUMNS}"
    );
    let row: Option<GoalRow> = on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(expected_version)
        .bind(&g.title)
        .bind(&g.description)
        .bind(g.kind.as_str())
        .bind(g.parent_id)
        .bind(g.status.as_str())
        .bind(i32::from(g.progress.value()))
        .bind(&g.owner)
        .bind(&g.outcome)
        .bind(now)
        .fetch_optional(c)
        .await)?;
    row.map(Goal::try_from).transpose()
}

/// Oldest first: the timeline reads top to bottom.
pub async fn notes(
    db: &Db,
    hackfest_id: Uuid,
    goal_id: Uuid,
) -> Result<Vec<super::GoalNote>, sqlx::Error> {
    on_db!(db, p => sqlx::query_as(
        "SELECT id, goal_id, author, body, created_at FROM goal_notes \
         WHERE hackfest_id = $1 AND goal_id = $2 ORDER BY created_at, id",
    )
    .bind(hackfest_id)
    .bind(goal_id)
    .fetch_all(p)
    .await)
}

pub async fn insert_note(
    tx: &mut Tx,
    id: Uuid,
    hackfest_id: Uuid,
    goal_id: Uuid,
    author: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO goal_notes (id, hackfest_id, goal_id, author, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(hackfest_id)
    .bind(goal_id)
    .bind(author)
    .bind(body)
    .bind(now)
    .execute(c)
    .await
    .map(|_| ()))
}
