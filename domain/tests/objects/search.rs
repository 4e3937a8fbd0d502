//! Full-text search: the index follows every save in its own transaction, hostile
//! queries find something or nothing (never an error), SQLite and PostgreSQL find
//! the same set, a hackfest's search stays in the hackfest, snippets are escaped.
//! Each scenario on SQLite and on PostgreSQL.

use std::collections::BTreeSet;

use domain::action::{self, ActionForm};
use domain::db::Db;
use domain::decision::{self, DecisionForm};
use domain::goal::{self, GoalForm};
use domain::hackfest::Hackfest;
use domain::page::{self, PageForm};
use domain::question::{self, AnswerForm, QuestionForm};
use domain::search::{self, Kind, Query, Results};
use domain::session::{self, SessionForm};
use domain::summary;
use uuid::Uuid;

use super::{field_error, hackfest};

async fn find(db: &Db, h: Option<&Hackfest>, q: &str) -> Results {
    find_kinds(db, h, q, &[]).await
}

async fn find_kinds(db: &Db, h: Option<&Hackfest>, q: &str, kinds: &[&str]) -> Results {
    let kinds: Vec<String> = kinds.iter().map(|k| k.to_string()).collect();
    let query = Query::parse(q, &kinds).unwrap_or_else(|e| panic!("{q:?}: {e}"));
    search::search(db, h.map(|h| h.id), &query, 1)
        .await
        .unwrap_or_else(|e| panic!("{q:?}: {e:?}"))
}

fn ids(r: &Results) -> BTreeSet<Uuid> {
    r.hits.iter().map(|h| h.id).collect()
}

/// One object of every kind, in plain English; the ids by name.
async fn corpus(db: &Db, h: &Hackfest) -> Vec<(&'static str, Uuid)> {
    let mut made = Vec::new();
    let g = goal::service::create(
        db,
        h.id,
        &GoalForm {
            title: "Storage quotas for the build cluster".into(),
            description: "Builders keep running out of disk space during large compose runs."
                .into(),
            kind: "big".into(),
            status: "active".into(),
            ..Default::default()
        },
        "alice",
    )
    .await
    .unwrap();
    made.push(("goal", g.id));
    let s = session::service::create(
        db,
        h,
        &SessionForm {
            title: "Packaging workshop".into(),
            agenda: "Review the spec files and discuss quotas for builders.".into(),
            notes: "We agreed to migrate the mirrors next week.".into(),
            ..super::session_form("x")
        },
        "kevin",
    )
    .await
    .unwrap();
    made.push(("session", s.id));
    let d = decision::service::create(
        db,
        h.id,
        &DecisionForm {
            title: "Mirrors move to the new datacenter".into(),
            context: "The old racks are failing and the network is slow.".into(),
            decision: "Migrate every mirror before the release.".into(),
            status: "proposed".into(),
            ..Default::default()
        },
        "kevin",
    )
    .await
    .unwrap();
    made.push(("decision", d.id));
    let a = action::service::create(
        db,
        h.id,
        &ActionForm {
            title: "Write the migration checklist".into(),
            description: "List every mirror and its owner; running services first.".into(),
            status: "open".into(),
            ..Default::default()
        },
        "olivia",
    )
    .await
    .unwrap();
    made.push(("action", a.id));
    let p = page::service::create(
        db,
        h,
        &PageForm {
            slug: "networking".into(),
            title: "Networking notes".into(),
            body: "The datacenter network was upgraded; disks were replaced in the storage racks."
                .into(),
            ..Default::default()
        },
        "kevin",
    )
    .await
    .unwrap();
    made.push(("page", p.id));
    let q = question::service::ask(
        db,
        h,
        p.id,
        &QuestionForm {
            question: "Who owns the storage quotas?".into(),
        },
        "olivia",
    )
    .await
    .unwrap();
    made.push(("question", q.id));
    made
}

async fn every_metacharacter_is_a_word_or_nothing(db: Db) {
    let h = hackfest(&db, "meta").await;
    let made = corpus(&db, &h).await;
    let goal = made[0].1;
    for q in [
        "foo-bar",
        "\"unbalanced",
        "a AND",
        "OR",
        "NOT x",
        "NEAR(a b)",
        "title:x",
        "x*",
        "^x",
        "(a",
        "*",
        "'",
        "\\",
        "storage-quotas",
        "\"storage quotas",
        "storage AND",
        "NOT storage",
        "NEAR(storage quotas)",
        "title:storage",
        "storage*",
        "^storage",
        "(storage",
        "col:quotas OR NOT",
        "😀 storage \u{0}\u{E000}",
    ] {
        let r = find(&db, Some(&h), q).await;
        assert!(r.hits.len() as u64 <= r.total, "{q:?}");
        // The other words are stop words or punctuation: the goal is found.
        if q.contains("storage") && !q.contains("NEAR") && !q.contains(':') {
            assert!(ids(&r).contains(&goal), "{q:?} should find the goal: {r:?}");
        }
    }
    // Words only, stemmed: "quota" finds "quotas".
    let r = find(&db, Some(&h), "QUOTA").await;
    assert!(ids(&r).contains(&goal));
    // Only punctuation, only stop words: nothing, and a message.
    for q in ["?!.,;:-()[]{}\"'*^", "the and of", "   "] {
        let r = find(&db, Some(&h), q).await;
        assert!(r.hits.is_empty() && r.total == 0, "{q:?}");
        assert!(r.message.is_some(), "{q:?}");
    }
    // Too long: a field error on q that names the limit.
    let e = Query::parse(&"storage ".repeat(1_250), &[]).unwrap_err();
    let m = field_error(domain::DomainError::Validation(e), "q");
    assert!(m.contains("200"), "{m}");
    assert!(Query::parse(&"x".repeat(search::QUERY_MAX), &[]).is_ok());
}
crate::both!(
    every_metacharacter_is_a_word_or_nothing,
    super::every_metacharacter_is_a_word_or_nothing
);

/// The ids each query finds, by the corpus' names (so two databases compare).
async fn found_names(db: &Db) -> Vec<(String, BTreeSet<&'static str>)> {
    let h = hackfest(db, "same").await;
    let made = corpus(db, &h).await;
    let name = |id: &Uuid| made.iter().find(|(_, i)| i == id).map(|(n, _)| *n).unwrap();
    let mut out = Vec::new();
    for q in [
        "storage",
        "quotas",
        "mirror",
        "datacenter network",
        "running",
        "migrate",
        "disks replaced",
        "nothing matches this",
    ] {
        let r = find(db, Some(&h), q).await;
        out.push((q.to_owned(), ids(&r).iter().map(name).collect()));
    }
    let r = find_kinds(db, Some(&h), "storage", &["goal", "question"]).await;
    out.push((
        "storage in goals and questions".into(),
        ids(&r).iter().map(name).collect(),
    ));
    out
}

/// The same English corpus on both databases: the same set of results per query.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_find_the_same() {
    let sqlite = crate::common::sqlite().await;
    let (pg, url) = crate::common::postgres().await;
    let a = found_names(&sqlite).await;
    let b = found_names(&pg).await;
    crate::common::drop_postgres(pg, &url).await;
    assert_eq!(a, b);
    let by = |q: &str| a.iter().find(|(x, _)| x == q).unwrap().1.clone();
    assert_eq!(by("storage"), BTreeSet::from(["goal", "page", "question"]));
    assert_eq!(
        by("mirror"),
        BTreeSet::from(["session", "decision", "action"])
    );
    assert_eq!(by("running"), BTreeSet::from(["goal", "action"]));
    assert_eq!(
        by("storage in goals and questions"),
        BTreeSet::from(["goal", "question"])
    );
    assert!(by("nothing matches this").is_empty());
}

async fn saves_reindex_in_their_transaction(db: Db) {
    let h = hackfest(&db, "reindex").await;
    let made = corpus(&db, &h).await;
    let goal_id = made[0].1;
    let g = goal::service::get(&db, h.id, goal_id).await.unwrap();
    let mut f = g.to_form();
    f.title = "Kerberos tickets for builders".into();
    goal::service::update(&db, h.id, g.id, g.version, &f, "alice")
        .await
        .unwrap();
    assert!(ids(&find(&db, Some(&h), "kerberos").await).contains(&goal_id));
    assert!(!ids(&find(&db, Some(&h), "quotas cluster").await).contains(&goal_id));

    // A question's answer is searchable once given; its link is on its page.
    let q = made[5].1;
    let asked = find(&db, Some(&h), "owns").await;
    let hit = asked.hits.iter().find(|x| x.id == q).unwrap();
    assert_eq!(hit.kind, Kind::Question);
    assert_eq!(hit.url, format!("/h/reindex/pages/networking#q-{q}"));
    question::service::answer(
        &db,
        &h,
        q,
        1,
        &AnswerForm {
            answer: "The infrastructure team.".into(),
        },
        "kevin",
    )
    .await
    .unwrap();
    assert!(ids(&find(&db, Some(&h), "infrastructure").await).contains(&q));

    // A summary: the draft is not found, the published text is; a later draft edit
    // leaves the published text searchable and the new words not.
    let day = h.start_date;
    let g = summary::service::generate(&db, &h, Some(day), "alice")
        .await
        .unwrap()
        .summary;
    let form = summary::SummaryForm {
        title: "Monday in review".into(),
        body: "We talked about zeppelins all day.".into(),
    };
    let s = summary::service::update(
        &db,
        &h,
        domain::ids::SummaryId(g.id),
        g.version,
        &form,
        "alice",
    )
    .await
    .unwrap();
    assert!(find(&db, Some(&h), "zeppelins").await.hits.is_empty());
    let p = summary::service::publish(
        &db,
        &h,
        domain::ids::SummaryId(s.id),
        s.version,
        "alice",
        "https://hackfest.example.org/h/reindex/summary",
    )
    .await
    .unwrap();
    let r = find(&db, Some(&h), "zeppelins").await;
    assert_eq!(ids(&r), BTreeSet::from([s.id]));
    assert_eq!(r.hits[0].url, format!("/h/reindex/summary/{day}"));
    let form = summary::SummaryForm {
        title: "Monday in review".into(),
        body: "We talked about blimps all day.".into(),
    };
    summary::service::update(
        &db,
        &h,
        domain::ids::SummaryId(p.id),
        p.version,
        &form,
        "alice",
    )
    .await
    .unwrap();
    assert!(find(&db, Some(&h), "blimps").await.hits.is_empty());
    assert_eq!(
        ids(&find(&db, Some(&h), "zeppelins").await),
        BTreeSet::from([s.id])
    );
    assert!(
        find_kinds(&db, Some(&h), "zeppelins", &["goal"])
            .await
            .hits
            .is_empty()
    );
}
crate::both!(
    saves_reindex_in_their_transaction,
    super::saves_reindex_in_their_transaction
);

async fn another_hackfests_objects_stay_out(db: Db) {
    let a = hackfest(&db, "first").await;
    let b = hackfest(&db, "second").await;
    let in_a = corpus(&db, &a).await;
    let in_b = corpus(&db, &b).await;
    let r = find(&db, Some(&a), "storage").await;
    assert!(r.hits.iter().all(|x| x.hackfest_slug == "first"));
    assert!(ids(&r).contains(&in_a[0].1) && !ids(&r).contains(&in_b[0].1));
    let all = find(&db, None, "storage").await;
    assert!(ids(&all).contains(&in_a[0].1) && ids(&all).contains(&in_b[0].1));
    assert_eq!(all.total, 6);
    assert_eq!(all.hits.len(), 6);
    let r = find(&db, Some(&b), "storage").await;
    let goal = r.hits.iter().find(|x| x.kind == Kind::Goal).unwrap();
    assert_eq!(goal.url, format!("/h/second/goals/{}", in_b[0].1));
}
crate::both!(
    another_hackfests_objects_stay_out,
    super::another_hackfests_objects_stay_out
);

async fn snippets_are_escaped(db: Db) {
    let h = hackfest(&db, "escape").await;
    let g = goal::service::create(
        &db,
        h.id,
        &GoalForm {
            title: "<script>alert(1)</script> quota plan & more".into(),
            description: "<b>quota</b> of <img src=x onerror=alert(1)> disks".into(),
            kind: "big".into(),
            status: "active".into(),
            ..Default::default()
        },
        "alice",
    )
    .await
    .unwrap();
    let r = find(&db, Some(&h), "quota").await;
    let hit = r.hits.iter().find(|x| x.id == g.id).unwrap();
    for html in [&hit.title_html, &hit.snippet_html] {
        let without_marks = html.replace("<mark>", "").replace("</mark>", "");
        assert!(!without_marks.contains('<'), "{html}");
        assert!(html.contains("<mark>quota</mark>"), "{html}");
    }
    assert!(
        hit.title_html.contains("&lt;script&gt;"),
        "{}",
        hit.title_html
    );
    assert!(hit.snippet_html.contains("&lt;img"), "{}", hit.snippet_html);
}
crate::both!(snippets_are_escaped, super::snippets_are_escaped);

/// Rows written around the shared path (an import) are found after `reindex`, with
/// the same documents the saves wrote.
async fn reindex_rebuilds_a_hackfest(db: Db) {
    let h = hackfest(&db, "rebuilt").await;
    let other = hackfest(&db, "untouched").await;
    corpus(&db, &h).await;
    corpus(&db, &other).await;
    let before: Vec<Results> = {
        let mut v = Vec::new();
        for q in ["storage", "mirror", "owns", "running"] {
            v.push(find(&db, Some(&h), q).await);
        }
        v
    };
    db.execute_raw("DELETE FROM search_documents")
        .await
        .unwrap();
    assert!(find(&db, None, "storage").await.hits.is_empty());
    let mut tx = db.begin().await.unwrap();
    assert_eq!(search::reindex(&mut tx, h.id).await.unwrap(), 6);
    tx.commit().await.unwrap();
    for (q, was) in ["storage", "mirror", "owns", "running"].iter().zip(before) {
        let now = find(&db, Some(&h), q).await;
        assert_eq!(ids(&now), ids(&was), "{q}");
        let urls = |r: &Results| {
            r.hits
                .iter()
                .map(|x| x.url.clone())
                .collect::<BTreeSet<_>>()
        };
        assert_eq!(urls(&now), urls(&was), "{q}");
    }
    assert!(find(&db, Some(&other), "storage").await.hits.is_empty());
}
crate::both!(
    reindex_rebuilds_a_hackfest,
    super::reindex_rebuilds_a_hackfest
);

/// An imported hackfest is searchable: the import indexes the rows it writes.
async fn an_import_is_searchable(db: Db) {
    let h = hackfest(&db, "exported").await;
    let made = corpus(&db, &h).await;
    let file = domain::export::json(&db, h.id).await.unwrap().to_json();
    let target = crate::common::sqlite().await;
    domain::export::import(&target, &file).await.unwrap();
    let r = find(&target, None, "storage").await;
    let want: BTreeSet<Uuid> = [made[0].1, made[4].1, made[5].1].into();
    assert_eq!(ids(&r), want);
}
crate::both!(an_import_is_searchable, super::an_import_is_searchable);
