use chrono::Utc;
use uuid::Uuid;

use super::{ActionForm, ActionItem, NewAction, repo};
use crate::db::{Db, Tx};
use crate::history::{self, Change};
use crate::outbox::{self, Message};
use crate::{DomainError, FieldErrors};

#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn list(db: &Db, hackfest_id: Uuid) -> Result<Vec<ActionItem>, DomainError> {
    Ok(repo::list_for_hackfest(db, hackfest_id).await?)
}

#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn for_owner(db: &Db, owner: &str) -> Result<Vec<ActionItem>, DomainError> {
    Ok(repo::list_for_owner(db, owner).await?)
}

#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn get(db: &Db, hackfest_id: Uuid, id: Uuid) -> Result<ActionItem, DomainError> {
    repo::get(db, id)
        .await?
        .filter(|a| a.hackfest_id == hackfest_id)
        .ok_or(DomainError::NotFound("action item"))
}

/// Linked goal, session and decision must be of the same hackfest.
async fn check_links(tx: &mut Tx, hackfest_id: Uuid, a: &NewAction) -> Result<(), DomainError> {
    let mut e = FieldErrors::new();
    for (field, table, id, what) in [
        ("goal_id", "goals", a.goal_id, "goal"),
        ("session_id", "hack_sessions", a.session_id, "session"),
        ("decision_id", "decisions", a.decision_id, "decision"),
    ] {
        if let Some(id) = id
            && !tx.belongs(table, id, hackfest_id).await?
        {
            e.add(
                field,
                format!("The {what} does not exist in this hackfest."),
            );
        }
    }
    e.into_result(|| ()).map_err(Into::into)
}

#[tracing::instrument(skip(db, form), err(level = "debug"))]
pub async fn create(
    db: &Db,
    hackfest_id: Uuid,
    form: &ActionForm,
    actor: &str,
) -> Result<ActionItem, DomainError> {
    let mut tx = db.begin().await?;
    let made = create_in(&mut tx, hackfest_id, form, actor).await?;
    tx.commit().await?;
    Ok(made)
}

/// [`create`] inside the caller's transaction (the demo loads in one).
pub async fn create_in(
    tx: &mut Tx,
    hackfest_id: Uuid,
    form: &ActionForm,
    actor: &str,
) -> Result<ActionItem, DomainError> {
    let new = form.parse()?;
    let id = Uuid::now_v7();
    let now = Utc::now();
    check_links(tx, hackfest_id, &new).await?;
    repo::insert(tx, id, hackfest_id, &new, now).await?;
    let changes = history::record(
        tx,
        Change::created(
            hackfest_id,
            "action_item",
            id,
            actor,
            new.field_values(),
            now,
        ),
    )
    .await?;
    let a = repo::get_in_tx(tx, id)
        .await?
        .ok_or(DomainError::NotFound("action item"))?;
    outbox::enqueue(tx, message(&a, "new", actor, changes, now)).await?;
    Ok(a)
}

fn message<'a>(
    a: &ActionItem,
    event: &'static str,
    actor: &'a str,
    changes: Vec<history::FieldChange>,
    at: chrono::DateTime<Utc>,
) -> Message<'a> {
    Message::new(a.hackfest_id, "action_item", a.id, event, actor, a, at)
        .changes(changes)
        .users([a.owner.as_str()])
        .page(format!("/actions/{}", a.id))
}

#[tracing::instrument(skip(db, form), err(level = "debug"))]
pub async fn update(
    db: &Db,
    hackfest_id: Uuid,
    id: Uuid,
    expected_version: i64,
    form: &ActionForm,
    actor: &str,
) -> Result<ActionItem, DomainError> {
    let new = form.parse()?;
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let current = repo::get_in_tx(&mut tx, id)
        .await?
        .filter(|a| a.hackfest_id == hackfest_id)
        .ok_or(DomainError::NotFound("action item"))?;
    if current.version != expected_version {
        return Err(DomainError::conflict(&current));
    }
    check_links(&mut tx, hackfest_id, &new).await?;
    let changes = history::diff(NewAction::from(&current).field_values(), new.field_values());
    if changes.is_empty() {
        return Ok(current);
    }
    if !repo::update(&mut tx, id, expected_version, &new, now).await? {
        let current = repo::get_in_tx(&mut tx, id)
            .await?
            .ok_or(DomainError::NotFound("action item"))?;
        return Err(DomainError::conflict(&current));
    }
    let changes = history::record(
        &mut tx,
        Change::updated(hackfest_id, "action_item", id, actor, changes, now),
    )
    .await?;
    let a = repo::get_in_tx(&mut tx, id)
        .await?
        .ok_or(DomainError::NotFound("action item"))?;
    outbox::enqueue(&mut tx, message(&a, "update", actor, changes, now)).await?;
    tx.commit().await?;
    Ok(a)
}
