use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Decision, DecisionForm, DecisionStatus, NewDecision, repo};
use crate::db::{Db, Tx};
use crate::history::Fields;
use crate::ids::{DecisionId, HackfestId};
use crate::outbox::Message;
use crate::write::{self, Edit, Update, Versioned};
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
    check_links(tx, hackfest_id, None, &new).await?;
    Ok(decorate(
        write::create_in(tx, HackfestId(hackfest_id), &new, actor).await?,
    ))
}

impl Versioned for Decision {
    type Id = DecisionId;
    type Input = NewDecision;
    type More = ();
    const ENTITY: &'static str = "decision";
    const WHAT: &'static str = "decision";

    write::row_keys!(DecisionId);
    fn new_fields(new: &NewDecision) -> Fields {
        new.field_values()
    }
    fn old_fields(&self, _: &NewDecision) -> Fields {
        NewDecision::from(self).field_values()
    }
    write::repo_sql!();
    fn message<'a>(
        &self,
        _: &NewDecision,
        _: &(),
        event: &'static str,
        actor: &'a str,
        at: DateTime<Utc>,
    ) -> Message<'a> {
        Message::new(
            self.hackfest_id,
            "decision",
            self.id,
            event,
            actor,
            self,
            at,
        )
        .page(format!("/decisions/{}", self.id))
    }
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
    let mut w = Update::open(
        db,
        HackfestId(hackfest_id),
        DecisionId(id),
        expected_version,
        async |d: Decision| decorate(d),
    )
    .await?;
    let was = w.current.status;
    if !was.can_become(new.status) {
        let allowed: Vec<&str> = was.choices().iter().map(|s| s.as_str()).collect();
        return Err(FieldErrors::single(
            "status",
            format!(
                "A decision that is {was} cannot become {}; it can be: {}.",
                new.status,
                allowed.join(", ")
            ),
        )
        .into());
    }
    check_links(w.tx(), hackfest_id, Some(id), &new).await?;
    // A status change is its own event (`hackfest.decision.agreed`); other edits are updates.
    let event = match (was == new.status, new.status) {
        (false, DecisionStatus::Agreed) => "agreed",
        (false, DecisionStatus::Rejected) => "rejected",
        (false, DecisionStatus::Superseded) => "superseded",
        _ => "update",
    };
    let edit = Edit {
        event,
        ..Edit::update(actor)
    };
    w.save(&new, edit).await
}
