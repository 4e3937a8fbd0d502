use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{AnswerForm, NewQuestion, Question, QuestionForm, QuestionState, parse_decision, repo};
use crate::db::{Db, Tx};
use crate::hackfest::Hackfest;
use crate::history::Fields;
use crate::ids::{HackfestId, PageId, QuestionId};
use crate::outbox::Message;
use crate::page::{self, Page, PageSummary};
use crate::write::{self, Edit, Update, Versioned};
use crate::{DomainError, FieldErrors};

/// Adds the rendered answer (`pages` resolve its `[[links]]`).
pub fn decorate(mut q: Question, h: &Hackfest, pages: &[PageSummary]) -> Question {
    q.answer_html = page::render::render(&q.answer, &h.slug, pages);
    q
}

/// The page's questions, oldest first, answers rendered.
#[tracing::instrument(skip(db, h, page), err(level = "debug"))]
pub async fn list(db: &Db, h: &Hackfest, page: &Page) -> Result<Vec<Question>, DomainError> {
    let pages = page::repo::list_for_hackfest(db, h.id).await?;
    Ok(repo::for_page(db, page.id)
        .await?
        .into_iter()
        .map(|q| decorate(q, h, &pages))
        .collect())
}

/// The reply to a committed question change; see [`page::service::pages_after_commit`].
async fn rendered_after_commit(db: &Db, h: &Hackfest, q: Question) -> Question {
    decorate(q, h, &page::service::pages_after_commit(db, h).await)
}

/// A question's values with the page it is on: what a save writes (the message names
/// the page).
pub struct OnPage {
    new: NewQuestion,
    page: Page,
}

impl Versioned for Question {
    type Id = QuestionId;
    type Input = OnPage;
    type More = ();
    const ENTITY: &'static str = "question";
    const WHAT: &'static str = "question";

    write::row_keys!(QuestionId);
    fn new_fields(q: &OnPage) -> Fields {
        q.new.field_values()
    }
    fn old_fields(&self, _: &OnPage) -> Fields {
        NewQuestion::from(self).field_values()
    }
    async fn read(tx: &mut Tx, id: QuestionId) -> Result<Option<Question>, sqlx::Error> {
        repo::get_in_tx(tx, id.0).await
    }
    async fn insert(
        tx: &mut Tx,
        id: QuestionId,
        hackfest: HackfestId,
        q: &OnPage,
        asked_by: &str,
        at: DateTime<Utc>,
    ) -> Result<Question, sqlx::Error> {
        let page = PageId(q.page.id);
        repo::insert(tx, id, hackfest, page, &q.new, asked_by, at).await
    }
    async fn update(
        tx: &mut Tx,
        id: QuestionId,
        expected_version: i64,
        q: &OnPage,
        at: DateTime<Utc>,
    ) -> Result<Option<Question>, sqlx::Error> {
        repo::update(tx, id, expected_version, &q.new, at).await
    }
    /// `hackfest.question.<event>`: the question, the page it is on, and who asked it.
    fn message<'a>(
        &self,
        q: &OnPage,
        _: &(),
        event: &'static str,
        actor: &'a str,
        at: DateTime<Utc>,
    ) -> Message<'a> {
        let page = &q.page;
        Message::new(
            self.hackfest_id,
            "question",
            self.id,
            event,
            actor,
            self,
            at,
        )
        .users([self.asked_by.as_str()])
        .with(
            "page",
            &serde_json::json!({ "id": page.id, "slug": page.slug, "title": page.title }),
        )
        .page(format!("/pages/{}#q-{}", page.slug, self.id))
    }
}

/// Asks a question on a page of this hackfest; it starts open.
#[tracing::instrument(skip(db, h, form), err(level = "debug"))]
pub async fn ask(
    db: &Db,
    h: &Hackfest,
    page_id: Uuid,
    form: &QuestionForm,
    actor: &str,
) -> Result<Question, DomainError> {
    let mut tx = db.begin().await?;
    let q = ask_in(&mut tx, h, page_id, form, actor).await?;
    tx.commit().await?;
    Ok(rendered_after_commit(db, h, q).await)
}

/// [`ask`] inside the caller's transaction (the demo loads in one).
pub(crate) async fn ask_in(
    tx: &mut Tx,
    h: &Hackfest,
    page_id: Uuid,
    form: &QuestionForm,
    actor: &str,
) -> Result<Question, DomainError> {
    let new = NewQuestion {
        question: form.parse()?,
        answer: String::new(),
        state: QuestionState::Open,
        decision_id: None,
    };
    let page = write::current::<Page>(tx, HackfestId(h.id), PageId(page_id)).await?;
    write::create_in(tx, HackfestId(h.id), &OnPage { new, page }, actor).await
}

/// `change` applied to `current`, with the rule a change must keep: a linked decision
/// is of the same hackfest.
async fn changed(
    tx: &mut Tx,
    h: &Hackfest,
    current: &Question,
    change: impl FnOnce(&mut NewQuestion),
) -> Result<OnPage, DomainError> {
    let mut new = NewQuestion::from(current);
    change(&mut new);
    if let Some(d) = new.decision_id
        && Some(d) != current.decision_id
        && !tx.belongs("decisions", d, h.id).await?
    {
        return Err(FieldErrors::single(
            "decision_id",
            "The decision does not exist in this hackfest.",
        )
        .into());
    }
    let page = write::current::<Page>(tx, HackfestId(h.id), PageId(current.page_id)).await?;
    Ok(OnPage { new, page })
}

/// The question `id` at `expected_version` with `change` applied, saved in a
/// transaction of its own; history and the message are named `action`.
async fn save_change(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    expected_version: i64,
    actor: &str,
    action: &'static str,
    change: impl FnOnce(&mut NewQuestion),
) -> Result<Question, DomainError> {
    let mut w = Update::open(
        db,
        HackfestId(h.id),
        QuestionId(id),
        expected_version,
        async |q: Question| rendered_after_commit(db, h, q).await,
    )
    .await?;
    let (tx, current) = w.parts();
    let new = changed(tx, h, current, change).await?;
    let edit = Edit {
        actor,
        action,
        event: action,
    };
    w.save(&new, edit).await
}

/// Saves the answer; the question becomes answered.
#[tracing::instrument(skip(db, h, form), err(level = "debug"))]
pub async fn answer(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    expected_version: i64,
    form: &AnswerForm,
    actor: &str,
) -> Result<Question, DomainError> {
    let answer = form.parse()?;
    save_change(db, h, id, expected_version, actor, "answer", |q| {
        q.answer = answer;
        q.state = QuestionState::Answered;
    })
    .await
}

/// [`answer`] inside the caller's transaction (the demo loads in one).
pub(crate) async fn answer_in(
    tx: &mut Tx,
    h: &Hackfest,
    q: Question,
    form: &AnswerForm,
    actor: &str,
) -> Result<(), DomainError> {
    let answer = form.parse()?;
    let new = changed(tx, h, &q, |q| {
        q.answer = answer;
        q.state = QuestionState::Answered;
    })
    .await?;
    let edit = Edit {
        actor,
        action: "answer",
        event: "answer",
    };
    let version = q.version;
    write::update_in(tx, q, version, &new, edit).await?;
    Ok(())
}

/// Opens the question again (its answer stays, to be improved).
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn reopen(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    expected_version: i64,
    actor: &str,
) -> Result<Question, DomainError> {
    save_change(db, h, id, expected_version, actor, "reopen", |q| {
        q.state = QuestionState::Open;
    })
    .await
}

/// Points the question to a decision of the same hackfest; blank unlinks.
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn link_decision(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    expected_version: i64,
    decision_id: &str,
    actor: &str,
) -> Result<Question, DomainError> {
    let decision_id = parse_decision(decision_id)?;
    save_change(db, h, id, expected_version, actor, "link", |q| {
        q.decision_id = decision_id;
    })
    .await
}
