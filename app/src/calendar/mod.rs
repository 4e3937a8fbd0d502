//! `/h/:slug/calendar`: the hackfest's calendar feeds (iCal, schedule.xml/.json) and,
//! for a signed-in person, their private calendar URL with Create/Rotate and Revoke
//! (plain forms to `POST /h/{slug}/calendar/token`, see server/src/schedule.rs).

pub mod api;
pub mod page;
