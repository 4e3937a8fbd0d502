//! Webhook deliveries come from committed changes only (issue 15, item 4): a change
//! whose transaction rolls back leaves no outbox message, so the dispatcher makes no
//! delivery for it; the committed change next to it gets exactly one. Before any
//! endpoint, the dispatcher writes nothing, and the first endpoint gets only what
//! comes after it. Each scenario on SQLite and on PostgreSQL.

use domain::db::Db;
use domain::goal::{self, GoalForm};
use domain::webhook::{EndpointForm, service as webhook};

use super::{count, hackfest};

fn goal_form(title: &str) -> GoalForm {
    GoalForm {
        title: title.into(),
        kind: "small".into(),
        status: "active".into(),
        ..Default::default()
    }
}

async fn cursor(db: &Db) -> i64 {
    let sql = "SELECT seq FROM webhook_cursor WHERE id = 1";
    match db {
        Db::Sqlite(p, _) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}

pub async fn a_rolled_back_change_is_never_delivered(db: Db) {
    let h = hackfest(&db, "hooks-rollback").await;
    // With no endpoint, the dispatcher writes nothing, not even its cursor (every
    // commit wakes it); the first endpoint starts from the outbox's end instead.
    goal::service::create(&db, h.id, &goal_form("Before any endpoint"), "alice")
        .await
        .expect("committed");
    let at = cursor(&db).await;
    assert_eq!(
        webhook::fan_out(&db, "http://127.0.0.1", 1000)
            .await
            .expect("fan out"),
        webhook::FanOut {
            read: 0,
            made: 0,
            listening: false
        }
    );
    assert_eq!(cursor(&db).await, at, "nothing written");
    let endpoint = EndpointForm {
        url: "https://hooks.example.org/hackfest".into(),
        topics: "hackfest.goal.*".into(),
        description: String::new(),
    }
    .parse()
    .expect("a valid endpoint");
    webhook::create(&db, h.id, &endpoint, "olivia")
        .await
        .expect("registered");
    assert!(
        cursor(&db).await > at,
        "registering moved the cursor to the end"
    );
    // Everything before (the hackfest's own messages, the first goal) is behind it.
    assert_eq!(
        webhook::fan_out(&db, "http://127.0.0.1", 1000)
            .await
            .expect("fan out")
            .read,
        0
    );
    let before = count(&db, "webhook_deliveries").await;
    assert_eq!(before, 0);

    // A goal made in a transaction that rolls back: its outbox row goes with it.
    let mut tx = db.begin().await.expect("begin");
    goal::service::create_in(&mut tx, h.id, &goal_form("Rolled back"), "alice")
        .await
        .expect("created in the transaction");
    drop(tx);
    // And one that commits.
    goal::service::create(&db, h.id, &goal_form("Committed"), "alice")
        .await
        .expect("committed");

    let made = webhook::fan_out(&db, "http://127.0.0.1", 1000)
        .await
        .expect("fan out")
        .made;
    assert_eq!(made, 1, "one delivery: the committed goal's");
    assert_eq!(count(&db, "webhook_deliveries").await, before + 1);
    // Fanning out again makes nothing more.
    let again = webhook::fan_out(&db, "http://127.0.0.1", 1000)
        .await
        .expect("fan out")
        .made;
    assert_eq!(again, 0);
    let bodies: Vec<String> = match &db {
        Db::Sqlite(p, _) => sqlx::query_scalar("SELECT body FROM webhook_deliveries")
            .fetch_all(p)
            .await
            .unwrap(),
        Db::Postgres(p) => sqlx::query_scalar("SELECT body FROM webhook_deliveries")
            .fetch_all(p)
            .await
            .unwrap(),
    };
    assert!(bodies.iter().any(|b| b.contains("Committed")), "{bodies:?}");
    assert!(
        !bodies
            .iter()
            .any(|b| b.contains("Rolled back") || b.contains("Before any endpoint")),
        "{bodies:?}"
    );
}
