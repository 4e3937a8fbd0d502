//! Service scenarios, each run on SQLite and on PostgreSQL.

mod common;

use domain::DomainError;
use domain::db::Db;
use domain::goal::{self, Goal, GoalForm, GoalStatus};
use domain::hackfest::{self, Hackfest, HackfestForm};
use domain::history;

async fn hackfest(db: &Db, slug: &str) -> Hackfest {
    hackfest::service::create(
        db,
        &HackfestForm {
            slug: slug.into(),
            title: "Test Hackfest".into(),
            start_date: "2026-11-23".into(),
            end_date: "2026-11-27".into(),
            time_zone: "Europe/Prague".into(),
            location: "Room 1".into(),
            description: String::new(),
        },
    )
    .await
    .expect("create hackfest")
}

fn goal_form(title: &str) -> GoalForm {
    GoalForm {
        title: title.into(),
        kind: "big".into(),
        status: "proposed".into(),
        ..Default::default()
    }
}

async fn goal(db: &Db, h: &Hackfest, title: &str) -> Goal {
    goal::service::create(db, h.id, &goal_form(title), "alice")
        .await
        .expect("create goal")
}

fn field_error(e: DomainError, field: &str) -> String {
    match e {
        DomainError::Validation(f) => f
            .get(field)
            .unwrap_or_else(|| panic!("no error on {field}: {f}"))
            .into(),
        other => panic!("expected a validation error on {field}, got {other:?}"),
    }
}

async fn create_and_list(db: Db) {
    let h = hackfest(&db, "first").await;
    assert_eq!(hackfest::service::by_slug(&db, "first").await.unwrap(), h);
    let small = goal::service::create(
        &db,
        h.id,
        &GoalForm {
            kind: "small".into(),
            ..goal_form("Small one")
        },
        "alice",
    )
    .await
    .unwrap();
    let big = goal(&db, &h, "Big one").await;
    let goals = goal::service::list(&db, h.id).await.unwrap();
    assert_eq!(
        goals.iter().map(|g| g.id).collect::<Vec<_>>(),
        vec![big.id, small.id],
        "big goals first"
    );
    assert_eq!(big.version, 1);
    let hist = history::for_entity(&db, "goal", big.id).await.unwrap();
    assert_eq!(hist.len(), 1);
    assert_eq!(hist[0].action, "create");
    assert_eq!(hist[0].actor, "alice");
}
both!(create_and_list_goals, super::create_and_list);

async fn duplicate_slug(db: Db) {
    hackfest(&db, "same").await;
    let e = hackfest::service::create(
        &db,
        &HackfestForm {
            slug: "same".into(),
            title: "Other".into(),
            start_date: "2026-01-01".into(),
            end_date: "2026-01-02".into(),
            time_zone: "UTC".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(field_error(e, "slug").contains("already used"));
    assert_eq!(hackfest::service::list(&db).await.unwrap().len(), 1);
}
both!(duplicate_slug_is_a_field_error, super::duplicate_slug);

async fn update_and_history(db: Db) {
    let h = hackfest(&db, "upd").await;
    let g = goal(&db, &h, "Plan").await;
    let mut f = g.to_form();
    f.status = "active".into();
    f.progress = "40".into();
    let g2 = goal::service::update(&db, h.id, g.id, g.version, &f, "bob")
        .await
        .unwrap();
    assert_eq!(g2.version, 2);
    assert_eq!(g2.status, GoalStatus::Active);
    assert_eq!(g2.progress, 40);
    let hist = history::for_entity(&db, "goal", g.id).await.unwrap();
    assert_eq!(hist[0].actor, "bob");
    let fields: Vec<_> = hist[0]
        .changes
        .iter()
        .map(|c| (c.field.as_str(), c.old.as_str(), c.new.as_str()))
        .collect();
    assert_eq!(
        fields,
        vec![("status", "proposed", "active"), ("progress", "0", "40")]
    );
    // Saving the same values again changes nothing, not even the version.
    let g3 = goal::service::update(&db, h.id, g.id, g2.version, &f, "bob")
        .await
        .unwrap();
    assert_eq!(g3.version, 2);
}
both!(update_records_history, super::update_and_history);

async fn stale_version(db: Db) {
    let h = hackfest(&db, "stale").await;
    let g = goal(&db, &h, "Original").await;
    let mut mine = g.to_form();
    mine.title = "Mine".into();
    let mut theirs = g.to_form();
    theirs.title = "Theirs".into();
    goal::service::update(&db, h.id, g.id, g.version, &theirs, "bob")
        .await
        .unwrap();
    let e = goal::service::update(&db, h.id, g.id, g.version, &mine, "alice")
        .await
        .unwrap_err();
    let DomainError::Conflict(current) = e else {
        panic!("expected conflict, got {e:?}")
    };
    let current: Goal = serde_json::from_value(*current).unwrap();
    assert_eq!(current.title, "Theirs");
    assert_eq!(current.version, 2);
    assert_eq!(
        goal::service::get(&db, h.id, g.id).await.unwrap().title,
        "Theirs"
    );
}
both!(stale_save_is_a_conflict, super::stale_version);

async fn concurrent_saves(db: Db) {
    let h = hackfest(&db, "race").await;
    let g = goal(&db, &h, "Race").await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (db, g) = (db.clone(), g.clone());
        tasks.push(tokio::spawn(async move {
            let mut f = g.to_form();
            f.title = format!("Writer {i}");
            goal::service::update(&db, g.hackfest_id, g.id, g.version, &f, "w").await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(DomainError::Conflict(_)) => {}
            Err(e) => panic!("unexpected error: {e:?}"),
        }
    }
    assert_eq!(ok, 1, "exactly one save from the same version wins");
    assert_eq!(
        goal::service::get(&db, h.id, g.id).await.unwrap().version,
        2
    );
}
both!(concurrent_saves_one_wins, super::concurrent_saves);

async fn parents(db: Db) {
    let h = hackfest(&db, "tree").await;
    let other = hackfest(&db, "other").await;
    let root = goal(&db, &h, "Root").await;
    let child = goal::service::create(
        &db,
        h.id,
        &GoalForm {
            parent_id: root.id.to_string(),
            ..goal_form("Child")
        },
        "a",
    )
    .await
    .unwrap();
    assert_eq!(child.parent_id, Some(root.id));

    // Root under its own child: a cycle.
    let f = GoalForm {
        parent_id: child.id.to_string(),
        ..root.to_form()
    };
    let e = goal::service::update(&db, h.id, root.id, root.version, &f, "a")
        .await
        .unwrap_err();
    assert!(field_error(e, "parent_id").contains("cycle"));
    // Itself.
    let f = GoalForm {
        parent_id: root.id.to_string(),
        ..root.to_form()
    };
    let e = goal::service::update(&db, h.id, root.id, root.version, &f, "a")
        .await
        .unwrap_err();
    assert!(field_error(e, "parent_id").contains("own parent"));
    // Unknown, and a goal of another hackfest.
    let foreign = goal(&db, &other, "Elsewhere").await;
    for parent in [uuid::Uuid::now_v7(), foreign.id] {
        let f = GoalForm {
            parent_id: parent.to_string(),
            ..goal_form("Orphan")
        };
        let e = goal::service::create(&db, h.id, &f, "a").await.unwrap_err();
        assert!(field_error(e, "parent_id").contains("does not exist"));
    }
    assert_eq!(
        goal::service::list(&db, h.id).await.unwrap().len(),
        2,
        "nothing half-written"
    );
    // The root is unchanged.
    assert_eq!(
        goal::service::get(&db, h.id, root.id)
            .await
            .unwrap()
            .version,
        1
    );
}
both!(parent_rules, super::parents);

async fn not_found_across_hackfests(db: Db) {
    let h = hackfest(&db, "mine").await;
    let other = hackfest(&db, "theirs").await;
    let g = goal(&db, &h, "Mine").await;
    assert!(matches!(
        goal::service::get(&db, other.id, g.id).await,
        Err(DomainError::NotFound("goal"))
    ));
    let e = goal::service::update(&db, other.id, g.id, 1, &g.to_form(), "x")
        .await
        .unwrap_err();
    assert!(matches!(e, DomainError::NotFound("goal")));
    assert!(matches!(
        hackfest::service::by_slug(&db, "nope").await,
        Err(DomainError::NotFound(_))
    ));
}
both!(
    goals_are_scoped_to_their_hackfest,
    super::not_found_across_hackfests
);

async fn invalid_input(db: Db) {
    let h = hackfest(&db, "bad").await;
    let f = GoalForm {
        title: "x".repeat(201),
        ..goal_form("")
    };
    let e = goal::service::create(&db, h.id, &f, "a").await.unwrap_err();
    assert!(field_error(e, "title").contains("too long"));
    assert!(goal::service::list(&db, h.id).await.unwrap().is_empty());
}
both!(invalid_goal_writes_nothing, super::invalid_input);

async fn demo_loads_once(db: Db) {
    assert!(domain::demo::load_if_empty(&db).await.unwrap());
    assert!(!domain::demo::load_if_empty(&db).await.unwrap());
    let h = hackfest::service::by_slug(&db, domain::demo::DEMO_SLUG)
        .await
        .unwrap();
    assert_eq!(h.days(), 5);
    let goals = goal::service::list(&db, h.id).await.unwrap();
    assert_eq!(
        goals
            .iter()
            .filter(|g| g.kind == goal::GoalKind::Big)
            .count(),
        3
    );
    assert_eq!(goals.len(), 8);
}
both!(demo_data_loads_once, super::demo_loads_once);

/// SECURITY 25: many writers at once on a SQLite file never see "database is locked".
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_file_under_fifty_concurrent_writers() {
    let dir = std::env::temp_dir().join(format!(
        "hackfest-writers-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let db = Db::connect(&format!("sqlite:{}/w.db", dir.display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let h = hackfest(&db, "writers").await;
    let goals: Vec<Goal> = {
        let mut v = Vec::new();
        for i in 0..10 {
            v.push(goal(&db, &h, &format!("Goal {i}")).await);
        }
        v
    };
    let mut tasks = Vec::new();
    for w in 0..50 {
        let (db, h) = (db.clone(), h.clone());
        let target = goals[w % goals.len()].clone();
        tasks.push(tokio::spawn(async move {
            // Half create goals, half edit (retrying their own conflicts, as a person would).
            if w % 2 == 0 {
                goal::service::create(&db, h.id, &goal_form(&format!("New {w}")), "w")
                    .await
                    .map(|_| ())
            } else {
                loop {
                    let cur = goal::service::get(&db, h.id, target.id).await?;
                    let mut f = cur.to_form();
                    f.owner = format!("writer {w}");
                    match goal::service::update(&db, h.id, cur.id, cur.version, &f, "w").await {
                        Err(DomainError::Conflict(_)) => continue,
                        other => break other.map(|_| ()),
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("no writer fails");
    }
    assert_eq!(goal::service::list(&db, h.id).await.unwrap().len(), 35);
    db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
