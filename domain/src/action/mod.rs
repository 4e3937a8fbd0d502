//! Action items: who does what by when. They outlive the week: a person sees their
//! open items across every hackfest, overdue ones marked.

mod types;
pub use types::*;

#[cfg(feature = "server")]
pub mod repo;
#[cfg(feature = "server")]
pub mod service;
