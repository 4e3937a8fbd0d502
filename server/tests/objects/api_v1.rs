//! The JSON API (issue 15, item 2) over HTTP, on SQLite and on PostgreSQL:
//! - tokens are made on the tokens page (a plain form): shown once, in a document
//!   without hydration data, never stored; a write token for a hackfest the person
//!   cannot edit is refused on `scope`; another person cannot revoke one;
//! - the authorization matrix: no token, a malformed, unknown, revoked or expired
//!   token (one 401, alike), a read token writing (403), a token of another hackfest
//!   (403), an attendee writing rooms (403), an organizer writing them;
//! - the same field errors as the forms (422 by field), conflicts (409 with the
//!   current object), unknown fields and parameters named, paging and filters, another
//!   hackfest's object as 404.

use super::common::{Backend, TestApp, spawn_app_on};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Makes a token on the tokens page as the signed-in client: the token, from the
/// page that shows it once.
async fn make_token(app: &TestApp, name: &str, slug: &str, scope: &str) -> String {
    let r = app
        .post_form(
            "/tokens",
            &[
                ("name", name.into()),
                ("hackfest", slug.into()),
                ("scope", scope.into()),
                ("expires_in_days", "30".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "make {name}");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    // The document that shows a token is not hydrated (no WASM loads), and the token
    // is in it once: in its field, in no script or hydration data.
    assert!(!html.contains(".wasm"), "no hydration: {html}");
    let start = html.find("value=\"hft_").expect("the token is shown") + 7;
    let end = start + html[start..].find('"').unwrap();
    let token = html[start..end].to_owned();
    assert_eq!(token.len(), 47, "{token}");
    assert_eq!(html.matches(&token).count(), 1, "{html}");
    token
}

/// The API's client; it keeps every answer for the OpenAPI check at the end.
struct Api<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    answers: std::sync::Mutex<Vec<Value>>,
}

impl<'a> Api<'a> {
    fn new(app: &'a TestApp) -> Self {
        Api {
            app,
            client: reqwest::Client::new(),
            answers: Default::default(),
        }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value, reqwest::header::HeaderMap) {
        let method_name = method.as_str().to_owned();
        let mut req = self
            .client
            .request(method, format!("{}/api/v1{path}", self.app.address));
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let headers = r.headers().clone();
        assert_eq!(
            headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/json"),
            "{path}"
        );
        let body = r.json::<Value>().await.expect("every answer is JSON");
        self.answers.lock().unwrap().push(json!({
            "method": method_name, "path": format!("/api/v1{path}"), "status": status.as_u16(), "body": body,
        }));
        (status, body, headers)
    }

    async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let (s, b, _) = self.call(reqwest::Method::GET, path, token, None).await;
        (s, b)
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let (s, b, _) = self
            .call(reqwest::Method::POST, path, token, Some(body))
            .await;
        (s, b)
    }

    async fn put(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let (s, b, _) = self
            .call(reqwest::Method::PUT, path, token, Some(body))
            .await;
        (s, b)
    }
}

async fn api_matrix(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.hackfest("api").await;
    let other = app.hackfest("other").await;
    let foreign = app.goal(&other, "Another hackfest's goal").await;

    let alice = app.with_new_client();
    alice.sign_in("alice", "attendee").await;
    alice.join("api").await;
    let vera = app.with_new_client();
    vera.sign_in("vera", "attendee").await;
    let olivia = app.with_new_client();
    olivia.sign_in("olivia", "organizer").await;

    // Tokens, made on the page.
    let write = make_token(&alice, "CI bot", "api", "write").await;
    let read = make_token(&alice, "Dashboard", "api", "read").await;
    let elsewhere = make_token(&alice, "Other", "other", "read").await;
    let vera_read = make_token(&vera, "Reader", "api", "read").await;
    let organizer = make_token(&olivia, "Rooms", "api", "write").await;
    // A write token where the person cannot edit: refused on `scope`, typed values kept.
    let r = vera
        .post_form(
            "/tokens",
            &[
                ("name", "Sneaky".into()),
                ("hackfest", "api".into()),
                ("scope", "write".into()),
                ("expires_in_days", "400".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("join it first"), "{html}");
    assert!(html.contains("1 to 366"), "the expiry is named too");
    assert!(html.contains("value=\"Sneaky\""), "typed values kept");
    // Anonymous: no page form.
    let r = app
        .post_form(
            "/tokens",
            &[("name", "x".into()), ("hackfest", "api".into())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // The list names them, never shows them.
    let page = alice.get("/tokens").await.text().await.unwrap();
    assert!(page.contains("CI bot") && page.contains("Dashboard"));
    assert!(!page.contains(&write) && !page.contains(&read));

    let api = Api::new(&app);
    let goals = "/hackfests/api/goals";
    let goal =
        json!({"title": "Stand up the cluster", "kind": "big", "status": "active", "progress": 10});

    // Who am I.
    let (s, me) = api.get("/me", Some(&write)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (me["username"].as_str(), me["scope"].as_str()),
        (Some("alice"), Some("write"))
    );

    // Reading: anybody, as on the pages.
    let (s, b) = api.get(goals, None).await;
    assert_eq!((s, b["total"].as_i64()), (StatusCode::OK, Some(0)));
    assert_eq!(api.get(goals, Some(&vera_read)).await.0, StatusCode::OK);

    // Bad tokens: one 401, alike, with a Bearer challenge.
    let unknown = format!("hft_{}", "A".repeat(43));
    let mut bodies = Vec::new();
    for bad in ["hft_short", unknown.as_str(), "not a token at all", ""] {
        let (s, b, h) = api.call(reqwest::Method::GET, goals, Some(bad), None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{bad}");
        assert!(
            h["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer")
        );
        bodies.push(b);
    }
    let basic = api
        .client
        .get(format!("{}/api/v1{goals}", app.address))
        .header("authorization", "Basic YWxpY2U6YWxpY2U=")
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);

    // Writing: a write token of a member.
    assert_eq!(
        api.post(goals, None, goal.clone()).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (s, b) = api.post(goals, Some(&read), goal.clone()).await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    assert_eq!(
        api.post(goals, Some(&vera_read), goal.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, made) = api.post(goals, Some(&write), goal.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    assert_eq!(
        (made["version"].as_i64(), made["progress"].as_i64()),
        (Some(1), Some(10))
    );
    let one = format!("{goals}/{}", made["id"].as_str().unwrap());

    // A token of another hackfest: 403 here, whatever the method.
    assert_eq!(
        api.get(goals, Some(&elsewhere)).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        api.get(&one, Some(&elsewhere)).await.0,
        StatusCode::FORBIDDEN
    );
    // Another hackfest's object through this hackfest: not found.
    let (s, b) = api
        .get(&format!("{goals}/{}", foreign.id), Some(&write))
        .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    assert_eq!(
        api.get(&format!("{goals}/not-an-id"), None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get("/hackfests/nope/goals", None).await.0,
        StatusCode::NOT_FOUND
    );
    let nothing = api
        .client
        .get(format!("{}/api/v1/nothing/here", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(nothing.status(), StatusCode::NOT_FOUND);
    assert_eq!(nothing.json::<Value>().await.unwrap()["error"], "not_found");

    // The forms' field errors, by field; unknown fields named; nothing written.
    let (s, b) = api
        .post(
            goals,
            Some(&write),
            json!({"title": "", "kind": "huge", "status": "active", "progress": 140}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(b["error"], "validation");
    for f in ["title", "kind", "progress"] {
        assert!(b["fields"][f].is_string(), "{f}: {b}");
    }
    let (s, b) = api
        .post(goals, Some(&write), json!({"title": "x", "colour": "red"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        b["fields"]["colour"]
            .as_str()
            .unwrap()
            .contains("Unknown field"),
        "{b}"
    );
    let (s, b) = api
        .post(goals, Some(&write), json!(["not", "an", "object"]))
        .await;
    assert_eq!(
        (s, b["fields"]["body"].is_string()),
        (StatusCode::UNPROCESSABLE_ENTITY, true)
    );
    let raw = api
        .client
        .post(format!("{}/api/v1{goals}", app.address))
        .header("authorization", format!("Bearer {write}"))
        .body("{\"title\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    let raw = api
        .client
        .post(format!("{}/api/v1{goals}", app.address))
        .header("authorization", format!("Bearer {write}"))
        .body(deep)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(api.get(goals, None).await.1["total"], 1);

    // Update over a version; a stale one is a conflict with the current object.
    let mut edit = goal.clone();
    edit["title"] = json!("Stand up the OpenShift cluster");
    edit["version"] = json!(1);
    let (s, b) = api.put(&one, Some(&write), edit.clone()).await;
    assert_eq!((s, b["version"].as_i64()), (StatusCode::OK, Some(2)), "{b}");
    edit["title"] = json!("Lost edit");
    let (s, b) = api.put(&one, Some(&write), edit.clone()).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(
        b["current"]["title"], "Stand up the OpenShift cluster",
        "{b}"
    );
    edit.as_object_mut().unwrap().remove("version");
    let (s, b) = api.put(&one, Some(&write), edit).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["fields"]["version"].is_string());
    assert_eq!(
        api.get(&one, None).await.1["title"],
        "Stand up the OpenShift cluster"
    );

    // Rooms: organizers only.
    let room = json!({"name": "Brno 1", "capacity": 20});
    assert_eq!(
        api.post("/hackfests/api/rooms", Some(&write), room.clone())
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (s, b) = api
        .post("/hackfests/api/rooms", Some(&organizer), room)
        .await;
    assert_eq!(
        (s, b["capacity"].as_i64()),
        (StatusCode::CREATED, Some(20)),
        "{b}"
    );

    // Sessions, decisions, action items and wiki pages through the same path.
    let (s, session) = api
        .post(
            "/hackfests/api/sessions",
            Some(&write),
            json!({"title": "Storage", "kind": "work", "starts_at": "2026-11-24T10:00", "ends_at": "2026-11-24T11:00",
                   "participants": ["alice", "kevin"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{session}");
    assert_eq!(session["participants"], json!(["alice", "kevin"]));
    let (s, d) = api
        .post(
            "/hackfests/api/decisions",
            Some(&write),
            json!({"title": "Use Ceph", "status": "agreed", "session_id": session["id"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    for (i, status) in ["open", "done", "open"].iter().enumerate() {
        let (s, b) = api
            .post(
                "/hackfests/api/action-items",
                Some(&write),
                json!({"title": format!("Task {i}"), "status": status, "owner": if i == 0 { "Alice" } else { "kevin" }}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let (s, p) = api
        .post(
            "/hackfests/api/pages",
            Some(&write),
            json!({"title": "Runbook", "body": "# Steps"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let slug = p["slug"].as_str().unwrap();
    let (s, b) = api.get(&format!("/hackfests/api/pages/{slug}"), None).await;
    assert_eq!((s, b["title"].as_str()), (StatusCode::OK, Some("Runbook")));
    let (s, b) = api
        .put(
            &format!("/hackfests/api/pages/{slug}"),
            Some(&write),
            json!({"title": "Runbook", "body": "# Steps\n\n1. Go", "version": 1}),
        )
        .await;
    assert_eq!((s, b["version"].as_i64()), (StatusCode::OK, Some(2)), "{b}");

    // Paging and filters; unknown or bad parameters are named.
    let items = "/hackfests/api/action-items";
    let (_, b) = api.get(&format!("{items}?per_page=2"), None).await;
    assert_eq!(
        (b["items"].as_array().unwrap().len(), b["total"].as_i64()),
        (2, Some(3))
    );
    let (_, b) = api.get(&format!("{items}?per_page=2&page=2"), None).await;
    assert_eq!(b["items"].as_array().unwrap().len(), 1);
    assert_eq!(b["items"][0]["title"], "Task 2");
    let (_, b) = api.get(&format!("{items}?status=done"), None).await;
    assert_eq!(
        (b["total"].as_i64(), b["items"][0]["title"].as_str()),
        (Some(1), Some("Task 1"))
    );
    let (_, b) = api.get(&format!("{items}?owner=ALICE"), None).await;
    assert_eq!(b["total"], 1, "owners compare without case");
    let (_, b) = api
        .get(
            &format!(
                "/hackfests/api/decisions?session={}",
                session["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(b["total"], 1);
    for (q, field) in [
        ("colour=red", "colour"),
        ("status=purple", "status"),
        ("per_page=1000", "per_page"),
        ("page=0", "page"),
        ("goal=not-an-id", "goal"),
        ("status=open&status=done", "status"),
    ] {
        let (s, b) = api.get(&format!("{items}?{q}"), None).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert!(b["fields"][field].is_string(), "{q}: {b}");
    }

    // Revoked and expired tokens: the same 401 as an unknown one.
    let other_client = app.with_new_client();
    other_client.sign_in("mallory", "attendee").await;
    let tokens = domain::api_token::service::list(&app.db, alice_id(&app, "alice").await)
        .await
        .unwrap();
    let dashboard = tokens.iter().find(|t| t.name == "Dashboard").unwrap().id;
    // Someone else's revoke does nothing.
    let r = other_client
        .post_form(&format!("/tokens/{dashboard}/revoke"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(api.get(goals, Some(&read)).await.0, StatusCode::OK);
    let r = alice
        .post_form(&format!("/tokens/{dashboard}/revoke"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, revoked) = api.get(goals, Some(&read)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let ci = tokens.iter().find(|t| t.name == "CI bot").unwrap().id;
    domain::api_token::service::set_expiry(
        &app.db,
        ci,
        chrono::Utc::now() - chrono::TimeDelta::seconds(1),
    )
    .await
    .unwrap();
    let (s, expired) = api.get(goals, Some(&write)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(revoked, bodies[1]);
    assert_eq!(expired, bodies[1]);
    let page = alice.get("/tokens").await.text().await.unwrap();
    assert!(page.contains("Revoked") && page.contains("Expired"));

    // The rest of the surface, so that every documented operation is answered once.
    let (s, b) = api.get("/hackfests", None).await;
    assert_eq!((s, b["total"].as_i64()), (StatusCode::OK, Some(2)));
    let (s, b) = api.get("/hackfests/api", Some(&organizer)).await;
    assert_eq!(
        (s, b["role"].as_str(), b["slug"].as_str()),
        (StatusCode::OK, Some("organizer"), Some("api"))
    );
    let sid = session["id"].as_str().unwrap();
    let (_, s1) = api
        .get(&format!("/hackfests/api/sessions/{sid}"), None)
        .await;
    let mut moved = json!({"title": "Storage", "kind": "work", "starts_at": "2026-11-24T11:00", "ends_at": "2026-11-24T12:00"});
    moved["version"] = s1["version"].clone();
    assert_eq!(
        api.put(
            &format!("/hackfests/api/sessions/{sid}"),
            Some(&organizer),
            moved
        )
        .await
        .0,
        StatusCode::OK
    );
    let did = d["id"].as_str().unwrap();
    let (_, d1) = api
        .get(&format!("/hackfests/api/decisions/{did}"), None)
        .await;
    let (s, _) = api
        .put(&format!("/hackfests/api/decisions/{did}"), Some(&organizer),
             json!({"title": "Use Ceph", "status": "agreed", "decision": "Ceph for the archive", "version": d1["version"]}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, all_items) = api.get(items, None).await;
    let first = &all_items["items"][0];
    let aid = first["id"].as_str().unwrap();
    let (_, a1) = api.get(&format!("{items}/{aid}"), None).await;
    let (s, b) = api
        .put(
            &format!("{items}/{aid}"),
            Some(&organizer),
            json!({"title": "Task 0", "status": "done", "version": a1["version"]}),
        )
        .await;
    assert_eq!(
        (s, b["status"].as_str()),
        (StatusCode::OK, Some("done")),
        "{b}"
    );
    let (_, rooms) = api.get("/hackfests/api/rooms", None).await;
    let rid = rooms["items"][0]["id"].as_str().unwrap();
    let (_, r1) = api.get(&format!("/hackfests/api/rooms/{rid}"), None).await;
    let (s, _) = api
        .put(
            &format!("/hackfests/api/rooms/{rid}"),
            Some(&organizer),
            json!({"name": "Brno 1", "capacity": "24", "version": r1["version"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(api.get("/hackfests/api/pages", None).await.1["total"], 1);
    let (s, b) = api.get("/hackfests/api/sessions?kind=work", None).await;
    assert_eq!((s, b["total"].as_i64()), (StatusCode::OK, Some(1)));
    assert_eq!(
        api.get(&format!("/hackfests/api/sessions?room={rid}"), None)
            .await
            .1["total"],
        0
    );
    let (s, doc) = api.get("/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");

    check_against_openapi(&doc, &api.answers.lock().unwrap());
}

/// Every answer against the document, by `scripts/validate/openapi.py`
/// (openapi-spec-validator and jsonschema; a missing one fails the test).
fn check_against_openapi(doc: &Value, answers: &[Value]) {
    let dir = super::common::TempDir::new();
    let doc_file = dir.0.join("openapi.json");
    let answers_file = dir.0.join("answers.jsonl");
    std::fs::write(&doc_file, serde_json::to_vec(doc).unwrap()).unwrap();
    let lines: Vec<String> = answers.iter().map(|a| a.to_string()).collect();
    std::fs::write(&answers_file, lines.join("\n")).unwrap();
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/validate/openapi.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(&doc_file)
        .arg(&answers_file)
        .output()
        .unwrap_or_else(|e| {
            panic!("python3 is needed to check the OpenAPI document (run scripts/setup.sh): {e}")
        });
    let err = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => {}
        Some(3) => panic!("OpenAPI validator unavailable: {err}"),
        _ => panic!("the API and its OpenAPI document disagree:\n{err}"),
    }
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    eprintln!("openapi: {summary}");
    assert!(summary["answers"].as_u64().unwrap() > 50, "{summary}");
}

async fn alice_id(app: &TestApp, username: &str) -> uuid::Uuid {
    domain::user::repo::find_by_username(&app.db, username)
        .await
        .unwrap()[0]
        .id
}

#[tokio::test]
async fn api_matrix_on_sqlite() {
    api_matrix(Backend::Sqlite).await;
}

#[tokio::test]
async fn api_matrix_on_postgres() {
    api_matrix(Backend::Postgres).await;
}
