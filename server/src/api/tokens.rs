//! The tokens page's forms (`/tokens`, plain HTML forms): make a token, revoke one.
//! Signed-in people only, with their session (these are pages, not the API); the CSRF
//! check (Origin) runs in front, as for every POST.
//!
//! Making one answers the tokens page itself, rendered with the new token in it as a
//! document without hydration (so the token sits in no script or hydration data) and
//! `Cache-Control: no-store`; a refused form answers the same page, 422, with the
//! messages beside the fields and what was typed.

use app::error::AppError;
use app::state::AppState;
use app::token::api::TokenAnswer;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use domain::FieldErrors;
use domain::api_token::TokenForm;
use domain::user::Viewer;
use leptos::prelude::provide_context;
use leptos_axum::AxumRouteListing;
use uuid::Uuid;

pub fn routes(listing: &[AxumRouteListing]) -> Router<AppState> {
    let listing = listing.to_vec();
    Router::new()
        .route(
            "/tokens",
            post(move |State(st): State<AppState>, req: Request| create(st, listing.clone(), req)),
        )
        .route("/tokens/{id}/revoke", post(revoke))
}

async fn create(st: AppState, listing: Vec<AxumRouteListing>, req: Request) -> Response {
    let viewer = super::viewer_of(&req);
    let Some(user) = viewer.user.clone() else {
        return AppError::Unauthorized.into_response();
    };
    let (parts, form) =
        match super::plain_form::<TokenForm>(req, "name, hackfest, scope, expires_in_days").await {
            Ok(x) => x,
            Err(answer) => return answer,
        };
    let answer = match made(&st, &viewer, &user, &form).await {
        Ok((token, secret)) => {
            tracing::info!(user = %user.username, hackfest = %token.hackfest_slug, scope = token.scope.as_str(), "made an API token");
            TokenAnswer::Created { token, secret }
        }
        Err(AppError::Validation(errors)) => TokenAnswer::Refused { form, errors },
        Err(e) => return e.into_response(),
    };
    let status = match answer {
        TokenAnswer::Created { .. } => StatusCode::CREATED,
        TokenAnswer::Refused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
    };
    super::secret_page(st, parts, listing, status, move || {
        provide_context(answer.clone())
    })
    .await
}

/// Checks the form, the hackfest and (for a write token) that the person may write
/// there now; then makes the token.
async fn made(
    st: &AppState,
    viewer: &Viewer,
    user: &domain::user::User,
    form: &TokenForm,
) -> Result<(domain::api_token::ApiToken, String), AppError> {
    use app::error::ErrorContext;
    let mut errors = match form.parse() {
        Ok(_) => FieldErrors::new(),
        Err(e) => e,
    };
    let found = if form.hackfest.trim().is_empty() {
        None
    } else {
        domain::user::repo::hackfest_by_slug_for(&st.db, form.hackfest.trim(), Some(user.id))
            .await
            .context("tokens: hackfest")?
    };
    if found.is_none() && errors.get("hackfest").is_none() {
        errors.add(
            "hackfest",
            "There is no such hackfest; choose one from the list.",
        );
    }
    let write = domain::api_token::TokenScope::parse(&form.scope)
        == Ok(domain::api_token::TokenScope::Write);
    if let Some((_, membership)) = &found
        && write
        && !viewer.role(*membership).can_edit_content()
    {
        errors.add(
            "scope",
            "You cannot edit this hackfest (join it first), so a write token would be refused; choose Read.",
        );
    }
    let (Some((hackfest, _)), Ok(new)) = (found, form.parse()) else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    domain::api_token::service::create(&st.db, user.id, &hackfest, &new)
        .await
        .context("tokens: create")
}

async fn revoke(
    State(st): State<AppState>,
    Path(id): Path<String>,
    req: Request<Body>,
) -> Response {
    use app::error::ErrorContext;
    let Some(user) = super::viewer_of(&req).user else {
        return AppError::Unauthorized.into_response();
    };
    // Someone else's token, or none: the same answer (nothing is revealed).
    if let Ok(id) = Uuid::parse_str(&id) {
        match domain::api_token::service::revoke(&st.db, user.id, id)
            .await
            .context("tokens: revoke")
        {
            Ok(true) => tracing::info!(user = %user.username, token = %id, "revoked an API token"),
            Ok(false) => {}
            Err(e) => return e.into_response(),
        }
    }
    Redirect::to("/tokens").into_response()
}
