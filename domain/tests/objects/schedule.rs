//! Cancelling a session (issue 12, item 8) through the shared write path, and what
//! the schedule exports make of it. Each scenario on SQLite and on PostgreSQL.

use domain::db::Db;
use domain::history;
use domain::outbox;
use domain::room::{self, RoomForm};
use domain::schedule::{self, frab, token};
use domain::session::{self, SessionForm};

use super::hackfest;

const PUBLIC_URL: &str = "https://hackfest.example.org";

fn form(title: &str, start: &str, end: &str) -> SessionForm {
    SessionForm {
        title: title.into(),
        kind: "meeting".into(),
        starts_at: start.into(),
        ends_at: end.into(),
        participants: "alice\nRed Hat Storage team".into(),
        ..Default::default()
    }
}

pub async fn cancelling_keeps_the_session_and_frees_its_room(db: Db) {
    let h = hackfest(&db, "cancel").await;
    let r = room::service::create(
        &db,
        h.id,
        &RoomForm {
            name: "Fedora".into(),
            ..Default::default()
        },
        "olivia",
    )
    .await
    .unwrap();
    let mut f = form("Storage team", "2026-03-24T10:00", "2026-03-24T11:00");
    f.room_id = r.id.to_string();
    let s = session::service::create(&db, &h, &f, "olivia")
        .await
        .unwrap();
    assert_eq!(s.cancelled_at, None);

    // A stale version is a conflict; nothing is written.
    assert!(matches!(
        session::service::cancel(&db, &h, s.id, 2, "olivia").await,
        Err(domain::DomainError::Conflict(_))
    ));
    let c = session::service::cancel(&db, &h, s.id, 1, "olivia")
        .await
        .unwrap();
    assert!(c.cancelled_at.is_some());
    assert_eq!(c.version, 2);
    assert_eq!(
        (c.title.as_str(), c.starts_at),
        (s.title.as_str(), s.starts_at)
    );
    assert_eq!(c.room_id, Some(r.id), "it stays booked on paper");
    // Cancelling again changes nothing.
    let again = session::service::cancel(&db, &h, s.id, 2, "olivia")
        .await
        .unwrap();
    assert_eq!(again.version, 2);
    // An edit keeps it cancelled.
    let mut edit = c.to_form();
    edit.title = "Storage team (called off)".into();
    let e = session::service::update(&db, &h, s.id, 2, &edit, "olivia")
        .await
        .unwrap();
    assert_eq!(e.version, 3);
    assert_eq!(e.cancelled_at, c.cancelled_at);

    let hist = history::for_entity(&db, h.id, "session", s.id)
        .await
        .unwrap();
    let actions: Vec<&str> = hist.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions.len(), 3);
    assert!(actions.contains(&"cancel"), "{actions:?}");
    let cancel = hist.iter().find(|e| e.action == "cancel").unwrap();
    assert_eq!(cancel.changes.len(), 1, "{:?}", cancel.changes);
    assert_eq!(
        (
            cancel.changes[0].field.as_str(),
            cancel.changes[0].new.as_str()
        ),
        ("cancelled", "yes")
    );

    // One hackfest.session.cancel message, valid against its schema.
    let rows = outbox::after(&db, 0, Some(h.id), false, 100).await.unwrap();
    let cancels: Vec<_> = rows
        .iter()
        .filter(|r| r.topic == "hackfest.session.cancel")
        .collect();
    assert_eq!(cancels.len(), 1);
    let body = cancels[0].body_with_url(PUBLIC_URL);
    crate::common::check_body(&cancels[0].schema_name, &body);
    assert_eq!(body["changes"][0]["field"], "cancelled");
    let users: Vec<&str> = cancels[0].users.0.iter().map(String::as_str).collect();
    assert!(users.contains(&"alice"), "participants are told: {users:?}");

    // The slot is free again.
    let mut other = form("Datacenter team", "2026-03-24T10:30", "2026-03-24T11:30");
    other.room_id = r.id.to_string();
    session::service::create(&db, &h, &other, "olivia")
        .await
        .expect("a cancelled session holds no room");

    // The feeds: the iCal one keeps it, cancelled; frab leaves it out.
    let all = session::repo::list_for_hackfest(&db, h.id).await.unwrap();
    let ics = schedule::calendar(&h.title, PUBLIC_URL, &h, &all);
    assert!(ics.contains("STATUS:CANCELLED\r\n") && ics.contains("STATUS:CONFIRMED\r\n"));
    assert!(ics.contains(&format!("UID:{}@hackfest.example.org\r\n", s.id)));
    assert!(ics.contains("SEQUENCE:2\r\n"));
    let rooms = room::service::list(&db, h.id).await.unwrap();
    let xml = frab::Export::new(&h, PUBLIC_URL, &rooms, &all).xml();
    assert!(!xml.contains(&s.id.to_string()) && xml.contains("Datacenter team"));
}
crate::both!(
    cancelling_keeps_the_session_and_frees_its_room,
    super::cancelling_keeps_the_session_and_frees_its_room
);

pub async fn calendar_tokens_rotate_and_revoke(db: Db) {
    let h = hackfest(&db, "tokens").await;
    let other = hackfest(&db, "tokens-b").await;
    let alice = domain::user::repo::upsert(
        &db,
        &domain::user::Identity {
            issuer: "urn:test".into(),
            subject: "alice".into(),
            username: "alice".into(),
            display_name: "Alice".into(),
            email: String::new(),
            groups: vec![],
        },
    )
    .await
    .unwrap();
    assert_eq!(token::created_at(&db, h.id, alice.id).await.unwrap(), None);
    let t1 = token::rotate(&db, h.id, alice.id).await.unwrap();
    assert_eq!(
        token::owner(&db, h.id, &t1).await.unwrap().as_deref(),
        Some("alice")
    );
    assert_eq!(
        token::owner(&db, other.id, &t1).await.unwrap(),
        None,
        "per hackfest"
    );
    assert!(
        token::created_at(&db, h.id, alice.id)
            .await
            .unwrap()
            .is_some()
    );
    let t2 = token::rotate(&db, h.id, alice.id).await.unwrap();
    assert_ne!(t1, t2);
    assert_eq!(
        token::owner(&db, h.id, &t1).await.unwrap(),
        None,
        "rotated away"
    );
    assert_eq!(
        token::owner(&db, h.id, &t2).await.unwrap().as_deref(),
        Some("alice")
    );
    assert!(token::revoke(&db, h.id, alice.id).await.unwrap());
    assert!(!token::revoke(&db, h.id, alice.id).await.unwrap());
    assert_eq!(token::owner(&db, h.id, &t2).await.unwrap(), None, "revoked");
    assert_eq!(token::owner(&db, h.id, "short").await.unwrap(), None);
    // Two rotations at once (a double click): both answer, one token works.
    let (a, b) = tokio::join!(
        token::rotate(&db, h.id, alice.id),
        token::rotate(&db, h.id, alice.id)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let working = [
        token::owner(&db, h.id, &a).await.unwrap().is_some(),
        token::owner(&db, h.id, &b).await.unwrap().is_some(),
    ];
    assert_eq!(working.iter().filter(|w| **w).count(), 1, "{working:?}");
}
crate::both!(
    calendar_tokens_rotate_and_revoke,
    super::calendar_tokens_rotate_and_revoke
);
