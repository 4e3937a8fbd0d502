//! Meetings that feed the record (issue 15): MeetBot logs and minutes read into
//! decisions, action items and notes. [`minutes`] reads the text; it needs no database.

pub mod minutes;
#[cfg(feature = "server")]
pub mod service;
pub mod types;
