//! Rooms: list, detail (the room's sessions by day), create and edit (organizers).

pub mod api;
pub mod page;
