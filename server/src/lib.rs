//! The `hackfest` binary's library: configuration, start-up and plain HTTP routes.

pub mod api;
pub mod auth;
pub mod bus;
pub mod config;
pub mod events;
pub mod export;
pub mod limit;
pub mod nojs;
pub mod routes;
pub mod schedule;
pub mod startup;
pub mod summary;
pub mod telemetry;
pub mod webhooks;
