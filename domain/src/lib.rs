//! Hackfest's business rules. Always compiled (also into the browser's WASM): the
//! wire types and the `parse` functions that validate input. With the `server`
//! feature: the database, repositories and services.

pub mod action;
pub mod api_token;
pub mod decision;
pub mod error;
pub mod goal;
pub mod hackfest;
pub mod ids;
pub mod meeting;
pub mod page;
pub mod question;
pub mod room;
pub mod search;
pub mod session;
pub mod summary;
pub mod text;
pub mod timetable;
pub mod travel;
pub mod user;
pub mod view;
pub mod webhook;

#[cfg(feature = "server")]
pub mod db;
#[cfg(feature = "server")]
pub mod demo;
#[cfg(feature = "server")]
pub mod export;
pub mod history;
#[cfg(feature = "server")]
pub mod listing;
#[cfg(feature = "server")]
pub mod markdown;
pub mod outbox;
#[cfg(feature = "server")]
pub mod read;
#[cfg(feature = "server")]
pub mod schedule;
#[cfg(feature = "server")]
pub mod write;

pub use error::{DomainError, FieldErrors};
