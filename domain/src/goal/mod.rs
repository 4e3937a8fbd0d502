//! Goals: the few big ones everyone works toward, and the many small ones.

mod types;
pub use types::*;

#[cfg(feature = "server")]
pub mod repo;
#[cfg(feature = "server")]
pub mod service;
