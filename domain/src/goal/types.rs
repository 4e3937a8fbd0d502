use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;
use crate::text::{long_text, optional_line, required_line};

pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 20_000;
pub const OWNER_MAX: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum GoalKind {
    Big,
    Small,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum GoalStatus {
    Proposed,
    Active,
    Done,
    Dropped,
}

crate::text_enum!(GoalKind, "Kind", { Big => "big", "Big goal"; Small => "small", "Small goal"; });
crate::text_enum!(GoalStatus, "Status", {
    Proposed => "proposed", "Proposed";
    Active => "active", "Active";
    Done => "done", "Done";
    Dropped => "dropped", "Dropped";
});

/// Percent complete, 0–100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress(u8);

impl Progress {
    pub fn parse(input: &str) -> Result<Progress, String> {
        let s = input.trim().trim_end_matches('%').trim();
        if s.is_empty() {
            return Ok(Progress(0));
        }
        match s.parse::<i64>() {
            Ok(n) if (0..=100).contains(&n) => Ok(Progress(n as u8)),
            Ok(_) => Err("Progress must be between 0 and 100.".into()),
            Err(_) => Err("Progress must be a whole number between 0 and 100.".into()),
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

/// A goal as the browser and the API see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Goal {
    pub id: Uuid,
    pub hackfest_id: Uuid,
    pub title: String,
    pub description: String,
    pub kind: GoalKind,
    pub parent_id: Option<Uuid>,
    pub status: GoalStatus,
    pub progress: u8,
    pub owner: String,
    /// What came of it (Markdown), written when the goal is done or dropped.
    #[serde(default)]
    pub outcome: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Sanitised HTML of the outcome (rendered on the server).
    #[serde(default)]
    pub outcome_html: String,
}

impl Goal {
    /// The form, filled with this goal's values.
    pub fn to_form(&self) -> GoalForm {
        GoalForm {
            title: self.title.clone(),
            description: self.description.clone(),
            kind: self.kind.as_str().into(),
            parent_id: self.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            status: self.status.as_str().into(),
            progress: self.progress.to_string(),
            owner: self.owner.clone(),
            outcome: self.outcome.clone(),
        }
    }
}

/// Raw input, as typed into the goal form.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GoalForm {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub kind: String,
    #[serde(default)]
    pub parent_id: String,
    pub status: String,
    #[serde(default)]
    pub progress: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub outcome: String,
}

/// Parsed, valid goal fields. Rules that need the database (the parent exists, in the
/// same hackfest, without a cycle) are checked by the service.
#[derive(Clone, Debug, PartialEq)]
pub struct NewGoal {
    pub title: String,
    pub description: String,
    pub kind: GoalKind,
    pub parent_id: Option<Uuid>,
    pub status: GoalStatus,
    pub progress: Progress,
    pub owner: String,
    pub outcome: String,
}

pub fn parse_parent(input: &str) -> Result<Option<Uuid>, String> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(s)
        .map(Some)
        .map_err(|_| "Parent goal is not a valid goal id.".into())
}

impl GoalForm {
    pub fn parse(&self) -> Result<NewGoal, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = e.check("title", required_line(&self.title, "Title", TITLE_MAX));
        let description = e.check(
            "description",
            long_text(&self.description, "Description", DESCRIPTION_MAX),
        );
        let kind = e.check("kind", GoalKind::parse(&self.kind));
        let parent_id = e.check("parent_id", parse_parent(&self.parent_id));
        let status = e.check("status", GoalStatus::parse(&self.status));
        let progress = e.check("progress", Progress::parse(&self.progress));
        let owner = e.check("owner", optional_line(&self.owner, "Owner", OWNER_MAX));
        let outcome = e.check(
            "outcome",
            long_text(&self.outcome, "Outcome", DESCRIPTION_MAX),
        );
        e.into_result(|| NewGoal {
            title: title.unwrap(),
            description: description.unwrap(),
            kind: kind.unwrap(),
            parent_id: parent_id.unwrap(),
            status: status.unwrap(),
            progress: progress.unwrap(),
            owner: owner.unwrap(),
            outcome: outcome.unwrap(),
        })
    }
}

impl NewGoal {
    /// Every field as text, in form order: what history and the conflict view show.
    pub fn field_values(&self) -> [(&'static str, String); 8] {
        [
            ("title", self.title.clone()),
            ("description", self.description.clone()),
            ("kind", self.kind.to_string()),
            (
                "parent_id",
                self.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            ),
            ("status", self.status.to_string()),
            ("progress", self.progress.value().to_string()),
            ("owner", self.owner.clone()),
            ("outcome", self.outcome.clone()),
        ]
    }
}

/// Field-by-field difference between two goals: (field, old, new) for each change.
pub fn changed_fields(old: &NewGoal, new: &NewGoal) -> Vec<(&'static str, String, String)> {
    old.field_values()
        .into_iter()
        .zip(new.field_values())
        .filter(|((_, a), (_, b))| a != b)
        .map(|((f, a), (_, b))| (f, a, b))
        .collect()
}

impl From<&Goal> for NewGoal {
    fn from(g: &Goal) -> Self {
        NewGoal {
            title: g.title.clone(),
            description: g.description.clone(),
            kind: g.kind,
            parent_id: g.parent_id,
            status: g.status,
            progress: Progress(g.progress.min(100)),
            owner: g.owner.clone(),
            outcome: g.outcome.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn form() -> GoalForm {
        GoalForm {
            title: "Plan the datacenter move".into(),
            description: "Which racks go first.".into(),
            kind: "small".into(),
            parent_id: String::new(),
            status: "proposed".into(),
            progress: "10".into(),
            owner: "kevin".into(),
            outcome: String::new(),
        }
    }

    #[test]
    fn valid_form_parses() {
        let g = form().parse().unwrap();
        assert_eq!(g.kind, GoalKind::Small);
        assert_eq!(g.progress.value(), 10);
        assert_eq!(g.parent_id, None);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let f = GoalForm {
            title: "".into(),
            description: "x".repeat(DESCRIPTION_MAX + 1),
            kind: "huge".into(),
            parent_id: "not-a-uuid".into(),
            status: "finished".into(),
            progress: "101".into(),
            owner: "o".repeat(OWNER_MAX + 1),
            outcome: "x".repeat(DESCRIPTION_MAX + 1),
        };
        let e = f.parse().unwrap_err();
        for field in [
            "title",
            "description",
            "kind",
            "parent_id",
            "status",
            "progress",
            "owner",
            "outcome",
        ] {
            assert!(e.get(field).is_some(), "{field} should have an error: {e}");
        }
        assert!(e.get("kind").unwrap().contains("big, small"));
    }

    #[test]
    fn progress_accepts_percent_and_blank() {
        assert_eq!(Progress::parse("").unwrap().value(), 0);
        assert_eq!(Progress::parse(" 55 %").unwrap().value(), 55);
        assert!(Progress::parse("-1").is_err());
        assert!(Progress::parse("1.5").is_err());
    }

    #[test]
    fn round_trip_through_form() {
        let g = Goal {
            id: Uuid::now_v7(),
            hackfest_id: Uuid::now_v7(),
            title: "T".into(),
            description: "".into(),
            kind: GoalKind::Big,
            parent_id: Some(Uuid::now_v7()),
            status: GoalStatus::Active,
            progress: 40,
            owner: "".into(),
            outcome: "It works.".into(),
            version: 3,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            outcome_html: String::new(),
        };
        assert_eq!(g.to_form().parse().unwrap(), NewGoal::from(&g));
    }

    #[test]
    fn changed_fields_lists_only_changes() {
        let a = form().parse().unwrap();
        let mut b = a.clone();
        b.status = GoalStatus::Done;
        assert_eq!(
            changed_fields(&a, &b),
            vec![("status", "proposed".into(), "done".into())]
        );
    }

    proptest! {
        #[test]
        fn progress_parse_never_panics(s in ".*") {
            let _ = Progress::parse(&s);
        }

        #[test]
        fn progress_in_range_round_trips(n in 0u8..=100) {
            prop_assert_eq!(Progress::parse(&n.to_string()).unwrap().value(), n);
        }

        #[test]
        fn kind_and_status_round_trip(i in 0usize..4) {
            let s = GoalStatus::ALL[i];
            prop_assert_eq!(GoalStatus::parse(s.as_str()).unwrap(), s);
        }

        #[test]
        fn parse_never_panics(title in ".{0,300}", progress in ".{0,5}") {
            let mut f = form();
            f.title = title;
            f.progress = progress;
            let _ = f.parse();
        }
    }
}

/// The most levels a goal tree may have: a top-level goal and seven levels of
/// sub-goals. A real plan rarely needs more than three or four; the limit keeps the
/// tree readable and every walk over it short.
pub const MAX_DEPTH: usize = 8;

/// Progress that rolls up the goal tree: a goal with sub-goals shows the mean of its
/// sub-goals' rolled-up progress (dropped ones left out, done ones counting 100%);
/// a goal without (live) sub-goals shows its own progress (100% once done).
/// Cycles, which the service never lets in, stop at the goal seen again.
/// Iterative (an explicit stack), so a chain of any depth cannot overflow the stack.
pub fn rolled_up_progress(goals: &[Goal]) -> std::collections::HashMap<Uuid, u8> {
    use std::collections::{HashMap, HashSet};
    let own = |g: &Goal| {
        if g.status == GoalStatus::Done {
            100
        } else {
            g.progress.min(100)
        }
    };
    let mut children: HashMap<Uuid, Vec<&Goal>> = HashMap::new();
    for g in goals {
        if let Some(p) = g.parent_id {
            children.entry(p).or_default().push(g);
        }
    }
    let live = |g: &Goal| -> Vec<&Goal> {
        children.get(&g.id).map_or_else(Vec::new, |cs| {
            cs.iter()
                .copied()
                .filter(|c| c.status != GoalStatus::Dropped)
                .collect()
        })
    };
    let mut out: HashMap<Uuid, u8> = HashMap::new();
    // Goals whose sub-goals are being rolled up: one met again closes a cycle.
    let mut open: HashSet<Uuid> = HashSet::new();
    for start in goals {
        // (goal, whether its sub-goals are already on the stack)
        let mut stack = vec![(start, false)];
        while let Some((g, expanded)) = stack.pop() {
            if out.contains_key(&g.id) {
                continue;
            }
            if !expanded {
                if !open.insert(g.id) {
                    continue;
                }
                stack.push((g, true));
                for c in live(g) {
                    if !out.contains_key(&c.id) && !open.contains(&c.id) {
                        stack.push((c, false));
                    }
                }
                continue;
            }
            open.remove(&g.id);
            let values: Vec<u32> = live(g)
                .into_iter()
                .map(|c| u32::from(out.get(&c.id).copied().unwrap_or_else(|| own(c))))
                .collect();
            let value = if values.is_empty() {
                own(g)
            } else {
                (values.iter().sum::<u32>() as f64 / values.len() as f64).round() as u8
            };
            out.insert(g.id, value);
        }
    }
    out
}

#[cfg(test)]
mod rollup_tests {
    use super::*;

    fn goal(progress: u8, status: GoalStatus, parent: Option<Uuid>) -> Goal {
        Goal {
            id: Uuid::now_v7(),
            hackfest_id: Uuid::nil(),
            title: "g".into(),
            description: String::new(),
            kind: GoalKind::Small,
            parent_id: parent,
            status,
            progress,
            owner: String::new(),
            outcome: String::new(),
            version: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            outcome_html: String::new(),
        }
    }

    #[test]
    fn progress_rolls_up_through_levels() {
        let root = goal(0, GoalStatus::Active, None);
        let a = goal(50, GoalStatus::Active, Some(root.id));
        let b = goal(10, GoalStatus::Done, Some(root.id));
        let dropped = goal(0, GoalStatus::Dropped, Some(root.id));
        let a1 = goal(20, GoalStatus::Active, Some(a.id));
        let a2 = goal(80, GoalStatus::Active, Some(a.id));
        let all = vec![
            root.clone(),
            a.clone(),
            b.clone(),
            dropped.clone(),
            a1.clone(),
            a2.clone(),
        ];
        let r = rolled_up_progress(&all);
        assert_eq!(r[&a.id], 50, "mean of 20 and 80");
        assert_eq!(r[&b.id], 100, "done counts 100");
        assert_eq!(
            r[&root.id], 75,
            "mean of 50 and 100; the dropped one is left out"
        );
        assert_eq!(r[&dropped.id], 0);
        assert_eq!(r[&a1.id], 20);
    }

    /// Iterative, not recursive: a 10,000-deep chain (only an old or hand-edited
    /// database can hold one) rolls up on a thread with a 256 KiB stack.
    #[test]
    fn a_deep_chain_rolls_up_on_a_small_stack() {
        let worker = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                let mut goals = vec![goal(10, GoalStatus::Active, None)];
                for _ in 1..10_000 {
                    let parent = goals.last().unwrap().id;
                    goals.push(goal(50, GoalStatus::Active, Some(parent)));
                }
                let r = rolled_up_progress(&goals);
                (r.len(), r[&goals[0].id], r[&goals[9_999].id])
            })
            .unwrap();
        let (n, top, leaf) = worker.join().expect("no stack overflow");
        assert_eq!((n, top, leaf), (10_000, 50, 50));
    }

    #[test]
    fn a_cycle_in_the_data_does_not_hang() {
        let mut x = goal(30, GoalStatus::Active, None);
        let y = goal(60, GoalStatus::Active, Some(x.id));
        x.parent_id = Some(y.id);
        let r = rolled_up_progress(&[x.clone(), y.clone()]);
        assert!(r.contains_key(&x.id) && r.contains_key(&y.id));
    }
}

pub const NOTE_MAX: usize = 5_000;

/// One entry of a goal's progress timeline: who said what, when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
pub struct GoalNote {
    pub id: Uuid,
    pub goal_id: Uuid,
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// Sanitised HTML of the body (rendered on the server).
    #[cfg_attr(feature = "server", sqlx(skip))]
    #[serde(default)]
    pub body_html: String,
    /// `created_at` on the hackfest's wall clock (set for pages).
    #[cfg_attr(feature = "server", sqlx(skip))]
    #[serde(default)]
    pub created_local: Option<chrono::NaiveDateTime>,
}

/// A progress note: Markdown, not blank.
pub fn parse_note(input: &str) -> Result<String, String> {
    let t = long_text(input, "Note", NOTE_MAX)?;
    if t.trim().is_empty() {
        return Err("Note is empty: write what happened.".into());
    }
    Ok(t)
}
