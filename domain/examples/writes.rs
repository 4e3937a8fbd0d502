//! The write path alone, without HTTP: N editors, each saving its own action item
//! over and over through `action::service::update`, for D seconds. Prints changes/s
//! and latency percentiles. `make bench` runs it on SQLite (a file) and PostgreSQL.
//!
//!     cargo run --release -p domain --features server --example writes -- URL [EDITORS] [SECONDS]

use std::time::{Duration, Instant};

use domain::action::{self, ActionForm};
use domain::db::Db;
use domain::hackfest::{self, HackfestForm};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .expect("a database URL (sqlite:FILE or postgres://…)");
    let editors: usize = args.next().map_or(16, |a| a.parse().expect("EDITORS"));
    let seconds: u64 = args.next().map_or(10, |a| a.parse().expect("SECONDS"));
    let db = Db::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrate");
    let slug = format!("writes-{}", uuid::Uuid::new_v4().simple());
    let h = hackfest::service::create(
        &db,
        &HackfestForm {
            slug: slug[..30].to_owned(),
            title: "Write path".into(),
            start_date: "2026-11-23".into(),
            end_date: "2026-11-27".into(),
            time_zone: "Europe/Prague".into(),
            location: String::new(),
            description: String::new(),
        },
    )
    .await
    .expect("hackfest");
    let form = |title: String| ActionForm {
        title,
        description: "Write the runbook for the storage migration.".into(),
        owner: "alice".into(),
        due_date: String::new(),
        status: "open".into(),
        goal_id: String::new(),
        session_id: String::new(),
        decision_id: String::new(),
    };
    let mut items = Vec::new();
    for i in 0..editors {
        items.push(
            action::service::create(&db, h.id, &form(format!("Item {i}")), "alice")
                .await
                .expect("action item"),
        );
    }
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let (mut version, mut lat) = (item.version, Vec::new());
            while Instant::now() < until {
                let t = Instant::now();
                let saved = action::service::update(
                    &db,
                    item.hackfest_id,
                    item.id,
                    version,
                    &form(format!("Item {i} v{}", version + 1)),
                    "alice",
                )
                .await
                .expect("save");
                lat.push(t.elapsed());
                version = saved.version;
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("editor"));
    }
    all.sort();
    let pct =
        |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)].as_secs_f64() * 1e3;
    println!(
        "WRITES backend={} editors={editors} changes={} changes_per_s={:.0} p50_ms={:.2} p99_ms={:.2}",
        db.backend(),
        all.len(),
        all.len() as f64 / seconds as f64,
        pct(0.50),
        pct(0.99)
    );
    db.close().await;
}
