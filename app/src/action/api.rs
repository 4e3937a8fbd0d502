use std::collections::HashMap;

use domain::action::{ActionFilter, ActionForm, ActionItem};
use domain::history::HistoryEntry;
use domain::view::Titles;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::hackfest::scope::Scope;

/// An action item's page: the item, the titles of what it links to and of what its
/// history names, and its history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionPage {
    pub item: ActionItem,
    pub titles: HashMap<Uuid, String>,
    pub history: Vec<HistoryEntry>,
}

#[server(endpoint = "actions/get")]
pub async fn get_action(slug: String, id: Uuid) -> Result<ActionPage, AppError> {
    let s = Scope::of(&slug).await?;
    let item = domain::action::service::get(&s.db, s.hackfest.id, id).await?;
    let history = domain::history::for_entity(&s.db, s.hackfest.id, "action_item", id)
        .await
        .map_err(domain::DomainError::from)?;
    let mut ids = domain::read::ids_in_history(&history);
    ids.extend(
        item.goal_id
            .iter()
            .chain(&item.session_id)
            .chain(&item.decision_id),
    );
    let titles = domain::read::titles_of(&s.db, s.hackfest.id, &ids).await?;
    Ok(ActionPage {
        item,
        titles,
        history,
    })
}

/// One action item as a list shows it; `None` when it is gone or of another hackfest
/// (a live list patches its row with it instead of fetching the whole list again).
#[server(endpoint = "actions/row")]
pub async fn get_action_row(slug: String, id: Uuid) -> Result<Option<ActionItem>, AppError> {
    let s = Scope::of(&slug).await?;
    match domain::action::service::get(&s.db, s.hackfest.id, id).await {
        Ok(a) => Ok(Some(domain::read::action_row(a))),
        Err(domain::DomainError::NotFound(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The list page: the items the filter matches, and the goals that have items (the
/// goal filter's choices).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionList {
    pub items: Vec<ActionItem>,
    pub goals: Titles,
}

#[server(endpoint = "actions/list")]
pub async fn list_actions(slug: String, filter: ActionFilter) -> Result<ActionList, AppError> {
    let s = Scope::of(&slug).await?;
    Ok(ActionList {
        items: domain::read::actions_filtered(&s.db, s.hackfest.id, &filter).await?,
        goals: domain::read::goals_with_actions(&s.db, s.hackfest.id).await?,
    })
}

/// The create/edit form: the item (when editing) and the choices of its links.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionEditorData {
    pub item: Option<ActionItem>,
    pub goals: Titles,
    pub sessions: Titles,
    pub decisions: Titles,
}

#[server(endpoint = "actions/editor")]
pub async fn get_action_editor(
    slug: String,
    id: Option<Uuid>,
) -> Result<ActionEditorData, AppError> {
    use domain::read::{Linked, titles};
    let s = Scope::of(&slug).await?;
    let h = s.hackfest.id;
    let item = match id {
        Some(id) => Some(domain::action::service::get(&s.db, h, id).await?),
        None => None,
    };
    Ok(ActionEditorData {
        item,
        goals: titles(&s.db, h, Linked::Goal).await?,
        sessions: titles(&s.db, h, Linked::Session).await?,
        decisions: titles(&s.db, h, Linked::Decision).await?,
    })
}

#[server(endpoint = "actions/create")]
pub async fn create_action(slug: String, form: ActionForm) -> Result<ActionItem, AppError> {
    let s = Scope::of(&slug).await?;
    let actor = s.editor()?;
    Ok(domain::action::service::create(&s.db, s.hackfest.id, &form, &actor).await?)
}

/// Saves over version `version`; a newer stored version gives `AppError::Conflict`.
#[server(endpoint = "actions/update")]
pub async fn update_action(
    slug: String,
    id: Uuid,
    version: i64,
    form: ActionForm,
) -> Result<ActionItem, AppError> {
    let s = Scope::of(&slug).await?;
    let actor = s.editor()?;
    Ok(domain::action::service::update(&s.db, s.hackfest.id, id, version, &form, &actor).await?)
}
