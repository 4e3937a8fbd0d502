use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;
use crate::decision::parse_optional_id;
use crate::history::Fields;
use crate::text::{long_text, optional_line, required_line};

pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 20_000;
pub const OWNER_MAX: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum ActionStatus {
    Open,
    InProgress,
    Blocked,
    Done,
    Dropped,
}

crate::text_enum!(ActionStatus, "Status", {
    Open => "open", "Open";
    InProgress => "in_progress", "In progress";
    Blocked => "blocked", "Blocked";
    Done => "done", "Done";
    Dropped => "dropped", "Dropped";
});

impl ActionStatus {
    /// Still needs doing.
    pub fn is_open(self) -> bool {
        !matches!(self, ActionStatus::Done | ActionStatus::Dropped)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ActionItem {
    pub id: Uuid,
    pub hackfest_id: Uuid,
    pub title: String,
    pub description: String,
    pub owner: String,
    pub due_date: Option<NaiveDate>,
    pub status: ActionStatus,
    pub goal_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
    pub decision_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ActionItem {
    /// Open, with a due date before `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status.is_open() && self.due_date.is_some_and(|d| d < today)
    }

    pub fn to_form(&self) -> ActionForm {
        let opt = |i: Option<Uuid>| i.map(|i| i.to_string()).unwrap_or_default();
        ActionForm {
            title: self.title.clone(),
            description: self.description.clone(),
            owner: self.owner.clone(),
            due_date: self.due_date.map(|d| d.to_string()).unwrap_or_default(),
            status: self.status.as_str().into(),
            goal_id: opt(self.goal_id),
            session_id: opt(self.session_id),
            decision_id: opt(self.decision_id),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ActionForm {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub due_date: String,
    pub status: String,
    #[serde(default)]
    pub goal_id: String,
    #[serde(default)]
    pub session_id: String,
    #[serde(default)]
    pub decision_id: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewAction {
    pub title: String,
    pub description: String,
    pub owner: String,
    pub due_date: Option<NaiveDate>,
    pub status: ActionStatus,
    pub goal_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
    pub decision_id: Option<Uuid>,
}

pub fn parse_due_date(input: &str) -> Result<Option<NaiveDate>, String> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| "Due date must be a date like 2026-11-27.".into())
}

impl ActionForm {
    pub fn parse(&self) -> Result<NewAction, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = e.check("title", required_line(&self.title, "Title", TITLE_MAX));
        let description = e.check(
            "description",
            long_text(&self.description, "Description", DESCRIPTION_MAX),
        );
        let owner = e.check("owner", optional_line(&self.owner, "Owner", OWNER_MAX));
        let due_date = e.check("due_date", parse_due_date(&self.due_date));
        let status = e.check("status", ActionStatus::parse(&self.status));
        let goal_id = e.check("goal_id", parse_optional_id(&self.goal_id, "Goal"));
        let session_id = e.check("session_id", parse_optional_id(&self.session_id, "Session"));
        let decision_id = e.check(
            "decision_id",
            parse_optional_id(&self.decision_id, "Decision"),
        );
        e.into_result(|| NewAction {
            title: title.unwrap(),
            description: description.unwrap(),
            owner: owner.unwrap(),
            due_date: due_date.unwrap(),
            status: status.unwrap(),
            goal_id: goal_id.unwrap(),
            session_id: session_id.unwrap(),
            decision_id: decision_id.unwrap(),
        })
    }
}

impl NewAction {
    pub fn field_values(&self) -> Fields {
        let opt = |i: Option<Uuid>| i.map(|i| i.to_string()).unwrap_or_default();
        vec![
            ("title", self.title.clone()),
            ("description", self.description.clone()),
            ("owner", self.owner.clone()),
            (
                "due_date",
                self.due_date.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("status", self.status.to_string()),
            ("goal_id", opt(self.goal_id)),
            ("session_id", opt(self.session_id)),
            ("decision_id", opt(self.decision_id)),
        ]
    }
}

impl From<&ActionItem> for NewAction {
    fn from(a: &ActionItem) -> Self {
        NewAction {
            title: a.title.clone(),
            description: a.description.clone(),
            owner: a.owner.clone(),
            due_date: a.due_date,
            status: a.status,
            goal_id: a.goal_id,
            session_id: a.session_id,
            decision_id: a.decision_id,
        }
    }
}

/// Filters of the action item list; blank means "any".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActionFilter {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub goal_id: String,
}

impl ActionFilter {
    /// `status` may also be "open_any": every status that still needs doing.
    pub fn matches(&self, a: &ActionItem) -> bool {
        let status = match self.status.as_str() {
            "" => true,
            "open_any" => a.status.is_open(),
            s => a.status.as_str() == s,
        };
        status
            && (self.owner.is_empty() || a.owner.eq_ignore_ascii_case(self.owner.trim()))
            && (self.goal_id.is_empty()
                || a.goal_id.map(|g| g.to_string()).as_deref() == Some(self.goal_id.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ActionForm {
        ActionForm {
            title: "Write the BDR rollout plan".into(),
            owner: "kevin".into(),
            due_date: "2026-11-27".into(),
            status: "open".into(),
            ..Default::default()
        }
    }

    #[test]
    fn valid_and_invalid() {
        let a = form().parse().unwrap();
        assert_eq!(a.due_date, NaiveDate::from_ymd_opt(2026, 11, 27));
        let f = ActionForm {
            title: " ".into(),
            description: "d".repeat(DESCRIPTION_MAX + 1),
            owner: "o".repeat(OWNER_MAX + 1),
            due_date: "Friday".into(),
            status: "finished".into(),
            goal_id: "g".into(),
            session_id: "s".into(),
            decision_id: "d".into(),
        };
        let e = f.parse().unwrap_err();
        for field in [
            "title",
            "description",
            "owner",
            "due_date",
            "status",
            "goal_id",
            "session_id",
            "decision_id",
        ] {
            assert!(e.get(field).is_some(), "{field}: {e}");
        }
    }

    #[test]
    fn overdue_only_when_open_and_past_due() {
        let mut a = ActionItem {
            id: Uuid::now_v7(),
            hackfest_id: Uuid::now_v7(),
            title: "t".into(),
            description: String::new(),
            owner: "kevin".into(),
            due_date: NaiveDate::from_ymd_opt(2026, 11, 20),
            status: ActionStatus::Open,
            goal_id: None,
            session_id: None,
            decision_id: None,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert!(a.is_overdue(today));
        a.status = ActionStatus::Done;
        assert!(!a.is_overdue(today));
        a.status = ActionStatus::Blocked;
        a.due_date = Some(today);
        assert!(!a.is_overdue(today));
        let f = ActionFilter {
            status: "open_any".into(),
            owner: "KEVIN".into(),
            goal_id: String::new(),
        };
        assert!(f.matches(&a));
    }
}
