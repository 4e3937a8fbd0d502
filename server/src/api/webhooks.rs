//! The webhooks page's forms (`/h/{slug}/webhooks`, plain HTML forms, organizers
//! only, with their session; the CSRF check runs in front as for every POST):
//! register an endpoint (answered with the page, the secret in it once, as a document
//! without hydration and `no-store`; a refused form is the same page, 422, with the
//! messages beside the fields), turn one off or on, replay a delivery.

use std::sync::Arc;

use app::error::{AppError, ErrorContext};
use app::hackfest::scope::Scope;
use app::state::AppState;
use app::webhook::api::WebhookAnswer;
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use domain::FieldErrors;
use domain::user::Viewer;
use domain::webhook::EndpointForm;
use leptos::prelude::provide_context;
use leptos_axum::AxumRouteListing;
use uuid::Uuid;

use crate::webhooks::Settings;

pub fn routes(listing: &[AxumRouteListing]) -> Router<AppState> {
    let listing = listing.to_vec();
    Router::new()
        .route(
            "/h/{slug}/webhooks",
            post(
                move |State(st): State<AppState>, Path(slug): Path<String>, req: Request| {
                    register(st, listing.clone(), slug, req)
                },
            ),
        )
        .route("/h/{slug}/webhooks/{id}/{op}", post(toggle))
        .route("/h/{slug}/webhooks/deliveries/{id}/replay", post(replay))
}

/// The hackfest, if the request's viewer organizes it (401 or 403 otherwise).
async fn organizer(st: &AppState, slug: &str, viewer: Viewer) -> Result<(Scope, String), AppError> {
    let s = Scope::resolve(st.db.clone(), slug, viewer).await?;
    let actor = s.organizer()?;
    Ok((s, actor))
}

async fn register(
    st: AppState,
    listing: Vec<AxumRouteListing>,
    slug: String,
    req: Request,
) -> Response {
    let (s, actor) = match organizer(&st, &slug, super::viewer_of(&req)).await {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let settings = req.extensions().get::<Arc<Settings>>().cloned();
    let (parts, form) =
        match super::plain_form::<EndpointForm>(req, "url, topics, description").await {
            Ok(x) => x,
            Err(answer) => return answer,
        };
    let made = async {
        let new = form.parse().map_err(AppError::Validation)?;
        if let Some(settings) = &settings {
            settings
                .check_reachable(&new.url)
                .await
                .map_err(|m| AppError::Validation(FieldErrors::single("url", m)))?;
        }
        domain::webhook::service::create(&s.db, s.hackfest.id, &new, &actor)
            .await
            .context("webhooks: register")
    };
    let answer = match made.await {
        Ok((endpoint, secret)) => {
            tracing::info!(hackfest = %slug, url = %endpoint.url, by = %actor, "registered a webhook endpoint");
            WebhookAnswer::Created { endpoint, secret }
        }
        Err(AppError::Validation(errors)) => WebhookAnswer::Refused { form, errors },
        Err(e) => return e.into_response(),
    };
    let status = match answer {
        WebhookAnswer::Created { .. } => StatusCode::CREATED,
        WebhookAnswer::Refused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
    };
    super::secret_page(st, parts, listing, status, move || {
        provide_context(answer.clone())
    })
    .await
}

async fn toggle(
    State(st): State<AppState>,
    Path((slug, id, op)): Path<(String, String, String)>,
    req: Request,
) -> Response {
    let (s, actor) = match organizer(&st, &slug, super::viewer_of(&req)).await {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let enabled = match op.as_str() {
        "enable" => true,
        "disable" => false,
        _ => return AppError::NotFound("Page".into()).into_response(),
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return AppError::NotFound("Endpoint".into()).into_response();
    };
    let reason = format!("Turned off by {actor}.");
    match domain::webhook::service::set_enabled(&s.db, s.hackfest.id, id, enabled, Some(&reason))
        .await
        .context("webhooks: enable")
    {
        Ok(true) => Redirect::to(&format!("/h/{slug}/webhooks")).into_response(),
        Ok(false) => AppError::NotFound("Endpoint".into()).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn replay(
    State(st): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    req: Request,
) -> Response {
    let (s, _) = match organizer(&st, &slug, super::viewer_of(&req)).await {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return AppError::NotFound("Delivery".into()).into_response();
    };
    match domain::webhook::service::replay(&s.db, s.hackfest.id, id)
        .await
        .context("webhooks: replay")
    {
        Ok(true) => {
            domain::outbox::wake();
            Redirect::to(&format!("/h/{slug}/webhooks")).into_response()
        }
        Ok(false) => AppError::NotFound("Delivery".into()).into_response(),
        Err(e) => e.into_response(),
    }
}
