//! Decisions: proposed, then agreed or rejected; an agreed decision can later be
//! superseded by another. Each names the session it was made in, the goals it
//! affects, and a checklist of follow-ups.

mod types;
pub use types::*;

#[cfg(feature = "server")]
pub mod repo;
#[cfg(feature = "server")]
pub mod service;
