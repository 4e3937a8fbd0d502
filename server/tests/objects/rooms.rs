//! Rooms over HTTP: everyone reads the pages, organizers create and edit (an
//! attendee is refused), the editor posts without JavaScript, and sessions booked
//! into a taken slot are a 422 on `room_id`.

use super::common::spawn_app;
use reqwest::StatusCode;
use serde_json::Value;

fn room_form(slug: &str, name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("slug", slug.into()),
        ("form[name]", name.into()),
        ("form[location]", "9th floor".into()),
        ("form[capacity]", "12".into()),
        ("form[equipment]", "projector, video call".into()),
        (
            "form[notes]",
            "Ask **reception**. <script>alert(1)</script>".into(),
        ),
        ("form[open_for_breakouts]", "on".into()),
        ("form[opens]", "08:00".into()),
        ("form[closes]", "18:00".into()),
    ]
}

#[tokio::test]
async fn organizers_manage_rooms_everyone_reads_them() {
    let app = spawn_app().await;
    let h = app.hackfest("rooms").await;

    // An attendee cannot create a room; anonymous neither.
    let anon = app.with_new_client();
    let r = anon
        .server_fn("rooms/create", &room_form(&h.slug, "Fedora"))
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let attendee = app.with_new_client();
    attendee.sign_in("alice", "attendee").await;
    attendee.join(&h.slug).await;
    let r = attendee
        .server_fn("rooms/create", &room_form(&h.slug, "Fedora"))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    app.sign_in("olivia", "organizer").await;
    let r = app
        .server_fn("rooms/create", &room_form(&h.slug, "Fedora"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let room: Value = r.json().await.unwrap();
    let id = room["id"].as_str().unwrap().to_owned();
    assert_eq!(room["capacity"], 12);

    // Bad capacity and a taken name are 422s naming the field.
    let mut bad = room_form(&h.slug, "Brno");
    bad[3].1 = "10001".into();
    let r = app.server_fn("rooms/create", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("capacity"));
    let r = app
        .server_fn("rooms/create", &room_form(&h.slug, "Fedora"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // An attendee cannot edit it either.
    let mut edit = room_form(&h.slug, "Fedora");
    edit.push(("id", id.clone()));
    edit.push(("version", "1".into()));
    let r = attendee.server_fn("rooms/update", &edit).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Sessions booked in it; the second in the same slot is refused.
    let session = |title: &str| {
        vec![
            ("slug", h.slug.clone()),
            ("form[title]", title.to_owned()),
            ("form[kind]", "meeting".into()),
            ("form[starts_at]", "2026-11-24T10:00".into()),
            ("form[ends_at]", "2026-11-24T11:00".into()),
            ("form[room_id]", id.clone()),
        ]
    };
    let r = attendee
        .server_fn("sessions/create", &session("Meeting with the storage team"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = attendee
        .server_fn("sessions/create", &session("Another meeting"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("room_id") && body.contains("Room Fedora is booked for"),
        "{body}"
    );

    // Everyone reads the pages, escaped; the detail lists the room's sessions by day.
    for path in [
        format!("/h/{}/rooms", h.slug),
        format!("/h/{}/rooms/{id}", h.slug),
    ] {
        let r = anon.get(&path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains("Fedora"), "{path}");
        assert!(!html.contains("<script>alert(1)"), "{path}");
    }
    let html = anon
        .get(&format!("/h/{}/rooms/{id}", h.slug))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Meeting with the storage team"));
    assert!(html.contains("<strong>reception</strong>"));
    assert!(html.contains("Tuesday 24 November"), "sessions by day");
    let r = anon
        .get(&format!("/h/{}/rooms/{}", h.slug, uuid::Uuid::now_v7()))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The schedule links the rooms.
    let html = anon
        .get(&format!("/h/{}/schedule", h.slug))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("href=\"/h/{}/rooms\"", h.slug)));
    // The session form offers the room.
    let html = attendee
        .get(&format!("/h/{}/sessions/new", h.slug))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("value=\"{id}\"")), "the room select");
}

#[tokio::test]
async fn the_room_editor_posts_without_javascript() {
    let app = spawn_app().await;
    let h = app.hackfest("room-forms").await;
    app.sign_in("olivia", "organizer").await;
    let page = app
        .get(&format!("/h/{}/rooms/new", h.slug))
        .await
        .text()
        .await
        .unwrap();
    let form = &page[page.find("id=\"editor-form\"").expect("the editor form")..];
    let form = &form[..form.find('>').unwrap()];
    assert!(form.contains("method=\"post\""), "{form}");

    let mut f = room_form(&h.slug, "Fedora");
    f.push(("version", "0".into()));
    f[3].1 = "0".into();
    let r = app.post_form(&format!("/h/{}/rooms/new", h.slug), &f).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Capacity must be a number from 1 to 10000"));
    assert!(
        html.contains("value=\"9th floor\""),
        "what was typed is kept"
    );

    f[3].1 = "12".into();
    let r = app.post_form(&format!("/h/{}/rooms/new", h.slug), &f).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with(&format!("/h/{}/rooms/", h.slug)), "{to}");
    let id = to.rsplit('/').next().unwrap().to_owned();

    // Edit: rename it, no longer open for breakouts (the box unticked: not posted).
    let mut e: Vec<(&str, String)> = room_form(&h.slug, "Fedora (9th floor)")
        .into_iter()
        .filter(|(k, _)| *k != "form[open_for_breakouts]")
        .collect();
    e.push(("version", "1".into()));
    let r = app
        .post_form(&format!("/h/{}/rooms/{id}/edit", h.slug), &e)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let room = domain::room::service::get(&app.db, h.id, uuid::Uuid::parse_str(&id).unwrap())
        .await
        .unwrap();
    assert_eq!(room.name, "Fedora (9th floor)");
    assert!(!room.open_for_breakouts);
    assert_eq!(room.version, 2);
}
