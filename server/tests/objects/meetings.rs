//! A meeting's log into a session over HTTP (issue 15, item 1): the import page is a
//! plain form; "Preview" answers with the page and the list under the typed log (422,
//! nothing written), "Import" creates and goes to the session (303); again, nothing
//! new. Members only; bad logs are field errors on `log`; a huge one is refused whole.

use super::common::spawn_app;
use reqwest::StatusCode;

const LOG: &str = "\
[16:30:02] <nirik> #startmeeting Infrastructure
[16:31:00] <nirik> #topic Storage plans
[16:31:20] <kevin> #info the archive volumes hold 180 TB
[16:32:00] <nirik> #agreed Archive volumes go on the slow tier
[16:32:30] <nirik> #action kevin to order the racks
[16:36:00] <nirik> #endmeeting
";

fn form(version: i64, log: &str, op: &str) -> Vec<(&'static str, String)> {
    vec![
        ("version", version.to_string()),
        ("form[log]", log.into()),
        ("form[map]", String::new()),
        ("form[op]", op.into()),
    ]
}

#[tokio::test]
async fn a_meeting_is_imported_with_and_without_javascript() {
    let app = spawn_app().await;
    let h = app.hackfest("meet").await;
    let s = domain::session::service::create(
        &app.db,
        &h,
        &domain::session::SessionForm {
            title: "Infrastructure meeting".into(),
            kind: "meeting".into(),
            starts_at: "2026-11-24T16:30".into(),
            ends_at: "2026-11-24T17:30".into(),
            ..Default::default()
        },
        "tester",
    )
    .await
    .unwrap();
    let page = format!("/h/meet/sessions/{}/import", s.id);

    // Anonymous and visitors may not.
    let r = app
        .server_fn(
            "sessions/import-page",
            &[("slug", "meet".into()), ("id", s.id.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let visitor = app.with_new_client();
    visitor.sign_in("vera", "attendee").await;
    let r = visitor
        .post_form(&page, &form(s.version, LOG, "import"))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    app.sign_in("kevin", "attendee").await;
    app.join("meet").await;
    // The page: a POST form to its own address, linked from the session.
    let html = app
        .get(&format!("/h/meet/sessions/{}", s.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("href=\"{page}\"")),
        "the session links its import"
    );
    let html = app.get(&page).await.text().await.unwrap();
    assert!(html.contains(&format!("action=\"{page}\"")) && html.contains("method=\"post\""));

    // Preview without JavaScript: the page again, the list, the typed log, nothing written.
    let r = app.post_form(&page, &form(s.version, LOG, "preview")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Importing creates 1 decision, 1 action item and 1 note."),
        "{html:.3000}"
    );
    assert!(html.contains("Archive volumes go on the slow tier"));
    assert!(
        html.contains("the archive volumes hold 180 TB"),
        "the typed log is kept"
    );
    assert!(html.contains("line 4, nirik, 16:32:00"));
    assert_eq!(
        domain::decision::service::list(&app.db, h.id)
            .await
            .unwrap()
            .len(),
        0
    );

    // The log uploaded as a file (multipart/form-data): the same preview, the file's
    // text now in the log field; a binary file is an error on the log.
    let upload = |content: &[u8]| {
        let b = "----hackfest-test-boundary";
        let mut body = Vec::new();
        for (k, v) in [
            ("id", s.id.to_string()),
            ("version", s.version.to_string()),
            ("form[map]", String::new()),
            ("form[op]", "preview".into()),
        ] {
            body.extend(
                format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                    .as_bytes(),
            );
        }
        body.extend(format!("--{b}\r\nContent-Disposition: form-data; name=\"form[log]\"; filename=\"meeting.log\"\r\nContent-Type: text/plain\r\n\r\n").as_bytes());
        body.extend(content);
        body.extend(format!("\r\n--{b}--\r\n").as_bytes());
        app.client
            .post(format!("{}{page}", app.address))
            .header("origin", &app.address)
            .header("accept", "text/html")
            .header("content-type", format!("multipart/form-data; boundary={b}"))
            .body(body)
            .send()
    };
    let r = upload(LOG.as_bytes()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Importing creates 1 decision, 1 action item and 1 note."),
        "{html:.2000}"
    );
    assert!(
        html.contains("the archive volumes hold 180 TB"),
        "the file's text is in the log field"
    );
    let r = upload(b"\x00\x01\x02\xff\xfe binary").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().await.unwrap().contains("it holds binary data"),
        "an error on the log"
    );
    let big = vec![b'a'; 2 * 1024 * 1024];
    assert_eq!(
        upload(&big).await.unwrap().status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );

    // Import: 303 to the session, which has its decision, action and notes.
    let r = app.post_form(&page, &form(s.version, LOG, "import")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        format!("/h/meet/sessions/{}", s.id).as_str()
    );
    let decisions = domain::decision::service::list(&app.db, h.id)
        .await
        .unwrap();
    assert_eq!(decisions.len(), 1);
    let actions = domain::action::service::list(&app.db, h.id).await.unwrap();
    assert_eq!(
        actions[0].owner, "kevin",
        "kevin has signed in here: he owns it"
    );
    let html = app
        .get(&format!("/h/meet/sessions/{}", s.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Storage plans") && html.contains("imported a meeting"),
        "notes and history"
    );

    // Again, through the server function as the browser calls it: nothing new.
    let mut again = vec![("slug", "meet".to_owned()), ("id", s.id.to_string())];
    again.extend(form(s.version, LOG, "import"));
    let r = app.server_fn("sessions/import-minutes", &again).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["counts"]["already"], 3);
    assert_eq!(body["counts"]["decisions"], 0);

    // Bad logs: a field error on `log`, the page again; a huge one is refused whole.
    for (log, says) in [
        ("no commands here\n<a> hello", "No MeetBot command"),
        ("<a> #info \u{0}", "binary"),
    ] {
        let r = app.post_form(&page, &form(s.version, log, "import")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        let at = html.find("id=\"log-error\"").expect("the log's error");
        assert!(html[at..at + 400].contains(says), "{}", &html[at..at + 400]);
    }
    let huge = "<a> #info x\n".repeat(1_000_000);
    let r = app
        .post_form(&page, &form(s.version, &huge, "import"))
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        domain::decision::service::list(&app.db, h.id)
            .await
            .unwrap()
            .len(),
        1
    );
    // Another hackfest's session: not found.
    app.hackfest("other").await;
    let r = app
        .post_form(
            &format!("/h/other/sessions/{}/import", s.id),
            &form(1, LOG, "import"),
        )
        .await;
    assert!(
        r.status() == StatusCode::NOT_FOUND || r.status() == StatusCode::FORBIDDEN,
        "{}",
        r.status()
    );
}
