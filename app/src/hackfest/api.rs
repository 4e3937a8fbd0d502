use domain::goal::Goal;
use domain::hackfest::Hackfest;
use domain::user::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the overview page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub hackfest: Hackfest,
    pub goals: Vec<Goal>,
    /// The viewer's role here: which controls to show.
    pub role: Role,
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
    let role = crate::auth::api::role_in(&st.db, &crate::auth::viewer(), hackfest.id).await?;
    Ok(Overview {
        hackfest,
        goals,
        role,
    })
}

#[server(endpoint = "hackfests/create")]
pub async fn create_hackfest(form: domain::hackfest::HackfestForm) -> Result<Hackfest, AppError> {
    let viewer = crate::auth::viewer();
    if !viewer.can_create_hackfest() {
        return Err(crate::auth::deny(&viewer));
    }
    let st = crate::state::app_state()?;
    let hackfest = domain::hackfest::service::create(&st.db, &form).await?;
    if let Some(user) = &viewer.user {
        domain::user::repo::set_membership(&st.db, hackfest.id, user.id, Role::Organizer)
            .await
            .map_err(domain::DomainError::from)?;
    }
    Ok(hackfest)
}
