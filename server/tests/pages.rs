//! Wiki pages over HTTP, through the real server functions: who may write, field
//! errors, stale saves, unknown pages, and Markdown that renders inert.

mod common;

use common::{TestApp, spawn_app};
use domain::page::Page;
use reqwest::StatusCode;
use serde_json::Value;

async fn member(slug: &str) -> (TestApp, domain::hackfest::Hackfest) {
    let app = spawn_app().await;
    let h = app.hackfest(slug).await;
    app.sign_in("alice", "attendee").await;
    app.join(slug).await;
    (app, h)
}

fn page_fields(slug: &str, title: &str, body: &str, comment: &str) -> Vec<(&'static str, String)> {
    vec![
        ("slug", slug.to_owned()),
        ("form[slug]", String::new()),
        ("form[title]", title.to_owned()),
        ("form[body]", body.to_owned()),
        ("form[comment]", comment.to_owned()),
    ]
}

async fn create(app: &TestApp, slug: &str, title: &str, body: &str) -> Page {
    let r = app
        .server_fn("pages/create", &page_fields(slug, title, body, "first"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn update(
    app: &TestApp,
    slug: &str,
    p: &Page,
    version: i64,
    body: &str,
) -> reqwest::Response {
    let mut f = page_fields(slug, &p.title, body, "edit");
    f.push(("id", p.id.to_string()));
    f.push(("version", version.to_string()));
    app.server_fn("pages/update", &f).await
}

#[tokio::test]
async fn only_members_write_everyone_reads() {
    let app = spawn_app().await;
    let h = app.hackfest("wiki-authz").await;
    let fields = page_fields(&h.slug, "OpenShift", "Q&A", "");

    // Anonymous: 401, nothing written.
    let r = app.server_fn("pages/create", &fields).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Signed in, not joined: 403.
    app.sign_in("visitor", "attendee").await;
    let r = app.server_fn("pages/create", &fields).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(
        domain::page::service::list(&app.db, &h)
            .await
            .unwrap()
            .is_empty()
    );

    // An attendee who joined: OK.
    app.join(&h.slug).await;
    let p = create(&app, &h.slug, "OpenShift", "How do I get a project?").await;
    assert_eq!((p.slug.as_str(), p.version), ("openshift", 1));

    // Anyone reads, anonymous included; write controls are hidden from them.
    let anon = app.with_new_client();
    for path in [
        "/h/wiki-authz/pages",
        "/h/wiki-authz/pages/openshift",
        "/h/wiki-authz/pages/openshift/history",
    ] {
        let r = anon.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains("OpenShift"), "{path}");
        assert!(
            html.contains("Sign in and join this hackfest"),
            "{path}: read-only notice"
        );
        assert!(!html.contains("Revert to this"), "{path}: no revert button");
    }
    let r = anon
        .server_fn(
            "pages/get",
            &[("slug", h.slug.clone()), ("page", "openshift".into())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // Anonymous edits, reverts and questions: 401.
    let r = update(&anon, &h.slug, &p, 1, "vandalised").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = anon
        .server_fn(
            "pages/revert",
            &[
                ("slug", h.slug.clone()),
                ("id", p.id.to_string()),
                ("version", "1".into()),
                ("number", "1".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = anon
        .server_fn(
            "pages/questions/ask",
            &[
                ("slug", h.slug.clone()),
                ("page_id", p.id.to_string()),
                ("form[question]", "?".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let now = domain::page::service::get(&app.db, &h, "openshift")
        .await
        .unwrap();
    assert_eq!(now.version, 1);
}

#[tokio::test]
async fn bad_input_is_422_naming_fields() {
    let (app, h) = member("wiki-bad").await;
    let mut f = page_fields(&h.slug, " ", &"x".repeat(100_001), &"c".repeat(201));
    f[1].1 = "Not A Slug".into();
    let r = app.server_fn("pages/create", &f).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    let e = &body["Validation"];
    assert!(e["title"].as_str().unwrap().contains("required"), "{body}");
    assert!(e["slug"].as_str().unwrap().contains("lowercase"), "{body}");
    assert!(e["body"].as_str().unwrap().contains("too long"), "{body}");
    assert!(
        e["comment"].as_str().unwrap().contains("too long"),
        "{body}"
    );

    create(&app, &h.slug, "OpenShift", "x").await;
    let r = app
        .server_fn(
            "pages/create",
            &page_fields(&h.slug, "OpenShift", "again", ""),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["Validation"]["slug"]
            .as_str()
            .unwrap()
            .contains("already"),
        "{body}"
    );
    assert_eq!(
        domain::page::service::list(&app.db, &h)
            .await
            .unwrap()
            .len(),
        1
    );

    // A malformed id or version is the client's mistake: a field error naming the
    // field (issue 9.11), never a 500 or serde's bare message.
    let r = app
        .server_fn(
            "pages/revert",
            &[
                ("slug", h.slug.clone()),
                ("id", "nope".into()),
                ("version", "x".into()),
                ("number", "1".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    let fields = body["Validation"].as_object().expect("a field error");
    assert!(
        fields.contains_key("id") || fields.contains_key("version"),
        "{body}"
    );
}

#[tokio::test]
async fn stale_save_is_409_with_the_current_page() {
    let (app, h) = member("wiki-stale").await;
    let p = create(&app, &h.slug, "OpenShift", "one").await;
    let r = update(&app, &h.slug, &p, 1, "theirs").await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = update(&app, &h.slug, &p, 1, "mine").await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body: Value = r.json().await.unwrap();
    let current: Page = serde_json::from_value(body["Conflict"]["current"].clone()).unwrap();
    assert_eq!((current.version, current.body.as_str()), (2, "theirs"));
    let now = domain::page::service::get(&app.db, &h, "openshift")
        .await
        .unwrap();
    assert_eq!(now.body, "theirs", "nothing overwritten");
    assert_eq!(
        domain::page::service::revisions(&app.db, &h, &now)
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn unknown_pages_are_404() {
    let (app, h) = member("wiki-404").await;
    for path in [
        "/h/wiki-404/pages/nope",
        "/h/wiki-404/pages/nope/edit",
        "/h/wiki-404/pages/nope/history",
        "/h/no-such/pages",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(r.text().await.unwrap().contains("not found"), "{path}");
    }
    let r = app
        .server_fn(
            "pages/get",
            &[("slug", h.slug.clone()), ("page", "nope".into())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let p = create(&app, &h.slug, "OpenShift", "x").await;
    let r = app
        .get("/h/wiki-404/pages/openshift/history?from=1&to=9")
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "an unknown revision");
    let r = app
        .server_fn(
            "pages/revert",
            &[
                ("slug", h.slug.clone()),
                ("id", p.id.to_string()),
                ("version", "1".into()),
                ("number", "7".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .get("/h/wiki-404/pages/new?title=Fedora%20Messaging")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("value=\"Fedora Messaging\""),
        "title prefilled"
    );
}

const XSS: &str =
    "</title></script><script>alert(1)</script></textarea><img src=x onerror=alert(1)>";

#[tokio::test]
async fn markdown_and_titles_render_inert() {
    let (app, h) = member("wiki-xss").await;
    let body = format!(
        "# Q&A\n\n{XSS}\n\n[x](javascript:alert(1)) [[{XSS}]] [[OpenShift|<svg onload=alert(1)>]]\n\n<iframe src=https://evil.example></iframe>"
    );
    let p = create(&app, &h.slug, &format!("OpenShift {XSS}"), &body).await;
    let p2 = {
        let r = update(&app, &h.slug, &p, 1, &format!("{body}\nmore")).await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json::<Page>().await.unwrap()
    };
    let r = app
        .server_fn(
            "pages/questions/ask",
            &[
                ("slug", h.slug.clone()),
                ("page_id", p.id.to_string()),
                ("form[question]", format!("Why {XSS}?")),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let q: Value = r.json().await.unwrap();
    let r = app
        .server_fn(
            "pages/questions/answer",
            &[
                ("slug", h.slug.clone()),
                ("id", q["id"].as_str().unwrap().into()),
                ("version", "1".into()),
                ("form[answer]", format!("Because {XSS} [[{XSS}]]")),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let base = format!("/h/wiki-xss/pages/{}", p2.slug);
    for path in [
        "/h/wiki-xss/pages".to_owned(),
        base.clone(),
        format!("{base}/edit"),
        format!("{base}/history?from=1&to=2"),
    ] {
        let r = app.get(&path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let html = r.text().await.unwrap();
        if let Some(i) = html.find("<script>alert(1)") {
            let around = &html[i.saturating_sub(300)..(i + 100).min(html.len())];
            panic!("{path}: unescaped script: …{around}…");
        }
        for bad in [
            "<img src=x onerror",
            "<svg",
            "<iframe",
            "href=\"javascript:",
        ] {
            assert!(!html.contains(bad), "{path}: {bad}");
        }
    }
    let html = app.get(&base).await.text().await.unwrap();
    assert!(
        html.contains("<h1>Q&amp;A</h1>"),
        "the body is rendered Markdown"
    );
    assert!(
        html.contains("class=\"missing\""),
        "a link to a missing page"
    );
    let history = app
        .get(&format!("{base}/history?from=1&to=2"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        history.contains("Changes from revision 1"),
        "the diff is shown"
    );
    assert!(history.contains("more"), "the added line is listed");
}

#[tokio::test]
async fn questions_revert_and_links_through_the_api() {
    let (app, h) = member("wiki-qa").await;
    let p = create(&app, &h.slug, "OpenShift", "first").await;
    update(&app, &h.slug, &p, 1, "second").await;
    let r = app
        .server_fn(
            "pages/revert",
            &[
                ("slug", h.slug.clone()),
                ("id", p.id.to_string()),
                ("version", "2".into()),
                ("number", "1".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let reverted: Page = r.json().await.unwrap();
    assert_eq!((reverted.version, reverted.body.as_str()), (3, "first"));
    let html = app
        .get("/h/wiki-qa/pages/openshift/history")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Revert to revision 1"),
        "the revert's comment is listed"
    );

    let r = app
        .server_fn(
            "pages/questions/ask",
            &[
                ("slug", h.slug.clone()),
                ("page_id", p.id.to_string()),
                ("form[question]", "Where are the logs?".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let q: Value = r.json().await.unwrap();
    let id = q["id"].as_str().unwrap().to_owned();
    let call = |endpoint: &'static str, extra: Vec<(&'static str, String)>| {
        let mut f = vec![("slug", h.slug.clone()), ("id", id.clone())];
        f.extend(extra);
        let app = &app;
        async move { app.server_fn(endpoint, &f).await }
    };
    let r = call(
        "pages/questions/answer",
        vec![("version", "1".into()), ("form[answer]", " ".into())],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = call(
        "pages/questions/answer",
        vec![
            ("version", "1".into()),
            ("form[answer]", "`oc logs`".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = call("pages/questions/reopen", vec![("version", "1".into())]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = call(
        "pages/questions/link",
        vec![
            ("version", "2".into()),
            ("decision_id", uuid::Uuid::now_v7().to_string()),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["Validation"]["decision_id"]
            .as_str()
            .unwrap()
            .contains("does not exist"),
        "{body}"
    );
    let r = call("pages/questions/reopen", vec![("version", "2".into())]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let q: Value = r.json().await.unwrap();
    assert_eq!(q["state"], "open");
    let html = app
        .get("/h/wiki-qa/pages/openshift")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Where are the logs?") && html.contains("<code>oc logs</code>"));
}

/// A database that already holds a 3,000-deep goal chain (written past the service's
/// depth check, as an old database may hold one): the overview and the goal pages
/// still answer 200, and the server stays up.
#[tokio::test]
async fn a_deep_goal_chain_in_the_database_still_serves_every_page() {
    let app = spawn_app().await;
    let h = app.hackfest("deep").await;
    let new = domain::goal::GoalForm {
        title: "Deep".into(),
        kind: "big".into(),
        status: "active".into(),
        progress: "40".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let mut ids: Vec<uuid::Uuid> = Vec::new();
    let mut tx = app.db.begin().await.unwrap();
    for _ in 0..3_000 {
        let id = uuid::Uuid::now_v7();
        let g = domain::goal::NewGoal {
            parent_id: ids.last().copied(),
            ..new.clone()
        };
        domain::goal::repo::insert(
            &mut tx,
            domain::ids::GoalId(id),
            domain::ids::HackfestId(h.id),
            &g,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        ids.push(id);
    }
    tx.commit().await.unwrap();

    for path in [
        "/h/deep".to_owned(),
        format!("/h/deep/goals/{}/edit", ids[0]),
        format!("/h/deep/goals/{}/edit", ids[1_500]),
        format!("/h/deep/goals/{}/edit", ids[2_999]),
        "/h/deep/goals/new".to_owned(),
    ] {
        let r = app.get(&path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains("Deep"), "{path}");
    }
    let r = app
        .server_fn("hackfests/overview", &[("slug", "deep".to_owned())])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}

/// Through the API a goal chain stops at the depth limit: 422 naming `parent_id`.
#[tokio::test]
async fn goal_chain_stops_at_the_depth_limit() {
    let (app, h) = member("chain").await;
    let mut parent = String::new();
    for level in 1..=domain::goal::MAX_DEPTH + 1 {
        let mut fields = common::goal_fields(&domain::goal::GoalForm {
            title: format!("Level {level}"),
            kind: "small".into(),
            status: "active".into(),
            parent_id: parent.clone(),
            ..Default::default()
        });
        fields.push(("slug", h.slug.clone()));
        let r = app.server_fn("goals/create", &fields).await;
        if level <= domain::goal::MAX_DEPTH {
            assert_eq!(r.status(), StatusCode::OK, "level {level}");
            let g: domain::goal::Goal = r.json().await.unwrap();
            parent = g.id.to_string();
        } else {
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let body: Value = r.json().await.unwrap();
            let m = body["Validation"]["parent_id"].as_str().unwrap_or_default();
            assert!(m.contains(&domain::goal::MAX_DEPTH.to_string()), "{body}");
        }
    }
    assert_eq!(
        domain::goal::service::list(&app.db, h.id)
            .await
            .unwrap()
            .len(),
        domain::goal::MAX_DEPTH
    );
    assert_eq!(app.get("/h/chain").await.status(), StatusCode::OK);

    // The editor offers as "Part of" only the goals a goal with one sub-goal fits under.
    let goals = domain::goal::service::list(&app.db, h.id).await.unwrap();
    let at = |level: usize| {
        goals
            .iter()
            .find(|g| g.title == format!("Level {level}"))
            .unwrap()
            .id
    };
    let top = app.goal(&h, "Top").await;
    let mut sub = top.to_form();
    sub.title = "Below".into();
    sub.parent_id = top.id.to_string();
    domain::goal::service::create(&app.db, h.id, &sub, "alice")
        .await
        .unwrap();
    let html = app
        .get(&format!("/h/chain/goals/{}/edit", top.id))
        .await
        .text()
        .await
        .unwrap();
    let offered = |id: uuid::Uuid| html.contains(&format!("<option value=\"{id}\""));
    let max = domain::goal::MAX_DEPTH;
    assert!(offered(at(1)) && offered(at(max - 2)), "{html}");
    assert!(!offered(at(max - 1)) && !offered(at(max)));
}
