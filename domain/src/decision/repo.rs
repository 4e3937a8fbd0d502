use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::{Decision, NewDecision};
use crate::db::{Db, Tx};
use crate::ids::{DecisionId, HackfestId};
use crate::{on_db, on_tx};

pub(crate) const COLUMNS: &str = "id, hackfest_id, title, context, decision, status, superseded_by, \
                       session_id, goal_ids, followups, version, created_at, updated_at";

/// Newest first.
pub async fn list_for_hackfest(db: &Db, hackfest_id: Uuid) -> Result<Vec<Decision>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM decisions WHERE hackfest_id = $1 ORDER BY created_at DESC, id DESC"
    );
    on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).fetch_all(p).await)
}

pub async fn get(db: &Db, id: Uuid) -> Result<Option<Decision>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM decisions WHERE id = $1");
    on_db!(db, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await)
}

pub async fn get_in_tx(tx: &mut Tx, id: Uuid) -> Result<Option<Decision>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM decisions WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)
}

/// Writes a new decision at version 1 and returns it as stored.
pub async fn insert(
    tx: &mut Tx,
    id: DecisionId,
    hackfest_id: HackfestId,
    d: &NewDecision,
    now: DateTime<Utc>,
) -> Result<Decision, sqlx::Error> {
    let sql = format!(
        "INSERT INTO decisions ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11) \
         RETURNING {COLUMNS}"
    );
    on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(hackfest_id)
        .bind(&d.title)
        .bind(&d.context)
        .bind(&d.decision)
        .bind(d.status)
        .bind(d.superseded_by)
        .bind(d.session_id)
        .bind(Json(&d.goal_ids))
        .bind(Json(&d.followups))
        .bind(now)
        .fetch_one(c)
        .await)
}

/// Writes only if the stored version is still `expected_version`: the decision as
/// stored then, or `None` if someone saved in between.
pub async fn update(
    tx: &mut Tx,
    id: DecisionId,
    expected_version: i64,
    d: &NewDecision,
    now: DateTime<Utc>,
) -> Result<Option<Decision>, sqlx::Error> {
    let sql = format!(
        "UPDATE decisions SET title = $3, context = $4, decision = $5, status = $6, superseded_by = $7, \
         session_id = $8, goal_ids = $9, followups = $10, version = version + 1, updated_at = $11 \
         WHERE id = $1 AND version = $2 RETURNING {COLUMNS}"
    );
    on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(expected_version)
        .bind(&d.title)
        .bind(&d.context)
        .bind(&d.decision)
        .bind(d.status)
        .bind(d.superseded_by)
        .bind(d.session_id)
        .bind(Json(&d.goal_ids))
        .bind(Json(&d.followups))
        .bind(now)
        .fetch_optional(c)
        .await)
}
