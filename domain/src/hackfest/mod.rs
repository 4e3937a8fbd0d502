//! A hackfest: one event, a few days in one place.

mod types;
pub use types::*;

#[cfg(feature = "server")]
pub mod repo;
#[cfg(feature = "server")]
pub mod service;
