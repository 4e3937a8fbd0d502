//! A meeting's log into a session's record (issue 15, item 1): the import page and
//! its server functions. The rules are in `domain::meeting`.

pub mod api;
pub mod page;
