use chrono::{NaiveDate, NaiveDateTime};
use domain::session::HackSession;
use domain::view::GoalCard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the room display shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Display {
    /// Now on the hackfest's wall clock.
    pub now: NaiveDateTime,
    /// The day shown: today during the week, else the first day (before) or none (after).
    pub day: Option<NaiveDate>,
    pub sessions: Vec<HackSession>,
    /// The top-level big goals, with rolled-up progress.
    pub goals: Vec<GoalCard>,
}

/// How many big goals the display lists (a projector shows a handful).
pub const DISPLAY_GOALS: usize = 8;

/// Everyone may read it, like the overview: three queries whatever the hackfest holds.
#[server(endpoint = "hackfests/display")]
pub async fn get_display(slug: String) -> Result<Display, AppError> {
    use domain::goal::GoalKind;
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    let h = &s.hackfest;
    let now = chrono::Utc::now()
        .with_timezone(&domain::hackfest::service::tz(h))
        .naive_local();
    let day = if (h.start_date..=h.end_date).contains(&now.date()) {
        Some(now.date())
    } else if now.date() < h.start_date {
        Some(h.start_date)
    } else {
        None
    };
    let sessions = match day {
        Some(d) => domain::read::sessions_on(&s.db, h, d).await?,
        None => Vec::new(),
    };
    let slice = domain::read::goal_slice(&s.db, h.id, None, 0, 0, DISPLAY_GOALS).await?;
    let goals = slice
        .cards
        .into_iter()
        .filter(|c| c.goal.parent_id.is_none() && c.goal.kind == GoalKind::Big)
        .collect();
    Ok(Display {
        now,
        day,
        sessions,
        goals,
    })
}
