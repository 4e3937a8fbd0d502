use domain::question::{AnswerForm, Question, QuestionForm};
use leptos::prelude::*;
use uuid::Uuid;

use crate::error::AppError;

#[server(endpoint = "pages/questions/ask")]
pub async fn ask_question(
    slug: String,
    page_id: Uuid,
    form: QuestionForm,
) -> Result<Question, AppError> {
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    let actor = s.editor()?;
    Ok(domain::question::service::ask(&s.db, &s.hackfest, page_id, &form, &actor).await?)
}

#[server(endpoint = "pages/questions/answer")]
pub async fn answer_question(
    slug: String,
    id: Uuid,
    version: i64,
    form: AnswerForm,
) -> Result<Question, AppError> {
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    let actor = s.editor()?;
    Ok(domain::question::service::answer(&s.db, &s.hackfest, id, version, &form, &actor).await?)
}

#[server(endpoint = "pages/questions/reopen")]
pub async fn reopen_question(slug: String, id: Uuid, version: i64) -> Result<Question, AppError> {
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    let actor = s.editor()?;
    Ok(domain::question::service::reopen(&s.db, &s.hackfest, id, version, &actor).await?)
}

/// Links the question to a decision of the hackfest; a blank `decision_id` unlinks.
#[server(endpoint = "pages/questions/link")]
pub async fn link_question(
    slug: String,
    id: Uuid,
    version: i64,
    decision_id: String,
) -> Result<Question, AppError> {
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    let actor = s.editor()?;
    Ok(domain::question::service::link_decision(
        &s.db,
        &s.hackfest,
        id,
        version,
        &decision_id,
        &actor,
    )
    .await?)
}
