//! HTTP-level tests against the real app on a free port.

mod common;
// Issue 10.5: one error vocabulary for server functions and plain routes.
mod errors;
// Issue 9.11: malformed values to every server function and route.
mod fuzz;

use common::{Backend, goal_fields, spawn_app, spawn_app_on};
use domain::goal::{Goal, GoalForm};
use serde_json::Value;

#[tokio::test]
async fn health_and_readiness() {
    let app = spawn_app().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status(), 200);
    let r = app.get("/readyz").await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["database"], "ok");
}

async fn overview_is_server_rendered(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let h = app.hackfest("render").await;
    app.goal(&h, "Stand up an OpenShift cluster in staging")
        .await;
    app.goal(&h, "Escape </script><script>alert(1)</script>")
        .await;
    let r = app.get("/h/render").await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Stand up an OpenShift cluster in staging"),
        "goal missing from SSR HTML"
    );
    assert!(html.contains("Hackfest render"));
    assert!(
        !html.contains("<script>alert(1)</script>"),
        "title must be escaped"
    );
    assert!(
        html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;")
            || html.contains("&lt;script&gt;")
    );
}

#[tokio::test]
async fn overview_is_server_rendered_sqlite() {
    overview_is_server_rendered(Backend::Sqlite).await;
}

#[tokio::test]
async fn overview_is_server_rendered_postgres() {
    overview_is_server_rendered(Backend::Postgres).await;
}

#[tokio::test]
async fn hackfest_list_links_to_overviews() {
    let app = spawn_app().await;
    app.hackfest("listed").await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains("href=\"/h/listed\""));
}

#[tokio::test]
async fn unknown_routes_are_real_404s() {
    let app = spawn_app().await;
    for path in [
        "/no/such/page",
        "/h/no-such-hackfest",
        "/h/x/goals/not-a-uuid/edit",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 404, "{path}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("not found"),
            "{path} should render the 404 page"
        );
    }
    let h = app.hackfest("has-goals").await;
    let r = app
        .get(&format!(
            "/h/{}/goals/{}/edit",
            h.slug,
            uuid::Uuid::now_v7()
        ))
        .await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn create_goal_through_server_function() {
    let app = spawn_app().await;
    app.sign_in("olivia", "organizer").await;
    let h = app.hackfest("create").await;
    let mut fields = goal_fields(&GoalForm {
        title: "Plan the datacenter move".into(),
        kind: "small".into(),
        status: "proposed".into(),
        progress: "15".into(),
        ..Default::default()
    });
    fields.push(("slug", h.slug.clone()));
    let r = app.server_fn("goals/create", &fields).await;
    assert_eq!(r.status(), 200);
    let g: Goal = r.json().await.unwrap();
    assert_eq!(g.title, "Plan the datacenter move");
    assert_eq!(g.progress, 15);
    let html = app.get("/h/create").await.text().await.unwrap();
    assert!(html.contains("Plan the datacenter move"));
}

#[tokio::test]
async fn invalid_input_is_422_with_field_messages() {
    let app = spawn_app().await;
    app.sign_in("olivia", "organizer").await;
    let h = app.hackfest("invalid").await;
    let mut fields = goal_fields(&GoalForm {
        title: " ".into(),
        kind: "enormous".into(),
        status: "proposed".into(),
        progress: "150".into(),
        ..Default::default()
    });
    fields.push(("slug", h.slug.clone()));
    let r = app.server_fn("goals/create", &fields).await;
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    let errors = &body["Validation"];
    assert!(
        errors["title"].as_str().unwrap().contains("required"),
        "{body}"
    );
    assert!(
        errors["kind"].as_str().unwrap().contains("big, small"),
        "{body}"
    );
    assert!(
        errors["progress"].as_str().unwrap().contains("100"),
        "{body}"
    );
    // Nothing was written.
    assert!(
        domain::goal::service::list(&app.db, h.id)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn malformed_request_is_4xx_not_500() {
    let app = spawn_app().await;
    app.sign_in("olivia", "organizer").await;
    // Missing fields entirely.
    let r = app.server_fn("goals/create", &[("slug", "x".into())]).await;
    assert!(r.status().is_client_error(), "got {}", r.status());
    // A bad id.
    let r = app
        .server_fn(
            "goals/update",
            &[("slug", "x".into()), ("id", "nope".into())],
        )
        .await;
    assert!(r.status().is_client_error(), "got {}", r.status());
    // Unknown hackfest.
    let mut fields = goal_fields(&GoalForm {
        title: "t".into(),
        kind: "big".into(),
        status: "active".into(),
        ..Default::default()
    });
    fields.push(("slug", "missing".into()));
    let r = app.server_fn("goals/create", &fields).await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn stale_update_is_409_with_current_values() {
    let app = spawn_app().await;
    app.sign_in("olivia", "organizer").await;
    let h = app.hackfest("stale").await;
    let g = app.goal(&h, "Original").await;
    let save = |title: &str| {
        let mut f = goal_fields(&GoalForm {
            title: title.into(),
            ..g.to_form()
        });
        f.extend([
            ("slug", h.slug.clone()),
            ("id", g.id.to_string()),
            ("version", g.version.to_string()),
        ]);
        f
    };
    let first = app.server_fn("goals/update", &save("First")).await;
    assert_eq!(first.status(), 200);
    let second = app.server_fn("goals/update", &save("Second")).await;
    assert_eq!(second.status(), 409);
    let body: Value = second.json().await.unwrap();
    assert_eq!(body["Conflict"]["current"]["title"], "First");
    assert_eq!(body["Conflict"]["current"]["version"], 2);
}

#[tokio::test]
async fn oversized_body_is_413() {
    let app = spawn_app().await;
    let big = "x".repeat(2 * 1024 * 1024);
    let r = app
        .client
        .post(format!("{}/api/goals/create", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("slug=a&form[title]={big}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
}

#[tokio::test]
async fn scripts_carry_the_csp_nonce() {
    let app = spawn_app().await;
    let r = app.get("/").await;
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_owned();
    let html = r.text().await.unwrap();
    let scripts = html.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "every script has the nonce"
    );
}

#[tokio::test]
async fn responses_are_compressed_and_marked() {
    let app = spawn_app().await;
    app.hackfest("gzip").await;
    let r = app
        .client
        .get(format!("{}/h/gzip", app.address))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.headers()["cache-control"], "no-cache");
    // SECURITY 20: CSP with a script nonce that the page's scripts carry.
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for part in [
        "'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "'nonce-",
    ] {
        assert!(csp.contains(part), "{part} missing from {csp}");
    }
    assert_eq!(r.headers()["referrer-policy"], "same-origin");
    assert!(
        r.headers().get("strict-transport-security").is_none(),
        "no HSTS over plain http"
    );
}

/// Generating an app's route list switches resource loading off for the whole process;
/// a page that another app in the process renders while apps start must still finish.
#[tokio::test]
async fn pages_render_while_other_apps_start() {
    let app = spawn_app().await;
    app.hackfest("busy").await;
    let starter = std::thread::spawn(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                for _ in 0..10 {
                    spawn_app().await;
                }
            })
    });
    while !starter.is_finished() {
        let r = tokio::time::timeout(std::time::Duration::from_secs(10), app.get("/h/busy"))
            .await
            .expect("the page did not render while another app was starting");
        assert_eq!(r.status(), 200);
    }
    starter.join().unwrap();
}

/// Issue 9: two huge revisions (about 1.2 MB each) are not diffed: the history page
/// answers at once with "too large to compare", and the server keeps answering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_revisions_are_too_large_to_compare() {
    let app = spawn_app().await;
    let h = app.hackfest("diff-huge").await;
    let form = domain::page::PageForm {
        title: "Big".into(),
        body: "small start".into(),
        ..Default::default()
    };
    let p = domain::page::service::create(&app.db, &h, &form, "alice")
        .await
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    for seed in ["old", "new"] {
        let body: String = (0..40_000)
            .map(|i| format!("{seed} line {i} of an imported page\n"))
            .collect();
        domain::page::repo::add_revision(
            &mut tx,
            p.id,
            &domain::page::NewPage {
                slug: p.slug.clone(),
                title: p.title.clone(),
                body,
                comment: "import".into(),
            },
            "importer",
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let started = std::time::Instant::now();
    let history = {
        let client = app.client.clone();
        let url = format!("{}/h/diff-huge/pages/big/history?from=2&to=3", app.address);
        tokio::spawn(async move { client.get(url).send().await.unwrap() })
    };
    for _ in 0..5 {
        let t = std::time::Instant::now();
        assert_eq!(app.get("/healthz").await.status(), 200);
        assert!(t.elapsed() < std::time::Duration::from_secs(1));
    }
    let r = history.await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("These revisions are too large to compare (40000 lines"),
        "no readable refusal in the history page"
    );
    assert!(html.contains("open them side by side instead"));
    assert!(
        html.contains("Compare selected revisions"),
        "the list still shows"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}
