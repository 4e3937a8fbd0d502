//! The hackfest's exports over HTTP (issue 11 item 8): `GET /h/{slug}/export.json`
//! (every object with its history, the file `hackfest import` restores) and
//! `GET /h/{slug}/export.tar` (one Markdown file per object). For the hackfest's
//! organizers and admins: 401 when not signed in, 403 for anyone else, 404 for an
//! unknown slug. Sent as attachments named `<slug>-<date>.json|tar`, never cached.

use app::error::AppError;
use app::state::AppState;
use axum::Router;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::hackfest::Hackfest;
use domain::user::{Role, Viewer};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/h/{slug}/export.json", get(json))
        .route("/h/{slug}/export.tar", get(tar))
        .route(
            "/h/{slug}/travel/requests.csv",
            get(
                |State(st): State<AppState>,
                 Extension(v): Extension<Viewer>,
                 Path(slug): Path<String>| {
                    travel_csv(
                        st,
                        v,
                        slug,
                        "travel-requests.csv",
                        domain::travel::service::requests_csv,
                    )
                },
            ),
        )
        .route(
            "/h/{slug}/travel/people.csv",
            get(
                |State(st): State<AppState>,
                 Extension(v): Extension<Viewer>,
                 Path(slug): Path<String>| {
                    travel_csv(
                        st,
                        v,
                        slug,
                        "travel-people.csv",
                        domain::travel::service::people_csv,
                    )
                },
            ),
        )
}

/// The hackfest, if the viewer may export it.
async fn allowed(st: &AppState, viewer: &Viewer, slug: &str) -> Result<Hackfest, AppError> {
    let h = match domain::hackfest::service::by_slug(&st.db, slug).await {
        Ok(h) => h,
        Err(domain::DomainError::NotFound(_)) => return Err(AppError::NotFound("Hackfest".into())),
        Err(e) => return Err(AppError::internal("export", &e)),
    };
    match app::auth::api::role_in(&st.db, viewer, h.id).await? {
        Role::Anonymous => Err(AppError::Unauthorized),
        Role::Organizer | Role::Admin => Ok(h),
        _ => Err(AppError::Forbidden),
    }
}

fn attachment(h: &Hackfest, ext: &str, content_type: &'static str, body: Vec<u8>) -> Response {
    let date = chrono::Utc::now().date_naive();
    // Slugs are lower-case ASCII letters, digits and '-': safe inside the quotes.
    let name = domain::export::file_part(&h.slug, 80);
    let disposition = format!("attachment; filename=\"{name}-{date}.{ext}\"");
    let mut r = body.into_response();
    let headers = r.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    r
}

async fn json(
    State(st): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let h = allowed(&st, &viewer, &slug).await?;
    let e = domain::export::json(&st.db, h.id)
        .await
        .map_err(|e| AppError::internal("export.json", &e))?;
    Ok(attachment(&h, "json", "application/json", e.to_json()))
}

async fn tar(
    State(st): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let h = allowed(&st, &viewer, &slug).await?;
    let bytes = domain::export::markdown_tar(&st.db, h.id)
        .await
        .map_err(|e| AppError::internal("export.tar", &e))?;
    Ok(attachment(&h, "tar", "application/x-tar", bytes))
}

/// The travel requests and the budget's currency, for the funding body's CSVs.
async fn travel(
    st: &AppState,
    h: &Hackfest,
) -> Result<(String, Vec<domain::travel::TravelRequest>), AppError> {
    let what = "travel export";
    let budget = domain::travel::service::budget(&st.db, h.id)
        .await
        .map_err(|e| AppError::internal(what, &e))?;
    let all = domain::travel::service::list(&st.db, h.id)
        .await
        .map_err(|e| AppError::internal(what, &e))?;
    Ok((budget.map_or("EUR".to_owned(), |b| b.currency), all))
}

/// `GET /h/{slug}/travel/requests.csv` (every request with its approved and
/// reimbursed amounts) and `…/people.csv` (one line per person): organizers and
/// admins only, as the other exports; `render` writes the CSV.
async fn travel_csv(
    st: AppState,
    viewer: Viewer,
    slug: String,
    name: &str,
    render: fn(&str, &[domain::travel::TravelRequest]) -> String,
) -> Result<Response, AppError> {
    let h = allowed(&st, &viewer, &slug).await?;
    let (currency, all) = travel(&st, &h).await?;
    let body = render(&currency, &all).into_bytes();
    Ok(attachment(&h, name, "text/csv; charset=utf-8", body))
}

/// `hackfest export --slug X --out file.json`: writes the JSON export ("-": standard
/// output). What to print on success, or the error (plain, naming the file or field).
pub async fn export_command(
    config: &crate::config::Config,
    slug: &str,
    out: &std::path::Path,
) -> Result<String, String> {
    let db = crate::startup::open_database(config)
        .await
        .map_err(|e| e.to_string())?;
    let result = async {
        let h = match domain::hackfest::service::by_slug(&db, slug).await {
            Ok(h) => h,
            Err(domain::DomainError::NotFound(_)) => {
                return Err(format!("--slug: no hackfest has the slug {slug:?}"));
            }
            Err(e) => return Err(describe(&e)),
        };
        let e = domain::export::json(&db, h.id)
            .await
            .map_err(|e| describe(&e))?;
        let bytes = e.to_json();
        if out == std::path::Path::new("-") {
            use std::io::Write;
            std::io::stdout()
                .write_all(&bytes)
                .map_err(|e| format!("standard output: {e}"))?;
            return Ok(String::new());
        }
        std::fs::write(out, &bytes).map_err(|e| format!("--out {}: {e}", out.display()))?;
        Ok(format!(
            "exported {} ({} goals, {} history rows) to {}",
            h.slug,
            e.goals.len(),
            e.history.len(),
            out.display()
        ))
    }
    .await;
    db.close().await;
    result
}

/// `hackfest import file.json`: restores the file into the configured database (all
/// or nothing). What to print on success, or the error naming the file and field.
pub async fn import_command(
    config: &crate::config::Config,
    file: &std::path::Path,
) -> Result<String, String> {
    let shown = file.display();
    let size = std::fs::metadata(file)
        .map_err(|e| format!("{shown}: {e}"))?
        .len();
    if size > domain::export::IMPORT_MAX_BYTES as u64 {
        return Err(format!(
            "{shown}: the file is {size} bytes; an import reads at most 64 MiB"
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("{shown}: {e}"))?;
    // The file is checked before the database is opened (or created).
    domain::export::parse(&bytes).map_err(|e| format!("{shown}: {}", describe(&e)))?;
    let db = crate::startup::open_database(config)
        .await
        .map_err(|e| e.to_string())?;
    let result = domain::export::import(&db, &bytes).await;
    db.close().await;
    let r = result.map_err(|e| format!("{shown}: {}", describe(&e)))?;
    Ok(format!(
        "imported {} from {shown}: {} goals, {} sessions, {} decisions, {} action items, \
         {} pages, {} summaries, {} history rows, {} members ({} new users); nothing was announced",
        r.slug,
        r.goals,
        r.sessions,
        r.decisions,
        r.action_items,
        r.pages,
        r.summaries,
        r.history,
        r.members,
        r.users_created
    ))
}

/// An error for a person at a terminal: the field errors as they are, anything else
/// with its cause.
fn describe(e: &domain::DomainError) -> String {
    match e {
        domain::DomainError::Validation(f) => f.to_string(),
        other => {
            let mut s = other.to_string();
            let mut cause = std::error::Error::source(other);
            while let Some(c) = cause {
                s.push_str(&format!(": {c}"));
                cause = c.source();
            }
            s
        }
    }
}
