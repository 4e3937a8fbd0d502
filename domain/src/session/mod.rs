//! Sessions (`HackSession`, so they never collide with a sign-in session): discussions,
//! meetings with outside teams, work blocks and social events, scheduled in rooms.

mod types;
pub mod warnings;
pub use types::*;

#[cfg(feature = "server")]
pub mod repo;
#[cfg(feature = "server")]
pub mod service;
