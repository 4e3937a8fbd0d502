use domain::action::ActionItem;
use domain::decision::Decision;
use domain::hackfest::Hackfest;
use domain::session::HackSession;
use domain::user::Role;
use domain::view::{Counts, GoalSlice};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[server(endpoint = "hackfests/list")]
pub async fn list_hackfests() -> Result<Vec<Hackfest>, AppError> {
    let st = crate::state::app_state()?;
    Ok(domain::hackfest::service::list(&st.db).await?)
}

#[server(endpoint = "hackfests/create")]
pub async fn create_hackfest(form: domain::hackfest::HackfestForm) -> Result<Hackfest, AppError> {
    let viewer = crate::auth::viewer();
    if !viewer.can_create_hackfest() {
        return Err(crate::auth::deny(&viewer));
    }
    let st = crate::state::app_state()?;
    // The creator becomes its first organizer in the same transaction.
    let (actor, organizer) = match &viewer.user {
        Some(u) => (u.username.as_str(), Some(u.id)),
        None => (domain::hackfest::service::SYSTEM, None),
    };
    Ok(domain::hackfest::service::create_by(&st.db, &form, actor, organizer).await?)
}

/// What every page of a hackfest shows around its own data: loaded once by the
/// `/h/:slug` parent route and provided to its pages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HackfestScope {
    pub hackfest: Hackfest,
    pub role: Role,
    /// Today on the hackfest's wall clock: what "today's sessions" and "overdue" mean.
    pub today: chrono::NaiveDate,
}

#[server(endpoint = "hackfests/get")]
pub async fn get_hackfest(slug: String) -> Result<HackfestScope, AppError> {
    Ok(super::scope::Scope::of(&slug).await?.view())
}

/// What the overview shows, and nothing more: a bounded part of the goal tree,
/// one day's sessions, the newest decisions, the first open action items, counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub goals: GoalSlice,
    /// The day whose sessions are shown: today during the week, the first day before it.
    pub day: Option<chrono::NaiveDate>,
    pub sessions: Vec<HackSession>,
    pub decisions: Vec<Decision>,
    pub actions: Vec<ActionItem>,
    pub counts: Counts,
}

/// How many decisions and open action items the overview lists.
pub const OVERVIEW_DECISIONS: i64 = 5;
pub const OVERVIEW_ACTIONS: i64 = 8;

/// One section of the overview, fetched alone when a change concerns it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum OverviewPart {
    Goals(GoalSlice),
    Sessions(Vec<HackSession>),
    Decisions(Vec<Decision>),
    Actions(Vec<ActionItem>),
}

impl OverviewPart {
    /// The section that shows objects of `topic` (`hackfest.goal.update` → "goals").
    pub fn for_topic(topic: &str) -> Option<&'static str> {
        [
            ("hackfest.goal.", "goals"),
            ("hackfest.session.", "sessions"),
            ("hackfest.decision.", "decisions"),
            ("hackfest.action_item.", "actions"),
        ]
        .into_iter()
        .find(|(t, _)| topic.starts_with(t))
        .map(|(_, p)| p)
    }
}

#[cfg(feature = "ssr")]
fn overview_day(h: &Hackfest) -> Option<chrono::NaiveDate> {
    let today = domain::hackfest::service::today(h);
    if (h.start_date..=h.end_date).contains(&today) {
        Some(today)
    } else if today < h.start_date {
        Some(h.start_date)
    } else {
        None
    }
}

#[cfg(feature = "ssr")]
async fn overview_part(s: &super::scope::Scope, part: &str) -> Result<OverviewPart, AppError> {
    use domain::read;
    let (db, h) = (&s.db, &s.hackfest);
    Ok(match part {
        "goals" => OverviewPart::Goals(
            read::goal_slice(
                db,
                h.id,
                None,
                read::OVERVIEW_SUB_GOALS,
                read::OVERVIEW_SMALL_GOALS,
                read::OVERVIEW_GOALS_MAX,
            )
            .await?,
        ),
        "sessions" => OverviewPart::Sessions(match overview_day(h) {
            Some(d) => read::sessions_on(db, h, d).await?,
            None => Vec::new(),
        }),
        "decisions" => {
            OverviewPart::Decisions(read::decisions_recent(db, h.id, OVERVIEW_DECISIONS).await?)
        }
        "actions" => OverviewPart::Actions(read::actions_open(db, h.id, OVERVIEW_ACTIONS).await?),
        other => {
            let e = AppError::Validation(domain::FieldErrors::single(
                "part",
                format!(
                    "\"{}\" is not a part of the overview: goals, sessions, decisions or actions.",
                    domain::text::shown(other)
                ),
            ));
            e.set_response_status();
            return Err(e);
        }
    })
}

/// One section of the overview and the counts (a live overview's update).
#[server(endpoint = "hackfests/part")]
pub async fn get_overview_part(
    slug: String,
    part: String,
) -> Result<(OverviewPart, Counts), AppError> {
    let s = super::scope::Scope::of(&slug).await?;
    Ok((
        overview_part(&s, &part).await?,
        domain::read::counts(&s.db, s.hackfest.id).await?,
    ))
}

#[server(endpoint = "hackfests/overview")]
pub async fn get_overview(slug: String) -> Result<Overview, AppError> {
    let s = super::scope::Scope::of(&slug).await?;
    let mut o = Overview {
        goals: GoalSlice::default(),
        day: overview_day(&s.hackfest),
        sessions: Vec::new(),
        decisions: Vec::new(),
        actions: Vec::new(),
        counts: domain::read::counts(&s.db, s.hackfest.id).await?,
    };
    for part in ["goals", "sessions", "decisions", "actions"] {
        match overview_part(&s, part).await? {
            OverviewPart::Goals(g) => o.goals = g,
            OverviewPart::Sessions(x) => o.sessions = x,
            OverviewPart::Decisions(x) => o.decisions = x,
            OverviewPart::Actions(x) => o.actions = x,
        }
    }
    Ok(o)
}
