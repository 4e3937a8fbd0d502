use domain::decision::{Decision, DecisionForm};
use leptos::prelude::*;
use uuid::Uuid;

use crate::error::AppError;

#[server(endpoint = "decisions/create")]
pub async fn create_decision(slug: String, form: DecisionForm) -> Result<Decision, AppError> {
    let st = crate::state::app_state()?;
    let h = domain::hackfest::service::by_slug(&st.db, &slug).await?;
    let actor = crate::auth::editor(&st.db, h.id).await?;
    Ok(domain::decision::service::create(&st.db, h.id, &form, &actor).await?)
}

/// Saves over version `version`; a newer stored version gives `AppError::Conflict`.
#[server(endpoint = "decisions/update")]
pub async fn update_decision(
    slug: String,
    id: Uuid,
    version: i64,
    form: DecisionForm,
) -> Result<Decision, AppError> {
    let st = crate::state::app_state()?;
    let h = domain::hackfest::service::by_slug(&st.db, &slug).await?;
    let actor = crate::auth::editor(&st.db, h.id).await?;
    Ok(domain::decision::service::update(&st.db, h.id, id, version, &form, &actor).await?)
}
