//! Search over HTTP: `search/query` (a hackfest's and site-wide), its 422 on a long
//! `q`, hostile queries answered, and the GET pages: a labelled form that works
//! without JavaScript, the count announced, escaped snippets with `<mark>`.

use reqwest::StatusCode;
use serde_json::Value;

use super::common::spawn_app;

const XSS: &str = "<script>alert(1)</script><img src=x onerror=alert(1)>";

#[tokio::test]
async fn search_over_http() {
    let app = spawn_app().await;
    let a = app.hackfest("alpha").await;
    let b = app.hackfest("beta").await;
    let ga = app.goal(&a, &format!("Storage quota {XSS}")).await;
    let gb = app.goal(&b, "Quota dashboards").await;

    let r = app
        .server_fn(
            "search/query",
            &[("slug", "alpha".into()), ("q", "quotas".into())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{v}");
    assert_eq!(hits[0]["id"], ga.id.to_string());
    assert_eq!(hits[0]["kind"], "goal");
    assert_eq!(hits[0]["url"], format!("/h/alpha/goals/{}", ga.id));
    let title = hits[0]["title_html"].as_str().unwrap();
    assert!(title.contains("<mark>quota</mark>"), "{title}");
    assert!(
        title.contains("&lt;script&gt;") && !title.contains("<script"),
        "{title}"
    );

    // Site-wide: both hackfests; a kind filter.
    let r = app
        .server_fn("search/query", &[("q", "quota".into())])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["total"], 2, "{v}");
    let r = app
        .server_fn(
            "search/query",
            &[("q", "quota".into()), ("kinds", "page,question".into())],
        )
        .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["total"], 0, "{v}");
    let r = app
        .server_fn(
            "search/query",
            &[("q", "quota".into()), ("kinds", "goals".into())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // 10,000 characters: 422 on q naming the limit.
    let r = app
        .server_fn(
            "search/query",
            &[("slug", "alpha".into()), ("q", "quota ".repeat(1_667))],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["Validation"]["q"].as_str().unwrap().contains("200"),
        "{v}"
    );
    // Another hackfest's slug that does not exist: 404.
    let r = app
        .server_fn(
            "search/query",
            &[("slug", "nowhere".into()), ("q", "quota".into())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    for q in [
        "foo-bar",
        "\"unbalanced",
        "a AND",
        "OR",
        "NOT x",
        "NEAR(a b)",
        "title:x",
        "x*",
        "^x",
        "(a",
        "*",
        "'",
        "\\",
        "?!;",
        "the and of",
    ] {
        let r = app
            .server_fn("search/query", &[("slug", "alpha".into()), ("q", q.into())])
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{q:?}");
    }

    // The pages: plain GET forms, results linked, escaped.
    let r = app.get("/h/alpha/search?q=quota").await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"<form method="get" action="/h/alpha/search" role="search""#),
        "{html}"
    );
    assert!(html.contains(r#"<label for="search-q">"#));
    assert!(html.contains(r#"role="status""#) && html.contains("1 result."));
    assert!(html.contains(&format!(r#"href="/h/alpha/goals/{}""#, ga.id)));
    assert!(html.contains("<mark>quota</mark>"));
    assert!(!html.contains("<script>alert(1)") && !html.contains("<img src=x"));
    assert!(!html.contains(&gb.id.to_string()));

    let r = app.get("/search?q=quota&kind=goal").await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("2 results."), "{html}");
    assert!(html.contains(&format!("/h/beta/goals/{}", gb.id)));

    let r = app.get("/search?q=the+and+of").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Type a word to search for")
    );

    let long = "x".repeat(10_000);
    let r = app.get(&format!("/h/alpha/search?q={long}")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("at most 200 characters"), "{html}");

    let r = app.get("/h/nowhere/search?q=quota").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
