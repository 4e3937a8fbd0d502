//! Personal API tokens (issue 15, item 2): a person makes a token for one hackfest,
//! with a name, a scope (read, or read and write) and an expiry; it is shown once and
//! only its SHA-256 is stored. A request with `Authorization: Bearer <token>` acts as
//! that person, with the role they have in the hackfest at that moment, and no more
//! than the token's scope allows. Revoking or expiry stops it at once.

mod types;
pub use types::*;

#[cfg(feature = "server")]
pub mod service;
