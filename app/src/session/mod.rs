//! Sessions: list by day, detail, create and edit.

pub mod api;
pub mod page;
