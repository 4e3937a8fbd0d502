//! The schedule for other tools (issue 12, items 6–8), over HTTP, on SQLite and on
//! PostgreSQL, checked by real validators (never mocks; a missing one fails the test):
//! - the iCal feeds parsed by Python's `icalendar` (scripts/validate/ical.py, which
//!   also checks CRLF and the 75-octet folding on the raw bytes): UTC times, escaping,
//!   a long UTF-8 title that round-trips through folding, stable UIDs, SEQUENCE raised
//!   by a reschedule and a cancellation, STATUS:CANCELLED;
//! - cancelling a session: organizers only, history and `hackfest.session.cancel`;
//! - private per-person feeds: a token works, a rotated, revoked or made-up one is the
//!   same 404;
//! - `schedule.xml` validated by `xmllint --schema vendor/c3voc/schedule.xml.xsd`, and
//!   its JSON sibling;
//! - unknown hackfests, another hackfest's room and bad ids are 404s, never 500s.

use std::io::Write;
use std::process::{Command, Stdio};

use super::common::{Backend, TestApp, spawn_app_on};
use reqwest::StatusCode;
use serde_json::Value;

fn repo_file(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(rel)
}

/// The feed as Python's `icalendar` reads it (see scripts/validate/ical.py). Fails the
/// test, saying how to fix it, when Python or the package is missing.
fn parse_ics(ics: &str) -> Value {
    let script = repo_file("scripts/validate/ical.py");
    let mut child = Command::new("python3")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("python3 is needed to validate the iCal feeds (run scripts/setup.sh): {e}")
        });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ics.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => {}
        Some(3) => panic!("iCal validator unavailable: {err}"),
        _ => panic!("the iCal feed is invalid: {err}\n{ics}"),
    }
    serde_json::from_slice(&out.stdout).expect("the validator prints JSON")
}

/// `xmllint --noout --schema vendor/c3voc/schedule.xml.xsd`: fails the test with
/// xmllint's message (or, when xmllint is missing, with how to install it).
fn validate_schedule_xml(xml: &str) {
    let dir = std::env::temp_dir().join(format!("hackfest-xsd-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("schedule.xml");
    std::fs::write(&file, xml).unwrap();
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(repo_file("vendor/c3voc/schedule.xml.xsd"))
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "xmllint is needed to validate schedule.xml (Debian: apt-get install libxml2-utils; \
                 scripts/setup.sh installs it): {e}"
            )
        });
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "schedule.xml is not valid against the c3voc XSD: {}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn session_fields(slug: &str, title: &str, start: &str, end: &str) -> Vec<(&'static str, String)> {
    vec![
        ("slug", slug.into()),
        ("form[title]", title.into()),
        ("form[kind]", "meeting".into()),
        ("form[starts_at]", start.into()),
        ("form[ends_at]", end.into()),
    ]
}

async fn ok_json(r: reqwest::Response, what: &str) -> Value {
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{what}: {text}");
    serde_json::from_str(&text).unwrap()
}

async fn ics(app: &TestApp, path: &str) -> (String, Value) {
    let r = app.get(path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    assert_eq!(
        r.headers()[reqwest::header::CONTENT_TYPE],
        "text/calendar; charset=utf-8",
        "{path}"
    );
    let text = r.text().await.unwrap();
    let parsed = parse_ics(&text);
    (text, parsed)
}

fn event<'a>(cal: &'a Value, id: &str) -> &'a Value {
    cal["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["uid"].as_str().is_some_and(|u| u.starts_with(id)))
        .unwrap_or_else(|| panic!("no event {id} in {cal:#}"))
}

/// Sessions in a room and elsewhere; the whole hackfest's feed and the room's; a
/// reschedule and a cancellation seen through the feed.
async fn ical_feeds(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let h = app.hackfest("ics").await;
    let other = app.hackfest("ics-other").await;
    app.sign_in("olivia", "organizer").await;
    let room = ok_json(
        app.server_fn(
            "rooms/create",
            &[
                ("slug", h.slug.clone()),
                ("form[name]", "Fedora, 9th floor".into()),
            ],
        )
        .await,
        "room",
    )
    .await;
    let room_id = room["id"].as_str().unwrap().to_owned();
    let foreign_room = ok_json(
        app.server_fn(
            "rooms/create",
            &[
                ("slug", other.slug.clone()),
                ("form[name]", "Elsewhere".into()),
            ],
        )
        .await,
        "room",
    )
    .await;

    // A title far over 75 octets, of 2-, 3- and 4-octet characters, and text with
    // every character TEXT escapes.
    let title = "Žluťoučký kůň úpěl ďábelské ódy — €100 plán 🚀 pro úložiště, síť a ověřování";
    assert!(title.len() > 100);
    let agenda = "1. Quotas; tiers\n2. Backups, restores\n3. C:\\path";
    let mut f = session_fields(&h.slug, title, "2026-11-24T10:00", "2026-11-24T11:30");
    f.push(("form[room_id]", room_id.clone()));
    f.push(("form[participants]", "alice\nRed Hat Storage team".into()));
    f.push(("form[agenda]", agenda.into()));
    let s1 = ok_json(app.server_fn("sessions/create", &f).await, "session").await;
    let id1 = s1["id"].as_str().unwrap().to_owned();
    let mut f = session_fields(&h.slug, "Breakfast", "2026-11-25T08:00", "2026-11-25T09:00");
    f.push(("form[room]", "Hotel lobby".into()));
    f.push(("form[participants]", "kevin".into()));
    let s2 = ok_json(app.server_fn("sessions/create", &f).await, "session").await;
    let id2 = s2["id"].as_str().unwrap().to_owned();

    // Anyone reads the feed, signed in or not.
    let anon = app.with_new_client();
    let (raw, cal) = ics(&anon, "/h/ics/schedule.ics").await;
    assert_eq!(cal["calname"], h.title);
    assert_eq!(cal["version"], "2.0");
    assert_eq!(cal["events"].as_array().unwrap().len(), 2);
    let e = event(&cal, &id1);
    assert_eq!(e["uid"], format!("{id1}@127.0.0.1"));
    assert_eq!(e["summary"], title, "the folded title round-trips");
    assert_eq!(e["description"], agenda, "escaped text round-trips");
    assert_eq!(e["location"], "Fedora, 9th floor");
    assert_eq!(
        e["url"],
        format!("{}/h/ics/sessions/{id1}", app.address),
        "the session's page"
    );
    assert_eq!(e["status"], "CONFIRMED");
    assert_eq!(e["sequence"], 0);
    // 10:00 in Prague in November is 09:00 UTC; every time is UTC.
    assert_eq!(e["dtstart"], "2026-11-24T09:00:00+00:00");
    assert_eq!(e["dtend"], "2026-11-24T10:30:00+00:00");
    assert_eq!(e["utc"], true);
    assert_eq!(event(&cal, &id2)["location"], "Hotel lobby");
    // On the wire: escaped, folded (the title needs several lines), CRLF.
    assert!(raw.contains("1. Quotas\\; tiers\\n2. Backups\\, restores\\n3. C:\\\\path"));
    assert!(raw.contains("LOCATION:Fedora\\, 9th floor\r\n"));
    let summary_at = raw.find("SUMMARY:").unwrap();
    assert!(
        raw[summary_at..]
            .split("\r\n")
            .nth(1)
            .unwrap()
            .starts_with(' ')
    );
    assert!(raw.contains("DTSTART:20261124T090000Z\r\n"));

    // A reschedule raises SEQUENCE; the UID stays.
    let mut f = session_fields(&h.slug, title, "2026-11-24T14:00", "2026-11-24T15:00");
    f.push(("id", id1.clone()));
    f.push(("version", "1".into()));
    f.push(("form[room_id]", room_id.clone()));
    f.push(("form[participants]", "alice\nRed Hat Storage team".into()));
    f.push(("form[agenda]", agenda.into()));
    ok_json(app.server_fn("sessions/update", &f).await, "reschedule").await;
    let (_, cal) = ics(&anon, "/h/ics/schedule.ics").await;
    let e = event(&cal, &id1);
    assert_eq!(e["uid"], format!("{id1}@127.0.0.1"));
    assert_eq!(e["sequence"], 1);
    assert_eq!(e["dtstart"], "2026-11-24T13:00:00+00:00");

    // Cancelling: organizers only.
    let cancel = |version: &str| {
        vec![
            ("slug", h.slug.clone()),
            ("id", id1.clone()),
            ("version", version.to_owned()),
        ]
    };
    let r = anon.server_fn("sessions/cancel", &cancel("2")).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let attendee = app.with_new_client();
    attendee.sign_in("alice", "attendee").await;
    attendee.join(&h.slug).await;
    let r = attendee.server_fn("sessions/cancel", &cancel("2")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app.server_fn("sessions/cancel", &cancel("1")).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "a stale version");
    let r = app
        .server_fn(
            "sessions/cancel",
            &[
                ("slug", other.slug.clone()),
                ("id", id1.clone()),
                ("version", "2".into()),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "through another hackfest"
    );
    let done = ok_json(
        app.server_fn("sessions/cancel", &cancel("2")).await,
        "cancel",
    )
    .await;
    assert!(done["cancelled_at"].is_string(), "{done}");
    assert_eq!(done["version"], 3);
    // Again: nothing changes.
    let again = ok_json(
        app.server_fn("sessions/cancel", &cancel("3")).await,
        "cancel",
    )
    .await;
    assert_eq!(again["version"], 3);

    let (_, cal) = ics(&anon, "/h/ics/schedule.ics").await;
    let e = event(&cal, &id1);
    assert_eq!(
        e["status"], "CANCELLED",
        "a cancelled session stays, cancelled"
    );
    assert_eq!(e["sequence"], 2);
    assert_eq!(event(&cal, &id2)["status"], "CONFIRMED");

    // History and the bus know.
    let sid = uuid::Uuid::parse_str(&id1).unwrap();
    let hist = domain::history::for_entity(&app.db, h.id, "session", sid)
        .await
        .unwrap();
    assert_eq!(hist.len(), 3, "create, update, cancel");
    let cancel_entry = hist
        .iter()
        .find(|e| e.action == "cancel")
        .expect("a cancel entry");
    assert_eq!(cancel_entry.actor, "olivia");
    let rows = domain::outbox::after(&app.db, 0, Some(h.id), true, 100)
        .await
        .unwrap();
    let cancels: Vec<_> = rows
        .iter()
        .filter(|r| r.topic == "hackfest.session.cancel")
        .collect();
    assert_eq!(cancels.len(), 1);
    assert_eq!(cancels[0].schema_name, "hackfest.session.cancel.v1");
    let body = cancels[0].body_with_url(&app.address);
    assert_eq!(body["agent"], "olivia");
    assert_eq!(body["session"]["id"], id1);
    assert!(body["session"]["cancelled_at"].is_string(), "{body}");
    assert!(
        body["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/sessions/{id1}"))
    );

    // The page says so, and offers no second cancel.
    let html = app
        .get(&format!("/h/ics/sessions/{id1}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Cancelled"), "the page shows it is cancelled");
    assert!(!html.contains("Cancel this session"));
    let html = app
        .get(&format!("/h/ics/sessions/{id2}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Cancel this session"),
        "organizers see the button"
    );
    let html = attendee
        .get(&format!("/h/ics/sessions/{id2}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("Cancel this session"), "attendees do not");

    // A cancelled session no longer holds its room.
    let mut f = session_fields(
        &h.slug,
        "Takes the slot",
        "2026-11-24T14:00",
        "2026-11-24T15:00",
    );
    f.push(("form[room_id]", room_id.clone()));
    ok_json(app.server_fn("sessions/create", &f).await, "the freed slot").await;

    // One room's feed: its sessions only.
    let (_, cal) = ics(&anon, &format!("/h/ics/rooms/{room_id}/schedule.ics")).await;
    assert_eq!(cal["calname"], format!("{}: Fedora, 9th floor", h.title));
    let events = cal["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{cal:#}");
    assert!(events.iter().all(|e| e["location"] == "Fedora, 9th floor"));

    // Another hackfest's room, an unknown one, a malformed id, an unknown hackfest: 404.
    for path in [
        format!(
            "/h/ics/rooms/{}/schedule.ics",
            foreign_room["id"].as_str().unwrap()
        ),
        format!("/h/ics/rooms/{}/schedule.ics", uuid::Uuid::now_v7()),
        "/h/ics/rooms/not-a-uuid/schedule.ics".to_owned(),
        "/h/nope/schedule.ics".to_owned(),
        format!("/h/nope/rooms/{room_id}/schedule.ics"),
        "/h/nope/schedule.xml".to_owned(),
        "/h/nope/schedule.json".to_owned(),
    ] {
        let r = anon.get(&path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }

    // The session page's button is a plain form: without JavaScript the browser
    // posts it and is sent back to the page.
    let page = format!("{}/h/ics/sessions/{id2}", app.address);
    let r = app
        .client
        .post(format!("{}/api/sessions/cancel", app.address))
        .header(reqwest::header::ACCEPT, "text/html")
        .header(reqwest::header::REFERER, &page)
        .form(&[
            ("slug", h.slug.clone()),
            ("id", id2.clone()),
            ("version", "1".into()),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let to = r.headers()[reqwest::header::LOCATION].to_str().unwrap();
    assert!(to.contains(&format!("/h/ics/sessions/{id2}")), "{to}");
    let (_, cal) = ics(&anon, "/h/ics/schedule.ics").await;
    assert_eq!(event(&cal, &id2)["status"], "CANCELLED");

    // A revalidation is a 304.
    let r = anon.get("/h/ics/schedule.ics").await;
    let tag = r.headers()[reqwest::header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    let r = anon
        .client
        .get(format!("{}/h/ics/schedule.ics", anon.address))
        .header(reqwest::header::IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(r.headers()[reqwest::header::ETAG].to_str().unwrap(), tag);
    // Another document of the hackfest has another tag.
    let room_tag = anon
        .get(&format!("/h/ics/rooms/{room_id}/schedule.ics"))
        .await
        .headers()[reqwest::header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(room_tag, tag);
    // A change (here a room renamed, which every session's location shows) makes the
    // old tag stale: the feed is sent again, with the new name.
    let renamed = ok_json(
        app.server_fn(
            "rooms/update",
            &[
                ("slug", h.slug.clone()),
                ("id", room_id.clone()),
                ("version", room["version"].to_string()),
                ("form[name]", "Fedora".into()),
            ],
        )
        .await,
        "rename",
    )
    .await;
    assert_eq!(renamed["name"], "Fedora");
    let r = anon
        .client
        .get(format!("{}/h/ics/schedule.ics", anon.address))
        .header(reqwest::header::IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_ne!(r.headers()[reqwest::header::ETAG].to_str().unwrap(), tag);
    assert!(r.text().await.unwrap().contains("LOCATION:Fedora\r\n"));
}

#[tokio::test]
async fn ical_feeds_on_sqlite() {
    ical_feeds(Backend::Sqlite).await;
}

#[tokio::test]
async fn ical_feeds_on_postgres() {
    ical_feeds(Backend::Postgres).await;
}

/// The private URL in the page that shows it once.
async fn rotate(app: &TestApp, slug: &str) -> String {
    let r = app
        .client
        .post(format!("{}/h/{slug}/calendar/token", app.address))
        .form(&[("op", "rotate")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[reqwest::header::CACHE_CONTROL], "no-store");
    let html = r.text().await.unwrap();
    let start = html
        .find(&format!("{}/h/{slug}/calendar/", app.address))
        .unwrap_or_else(|| panic!("no private URL in {html}"));
    let end = start + html[start..].find(".ics").unwrap() + ".ics".len();
    html[start..end].trim_start_matches(&app.address).to_owned()
}

async fn private_calendar(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let h = app.hackfest("cal").await;
    app.hackfest("cal-other").await;
    app.sign_in("alice", "attendee").await;
    app.join(&h.slug).await;
    for (title, who) in [
        ("Mine", "alice\nkevin"),
        ("Not mine", "kevin"),
        ("Also mine", "alice"),
    ] {
        let mut f = session_fields(&h.slug, title, "2026-11-24T10:00", "2026-11-24T11:00");
        f.push(("form[participants]", who.into()));
        ok_json(app.server_fn("sessions/create", &f).await, title).await;
    }
    let anon = app.with_new_client();

    let html = app.get("/h/cal/calendar").await.text().await.unwrap();
    assert!(html.contains("Create my private URL"), "{html}");
    assert!(html.contains("/h/cal/schedule.ics"));
    let html = anon.get("/h/cal/calendar").await.text().await.unwrap();
    assert!(!html.contains("Create my private URL"));
    assert!(html.contains("Sign in to get a private calendar URL"));

    // Signed-in people only.
    let r = anon
        .client
        .post(format!("{}/h/cal/calendar/token", anon.address))
        .form(&[("op", "rotate")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // A cross-site form post is refused (the CSRF check), whoever is signed in.
    let r = app
        .client
        .post(format!("{}/h/cal/calendar/token", app.address))
        .header(reqwest::header::ORIGIN, "https://evil.example")
        .form(&[("op", "rotate")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .client
        .post(format!("{}/h/cal/calendar/token", app.address))
        .form(&[("op", "explode")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let first = rotate(&app, "cal").await;
    let token = first
        .trim_start_matches("/h/cal/calendar/")
        .trim_end_matches(".ics")
        .to_owned();
    assert_eq!(token.len(), 43, "32 bytes, base64url");
    // Only its hash is stored.
    let stored: Vec<String> = domain::on_db!(&app.db, p => sqlx::query_scalar(
        "SELECT token_hash FROM calendar_tokens").fetch_all(p).await)
    .unwrap();
    assert_eq!(stored, [domain::schedule::token::hash(&token)]);
    assert!(!stored[0].contains(&token));

    // The URL needs no cookie: a calendar app has none.
    let (_, cal) = ics(&anon, &first).await;
    assert_eq!(cal["calname"], format!("{}: alice", h.title));
    let mut titles: Vec<&str> = cal["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    titles.sort();
    assert_eq!(titles, ["Also mine", "Mine"]);
    let r = anon.get(&first).await;
    assert_eq!(
        r.headers()[reqwest::header::CACHE_CONTROL],
        "private, max-age=60"
    );

    let html = app.get("/h/cal/calendar").await.text().await.unwrap();
    assert!(html.contains("Rotate my private URL") && html.contains("Revoke my private URL"));
    assert!(
        !html.contains(&token),
        "the page never shows the token again"
    );

    // What a wrong token gets; every other bad token must get exactly the same.
    let made_up = format!("/h/cal/calendar/{}.ics", "A".repeat(43));
    let r = anon.get(&made_up).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let wrong = r.text().await.unwrap();

    // Rotating: the new one works, the old one is gone.
    let second = rotate(&app, "cal").await;
    assert_ne!(first, second);
    assert_eq!(anon.get(&second).await.status(), StatusCode::OK);
    let r = anon.get(&first).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "the rotated-away token");
    assert_eq!(r.text().await.unwrap(), wrong, "no hint which");
    // Not through another hackfest, nor without .ics, nor malformed.
    for path in [
        second.replace("/h/cal/", "/h/cal-other/"),
        second.trim_end_matches(".ics").to_owned(),
        format!("{}x.ics", second.trim_end_matches(".ics")),
        "/h/cal/calendar/..%2F..%2Fetc%2Fpasswd.ics".to_owned(),
        "/h/cal/calendar/.ics".to_owned(),
        second.replace("/h/cal/", "/h/nope/"),
    ] {
        let r = anon.get(&path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }

    // Revoking: back to the page; the token is a 404 like any other.
    let r = app
        .client
        .post(format!("{}/h/cal/calendar/token", app.address))
        .form(&[("op", "revoke")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[reqwest::header::LOCATION], "/h/cal/calendar");
    let r = anon.get(&second).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "the revoked token");
    assert_eq!(r.text().await.unwrap(), wrong, "no hint which");
    let html = app.get("/h/cal/calendar").await.text().await.unwrap();
    assert!(html.contains("You have no private URL yet."));
}

#[tokio::test]
async fn private_calendar_on_sqlite() {
    private_calendar(Backend::Sqlite).await;
}

#[tokio::test]
async fn private_calendar_on_postgres() {
    private_calendar(Backend::Postgres).await;
}

fn xml_event_ids(xml: &str) -> Vec<(String, u64)> {
    // `<event id="N" guid="G">`, as the exporter writes it.
    xml.split("<event id=\"")
        .skip(1)
        .map(|rest| {
            let (id, rest) = rest.split_once('"').unwrap();
            let guid = rest
                .split("guid=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            (guid.to_owned(), id.parse().unwrap())
        })
        .collect()
}

async fn frab_export(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let h = app.hackfest("frab").await;
    app.sign_in("olivia", "organizer").await;
    let room = ok_json(
        app.server_fn(
            "rooms/create",
            &[
                ("slug", h.slug.clone()),
                ("form[name]", "Fedora <9th> & \"co\"".into()),
            ],
        )
        .await,
        "room",
    )
    .await;
    let xss = "</title><script>alert(1)</script> & \"quotes\" 'apos' \u{1f680}";
    let mut f = session_fields(&h.slug, xss, "2026-11-24T10:00", "2026-11-24T11:30");
    f.push(("form[room_id]", room["id"].as_str().unwrap().into()));
    f.push(("form[participants]", "alice\nRed Hat Storage team".into()));
    f.push(("form[agenda]", "<b>bold</b> & ]]> done".into()));
    let booked = ok_json(app.server_fn("sessions/create", &f).await, "booked").await;
    let mut f = session_fields(&h.slug, "Dinner", "2026-11-25T19:00", "2026-11-25T21:00");
    f.push(("form[room]", "Restaurant".into()));
    let placed = ok_json(app.server_fn("sessions/create", &f).await, "placed").await;
    let f = session_fields(
        &h.slug,
        "日本語だけ",
        "2026-11-26T09:00",
        "2026-11-26T09:45",
    );
    let nowhere = ok_json(app.server_fn("sessions/create", &f).await, "nowhere").await;
    let f = session_fields(
        &h.slug,
        "Called off",
        "2026-11-26T10:00",
        "2026-11-26T11:00",
    );
    let off = ok_json(app.server_fn("sessions/create", &f).await, "off").await;
    ok_json(
        app.server_fn(
            "sessions/cancel",
            &[
                ("slug", h.slug.clone()),
                ("id", off["id"].as_str().unwrap().into()),
                ("version", "1".into()),
            ],
        )
        .await,
        "cancel",
    )
    .await;

    let anon = app.with_new_client();
    let r = anon.get("/h/frab/schedule.xml").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()[reqwest::header::CONTENT_TYPE],
        "application/xml; charset=utf-8"
    );
    let xml = r.text().await.unwrap();
    validate_schedule_xml(&xml);
    assert!(!xml.contains("<script>"), "escaped");
    assert!(xml.contains("<room name=\"Fedora &lt;9th&gt; &amp; &quot;co&quot;\""));
    assert!(xml.contains("<room name=\"Restaurant\""));
    assert!(xml.contains("<room name=\"Unassigned\""));
    assert!(xml.contains("<time_zone_name>Europe/Prague</time_zone_name>"));
    assert!(xml.contains("<date>2026-11-24T10:00:00+01:00</date>"));
    assert!(xml.contains("<duration>01:30</duration>"));
    assert!(xml.contains("<person id=\""));
    assert!(
        !xml.contains("Called off"),
        "a cancelled session is left out"
    );
    let ids = xml_event_ids(&xml);
    assert_eq!(ids.len(), 3);
    for s in [&booked, &placed, &nowhere] {
        assert!(ids.iter().any(|(g, _)| g == s["id"].as_str().unwrap()));
    }
    // Stable: the same ids after an edit, and in the JSON.
    let mut f = session_fields(
        &h.slug,
        "Dinner, later",
        "2026-11-25T20:00",
        "2026-11-25T22:00",
    );
    f.push(("form[room]", "Restaurant".into()));
    f.push(("id", placed["id"].as_str().unwrap().into()));
    f.push(("version", "1".into()));
    ok_json(app.server_fn("sessions/update", &f).await, "edit").await;
    let xml2 = anon.get("/h/frab/schedule.xml").await.text().await.unwrap();
    validate_schedule_xml(&xml2);
    let mut a = ids.clone();
    let mut b = xml_event_ids(&xml2);
    a.sort();
    b.sort();
    assert_eq!(a, b, "event ids are stable across changes");

    let r = anon.get("/h/frab/schedule.json").await;
    assert_eq!(r.status(), StatusCode::OK);
    let j: Value = r.json().await.unwrap();
    let conf = &j["schedule"]["conference"];
    assert_eq!(conf["acronym"], "frab");
    assert_eq!(conf["title"], h.title);
    let days = conf["days"].as_array().unwrap();
    assert_eq!(days.len(), 5, "every day of the hackfest");
    assert_eq!(days[0]["index"], 0);
    assert_eq!(days[0]["date"], "2026-11-23");
    let events: Vec<&Value> = days
        .iter()
        .flat_map(|d| d["rooms"].as_object().unwrap().values())
        .flat_map(|list| list.as_array().unwrap())
        .collect();
    assert_eq!(events.len(), 3);
    for e in &events {
        let (_, id) = b.iter().find(|(g, _)| e["guid"] == g.as_str()).unwrap();
        assert_eq!(e["id"], *id, "the JSON and the XML agree");
    }
    let first = &days[1]["rooms"]["Fedora <9th> & \"co\""][0];
    assert_eq!(first["title"], xss);
    assert_eq!(first["start"], "10:00");
    assert_eq!(first["persons"][1]["public_name"], "Red Hat Storage team");
    assert_eq!(days[3]["rooms"]["Unassigned"][0]["title"], "日本語だけ");
}

#[tokio::test]
async fn frab_export_on_sqlite() {
    frab_export(Backend::Sqlite).await;
}

#[tokio::test]
async fn frab_export_on_postgres() {
    frab_export(Backend::Postgres).await;
}

/// The demo hackfest (rooms, a week of sessions) exports valid documents.
#[tokio::test]
async fn the_demo_exports_valid_schedules() {
    let app = spawn_app_on(Backend::Sqlite).await;
    domain::demo::load(&app.db).await.unwrap();
    let slug = domain::demo::DEMO_SLUG;
    let xml = app
        .get(&format!("/h/{slug}/schedule.xml"))
        .await
        .text()
        .await
        .unwrap();
    validate_schedule_xml(&xml);
    let (_, cal) = ics(&app, &format!("/h/{slug}/schedule.ics")).await;
    assert!(!cal["events"].as_array().unwrap().is_empty());
    let html = app
        .get(&format!("/h/{slug}/calendar"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("/rooms/") && html.contains("schedule.ics"));
}

/// The validators are real: each refuses what it must (else a broken feed would pass).
#[test]
fn the_validators_refuse_broken_documents() {
    // A 100-octet unfolded line, and a bare LF.
    for bad in [
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-WR-CALNAME:{}\r\nEND:VCALENDAR\r\n",
            "x".repeat(100)
        ),
        "BEGIN:VCALENDAR\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n".to_owned(),
    ] {
        let out = Command::new("python3")
            .arg(repo_file("scripts/validate/ical.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                c.stdin.take().unwrap().write_all(bad.as_bytes())?;
                c.wait_with_output()
            })
            .expect("python3 runs");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // An event without its required id and guid.
    let bad = "<?xml version=\"1.0\"?>\n<schedule><version>1</version><conference>\
               <title>x</title></conference><day index=\"1\" date=\"2026-11-23\" \
               start=\"2026-11-23T00:00:00+01:00\" end=\"2026-11-24T00:00:00+01:00\">\
               <room name=\"r\"><event><title>t</title></event></room></day></schedule>\n";
    let refused = std::panic::catch_unwind(|| validate_schedule_xml(bad));
    assert!(refused.is_err(), "xmllint accepted an invalid schedule.xml");
}

/// People conflicts and breakouts over HTTP (issue 12, items 3 and 5): a save answers
/// with its warnings; attendees book only breakout rooms (a 422 naming the room);
/// acknowledging is the organizers' (401, 403), posts as a plain form without
/// JavaScript, and shows who acknowledged on the session's page.
async fn warnings_and_breakouts(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let h = app.hackfest("warn").await;
    app.sign_in("olivia", "organizer").await;
    let room = |name: &str, capacity: &str, breakouts: bool| {
        let mut f = vec![
            ("slug", h.slug.clone()),
            ("form[name]", name.to_owned()),
            ("form[capacity]", capacity.to_owned()),
        ];
        if breakouts {
            f.push(("form[open_for_breakouts]", "on".into()));
        }
        f
    };
    let fedora = ok_json(
        app.server_fn("rooms/create", &room("Fedora", "1", false))
            .await,
        "room",
    )
    .await;
    let lobby = ok_json(
        app.server_fn("rooms/create", &room("Lobby", "", true))
            .await,
        "room",
    )
    .await;
    let mut f = session_fields(&h.slug, "Storage", "2026-11-24T10:00", "2026-11-24T11:00");
    f.push(("form[room_id]", fedora["id"].as_str().unwrap().into()));
    f.push(("form[participants]", "alice\nRed Hat Storage team".into()));
    let s = ok_json(app.server_fn("sessions/create", &f).await, "session").await;
    assert_eq!(s["warnings"][0]["kind"], "over_capacity", "{s}");
    let key = s["warnings"][0]["key"].as_str().unwrap().to_owned();
    let id = s["id"].as_str().unwrap().to_owned();

    let attendee = app.with_new_client();
    attendee.sign_in("alice", "attendee").await;
    attendee.join(&h.slug).await;
    let mut b = session_fields(&h.slug, "Breakout", "2026-11-24T10:00", "2026-11-24T11:00");
    b.push(("form[room_id]", fedora["id"].as_str().unwrap().into()));
    let r = attendee.server_fn("sessions/create", &b).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("room_id") && body.contains("Room Fedora is booked by the organizers"),
        "{body}"
    );
    b.pop();
    b.push(("form[room_id]", lobby["id"].as_str().unwrap().into()));
    b.push(("form[participants]", "Red Hat Storage team".into()));
    let mine = ok_json(attendee.server_fn("sessions/create", &b).await, "breakout").await;
    assert_eq!(mine["room"], "Lobby");
    assert_eq!(mine["warnings"][0]["kind"], "double_booked", "{mine}");

    let ack = |version: &str, key: &str| {
        vec![
            ("slug", h.slug.clone()),
            ("id", id.clone()),
            ("version", version.to_owned()),
            ("key", key.to_owned()),
        ]
    };
    let anon = app.with_new_client();
    let r = anon
        .server_fn("sessions/acknowledge", &ack("1", &key))
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = attendee
        .server_fn("sessions/acknowledge", &ack("1", &key))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .server_fn("sessions/acknowledge", &ack("1", "made-up"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("no longer raised"));

    // The session page's button is a plain form: posted without JavaScript, the
    // browser is sent back to the page, which says who acknowledged.
    let page = format!("{}/h/{}/sessions/{id}", app.address, h.slug);
    let r = app
        .client
        .post(format!("{}/api/sessions/acknowledge", app.address))
        .header(reqwest::header::ACCEPT, "text/html")
        .header(reqwest::header::REFERER, &page)
        .form(&ack("1", &key))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let html = app
        .client
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Acknowledged by olivia"),
        "the page shows who"
    );
    assert!(
        html.contains("Red Hat Storage team is also in"),
        "and the open one"
    );
    let tt = app
        .client
        .get(format!(
            "{}/h/{}/schedule?day=2026-11-24",
            app.address, h.slug
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        tt.contains("2 warnings on this day"),
        "one acknowledged of three"
    );
}

#[tokio::test]
async fn warnings_and_breakouts_on_sqlite() {
    warnings_and_breakouts(Backend::Sqlite).await;
}

#[tokio::test]
async fn warnings_and_breakouts_on_postgres() {
    warnings_and_breakouts(Backend::Postgres).await;
}
