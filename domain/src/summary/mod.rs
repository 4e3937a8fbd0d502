//! Daily and event summaries: drafted from the week's history (`draft`), edited by
//! the organizers (every save a numbered revision, as wiki pages), published (the
//! public sees the published revision only; a draft is "not found" to non-members).

mod types;
pub use types::*;

#[cfg(feature = "server")]
pub mod draft;
#[cfg(feature = "server")]
pub mod repo;
#[cfg(feature = "server")]
pub mod service;
