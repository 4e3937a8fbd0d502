//! What the travel pages show, from the requests: the arrivals board, the hotel
//! roster, the per-person summary. Pure functions, compiled for the browser too (its
//! pages name these types).

use chrono::NaiveDate;
use uuid::Uuid;

use super::money::Amounts;
use super::{TravelRequest, TravelState};

/// Who acts: their username and whether they organise the hackfest (or are an admin).
#[derive(Clone, Copy, Debug)]
pub struct Who<'a> {
    pub name: &'a str,
    pub organizer: bool,
}

impl Who<'_> {
    /// The person's own request, or any for organizers.
    pub fn sees(&self, r: &TravelRequest) -> bool {
        self.organizer || r.person == self.name
    }
}

/// One person's arrival or departure on the board.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Movement {
    pub person: String,
    /// `HH:MM`, organizers and the person only.
    pub at: Option<String>,
    /// How: "flight FR123, lands 14:10 BOS", organizers and the person only.
    pub how: String,
    /// Their request (organizers and the person only).
    pub request: Option<Uuid>,
}

/// A day of the arrivals and departures board.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BoardDay {
    pub day: NaiveDate,
    pub arrivals: Vec<Movement>,
    pub departures: Vec<Movement>,
}

/// The board, by day: organizers see everyone with times and how; others see the
/// days of those who share them, and their own in full.
pub fn board(requests: &[TravelRequest], who: Who<'_>) -> Vec<BoardDay> {
    let mut days: std::collections::BTreeMap<NaiveDate, BoardDay> = Default::default();
    for r in requests.iter().filter(|r| r.state().active()) {
        let full = who.sees(r);
        if !full && !r.share_days {
            continue;
        }
        let mv = |at: &Option<String>, how: &str| Movement {
            person: r.person.clone(),
            at: if full { at.clone() } else { None },
            how: if full { how.to_owned() } else { String::new() },
            request: full.then_some(r.id),
        };
        if let Some(d) = r.arrives_on {
            days.entry(d)
                .or_insert_with(|| BoardDay {
                    day: d,
                    arrivals: vec![],
                    departures: vec![],
                })
                .arrivals
                .push(mv(&r.arrives_at, &r.arrival));
        }
        if let Some(d) = r.leaves_on {
            days.entry(d)
                .or_insert_with(|| BoardDay {
                    day: d,
                    arrivals: vec![],
                    departures: vec![],
                })
                .departures
                .push(mv(&r.leaves_at, &r.departure));
        }
    }
    let mut out: Vec<BoardDay> = days.into_values().collect();
    for d in &mut out {
        let key = |m: &Movement| (m.at.clone().unwrap_or_default(), m.person.to_lowercase());
        d.arrivals.sort_by_key(key);
        d.departures.sort_by_key(key);
    }
    out
}

/// Who sleeps in a room of a hotel on a night.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RosterRoom {
    /// Empty: not given yet.
    pub room: String,
    pub people: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RosterHotel {
    pub hotel: String,
    pub rooms: Vec<RosterRoom>,
    pub guests: usize,
}

/// One night of the hotel roster.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RosterNight {
    pub night: NaiveDate,
    pub hotels: Vec<RosterHotel>,
}

/// The hotel roster per night (organizers): the active requests with a hotel.
/// People with the same room share it.
pub fn roster(requests: &[TravelRequest]) -> Vec<RosterNight> {
    use std::collections::BTreeMap;
    let mut nights: BTreeMap<NaiveDate, BTreeMap<String, BTreeMap<String, Vec<String>>>> =
        BTreeMap::new();
    for r in requests
        .iter()
        .filter(|r| r.state().active() && !r.hotel.is_empty())
    {
        let Some((first, last)) = r.nights() else {
            continue;
        };
        let mut n = first;
        // Bounded: nights are within the hackfest's days ± 3 when written.
        let mut guard = 0;
        while n <= last && guard < 400 {
            nights
                .entry(n)
                .or_default()
                .entry(r.hotel.clone())
                .or_default()
                .entry(r.hotel_room.clone())
                .or_default()
                .push(r.person.clone());
            n += chrono::Duration::days(1);
            guard += 1;
        }
    }
    nights
        .into_iter()
        .map(|(night, hotels)| RosterNight {
            night,
            hotels: hotels
                .into_iter()
                .map(|(hotel, rooms)| {
                    let rooms: Vec<RosterRoom> = rooms
                        .into_iter()
                        .map(|(room, mut people)| {
                            people.sort_by_key(|p| p.to_lowercase());
                            RosterRoom { room, people }
                        })
                        .collect();
                    RosterHotel {
                        guests: rooms.iter().map(|r| r.people.len()).sum(),
                        hotel,
                        rooms,
                    }
                })
                .collect(),
        })
        .collect()
}

/// One person's line of the funding body's summary.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PersonLine {
    pub person: String,
    pub state: TravelState,
    pub approved: Amounts,
    pub reimbursed: Amounts,
    pub arrives_on: Option<NaiveDate>,
    pub leaves_on: Option<NaiveDate>,
    pub hotel: String,
    pub nights: i64,
}

/// Per person: their request that counts (the active one, else the latest).
pub fn per_person(requests: &[TravelRequest]) -> Vec<PersonLine> {
    let mut out: Vec<PersonLine> = Vec::new();
    let mut sorted: Vec<&TravelRequest> = requests.iter().collect();
    sorted.sort_by_key(|r| {
        (
            r.person.to_lowercase(),
            !r.state().active(),
            std::cmp::Reverse(r.created_at),
        )
    });
    for r in sorted {
        if out.last().is_some_and(|l| l.person == r.person) {
            continue;
        }
        out.push(PersonLine {
            person: r.person.clone(),
            state: r.state(),
            approved: if r.state().committed() {
                r.approved().unwrap_or_default()
            } else {
                Amounts::default()
            },
            reimbursed: r.reimbursed().unwrap_or_default(),
            arrives_on: r.arrives_on,
            leaves_on: r.leaves_on,
            hotel: r.hotel.clone(),
            nights: r.nights().map_or(0, |(a, b)| (b - a).num_days() + 1),
        });
    }
    out
}
