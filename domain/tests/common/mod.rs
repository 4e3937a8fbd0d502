//! Runs each scenario on a fresh SQLite database and a fresh PostgreSQL database.

use domain::db::{Db, scratch};

/// `both!(name, scenario_fn)` makes tests `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both {
    ($name:ident, $scenario:path) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::common::sqlite().await;
                $scenario(db).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let (db, url) = $crate::common::postgres().await;
                $scenario(db.clone()).await;
                $crate::common::drop_postgres(db, &url).await;
            }
        }
    };
}

pub async fn sqlite() -> Db {
    scratch::sqlite().await
}

pub async fn postgres() -> (Db, String) {
    scratch::postgres().await
}

pub async fn drop_postgres(db: Db, url: &str) {
    scratch::drop_postgres(db, url).await
}
