//! People conflicts, capacity, acknowledgement and breakouts (issue 12, items 3 and 5),
//! and the move message (item 8). Each scenario on SQLite and on PostgreSQL.

use domain::db::Db;
use domain::history;
use domain::outbox;
use domain::room::{self, RoomForm};
use domain::session::service::Rooms;
use domain::session::warnings::WarningKind;
use domain::session::{self, SessionForm};

use super::{field_error, hackfest};

fn form(title: &str, start: &str, end: &str, people: &str) -> SessionForm {
    SessionForm {
        title: title.into(),
        kind: "meeting".into(),
        starts_at: start.into(),
        ends_at: end.into(),
        participants: people.into(),
        ..Default::default()
    }
}

async fn room(db: &Db, h: uuid::Uuid, name: &str, capacity: &str, breakouts: bool) -> room::Room {
    room::service::create(
        db,
        h,
        &RoomForm {
            name: name.into(),
            capacity: capacity.into(),
            open_for_breakouts: if breakouts {
                "on".into()
            } else {
                String::new()
            },
            ..Default::default()
        },
        "olivia",
    )
    .await
    .unwrap()
}

/// Each kind of warning appears on a save and on a read, on both sessions where two
/// are involved; an acknowledgement records who and when, in history and on the bus,
/// and a move brings the warning back.
pub async fn warnings_are_computed_and_acknowledged(db: Db) {
    let h = hackfest(&db, "conflicts").await;
    let fedora = room(&db, h.id, "Fedora", "2", false).await;
    let brno = room(&db, h.id, "Brno", "", false).await;
    let mut f = form(
        "Storage",
        "2026-03-24T10:00",
        "2026-03-24T11:00",
        "alice\nRed Hat Storage team\nkevin",
    );
    f.room_id = fedora.id.to_string();
    f.optional_participants = "bob".into();
    let storage = session::service::create(&db, &h, &f, "olivia")
        .await
        .unwrap();
    let kinds = |s: &session::HackSession| s.warnings.iter().map(|w| w.kind).collect::<Vec<_>>();
    assert_eq!(
        kinds(&storage),
        [WarningKind::OverCapacity],
        "3 required, room of 2"
    );
    assert_eq!(
        storage.warnings[0].text,
        "3 required participants, and Room Fedora holds 2."
    );

    // The storage team, needed in Brno at the same time; bob is optional in both.
    let mut g = form(
        "Quotas follow-up",
        "2026-03-24T10:30",
        "2026-03-24T11:30",
        "Red Hat storage team",
    );
    g.room_id = brno.id.to_string();
    g.optional_participants = "bob".into();
    let quotas = session::service::create(&db, &h, &g, "olivia")
        .await
        .unwrap();
    assert_eq!(kinds(&quotas), [WarningKind::DoubleBooked]);
    assert!(
        quotas.warnings[0]
            .text
            .starts_with("Red Hat storage team is also in \u{201c}Storage\u{201d}"),
        "{}",
        quotas.warnings[0].text
    );
    let read = session::service::get(&db, &h, storage.id).await.unwrap();
    let read = session::service::with_warnings(&db, &h, read).await;
    assert_eq!(
        kinds(&read),
        [WarningKind::OverCapacity, WarningKind::DoubleBooked],
        "the other session warns too"
    );

    // Back to back in another room: no gap.
    let lab = room(&db, h.id, "Lab", "", false).await;
    let mut n = form("Auth docs", "2026-03-24T11:00", "2026-03-24T12:00", "kevin");
    n.room_id = lab.id.to_string();
    let next = session::service::create(&db, &h, &n, "olivia")
        .await
        .unwrap();
    assert_eq!(kinds(&next), [WarningKind::NoGap]);

    // An organizer acknowledges the double booking on the quotas session.
    let key = quotas.warnings[0].key.clone();
    let acked = session::service::acknowledge(&db, &h, quotas.id, quotas.version, &key, "olivia")
        .await
        .unwrap();
    assert_eq!(acked.version, quotas.version + 1);
    let a = acked.warnings[0]
        .acknowledged
        .as_ref()
        .expect("acknowledged");
    assert_eq!(a.by, "olivia");
    assert_eq!(session::warnings::open(&acked.warnings), 0);
    let hist = history::for_entity(&db, h.id, "session", quotas.id)
        .await
        .unwrap();
    let ack = hist
        .iter()
        .find(|e| e.action == "acknowledge")
        .expect("in history");
    assert_eq!(ack.actor, "olivia");
    assert_eq!(ack.changes[0].field, "acknowledged");
    assert!(
        ack.changes[0].new.contains("(acknowledged by olivia)"),
        "{:?}",
        ack.changes
    );
    // A stale version is a conflict; a key no longer raised is a field error on `key`.
    assert!(matches!(
        session::service::acknowledge(&db, &h, quotas.id, quotas.version, &key, "olivia").await,
        Err(domain::DomainError::Conflict(_))
    ));
    let e = field_error(
        session::service::acknowledge(&db, &h, quotas.id, acked.version, "nope", "olivia")
            .await
            .unwrap_err(),
        "key",
    );
    assert!(e.contains("no longer raised"), "{e}");

    // Moved: the situation changed, so the warning is back and open; the move is
    // hackfest.session.schedule, an edit of the agenda hackfest.session.update.
    let mut moved = acked.to_form();
    moved.starts_at = "2026-03-24T10:15".into();
    let moved = session::service::update(&db, &h, quotas.id, acked.version, &moved, "olivia")
        .await
        .unwrap();
    assert_eq!(session::warnings::open(&moved.warnings), 1);
    let mut edited = moved.to_form();
    edited.agenda = "Numbers first.".into();
    let edited = session::service::update(&db, &h, quotas.id, moved.version, &edited, "olivia")
        .await
        .unwrap();
    assert_eq!(
        edited.acknowledged.len(),
        1,
        "an edit keeps acknowledgements"
    );
    let rows = outbox::after(&db, 0, Some(h.id), false, 100).await.unwrap();
    let topics: Vec<&str> = rows
        .iter()
        .filter(|r| r.object_id == quotas.id)
        .map(|r| r.topic.as_str())
        .collect();
    assert_eq!(
        topics,
        [
            "hackfest.session.new",
            "hackfest.session.update",
            "hackfest.session.schedule",
            "hackfest.session.update"
        ]
    );
    for r in rows.iter().filter(|r| r.object_id == quotas.id) {
        let body = r.body_with_url("https://hackfest.example.org");
        crate::common::check_body(&r.schema_name, &body);
        assert!(
            body["session"].get("warnings").is_none(),
            "derived, not sent"
        );
    }

    // Cancelled: no warnings of its own, and none caused on others.
    let c = session::service::cancel(&db, &h, storage.id, read.version, "olivia")
        .await
        .unwrap();
    assert!(c.warnings.is_empty());
    let q = session::service::get(&db, &h, quotas.id).await.unwrap();
    assert!(
        session::service::with_warnings(&db, &h, q)
            .await
            .warnings
            .is_empty()
    );

    // `@name` insists on an account.
    let mut u = form(
        "Who?",
        "2026-03-25T10:00",
        "2026-03-25T11:00",
        "@nobody-here",
    );
    u.optional_participants = "@also-nobody".into();
    let e = session::service::create(&db, &h, &u, "olivia")
        .await
        .unwrap_err();
    assert!(field_error(e, "participants").contains("@nobody-here has never signed in"));
}
crate::both!(
    warnings_are_computed_and_acknowledged,
    super::warnings_are_computed_and_acknowledged
);

/// Attendees book free slots in rooms open for breakouts, and only there; they move
/// sessions only between such rooms. Organizers place and move anything.
pub async fn attendees_book_breakouts(db: Db) {
    let h = hackfest(&db, "breakouts").await;
    let lobby = room(&db, h.id, "Hotel lobby", "", true).await;
    let fedora = room(&db, h.id, "Fedora", "12", false).await;
    let mut f = form(
        "Storage plans",
        "2026-03-24T16:00",
        "2026-03-24T17:00",
        "nils",
    );
    f.room_id = lobby.id.to_string();
    let mine = session::service::create_as(&db, &h, &f, "nils", Rooms::Breakouts)
        .await
        .expect("a free slot in a breakout room");
    assert_eq!(mine.room_id, Some(lobby.id));
    // The same slot again is taken, whoever asks.
    let e = field_error(
        session::service::create_as(&db, &h, &f, "kevin", Rooms::Breakouts)
            .await
            .unwrap_err(),
        "room_id",
    );
    assert!(
        e.contains("is booked for \u{201c}Storage plans\u{201d}"),
        "{e}"
    );
    // Not in an organizers' room…
    let mut g = f.clone();
    g.room_id = fedora.id.to_string();
    let e = field_error(
        session::service::create_as(&db, &h, &g, "nils", Rooms::Breakouts)
            .await
            .unwrap_err(),
        "room_id",
    );
    assert!(e.contains("Room Fedora is booked by the organizers"), "{e}");
    // …nor moved there, nor a session of that room moved by an attendee.
    let mut to_fedora = mine.to_form();
    to_fedora.room_id = fedora.id.to_string();
    assert!(
        session::service::update_as(
            &db,
            &h,
            mine.id,
            mine.version,
            &to_fedora,
            "nils",
            Rooms::Breakouts
        )
        .await
        .is_err()
    );
    let placed = session::service::update(&db, &h, mine.id, mine.version, &to_fedora, "olivia")
        .await
        .expect("an organizer moves it");
    let mut back = placed.to_form();
    back.room_id = lobby.id.to_string();
    let e = field_error(
        session::service::update_as(
            &db,
            &h,
            mine.id,
            placed.version,
            &back,
            "nils",
            Rooms::Breakouts,
        )
        .await
        .unwrap_err(),
        "room_id",
    );
    assert!(e.contains("only they move its sessions"), "{e}");
    // Its notes, though, any attendee may still edit.
    let mut notes = placed.to_form();
    notes.notes = "Quotas agreed.".into();
    session::service::update_as(
        &db,
        &h,
        mine.id,
        placed.version,
        &notes,
        "nils",
        Rooms::Breakouts,
    )
    .await
    .expect("an edit that does not move it");
}
crate::both!(attendees_book_breakouts, super::attendees_book_breakouts);
