use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{ActionForm, ActionItem, NewAction, repo};
use crate::db::{Db, Tx};
use crate::history::Fields;
use crate::ids::{ActionItemId, HackfestId};
use crate::outbox::Message;
use crate::write::{self, Edit, Update, Versioned};
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
/// Links stay inside the hackfest. A link the stored item `was` already has needs no
/// look-up: objects never move to another hackfest, nor are deleted.
async fn check_links(
    tx: &mut Tx,
    hackfest_id: Uuid,
    a: &NewAction,
    was: Option<&ActionItem>,
) -> Result<(), DomainError> {
    let mut e = FieldErrors::new();
    for (field, table, id, had, what) in [
        (
            "goal_id",
            "goals",
            a.goal_id,
            was.and_then(|w| w.goal_id),
            "goal",
        ),
        (
            "session_id",
            "hack_sessions",
            a.session_id,
            was.and_then(|w| w.session_id),
            "session",
        ),
        (
            "decision_id",
            "decisions",
            a.decision_id,
            was.and_then(|w| w.decision_id),
            "decision",
        ),
    ] {
        if let Some(id) = id
            && Some(id) != had
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
    check_links(tx, hackfest_id, &new, None).await?;
    write::create_in(tx, HackfestId(hackfest_id), &new, actor).await
}

impl Versioned for ActionItem {
    type Id = ActionItemId;
    type Input = NewAction;
    type More = ();
    const ENTITY: &'static str = "action_item";
    const WHAT: &'static str = "action item";

    write::row_keys!(ActionItemId);
    fn new_fields(new: &NewAction) -> Fields {
        new.field_values()
    }
    fn old_fields(&self, _: &NewAction) -> Fields {
        NewAction::from(self).field_values()
    }
    write::repo_sql!();
    fn message<'a>(
        &self,
        _: &NewAction,
        _: &(),
        event: &'static str,
        actor: &'a str,
        at: DateTime<Utc>,
    ) -> Message<'a> {
        Message::new(
            self.hackfest_id,
            "action_item",
            self.id,
            event,
            actor,
            self,
            at,
        )
        .users([self.owner.as_str()])
        .page(format!("/actions/{}", self.id))
    }
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
    let mut w = Update::open(
        db,
        HackfestId(hackfest_id),
        ActionItemId(id),
        expected_version,
        async |a: ActionItem| a,
    )
    .await?;
    let (tx, was) = w.parts();
    check_links(tx, hackfest_id, &new, Some(was)).await?;
    w.save(&new, Edit::update(actor)).await
}
