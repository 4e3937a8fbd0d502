//! The JSON API, `/api/v1/…` (issue 15, item 2): the stable contract for other tools.
//!
//! - **Who**: `Authorization: Bearer <personal API token>` (made on `/tokens`), or
//!   nobody: anonymous callers read what anonymous visitors of the pages read. Cookies
//!   are never read here, so a page of another site cannot act through a signed-in
//!   browser. A token acts as its owner with the role they hold in the hackfest now,
//!   only in the hackfest it was made for, and only reads unless its scope is `write`.
//! - **Errors**: one JSON shape, `{"error": code, "message": …}` plus `fields` (422,
//!   by field, the same messages as the forms) or `current` (409, the object as it is
//!   now). A token that is malformed, unknown, expired or revoked is one 401, alike;
//!   a token used beyond its hackfest or scope is 403.
//! - **Lists** page with `page` (from 1) and `per_page` (1–100, 50 by default) and
//!   filter by the columns each kind names; an unknown parameter is a 422 naming it.
//! - **Writes**: `POST` creates from the form's fields as JSON; `PUT /{id}` saves all
//!   of them over `version` (a stale one is a 409 with the current object).

mod kinds;
pub mod openapi;
pub mod tokens;
pub mod webhooks;

use std::sync::Arc;

use app::error::AppError;
use app::hackfest::scope::Scope;
use app::state::AppState;
use axum::Router;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::api_token::TokenScope;
use domain::api_token::service::Resolved;
use domain::listing::{Filter, Value as FilterValue};
use domain::user::Viewer;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::auth::Auth;

pub use kinds::Kind;

/// Rows per page of a list, unless `per_page` says otherwise; and the most it may say.
pub const PER_PAGE: i64 = 50;
pub const PER_PAGE_MAX: i64 = 100;

/// An error of the API, as it answers it.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl ApiError {
    fn fields(fields: domain::FieldErrors) -> Self {
        ApiError(AppError::Validation(fields))
    }

    fn field(name: &str, message: impl Into<String>) -> Self {
        Self::fields(domain::FieldErrors::single(name, message))
    }

    /// The JSON body: `error` (a stable code), `message`, and `fields` or `current`.
    pub fn body(&self) -> Value {
        let (code, extra) = match &self.0 {
            AppError::Unauthorized => ("unauthorized", None),
            AppError::Forbidden => ("forbidden", None),
            AppError::NotFound(_) => ("not_found", None),
            AppError::Validation(f) => ("validation", Some(("fields", json!(f.0)))),
            AppError::Conflict { current } => ("conflict", Some(("current", current.clone()))),
            AppError::TooManyRequests(_) => ("too_many_requests", None),
            AppError::Internal { id } => ("internal", Some(("error_id", json!(id)))),
            AppError::Transport(_) => ("bad_request", None),
        };
        let mut body = json!({ "error": code, "message": self.0.to_string() });
        if let Some((k, v)) = extra {
            body[k] = v;
        }
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = (status, axum::Json(self.body())).into_response();
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"hackfest\""),
            );
        }
        res
    }
}

/// A domain error of `operation` (logged when internal).
fn domain_err(operation: &str) -> impl Fn(domain::DomainError) -> ApiError + '_ {
    move |e| ApiError(AppError::from_domain(e, operation))
}

/// Who is calling: nobody, or a token's owner (and the token).
pub struct Caller {
    pub viewer: Viewer,
    pub token: Option<Resolved>,
}

/// What a request needs of its token.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Read,
    Write,
}

/// The caller of a request, from its `Authorization` header only.
pub async fn caller(auth: &Auth, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(Caller {
            viewer: Viewer::anonymous(),
            token: None,
        });
    };
    let invalid = || ApiError(AppError::Unauthorized);
    if values.next().is_some() {
        return Err(invalid());
    }
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
        .ok_or_else(invalid)?;
    let resolved = domain::api_token::service::resolve(&auth.db, token)
        .await
        .map_err(domain_err("api: token"))?
        .ok_or_else(invalid)?;
    let user = domain::user::repo::get(&auth.db, resolved.user_id)
        .await
        .map_err(|e| domain_err("api: token owner")(e.into()))?
        .ok_or_else(invalid)?;
    // SECURITY 31: the development sign-in's accounts end once an identity provider
    // is configured; their tokens with them.
    if auth.oidc.is_some() {
        let issuer = domain::user::repo::issuer(&auth.db, user.id)
            .await
            .map_err(|e| domain_err("api: token owner")(e.into()))?;
        if issuer.as_deref() == Some(crate::auth::DEV_ISSUER) {
            tracing::warn!(user = %user.username, "refused an API token of a development account");
            return Err(invalid());
        }
    }
    Ok(Caller {
        viewer: auth.policy.viewer(user),
        token: Some(resolved),
    })
}

/// The hackfest `slug` as the caller sees it, checked against the token: its
/// hackfest (403 for another) and its scope (403 for a write with a read token).
pub async fn scope(
    st: &AppState,
    caller: &Caller,
    slug: &str,
    need: Need,
) -> Result<Scope, ApiError> {
    let s = Scope::resolve(st.db.clone(), slug, caller.viewer.clone()).await?;
    if let Some(t) = &caller.token {
        if t.hackfest_id != s.hackfest.id {
            return Err(ApiError(AppError::Forbidden));
        }
        if need == Need::Write && t.scope != TokenScope::Write {
            return Err(ApiError(AppError::Forbidden));
        }
    }
    Ok(s)
}

/// One page of a list.
#[derive(Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

/// How a query parameter filters a kind's list: its name, its column, how its value
/// is read.
pub struct FilterSpec {
    pub name: &'static str,
    pub column: &'static str,
    pub parse: fn(&str) -> Result<FilterValue, String>,
    /// What it takes (for the OpenAPI document).
    pub values: Values,
}

/// The values a filter takes.
pub enum Values {
    /// One of these words.
    OneOf(fn() -> Vec<&'static str>),
    /// An object's id.
    Id,
    /// A username (compared without case).
    Username,
}

/// `page`, `per_page` and the filters of a list's query string; every other
/// parameter, or a bad value, is a 422 naming it.
pub fn list_query(
    raw: Option<&str>,
    specs: &[FilterSpec],
) -> Result<(i64, i64, Vec<Filter>), ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|_| ApiError::field("query", "The query string is not valid URL encoding."))?;
    let mut errors = domain::FieldErrors::new();
    let (mut page, mut per_page) = (1i64, PER_PAGE);
    let mut filters = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (k, v) in &pairs {
        if !seen.insert(k.as_str()) {
            errors.add(
                k,
                format!(
                    "\"{}\" is given twice; give it once.",
                    domain::text::shown(k)
                ),
            );
            continue;
        }
        match k.as_str() {
            "page" => match v.trim().parse::<i64>() {
                Ok(n) if (1..=1_000_000).contains(&n) => page = n,
                _ => errors.add("page", "Page is a number from 1."),
            },
            "per_page" => match v.trim().parse::<i64>() {
                Ok(n) if (1..=PER_PAGE_MAX).contains(&n) => per_page = n,
                _ => errors.add(
                    "per_page",
                    format!("Per page is a number from 1 to {PER_PAGE_MAX}."),
                ),
            },
            name => match specs.iter().find(|s| s.name == name) {
                Some(s) => match (s.parse)(v) {
                    Ok(value) => filters.push(Filter {
                        column: s.column,
                        value,
                    }),
                    Err(m) => errors.add(name, m),
                },
                None => {
                    let mut known: Vec<&str> = vec!["page", "per_page"];
                    known.extend(specs.iter().map(|s| s.name));
                    errors.add(
                        &domain::text::shown_up_to(name, 40),
                        format!("Unknown parameter; this list takes: {}.", known.join(", ")),
                    );
                }
            },
        }
    }
    if errors.is_empty() {
        Ok((page, per_page, filters))
    } else {
        Err(ApiError::fields(errors))
    }
}

/// A write's JSON body as the kind's form: numbers and booleans become their text,
/// a list of strings becomes one comma-separated value, `null` an empty field, and
/// a missing field an empty one (so the form's own check names it). Anything not a
/// field of the form is a 422 naming it. `version` is taken out for updates.
pub fn form_from_json<F>(body: &[u8], update: bool) -> Result<(F, Option<i64>), ApiError>
where
    F: serde::de::DeserializeOwned + Serialize + Default,
{
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::field("body", format!("The body is not JSON: {e}.")))?;
    let Value::Object(mut given) = value else {
        return Err(ApiError::field(
            "body",
            "The body is a JSON object of the fields.",
        ));
    };
    let Value::Object(known) = serde_json::to_value(F::default()).unwrap_or_default() else {
        return Err(ApiError(AppError::Internal {
            id: "api-form".into(),
        }));
    };
    let mut errors = domain::FieldErrors::new();
    let version = if update {
        match given.remove("version") {
            Some(Value::Number(n)) if n.as_i64().is_some_and(|v| v >= 1) => n.as_i64(),
            Some(Value::String(s)) if s.trim().parse::<i64>().is_ok_and(|v| v >= 1) => {
                s.trim().parse().ok()
            }
            None => {
                errors.add(
                    "version",
                    "Version is required: the version you are saving over.",
                );
                None
            }
            Some(_) => {
                errors.add("version", "Version is a whole number from 1.");
                None
            }
        }
    } else {
        None
    };
    let mut form = Map::new();
    for (k, v) in given {
        if !known.contains_key(&k) {
            let mut names: Vec<&str> = known.keys().map(String::as_str).collect();
            if update {
                names.push("version");
            }
            errors.add(
                &domain::text::shown_up_to(&k, 40),
                format!("Unknown field; the fields are: {}.", names.join(", ")),
            );
            continue;
        }
        let text = match v {
            Value::Null => String::new(),
            Value::String(s) => s,
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Array(items) => {
                let mut parts = Vec::with_capacity(items.len());
                for i in items {
                    match i {
                        Value::String(s) => parts.push(s),
                        Value::Number(n) => parts.push(n.to_string()),
                        _ => {
                            errors.add(&k, "A list holds strings only.");
                            break;
                        }
                    }
                }
                parts.join(", ")
            }
            Value::Object(_) => {
                errors.add(
                    &k,
                    "A field is text, a number, a boolean or a list of strings.",
                );
                continue;
            }
        };
        form.insert(k, Value::String(text));
    }
    for k in known.keys() {
        form.entry(k.clone())
            .or_insert_with(|| Value::String(String::new()));
    }
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    let form = serde_json::from_value(Value::Object(form))
        .map_err(|e| ApiError::field("body", format!("The fields could not be read: {e}.")))?;
    Ok((form, version))
}

/// `/api/v1`: the hackfests, each kind's list, get, create and update, and the
/// OpenAPI document.
pub fn routes() -> Router<AppState> {
    let v1 = Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/me", get(me))
        .route("/hackfests", get(hackfests))
        .route("/hackfests/{slug}", get(hackfest));
    let v1 = kinds::register(v1);
    Router::new()
        .nest("/api/v1", v1.fallback(not_found))
        .route("/api/v1", get(not_found))
}

async fn not_found() -> ApiError {
    ApiError(AppError::NotFound("Endpoint".into()))
}

/// Who a token is (`GET /api/v1/me`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub username: String,
    pub display_name: String,
    /// The slug of the hackfest the token works in.
    pub hackfest: Option<String>,
    /// `read` or `write`.
    pub scope: String,
}

/// A hackfest, and the caller's role in it (`GET /api/v1/hackfests/{slug}`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct HackfestView {
    #[serde(flatten)]
    pub hackfest: domain::hackfest::Hackfest,
    /// `not signed in`, `visitor`, `attendee`, `organizer` or `admin`.
    pub role: String,
}

/// Who the token is: its owner, the hackfest it works in, its scope.
async fn me(
    Extension(auth): Extension<Arc<Auth>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let c = caller(&auth, &headers).await?;
    let (Some(user), Some(t)) = (c.viewer.user.as_ref(), c.token.as_ref()) else {
        return Err(ApiError(AppError::Unauthorized));
    };
    let slug = domain::page::repo::hackfest(&auth.db, t.hackfest_id)
        .await
        .map_err(|e| domain_err("api: me")(e.into()))?
        .map(|h| h.slug);
    Ok(axum::Json(Me {
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        hackfest: slug,
        scope: t.scope.as_str().to_owned(),
    })
    .into_response())
}

/// Every hackfest (what anybody may see of them).
async fn hackfests(State(st): State<AppState>) -> Result<Response, ApiError> {
    let all = domain::hackfest::service::list(&st.db)
        .await
        .map_err(domain_err("api: hackfests"))?;
    let total = all.len() as i64;
    Ok(axum::Json(Paged {
        per_page: total.max(1),
        items: all,
        page: 1,
        total,
    })
    .into_response())
}

/// A hackfest, and the caller's role in it.
async fn hackfest(
    State(st): State<AppState>,
    Extension(auth): Extension<Arc<Auth>>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let c = caller(&auth, &headers).await?;
    let s = scope(&st, &c, &slug, Need::Read).await?;
    Ok(axum::Json(HackfestView {
        role: s.role.label().to_owned(),
        hackfest: s.hackfest,
    })
    .into_response())
}

/// The answer to a plain form that made a secret (an API token, a webhook's signing
/// secret): the page at the post's address rendered with what `ctx` provides, as a
/// document without hydration (the secret is in no script), never stored, sending a
/// referrer to this site only. Not `no-referrer`: a form posted from such a document
/// carries `Origin: null`, which the CSRF check refuses (the next try after a refused
/// form, a revoke from the page that showed the token). The secret is never in a URL.
pub async fn secret_page(
    st: AppState,
    parts: axum::http::request::Parts,
    listing: Vec<leptos_axum::AxumRouteListing>,
    status: StatusCode,
    ctx: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    let mut res = crate::nojs::render_with(st, parts, listing, status, move || {
        ctx();
        leptos::prelude::provide_context(app::state::DocumentOnly);
    })
    .await;
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    res
}

/// Who sent a page's plain form (their session, read by the auth layer; anonymous if
/// none).
pub fn viewer_of(req: &axum::extract::Request) -> Viewer {
    req.extensions()
        .get::<Viewer>()
        .cloned()
        .unwrap_or_default()
}

/// A page's plain form (`application/x-www-form-urlencoded`, at most 64 KiB) read as
/// `F`, with the request's head kept for the answer; otherwise the answer: 413, or 422
/// naming the fields it takes (`fields`).
pub async fn plain_form<F: serde::de::DeserializeOwned>(
    req: axum::extract::Request,
    fields: &str,
) -> Result<(axum::http::request::Parts, F), Response> {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            "The form is larger than 64 KiB.",
        )
            .into_response());
    };
    match serde_urlencoded::from_bytes(&bytes) {
        Ok(f) => Ok((parts, f)),
        Err(_) => Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("Send the form as application/x-www-form-urlencoded: {fields}."),
        )
            .into_response()),
    }
}

/// A 422 of the form's fields, or the object's JSON.
pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    (status, axum::Json(value)).into_response()
}

/// Reads a query string (for `RawQuery` handlers).
pub fn raw(q: &RawQuery) -> Option<&str> {
    q.0.as_deref()
}
