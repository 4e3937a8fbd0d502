use domain::goal::Goal;
use domain::hackfest::Hackfest;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the overview page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub hackfest: Hackfest,
    pub goals: Vec<Goal>,
}

#[server(endpoint = "hackfests/list")]
pub async fn list_hackfests() -> Result<Vec<Hackfest>, AppError> {
    let st = crate::state::app_state()?;
    Ok(domain::hackfest::service::list(&st.db).await?)
}

#[server(endpoint = "hackfests/overview")]
pub async fn get_overview(slug: String) -> Result<Overview, AppError> {
    let st = crate::state::app_state()?;
    let hackfest = domain::hackfest::service::by_slug(&st.db, &slug).await?;
    let goals = domain::goal::service::list(&st.db, hackfest.id).await?;
    Ok(Overview { hackfest, goals })
}

#[server(endpoint = "hackfests/create")]
pub async fn create_hackfest(form: domain::hackfest::HackfestForm) -> Result<Hackfest, AppError> {
    let st = crate::state::app_state()?;
    Ok(domain::hackfest::service::create(&st.db, &form).await?)
}
