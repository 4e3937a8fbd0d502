//! Full-text search (issue 11.7): a hackfest's (`/h/:slug/search`) and every
//! hackfest's (`/search`). Plain GET forms: they work without JavaScript.

pub mod api;
pub mod page;
