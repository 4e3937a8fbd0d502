//! Sessions, decisions, action items and goal notes: every object and transition,
//! each scenario on SQLite and on PostgreSQL.

mod common;
#[path = "objects/summaries.rs"]
mod summaries;

use domain::DomainError;
use domain::action::{self, ActionForm, ActionStatus};
use domain::db::Db;
use domain::decision::{self, DecisionForm, DecisionStatus, FollowUpState};
use domain::goal::{self, Goal, GoalForm};
use domain::hackfest::{self, Hackfest, HackfestForm};
use domain::history;
use domain::session::{self, SessionForm};

async fn hackfest(db: &Db, slug: &str) -> Hackfest {
    hackfest::service::create(
        db,
        &HackfestForm {
            slug: slug.into(),
            title: "Test Hackfest".into(),
            start_date: "2026-03-23".into(),
            end_date: "2026-03-27".into(),
            time_zone: "Europe/Prague".into(),
            location: "Room 1".into(),
            description: String::new(),
        },
    )
    .await
    .expect("create hackfest")
}

async fn goal(db: &Db, h: &Hackfest, title: &str) -> Goal {
    goal::service::create(
        db,
        h.id,
        &GoalForm {
            title: title.into(),
            kind: "big".into(),
            status: "active".into(),
            ..Default::default()
        },
        "alice",
    )
    .await
    .expect("create goal")
}

fn session_form(title: &str) -> SessionForm {
    SessionForm {
        title: title.into(),
        kind: "meeting".into(),
        starts_at: "2026-03-24T10:00".into(),
        ends_at: "2026-03-24T11:30".into(),
        room: "Fedora".into(),
        participants: "kevin\nRed Hat Storage team".into(),
        agenda: "- quotas\n- <script>alert(1)</script>".into(),
        ..Default::default()
    }
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

async fn count(db: &Db, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    match db {
        Db::Sqlite(p, _) => sqlx::query_scalar(&sql).fetch_one(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(&sql).fetch_one(p).await.unwrap(),
    }
}

async fn sessions(db: Db) {
    let h = hackfest(&db, "sessions").await;
    let g = goal(&db, &h, "Split storage").await;
    let mut f = session_form("Meeting with the storage team");
    f.goal_ids = g.id.to_string();
    let s = session::service::create(&db, &h, &f, "kevin")
        .await
        .unwrap();
    // Wall clock in Prague (UTC+1 in March before the change): stored in UTC.
    assert_eq!(s.starts_at.to_rfc3339(), "2026-03-24T09:00:00+00:00");
    assert_eq!(s.to_form().starts_at, "2026-03-24T10:00");
    assert_eq!(s.participants, vec!["kevin", "Red Hat Storage team"]);
    assert_eq!(s.goal_ids, vec![g.id]);
    assert!(!s.agenda_html.contains("<script"), "{}", s.agenda_html);

    // Edit: version moves on, history names the fields.
    let mut f2 = s.to_form();
    f2.notes = "Agreed: archive volumes on the slow tier.".into();
    f2.ends_at = "2026-03-24T12:00".into();
    let s2 = session::service::update(&db, &h, s.id, s.version, &f2, "olivia")
        .await
        .unwrap();
    assert_eq!(s2.version, 2);
    let hist = history::for_entity(&db, h.id, "session", s.id)
        .await
        .unwrap();
    assert_eq!(hist.len(), 2);
    let fields: Vec<_> = hist[0].changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, vec!["ends_at", "notes"]);

    // A stale save: conflict with the current state, nothing written.
    let e = session::service::update(&db, &h, s.id, s.version, &f, "kevin")
        .await
        .unwrap_err();
    match e {
        DomainError::Conflict(current) => assert_eq!(current["version"], 2),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        history::for_entity(&db, h.id, "session", s.id)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(session::service::list(&db, &h).await.unwrap().len(), 1);
}
both!(sessions_are_scheduled_edited_and_versioned, super::sessions);

async fn session_bad_input(db: Db) {
    let h = hackfest(&db, "bad-sessions").await;
    let other = hackfest(&db, "other-sessions").await;
    let foreign = goal(&db, &other, "Not ours").await;
    let cases: Vec<(SessionForm, &str, &str)> = vec![
        (
            SessionForm {
                ends_at: "2026-03-24T09:00".into(),
                ..session_form("x")
            },
            "ends_at",
            "after the start",
        ),
        (
            SessionForm {
                title: " ".into(),
                ..session_form("x")
            },
            "title",
            "required",
        ),
        (
            SessionForm {
                title: "t".repeat(201),
                ..session_form("x")
            },
            "title",
            "too long",
        ),
        (
            SessionForm {
                starts_at: "2026-04-01T10:00".into(),
                ends_at: "2026-04-01T11:00".into(),
                ..session_form("x")
            },
            "starts_at",
            "during the hackfest",
        ),
        (
            SessionForm {
                goal_ids: foreign.id.to_string(),
                ..session_form("x")
            },
            "goal_ids",
            "does not exist",
        ),
        (
            SessionForm {
                agenda: "a".repeat(50_001),
                ..session_form("x")
            },
            "agenda",
            "too long",
        ),
    ];
    for (f, field, needle) in cases {
        let e = session::service::create(&db, &h, &f, "kevin")
            .await
            .unwrap_err();
        let m = field_error(e, field);
        assert!(m.contains(needle), "{field}: {m}");
    }
    // 02:30 on the last Sunday of March does not exist in Prague.
    let gap = hackfest::service::create(
        &db,
        &HackfestForm {
            slug: "dst".into(),
            title: "DST".into(),
            start_date: "2026-03-29".into(),
            end_date: "2026-03-29".into(),
            time_zone: "Europe/Prague".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let f = SessionForm {
        starts_at: "2026-03-29T02:30".into(),
        ends_at: "2026-03-29T04:00".into(),
        ..session_form("x")
    };
    let m = field_error(
        session::service::create(&db, &gap, &f, "kevin")
            .await
            .unwrap_err(),
        "starts_at",
    );
    assert!(m.contains("clocks change"), "{m}");
    assert_eq!(count(&db, "hack_sessions").await, 0);
    assert_eq!(
        count(&db, "history").await,
        4,
        "only the creations of the three hackfests and the foreign goal"
    );
}
both!(
    session_bad_input_is_field_errors_and_writes_nothing,
    super::session_bad_input
);

async fn decisions(db: Db) {
    let h = hackfest(&db, "decisions").await;
    let g = goal(&db, &h, "Roll out BDR").await;
    let s = session::service::create(&db, &h, &session_form("Database chat"), "kevin")
        .await
        .unwrap();
    let f = DecisionForm {
        title: "Deploy BDR, then decide app by app".into(),
        decision: "Deploy in staging first.".into(),
        status: "proposed".into(),
        session_id: s.id.to_string(),
        goal_ids: g.id.to_string(),
        followups: "[x] bodhi\n[ ] koji".into(),
        ..Default::default()
    };
    let d = decision::service::create(&db, h.id, &f, "olivia")
        .await
        .unwrap();
    assert_eq!(d.followups[0].state, FollowUpState::Done);
    assert_eq!(d.session_id, Some(s.id));

    // proposed → superseded is not allowed: the status field says where it can go.
    let mut bad = d.to_form();
    let other = decision::service::create(
        &db,
        h.id,
        &DecisionForm {
            title: "Use Patroni".into(),
            status: "proposed".into(),
            ..Default::default()
        },
        "olivia",
    )
    .await
    .unwrap();
    bad.status = "superseded".into();
    bad.superseded_by = other.id.to_string();
    let m = field_error(
        decision::service::update(&db, h.id, d.id, d.version, &bad, "olivia")
            .await
            .unwrap_err(),
        "status",
    );
    assert!(m.contains("proposed cannot become superseded"), "{m}");

    // proposed → agreed → superseded (with its successor).
    let mut agree = d.to_form();
    agree.status = "agreed".into();
    let d2 = decision::service::update(&db, h.id, d.id, d.version, &agree, "olivia")
        .await
        .unwrap();
    assert_eq!(d2.status, DecisionStatus::Agreed);
    let mut sup = d2.to_form();
    sup.status = "superseded".into();
    let m = field_error(
        decision::service::update(&db, h.id, d.id, d2.version, &sup, "olivia")
            .await
            .unwrap_err(),
        "superseded_by",
    );
    assert!(m.contains("replaces it"), "{m}");
    sup.superseded_by = d.id.to_string();
    let m = field_error(
        decision::service::update(&db, h.id, d.id, d2.version, &sup, "olivia")
            .await
            .unwrap_err(),
        "superseded_by",
    );
    assert!(m.contains("itself"), "{m}");
    sup.superseded_by = other.id.to_string();
    let d3 = decision::service::update(&db, h.id, d.id, d2.version, &sup, "olivia")
        .await
        .unwrap();
    assert_eq!(d3.status, DecisionStatus::Superseded);
    assert_eq!(d3.superseded_by, Some(other.id));

    // Superseded is final.
    let mut back = d3.to_form();
    back.status = "agreed".into();
    back.superseded_by = String::new();
    assert!(
        field_error(
            decision::service::update(&db, h.id, d.id, d3.version, &back, "olivia")
                .await
                .unwrap_err(),
            "status"
        )
        .contains("cannot become agreed")
    );

    let hist = history::for_entity(&db, h.id, "decision", d.id)
        .await
        .unwrap();
    assert_eq!(
        hist.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        vec!["update", "update", "create"]
    );

    // A stale save conflicts.
    assert!(matches!(
        decision::service::update(&db, h.id, d.id, d2.version, &sup, "olivia")
            .await
            .unwrap_err(),
        DomainError::Conflict(_)
    ));

    // A session of another hackfest is refused.
    let elsewhere = hackfest(&db, "elsewhere").await;
    let foreign = session::service::create(&db, &elsewhere, &session_form("Theirs"), "kevin")
        .await
        .unwrap();
    let f = DecisionForm {
        title: "x".into(),
        status: "proposed".into(),
        session_id: foreign.id.to_string(),
        ..Default::default()
    };
    assert!(
        field_error(
            decision::service::create(&db, h.id, &f, "olivia")
                .await
                .unwrap_err(),
            "session_id"
        )
        .contains("does not exist")
    );
}
both!(decisions_move_through_their_statuses, super::decisions);

async fn actions(db: Db) {
    let h = hackfest(&db, "actions").await;
    let g = goal(&db, &h, "Plan the move").await;
    let d = decision::service::create(
        &db,
        h.id,
        &DecisionForm {
            title: "Move racks in May".into(),
            status: "agreed".into(),
            ..Default::default()
        },
        "olivia",
    )
    .await
    .unwrap();
    let f = ActionForm {
        title: "Book the movers".into(),
        owner: "Kevin".into(),
        due_date: "2026-03-25".into(),
        status: "open".into(),
        goal_id: g.id.to_string(),
        decision_id: d.id.to_string(),
        ..Default::default()
    };
    let a = action::service::create(&db, h.id, &f, "olivia")
        .await
        .unwrap();
    assert_eq!(a.decision_id, Some(d.id));
    // Complete it.
    let mut done = a.to_form();
    done.status = "done".into();
    let a2 = action::service::update(&db, h.id, a.id, a.version, &done, "kevin")
        .await
        .unwrap();
    assert_eq!(a2.status, ActionStatus::Done);
    let hist = history::for_entity(&db, h.id, "action_item", a.id)
        .await
        .unwrap();
    assert_eq!(hist[0].changes[0].field, "status");
    assert_eq!(
        (
            hist[0].changes[0].old.as_str(),
            hist[0].changes[0].new.as_str()
        ),
        ("open", "done")
    );

    // Their items across hackfests, case ignored.
    let other = hackfest(&db, "actions-2").await;
    action::service::create(
        &db,
        other.id,
        &ActionForm {
            title: "Second".into(),
            owner: "kevin".into(),
            status: "blocked".into(),
            ..Default::default()
        },
        "kevin",
    )
    .await
    .unwrap();
    let mine = action::service::for_owner(&db, "kevin").await.unwrap();
    assert_eq!(mine.len(), 2);

    // Links across hackfests and bad input: field errors, nothing written.
    let before = count(&db, "action_items").await;
    let foreign_goal = goal(&db, &other, "Theirs").await;
    let bad = ActionForm {
        title: "x".into(),
        status: "open".into(),
        goal_id: foreign_goal.id.to_string(),
        ..Default::default()
    };
    assert!(
        field_error(
            action::service::create(&db, h.id, &bad, "kevin")
                .await
                .unwrap_err(),
            "goal_id"
        )
        .contains("does not exist")
    );
    let bad = ActionForm {
        title: "x".into(),
        status: "finished".into(),
        due_date: "soon".into(),
        ..Default::default()
    };
    match action::service::create(&db, h.id, &bad, "kevin")
        .await
        .unwrap_err()
    {
        DomainError::Validation(e) => {
            assert!(e.get("status").is_some() && e.get("due_date").is_some())
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&db, "action_items").await, before);
    // Another hackfest's item is "not found" here.
    let theirs = action::service::for_owner(&db, "kevin")
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.hackfest_id == other.id)
        .unwrap();
    assert!(matches!(
        action::service::get(&db, h.id, theirs.id).await,
        Err(DomainError::NotFound(_))
    ));
}
both!(
    action_items_are_created_linked_and_completed,
    super::actions
);

async fn goal_notes_and_outcome(db: Db) {
    let h = hackfest(&db, "notes").await;
    let g = goal(&db, &h, "Stand up OpenShift").await;
    goal::service::add_note(&db, h.id, g.id, "Installer runs on staging.", "alice")
        .await
        .unwrap();
    goal::service::add_note(
        &db,
        h.id,
        g.id,
        "Ingress works. <img src=x onerror=alert(1)>",
        "kevin",
    )
    .await
    .unwrap();
    let notes = goal::service::notes(&db, h.id, g.id).await.unwrap();
    assert_eq!(
        notes.iter().map(|n| n.author.as_str()).collect::<Vec<_>>(),
        vec!["alice", "kevin"]
    );
    assert!(!notes[1].body_html.contains("onerror"));
    assert!(
        field_error(
            goal::service::add_note(&db, h.id, g.id, "   ", "kevin")
                .await
                .unwrap_err(),
            "body"
        )
        .contains("empty")
    );
    let other = hackfest(&db, "notes-2").await;
    assert!(matches!(
        goal::service::add_note(&db, other.id, g.id, "x", "kevin").await,
        Err(DomainError::NotFound(_))
    ));

    let mut f = g.to_form();
    f.status = "done".into();
    f.outcome = "A staging cluster, **managed from Ansible**.".into();
    let done = goal::service::update(&db, h.id, g.id, g.version, &f, "alice")
        .await
        .unwrap();
    assert!(
        done.outcome_html
            .contains("<strong>managed from Ansible</strong>")
    );
    let hist = history::for_entity(&db, h.id, "goal", g.id).await.unwrap();
    assert_eq!(hist[0].action, "update");
    assert_eq!(hist.iter().filter(|e| e.action == "note").count(), 2);
}
both!(goal_notes_and_outcome, super::goal_notes_and_outcome);
#[path = "objects/conflicts.rs"]
mod conflicts;
#[path = "objects/export.rs"]
mod export;
#[path = "objects/meetings.rs"]
mod meetings;
#[path = "objects/rooms.rs"]
mod rooms;
#[path = "objects/schedule.rs"]
mod schedule;
#[path = "objects/search.rs"]
mod search;
#[path = "objects/travel.rs"]
mod travel;
#[path = "objects/webhooks.rs"]
mod webhooks;
both!(
    webhooks_rolled_back,
    super::webhooks::a_rolled_back_change_is_never_delivered
);
both!(
    travel_request_states,
    super::travel::a_request_moves_through_its_states
);
both!(
    travel_bad_input,
    super::travel::bad_travel_input_is_field_errors
);
both!(
    travel_concurrent_approvals,
    super::travel::concurrent_approvals_stay_within_the_budget
);
both!(
    travel_days_and_warnings,
    super::travel::travel_days_feed_the_people_check
);
