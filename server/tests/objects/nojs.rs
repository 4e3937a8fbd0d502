//! Create and edit forms without JavaScript: a plain form post to the editor page's
//! own address saves (303 to the object) or answers with the page again (422/409),
//! the messages beside their fields and the typed values kept.

use super::common::spawn_app;
use reqwest::StatusCode;

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn action_form(title: &str, owner: &str) -> Vec<(&'static str, String)> {
    vec![
        ("slug", "forms".into()),
        ("version", "0".into()),
        ("form[title]", title.into()),
        ("form[owner]", owner.into()),
        ("form[due_date]", String::new()),
        ("form[status]", "open".into()),
        ("form[description]", "Typed *before* the error".into()),
        ("form[goal_id]", String::new()),
        ("form[session_id]", String::new()),
        ("form[decision_id]", String::new()),
    ]
}

/// The `<p class="field-error" id="{field}-error" …>` element, up to its end.
fn field_error(html: &str, field: &str) -> String {
    let start = html
        .find(&format!("id=\"{field}-error\""))
        .unwrap_or_else(|| panic!("no {field}-error in the page"));
    let open = html[..start].rfind('<').unwrap();
    let end = start + html[start..].find("</p>").unwrap();
    html[open..end].to_owned()
}

#[tokio::test]
async fn forms_save_without_javascript_and_keep_what_was_typed() {
    let app = spawn_app().await;
    let h = app.hackfest("forms").await;
    app.sign_in("alice", "attendee").await;
    app.join("forms").await;

    // The editor is a POST form to its own address; nothing typed ever goes by GET.
    let page = app.get("/h/forms/actions/new").await.text().await.unwrap();
    let form = &page[page.find("id=\"editor-form\"").expect("the editor form")..];
    let form = &form[..form.find('>').unwrap()];
    assert!(form.contains("method=\"post\""), "{form}");
    assert!(form.contains("action=\"/h/forms/actions/new\""), "{form}");

    // A bad title: the same page, 422, the message beside the field, the typed text kept.
    let r = app
        .post_form("/h/forms/actions/new", &action_form("  ", "bob"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = r.text().await.unwrap();
    let title_error = field_error(&html, "title");
    assert!(title_error.contains("Title is required."), "{title_error}");
    assert!(!title_error.contains("hidden"), "{title_error}");
    assert!(html.contains("value=\"bob\""), "the typed owner is kept");
    assert!(html.contains("Typed *before* the error</textarea>"));
    assert!(html.contains("data-posted="), "the state for hydration");
    assert_eq!(
        domain::action::service::list(&app.db, h.id)
            .await
            .unwrap()
            .len(),
        0,
        "nothing written"
    );

    // Fixed: 303 to the new action item's page.
    let r = app
        .post_form("/h/forms/actions/new", &action_form("Ship it", "bob"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    assert!(to.starts_with("/h/forms/actions/"), "{to}");
    let shown = app.get(&to).await;
    assert_eq!(shown.status(), StatusCode::OK);
    assert!(shown.text().await.unwrap().contains("Ship it"));
    let id = to.rsplit('/').next().unwrap().to_owned();

    // An edit from version 1 saves; a second edit from version 1 meets the conflict:
    // 409, the page with the saved values and the person's, nothing overwritten.
    let edit = format!("/h/forms/actions/{id}/edit");
    let mut f = action_form("Ship it today", "bob");
    f[1].1 = "1".into();
    let r = app.post_form(&edit, &f).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), to);
    let mut f = action_form("Ship it tomorrow", "carol");
    f[1].1 = "1".into();
    let r = app.post_form(&edit, &f).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Someone else saved this action item"),
        "{html}"
    );
    assert!(html.contains("Ship it today"), "the saved title");
    assert!(
        html.contains("value=\"Ship it tomorrow\""),
        "the typed title"
    );
    assert!(html.contains("name=\"over_version\" value=\"2\""));
    let stored = domain::action::service::get(&app.db, h.id, id.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(stored.title, "Ship it today");

    // "Save mine over it" without JavaScript: the same form, over the stored version.
    f.push(("over_version", "2".into()));
    let r = app.post_form(&edit, &f).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let stored = domain::action::service::get(&app.db, h.id, id.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(
        (stored.title.as_str(), stored.owner.as_str()),
        ("Ship it tomorrow", "carol")
    );

    // A session with two goals ticked (one field posted twice), and a wiki page whose
    // address is its slug (the id comes with the form).
    let g1 = app.goal(&h, "Faster CI").await;
    let g2 = app.goal(&h, "Fewer flakes").await;
    let r = app
        .post_form(
            "/h/forms/sessions/new",
            &[
                ("version", "0".into()),
                ("form[title]", "CI planning".into()),
                ("form[kind]", "meeting".into()),
                ("form[starts_at]", "2026-11-24T10:00".into()),
                ("form[ends_at]", "2026-11-24T11:00".into()),
                ("form[goal_ids]", String::new()),
                ("form[goal_ids]", g1.id.to_string()),
                ("form[goal_ids]", g2.id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let s = app.get(&location(&r)).await.text().await.unwrap();
    assert!(s.contains("Faster CI") && s.contains("Fewer flakes"));

    let page_form = |version: &str, body: &str| {
        vec![
            ("version", version.to_owned()),
            ("form[title]", "Runbook".to_owned()),
            ("form[slug]", String::new()),
            ("form[body]", body.to_owned()),
            ("form[comment]", String::new()),
        ]
    };
    let r = app
        .post_form("/h/forms/pages/new", &page_form("0", "First"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/h/forms/pages/runbook");
    let pid = domain::page::service::get(&app.db, &h, "runbook")
        .await
        .unwrap()
        .id
        .to_string();
    let mut f = page_form("1", "Second");
    f.push(("id", pid.clone()));
    let r = app.post_form("/h/forms/pages/runbook/edit", &f).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut f = page_form("1", "Third, from a stale form");
    f.push(("id", pid));
    let r = app.post_form("/h/forms/pages/runbook/edit", &f).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("Third, from a stale form</textarea>"));
    assert!(html.contains("<td class=\"theirs\">Second</td>"), "{html}");
}

#[tokio::test]
async fn form_posts_are_refused_like_server_functions() {
    let app = spawn_app().await;
    app.hackfest("closed").await;
    // Another site's form: refused before anything runs.
    let r = app
        .client
        .post(format!("{}/h/closed/actions/new", app.address))
        .header("origin", "https://evil.example")
        .form(&action_form("x", ""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Not signed in: the page again, 401, saying so.
    let r = app
        .post_form("/h/closed/actions/new", &action_form("x", ""))
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let html = r.text().await.unwrap();
    assert!(html.contains("Please sign in."), "{html}");
    assert!(html.contains("value=\"x\""));
    // A malformed version names its field, as the server function does.
    app.sign_in("alice", "attendee").await;
    app.join("closed").await;
    let r = app
        .post_form("/h/closed/actions/new", &action_form("Kept", ""))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut f = action_form("x", "");
    f[1].1 = "abc".into();
    let r = app.post_form(&format!("{}/edit", location(&r)), &f).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("whole number"));
    // A page that does not exist stays a 404 whatever was posted to it.
    let r = app
        .post_form(
            &format!("/h/nowhere/actions/{}/edit", uuid::Uuid::now_v7()),
            &action_form("x", ""),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
