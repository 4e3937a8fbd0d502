use domain::session::{HackSession, SessionForm};
use leptos::prelude::*;
use uuid::Uuid;

use crate::error::AppError;

#[server(endpoint = "sessions/create")]
pub async fn create_session(slug: String, form: SessionForm) -> Result<HackSession, AppError> {
    let st = crate::state::app_state()?;
    let h = domain::hackfest::service::by_slug(&st.db, &slug).await?;
    let actor = crate::auth::editor(&st.db, h.id).await?;
    Ok(domain::session::service::create(&st.db, &h, &form, &actor).await?)
}

/// Saves over version `version`; a newer stored version gives `AppError::Conflict`.
#[server(endpoint = "sessions/update")]
pub async fn update_session(
    slug: String,
    id: Uuid,
    version: i64,
    form: SessionForm,
) -> Result<HackSession, AppError> {
    let st = crate::state::app_state()?;
    let h = domain::hackfest::service::by_slug(&st.db, &slug).await?;
    let actor = crate::auth::editor(&st.db, h.id).await?;
    Ok(domain::session::service::update(&st.db, &h, id, version, &form, &actor).await?)
}
