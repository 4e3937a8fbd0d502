//! The transactional outbox: every change writes one message in its own transaction,
//! each body valid against the JSON Schema we ship; a rolled-back change writes none.
//! Each scenario on SQLite and on PostgreSQL.

mod common;

use std::collections::BTreeSet;

use chrono::Utc;
use domain::DomainError;
use domain::action::{self, ActionForm};
use domain::db::Db;
use domain::decision::{self, DecisionForm};
use domain::goal::{self, GoalForm};
use domain::hackfest::{self, Hackfest, HackfestForm};
use domain::outbox::{self, Message, OutboxRow};
use domain::page::{self, PageForm};
use domain::question::{self, AnswerForm, QuestionForm};
use domain::session::{self, SessionForm};

const PUBLIC_URL: &str = "https://hackfest.example.org";

use common::{check_body, schema, schema_dir};

async fn hackfest(db: &Db, slug: &str) -> Hackfest {
    hackfest::service::create(
        db,
        &HackfestForm {
            slug: slug.into(),
            title: "Outbox Hackfest".into(),
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

async fn small_goal(db: &Db, h: &Hackfest, title: &str) -> goal::Goal {
    goal::service::create(
        db,
        h.id,
        &GoalForm {
            title: title.into(),
            kind: "small".into(),
            status: "active".into(),
            ..Default::default()
        },
        "alice",
    )
    .await
    .unwrap()
}

async fn all(db: &Db) -> Vec<OutboxRow> {
    outbox::after(db, 0, None, false, 10_000).await.unwrap()
}

/// Makes one change of every kind the app announces.
async fn every_change(db: &Db, h: &Hackfest) {
    let g = goal::service::create(
        db,
        h.id,
        &GoalForm {
            title: "Move to PostgreSQL 17".into(),
            kind: "big".into(),
            status: "active".into(),
            owner: "kevin".into(),
            ..Default::default()
        },
        "alice",
    )
    .await
    .unwrap();
    let mut f = g.to_form();
    f.progress = "40".into();
    goal::service::update(db, h.id, g.id, g.version, &f, "bob")
        .await
        .unwrap();
    goal::service::add_note(db, h.id, g.id, "Half of the apps **moved**.", "kevin")
        .await
        .unwrap();

    let s = session::service::create(
        db,
        h,
        &SessionForm {
            title: "Database plans".into(),
            kind: "meeting".into(),
            starts_at: "2026-03-24T10:00".into(),
            ends_at: "2026-03-24T11:30".into(),
            room: "Fedora".into(),
            participants: "kevin\nRed Hat Storage team".into(),
            ..Default::default()
        },
        "alice",
    )
    .await
    .unwrap();
    let mut sf = s.to_form();
    // Another place: a move (an edit that moves nothing is `.update`: see the
    // conflicts scenario).
    sf.room = "Bodhi".into();
    session::service::update(db, h, s.id, s.version, &sf, "alice")
        .await
        .unwrap();

    let d = decision::service::create(
        db,
        h.id,
        &DecisionForm {
            title: "PostgreSQL everywhere".into(),
            status: "proposed".into(),
            context: "Many small databases.".into(),
            ..Default::default()
        },
        "alice",
    )
    .await
    .unwrap();
    let mut df = d.to_form();
    df.decision = "One cluster.".into();
    let d = decision::service::update(db, h.id, d.id, d.version, &df, "alice")
        .await
        .unwrap();
    let mut df = d.to_form();
    df.status = "agreed".into();
    decision::service::update(db, h.id, d.id, d.version, &df, "alice")
        .await
        .unwrap();

    let a = action::service::create(
        db,
        h.id,
        &ActionForm {
            title: "Write the migration guide".into(),
            owner: "kevin".into(),
            status: "open".into(),
            due_date: "2026-04-01".into(),
            goal_id: g.id.to_string(),
            ..Default::default()
        },
        "alice",
    )
    .await
    .unwrap();
    let mut af = a.to_form();
    af.status = "in_progress".into();
    action::service::update(db, h.id, a.id, a.version, &af, "kevin")
        .await
        .unwrap();

    let p = page::service::create(
        db,
        h,
        &PageForm {
            title: "OpenShift".into(),
            body: "How do I get a project?".into(),
            comment: "First questions".into(),
            ..Default::default()
        },
        "alice",
    )
    .await
    .unwrap();
    let mut pf = p.to_form();
    pf.body.push_str("\n\nOpen a ticket.");
    pf.comment = "An answer".into();
    let p = page::service::update(db, h, p.id, p.version, &pf, "kevin")
        .await
        .unwrap();
    let p = page::service::revert(db, h, p.id, 1, p.version, "alice")
        .await
        .unwrap();
    let q = question::service::ask(
        db,
        h,
        p.id,
        &QuestionForm {
            question: "Can the database stay outside the cluster?".into(),
        },
        "bob",
    )
    .await
    .unwrap();
    let answer = AnswerForm {
        answer: "Yes, on the *database hosts*.".into(),
    };
    let q = question::service::answer(db, h, q.id, q.version, &answer, "kevin")
        .await
        .unwrap();
    let q = question::service::reopen(db, h, q.id, q.version, "bob")
        .await
        .unwrap();
    question::service::link_decision(db, h, q.id, q.version, &d.id.to_string(), "alice")
        .await
        .unwrap();

    let kevin = domain::user::repo::upsert(
        db,
        &domain::user::Identity {
            issuer: "https://id.example".into(),
            subject: "kevin".into(),
            username: "kevin".into(),
            display_name: "Kevin".into(),
            email: String::new(),
            groups: vec![],
        },
    )
    .await
    .unwrap();
    hackfest::service::join(db, h, kevin.id, "kevin")
        .await
        .unwrap();
    hackfest::service::grant_organizer(db, h, kevin.id, "kevin", "alice")
        .await
        .unwrap();
}

/// How many messages [`hackfest`] and [`every_change`] send for one hackfest.
const EVERY_CHANGE: usize = 20;

async fn every_change_sends_a_valid_message(db: Db) {
    let h = hackfest(&db, "outbox").await;
    every_change(&db, &h).await;
    let rows = all(&db).await;
    let topics: Vec<&str> = rows.iter().map(|r| r.topic.as_str()).collect();
    assert_eq!(
        topics,
        [
            "hackfest.hackfest.new",
            "hackfest.goal.new",
            "hackfest.goal.update",
            "hackfest.goal.note",
            "hackfest.session.new",
            "hackfest.session.schedule",
            "hackfest.decision.new",
            "hackfest.decision.update",
            "hackfest.decision.agreed",
            "hackfest.action_item.new",
            "hackfest.action_item.update",
            "hackfest.wiki.new",
            "hackfest.wiki.edit",
            "hackfest.wiki.edit",
            "hackfest.question.new",
            "hackfest.question.answer",
            "hackfest.question.reopen",
            "hackfest.question.link",
            "hackfest.member.join",
            "hackfest.member.organizer",
        ]
    );
    let mut ids = BTreeSet::new();
    for (i, r) in rows.iter().enumerate() {
        assert!(i == 0 || r.seq > rows[i - 1].seq, "commit order");
        assert_eq!(r.message_id.get_version_num(), 4, "message_id is a UUID4");
        assert!(ids.insert(r.message_id), "message ids are unique");
        assert_eq!(r.schema_name, outbox::schema_name(&r.topic));
        assert_eq!(r.severity, 20);
        assert!(r.sent_at.is_none());
        assert!(r.public);
        let body = r.body_with_url(PUBLIC_URL);
        check_body(&r.schema_name, &body);
        assert_eq!(body["hackfest"]["slug"], "outbox");
        assert_eq!(body["hackfest"]["title"], "Outbox Hackfest");
        assert_eq!(body["hackfest"]["id"], h.id.to_string());
        let url = body["url"].as_str().unwrap();
        assert!(
            url.starts_with("https://hackfest.example.org/h/outbox"),
            "{url}"
        );
        let object = r.topic.split('.').nth(1).unwrap();
        assert_eq!(body[object]["id"], r.object_id.to_string());
        assert!(
            body[object]
                .as_object()
                .unwrap()
                .keys()
                .all(|k| !k.ends_with("_html")),
            "no derived HTML on the bus"
        );
    }
    // The changed fields, with their old values.
    let goal_update = &rows[2].body.0;
    assert_eq!(goal_update["agent"], "bob");
    assert_eq!(
        goal_update["changes"],
        serde_json::json!([{ "field": "progress", "old": "0", "new": "40" }])
    );
    assert_eq!(goal_update["goal"]["progress"], 40);
    assert_eq!(rows[2].users.0, ["bob", "kevin"], "agent and owner");
    assert_eq!(
        rows[3].body.0["note"]["body"],
        "Half of the apps **moved**."
    );
    assert_eq!(
        rows[4].users.0,
        ["alice", "kevin"],
        "a team name is no username"
    );
    assert_eq!(rows[8].body.0["decision"]["status"], "agreed");
    assert!(
        rows[9]
            .path
            .ends_with(&format!("/actions/{}", rows[9].object_id))
    );
    // A page edit names its revision; a revert is a new revision.
    let revert = &rows[13].body.0;
    assert_eq!(revert["revision"]["number"], 3);
    assert_eq!(revert["revision"]["comment"], "Revert to revision 1");
    // The body stays in the revision: the message names its size and start.
    assert_eq!(rows[11].schema_name, "hackfest.wiki.new.v2");
    assert_eq!(rows[13].schema_name, "hackfest.wiki.edit.v2");
    assert!(revert["wiki"].get("body").is_none(), "{revert:#}");
    assert_eq!(
        revert["wiki"]["body_bytes"],
        "How do I get a project?".len()
    );
    assert_eq!(revert["wiki"]["excerpt"], "How do I get a project?");
    assert_eq!(
        revert["changes"],
        serde_json::json!([{
            "field": "body",
            "old": "revision 2 (39 bytes)",
            "new": "revision 3 (23 bytes)",
        }])
    );
    assert!(rows[13].path.ends_with("/pages/openshift"));
    // A question names its page; the asker hears about the answer.
    let answered = &rows[15];
    assert_eq!(answered.body.0["question"]["state"], "answered");
    assert_eq!(answered.body.0["page"]["slug"], "openshift");
    assert_eq!(answered.users.0, ["kevin", "bob"], "agent and asker");
    assert!(answered.path.contains("/pages/openshift#q-"));
    assert_eq!(
        rows[17].body.0["question"]["decision_id"],
        rows[6].object_id.to_string()
    );
    // Joining and granting organizer name the person.
    assert_eq!(rows[19].body.0["member"]["role"], "organizer");
    assert_eq!(rows[19].users.0, ["alice", "kevin"], "agent and the person");
    assert_eq!(outbox::backlog(&db).await.unwrap(), EVERY_CHANGE as i64);
}
both!(
    every_change_sends_a_valid_message,
    crate::every_change_sends_a_valid_message
);

async fn a_rolled_back_change_sends_nothing(db: Db) {
    let h = hackfest(&db, "rollback").await;
    let g = small_goal(&db, &h, "A goal").await;
    assert_eq!(all(&db).await.len(), 2, "the hackfest's and the goal's");

    // A stale edit (someone saved first) is refused: no message.
    let mut f = g.to_form();
    f.title = "Renamed".into();
    let e = goal::service::update(&db, h.id, g.id, g.version + 7, &f, "bob")
        .await
        .unwrap_err();
    assert!(matches!(e, DomainError::Conflict(_)), "{e:?}");
    // Invalid input: no message.
    let mut bad = g.to_form();
    bad.parent_id = uuid::Uuid::now_v7().to_string();
    goal::service::update(&db, h.id, g.id, g.version, &bad, "bob")
        .await
        .unwrap_err();
    assert_eq!(all(&db).await.len(), 2, "the hackfest's and the goal's");

    // A transaction that wrote its message and then rolled back leaves no row.
    let mut tx = db.begin().await.unwrap();
    outbox::enqueue(
        &mut tx,
        Message::new(h.id, "goal", g.id, "update", "bob", &g, Utc::now()),
    )
    .await
    .unwrap();
    drop(tx);
    assert_eq!(all(&db).await.len(), 2, "the hackfest's and the goal's");
    assert_eq!(outbox::backlog(&db).await.unwrap(), 2);
}
both!(
    a_rolled_back_change_sends_nothing,
    crate::a_rolled_back_change_sends_nothing
);

async fn feed_sending_and_retention(db: Db) {
    let a = hackfest(&db, "feed-a").await;
    let b = hackfest(&db, "feed-b").await;
    every_change(&db, &a).await;
    every_change(&db, &b).await;
    let rows = all(&db).await;
    let n = 2 * EVERY_CHANGE;
    assert_eq!(rows.len(), n);
    // Paging by cursor, and by hackfest.
    let first = outbox::after(&db, 0, None, true, 3).await.unwrap();
    assert_eq!(first.len(), 3);
    let next = outbox::after(&db, first[2].seq, None, true, 100)
        .await
        .unwrap();
    assert_eq!(next.len(), n - 3);
    assert_eq!(next[0].seq, rows[3].seq);
    let only_b = outbox::after(&db, 0, Some(b.id), true, 100).await.unwrap();
    assert_eq!(only_b.len(), EVERY_CHANGE);
    assert!(only_b.iter().all(|r| r.hackfest_id == b.id));
    assert_eq!(outbox::latest(&db).await.unwrap(), rows[n - 1].seq);

    // Bounded by bytes too (sizes are read first): a small budget walks every message
    // once, in order, at least one per read.
    let sizes = outbox::sizes_after(&db, 0, None, true, 1000).await.unwrap();
    let seqs: Vec<i64> = rows.iter().map(|r| r.seq).collect();
    assert_eq!(sizes.iter().map(|s| s.0).collect::<Vec<_>>(), seqs);
    assert!(sizes.iter().all(|s| s.1 > 100), "{sizes:?}");
    let budget = sizes[0].1 + sizes[1].1;
    let (mut cursor, mut walked, mut reads) = (0, Vec::new(), 0);
    loop {
        let batch = outbox::after_within(&db, cursor, None, true, 1000, budget)
            .await
            .unwrap();
        let Some(last) = batch.rows.last() else {
            assert!(!batch.more);
            break;
        };
        cursor = last.seq;
        let bytes: i64 = sizes
            .iter()
            .filter(|s| batch.rows.iter().any(|r| r.seq == s.0))
            .map(|s| s.1)
            .sum();
        assert!(
            batch.rows.len() == 1 || bytes <= budget,
            "{bytes} > {budget}"
        );
        walked.extend(batch.rows.iter().map(|r| r.seq));
        reads += 1;
    }
    assert_eq!(walked, seqs, "nothing skipped or repeated");
    assert!(reads >= n / 3, "{reads} reads");
    let one = outbox::after_within(&db, 0, None, true, 1000, 1)
        .await
        .unwrap();
    assert_eq!((one.rows.len(), one.more), (1, true), "at least one");
    let three = outbox::after_within(&db, 0, None, true, 3, i64::MAX)
        .await
        .unwrap();
    assert_eq!((three.rows.len(), three.more), (3, true));
    let b_only = outbox::after_within(&db, 0, Some(b.id), true, 1000, i64::MAX)
        .await
        .unwrap();
    assert_eq!((b_only.rows.len(), b_only.more), (EVERY_CHANGE, false));
    assert!(b_only.rows.iter().all(|r| r.hackfest_id == b.id));

    // Sent after the confirm; pending lists the rest in commit order.
    let seqs: Vec<i64> = rows[..5].iter().map(|r| r.seq).collect();
    outbox::mark_sent(&db, &seqs, Utc::now()).await.unwrap();
    outbox::mark_failed(&db, rows[5].seq, "nack").await.unwrap();
    let pending = outbox::pending(&db, 100).await.unwrap();
    assert_eq!(pending.len(), n - 5);
    assert_eq!(pending[0].seq, rows[5].seq);
    assert_eq!(pending[0].attempts, 1);
    assert_eq!(
        pending[0].message_id, rows[5].message_id,
        "a retry keeps its id"
    );
    assert_eq!(outbox::backlog(&db).await.unwrap(), (n - 5) as i64);

    // Retention removes only what needs no more delivery, unless no broker is configured.
    let later = Utc::now() + chrono::TimeDelta::seconds(1);
    assert_eq!(outbox::prune(&db, later, false).await.unwrap(), 5);
    assert_eq!(outbox::backlog(&db).await.unwrap(), (n - 5) as i64);
    assert_eq!(
        outbox::prune(&db, later, true).await.unwrap(),
        (n - 5) as u64
    );
    // Cursors are not reused after pruning.
    small_goal(&db, &a, "After pruning").await;
    assert!(all(&db).await[0].seq > rows[n - 1].seq);
}
both!(
    feed_sending_and_retention,
    crate::feed_sending_and_retention
);

async fn one_publisher_at_a_time(db: Db) {
    let first = outbox::try_lead(&db).await.unwrap();
    assert!(first.is_some());
    match db {
        Db::Sqlite(..) => {}
        Db::Postgres(_) => {
            assert!(
                outbox::try_lead(&db).await.unwrap().is_none(),
                "a second publisher must wait"
            );
            let mut lease = first.unwrap();
            assert!(lease.alive().await);
            drop(lease);
            // The lock goes with the connection; closing is asynchronous.
            let mut again = None;
            for _ in 0..50 {
                again = outbox::try_lead(&db).await.unwrap();
                if again.is_some() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            assert!(again.is_some(), "the lease is free once its holder is gone");
        }
    }
}
both!(one_publisher_at_a_time, crate::one_publisher_at_a_time);

/// One schema per topic and version, each a valid draft 2020-12 schema; none extra.
#[test]
fn every_topic_has_a_valid_schema() {
    let mut files: Vec<String> = std::fs::read_dir(schema_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    // Every version up to today's: a published schema stays.
    let names: Vec<String> = outbox::TOPICS
        .iter()
        .flat_map(|t| (1..=outbox::schema_version(t)).map(move |v| format!("{t}.v{v}")))
        .collect();
    let mut want: Vec<String> = names.iter().map(|n| format!("{n}.json")).collect();
    want.sort();
    assert_eq!(files, want);
    for (t, v) in outbox::NEWER_SCHEMAS {
        assert!(outbox::TOPICS.contains(t), "{t} is not a topic");
        assert_eq!(outbox::schema_name(t), format!("{t}.v{v}"));
    }
    for name in &names {
        let s = schema(name);
        jsonschema::meta::validate(&s).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(s["title"], name.as_str());
        assert_eq!(s["$id"], format!("urn:hackfest:schema:{name}"));
    }
    for t in outbox::TOPICS {
        assert!(t.len() <= 255 && t.is_ascii());
    }
}
