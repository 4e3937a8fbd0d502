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

/// The JSON Schemas shipped with the messages.
#[allow(dead_code)]
pub fn schema_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

#[allow(dead_code)]
pub fn schema(name: &str) -> serde_json::Value {
    let path = schema_dir().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no schema {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Validates `body` (with formats: uuid, date-time, uri) against the named schema.
#[allow(dead_code)]
pub fn check_body(schema_name: &str, body: &serde_json::Value) {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema(schema_name))
        .unwrap_or_else(|e| panic!("schema {schema_name} does not compile: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{schema_name}: {errors:#?}\nbody: {body:#}"
    );
}
