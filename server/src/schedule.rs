//! The schedule for other tools (issue 12, items 6 and 7), as plain routes (no WASM,
//! no sign-in for the public ones):
//! - iCalendar feeds (RFC 5545; `domain::schedule::ical`): the whole hackfest
//!   (`/h/{slug}/schedule.ics`), one room (`/h/{slug}/rooms/{id}/schedule.ics`) and one
//!   person's sessions behind a private token (`/h/{slug}/calendar/{token}.ics`);
//! - the frab-compatible `schedule.xml` and `schedule.json`
//!   (`domain::schedule::frab`);
//! - `POST /h/{slug}/calendar/token` (`op=rotate` or `op=revoke`), the no-JavaScript
//!   form of the calendar page (`/h/{slug}/calendar`): rotating answers a small page
//!   that shows the new private URL once (only its hash is kept); revoking goes back
//!   to the calendar page. The CSRF check (Origin) runs in front, as for every POST.
//!
//! An unknown hackfest, a room of another hackfest, and a wrong, rotated or revoked
//! token are all a plain 404. Every document carries a strong `ETag` made from what
//! it shows and what it is made of (`schedule::fingerprint`): a revalidation is
//! answered `304` from one query, before any session is read or rendered.

use std::hash::{Hash, Hasher};

use app::error::{AppError, ErrorContext};
use app::state::AppState;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use domain::hackfest::Hackfest;
use domain::schedule::{self, frab, token};
use domain::session::HackSession;
use domain::user::Viewer;
use serde::Deserialize;

const ICS: &str = "text/calendar; charset=utf-8";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/h/{slug}/schedule.ics", get(hackfest_ics))
        .route("/h/{slug}/rooms/{id}/schedule.ics", get(room_ics))
        .route("/h/{slug}/calendar/{file}", get(person_ics))
        .route("/h/{slug}/calendar/token", post(manage_token))
        .route("/h/{slug}/schedule.xml", get(schedule_xml))
        .route("/h/{slug}/schedule.json", get(schedule_json))
}

fn not_found(what: &str) -> AppError {
    AppError::NotFound(what.into())
}

async fn hackfest(st: &AppState, slug: &str) -> Result<Hackfest, AppError> {
    match domain::hackfest::service::by_slug(&st.db, slug).await {
        Err(domain::DomainError::NotFound(_)) => Err(not_found("Hackfest")),
        r => r.context("schedule: hackfest"),
    }
}

/// The hackfest's sessions in start order, as stored (UTC; no Markdown rendered).
async fn sessions(st: &AppState, h: &Hackfest) -> Result<Vec<HackSession>, AppError> {
    domain::session::repo::list_for_hackfest(&st.db, h.id)
        .await
        .context("schedule: sessions")
}

fn base(st: &AppState) -> &str {
    st.public_url.trim_end_matches('/')
}

/// A schedule document answered with a strong `ETag` made from what it shows (`what`:
/// the route and its argument) and [`schedule::fingerprint`]: `304` before anything is
/// read or rendered when the client has it, else `make()`'s body.
async fn document<F>(
    st: &AppState,
    headers: &HeaderMap,
    h: &Hackfest,
    what: &str,
    (content_type, cache): (&'static str, &'static str),
    make: F,
) -> Result<Response, AppError>
where
    F: AsyncFnOnce() -> Result<String, AppError>,
{
    let fp = schedule::fingerprint(&st.db, h)
        .await
        .context("schedule: fingerprint")?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (what, base(st), fp, env!("CARGO_PKG_VERSION")).hash(&mut hasher);
    let tag = format!("\"s{:016x}\"", hasher.finish());
    if crate::routes::etag_matches(headers, &tag) {
        return Ok(crate::routes::document_tagged(
            headers,
            content_type,
            cache,
            tag,
            String::new,
        ));
    }
    let body = make().await?;
    Ok(crate::routes::document_tagged(
        headers,
        content_type,
        cache,
        tag,
        || body,
    ))
}

const PUBLIC: &str = crate::routes::PUBLIC_CACHE;
/// A private feed's URL is its secret: no shared cache keeps it.
const PRIVATE: &str = "private, max-age=60";

async fn hackfest_ics(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let h = hackfest(&st, &slug).await?;
    document(&st, &headers, &h, "ics", (ICS, PUBLIC), async || {
        let all = sessions(&st, &h).await?;
        Ok(schedule::calendar(&h.title, base(&st), &h, &all))
    })
    .await
}

async fn room_ics(
    State(st): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let h = hackfest(&st, &slug).await?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| not_found("Room"))?;
    let room = match domain::room::service::get(&st.db, h.id, id).await {
        Err(domain::DomainError::NotFound(_)) => return Err(not_found("Room")),
        r => r.context("schedule: room")?,
    };
    let what = format!("room {}", room.id);
    document(&st, &headers, &h, &what, (ICS, PUBLIC), async || {
        let mine: Vec<HackSession> = sessions(&st, &h)
            .await?
            .into_iter()
            .filter(|s| s.room_id == Some(room.id))
            .collect();
        let name = format!("{}: {}", h.title, room.name);
        Ok(schedule::calendar(&name, base(&st), &h, &mine))
    })
    .await
}

/// `/h/{slug}/calendar/{token}.ics`: the sessions whose participants name the token's
/// owner. Anything but a current token of this hackfest is the same 404.
async fn person_ics(
    State(st): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let h = hackfest(&st, &slug).await?;
    let Some(t) = file.strip_suffix(".ics") else {
        return Err(not_found("Calendar"));
    };
    let Some(username) = token::owner(&st.db, h.id, t)
        .await
        .context("schedule: calendar token")?
    else {
        return Err(not_found("Calendar"));
    };
    let what = format!("person {username}");
    document(&st, &headers, &h, &what, (ICS, PRIVATE), async || {
        let all = sessions(&st, &h).await?;
        let mine: Vec<HackSession> = schedule::of_person(&all, &username).cloned().collect();
        let name = format!("{}: {username}", h.title);
        Ok(schedule::calendar(&name, base(&st), &h, &mine))
    })
    .await
}

/// The frab-compatible schedule, as XML or JSON: one reading of the hackfest's
/// sessions and rooms, two renderings.
async fn frab_export(
    st: &AppState,
    slug: &str,
    headers: &HeaderMap,
    json: bool,
) -> Result<Response, AppError> {
    let h = hackfest(st, slug).await?;
    let (what, content_type) = if json {
        ("schedule.json", "application/json")
    } else {
        ("schedule.xml", "application/xml; charset=utf-8")
    };
    document(st, headers, &h, what, (content_type, PUBLIC), async || {
        let all = sessions(st, &h).await?;
        let rooms = domain::room::service::list(&st.db, h.id)
            .await
            .context("schedule: rooms")?;
        let export = frab::Export::new(&h, base(st), &rooms, &all);
        Ok(if json {
            export.json().to_string()
        } else {
            export.xml()
        })
    })
    .await
}

async fn schedule_xml(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    frab_export(&st, &slug, &headers, false).await
}

async fn schedule_json(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    frab_export(&st, &slug, &headers, true).await
}

#[derive(Deserialize)]
struct TokenOp {
    #[serde(default)]
    op: String,
}

/// The calendar page's Create/Rotate and Revoke buttons (plain forms). Signed-in
/// people only (401 otherwise); the token is the person's own, so no role is needed.
async fn manage_token(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    viewer: Option<Extension<Viewer>>,
    Form(form): Form<TokenOp>,
) -> Result<Response, AppError> {
    let h = hackfest(&st, &slug).await?;
    let Some(user) = viewer.and_then(|Extension(v)| v.user) else {
        return Err(AppError::Unauthorized);
    };
    let page = format!("/h/{}/calendar", h.slug);
    match form.op.as_str() {
        "rotate" => {
            let t = token::rotate(&st.db, h.id, user.id)
                .await
                .context("calendar token: rotate")?;
            let url = format!("{}/h/{}/calendar/{t}.ics", base(&st), h.slug);
            Ok((
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    // The page holds a secret: never stored.
                    (header::CACHE_CONTROL, "no-store"),
                ],
                shown_once(&h, &url, &page),
            )
                .into_response())
        }
        "revoke" => {
            token::revoke(&st.db, h.id, user.id)
                .await
                .context("calendar token: revoke")?;
            Ok(Redirect::to(&page).into_response())
        }
        _ => {
            let mut e = domain::FieldErrors::new();
            e.add("op", "Choose rotate or revoke.");
            Err(AppError::Validation(e))
        }
    }
}

/// The page that shows a new private URL, the only time it is shown.
fn shown_once(h: &Hackfest, url: &str, back: &str) -> String {
    let x = domain::text::xml;
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>Your private calendar URL · {title}</title>\n</head>\n<body>\n<main>\n\
         <h1>Your private calendar URL</h1>\n\
         <p>Subscribe to this address in your calendar app to see the sessions of {title} you take part in. \
         It is shown only now: copy it. Anyone who has it can read your sessions; rotate it from the \
         calendar page if it leaks (the old one stops working at once).</p>\n\
         <p><input id=\"private-url\" type=\"text\" readonly size=\"80\" value=\"{url}\" aria-label=\"Private calendar URL\"></p>\n\
         <p><a href=\"{url}\">{url}</a></p>\n\
         <p><a href=\"{back}\">Back to the calendar page</a></p>\n</main>\n</body>\n</html>\n",
        title = x(&h.title),
        url = x(url),
        back = x(back),
    )
}
