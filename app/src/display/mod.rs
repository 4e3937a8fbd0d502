//! `/h/:slug/display`: the room display for the projector (issue 14 item 8). Large
//! type, high contrast, the clock, today's sessions (what runs now marked) and the big
//! goals with their progress. It keeps itself current: with JavaScript through live
//! updates and a fetch every minute, without through a `<noscript>` refresh.

pub mod api;
pub mod page;
