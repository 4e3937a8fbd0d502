//! The timetable: `/h/:slug/schedule` (a day's grid of rooms × time, an agenda list
//! at phone width) and `/h/:slug/schedule/now` (now and next, for a room's screen).

pub mod api;
pub mod page;
