use chrono::Utc;
use sqlx::types::Json;
use uuid::Uuid;

use super::{Identity, Role, User};
use crate::db::{Db, Tx};
use crate::{on_db, on_tx};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    username: String,
    display_name: String,
    email: String,
    groups: Json<Vec<String>>,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            email: r.email,
            groups: r.groups.0,
        }
    }
}

/// Creates the user for (issuer, subject) or refreshes their name, email and groups.
pub async fn upsert(db: &Db, who: &Identity) -> Result<User, sqlx::Error> {
    let now = Utc::now();
    let row: UserRow = on_db!(db, p => sqlx::query_as(
        "INSERT INTO users (id, issuer, subject, username, display_name, email, groups, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
         ON CONFLICT (issuer, subject) DO UPDATE SET username = excluded.username, \
           display_name = excluded.display_name, email = excluded.email, groups = excluded.groups, \
           updated_at = excluded.updated_at \
         RETURNING id, username, display_name, email, groups",
    )
    .bind(Uuid::now_v7())
    .bind(&who.issuer)
    .bind(&who.subject)
    .bind(&who.username)
    .bind(&who.display_name)
    .bind(&who.email)
    .bind(Json(&who.groups))
    .bind(now)
    .fetch_one(p)
    .await)?;
    Ok(row.into())
}

pub async fn get(db: &Db, id: Uuid) -> Result<Option<User>, sqlx::Error> {
    let row: Option<UserRow> = on_db!(db, p => sqlx::query_as(
        "SELECT id, username, display_name, email, groups FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(p)
    .await)?;
    Ok(row.map(Into::into))
}

/// The issuer a user signed in with (`urn:hackfest:dev` for the development sign-in).
pub async fn issuer(db: &Db, id: Uuid) -> Result<Option<String>, sqlx::Error> {
    on_db!(db, p => sqlx::query_scalar("SELECT issuer FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(p)
        .await)
}

/// The stored membership role of a user in a hackfest.
/// A hackfest by slug with `user`'s membership of it, in one query (what every
/// request of a hackfest's pages and server functions needs first).
pub async fn hackfest_by_slug_for(
    db: &Db,
    slug: &str,
    user: Option<Uuid>,
) -> Result<Option<(crate::hackfest::Hackfest, Option<Role>)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        hackfest: crate::hackfest::Hackfest,
        member_role: Option<String>,
    }
    // PostgreSQL refuses NUL in text parameters (an error, not "no row").
    if !crate::text::lookup_key(slug) {
        return Ok(None);
    }
    let sql = format!(
        "SELECT {}, (SELECT role FROM hackfest_members m WHERE m.hackfest_id = hackfests.id \
         AND m.user_id = $2) AS member_role FROM hackfests WHERE slug = $1",
        crate::hackfest::repo::COLUMNS
    );
    let row: Option<Row> = on_db!(db, p => sqlx::query_as(&sql)
        .bind(slug)
        .bind(user)
        .fetch_optional(p)
        .await)?;
    Ok(row.map(|r| (r.hackfest, r.member_role.as_deref().map(parse_role))))
}

pub async fn membership(
    db: &Db,
    hackfest_id: Uuid,
    user_id: Uuid,
) -> Result<Option<Role>, sqlx::Error> {
    let role: Option<String> = on_db!(db, p => sqlx::query_scalar(
        "SELECT role FROM hackfest_members WHERE hackfest_id = $1 AND user_id = $2",
    )
    .bind(hackfest_id)
    .bind(user_id)
    .fetch_optional(p)
    .await)?;
    Ok(role.map(|r| {
        if r == "organizer" {
            Role::Organizer
        } else {
            Role::Attendee
        }
    }))
}

pub(crate) fn parse_role(r: &str) -> Role {
    if r == "organizer" {
        Role::Organizer
    } else {
        Role::Attendee
    }
}

/// The stored membership role, as this transaction sees it.
pub async fn membership_in(
    tx: &mut Tx,
    hackfest_id: Uuid,
    user_id: Uuid,
) -> Result<Option<Role>, sqlx::Error> {
    let role: Option<String> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT role FROM hackfest_members WHERE hackfest_id = $1 AND user_id = $2",
    )
    .bind(hackfest_id)
    .bind(user_id)
    .fetch_optional(c)
    .await)?;
    Ok(role.as_deref().map(parse_role))
}

/// Adds or upgrades a membership in a transaction (never downgrades an organizer).
pub async fn set_membership_in(
    tx: &mut Tx,
    hackfest_id: Uuid,
    user_id: Uuid,
    role: Role,
    now: chrono::DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let role = if role >= Role::Organizer {
        "organizer"
    } else {
        "attendee"
    };
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO hackfest_members (hackfest_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (hackfest_id, user_id) DO UPDATE SET role = CASE \
           WHEN hackfest_members.role = 'organizer' THEN 'organizer' ELSE excluded.role END",
    )
    .bind(hackfest_id)
    .bind(user_id)
    .bind(role)
    .bind(now)
    .execute(c)
    .await
    .map(|_| ()))
}

/// Everyone who signed in with this username (one per identity provider, normally one).
pub async fn find_by_username(db: &Db, username: &str) -> Result<Vec<User>, sqlx::Error> {
    if !crate::text::lookup_key(username) {
        return Ok(Vec::new());
    }
    let rows: Vec<UserRow> = on_db!(db, p => sqlx::query_as(
        "SELECT id, username, display_name, email, groups FROM users WHERE username = $1",
    )
    .bind(username)
    .fetch_all(p)
    .await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Which of `usernames` someone signed in with (as stored; at most a hundred names).
pub async fn known_usernames(
    tx: &mut Tx,
    usernames: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    if usernames.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=usernames.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT DISTINCT username FROM users WHERE username IN ({})",
        marks.join(", ")
    );
    on_tx!(tx, c => {
        let mut q = sqlx::query_scalar(&sql);
        for u in usernames {
            q = q.bind(u);
        }
        q.fetch_all(c).await
    })
}
