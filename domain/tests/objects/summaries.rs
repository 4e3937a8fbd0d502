//! Daily and event summaries: drafted from a scripted day, regenerated around the
//! organizers' edits, published (one message, valid against its schema), kept to the
//! published revision. Each scenario on SQLite and on PostgreSQL.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use domain::DomainError;
use domain::action::{self, ActionForm};
use domain::db::Db;
use domain::decision::{self, DecisionForm};
use domain::goal::{self, GoalForm};
use domain::hackfest::{self, Hackfest, HackfestForm};
use domain::ids::SummaryId;
use domain::outbox;
use domain::page::{self, PageForm};
use domain::question::{self, AnswerForm, QuestionForm};
use domain::session::{self, SessionForm};
use domain::summary::{self, BODY_MAX, SummaryForm, SummaryStatus, service};
use uuid::Uuid;

use super::field_error;

const PUBLIC_URL: &str = "https://hackfest.example.org";

/// A hackfest from two days ago to two days ahead (Prague time): yesterday is a day of
/// it that has ended.
async fn hackfest_now(db: &Db, slug: &str) -> Hackfest {
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Prague)
        .date_naive();
    hackfest::service::create(
        db,
        &HackfestForm {
            slug: slug.into(),
            title: "Summary Hackfest".into(),
            start_date: (today - Duration::days(2)).to_string(),
            end_date: (today + Duration::days(2)).to_string(),
            time_zone: "Europe/Prague".into(),
            location: String::new(),
            description: String::new(),
        },
    )
    .await
    .expect("create hackfest")
}

/// Moves the history of the hackfest (or of one object) to noon of `day` in Prague.
async fn move_history(db: &Db, h: &Hackfest, day: NaiveDate, only: Option<Uuid>) {
    let noon = chrono_tz::Europe::Prague
        .from_local_datetime(&day.and_hms_opt(12, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc);
    let sql = match only {
        Some(_) => "UPDATE history SET created_at = $1 WHERE hackfest_id = $2 AND entity_id = $3",
        None => "UPDATE history SET created_at = $1 WHERE hackfest_id = $2",
    };
    macro_rules! run {
        ($p:expr) => {{
            let q = sqlx::query(sql).bind(noon).bind(h.id);
            match only {
                Some(id) => q.bind(id).execute($p).await.map(|_| ()),
                None => q.execute($p).await.map(|_| ()),
            }
        }};
    }
    match db {
        Db::Sqlite(p, _) => run!(p),
        Db::Postgres(p) => run!(p),
    }
    .unwrap();
}

fn session_on(day: NaiveDate, title: &str, notes: &str) -> SessionForm {
    SessionForm {
        title: title.into(),
        kind: "meeting".into(),
        starts_at: format!("{day}T10:00"),
        ends_at: format!("{day}T11:30"),
        notes: notes.into(),
        ..Default::default()
    }
}

fn decision_form(title: &str, status: &str) -> DecisionForm {
    DecisionForm {
        title: title.into(),
        decision: "We do it.".into(),
        status: status.into(),
        ..Default::default()
    }
}

fn action_form(title: &str, status: &str, due: NaiveDate) -> ActionForm {
    ActionForm {
        title: title.into(),
        owner: "kevin".into(),
        due_date: due.to_string(),
        status: status.into(),
        ..Default::default()
    }
}

async fn summary_rows(db: &Db) -> Vec<outbox::OutboxRow> {
    outbox::after(db, 0, None, false, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.topic.starts_with("hackfest.summary."))
        .collect()
}

/// Everything one day can hold, scripted; the day's draft holds each, linked.
async fn a_day_drafted(db: Db) {
    let h = hackfest_now(&db, "drafted").await;
    let day = hackfest::service::today(&h) - Duration::days(1);
    let s = &h.slug;

    let sess = session::service::create(
        &db,
        &h,
        &session_on(
            day,
            "Storage *meeting*",
            "We agreed on the **split**.\n\nDetails follow.",
        ),
        "kevin",
    )
    .await
    .unwrap();
    let agreed = decision::service::create(&db, h.id, &decision_form("Use BDR", "agreed"), "kevin")
        .await
        .unwrap();
    let proposed = decision::service::create(
        &db,
        h.id,
        &decision_form("[a](javascript:alert(1))", "proposed"),
        "kevin",
    )
    .await
    .unwrap();
    let mut f = proposed.to_form();
    f.status = "rejected".into();
    decision::service::update(&db, h.id, proposed.id, proposed.version, &f, "kevin")
        .await
        .unwrap();
    let old = decision::service::create(&db, h.id, &decision_form("Old plan", "agreed"), "kevin")
        .await
        .unwrap();
    let mut f = old.to_form();
    f.status = "superseded".into();
    f.superseded_by = agreed.id.to_string();
    decision::service::update(&db, h.id, old.id, old.version, &f, "kevin")
        .await
        .unwrap();
    let due = day + Duration::days(7);
    let new_item = action::service::create(
        &db,
        h.id,
        &action_form("Write the playbook", "open", due),
        "kevin",
    )
    .await
    .unwrap();
    let done = action::service::create(
        &db,
        h.id,
        &action_form("Book the visit", "open", due),
        "olivia",
    )
    .await
    .unwrap();
    let mut f = done.to_form();
    f.status = "done".into();
    action::service::update(&db, h.id, done.id, done.version, &f, "olivia")
        .await
        .unwrap();
    let g = goal::service::create(
        &db,
        h.id,
        &GoalForm {
            title: "Split storage".into(),
            kind: "big".into(),
            status: "active".into(),
            progress: "20".into(),
            ..Default::default()
        },
        "alice",
    )
    .await
    .unwrap();
    let mut f = g.to_form();
    f.progress = "60".into();
    f.outcome = "Archive on the slow tier.".into();
    goal::service::update(&db, h.id, g.id, g.version, &f, "alice")
        .await
        .unwrap();
    let p = page::service::create(
        &db,
        &h,
        &PageForm {
            title: "OpenShift".into(),
            body: "Questions.".into(),
            ..Default::default()
        },
        "kevin",
    )
    .await
    .unwrap();
    let mut f = p.to_form();
    f.body = "Questions and answers.".into();
    page::service::update(&db, &h, p.id, p.version, &f, "kevin")
        .await
        .unwrap();
    let q = question::service::ask(
        &db,
        &h,
        p.id,
        &QuestionForm {
            question: "Where do cron jobs go?".into(),
        },
        "nirik",
    )
    .await
    .unwrap();
    question::service::answer(
        &db,
        &h,
        q.id,
        q.version,
        &AnswerForm {
            answer: "Into systemd timers.".into(),
        },
        "kevin",
    )
    .await
    .unwrap();
    move_history(&db, &h, day, None).await;
    // Today's work is not yesterday's.
    action::service::create(
        &db,
        h.id,
        &action_form("Today's task", "open", due),
        "kevin",
    )
    .await
    .unwrap();

    let g1 = service::generate(&db, &h, Some(day), "alice")
        .await
        .unwrap();
    let sum = &g1.summary;
    assert!(g1.additions.is_empty());
    assert_eq!((sum.version, sum.revision), (1, 1));
    assert_eq!(sum.status, SummaryStatus::Draft);
    assert_eq!(sum.day, Some(day));
    assert_eq!(
        sum.title,
        format!("{} — Summary Hackfest", day.format("%A, %-d %B %Y"))
    );
    let body = &sum.body;
    for want in [
        format!(
            "[Storage \\*meeting\\*](/h/{s}/sessions/{}), 10:00–11:30: We agreed on the **split**.",
            sess.id
        ),
        format!("Agreed: [Use BDR](/h/{s}/decisions/{})", agreed.id),
        format!(
            "Rejected: [\\[a\\](javascript:alert(1))](/h/{s}/decisions/{})",
            proposed.id
        ),
        format!(
            "Superseded: [Old plan](/h/{s}/decisions/{}), by [Use BDR](/h/{s}/decisions/{})",
            old.id, agreed.id
        ),
        format!(
            "New: [Write the playbook](/h/{s}/actions/{}) (owner kevin, due {due})",
            new_item.id
        ),
        format!(
            "Done: [Book the visit](/h/{s}/actions/{}) (owner kevin, due {due})",
            done.id
        ),
        format!(
            "[Split storage](/h/{s}/goals/{}): progress 20 % → 60 %; outcome written: Archive on the slow tier.",
            g.id
        ),
        format!("[OpenShift](/h/{s}/pages/openshift) (new)"),
        format!(
            "[Where do cron jobs go?](/h/{s}/pages/openshift#q-{}): Into systemd timers.",
            q.id
        ),
    ] {
        assert!(body.contains(&want), "{want}\nnot in\n{body}");
    }
    let heads: Vec<String> = summary::draft::sections(body)
        .into_iter()
        .map(|(h, _)| h)
        .collect();
    assert_eq!(
        heads,
        [
            "## Sessions held",
            "## Decisions",
            "## Action items",
            "## Goals",
            "## Wiki pages changed",
            "## Questions answered"
        ]
    );
    assert!(!body.contains("Today's task"), "{body}");
    assert!(!body.contains("Details follow"), "{body}");
    // A draft is not announced.
    assert!(summary_rows(&db).await.is_empty());
    assert!(service::published(&db, &h).await.unwrap().is_empty());
    assert_eq!(
        service::get(&db, &h, Some(day)).await.unwrap().as_ref(),
        Some(sum)
    );

    // Today has only today's task.
    let today = service::generate(&db, &h, Some(day + Duration::days(1)), "alice")
        .await
        .unwrap();
    assert!(
        today.summary.body.contains("Today's task"),
        "{}",
        today.summary.body
    );
    assert!(!today.summary.body.contains("Use BDR"));

    // A day outside the hackfest.
    let outside = h.end_date + Duration::days(1);
    let e = service::generate(&db, &h, Some(outside), "alice")
        .await
        .unwrap_err();
    let m = field_error(e, "day");
    assert!(m.contains("is not a day of this hackfest"), "{m}");
}
crate::both!(a_day_drafted, crate::summaries::a_day_drafted);

/// The organizers' edit survives regeneration; what it would add is listed.
async fn regenerating_keeps_edits(db: Db) {
    let h = hackfest_now(&db, "regen").await;
    let day = hackfest::service::today(&h) - Duration::days(1);
    session::service::create(&db, &h, &session_on(day, "Kick-off", "Hello."), "kevin")
        .await
        .unwrap();
    decision::service::create(&db, h.id, &decision_form("Use BDR", "agreed"), "kevin")
        .await
        .unwrap();
    move_history(&db, &h, day, None).await;
    let first = service::generate(&db, &h, Some(day), "alice")
        .await
        .unwrap()
        .summary;
    let edited = first
        .body
        .replace("Hello.", "Hello. A good start, said everyone.");
    assert_ne!(edited, first.body);
    let form = SummaryForm {
        title: first.title.clone(),
        body: edited.clone(),
    };
    let saved = service::update(&db, &h, SummaryId(first.id), first.version, &form, "alice")
        .await
        .unwrap();
    assert_eq!((saved.version, saved.revision), (2, 2));

    // More happens that day.
    let late = session::service::create(&db, &h, &session_on(day, "Late talk", ""), "kevin")
        .await
        .unwrap();
    let d2 = decision::service::create(
        &db,
        h.id,
        &decision_form("No Friday deploys", "agreed"),
        "kevin",
    )
    .await
    .unwrap();
    move_history(&db, &h, day, Some(d2.id)).await;
    let g = service::generate(&db, &h, Some(day), "alice")
        .await
        .unwrap();
    let body = &g.summary.body;
    assert!(body.contains("A good start, said everyone."), "{body}");
    assert!(
        !body.contains("Late talk"),
        "the edited section is kept: {body}"
    );
    assert!(
        body.contains("No Friday deploys"),
        "the untouched section is new: {body}"
    );
    assert_eq!(g.additions.len(), 1, "{:?}", g.additions);
    assert_eq!(g.additions[0].0, "## Sessions held");
    assert_eq!(g.additions[0].1.len(), 1);
    assert!(
        g.additions[0].1[0].contains(&format!("/sessions/{})", late.id)),
        "{:?}",
        g.additions
    );
    assert_eq!(g.summary.revision, 3);
    assert!(g.summary.generated.contains("Late talk"));

    // Revisions, diff and revert as in the wiki.
    let id = SummaryId(first.id);
    let revs = service::revisions(&db, &h, id).await.unwrap();
    assert_eq!(revs.iter().map(|r| r.number).collect::<Vec<_>>(), [3, 2, 1]);
    let d = service::diff(&db, &h, id, 1, 2).await.unwrap();
    assert_eq!((d.added, d.removed), (1, 1));
    let back = service::revert(&db, &h, id, 1, g.summary.version, "alice")
        .await
        .unwrap();
    assert_eq!(back.body, first.body);
    assert_eq!(back.revision, 4);
    // History names texts by revision, never the text.
    let hist = domain::history::for_entity(&db, h.id, "summary", first.id)
        .await
        .unwrap();
    assert_eq!(hist[0].action, "revert");
    assert!(
        hist.iter()
            .flat_map(|e| &e.changes)
            .all(|c| !c.new.contains("Hello")),
        "{hist:?}"
    );
    // A stale save is a conflict carrying the current summary.
    match service::update(&db, &h, id, first.version, &form, "bob")
        .await
        .unwrap_err()
    {
        DomainError::Conflict(current) => assert_eq!(current["version"], back.version),
        other => panic!("expected a conflict, got {other:?}"),
    }
}
crate::both!(
    regenerating_keeps_edits,
    crate::summaries::regenerating_keeps_edits
);

/// Publishing: never empty, one valid message, the published revision stays what
/// the public sees; another hackfest's summary is not found; the body has a limit.
async fn publishing(db: Db) {
    let h = hackfest_now(&db, "publishing").await;
    let other = hackfest_now(&db, "other-one").await;
    let day = h.start_date;
    decision::service::create(&db, h.id, &decision_form("Use BDR", "agreed"), "kevin")
        .await
        .unwrap();
    move_history(&db, &h, day, None).await;

    // The event summary, emptied by an organizer: not publishable.
    let ev = service::generate(&db, &h, None, "alice")
        .await
        .unwrap()
        .summary;
    assert_eq!(ev.title, "Summary Hackfest: summary of the week");
    assert!(
        ev.body.contains("## Decisions")
            && ev.body.contains(&format!("/h/{}/summary/{day}", h.slug)),
        "{}",
        ev.body
    );
    let blank = SummaryForm {
        title: ev.title.clone(),
        body: "  \n ".into(),
    };
    let ev = service::update(&db, &h, SummaryId(ev.id), ev.version, &blank, "alice")
        .await
        .unwrap();
    let e = service::publish(&db, &h, SummaryId(ev.id), ev.version, "alice", PUBLIC_URL)
        .await
        .unwrap_err();
    assert!(field_error(e, "body").contains("empty"));

    // Over the limit: a field error naming it.
    let huge = SummaryForm {
        title: ev.title.clone(),
        body: "x".repeat(BODY_MAX + 1),
    };
    let e = service::update(&db, &h, SummaryId(ev.id), ev.version, &huge, "alice")
        .await
        .unwrap_err();
    assert!(field_error(e, "body").contains(&BODY_MAX.to_string()));

    let s = service::generate(&db, &h, Some(day), "alice")
        .await
        .unwrap()
        .summary;
    let id = SummaryId(s.id);
    let url = format!("{PUBLIC_URL}{}", summary::path(&h.slug, Some(day)));
    let p = service::publish(&db, &h, id, s.version, "alice", &url)
        .await
        .unwrap();
    assert_eq!(p.status, SummaryStatus::Published);
    assert_eq!(p.published_revision, Some(1));
    assert!(p.published_at.is_some());
    let rows = summary_rows(&db).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].topic, "hackfest.summary.publish");
    assert_eq!(rows[0].schema_name, "hackfest.summary.publish.v1");
    let body = rows[0].body_with_url(PUBLIC_URL);
    crate::common::check_body(&rows[0].schema_name, &body);
    assert_eq!(body["url"], url.as_str());
    assert_eq!(body["summary"]["revision"], 1);
    assert_eq!(body["summary"]["day"], day.to_string());

    // A later edit is not public until published again.
    let mut f = p.to_form();
    f.body = format!("{}\n\nA later, unpublished line.", p.body);
    let edited = service::update(&db, &h, id, p.version, &f, "alice")
        .await
        .unwrap();
    assert_eq!(edited.revision, 2);
    assert!(edited.unpublished_changes());
    let public = service::published_one(&db, &h, Some(day))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(public.revision, 1);
    assert!(public.body_html.contains("Use BDR"), "{}", public.body_html);
    let link = format!("href=\"/h/{}/decisions/", h.slug);
    assert!(public.body_html.contains(&link), "{}", public.body_html);
    assert!(!public.body_html.contains("later, unpublished"));
    assert_eq!(
        service::published(&db, &h).await.unwrap(),
        vec![public.clone()]
    );
    assert!(
        service::published_one(&db, &h, None)
            .await
            .unwrap()
            .is_none()
    );
    let site = service::published_site(&db, 10).await.unwrap();
    assert_eq!(site.len(), 1);
    assert_eq!(site[0].0.id, h.id);
    // Republished: the correction is public; a second message.
    let again = service::publish(&db, &h, id, edited.version, "alice", &url)
        .await
        .unwrap();
    assert_eq!(again.published_revision, Some(2));
    let public = service::published_one(&db, &h, Some(day))
        .await
        .unwrap()
        .unwrap();
    assert!(public.body_html.contains("later, unpublished"));
    assert_eq!(summary_rows(&db).await.len(), 2);

    // Another hackfest's summary: not found, whatever the call.
    let nf = |e: DomainError| assert!(matches!(e, DomainError::NotFound("summary")), "{e:?}");
    nf(service::update(&db, &other, id, again.version, &f, "eve")
        .await
        .unwrap_err());
    nf(
        service::publish(&db, &other, id, again.version, "eve", &url)
            .await
            .unwrap_err(),
    );
    nf(service::revisions(&db, &other, id).await.unwrap_err());
    nf(service::diff(&db, &other, id, 1, 2).await.unwrap_err());
    nf(service::revert(&db, &other, id, 1, again.version, "eve")
        .await
        .unwrap_err());
    assert!(
        service::get(&db, &other, Some(day))
            .await
            .unwrap()
            .is_none()
    );
    assert!(service::published(&db, &other).await.unwrap().is_empty());
}
crate::both!(publishing, crate::summaries::publishing);

/// Every day that ended gets a draft, once.
async fn days_that_ended_are_drafted(db: Db) {
    let h = hackfest_now(&db, "due-days").await;
    let today = hackfest::service::today(&h);
    let made = service::draft_due(&db, Utc::now()).await.unwrap();
    assert_eq!(made, 2, "the two days before today");
    assert_eq!(service::draft_due(&db, Utc::now()).await.unwrap(), 0);
    let s = service::get(&db, &h, Some(today - Duration::days(1)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.updated_by, service::DRAFTER);
    assert!(service::get(&db, &h, Some(today)).await.unwrap().is_none());
    let all = service::list(&db, &h).await.unwrap();
    assert_eq!(
        all.iter().map(|s| s.day).collect::<Vec<_>>(),
        [
            Some(today - Duration::days(2)),
            Some(today - Duration::days(1))
        ]
    );
}
crate::both!(
    days_that_ended_are_drafted,
    crate::summaries::days_that_ended_are_drafted
);

/// A day with more history than a draft reads: the draft says it is not complete.
async fn a_long_day_is_cut(db: Db) {
    let h = hackfest_now(&db, "long-day").await;
    let day = hackfest::service::today(&h) - Duration::days(1);
    let noon = chrono_tz::Europe::Prague
        .from_local_datetime(&day.and_hms_opt(12, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc);
    let n = service::HISTORY_LIMIT + 5;
    let rows = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $3) \
                INSERT INTO history (id, hackfest_id, entity, entity_id, action, actor, changes, created_at) ";
    match &db {
        Db::Sqlite(p, _) => sqlx::query(&format!(
            "{rows} SELECT randomblob(16), $1, 'goal', randomblob(16), 'update', 'bot', '[]', $2 FROM n"
        ))
        .bind(h.id)
        .bind(noon)
        .bind(n)
        .execute(p)
        .await
        .map(|_| ()),
        Db::Postgres(p) => sqlx::query(&format!(
            "{rows} SELECT gen_random_uuid(), $1, 'goal', gen_random_uuid(), 'update', 'bot', '[]'::jsonb, $2 FROM n"
        ))
        .bind(h.id)
        .bind(noon)
        .bind(n)
        .execute(p)
        .await
        .map(|_| ()),
    }
    .unwrap();
    let s = service::generate(&db, &h, Some(day), "alice")
        .await
        .unwrap()
        .summary;
    assert!(
        s.body.contains("and 5 more changes of this day not read"),
        "{}",
        s.body
    );
}
crate::both!(a_long_day_is_cut, crate::summaries::a_long_day_is_cut);

/// Issue 11.9: the demo's days draft from a real record — Monday's authentication
/// systems dump with its decisions and action items, Friday's OpenShift cluster with
/// the goal done — and Monday is published.
async fn the_demo_drafts_its_days(db: Db) {
    domain::demo::load_if_empty(&db).await.unwrap();
    let h = hackfest::service::by_slug(&db, domain::demo::DEMO_SLUG)
        .await
        .unwrap();
    let monday = service::get(&db, &h, Some(h.start_date))
        .await
        .unwrap()
        .expect("Monday's draft");
    for expected in [
        "Authentication systems deep dive",
        "Deploy BDR, then decide app by app",
        "Write down the FAS → FreeIPA sync",
    ] {
        assert!(
            monday.body.contains(expected),
            "{expected}:\n{}",
            monday.body
        );
    }
    assert_eq!(monday.status, SummaryStatus::Published);
    let friday = service::get(&db, &h, Some(h.start_date + Duration::days(4)))
        .await
        .unwrap()
        .expect("Friday's draft");
    for expected in [
        "OpenShift cluster: up in staging",
        "Stand up an OpenShift cluster",
    ] {
        assert!(
            friday.body.contains(expected),
            "{expected}:\n{}",
            friday.body
        );
    }
    assert!(
        !friday.body.contains("Deploy BDR"),
        "Monday's decision is not Friday's:\n{}",
        friday.body
    );
    let published = service::published(&db, &h).await.unwrap();
    assert_eq!(published.len(), 1);
}

crate::both!(
    the_demo_drafts_its_days,
    crate::summaries::the_demo_drafts_its_days
);
