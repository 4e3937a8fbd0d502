//! A real broker restart (issue 5, SECURITY 27): `rabbitmqctl stop_app`, changes while
//! the broker is down, `rabbitmqctl start_app` → every message arrives, in order per
//! object, none lost, none twice.
//!
//! The broker is the one the other tests use, so this test has a binary of its own:
//! cargo runs test binaries one after another, so nothing else talks to the broker
//! while it is stopped. (`bus.rs` makes its outages with a TCP proxy instead, in
//! parallel.) The broker is started again even when an assertion fails.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{TempDir, TestApp, broker_url, wait_until};
use domain::outbox;
use hackfest_server::bus::BrokerState;
use hackfest_server::config::Config;
use hackfest_server::startup::Application;
use lapin::options::{BasicGetOptions, QueueBindOptions, QueueDeclareOptions, QueueDeleteOptions};
use lapin::types::FieldTable;
use lapin::{Channel, Connection, ConnectionProperties};
use serde_json::Value;

fn rabbitmqctl(command: &str) {
    let out = Command::new("rabbitmqctl")
        .arg(command)
        .output()
        .unwrap_or_else(|e| {
            panic!("rabbitmqctl is required (scripts/rabbitmq.sh installs RabbitMQ): {e}")
        });
    assert!(
        out.status.success(),
        "rabbitmqctl {command}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Starts the broker's application again when dropped, whatever happened.
struct StartAgain;

impl Drop for StartAgain {
    fn drop(&mut self) {
        let _ = Command::new("rabbitmqctl").arg("start_app").status();
    }
}

async fn channel() -> (Connection, Channel) {
    let mut last = String::new();
    // Right after start_app the listener may take a moment.
    for _ in 0..50 {
        match Connection::connect(&broker_url(), ConnectionProperties::default()).await {
            Ok(conn) => {
                let ch = conn.create_channel().await.unwrap();
                return (conn, ch);
            }
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!(
        "RabbitMQ is required at {} (make test starts it): {last}",
        broker_url()
    );
}

/// Every message waiting in `queue`, oldest first.
async fn drain(ch: &Channel, queue: &str) -> Vec<Value> {
    let mut out = Vec::new();
    while let Some(m) = ch
        .basic_get(queue.into(), BasicGetOptions { no_ack: true })
        .await
        .unwrap()
    {
        out.push(serde_json::from_slice(&m.delivery.data).expect("JSON body"));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_restart_loses_nothing_and_keeps_order() {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let prefix = format!("test.{id}");
    let queue = format!("hackfest-test-restart-{id}");
    // A durable queue outlives the restart (an exclusive one would go with our
    // connection); deleted at the end.
    let (conn, ch) = channel().await;
    ch.queue_declare(
        queue.as_str().into(),
        QueueDeclareOptions {
            durable: true,
            ..Default::default()
        },
        FieldTable::default(),
    )
    .await
    .unwrap();
    ch.queue_bind(
        queue.as_str().into(),
        "amq.topic".into(),
        format!("{prefix}.#").into(),
        QueueBindOptions::default(),
        FieldTable::default(),
    )
    .await
    .unwrap();

    let dir = TempDir::new();
    let mut config = Config::for_tests(format!("sqlite:{}/hackfest.db", dir.0.display()));
    config.amqp_url = Some(broker_url());
    config.topic_prefix = prefix;
    let app = Application::build(config, false).await.expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    let bus = app.bus().clone();
    let app = {
        let db = app.db().clone();
        tokio::spawn(app.run_until_stopped());
        TestApp::new(address, db, Some(dir))
    };
    let backlog = || async { outbox::backlog(&app.db).await.unwrap() };

    let h = app.hackfest("broker-restart").await;
    let mut goals = vec![app.goal(&h, "A").await, app.goal(&h, "B").await];
    wait_until("both are sent", || async { backlog().await == 0 }).await;
    assert_eq!(
        drain(&ch, &queue).await.len(),
        3,
        "the hackfest's message and both goals'"
    );
    drop(conn);

    let started_again = StartAgain;
    rabbitmqctl("stop_app");
    wait_until("the publisher notices", || async {
        bus.state() == BrokerState::Disconnected
    })
    .await;
    for i in 1..=5 {
        for g in goals.iter_mut() {
            let mut f = g.to_form();
            f.progress = (i * 10).to_string();
            *g = domain::goal::service::update(&app.db, h.id, g.id, g.version, &f, "bob")
                .await
                .unwrap();
        }
    }
    // The app kept serving; the messages wait in the outbox.
    assert_eq!(app.get("/").await.status(), 200);
    assert_eq!(backlog().await, 10);

    rabbitmqctl("start_app");
    drop(started_again);
    wait_until("the backlog drains", || async { backlog().await == 0 }).await;
    assert_eq!(bus.state(), BrokerState::Connected);

    let (conn, ch) = channel().await;
    let mut got = drain(&ch, &queue).await;
    // Marked sent only after the confirm, so they are in the queue by now.
    for _ in 0..20 {
        if got.len() >= 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        got.extend(drain(&ch, &queue).await);
    }
    assert_eq!(got.len(), 10, "each change once: {got:#?}");
    for g in &goals {
        let progress: Vec<i64> = got
            .iter()
            .filter(|m| m["goal"]["id"] == g.id.to_string())
            .map(|m| m["goal"]["progress"].as_i64().unwrap())
            .collect();
        assert_eq!(progress, [10, 20, 30, 40, 50], "order of goal {}", g.title);
    }
    ch.queue_delete(queue.as_str().into(), QueueDeleteOptions::default())
        .await
        .unwrap();
    drop(conn);
}
