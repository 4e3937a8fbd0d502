//! Issue 11: summaries over HTTP. An organizer drafts a day from the record, edits and
//! publishes it; anyone reads it without JavaScript or WASM; the page and the feeds
//! revalidate with ETags; Atom parses with Python's feedparser; drafts stay private.

use super::common::{TestApp, spawn_app};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use serde_json::Value;

const MONDAY: &str = "2026-11-23";

async fn organizer(slug: &str) -> (TestApp, domain::hackfest::Hackfest) {
    let app = spawn_app().await;
    let h = app.hackfest(slug).await;
    app.sign_in("olivia", "organizer").await;
    (app, h)
}

async fn json(r: reqwest::Response) -> Value {
    let status = r.status();
    let text = r.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: {text}"))
}

/// Drafts Monday's summary from the record and returns (id, version).
async fn draft_monday(app: &TestApp, slug: &str) -> (String, i64) {
    let r = app
        .server_fn(
            "summaries/generate",
            &[("slug", slug.to_owned()), ("day", MONDAY.into())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let s = json(r).await;
    (
        s["id"].as_str().unwrap().to_owned(),
        s["version"].as_i64().unwrap(),
    )
}

async fn publish(app: &TestApp, slug: &str, id: &str, version: i64) -> reqwest::Response {
    app.server_fn(
        "summaries/publish",
        &[
            ("slug", slug.to_owned()),
            ("id", id.to_owned()),
            ("version", version.to_string()),
        ],
    )
    .await
}

async fn edit(app: &TestApp, slug: &str, id: &str, version: i64, body: &str) -> Value {
    let r = app
        .server_fn(
            "summaries/update",
            &[
                ("slug", slug.to_owned()),
                ("id", id.to_owned()),
                ("version", version.to_string()),
                ("form[title]", "Monday: the auth systems".into()),
                ("form[body]", body.to_owned()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    json(r).await
}

/// Parses `xml` with Python's feedparser; returns its verdict as JSON
/// (`bozo`, entry ids, titles, links). A missing feedparser fails the test.
fn feedparser(xml: &str) -> Value {
    use std::io::Write;
    let script = "import sys, json, feedparser\n\
                  d = feedparser.parse(sys.stdin.buffer.read())\n\
                  print(json.dumps({'bozo': bool(d.bozo), 'error': str(d.get('bozo_exception', '')), \
                  'version': d.version, 'title': d.feed.get('title'), \
                  'ids': [e.id for e in d.entries], 'titles': [e.title for e in d.entries], \
                  'links': [e.link for e in d.entries], 'updated': [e.updated for e in d.entries], \
                  'content': [e.content[0].value for e in d.entries]}))";
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(xml.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "feedparser (pip install feedparser; make test installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn a_published_day_is_public_cached_and_in_the_feeds() {
    let (app, h) = organizer("summary-flow").await;
    let slug = h.slug.clone();
    // Monday's record: a session held.
    let r = app
        .server_fn(
            "sessions/create",
            &[
                ("slug", slug.clone()),
                ("form[title]", "Auth systems <dump>".into()),
                ("form[kind]", "work".into()),
                ("form[starts_at]", format!("{MONDAY}T10:00")),
                ("form[ends_at]", format!("{MONDAY}T11:00")),
                ("form[notes]", "We listed every auth system.".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    let anonymous = app.with_new_client();
    let day_path = format!("/h/{slug}/summary/{MONDAY}");
    // Nothing published: the page is not there for the public, and no feed entry.
    assert_eq!(
        anonymous.get(&day_path).await.status(),
        StatusCode::NOT_FOUND
    );

    let (id, version) = draft_monday(&app, &slug).await;
    // A draft is still not public…
    assert_eq!(
        anonymous.get(&day_path).await.status(),
        StatusCode::NOT_FOUND
    );
    let r = anonymous
        .get(&format!("/h/{slug}/summary.json?day={MONDAY}"))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // …nor can the public draft, edit or publish it.
    let r = publish(&anonymous, &slug, &id, version).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // The organizers see their draft, made from the record.
    let html = app.get(&day_path).await.text().await.unwrap();
    assert!(html.contains("Auth systems &lt;dump&gt;"), "{html}");
    assert!(html.contains("members only"), "{html}");

    let saved = edit(
        &app,
        &slug,
        &id,
        version,
        "We started with **the auth systems**.\n\n## Sessions held\n\n- Auth systems\n",
    )
    .await;
    let r = publish(&app, &slug, &id, saved["version"].as_i64().unwrap()).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    // Anyone reads it: whole as HTML, with no script to run and no WASM to fetch.
    let r = anonymous.get(&day_path).await;
    assert_eq!(r.status(), StatusCode::OK);
    let etag = r.headers()[ETAG].to_str().unwrap().to_owned();
    let cache = r.headers()[CACHE_CONTROL].to_str().unwrap().to_owned();
    assert!(cache.starts_with("public"), "{cache}");
    let page = r.text().await.unwrap();
    assert!(page.contains("<strong>the auth systems</strong>"), "{page}");
    for script in [".wasm", "modulepreload", "import("] {
        assert!(!page.contains(script), "no hydration ({script}): {page}");
    }
    assert!(page.contains("property=\"og:title\""), "Open Graph: {page}");
    assert!(page.contains("application/atom+xml"), "feed link: {page}");
    assert!(
        !page.contains("members only"),
        "no draft for the public: {page}"
    );

    // Revalidation: 304 without a body while nothing changed.
    let again = anonymous
        .client
        .get(format!("{}{day_path}", anonymous.address))
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()[ETAG].to_str().unwrap(), etag);
    assert!(again.text().await.unwrap().is_empty());

    // The JSON form.
    let r = anonymous
        .get(&format!("/h/{slug}/summary.json?day={MONDAY}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let j = json(r).await;
    assert_eq!(j["title"], "Monday: the auth systems");
    assert_eq!(j["revision"], 2);
    assert!(j["url"].as_str().unwrap().ends_with(&day_path));

    // The feeds parse, and list it.
    let feed = anonymous
        .get(&format!("/h/{slug}/summary.atom"))
        .await
        .text()
        .await
        .unwrap();
    let parsed = feedparser(&feed);
    assert_eq!(parsed["bozo"], false, "{parsed}\n{feed}");
    assert_eq!(parsed["version"], "atom10", "{parsed}");
    assert_eq!(parsed["titles"][0], "Monday: the auth systems", "{parsed}");
    assert!(
        parsed["content"][0]
            .as_str()
            .unwrap()
            .contains("<strong>the auth systems</strong>"),
        "{parsed}"
    );
    let entry_id = parsed["ids"][0].as_str().unwrap().to_owned();
    let site = feedparser(&anonymous.get("/summary.atom").await.text().await.unwrap());
    assert_eq!(site["bozo"], false, "{site}");
    assert!(
        site["ids"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i == entry_id.as_str()),
        "{site}"
    );

    // A correction, republished: the page's ETag changes, the entry keeps its id.
    let current = json(
        app.server_fn(
            "summaries/editor",
            &[("slug", slug.clone()), ("day", MONDAY.into())],
        )
        .await,
    )
    .await;
    let v = current["summary"]["version"].as_i64().unwrap();
    let saved = edit(
        &app,
        &slug,
        &id,
        v,
        "Corrected: **the auth systems** and more.",
    )
    .await;
    // Until republished, the public still reads the published revision.
    let page = anonymous.get(&day_path).await.text().await.unwrap();
    assert!(!page.contains("Corrected"), "{page}");
    // Regenerating keeps the organizers' edited text.
    draft_monday(&app, &slug).await;
    let current = json(
        app.server_fn(
            "summaries/editor",
            &[("slug", slug.clone()), ("day", MONDAY.into())],
        )
        .await,
    )
    .await;
    assert!(
        current["summary"]["body"]
            .as_str()
            .unwrap()
            .contains("Corrected"),
        "{current}"
    );
    let _ = saved;
    let r = publish(
        &app,
        &slug,
        &id,
        current["summary"]["version"].as_i64().unwrap(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = anonymous
        .client
        .get(format!("{}{day_path}", anonymous.address))
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "a new revision is a new ETag");
    assert!(r.text().await.unwrap().contains("Corrected"));
    let parsed = feedparser(
        &anonymous
            .get(&format!("/h/{slug}/summary.atom"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        parsed["ids"][0].as_str().unwrap(),
        entry_id,
        "stable entry id"
    );

    // The feed revalidates too.
    let r = anonymous.get(&format!("/h/{slug}/summary.atom")).await;
    let tag = r.headers()[ETAG].to_str().unwrap().to_owned();
    let r = anonymous
        .client
        .get(format!("{}/h/{slug}/summary.atom", anonymous.address))
        .header(IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

    // The revisions: members compare them; the public does not see them.
    let history = format!("{day_path}/history?from=1&to=3");
    let html = app.get(&history).await.text().await.unwrap();
    assert!(html.contains("Revisions, newest first"), "{html}");
    assert!(
        html.contains("Corrected"),
        "the diff shows the correction: {html}"
    );
    assert_eq!(
        anonymous.get(&history).await.status(),
        StatusCode::NOT_FOUND
    );
    // Reverting to the first revision is a new revision; publishing shows it again.
    let current = json(
        app.server_fn(
            "summaries/editor",
            &[("slug", slug.clone()), ("day", MONDAY.into())],
        )
        .await,
    )
    .await;
    let v = current["summary"]["version"].as_i64().unwrap();
    let r = app
        .server_fn(
            "summaries/revert",
            &[
                ("slug", slug.clone()),
                ("id", id.clone()),
                ("version", v.to_string()),
                ("number", "2".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let reverted = json(
        app.server_fn(
            "summaries/editor",
            &[("slug", slug.clone()), ("day", MONDAY.into())],
        )
        .await,
    )
    .await;
    assert!(
        reverted["summary"]["body"]
            .as_str()
            .unwrap()
            .starts_with("We started with"),
        "{reverted}"
    );
}

#[tokio::test]
async fn bad_summary_input_is_named_and_nothing_is_written() {
    let (app, h) = organizer("summary-bad").await;
    let slug = h.slug.clone();
    let field = |v: &Value, f: &str| v["Validation"][f].as_str().map(str::to_owned);

    // A date outside the hackfest, and no date at all.
    for (day, status) in [("2030-01-01", 422), ("Monday", 422)] {
        let r = app
            .server_fn(
                "summaries/generate",
                &[("slug", slug.clone()), ("day", day.into())],
            )
            .await;
        assert_eq!(r.status().as_u16(), status, "{day}");
        let v = json(r).await;
        assert!(field(&v, "day").is_some(), "{day}: {v}");
    }
    assert_eq!(
        app.get(&format!("/h/{slug}/summary/2030-01-01"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = app.get(&format!("/h/{slug}/summary.json?day=soon")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field(&json(r).await, "day").is_some());

    // Publishing an empty draft; a body over the limit.
    let (id, version) = draft_monday(&app, &slug).await;
    let saved = edit(&app, &slug, &id, version, "   ").await;
    let v = saved["version"].as_i64().unwrap();
    let r = publish(&app, &slug, &id, v).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field(&json(r).await, "body").is_some());
    let r = app
        .server_fn(
            "summaries/update",
            &[
                ("slug", slug.clone()),
                ("id", id.clone()),
                ("version", v.to_string()),
                ("form[title]", "Too long".into()),
                ("form[body]", "x".repeat(domain::summary::BODY_MAX + 1)),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field(&json(r).await, "body").is_some());
    // A stale version: 409 with the current summary.
    let r = publish(&app, &slug, &id, v - 1).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // Another hackfest's summary id through this hackfest: not found.
    let other = app.hackfest("summary-other").await;
    let r = publish(&app, &other.slug, &id, v).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Nothing was published.
    let anonymous = app.with_new_client();
    assert_eq!(
        anonymous
            .get(&format!("/h/{slug}/summary/{MONDAY}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_summary_editor_posts_without_javascript() {
    let (app, h) = organizer("summary-nojs").await;
    let slug = h.slug.clone();
    let (id, version) = draft_monday(&app, &slug).await;
    let path = format!("/h/{slug}/summary/{MONDAY}/edit");
    let html = app.get(&path).await.text().await.unwrap();
    assert!(html.contains("method=\"post\""), "{html}");
    let post = |body: String| {
        app.client
            .post(format!("{}{path}", app.address))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "text/html")
            .header("origin", &app.address)
            .body(body)
            .send()
    };
    let ok = post(format!(
        "slug={slug}&id={id}&version={version}&form%5Btitle%5D=Plain&form%5Bbody%5D=Typed+without+JS"
    ))
    .await
    .unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    // A stale version: the page again, 409, with the typed text kept.
    let stale = post(format!(
        "slug={slug}&id={id}&version={version}&form%5Btitle%5D=Plain&form%5Bbody%5D=Mine+too"
    ))
    .await
    .unwrap();
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert!(stale.text().await.unwrap().contains("Mine too"));
}
