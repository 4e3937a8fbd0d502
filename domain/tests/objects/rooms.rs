//! Rooms: created and edited through the shared write path (history, outbox), their
//! fields' bounds as field errors, a name unique per hackfest. Each scenario on
//! SQLite and on PostgreSQL.

use domain::db::Db;
use domain::history;
use domain::room::{self, RoomForm};
use domain::session::{self, SessionForm};

use super::{count, field_error, hackfest};

fn fedora() -> RoomForm {
    RoomForm {
        name: "Fedora".into(),
        location: "9th floor".into(),
        capacity: "12".into(),
        equipment: "projector, video call, whiteboard".into(),
        notes: "Ask **reception** for the key.".into(),
        open_for_breakouts: "on".into(),
        opens: "08:00".into(),
        closes: "18:00".into(),
        closed: "2026-03-26 12:00-14:00 Cleaning".into(),
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
    f.open_for_breakouts = String::new();
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
        Db::Sqlite(p, _) => sqlx::query_scalar(
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

fn booking(title: &str, room_id: uuid::Uuid, starts: &str, ends: &str) -> SessionForm {
    SessionForm {
        title: title.into(),
        kind: "meeting".into(),
        starts_at: starts.into(),
        ends_at: ends.into(),
        room_id: room_id.to_string(),
        ..Default::default()
    }
}

/// Two saves of one slot at once: exactly one wins, the other is told who has it.
pub async fn one_slot_one_booking(db: Db) {
    let h = hackfest(&db, "booking").await;
    let r = room::service::create(&db, h.id, &fedora(), "alice")
        .await
        .unwrap();
    for round in 0..3 {
        let day = 24 + round;
        let spawn = |title: &'static str| {
            let (db, h) = (db.clone(), h.clone());
            let f = booking(
                title,
                r.id,
                &format!("2026-03-{day}T10:00"),
                &format!("2026-03-{day}T11:00"),
            );
            tokio::spawn(async move { session::service::create(&db, &h, &f, "alice").await })
        };
        let (a, b) = (spawn("Meeting A"), spawn("Meeting B"));
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        let (won, lost) = match (a, b) {
            (Ok(w), Err(l)) | (Err(l), Ok(w)) => (w, l),
            (a, b) => panic!("exactly one booking wins: {a:?} / {b:?}"),
        };
        assert_eq!(won.room_id, Some(r.id));
        assert_eq!(won.room, "Fedora");
        let e = field_error(lost, "room_id");
        let weekday = ["Tue", "Wed", "Thu"][round as usize];
        assert_eq!(
            e,
            format!(
                "Room Fedora is booked for \u{201c}{}\u{201d}, {weekday} {day} Mar 10:00\u{2013}11:00.",
                won.title
            )
        );
    }
    let booked = session::service::list_in_room(&db, &h, r.id).await.unwrap();
    assert_eq!(booked.len(), 3);

    // Back to back is fine; an overlap by a minute is not, and moving a session over
    // its own slot is not a clash with itself.
    let s = &booked[0];
    session::service::create(
        &db,
        &h,
        &booking("Right after", r.id, "2026-03-24T11:00", "2026-03-24T12:00"),
        "alice",
    )
    .await
    .unwrap();
    let e = field_error(
        session::service::create(
            &db,
            &h,
            &booking("Overlap", r.id, "2026-03-24T09:00", "2026-03-24T10:01"),
            "alice",
        )
        .await
        .unwrap_err(),
        "room_id",
    );
    assert!(e.contains(&s.title), "{e}");
    let mut f = s.to_form();
    f.ends_at = "2026-03-24T10:45".into();
    session::service::update(&db, &h, s.id, s.version, &f, "alice")
        .await
        .unwrap();
}
crate::both!(one_slot_one_booking, super::one_slot_one_booking);

pub async fn rooms_refuse_what_does_not_fit(db: Db) {
    let h = hackfest(&db, "room-rules").await;
    let r = room::service::create(&db, h.id, &fedora(), "alice")
        .await
        .unwrap();
    // Open 08:00–18:00.
    for (starts, ends) in [
        ("2026-03-24T07:30", "2026-03-24T09:00"),
        ("2026-03-24T17:00", "2026-03-24T18:30"),
        ("2026-03-24T17:00", "2026-03-25T09:00"),
    ] {
        let e = field_error(
            session::service::create(&db, &h, &booking("Late", r.id, starts, ends), "alice")
                .await
                .unwrap_err(),
            "room_id",
        );
        assert_eq!(
            e,
            "Room Fedora is open from 08:00 to 18:00; the session is outside those hours."
        );
    }
    session::service::create(
        &db,
        &h,
        &booking("All day", r.id, "2026-03-24T08:00", "2026-03-24T18:00"),
        "alice",
    )
    .await
    .unwrap();
    // Closed 2026-03-26 12:00-14:00 (Thursday): a session over part of it is refused,
    // one just after it is not.
    let e = field_error(
        session::service::create(
            &db,
            &h,
            &booking("Lunch talk", r.id, "2026-03-26T13:30", "2026-03-26T14:30"),
            "alice",
        )
        .await
        .unwrap_err(),
        "room_id",
    );
    assert_eq!(
        e,
        "Room Fedora is closed Thu 26 Mar 12:00\u{2013}14:00 (Cleaning)."
    );
    session::service::create(
        &db,
        &h,
        &booking(
            "After cleaning",
            r.id,
            "2026-03-26T14:00",
            "2026-03-26T15:00",
        ),
        "alice",
    )
    .await
    .unwrap();

    // Another hackfest's room, or no room at all.
    let other = hackfest(&db, "room-rules-other").await;
    let theirs = room::service::create(&db, other.id, &fedora(), "alice")
        .await
        .unwrap();
    for id in [theirs.id, uuid::Uuid::now_v7()] {
        let e = field_error(
            session::service::create(
                &db,
                &h,
                &booking("Elsewhere", id, "2026-03-25T10:00", "2026-03-25T11:00"),
                "alice",
            )
            .await
            .unwrap_err(),
            "room_id",
        );
        assert_eq!(e, "The room does not exist in this hackfest.");
    }
    assert_eq!(count(&db, "hack_sessions").await, 2);
}
crate::both!(
    rooms_refuse_what_does_not_fit,
    super::rooms_refuse_what_does_not_fit
);

/// A free-text room that names one of the hackfest's rooms is booked in it; another
/// stays a free-text place. A renamed room renames its sessions' room.
pub async fn free_text_rooms_are_linked(db: Db) {
    let h = hackfest(&db, "room-names").await;
    let r = room::service::create(&db, h.id, &fedora(), "alice")
        .await
        .unwrap();
    let f = SessionForm {
        title: "Free text".into(),
        kind: "discussion".into(),
        starts_at: "2026-03-24T10:00".into(),
        ends_at: "2026-03-24T11:00".into(),
        room: "Fedora".into(),
        ..Default::default()
    };
    let s = session::service::create(&db, &h, &f, "alice")
        .await
        .unwrap();
    assert_eq!(s.room_id, Some(r.id));
    // Linked, so it is booked: the same slot by name is refused.
    let e = field_error(
        session::service::create(&db, &h, &f, "alice")
            .await
            .unwrap_err(),
        "room_id",
    );
    assert!(e.contains("Free text"), "{e}");
    let cafe = session::service::create(
        &db,
        &h,
        &SessionForm {
            room: "Café Sladkovský".into(),
            ..f.clone()
        },
        "alice",
    )
    .await
    .unwrap();
    assert_eq!(
        (cafe.room.as_str(), cafe.room_id),
        ("Café Sladkovský", None)
    );

    let mut rf = r.to_form();
    rf.name = "Fedora (9th floor)".into();
    room::service::update(&db, h.id, r.id, r.version, &rf, "alice")
        .await
        .unwrap();
    let s = session::service::get(&db, &h, s.id).await.unwrap();
    assert_eq!(s.room, "Fedora (9th floor)");
    assert_eq!(s.to_form().room_id, r.id.to_string());
}
crate::both!(
    free_text_rooms_are_linked,
    super::free_text_rooms_are_linked
);
