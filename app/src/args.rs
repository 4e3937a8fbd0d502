//! Malformed server-function arguments get an answer that names the field.
//!
//! Leptos parses a server function's form-encoded arguments with serde_qs and, when
//! that fails, answers with serde's bare message ("invalid digit found in string").
//! [`name_bad_arguments`] runs before it: it parses the body into the same argument
//! type once more, with serde_path_to_error, and answers a malformed one with
//! `422 {"Validation": {"<field>": "<what is wrong>"}}` — the vocabulary of every
//! other field error. Well-formed bodies go on to the server function unchanged.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::FieldErrors;
use leptos::server_fn::ServerFn;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// Parses a body into one server function's arguments: `Err((field, message))`.
type Check = fn(&[u8]) -> Result<(), (String, String)>;

/// The largest body read here (larger ones are refused by the server's body limit).
const MAX_BODY: usize = 1024 * 1024;

/// Nesting deeper than the forms use is refused (serde_qs' setting in server_fn).
const MAX_DEPTH: usize = 5;

fn check<T: DeserializeOwned>(body: &[u8]) -> Result<(), (String, String)> {
    if let Err(e) = std::str::from_utf8(body) {
        return Err((
            "body".into(),
            format!(
                "The form data is not valid UTF-8 (at byte {}).",
                e.valid_up_to()
            ),
        ));
    }
    let config = serde_qs::Config::new(MAX_DEPTH, false);
    let de = serde_qs::Deserializer::with_config(&config, body)
        .map_err(|e| (key_of_parse_error(body), explain(&e.to_string())))?;
    serde_path_to_error::deserialize::<_, T>(de)
        .map(drop)
        .map_err(|e| {
            let inner = e.inner().to_string();
            let path = e.path().to_string();
            name_field(&path, &inner)
        })
}

/// A body serde_qs cannot even split into keys: name the first key that looks wrong.
fn key_of_parse_error(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter_map(|pair| pair.split('=').next())
        .find(|k| k.matches('[').count() != k.matches(']').count() || k.contains("%5B"))
        .map(|k| {
            let k: String = k.chars().take(60).collect();
            k.split(['[', '%']).next().unwrap_or("body").to_owned()
        })
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| "body".into())
}

/// `(field, message)`: the field a person would look for, and what is wrong with it.
fn name_field(path: &str, inner: &str) -> (String, String) {
    let path = path.trim_start_matches('.');
    // A missing field is reported at its parent: the name is in the message.
    if let Some(rest) = inner.strip_prefix("missing field `")
        && let Some(name) = rest.split('`').next()
    {
        let field = if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        return (field.clone(), format!("{field} is required."));
    }
    let field = if path.is_empty() { "body" } else { path };
    (field.to_owned(), format!("{field}: {}", explain(inner)))
}

/// serde's messages, said for people; the original is kept in brackets.
fn explain(inner: &str) -> String {
    let plain = if inner.contains("invalid digit") || inner.contains("number too") {
        Some("must be a whole number")
    } else if inner.contains("UUID") || inner.contains("uuid") {
        Some("must be an id such as 0192f0c1-…")
    } else if inner.contains("expected a string") || inner.contains("expected a sequence") {
        Some("must be a single text value")
    } else if inner.contains("unknown variant") {
        Some("is not one of the allowed values")
    } else if inner.contains("provided string was not `true` or `false`") {
        Some("must be true or false")
    } else {
        None
    };
    // The message may quote the bad input: never echo control characters.
    let inner = domain::text::shown_up_to(inner, 200);
    match plain {
        Some(p) => format!("{p} ({inner})"),
        None => inner,
    }
}

macro_rules! checks {
    ($($t:path),* $(,)?) => {
        [$((<$t as ServerFn>::PATH, check::<$t> as Check)),*]
    };
}

/// Every server function's path → its argument check.
static CHECKS: LazyLock<HashMap<&'static str, Check>> = LazyLock::new(|| {
    use crate::{
        action, auth, decision, goal, hackfest, page, question, room, session, summary, travel,
    };
    HashMap::from(checks![
        page::api::GetWikiIndex,
        page::api::GetWikiPage,
        page::api::GetWikiEditor,
        page::api::GetWikiHistory,
        page::api::CreatePage,
        page::api::UpdatePage,
        page::api::RevertPage,
        question::api::AskQuestion,
        question::api::AnswerQuestion,
        question::api::ReopenQuestion,
        question::api::LinkQuestion,
        goal::api::GetGoalPage,
        goal::api::GetGoal,
        goal::api::ListGoals,
        goal::api::CreateGoal,
        goal::api::UpdateGoal,
        goal::api::AddGoalNote,
        auth::api::JoinHackfest,
        auth::api::MyHackfests,
        auth::api::GrantOrganizer,
        auth::api::MyActions,
        auth::api::GetSession,
        hackfest::api::ListHackfests,
        hackfest::api::GetOverview,
        hackfest::api::CreateHackfest,
        hackfest::api::GetHackfest,
        hackfest::api::GetOverviewPart,
        decision::api::GetDecision,
        decision::api::ListDecisions,
        decision::api::GetDecisionEditor,
        decision::api::CreateDecision,
        decision::api::UpdateDecision,
        session::api::GetSessionPage,
        session::api::ListSessions,
        session::api::GetSessionEditor,
        session::api::CreateSession,
        session::api::UpdateSession,
        session::api::CancelSession,
        session::api::AcknowledgeWarning,
        session::api::MoveSession,
        crate::meeting::api::GetImportPage,
        crate::meeting::api::PreviewMinutes,
        crate::meeting::api::ImportMinutes,
        action::api::GetAction,
        action::api::GetActionRow,
        action::api::ListActions,
        action::api::GetActionEditor,
        action::api::CreateAction,
        action::api::UpdateAction,
        summary::api::GetSummaryPage,
        summary::api::GetSummaryEditor,
        summary::api::GenerateSummary,
        summary::api::UpdateSummary,
        summary::api::PublishSummary,
        summary::api::GetSummaryHistory,
        summary::api::RevertSummary,
        crate::search::api::SearchQuery,
        room::api::ListRooms,
        room::api::GetRoom,
        room::api::GetRoomEditor,
        room::api::CreateRoom,
        room::api::UpdateRoom,
        crate::calendar::api::GetCalendarPage,
        crate::token::api::GetTokensPage,
        crate::webhook::api::GetWebhooksPage,
        crate::timetable::api::ScheduleDay,
        crate::timetable::api::ScheduleNow,
        crate::display::api::GetDisplay,
        travel::api::GetTravelHome,
        travel::api::GetTravel,
        travel::api::GetTravelEditor,
        travel::api::CreateTravel,
        travel::api::UpdateTravel,
        travel::api::SubmitTravel,
        travel::api::ApproveTravel,
        travel::api::DeclineTravel,
        travel::api::BookTravel,
        travel::api::ReimburseTravel,
        travel::api::WithdrawTravel,
        travel::api::LodgeTravel,
        travel::api::GetBudgetEditor,
        travel::api::SaveBudget,
        travel::api::GetArrivals,
        travel::api::GetHotels,
    ])
});

/// The paths of every server function this module checks (for a test that none is missing).
pub fn checked_paths() -> impl Iterator<Item = &'static str> {
    CHECKS.keys().copied()
}

fn is_form(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// Axum middleware: see the module documentation.
pub async fn name_bad_arguments(req: Request, next: Next) -> Response {
    if req.method() != Method::POST || !is_form(&req) {
        return next.run(req).await;
    }
    let Some(check) = CHECKS.get(req.uri().path()).copied() else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                "The request body is larger than 1 MiB.",
            )
                .into_response();
        }
    };
    if let Err((field, message)) = check(&bytes) {
        tracing::debug!(path = %parts.uri.path(), %field, "malformed server-function arguments");
        return AppError::Validation(FieldErrors::single(&field, message)).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fails<T: DeserializeOwned>(body: &str) -> (String, String) {
        check::<T>(body.as_bytes()).expect_err(body)
    }

    #[test]
    fn malformed_arguments_name_their_field() {
        use crate::goal::api::UpdateGoal;
        let id = uuid::Uuid::now_v7();
        let form = "form[title]=t&form[description]=&form[parent_id]=&form[kind]=small&form[status]=not_started&form[progress]=0&form[owner]=&form[outcome]=";
        let ok = format!("slug=x&id={id}&version=1&{form}");
        assert_eq!(check::<UpdateGoal>(ok.as_bytes()), Ok(()));

        let (f, m) = fails::<UpdateGoal>(&format!("slug=x&id={id}&version=abc&{form}"));
        assert_eq!(f, "version");
        assert!(m.contains("whole number"), "{m}");
        let (f, m) = fails::<UpdateGoal>(&format!("slug=x&id=nope&version=1&{form}"));
        assert_eq!(f, "id");
        assert!(m.contains("must be an id"), "{m}");
        let (f, _) = fails::<UpdateGoal>(&format!("slug[a]=x&id={id}&version=1&{form}"));
        assert_eq!(f, "slug");
        let (f, m) = fails::<UpdateGoal>(&format!("slug=x&id={id}&{form}"));
        assert_eq!(
            (f.as_str(), m.as_str()),
            ("version", "version is required.")
        );
        let (f, m) = fails::<UpdateGoal>(&format!("slug=x&id={id}&version=1"));
        assert_eq!(f, "form", "{m}");
        let (f, _) = fails::<UpdateGoal>(&format!(
            "slug=x&id={id}&version=99999999999999999999&{form}"
        ));
        assert_eq!(f, "version");
        let mut bad = format!("slug=x&id={id}&version=1&{form}").into_bytes();
        bad.extend_from_slice(b"&form[title]=\xff\xfe");
        assert_eq!(check::<UpdateGoal>(&bad).unwrap_err().0, "body");
        let (f, _) = fails::<UpdateGoal>(&format!("slug=x&id={id}&version=1&form[[[=x"));
        assert!(!f.is_empty());
    }

    #[test]
    fn every_server_function_is_checked() {
        let registered: std::collections::BTreeSet<String> =
            leptos::server_fn::axum::server_fn_paths()
                .map(|(path, _)| path.to_string())
                .collect();
        let checked: std::collections::BTreeSet<String> =
            checked_paths().map(str::to_owned).collect();
        assert_eq!(registered, checked, "add new server functions to CHECKS");
    }
}
