//! Storing, listing, revoking and resolving API tokens. A token is [`PREFIX`] and 32
//! random bytes base64url (47 characters); only its SHA-256 is stored
//! ([`crate::schedule::token::hash`]), so the database never holds a working token.

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use super::{ApiToken, LIVE_MAX, NewToken, PREFIX, TokenScope};
use crate::db::Db;
use crate::hackfest::Hackfest;
use crate::schedule::token as secret;
use crate::{DomainError, FieldErrors, on_db, on_tx};

/// How stale `last_used_at` may get before a use writes it again (reads stay reads).
const TOUCH_EVERY: TimeDelta = TimeDelta::minutes(5);

/// A token that works now: whose it is, for which hackfest, and its scope.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    pub id: Uuid,
    pub user_id: Uuid,
    pub hackfest_id: Uuid,
    pub scope: TokenScope,
}

/// Whether `token` has a token's shape: the prefix and 43 base64url characters.
pub fn well_formed(token: &str) -> bool {
    token.strip_prefix(PREFIX).is_some_and(secret::well_formed)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    hackfest_slug: String,
    hackfest_title: String,
    scope: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

impl From<Row> for ApiToken {
    fn from(r: Row) -> Self {
        ApiToken {
            id: r.id,
            name: r.name,
            hackfest_slug: r.hackfest_slug,
            hackfest_title: r.hackfest_title,
            // Written by this module only; an unknown value reads as the lesser scope.
            scope: TokenScope::parse(&r.scope).unwrap_or(TokenScope::Read),
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        }
    }
}

const LIST: &str = "SELECT t.id, t.name, h.slug AS hackfest_slug, h.title AS hackfest_title, t.scope, \
     t.created_at, t.expires_at, t.last_used_at, t.revoked_at \
     FROM api_tokens t JOIN hackfests h ON h.id = t.hackfest_id";

/// Makes a token for `user` in `hackfest`: the stored token and the token itself, to
/// show once. A person holds at most [`LIVE_MAX`] live tokens (an error on `name`).
pub async fn create(
    db: &Db,
    user_id: Uuid,
    hackfest: &Hackfest,
    new: &NewToken,
) -> Result<(ApiToken, String), DomainError> {
    let token = format!("{PREFIX}{}", secret::generate()?);
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut tx = db.begin().await?;
    let live: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2")
        .bind(user_id)
        .bind(now)
        .fetch_one(c)
        .await)?;
    if live >= LIVE_MAX {
        return Err(FieldErrors::single(
            "name",
            format!("You hold {live} live tokens, the most one person may; revoke one first."),
        )
        .into());
    }
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO api_tokens (id, user_id, hackfest_id, name, scope, token_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(id)
        .bind(user_id)
        .bind(hackfest.id)
        .bind(&new.name)
        .bind(new.scope.as_str())
        .bind(secret::hash(&token))
        .bind(now)
        .bind(now + TimeDelta::days(i64::from(new.days)))
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    let stored = ApiToken {
        id,
        name: new.name.clone(),
        hackfest_slug: hackfest.slug.clone(),
        hackfest_title: hackfest.title.clone(),
        scope: new.scope,
        created_at: now,
        expires_at: now + TimeDelta::days(i64::from(new.days)),
        last_used_at: None,
        revoked_at: None,
    };
    Ok((stored, token))
}

/// The person's tokens, newest first, revoked and expired ones too (at most 200).
pub async fn list(db: &Db, user_id: Uuid) -> Result<Vec<ApiToken>, DomainError> {
    let sql = format!("{LIST} WHERE t.user_id = $1 ORDER BY t.created_at DESC, t.id LIMIT 200");
    let rows: Vec<Row> = on_db!(db, p => sqlx::query_as(&sql).bind(user_id).fetch_all(p).await)?;
    Ok(rows.into_iter().map(ApiToken::from).collect())
}

/// Revokes one of the person's tokens: whether it was theirs and live until now.
pub async fn revoke(db: &Db, user_id: Uuid, id: Uuid) -> Result<bool, DomainError> {
    let mut tx = db.begin().await?;
    let n = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL")
        .bind(id)
        .bind(user_id)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(n > 0)
}

/// The live token `token` is, if any. Malformed, unknown, revoked and expired tokens
/// all resolve to `None`, alike. Notes the use when the last one noted is older than
/// five minutes (so reading does not write on every request).
pub async fn resolve(db: &Db, token: &str) -> Result<Option<Resolved>, DomainError> {
    #[derive(sqlx::FromRow)]
    struct Live {
        id: Uuid,
        user_id: Uuid,
        hackfest_id: Uuid,
        scope: String,
        last_used_at: Option<DateTime<Utc>>,
    }
    if !well_formed(token) {
        return Ok(None);
    }
    let now = Utc::now();
    let row: Option<Live> = on_db!(db, p => sqlx::query_as(
        "SELECT id, user_id, hackfest_id, scope, last_used_at FROM api_tokens \
         WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2")
        .bind(secret::hash(token))
        .bind(now)
        .fetch_optional(p)
        .await)?;
    let Some(row) = row else { return Ok(None) };
    if row.last_used_at.is_none_or(|t| now - t > TOUCH_EVERY) {
        let mut tx = db.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
            .bind(row.id)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        tx.commit().await?;
    }
    Ok(Some(Resolved {
        id: row.id,
        user_id: row.user_id,
        hackfest_id: row.hackfest_id,
        scope: TokenScope::parse(&row.scope).unwrap_or(TokenScope::Read),
    }))
}

/// Test support: moves a token's expiry (to see an expired token refused).
pub async fn set_expiry(db: &Db, id: Uuid, at: DateTime<Utc>) -> Result<(), DomainError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query("UPDATE api_tokens SET expires_at = $2 WHERE id = $1")
        .bind(id)
        .bind(at)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(())
}
