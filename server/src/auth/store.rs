//! tower-sessions' SQL stores, chosen by the app's database: sessions live in the same
//! SQLite file or PostgreSQL database, so several app instances share them.

use async_trait::async_trait;
use domain::db::Db;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Store {
    /// Creates the session table if needed.
    pub async fn for_db(db: &Db) -> Result<Store, sqlx::Error> {
        Ok(match db {
            Db::Sqlite(p, _) => {
                let s = SqliteStore::new(p.clone());
                s.migrate().await?;
                Store::Sqlite(s)
            }
            Db::Postgres(p) => {
                let s = PostgresStore::new(p.clone());
                s.migrate().await?;
                Store::Postgres(s)
            }
        })
    }

    /// Deletes expired sessions every few minutes.
    pub fn spawn_cleanup(&self) {
        let store = self.clone();
        tokio::spawn(async move {
            let every = std::time::Duration::from_secs(300);
            let result = match store {
                Store::Sqlite(s) => s.continuously_delete_expired(every).await,
                Store::Postgres(s) => s.continuously_delete_expired(every).await,
            };
            if let Err(e) = result {
                tracing::error!(error = %e, "expired-session cleanup stopped");
            }
        });
    }
}

#[async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => s.create(record).await,
            Store::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => s.save(record).await,
            Store::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Store::Sqlite(s) => s.load(id).await,
            Store::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => s.delete(id).await,
            Store::Postgres(s) => s.delete(id).await,
        }
    }
}
