//! Issue 10.5: one error vocabulary. Plain routes answer with the same `AppError` JSON
//! as server functions; a constraint race is a field error, not a 500; an internal
//! error shows an id only, and its one log line says what was being done.

use std::io::Write;
use std::sync::{Arc, Mutex};

use app::error::AppError;
use serde_json::Value;

use crate::common::{Backend, hackfest_form, spawn_app, spawn_app_on};

/// The response as the browser's server-function client reads it.
async fn app_error(r: reqwest::Response) -> (u16, AppError) {
    let status = r.status().as_u16();
    assert_eq!(
        r.headers()["content-type"],
        "application/json",
        "an error body is JSON"
    );
    let e: AppError = r.json().await.expect("an AppError body");
    assert_eq!(e.status(), status, "{e:?}");
    (status, e)
}

#[tokio::test]
async fn plain_routes_answer_like_server_functions() {
    let app = spawn_app().await;
    app.hackfest("shape").await;
    // Not found: the same value from the feed, live updates and a server function.
    let (_, feed) = app_error(app.get("/api/events?hackfest=nope").await).await;
    let (_, live) = app_error(app.get("/api/hackfests/nope/events").await).await;
    let (_, server_fn) = app_error(
        app.server_fn("hackfests/overview", &[("slug", "nope".into())])
            .await,
    )
    .await;
    assert_eq!(feed, AppError::NotFound("Hackfest".into()));
    assert_eq!(live, feed);
    assert_eq!(server_fn, feed);
    // Bad input: 422 naming the field, like a server function's field error.
    let r = app.get("/api/events?limit=0").await;
    let (status, e) = app_error(r).await;
    assert_eq!(status, 422);
    assert!(e.field_errors().unwrap().get("limit").is_some(), "{e:?}");
    let r = app
        .client
        .get(format!("{}/api/hackfests/shape/events", app.address))
        .header("Last-Event-ID", "x")
        .send()
        .await
        .unwrap();
    let (status, e) = app_error(r).await;
    assert_eq!(status, 422);
    assert!(e.field_errors().unwrap().get("Last-Event-ID").is_some());
    app.sign_in("olga", "admin").await;
    let mut form: Vec<(&str, String)> = hackfest_fields("Not a slug!");
    form.retain(|(k, _)| *k != "form[title]");
    form.push(("form[title]", "T".into()));
    let (status, server_fn) = app_error(app.server_fn("hackfests/create", &form).await).await;
    assert_eq!(status, 422);
    assert!(server_fn.field_errors().unwrap().get("slug").is_some());
    // The wire format the browser decodes: `{"Validation":{"field":"message"}}`.
    let body: Value = app.get("/api/events?after=-1").await.json().await.unwrap();
    assert!(body["Validation"]["after"].is_string(), "{body}");
    assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
}

fn hackfest_fields(slug: &str) -> Vec<(&'static str, String)> {
    let f = hackfest_form(slug);
    vec![
        ("form[slug]", f.slug),
        ("form[title]", f.title),
        ("form[start_date]", f.start_date),
        ("form[end_date]", f.end_date),
        ("form[time_zone]", f.time_zone),
        ("form[location]", f.location),
        ("form[description]", f.description),
    ]
}

/// Eight creates of one slug at once: one wins, every other is told the slug is taken
/// (422 naming `slug`), whether the service's check or the unique key caught it.
async fn slug_races_are_field_errors(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.sign_in("olga", "admin").await;
    let fields = hackfest_fields("raced");
    let answers =
        futures_util::future::join_all((0..8).map(|_| app.server_fn("hackfests/create", &fields)))
            .await;
    let mut won = 0;
    for r in answers {
        if r.status() == 200 {
            won += 1;
            continue;
        }
        let (status, e) = app_error(r).await;
        assert_eq!(status, 422, "{e:?}");
        assert_eq!(
            e.field_errors().unwrap().get("slug"),
            Some("This slug is already used by another hackfest.")
        );
    }
    assert_eq!(won, 1);
    // A wiki page's slug, within its hackfest.
    app.join("raced").await;
    let page = [
        ("slug", "raced".to_owned()),
        ("form[slug]", "notes".into()),
        ("form[title]", "Notes".into()),
        ("form[body]", "Hello".into()),
        ("form[comment]", String::new()),
    ];
    let answers =
        futures_util::future::join_all((0..8).map(|_| app.server_fn("pages/create", &page))).await;
    let mut won = 0;
    for r in answers {
        if r.status() == 200 {
            won += 1;
            continue;
        }
        let (status, e) = app_error(r).await;
        assert_eq!(status, 422, "{e:?}");
        assert!(e.field_errors().unwrap().get("slug").is_some(), "{e:?}");
    }
    assert_eq!(won, 1);
}

#[tokio::test]
async fn slug_races_are_field_errors_sqlite() {
    slug_races_are_field_errors(Backend::Sqlite).await;
}

#[tokio::test]
async fn slug_races_are_field_errors_postgres() {
    slug_races_are_field_errors(Backend::Postgres).await;
}

/// Log output, kept for the test to read.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines_with(&self, needle: &str) -> Vec<String> {
        String::from_utf8_lossy(&self.0.lock().unwrap())
            .lines()
            .filter(|l| l.contains(needle))
            .map(str::to_owned)
            .collect()
    }
}

/// The answer of an internal error: only its id.
async fn internal_id(r: reqwest::Response) -> String {
    assert_eq!(r.status(), 500);
    let text = r.text().await.unwrap();
    for leak in [
        "no such table",
        "SELECT",
        "sqlx",
        "database",
        "outbox",
        "action_items",
    ] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
    let body: Value = serde_json::from_str(&text).unwrap();
    let id = body["Internal"]["id"].as_str().expect("an id").to_owned();
    assert_eq!(body, serde_json::json!({ "Internal": { "id": id } }));
    assert!(!id.is_empty());
    id
}

#[tokio::test]
async fn internal_errors_show_an_id_and_log_the_operation() {
    // This test's runtime runs on this thread only, the app's tasks too: a
    // thread-local subscriber sees the app's log lines and no other test's.
    let logs = Captured::default();
    let writer = logs.clone();
    let _guard = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish(),
    );
    let app = spawn_app().await;
    app.hackfest("broken").await;
    app.sign_in("alice", "attendee").await;
    app.join("broken").await;
    // The database loses tables under the running app.
    app.db.execute_raw("DROP TABLE action_items").await.unwrap();
    app.db.execute_raw("DROP TABLE outbox").await.unwrap();

    let r = app
        .server_fn(
            "actions/update",
            &[
                ("slug", "broken".into()),
                ("id", uuid::Uuid::now_v7().to_string()),
                ("version", "1".into()),
                ("form[title]", "T".into()),
                ("form[status]", "open".into()),
            ],
        )
        .await;
    let id = internal_id(r).await;
    let lines = logs.lines_with(&id);
    assert_eq!(lines.len(), 1, "logged once: {lines:?}");
    assert!(lines[0].contains("ERROR"), "{}", lines[0]);
    assert!(
        lines[0].contains("operation=\"actions/update\"")
            || lines[0].contains("operation=actions/update"),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains("no such table: action_items"),
        "the cause: {}",
        lines[0]
    );

    let id = internal_id(app.get("/api/events").await).await;
    let lines = logs.lines_with(&id);
    assert_eq!(lines.len(), 1, "logged once: {lines:?}");
    assert!(lines[0].contains("events/feed"), "{}", lines[0]);
    assert!(lines[0].contains("no such table: outbox"), "{}", lines[0]);
}
