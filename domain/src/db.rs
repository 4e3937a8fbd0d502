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
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$pool` bound to the concrete pool.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
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
            let pool = SqlitePoolOptions::new()
                .max_connections(if in_memory { 1 } else { 8 })
                .acquire_timeout(Duration::from_secs(15))
                .connect_with(opts)
                .await
                .map_err(ConnectError::Open)?;
            Ok(Db::Sqlite(pool))
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
            Db::Sqlite(p) => SQLITE_MIGRATOR.run(p).await,
            Db::Postgres(p) => POSTGRES_MIGRATOR.run(p).await,
        }
        .map_err(ConnectError::Migrate)
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            // IMMEDIATE takes the write lock up front: a transaction that reads, then
            // writes, never fails with "database is locked" when another writer went first.
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// `SELECT 1`: is the database reachable?
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_db!(self, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()))
    }

    pub async fn close(&self) {
        on_db!(self, p => p.close().await)
    }
}

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
