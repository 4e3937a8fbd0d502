//! One page of a kind's rows in a hackfest, filtered: what the JSON API's lists
//! (`/api/v1/hackfests/{slug}/{kind}?status=…&page=2`) read. The table, its columns,
//! its order and which columns may be filtered are the caller's constants, never
//! input; filter values are bound parameters.

use uuid::Uuid;

use crate::DomainError;
use crate::db::Db;
use crate::on_db;

/// A filter's value, typed as its column is.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    /// Compared without case (usernames).
    Folded(String),
    Uuid(Uuid),
}

/// `column = value` (the column is a constant of the caller's).
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    pub column: &'static str,
    pub value: Value,
}

/// What a list reads: a table of a hackfest's rows.
pub struct Table {
    pub name: &'static str,
    pub columns: &'static str,
    /// `ORDER BY` (ending in `id`, so pages never overlap).
    pub order: &'static str,
}

/// Rows `offset..offset + limit` of `table` in the hackfest with every filter
/// applied, and how many rows match in all.
pub async fn page<R>(
    db: &Db,
    table: &Table,
    hackfest_id: Uuid,
    filters: &[Filter],
    limit: i64,
    offset: i64,
) -> Result<(Vec<R>, i64), DomainError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    let mut clause = String::from("hackfest_id = $1");
    for (i, f) in filters.iter().enumerate() {
        let n = i + 2;
        match f.value {
            Value::Folded(_) => clause.push_str(&format!(" AND LOWER({}) = LOWER(${n})", f.column)),
            _ => clause.push_str(&format!(" AND {} = ${n}", f.column)),
        }
    }
    let (l, o) = (filters.len() + 2, filters.len() + 3);
    let rows_sql = format!(
        "SELECT {} FROM {} WHERE {clause} ORDER BY {} LIMIT ${l} OFFSET ${o}",
        table.columns, table.name, table.order
    );
    let count_sql = format!("SELECT COUNT(*) FROM {} WHERE {clause}", table.name);
    macro_rules! bind_all {
        ($q:expr) => {{
            let mut q = $q.bind(hackfest_id);
            for f in filters {
                q = match &f.value {
                    Value::Text(s) | Value::Folded(s) => q.bind(s.clone()),
                    Value::Uuid(u) => q.bind(*u),
                };
            }
            q
        }};
    }
    let rows: Vec<R> = on_db!(db, p => bind_all!(sqlx::query_as(&rows_sql))
        .bind(limit)
        .bind(offset)
        .fetch_all(p)
        .await)?;
    let total: i64 = on_db!(db, p => bind_all!(sqlx::query_scalar(&count_sql)).fetch_one(p).await)?;
    Ok((rows, total))
}

/// The kinds the JSON API lists, each in its pages' order.
pub const GOALS: Table = Table {
    name: "goals",
    columns: crate::goal::repo::COLUMNS,
    order: "CASE kind WHEN 'big' THEN 0 ELSE 1 END, created_at, id",
};
pub const SESSIONS: Table = Table {
    name: "hack_sessions",
    columns: crate::session::repo::COLUMNS,
    order: "starts_at, id",
};
pub const DECISIONS: Table = Table {
    name: "decisions",
    columns: crate::decision::repo::COLUMNS,
    order: "created_at DESC, id DESC",
};
pub const ACTIONS: Table = Table {
    name: "action_items",
    columns: crate::action::repo::COLUMNS,
    order: "created_at, id",
};
pub const ROOMS: Table = Table {
    name: "rooms",
    columns: crate::room::repo::COLUMNS,
    order: "lower(name), id",
};

/// A page of goals.
pub async fn goals(
    db: &Db,
    h: &crate::hackfest::Hackfest,
    filters: &[Filter],
    limit: i64,
    offset: i64,
) -> Result<(Vec<crate::goal::Goal>, i64), DomainError> {
    let (rows, total) =
        page::<crate::goal::repo::GoalRow>(db, &GOALS, h.id, filters, limit, offset).await?;
    let goals = rows
        .into_iter()
        .map(crate::goal::Goal::try_from)
        .collect::<Result<_, _>>()?;
    Ok((goals, total))
}

/// A page of sessions, with their wall-clock times and rendered Markdown.
pub async fn sessions(
    db: &Db,
    h: &crate::hackfest::Hackfest,
    filters: &[Filter],
    limit: i64,
    offset: i64,
) -> Result<(Vec<crate::session::HackSession>, i64), DomainError> {
    let tz = crate::hackfest::service::tz(h);
    let (rows, total) = page(db, &SESSIONS, h.id, filters, limit, offset).await?;
    let rows: Vec<crate::session::HackSession> = rows;
    let rows = rows
        .into_iter()
        .map(|s| crate::session::service::decorate(s, tz))
        .collect();
    Ok((rows, total))
}

/// A page of decisions, newest first, with rendered Markdown.
pub async fn decisions(
    db: &Db,
    h: &crate::hackfest::Hackfest,
    filters: &[Filter],
    limit: i64,
    offset: i64,
) -> Result<(Vec<crate::decision::Decision>, i64), DomainError> {
    let (rows, total) = page(db, &DECISIONS, h.id, filters, limit, offset).await?;
    let rows: Vec<crate::decision::Decision> = rows;
    Ok((
        rows.into_iter()
            .map(crate::decision::service::decorate)
            .collect(),
        total,
    ))
}

/// A page of action items, in the order they were added.
pub async fn actions(
    db: &Db,
    h: &crate::hackfest::Hackfest,
    filters: &[Filter],
    limit: i64,
    offset: i64,
) -> Result<(Vec<crate::action::ActionItem>, i64), DomainError> {
    page(db, &ACTIONS, h.id, filters, limit, offset).await
}

/// A page of rooms, by name.
pub async fn rooms(
    db: &Db,
    h: &crate::hackfest::Hackfest,
    filters: &[Filter],
    limit: i64,
    offset: i64,
) -> Result<(Vec<crate::room::Room>, i64), DomainError> {
    let (rows, total) = page(db, &ROOMS, h.id, filters, limit, offset).await?;
    let rows: Vec<crate::room::Room> = rows;
    Ok((
        rows.into_iter()
            .map(crate::room::service::decorate)
            .collect(),
        total,
    ))
}
