//! Private calendar URLs (`/h/{slug}/calendar/{token}.ics`, SECURITY 39): one per
//! person and hackfest. The token is 32 random bytes from the operating system,
//! written base64url without padding (43 characters); only its SHA-256 is stored, so
//! the database never holds a working URL. Creating again rotates (the old token stops
//! working), revoking deletes it. A token that is malformed, unknown, rotated away or
//! revoked resolves to nothing, all alike.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::db::Db;
use crate::{DomainError, on_db, on_tx};

/// Random bytes in a token.
pub const TOKEN_BYTES: usize = 32;
/// Its length written base64url without padding.
pub const TOKEN_CHARS: usize = 43;

/// A new token: [`TOKEN_BYTES`] from the OS, base64url.
pub fn generate() -> Result<String, DomainError> {
    let mut bytes = [0u8; TOKEN_BYTES];
    // No randomness is an internal error (logged, never shown), like a database one.
    getrandom::fill(&mut bytes).map_err(|e| {
        DomainError::Database(sqlx::Error::Io(std::io::Error::other(format!(
            "no random bytes for a calendar token: {e}"
        ))))
    })?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Whether `token` has a token's shape (43 base64url characters).
pub fn well_formed(token: &str) -> bool {
    token.len() == TOKEN_CHARS
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What is stored of a token: its SHA-256, lowercase hex.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Creates the person's token for the hackfest, replacing any earlier one (which stops
/// working): the new token, to show once.
pub async fn rotate(db: &Db, hackfest_id: Uuid, user_id: Uuid) -> Result<String, DomainError> {
    let token = generate()?;
    // One statement, so two rotations at once (a double click) both succeed; the
    // later one's token is the one that works. In a transaction: on SQLite, writes
    // take the process's writer turn.
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO calendar_tokens (id, hackfest_id, user_id, token_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (hackfest_id, user_id) DO UPDATE SET \
         token_hash = excluded.token_hash, created_at = excluded.created_at")
        .bind(Uuid::now_v7())
        .bind(hackfest_id)
        .bind(user_id)
        .bind(hash(&token))
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(token)
}

/// Deletes the person's token for the hackfest: whether there was one.
pub async fn revoke(db: &Db, hackfest_id: Uuid, user_id: Uuid) -> Result<bool, DomainError> {
    let mut tx = db.begin().await?;
    let done = on_tx!(&mut tx, c => sqlx::query(
        "DELETE FROM calendar_tokens WHERE hackfest_id = $1 AND user_id = $2")
        .bind(hackfest_id)
        .bind(user_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(done > 0)
}

/// When the person's current token was made, if they have one.
pub async fn created_at(
    db: &Db,
    hackfest_id: Uuid,
    user_id: Uuid,
) -> Result<Option<DateTime<Utc>>, DomainError> {
    Ok(on_db!(db, p => sqlx::query_scalar(
        "SELECT created_at FROM calendar_tokens WHERE hackfest_id = $1 AND user_id = $2")
        .bind(hackfest_id)
        .bind(user_id)
        .fetch_optional(p)
        .await)?)
}

/// The username (as it is now) of the person whose token for this hackfest `token`
/// is; `None` for any token that is not a current one.
pub async fn owner(db: &Db, hackfest_id: Uuid, token: &str) -> Result<Option<String>, DomainError> {
    if !well_formed(token) {
        return Ok(None);
    }
    Ok(on_db!(db, p => sqlx::query_scalar(
        "SELECT u.username FROM calendar_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.hackfest_id = $2")
        .bind(hash(token))
        .bind(hackfest_id)
        .fetch_optional(p)
        .await)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_base64url_characters_and_differ() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_eq!(a.len(), TOKEN_CHARS);
        assert!(well_formed(&a) && well_formed(&b));
        assert_ne!(a, b);
        assert!(!well_formed(&format!("{}=", &a[..42])));
        assert!(!well_formed(&a[..42]));
        assert!(!well_formed("../../etc/passwd"));
    }

    #[test]
    fn the_hash_is_sha256_hex() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
