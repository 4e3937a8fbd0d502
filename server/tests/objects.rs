//! Sessions, decisions and action items over HTTP: pages render on the server
//! (escaped, real 404s), bad input is 422 naming fields, stale saves are 409.

mod common;

use common::{TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

async fn member(slug: &str) -> (TestApp, domain::hackfest::Hackfest) {
    let app = spawn_app().await;
    let h = app.hackfest(slug).await;
    app.sign_in("alice", "attendee").await;
    app.join(slug).await;
    (app, h)
}

const XSS: &str =
    "</title></script><script>alert(1)</script></textarea><img src=x onerror=alert(1)>";

#[tokio::test]
async fn pages_render_on_the_server_escaped() {
    let (app, h) = member("pages").await;
    let r = app
        .server_fn(
            "sessions/create",
            &[
                ("slug", h.slug.clone()),
                ("form[title]", format!("Storage {XSS}")),
                ("form[kind]", "meeting".into()),
                ("form[starts_at]", "2026-11-24T10:00".into()),
                ("form[ends_at]", "2026-11-24T11:00".into()),
                ("form[participants]", "Red Hat Storage team".into()),
                (
                    "form[notes]",
                    format!("**Agreed**. {XSS} [x](javascript:alert(1))"),
                ),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let s: Value = r.json().await.unwrap();
    let r = app
        .server_fn(
            "decisions/create",
            &[
                ("slug", h.slug.clone()),
                ("form[title]", "Archive volumes on the slow tier".into()),
                ("form[status]", "agreed".into()),
                ("form[session_id]", s["id"].as_str().unwrap().into()),
                ("form[followups]", "[x] fedora-infra\n[ ] copr".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let d: Value = r.json().await.unwrap();
    let r = app
        .server_fn(
            "actions/create",
            &[
                ("slug", h.slug.clone()),
                ("form[title]", "Send the split proposal".into()),
                ("form[owner]", "alice".into()),
                ("form[due_date]", "2026-11-20".into()),
                ("form[status]", "open".into()),
                ("form[decision_id]", d["id"].as_str().unwrap().into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let a: Value = r.json().await.unwrap();

    for path in [
        format!("/h/pages/sessions/{}", s["id"].as_str().unwrap()),
        format!("/h/pages/sessions/{}/edit", s["id"].as_str().unwrap()),
        "/h/pages/sessions".to_owned(),
        format!("/h/pages/decisions/{}", d["id"].as_str().unwrap()),
        format!("/h/pages/actions/{}", a["id"].as_str().unwrap()),
        "/h/pages/actions?status=open_any".to_owned(),
        "/h/pages".to_owned(),
    ] {
        let r = app.get(&path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let html = r.text().await.unwrap();
        if let Some(i) = html.find("<script>alert(1)") {
            let around = &html[i.saturating_sub(300)..(i + 100).min(html.len())];
            panic!("{path}: unescaped script: …{around}…");
        }
        assert!(
            !html.contains("<img src=x onerror"),
            "{path}: unescaped img"
        );
        // (The raw Markdown travels as JSON text for hydration; no link may carry it.)
        assert!(!html.contains("href=\"javascript:"), "{path}: script URL");
    }
    let html = app
        .get(&format!("/h/pages/sessions/{}", s["id"].as_str().unwrap()))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<strong>Agreed</strong>"),
        "notes are rendered Markdown"
    );
    assert!(
        html.contains("Archive volumes on the slow tier"),
        "decisions made in the session are listed"
    );
    let html = app
        .get(&format!("/h/pages/decisions/{}", d["id"].as_str().unwrap()))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Send the split proposal") && html.contains("copr"));
    let html = app
        .get("/h/pages/actions?status=open_any")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Overdue"),
        "an open item due in the past is marked"
    );
    // The title is text, even in <title> (leptos_meta writes it unescaped).
    assert!(
        html_title(
            &app,
            &format!("/h/pages/sessions/{}", s["id"].as_str().unwrap())
        )
        .await
        .contains("&lt;/title&gt;")
    );
    let html = app.get("/me").await.text().await.unwrap();
    assert!(html.contains("Send the split proposal"), "my action items");
}

#[tokio::test]
async fn missing_objects_are_real_404s() {
    let (app, _h) = member("missing").await;
    let id = uuid::Uuid::now_v7();
    for path in [
        format!("/h/missing/sessions/{id}"),
        format!("/h/missing/decisions/{id}/edit"),
        format!("/h/missing/actions/{id}"),
        "/h/missing/actions/not-a-uuid".to_owned(),
        "/h/nope/sessions".to_owned(),
    ] {
        let r = app.get(&path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn bad_input_is_422_naming_the_fields_and_writes_nothing() {
    let (app, h) = member("bad").await;
    let r = app
        .server_fn(
            "sessions/create",
            &[
                ("slug", h.slug.clone()),
                ("form[title]", "x".repeat(201)),
                ("form[kind]", "party".into()),
                ("form[starts_at]", "2026-11-24T10:00".into()),
                ("form[ends_at]", "2026-11-24T09:00".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    for field in ["title", "kind", "ends_at"] {
        assert!(body["Validation"][field].is_string(), "{field}: {body}");
    }
    let r = app
        .server_fn(
            "decisions/create",
            &[
                ("slug", h.slug.clone()),
                ("form[title]", "Superseded, by nothing".into()),
                ("form[status]", "superseded".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["Validation"]["superseded_by"]
            .as_str()
            .unwrap()
            .contains("replaces it")
    );
    let r = app
        .server_fn(
            "actions/create",
            &[
                ("slug", h.slug.clone()),
                ("form[title]", "x".into()),
                ("form[status]", "open".into()),
                ("form[goal_id]", uuid::Uuid::now_v7().to_string()),
                ("form[description]", "d".repeat(20_001)),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["Validation"]["description"]
            .as_str()
            .unwrap()
            .contains("too long")
    );
    let ov = app
        .server_fn("hackfests/overview", &[("slug", h.slug.clone())])
        .await
        .json::<Value>()
        .await
        .unwrap();
    for count in ["sessions", "decisions", "open_actions"] {
        assert_eq!(ov["counts"][count], 0, "{count}");
    }
}

/// SECURITY 24: two saves from the same version, exactly one wins.
#[tokio::test]
async fn two_saves_from_one_version_one_wins_one_conflicts() {
    let (app, h) = member("race").await;
    let other = app.with_new_client();
    other.sign_in("kevin", "attendee").await;
    other.join("race").await;
    let a = domain::action::service::create(
        &app.db,
        h.id,
        &domain::action::ActionForm {
            title: "Order racks".into(),
            status: "open".into(),
            ..Default::default()
        },
        "alice",
    )
    .await
    .unwrap();
    let fields = |owner: &str| {
        vec![
            ("slug", h.slug.clone()),
            ("id", a.id.to_string()),
            ("version", a.version.to_string()),
            ("form[title]", a.title.clone()),
            ("form[owner]", owner.to_owned()),
            ("form[status]", "in_progress".to_owned()),
        ]
    };
    let (f1, f2) = (fields("alice"), fields("kevin"));
    let (r1, r2) = tokio::join!(
        app.server_fn("actions/update", &f1),
        other.server_fn("actions/update", &f2)
    );
    let mut statuses = [r1.status(), r2.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let loser = if r1.status() == StatusCode::CONFLICT {
        r1
    } else {
        r2
    };
    let body: Value = loser.json().await.unwrap();
    assert_eq!(body["Conflict"]["current"]["version"], 2, "{body}");
    let stored = domain::action::service::get(&app.db, h.id, a.id)
        .await
        .unwrap();
    assert_eq!(stored.version, 2);
    let hist = domain::history::for_entity(&app.db, h.id, "action_item", a.id)
        .await
        .unwrap();
    assert_eq!(hist.len(), 2, "one create, one update");
}

async fn html_title(app: &TestApp, path: &str) -> String {
    let html = app.get(path).await.text().await.unwrap();
    let start = html.find("<title>").expect("a <title>") + "<title>".len();
    let end = html[start..].find("</title>").expect("a </title>") + start;
    html[start..end].to_owned()
}

/// SECURITY 37: the history of hackfest A's goal, asked for through hackfest B's
/// slug, is empty; the goal itself is 404 there.
#[tokio::test]
async fn history_is_scoped_to_its_hackfest() {
    let (app, a) = member("hist-a").await;
    let b = app.hackfest("hist-b").await;
    let g = app.goal(&a, "Secret plan").await;
    let mut f = g.to_form();
    f.title = "Secret plan, renamed".into();
    domain::goal::service::update(&app.db, a.id, g.id, g.version, &f, "alice")
        .await
        .unwrap();
    let goal = |slug: &str| vec![("slug", slug.to_owned()), ("id", g.id.to_string())];
    let r = app.server_fn("goals/get", &goal(&a.slug)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["history"].as_array().unwrap().len(), 2, "{body}");

    // Asked for under another hackfest's slug: not found, and nothing of it shows.
    let r = app.server_fn("goals/get", &goal(&b.slug)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body = r.text().await.unwrap();
    assert!(!body.contains("Secret plan"), "{body}");

    let r = app
        .server_fn(
            "goals/page",
            &[("slug", b.slug.clone()), ("id", g.id.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app.get(&format!("/h/{}/goals/{}/edit", b.slug, g.id)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

/// Creating a hackfest through the server function makes the creator its organizer in
/// the same transaction and announces it; joining twice (a retried request) is one
/// membership, one history row and one message.
#[tokio::test]
async fn creating_and_joining_are_recorded_once() {
    let app = spawn_app().await;
    app.sign_in("olivia", "organizer").await;
    let r = app
        .server_fn(
            "hackfests/create",
            &[
                ("form[slug]", "made-here".to_owned()),
                ("form[title]", "Made here".to_owned()),
                ("form[start_date]", "2026-11-23".to_owned()),
                ("form[end_date]", "2026-11-27".to_owned()),
                ("form[time_zone]", "Europe/Prague".to_owned()),
                ("form[location]", String::new()),
                ("form[description]", String::new()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let h: domain::hackfest::Hackfest = r.json().await.unwrap();
    let olivia = &domain::user::repo::find_by_username(&app.db, "olivia")
        .await
        .unwrap()[0];
    assert_eq!(
        domain::user::repo::membership(&app.db, h.id, olivia.id)
            .await
            .unwrap(),
        Some(domain::user::Role::Organizer)
    );

    let kevin = app.with_new_client();
    kevin.sign_in("kevin", "attendee").await;
    kevin.join("made-here").await;
    kevin.join("made-here").await;
    let rows = domain::outbox::after(&app.db, 0, Some(h.id), false, 100)
        .await
        .unwrap();
    let topics: Vec<&str> = rows.iter().map(|r| r.topic.as_str()).collect();
    assert_eq!(topics, ["hackfest.hackfest.new", "hackfest.member.join"]);
    assert_eq!(rows[0].body.0["agent"], "olivia");
    assert_eq!(rows[1].body.0["member"]["username"], "kevin");
    let kevin_id = domain::user::repo::find_by_username(&app.db, "kevin")
        .await
        .unwrap()[0]
        .id;
    let hist = domain::history::for_entity(&app.db, h.id, "member", kevin_id)
        .await
        .unwrap();
    assert_eq!(hist.len(), 1);
}

#[path = "objects/api_v1.rs"]
mod api_v1;
#[path = "objects/meetings.rs"]
mod meetings;
#[path = "objects/nojs.rs"]
mod nojs;
#[path = "objects/webhooks.rs"]
mod webhooks;

#[path = "objects/summaries.rs"]
mod summaries;

#[path = "objects/export.rs"]
mod export;

#[path = "objects/search.rs"]
mod search;

#[path = "objects/rooms.rs"]
mod rooms;

#[path = "objects/schedule.rs"]
mod schedule;

#[path = "objects/timetable.rs"]
mod timetable;
#[path = "objects/travel.rs"]
mod travel;
