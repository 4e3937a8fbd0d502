use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Hackfest, NewHackfest};
use crate::db::{Db, Tx};
use crate::{on_db, on_tx};

pub(crate) const COLUMNS: &str = "id, slug, title, start_date, end_date, time_zone, location, description, \
                       version, created_at, updated_at";

pub async fn list(db: &Db) -> Result<Vec<Hackfest>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM hackfests ORDER BY start_date DESC, title");
    on_db!(db, p => sqlx::query_as(&sql).fetch_all(p).await)
}

pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<Hackfest>, sqlx::Error> {
    // PostgreSQL refuses NUL in text parameters (an error, not "no row").
    if !crate::text::lookup_key(slug) {
        return Ok(None);
    }
    let sql = format!("SELECT {COLUMNS} FROM hackfests WHERE slug = $1");
    on_db!(db, p => sqlx::query_as(&sql).bind(slug).fetch_optional(p).await)
}

/// The hackfest as this transaction sees it (just written, before commit).
pub async fn get_in_tx(tx: &mut Tx, id: Uuid) -> Result<Option<Hackfest>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM hackfests WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    on_db!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM hackfests").fetch_one(p).await)
}

pub async fn slug_taken(tx: &mut Tx, slug: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM hackfests WHERE slug = $1")
        .bind(slug)
        .fetch_one(c)
        .await)?;
    Ok(n > 0)
}

pub async fn insert(
    tx: &mut Tx,
    id: Uuid,
    h: &NewHackfest,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO hackfests ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)"
    );
    on_tx!(tx, c => sqlx::query(&sql)
        .bind(id)
        .bind(h.slug.as_str())
        .bind(&h.title)
        .bind(h.start_date)
        .bind(h.end_date)
        .bind(&h.time_zone)
        .bind(&h.location)
        .bind(&h.description)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    #[sqlx(flatten)]
    hackfest: Hackfest,
    role: String,
}

/// The hackfests a person has joined or organizes, newest first, with the stored role.
pub async fn list_for_member(
    db: &Db,
    user_id: Uuid,
) -> Result<Vec<(Hackfest, String)>, sqlx::Error> {
    let columns: Vec<String> = COLUMNS
        .split(", ")
        .map(|c| format!("h.{}", c.trim()))
        .collect();
    let sql = format!(
        "SELECT {}, m.role FROM hackfests h JOIN hackfest_members m ON m.hackfest_id = h.id \
         WHERE m.user_id = $1 ORDER BY h.start_date DESC, h.title",
        columns.join(", ")
    );
    let rows: Vec<MemberRow> =
        on_db!(db, p => sqlx::query_as(&sql).bind(user_id).fetch_all(p).await)?;
    Ok(rows.into_iter().map(|r| (r.hackfest, r.role)).collect())
}
