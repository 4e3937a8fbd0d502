use domain::action::{ActionForm, ActionItem};
use leptos::prelude::*;
use uuid::Uuid;

use crate::error::AppError;

#[server(endpoint = "actions/create")]
pub async fn create_action(slug: String, form: ActionForm) -> Result<ActionItem, AppError> {
    let st = crate::state::app_state()?;
    let h = domain::hackfest::service::by_slug(&st.db, &slug).await?;
    let actor = crate::auth::editor(&st.db, h.id).await?;
    Ok(domain::action::service::create(&st.db, h.id, &form, &actor).await?)
}

/// Saves over version `version`; a newer stored version gives `AppError::Conflict`.
#[server(endpoint = "actions/update")]
pub async fn update_action(
    slug: String,
    id: Uuid,
    version: i64,
    form: ActionForm,
) -> Result<ActionItem, AppError> {
    let st = crate::state::app_state()?;
    let h = domain::hackfest::service::by_slug(&st.db, &slug).await?;
    let actor = crate::auth::editor(&st.db, h.id).await?;
    Ok(domain::action::service::update(&st.db, h.id, id, version, &form, &actor).await?)
}
