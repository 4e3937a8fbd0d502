pub mod api;
pub mod components;
pub mod page;
