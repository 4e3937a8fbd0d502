//! Bus messages against the real RabbitMQ (127.0.0.1:5672, guest/guest; `make test`
//! starts it): routing key, properties, headers and body as fedora-messaging expects;
//! nothing for a rolled-back change; nothing lost when the broker goes away; one
//! publisher among instances on PostgreSQL.
//!
//! Each test publishes under its own topic prefix and binds its own exclusive queue,
//! so tests (and other users of the shared broker) do not see each other's messages.
//! Broker outages are made with a TCP proxy in front of the broker that the test
//! cuts and restores: it severs established connections exactly like a broker
//! restart, without stopping the broker the other tests here use at the same time.
//! `broker_restart.rs` (a binary of its own) stops and starts the real broker.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{TempDir, TestApp, broker_addr, broker_url, goal_fields, wait_until};
use domain::db::scratch;
use domain::goal::{self, GoalForm};
use domain::outbox::{self, Message};
use futures_util::StreamExt;
use hackfest_server::bus::{BrokerState, Bus};
use hackfest_server::config::Config;
use hackfest_server::startup::Application;
use lapin::options::{BasicConsumeOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{Connection, ConnectionProperties, Consumer};
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

fn unique_prefix() -> String {
    format!("test.{}", uuid::Uuid::new_v4().simple())
}

/// Builds and serves the app; returns it with its publisher handle.
async fn start(config: Config, dir: Option<TempDir>) -> (TestApp, Bus) {
    let app = Application::build(config, false).await.expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    let bus = app.bus().clone();
    tokio::spawn(app.run_until_stopped());
    (TestApp::new(address, db, dir), bus)
}

async fn start_sqlite(edit: impl FnOnce(&mut Config)) -> (TestApp, Bus) {
    let dir = TempDir::new();
    let mut config = Config::for_tests(format!("sqlite:{}/hackfest.db", dir.0.display()));
    edit(&mut config);
    start(config, Some(dir)).await
}

/// An exclusive queue bound to amq.topic for `<prefix>.#`.
async fn listen(prefix: &str) -> (Connection, Consumer) {
    let conn = Connection::connect(&broker_url(), ConnectionProperties::default())
        .await
        .unwrap_or_else(|e| {
            panic!(
                "RabbitMQ is required for these tests at {} (make test starts it): {e}",
                broker_addr()
            )
        });
    let ch = conn.create_channel().await.unwrap();
    let q = ch
        .queue_declare(
            "".into(),
            QueueDeclareOptions {
                exclusive: true,
                auto_delete: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .unwrap();
    ch.queue_bind(
        q.name().clone(),
        "amq.topic".into(),
        format!("{prefix}.#").into(),
        QueueBindOptions::default(),
        FieldTable::default(),
    )
    .await
    .unwrap();
    let consumer = ch
        .basic_consume(
            q.name().clone(),
            "test".into(),
            BasicConsumeOptions {
                no_ack: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .unwrap();
    (conn, consumer)
}

/// A received message, decoded.
#[derive(Debug)]
struct Got {
    routing_key: String,
    content_type: Option<String>,
    content_encoding: Option<String>,
    delivery_mode: Option<u8>,
    message_id: String,
    headers: BTreeMap<String, AMQPValue>,
    body: Value,
}

impl Got {
    fn header_str(&self, name: &str) -> String {
        match self.headers.get(name) {
            Some(AMQPValue::LongString(s)) => String::from_utf8_lossy(s.as_bytes()).into(),
            Some(AMQPValue::ShortString(s)) => s.as_str().into(),
            other => panic!("header {name}: {other:?}"),
        }
    }
}

/// Waits for `n` messages (at most `wait` for each).
async fn receive(consumer: &mut Consumer, n: usize, wait: Duration) -> Vec<Got> {
    let mut out = Vec::new();
    while out.len() < n {
        let d = tokio::time::timeout(wait, consumer.next())
            .await
            .unwrap_or_else(|_| panic!("only {} of {n} messages arrived: {out:#?}", out.len()))
            .expect("consumer open")
            .expect("delivery");
        let p = &d.properties;
        out.push(Got {
            routing_key: d.routing_key.as_str().into(),
            content_type: p.content_type().as_ref().map(|s| s.as_str().into()),
            content_encoding: p.content_encoding().as_ref().map(|s| s.as_str().into()),
            delivery_mode: *p.delivery_mode(),
            message_id: p
                .message_id()
                .as_ref()
                .map(|s| s.as_str().into())
                .unwrap_or_default(),
            headers: p
                .headers()
                .as_ref()
                .map(|h| {
                    h.inner()
                        .iter()
                        .map(|(k, v)| (k.as_str().to_owned(), v.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            body: serde_json::from_slice(&d.data).expect("JSON body"),
        });
    }
    out
}

/// Asserts nothing more arrives within `wait`.
async fn silence(consumer: &mut Consumer, wait: Duration) {
    if let Ok(Some(d)) = tokio::time::timeout(wait, consumer.next()).await {
        panic!("unexpected message: {:?}", d.map(|d| d.routing_key));
    }
}

/// A hackfest written straight to the database, without the history row and message
/// that creating one through the service writes: the broker tests here count the
/// messages of the goals they change, and nothing else.
async fn quiet_hackfest(app: &TestApp, slug: &str) -> domain::hackfest::Hackfest {
    let new = common::hackfest_form(slug).parse().unwrap();
    let mut tx = app.db.begin().await.unwrap();
    domain::hackfest::repo::insert(&mut tx, uuid::Uuid::now_v7(), &new, chrono::Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    domain::hackfest::service::by_slug(&app.db, slug)
        .await
        .unwrap()
}

async fn backlog(app: &TestApp) -> i64 {
    outbox::backlog(&app.db).await.unwrap()
}

fn goal_form(title: &str, owner: &str) -> GoalForm {
    GoalForm {
        title: title.into(),
        kind: "big".into(),
        status: "active".into(),
        owner: owner.into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_reach_the_broker_as_fedora_messaging_expects() {
    let prefix = unique_prefix();
    let (_conn, mut consumer) = listen(&prefix).await;
    let p = prefix.clone();
    let (app, bus) = start_sqlite(|c| {
        c.amqp_url = Some(broker_url());
        c.topic_prefix = p;
    })
    .await;
    app.sign_in("olivia", "organizer").await;
    let h = quiet_hackfest(&app, "bus-wire").await;
    // Through the server function, as the browser does.
    let mut fields = goal_fields(&goal_form("Move to PostgreSQL 17", "kevin"));
    fields.push(("slug", h.slug.clone()));
    let r = app.server_fn("goals/create", &fields).await;
    assert_eq!(r.status(), 200);
    let g: domain::goal::Goal = r.json().await.unwrap();
    // And through the service.
    let mut f = g.to_form();
    f.progress = "50".into();
    goal::service::update(&app.db, h.id, g.id, g.version, &f, "bob")
        .await
        .unwrap();

    let got = receive(&mut consumer, 2, Duration::from_secs(20)).await;
    let rows = outbox::after(&app.db, 0, None, false, 100).await.unwrap();
    assert_eq!(rows.len(), 2);
    let (new, update) = (&got[0], &got[1]);
    assert_eq!(new.routing_key, format!("{prefix}.hackfest.goal.new"));
    assert_eq!(update.routing_key, format!("{prefix}.hackfest.goal.update"));
    for (m, row) in got.iter().zip(&rows) {
        assert_eq!(m.content_type.as_deref(), Some("application/json"));
        assert_eq!(m.content_encoding.as_deref(), Some("utf-8"));
        assert_eq!(m.delivery_mode, Some(2), "persistent");
        assert_eq!(m.message_id, row.message_id.to_string());
        assert_eq!(m.header_str("fedora_messaging_schema"), row.schema_name);
        assert!(matches!(
            m.headers.get("fedora_messaging_severity"),
            Some(AMQPValue::LongInt(20))
        ));
        let sent_at = m.header_str("sent-at");
        assert!(
            chrono::DateTime::parse_from_rfc3339(&sent_at).is_ok()
                && sent_at.ends_with("+00:00")
                && !sent_at.contains('.'),
            "sent-at: {sent_at}"
        );
        assert_eq!(m.body["hackfest"]["slug"], "bus-wire");
        assert_eq!(m.body["goal"]["id"], g.id.to_string());
        assert_eq!(
            m.body["url"],
            format!("{}/h/bus-wire#goal-{}", app.address, g.id)
        );
        // Only fedora_messaging_* names fedora-messaging defines.
        for k in m
            .headers
            .keys()
            .filter(|k| k.starts_with("fedora_messaging"))
        {
            assert!(
                k == "fedora_messaging_schema"
                    || k == "fedora_messaging_severity"
                    || k.starts_with("fedora_messaging_user_"),
                "{k}"
            );
        }
    }
    assert_eq!(
        new.header_str("fedora_messaging_schema"),
        "hackfest.goal.new.v1"
    );
    assert_eq!(new.body["agent"], "olivia");
    assert!(matches!(
        new.headers.get("fedora_messaging_user_olivia"),
        Some(AMQPValue::Boolean(true))
    ));
    assert!(matches!(
        new.headers.get("fedora_messaging_user_kevin"),
        Some(AMQPValue::Boolean(true))
    ));
    assert_eq!(update.body["agent"], "bob");
    assert_eq!(
        update.body["changes"],
        serde_json::json!([{ "field": "progress", "old": "0", "new": "50" }])
    );
    assert_eq!(update.body["goal"]["progress"], 50);

    wait_until("both are marked sent", || async {
        backlog(&app).await == 0
    })
    .await;
    assert!(
        outbox::after(&app.db, 0, None, false, 100)
            .await
            .unwrap()
            .iter()
            .all(|r| r.sent_at.is_some())
    );
    assert_eq!(bus.state(), BrokerState::Connected);
    assert_eq!(bus.published_total(), 2);

    // /readyz and /metrics report the outbox and the broker.
    let ready: Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["outbox"]["backlog"], 0);
    assert_eq!(ready["outbox"]["broker"], "connected");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("hackfest_outbox_backlog 0\n"), "{metrics}");
    assert!(
        metrics.contains("hackfest_outbox_published_total 2\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("hackfest_broker_connected 1\n"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_change_sends_nothing() {
    let prefix = unique_prefix();
    let (_conn, mut consumer) = listen(&prefix).await;
    let p = prefix.clone();
    let (app, _bus) = start_sqlite(|c| {
        c.amqp_url = Some(broker_url());
        c.topic_prefix = p;
    })
    .await;
    let h = quiet_hackfest(&app, "bus-rollback").await;
    let g = goal::service::create(&app.db, h.id, &goal_form("First", ""), "alice")
        .await
        .unwrap();
    assert_eq!(
        receive(&mut consumer, 1, Duration::from_secs(20))
            .await
            .len(),
        1
    );

    // Refused (stale version): nothing written, nothing sent.
    let mut f = g.to_form();
    f.title = "Second".into();
    goal::service::update(&app.db, h.id, g.id, g.version + 1, &f, "bob")
        .await
        .unwrap_err();
    // Written, then rolled back.
    let mut tx = app.db.begin().await.unwrap();
    outbox::enqueue(
        &mut tx,
        Message::new(h.id, "goal", g.id, "update", "bob", &g, chrono::Utc::now()),
    )
    .await
    .unwrap();
    drop(tx);
    silence(&mut consumer, Duration::from_secs(2)).await;

    // The next real change is the next message.
    goal::service::update(&app.db, h.id, g.id, g.version, &f, "bob")
        .await
        .unwrap();
    let got = receive(&mut consumer, 1, Duration::from_secs(20)).await;
    assert_eq!(got[0].body["goal"]["title"], "Second");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unroutable_messages_count_as_sent() {
    // Nobody binds this prefix: normal publish/subscribe on a topic exchange.
    let prefix = unique_prefix();
    let (app, bus) = start_sqlite(|c| {
        c.amqp_url = Some(broker_url());
        c.topic_prefix = prefix;
    })
    .await;
    let h = quiet_hackfest(&app, "bus-unrouted").await;
    for i in 0..3 {
        app.goal(&h, &format!("Goal {i}")).await;
    }
    wait_until("the outbox is drained", || async {
        backlog(&app).await == 0
    })
    .await;
    assert_eq!(bus.published_total(), 3);
}

/// A TCP proxy to the broker that can be cut (closing every connection, refusing new
/// ones) and restored on the same port.
struct Proxy {
    port: u16,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start() -> Proxy {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        let p = Proxy {
            port,
            tasks: Arc::default(),
        };
        p.serve(l);
        p
    }

    fn serve(&self, l: TcpListener) {
        let tasks = self.tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut down, _)) = l.accept().await {
                let t = tokio::spawn(async move {
                    if let Ok(mut up) = TcpStream::connect(broker_addr()).await {
                        let _ = tokio::io::copy_bidirectional(&mut down, &mut up).await;
                    }
                });
                tasks.lock().unwrap().push(t);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    fn url(&self) -> String {
        format!("amqp://guest:guest@127.0.0.1:{}/%2F", self.port)
    }

    /// Like a broker that stops: connections drop, new ones are refused.
    fn cut(&self) {
        for t in self.tasks.lock().unwrap().drain(..) {
            t.abort();
        }
    }

    async fn restore(&self) {
        let l = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.serve(l);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broker_outage_loses_nothing_and_keeps_order() {
    let prefix = unique_prefix();
    let (_conn, mut consumer) = listen(&prefix).await;
    let proxy = Proxy::start().await;
    let (p, url) = (prefix.clone(), proxy.url());
    let (app, bus) = start_sqlite(|c| {
        c.amqp_url = Some(url);
        c.topic_prefix = p;
    })
    .await;
    let h = quiet_hackfest(&app, "bus-outage").await;
    let mut a = goal::service::create(&app.db, h.id, &goal_form("A", "kevin"), "alice")
        .await
        .unwrap();
    let mut b = goal::service::create(&app.db, h.id, &goal_form("B", "kevin"), "alice")
        .await
        .unwrap();
    receive(&mut consumer, 2, Duration::from_secs(20)).await;

    proxy.cut();
    wait_until("the publisher notices", || async {
        bus.state() == BrokerState::Disconnected
    })
    .await;
    for i in 1..=5 {
        for g in [&mut a, &mut b] {
            let mut f = g.to_form();
            f.progress = (i * 10).to_string();
            *g = goal::service::update(&app.db, h.id, g.id, g.version, &f, "bob")
                .await
                .unwrap();
        }
    }
    // The app keeps serving; the backlog shows.
    assert_eq!(backlog(&app).await, 10);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    let ready: Value = ready.json().await.unwrap();
    assert_eq!(ready["outbox"]["backlog"], 10);
    assert_eq!(ready["outbox"]["broker"], "disconnected");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("hackfest_outbox_backlog 10\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("hackfest_broker_connected 0\n"),
        "{metrics}"
    );
    assert_eq!(app.get(&format!("/h/{}", h.slug)).await.status(), 200);

    proxy.restore().await;
    wait_until("the backlog drains", || async { backlog(&app).await == 0 }).await;
    let got = receive(&mut consumer, 10, Duration::from_secs(30)).await;
    // None lost, each once (no failure happened mid-round), in order per object.
    let want: HashSet<String> = outbox::after(&app.db, 0, None, false, 100)
        .await
        .unwrap()
        .iter()
        .skip(2)
        .map(|r| r.message_id.to_string())
        .collect();
    let ids: HashSet<String> = got.iter().map(|m| m.message_id.clone()).collect();
    assert_eq!(ids, want);
    for g in [&a, &b] {
        let progress: Vec<i64> = got
            .iter()
            .filter(|m| m.body["goal"]["id"] == g.id.to_string())
            .map(|m| m.body["goal"]["progress"].as_i64().unwrap())
            .collect();
        assert_eq!(progress, [10, 20, 30, 40, 50], "order of goal {}", g.title);
    }
    silence(&mut consumer, Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_credentials_keep_serving_and_drain_once_fixed() {
    let prefix = unique_prefix();
    let (_conn, mut consumer) = listen(&prefix).await;
    let dir = TempDir::new();
    let db_url = format!("sqlite:{}/hackfest.db", dir.0.display());
    let mut config = Config::for_tests(db_url.clone());
    config.amqp_url = Some(format!("amqp://guest:wrong-password@{}/%2F", broker_addr()));
    config.topic_prefix = prefix.clone();
    let (app, bus) = start(config, None).await;
    let h = quiet_hackfest(&app, "bus-creds").await;
    for i in 0..3 {
        app.goal(&h, &format!("Goal {i}")).await;
    }
    wait_until("the refusal is reported", || async {
        bus.last_error().is_some()
    })
    .await;
    let e = bus.last_error().unwrap();
    assert!(e.contains("cannot connect to amqp://guest:***@"), "{e}");
    assert!(!e.contains("wrong-password"), "{e}");
    assert_eq!(bus.state(), BrokerState::Disconnected);
    assert_eq!(app.get("/").await.status(), 200);
    assert_eq!(app.get("/readyz").await.status(), 200);
    assert_eq!(backlog(&app).await, 3);
    silence(&mut consumer, Duration::from_secs(1)).await;

    // Fixed (the operator corrects the setting and restarts): the backlog drains.
    bus.stop();
    let mut config = Config::for_tests(db_url);
    config.amqp_url = Some(broker_url());
    config.topic_prefix = prefix;
    let (fixed, _bus) = start(config, Some(dir)).await;
    let got = receive(&mut consumer, 3, Duration::from_secs(30)).await;
    let titles: Vec<&str> = got
        .iter()
        .map(|m| m.body["goal"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Goal 0", "Goal 1", "Goal 2"]);
    wait_until("marked sent", || async { backlog(&fixed).await == 0 }).await;
}

/// SECURITY 28: a publisher that dies after the broker confirmed a message but before
/// it marked the row sent leaves that row pending. The next publisher sends it again,
/// with the same `message_id`, so consumers can drop the repeat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resend_after_a_crash_keeps_its_message_id() {
    let prefix = unique_prefix();
    let (_conn, mut consumer) = listen(&prefix).await;
    let dir = TempDir::new();
    let db_url = format!("sqlite:{}/hackfest.db", dir.0.display());
    // One public URL for both runs, as in a deployment (tests otherwise use the port).
    let config = |u: &str| {
        let mut c = Config::for_tests(u.to_owned());
        c.amqp_url = Some(broker_url());
        c.topic_prefix = prefix.clone();
        c.public_url = Some("https://hackfest.example.org".into());
        c
    };
    let (app, bus) = start(config(&db_url), None).await;
    let h = quiet_hackfest(&app, "bus-crash").await;
    let g = app.goal(&h, "Confirmed, not marked").await;
    let first = receive(&mut consumer, 1, Duration::from_secs(20)).await;
    wait_until("marked sent", || async { backlog(&app).await == 0 }).await;
    bus.stop();
    // What the crash leaves behind: the broker has it, the row still says unsent.
    sqlx::query("UPDATE outbox SET sent_at = NULL WHERE object_id = $1")
        .bind(g.id)
        .execute(match &app.db {
            domain::db::Db::Sqlite(p, _) => p,
            _ => unreachable!("this test runs on SQLite"),
        })
        .await
        .unwrap();
    assert_eq!(backlog(&app).await, 1);

    let (restarted, _bus) = start(config(&db_url), Some(dir)).await;
    let again = receive(&mut consumer, 1, Duration::from_secs(20)).await;
    assert_eq!(
        again[0].message_id, first[0].message_id,
        "a resend keeps its id"
    );
    assert_eq!(again[0].body, first[0].body);
    wait_until("marked sent", || async { backlog(&restarted).await == 0 }).await;
    silence(&mut consumer, Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_port_is_reported_and_the_app_serves() {
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (app, bus) = start_sqlite(|c| {
        c.amqp_url = Some(format!("amqp://guest:guest@127.0.0.1:{port}/%2F"));
    })
    .await;
    let h = quiet_hackfest(&app, "bus-closed").await;
    app.goal(&h, "Waits").await;
    wait_until("the failure is reported", || async {
        bus.last_error().is_some()
    })
    .await;
    assert_eq!(backlog(&app).await, 1);
    assert_eq!(app.get("/readyz").await.status(), 200);
}

#[tokio::test]
async fn bad_bus_settings_stop_the_start_with_the_setting_named() {
    for (edit, name) in [
        (
            (|c: &mut Config| c.amqp_url = Some("rabbit://x".into())) as fn(&mut Config),
            "HACKFEST_AMQP_URL",
        ),
        (
            |c: &mut Config| c.topic_prefix = "a b".into(),
            "HACKFEST_TOPIC_PREFIX",
        ),
        (
            |c: &mut Config| c.events_retention = "forever".into(),
            "HACKFEST_EVENTS_RETENTION",
        ),
    ] {
        let mut config = Config::for_tests("sqlite::memory:".into());
        edit(&mut config);
        let e = Application::build(config, false)
            .await
            .err()
            .expect("refused");
        assert!(e.to_string().starts_with(name), "{e}");
    }
}

/// Two instances on one PostgreSQL database: one publishes, each message once; when
/// it goes, the other takes over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_publish_each_message_once() {
    let prefix = unique_prefix();
    let (_conn, mut consumer) = listen(&prefix).await;
    let (db, url) = scratch::postgres().await;
    db.close().await;
    let config = |u: &str| {
        let mut c = Config::for_tests(u.to_owned());
        c.amqp_url = Some(broker_url());
        c.topic_prefix = prefix.clone();
        c
    };
    let (a, bus_a) = start(config(&url), None).await;
    let (b, bus_b) = start(config(&url), None).await;
    wait_until("one leads, one stands by", || async {
        let s = [bus_a.state(), bus_b.state()];
        s.contains(&BrokerState::Connected) && s.contains(&BrokerState::Standby)
    })
    .await;
    let h = quiet_hackfest(&a, "bus-two").await;
    for i in 0..10 {
        let app = if i % 2 == 0 { &a } else { &b };
        app.goal(&h, &format!("Goal {i}")).await;
    }
    let got = receive(&mut consumer, 10, Duration::from_secs(20)).await;
    silence(&mut consumer, Duration::from_secs(2)).await;
    let ids: HashSet<&str> = got.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(ids.len(), 10, "each message once");
    assert_eq!(bus_a.published_total() + bus_b.published_total(), 10);

    // The publisher goes away; the other instance takes over.
    let (leader, other, other_app) = if bus_a.state() == BrokerState::Connected {
        (&bus_a, &bus_b, &b)
    } else {
        (&bus_b, &bus_a, &a)
    };
    leader.stop();
    other_app.goal(&h, "After the failover").await;
    let got = receive(&mut consumer, 1, Duration::from_secs(30)).await;
    assert_eq!(got[0].body["goal"]["title"], "After the failover");
    assert_eq!(other.state(), BrokerState::Connected);
    scratch::drop_postgres(a.db.clone(), &url).await;
}

/// No broker configured (the default): messages are kept and served by the feed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_serves_messages_without_a_broker() {
    let (app, bus) = start_sqlite(|c| c.events_retention = "2s".into()).await;
    assert_eq!(bus.state(), BrokerState::NotConfigured);
    let h = app.hackfest("feed").await;
    let other = app.hackfest("feed-other").await;
    // Whatever creating the hackfests announced comes before.
    let start = outbox::latest(&app.db).await.unwrap();
    let earlier = outbox::backlog(&app.db).await.unwrap();
    for i in 0..3 {
        app.goal(&h, &format!("Goal {i}")).await;
    }
    app.goal(&other, "Elsewhere").await;

    // Anonymous readers: public messages (all of today's), in commit order.
    let page: Value = app
        .get(&format!("/api/events?after={start}"))
        .await
        .json()
        .await
        .unwrap();
    let events = page["events"].as_array().unwrap();
    assert_eq!(events.len(), 4);
    assert_eq!(events[0]["topic"], "hackfest.goal.new");
    assert_eq!(events[0]["body"]["goal"]["title"], "Goal 0");
    assert_eq!(
        events[0]["body"]["url"],
        format!(
            "{}/h/feed#goal-{}",
            app.address,
            events[0]["object_id"].as_str().unwrap()
        )
    );
    assert_eq!(page["next"], events[3]["cursor"]);
    // Paging by cursor.
    let first = events[0]["cursor"].as_i64().unwrap();
    let page: Value = app
        .get(&format!("/api/events?after={first}&limit=2"))
        .await
        .json()
        .await
        .unwrap();
    let titles: Vec<&str> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["body"]["goal"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Goal 1", "Goal 2"]);
    let last = page["next"].as_i64().unwrap();
    let page: Value = app
        .get(&format!("/api/events?after={last}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["events"].as_array().unwrap().len(), 1);
    // One hackfest.
    let page: Value = app
        .get(&format!("/api/events?hackfest=feed-other&after={start}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["events"].as_array().unwrap().len(), 1);
    // Bad input names the field; nothing is a 500.
    for (q, field) in [
        ("after=-1", "after"),
        ("after=abc", "after"),
        ("limit=0", "limit"),
        ("limit=100000", "limit"),
    ] {
        let r = app.get(&format!("/api/events?{q}")).await;
        assert_eq!(r.status(), 422, "{q}");
        let e: Value = r.json().await.unwrap();
        assert!(e["Validation"][field].is_string(), "{q}: {e}");
    }
    assert_eq!(app.get("/api/events?hackfest=nope").await.status(), 404);
    let ready: Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["outbox"]["broker"], "not_configured");
    assert_eq!(ready["outbox"]["backlog"], earlier + 4);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("hackfest_broker_state{state=\"not_configured\"} 1\n"),
        "{metrics}"
    );

    // Retention: without a broker, messages older than the setting go.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(bus.prune_now().await.unwrap(), earlier as u64 + 4);
    let page: Value = app
        .get(&format!("/api/events?after={last}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["events"].as_array().unwrap().len(), 0);
    assert_eq!(page["next"], last);
}

/// Reads a server-sent-event stream until `n` events of `kind` arrived.
struct Sse(reqwest::Response, String);

impl Sse {
    async fn open(app: &TestApp, slug: &str, last_event_id: Option<i64>) -> Sse {
        let mut req = app
            .client
            .get(format!("{}/api/hackfests/{slug}/events", app.address));
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id.to_string());
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        Sse(r, String::new())
    }

    /// The next event: (kind, id, data).
    async fn next(&mut self) -> (String, i64, Value) {
        loop {
            if let Some(end) = self.1.find("\n\n") {
                let block: String = self.1.drain(..end + 2).collect();
                let (mut kind, mut id, mut data) = (String::new(), 0, String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        kind = v.trim().into();
                    } else if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().parse().unwrap();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim());
                    }
                }
                if kind.is_empty() {
                    continue; // keep-alive comment
                }
                return (kind, id, serde_json::from_str(&data).unwrap());
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.0.chunk())
                .await
                .expect("an event within 10 s")
                .unwrap()
                .expect("stream open");
            self.1.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_updates_resume_with_last_event_id() {
    let (app, _bus) = start_sqlite(|_| {}).await;
    let h = app.hackfest("live").await;
    let other = app.hackfest("live-other").await;
    let r = app.get("/api/hackfests/nope/events").await;
    assert_eq!(r.status(), 404);

    let mut sse = Sse::open(&app, "live", None).await;
    app.goal(&other, "Not this hackfest").await;
    let g = app.goal(&h, "Watched").await;
    let (kind, id, data) = sse.next().await;
    assert_eq!(kind, "change");
    assert_eq!(data["topic"], "hackfest.goal.new");
    assert_eq!(data["object_id"], g.id.to_string());
    assert_eq!(data["cursor"], id);

    // Disconnected, two changes, reconnect with the last id: both, in order.
    drop(sse);
    let mut f = g.to_form();
    f.progress = "10".into();
    let g = goal::service::update(&app.db, h.id, g.id, g.version, &f, "bob")
        .await
        .unwrap();
    f.progress = "20".into();
    goal::service::update(&app.db, h.id, g.id, g.version, &f, "bob")
        .await
        .unwrap();
    let mut sse = Sse::open(&app, "live", Some(id)).await;
    let (_, id1, d1) = sse.next().await;
    let (_, id2, d2) = sse.next().await;
    assert!(id < id1 && id1 < id2);
    assert_eq!(d1["body"]["goal"]["progress"], 10);
    assert_eq!(d2["body"]["goal"]["progress"], 20);
    // And then live ones.
    app.goal(&h, "Next").await;
    let (_, id3, d3) = sse.next().await;
    assert!(id3 > id2);
    assert_eq!(d3["body"]["goal"]["title"], "Next");

    // Far behind: one resync instead of hundreds of events.
    for i in 0..501 {
        app.goal(&h, &format!("Bulk {i}")).await;
    }
    let mut too_old = Sse::open(&app, "live", Some(id3)).await;
    let (kind, _, _) = too_old.next().await;
    assert_eq!(kind, "resync");
    let r = app
        .client
        .get(format!("{}/api/hackfests/live/events", app.address))
        .header("Last-Event-ID", "abc")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);

    // Retention removed what a client missed: a resync, even when only a few are left.
    let seen = outbox::latest(&app.db).await.unwrap();
    app.goal(&h, "Pruned").await;
    let later = chrono::Utc::now() + chrono::TimeDelta::seconds(1);
    outbox::prune(&app.db, later, true).await.unwrap();
    app.goal(&h, "Kept").await;
    let mut pruned = Sse::open(&app, "live", Some(seen)).await;
    let (kind, _, _) = pruned.next().await;
    assert_eq!(kind, "resync");
    // Up to date and nothing removed since: no resync, the next change comes.
    let now = outbox::latest(&app.db).await.unwrap();
    let mut current = Sse::open(&app, "live", Some(now)).await;
    app.goal(&h, "Fresh").await;
    let (kind, _, data) = current.next().await;
    assert_eq!(kind, "change");
    assert_eq!(data["body"]["goal"]["title"], "Fresh");
}

/// Writes `n` messages of about `bytes` bytes each for `h` in one transaction, as old
/// wiki saves did (each carried the whole page); returns their cursors.
async fn large_messages(
    app: &TestApp,
    h: &domain::hackfest::Hackfest,
    n: usize,
    bytes: usize,
) -> Vec<i64> {
    let before = outbox::latest(&app.db).await.unwrap();
    let text = "x".repeat(bytes);
    let mut tx = app.db.begin().await.unwrap();
    for i in 0..n {
        let value = serde_json::json!({ "id": uuid::Uuid::now_v7(), "body": text, "n": i });
        let m = Message::new(
            h.id,
            "wiki",
            uuid::Uuid::now_v7(),
            "edit",
            "alice",
            &value,
            chrono::Utc::now(),
        );
        outbox::enqueue(&mut tx, m).await.unwrap();
    }
    tx.commit().await.unwrap();
    outbox::sizes_after(&app.db, before, None, false, 100_000)
        .await
        .unwrap()
        .iter()
        .map(|s| s.0)
        .collect()
}

/// Issue 9: a feed page stops at about 1 MiB of bodies (at least one event), and
/// walking `next` visits every event once, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feed_pages_stay_within_a_byte_budget() {
    let (app, _bus) = start_sqlite(|_| {}).await;
    let h = app.hackfest("big-feed").await;
    app.goal(&h, "Small before").await;
    large_messages(&app, &h, 200, 200_000).await;
    app.goal(&h, "Small after").await;
    // One message larger than the whole budget still moves the cursor on.
    large_messages(&app, &h, 1, 1_500_000).await;
    app.goal(&h, "Last").await;
    let want: Vec<i64> = outbox::sizes_after(&app.db, 0, None, false, 100_000)
        .await
        .unwrap()
        .iter()
        .map(|s| s.0)
        .collect();
    assert!(want.len() >= 204, "{}", want.len());

    let (mut seen, mut after, mut pages) = (Vec::new(), 0i64, 0);
    loop {
        let r = app
            .get(&format!("/api/events?after={after}&limit=1000"))
            .await;
        assert_eq!(r.status(), 200);
        let text = r.text().await.unwrap();
        let page: Value = serde_json::from_str(&text).unwrap();
        let events = page["events"].as_array().unwrap();
        if events.is_empty() {
            assert_eq!(page["next"], after);
            break;
        }
        assert!(
            text.len() < 1_100_000 || events.len() == 1,
            "page {pages}: {} bytes in {} events",
            text.len(),
            events.len()
        );
        seen.extend(events.iter().map(|e| e["cursor"].as_i64().unwrap()));
        after = page["next"].as_i64().unwrap();
        assert_eq!(Some(&after), seen.last());
        pages += 1;
        assert!(pages < 100, "the walk does not end");
    }
    assert_eq!(seen, want, "every event once, in order");
    assert!(pages >= 40, "{pages} pages");
}

/// Issue 9: a client resuming from 0 over a backlog larger than the catch-up budget
/// gets one resync, not megabytes of events; a stream that is open while large
/// messages arrive gets every one of them, once, in order (the hub reads in bounded
/// batches).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catch_up_over_a_large_backlog_resyncs() {
    let (app, _bus) = start_sqlite(|_| {}).await;
    let h = app.hackfest("big-live").await;
    let mut watching = Sse::open(&app, "big-live", None).await;
    let cursors = large_messages(&app, &h, 12, 200_000).await;
    for want in &cursors {
        let (kind, id, data) = watching.next().await;
        assert_eq!((kind.as_str(), id), ("change", *want));
        assert_eq!(data["topic"], "hackfest.wiki.edit");
        // Too large to hold in the hub's buffer: the feed has the body.
        assert_eq!(data["body"]["truncated"], true, "{data}");
        assert!(data["body"]["url"].as_str().unwrap().starts_with("http"));
    }
    let small = large_messages(&app, &h, 1, 1_000).await;
    let (_, id, data) = watching.next().await;
    assert_eq!(id, small[0]);
    assert_eq!(data["body"]["wiki"]["body"].as_str().unwrap().len(), 1_000);
    drop(watching);

    let mut resumed = Sse::open(&app, "big-live", Some(0)).await;
    let (kind, id, _) = resumed.next().await;
    assert_eq!(kind, "resync");
    assert_eq!(id, small[0], "the newest cursor");
    // And then live changes, as usual.
    let g = app.goal(&h, "After the resync").await;
    let (kind, _, data) = resumed.next().await;
    assert_eq!(kind, "change");
    assert_eq!(data["object_id"], g.id.to_string());
    // A small backlog is still replayed.
    let mut replayed = Sse::open(&app, "big-live", Some(small[0])).await;
    let (kind, _, data) = replayed.next().await;
    assert_eq!(kind, "change");
    assert_eq!(data["object_id"], g.id.to_string());
}

/// Issue 9: at most 8 live-update streams per client address; the next gets 429 with
/// a readable message; closing one frees its place.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_streams_are_capped_per_address() {
    let (app, _bus) = start_sqlite(|_| {}).await;
    app.hackfest("capped").await;
    let url = format!("{}/api/hackfests/capped/events", app.address);
    let open = |last: Option<&str>| {
        let mut req = app.client.get(&url).header("Last-Event-ID", "0");
        if let Some(ip) = last {
            req = req.header("X-Forwarded-For", ip);
        }
        req.send()
    };
    let all = futures_util::future::join_all((0..16).map(|_| open(None))).await;
    let (mut ok, mut refused) = (Vec::new(), Vec::new());
    for r in all {
        let r = r.unwrap();
        match r.status().as_u16() {
            200 => ok.push(r),
            429 => refused.push(r),
            s => panic!("unexpected status {s}"),
        }
    }
    assert_eq!((ok.len(), refused.len()), (8, 8));
    let r = refused.pop().unwrap();
    assert!(r.headers().contains_key("retry-after"));
    let e: Value = r.json().await.unwrap();
    let message = e["TooManyRequests"].as_str().unwrap();
    assert!(message.contains("at most 8"), "{message}");
    // A forwarded-for header from an untrusted peer changes nothing.
    assert_eq!(open(Some("198.51.100.7")).await.unwrap().status(), 429);
    // Closing a stream frees its place.
    drop(ok.pop());
    // (The server notices the closed connection within a keep-alive interval.)
    let mut again = None;
    for _ in 0..300 {
        let r = open(None).await.unwrap();
        if r.status() == 200 {
            again = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(again.is_some(), "a closed stream frees its place");
    assert_eq!(open(None).await.unwrap().status(), 429);
}

/// Two instances on one PostgreSQL database: a change through A reaches a stream on B.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_updates_cross_instances() {
    let (db, url) = scratch::postgres().await;
    db.close().await;
    let (a, _) = start(Config::for_tests(url.clone()), None).await;
    let (b, _) = start(Config::for_tests(url.clone()), None).await;
    let h = a.hackfest("live-two").await;
    let mut on_b = Sse::open(&b, "live-two", None).await;
    let g = a.goal(&h, "Made on A").await;
    let (kind, _, data) = on_b.next().await;
    assert_eq!(kind, "change");
    assert_eq!(data["object_id"], g.id.to_string());
    scratch::drop_postgres(a.db.clone(), &url).await;
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// `make bench`: change → broker confirm, and change → 1,000 live subscribers.
/// Not a test (no wall-clock assertions); run with `--ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: scripts/bench.sh runs it"]
async fn bench_bus_latency() {
    let changes: usize = std::env::var("BENCH_BUS_CHANGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let subscribers: usize = std::env::var("BENCH_LIVE_SUBSCRIBERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let prefix = unique_prefix();
    let p = prefix.clone();
    let (app, _bus) = start_sqlite(|c| {
        c.amqp_url = Some(broker_url());
        c.topic_prefix = p;
        // Every subscriber connects from 127.0.0.1.
        c.live_per_client = u32::try_from(subscribers).unwrap_or(u32::MAX);
    })
    .await;
    let h = quiet_hackfest(&app, "bench-bus").await;
    let mut g = app.goal(&h, "Measured").await;
    wait_until("drained", || async { backlog(&app).await == 0 }).await;
    // Change → confirmed by the broker (sent_at - created_at of each row), one at a time.
    let first = outbox::latest(&app.db).await.unwrap();
    for i in 0..changes {
        let mut f = g.to_form();
        f.progress = (i % 101).to_string();
        f.description = format!("change {i}");
        g = goal::service::update(&app.db, h.id, g.id, g.version, &f, "bench")
            .await
            .unwrap();
        let target = outbox::latest(&app.db).await.unwrap();
        wait_until("confirmed", || async {
            outbox::after(&app.db, target - 1, None, false, 1)
                .await
                .unwrap()
                .first()
                .is_some_and(|r| r.sent_at.is_some())
        })
        .await;
    }
    let mut ms: Vec<f64> = outbox::after(&app.db, first, None, false, 100_000)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.sent_at.unwrap() - r.created_at).as_seconds_f64() * 1000.0)
        .collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    println!(
        "BENCH change -> broker confirm (SQLite, {} changes): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms.len(),
        percentile(&ms, 0.5),
        percentile(&ms, 0.99),
        ms[ms.len() - 1]
    );

    // Change → every one of N live subscribers.
    let started = std::time::Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<std::time::Instant>();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let ready = Arc::new(tokio::sync::Semaphore::new(0));
    for _ in 0..subscribers {
        let (client, tx, ready, url) = (
            client.clone(),
            tx.clone(),
            ready.clone(),
            format!("{}/api/hackfests/bench-bus/events", app.address),
        );
        tokio::spawn(async move {
            let mut r = client.get(url).send().await.unwrap();
            ready.add_permits(1);
            let mut buf = String::new();
            while let Ok(Some(chunk)) = r.chunk().await {
                buf.push_str(&String::from_utf8_lossy(&chunk));
                if buf.contains("event: change") {
                    let _ = tx.send(std::time::Instant::now());
                    return;
                }
            }
        });
    }
    let _ = ready.acquire_many(subscribers as u32).await.unwrap();
    println!(
        "BENCH {subscribers} live subscribers connected in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let t0 = std::time::Instant::now();
    let mut f = g.to_form();
    f.progress = "100".into();
    goal::service::update(&app.db, h.id, g.id, g.version, &f, "bench")
        .await
        .unwrap();
    let mut ms = Vec::with_capacity(subscribers);
    while ms.len() < subscribers {
        let t = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("every subscriber gets the change")
            .unwrap();
        ms.push((t - t0).as_secs_f64() * 1000.0);
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    println!(
        "BENCH change -> {subscribers} live subscribers (debug build, client in the same process): p50 {:.1} ms, p99 {:.1} ms",
        percentile(&ms, 0.5),
        percentile(&ms, 0.99)
    );
}
