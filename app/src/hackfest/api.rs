use domain::goal::Goal;
use domain::hackfest::Hackfest;
use domain::user::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[server(endpoint = "hackfests/list")]
pub async fn list_hackfests() -> Result<Vec<Hackfest>, AppError> {
    let st = crate::state::app_state()?;
    Ok(domain::hackfest::service::list(&st.db).await?)
}

/// The overview: the goal tree, today's sessions, recent decisions, open action items.
#[server(endpoint = "hackfests/overview")]
pub async fn get_overview(slug: String) -> Result<Workspace, AppError> {
    get_workspace(slug, String::new(), None).await
}

#[server(endpoint = "hackfests/create")]
pub async fn create_hackfest(form: domain::hackfest::HackfestForm) -> Result<Hackfest, AppError> {
    let viewer = crate::auth::viewer();
    if !viewer.can_create_hackfest() {
        return Err(crate::auth::deny(&viewer));
    }
    let st = crate::state::app_state()?;
    // The creator becomes its first organizer in the same transaction.
    let (actor, organizer) = match &viewer.user {
        Some(u) => (u.username.as_str(), Some(u.id)),
        None => (domain::hackfest::service::SYSTEM, None),
    };
    Ok(domain::hackfest::service::create_by(&st.db, &form, actor, organizer).await?)
}

/// Everything about one hackfest that the session, decision and action item pages
/// show, in a fixed number of queries: lists filter it in the page, detail pages
/// pick one object (and its history) from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub hackfest: Hackfest,
    pub goals: Vec<Goal>,
    pub sessions: Vec<domain::session::HackSession>,
    pub decisions: Vec<domain::decision::Decision>,
    pub actions: Vec<domain::action::ActionItem>,
    /// History of the object asked for (newest first).
    pub history: Vec<domain::history::HistoryEntry>,
    pub role: Role,
    /// Today on the hackfest's wall clock: what "today's sessions" and "overdue" mean.
    pub today: chrono::NaiveDate,
}

impl Workspace {
    /// Titles of every goal, session and decision by id (for history lines).
    pub fn names(&self) -> std::collections::HashMap<String, String> {
        let goals = self.goals.iter().map(|g| (g.id, &g.title));
        let sessions = self.sessions.iter().map(|s| (s.id, &s.title));
        let decisions = self.decisions.iter().map(|d| (d.id, &d.title));
        goals
            .chain(sessions)
            .chain(decisions)
            .map(|(id, t)| (id.to_string(), t.clone()))
            .collect()
    }

    pub fn goal_title(&self, id: uuid::Uuid) -> Option<&str> {
        self.goals
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.title.as_str())
    }

    pub fn session_title(&self, id: uuid::Uuid) -> Option<&str> {
        self.sessions
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.title.as_str())
    }

    pub fn decision_title(&self, id: uuid::Uuid) -> Option<&str> {
        self.decisions
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.title.as_str())
    }
}

/// `entity`/`id`: whose history to include ("session", "decision", "action_item").
#[server(endpoint = "hackfests/workspace")]
pub async fn get_workspace(
    slug: String,
    entity: String,
    id: Option<uuid::Uuid>,
) -> Result<Workspace, AppError> {
    use domain::{action, decision, goal, hackfest, history, session};
    let st = crate::state::app_state()?;
    let h = hackfest::service::by_slug(&st.db, &slug).await?;
    let history = match id {
        Some(id) if ["session", "decision", "action_item", "goal"].contains(&entity.as_str()) => {
            history::for_entity(&st.db, h.id, &entity, id)
                .await
                .map_err(domain::DomainError::from)?
        }
        _ => Vec::new(),
    };
    Ok(Workspace {
        goals: goal::service::list(&st.db, h.id).await?,
        sessions: session::service::list(&st.db, &h).await?,
        decisions: decision::service::list(&st.db, h.id).await?,
        actions: action::service::list(&st.db, h.id).await?,
        history,
        role: crate::auth::api::role_in(&st.db, &crate::auth::viewer(), h.id).await?,
        today: hackfest::service::today(&h),
        hackfest: h,
    })
}
