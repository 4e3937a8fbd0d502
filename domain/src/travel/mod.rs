//! Travel and lodging: a hackfest's budget (who funds it, in which currency, how much
//! per category, its hotels), attendees' funding requests with their arrival and
//! departure, the organizers' decisions, who stays where.
//!
//! Private: a request is seen by its person and the hackfest's organizers and admins,
//! and nobody else — not in search, not on the public event feed, not in summaries.
//! Its bus messages name the request's id and state only, and are marked non-public.

pub mod money;
mod types;
mod views;
pub use money::{Amounts, Category, Currency};
pub use types::*;
pub use views::*;

#[cfg(feature = "server")]
pub mod repo;
#[cfg(feature = "server")]
pub mod service;
