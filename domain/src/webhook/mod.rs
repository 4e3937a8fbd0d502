//! Signed webhooks (issue 15, item 4), after the Standard Webhooks spec: organizers
//! register endpoints per hackfest with a topic filter; every public bus message of
//! the hackfest that matches becomes a delivery (made from the outbox, so a change
//! that rolled back sends nothing), signed with the endpoint's `whsec_` secret and
//! retried with backoff. The sending is the server's (`server/src/webhooks.rs`).

mod types;
pub use types::*;

#[cfg(feature = "server")]
pub mod service;
