//! `/auth/login`, `/auth/callback`, `/auth/logout` and the development sign-in.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Extension;
use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use domain::user::Identity;
use serde::Deserialize;
use tower_sessions::Session;

use super::oidc::{Attempt, OidcError};
use super::{ATTEMPTS, Auth, DEV_ADMIN_GROUP, DEV_ISSUER, DEV_ORGANIZER_GROUP, safe_next};

/// A sign-in attempt is valid this long; at most this many are kept per browser.
const ATTEMPT_TTL_SECS: i64 = 600;
const MAX_ATTEMPTS: usize = 5;

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// A short HTML page for errors of the sign-in flow (no stack, no internals).
pub(crate) fn message_page(status: StatusCode, title: &str, text: &str) -> Response {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{t} · Hackfest</title></head>\
         <body><main><h1>{t}</h1><p>{x}</p><p><a href=\"/\">Back to Hackfest</a> · \
         <a href=\"/auth/login\">Sign in again</a></p></main></body></html>",
        t = esc(title),
        x = esc(text)
    );
    (status, Html(body)).into_response()
}

/// The sign-in page for an internal error: logged once with `operation` and its
/// cause; the page shows the same text and id a server function's answer carries.
fn internal_page(operation: &str, cause: &(dyn std::error::Error + 'static)) -> Response {
    let e = app::error::AppError::internal(operation, cause);
    message_page(
        StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        "Sign-in failed",
        &format!("{e} Please try again."),
    )
}

pub async fn login(
    Extension(auth): Extension<Arc<Auth>>,
    session: Session,
    Query(q): Query<LoginQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    let Some(oidc) = &auth.oidc else {
        if auth.dev_login {
            let to = format!("/auth/dev?next={}", domain::text::urlencode(&next));
            return Redirect::to(&to).into_response();
        }
        return message_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Sign-in is not configured",
            "Set HACKFEST_OIDC_ISSUER, HACKFEST_OIDC_CLIENT_ID and HACKFEST_OIDC_CLIENT_SECRET \
             (or, on your own computer only, start with --dev-sign-in).",
        );
    };
    match oidc.begin(next).await {
        Ok((url, attempt)) => {
            let mut attempts: HashMap<String, Attempt> = session
                .get(ATTEMPTS)
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            let now = Utc::now().timestamp();
            attempts.retain(|_, a| now - a.created_at < ATTEMPT_TTL_SECS);
            while attempts.len() >= MAX_ATTEMPTS {
                let oldest = attempts
                    .values()
                    .min_by_key(|a| a.created_at)
                    .map(|a| a.state.clone());
                if let Some(s) = oldest {
                    attempts.remove(&s);
                }
            }
            attempts.insert(attempt.state.clone(), attempt);
            if let Err(e) = session.insert(ATTEMPTS, attempts).await {
                return internal_page("auth/login: storing the sign-in attempt", &e);
            }
            Redirect::to(&url).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "sign-in could not start");
            message_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Sign-in is unavailable",
                &e.to_string(),
            )
        }
    }
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

pub async fn callback(
    Extension(auth): Extension<Arc<Auth>>,
    session: Session,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let bad = |text: &str| message_page(StatusCode::BAD_REQUEST, "Sign-in failed", text);
    let Some(oidc) = &auth.oidc else {
        return bad("Sign-in through an identity provider is not configured.");
    };
    // SECURITY 1: the state must belong to an attempt of this browser; it is used once.
    let Some(state) = q.state.filter(|s| !s.is_empty()) else {
        return bad("The sign-in response has no state.");
    };
    let mut attempts: HashMap<String, Attempt> = session
        .get(ATTEMPTS)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let Some(attempt) = attempts.remove(&state) else {
        return bad(
            "This sign-in response is unknown, expired or already used. Please sign in again.",
        );
    };
    if let Err(e) = session.insert(ATTEMPTS, attempts).await {
        return internal_page("auth/callback: using up the sign-in attempt", &e);
    }
    if Utc::now().timestamp() - attempt.created_at >= ATTEMPT_TTL_SECS {
        return bad("This sign-in took too long. Please sign in again.");
    }
    if let Some(err) = q.error {
        let detail = q.error_description.unwrap_or_default();
        return bad(&format!("The identity provider answered: {err} {detail}"));
    }
    let Some(code) = q.code else {
        return bad("The sign-in response has no code.");
    };
    let who = match oidc.finish(&attempt, code).await {
        Ok(who) => who,
        Err(e) => {
            tracing::warn!(error = %e, "sign-in rejected");
            return match e {
                OidcError::InvalidToken(_) | OidcError::Rejected(_) => bad(&e.to_string()),
                OidcError::Unavailable(_) => message_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Sign-in is unavailable",
                    &e.to_string(),
                ),
                OidcError::Provider(_) => message_page(
                    StatusCode::BAD_GATEWAY,
                    "Sign-in failed",
                    &format!(
                        "{e}. If this keeps happening, the client settings (HACKFEST_OIDC_CLIENT_ID, \
                              HACKFEST_OIDC_CLIENT_SECRET) may not match the provider."
                    ),
                ),
            };
        }
    };
    finish_sign_in(&auth, &session, &who, &attempt.next).await
}

async fn finish_sign_in(auth: &Auth, session: &Session, who: &Identity, next: &str) -> Response {
    match auth.sign_in(session, who).await {
        Ok(()) => Redirect::to(next).into_response(),
        Err(e) => internal_page("auth/sign-in: recording the sign-in", &*e),
    }
}

/// POST only. Deletes the server-side session; with a provider that supports it,
/// continues to the provider's logout.
pub async fn logout(Extension(auth): Extension<Arc<Auth>>, session: Session) -> Response {
    if let Err(e) = session.delete().await {
        tracing::error!(error = %e, "deleting the session failed");
    }
    if let Some(oidc) = &auth.oidc
        && let Some(end) = oidc.end_session_endpoint().await
    {
        let sep = if end.contains('?') { '&' } else { '?' };
        let to = format!(
            "{end}{sep}post_logout_redirect_uri={}&client_id={}",
            domain::text::urlencode(&format!("{}/", auth.public_url)),
            domain::text::urlencode(oidc.client_id())
        );
        return Redirect::to(&to).into_response();
    }
    Redirect::to("/").into_response()
}

#[derive(Deserialize)]
pub struct DevSignIn {
    username: String,
    role: String,
    next: Option<String>,
}

/// The development sign-in (`HACKFEST_DEV_SIGN_IN`, no provider, loopback only; the
/// per-request checks are in [`super::dev_sign_in_guard`]): choose a name and a role.
pub async fn dev_sign_in(
    Extension(auth): Extension<Arc<Auth>>,
    session: Session,
    Form(f): Form<DevSignIn>,
) -> Response {
    if !auth.dev_login {
        return message_page(
            StatusCode::NOT_FOUND,
            "Not found",
            "The development sign-in is off. On your own computer, start the app with \
             --dev-sign-in (HACKFEST_DEV_SIGN_IN=true); elsewhere, configure HACKFEST_OIDC_ISSUER.",
        );
    }
    let username = f.username.trim().to_lowercase();
    if username.is_empty()
        || username.len() > 40
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return message_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Choose another name",
            "Username: 1 to 40 letters, digits, dots, hyphens or underscores.",
        );
    }
    let groups = match f.role.as_str() {
        "attendee" => vec![],
        "organizer" => vec![DEV_ORGANIZER_GROUP.to_owned()],
        "admin" => vec![DEV_ADMIN_GROUP.to_owned()],
        _ => {
            return message_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Choose a role",
                "Role: attendee, organizer or admin.",
            );
        }
    };
    let who = Identity {
        issuer: DEV_ISSUER.into(),
        subject: username.clone(),
        display_name: username.clone(),
        username,
        email: String::new(),
        groups,
    };
    finish_sign_in(&auth, &session, &who, &safe_next(f.next.as_deref())).await
}
