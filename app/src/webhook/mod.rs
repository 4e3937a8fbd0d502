//! The organizers' webhooks page (`/h/{slug}/webhooks`): register an endpoint (its
//! secret shown once), turn one off or on, read each one's delivery log and replay a
//! delivery. Plain HTML forms (`server/src/api/webhooks.rs` answers them).

pub mod api;
pub mod page;
