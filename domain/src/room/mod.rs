//! Rooms: the places a hackfest's sessions happen in (meeting rooms, the hotel
//! lobby, the restaurant), with their capacity, equipment and opening hours.

mod types;
pub use types::*;

#[cfg(feature = "server")]
pub mod repo;
#[cfg(feature = "server")]
pub mod service;
