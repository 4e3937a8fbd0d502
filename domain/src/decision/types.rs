use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;
use crate::history::Fields;
use crate::session::{join_ids, parse_ids};
use crate::text::{long_text, required_line};

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 50_000;
pub const FOLLOWUP_MAX: usize = 200;
pub const FOLLOWUPS_MAX: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum DecisionStatus {
    Proposed,
    Agreed,
    Rejected,
    Superseded,
}

crate::text_enum!(DecisionStatus, "Status", {
    Proposed => "proposed", "Proposed";
    Agreed => "agreed", "Agreed";
    Rejected => "rejected", "Rejected";
    Superseded => "superseded", "Superseded";
});

impl DecisionStatus {
    /// proposed → agreed | rejected; agreed → superseded. Staying put is always allowed.
    pub fn can_become(self, next: DecisionStatus) -> bool {
        use DecisionStatus::*;
        self == next
            || matches!(
                (self, next),
                (Proposed, Agreed | Rejected) | (Agreed, Superseded)
            )
    }

    /// Where a decision in this status may go next (itself included).
    pub fn choices(self) -> Vec<DecisionStatus> {
        DecisionStatus::ALL
            .iter()
            .copied()
            .filter(|s| self.can_become(*s))
            .collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum FollowUpState {
    Todo,
    Doing,
    Done,
    Skipped,
}

impl FollowUpState {
    /// The box at the start of a checklist line: `[ ]`, `[~]`, `[x]`, `[-]`.
    pub fn mark(self) -> &'static str {
        match self {
            FollowUpState::Todo => "[ ]",
            FollowUpState::Doing => "[~]",
            FollowUpState::Done => "[x]",
            FollowUpState::Skipped => "[-]",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FollowUpState::Todo => "To do",
            FollowUpState::Doing => "In progress",
            FollowUpState::Done => "Done",
            FollowUpState::Skipped => "Not needed",
        }
    }
}

/// One row of a decision's checklist, e.g. one app in "decide app by app".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FollowUp {
    pub label: String,
    pub state: FollowUpState,
}

/// A checklist as text, one row per line: `[x] bodhi — uses BDR now`. A line
/// without a box is "to do". `[~]` is in progress, `[-]` not needed.
pub fn parse_followups(input: &str) -> Result<Vec<FollowUp>, String> {
    let mut out = Vec::new();
    for (n, line) in input.lines().enumerate() {
        let line = line.trim().trim_start_matches(['-', '*']).trim_start();
        if line.is_empty() {
            continue;
        }
        let (state, rest) = match line.get(..3).map(str::to_ascii_lowercase).as_deref() {
            Some("[ ]") => (FollowUpState::Todo, &line[3..]),
            Some("[~]") => (FollowUpState::Doing, &line[3..]),
            Some("[x]") => (FollowUpState::Done, &line[3..]),
            Some("[-]") => (FollowUpState::Skipped, &line[3..]),
            _ if line.starts_with('[') => {
                return Err(format!(
                    "Follow-ups, line {}: start with [ ], [~], [x] or [-].",
                    n + 1
                ));
            }
            _ => (FollowUpState::Todo, line),
        };
        let label = rest.trim();
        if label.is_empty() {
            return Err(format!("Follow-ups, line {}: the row needs a text.", n + 1));
        }
        crate::text::no_controls(label, &format!("Follow-ups, line {}", n + 1), &['\t'])?;
        if out.len() == FOLLOWUPS_MAX {
            return Err(format!("Follow-ups: at most {FOLLOWUPS_MAX} rows."));
        }
        if label.chars().count() > FOLLOWUP_MAX {
            return Err(format!(
                "Follow-ups, line {}: at most {FOLLOWUP_MAX} characters.",
                n + 1
            ));
        }
        out.push(FollowUp {
            label: label.to_owned(),
            state,
        });
    }
    Ok(out)
}

pub fn format_followups(rows: &[FollowUp]) -> String {
    rows.iter()
        .map(|f| format!("{} {}", f.state.mark(), f.label))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A decision as the browser and the API see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Decision {
    pub id: Uuid,
    pub hackfest_id: Uuid,
    pub title: String,
    pub context: String,
    pub decision: String,
    pub status: DecisionStatus,
    pub superseded_by: Option<Uuid>,
    pub session_id: Option<Uuid>,
    #[cfg_attr(feature = "server", sqlx(json))]
    pub goal_ids: Vec<Uuid>,
    #[cfg_attr(feature = "server", sqlx(json))]
    pub followups: Vec<FollowUp>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Sanitised HTML of the context and the decision (rendered on the server).
    #[cfg_attr(feature = "server", sqlx(skip))]
    #[serde(default)]
    pub context_html: String,
    #[cfg_attr(feature = "server", sqlx(skip))]
    #[serde(default)]
    pub decision_html: String,
}

impl Decision {
    pub fn to_form(&self) -> DecisionForm {
        DecisionForm {
            title: self.title.clone(),
            context: self.context.clone(),
            decision: self.decision.clone(),
            status: self.status.as_str().into(),
            superseded_by: self
                .superseded_by
                .map(|i| i.to_string())
                .unwrap_or_default(),
            session_id: self.session_id.map(|i| i.to_string()).unwrap_or_default(),
            goal_ids: join_ids(&self.goal_ids),
            followups: format_followups(&self.followups),
        }
    }
}

impl From<&Decision> for NewDecision {
    fn from(d: &Decision) -> Self {
        NewDecision {
            title: d.title.clone(),
            context: d.context.clone(),
            decision: d.decision.clone(),
            status: d.status,
            superseded_by: d.superseded_by,
            session_id: d.session_id,
            goal_ids: d.goal_ids.clone(),
            followups: d.followups.clone(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DecisionForm {
    pub title: String,
    #[serde(default)]
    pub context: String,
    #[serde(default)]
    pub decision: String,
    pub status: String,
    #[serde(default)]
    pub superseded_by: String,
    #[serde(default)]
    pub session_id: String,
    #[serde(default)]
    pub goal_ids: String,
    #[serde(default)]
    pub followups: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewDecision {
    pub title: String,
    pub context: String,
    pub decision: String,
    pub status: DecisionStatus,
    pub superseded_by: Option<Uuid>,
    pub session_id: Option<Uuid>,
    pub goal_ids: Vec<Uuid>,
    pub followups: Vec<FollowUp>,
}

/// An optional id from a select: blank is none.
pub fn parse_optional_id(input: &str, what: &str) -> Result<Option<Uuid>, String> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(s)
        .map(Some)
        .map_err(|_| format!("{what} is not a valid id."))
}

impl DecisionForm {
    /// Checks each field, and that only a superseded decision names a successor
    /// (and a superseded one always does). Transitions from the stored status are
    /// checked by the service.
    pub fn parse(&self) -> Result<NewDecision, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = e.check("title", required_line(&self.title, "Title", TITLE_MAX));
        let context = e.check("context", long_text(&self.context, "Context", TEXT_MAX));
        let decision = e.check("decision", long_text(&self.decision, "Decision", TEXT_MAX));
        let status = e.check("status", DecisionStatus::parse(&self.status));
        let superseded_by = e.check(
            "superseded_by",
            parse_optional_id(&self.superseded_by, "Superseded by"),
        );
        match (status, superseded_by) {
            (Some(DecisionStatus::Superseded), Some(None)) => e.add(
                "superseded_by",
                "A superseded decision needs the decision that replaces it.",
            ),
            (Some(s), Some(Some(_))) if s != DecisionStatus::Superseded => e.add(
                "superseded_by",
                "Only a superseded decision names a replacement; set the status to superseded or clear this.",
            ),
            _ => {}
        }
        let session_id = e.check("session_id", parse_optional_id(&self.session_id, "Session"));
        let goal_ids = e.check("goal_ids", parse_ids(&self.goal_ids, "Goals"));
        let followups = e.check("followups", parse_followups(&self.followups));
        e.into_result(|| NewDecision {
            title: title.unwrap(),
            context: context.unwrap(),
            decision: decision.unwrap(),
            status: status.unwrap(),
            superseded_by: superseded_by.unwrap(),
            session_id: session_id.unwrap(),
            goal_ids: goal_ids.unwrap(),
            followups: followups.unwrap(),
        })
    }
}

fn opt(id: Option<Uuid>) -> String {
    id.map(|i| i.to_string()).unwrap_or_default()
}

impl NewDecision {
    pub fn field_values(&self) -> Fields {
        vec![
            ("title", self.title.clone()),
            ("context", self.context.clone()),
            ("decision", self.decision.clone()),
            ("status", self.status.to_string()),
            ("superseded_by", opt(self.superseded_by)),
            ("session_id", opt(self.session_id)),
            ("goal_ids", join_ids(&self.goal_ids)),
            ("followups", format_followups(&self.followups)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn form() -> DecisionForm {
        DecisionForm {
            title: "Deploy BDR, then decide app by app".into(),
            context: "Multi-master PostgreSQL.".into(),
            decision: "Deploy BDR in staging first.".into(),
            status: "proposed".into(),
            followups: "[x] bodhi\n- [ ] koji — needs a look\n[~] fas\n[-] wiki".into(),
            ..Default::default()
        }
    }

    #[test]
    fn checklist_round_trips() {
        let d = form().parse().unwrap();
        assert_eq!(d.followups.len(), 4);
        assert_eq!(d.followups[1].label, "koji — needs a look");
        assert_eq!(d.followups[2].state, FollowUpState::Doing);
        assert_eq!(
            parse_followups(&format_followups(&d.followups)).unwrap(),
            d.followups
        );
        assert!(parse_followups("[?] what").unwrap_err().contains("line 1"));
        assert!(
            parse_followups("ok\n[x]   ")
                .unwrap_err()
                .contains("line 2")
        );
    }

    #[test]
    fn transitions() {
        use DecisionStatus::*;
        assert!(Proposed.can_become(Agreed));
        assert!(Proposed.can_become(Rejected));
        assert!(Agreed.can_become(Superseded));
        assert!(!Proposed.can_become(Superseded));
        assert!(!Rejected.can_become(Agreed));
        assert!(!Superseded.can_become(Agreed));
        assert_eq!(Agreed.choices(), vec![Agreed, Superseded]);
    }

    #[test]
    fn superseded_needs_a_successor_and_only_then() {
        let mut f = form();
        f.status = "superseded".into();
        let e = f.parse().unwrap_err();
        assert!(e.get("superseded_by").unwrap().contains("replaces it"));
        f.status = "agreed".into();
        f.superseded_by = Uuid::now_v7().to_string();
        assert!(
            f.parse()
                .unwrap_err()
                .get("superseded_by")
                .unwrap()
                .contains("Only")
        );
    }

    #[test]
    fn every_bad_field_is_reported() {
        let f = DecisionForm {
            title: "".into(),
            context: "c".repeat(TEXT_MAX + 1),
            decision: "d".repeat(TEXT_MAX + 1),
            status: "maybe".into(),
            superseded_by: "x".into(),
            session_id: "y".into(),
            goal_ids: "z".into(),
            followups: "[?]".into(),
        };
        let e = f.parse().unwrap_err();
        for field in [
            "title",
            "context",
            "decision",
            "status",
            "superseded_by",
            "session_id",
            "goal_ids",
            "followups",
        ] {
            assert!(e.get(field).is_some(), "{field}: {e}");
        }
    }

    proptest! {
        #[test]
        fn followups_never_panic(s in "\\PC{0,200}") {
            let _ = parse_followups(&s);
        }
    }
}
