use chrono::Utc;
use uuid::Uuid;

use super::{Decision, DecisionForm, DecisionStatus, NewDecision, repo};
use crate::db::{Db, Tx};
use crate::history::{self, Change};
use crate::outbox::{self, Message};
use crate::{DomainError, FieldErrors, markdown};

pub fn decorate(mut d: Decision) -> Decision {
    d.context_html = markdown::render(&d.context);
    d.decision_html = markdown::render(&d.decision);
    d
}

#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn list(db: &Db, hackfest_id: Uuid) -> Result<Vec<Decision>, DomainError> {
    Ok(repo::list_for_hackfest(db, hackfest_id)
        .await?
        .into_iter()
        .map(decorate)
        .collect())
}

#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn get(db: &Db, hackfest_id: Uuid, id: Uuid) -> Result<Decision, DomainError> {
    repo::get(db, id)
        .await?
        .filter(|d| d.hackfest_id == hackfest_id)
        .map(decorate)
        .ok_or(DomainError::NotFound("decision"))
}

/// Links stay inside the hackfest; a decision is not its own successor.
async fn check_links(
    tx: &mut Tx,
    hackfest_id: Uuid,
    id: Option<Uuid>,
    d: &NewDecision,
) -> Result<(), DomainError> {
    let mut e = FieldErrors::new();
    if let Some(next) = d.superseded_by {
        if Some(next) == id {
            e.add("superseded_by", "A decision cannot supersede itself.");
        } else if !tx.belongs("decisions", next, hackfest_id).await? {
            e.add(
                "superseded_by",
                "The replacing decision does not exist in this hackfest.",
            );
        }
    }
    if let Some(s) = d.session_id
        && !tx.belongs("hack_sessions", s, hackfest_id).await?
    {
        e.add("session_id", "The session does not exist in this hackfest.");
    }
    if !tx.all_belong("goals", &d.goal_ids, hackfest_id).await? {
        e.add("goal_ids", "A linked goal does not exist in this hackfest.");
    }
    e.into_result(|| ()).map_err(Into::into)
}

#[tracing::instrument(skip(db, form), err(level = "debug"))]
pub async fn create(
    db: &Db,
    hackfest_id: Uuid,
    form: &DecisionForm,
    actor: &str,
) -> Result<Decision, DomainError> {
    let mut tx = db.begin().await?;
    let made = create_in(&mut tx, hackfest_id, form, actor).await?;
    tx.commit().await?;
    Ok(made)
}

/// [`create`] inside the caller's transaction (the demo loads in one).
pub async fn create_in(
    tx: &mut Tx,
    hackfest_id: Uuid,
    form: &DecisionForm,
    actor: &str,
) -> Result<Decision, DomainError> {
    let new = form.parse()?;
    let id = Uuid::now_v7();
    let now = Utc::now();
    check_links(tx, hackfest_id, None, &new).await?;
    repo::insert(tx, id, hackfest_id, &new, now).await?;
    let changes = history::record(
        tx,
        Change::created(hackfest_id, "decision", id, actor, new.field_values(), now),
    )
    .await?;
    let d = repo::get_in_tx(tx, id)
        .await?
        .ok_or(DomainError::NotFound("decision"))?;
    outbox::enqueue(tx, message(&d, "new", actor, changes, now)).await?;
    Ok(decorate(d))
}

fn message<'a>(
    d: &Decision,
    event: &'static str,
    actor: &'a str,
    changes: Vec<history::FieldChange>,
    at: chrono::DateTime<Utc>,
) -> Message<'a> {
    Message::new(d.hackfest_id, "decision", d.id, event, actor, d, at)
        .changes(changes)
        .page(format!("/decisions/{}", d.id))
}

/// Saves over `expected_version` if the status change is allowed
/// (proposed → agreed | rejected, agreed → superseded).
#[tracing::instrument(skip(db, form), err(level = "debug"))]
pub async fn update(
    db: &Db,
    hackfest_id: Uuid,
    id: Uuid,
    expected_version: i64,
    form: &DecisionForm,
    actor: &str,
) -> Result<Decision, DomainError> {
    let new = form.parse()?;
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let current = repo::get_in_tx(&mut tx, id)
        .await?
        .filter(|d| d.hackfest_id == hackfest_id)
        .map(decorate)
        .ok_or(DomainError::NotFound("decision"))?;
    if current.version != expected_version {
        return Err(DomainError::conflict(&current));
    }
    if !current.status.can_become(new.status) {
        let allowed: Vec<&str> = current
            .status
            .choices()
            .iter()
            .map(|s| s.as_str())
            .collect();
        return Err(FieldErrors::single(
            "status",
            format!(
                "A decision that is {} cannot become {}; it can be: {}.",
                current.status,
                new.status,
                allowed.join(", ")
            ),
        )
        .into());
    }
    check_links(&mut tx, hackfest_id, Some(id), &new).await?;
    let changes = history::diff(
        NewDecision::from(&current).field_values(),
        new.field_values(),
    );
    if changes.is_empty() {
        return Ok(current);
    }
    if !repo::update(&mut tx, id, expected_version, &new, now).await? {
        let current = repo::get_in_tx(&mut tx, id)
            .await?
            .ok_or(DomainError::NotFound("decision"))?;
        return Err(DomainError::conflict(&decorate(current)));
    }
    let changes = history::record(
        &mut tx,
        Change::updated(hackfest_id, "decision", id, actor, changes, now),
    )
    .await?;
    let d = repo::get_in_tx(&mut tx, id)
        .await?
        .ok_or(DomainError::NotFound("decision"))?;
    // A status change is its own event (`hackfest.decision.agreed`); other edits are updates.
    let event = match (current.status == d.status, d.status) {
        (false, DecisionStatus::Agreed) => "agreed",
        (false, DecisionStatus::Rejected) => "rejected",
        (false, DecisionStatus::Superseded) => "superseded",
        _ => "update",
    };
    outbox::enqueue(&mut tx, message(&d, event, actor, changes, now)).await?;
    tx.commit().await?;
    Ok(decorate(d))
}
