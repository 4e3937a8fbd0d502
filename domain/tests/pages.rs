//! Wiki page scenarios, each run on SQLite and on PostgreSQL.

mod common;

use domain::DomainError;
use domain::db::Db;
use domain::decision::{self, DecisionForm};
use domain::hackfest::{self, Hackfest, HackfestForm};
use domain::history;
use domain::page::{self, LineChange, Page, PageForm, service};
use domain::question::{self, AnswerForm, QuestionForm, QuestionState};

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

fn form(title: &str, body: &str, comment: &str) -> PageForm {
    PageForm {
        slug: String::new(),
        title: title.into(),
        body: body.into(),
        comment: comment.into(),
    }
}

async fn openshift(db: &Db, h: &Hackfest) -> Page {
    service::create(
        db,
        h,
        &form("OpenShift", "line one\nline two\nline three", "start"),
        "alice",
    )
    .await
    .expect("create page")
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

async fn counts(db: &Db, h: &Hackfest) -> (usize, usize) {
    let pages = service::list(db, h).await.unwrap();
    let mut revisions = 0;
    for p in &pages {
        let p = service::get(db, h, &p.slug).await.unwrap();
        revisions += service::revisions(db, h, &p).await.unwrap().len();
    }
    (pages.len(), revisions)
}

async fn create_and_edit(db: Db) {
    let h = hackfest(&db, "wiki").await;
    let p = openshift(&db, &h).await;
    assert_eq!(p.slug, "openshift", "made from the title");
    assert_eq!(p.version, 1);
    assert!(p.body_html.contains("<p>line one"), "{}", p.body_html);
    assert_eq!(service::get(&db, &h, "openshift").await.unwrap().id, p.id);
    // Times are shown on the hackfest's wall clock (Europe/Prague: UTC+1 or +2).
    let offset = p.updated_local.unwrap() - p.updated_at.naive_utc();
    assert!(
        offset == chrono::TimeDelta::hours(1) || offset == chrono::TimeDelta::hours(2),
        "{offset}"
    );

    let edited = service::update(
        &db,
        &h,
        p.id,
        p.version,
        &form(
            "OpenShift Q&A",
            "line one\nline 2\nline three\nline four",
            "fix line two",
        ),
        "bob",
    )
    .await
    .unwrap();
    assert_eq!(edited.version, 2);
    assert_eq!(
        edited.slug, "openshift-q-a",
        "a blank slug follows the title"
    );
    let revs = service::revisions(&db, &h, &edited).await.unwrap();
    assert!(revs.iter().all(|r| r.created_local.is_some()));
    assert!(
        service::list(&db, &h)
            .await
            .unwrap()
            .iter()
            .all(|p| p.updated_local.is_some())
    );
    assert_eq!(
        revs.iter().map(|r| r.number).collect::<Vec<_>>(),
        vec![2, 1],
        "newest first"
    );
    assert_eq!(revs[0].author, "bob");
    assert_eq!(revs[0].comment, "fix line two");
    assert_eq!(revs[1].author, "alice");
    let r1 = service::revision(&db, &h, p.id, 1).await.unwrap();
    assert_eq!(r1.body, "line one\nline two\nline three");

    // Saving the same content again writes nothing.
    let same = service::update(&db, &h, p.id, 2, &edited.to_form(), "bob")
        .await
        .unwrap();
    assert_eq!(same.version, 2);
    assert_eq!(service::revisions(&db, &h, &same).await.unwrap().len(), 2);

    let hist = history::for_entity(&db, h.id, "page", p.id).await.unwrap();
    assert_eq!(hist.len(), 2);
    assert_eq!(hist[0].action, "update");
    let fields: Vec<_> = hist[0].changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, vec!["slug", "title", "body"]);
    assert_eq!(hist[0].changes[1].old, "OpenShift");
    assert_eq!(hist[0].changes[1].new, "OpenShift Q&A");
}
both!(create_and_edit_pages, super::create_and_edit);

async fn stale_save_conflicts(db: Db) {
    let h = hackfest(&db, "stale").await;
    let p = openshift(&db, &h).await;
    let first = service::update(&db, &h, p.id, 1, &form("OpenShift", "theirs", "a"), "bob")
        .await
        .unwrap();
    let e = service::update(&db, &h, p.id, 1, &form("OpenShift", "mine", "b"), "carol")
        .await
        .unwrap_err();
    match e {
        DomainError::Conflict(current) => {
            let current: Page = serde_json::from_value(*current).unwrap();
            assert_eq!(current.version, 2);
            assert_eq!(current.body, "theirs");
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let now = service::get(&db, &h, "openshift").await.unwrap();
    assert_eq!(now, first, "nothing written");
    assert_eq!(service::revisions(&db, &h, &now).await.unwrap().len(), 2);
    assert_eq!(
        history::for_entity(&db, h.id, "page", p.id)
            .await
            .unwrap()
            .len(),
        2
    );
    // A revert from a stale version conflicts too.
    assert!(matches!(
        service::revert(&db, &h, p.id, 1, 1, "carol").await,
        Err(DomainError::Conflict(_))
    ));
}
both!(stale_page_save_conflicts, super::stale_save_conflicts);

async fn diff_and_revert(db: Db) {
    let h = hackfest(&db, "diff").await;
    let p = openshift(&db, &h).await;
    let p = service::update(
        &db,
        &h,
        p.id,
        1,
        &form(
            "OpenShift",
            "line one\nline 2\nline three\nline four",
            "edit",
        ),
        "bob",
    )
    .await
    .unwrap();
    let p = service::update(
        &db,
        &h,
        p.id,
        2,
        &form("OpenShift cluster", "only this", "rewrite"),
        "carol",
    )
    .await
    .unwrap();

    let d = service::diff(&db, &h, p.id, 1, 2).await.unwrap();
    assert_eq!((d.from.number, d.to.number), (1, 2));
    assert_eq!(d.title, None);
    assert_eq!((d.added, d.removed), (2, 1));
    let lines: Vec<_> = d.hunks.concat();
    let changed: Vec<_> = lines
        .iter()
        .filter(|l| l.change != LineChange::Same)
        .map(|l| (l.change, l.text.as_str()))
        .collect();
    assert_eq!(
        changed,
        vec![
            (LineChange::Removed, "line two"),
            (LineChange::Added, "line 2"),
            (LineChange::Added, "line four"),
        ]
    );
    let removed = lines
        .iter()
        .find(|l| l.change == LineChange::Removed)
        .unwrap();
    assert_eq!((removed.old_line, removed.new_line), (Some(2), None));
    // Any two revisions, either order.
    let back = service::diff(&db, &h, p.id, 3, 1).await.unwrap();
    assert_eq!(
        back.title,
        Some(("OpenShift cluster".into(), "OpenShift".into()))
    );
    assert!(matches!(
        service::diff(&db, &h, p.id, 1, 9).await,
        Err(DomainError::NotFound("revision"))
    ));

    let reverted = service::revert(&db, &h, p.id, 1, 3, "dave").await.unwrap();
    assert_eq!(reverted.version, 4);
    assert_eq!(reverted.title, "OpenShift");
    assert_eq!(reverted.body, "line one\nline two\nline three");
    let revs = service::revisions(&db, &h, &reverted).await.unwrap();
    assert_eq!(revs.len(), 4);
    assert_eq!(revs[0].comment, "Revert to revision 1");
    assert_eq!(revs[0].author, "dave");
    assert_eq!(
        service::diff(&db, &h, p.id, 1, 4)
            .await
            .unwrap()
            .hunks
            .len(),
        0
    );
    let hist = history::for_entity(&db, h.id, "page", p.id).await.unwrap();
    assert_eq!(hist[0].action, "revert");
    assert!(matches!(
        service::revert(&db, &h, p.id, 7, 4, "dave").await,
        Err(DomainError::NotFound("revision"))
    ));
}
both!(page_diff_and_revert, super::diff_and_revert);

async fn questions(db: Db) {
    let h = hackfest(&db, "q-and-a").await;
    let other = hackfest(&db, "other").await;
    let p = openshift(&db, &h).await;
    let decision = decision::service::create(
        &db,
        h.id,
        &DecisionForm {
            title: "Apps keep their databases outside the cluster".into(),
            status: "agreed".into(),
            ..Default::default()
        },
        "alice",
    )
    .await
    .unwrap();
    let foreign = decision::service::create(
        &db,
        other.id,
        &DecisionForm {
            title: "Elsewhere".into(),
            status: "proposed".into(),
            ..Default::default()
        },
        "alice",
    )
    .await
    .unwrap();

    let q = question::service::ask(
        &db,
        &h,
        p.id,
        &QuestionForm {
            question: "Can the database stay outside?".into(),
        },
        "adamw",
    )
    .await
    .unwrap();
    assert_eq!(
        (q.state, q.version, q.asked_by.as_str()),
        (QuestionState::Open, 1, "adamw")
    );

    let a = question::service::answer(
        &db,
        &h,
        q.id,
        1,
        &AnswerForm {
            answer: "Yes, see [[OpenShift]].".into(),
        },
        "kevin",
    )
    .await
    .unwrap();
    assert_eq!((a.state, a.version), (QuestionState::Answered, 2));
    assert!(
        a.answer_html
            .contains("href=\"/h/q-and-a/pages/openshift\""),
        "{}",
        a.answer_html
    );

    // Stale: nothing written.
    assert!(matches!(
        question::service::reopen(&db, &h, q.id, 1, "x").await,
        Err(DomainError::Conflict(_))
    ));

    let e = question::service::link_decision(&db, &h, q.id, 2, &foreign.id.to_string(), "kevin")
        .await
        .unwrap_err();
    assert!(field_error(e, "decision_id").contains("does not exist in this hackfest"));
    let e = question::service::link_decision(&db, &h, q.id, 2, "not-an-id", "kevin")
        .await
        .unwrap_err();
    assert!(field_error(e, "decision_id").contains("not a valid id"));
    let linked =
        question::service::link_decision(&db, &h, q.id, 2, &decision.id.to_string(), "kevin")
            .await
            .unwrap();
    assert_eq!((linked.decision_id, linked.version), (Some(decision.id), 3));

    let reopened = question::service::reopen(&db, &h, q.id, 3, "adamw")
        .await
        .unwrap();
    assert_eq!((reopened.state, reopened.version), (QuestionState::Open, 4));
    assert_eq!(
        reopened.answer, "Yes, see [[OpenShift]].",
        "the answer stays"
    );
    assert_eq!(reopened.decision_id, Some(decision.id));

    let all = question::service::list(&db, &h, &p).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0], reopened);
    let hist = history::for_entity(&db, h.id, "question", q.id)
        .await
        .unwrap();
    let actions: Vec<_> = hist.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["reopen", "link", "answer", "create"]);

    // Bad input and other hackfests' pages.
    let e = question::service::ask(
        &db,
        &h,
        p.id,
        &QuestionForm {
            question: "  ".into(),
        },
        "x",
    )
    .await
    .unwrap_err();
    assert!(field_error(e, "question").contains("required"));
    let e = question::service::answer(&db, &h, q.id, 4, &AnswerForm { answer: "".into() }, "x")
        .await
        .unwrap_err();
    assert!(field_error(e, "answer").contains("required"));
    assert!(matches!(
        question::service::ask(
            &db,
            &other,
            p.id,
            &QuestionForm {
                question: "?".into()
            },
            "x"
        )
        .await,
        Err(DomainError::NotFound("page"))
    ));
    assert!(matches!(
        question::service::reopen(&db, &other, q.id, 4, "x").await,
        Err(DomainError::NotFound("question"))
    ));
    assert_eq!(question::service::list(&db, &h, &p).await.unwrap().len(), 1);
    assert_eq!(
        history::for_entity(&db, h.id, "question", q.id)
            .await
            .unwrap()
            .len(),
        4
    );
}
both!(page_questions, super::questions);

async fn bad_input(db: Db) {
    let h = hackfest(&db, "bad").await;
    let p = openshift(&db, &h).await;
    let cases: Vec<(PageForm, &str, &str)> = vec![
        (form("", "x", ""), "title", "required"),
        (form(&"t".repeat(201), "x", ""), "title", "too long"),
        (form("Two\nlines", "x", ""), "title", "single line"),
        (form("Big", &"b".repeat(100_001), ""), "body", "too long"),
        (
            form("Comment", "x", &"c".repeat(201)),
            "comment",
            "too long",
        ),
        (
            PageForm {
                slug: "Not A Slug".into(),
                ..form("Slugged", "x", "")
            },
            "slug",
            "lowercase",
        ),
        (
            PageForm {
                slug: "new".into(),
                ..form("Slugged", "x", "")
            },
            "slug",
            "choose another",
        ),
        (form("日本語", "x", ""), "slug", "cannot be made"),
        (form("OpenShift", "x", ""), "slug", "already has this slug"),
        (
            PageForm {
                slug: "openshift".into(),
                ..form("Different", "x", "")
            },
            "slug",
            "already has this slug",
        ),
    ];
    for (f, field, message) in cases {
        let e = service::create(&db, &h, &f, "alice").await.unwrap_err();
        let got = field_error(e, field);
        assert!(got.contains(message), "{field}: {got}");
    }
    assert_eq!(counts(&db, &h).await, (1, 1), "nothing written");

    // The same on update, plus renaming onto another page's slug.
    let second = service::create(
        &db,
        &h,
        &form("Authentication", "see [[OpenShift]]", ""),
        "alice",
    )
    .await
    .unwrap();
    assert!(
        second.body_html.contains("href=\"/h/bad/pages/openshift\""),
        "{}",
        second.body_html
    );
    let e = service::update(
        &db,
        &h,
        second.id,
        1,
        &PageForm {
            slug: "openshift".into(),
            ..form("Authentication", "x", "")
        },
        "alice",
    )
    .await
    .unwrap_err();
    assert!(field_error(e, "slug").contains("already"));
    let e = service::update(
        &db,
        &h,
        p.id,
        1,
        &form("OpenShift", &"b".repeat(100_001), ""),
        "alice",
    )
    .await
    .unwrap_err();
    assert!(field_error(e, "body").contains("100000"));
    assert_eq!(counts(&db, &h).await, (2, 2), "nothing written");
    assert!(matches!(
        service::get(&db, &h, "nope").await,
        Err(DomainError::NotFound("page"))
    ));
    // A page of another hackfest is "not found".
    let other = hackfest(&db, "other-bad").await;
    assert!(matches!(
        service::update(&db, &other, p.id, 1, &form("X", "", ""), "alice").await,
        Err(DomainError::NotFound("page"))
    ));
}
both!(page_bad_input, super::bad_input);

async fn demo_content(db: Db) {
    let h = hackfest(&db, "demo-wiki").await;
    page::seed_demo(&db, h.id).await.unwrap();
    page::seed_demo(&db, h.id).await.unwrap();
    let pages = service::list(&db, &h).await.unwrap();
    let titles: Vec<_> = pages.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, vec!["Authentication", "OpenShift"]);
    let os = service::get(&db, &h, "openshift").await.unwrap();
    assert_eq!(service::revisions(&db, &h, &os).await.unwrap().len(), 2);
    assert!(
        !question::service::list(&db, &h, &os)
            .await
            .unwrap()
            .is_empty()
    );
    let auth = service::get(&db, &h, "authentication").await.unwrap();
    assert!(
        auth.body_html
            .contains("href=\"/h/demo-wiki/pages/openshift\""),
        "{}",
        auth.body_html
    );
}
both!(page_demo_content, super::demo_content);

/// The stored text of `sql`'s one column (a JSON column as text) for `id`.
async fn stored_texts(db: &Db, sql: &str, id: uuid::Uuid) -> Vec<String> {
    match db {
        Db::Sqlite(p, _) => sqlx::query_scalar(sql).bind(id).fetch_all(p).await,
        Db::Postgres(p) => sqlx::query_scalar(sql).bind(id).fetch_all(p).await,
    }
    .unwrap()
}

/// Issue 9: a large save keeps its body in the page and its revision only; history
/// and the bus message name the revision and the size.
async fn a_large_save_stores_the_body_once(db: Db) {
    let h = hackfest(&db, "large").await;
    let line = "A line of a long wiki page about the OpenShift migration.\n";
    let big = line.repeat((page::BODY_MAX - 100) / line.len());
    let p = service::create(&db, &h, &form("Big", &big, "paste"), "alice")
        .await
        .unwrap();
    let mut bigger = big.clone();
    bigger.push_str("And one more line.");
    let p = service::update(&db, &h, p.id, p.version, &form("Big", &bigger, ""), "bob")
        .await
        .unwrap();
    assert_eq!(p.version, 2);
    assert_eq!(
        service::revision(&db, &h, p.id, 1).await.unwrap().body,
        big.trim_end()
    );
    assert_eq!(
        service::revision(&db, &h, p.id, 2).await.unwrap().body,
        bigger
    );

    let history = stored_texts(
        &db,
        "SELECT CAST(changes AS TEXT) FROM history WHERE entity_id = $1",
        p.id,
    )
    .await;
    let outbox = stored_texts(
        &db,
        "SELECT CAST(body AS TEXT) FROM outbox WHERE object_id = $1 ORDER BY seq",
        p.id,
    )
    .await;
    assert_eq!((history.len(), outbox.len()), (2, 2));
    for row in history.iter().chain(&outbox) {
        assert!(row.len() < 2_000, "{} bytes: {}…", row.len(), &row[..300]);
    }
    let edit: serde_json::Value = serde_json::from_str(&outbox[1]).unwrap();
    assert_eq!(edit["wiki"]["body_bytes"], bigger.len());
    assert!(
        edit["wiki"]["excerpt"]
            .as_str()
            .unwrap()
            .starts_with("A line of a long wiki page"),
        "{edit:#}"
    );
    assert_eq!(edit["revision"]["number"], 2);
    let body_change = edit["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "body")
        .unwrap();
    assert_eq!(
        body_change["old"],
        format!("revision 1 ({} bytes)", big.trim_end().len())
    );
    assert_eq!(
        body_change["new"],
        format!("revision 2 ({} bytes)", bigger.len())
    );
    // The history view still diffs the two revisions, from the revisions.
    let d = service::diff(&db, &h, p.id, 1, 2).await.unwrap();
    assert_eq!((d.added, d.removed), (1, 0));
}
both!(
    a_large_save_stores_the_body_once,
    super::a_large_save_stores_the_body_once
);

/// Issue 9: two huge revisions (from an older, larger limit, or a direct import) are
/// not diffed: a readable error on `to`, at once; ordinary ones still are.
async fn huge_revisions_are_too_large_to_compare(db: Db) {
    let h = hackfest(&db, "huge").await;
    let p = openshift(&db, &h).await;
    let huge = |seed: &str| -> String {
        (0..40_000)
            .map(|i| format!("{seed} line {i} with some words\n"))
            .collect()
    };
    let mut tx = db.begin().await.unwrap();
    for seed in ["old", "new"] {
        let body = huge(seed);
        assert!(body.len() > 1_000_000);
        page::repo::add_revision(
            &mut tx,
            p.id,
            &page::NewPage {
                slug: p.slug.clone(),
                title: p.title.clone(),
                body,
                comment: "import".into(),
            },
            "importer",
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let started = std::time::Instant::now();
    let e = service::diff(&db, &h, p.id, 2, 3).await.unwrap_err();
    let message = field_error(e, "to");
    assert!(
        message.starts_with("These revisions are too large to compare (40000 lines"),
        "{message}"
    );
    assert!(
        message.contains("open them side by side instead"),
        "{message}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    // One huge side is enough.
    let e = service::diff(&db, &h, p.id, 1, 3).await.unwrap_err();
    field_error(e, "to");
    assert!(service::diff(&db, &h, p.id, 1, 1).await.is_ok());
}
both!(
    huge_revisions_are_too_large_to_compare,
    super::huge_revisions_are_too_large_to_compare
);
