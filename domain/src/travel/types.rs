use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::money::{Amounts, Category, Currency};
use crate::FieldErrors;
use crate::history::Fields;
use crate::text::{long_text, optional_line, required_line};

pub const ITEMS_MAX: usize = 30;
pub const DESCRIPTION_MAX: usize = 200;
pub const HOW_MAX: usize = 200;
pub const NOTES_MAX: usize = 5_000;
pub const SOURCE_MAX: usize = 100;
pub const HOTELS_MAX: usize = 20;
pub const HOTEL_MAX: usize = 100;
pub const ADDRESS_MAX: usize = 200;
pub const ROOM_MAX: usize = 40;
/// Hotel nights may start this many days before the hackfest and end as many after.
pub const NIGHTS_AROUND: i64 = 3;
/// Arrivals and departures within this many days of the hackfest.
pub const TRAVEL_AROUND: i64 = 30;

/// Where a request is: draft → submitted → approved | declined; approved → booked →
/// reimbursed; withdrawn from any state before a decision is final.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TravelState {
    Draft,
    Submitted,
    Approved,
    Declined,
    Booked,
    Reimbursed,
    Withdrawn,
}

impl TravelState {
    pub const ALL: [TravelState; 7] = [
        TravelState::Draft,
        TravelState::Submitted,
        TravelState::Approved,
        TravelState::Declined,
        TravelState::Booked,
        TravelState::Reimbursed,
        TravelState::Withdrawn,
    ];

    pub fn key(self) -> &'static str {
        match self {
            TravelState::Draft => "draft",
            TravelState::Submitted => "submitted",
            TravelState::Approved => "approved",
            TravelState::Declined => "declined",
            TravelState::Booked => "booked",
            TravelState::Reimbursed => "reimbursed",
            TravelState::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TravelState::Draft => "Draft",
            TravelState::Submitted => "Submitted",
            TravelState::Approved => "Approved",
            TravelState::Declined => "Declined",
            TravelState::Booked => "Booked",
            TravelState::Reimbursed => "Reimbursed",
            TravelState::Withdrawn => "Withdrawn",
        }
    }

    pub fn from_key(k: &str) -> Option<TravelState> {
        TravelState::ALL.into_iter().find(|s| s.key() == k)
    }

    /// Counts as the person's request for the hackfest (one at a time).
    pub fn active(self) -> bool {
        !matches!(self, TravelState::Declined | TravelState::Withdrawn)
    }

    /// The money is promised: counts against the budget.
    pub fn committed(self) -> bool {
        matches!(
            self,
            TravelState::Approved | TravelState::Booked | TravelState::Reimbursed
        )
    }
}

/// A step a person takes on a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Submit,
    Approve,
    Decline,
    Book,
    Reimburse,
    Withdraw,
}

impl Step {
    pub fn key(self) -> &'static str {
        match self {
            Step::Submit => "submit",
            Step::Approve => "approve",
            Step::Decline => "decline",
            Step::Book => "book",
            Step::Reimburse => "reimburse",
            Step::Withdraw => "withdraw",
        }
    }

    /// The states it leaves from, and where it goes.
    pub fn moves(self) -> (&'static [TravelState], TravelState) {
        use TravelState::*;
        match self {
            Step::Submit => (&[Draft], Submitted),
            Step::Approve => (&[Submitted], Approved),
            Step::Decline => (&[Submitted], Declined),
            Step::Book => (&[Approved], Booked),
            Step::Reimburse => (&[Booked], Reimbursed),
            Step::Withdraw => (&[Draft, Submitted, Approved, Booked], Withdrawn),
        }
    }

    /// Only the hackfest's organizers (and admins) decide and pay.
    pub fn organizers_only(self) -> bool {
        matches!(self, Step::Approve | Step::Decline | Step::Reimburse)
    }

    /// The error of taking this step from `from`, if it may not be taken.
    pub fn refused_from(self, from: TravelState) -> Option<String> {
        let (froms, to) = self.moves();
        if froms.contains(&from) {
            return None;
        }
        let need: Vec<&str> = froms.iter().map(|s| s.key()).collect();
        Some(format!(
            "A {} request cannot become {}: only a request that is {} can.",
            from.key(),
            to.key(),
            need.join(" or ")
        ))
    }
}

/// How an item is paid for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Flight,
    Train,
    Bus,
    Car,
    Hotel,
    Other,
}

impl ItemKind {
    pub const ALL: [ItemKind; 6] = [
        ItemKind::Flight,
        ItemKind::Train,
        ItemKind::Bus,
        ItemKind::Car,
        ItemKind::Hotel,
        ItemKind::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ItemKind::Flight => "flight",
            ItemKind::Train => "train",
            ItemKind::Bus => "bus",
            ItemKind::Car => "car",
            ItemKind::Hotel => "hotel",
            ItemKind::Other => "other",
        }
    }

    pub fn category(self) -> Category {
        match self {
            ItemKind::Hotel => Category::Lodging,
            ItemKind::Other => Category::Other,
            _ => Category::Travel,
        }
    }
}

/// One line of a request: "flight 420.00 EUR FR123 BRQ–BOS".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub kind: ItemKind,
    /// Estimated, in `currency`'s minor units.
    pub amount: i64,
    pub currency: String,
    #[serde(default)]
    pub description: String,
}

impl Item {
    /// As the form takes it back.
    pub fn line(&self) -> String {
        let c = Currency::stored(&self.currency);
        let mut out = format!("{} {} {}", self.kind.key(), c.plain(self.amount), c.code());
        if !self.description.is_empty() {
            out.push(' ');
            out.push_str(&self.description);
        }
        out
    }
}

/// One item per line: `<kind> <amount> <currency> <what>`, kind one of flight, train,
/// bus, car, hotel, other.
pub fn parse_items(input: &str) -> Result<Vec<Item>, String> {
    let mut out = Vec::new();
    if input.len() > ITEMS_MAX * (DESCRIPTION_MAX * 4 + 64) {
        return Err(format!("Items: at most {ITEMS_MAX} lines."));
    }
    for (n, line) in crate::text::numbered_lines(input) {
        crate::text::no_controls(line, "Items", &['\t'])?;
        if out.len() == ITEMS_MAX {
            return Err(format!("Items: at most {ITEMS_MAX} lines."));
        }
        let how = || {
            format!(
                "Items, line {n}: write the kind (flight, train, bus, car, hotel or other), the \
                 estimated amount and its currency, then what it is: “flight 420.00 EUR FR123 BRQ–BOS”."
            )
        };
        let mut words = line.split_whitespace();
        let kind_word = words.next().ok_or_else(how)?.to_lowercase();
        let kind = ItemKind::ALL
            .into_iter()
            .find(|k| k.key() == kind_word)
            .ok_or_else(how)?;
        let amount = words.next().ok_or_else(how)?;
        let currency = words.next().ok_or_else(how)?;
        let label = format!("Items, line {n}");
        let c = Currency::parse(currency, &label)?;
        let amount = c.amount(amount, &label)?;
        if amount == 0 {
            return Err(format!("Items, line {n}: an item costs more than nothing."));
        }
        let description = words.collect::<Vec<_>>().join(" ");
        let chars = description.chars().count();
        if chars > DESCRIPTION_MAX {
            return Err(format!(
                "Items, line {n}: the description is too long ({chars} characters, at most {DESCRIPTION_MAX})."
            ));
        }
        out.push(Item {
            kind,
            amount,
            currency: c.code().to_owned(),
            description,
        });
    }
    Ok(out)
}

/// Estimates per currency and category: `[(EUR, {travel, lodging, other})]`, in the
/// order the currencies first appear.
pub fn estimates(items: &[Item]) -> Vec<(String, Amounts)> {
    let mut out: Vec<(String, Amounts)> = Vec::new();
    for i in items {
        let at = match out.iter().position(|(c, _)| *c == i.currency) {
            Some(at) => at,
            None => {
                out.push((i.currency.clone(), Amounts::default()));
                out.len() - 1
            }
        };
        *out[at].1.slot(i.kind.category()) += i.amount;
    }
    out
}

/// A travel request as its owner and the organizers see it (nobody else ever does).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
pub struct TravelRequest {
    pub id: Uuid,
    pub hackfest_id: Uuid,
    /// The username of the person travelling.
    pub person: String,
    pub state: String,
    #[cfg_attr(feature = "server", sqlx(json))]
    pub items: Vec<Item>,
    pub arrives_on: Option<NaiveDate>,
    /// `HH:MM` on the hackfest's clock.
    pub arrives_at: Option<String>,
    /// "flight FR123, lands 14:10 BOS".
    pub arrival: String,
    pub leaves_on: Option<NaiveDate>,
    pub leaves_at: Option<String>,
    pub departure: String,
    /// Other attendees may see the days of arrival and departure (never more).
    pub share_days: bool,
    pub notes: String,
    /// In the budget's currency, once approved.
    pub approved_travel: Option<i64>,
    pub approved_lodging: Option<i64>,
    pub approved_other: Option<i64>,
    pub decision_note: String,
    pub decided_by: String,
    pub reimbursed_travel: Option<i64>,
    pub reimbursed_lodging: Option<i64>,
    pub reimbursed_other: Option<i64>,
    pub reimbursed_on: Option<NaiveDate>,
    /// Lodging, set by organizers: the hotel's name, the first and last night, the room
    /// (people with the same room in the same hotel share it).
    pub hotel: String,
    pub first_night: Option<NaiveDate>,
    pub last_night: Option<NaiveDate>,
    pub hotel_room: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TravelRequest {
    pub fn state(&self) -> TravelState {
        TravelState::from_key(&self.state).unwrap_or(TravelState::Draft)
    }

    pub fn approved(&self) -> Option<Amounts> {
        Some(Amounts {
            travel: self.approved_travel?,
            lodging: self.approved_lodging.unwrap_or(0),
            other: self.approved_other.unwrap_or(0),
        })
    }

    pub fn reimbursed(&self) -> Option<Amounts> {
        Some(Amounts {
            travel: self.reimbursed_travel?,
            lodging: self.reimbursed_lodging.unwrap_or(0),
            other: self.reimbursed_other.unwrap_or(0),
        })
    }

    /// What it takes from the budget: the reimbursed amounts once paid, the approved
    /// ones until then, nothing before approval.
    pub fn committed(&self) -> Amounts {
        match self.state() {
            TravelState::Reimbursed => self.reimbursed().unwrap_or_default(),
            s if s.committed() => self.approved().unwrap_or_default(),
            _ => Amounts::default(),
        }
    }

    /// Arrival on the hackfest's wall clock (a day without a time: its start).
    pub fn arrives(&self) -> Option<NaiveDateTime> {
        let t = self
            .arrives_at
            .as_deref()
            .and_then(hhmm)
            .unwrap_or(NaiveTime::MIN);
        Some(self.arrives_on?.and_time(t))
    }

    /// Departure on the hackfest's wall clock (a day without a time: its end).
    pub fn leaves(&self) -> Option<NaiveDateTime> {
        let day = self.leaves_on?;
        Some(match self.leaves_at.as_deref().and_then(hhmm) {
            Some(t) => day.and_time(t),
            None => day.and_time(NaiveTime::MIN) + Duration::days(1),
        })
    }

    /// The nights of its stay, if lodging is set.
    pub fn nights(&self) -> Option<(NaiveDate, NaiveDate)> {
        Some((self.first_night?, self.last_night?))
    }

    pub fn to_form(&self) -> TravelForm {
        TravelForm {
            items: self
                .items
                .iter()
                .map(Item::line)
                .collect::<Vec<_>>()
                .join("\n"),
            arrives_on: self.arrives_on.map(|d| d.to_string()).unwrap_or_default(),
            arrives_at: self.arrives_at.clone().unwrap_or_default(),
            arrival: self.arrival.clone(),
            leaves_on: self.leaves_on.map(|d| d.to_string()).unwrap_or_default(),
            leaves_at: self.leaves_at.clone().unwrap_or_default(),
            departure: self.departure.clone(),
            share_days: if self.share_days {
                "on".into()
            } else {
                String::new()
            },
            notes: self.notes.clone(),
        }
    }
}

fn hhmm(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

/// What an attendee types into their request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TravelForm {
    /// One item per line (see [`parse_items`]).
    #[serde(default)]
    pub items: String,
    #[serde(default)]
    pub arrives_on: String,
    #[serde(default)]
    pub arrives_at: String,
    #[serde(default)]
    pub arrival: String,
    #[serde(default)]
    pub leaves_on: String,
    #[serde(default)]
    pub leaves_at: String,
    #[serde(default)]
    pub departure: String,
    /// A checkbox: `on` when ticked.
    #[serde(default)]
    pub share_days: String,
    #[serde(default)]
    pub notes: String,
}

/// The parsed [`TravelForm`].
#[derive(Clone, Debug, PartialEq)]
pub struct TravelPlan {
    pub items: Vec<Item>,
    pub arrives_on: Option<NaiveDate>,
    pub arrives_at: Option<String>,
    pub arrival: String,
    pub leaves_on: Option<NaiveDate>,
    pub leaves_at: Option<String>,
    pub departure: String,
    pub share_days: bool,
    pub notes: String,
}

fn date(input: &str, what: &str) -> Result<Option<NaiveDate>, String> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("{what}: write a date like 2026-11-24."))
}

fn time(input: &str, what: &str) -> Result<Option<String>, String> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    hhmm(t)
        .map(|t| Some(t.format("%H:%M").to_string()))
        .ok_or_else(|| format!("{what}: write a time like 14:10."))
}

/// A checkbox's value: ticked.
pub fn ticked(v: &str) -> bool {
    matches!(v.trim(), "on" | "true" | "yes" | "1")
}

impl TravelForm {
    /// `days`: the hackfest's first and last day; travel must be within
    /// [`TRAVEL_AROUND`] days of them.
    pub fn parse(&self, days: (NaiveDate, NaiveDate)) -> Result<TravelPlan, FieldErrors> {
        let mut e = FieldErrors::new();
        let items = e.check("items", parse_items(&self.items));
        let arrives_on = e.check("arrives_on", date(&self.arrives_on, "Arrival day"));
        let arrives_at = e.check("arrives_at", time(&self.arrives_at, "Arrival time"));
        let arrival = e.check(
            "arrival",
            optional_line(&self.arrival, "How you arrive", HOW_MAX),
        );
        let leaves_on = e.check("leaves_on", date(&self.leaves_on, "Departure day"));
        let leaves_at = e.check("leaves_at", time(&self.leaves_at, "Departure time"));
        let departure = e.check(
            "departure",
            optional_line(&self.departure, "How you leave", HOW_MAX),
        );
        let notes = e.check("notes", long_text(&self.notes, "Notes", NOTES_MAX));
        let (from, to) = (
            days.0 - Duration::days(TRAVEL_AROUND),
            days.1 + Duration::days(TRAVEL_AROUND),
        );
        for (field, d, what) in [
            ("arrives_on", arrives_on.flatten(), "Arrival day"),
            ("leaves_on", leaves_on.flatten(), "Departure day"),
        ] {
            if let Some(d) = d
                && (d < from || d > to)
            {
                e.add(
                    field,
                    format!(
                        "{what}: {d} is not near the hackfest ({} to {}); travel within {TRAVEL_AROUND} days of it.",
                        days.0, days.1
                    ),
                );
            }
        }
        if let (Some(Some(a)), Some(Some(l))) = (arrives_on, leaves_on) {
            let at = |t: &Option<Option<String>>| {
                t.clone()
                    .flatten()
                    .as_deref()
                    .and_then(hhmm)
                    .unwrap_or(NaiveTime::MIN)
            };
            if l < a
                || (l == a
                    && arrives_at.is_some()
                    && leaves_at.is_some()
                    && at(&leaves_at) <= at(&arrives_at))
            {
                e.add("leaves_on", "The departure must be after the arrival.");
            }
        }
        if !self.arrives_at.trim().is_empty() && matches!(arrives_on, Some(None)) {
            e.add("arrives_on", "Arrival day: a time needs its day.");
        }
        if !self.leaves_at.trim().is_empty() && matches!(leaves_on, Some(None)) {
            e.add("leaves_on", "Departure day: a time needs its day.");
        }
        e.into_result(|| TravelPlan {
            items: items.unwrap_or_default(),
            arrives_on: arrives_on.flatten(),
            arrives_at: arrives_at.flatten(),
            arrival: arrival.unwrap_or_default(),
            leaves_on: leaves_on.flatten(),
            leaves_at: leaves_at.flatten(),
            departure: departure.unwrap_or_default(),
            share_days: ticked(&self.share_days),
            notes: notes.unwrap_or_default(),
        })
    }
}

/// An organizer's decision: the amounts approved (per category, in the budget's
/// currency; empty is none) and a note.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub approved_travel: String,
    #[serde(default)]
    pub approved_lodging: String,
    #[serde(default)]
    pub approved_other: String,
    #[serde(default)]
    pub note: String,
}

/// What was paid back, per category, and when.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReimburseForm {
    #[serde(default)]
    pub reimbursed_travel: String,
    #[serde(default)]
    pub reimbursed_lodging: String,
    #[serde(default)]
    pub reimbursed_other: String,
    #[serde(default)]
    pub reimbursed_on: String,
}

impl ReimburseForm {
    pub fn date(&self) -> Result<NaiveDate, String> {
        date(&self.reimbursed_on, "Reimbursed on")?
            .ok_or_else(|| "Reimbursed on: the day it was paid is required.".to_owned())
    }
}

/// Where an organizer puts someone up.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LodgingForm {
    /// A hotel of the budget's list; empty: none.
    #[serde(default)]
    pub hotel: String,
    #[serde(default)]
    pub first_night: String,
    #[serde(default)]
    pub last_night: String,
    #[serde(default)]
    pub hotel_room: String,
}

/// The parsed [`LodgingForm`]: all empty, or a hotel and its nights.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lodging {
    pub hotel: String,
    pub first_night: Option<NaiveDate>,
    pub last_night: Option<NaiveDate>,
    pub hotel_room: String,
}

impl LodgingForm {
    /// `hotels`: the names the hackfest has; `days`: its first and last day. Nights are
    /// within [`NIGHTS_AROUND`] days of them.
    pub fn parse(
        &self,
        hotels: &[Hotel],
        days: (NaiveDate, NaiveDate),
    ) -> Result<Lodging, FieldErrors> {
        let mut e = FieldErrors::new();
        let hotel = self.hotel.trim();
        let first = e.check("first_night", date(&self.first_night, "First night"));
        let last = e.check("last_night", date(&self.last_night, "Last night"));
        let room = e.check(
            "hotel_room",
            optional_line(&self.hotel_room, "Room", ROOM_MAX),
        );
        if hotel.is_empty() {
            if matches!(first, Some(Some(_))) || matches!(last, Some(Some(_))) {
                e.add("hotel", "Hotel: pick the hotel for these nights.");
            }
            return e.into_result(Lodging::default);
        }
        let Some(h) = hotels.iter().find(|h| h.name == hotel) else {
            e.add(
                "hotel",
                format!(
                    "Hotel: “{}” is not one of this hackfest's hotels; add it to the budget's hotels first.",
                    crate::text::shown_up_to(hotel, 60)
                ),
            );
            return Err(e);
        };
        let (from, to) = (
            days.0 - Duration::days(NIGHTS_AROUND),
            days.1 + Duration::days(NIGHTS_AROUND),
        );
        match (first, last) {
            (Some(Some(f)), Some(Some(l))) => {
                for (field, d, what) in [
                    ("first_night", f, "First night"),
                    ("last_night", l, "Last night"),
                ] {
                    if d < from || d > to {
                        e.add(
                            field,
                            format!(
                                "{what}: {d} is outside the hackfest's days ± {NIGHTS_AROUND} ({from} to {to})."
                            ),
                        );
                    }
                }
                if l < f {
                    e.add(
                        "last_night",
                        "Last night: it cannot be before the first night.",
                    );
                }
            }
            (Some(None), _) => e.add("first_night", "First night: the first night is required."),
            (_, Some(None)) => e.add("last_night", "Last night: the last night is required."),
            _ => {}
        }
        e.into_result(|| Lodging {
            hotel: h.name.clone(),
            first_night: first.flatten(),
            last_night: last.flatten(),
            hotel_room: room.unwrap_or_default(),
        })
    }
}

/// Everything a request stores besides its keys: what the shared write path writes.
#[derive(Clone, Debug, PartialEq)]
pub struct NewTravel {
    pub person: String,
    pub state: TravelState,
    pub plan: TravelPlan,
    pub approved: Option<Amounts>,
    pub decision_note: String,
    pub decided_by: String,
    pub reimbursed: Option<Amounts>,
    pub reimbursed_on: Option<NaiveDate>,
    pub lodging: Lodging,
    /// The budget's currency (how history shows the amounts).
    pub currency: String,
}

impl NewTravel {
    /// A request as stored, to change one part of it.
    pub fn of(r: &TravelRequest, currency: &str) -> NewTravel {
        NewTravel {
            person: r.person.clone(),
            state: r.state(),
            plan: TravelPlan {
                items: r.items.clone(),
                arrives_on: r.arrives_on,
                arrives_at: r.arrives_at.clone(),
                arrival: r.arrival.clone(),
                leaves_on: r.leaves_on,
                leaves_at: r.leaves_at.clone(),
                departure: r.departure.clone(),
                share_days: r.share_days,
                notes: r.notes.clone(),
            },
            approved: r.approved(),
            decision_note: r.decision_note.clone(),
            decided_by: r.decided_by.clone(),
            reimbursed: r.reimbursed(),
            reimbursed_on: r.reimbursed_on,
            lodging: Lodging {
                hotel: r.hotel.clone(),
                first_night: r.first_night,
                last_night: r.last_night,
                hotel_room: r.hotel_room.clone(),
            },
            currency: currency.to_owned(),
        }
    }

    /// The fields as history keeps them, in form order; amounts with their currency.
    pub fn field_values(&self) -> Fields {
        let c = Currency::stored(&self.currency);
        let amounts = |a: &Option<Amounts>| a.map(|a| a.shown(&c)).unwrap_or_default();
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let p = &self.plan;
        vec![
            ("state", self.state.key().to_owned()),
            // "; " between items: history shows a field on one line.
            (
                "items",
                p.items
                    .iter()
                    .map(Item::line)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ("arrives_on", day(p.arrives_on)),
            ("arrives_at", p.arrives_at.clone().unwrap_or_default()),
            ("arrival", p.arrival.clone()),
            ("leaves_on", day(p.leaves_on)),
            ("leaves_at", p.leaves_at.clone().unwrap_or_default()),
            ("departure", p.departure.clone()),
            (
                "share_days",
                if p.share_days { "yes" } else { "no" }.to_owned(),
            ),
            ("notes", p.notes.clone()),
            ("approved", amounts(&self.approved)),
            ("decision_note", self.decision_note.clone()),
            ("reimbursed", amounts(&self.reimbursed)),
            ("reimbursed_on", day(self.reimbursed_on)),
            ("hotel", self.lodging.hotel.clone()),
            ("first_night", day(self.lodging.first_night)),
            ("last_night", day(self.lodging.last_night)),
            ("hotel_room", self.lodging.hotel_room.clone()),
        ]
    }
}

/// A hotel of the hackfest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hotel {
    pub name: String,
    #[serde(default)]
    pub address: String,
}

impl Hotel {
    pub fn line(&self) -> String {
        if self.address.is_empty() {
            self.name.clone()
        } else {
            format!("{} | {}", self.name, self.address)
        }
    }
}

/// One hotel per line: `Name | address`.
pub fn parse_hotels(input: &str) -> Result<Vec<Hotel>, String> {
    let mut out: Vec<Hotel> = Vec::new();
    for (n, line) in crate::text::numbered_lines(input) {
        if out.len() == HOTELS_MAX {
            return Err(format!("Hotels: at most {HOTELS_MAX}."));
        }
        let (name, address) = line.split_once('|').unwrap_or((line, ""));
        let name = required_line(name, &format!("Hotels, line {n}: the name"), HOTEL_MAX)?;
        let address = optional_line(
            address,
            &format!("Hotels, line {n}: the address"),
            ADDRESS_MAX,
        )?;
        if out.iter().any(|h| h.name == name) {
            return Err(format!("Hotels, line {n}: “{name}” is listed twice."));
        }
        out.push(Hotel { name, address });
    }
    Ok(out)
}

/// A hackfest's funding: who pays, in which currency, how much per category, and its
/// hotels. One per hackfest; organizers only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
pub struct Budget {
    pub id: Uuid,
    pub hackfest_id: Uuid,
    /// "OSAS".
    pub source: String,
    pub currency: String,
    pub travel: i64,
    pub lodging: i64,
    pub other: i64,
    #[cfg_attr(feature = "server", sqlx(json))]
    pub hotels: Vec<Hotel>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Budget {
    pub fn amounts(&self) -> Amounts {
        Amounts {
            travel: self.travel,
            lodging: self.lodging,
            other: self.other,
        }
    }

    pub fn money(&self) -> Currency {
        Currency::stored(&self.currency)
    }

    pub fn to_form(&self) -> BudgetForm {
        let c = self.money();
        BudgetForm {
            source: self.source.clone(),
            currency: self.currency.clone(),
            budget_travel: c.plain(self.travel),
            budget_lodging: c.plain(self.lodging),
            budget_other: c.plain(self.other),
            hotels: self
                .hotels
                .iter()
                .map(Hotel::line)
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BudgetForm {
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub budget_travel: String,
    #[serde(default)]
    pub budget_lodging: String,
    #[serde(default)]
    pub budget_other: String,
    /// One per line: `Name | address`.
    #[serde(default)]
    pub hotels: String,
}

/// The parsed [`BudgetForm`].
#[derive(Clone, Debug, PartialEq)]
pub struct NewBudget {
    pub source: String,
    pub currency: String,
    pub amounts: Amounts,
    pub hotels: Vec<Hotel>,
}

impl BudgetForm {
    pub fn parse(&self) -> Result<NewBudget, FieldErrors> {
        let mut e = FieldErrors::new();
        let source = e.check(
            "source",
            required_line(&self.source, "Funding source", SOURCE_MAX),
        );
        let currency = e.check("currency", Currency::parse(&self.currency, "Currency"));
        let amounts = currency.map(|c| {
            Amounts::parse(
                &c,
                "budget",
                [
                    &self.budget_travel,
                    &self.budget_lodging,
                    &self.budget_other,
                ],
                &mut e,
            )
        });
        let hotels = e.check("hotels", parse_hotels(&self.hotels));
        e.into_result(|| NewBudget {
            source: source.unwrap_or_default(),
            currency: currency.map(|c| c.code().to_owned()).unwrap_or_default(),
            amounts: amounts.unwrap_or_default(),
            hotels: hotels.unwrap_or_default(),
        })
    }
}

impl NewBudget {
    pub fn field_values(&self) -> Fields {
        let c = Currency::stored(&self.currency);
        vec![
            ("source", self.source.clone()),
            ("currency", self.currency.clone()),
            ("travel", c.show(self.amounts.travel)),
            ("lodging", c.show(self.amounts.lodging)),
            ("other", c.show(self.amounts.other)),
            (
                "hotels",
                self.hotels
                    .iter()
                    .map(Hotel::line)
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        ]
    }
}

/// The budget's figures per category: total, approved, reimbursed, remaining.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub total: Amounts,
    /// Promised by approval (approved, booked or reimbursed requests).
    pub approved: Amounts,
    pub reimbursed: Amounts,
    /// `total` − what is committed (the reimbursed amount once paid, else the approved).
    pub remaining: Amounts,
}

impl Figures {
    pub fn of<'r>(
        budget: &Budget,
        requests: impl IntoIterator<Item = &'r TravelRequest>,
    ) -> Figures {
        let mut f = Figures {
            total: budget.amounts(),
            ..Figures::default()
        };
        let mut committed = Amounts::default();
        for r in requests {
            if r.state().committed() {
                f.approved = f.approved.plus(&r.approved().unwrap_or_default());
                committed = committed.plus(&r.committed());
            }
            if let Some(p) = r.reimbursed() {
                f.reimbursed = f.reimbursed.plus(&p);
            }
        }
        for c in Category::ALL {
            *f.remaining.slot(c) = f.total.get(c) - committed.get(c);
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days() -> (NaiveDate, NaiveDate) {
        (
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        )
    }

    #[test]
    fn items_parse_one_per_line() {
        let items = parse_items(
            "flight 420.00 EUR FR123 BRQ–BOS\n\n hotel 3,00 czk  3 nights\nOTHER 12 usd taxi",
        )
        .unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].kind, ItemKind::Flight);
        assert_eq!(items[0].amount, 42_000);
        assert_eq!(items[0].description, "FR123 BRQ–BOS");
        assert_eq!(items[1].currency, "CZK");
        assert_eq!(items[1].amount, 30_000);
        assert_eq!(items[2].line(), "other 12.00 USD taxi");
        let e = parse_items("rocket 1 EUR moon").unwrap_err();
        assert!(e.starts_with("Items, line 1"), "{e}");
        assert!(
            parse_items("flight -5 EUR x")
                .unwrap_err()
                .contains("negative")
        );
        assert!(
            parse_items("flight 5 EURO x")
                .unwrap_err()
                .contains("ISO 4217")
        );
        assert!(
            parse_items("flight 0 EUR x")
                .unwrap_err()
                .contains("more than nothing")
        );
        assert!(
            parse_items(&"train 1 EUR x\n".repeat(31))
                .unwrap_err()
                .contains("at most 30")
        );
        assert!(parse_items(&"x".repeat(1_000_000)).is_err());
        let e = estimates(&items);
        assert_eq!(e[0].0, "EUR");
        assert_eq!(e[0].1.travel, 42_000);
        assert_eq!(e[1].1.lodging, 30_000);
    }

    #[test]
    fn departure_follows_arrival() {
        let f = TravelForm {
            arrives_on: "2026-11-24".into(),
            arrives_at: "14:10".into(),
            leaves_on: "2026-11-23".into(),
            ..TravelForm::default()
        };
        let e = f.parse(days()).unwrap_err();
        assert!(e.get("leaves_on").unwrap().contains("after the arrival"));
        let f = TravelForm {
            arrives_on: "2026-11-24".into(),
            arrives_at: "14:10".into(),
            leaves_on: "2026-11-24".into(),
            leaves_at: "09:00".into(),
            ..TravelForm::default()
        };
        assert!(f.parse(days()).unwrap_err().get("leaves_on").is_some());
        let f = TravelForm {
            arrives_on: "2027-11-24".into(),
            ..TravelForm::default()
        };
        assert!(
            f.parse(days())
                .unwrap_err()
                .get("arrives_on")
                .unwrap()
                .contains("not near")
        );
        let ok = TravelForm {
            items: "train 89.90 EUR Vienna–Brno".into(),
            arrives_on: "2026-11-23".into(),
            arrives_at: "18:05".into(),
            arrival: "train RJ 73, Brno hl.n.".into(),
            leaves_on: "2026-11-28".into(),
            share_days: "on".into(),
            ..TravelForm::default()
        }
        .parse(days())
        .unwrap();
        assert!(ok.share_days);
        assert_eq!(ok.arrives_at.as_deref(), Some("18:05"));
    }

    #[test]
    fn steps_follow_the_states() {
        assert!(
            Step::Reimburse
                .refused_from(TravelState::Submitted)
                .unwrap()
                .contains("booked")
        );
        assert!(Step::Approve.refused_from(TravelState::Submitted).is_none());
        assert!(Step::Book.refused_from(TravelState::Draft).is_some());
        assert!(
            Step::Withdraw
                .refused_from(TravelState::Reimbursed)
                .is_some()
        );
        assert!(Step::Withdraw.refused_from(TravelState::Booked).is_none());
        assert!(Step::Submit.refused_from(TravelState::Submitted).is_some());
    }

    #[test]
    fn lodging_nights_stay_near_the_hackfest() {
        let hotels = vec![Hotel {
            name: "Avanti".into(),
            address: String::new(),
        }];
        let f = |a: &str, b: &str| LodgingForm {
            hotel: "Avanti".into(),
            first_night: a.into(),
            last_night: b.into(),
            hotel_room: "412".into(),
        };
        assert!(f("2026-11-21", "2026-11-27").parse(&hotels, days()).is_ok());
        let e = f("2026-11-20", "2026-11-27")
            .parse(&hotels, days())
            .unwrap_err();
        assert!(e.get("first_night").unwrap().contains("± 3"));
        let e = f("2026-11-25", "2026-11-24")
            .parse(&hotels, days())
            .unwrap_err();
        assert!(e.get("last_night").is_some());
        let mut other = f("2026-11-24", "2026-11-25");
        other.hotel = "Ritz".into();
        assert!(
            other
                .parse(&hotels, days())
                .unwrap_err()
                .get("hotel")
                .is_some()
        );
        assert_eq!(
            LodgingForm::default().parse(&hotels, days()),
            Ok(Lodging::default())
        );
    }

    #[test]
    fn budget_form_parses() {
        let b = BudgetForm {
            source: "OSAS".into(),
            currency: "usd".into(),
            budget_travel: "12,000".into(),
            budget_lodging: "6000.50".into(),
            budget_other: "".into(),
            hotels: "Hotel Avanti | Střední 61, Brno\nInternational".into(),
        }
        .parse()
        .unwrap();
        assert_eq!(b.currency, "USD");
        assert_eq!(b.amounts.travel, 1_200_000);
        assert_eq!(b.amounts.lodging, 600_050);
        assert_eq!(b.hotels[1].name, "International");
        let e = BudgetForm {
            currency: "EUR".into(),
            budget_travel: "-1".into(),
            ..BudgetForm::default()
        }
        .parse()
        .unwrap_err();
        assert!(e.get("source").is_some());
        assert!(e.get("budget_travel").unwrap().contains("negative"));
    }
}
