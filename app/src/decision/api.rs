use std::collections::HashMap;

use domain::action::ActionItem;
use domain::decision::{Decision, DecisionForm};
use domain::history::HistoryEntry;
use domain::view::Titles;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::hackfest::scope::Scope;

/// A decision's page: the decision, what it replaces, its action items, the titles of
/// what it and its history link to, and its history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionPage {
    pub decision: Decision,
    pub replaces: Vec<Decision>,
    pub actions: Vec<ActionItem>,
    pub titles: HashMap<Uuid, String>,
    pub history: Vec<HistoryEntry>,
}

#[server(endpoint = "decisions/get")]
pub async fn get_decision(slug: String, id: Uuid) -> Result<DecisionPage, AppError> {
    use domain::read;
    let s = Scope::of(&slug).await?;
    let h = s.hackfest.id;
    let decision = domain::decision::service::get(&s.db, h, id).await?;
    let history = domain::history::for_entity(&s.db, h, "decision", id)
        .await
        .map_err(domain::DomainError::from)?;
    let mut ids = read::ids_in_history(&history);
    ids.extend(decision.superseded_by.iter().chain(&decision.session_id));
    ids.extend(&decision.goal_ids);
    Ok(DecisionPage {
        replaces: read::decisions_replaced_by(&s.db, h, id).await?,
        actions: read::actions_linked(&s.db, h, read::Linked::Decision, id).await?,
        titles: read::titles_of(&s.db, h, &ids).await?,
        decision,
        history,
    })
}

/// The list page's filter (`?status=…&goal=…`); blank means "any".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DecisionFilter {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub goal: String,
}

/// The list page: the decisions the filter matches, and the goals decisions name
/// (the goal filter's choices).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionList {
    pub decisions: Vec<Decision>,
    pub goals: Titles,
}

#[server(endpoint = "decisions/list")]
pub async fn list_decisions(
    slug: String,
    filter: DecisionFilter,
) -> Result<DecisionList, AppError> {
    let s = Scope::of(&slug).await?;
    let h = s.hackfest.id;
    let all = domain::decision::repo::list_for_hackfest(&s.db, h)
        .await
        .map_err(domain::DomainError::from)?;
    let mut named: Vec<Uuid> = all
        .iter()
        .flat_map(|d| d.goal_ids.iter().copied())
        .collect();
    named.sort();
    named.dedup();
    let titles = domain::read::titles_of(&s.db, h, &named).await?;
    let mut goals: Titles = titles.into_iter().collect();
    goals.sort_by(|a, b| a.1.cmp(&b.1));
    let decisions = all
        .into_iter()
        .filter(|d| filter.status.is_empty() || d.status.as_str() == filter.status)
        .filter(|d| {
            filter.goal.is_empty() || d.goal_ids.iter().any(|g| g.to_string() == filter.goal)
        })
        .map(domain::read::decision_row)
        .collect();
    Ok(DecisionList { decisions, goals })
}

/// The create/edit form: the decision (when editing) and the choices of its links.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionEditorData {
    pub decision: Option<Decision>,
    pub goals: Titles,
    /// Sessions as "title (when)".
    pub sessions: Titles,
    pub decisions: Titles,
}

#[server(endpoint = "decisions/editor")]
pub async fn get_decision_editor(
    slug: String,
    id: Option<Uuid>,
) -> Result<DecisionEditorData, AppError> {
    use domain::read::{Linked, titles};
    let s = Scope::of(&slug).await?;
    let h = s.hackfest.id;
    let decision = match id {
        Some(id) => Some(domain::decision::service::get(&s.db, h, id).await?),
        None => None,
    };
    Ok(DecisionEditorData {
        decision,
        goals: titles(&s.db, h, Linked::Goal).await?,
        sessions: crate::session::api::session_labels(&s).await?,
        decisions: titles(&s.db, h, Linked::Decision)
            .await?
            .into_iter()
            .filter(|(d, _)| Some(*d) != id)
            .collect(),
    })
}

#[server(endpoint = "decisions/create")]
pub async fn create_decision(slug: String, form: DecisionForm) -> Result<Decision, AppError> {
    let s = Scope::of(&slug).await?;
    let actor = s.editor()?;
    Ok(domain::decision::service::create(&s.db, s.hackfest.id, &form, &actor).await?)
}

/// Saves over version `version`; a newer stored version gives `AppError::Conflict`.
#[server(endpoint = "decisions/update")]
pub async fn update_decision(
    slug: String,
    id: Uuid,
    version: i64,
    form: DecisionForm,
) -> Result<Decision, AppError> {
    let s = Scope::of(&slug).await?;
    let actor = s.editor()?;
    Ok(domain::decision::service::update(&s.db, s.hackfest.id, id, version, &form, &actor).await?)
}
