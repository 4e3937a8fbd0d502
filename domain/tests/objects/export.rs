//! Exports and import (issue 11 item 8): the demo hackfest exported, imported into a
//! fresh database of each backend and exported again gives the same document; bad files
//! are named errors that write nothing; the Markdown tar holds one file per object.
//! Each scenario on SQLite and on PostgreSQL.

use chrono::Utc;
use domain::DomainError;
use domain::db::{Db, scratch};
use domain::export::{self, Export};
use domain::user::{Identity, Role};
use uuid::Uuid;

use super::field_error;

const TABLES: &[&str] = &[
    "hackfests",
    "goals",
    "goal_notes",
    "rooms",
    "hack_sessions",
    "decisions",
    "action_items",
    "pages",
    "page_revisions",
    "page_questions",
    "summaries",
    "summary_revisions",
    "history",
    "hackfest_members",
    "users",
    "outbox",
];

async fn counts(db: &Db) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for t in TABLES {
        out.push((*t, super::count(db, t).await));
    }
    out
}

/// The demo hackfest with a goal note and an organizer (the demo has neither).
async fn demo(db: &Db) -> Uuid {
    assert!(domain::demo::load_if_empty(db).await.unwrap());
    let h = domain::hackfest::service::by_slug(db, domain::demo::DEMO_SLUG)
        .await
        .unwrap();
    let first = export::json(db, h.id).await.unwrap();
    domain::goal::service::add_note(db, h.id, first.goals[0].id, "Half **done**.", "kevin")
        .await
        .unwrap();
    let user = domain::user::repo::upsert(
        db,
        &Identity {
            issuer: "https://id.example.org".into(),
            subject: "kevin-1".into(),
            username: "kevin".into(),
            display_name: "Kevin F.".into(),
            email: "kevin@example.org".into(),
            groups: vec!["sysadmin".into()],
        },
    )
    .await
    .unwrap();
    let mut tx = db.begin().await.unwrap();
    domain::user::repo::set_membership_in(&mut tx, h.id, user.id, Role::Organizer, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    h.id
}

/// The document's bytes with `exported_at` set aside.
fn bytes(e: &Export) -> String {
    let mut e = e.clone();
    e.exported_at = chrono::DateTime::UNIX_EPOCH;
    String::from_utf8(e.to_json()).unwrap()
}

async fn import_and_compare(target: &Db, file: &[u8], first: &Export) {
    assert_eq!(
        super::count(target, "hackfests").await,
        0,
        "a fresh database"
    );
    let report = export::import(target, file).await.unwrap();
    assert_eq!(report.hackfest_id, first.hackfest.id);
    assert_eq!(report.goals, first.goals.len());
    assert_eq!(report.members, 1);
    assert_eq!(report.users_created, 1);
    assert_eq!(
        super::count(target, "outbox").await,
        0,
        "a restore announces nothing"
    );
    let again = export::json(target, first.hackfest.id).await.unwrap();
    assert_eq!(bytes(&again), bytes(first), "export → import → export");
}

pub async fn round_trip(db: Db) {
    let id = demo(&db).await;
    // A cancelled session stays cancelled through a restore.
    let h = domain::hackfest::service::list(&db)
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.id == id)
        .unwrap();
    let s = domain::session::service::list(&db, &h)
        .await
        .unwrap()
        .remove(0);
    domain::session::service::cancel(&db, &h, s.id, s.version, "kevin")
        .await
        .unwrap();
    let first = export::json(&db, id).await.unwrap();
    assert_eq!(
        first
            .sessions
            .iter()
            .filter(|s| s.cancelled_at.is_some())
            .count(),
        1
    );
    assert!(!first.goals.is_empty() && !first.sessions.is_empty());
    assert!(!first.decisions.is_empty() && !first.action_items.is_empty());
    assert!(!first.pages.is_empty() && !first.history.is_empty());
    // Rooms travel with the sessions booked in them.
    assert!(first.rooms.len() >= 4, "{:?}", first.rooms);
    assert!(first.sessions.iter().all(|s| s.room_id.is_some()));
    assert!(first.pages.iter().any(|p| p.revisions.len() > 1));
    assert_eq!(first.goal_notes.len(), 1);
    assert_eq!(first.members[0].username, "kevin");
    assert_eq!(first.format, "hackfest-export");
    assert_eq!(first.schema_version, 1);
    // Two exports of the same data are the same bytes apart from `exported_at`.
    let second = export::json(&db, id).await.unwrap();
    assert_eq!(bytes(&second), bytes(&first));
    let file = first.to_json();
    let value: serde_json::Value = serde_json::from_slice(&file).unwrap();
    assert!(value["exported_at"].is_string());
    assert_eq!(value["hackfest"]["slug"], domain::demo::DEMO_SLUG);

    // Into a fresh database of each backend.
    let sqlite = scratch::sqlite().await;
    import_and_compare(&sqlite, &file, &first).await;
    let (pg, url) = scratch::postgres().await;
    import_and_compare(&pg, &file, &first).await;
    scratch::drop_postgres(pg, &url).await;

    // Back into the database it came from: the slug is taken, nothing is written.
    let before = counts(&db).await;
    let e = export::import(&db, &file).await.unwrap_err();
    assert!(field_error(e, "slug").contains(domain::demo::DEMO_SLUG));
    assert_eq!(counts(&db).await, before);
    assert!(matches!(
        export::json(&db, Uuid::now_v7()).await,
        Err(DomainError::NotFound(_))
    ));
}
crate::both!(round_trip, crate::export::round_trip);

fn edit(file: &[u8], f: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut v: serde_json::Value = serde_json::from_slice(file).unwrap();
    f(&mut v);
    serde_json::to_vec_pretty(&v).unwrap()
}

pub async fn bad_files(db: Db) {
    let source = scratch::sqlite().await;
    let id = demo(&source).await;
    let file = export::json(&source, id).await.unwrap().to_json();
    let empty = counts(&db).await;

    let truncated = &file[..file.len() / 2];
    let m = field_error(export::import(&db, truncated).await.unwrap_err(), "json");
    assert!(m.contains("truncated") && m.contains("line "), "{m}");
    assert_eq!(counts(&db).await, empty);

    let text = String::from_utf8(file.clone()).unwrap();
    let malformed = text.replacen("\"title\":", "\"title\" ", 1);
    let m = field_error(
        export::import(&db, malformed.as_bytes()).await.unwrap_err(),
        "json",
    );
    assert!(m.contains("not valid JSON") && m.contains("column"), "{m}");
    assert_eq!(counts(&db).await, empty);

    let newer = edit(&file, |v| v["schema_version"] = 2.into());
    let m = field_error(
        export::import(&db, &newer).await.unwrap_err(),
        "schema_version",
    );
    assert_eq!(
        m,
        "this file is from a newer Hackfest (schema 2); this one reads schema 1"
    );
    assert_eq!(counts(&db).await, empty);

    let other = edit(&file, |v| v["format"] = "something-else".into());
    export::import(&db, &other).await.unwrap_err();

    // The last goal breaks a constraint: all or nothing.
    let mut last = 0;
    let bad_goal = edit(&file, |v| {
        let goals = v["goals"].as_array_mut().unwrap();
        last = goals.len() - 1;
        goals[last]["progress"] = 101.into();
    });
    let m = field_error(
        export::import(&db, &bad_goal).await.unwrap_err(),
        &format!("goals[{last}]"),
    );
    assert!(m.contains("Progress must be between 0 and 100"), "{m}");
    assert_eq!(counts(&db).await, empty);

    // A link to an object outside the file.
    let stray = edit(&file, |v| {
        v["action_items"][0]["goal_id"] = Uuid::now_v7().to_string().into()
    });
    let m = field_error(
        export::import(&db, &stray).await.unwrap_err(),
        "action_items[0].goal_id",
    );
    assert!(m.contains("not a goal of this file"), "{m}");
    assert_eq!(counts(&db).await, empty);

    // Goals whose parents form a cycle.
    let cycle = edit(&file, |v| {
        let a = v["goals"][0]["id"].clone();
        let b = v["goals"][1]["id"].clone();
        v["goals"][0]["parent_id"] = b;
        v["goals"][1]["parent_id"] = a;
    });
    export::import(&db, &cycle).await.unwrap_err();
    assert_eq!(counts(&db).await, empty);

    // A good file imports; the same hackfest under another id is refused by its slug.
    export::import(&db, &file).await.unwrap();
    let before = counts(&db).await;
    let again = edit(&file, |v| {
        v["hackfest"]["id"] = Uuid::now_v7().to_string().into()
    });
    let m = field_error(export::import(&db, &again).await.unwrap_err(), "slug");
    assert!(m.contains("already exists"), "{m}");
    let same_id = edit(&file, |v| v["hackfest"]["slug"] = "another-slug".into());
    field_error(
        export::import(&db, &same_id).await.unwrap_err(),
        "hackfest.id",
    );
    assert_eq!(counts(&db).await, before);
}
crate::both!(bad_files, crate::export::bad_files);

pub async fn markdown_tar(db: Db) {
    let id = demo(&db).await;
    let e = export::json(&db, id).await.unwrap();
    let bytes = export::markdown_tar(&db, id).await.unwrap();
    let mut archive = tar::Archive::new(bytes.as_slice());
    let mut names = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
        assert!(text.starts_with("---\nid: "), "{name}: {text}");
        assert!(
            name.len() <= 100 && name.is_ascii() && !name.contains(".."),
            "{name}"
        );
        names.push(name);
    }
    assert_eq!(names[0], "README.md");
    let count = |folder: &str| {
        names
            .iter()
            .filter(|n| n.starts_with(&format!("{folder}/")) && n.ends_with(".md"))
            .count()
    };
    assert_eq!(count("goals"), e.goals.len());
    assert_eq!(count("sessions"), e.sessions.len());
    assert_eq!(count("decisions"), e.decisions.len());
    assert_eq!(count("actions"), e.action_items.len());
    assert_eq!(count("pages"), e.pages.len());
    assert_eq!(count("summaries"), e.summaries.len());
    let goal = &e.goals[0];
    assert!(
        names
            .iter()
            .any(|n| n.starts_with(&format!("goals/{}-", goal.id))),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n == "pages/openshift.md"), "{names:?}");
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "no name twice");
}
crate::both!(markdown_tar, crate::export::markdown_tar);

/// A thousand goals, each the child of the goal after it in the file (a 1,000-deep
/// chain whose parents all come later), and a decision superseded by a later one:
/// imported in one transaction, exported again the same; the tar holds every goal.
pub async fn later_references(db: Db) {
    let source = scratch::sqlite().await;
    let h = domain::hackfest::service::create(
        &source,
        &domain::hackfest::HackfestForm {
            slug: "big-one".into(),
            title: "Big".into(),
            start_date: "2026-03-23".into(),
            end_date: "2026-03-27".into(),
            time_zone: "Europe/Prague".into(),
            location: String::new(),
            description: String::new(),
        },
    )
    .await
    .unwrap();
    let file = export::json(&source, h.id).await.unwrap().to_json();
    let ids: Vec<Uuid> = (0..1000).map(|_| Uuid::now_v7()).collect();
    let at = |i: usize| {
        format!(
            "2026-03-23T{:02}:{:02}:{:02}.000000Z",
            i / 3600,
            i / 60 % 60,
            i % 60
        )
    };
    let file = edit(&file, |v| {
        let goals: Vec<serde_json::Value> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                serde_json::json!({
                    "id": id, "title": format!("Goal {i}"), "description": "", "kind": "small",
                    "parent_id": ids.get(i + 1), "status": "active", "progress": i % 101,
                    "owner": "", "outcome": "", "version": 1,
                    "created_at": at(i), "updated_at": at(i),
                })
            })
            .collect();
        v["goals"] = goals.into();
        let (old, new) = (Uuid::now_v7(), Uuid::now_v7());
        let decision = |id: Uuid, status: &str, by: Option<Uuid>, i: usize| {
            serde_json::json!({
                "id": id, "title": format!("Decision {i}"), "context": "", "decision": "",
                "status": status, "superseded_by": by, "session_id": null,
                "goal_ids": [ids[0]], "followups": [], "version": 2,
                "created_at": at(i), "updated_at": at(i),
            })
        };
        v["decisions"] = vec![
            decision(old, "superseded", Some(new), 1),
            decision(new, "agreed", None, 2),
        ]
        .into();
    });
    let first = export::parse(&file).unwrap();
    let report = export::import(&db, &file).await.unwrap();
    assert_eq!((report.goals, report.decisions), (1000, 2));
    let again = export::json(&db, h.id).await.unwrap();
    assert_eq!(bytes(&again), bytes(&first));
    let tar = export::markdown_tar(&db, h.id).await.unwrap();
    let goals = tar::Archive::new(tar.as_slice())
        .entries()
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().unwrap().starts_with("goals"))
        .count();
    assert_eq!(goals, 1000);
}
crate::both!(later_references, crate::export::later_references);
