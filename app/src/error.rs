//! The one error type every server function returns. Serialisable, so the browser
//! gets the same variants the server produced; on the server each variant sets its
//! HTTP status (the default would be 500).

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
mod server {
    use super::AppError;
    use domain::DomainError;

    impl From<DomainError> for AppError {
        fn from(e: DomainError) -> Self {
            let e = match e {
                DomainError::Validation(f) => AppError::Validation(f),
                DomainError::NotFound(what) => {
                    let mut w = what.to_owned();
                    w[..1].make_ascii_uppercase();
                    AppError::NotFound(w)
                }
                DomainError::Conflict(current) => AppError::Conflict { current: *current },
                DomainError::Database(err) => {
                    let id = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
                    tracing::error!(error.id = %id, error = ?err, "database error");
                    AppError::Internal { id }
                }
            };
            e.set_response_status();
            e
        }
    }

    impl AppError {
        /// Sets this error's status on the response being built, if there is one.
        pub fn set_response_status(&self) {
            if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(axum::http::StatusCode::from_u16(self.status()).unwrap_or_default());
            }
        }
    }
}
