//! The timetable over HTTP: `/h/{slug}/schedule` is a complete server-rendered grid
//! (and a list per room for phones) that anyone reads without JavaScript; days
//! outside the hackfest are 404s, a malformed day a 422; "now and next" refreshes
//! itself and refuses another hackfest's room.

use super::common::spawn_app;
use reqwest::StatusCode;
use serde_json::Value;

const XSS: &str = "<script>alert(1)</script>";

#[tokio::test]
async fn the_timetable_is_a_server_rendered_grid_anyone_reads() {
    let app = spawn_app().await;
    let h = app.hackfest("timetable").await;
    let other = app.hackfest("timetable-other").await;
    app.sign_in("olivia", "organizer").await;
    let room = |slug: &str, name: &str, hours: Option<(&str, &str)>| {
        vec![
            ("slug", slug.to_owned()),
            ("form[name]", name.to_owned()),
            ("form[location]", "9th floor".into()),
            ("form[capacity]", "12".into()),
            ("form[opens]", hours.map(|h| h.0).unwrap_or_default().into()),
            (
                "form[closes]",
                hours.map(|h| h.1).unwrap_or_default().into(),
            ),
        ]
    };
    let mut rooms = Vec::new();
    for (slug, name, hours) in [
        (&h.slug, "Fedora", Some(("08:00", "18:00"))),
        (&h.slug, "Hotel lobby", None),
        (&other.slug, "Elsewhere's room", None),
    ] {
        let r = app
            .server_fn("rooms/create", &room(slug, name, hours))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
        let v: Value = r.json().await.unwrap();
        rooms.push(v["id"].as_str().unwrap().to_owned());
    }
    let session = |title: &str, starts: &str, ends: &str, room_id: &str, room: &str| {
        vec![
            ("slug", h.slug.clone()),
            ("form[title]", title.to_owned()),
            ("form[kind]", "meeting".into()),
            ("form[starts_at]", starts.to_owned()),
            ("form[ends_at]", ends.to_owned()),
            ("form[room_id]", room_id.to_owned()),
            ("form[room]", room.to_owned()),
        ]
    };
    for form in [
        session(
            &format!("Storage plans {XSS}"),
            "2026-11-24T10:00",
            "2026-11-24T11:30",
            &rooms[0],
            "",
        ),
        session(
            "Morning meet-up",
            "2026-11-24T08:00",
            "2026-11-24T08:30",
            &rooms[1],
            "",
        ),
        session(
            "Dinner",
            "2026-11-24T19:00",
            "2026-11-24T21:00",
            "",
            "Restaurant Lokál",
        ),
        session(
            "Wednesday work",
            "2026-11-25T09:00",
            "2026-11-25T12:00",
            &rooms[0],
            "",
        ),
    ] {
        let r = app.server_fn("sessions/create", &form).await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }

    let anon = app.with_new_client();
    let r = anon
        .get(&format!("/h/{}/schedule?day=2026-11-24", h.slug))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    for text in [
        "Fedora · 9th floor · 12 people",
        "Hotel lobby",
        "Elsewhere",
        "Restaurant Lokál",
        "Morning meet-up",
        "10:00–11:30",
    ] {
        assert!(html.contains(text), "{text} is on the page");
    }
    assert!(!html.contains(XSS), "titles are escaped");
    assert!(
        !html.contains(" style=\""),
        "no inline styles: the CSP refuses them"
    );
    assert!(html.contains("Storage plans &lt;script&gt;"));
    assert!(
        !html.contains("Wednesday work"),
        "another day's session is not shown"
    );
    // 08:00 to 21:00 in quarter hours; Storage plans starts at row 9 (+1 for the heads).
    assert!(
        html.contains("tt-r10 tt-s6 tt-c2"),
        "Fedora is the first room column"
    );
    assert!(
        html.contains("class=\"tt-agenda\""),
        "the phone's list is there too"
    );
    assert!(
        html.contains(&format!("href=\"/h/{}/schedule?day=2026-11-27\"", h.slug)),
        "a link per day"
    );

    // The same through the server function.
    let r = anon
        .server_fn(
            "schedule/day",
            &[("slug", h.slug.clone()), ("day", "2026-11-24".into())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let day: Value = r.json().await.unwrap();
    assert_eq!(day["rows"], 52);
    assert_eq!(day["columns"].as_array().unwrap().len(), 3);
    assert_eq!(day["columns"][0]["name"], "Fedora");

    // Days outside the hackfest, and days that are not dates.
    let r = anon
        .get(&format!("/h/{}/schedule?day=2026-12-24", h.slug))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = anon
        .server_fn(
            "schedule/day",
            &[("slug", h.slug.clone()), ("day", "next tuesday".into())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("day"));
    let r = anon.get("/h/no-such-hackfest/schedule").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Now and next: every room, or one; another hackfest's room is a 404.
    let r = anon.get(&format!("/h/{}/schedule/now", h.slug)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("Now and next") && html.contains("http-equiv=\"refresh\""));
    assert!(html.contains("Fedora") && html.contains("Hotel lobby"));
    let r = anon
        .get(&format!("/h/{}/schedule/now?room={}", h.slug, rooms[1]))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("Hotel lobby") && !html.contains(">Fedora<"));
    let r = anon
        .server_fn(
            "schedule/now",
            &[("slug", h.slug.clone()), ("room", rooms[2].clone())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = anon
        .get(&format!("/h/{}/schedule/now?room=not-a-room", h.slug))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // The overview links the schedule.
    let html = anon
        .get(&format!("/h/{}", h.slug))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("href=\"/h/{}/schedule\"", h.slug)));
}
