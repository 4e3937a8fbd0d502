//! The one error type of the app: every server function returns it, and the plain
//! axum routes (the event feed, live updates…) answer with it too (`IntoResponse`),
//! so the browser and API clients read one vocabulary. Serialisable: the body is its
//! JSON (`"Unauthorized"`, `{"NotFound":"Hackfest"}`, `{"Validation":{"slug":"…"}}`,
//! `{"Conflict":{"current":…}}`, `{"Internal":{"id":"…"}}`), the status its
//! [`AppError::status`].
//!
//! Internal errors are logged once, where they become an `AppError`, with what was
//! being done (`operation`: a server function's endpoint such as `actions/update`,
//! or the route) and the whole cause chain; the person sees only the id.

use domain::FieldErrors;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in.")]
    Unauthorized,
    #[error("You are not allowed to do this.")]
    Forbidden,
    #[error("{0} not found.")]
    NotFound(String),
    #[error("Please correct the highlighted fields.")]
    Validation(FieldErrors),
    /// Someone else saved first; `current` is the object as it is now (JSON).
    #[error("Someone else changed this in the meantime.")]
    Conflict { current: serde_json::Value },
    /// Too many requests or connections from one address; the message says what to do.
    #[error("{0}")]
    TooManyRequests(String),
    /// Details are in the server log under this id.
    #[error("Something went wrong on our side (error id {id}).")]
    Internal { id: String },
    /// The request did not reach the server or the answer could not be read.
    #[error("The server could not be reached: {0}")]
    Transport(String),
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound(_) => 404,
            AppError::Validation(_) => 422,
            AppError::Conflict { .. } => 409,
            AppError::TooManyRequests(_) => 429,
            AppError::Internal { .. } => 500,
            AppError::Transport(_) => 400,
        }
    }

    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            AppError::Validation(f) => Some(f),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        // On the server these mean the request was malformed: the client's mistake (400).
        #[cfg(feature = "ssr")]
        if let (
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_),
            Some(res),
        ) = (
            &e,
            leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        ) {
            res.set_status(axum::http::StatusCode::BAD_REQUEST);
        }
        AppError::Transport(e.to_string())
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Validation(e)
    }
}

#[cfg(feature = "ssr")]
pub use server::{ErrorContext, current_operation};

#[cfg(feature = "ssr")]
mod server {
    use super::AppError;
    use axum::http::{StatusCode, header};
    use axum::response::{IntoResponse, Response};
    use domain::DomainError;
    use leptos::server_fn::error::FromServerFnError;

    /// In a server function: `?` on a domain result. The operation logged with an
    /// internal error is the server function's endpoint (see [`current_operation`]).
    impl From<DomainError> for AppError {
        fn from(e: DomainError) -> Self {
            let e = AppError::from_domain(e, &current_operation());
            e.set_response_status();
            e
        }
    }

    /// What the request being answered does, for the log: a server function's endpoint
    /// (`actions/update`), else the method and path (`GET /h/x`); read from the
    /// request Leptos provides to server functions and to rendering.
    pub fn current_operation() -> String {
        match leptos::prelude::use_context::<axum::http::request::Parts>() {
            Some(parts) => match parts.uri.path().strip_prefix("/api/") {
                Some(endpoint) => endpoint.to_owned(),
                None => format!("{} {}", parts.method, parts.uri.path()),
            },
            None => "(outside a request)".to_owned(),
        }
    }

    /// `cause` and its sources, outermost first: `a: b: c` (a source whose text its
    /// parent already ends with is not repeated).
    fn chain(cause: &(dyn std::error::Error + 'static)) -> String {
        let mut out = cause.to_string();
        let mut next = cause.source();
        while let Some(e) = next {
            let text = e.to_string();
            if !out.ends_with(&text) {
                out.push_str(": ");
                out.push_str(&text);
            }
            next = e.source();
        }
        out
    }

    impl AppError {
        /// An internal error: logs `cause` (its whole chain) and `operation` once, at
        /// error level, under a new opaque id, the only thing the answer shows.
        pub fn internal(operation: &str, cause: &(dyn std::error::Error + 'static)) -> AppError {
            let id = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
            tracing::error!(error.id = %id, operation, error = %chain(cause), "internal error");
            AppError::Internal { id }
        }

        /// `e` as the person sees it; an internal one is logged with `operation`.
        pub fn from_domain(e: DomainError, operation: &str) -> AppError {
            match e {
                DomainError::Validation(f) => AppError::Validation(f),
                DomainError::NotFound(what) => {
                    let mut w = what.to_owned();
                    if let Some(first) = w.get_mut(..1) {
                        first.make_ascii_uppercase();
                    }
                    AppError::NotFound(w)
                }
                DomainError::Conflict(current) => AppError::Conflict { current: *current },
                e @ DomainError::Database(_) => AppError::internal(operation, &e),
            }
        }

        /// Sets this error's status on the response being built, if there is one.
        pub fn set_response_status(&self) {
            if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(StatusCode::from_u16(self.status()).unwrap_or_default());
            }
        }
    }

    /// A plain route's answer: the status, and the same JSON body a server function
    /// answers with.
    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let status =
                StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                self.ser(),
            )
                .into_response()
        }
    }

    /// `.context("events/feed")` on a domain or database result, in code that is not a
    /// server function (plain routes, middleware): the error as an `AppError`, an
    /// internal one logged with that operation.
    pub trait ErrorContext<T> {
        fn context(self, operation: &str) -> Result<T, AppError>;
    }

    impl<T, E: Into<DomainError>> ErrorContext<T> for Result<T, E> {
        fn context(self, operation: &str) -> Result<T, AppError> {
            self.map_err(|e| AppError::from_domain(e.into(), operation))
        }
    }
}
