//! Questions on wiki pages: asked, answered, reopened, linked to a decision.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;
use crate::decision::parse_optional_id;
use crate::history::Fields;
use crate::text::long_text;

pub const QUESTION_MAX: usize = 2_000;
pub const ANSWER_MAX: usize = 20_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionState {
    Open,
    Answered,
}

crate::text_enum!(QuestionState, "State", {
    Open => "open", "Open";
    Answered => "answered", "Answered";
});

/// A question on a page, and its answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
pub struct Question {
    pub id: Uuid,
    pub hackfest_id: Uuid,
    pub page_id: Uuid,
    pub question: String,
    pub answer: String,
    pub state: QuestionState,
    pub decision_id: Option<Uuid>,
    pub asked_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Sanitised HTML of the answer (rendered on the server).
    #[cfg_attr(feature = "server", sqlx(skip))]
    #[serde(default)]
    pub answer_html: String,
}

/// A question as typed in.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionForm {
    pub question: String,
}

/// An answer as typed in (Markdown).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AnswerForm {
    pub answer: String,
}

/// A question's stored values; what history compares.
#[derive(Clone, Debug, PartialEq)]
pub struct NewQuestion {
    pub question: String,
    pub answer: String,
    pub state: QuestionState,
    pub decision_id: Option<Uuid>,
}

/// Required multi-line text (trailing whitespace trimmed).
fn required_text(input: &str, what: &str, max: usize) -> Result<String, String> {
    if input.trim().is_empty() {
        return Err(format!("{what} is required."));
    }
    long_text(input.trim_start(), what, max)
}

impl QuestionForm {
    pub fn parse(&self) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::new();
        let q = e.check(
            "question",
            required_text(&self.question, "Question", QUESTION_MAX),
        );
        e.into_result(|| q.unwrap())
    }
}

impl AnswerForm {
    pub fn parse(&self) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::new();
        let a = e.check("answer", required_text(&self.answer, "Answer", ANSWER_MAX));
        e.into_result(|| a.unwrap())
    }
}

/// The decision a question points to, from a select: blank unlinks.
pub fn parse_decision(input: &str) -> Result<Option<Uuid>, FieldErrors> {
    let mut e = FieldErrors::new();
    let d = e.check("decision_id", parse_optional_id(input, "Decision"));
    e.into_result(|| d.unwrap())
}

impl NewQuestion {
    pub fn field_values(&self) -> Fields {
        vec![
            ("question", self.question.clone()),
            ("answer", self.answer.clone()),
            ("state", self.state.to_string()),
            (
                "decision_id",
                self.decision_id.map(|d| d.to_string()).unwrap_or_default(),
            ),
        ]
    }
}

impl From<&Question> for NewQuestion {
    fn from(q: &Question) -> Self {
        NewQuestion {
            question: q.question.clone(),
            answer: q.answer.clone(),
            state: q.state,
            decision_id: q.decision_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_and_answers_are_required() {
        assert!(
            QuestionForm {
                question: "  ".into()
            }
            .parse()
            .unwrap_err()
            .get("question")
            .is_some()
        );
        assert_eq!(
            QuestionForm {
                question: " Where are the logs?\n".into()
            }
            .parse()
            .unwrap(),
            "Where are the logs?"
        );
        assert!(
            AnswerForm { answer: "".into() }
                .parse()
                .unwrap_err()
                .get("answer")
                .is_some()
        );
        assert!(
            AnswerForm {
                answer: "a".repeat(ANSWER_MAX + 1)
            }
            .parse()
            .is_err()
        );
        assert!(
            parse_decision("nope")
                .unwrap_err()
                .get("decision_id")
                .is_some()
        );
        assert_eq!(parse_decision(" ").unwrap(), None);
    }
}
