//! What server functions and routes share. Built by the server binary.

use axum::extract::FromRef;
use domain::db::Db;
use leptos::config::LeptosOptions;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    /// The origin people use to reach the app, e.g. `https://hackfest.example.org`.
    pub public_url: String,
    /// The development sign-in is on (`HACKFEST_DEV_SIGN_IN`, no identity provider,
    /// loopback only). Each request may still be refused: see [`DevSignInOffered`].
    pub dev_login: bool,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

/// The state, inside a server function or a component rendering on the server.
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        crate::error::AppError::Internal {
            id: "no-state".into(),
        }
    })
}

/// The CSP nonce of this response, set by the server's security-header middleware.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// Whether this request may use the development sign-in (set by the server's guard:
/// off through a proxy or under a non-loopback `Host`). Absent: not offered.
#[derive(Clone, Copy, Debug)]
pub struct DevSignInOffered(pub bool);

/// This render answers a form that shows a secret once (an API token, a webhook
/// secret): the document goes without hydration, so the secret is in no script.
#[derive(Clone, Copy, Debug)]
pub struct DocumentOnly;
