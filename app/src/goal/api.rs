use domain::goal::{Goal, GoalForm};
use domain::hackfest::Hackfest;
use domain::history::HistoryEntry;
use domain::user::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// What the goal create/edit page needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalPage {
    pub hackfest: Hackfest,
    /// `None` when creating.
    pub goal: Option<Goal>,
    /// All goals of the hackfest, for the parent choice.
    pub goals: Vec<Goal>,
    pub history: Vec<HistoryEntry>,
    /// The progress timeline, oldest first.
    pub notes: Vec<domain::goal::GoalNote>,
    pub role: Role,
}

#[server(endpoint = "goals/page")]
pub async fn get_goal_page(slug: String, id: Option<Uuid>) -> Result<GoalPage, AppError> {
    let st = crate::state::app_state()?;
    let hackfest = domain::hackfest::service::by_slug(&st.db, &slug).await?;
    let (goal, history, notes) = match id {
        Some(id) => {
            let goal = domain::goal::service::get(&st.db, hackfest.id, id).await?;
            let history = domain::history::for_entity(&st.db, hackfest.id, "goal", id)
                .await
                .map_err(domain::DomainError::from)?;
            let notes = domain::goal::service::notes(&st.db, hackfest.id, id).await?;
            (Some(goal), history, notes)
        }
        None => (None, Vec::new(), Vec::new()),
    };
    let goals = domain::goal::service::list(&st.db, hackfest.id).await?;
    let role = crate::auth::api::role_in(&st.db, &crate::auth::viewer(), hackfest.id).await?;
    Ok(GoalPage {
        hackfest,
        goal,
        goals,
        history,
        notes,
        role,
    })
}

#[server(endpoint = "goals/create")]
pub async fn create_goal(slug: String, form: GoalForm) -> Result<Goal, AppError> {
    let st = crate::state::app_state()?;
    let hackfest = domain::hackfest::service::by_slug(&st.db, &slug).await?;
    let actor = crate::auth::editor(&st.db, hackfest.id).await?;
    Ok(domain::goal::service::create(&st.db, hackfest.id, &form, &actor).await?)
}

/// Saves over version `version`; a newer stored version gives `AppError::Conflict`.
#[server(endpoint = "goals/update")]
pub async fn update_goal(
    slug: String,
    id: Uuid,
    version: i64,
    form: GoalForm,
) -> Result<Goal, AppError> {
    let st = crate::state::app_state()?;
    let hackfest = domain::hackfest::service::by_slug(&st.db, &slug).await?;
    let actor = crate::auth::editor(&st.db, hackfest.id).await?;
    Ok(domain::goal::service::update(&st.db, hackfest.id, id, version, &form, &actor).await?)
}

#[server(endpoint = "goals/add-note")]
pub async fn add_goal_note(
    slug: String,
    id: Uuid,
    body: String,
) -> Result<domain::goal::GoalNote, AppError> {
    let st = crate::state::app_state()?;
    let hackfest = domain::hackfest::service::by_slug(&st.db, &slug).await?;
    let actor = crate::auth::editor(&st.db, hackfest.id).await?;
    Ok(domain::goal::service::add_note(&st.db, hackfest.id, id, &body, &actor).await?)
}
