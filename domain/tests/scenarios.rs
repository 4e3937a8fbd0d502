//! Service scenarios, each run on SQLite and on PostgreSQL.

mod common;

use domain::DomainError;
use domain::db::Db;
use domain::goal::{self, Goal, GoalForm, GoalStatus};
use domain::hackfest::{self, Hackfest, HackfestForm};
use domain::history;
use domain::ids::{GoalId, HackfestId};

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
    let hist = history::for_entity(&db, h.id, "goal", big.id)
        .await
        .unwrap();
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
    let hist = history::for_entity(&db, h.id, "goal", g.id).await.unwrap();
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

/// An update reads the object before its writer's turn: a save that lands between
/// that read and the turn makes it a conflict (with the newer object), never a save
/// over it, and history keeps only the one that won.
async fn save_between_read_and_turn(db: Db) {
    use domain::write::{Edit, Update};
    let h = hackfest(&db, "between").await;
    let g = goal(&db, &h, "Read first").await;
    let w = Update::open(
        &db,
        HackfestId(h.id),
        GoalId(g.id),
        g.version,
        async |g: Goal| g,
    )
    .await
    .unwrap();
    let mut theirs = g.to_form();
    theirs.title = "Theirs, saved in between".into();
    goal::service::update(&db, h.id, g.id, g.version, &theirs, "bob")
        .await
        .unwrap();
    let mut mine = g.to_form();
    mine.title = "Mine".into();
    let e = w
        .save(&mine.parse().unwrap(), Edit::update("alice"))
        .await
        .unwrap_err();
    let DomainError::Conflict(current) = e else {
        panic!("expected conflict, got {e:?}")
    };
    let current: Goal = serde_json::from_value(*current).unwrap();
    assert_eq!(
        (current.title.as_str(), current.version),
        ("Theirs, saved in between", 2)
    );
    let updates: Vec<_> = history::for_entity(&db, h.id, "goal", g.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "update")
        .collect();
    assert_eq!(updates.len(), 1, "only bob's save is in history");
    assert_eq!(updates[0].actor, "bob");
}
both!(
    a_save_between_read_and_turn_is_a_conflict,
    super::save_between_read_and_turn
);

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
    // Each day drafted, Monday published.
    for day in h.start_date.iter_days().take(5) {
        let s = domain::summary::service::get(&db, &h, Some(day))
            .await
            .unwrap()
            .expect("a draft of each day");
        assert!(!s.body.trim().is_empty());
    }
    let published = domain::summary::service::published(&db, &h).await.unwrap();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].day, Some(h.start_date));
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

async fn sub_goal(db: &Db, h: &Hackfest, parent: &Goal, title: &str) -> Result<Goal, DomainError> {
    let f = GoalForm {
        parent_id: parent.id.to_string(),
        ..goal_form(title)
    };
    goal::service::create(db, h.id, &f, "alice").await
}

/// Moves `g` under `parent` (or to the top level).
async fn move_goal(
    db: &Db,
    h: &Hackfest,
    g: &Goal,
    parent: Option<&Goal>,
) -> Result<Goal, DomainError> {
    let current = goal::service::get(db, h.id, g.id).await?;
    let f = GoalForm {
        parent_id: parent.map(|p| p.id.to_string()).unwrap_or_default(),
        ..current.to_form()
    };
    goal::service::update(db, h.id, g.id, current.version, &f, "alice").await
}

/// `n` goals, each the sub-goal of the one before, written straight into the
/// database past the service's checks (as an old database may hold them).
async fn raw_chain(db: &Db, h: &Hackfest, n: usize) -> Vec<uuid::Uuid> {
    let new = goal_form("Deep").parse().unwrap();
    let mut tx = db.begin().await.unwrap();
    let mut ids: Vec<uuid::Uuid> = Vec::with_capacity(n);
    for _ in 0..n {
        let id = uuid::Uuid::now_v7();
        let g = goal::NewGoal {
            parent_id: ids.last().copied(),
            ..new.clone()
        };
        goal::repo::insert(
            &mut tx,
            GoalId(id),
            HackfestId(h.id),
            &g,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        ids.push(id);
    }
    tx.commit().await.unwrap();
    ids
}

/// A goal tree is at most `goal::MAX_DEPTH` levels deep, on create as on update
/// (where the moved goal's own sub-goals count too); the error names the limit.
async fn depth_limit(db: Db) {
    let h = hackfest(&db, "deep").await;
    let mut chain = vec![goal(&db, &h, "Level 1").await];
    for level in 2..=goal::MAX_DEPTH {
        let g = sub_goal(&db, &h, chain.last().unwrap(), &format!("Level {level}"))
            .await
            .unwrap_or_else(|e| panic!("level {level} is within the limit: {e:?}"));
        chain.push(g);
    }
    let e = sub_goal(&db, &h, chain.last().unwrap(), "One too deep")
        .await
        .unwrap_err();
    let m = field_error(e, "parent_id");
    assert!(m.contains(&goal::MAX_DEPTH.to_string()), "{m}");

    // A goal with one sub-goal: two levels to place.
    let top = goal(&db, &h, "Top").await;
    let below = sub_goal(&db, &h, &top, "Below").await.unwrap();
    let deepest_fit = &chain[goal::MAX_DEPTH - 3];
    let e = move_goal(&db, &h, &top, Some(&chain[goal::MAX_DEPTH - 2]))
        .await
        .unwrap_err();
    let m = field_error(e, "parent_id");
    assert!(m.contains(&goal::MAX_DEPTH.to_string()), "{m}");
    assert_eq!(
        goal::service::get(&db, h.id, top.id)
            .await
            .unwrap()
            .parent_id,
        None,
        "a refused move writes nothing"
    );
    let moved = move_goal(&db, &h, &top, Some(deepest_fit)).await.unwrap();
    assert_eq!(moved.parent_id, Some(deepest_fit.id));
    // Editing a goal at the deepest level without moving it is fine.
    let mut f = below.to_form();
    f.title = "Below, renamed".into();
    goal::service::update(&db, h.id, below.id, below.version, &f, "alice")
        .await
        .unwrap();
    assert_eq!(
        goal::service::list(&db, h.id).await.unwrap().len(),
        goal::MAX_DEPTH + 2,
        "nothing refused was written"
    );
}
both!(goal_trees_have_a_depth_limit, super::depth_limit);

/// A database that already holds a 3,000-deep chain: lists, rolls up and refuses
/// to go deeper, without recursion or one query per level running away.
async fn legacy_deep_chain(db: Db) {
    let h = hackfest(&db, "legacy").await;
    let ids = raw_chain(&db, &h, 3_000).await;
    let goals = goal::service::list(&db, h.id).await.unwrap();
    assert_eq!(goals.len(), 3_000);
    let progress = goal::rolled_up_progress(&goals);
    assert_eq!(progress.len(), 3_000);
    let deepest = goal::service::get(&db, h.id, *ids.last().unwrap())
        .await
        .unwrap();
    let e = sub_goal(&db, &h, &deepest, "Deeper").await.unwrap_err();
    assert!(field_error(e, "parent_id").contains(&goal::MAX_DEPTH.to_string()));
    // The top goal under a goal of its own chain: a cycle, found however deep.
    let top = goal::service::get(&db, h.id, ids[0]).await.unwrap();
    let e = move_goal(&db, &h, &top, Some(&deepest)).await.unwrap_err();
    assert!(field_error(e, "parent_id").contains("cycle"));
    // Cutting the chain is allowed: a top-level goal has no depth to check.
    let middle = goal::service::get(&db, h.id, ids[1_500]).await.unwrap();
    assert_eq!(
        move_goal(&db, &h, &middle, None).await.unwrap().parent_id,
        None
    );
}
both!(
    a_deep_chain_in_the_database_still_works,
    super::legacy_deep_chain
);

/// A under B and B under A at the same moment: exactly one wins, never a cycle.
async fn concurrent_reparenting(db: Db) {
    let h = hackfest(&db, "reparent").await;
    for round in 0..20 {
        let a = goal(&db, &h, &format!("A{round}")).await;
        let b = goal(&db, &h, &format!("B{round}")).await;
        let ta = tokio::spawn({
            let (db, h, a, b) = (db.clone(), h.clone(), a.clone(), b.clone());
            async move { move_goal(&db, &h, &a, Some(&b)).await }
        });
        let tb = tokio::spawn({
            let (db, h, a, b) = (db.clone(), h.clone(), a.clone(), b.clone());
            async move { move_goal(&db, &h, &b, Some(&a)).await }
        });
        let results = [ta.await.unwrap(), tb.await.unwrap()];
        let won = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "round {round}: exactly one move wins: {results:?}");
        for r in results {
            if let Err(e) = r {
                assert!(field_error(e, "parent_id").contains("cycle"));
            }
        }
        let a = goal::service::get(&db, h.id, a.id).await.unwrap();
        let b = goal::service::get(&db, h.id, b.id).await.unwrap();
        assert!(
            !(a.parent_id == Some(b.id) && b.parent_id == Some(a.id)),
            "round {round}: a cycle was stored"
        );
    }
}
both!(
    concurrent_reparenting_makes_no_cycle,
    super::concurrent_reparenting
);

async fn person(db: &Db, username: &str) -> domain::user::User {
    domain::user::repo::upsert(
        db,
        &domain::user::Identity {
            issuer: "https://id.example".into(),
            subject: format!("sub-{username}"),
            username: username.into(),
            display_name: username.into(),
            email: String::new(),
            groups: vec![],
        },
    )
    .await
    .unwrap()
}

fn hackfest_form(slug: &str) -> HackfestForm {
    HackfestForm {
        slug: slug.into(),
        title: "Made by a person".into(),
        start_date: "2026-11-23".into(),
        end_date: "2026-11-27".into(),
        time_zone: "Europe/Prague".into(),
        location: String::new(),
        description: String::new(),
    }
}

async fn topics(db: &Db, h: &Hackfest) -> Vec<String> {
    domain::outbox::after(db, 0, Some(h.id), false, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.topic)
        .collect()
}

/// A hackfest and its creator's membership are written together, with a history row
/// and `hackfest.hackfest.new`; if the membership cannot be written, neither is the
/// hackfest (nor its message).
async fn create_all_or_nothing(db: Db) {
    let olivia = person(&db, "olivia").await;
    let h = hackfest::service::create_by(&db, &hackfest_form("made"), "olivia", Some(olivia.id))
        .await
        .unwrap();
    assert_eq!(
        domain::user::repo::membership(&db, h.id, olivia.id)
            .await
            .unwrap(),
        Some(domain::user::Role::Organizer)
    );
    let hist = history::for_entity(&db, h.id, "hackfest", h.id)
        .await
        .unwrap();
    assert_eq!(hist.len(), 1);
    assert_eq!(
        (hist[0].action.as_str(), hist[0].actor.as_str()),
        ("create", "olivia")
    );
    assert!(
        hist[0]
            .changes
            .iter()
            .any(|c| c.field == "organizer" && c.new == "olivia")
    );
    assert_eq!(topics(&db, &h).await, ["hackfest.hackfest.new"]);
    let row = &domain::outbox::after(&db, 0, Some(h.id), false, 1)
        .await
        .unwrap()[0];
    assert_eq!(row.body.0["hackfest"]["slug"], "made");
    assert_eq!(row.body.0["agent"], "olivia");

    // The membership fails (no such person): the hackfest is not left behind.
    let ghost = uuid::Uuid::now_v7();
    hackfest::service::create_by(&db, &hackfest_form("orphan"), "ghost", Some(ghost))
        .await
        .unwrap_err();
    assert!(matches!(
        hackfest::service::by_slug(&db, "orphan").await,
        Err(DomainError::NotFound(_))
    ));
    assert_eq!(hackfest::service::list(&db).await.unwrap().len(), 1);
    assert_eq!(
        domain::outbox::after(&db, 0, None, false, 100)
            .await
            .unwrap()
            .len(),
        1,
        "no message for the hackfest that was not made"
    );
}
both!(
    hackfest_and_its_organizer_in_one_transaction,
    super::create_all_or_nothing
);

/// Joining and granting organizer write history and a bus message; a repeated join or
/// grant (a retry) changes nothing and sends nothing.
async fn join_and_grant(db: Db) {
    use domain::user::Role;
    let h = hackfest(&db, "members").await;
    let kevin = person(&db, "kevin").await;
    for _ in 0..2 {
        let role = hackfest::service::join(&db, &h, kevin.id, "kevin")
            .await
            .unwrap();
        assert_eq!(role, Role::Attendee);
    }
    assert_eq!(
        topics(&db, &h).await,
        ["hackfest.hackfest.new", "hackfest.member.join"]
    );
    let hist = history::for_entity(&db, h.id, "member", kevin.id)
        .await
        .unwrap();
    assert_eq!(hist.len(), 1, "one join, however often asked");
    assert_eq!(hist[0].changes[0].new, "attendee");

    for _ in 0..2 {
        let role = hackfest::service::grant_organizer(&db, &h, kevin.id, "kevin", "olivia")
            .await
            .unwrap();
        assert_eq!(role, Role::Organizer);
    }
    // An organizer who joins stays an organizer.
    let role = hackfest::service::join(&db, &h, kevin.id, "kevin")
        .await
        .unwrap();
    assert_eq!(role, Role::Organizer);
    assert_eq!(
        domain::user::repo::membership(&db, h.id, kevin.id)
            .await
            .unwrap(),
        Some(Role::Organizer)
    );
    let hist = history::for_entity(&db, h.id, "member", kevin.id)
        .await
        .unwrap();
    assert_eq!(hist.len(), 2);
    assert_eq!(
        (
            hist[0].actor.as_str(),
            hist[0].changes[0].old.as_str(),
            hist[0].changes[0].new.as_str()
        ),
        ("olivia", "attendee", "organizer")
    );
    let rows = domain::outbox::after(&db, 0, Some(h.id), false, 100)
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    let granted = &rows[2];
    assert_eq!(granted.topic, "hackfest.member.organizer");
    assert_eq!(granted.object_id, kevin.id);
    assert_eq!(granted.body.0["member"]["username"], "kevin");
    assert_eq!(granted.body.0["member"]["role"], "organizer");
    assert_eq!(granted.users.0, ["olivia", "kevin"], "agent and the person");
}
both!(
    join_and_grant_write_history_and_messages,
    super::join_and_grant
);

/// The demo loads in one transaction: a failure at its last step (here the questions
/// table is gone) leaves no half demo behind, and nothing in the outbox.
async fn demo_all_or_nothing(db: Db) {
    db.execute_raw("DROP TABLE page_questions").await.unwrap();
    domain::demo::load_if_empty(&db).await.unwrap_err();
    assert!(hackfest::service::list(&db).await.unwrap().is_empty());
    for table in [
        "goals",
        "hack_sessions",
        "decisions",
        "action_items",
        "pages",
        "summaries",
        "history",
    ] {
        let n: i64 = match &db {
            Db::Sqlite(p, _) => sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(p)
                .await
                .unwrap(),
            Db::Postgres(p) => sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(p)
                .await
                .unwrap(),
        };
        assert_eq!(n, 0, "{table} is empty");
    }
    assert!(
        domain::outbox::after(&db, 0, None, false, 10)
            .await
            .unwrap()
            .is_empty()
    );
}
both!(demo_loads_all_or_nothing, super::demo_all_or_nothing);

/// Two instances starting at once on one empty database: one loads the demo, the
/// other finds it loaded; neither fails.
async fn demo_loads_once_when_racing(db: Db) {
    let (a, b) = tokio::join!(
        domain::demo::load_if_empty(&db),
        domain::demo::load_if_empty(&db)
    );
    let mut loaded = [a.unwrap(), b.unwrap()];
    loaded.sort();
    assert_eq!(loaded, [false, true]);
    assert_eq!(hackfest::service::list(&db).await.unwrap().len(), 1);
}
both!(
    demo_loads_once_when_two_start,
    super::demo_loads_once_when_racing
);
