//! Action items: list (by status, owner and goal), detail, create and edit.

pub mod api;
pub mod page;
