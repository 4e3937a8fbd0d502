//! People: who signed in (keyed by issuer + subject), and what they may do.

mod types;
pub use types::*;

#[cfg(feature = "server")]
pub mod repo;
