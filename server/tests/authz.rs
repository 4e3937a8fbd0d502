//! Authorization matrix: every server function and mutating route ×
//! {anonymous, visitor, attendee, organizer, admin}, checked on the server.

mod common;

use common::{TestApp, goal_fields, spawn_app};
use domain::goal::GoalForm;
use hackfest_server::config::Config;
use reqwest::StatusCode;

#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    Visitor,
    Attendee,
    Organizer,
    Admin,
}

const EVERYONE: [Who; 5] = [
    Who::Anonymous,
    Who::Visitor,
    Who::Attendee,
    Who::Organizer,
    Who::Admin,
];

/// A fresh client of the same app, signed in as `who` (attendees join `slug`).
async fn client_as(base: &TestApp, who: Who, slug: &str) -> TestApp {
    let app = base.with_new_client();
    match who {
        Who::Anonymous => {}
        Who::Visitor => app.sign_in("vera", "attendee").await,
        Who::Attendee => {
            app.sign_in("alice", "attendee").await;
            app.join(slug).await;
        }
        Who::Organizer => app.sign_in("olivia", "organizer").await,
        Who::Admin => app.sign_in("adam", "admin").await,
    }
    app
}

fn expect(who: Who, allowed: bool) -> StatusCode {
    match (allowed, who) {
        (true, _) => StatusCode::OK,
        (false, Who::Anonymous) => StatusCode::UNAUTHORIZED,
        (false, _) => StatusCode::FORBIDDEN,
    }
}

#[tokio::test]
async fn matrix() {
    let base = spawn_app().await;
    let h = base.hackfest("matrix").await;
    let g = base.goal(&h, "Existing goal").await;

    for who in EVERYONE {
        let app = client_as(&base, who, &h.slug).await;
        let editor = matches!(who, Who::Attendee | Who::Organizer | Who::Admin);
        let creator = matches!(who, Who::Organizer | Who::Admin);

        // Reads: everyone.
        for (endpoint, fields) in [
            ("hackfests/list", vec![]),
            ("hackfests/overview", vec![("slug", h.slug.clone())]),
            (
                "goals/page",
                vec![("slug", h.slug.clone()), ("id", g.id.to_string())],
            ),
            ("auth/session", vec![]),
        ] {
            let r = app.server_fn(endpoint, &fields).await;
            assert_eq!(r.status(), StatusCode::OK, "{who:?} reading {endpoint}");
        }

        // Create a goal: attendees and up.
        let mut fields = goal_fields(&GoalForm {
            title: format!("Goal by {who:?}"),
            kind: "small".into(),
            status: "proposed".into(),
            ..Default::default()
        });
        fields.push(("slug", h.slug.clone()));
        let r = app.server_fn("goals/create", &fields).await;
        assert_eq!(r.status(), expect(who, editor), "{who:?} goals/create");

        // Update a goal: attendees and up (always from the current version).
        let current = domain::goal::service::get(&base.db, h.id, g.id)
            .await
            .unwrap();
        let mut fields = goal_fields(&GoalForm {
            owner: format!("{who:?}"),
            ..current.to_form()
        });
        fields.extend([
            ("slug", h.slug.clone()),
            ("id", g.id.to_string()),
            ("version", current.version.to_string()),
        ]);
        let r = app.server_fn("goals/update", &fields).await;
        assert_eq!(r.status(), expect(who, editor), "{who:?} goals/update");

        // Create a hackfest: organizers (by group) and admins.
        let slug = format!("made-by-{}", format!("{who:?}").to_lowercase());
        let r = app
            .server_fn(
                "hackfests/create",
                &[
                    ("form[slug]", slug.clone()),
                    ("form[title]", "New".into()),
                    ("form[start_date]", "2026-12-01".into()),
                    ("form[end_date]", "2026-12-02".into()),
                    ("form[time_zone]", "UTC".into()),
                    ("form[location]", String::new()),
                    ("form[description]", String::new()),
                ],
            )
            .await;
        assert_eq!(r.status(), expect(who, creator), "{who:?} hackfests/create");

        // Join: anyone signed in.
        let r = app
            .server_fn("hackfests/join", &[("slug", h.slug.clone())])
            .await;
        assert_eq!(
            r.status(),
            expect(who, !matches!(who, Who::Anonymous)),
            "{who:?} hackfests/join"
        );

        // Grant organizer: organizers (and admins) of this hackfest.
        let r = app
            .server_fn(
                "hackfests/grant-organizer",
                &[("slug", h.slug.clone()), ("username", "alice".into())],
            )
            .await;
        assert_eq!(
            r.status(),
            expect(who, creator),
            "{who:?} hackfests/grant-organizer"
        );

        // My hackfests: anyone signed in.
        let r = app.server_fn("me/hackfests", &[]).await;
        assert_eq!(
            r.status(),
            expect(who, !matches!(who, Who::Anonymous)),
            "{who:?} me/hackfests"
        );

        // Sign out: a POST for everyone (anonymous too), never a GET.
        let r = app
            .client
            .post(format!("{}/auth/logout", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{who:?} logout");
        let r = app
            .client
            .get(format!("{}/auth/logout", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{who:?} GET logout"
        );
    }
    // Nothing a refused call tried was written.
    let goals = domain::goal::service::list(&base.db, h.id).await.unwrap();
    assert_eq!(
        goals.len(),
        4,
        "the existing goal + attendee, organizer and admin goals"
    );
}

#[tokio::test]
async fn cross_site_mutations_are_refused() {
    let app = spawn_app().await;
    app.sign_in("olivia", "organizer").await;
    let h = app.hackfest("csrf").await;
    let mut fields = goal_fields(&GoalForm {
        title: "Forged".into(),
        kind: "big".into(),
        status: "active".into(),
        ..Default::default()
    });
    fields.push(("slug", h.slug.clone()));
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let r = app
            .client
            .post(format!("{}/api/goals/create", app.address))
            .header(name, value)
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{name}: {value}");
    }
    // The same request from our own origin works.
    let r = app
        .client
        .post(format!("{}/api/goals/create", app.address))
        .header("origin", app.address.clone())
        .header("sec-fetch-site", "same-origin")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        domain::goal::service::list(&app.db, h.id)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn session_cookie_flags_cycle_and_logout_replay() {
    let app = spawn_app().await;
    // A pre-login session (a sign-in attempt stores state in it).
    let r = app
        .client
        .get(format!("{}/auth/login?next=/h/x", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/auth/dev?next=/h/x");

    let r = app
        .client
        .post(format!("{}/auth/dev/sign-in", app.address))
        .form(&[
            ("username", "alice"),
            ("role", "attendee"),
            ("next", "/h/x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/h/x");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("hackfest_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    let id = cookie.split(';').next().unwrap().to_owned();

    let session: serde_json::Value = app
        .server_fn("auth/session", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(session["viewer"]["user"]["username"], "alice");

    // Sign out, then replay the old cookie from a fresh client: anonymous.
    app.client
        .post(format!("{}/auth/logout", app.address))
        .send()
        .await
        .unwrap();
    let replay = reqwest::Client::new()
        .post(format!("{}/api/auth/session", app.address))
        .header("cookie", id)
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = replay.json().await.unwrap();
    assert!(body["viewer"]["user"].is_null(), "{body}");
}

#[tokio::test]
async fn next_after_sign_in_is_same_origin_only() {
    let app = spawn_app().await;
    for bad in [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
    ] {
        let r = app
            .with_new_client()
            .client
            .post(format!("{}/auth/dev/sign-in", app.address))
            .form(&[("username", "alice"), ("role", "attendee"), ("next", bad)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/", "{bad}");
    }
}

#[tokio::test]
async fn dev_sign_in_rejects_bad_input() {
    let app = spawn_app().await;
    for (user, role) in [
        ("", "attendee"),
        ("a b", "attendee"),
        ("alice", "superuser"),
    ] {
        let r = app
            .client
            .post(format!("{}/auth/dev/sign-in", app.address))
            .form(&[("username", user), ("role", role)])
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{user:?} {role:?}"
        );
    }
}

#[tokio::test]
async fn bursts_of_sign_ins_and_changes_get_429() {
    let app = common::spawn_app_with(|c| {
        c.sign_in_per_minute = 3;
        c.changes_per_minute = 2;
    })
    .await;
    app.sign_in("olivia", "organizer").await;
    let h = app.hackfest("burst").await;
    let mut fields = goal_fields(&GoalForm {
        title: "G".into(),
        kind: "big".into(),
        status: "active".into(),
        ..Default::default()
    });
    fields.push(("slug", h.slug.clone()));
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(app.server_fn("goals/create", &fields).await.status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    // Reads are not limited.
    for _ in 0..5 {
        assert_eq!(
            app.server_fn("hackfests/overview", &[("slug", h.slug.clone())])
                .await
                .status(),
            StatusCode::OK
        );
    }
    // Sign-in: the fourth attempt within the minute is refused.
    let mut last = StatusCode::OK;
    for _ in 0..3 {
        last = app.get("/auth/login").await.status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        domain::goal::service::list(&app.db, h.id)
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn username(app: &TestApp) -> serde_json::Value {
    let v: serde_json::Value = app
        .server_fn("auth/session", &[])
        .await
        .json()
        .await
        .unwrap();
    v["viewer"]["user"]["username"].clone()
}

/// SECURITY 16: the absolute lifetime ends a session however active it is.
#[tokio::test]
async fn absolute_lifetime_forces_a_new_sign_in() {
    let app = common::spawn_app_with(|c| c.session_max_hours = 0).await;
    app.sign_in("alice", "attendee").await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert!(username(&app).await.is_null());
}

/// SECURITY 16: idle expiry; with a normal setting the session stays.
#[tokio::test]
async fn idle_expiry_forces_a_new_sign_in() {
    let app = common::spawn_app_with(|c| c.session_idle_minutes = 0).await;
    app.sign_in("alice", "attendee").await;
    assert!(username(&app).await.is_null());
    let normal = common::spawn_app_with(|_| {}).await;
    normal.sign_in("alice", "attendee").await;
    assert_eq!(username(&normal).await, "alice");
}

/// SECURITY 14 and 20 under https: Secure, the __Host- prefix, and HSTS.
#[tokio::test]
async fn https_cookie_and_hsts() {
    let app =
        common::spawn_app_with(|c| c.public_url = Some("https://hackfest.example.org".into()))
            .await;
    let r = app
        .client
        // Directly on loopback: the development sign-in refuses the public origin.
        .post(format!("{}/auth/dev/sign-in", app.address))
        .form(&[("username", "alice"), ("role", "attendee")])
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-hackfest="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain="), "{cookie}");
    let page = app.get("/").await;
    assert!(
        page.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
}

#[tokio::test]
async fn granting_organizer_names_unknown_people() {
    let app = spawn_app().await;
    app.sign_in("olivia", "organizer").await;
    let h = app.hackfest("grants").await;
    let r = app
        .server_fn(
            "hackfests/grant-organizer",
            &[("slug", h.slug.clone()), ("username", "nobody".into())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        body["Validation"]["username"]
            .as_str()
            .unwrap()
            .contains("signed in"),
        "{body}"
    );
    // Alice signs in and joins; Olivia makes her an organizer; Alice's role follows.
    let alice = app.with_new_client();
    alice.sign_in("alice", "attendee").await;
    alice.join(&h.slug).await;
    let r = app
        .server_fn(
            "hackfests/grant-organizer",
            &[("slug", h.slug.clone()), ("username", "alice".into())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mine: serde_json::Value = alice
        .server_fn("me/hackfests", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine[0]["hackfest"]["slug"], "grants");
    assert_eq!(mine[0]["role"], "organizer");
}

/// Sessions, decisions, action items and goal notes: reads for everyone, writes for
/// members (attendees, organizers, admins) only, refusals write nothing; "my action
/// items" for anyone signed in.
#[tokio::test]
async fn matrix_for_sessions_decisions_and_action_items() {
    let base = spawn_app().await;
    let h = base.hackfest("core-matrix").await;
    let g = base.goal(&h, "Existing goal").await;
    let s = domain::session::service::create(
        &base.db,
        &h,
        &domain::session::SessionForm {
            title: "Existing session".into(),
            kind: "discussion".into(),
            starts_at: "2026-11-24T10:00".into(),
            ends_at: "2026-11-24T11:00".into(),
            ..Default::default()
        },
        "tester",
    )
    .await
    .unwrap();
    let d = domain::decision::service::create(
        &base.db,
        h.id,
        &domain::decision::DecisionForm {
            title: "Existing decision".into(),
            status: "proposed".into(),
            ..Default::default()
        },
        "tester",
    )
    .await
    .unwrap();
    let a = domain::action::service::create(
        &base.db,
        h.id,
        &domain::action::ActionForm {
            title: "Existing item".into(),
            status: "open".into(),
            ..Default::default()
        },
        "tester",
    )
    .await
    .unwrap();
    let slug = || ("slug", h.slug.clone());
    let mut writes_allowed = 0;
    for who in EVERYONE {
        let app = client_as(&base, who, &h.slug).await;
        let editor = matches!(who, Who::Attendee | Who::Organizer | Who::Admin);
        for (path, id) in [
            ("sessions/get", s.id),
            ("decisions/get", d.id),
            ("actions/get", a.id),
        ] {
            let r = app.server_fn(path, &[slug(), ("id", id.to_string())]).await;
            assert_eq!(r.status(), StatusCode::OK, "{who:?} reads {path}");
        }
        let name = format!("{who:?}");
        let creates: [(&str, Vec<(&str, String)>); 3] = [
            (
                "sessions/create",
                vec![
                    ("form[title]", format!("Session by {name}")),
                    ("form[kind]", "work".into()),
                    ("form[starts_at]", "2026-11-25T09:00".into()),
                    ("form[ends_at]", "2026-11-25T10:00".into()),
                ],
            ),
            (
                "decisions/create",
                vec![
                    ("form[title]", format!("Decision by {name}")),
                    ("form[status]", "proposed".into()),
                ],
            ),
            (
                "actions/create",
                vec![
                    ("form[title]", format!("Item by {name}")),
                    ("form[status]", "open".into()),
                ],
            ),
        ];
        for (endpoint, mut fields) in creates {
            fields.push(slug());
            let r = app.server_fn(endpoint, &fields).await;
            assert_eq!(r.status(), expect(who, editor), "{who:?} {endpoint}");
        }
        // Updates, always from the current version.
        let cur = domain::action::service::get(&base.db, h.id, a.id)
            .await
            .unwrap();
        let r = app
            .server_fn(
                "actions/update",
                &[
                    slug(),
                    ("id", a.id.to_string()),
                    ("version", cur.version.to_string()),
                    ("form[title]", cur.title.clone()),
                    ("form[owner]", name.to_lowercase()),
                    ("form[status]", "in_progress".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), expect(who, editor), "{who:?} actions/update");
        let cur = domain::decision::service::get(&base.db, h.id, d.id)
            .await
            .unwrap();
        let r = app
            .server_fn(
                "decisions/update",
                &[
                    slug(),
                    ("id", d.id.to_string()),
                    ("version", cur.version.to_string()),
                    ("form[title]", format!("Decision, edited by {name}")),
                    ("form[status]", "proposed".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), expect(who, editor), "{who:?} decisions/update");
        let cur = domain::session::service::get(&base.db, &h, s.id)
            .await
            .unwrap();
        let f = cur.to_form();
        let r = app
            .server_fn(
                "sessions/update",
                &[
                    slug(),
                    ("id", s.id.to_string()),
                    ("version", cur.version.to_string()),
                    ("form[title]", f.title.clone()),
                    ("form[kind]", f.kind.clone()),
                    ("form[starts_at]", f.starts_at.clone()),
                    ("form[ends_at]", f.ends_at.clone()),
                    ("form[room]", name.clone()),
                ],
            )
            .await;
        assert_eq!(r.status(), expect(who, editor), "{who:?} sessions/update");
        let r = app
            .server_fn(
                "goals/add-note",
                &[
                    slug(),
                    ("id", g.id.to_string()),
                    ("body", format!("Note by {name}")),
                ],
            )
            .await;
        assert_eq!(r.status(), expect(who, editor), "{who:?} goals/add-note");
        let r = app.server_fn("me/actions", &[]).await;
        assert_eq!(
            r.status(),
            expect(who, !matches!(who, Who::Anonymous)),
            "{who:?} me/actions"
        );
        if editor {
            writes_allowed += 1;
        }
    }
    // Refused calls wrote nothing: one new object of each kind per member.
    let ws = |n: usize| n == 1 + writes_allowed;
    assert!(ws(domain::session::service::list(&base.db, &h)
        .await
        .unwrap()
        .len()));
    assert!(ws(domain::decision::service::list(&base.db, h.id)
        .await
        .unwrap()
        .len()));
    assert!(ws(domain::action::service::list(&base.db, h.id)
        .await
        .unwrap()
        .len()));
    assert_eq!(
        domain::goal::service::notes(&base.db, h.id, g.id)
            .await
            .unwrap()
            .len(),
        writes_allowed
    );
}

/// SECURITY 31: the development sign-in is an explicit opt-in; plain `hackfest serve`
/// (here: the same settings without it) offers nothing.
#[tokio::test]
async fn dev_sign_in_is_off_without_the_setting() {
    let app = common::spawn_app_with(|c| c.dev_sign_in = false).await;
    let r = app
        .client
        .post(format!("{}/auth/dev/sign-in", app.address))
        .form(&[("username", "mallory"), ("role", "admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("--dev-sign-in"));
    assert!(username(&app).await.is_null());
    let r = app.get("/auth/login").await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let session: serde_json::Value = app
        .server_fn("auth/session", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(session["dev_login"], false, "{session}");
    let page = app.get("/auth/dev").await.text().await.unwrap();
    assert!(!page.contains("/auth/dev/sign-in"), "no form is offered");
}

/// SECURITY 31: with the setting on, a request through a proxy or for a host name
/// that is not loopback is refused (403), and the UI does not offer it there.
#[tokio::test]
async fn dev_sign_in_is_refused_through_a_proxy_or_under_another_host() {
    let app =
        common::spawn_app_with(|c| c.public_url = Some("https://hackfest.example.org".into()))
            .await;
    let sign_in = |name: &'static str, value: &'static str| {
        app.client
            .post(format!("{}/auth/dev/sign-in", app.address))
            .header(name, value)
            .form(&[("username", "mallory"), ("role", "admin")])
            .send()
    };
    for (name, value) in [
        ("x-forwarded-for", "203.0.113.5"),
        ("forwarded", "for=203.0.113.5;proto=https"),
        ("x-real-ip", "203.0.113.5"),
        // The public host name passes the Host check, but is not loopback.
        ("host", "hackfest.example.org"),
        ("origin", "https://hackfest.example.org"),
    ] {
        let r = sign_in(name, value).await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{name}: {value}");
        let body = r.text().await.unwrap();
        assert!(body.contains("Development sign-in refused"), "{body}");
        assert!(username(&app).await.is_null(), "{name}");
    }
    // Another host name is refused before that.
    let r = sign_in("host", "evil.example").await.unwrap();
    assert_eq!(r.status(), StatusCode::MISDIRECTED_REQUEST);
    // The form page and the way there are refused too.
    for path in ["/auth/dev?next=/", "/auth/login"] {
        let r = app
            .client
            .get(format!("{}{path}", app.address))
            .header("x-forwarded-for", "203.0.113.5")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let offered = |h: Option<(&'static str, &'static str)>| {
        let mut req = app.client.post(format!("{}/api/auth/session", app.address));
        if let Some((k, v)) = h {
            req = req.header(k, v);
        }
        async move {
            let v: serde_json::Value = req.send().await.unwrap().json().await.unwrap();
            v["dev_login"].clone()
        }
    };
    assert_eq!(
        offered(Some(("x-forwarded-for", "203.0.113.5"))).await,
        false
    );
    assert_eq!(offered(Some(("host", "hackfest.example.org"))).await, false);
    // Directly, on loopback: offered, and it works.
    assert_eq!(offered(None).await, true);
    app.sign_in("alice", "attendee").await;
    assert_eq!(username(&app).await, "alice");
}

/// SECURITY 31: once an identity provider is configured, accounts of the development
/// sign-in stop working (their session ends), even for a cookie from before.
#[tokio::test]
async fn dev_accounts_stop_working_once_an_identity_provider_is_set() {
    let dir = common::TempDir::new();
    let url = format!("sqlite:{}/hackfest.db", dir.0.display());
    let dev = common::spawn_app_with_config(Config::for_tests(url.clone())).await;
    dev.sign_in("root-person", "admin").await;
    assert_eq!(username(&dev).await, "root-person");
    // The same database, now with a provider (unreachable: the app starts anyway),
    // and the dev account's name among the admins.
    let mut config = Config::for_tests(url);
    config.oidc_issuer = Some("http://127.0.0.1:1".into());
    config.oidc_client_id = Some("hackfest".into());
    config.oidc_client_secret = Some("s".into());
    config.admin_users = vec!["root-person".into()];
    let mut with_idp = common::spawn_app_with_config(config).await;
    with_idp.client = dev.client.clone(); // the same browser and its cookie
    let session: serde_json::Value = with_idp
        .server_fn("auth/session", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(session["viewer"]["user"].is_null(), "{session}");
    assert_eq!(session["viewer"]["admin"], false, "{session}");
    assert_eq!(session["dev_login"], false, "{session}");
    let r = with_idp
        .client
        .post(format!("{}/auth/dev/sign-in", with_idp.address))
        .form(&[("username", "root-person"), ("role", "admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The session was flushed: it is anonymous on the first instance too.
    assert!(username(&dev).await.is_null());
    drop(dir);
}

/// SECURITY 32 (DNS rebinding): other host names get 421, a missing or garbled Host
/// 400; loopback names pass on a loopback listener; probes answer any Host.
#[tokio::test]
async fn requests_for_other_host_names_are_refused() {
    let app = spawn_app().await;
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let with_host = |host: String, path: &'static str| {
        app.client
            .get(format!("{}{path}", app.address))
            .header("host", host)
            .send()
    };
    for host in [
        "evil.example".to_owned(),
        format!("evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
    ] {
        let r = with_host(host.clone(), "/").await.unwrap();
        assert_eq!(r.status(), StatusCode::MISDIRECTED_REQUEST, "{host}");
        assert!(r.text().await.unwrap().contains("Misdirected"), "{host}");
        let r = with_host(host.clone(), "/api/events").await.unwrap();
        assert_eq!(r.status(), StatusCode::MISDIRECTED_REQUEST, "{host}");
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "localhost:8080".to_owned(),
        format!("[::1]:{port}"),
    ] {
        let r = with_host(host.clone(), "/").await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{host}");
    }
    let r = with_host("bad host".into(), "/").await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Kubernetes probes send the pod's address.
    for path in ["/healthz", "/readyz"] {
        let r = with_host("10.128.0.5:8080".into(), path).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    // Without any Host (HTTP/1.0): 400.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap();
    s.write_all(b"GET / HTTP/1.0\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.0 400"), "{answer}");
}

/// SECURITY 32: a rebinding page's change (Origin and Host both the attacker's name)
/// never reaches the CSRF check's old "Origin equals Host" escape; the public URL's
/// own origin works.
#[tokio::test]
async fn a_public_host_app_answers_its_name_only() {
    let app =
        common::spawn_app_with(|c| c.public_url = Some("https://hackfest.example.org".into()))
            .await;
    app.sign_in("olivia", "organizer").await;
    let h = app.hackfest("rebind").await;
    let mut fields = goal_fields(&GoalForm {
        title: "Rebound".into(),
        kind: "big".into(),
        status: "active".into(),
        ..Default::default()
    });
    fields.push(("slug", h.slug.clone()));
    let post = |host: &'static str, origin: &'static str| {
        app.client
            .post(format!("{}/api/goals/create", app.address))
            .header("host", host)
            .header("origin", origin)
            .form(&fields)
            .send()
    };
    let r = post("evil.example", "https://evil.example").await.unwrap();
    assert_eq!(r.status(), StatusCode::MISDIRECTED_REQUEST);
    let r = post("hackfest.example.org", "https://evil.example")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post("hackfest.example.org", "https://hackfest.example.org")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        domain::goal::service::list(&app.db, h.id)
            .await
            .unwrap()
            .len(),
        1
    );
}

/// SECURITY (operations): /readyz says only ready or not to anonymous callers;
/// /metrics wants the bearer token when one is set, which also unlocks the details.
#[tokio::test]
async fn operations_endpoints_say_little_without_the_token() {
    let app = common::spawn_app_with(|c| {
        c.readyz_details = false;
        c.metrics_token = Some("s3cret-token".into());
    })
    .await;
    let r = app.get("/readyz").await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body, serde_json::json!({ "status": "ready" }));

    let metrics = |auth: Option<&'static str>| {
        let mut req = app.client.get(format!("{}/metrics", app.address));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        req.send()
    };
    for auth in [None, Some("Bearer wrong"), Some("Basic czNjcmV0LXRva2Vu")] {
        let r = metrics(auth).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{auth:?}");
        assert!(
            r.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer"),
            "{auth:?}"
        );
        assert!(!r.text().await.unwrap().contains("hackfest_"), "{auth:?}");
    }
    let r = metrics(Some("Bearer s3cret-token")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("hackfest_outbox_backlog"));

    let r = app
        .client
        .get(format!("{}/readyz", app.address))
        .header("authorization", "Bearer s3cret-token")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["database"], "ok", "{body}");
    assert!(body["outbox"]["broker"].is_string(), "{body}");

    // Without a token /metrics stays open (as before), and readyz details can be
    // turned on for everyone.
    let open = common::spawn_app_with(|c| c.readyz_details = true).await;
    assert_eq!(open.get("/metrics").await.status(), StatusCode::OK);
    let body: serde_json::Value = open.get("/readyz").await.json().await.unwrap();
    assert_eq!(body["database"], "ok", "{body}");
}

/// A request of `person` in `state` (their earlier active one withdrawn first: one
/// active request per person), walked there through the domain's own steps.
async fn travel_in(
    db: &domain::db::Db,
    h: &domain::hackfest::Hackfest,
    person: &str,
    state: domain::travel::TravelState,
) -> domain::travel::TravelRequest {
    use domain::travel::service::{self, StepInput, Who};
    use domain::travel::{DecisionForm, Step, TravelState};
    let own = Who {
        name: person,
        organizer: false,
    };
    let org = Who {
        name: "olivia",
        organizer: true,
    };
    for r in service::mine(db, h.id, person).await.unwrap() {
        if r.state().active() && r.state() != TravelState::Reimbursed {
            service::step(
                db,
                h,
                r.id,
                r.version,
                Step::Withdraw,
                &StepInput::Nothing,
                own,
            )
            .await
            .unwrap();
        }
    }
    let form = domain::travel::TravelForm {
        items: "train 50 EUR Vienna–Brno".into(),
        arrives_on: "2026-11-23".into(),
        leaves_on: "2026-11-27".into(),
        ..Default::default()
    };
    let mut r = service::create(db, h, &form, person).await.unwrap();
    let path: &[Step] = match state {
        TravelState::Draft => &[],
        TravelState::Submitted => &[Step::Submit],
        TravelState::Approved => &[Step::Submit, Step::Approve],
        TravelState::Booked => &[Step::Submit, Step::Approve, Step::Book],
        other => panic!("no walk to {other:?}"),
    };
    for step in path {
        let input = match step {
            Step::Approve => StepInput::Decision(DecisionForm {
                approved_travel: "1".into(),
                ..Default::default()
            }),
            _ => StepInput::Nothing,
        };
        let who = if step.organizers_only() { org } else { own };
        r = service::step(db, h, r.id, r.version, *step, &input, who)
            .await
            .unwrap();
    }
    r
}

/// (endpoint, the state its request must be in, extra fields, the owner may, organizers may).
type TravelStep = (
    &'static str,
    domain::travel::TravelState,
    Vec<(&'static str, String)>,
    bool,
    bool,
);

/// Every travel server function and export × anonymous, visitor, attendee (their own
/// request and another attendee's), organizer, admin. Another attendee's request is
/// "not found" (404), never "forbidden": it does not say the request exists.
#[tokio::test]
async fn matrix_for_travel() {
    use domain::travel::TravelState::*;
    let base = spawn_app().await;
    let steps: Vec<TravelStep> = vec![
        ("travel/get", Draft, vec![], true, true),
        ("travel/editor", Draft, vec![], true, true),
        (
            "travel/update",
            Draft,
            vec![("form[items]", "bus 10 EUR x".into())],
            true,
            false,
        ),
        ("travel/submit", Draft, vec![], true, false),
        (
            "travel/approve",
            Submitted,
            vec![("form[approved_travel]", "10".into())],
            false,
            true,
        ),
        (
            "travel/decline",
            Submitted,
            vec![("form[note]", "No.".into())],
            false,
            true,
        ),
        ("travel/book", Approved, vec![], true, true),
        ("travel/withdraw", Draft, vec![], true, true),
        (
            "travel/lodge",
            Draft,
            vec![
                ("form[hotel]", "Hotel Avanti".into()),
                ("form[first_night]", "2026-11-23".into()),
                ("form[last_night]", "2026-11-26".into()),
            ],
            false,
            true,
        ),
        // Last: a reimbursed request stays the person's one request.
        (
            "travel/reimburse",
            Booked,
            vec![
                ("form[reimbursed_travel]", "1".into()),
                (
                    "form[reimbursed_on]",
                    chrono::Utc::now().date_naive().to_string(),
                ),
            ],
            false,
            true,
        ),
    ];
    for (n, who) in EVERYONE.into_iter().enumerate() {
        // A hackfest per role: its steps leave requests reimbursed, which stay.
        let h = base.hackfest(&format!("travel-matrix-{n}")).await;
        domain::travel::service::save_budget(
            &base.db,
            &h,
            0,
            &domain::travel::BudgetForm {
                source: "OSAS".into(),
                currency: "EUR".into(),
                budget_travel: "100000".into(),
                budget_lodging: "100000".into(),
                budget_other: "0".into(),
                hotels: "Hotel Avanti".into(),
            },
            "olivia",
        )
        .await
        .unwrap();
        let slug = || ("slug", h.slug.clone());
        let app = client_as(&base, who, &h.slug).await;
        let member = matches!(who, Who::Attendee | Who::Organizer | Who::Admin);
        let organizer = matches!(who, Who::Organizer | Who::Admin);
        for (endpoint, allowed) in [
            ("travel/home", member),
            ("travel/arrivals", member),
            ("travel/hotels", organizer),
            ("travel/budget-editor", organizer),
        ] {
            let r = app.server_fn(endpoint, &[slug()]).await;
            assert_eq!(r.status(), expect(who, allowed), "{who:?} {endpoint}");
        }
        // The budget, over its current version.
        let b = domain::travel::service::budget(&base.db, h.id)
            .await
            .unwrap()
            .unwrap();
        let mut fields: Vec<(&str, String)> = vec![
            slug(),
            ("id", b.id.to_string()),
            ("version", b.version.to_string()),
        ];
        let form = b.to_form();
        fields.extend([
            ("form[source]", form.source),
            ("form[currency]", form.currency),
            ("form[budget_travel]", format!("{}", 100_000 + b.version)),
            ("form[budget_lodging]", form.budget_lodging),
            ("form[budget_other]", form.budget_other),
            ("form[hotels]", form.hotels),
        ]);
        let r = app.server_fn("travel/budget", &fields).await;
        assert_eq!(r.status(), expect(who, organizer), "{who:?} travel/budget");

        for (endpoint, state, extra, owner_may, organizers_may) in &steps {
            // Attendees: another attendee's request is not found.
            if matches!(who, Who::Attendee) {
                let other = travel_in(&base.db, &h, "bob", *state).await;
                let mut f = vec![
                    slug(),
                    ("id", other.id.to_string()),
                    ("version", other.version.to_string()),
                ];
                f.extend(extra.iter().cloned());
                let r = app.server_fn(endpoint, &f).await;
                assert_eq!(
                    r.status(),
                    StatusCode::NOT_FOUND,
                    "attendee {endpoint} on another's request"
                );
            }
            // Everyone on alice's (the attendee's own) request.
            let own = travel_in(&base.db, &h, "alice", *state).await;
            let mut f = vec![
                slug(),
                ("id", own.id.to_string()),
                ("version", own.version.to_string()),
            ];
            f.extend(extra.iter().cloned());
            let allowed = match who {
                Who::Attendee => *owner_may,
                Who::Organizer | Who::Admin => *organizers_may,
                _ => false,
            };
            let r = app.server_fn(endpoint, &f).await;
            let status = r.status();
            assert_eq!(
                status,
                expect(who, allowed),
                "{who:?} {endpoint}: {}",
                r.text().await.unwrap_or_default()
            );
        }
        // Creating: members, for themselves (alice's active request withdrawn first).
        if matches!(who, Who::Attendee) {
            travel_in(&base.db, &h, "alice", Draft).await;
            let r = app
                .server_fn(
                    "travel/create",
                    &[slug(), ("form[items]", "bus 1 EUR x".into())],
                )
                .await;
            assert_eq!(
                r.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "a second active request"
            );
        } else {
            let r = app
                .server_fn(
                    "travel/create",
                    &[slug(), ("form[items]", "bus 1 EUR x".into())],
                )
                .await;
            assert_eq!(r.status(), expect(who, member), "{who:?} travel/create");
        }
        // The funding body's exports: organizers and admins.
        for path in ["requests.csv", "people.csv"] {
            let r = app.get(&format!("/h/{}/travel/{path}", h.slug)).await;
            assert_eq!(r.status(), expect(who, organizer), "{who:?} {path}");
            if organizer {
                let body = r.text().await.unwrap();
                assert!(
                    body.starts_with("request,person,state,")
                        || body.starts_with("person,state,currency,"),
                    "{body}"
                );
            }
        }
        // Nothing the attendee was refused was written: bob's requests are as walked.
        if matches!(who, Who::Attendee) {
            let bob = domain::travel::service::mine(&base.db, h.id, "bob")
                .await
                .unwrap();
            assert!(
                bob.iter()
                    .all(|r| r.approved().is_none_or(|a| a.travel == 100))
            );
            assert!(
                bob.iter().all(|r| r.state() != Declined
                    && r.state() != Reimbursed
                    && r.hotel.is_empty())
            );
        }
    }
}
