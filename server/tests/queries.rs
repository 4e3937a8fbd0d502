//! The number of SQL queries behind a hackfest's pages does not grow with the
//! number of items (no query per goal, session, decision or action item), and a
//! detail page's bytes do not grow with the number of other items in the hackfest
//! (it loads its object, its links' titles and its history, not the hackfest).
//! One test in this binary: it counts every query the process makes.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::spawn_app_with;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};

/// Counts sqlx's statement events.
struct CountQueries(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> Layer<S> for CountQueries {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target().starts_with("sqlx::query") {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[tokio::test]
async fn queries_per_page_do_not_grow_with_items() {
    let count = Arc::new(AtomicUsize::new(0));
    let subscriber = tracing_subscriber::registry().with(
        CountQueries(count.clone()).with_filter(tracing_subscriber::filter::LevelFilter::TRACE),
    );
    tracing::subscriber::set_global_default(subscriber).expect("one subscriber per test binary");

    // The webhook sender polls the database on its own: not part of a page's queries.
    let app = spawn_app_with(|c| c.webhooks = false).await;
    let h = app.hackfest("queries").await;
    app.sign_in("alice", "attendee").await;
    app.join("queries").await;
    let add = |n: usize, from: usize| {
        let app = &app;
        let h = &h;
        async move {
            for i in from..from + n {
                let g = app.goal(h, &format!("Goal {i}")).await;
                domain::action::service::create(
                    &app.db,
                    h.id,
                    &domain::action::ActionForm {
                        title: format!("Item {i}"),
                        status: "open".into(),
                        goal_id: g.id.to_string(),
                        ..Default::default()
                    },
                    "alice",
                )
                .await
                .unwrap();
                domain::decision::service::create(
                    &app.db,
                    h.id,
                    &domain::decision::DecisionForm {
                        title: format!("Decision {i}"),
                        status: "agreed".into(),
                        goal_ids: g.id.to_string(),
                        ..Default::default()
                    },
                    "alice",
                )
                .await
                .unwrap();
                domain::session::service::create(
                    &app.db,
                    h,
                    &domain::session::SessionForm {
                        title: format!("Session {i}"),
                        kind: "work".into(),
                        starts_at: "2026-11-24T10:00".into(),
                        ends_at: "2026-11-24T11:00".into(),
                        goal_ids: g.id.to_string(),
                        ..Default::default()
                    },
                    "alice",
                )
                .await
                .unwrap();
            }
        }
    };
    let measure = |path: String| {
        let app = &app;
        let count = count.clone();
        async move {
            // Warm up (session store, caches), then count requests. Background work
            // (the outbox publisher, retention) also queries now and then: the fewest
            // of three counts is the page's own.
            assert_eq!(app.get(&path).await.status(), 200, "{path}");
            let mut fewest = usize::MAX;
            let mut bytes = 0;
            for _ in 0..3 {
                count.store(0, Ordering::SeqCst);
                let r = app.get(&path).await;
                assert_eq!(r.status(), 200, "{path}");
                bytes = r.bytes().await.unwrap().len();
                fewest = fewest.min(count.load(Ordering::SeqCst));
            }
            (fewest, bytes)
        }
    };
    add(5, 0).await;
    // Detail pages of the first item of each kind: the same objects before and after
    // a hundred more of everything are added.
    let action = domain::action::service::list(&app.db, h.id).await.unwrap()[0].clone();
    let decision = domain::decision::service::list(&app.db, h.id)
        .await
        .unwrap()[0]
        .clone();
    let session = domain::session::service::list(&app.db, &h).await.unwrap()[0].clone();
    let goal = action.goal_id.unwrap();
    let details = [
        format!("/h/queries/actions/{}", action.id),
        format!("/h/queries/decisions/{}", decision.id),
        format!("/h/queries/sessions/{}", session.id),
        format!("/h/queries/goals/{goal}"),
    ];
    let pages: Vec<String> = [
        "/h/queries",
        "/h/queries/sessions",
        "/h/queries/decisions",
        "/h/queries/actions",
        "/h/queries/goals",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain([format!("/h/queries/actions/{}/edit", action.id)])
    .chain(details.iter().cloned())
    .collect();
    // Let the outbox publisher finish with the new rows before counting.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mut few = Vec::new();
    for p in &pages {
        few.push(measure(p.clone()).await);
    }
    add(100, 5).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mut many = Vec::new();
    for p in &pages {
        many.push(measure(p.clone()).await);
    }
    println!("(queries, bytes) per page with 5 items of each kind: {few:?}; with 105: {many:?}");
    let queries = |v: &[(usize, usize)]| v.iter().map(|x| x.0).collect::<Vec<_>>();
    assert!(
        few.iter().all(|&(n, _)| n > 0),
        "the counter sees queries: {few:?}"
    );
    assert_eq!(
        queries(&few),
        queries(&many),
        "queries per page must not grow with items"
    );
    // The detail pages (the last ones) show the same object, links and history: the
    // hundred other items of each kind add nothing to them.
    for (i, p) in pages.iter().enumerate().skip(pages.len() - details.len()) {
        assert_eq!(few[i].1, many[i].1, "bytes of {p} grew with other items");
    }

    // Idle, a server queries only on its timers. The webhook sender (on here) waits
    // for a commit or its half-second tick, and every commit wakes it: a round that
    // committed with nothing to do woke itself for ever (thousands of queries a
    // second on an idle server, before). Both apps together, for two seconds.
    let idle = spawn_app_with(|c| c.webhooks = true).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    count.store(0, Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let n = count.load(Ordering::SeqCst);
    println!("queries of two idle servers in 2 s: {n}");
    assert!(n < 100, "idle servers made {n} queries in 2 s");
    drop(idle);
}
