use domain::goal::{Goal, GoalForm};
use domain::history::HistoryEntry;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// What the goal create/edit page needs: the goal (when editing) and the goals it
/// may become a sub-goal of (never itself or one of its descendants, nor a goal so
/// deep that the goal and its sub-goals would pass `MAX_DEPTH`; the service checks
/// again). The current parent always stays a choice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalPage {
    /// `None` when creating.
    pub goal: Option<Goal>,
    pub parents: domain::view::Titles,
}

#[server(endpoint = "goals/page")]
pub async fn get_goal_page(slug: String, id: Option<Uuid>) -> Result<GoalPage, AppError> {
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    let h = s.hackfest.id;
    let goal = match id {
        Some(id) => Some(domain::goal::service::get(&s.db, h, id).await?),
        None => None,
    };
    let goals = domain::goal::repo::list_for_hackfest(&s.db, h)
        .await
        .map_err(domain::DomainError::from)?;
    Ok(GoalPage {
        parents: domain::read::parent_choices(&goals, id),
        goal,
    })
}

/// A goal's page: the goal and the shown part of its sub-goal tree (the goal first),
/// its action items, progress notes, history and the titles its history names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalDetailData {
    pub tree: domain::view::GoalSlice,
    pub actions: Vec<domain::action::ActionItem>,
    pub notes: Vec<domain::goal::GoalNote>,
    pub history: Vec<HistoryEntry>,
    pub titles: std::collections::HashMap<Uuid, String>,
}

#[server(endpoint = "goals/get")]
pub async fn get_goal(slug: String, id: Uuid) -> Result<GoalDetailData, AppError> {
    use domain::read;
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    let h = s.hackfest.id;
    let tree = read::goal_slice(&s.db, h, Some(id), 50, 0, read::OVERVIEW_GOALS_MAX).await?;
    let Some(goal) = tree.cards.first().map(|c| c.goal.clone()) else {
        let e = AppError::NotFound("Goal".into());
        e.set_response_status();
        return Err(e);
    };
    let history = domain::history::for_entity(&s.db, h, "goal", id)
        .await
        .map_err(domain::DomainError::from)?;
    let mut ids = read::ids_in_history(&history);
    ids.extend(goal.parent_id);
    Ok(GoalDetailData {
        actions: read::actions_linked(&s.db, h, read::Linked::Goal, id).await?,
        notes: domain::goal::service::notes(&s.db, h, id)
            .await?
            .into_iter()
            .map(|n| local_note(&s.hackfest, n))
            .collect(),
        titles: read::titles_of(&s.db, h, &ids).await?,
        tree,
        history,
    })
}

/// One page of the list of every goal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalListData {
    pub goals: Vec<Goal>,
    pub page: u32,
    pub pages: u32,
    pub total: u32,
}

/// Goals per page of the list of every goal.
pub const GOALS_PER_PAGE: u32 = 50;

#[server(endpoint = "goals/list")]
pub async fn list_goals(slug: String, page: u32) -> Result<GoalListData, AppError> {
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    let (goals, total) =
        domain::read::goals_page(&s.db, s.hackfest.id, page.max(1), GOALS_PER_PAGE).await?;
    let total = u32::try_from(total).unwrap_or(u32::MAX);
    Ok(GoalListData {
        goals,
        page: page.max(1),
        pages: total.div_ceil(GOALS_PER_PAGE).max(1),
        total,
    })
}

#[server(endpoint = "goals/create")]
pub async fn create_goal(slug: String, form: GoalForm) -> Result<Goal, AppError> {
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    let actor = s.editor()?;
    Ok(domain::goal::service::create(&s.db, s.hackfest.id, &form, &actor).await?)
}

/// Saves over version `version`; a newer stored version gives `AppError::Conflict`.
#[server(endpoint = "goals/update")]
pub async fn update_goal(
    slug: String,
    id: Uuid,
    version: i64,
    form: GoalForm,
) -> Result<Goal, AppError> {
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    let actor = s.editor()?;
    Ok(domain::goal::service::update(&s.db, s.hackfest.id, id, version, &form, &actor).await?)
}

#[server(endpoint = "goals/add-note")]
pub async fn add_goal_note(
    slug: String,
    id: Uuid,
    body: String,
) -> Result<domain::goal::GoalNote, AppError> {
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    let actor = s.editor()?;
    let note = domain::goal::service::add_note(&s.db, s.hackfest.id, id, &body, &actor).await?;
    Ok(local_note(&s.hackfest, note))
}

/// The note with its time on the hackfest's wall clock.
#[cfg(feature = "ssr")]
fn local_note(
    h: &domain::hackfest::Hackfest,
    mut n: domain::goal::GoalNote,
) -> domain::goal::GoalNote {
    let tz = domain::hackfest::service::tz(h);
    n.created_local = Some(n.created_at.with_timezone(&tz).naive_local());
    n
}
