//! Summaries of a hackfest's days and of its week: drafted from the record, edited and
//! published by organizers, read by anyone (issue 11).

pub mod api;
pub mod page;
