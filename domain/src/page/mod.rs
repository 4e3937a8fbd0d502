//! Q&A wiki pages: Markdown pages per hackfest with numbered revisions (diff, revert)
//! and `[[Page title]]` links between them. Their questions are `crate::question`.

mod types;
pub use types::*;

#[cfg(feature = "server")]
pub mod render;
#[cfg(feature = "server")]
pub mod repo;
#[cfg(feature = "server")]
pub mod service;

#[cfg(feature = "server")]
pub use service::seed_demo;
