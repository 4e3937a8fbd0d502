//! Cancelling a session (issue 12, item 8) through the shared write path. Each
//! scenario on SQLite and on PostgreSQL.

use domain::db::Db;
use domain::history;
use domain::outbox;
use domain::room::{self, RoomForm};
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
}
crate::both!(
    cancelling_keeps_the_session_and_frees_its_room,
    super::cancelling_keeps_the_session_and_frees_its_room
);
