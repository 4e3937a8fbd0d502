use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::hackfest::scope::Scope;

/// What the calendar page shows: the public URL the feeds are under, the hackfest's
/// rooms (each has a feed), and whether the viewer is signed in and has a private URL
/// (only when it was made: the URL itself is shown once, when created).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalendarPage {
    pub base_url: String,
    pub rooms: Vec<(Uuid, String)>,
    pub signed_in: bool,
    pub token_created_at: Option<DateTime<Utc>>,
    /// The same on the hackfest's wall clock, and that clock's zone.
    pub token_created_local: Option<chrono::NaiveDateTime>,
    pub time_zone: String,
}

#[server(endpoint = "calendar/page")]
pub async fn get_calendar_page(slug: String) -> Result<CalendarPage, AppError> {
    let s = Scope::of(&slug).await?;
    let st = crate::state::app_state()?;
    let rooms = domain::room::service::list(&s.db, s.hackfest.id)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let token_created_at = match s.viewer.user.as_ref() {
        Some(u) => domain::schedule::token::created_at(&s.db, s.hackfest.id, u.id).await?,
        None => None,
    };
    let tz = domain::hackfest::service::tz(&s.hackfest);
    Ok(CalendarPage {
        base_url: st.public_url.trim_end_matches('/').to_owned(),
        rooms,
        signed_in: s.viewer.signed_in(),
        token_created_at,
        token_created_local: token_created_at.map(|t| t.with_timezone(&tz).naive_local()),
        time_zone: s.hackfest.time_zone.clone(),
    })
}
