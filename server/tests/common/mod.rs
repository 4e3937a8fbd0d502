//! `spawn_app()`: the real application on port 0 with a fresh database, and typed helpers.

#![allow(dead_code)]

use domain::db::{Db, scratch};
use domain::goal::{self, Goal, GoalForm};
use domain::hackfest::{self, Hackfest, HackfestForm};
use hackfest_server::config::Config;
use hackfest_server::startup::Application;

/// How long one HTTP call may take, response body included: a request that hangs fails
/// its test with a message instead of stalling the whole run.
pub const HTTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

pub struct TestApp {
    pub address: String,
    pub db: Db,
    pub client: reqwest::Client,
    _dir: Option<TempDir>,
}

/// The test broker's address: RabbitMQ on 127.0.0.1:5672 unless
/// `HACKFEST_TEST_AMQP_ADDR` says otherwise (`make test` starts it).
pub fn broker_addr() -> String {
    std::env::var("HACKFEST_TEST_AMQP_ADDR").unwrap_or_else(|_| "127.0.0.1:5672".into())
}

pub fn broker_url() -> String {
    format!("amqp://guest:guest@{}/%2F", broker_addr())
}

/// Polls `f` every 100 ms until it holds; fails the test after a minute (the bus
/// publisher's longest backoff is 30 s).
pub async fn wait_until<F: std::future::Future<Output = bool>>(
    what: &str,
    mut f: impl FnMut() -> F,
) {
    for _ in 0..600 {
        if f().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("timed out waiting until {what}");
}

/// A folder removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new() -> Self {
        let p =
            std::env::temp_dir().join(format!("hackfest-test-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub enum Backend {
    Sqlite,
    Postgres,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_on(Backend::Sqlite).await
}

/// The app on a fresh SQLite file, with settings changed by `edit`.
pub async fn spawn_app_with(edit: impl FnOnce(&mut Config)) -> TestApp {
    let dir = TempDir::new();
    let mut config = Config::for_tests(format!("sqlite:{}/hackfest.db", dir.0.display()));
    edit(&mut config);
    start(config, Some(dir)).await
}

/// The app with exactly these settings (a database the caller keeps, e.g. shared
/// with an earlier run).
pub async fn spawn_app_with_config(config: Config) -> TestApp {
    start(config, None).await
}

async fn start(config: Config, dir: Option<TempDir>) -> TestApp {
    let app = Application::build(config, false).await.expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp::new(address, db, dir)
}

pub async fn spawn_app_on(backend: Backend) -> TestApp {
    spawn_app_on_with(backend, |_| {}).await
}

/// The app on a fresh database of `backend`, with settings changed by `edit`.
pub async fn spawn_app_on_with(backend: Backend, edit: impl FnOnce(&mut Config)) -> TestApp {
    let (url, dir) = match backend {
        Backend::Sqlite => {
            let dir = TempDir::new();
            (format!("sqlite:{}/hackfest.db", dir.0.display()), Some(dir))
        }
        Backend::Postgres => {
            // A fresh, empty database; the app migrates it itself.
            let (db, url) = scratch::postgres().await;
            db.close().await;
            (url, None)
        }
    };
    let mut config = Config::for_tests(url);
    edit(&mut config);
    let app = Application::build(config, false).await.expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp::new(address, db, dir)
}

fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .timeout(HTTP_TIMEOUT)
        .build()
        .unwrap()
}

/// Fails the test, saying plainly when the server did not answer in time.
fn request_failed(what: &str, e: reqwest::Error) -> ! {
    if e.is_timeout() {
        panic!("{what}: no complete response within {HTTP_TIMEOUT:?} (a hung request?): {e}");
    }
    panic!("{what}: {e}");
}

impl TestApp {
    pub fn new(address: String, db: Db, dir: Option<TempDir>) -> TestApp {
        TestApp {
            address,
            db,
            client: new_client(),
            _dir: dir,
        }
    }

    /// Another browser on the same app: its own cookies, the same database.
    pub fn with_new_client(&self) -> TestApp {
        TestApp {
            address: self.address.clone(),
            db: self.db.clone(),
            client: new_client(),
            _dir: None,
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap_or_else(|e| request_failed(&format!("GET {path}"), e))
    }

    /// A browser's plain form post from the app's own page (URL-encoded, `Origin`,
    /// accepting HTML), as a form without JavaScript sends it.
    pub async fn post_form(&self, path: &str, form: &[(&str, String)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.address))
            .header("origin", &self.address)
            .header("accept", "text/html")
            .form(form)
            .send()
            .await
            .unwrap_or_else(|e| request_failed(&format!("POST {path}"), e))
    }

    /// Calls a server function the way the browser does (URL-encoded POST).
    pub async fn server_fn(&self, endpoint: &str, form: &[(&str, String)]) -> reqwest::Response {
        self.client
            .post(format!("{}/api/{endpoint}", self.address))
            .form(form)
            .send()
            .await
            .unwrap_or_else(|e| request_failed(&format!("POST /api/{endpoint}"), e))
    }

    /// Signs this client in through the development sign-in (`Config::for_tests` turns
    /// it on; tests listen on loopback).
    pub async fn sign_in(&self, username: &str, role: &str) {
        let r = self
            .client
            .post(format!("{}/auth/dev/sign-in", self.address))
            .form(&[("username", username), ("role", role), ("next", "/")])
            .send()
            .await
            .unwrap_or_else(|e| request_failed("sign in", e));
        assert_eq!(r.status(), 303, "dev sign-in should redirect");
    }

    /// Joins a hackfest as the signed-in user.
    pub async fn join(&self, slug: &str) {
        let r = self
            .server_fn("hackfests/join", &[("slug", slug.to_owned())])
            .await;
        assert_eq!(r.status(), 200, "join {slug}");
    }

    pub async fn hackfest_id(&self, slug: &str) -> uuid::Uuid {
        hackfest::service::by_slug(&self.db, slug)
            .await
            .expect("the hackfest")
            .id
    }

    pub async fn hackfest(&self, slug: &str) -> Hackfest {
        hackfest::service::create(&self.db, &hackfest_form(slug))
            .await
            .expect("create hackfest")
    }

    pub async fn goal(&self, h: &Hackfest, title: &str) -> Goal {
        goal::service::create(
            &self.db,
            h.id,
            &GoalForm {
                title: title.into(),
                kind: "big".into(),
                status: "active".into(),
                ..Default::default()
            },
            "tester",
        )
        .await
        .expect("create goal")
    }
}

/// The form of a test hackfest: one week in Prague.
pub fn hackfest_form(slug: &str) -> HackfestForm {
    HackfestForm {
        slug: slug.into(),
        title: format!("Hackfest {slug}"),
        start_date: "2026-11-23".into(),
        end_date: "2026-11-27".into(),
        time_zone: "Europe/Prague".into(),
        location: "Room Fedora".into(),
        description: String::new(),
    }
}

/// The fields of a goal form as a server function expects them.
pub fn goal_fields(f: &GoalForm) -> Vec<(&'static str, String)> {
    vec![
        ("form[title]", f.title.clone()),
        ("form[description]", f.description.clone()),
        ("form[kind]", f.kind.clone()),
        ("form[parent_id]", f.parent_id.clone()),
        ("form[status]", f.status.clone()),
        ("form[progress]", f.progress.clone()),
        ("form[owner]", f.owner.clone()),
    ]
}
