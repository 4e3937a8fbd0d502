use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{NewQuestion, Question};
use crate::db::{Db, Tx};
use crate::ids::{HackfestId, PageId, QuestionId};
use crate::{on_db, on_tx};

const COLUMNS: &str = "id, hackfest_id, page_id, question, answer, state, decision_id, \
                       asked_by, version, created_at, updated_at";

/// The questions of a page, oldest first.
pub async fn for_page(db: &Db, page_id: Uuid) -> Result<Vec<Question>, sqlx::Error> {
    let sql =
        format!("SELECT {COLUMNS} FROM page_questions WHERE page_id = $1 ORDER BY created_at, id");
    on_db!(db, p => sqlx::query_as(&sql).bind(page_id).fetch_all(p).await)
}

pub async fn get_in_tx(tx: &mut Tx, id: Uuid) -> Result<Option<Question>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM page_questions WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)
}

/// Writes a new question at version 1 and returns it as stored.
pub async fn insert(
    tx: &mut Tx,
    id: QuestionId,
    hackfest_id: HackfestId,
    page_id: PageId,
    q: &NewQuestion,
    asked_by: &str,
    now: DateTime<Utc>,
) -> Result<Question, sqlx::Error> {
    let sql = format!(
        "INSERT INTO page_questions ({COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING {COLUMNS}"
    );
    on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(hackfest_id)
        .bind(page_id)
        .bind(&q.question)
        .bind(&q.answer)
        .bind(q.state)
        .bind(q.decision_id)
        .bind(asked_by)
        .bind(now)
        .fetch_one(c)
        .await)
}

/// Writes only if the stored version is still `expected_version`: the question as
/// stored then, or `None` if someone saved in between.
pub async fn update(
    tx: &mut Tx,
    id: QuestionId,
    expected_version: i64,
    q: &NewQuestion,
    now: DateTime<Utc>,
) -> Result<Option<Question>, sqlx::Error> {
    let sql = format!(
        "UPDATE page_questions SET question = $3, answer = $4, state = $5, decision_id = $6, \
         version = version + 1, updated_at = $7 WHERE id = $1 AND version = $2 \
         RETURNING {COLUMNS}"
    );
    on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(expected_version)
        .bind(&q.question)
        .bind(&q.answer)
        .bind(q.state)
        .bind(q.decision_id)
        .bind(now)
        .fetch_optional(c)
        .await)
}
