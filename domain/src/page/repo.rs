use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{NewPage, Page, PageSummary, Revision, RevisionSummary};
use crate::db::{Db, Tx};
use crate::hackfest::Hackfest;
use crate::ids::{HackfestId, PageId};
use crate::{on_db, on_tx};

const COLUMNS: &str = "id, hackfest_id, slug, title, body, version, created_at, updated_at";
const REVISION_COLUMNS: &str = "id, page_id, number, title, body, author, comment, created_at";

pub async fn hackfest(db: &Db, id: Uuid) -> Result<Option<Hackfest>, sqlx::Error> {
    let sql = "SELECT id, slug, title, start_date, end_date, time_zone, location, description, \
               version, created_at, updated_at FROM hackfests WHERE id = $1";
    on_db!(db, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)
}

/// By title (case as stored), then slug.
pub async fn list_for_hackfest(
    db: &Db,
    hackfest_id: Uuid,
) -> Result<Vec<PageSummary>, sqlx::Error> {
    let sql = "SELECT id, slug, title, version, updated_at FROM pages WHERE hackfest_id = $1 \
               ORDER BY LOWER(title), slug";
    on_db!(db, p => sqlx::query_as(sql).bind(hackfest_id).fetch_all(p).await)
}

pub async fn by_slug(db: &Db, hackfest_id: Uuid, slug: &str) -> Result<Option<Page>, sqlx::Error> {
    if !crate::text::lookup_key(slug) {
        return Ok(None);
    }
    let sql = format!("SELECT {COLUMNS} FROM pages WHERE hackfest_id = $1 AND slug = $2");
    on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).bind(slug).fetch_optional(p).await)
}

pub async fn get(db: &Db, id: Uuid) -> Result<Option<Page>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM pages WHERE id = $1");
    on_db!(db, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await)
}

pub async fn get_in_tx(tx: &mut Tx, id: Uuid) -> Result<Option<Page>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM pages WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)
}

/// Whether another page of the hackfest (not `except`) has this slug.
pub async fn slug_taken(
    tx: &mut Tx,
    hackfest_id: Uuid,
    slug: &str,
    except: Option<Uuid>,
) -> Result<bool, sqlx::Error> {
    let ids: Vec<Uuid> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM pages WHERE hackfest_id = $1 AND slug = $2",
    )
    .bind(hackfest_id)
    .bind(slug)
    .fetch_all(c)
    .await)?;
    Ok(ids.iter().any(|id| Some(*id) != except))
}

/// Writes a new page at version 1 and returns it as stored.
pub async fn insert(
    tx: &mut Tx,
    id: PageId,
    hackfest_id: HackfestId,
    p: &NewPage,
    now: DateTime<Utc>,
) -> Result<Page, sqlx::Error> {
    let sql = format!(
        "INSERT INTO pages ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING {COLUMNS}"
    );
    on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(hackfest_id)
        .bind(&p.slug)
        .bind(&p.title)
        .bind(&p.body)
        .bind(now)
        .fetch_one(c)
        .await)
}

/// Writes only if the stored version is still `expected_version`: the page as stored
/// then, or `None` if someone saved in between.
pub async fn update(
    tx: &mut Tx,
    id: PageId,
    expected_version: i64,
    p: &NewPage,
    now: DateTime<Utc>,
) -> Result<Option<Page>, sqlx::Error> {
    let sql = format!(
        "UPDATE pages SET slug = $3, title = $4, body = $5, version = version + 1, updated_at = $6 \
         WHERE id = $1 AND version = $2 RETURNING {COLUMNS}"
    );
    on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(expected_version)
        .bind(&p.slug)
        .bind(&p.title)
        .bind(&p.body)
        .bind(now)
        .fetch_optional(c)
        .await)
}

/// Appends the next revision of a page (1 for a new page).
pub async fn add_revision(
    tx: &mut Tx,
    page_id: Uuid,
    p: &NewPage,
    author: &str,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let last: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT MAX(number) FROM page_revisions WHERE page_id = $1",
    )
    .bind(page_id)
    .fetch_one(c)
    .await)?;
    let number = last.unwrap_or(0) + 1;
    let sql = format!(
        "INSERT INTO page_revisions ({REVISION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    );
    on_tx!(tx, c => sqlx::query(&sql)
        .bind(Uuid::now_v7())
        .bind(page_id)
        .bind(number)
        .bind(&p.title)
        .bind(&p.body)
        .bind(author)
        .bind(&p.comment)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(number)
}

/// Newest first.
pub async fn revisions(db: &Db, page_id: Uuid) -> Result<Vec<RevisionSummary>, sqlx::Error> {
    on_db!(db, p => sqlx::query_as(
        "SELECT number, title, author, comment, created_at FROM page_revisions \
         WHERE page_id = $1 ORDER BY number DESC",
    )
    .bind(page_id)
    .fetch_all(p)
    .await)
}

pub async fn revision(
    db: &Db,
    page_id: Uuid,
    number: i64,
) -> Result<Option<Revision>, sqlx::Error> {
    let sql =
        format!("SELECT {REVISION_COLUMNS} FROM page_revisions WHERE page_id = $1 AND number = $2");
    on_db!(db, p => sqlx::query_as(&sql).bind(page_id).bind(number).fetch_optional(p).await)
}

pub async fn revision_in_tx(
    tx: &mut Tx,
    page_id: Uuid,
    number: i64,
) -> Result<Option<Revision>, sqlx::Error> {
    let sql =
        format!("SELECT {REVISION_COLUMNS} FROM page_revisions WHERE page_id = $1 AND number = $2");
    on_tx!(tx, c => sqlx::query_as(&sql).bind(page_id).bind(number).fetch_optional(c).await)
}
