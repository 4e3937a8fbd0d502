//! Travel and lodging: the budget, funding requests, the arrivals board, the hotel
//! roster. Private to each person and the hackfest's organizers.

pub mod api;
pub mod page;
