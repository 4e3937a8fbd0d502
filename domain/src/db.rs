//! One database handle for both backends. Queries are written once, with `$1`
//! placeholders valid on SQLite and PostgreSQL, and run on either pool through
//! [`on_db!`](crate::on_db) / [`on_tx!`](crate::on_tx): the macro repeats the same code
//! in both match arms so each arm is type-checked against its own driver.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

#[derive(Clone, Debug)]
pub enum Db {
    /// Readers' pool, and the writer's: one connection that every write transaction
    /// of this process takes in turn (`None` in memory, where the one pool has a
    /// single connection). See [`Db::begin`].
    Sqlite(SqlitePool, Option<SqlitePool>),
    Postgres(PgPool),
}

pub enum Tx {
    Sqlite(Conn<Sqlite>),
    Postgres(Conn<Postgres>),
}

/// What a [`Tx`] runs its statements on: a transaction ([`Db::begin`]), or a pooled
/// connection outside any transaction ([`Db::read`]: reads that need no snapshot and
/// must not wait for, or hold up, the writers).
pub enum Conn<DB: sqlx::Database> {
    Tx(Transaction<'static, DB>),
    Read(sqlx::pool::PoolConnection<DB>),
}

impl<DB: sqlx::Database> std::ops::Deref for Conn<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        match self {
            Conn::Tx(t) => t,
            Conn::Read(c) => c,
        }
    }
}

impl<DB: sqlx::Database> std::ops::DerefMut for Conn<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        match self {
            Conn::Tx(t) => t,
            Conn::Read(c) => c,
        }
    }
}

impl<DB: sqlx::Database> Conn<DB> {
    async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Conn::Tx(t) => t.commit().await,
            Conn::Read(_) => Ok(()),
        }
    }
}

/// Runs `$body` with `$pool` bound to the concrete pool.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool, _) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the transaction's connection (`&mut *tx`).
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::db::Tx::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}

/// Why the database could not be opened. Each message names the setting.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "HACKFEST_DATABASE_URL: \"{0}\" is not a database URL; use sqlite:<file> or postgres://user@host/db"
    )]
    Scheme(String),
    #[error("HACKFEST_DATABASE_URL: {0}")]
    Invalid(String),
    #[error("HACKFEST_DATABASE_URL: cannot create the data folder {path}: {source}")]
    DataFolder {
        path: String,
        source: std::io::Error,
    },
    #[error("HACKFEST_DATABASE_URL: cannot open the database: {0}")]
    Open(sqlx::Error),
    #[error("HACKFEST_DATABASE_URL: migrating the database failed: {0}")]
    Migrate(sqlx::migrate::MigrateError),
}

pub const SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
pub const POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// Hides the password of a database URL, for logs and error messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A constraint the schema enforces, as the field error a person sees when a write
/// breaks it (a race the services' own checks cannot see, or a check they lack).
/// PostgreSQL names the constraint; SQLite names the columns (unique), the
/// expression (check) or nothing (foreign keys: these map on PostgreSQL only).
struct Constraint {
    /// PostgreSQL's constraint names (the defaults it gives the migrations' constraints).
    postgres: &'static [&'static str],
    /// What SQLite's message says after "UNIQUE constraint failed: " or "CHECK
    /// constraint failed: " (the migrations' text, exactly).
    sqlite: &'static [&'static str],
    field: &'static str,
    message: &'static str,
}

/// Every constraint a form's input can break. The rest (keys, the outbox, users,
/// memberships…) stay internal errors: no input of a person can break them.
const CONSTRAINTS: &[Constraint] = &[
    Constraint {
        postgres: &["hackfests_slug_key"],
        sqlite: &["hackfests.slug"],
        field: "slug",
        message: "This slug is already used by another hackfest.",
    },
    Constraint {
        postgres: &["pages_hackfest_id_slug_key"],
        sqlite: &["pages.hackfest_id, pages.slug"],
        field: "slug",
        message: "Another page of this hackfest already has this slug.",
    },
    Constraint {
        postgres: &["rooms_hackfest_id_name_key"],
        sqlite: &["rooms.hackfest_id, rooms.name"],
        field: "name",
        message: "Another room of this hackfest already has this name.",
    },
    Constraint {
        postgres: &["rooms_capacity_check"],
        sqlite: &["capacity BETWEEN 1 AND 10000"],
        field: "capacity",
        message: "Capacity must be a number from 1 to 10000 (or empty: no limit).",
    },
    Constraint {
        postgres: &["rooms_check"],
        sqlite: &["(opens IS NULL) = (closes IS NULL) AND (opens IS NULL OR closes > opens)"],
        field: "closes",
        message: "The room must close after it opens.",
    },
    Constraint {
        postgres: &["summaries_hackfest_id_scope_key"],
        sqlite: &["summaries.hackfest_id, summaries.scope"],
        field: "day",
        message: "This day already has a summary; open it instead.",
    },
    Constraint {
        postgres: &["hackfests_check"],
        sqlite: &["end_date >= start_date"],
        field: "end_date",
        message: "End date must not be before the start date.",
    },
    Constraint {
        postgres: &["hack_sessions_check"],
        sqlite: &["ends_at > starts_at"],
        field: "ends_at",
        message: "End must be after the start.",
    },
    Constraint {
        postgres: &["goals_kind_check", "hack_sessions_kind_check"],
        sqlite: &[
            "kind IN ('big', 'small')",
            "kind IN ('discussion', 'meeting', 'work', 'social')",
        ],
        field: "kind",
        message: "Choose one of the listed kinds.",
    },
    Constraint {
        postgres: &[
            "goals_status_check",
            "decisions_status_check",
            "action_items_status_check",
        ],
        sqlite: &[
            "status IN ('proposed', 'active', 'done', 'dropped')",
            "status IN ('proposed', 'agreed', 'rejected', 'superseded')",
            "status IN ('open', 'in_progress', 'blocked', 'done', 'dropped')",
        ],
        field: "status",
        message: "Choose one of the listed statuses.",
    },
    Constraint {
        postgres: &["goals_progress_check"],
        sqlite: &["progress BETWEEN 0 AND 100"],
        field: "progress",
        message: "Progress must be between 0 and 100.",
    },
    Constraint {
        postgres: &["decisions_check"],
        sqlite: &["status <> 'superseded' OR superseded_by IS NOT NULL"],
        field: "superseded_by",
        message: "A superseded decision needs the decision that replaces it.",
    },
    Constraint {
        postgres: &["decisions_check1"],
        sqlite: &["superseded_by IS NULL OR superseded_by <> id"],
        field: "superseded_by",
        message: "A decision cannot supersede itself.",
    },
    Constraint {
        postgres: &["goals_parent_id_fkey"],
        sqlite: &[],
        field: "parent_id",
        message: "This goal no longer exists.",
    },
    Constraint {
        postgres: &["action_items_goal_id_fkey"],
        sqlite: &[],
        field: "goal_id",
        message: "This goal no longer exists.",
    },
    Constraint {
        postgres: &["action_items_session_id_fkey", "decisions_session_id_fkey"],
        sqlite: &[],
        field: "session_id",
        message: "This session no longer exists.",
    },
    Constraint {
        postgres: &[
            "action_items_decision_id_fkey",
            "page_questions_decision_id_fkey",
        ],
        sqlite: &[],
        field: "decision_id",
        message: "This decision no longer exists.",
    },
    Constraint {
        postgres: &["travel_requests_one_active"],
        sqlite: &["travel_requests.hackfest_id, travel_requests.person"],
        field: "person",
        message: "You already have a request for this hackfest: edit it, or withdraw it first.",
    },
    Constraint {
        postgres: &["travel_budgets_hackfest_id_key"],
        sqlite: &["travel_budgets.hackfest_id"],
        field: "source",
        message: "This hackfest has a budget already: reload the page and edit it.",
    },
    Constraint {
        postgres: &["decisions_superseded_by_fkey"],
        sqlite: &[],
        field: "superseded_by",
        message: "This decision no longer exists.",
    },
];

/// The field error for a write that broke one of [`CONSTRAINTS`], on either database;
/// `None` for any other error (it stays internal). The one place constraint
/// violations become field errors: `DomainError::from(sqlx::Error)` asks it.
pub fn constraint_field_error(e: &sqlx::Error) -> Option<crate::FieldErrors> {
    use sqlx::error::ErrorKind;
    let sqlx::Error::Database(d) = e else {
        return None;
    };
    let kind = d.kind();
    if !matches!(
        kind,
        ErrorKind::UniqueViolation | ErrorKind::ForeignKeyViolation | ErrorKind::CheckViolation
    ) {
        return None;
    }
    let found = if let Some(name) = d.constraint() {
        // PostgreSQL.
        CONSTRAINTS.iter().find(|c| c.postgres.contains(&name))
    } else {
        // SQLite: "UNIQUE constraint failed: t.a, t.b" / "CHECK constraint failed: expr".
        let what = d
            .message()
            .split_once("constraint failed: ")
            .map(|(_, w)| w.trim());
        what.and_then(|w| CONSTRAINTS.iter().find(|c| c.sqlite.contains(&w)))
    }?;
    Some(crate::FieldErrors::single(found.field, found.message))
}

impl Db {
    /// Opens (and for SQLite, creates) the database. Does not migrate.
    pub async fn connect(url: &str) -> Result<Db, ConnectError> {
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| ConnectError::Invalid(e.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            let file = opts.get_filename().to_owned();
            let in_memory = file.as_os_str().is_empty() || file == Path::new(":memory:");
            if let Some(dir) = file
                .parent()
                .filter(|d| !in_memory && !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).map_err(|source| ConnectError::DataFolder {
                    path: dir.display().to_string(),
                    source,
                })?;
            }
            // No `SELECT 1` before handing out a connection: a SQLite connection is a
            // file handle in this process, not a socket that can go stale, and the ping
            // is a round trip to its worker thread (two context switches) on every
            // acquire, a few per change.
            let pool = SqlitePoolOptions::new()
                .max_connections(if in_memory { 1 } else { 8 })
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(15))
                .connect_with(opts.clone())
                .await
                .map_err(ConnectError::Open)?;
            // One connection for every write of this process: writers queue for it in
            // order (the pool is fair) instead of sleeping in SQLite's busy handler,
            // and its page cache stays warm instead of re-reading from the WAL what
            // another connection wrote.
            let writer = if in_memory {
                None
            } else {
                Some(
                    SqlitePoolOptions::new()
                        .max_connections(1)
                        .test_before_acquire(false)
                        .acquire_timeout(WRITER_WAIT)
                        // Kept open: its settings (see `checkpoint_in_background`) last.
                        .idle_timeout(None)
                        .max_lifetime(None)
                        .connect_with(opts)
                        .await
                        .map_err(ConnectError::Open)?,
                )
            };
            Ok(Db::Sqlite(pool, writer))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let opts = PgConnectOptions::from_str(url)
                .map_err(|e| ConnectError::Invalid(e.to_string()))?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await
                .map_err(ConnectError::Open)?;
            Ok(Db::Postgres(pool))
        } else {
            Err(ConnectError::Scheme(redact_url(url)))
        }
    }

    pub async fn migrate(&self) -> Result<(), ConnectError> {
        match self {
            Db::Sqlite(p, _) => SQLITE_MIGRATOR.run(p).await,
            Db::Postgres(p) => POSTGRES_MIGRATOR.run(p).await,
        }
        .map_err(ConnectError::Migrate)
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(..) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            // IMMEDIATE takes the write lock up front: a transaction that reads, then
            // writes, never fails with "database is locked" when another writer went first.
            // The writers of this process take turns on the one writer connection (FIFO,
            // bounded like any acquire: a transaction begun while this task already holds
            // one fails instead of waiting forever). Before, each writer took its own
            // connection and the ones that lost the race slept in SQLite's busy handler
            // (1, 2, 5 … 100 ms steps): p99 of 16 concurrent editors was 425 ms.
            Db::Sqlite(p, writer) => Tx::Sqlite(Conn::Tx(
                writer
                    .as_ref()
                    .unwrap_or(p)
                    .begin_with("BEGIN IMMEDIATE")
                    .await?,
            )),
            Db::Postgres(p) => Tx::Postgres(Conn::Tx(p.begin().await?)),
        })
    }

    /// A connection for reads outside any transaction: no writer's turn is taken and
    /// no snapshot is held. For what a write checks before its turn (the stored
    /// version, links to objects that never move); never for writes, which would
    /// each commit on their own.
    pub async fn read(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(p, _) => Tx::Sqlite(Conn::Read(p.acquire().await?)),
            Db::Postgres(p) => Tx::Postgres(Conn::Read(p.acquire().await?)),
        })
    }

    /// SQLite: moves the WAL's checkpoints out of the writers' turn. By default the
    /// commit that grows the WAL past 1,000 pages copies it into the database file and
    /// syncs it, while every other writer waits (the changes' p99). From here on a task
    /// of its own checkpoints every half second on a reader's connection (`PASSIVE`:
    /// it waits for nobody) and the writer's connection never does. The task ends when
    /// the pool is closed (or its runtime with it). PostgreSQL: nothing to do.
    pub async fn checkpoint_in_background(&self) -> Result<(), sqlx::Error> {
        let Db::Sqlite(readers, Some(writer)) = self else {
            return Ok(());
        };
        sqlx::query("PRAGMA wal_autocheckpoint = 0")
            .execute(writer)
            .await?;
        let readers = readers.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_millis(500));
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            while !readers.is_closed() {
                every.tick().await;
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&readers)
                    .await
                    && !readers.is_closed()
                {
                    tracing::warn!(error = %e, "checkpointing the SQLite WAL failed");
                }
            }
        });
        Ok(())
    }

    /// `SELECT 1`: is the database reachable?
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_db!(self, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()))
    }

    pub async fn close(&self) {
        if let Db::Sqlite(_, Some(writer)) = self {
            writer.close().await;
        }
        on_db!(self, p => p.close().await)
    }
}

/// How long a writer waits for its turn (as long as the pool waits for a connection).
#[cfg(not(test))]
const WRITER_WAIT: Duration = Duration::from_secs(15);
#[cfg(test)]
const WRITER_WAIT: Duration = Duration::from_millis(300);

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }?;
        // The publisher and live updates of this process look at the outbox now
        // rather than at their next poll.
        crate::outbox::wake();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writers_of_one_file_take_turns_and_a_nested_begin_fails_instead_of_hanging() {
        let dir = std::env::temp_dir().join(format!("hackfest-writer-{}", uuid::Uuid::new_v4()));
        let db = Db::connect(&format!("sqlite:{}/db.sqlite", dir.display()))
            .await
            .unwrap();
        let first = db.begin().await.unwrap();
        // The same task asking again while it holds its turn: an error, not a deadlock.
        assert!(matches!(db.begin().await, Err(sqlx::Error::PoolTimedOut)));
        // Another writer gets its turn as soon as the first one ends.
        let waiting = tokio::spawn({
            let db = db.clone();
            async move { db.begin().await.map(|_| ()) }
        });
        first.commit().await.unwrap();
        waiting.await.unwrap().unwrap();
        db.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn redacts_password() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite:data/x.db"), "sqlite:data/x.db");
    }

    #[tokio::test]
    async fn rejects_unknown_scheme() {
        let e = Db::connect("mysql://x").await.unwrap_err();
        assert!(e.to_string().starts_with("HACKFEST_DATABASE_URL"), "{e}");
    }

    #[test]
    fn migration_file_names_match() {
        let names = |m: &sqlx::migrate::Migrator| {
            m.iter()
                .map(|x| (x.version, x.description.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&SQLITE_MIGRATOR), names(&POSTGRES_MIGRATOR));
        let dir = |d: &str| {
            let mut v: Vec<_> =
                std::fs::read_dir(format!("{}/../migrations/{d}", env!("CARGO_MANIFEST_DIR")))
                    .unwrap()
                    .map(|e| e.unwrap().file_name().into_string().unwrap())
                    .collect();
            v.sort();
            v
        };
        assert_eq!(dir("sqlite"), dir("postgres"));
    }

    /// Each mapped constraint, broken by a raw write (no service's check in the way),
    /// is its field error on this database; anything else stays a database error.
    async fn violations_are_field_errors(db: &Db) {
        const H: &str = "'00000000-0000-7000-8000-000000000001'";
        const T: &str = "'2026-01-01T10:00:00Z'";
        let field = |r: Result<(), sqlx::Error>| {
            let e = r.expect_err("the write must break a constraint");
            constraint_field_error(&e).map(|f| f.0.into_iter().collect::<Vec<_>>())
        };
        let hackfest = |id: &str, slug: &str, start: &str, end: &str| {
            format!(
                "INSERT INTO hackfests (id, slug, title, start_date, end_date, time_zone, created_at, updated_at) \
                 VALUES ('00000000-0000-7000-8000-00000000000{id}', '{slug}', 't', '{start}', '{end}', 'UTC', {T}, {T})"
            )
        };
        db.execute_raw(&hackfest("1", "taken", "2026-01-01", "2026-01-02"))
            .await
            .unwrap();
        let one = |f: &str, m: &str| Some(vec![(f.to_owned(), m.to_owned())]);
        assert_eq!(
            field(
                db.execute_raw(&hackfest("2", "taken", "2026-01-01", "2026-01-02"))
                    .await
            ),
            one("slug", "This slug is already used by another hackfest.")
        );
        assert_eq!(
            field(
                db.execute_raw(&hackfest("3", "other", "2026-01-02", "2026-01-01"))
                    .await
            ),
            one("end_date", "End date must not be before the start date.")
        );
        let goal = |kind: &str, status: &str, progress: i32, parent: &str| {
            format!(
                "INSERT INTO goals (id, hackfest_id, title, kind, status, progress, parent_id, created_at, updated_at) \
                 VALUES ('00000000-0000-7000-8000-0000000000a1', {H}, 'g', '{kind}', '{status}', {progress}, {parent}, {T}, {T})"
            )
        };
        assert_eq!(
            field(db.execute_raw(&goal("huge", "active", 0, "NULL")).await).unwrap()[0].0,
            "kind"
        );
        assert_eq!(
            field(db.execute_raw(&goal("big", "late", 0, "NULL")).await).unwrap()[0].0,
            "status"
        );
        assert_eq!(
            field(db.execute_raw(&goal("big", "active", 101, "NULL")).await).unwrap()[0].0,
            "progress"
        );
        // A missing parent: PostgreSQL names the key; SQLite does not say which (and
        // its writers are serialised, so the services' own check cannot be raced).
        let missing = field(
            db.execute_raw(&goal(
                "big",
                "active",
                0,
                "'00000000-0000-7000-8000-0000000000ff'",
            ))
            .await,
        );
        match db {
            Db::Postgres(_) => assert_eq!(missing.unwrap()[0].0, "parent_id"),
            Db::Sqlite(..) => assert_eq!(missing, None),
        }
        let session = format!(
            "INSERT INTO hack_sessions (id, hackfest_id, title, kind, starts_at, ends_at, created_at, updated_at) \
             VALUES ('00000000-0000-7000-8000-0000000000b1', {H}, 's', 'work', {T}, {T}, {T}, {T})"
        );
        assert_eq!(
            field(db.execute_raw(&session).await),
            one("ends_at", "End must be after the start.")
        );
        let decision = format!(
            "INSERT INTO decisions (id, hackfest_id, title, status, created_at, updated_at) \
             VALUES ('00000000-0000-7000-8000-0000000000c1', {H}, 'd', 'superseded', {T}, {T})"
        );
        assert_eq!(
            field(db.execute_raw(&decision).await).unwrap()[0].0,
            "superseded_by"
        );
        let page = |id: &str| {
            format!(
                "INSERT INTO pages (id, hackfest_id, slug, title, created_at, updated_at) \
                 VALUES ('00000000-0000-7000-8000-0000000000d{id}', {H}, 'home', 'p', {T}, {T})"
            )
        };
        db.execute_raw(&page("1")).await.unwrap();
        assert_eq!(
            field(db.execute_raw(&page("2")).await),
            one(
                "slug",
                "Another page of this hackfest already has this slug."
            )
        );
        let summary = |id: &str| {
            format!(
                "INSERT INTO summaries (id, hackfest_id, scope, day, title, status, created_at, updated_at, updated_by) \
                 VALUES ('00000000-0000-7000-8000-0000000000e{id}', {H}, 'event', NULL, 's', 'draft', {T}, {T}, 'a')"
            )
        };
        db.execute_raw(&summary("1")).await.unwrap();
        assert_eq!(
            field(db.execute_raw(&summary("2")).await),
            one("day", "This day already has a summary; open it instead.")
        );
        // Not a person's input: a duplicate key stays internal.
        assert_eq!(
            field(
                db.execute_raw(&hackfest("1", "third", "2026-01-01", "2026-01-02"))
                    .await
            ),
            None
        );
        assert_eq!(constraint_field_error(&sqlx::Error::RowNotFound), None);
    }

    #[tokio::test]
    async fn constraint_violations_are_field_errors_sqlite() {
        violations_are_field_errors(&scratch::sqlite().await).await;
    }

    #[tokio::test]
    async fn constraint_violations_are_field_errors_postgres() {
        let (db, url) = scratch::postgres().await;
        violations_are_field_errors(&db).await;
        scratch::drop_postgres(db, &url).await;
    }

    /// Every constraint of the PostgreSQL schema is mapped to a field or known to be
    /// out of a person's reach; every mapped name and SQLite text is in the schema.
    #[tokio::test]
    async fn every_constraint_is_mapped_or_internal() {
        const INTERNAL: &[&str] = &[
            "goals_hackfest_id_fkey",
            "history_hackfest_id_fkey",
            "users_issuer_subject_key",
            "hackfest_members_hackfest_id_fkey",
            "hackfest_members_user_id_fkey",
            "hackfest_members_role_check",
            "goal_notes_goal_id_fkey",
            "goal_notes_hackfest_id_fkey",
            "hack_sessions_hackfest_id_fkey",
            "decisions_hackfest_id_fkey",
            "action_items_hackfest_id_fkey",
            "pages_hackfest_id_fkey",
            "page_revisions_number_check",
            "page_revisions_page_id_fkey",
            "page_revisions_page_id_number_key",
            "page_questions_hackfest_id_fkey",
            "page_questions_page_id_fkey",
            "page_questions_state_check",
            "outbox_message_id_key",
            // Summaries are written by the service only (the unique day is mapped).
            "summaries_hackfest_id_fkey",
            "summaries_status_check",
            "summaries_revision_check",
            "summaries_check",
            "summaries_check1",
            "summaries_check2",
            "summary_revisions_summary_id_fkey",
            "summary_revisions_revision_check",
            "summary_revisions_summary_id_revision_key",
            // A session's room is checked by its service first (same hackfest).
            "rooms_hackfest_id_fkey",
            "hack_sessions_room_id_fkey",
            // Travel's amounts, states and currency are parsed by its service first.
            "travel_budgets_hackfest_id_fkey",
            "travel_budgets_currency_check",
            "travel_budgets_travel_check",
            "travel_budgets_lodging_check",
            "travel_budgets_other_check",
            "travel_requests_hackfest_id_fkey",
            "travel_requests_state_check",
            "travel_requests_approved_travel_check",
            "travel_requests_approved_lodging_check",
            "travel_requests_approved_other_check",
            "travel_requests_reimbursed_travel_check",
            "travel_requests_reimbursed_lodging_check",
            "travel_requests_reimbursed_other_check",
            // Unique indexes kept by their services (a token's hash, one per person).
            "calendar_tokens_by_hash",
            "calendar_tokens_by_person",
            // A meeting's import reads the keys it has before it writes (issue 15).
            "meeting_imports_by_source",
            // An API token's hash (issue 15): made by the service, never typed.
            "api_tokens_by_hash",
            // One delivery per message and endpoint (the dispatcher's ON CONFLICT).
            "webhook_deliveries_once",
        ];
        let (db, url) = scratch::postgres().await;
        let Db::Postgres(pool) = &db else {
            unreachable!()
        };
        let names: Vec<String> = sqlx::query_scalar(
            // Constraints, and unique indexes of their own (a partial one cannot be a
            // constraint: travel's one active request per person).
            "SELECT conname::text FROM pg_constraint \
             WHERE contype IN ('u', 'c', 'f') AND connamespace = 'public'::regnamespace \
             UNION SELECT c.relname::text FROM pg_index i \
             JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE i.indisunique AND NOT i.indisprimary \
             AND c.relnamespace = 'public'::regnamespace \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        scratch::drop_postgres(db, &url).await;
        let mapped: Vec<&str> = CONSTRAINTS
            .iter()
            .flat_map(|c| c.postgres)
            .copied()
            .collect();
        for n in &names {
            assert!(
                mapped.contains(&n.as_str()) || INTERNAL.contains(&n.as_str()),
                "{n}: map it to a field in db::CONSTRAINTS, or list it as internal here"
            );
        }
        for m in mapped.iter().chain(INTERNAL) {
            assert!(names.iter().any(|n| n == m), "{m} is not in the schema");
        }
        let sqlite: String = SQLITE_MIGRATOR.iter().map(|m| m.sql.to_string()).collect();
        // Check expressions as SQLite quotes them (unique keys: the test above).
        for text in CONSTRAINTS.iter().flat_map(|c| c.sqlite) {
            assert!(
                text.contains('.') || sqlite.contains(&format!("CHECK ({text})")),
                "{text} is not in the SQLite schema"
            );
        }
    }
}

/// Fresh, migrated databases for tests: one per test, on either backend.
pub mod scratch {
    use super::*;

    /// Where tests find PostgreSQL. `make test` starts it; a test never skips without it.
    pub fn postgres_admin_url() -> String {
        std::env::var("HACKFEST_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
    }

    pub async fn sqlite() -> Db {
        let db = Db::connect("sqlite::memory:")
            .await
            .expect("open in-memory SQLite");
        db.migrate().await.expect("migrate SQLite");
        db
    }

    /// Creates database `hackfest_test_<uuid>` and returns it migrated, with its name.
    pub async fn postgres() -> (Db, String) {
        let admin_url = postgres_admin_url();
        let admin = Db::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!("PostgreSQL is required for these tests (HACKFEST_TEST_POSTGRES_URL={admin_url}): {e}")
        });
        let name = format!("hackfest_test_{}", uuid::Uuid::new_v4().simple());
        admin
            .execute_raw(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        admin.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .expect("a URL ending in /<database>");
        let url = format!("{base}/{name}");
        let db = Db::connect(&url).await.expect("connect to test database");
        db.migrate().await.expect("migrate PostgreSQL");
        (db, url)
    }

    /// Drops a database made by [`postgres`].
    pub async fn drop_postgres(db: Db, url: &str) {
        db.close().await;
        let name = url.rsplit('/').next().unwrap_or_default().to_owned();
        if let Ok(admin) = Db::connect(&postgres_admin_url()).await {
            let _ = admin
                .execute_raw(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
            admin.close().await;
        }
    }
}

impl Db {
    /// Runs SQL text without parameters (DDL, maintenance).
    pub async fn execute_raw(&self, sql: &str) -> Result<(), sqlx::Error> {
        on_db!(self, p => sqlx::raw_sql(sql).execute(p).await.map(|_| ()))
    }
}

impl Tx {
    /// Whether `table` (one of this crate's table names, never user input) holds row
    /// `id` in this hackfest: links between objects never cross hackfests.
    pub async fn belongs(
        &mut self,
        table: &'static str,
        id: uuid::Uuid,
        hackfest_id: uuid::Uuid,
    ) -> Result<bool, sqlx::Error> {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE id = $1 AND hackfest_id = $2");
        let n: i64 = crate::on_tx!(self, c => sqlx::query_scalar(&sql)
            .bind(id)
            .bind(hackfest_id)
            .fetch_one(c)
            .await)?;
        Ok(n > 0)
    }

    /// Whether every one of `ids` (distinct) is a row of `table` in this hackfest: one
    /// query however many ids (their number is bounded by the parsers, e.g. `IDS_MAX`).
    pub async fn all_belong(
        &mut self,
        table: &'static str,
        ids: &[uuid::Uuid],
        hackfest_id: uuid::Uuid,
    ) -> Result<bool, sqlx::Error> {
        if ids.is_empty() {
            return Ok(true);
        }
        let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT COUNT(*) FROM {table} WHERE hackfest_id = $1 AND id IN ({})",
            marks.join(", ")
        );
        let n: i64 = crate::on_tx!(self, c => {
            let mut q = sqlx::query_scalar(&sql).bind(hackfest_id);
            for id in ids {
                q = q.bind(*id);
            }
            q.fetch_one(c).await
        })?;
        Ok(usize::try_from(n).is_ok_and(|n| n == ids.len()))
    }
}
