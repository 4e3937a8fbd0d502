//! A MeetBot log imported into a session (issue 15, item 1): decisions, action items
//! with owners, notes under their topics, `#undo`, a non-chair's `#agreed`, and a
//! second import of the same log (and of its text minutes) that creates nothing.
//! Each scenario on SQLite and on PostgreSQL.

use domain::action;
use domain::db::Db;
use domain::decision::{self, DecisionStatus};
use domain::meeting::minutes::ItemKind;
use domain::meeting::service::{self as meeting, Counts, LOG_FIELD, MAP_FIELD};
use domain::session;

use super::{count, field_error, hackfest, session_form};

/// In the style of Fedora's infrastructure meetings (#fedora-meeting on IRC).
const LOG: &str = "\
[16:30:02] <nirik> #startmeeting Infrastructure (2026-03-24)
[16:30:02] <zodbot> Meeting started Tue Mar 24 16:30:02 2026 UTC.
[16:30:05] <nirik> #chair nirik smooge
[16:30:10] <smooge> morning everyone
[16:31:00] <nirik> #topic Storage plans for the datacenter move
[16:31:20] <kevin> #info the archive volumes hold 180 TB, mostly cold
[16:32:00] <nirik> #agreed Archive volumes go on the slow tier
[16:32:30] <nirik> #action kevin to order the two racks before Friday
[16:32:40] <nirik> #action smooge to book the truck
[16:32:45] <nirik> #undo
[16:33:00] <smooge> #action mobrien: check the power budget with the DC team
[16:33:10] <mobrien> #link https://pagure.io/fedora-infrastructure/issue/12345
[16:34:00] <pingou> #agreed everything moves on Monday
[16:34:30] <nirik> #rejected moving the build hosts first
[16:35:00] <nirik> #topic Open floor
[16:35:10] <smooge> #idea a wiki page per rack
[16:36:00] <nirik> #endmeeting
";

/// The same meeting's text minutes, as MeetBot writes them.
const MINUTES: &str = "\
#fedora-meeting: Infrastructure (2026-03-24)

Meeting started by nirik at 16:30:02 UTC.

Meeting summary
---------------
* Storage plans for the datacenter move  (nirik, 16:31:00)
  * the archive volumes hold 180 TB, mostly cold  (kevin, 16:31:20)
  * AGREED: Archive volumes go on the slow tier  (nirik, 16:32:00)
  * ACTION: kevin to order the two racks before Friday  (nirik, 16:32:30)

Meeting ended at 16:36:00 UTC.
";

async fn person(db: &Db, username: &str) {
    domain::user::repo::upsert(
        db,
        &domain::user::Identity {
            issuer: "urn:test".into(),
            subject: username.into(),
            username: username.into(),
            display_name: username.into(),
            email: String::new(),
            groups: vec![],
        },
    )
    .await
    .unwrap();
}

pub async fn a_meeting_log_feeds_the_session(db: Db) {
    let h = hackfest(&db, "meetings").await;
    let s = session::service::create(&db, &h, &session_form("Infrastructure meeting"), "olivia")
        .await
        .unwrap();
    person(&db, "kevin").await;
    person(&db, "mark").await;

    // The preview: what will be made, kevin owns his action, mobrien is unknown.
    let p = meeting::preview(&db, &h, s.id, LOG, "").await.unwrap();
    assert_eq!(p.title.as_deref(), Some("Infrastructure (2026-03-24)"));
    assert_eq!(p.unknown, vec!["mobrien".to_owned()]);
    let kinds: Vec<ItemKind> = p.items.iter().map(|i| i.item.kind).collect();
    assert_eq!(
        kinds,
        [
            ItemKind::Info,
            ItemKind::Agreed,
            ItemKind::Action,
            ItemKind::Action,
            ItemKind::Link,
            ItemKind::Rejected,
            ItemKind::Idea
        ]
    );
    assert_eq!(p.items[2].owner.as_deref(), Some("kevin"));
    assert_eq!(p.items[3].owner, None);
    // pingou's #agreed (no chair) is listed as skipped, with its line.
    assert_eq!(
        p.skipped.iter().map(|s| s.line).collect::<Vec<_>>(),
        vec![13]
    );
    assert_eq!(
        p.counts(),
        Counts {
            decisions: 2,
            actions: 2,
            notes: 3,
            already: 0
        }
    );

    // The importer maps mobrien to mark; an unknown username is a field error.
    let e = meeting::import(&db, &h, s.id, LOG, "mobrien = nobody", "olivia")
        .await
        .unwrap_err();
    assert!(field_error(e, MAP_FIELD).contains("nobody"));
    assert_eq!(
        count(&db, "decisions").await,
        0,
        "a refused import writes nothing"
    );
    let made = meeting::import(&db, &h, s.id, LOG, "mobrien = mark", "olivia")
        .await
        .unwrap();
    assert_eq!(
        made,
        Counts {
            decisions: 2,
            actions: 2,
            notes: 3,
            already: 0
        }
    );

    let decisions = decision::service::list(&db, h.id).await.unwrap();
    assert_eq!(decisions.len(), 2);
    let agreed = decisions
        .iter()
        .find(|d| d.status == DecisionStatus::Agreed)
        .unwrap();
    assert_eq!(agreed.title, "Archive volumes go on the slow tier");
    assert_eq!(agreed.session_id, Some(s.id));
    assert!(
        decisions
            .iter()
            .any(|d| d.status == DecisionStatus::Rejected
                && d.title == "moving the build hosts first")
    );
    let actions = action::service::list(&db, h.id).await.unwrap();
    let mut owners: Vec<&str> = actions.iter().map(|a| a.owner.as_str()).collect();
    owners.sort();
    assert_eq!(owners, ["kevin", "mark"]);
    assert!(actions.iter().all(|a| a.session_id == Some(s.id)));
    assert!(
        !actions.iter().any(|a| a.title.contains("truck")),
        "#undo removed it"
    );

    // The notes, under their topics, with who said them and when.
    let after = session::service::get(&db, &h, s.id).await.unwrap();
    assert!(
        after
            .notes
            .contains("### Storage plans for the datacenter move"),
        "{}",
        after.notes
    );
    assert!(
        after
            .notes
            .contains("- the archive volumes hold 180 TB, mostly cold (kevin, 16:31:20)")
    );
    assert!(
        after
            .notes
            .contains("### Open floor\n\n- Idea: a wiki page per rack (smooge, 16:35:10)")
    );
    assert_eq!(after.version, s.version + 1);
    // Each created thing remembers its line.
    assert_eq!(count(&db, "meeting_imports").await, 7);

    // Again: nothing new. And the text minutes of the same meeting: nothing new either.
    let again = meeting::import(&db, &h, s.id, LOG, "mobrien = mark", "olivia")
        .await
        .unwrap();
    assert_eq!(
        again,
        Counts {
            decisions: 0,
            actions: 0,
            notes: 0,
            already: 7
        }
    );
    let minutes = meeting::import(&db, &h, s.id, MINUTES, "", "olivia")
        .await
        .unwrap();
    assert_eq!(
        minutes,
        Counts {
            decisions: 0,
            actions: 0,
            notes: 0,
            already: 3
        }
    );
    assert_eq!(count(&db, "decisions").await, 2);
    assert_eq!(count(&db, "action_items").await, 2);
    let unchanged = session::service::get(&db, &h, s.id).await.unwrap();
    assert_eq!(unchanged.version, after.version, "no empty notes save");
}
crate::both!(
    a_meeting_log_feeds_the_session,
    super::a_meeting_log_feeds_the_session
);

pub async fn bad_logs_are_field_errors(db: Db) {
    let h = hackfest(&db, "meetings-bad").await;
    let other = hackfest(&db, "meetings-other").await;
    let s = session::service::create(&db, &h, &session_form("Infrastructure meeting"), "olivia")
        .await
        .unwrap();
    for (text, says) in [
        ("good morning\n<a> hello", "No MeetBot command"),
        ("<a> #info \0 binary", "binary"),
    ] {
        let e = meeting::import(&db, &h, s.id, text, "", "olivia")
            .await
            .unwrap_err();
        assert!(field_error(e, LOG_FIELD).contains(says));
    }
    let huge = "<a> #info x\n".repeat(200_000);
    let e = meeting::preview(&db, &h, s.id, &huge, "")
        .await
        .unwrap_err();
    assert!(field_error(e, LOG_FIELD).contains("2 MB"));
    let e = meeting::import(&db, &h, s.id, LOG, "not a mapping line at all", "olivia")
        .await
        .unwrap_err();
    assert!(field_error(e, MAP_FIELD).contains("Line 1"));
    // Another hackfest's session is not found, and nothing is written.
    let e = meeting::import(&db, &other, s.id, LOG, "", "olivia")
        .await
        .unwrap_err();
    assert!(matches!(e, domain::DomainError::NotFound(_)), "{e:?}");
    assert_eq!(count(&db, "meeting_imports").await, 0);
    assert_eq!(count(&db, "decisions").await, 0);
}
crate::both!(bad_logs_are_field_errors, super::bad_logs_are_field_errors);

pub async fn two_imports_at_once_create_once(db: Db) {
    let h = hackfest(&db, "meetings-twice").await;
    let s = session::service::create(&db, &h, &session_form("Infrastructure meeting"), "olivia")
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        meeting::import(&db, &h, s.id, LOG, "", "olivia"),
        meeting::import(&db, &h, s.id, LOG, "", "kevin"),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.already + b.already, 7, "{a:?} {b:?}");
    assert_eq!(a.decisions + b.decisions, 2);
    assert_eq!(count(&db, "decisions").await, 2);
    assert_eq!(count(&db, "meeting_imports").await, 7);
}
crate::both!(
    two_imports_at_once_create_once,
    super::two_imports_at_once_create_once
);
