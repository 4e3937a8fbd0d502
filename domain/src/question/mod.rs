//! Questions on wiki pages: asked by anyone who may edit, answered (Markdown),
//! reopened, and linked to a decision of the same hackfest.

mod types;
pub use types::*;

#[cfg(feature = "server")]
pub mod repo;
#[cfg(feature = "server")]
pub mod service;
