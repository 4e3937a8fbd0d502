//! Sign-in against a provider fixture with real RSA keys and JWKS that signs whatever
//! each test asks for (end2end/oidc/fixture.mjs): SECURITY 1–9, 11, 12.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use hackfest_server::config::Config;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The fixture as a child process; killed when dropped.
struct Fixture {
    child: Child,
    issuer: String,
    http: reqwest::Client,
}

impl Fixture {
    fn start() -> Fixture {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/oidc/fixture.mjs");
        let mut child = Command::new("node")
            .args([script, "--port", "0", "--exit-with-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node is required (scripts/setup.sh installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let v: Value = serde_json::from_str(&line)
            .unwrap_or_else(|_| panic!("fixture said {line:?}; run npm ci in end2end/"));
        Fixture {
            child,
            issuer: v["issuer"].as_str().unwrap().to_owned(),
            http: reqwest::Client::new(),
        }
    }

    async fn scenario(&self, body: Value) {
        let r = self
            .http
            .post(format!("{}/control/scenario", self.issuer))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_success(),
            "scenario {body}: {}",
            r.text().await.unwrap()
        );
    }

    async fn stats(&self) -> Value {
        self.http
            .get(format!("{}/control/stats", self.issuer))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn app_for(f: &Fixture) -> common::TestApp {
    let issuer = f.issuer.clone();
    common::spawn_app_with(|c| {
        c.oidc_issuer = Some(issuer);
        c.oidc_client_id = Some("hackfest".into());
        c.oidc_client_secret = Some("hackfest-secret".into());
        c.oidc_scopes = "https://id.fedoraproject.org/scope/groups".into();
        c.organizer_groups = vec!["hackfest-organizers".into()];
        c.admin_groups = vec!["sysadmin-main".into()];
    })
    .await
}

/// Runs the browser's part of the code flow. Returns the callback response.
async fn sign_in(app: &common::TestApp) -> reqwest::Response {
    let (callback, _) = authorize(app).await;
    app.client.get(callback).send().await.unwrap()
}

/// Login → provider → the callback URL (not yet visited) and the authorize URL.
async fn authorize(app: &common::TestApp) -> (String, String) {
    let r = app.get("/auth/login?next=/h/somewhere").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let authorize = r.headers()["location"].to_str().unwrap().to_owned();
    let r = app.client.get(&authorize).send().await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FOUND,
        "fixture /authorize: {}",
        r.text().await.unwrap()
    );
    let callback = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        callback.starts_with(&format!("{}/auth/callback?", app.address)),
        "{callback}"
    );
    (callback, authorize)
}

async fn who(app: &common::TestApp) -> Value {
    app.server_fn("auth/session", &[])
        .await
        .json::<Value>()
        .await
        .unwrap()["viewer"]
        .clone()
}

#[tokio::test]
async fn valid_sign_in_with_groups_from_userinfo() {
    let f = Fixture::start();
    f.scenario(
        json!({ "scenario": "valid", "groups": ["hackfest-organizers"], "groups_in": "userinfo" }),
    )
    .await;
    let app = app_for(&f).await;
    let r = sign_in(&app).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    assert_eq!(r.headers()["location"], "/h/somewhere");
    let v = who(&app).await;
    assert_eq!(v["user"]["username"], "alice");
    assert_eq!(v["user"]["groups"], json!(["hackfest-organizers"]));
    assert_eq!(
        v["organizer_everywhere"], true,
        "SECURITY 12: groups from UserInfo map to organizer"
    );

    // The authorization request used PKCE S256, state and nonce (SECURITY 8).
    let stats = f.stats().await;
    let last = &stats["last_authorize"];
    assert_eq!(last["code_challenge_method"], "S256", "{stats}");
    assert!(last["state"].as_str().is_some_and(|s| s.len() >= 16));
    assert!(last["nonce"].as_str().is_some_and(|s| s.len() >= 16));
    assert!(
        last["scope"]
            .as_str()
            .unwrap()
            .contains("https://id.fedoraproject.org/scope/groups")
    );
}

#[tokio::test]
async fn groups_in_the_id_token_and_users_keyed_by_issuer_and_sub() {
    let f = Fixture::start();
    f.scenario(json!({ "scenario": "valid", "sub": "sub-1", "preferred_username": "adam", "groups": ["sysadmin-main"], "groups_in": "id_token" })).await;
    let app = app_for(&f).await;
    assert_eq!(sign_in(&app).await.status(), StatusCode::SEE_OTHER);
    let v = who(&app).await;
    assert_eq!(v["admin"], true);
    let first_id = v["user"]["id"].clone();
    // Same sub, new username and email: the same user, refreshed (SECURITY 11).
    f.scenario(json!({ "scenario": "valid", "sub": "sub-1", "preferred_username": "adam2", "email": "new@example.org", "groups_in": "id_token", "groups": [] })).await;
    let other = app.with_new_client();
    assert_eq!(sign_in(&other).await.status(), StatusCode::SEE_OTHER);
    let v = who(&other).await;
    assert_eq!(v["user"]["id"], first_id);
    assert_eq!(v["user"]["username"], "adam2");
    assert_eq!(v["admin"], false, "groups are refreshed at each sign-in");
}

#[tokio::test]
async fn every_bad_id_token_is_rejected_without_a_session() {
    let f = Fixture::start();
    for scenario in [
        "alg_none",
        "bad_signature",
        "signed_by_unknown_key",
        "wrong_iss",
        "wrong_aud",
        "extra_untrusted_aud",
        "missing_sub",
        "missing_iat",
        "expired",
        "iat_future",
        "nonce_mismatch",
        "nonce_missing",
        "kid_absent_many_keys",
        "bad_at_hash",
        "userinfo_sub_mismatch",
    ] {
        f.scenario(json!({ "scenario": scenario })).await;
        // A new app each time, so it discovers the keys as the scenario publishes them.
        let client = app_for(&f).await;
        let r = sign_in(&client).await;
        assert_eq!(
            r.status(),
            StatusCode::BAD_REQUEST,
            "{scenario} must be rejected"
        );
        let body = r.text().await.unwrap();
        assert!(body.contains("Sign-in failed"), "{scenario}: {body}");
        assert!(
            who(&client).await["user"].is_null(),
            "{scenario}: no session"
        );
    }
}

#[tokio::test]
async fn kid_absent_with_one_key_is_accepted() {
    let f = Fixture::start();
    f.scenario(json!({ "scenario": "kid_absent_one_key" }))
        .await;
    let app = app_for(&f).await;
    assert_eq!(sign_in(&app).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(who(&app).await["user"]["username"], "alice");
}

#[tokio::test]
async fn key_rotation_refetches_the_jwks_once() {
    let f = Fixture::start();
    let app = app_for(&f).await;
    assert_eq!(sign_in(&app).await.status(), StatusCode::SEE_OTHER);
    let before = f.stats().await["jwks_fetches"].as_i64().unwrap();
    f.scenario(json!({ "scenario": "rotate_key" })).await;
    let second = app.with_new_client();
    assert_eq!(
        sign_in(&second).await.status(),
        StatusCode::SEE_OTHER,
        "accepted after one refetch"
    );
    let third = app.with_new_client();
    assert_eq!(sign_in(&third).await.status(), StatusCode::SEE_OTHER);
    let after = f.stats().await["jwks_fetches"].as_i64().unwrap();
    assert_eq!(after - before, 1, "exactly one JWKS refetch");
}

#[tokio::test]
async fn callback_state_is_single_use_and_bound_to_the_browser() {
    let f = Fixture::start();
    let app = app_for(&f).await;
    // Two tabs: both attempts work, in either order (SECURITY 1).
    let (first, _) = authorize(&app).await;
    let (second, _) = authorize(&app).await;
    let status = |r: reqwest::Response| r.status();
    assert_eq!(
        status(app.client.get(&second).send().await.unwrap()),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        status(app.client.get(&first).send().await.unwrap()),
        StatusCode::SEE_OTHER
    );
    // Replaying a used callback: 400, no new session.
    let replay = app.with_new_client();
    assert_eq!(
        status(replay.client.get(&second).send().await.unwrap()),
        StatusCode::BAD_REQUEST
    );
    assert!(who(&replay).await["user"].is_null());
    assert_eq!(
        status(app.client.get(&first).send().await.unwrap()),
        StatusCode::BAD_REQUEST
    );
    // A callback from another browser's attempt: 400.
    let (third, _) = authorize(&app).await;
    let stranger = app.with_new_client();
    assert_eq!(
        status(stranger.client.get(&third).send().await.unwrap()),
        StatusCode::BAD_REQUEST
    );
    assert!(who(&stranger).await["user"].is_null());
    // Missing or wrong state, tampered code: 400.
    let fresh = app.with_new_client();
    let (cb, _) = authorize(&fresh).await;
    let no_state = cb.split("&state=").next().unwrap().to_owned();
    assert_eq!(
        fresh.client.get(&no_state).send().await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    let wrong_state = format!("{}/auth/callback?code=x&state=not-a-state", app.address);
    assert_eq!(
        fresh
            .client
            .get(&wrong_state)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );
    let tampered = cb.replacen("code=", "code=tampered", 1);
    assert_eq!(
        fresh.client.get(&tampered).send().await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    assert!(who(&fresh).await["user"].is_null());
}

#[tokio::test]
async fn discovery_issuer_mismatch_refuses_sign_in() {
    let f = Fixture::start();
    f.scenario(json!({ "scenario": "discovery_issuer_mismatch" }))
        .await;
    let app = app_for(&f).await;
    let r = app.get("/auth/login").await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.text().await.unwrap().contains("Sign-in is unavailable"));
    // Public pages still work.
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn unreachable_issuer_keeps_public_pages_and_retries() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = common::spawn_app_with(|c| {
        c.oidc_issuer = Some(format!("http://127.0.0.1:{port}"));
        c.oidc_client_id = Some("hackfest".into());
        c.oidc_client_secret = Some("s".into());
    })
    .await;
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
    let r = app.get("/auth/login").await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.text().await.unwrap().contains("cannot be reached"));
}

#[test]
fn missing_client_settings_are_named() {
    let mut c = Config::for_tests("sqlite::memory:".into());
    c.oidc_issuer = Some("https://id.example.org".into());
    let e = c.oidc("http://127.0.0.1:3000").unwrap_err();
    assert!(e.contains("HACKFEST_OIDC_CLIENT_ID"), "{e}");
    c.oidc_client_id = Some("x".into());
    assert!(
        c.oidc("http://127.0.0.1:3000")
            .unwrap_err()
            .contains("HACKFEST_OIDC_CLIENT_SECRET")
    );
}

#[tokio::test]
async fn misconfigured_client_gets_a_readable_page_not_a_500() {
    let f = Fixture::start();
    let app = common::spawn_app_with(|c| {
        c.oidc_issuer = Some(f.issuer.clone());
        c.oidc_client_id = Some("hackfest".into());
        c.oidc_client_secret = Some("not-the-secret".into());
    })
    .await;
    let r = sign_in(&app).await;
    assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
    let body = r.text().await.unwrap();
    assert!(body.contains("HACKFEST_OIDC_CLIENT_SECRET"), "{body}");
    assert!(!body.contains("panicked") && !body.contains("stack"));
    assert!(who(&app).await["user"].is_null());
}

/// SECURITY 13: the HTTP client follows no redirects (a provider cannot bounce the app elsewhere).
#[tokio::test]
async fn discovery_redirects_are_not_followed() {
    let f = Fixture::start();
    // A server that redirects every request to the fixture.
    let target = f.issuer.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bouncer = format!("http://{}", listener.local_addr().unwrap());
    let router = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let to = format!("{target}{}", uri.path());
        async move { axum::response::Redirect::temporary(&to) }
    });
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

    let app = common::spawn_app_with(|c| {
        c.oidc_issuer = Some(bouncer);
        c.oidc_client_id = Some("hackfest".into());
        c.oidc_client_secret = Some("hackfest-secret".into());
    })
    .await;
    assert_eq!(
        app.get("/auth/login").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        f.stats().await["discovery_fetches"],
        0,
        "the redirect was not followed"
    );
}

/// SECURITY 15: the cookie that carried the sign-in attempt is anonymous after sign-in.
#[tokio::test]
async fn sign_in_cycles_the_session_id() {
    let f = Fixture::start();
    let app = app_for(&f).await;
    let r = app.get("/auth/login").await;
    let pre = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let authorize = r.headers()["location"].to_str().unwrap().to_owned();
    let cb = app.client.get(&authorize).send().await.unwrap().headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    let done = app.client.get(&cb).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let post = done.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_ne!(pre, post, "a new session id at sign-in");
    assert_eq!(who(&app).await["user"]["username"], "alice");
    let replay = reqwest::Client::new()
        .post(format!("{}/api/auth/session", app.address))
        .header("cookie", pre)
        .send()
        .await
        .unwrap();
    let v: Value = replay.json().await.unwrap();
    assert!(
        v["viewer"]["user"].is_null(),
        "the pre-login cookie is anonymous: {v}"
    );
}
