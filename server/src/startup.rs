//! Builds the application: database, routes, middleware, listener.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use app::state::AppState;
use app::{App, shell};
use axum::Extension;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use std::sync::{Arc, OnceLock};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::auth::csrf::PublicOrigin;
use crate::auth::store::Store;
use crate::auth::{self, Auth, Oidc, RolePolicy};
use domain::db::{ConnectError, Db};
use leptos::config::{Env, LeptosOptions};
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::bus::Bus;
use crate::config::Config;
use crate::routes;

/// Request bodies larger than this get 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Why the app could not start. Each message names the setting to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] ConnectError),
    #[error("HACKFEST_ADDR: cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Config(String),
    #[error("loading the demo data failed: {0}")]
    Demo(domain::DomainError),
    #[error("the server stopped with an error: {0}")]
    Serve(std::io::Error),
}

pub async fn open_database(config: &Config) -> Result<Db, StartError> {
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    Ok(db)
}

pub async fn load_demo(db: &Db) -> Result<(), StartError> {
    if domain::demo::load_if_empty(db)
        .await
        .map_err(StartError::Demo)?
    {
        tracing::info!(slug = domain::demo::DEMO_SLUG, "demo hackfest loaded");
    } else {
        tracing::info!("the database already holds hackfests; demo data not loaded");
    }
    Ok(())
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    db: Db,
    bus: Bus,
}

impl Application {
    /// Opens and migrates the database, then binds the listener (port 0 picks a free port).
    pub async fn build(config: Config, demo: bool) -> Result<Self, StartError> {
        // Checked before anything else starts; recomputed once the real port is known.
        let early_url = config.public_url().map_err(StartError::Config)?;
        config.bus(&early_url).map_err(StartError::Config)?;
        let metrics_token = config.metrics_token().map_err(StartError::Config)?;
        if config.dev_sign_in && !config.addr.ip().is_loopback() {
            // SECURITY 31: "sign in as admin" must never be offered on the network.
            return Err(StartError::Config(format!(
                "HACKFEST_DEV_SIGN_IN: the development sign-in needs a loopback HACKFEST_ADDR \
                 (127.0.0.1 or [::1]), not {}; turn it off or listen on loopback",
                config.addr
            )));
        }
        let db = open_database(&config).await?;
        if demo {
            load_demo(&db).await?;
        }
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.addr,
            source,
        })?;
        let mut config = config;
        if config.public_url.is_none() {
            config.public_url = Some(format!("http://{addr}"));
        }
        let public_url = config.public_url().map_err(StartError::Config)?;
        let hosts = routes::HostPolicy::new(&public_url, addr).map_err(StartError::Config)?;
        if config.addr.ip().is_unspecified()
            && config
                .public_url
                .as_deref()
                .is_some_and(|u| u.contains("://0.0.0.0") || u.contains("://[::]"))
        {
            tracing::warn!(
                %public_url,
                "HACKFEST_PUBLIC_URL is not set: pages answer only requests for that host; set it to the URL people use"
            );
        }
        let leptos_options = leptos_options(&config.site_root, addr);
        let bus = Bus::start(
            db.clone(),
            config.bus(&public_url).map_err(StartError::Config)?,
        );
        let hub = crate::events::Hub::start(db.clone(), public_url.clone())
            .await
            .limit_clients(config.live_per_client, config.trusted_proxies.clone());
        let auth = build_auth(&config, &db, &public_url, addr).await?;
        let store = Store::for_db(&db).await.map_err(|e| {
            StartError::Config(format!(
                "HACKFEST_DATABASE_URL: creating the session table failed: {e}"
            ))
        })?;
        store.spawn_cleanup();
        db.checkpoint_in_background().await.map_err(|e| {
            StartError::Config(format!(
                "HACKFEST_DATABASE_URL: setting up the WAL checkpoints failed: {e}"
            ))
        })?;
        let webhooks = crate::webhooks::Settings {
            allow: config.webhook_allow.clone(),
            retries: crate::webhooks::parse_retries(&config.webhook_retries)
                .map_err(|e| StartError::Config(format!("HACKFEST_WEBHOOK_RETRIES: {e}")))?,
            public_url: public_url.clone(),
        };
        if config.webhooks {
            crate::webhooks::spawn(db.clone(), webhooks.clone());
        }
        if config.summary_draft_minutes > 0 {
            crate::summary::spawn_drafting(
                db.clone(),
                std::time::Duration::from_secs(u64::from(config.summary_draft_minutes) * 60),
            );
        }
        let https = public_url.starts_with("https://");
        let sessions = SessionManagerLayer::new(store)
            // SECURITY 14: __Host- prefix and Secure under https; Lax so the provider's
            // redirect back to /auth/callback still carries the cookie.
            .with_name(if https {
                "__Host-hackfest"
            } else {
                "hackfest_session"
            })
            .with_secure(https)
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_path("/")
            .with_expiry(Expiry::OnInactivity(
                tower_sessions::cookie::time::Duration::minutes(config.session_idle_minutes.into()),
            ));
        let state = AppState {
            leptos_options,
            db: db.clone(),
            public_url: public_url.clone(),
            dev_login: auth.dev_login,
        };
        let limits = crate::limit::Limits::new(
            config.sign_in_per_minute,
            config.changes_per_minute,
            config.trusted_proxies.clone(),
        );
        let ops = routes::OpsAccess {
            token: metrics_token.map(Into::into),
            readyz_details: config.readyz_details,
        };
        let router = router(
            state,
            auth,
            sessions,
            public_url,
            bus.clone(),
            hub,
            Edge { hosts, ops },
        )
        .layer(Extension(Arc::new(webhooks)))
        .layer(axum::middleware::from_fn_with_state(
            limits,
            crate::limit::rate_limit,
        ));
        Ok(Application {
            listener,
            router,
            db,
            bus,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The outbox publisher's handle.
    pub fn bus(&self) -> &Bus {
        &self.bus
    }

    /// Serves until SIGTERM or Ctrl-C; requests in flight finish first.
    pub async fn run_until_stopped(self) -> Result<(), StartError> {
        let addr = self.listener.local_addr().ok();
        // Handlers go in before "serving" is logged: a SIGTERM right after it
        // must stop gracefully, not kill the process.
        let stop = shutdown_signal();
        tracing::info!(?addr, backend = self.db.backend(), "serving");
        // The peer address keys the rate limits.
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(stop)
        .await
        .map_err(StartError::Serve)?;
        self.db.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Leptos settings. cargo-leptos bakes the output name in; `hash.txt` next to the
/// binary (written by cargo-leptos) turns on hashed asset names.
fn leptos_options(site_root: &Path, addr: SocketAddr) -> LeptosOptions {
    let hash_files = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("hash.txt").exists()))
        .unwrap_or(false);
    LeptosOptions::builder()
        .output_name(option_env!("LEPTOS_OUTPUT_NAME").unwrap_or("hackfest"))
        .site_root(site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .env(Env::PROD)
        .site_addr(addr)
        .hash_files(hash_files)
        .build()
}

async fn build_auth(
    config: &Config,
    db: &Db,
    public_url: &str,
    addr: SocketAddr,
) -> Result<Arc<Auth>, StartError> {
    let settings = config.oidc(public_url).map_err(StartError::Config)?;
    let oidc = match settings {
        Some(s) => {
            let oidc = Arc::new(Oidc::new(s).map_err(StartError::Config)?);
            // An unreachable provider must not stop the app: public pages keep working.
            if let Err(e) = oidc.discover().await {
                tracing::error!(error = %e, issuer = oidc.issuer(), "HACKFEST_OIDC_ISSUER: discovery failed; retrying in the background");
                oidc.spawn_discovery();
            }
            Some(oidc)
        }
        None => None,
    };
    // Checked in `build`: with the setting, the address is loopback.
    let dev_login = config.dev_sign_in && oidc.is_none() && addr.ip().is_loopback();
    if config.dev_sign_in && oidc.is_some() {
        tracing::warn!(
            "HACKFEST_DEV_SIGN_IN is ignored: HACKFEST_OIDC_ISSUER is set (and accounts of the development sign-in are refused)"
        );
    } else if dev_login {
        tracing::warn!(
            url = public_url,
            "HACKFEST_DEV_SIGN_IN is on: anyone who reaches this app from this computer can sign in under any name, as admin too; never on a shared host"
        );
    } else if oidc.is_none() {
        tracing::warn!(
            "no HACKFEST_OIDC_ISSUER (and no --dev-sign-in): nobody can sign in; pages are read-only"
        );
    }
    let mut policy = RolePolicy {
        admin_groups: config.admin_groups.clone(),
        admin_users: config.admin_users.clone(),
        organizer_groups: config.organizer_groups.clone(),
    };
    if dev_login {
        policy.admin_groups.push(auth::DEV_ADMIN_GROUP.into());
        policy
            .organizer_groups
            .push(auth::DEV_ORGANIZER_GROUP.into());
    }
    Ok(Arc::new(Auth {
        db: db.clone(),
        oidc,
        dev_login,
        policy,
        public_url: public_url.to_owned(),
        absolute_lifetime: chrono::TimeDelta::hours(config.session_max_hours.into()),
    }))
}

/// What the outermost checks need: the host names answered, and the operations
/// endpoints' access.
pub struct Edge {
    pub hosts: routes::HostPolicy,
    pub ops: routes::OpsAccess,
}

pub fn router(
    state: AppState,
    auth: Arc<Auth>,
    sessions: SessionManagerLayer<Store>,
    public_url: String,
    bus: Bus,
    hub: crate::events::Hub,
    edge: Edge,
) -> Router {
    let https = public_url.starts_with("https://");
    let loopback = state.leptos_options.site_addr.ip().is_loopback();
    let Edge { hosts, ops } = edge;
    let routes = route_list();
    let options = state.leptos_options.clone();
    let ctx = {
        let s = state.clone();
        move || provide_context(s.clone())
    };
    Router::new()
        .route("/healthz", get(routes::healthz))
        .route("/readyz", get(routes::readyz))
        .route(
            "/metrics",
            get(crate::events::metrics).layer(axum::middleware::from_fn_with_state(
                ops.clone(),
                routes::require_metrics_token,
            )),
        )
        .route("/api/events", get(crate::events::feed))
        .route("/api/hackfests/{slug}/events", get(crate::events::live))
        .route("/auth/login", get(auth::routes::login))
        .route("/auth/callback", get(auth::routes::callback))
        .route("/auth/logout", post(auth::routes::logout))
        .route("/auth/dev/sign-in", post(auth::routes::dev_sign_in))
        // Hashed assets; `make build` stores .br and .gz copies next to them.
        .nest_service(
            "/pkg",
            ServeDir::new(Path::new(&*state.leptos_options.site_root).join("pkg"))
                .precompressed_br()
                .precompressed_gzip(),
        )
        // Editor pages also take their form by POST, for browsers without JavaScript.
        .merge(crate::nojs::routes(&routes))
        // Atom feeds and the JSON of published summaries.
        .merge(crate::summary::routes())
        // The organizers' exports: JSON (the backup `hackfest import` restores) and Markdown.
        .merge(crate::export::routes())
        // iCal feeds, schedule.xml/.json and the private calendar URL's form.
        .merge(crate::schedule::routes())
        // The JSON API (/api/v1) and the tokens page's forms.
        .merge(crate::api::routes())
        .merge(crate::api::tokens::routes(&routes))
        .merge(crate::api::webhooks::routes(&routes))
        .leptos_routes_with_context(&state, routes, ctx.clone(), move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(ctx, shell))
        .with_state(state.clone())
        // ETag / 304 and Cache-Control for the public summary pages (needs the viewer).
        .layer(axum::middleware::from_fn_with_state(
            state,
            crate::summary::cache_pages,
        ))
        // A server function posted by a plain form sends the browser back to the page.
        .layer(axum::middleware::from_fn(crate::nojs::plain_form_answers))
        // Malformed server-function arguments: 422 naming the field (SECURITY, issue 9.11).
        .layer(axum::middleware::from_fn(app::args::name_bad_arguments))
        .layer(axum::middleware::from_fn(auth::viewer_middleware))
        .layer(axum::middleware::from_fn(auth::dev_sign_in_guard))
        .layer(Extension(auth))
        .layer(Extension(ops))
        .layer(Extension(bus))
        .layer(Extension(hub))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            PublicOrigin {
                origin: public_url,
                loopback,
            },
            auth::csrf::csrf_middleware,
        ))
        .layer(axum::middleware::from_fn_with_state(
            https,
            routes::security_headers,
        ))
        .layer(axum::middleware::map_response(routes::cache_headers))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        // Dynamic responses: a fast level (brotli's default, 11, costs ~1 s per large page).
        .layer(
            CompressionLayer::new()
                .br(true)
                .gzip(true)
                .quality(CompressionLevel::Precise(4)),
        )
        // SECURITY 32: other host names get 421 before anything else runs.
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(hosts),
            routes::host_check,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
}

/// The app's routes, generated once per process and shared by every [`Application`].
///
/// `generate_route_list` renders the app with resource loading switched off, and the
/// switch (leptos_server's `SuppressResourceLoad`) is one flag for the whole process. A
/// page that another `Application` in the same process renders meanwhile creates
/// resources that never load, and under `SsrMode::Async` its response never finishes
/// (the parallel HTTP tests hung that way). Routes do not depend on the configuration.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Resolves on SIGTERM or Ctrl-C. The handlers are registered when this is
/// called, not when the future is first polled.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let (mut term, mut int) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        tokio::select! {
            _ = received(term.as_mut()) => {},
            _ = received(int.as_mut()) => {},
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing requests in flight");
    }
}

/// Waits for the signal; forever when its handler could not be installed.
#[cfg(unix)]
async fn received(signal: Option<&mut tokio::signal::unix::Signal>) {
    match signal {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending().await,
    }
}

/// How long `/readyz` waits for the database.
pub const READY_TIMEOUT: Duration = Duration::from_secs(2);
