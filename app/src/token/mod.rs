//! Personal API tokens (`/tokens`): make one for a hackfest, see it once, revoke it.
//! The forms are plain HTML forms (`server/src/api/tokens.rs` answers them), so the
//! page works the same with and without JavaScript.

pub mod api;
pub mod page;
