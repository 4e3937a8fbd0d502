use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Goal, GoalForm, MAX_DEPTH, NewGoal, repo};
use crate::db::{Db, Tx};
use crate::history::{self, Change, Fields};
use crate::ids::{GoalId, HackfestId};
use crate::outbox::{self, Message};
use crate::write::{self, Edit, Update, Versioned};
use crate::{DomainError, FieldErrors};

/// How far the ancestor walk goes: past any tree the service lets in (MAX_DEPTH), far
/// enough to name a cycle in an old deep chain, and a bound on corrupted data.
const WALK_LIMIT: i64 = 10_000;

#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn list(db: &Db, hackfest_id: Uuid) -> Result<Vec<Goal>, DomainError> {
    Ok(repo::list_for_hackfest(db, hackfest_id).await?)
}

/// A goal of this hackfest (a goal of another hackfest is "not found").
#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn get(db: &Db, hackfest_id: Uuid, id: Uuid) -> Result<Goal, DomainError> {
    repo::get(db, id)
        .await?
        .filter(|g| g.hackfest_id == hackfest_id)
        .ok_or(DomainError::NotFound("goal"))
}

/// The parent must exist in the same hackfest and must not be the goal itself or one
/// of its descendants (that would make a cycle); the goal, with the sub-goals it
/// brings along, must stay within [`MAX_DEPTH`] levels. Takes the tree lock first, so
/// the checks hold until commit. One query walks the ancestors, one the sub-goals.
async fn check_parent(
    tx: &mut Tx,
    hackfest_id: Uuid,
    goal_id: Option<Uuid>,
    parent: Option<Uuid>,
) -> Result<(), DomainError> {
    let Some(parent) = parent else { return Ok(()) };
    let bad = |m: String| Err(FieldErrors::single("parent_id", m).into());
    if Some(parent) == goal_id {
        return bad("A goal cannot be its own parent.".into());
    }
    repo::lock_tree(tx, hackfest_id).await?;
    let chain = repo::ancestors(tx, parent, WALK_LIMIT).await?;
    match chain.first() {
        Some((_, hf, _)) if *hf == hackfest_id => {}
        _ => return bad("The parent goal does not exist in this hackfest.".into()),
    }
    if let Some(goal_id) = goal_id
        && chain.iter().any(|(id, _, _)| *id == goal_id)
    {
        return bad("The parent goal is a sub-goal of this goal; that would make a cycle.".into());
    }
    // The walk stopped at the top of the tree, or at its limit (deeper than that).
    let reached_top = chain.last().is_some_and(|(_, _, p)| p.is_none());
    let parent_depth = if reached_top {
        chain.len()
    } else {
        WALK_LIMIT as usize + 1
    };
    let below = match goal_id {
        Some(id) => repo::height(tx, id, MAX_DEPTH as i64).await? as usize,
        None => 0,
    };
    let deepest = parent_depth + 1 + below;
    if deepest > MAX_DEPTH {
        let what = if below > 0 {
            "this goal's sub-goals would reach"
        } else {
            "this goal would be at"
        };
        let level = if reached_top {
            format!("level {deepest}")
        } else {
            "a deeper level".into()
        };
        return bad(format!(
            "A goal tree has at most {MAX_DEPTH} levels; under this parent {what} {level}."
        ));
    }
    Ok(())
}

#[tracing::instrument(skip(db, form), err(level = "debug"))]
pub async fn create(
    db: &Db,
    hackfest_id: Uuid,
    form: &GoalForm,
    actor: &str,
) -> Result<Goal, DomainError> {
    let mut tx = db.begin().await?;
    let made = create_in(&mut tx, hackfest_id, form, actor).await?;
    tx.commit().await?;
    Ok(made)
}

/// [`create`] inside the caller's transaction (the demo loads in one).
pub async fn create_in(
    tx: &mut Tx,
    hackfest_id: Uuid,
    form: &GoalForm,
    actor: &str,
) -> Result<Goal, DomainError> {
    let new = form.parse()?;
    check_parent(tx, hackfest_id, None, new.parent_id).await?;
    write::create_in(tx, HackfestId(hackfest_id), &new, actor).await
}

impl Versioned for Goal {
    type Id = GoalId;
    type Input = NewGoal;
    type More = ();
    const ENTITY: &'static str = "goal";
    const WHAT: &'static str = "goal";

    write::row_keys!(GoalId);
    fn new_fields(new: &NewGoal) -> Fields {
        new.field_values().into()
    }
    fn old_fields(&self, _: &NewGoal) -> Fields {
        NewGoal::from(self).field_values().into()
    }
    write::repo_sql!();
    fn message<'a>(
        &self,
        _: &NewGoal,
        _: &(),
        event: &'static str,
        actor: &'a str,
        at: DateTime<Utc>,
    ) -> Message<'a> {
        goal_message(self, event, actor, vec![], at)
    }
}

fn goal_message<'a>(
    goal: &Goal,
    event: &'static str,
    actor: &'a str,
    changes: Vec<history::FieldChange>,
    at: chrono::DateTime<Utc>,
) -> Message<'a> {
    Message::new(goal.hackfest_id, "goal", goal.id, event, actor, goal, at)
        .changes(changes)
        .users([goal.owner.as_str()])
        .page(format!("#goal-{}", goal.id))
}

/// Saves `form` over the goal if it is still at `expected_version`; otherwise returns
/// `Conflict` with the current goal and writes nothing.
#[tracing::instrument(skip(db, form), err(level = "debug"))]
pub async fn update(
    db: &Db,
    hackfest_id: Uuid,
    id: Uuid,
    expected_version: i64,
    form: &GoalForm,
    actor: &str,
) -> Result<Goal, DomainError> {
    let new = form.parse()?;
    let mut w = Update::open(
        db,
        HackfestId(hackfest_id),
        GoalId(id),
        expected_version,
        async |g: Goal| g,
    )
    .await?;
    if new.parent_id != w.current.parent_id {
        // The tree's shape is checked in the turn: another save may move a goal.
        check_parent(w.lock().await?, hackfest_id, Some(id), new.parent_id).await?;
    }
    w.save(&new, Edit::update(actor)).await
}

/// The progress timeline of a goal of this hackfest, oldest first (empty for a goal
/// of another hackfest).
#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn notes(
    db: &Db,
    hackfest_id: Uuid,
    goal_id: Uuid,
) -> Result<Vec<super::GoalNote>, DomainError> {
    Ok(repo::notes(db, hackfest_id, goal_id)
        .await?
        .into_iter()
        .map(|mut n| {
            n.body_html = crate::markdown::render(&n.body);
            n
        })
        .collect())
}

/// Adds a progress note to a goal of this hackfest; recorded in its history.
#[tracing::instrument(skip(db, body), err(level = "debug"))]
pub async fn add_note(
    db: &Db,
    hackfest_id: Uuid,
    goal_id: Uuid,
    body: &str,
    actor: &str,
) -> Result<super::GoalNote, DomainError> {
    let body = super::parse_note(body).map_err(|m| FieldErrors::single("body", m))?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut tx = db.begin().await?;
    if !tx.belongs("goals", goal_id, hackfest_id).await? {
        return Err(DomainError::NotFound("goal"));
    }
    repo::insert_note(&mut tx, id, hackfest_id, goal_id, actor, &body, now).await?;
    let changes = history::record(
        &mut tx,
        Change {
            hackfest_id,
            entity: "goal",
            entity_id: goal_id,
            action: "note",
            actor,
            changes: vec![("note", String::new(), body.clone())],
            at: now,
        },
    )
    .await?;
    let note = super::GoalNote {
        id,
        goal_id,
        author: actor.to_owned(),
        body_html: String::new(),
        body,
        created_at: now,
        created_local: None,
    };
    let goal = repo::get_in_tx(&mut tx, goal_id)
        .await?
        .ok_or(DomainError::NotFound("goal"))?;
    outbox::enqueue(
        &mut tx,
        goal_message(&goal, "note", actor, changes, now).with("note", &note),
    )
    .await?;
    tx.commit().await?;
    Ok(super::GoalNote {
        body_html: crate::markdown::render(&note.body),
        ..note
    })
}
