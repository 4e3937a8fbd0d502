use chrono::{DateTime, Utc};
use domain::FieldErrors;
use domain::api_token::{ApiToken, TokenForm};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the tokens page lists: the viewer's tokens and the hackfests to choose from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokensPage {
    pub tokens: Vec<ApiToken>,
    /// (slug, title) of every hackfest.
    pub hackfests: Vec<(String, String)>,
    pub now: DateTime<Utc>,
    /// Where the API is (`https://…/api/v1`).
    pub api_url: String,
}

#[server(endpoint = "tokens/page")]
pub async fn get_tokens_page() -> Result<TokensPage, AppError> {
    let viewer = crate::auth::require_signed_in()?;
    let st = crate::state::app_state()?;
    let user = viewer.user.as_ref().ok_or(AppError::Unauthorized)?;
    let tokens = domain::api_token::service::list(&st.db, user.id).await?;
    let hackfests = domain::hackfest::service::list(&st.db)
        .await?
        .into_iter()
        .map(|h| (h.slug, h.title))
        .collect();
    Ok(TokensPage {
        tokens,
        hackfests,
        now: Utc::now(),
        api_url: format!("{}/api/v1", st.public_url.trim_end_matches('/')),
    })
}

/// How a post of the tokens page's create form went (server only: the answer to that
/// post is rendered as a document without hydration, so the token is in no script).
#[derive(Clone, Debug, PartialEq)]
pub enum TokenAnswer {
    /// Made: the token, shown this once.
    Created { token: ApiToken, secret: String },
    /// Not made: the form as typed and why.
    Refused {
        form: TokenForm,
        errors: FieldErrors,
    },
}
