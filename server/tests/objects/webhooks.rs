//! Signed webhooks (issue 15, item 4) over HTTP, on SQLite and on PostgreSQL, against
//! a real receiver (scripts/validate/webhook_receiver.py) that verifies every
//! delivery with the Standard Webhooks reference library (PyPI `standardwebhooks`) and
//! checks the spec's published test vector first:
//! - registering: organizers only; not http(s), a private address, a bad topic are
//!   field errors; the secret is shown once;
//! - deliveries come from the outbox for matching topics only, signed;
//! - a receiver outage: every message is delivered once per webhook-id after it;
//! - a redirect is not followed; 410 Gone disables the endpoint; replay resends the
//!   same webhook-id; the delivery log shows it all.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use super::common::{Backend, TestApp, spawn_app_on_with, wait_until};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The receiver, stopped when dropped.
struct Receiver {
    child: Child,
    base: String,
    client: reqwest::Client,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Receiver {
    fn start() -> Receiver {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../scripts/validate/webhook_receiver.py");
        let mut child = Command::new("python3")
            .arg(script)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("python3 is needed for the webhook receiver (run scripts/setup.sh): {e}")
            });
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port: u16 = line.trim().parse().unwrap_or_else(|_| {
            let status = child.wait().ok();
            panic!("the webhook receiver did not start ({status:?}): is standardwebhooks installed? run scripts/setup.sh")
        });
        Receiver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::new(),
        }
    }

    async fn control(&self, v: Value) {
        let r = self
            .client
            .post(format!("{}/__control", self.base))
            .json(&v)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
    }

    async fn log(&self) -> Value {
        self.client
            .get(format!("{}/__log", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

/// Registers an endpoint on the webhooks page: the answer's status and page.
async fn register(app: &TestApp, slug: &str, url: &str, topics: &str) -> (StatusCode, String) {
    let r = app
        .post_form(
            &format!("/h/{slug}/webhooks"),
            &[
                ("url", url.into()),
                ("topics", topics.into()),
                ("description", "CI".into()),
            ],
        )
        .await;
    (r.status(), r.text().await.unwrap())
}

fn secret_in(page: &str) -> String {
    let start = page.find("value=\"whsec_").expect("the secret is shown") + 7;
    let end = start + page[start..].find('"').unwrap();
    page[start..end].to_owned()
}

async fn goal(app: &TestApp, slug: &str, title: &str) -> Value {
    let r = app
        .server_fn(
            "goals/create",
            &[
                ("slug", slug.into()),
                ("form[title]", title.into()),
                ("form[kind]", "small".into()),
                ("form[status]", "active".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

fn acked(log: &Value) -> usize {
    log["acked"].as_object().map_or(0, |m| m.len())
}

async fn webhooks(backend: Backend) {
    let receiver = Receiver::start();
    let app = spawn_app_on_with(backend, |c| {
        c.webhook_allow = vec!["127.0.0.1/32".parse().unwrap()];
        c.webhook_retries = "200ms,300ms,500ms,1s,1s,1s,1s,1s".into();
    })
    .await;
    app.hackfest("hooks").await;
    let olivia = app.with_new_client();
    olivia.sign_in("olivia", "organizer").await;
    let alice = app.with_new_client();
    alice.sign_in("alice", "attendee").await;
    alice.join("hooks").await;
    let hook = format!("{}/hook", receiver.base);

    // Who may register, and what.
    let (s, _) = register(&alice, "hooks", &hook, "").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = register(&app, "hooks", &hook, "").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    for (url, topics, says) in [
        ("ftp://example.org/x", "", "http:// or https://"),
        ("http://10.0.0.1/hook", "", "private or local"),
        ("http://169.254.169.254/latest", "", "private or local"),
        ("not a url", "", "spaces"),
        ("example.org/hook", "", "not a valid URL"),
        (hook.as_str(), "Bad Topic!", "is not a topic"),
    ] {
        let (s, page) = register(&olivia, "hooks", url, topics).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        assert!(page.contains(says), "{url}: {says}");
        assert!(!page.contains("whsec_"));
    }
    let (s, page) = register(&olivia, "hooks", &hook, "hackfest.goal.*").await;
    assert_eq!(s, StatusCode::CREATED);
    assert!(!page.contains(".wasm"), "the secret's page is not hydrated");
    let secret = secret_in(&page);
    assert_eq!(page.matches(&secret).count(), 1);
    receiver
        .control(json!({"secret": secret, "down": false}))
        .await;
    let (s, _) = register(
        &olivia,
        "hooks",
        &format!("{}/gone", receiver.base),
        "hackfest.decision.*",
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = register(
        &olivia,
        "hooks",
        &format!("{}/redirect", receiver.base),
        "hackfest.goal.new",
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);

    // Changes that match reach the receiver, signed; others and refused ones do not.
    let mut goals = Vec::new();
    for t in ["Cluster", "CI pipeline", "Auth docs"] {
        goals.push(goal(&alice, "hooks", t).await);
    }
    let refused = alice
        .server_fn(
            "goals/create",
            &[
                ("slug", "hooks".into()),
                ("form[title]", "".into()),
                ("form[kind]", "small".into()),
                ("form[status]", "active".into()),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    wait_until("three goals are delivered", || async {
        acked(&receiver.log().await) == 3
    })
    .await;

    // An outage: the receiver answers 503; afterwards each message arrives once.
    receiver.control(json!({"down": true})).await;
    for g in &goals[..2] {
        let r = alice
            .server_fn(
                "goals/update",
                &[
                    ("slug", "hooks".into()),
                    ("id", g["id"].as_str().unwrap().into()),
                    ("version", "1".into()),
                    (
                        "form[title]",
                        format!("{} (updated)", g["title"].as_str().unwrap()),
                    ),
                    ("form[kind]", "small".into()),
                    ("form[status]", "active".into()),
                    ("form[progress]", "50".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), 200);
    }
    wait_until("the receiver refused both at least twice", || async {
        receiver.log().await["refused"].as_u64().unwrap() >= 4
    })
    .await;
    receiver.control(json!({"down": false})).await;
    wait_until("both updates are delivered after the outage", || async {
        acked(&receiver.log().await) == 5
    })
    .await;
    let log = receiver.log().await;
    assert!(log["bad"].as_array().unwrap().is_empty(), "{log}");
    for (id, n) in log["acked"].as_object().unwrap() {
        assert_eq!(n, 1, "{id} delivered once");
        assert!(id.starts_with("msg_"));
    }

    // A redirect is not followed (the endpoint keeps retrying; the receiver's /hook
    // never sees it); 410 Gone turns its endpoint off.
    wait_until("the redirect endpoint was tried", || async {
        receiver.log().await["redirects"].as_u64().unwrap() >= 2
    })
    .await;
    let r = alice
        .server_fn(
            "decisions/create",
            &[
                ("slug", "hooks".into()),
                ("form[title]", "Use Ceph".into()),
                ("form[status]", "agreed".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    wait_until("the gone endpoint was tried", || async {
        receiver.log().await["gone"].as_u64().unwrap() >= 1
    })
    .await;
    wait_until("the gone endpoint is off", || async {
        let page = olivia.get("/h/hooks/webhooks").await.text().await.unwrap();
        page.contains("The endpoint answered 410 Gone.")
    })
    .await;
    let page = olivia.get("/h/hooks/webhooks").await.text().await.unwrap();
    assert!(
        page.contains("redirects are not followed"),
        "the log says why"
    );
    assert!(page.contains("delivered"));
    assert_eq!(acked(&receiver.log().await), 5, "no decision reached /hook");

    // Replay: the same webhook-id again.
    let endpoints = domain::webhook::service::list(&app.db, app.hackfest_id("hooks").await)
        .await
        .unwrap();
    let first = &endpoints[0];
    let log_rows =
        domain::webhook::service::deliveries(&app.db, app.hackfest_id("hooks").await, first.id, 50)
            .await
            .unwrap();
    let oldest = log_rows.last().unwrap();
    assert_eq!(oldest.state, "delivered");
    let r = olivia
        .post_form(
            &format!("/h/hooks/webhooks/deliveries/{}/replay", oldest.id),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let again = oldest.webhook_id.clone();
    wait_until("the replay arrives", || async {
        receiver.log().await["acked"][&again].as_u64() == Some(2)
    })
    .await;
    // Another hackfest's organizer cannot replay it.
    let r = alice
        .post_form(
            &format!("/h/hooks/webhooks/deliveries/{}/replay", oldest.id),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Turning it off stops deliveries.
    let r = olivia
        .post_form(&format!("/h/hooks/webhooks/{}/disable", first.id), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    goal(&alice, "hooks", "After the endpoint went off").await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(acked(&receiver.log().await), 5);
    let latency = receiver.log().await["latency_ms"].as_array().unwrap().len();
    assert!(latency >= 6);
}

#[tokio::test]
async fn webhooks_on_sqlite() {
    webhooks(Backend::Sqlite).await;
}

#[tokio::test]
async fn webhooks_on_postgres() {
    webhooks(Backend::Postgres).await;
}

/// Latency from a change to its signed delivery at the receiver (which verifies it),
/// on each database: `BENCH` lines for scripts/bench.sh (the README's table). Not a
/// test (no wall-clock assertions); run with `--ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: scripts/bench.sh runs it"]
async fn bench_webhook_latency() {
    let changes: usize = std::env::var("BENCH_WEBHOOK_CHANGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    for (name, backend) in [
        ("SQLite", Backend::Sqlite),
        ("PostgreSQL", Backend::Postgres),
    ] {
        let receiver = Receiver::start();
        let app = spawn_app_on_with(backend, |c| {
            c.webhook_allow = vec!["127.0.0.1/32".parse().unwrap()];
        })
        .await;
        let h = app.hackfest("bench").await;
        let olivia = app.with_new_client();
        olivia.sign_in("olivia", "organizer").await;
        let (s, page) = register(
            &olivia,
            "bench",
            &format!("{}/hook", receiver.base),
            "hackfest.goal.*",
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        receiver
            .control(json!({"secret": secret_in(&page), "down": false}))
            .await;
        for i in 0..changes {
            app.goal(&h, &format!("Goal {i}")).await;
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        wait_until("every change is delivered", || async {
            acked(&receiver.log().await) == changes
        })
        .await;
        let log = receiver.log().await;
        assert!(log["bad"].as_array().unwrap().is_empty());
        let mut ms: Vec<f64> = log["latency_ms"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_f64)
            .collect();
        ms.sort_by(|a, b| a.total_cmp(b));
        let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
        println!(
            "BENCH webhook: change -> verified delivery at the receiver ({name}, {changes} changes, debug build): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            at(0.5),
            at(0.99),
            ms[ms.len() - 1]
        );
    }
}
