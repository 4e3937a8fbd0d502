//! The one versioned write path. Every kind of object (goal, session, decision,
//! action item, wiki page, question) is created and updated the same way, in one
//! transaction:
//!
//! begin → read the stored row (same hackfest, else "not found") → version check
//! (`Conflict` carrying the current object) → the kind's own rules → diff →
//! `INSERT`/`UPDATE … RETURNING` (no second read) → the kind's other rows (a page's
//! revision) → history row → outbox message → commit (which wakes the live updates
//! and the publisher).
//!
//! A kind implements [`Versioned`]: its names, its SQL (in its `repo`), how its fields
//! read as text, and its bus message. Its service keeps only its rules: parsing, links
//! that must stay in the hackfest, a goal tree's depth, a decision's status moves.

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::DomainError;
use crate::db::{Db, Tx};
use crate::history::{self, Change, Fields};
use crate::ids::HackfestId;
use crate::outbox::{self, Message};
use crate::search::Indexed;

/// (field, old, new) of each field that changed.
pub type Changes = Vec<(&'static str, String, String)>;

/// An object written through the shared path.
/// Every kind is [`Searchable`](crate::search::Searchable): each save writes its
/// search document in the same transaction.
pub trait Versioned: Serialize + Sized + Send + Sync + crate::search::Searchable {
    /// Its typed id.
    type Id: Copy + Default + Send + Sync + std::fmt::Debug + Into<uuid::Uuid>;
    /// What a create or an update writes: the parsed input, with whatever the kind's
    /// rules derived from it (a session's UTC times, the page a question is on).
    type Input: Sync;
    /// What [`Versioned::write_more`] wrote besides the row (a page's revision number).
    type More: Default + Send;

    /// The history rows' `entity` (`goal`, `action_item`, `page` …).
    const ENTITY: &'static str;
    /// How "not found" names it (`goal`, `action item` …).
    const WHAT: &'static str;

    fn id(&self) -> Self::Id;
    fn hackfest_id(&self) -> HackfestId;
    fn version(&self) -> i64;

    /// The fields `input` would store, as text in form order (history, conflict views).
    fn new_fields(input: &Self::Input) -> Fields;
    /// The stored fields, as [`Versioned::new_fields`] shows them (same names, same order).
    fn old_fields(&self, input: &Self::Input) -> Fields;

    /// The stored row, in the transaction.
    fn read(
        tx: &mut Tx,
        id: Self::Id,
    ) -> impl Future<Output = Result<Option<Self>, sqlx::Error>> + Send;
    /// `INSERT … RETURNING`: version 1, created and updated `at`.
    fn insert(
        tx: &mut Tx,
        id: Self::Id,
        hackfest: HackfestId,
        input: &Self::Input,
        actor: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Self, sqlx::Error>> + Send;
    /// `UPDATE … WHERE id = $1 AND version = $2 RETURNING …`: `None` when the stored
    /// version is no longer `expected_version` (someone saved in between).
    fn update(
        tx: &mut Tx,
        id: Self::Id,
        expected_version: i64,
        input: &Self::Input,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<Self>, sqlx::Error>> + Send;

    /// The kind's other rows of this save, after its own (a page's revision).
    fn write_more(
        &self,
        _tx: &mut Tx,
        _input: &Self::Input,
        _actor: &str,
        _at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Self::More, sqlx::Error>> + Send {
        async { Ok(Self::More::default()) }
    }

    /// The changes as history and the bus keep them (a page names its body by revision).
    fn recorded(changes: Changes, _more: &Self::More) -> Changes {
        changes
    }

    /// Whether a save with this `event` goes on the bus (and the event feed). Every
    /// save of every kind does, but a summary's drafts: unpublished text is private.
    fn announced(&self, _event: &'static str) -> bool {
        true
    }

    /// `hackfest.<object>.<event>` about the object as saved; the shared path adds the
    /// field changes.
    fn message<'a>(
        &self,
        input: &Self::Input,
        more: &Self::More,
        event: &'static str,
        actor: &'a str,
        at: DateTime<Utc>,
    ) -> Message<'a>;
}

/// [`Versioned`]'s accessors for a DTO with `id`, `hackfest_id` and `version`
/// fields; `$id` is its typed id. Used inside the `impl`.
macro_rules! row_keys {
    ($id:ident) => {
        fn id(&self) -> $id {
            $id(self.id)
        }
        fn hackfest_id(&self) -> $crate::ids::HackfestId {
            $crate::ids::HackfestId(self.hackfest_id)
        }
        fn version(&self) -> i64 {
            self.version
        }
    };
}
pub(crate) use row_keys;

/// [`Versioned`]'s SQL for a kind whose `repo` (in scope) has `get_in_tx(tx, id)`,
/// `insert(tx, id, hackfest, input, at)` and `update(tx, id, expected_version, input,
/// at)` for its `Input`. Used inside the `impl`.
macro_rules! repo_sql {
    () => {
        async fn read(tx: &mut $crate::db::Tx, id: Self::Id) -> Result<Option<Self>, sqlx::Error> {
            repo::get_in_tx(tx, id.0).await
        }
        async fn insert(
            tx: &mut $crate::db::Tx,
            id: Self::Id,
            hackfest: $crate::ids::HackfestId,
            input: &Self::Input,
            _: &str,
            at: chrono::DateTime<chrono::Utc>,
        ) -> Result<Self, sqlx::Error> {
            repo::insert(tx, id, hackfest, input, at).await
        }
        async fn update(
            tx: &mut $crate::db::Tx,
            id: Self::Id,
            expected_version: i64,
            input: &Self::Input,
            at: chrono::DateTime<chrono::Utc>,
        ) -> Result<Option<Self>, sqlx::Error> {
            repo::update(tx, id, expected_version, input, at).await
        }
    };
}
pub(crate) use repo_sql;

/// Who saves, and how history and the bus name the save.
#[derive(Clone, Copy, Debug)]
pub struct Edit<'a> {
    pub actor: &'a str,
    /// The history row's action: `update`, `revert`, `answer` …
    pub action: &'static str,
    /// The message topic's last word: `update`, `edit`, `agreed` …
    pub event: &'static str,
}

impl<'a> Edit<'a> {
    /// A plain edit: history `update`, message `<object>.update`.
    pub fn update(actor: &'a str) -> Self {
        Edit {
            actor,
            action: "update",
            event: "update",
        }
    }
}

/// What an update in the caller's transaction did.
#[derive(Debug)]
pub enum Outcome<K> {
    /// Written: the object as stored now.
    Saved(K),
    /// Nothing differed: nothing written; the object as it is.
    Unchanged(K),
    /// Not at the expected version: nothing written; the current object.
    Stale(K),
}

/// The object `id` of `hackfest` as stored, in the transaction; one of another
/// hackfest is "not found".
pub async fn current<K: Versioned>(
    tx: &mut Tx,
    hackfest: HackfestId,
    id: K::Id,
) -> Result<K, DomainError> {
    K::read(tx, id)
        .await?
        .filter(|k| k.hackfest_id() == hackfest)
        .ok_or(DomainError::NotFound(K::WHAT))
}

/// Creates the object in the caller's transaction (who commits): `INSERT … RETURNING`,
/// the kind's other rows, a history row of every field set, `hackfest.<object>.new`.
/// The kind has checked its rules in `tx` first.
pub async fn create_in<K: Versioned>(
    tx: &mut Tx,
    hackfest: HackfestId,
    input: &K::Input,
    actor: &str,
) -> Result<K, DomainError> {
    let id = K::Id::default();
    let at = Utc::now();
    let made = K::insert(tx, id, hackfest, input, actor, at).await?;
    let created = history::created(K::new_fields(input));
    let edit = Edit {
        actor,
        action: "create",
        event: "new",
    };
    record(tx, &made, made.indexed(), input, created, edit, at).await?;
    Ok(made)
}

/// Saves `input` over `current` in the caller's transaction (who commits) if it is
/// still at `expected_version`: `UPDATE … RETURNING`, the kind's other rows, a history
/// row of the fields that changed, `hackfest.<object>.<event>`. Nothing changed:
/// nothing written.
pub async fn update_in<K: Versioned>(
    tx: &mut Tx,
    current: K,
    expected_version: i64,
    input: &K::Input,
    edit: Edit<'_>,
) -> Result<Outcome<K>, DomainError> {
    if current.version() != expected_version {
        return Ok(Outcome::Stale(current));
    }
    let changes = history::diff(current.old_fields(input), K::new_fields(input));
    if changes.is_empty() {
        return Ok(Outcome::Unchanged(current));
    }
    let at = Utc::now();
    let Some(saved) = K::update(tx, current.id(), expected_version, input, at).await? else {
        // Someone saved since `current` was read: [`Update`] reads it outside the
        // writer's turn, and PostgreSQL's READ COMMITTED sees other commits.
        let now = self::current::<K>(tx, current.hackfest_id(), current.id()).await?;
        return Ok(Outcome::Stale(now));
    };
    // A save that leaves the searched text as it was (a status, an owner) does not
    // touch the index.
    let indexed = match saved.indexed() {
        same if same == current.indexed() => Indexed::Keep,
        indexed => indexed,
    };
    record(tx, &saved, indexed, input, changes, edit, at).await?;
    Ok(Outcome::Saved(saved))
}

/// What every save writes after the row: the kind's other rows, the history row,
/// the outbox message (if [`Versioned::announced`]).
async fn record<K: Versioned>(
    tx: &mut Tx,
    k: &K,
    indexed: Indexed,
    input: &K::Input,
    changes: Changes,
    edit: Edit<'_>,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    let more = k.write_more(tx, input, edit.actor, at).await?;
    crate::search::sync(tx, K::KIND, k.id().into(), k.hackfest_id().0, indexed, at).await?;
    let changes = history::record(
        tx,
        Change {
            hackfest_id: k.hackfest_id().0,
            entity: K::ENTITY,
            entity_id: k.id().into(),
            action: edit.action,
            actor: edit.actor,
            changes: K::recorded(changes, &more),
            at,
        },
    )
    .await?;
    if k.announced(edit.event) {
        let m = k
            .message(input, &more, edit.event, edit.actor, at)
            .changes(changes);
        outbox::enqueue(tx, m).await?;
    }
    Ok(())
}

/// An update in a transaction of its own, with the writer's turn as short as it can
/// be. [`Update::open`] reads the object outside any transaction and checks its
/// version; the kind checks its rules in [`Update::tx`]; [`Update::save`] takes the
/// turn (SQLite has one writer at a time) only for the writes, whose
/// `UPDATE … WHERE version = expected` refuses a save over a version that changed
/// since the read. Until [`Update::lock`], `tx` reads outside the turn: fit for
/// facts that a concurrent save cannot change (a linked object's hackfest: objects
/// are never deleted nor moved). A rule over what another save can change (a room's
/// bookings, a goal tree's shape, a unique slug) locks first, so it still holds at
/// commit. `show` makes what the caller gets back (the reply, or the conflict's
/// current object) from the stored object: decorated, rendered. It runs after the
/// transaction ends, so it may read through the pool.
pub struct Update<K, S> {
    db: Db,
    /// `None` only while [`Update::lock`] swaps the read for the write transaction.
    tx: Option<Tx>,
    locked: bool,
    pub current: K,
    expected_version: i64,
    show: S,
}

impl<K, S> Update<K, S>
where
    K: Versioned,
    S: AsyncFnOnce(K) -> K,
{
    /// Reads object `id` of `hackfest` and checks its version: an object of another
    /// hackfest is "not found", another version a `Conflict` with the current object
    /// (shown).
    pub async fn open(
        db: &Db,
        hackfest: HackfestId,
        id: K::Id,
        expected_version: i64,
        show: S,
    ) -> Result<Self, DomainError> {
        let mut tx = db.read().await?;
        let current = current::<K>(&mut tx, hackfest, id).await?;
        if current.version() != expected_version {
            drop(tx);
            return Err(DomainError::conflict(&show(current).await));
        }
        Ok(Update {
            db: db.clone(),
            tx: Some(tx),
            locked: false,
            current,
            expected_version,
            show,
        })
    }

    /// Where the kind's rules read: outside the writer's turn until [`Update::lock`].
    pub fn tx(&mut self) -> &mut Tx {
        self.tx.as_mut().expect("an update's transaction")
    }

    /// [`Update::tx`] and the object as read, at once.
    pub fn parts(&mut self) -> (&mut Tx, &K) {
        (
            self.tx.as_mut().expect("an update's transaction"),
            &self.current,
        )
    }

    /// Takes the writer's turn now: the write transaction begins, and what the kind
    /// checks in it from here on holds at commit.
    pub async fn lock(&mut self) -> Result<&mut Tx, DomainError> {
        if !self.locked {
            // The read's connection goes back first (an in-memory pool has one).
            drop(self.tx.take());
            self.tx = Some(self.db.begin().await?);
            self.locked = true;
        }
        Ok(self.tx())
    }

    /// [`update_in`] in the writer's turn, then commits: the saved object (shown), or
    /// the current one when nothing changed (no turn taken), or a `Conflict` when
    /// someone saved in between.
    pub async fn save(mut self, input: &K::Input, edit: Edit<'_>) -> Result<K, DomainError> {
        if !self.locked
            && history::diff(self.current.old_fields(input), K::new_fields(input)).is_empty()
        {
            return Ok((self.show)(self.current).await);
        }
        self.lock().await?;
        let Update {
            tx,
            current,
            expected_version,
            show,
            ..
        } = self;
        let mut tx = tx.expect("an update's transaction");
        match update_in(&mut tx, current, expected_version, input, edit).await? {
            Outcome::Saved(k) => {
                tx.commit().await?;
                Ok(show(k).await)
            }
            Outcome::Unchanged(k) => {
                drop(tx);
                Ok(show(k).await)
            }
            Outcome::Stale(k) => {
                drop(tx);
                Err(DomainError::conflict(&show(k).await))
            }
        }
    }
}
