//! Decisions: list (by status and goal), detail, create and edit.

pub mod api;
pub mod page;
