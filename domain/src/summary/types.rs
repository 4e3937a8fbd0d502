use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;
use crate::text::{long_text, required_line};

/// A day's title is "Monday, 23 March 2026 — " and the hackfest's (at most 200).
pub const TITLE_MAX: usize = 300;
/// The same limit as every Markdown text (`markdown::MAX_CHARS`, server-only).
pub const BODY_MAX: usize = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SummaryStatus {
    /// Only the hackfest's members see it.
    Draft,
    /// Its published revision is public (later edits are not, until published again).
    Published,
}

crate::text_enum!(SummaryStatus, "Status", {
    Draft => "draft", "Draft";
    Published => "published", "Published";
});

/// A daily summary (`day` set) or the event summary (`day` None) of a hackfest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
pub struct Summary {
    pub id: Uuid,
    pub hackfest_id: Uuid,
    pub day: Option<NaiveDate>,
    pub title: String,
    /// The organizers' working text (Markdown).
    pub body: String,
    /// What the last generation produced: regenerating compares with it to keep edits.
    pub generated: String,
    pub status: SummaryStatus,
    /// The revision the body is at now.
    pub revision: i64,
    /// The revision the public sees (None until first published).
    pub published_revision: Option<i64>,
    pub published_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

impl Summary {
    pub fn to_form(&self) -> SummaryForm {
        SummaryForm {
            title: self.title.clone(),
            body: self.body.clone(),
        }
    }

    /// Edited since it was last published (or never published).
    pub fn unpublished_changes(&self) -> bool {
        self.published_revision != Some(self.revision)
    }
}

/// The summary's page below the site: `/h/{slug}/summary/2026-03-23`, or
/// `/h/{slug}/summary` for the event summary.
pub fn path(hackfest_slug: &str, day: Option<NaiveDate>) -> String {
    match day {
        Some(d) => format!("/h/{hackfest_slug}/summary/{d}"),
        None => format!("/h/{hackfest_slug}/summary"),
    }
}

/// Raw input of the summary editor.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SummaryForm {
    pub title: String,
    #[serde(default)]
    pub body: String,
}

/// Parsed editor input.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryText {
    pub title: String,
    pub body: String,
}

impl SummaryForm {
    pub fn parse(&self) -> Result<SummaryText, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = e.check("title", required_line(&self.title, "Title", TITLE_MAX));
        let body = e.check("body", long_text(&self.body, "Body", BODY_MAX));
        match (title, body) {
            (Some(title), Some(body)) if e.is_empty() => Ok(SummaryText { title, body }),
            _ => Err(e),
        }
    }
}

/// A published summary as the public sees it: the text of its published revision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Published {
    pub id: Uuid,
    pub hackfest_id: Uuid,
    pub day: Option<NaiveDate>,
    pub title: String,
    pub revision: i64,
    /// The published revision rendered and sanitised.
    pub body_html: String,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What [`generate`](crate::summary::service::generate) made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Generated {
    pub summary: Summary,
    /// Per section the organizers edited: (its `## ` heading, the lines regeneration
    /// would have added). Their text was kept; the UI offers these lines.
    pub additions: Vec<(String, Vec<String>)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_rules() {
        let f = SummaryForm {
            title: " Monday ".into(),
            body: "## Sessions held\r\n- a\r\n".into(),
        };
        let t = f.parse().unwrap();
        assert_eq!(t.title, "Monday");
        assert_eq!(t.body, "## Sessions held\n- a");
        let e = SummaryForm {
            title: String::new(),
            body: "x".repeat(BODY_MAX + 1),
        }
        .parse()
        .unwrap_err();
        assert_eq!(e.get("title"), Some("Title is required."));
        assert!(e.get("body").unwrap().contains("at most 100000"), "{e}");
    }

    #[test]
    fn paths() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 23);
        assert_eq!(path("ci", d), "/h/ci/summary/2026-03-23");
        assert_eq!(path("ci", None), "/h/ci/summary");
    }
}
