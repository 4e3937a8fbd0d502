use domain::timetable::{Day, NowNext};
use leptos::prelude::*;
use uuid::Uuid;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::hackfest::scope::Scope;

/// The day a timetable shows: `day` (`YYYY-MM-DD`, a 422 on `day` otherwise), or
/// without one today if the hackfest is on, else its first day.
#[cfg(feature = "ssr")]
fn chosen_day(
    h: &domain::hackfest::Hackfest,
    day: Option<String>,
) -> Result<chrono::NaiveDate, AppError> {
    match day.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            domain::DomainError::Validation(domain::FieldErrors::single(
                "day",
                "Give the day as YYYY-MM-DD.",
            ))
            .into()
        }),
        None => {
            let today = domain::hackfest::service::today(h);
            Ok(if (h.start_date..=h.end_date).contains(&today) {
                today
            } else {
                h.start_date
            })
        }
    }
}

/// One day of the timetable. Everyone may read it; a day outside the hackfest is a 404.
#[server(endpoint = "schedule/day")]
pub async fn schedule_day(slug: String, day: Option<String>) -> Result<Day, AppError> {
    let s = Scope::of(&slug).await?;
    let on = chosen_day(&s.hackfest, day)?;
    Ok(domain::timetable::load(&s.db, &s.hackfest, on).await?)
}

/// Now and next in every room (or in `room` only: another hackfest's room is a 404),
/// on the hackfest's wall clock.
#[server(endpoint = "schedule/now")]
pub async fn schedule_now(slug: String, room: Option<Uuid>) -> Result<NowNext, AppError> {
    let s = Scope::of(&slug).await?;
    let h = &s.hackfest;
    let now = chrono::Utc::now()
        .with_timezone(&domain::hackfest::service::tz(h))
        .naive_local();
    let on = now.date().clamp(h.start_date, h.end_date);
    let rooms = domain::room::repo::list_for_hackfest(&s.db, h.id)
        .await
        .map_err(domain::DomainError::from)?;
    let mut day = domain::timetable::load_with(&s.db, h, on, &rooms).await?;
    if let Some(room) = room {
        day.columns.retain(|c| c.room_id == Some(room));
        if day.columns.is_empty() {
            // No column: not a room of this hackfest (a room of it always has one).
            return Err(domain::DomainError::NotFound("room").into());
        }
    }
    let mut shown = domain::timetable::now_next(&day, now);
    // After a room's last session of the day, its next is the following day's first.
    if shown.rooms.iter().any(|r| r.next.is_none())
        && let Some(tomorrow) = on.succ_opt().filter(|d| *d <= h.end_date)
    {
        let later = domain::timetable::load_with(&s.db, h, tomorrow, &rooms).await?;
        domain::timetable::next_from(&mut shown, &later);
    }
    Ok(shown)
}
