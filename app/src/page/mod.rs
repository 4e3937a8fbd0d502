//! The wiki: Q&A pages per hackfest (list, read with questions, create, edit,
//! history with diff and revert).

pub mod api;
// `page.rs` holds the routes, as in every entity folder; the entity happens to be "page".
#[allow(clippy::module_inception)]
pub mod page;
