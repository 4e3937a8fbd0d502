//! Published summaries off the app's pages (issue 11): the Atom feeds (one per
//! hackfest, one for the whole site), the JSON form of each summary, HTTP caching of
//! the public summary pages, and the task that drafts each day's summary when the day
//! ends.
//!
//! Caching: a public summary page answers anonymous readers with a weak `ETag` made
//! from the versions of the hackfest and of its summaries (one small query; the page is
//! not rendered for a `304 Not Modified`), `Cache-Control: public, max-age=60,
//! stale-while-revalidate=300` and `Vary: Cookie`, so a reverse proxy can keep it. Signed-in
//! people may see drafts: their answers are `private, no-cache`. The feeds and the JSON
//! carry a strong `ETag` of their bytes.

use std::time::Duration;

use app::state::AppState;
use app::summary::api::{day_segment, excerpt, page_path, parse_day};
use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::db::Db;
use domain::hackfest::Hackfest;
use domain::summary::{Published, service};
use domain::text::xml;
use domain::user::Viewer;
use serde::Deserialize;

use crate::routes::{PUBLIC_CACHE, etag_matches};

const ATOM: &str = "application/atom+xml; charset=utf-8";

use app::error::AppError;

/// How many entries a feed lists (newest first).
const FEED_ENTRIES: i64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/summary.atom", get(site_feed))
        .route("/h/{slug}/summary.atom", get(hackfest_feed))
        .route("/h/{slug}/summary.json", get(json))
}

fn internal(op: &'static str, e: domain::DomainError) -> AppError {
    AppError::internal(op, &e)
}

fn not_found() -> Response {
    AppError::NotFound("Summary".into()).into_response()
}

async fn hackfest(db: &Db, slug: &str) -> Result<Hackfest, Response> {
    match domain::hackfest::service::by_slug(db, slug).await {
        Ok(h) => Ok(h),
        Err(domain::DomainError::NotFound(_)) => {
            Err(AppError::NotFound("Hackfest".into()).into_response())
        }
        Err(e) => Err(internal("summary feed", e).into_response()),
    }
}

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// One `<entry>`: its id is the summary's (stable across corrections and
/// regenerations), `updated` its latest publication.
fn entry(base: &str, h: &Hackfest, p: &Published) -> String {
    let url = format!("{base}{}", page_path(&h.slug, p.day));
    let author = format!("{} organizers", h.title);
    format!(
        "<entry>\n<id>urn:uuid:{id}</id>\n<title type=\"text\">{title}</title>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n<updated>{updated}</updated>\n\
         <author><name>{author}</name></author>\n<summary type=\"text\">{excerpt}</summary>\n\
         <content type=\"html\">{content}</content>\n</entry>\n",
        id = p.id,
        title = xml(&p.title),
        url = xml(&url),
        updated = rfc3339(p.published_at),
        author = xml(&author),
        excerpt = xml(&excerpt(&p.body_html)),
        // The HTML is sanitised (ammonia) when rendered; here it is only escaped.
        content = xml(&p.body_html),
    )
}

fn feed(
    id: &str,
    title: &str,
    self_url: &str,
    page: &str,
    updated: String,
    entries: String,
) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <id>{id}</id>\n<title type=\"text\">{title}</title>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{self_url}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{page}\"/>\n<updated>{updated}</updated>\n\
         <author><name>Hackfest</name></author>\n<generator>Hackfest</generator>\n{entries}</feed>\n",
        id = xml(id),
        title = xml(title),
        self_url = xml(self_url),
        page = xml(page),
    )
}

async fn hackfest_feed(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    let h = match hackfest(&st.db, &slug).await {
        Ok(h) => h,
        Err(r) => return r,
    };
    let published = match service::published(&st.db, &h).await {
        Ok(p) => p,
        Err(e) => return internal("summary feed", e).into_response(),
    };
    let base = st.public_url.trim_end_matches('/');
    let mut newest = published.iter().map(|p| p.published_at).max();
    newest = newest.or(Some(h.updated_at));
    let entries: String = published
        .iter()
        .take(FEED_ENTRIES as usize)
        .map(|p| entry(base, &h, p))
        .collect();
    let self_url = format!("{base}/h/{}/summary.atom", h.slug);
    let body = feed(
        &self_url,
        &format!("{}: summaries", h.title),
        &self_url,
        &format!("{base}/h/{}/summary", h.slug),
        rfc3339(newest.unwrap_or_else(chrono::Utc::now)),
        entries,
    );
    crate::routes::document(&headers, ATOM, PUBLIC_CACHE, body)
}

async fn site_feed(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let published = match service::published_site(&st.db, FEED_ENTRIES).await {
        Ok(p) => p,
        Err(e) => return internal("site summary feed", e).into_response(),
    };
    let base = st.public_url.trim_end_matches('/');
    let newest = published
        .iter()
        .map(|(_, p)| p.published_at)
        .max()
        .unwrap_or(chrono::DateTime::UNIX_EPOCH);
    let entries: String = published.iter().map(|(h, p)| entry(base, h, p)).collect();
    let self_url = format!("{base}/summary.atom");
    let body = feed(
        &self_url,
        "Hackfest: summaries",
        &self_url,
        &format!("{base}/"),
        rfc3339(newest),
        entries,
    );
    crate::routes::document(&headers, ATOM, PUBLIC_CACHE, body)
}

#[derive(Deserialize)]
struct DayQuery {
    #[serde(default)]
    day: String,
}

/// `/h/{slug}/summary.json?day=YYYY-MM-DD` (or `week`, the default): the published
/// summary as JSON; 404 when it is not published.
async fn json(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<DayQuery>,
    headers: HeaderMap,
) -> Response {
    let day = match parse_day(&q.day) {
        Ok(d) => d,
        Err(e) => return AppError::Validation(e).into_response(),
    };
    let h = match hackfest(&st.db, &slug).await {
        Ok(h) => h,
        Err(r) => return r,
    };
    let p = match service::published_one(&st.db, &h, day).await {
        Ok(Some(p)) => p,
        Ok(None) => return not_found(),
        Err(e) => return internal("summary json", e).into_response(),
    };
    let base = st.public_url.trim_end_matches('/');
    let body = serde_json::json!({
        "hackfest": { "id": h.id, "slug": h.slug, "title": h.title },
        "id": p.id,
        "day": p.day,
        "title": p.title,
        "revision": p.revision,
        "published_at": rfc3339(p.published_at),
        "url": format!("{base}{}", page_path(&h.slug, day)),
        "json_url": format!("{base}/h/{}/summary.json?day={}", h.slug, day_segment(day)),
        "body_html": p.body_html,
    });
    crate::routes::document(&headers, "application/json", PUBLIC_CACHE, body.to_string())
}

/// The public summary pages: a weak ETag from the versions behind the page, for
/// anonymous readers; `304` without rendering when it matches.
pub async fn cache_pages(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if req.method() != axum::http::Method::GET || !app::summary::page::is_read_only(&path) {
        return next.run(req).await;
    }
    let anonymous = req
        .extensions()
        .get::<Viewer>()
        .is_none_or(|v| !v.signed_in());
    if !anonymous {
        let mut res = next.run(req).await;
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
        return res;
    }
    let slug = path
        .trim_start_matches("/h/")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let tag = match service::fingerprint(&st.db, &slug).await {
        Ok(Some(f)) => format!("W/\"{}-{f}\"", env!("CARGO_PKG_VERSION")),
        // No such hackfest, or the database failed: the page says so, uncached.
        _ => return next.run(req).await,
    };
    let cache = HeaderValue::from_static(PUBLIC_CACHE);
    if etag_matches(req.headers(), &tag) {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&tag) {
            res.headers_mut().insert(header::ETAG, v);
        }
        res.headers_mut().insert(header::CACHE_CONTROL, cache);
        res.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Cookie"));
        return res;
    }
    let mut res = next.run(req).await;
    if res.status() == StatusCode::OK {
        if let Ok(v) = HeaderValue::from_str(&tag) {
            res.headers_mut().insert(header::ETAG, v);
        }
        res.headers_mut().insert(header::CACHE_CONTROL, cache);
        res.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Cookie"));
    }
    res
}

/// Drafts each hackfest day's summary once the day has ended (in the hackfest's time
/// zone), every few minutes; a day that already has a summary is left alone.
pub fn spawn_drafting(db: Db, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match service::draft_due(&db, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(drafts = n, "drafted the summaries of days that ended"),
                Err(e) => {
                    tracing::warn!(error = %e, "drafting the summaries of days that ended failed")
                }
            }
        }
    });
}
