//! Create and edit forms without JavaScript (issue 10.6, issue 14.3).
//!
//! Every editor page (`/h/{slug}/{kind}/new`, `/h/{slug}/{kind}/{id}/edit`, the wiki's
//! `/h/{slug}/pages/new` and `/h/{slug}/pages/{page}/edit`, `/hackfests/new`) renders a
//! plain `<form method="post">` to its own address. A POST there runs the same server
//! function the browser calls with JavaScript, through the same argument check
//! (`app::args`), with the request's cookies, viewer and the CSRF/Origin check it
//! already passed, and answers
//! - on success: `303 See Other` to the saved object's page;
//! - on a validation error (422), a conflict (409) or any other refusal: the same page
//!   at the same address with that status, rendered with the typed values and the
//!   error ([`app::editor::Posted`] in the context), so the messages sit beside their
//!   fields and nothing typed is lost. The page keeps that state for the browser to
//!   hydrate from, so with JavaScript it goes on from there.

use std::collections::HashMap;

use app::editor::Posted;
use app::error::AppError;
use app::shell;
use app::state::AppState;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use leptos::prelude::provide_context;
use leptos::server_fn::ServerFn;
use leptos_axum::AxumRouteListing;
use serde_json::Value;
use tower::ServiceExt;

/// The largest server-function answer read back (a saved object).
const MAX_ANSWER: usize = 4 * 1024 * 1024;

/// The saved object's page, from the hackfest's slug and the saved object (JSON).
type Shown = fn(&str, &Value) -> Option<String>;

/// Where a form goes: its server functions and the saved object's page.
#[derive(Clone, Copy)]
struct Target {
    /// The server function's path (`/api/actions/create`).
    endpoint: &'static str,
    /// Updates take `id` and `version` besides `slug` and `form`.
    update: bool,
    /// Creating a hackfest: no `slug` argument (it is in the form).
    hackfest: bool,
    /// The saved object's page, from the hackfest's slug and the saved object.
    shown: Shown,
}

fn field<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).and_then(Value::as_str)
}

/// The form behind an editor page's route (`/h/{slug}/actions/{id}/edit`), if any.
fn target(path: &str) -> Option<Target> {
    use app::{action, decision, goal, hackfest, page, room, session, summary, travel};
    if path == "/hackfests/new" {
        return Some(Target {
            endpoint: hackfest::api::CreateHackfest::PATH,
            update: false,
            hackfest: true,
            shown: |_, h| Some(format!("/h/{}", field(h, "slug")?)),
        });
    }
    let rest = path.strip_prefix("/h/{slug}/")?;
    // One budget per hackfest: its editor's address names no object.
    if rest == "travel/budget/edit" {
        return Some(Target {
            endpoint: travel::api::SaveBudget::PATH,
            update: true,
            hackfest: false,
            shown: |s, _| Some(format!("/h/{s}/travel")),
        });
    }
    // A meeting's log into a session: an import "updates" the session's record.
    if let ["sessions", param, "import"] = rest.split('/').collect::<Vec<_>>()[..]
        && param.starts_with('{')
    {
        return Some(Target {
            endpoint: app::meeting::api::ImportMinutes::PATH,
            update: true,
            hackfest: false,
            shown: |s, o| Some(format!("/h/{s}/sessions/{}", field(o, "id")?)),
        });
    }
    let (kind, update) = match rest.split('/').collect::<Vec<_>>()[..] {
        [kind, "new"] => (kind, false),
        [kind, param, "edit"] if param.starts_with('{') => (kind, true),
        _ => return None,
    };
    let pick = |create: &'static str, edit: &'static str| if update { edit } else { create };
    let (endpoint, shown): (&'static str, Shown) = match kind {
        "goals" => (
            pick(goal::api::CreateGoal::PATH, goal::api::UpdateGoal::PATH),
            |s, g| Some(format!("/h/{s}#goal-{}", field(g, "id")?)),
        ),
        "sessions" => (
            pick(
                session::api::CreateSession::PATH,
                session::api::UpdateSession::PATH,
            ),
            |s, o| Some(format!("/h/{s}/sessions/{}", field(o, "id")?)),
        ),
        "decisions" => (
            pick(
                decision::api::CreateDecision::PATH,
                decision::api::UpdateDecision::PATH,
            ),
            |s, o| Some(format!("/h/{s}/decisions/{}", field(o, "id")?)),
        ),
        "actions" => (
            pick(
                action::api::CreateAction::PATH,
                action::api::UpdateAction::PATH,
            ),
            |s, o| Some(format!("/h/{s}/actions/{}", field(o, "id")?)),
        ),
        "travel" => (
            pick(
                travel::api::CreateTravel::PATH,
                travel::api::UpdateTravel::PATH,
            ),
            |s, o| Some(format!("/h/{s}/travel/{}", field(o, "id")?)),
        ),
        "rooms" => (
            pick(room::api::CreateRoom::PATH, room::api::UpdateRoom::PATH),
            |s, o| Some(format!("/h/{s}/rooms/{}", field(o, "id")?)),
        ),
        "pages" => (
            pick(page::api::CreatePage::PATH, page::api::UpdatePage::PATH),
            |s, p| Some(format!("/h/{s}/pages/{}", field(p, "slug")?)),
        ),
        // A summary is drafted from the record, never created by a form: edit only.
        "summary" if update => (summary::api::UpdateSummary::PATH, |s, o| {
            let day = o.get("day").and_then(Value::as_str);
            Some(match day {
                Some(d) => format!("/h/{s}/summary/{d}"),
                None => format!("/h/{s}/summary"),
            })
        }),
        _ => return None,
    };
    Some(Target {
        endpoint,
        update,
        hackfest: false,
        shown,
    })
}

/// POST on every editor page of `listing` (the app's routes, GET only).
pub fn routes(listing: &[AxumRouteListing]) -> Router<AppState> {
    let mut router = Router::new();
    for l in listing {
        let Some(t) = target(l.path()) else { continue };
        let listing = listing.to_vec();
        router = router.route(
            l.path(),
            post(
                move |State(state): State<AppState>,
                      Path(params): Path<HashMap<String, String>>,
                      req: Request| { save(state, t, params, listing, req) },
            ),
        );
    }
    router
}

/// Middleware: a server function posted by a plain HTML form (it accepts `text/html`)
/// answers with leptos' redirect back to the page (`Location`: the Referer, with
/// `?__path=…&__err=…` on an error), but an error also sets the error's status (422),
/// which a browser does not follow: it would show the JSON. Such an answer becomes a
/// `303 See Other`, so the browser goes back to the page, which shows the message.
pub async fn plain_form_answers(req: Request, next: axum::middleware::Next) -> Response {
    let plain_form = req.method() == Method::POST
        && req.uri().path().starts_with("/api/")
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
    let mut res = next.run(req).await;
    if plain_form && res.headers().contains_key(header::LOCATION) && !res.status().is_redirection()
    {
        *res.status_mut() = StatusCode::SEE_OTHER;
    }
    res
}

/// The server functions as the browser reaches them, with the argument check in front.
fn server_fns(state: AppState) -> Router {
    let ctx = move || provide_context(state.clone());
    Router::new()
        .route(
            "/api/{*fn}",
            post(move |req: Request| leptos_axum::handle_server_fns_with_context(ctx, req)),
        )
        .layer(axum::middleware::from_fn(app::args::name_bad_arguments))
}

/// A `multipart/form-data` body's fields, a file's content as its text (bytes that are
/// not UTF-8 become U+FFFD, which the field's own check then names). `None` when it is
/// not well formed.
async fn decode_multipart(body: Bytes, boundary: String) -> Option<Vec<(String, String)>> {
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut m = multer::Multipart::new(stream, boundary);
    let mut pairs = Vec::new();
    while let Some(field) = m.next_field().await.ok()? {
        let name = field.name()?.to_owned();
        let bytes = field.bytes().await.ok()?;
        pairs.push((name, String::from_utf8_lossy(&bytes).into_owned()));
    }
    Some(pairs)
}

/// `application/x-www-form-urlencoded` pairs, in order ('+' is a space).
fn decode_form(body: &[u8]) -> Option<Vec<(String, String)>> {
    fn unescape(s: &str) -> Option<String> {
        let s = s.replace('+', " ");
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).ok()
    }
    let text = std::str::from_utf8(body).ok()?;
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((unescape(k)?, unescape(v)?))
        })
        .collect()
}

fn encode_form<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    fn escape(s: &str, out: &mut String) {
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    let mut out = String::new();
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        escape(k, &mut out);
        out.push('=');
        escape(v, &mut out);
    }
    out
}

/// The form's `form[<field>]` values by field, in order; a field posted several times
/// (the ticked goals) is one comma-separated value of its non-empty parts.
fn form_fields(pairs: &[(String, String)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs {
        let Some(name) = k.strip_prefix("form[").and_then(|n| n.strip_suffix(']')) else {
            continue;
        };
        if name.is_empty() || name.contains(['[', ']']) {
            continue;
        }
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some((_, joined)) => {
                if !v.is_empty() {
                    if !joined.is_empty() {
                        joined.push(',');
                    }
                    joined.push_str(v);
                }
            }
            None => fields.push((name.to_owned(), v.clone())),
        }
    }
    fields
}

fn value<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

async fn save(
    state: AppState,
    target: Target,
    params: HashMap<String, String>,
    listing: Vec<AxumRouteListing>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, crate::startup::MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                "The form is larger than 1 MiB.",
            )
                .into_response();
        }
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let pairs = if content_type.starts_with("application/x-www-form-urlencoded") {
        decode_form(&bytes)
    } else if let Ok(boundary) = multer::parse_boundary(content_type) {
        // A form with a file (a meeting's log uploaded): each file's text is its field.
        decode_multipart(bytes.clone(), boundary).await
    } else {
        None
    };
    let Some(pairs) = pairs else {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the form as application/x-www-form-urlencoded or multipart/form-data (UTF-8).",
        )
            .into_response();
    };
    let fields = form_fields(&pairs);
    // "Save mine over it" (the conflict view without JavaScript) saves over the stored version.
    let version = value(&pairs, "over_version")
        .or_else(|| value(&pairs, "version"))
        .unwrap_or("")
        .trim()
        .to_owned();
    // The page's address names the hackfest (and the object, except a wiki page's slug).
    let slug = params.get("slug").cloned().unwrap_or_default();
    let id = value(&pairs, "id")
        .map(str::to_owned)
        .or_else(|| params.get("id").cloned())
        .unwrap_or_default();

    let mut args: Vec<(String, String)> = Vec::new();
    if !target.hackfest {
        args.push(("slug".into(), slug.clone()));
    }
    if target.update {
        // The budget's form has no id until there is one (`Option` on the server).
        if !id.is_empty() {
            args.push(("id".into(), id));
        }
        args.push(("version".into(), version.clone()));
    }
    args.extend(
        fields
            .iter()
            .map(|(n, v)| (format!("form[{n}]"), v.clone())),
    );
    let body = encode_form(args.iter().map(|(k, v)| (k.as_str(), v.as_str())));

    let mut call = Request::new(Body::from(body));
    *call.method_mut() = Method::POST;
    *call.uri_mut() = target.endpoint.parse().expect("a server function's path");
    *call.headers_mut() = parts.headers.clone();
    *call.extensions_mut() = parts.extensions.clone();
    let h = call.headers_mut();
    h.remove(header::CONTENT_LENGTH);
    h.remove(header::ACCEPT_ENCODING);
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    // JSON, not the form redirect to the Referer that server functions give HTML clients.
    h.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    let answer = match server_fns(state.clone()).oneshot(call).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let status = answer.status();
    let failed = !status.is_success() || answer.headers().contains_key("serverfnerror");
    let cookies: Vec<HeaderValue> = answer
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    let bytes: Bytes = axum::body::to_bytes(answer.into_body(), MAX_ANSWER)
        .await
        .unwrap_or_default();

    let mut res = if failed {
        let error = serde_json::from_slice::<AppError>(&bytes).unwrap_or_else(|_| {
            let text = String::from_utf8_lossy(&bytes);
            tracing::warn!(%status, endpoint = target.endpoint, answer = %domain::text::shown_up_to(&text, 200), "a form post got an answer that is not an AppError");
            AppError::Internal {
                id: "form-post".into(),
            }
        });
        let version = version.parse::<i64>().ok();
        tracing::debug!(
            endpoint = target.endpoint,
            status = error.status(),
            "a form posted without JavaScript was not saved"
        );
        let posted = Posted {
            fields: fields.into_iter().collect(),
            version,
            error,
        };
        render(state, parts, listing, posted).await
    } else {
        let saved: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        match (target.shown)(&slug, &saved) {
            Some(to) => see_other(&to),
            None => {
                tracing::warn!(endpoint = target.endpoint, "the saved object names no page");
                see_other(parts.uri.path())
            }
        }
    };
    for c in cookies {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

fn see_other(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(loc) => (StatusCode::SEE_OTHER, [(header::LOCATION, loc)]).into_response(),
        Err(_) => (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response(),
    }
}

/// The page at the posted address, as a GET would render it, with `posted` in the
/// context; its status is the error's unless the page chose another (a 404).
async fn render(
    state: AppState,
    parts: axum::http::request::Parts,
    listing: Vec<AxumRouteListing>,
    posted: Posted,
) -> Response {
    let status =
        StatusCode::from_u16(posted.error.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    render_with(state, parts, listing, status, move || {
        provide_context(posted.clone())
    })
    .await
}

/// Renders the page at the posted request's address (as a GET) with what `ctx`
/// provides, answered with `status`: how a plain form's post answers with its page.
pub async fn render_with(
    state: AppState,
    mut parts: axum::http::request::Parts,
    listing: Vec<AxumRouteListing>,
    status: StatusCode,
    ctx: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    parts.method = Method::GET;
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    let req = Request::from_parts(parts, Body::empty());
    let options = state.leptos_options.clone();
    let ctx = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            ctx();
        }
    };
    let handler =
        leptos_axum::render_route_with_context(listing, ctx, move || shell(options.clone()));
    let mut res = handler(State(state), req).await;
    if res.status() == StatusCode::OK {
        *res.status_mut() = status;
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_pages_have_targets() {
        let t = target("/h/{slug}/actions/{id}/edit").unwrap();
        assert_eq!(t.endpoint, "/api/actions/update");
        assert!(t.update);
        let t = target("/h/{slug}/pages/new").unwrap();
        assert_eq!(t.endpoint, "/api/pages/create");
        assert!(!t.update);
        assert_eq!(
            (t.shown)("x", &serde_json::json!({"slug": "notes"})).as_deref(),
            Some("/h/x/pages/notes")
        );
        assert!(target("/hackfests/new").unwrap().hackfest);
        assert!(target("/h/{slug}/actions/{id}").is_none());
        assert!(target("/h/{slug}/pages/{page}/history").is_none());
        assert!(target("/h/{slug}").is_none());
    }

    #[test]
    fn forms_decode_and_fields_join() {
        let pairs = decode_form(
            b"slug=x&form%5Btitle%5D=a+b%26c&form[goal_ids]=&form[goal_ids]=1&form[goal_ids]=2&form[x][y]=z",
        )
        .unwrap();
        assert_eq!(value(&pairs, "slug"), Some("x"));
        assert_eq!(
            form_fields(&pairs),
            vec![
                ("title".to_owned(), "a b&c".to_owned()),
                ("goal_ids".to_owned(), "1,2".to_owned())
            ]
        );
        assert!(decode_form(b"a=%ff").is_none());
        assert!(decode_form(b"a=%4").is_none());
        let back = encode_form([("form[title]", "a b&c/ü")]);
        assert_eq!(
            decode_form(back.as_bytes()).unwrap(),
            vec![("form[title]".to_owned(), "a b&c/ü".to_owned())]
        );
    }
}
