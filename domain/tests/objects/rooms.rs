//! Rooms: created and edited through the shared write path (history, outbox), their
//! fields' bounds as field errors, a name unique per hackfest. Each scenario on
//! SQLite and on PostgreSQL.

use domain::db::Db;
use domain::history;
use domain::room::{self, RoomForm};

use super::{count, field_error, hackfest};

fn fedora() -> RoomForm {
    RoomForm {
        name: "Fedora".into(),
        location: "9th floor".into(),
        capacity: "12".into(),
        equipment: "projector, video call, whiteboard".into(),
        notes: "Ask **reception** for the key.".into(),
        open_for_breakouts: true,
        opens: "08:00".into(),
        closes: "18:00".into(),
    }
}

pub async fn rooms_are_versioned(db: Db) {
    let h = hackfest(&db, "rooms").await;
    let r = room::service::create(&db, h.id, &fedora(), "alice")
        .await
        .unwrap();
    assert_eq!(r.version, 1);
    assert_eq!(r.capacity, Some(12));
    assert_eq!(r.equipment, ["projector", "video call", "whiteboard"]);
    assert_eq!(r.opens.as_deref(), Some("08:00"));
    assert!(r.open_for_breakouts);
    assert!(r.notes_html.contains("<strong>reception</strong>"));

    let mut f = r.to_form();
    f.capacity = String::new();
    f.opens = String::new();
    f.closes = String::new();
    f.open_for_breakouts = false;
    let saved = room::service::update(&db, h.id, r.id, r.version, &f, "alice")
        .await
        .unwrap();
    assert_eq!(saved.version, 2);
    assert_eq!((saved.capacity, saved.opens.clone()), (None, None));
    assert!(!saved.open_for_breakouts);
    // The same again changes nothing.
    let same = room::service::update(&db, h.id, r.id, saved.version, &f, "alice")
        .await
        .unwrap();
    assert_eq!(same.version, 2);
    // A stale version is a conflict.
    assert!(matches!(
        room::service::update(&db, h.id, r.id, 1, &fedora(), "bob").await,
        Err(domain::DomainError::Conflict(_))
    ));

    let hist = history::for_entity(&db, h.id, "room", r.id).await.unwrap();
    assert_eq!(hist.len(), 2);
    let topics: Vec<String> = match &db {
        Db::Sqlite(p) => sqlx::query_scalar(
            "SELECT topic FROM outbox WHERE topic LIKE 'hackfest.room.%' ORDER BY seq",
        )
        .fetch_all(p)
        .await
        .unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(
            "SELECT topic FROM outbox WHERE topic LIKE 'hackfest.room.%' ORDER BY seq",
        )
        .fetch_all(p)
        .await
        .unwrap(),
    };
    assert_eq!(topics, ["hackfest.room.new", "hackfest.room.update"]);

    let listed = room::service::list(&db, h.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    // Another hackfest's room is not found.
    let other = hackfest(&db, "rooms-other").await;
    assert!(matches!(
        room::service::get(&db, other.id, r.id).await,
        Err(domain::DomainError::NotFound("room"))
    ));
    assert!(room::service::list(&db, other.id).await.unwrap().is_empty());
}
crate::both!(rooms_are_versioned, super::rooms_are_versioned);

pub async fn bad_rooms_are_field_errors(db: Db) {
    let h = hackfest(&db, "bad-rooms").await;
    for (cap, ok) in [("0", false), ("10001", false), ("1", true)] {
        let f = RoomForm {
            name: format!("Room {cap}"),
            capacity: cap.into(),
            ..Default::default()
        };
        let r = room::service::create(&db, h.id, &f, "alice").await;
        if ok {
            r.unwrap();
        } else {
            let e = field_error(r.unwrap_err(), "capacity");
            assert!(e.contains("1 to 10000"), "{e}");
        }
    }
    let f = RoomForm {
        name: "Tags".into(),
        equipment: format!("projector, {}", "x".repeat(41)),
        ..Default::default()
    };
    let e = field_error(
        room::service::create(&db, h.id, &f, "alice")
            .await
            .unwrap_err(),
        "equipment",
    );
    assert!(e.contains("at most 40"), "{e}");

    // A name is unique in its hackfest, on create and on rename; another hackfest
    // may use it.
    let a = room::service::create(&db, h.id, &fedora(), "alice")
        .await
        .unwrap();
    let e = field_error(
        room::service::create(&db, h.id, &fedora(), "alice")
            .await
            .unwrap_err(),
        "name",
    );
    assert!(e.contains("already has this name"), "{e}");
    let b = room::service::create(
        &db,
        h.id,
        &RoomForm {
            name: "Brno".into(),
            ..Default::default()
        },
        "alice",
    )
    .await
    .unwrap();
    let mut f = b.to_form();
    f.name = a.name.clone();
    field_error(
        room::service::update(&db, h.id, b.id, b.version, &f, "alice")
            .await
            .unwrap_err(),
        "name",
    );
    let other = hackfest(&db, "bad-rooms-other").await;
    room::service::create(&db, other.id, &fedora(), "alice")
        .await
        .unwrap();
    assert_eq!(count(&db, "rooms").await, 4);
}
crate::both!(
    bad_rooms_are_field_errors,
    super::bad_rooms_are_field_errors
);
