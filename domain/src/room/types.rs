use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;
use crate::history::Fields;
use crate::text::{long_text, optional_line, required_line};

pub const NAME_MAX: usize = 100;
pub const LOCATION_MAX: usize = 200;
pub const CAPACITY_MAX: i64 = 10_000;
pub const TAG_MAX: usize = 40;
pub const TAGS_MAX: usize = 20;
pub const NOTES_MAX: usize = 50_000;
/// How opening hours are written: `09:00`.
pub const TIME_FORMAT: &str = "%H:%M";
/// Closed periods per room, and the length of a period's reason.
pub const CLOSED_MAX: usize = 50;
pub const REASON_MAX: usize = 100;

/// A period a room cannot be used (cleaning, another event), on the hackfest's wall
/// clock: `[from, until)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Closed {
    pub from: NaiveDateTime,
    pub until: NaiveDateTime,
    #[serde(default)]
    pub reason: String,
}

impl Closed {
    /// `2026-11-25 12:00-14:00 Cleaning`, or `2026-11-26 Cleaning` for a whole day (as
    /// the form takes it).
    pub fn line(&self) -> String {
        let midnight = |t: NaiveDateTime| t.time() == NaiveTime::MIN;
        let mut out = if midnight(self.from) && self.until == self.from + Duration::days(1) {
            self.from.format("%Y-%m-%d").to_string()
        } else if self.until.date() == self.from.date() {
            format!(
                "{}-{}",
                self.from.format("%Y-%m-%d %H:%M"),
                self.until.format("%H:%M")
            )
        } else {
            // To the day's end (the form takes one day per line).
            format!("{}-24:00", self.from.format("%Y-%m-%d %H:%M"))
        };
        if !self.reason.is_empty() {
            out.push(' ');
            out.push_str(&self.reason);
        }
        out
    }

    /// "Wed 25 Nov 12:00–14:00 (Cleaning)", as an error or a page says it.
    pub fn shown(&self) -> String {
        let until = if self.until.time() == NaiveTime::MIN && self.until.date() > self.from.date() {
            "24:00".to_owned()
        } else if self.until.date() == self.from.date() {
            self.until.format("%H:%M").to_string()
        } else {
            self.until.format("%a %-d %b %H:%M").to_string()
        };
        let mut out = format!("{}\u{2013}{until}", self.from.format("%a %-d %b %H:%M"));
        if !self.reason.is_empty() {
            out.push_str(&format!(" ({})", self.reason));
        }
        out
    }
}

/// One closed period per line: a day (`2026-11-26`, the whole day), or a day with hours
/// (`2026-11-25 12:00-14:00`), then an optional reason.
pub fn parse_closed(input: &str) -> Result<Vec<Closed>, String> {
    let mut out: Vec<Closed> = Vec::new();
    for (n, line) in crate::text::numbered_lines(input) {
        crate::text::no_controls(line, "Closed periods", &['\t'])?;
        let how = || {
            format!(
                "Closed periods, line {n}: write a day like 2026-11-26, or a day and hours like \
                 2026-11-25 12:00-14:00, then a reason if you like."
            )
        };
        let mut words = line.splitn(2, char::is_whitespace);
        let day = words
            .next()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .ok_or_else(how)?;
        let rest = words.next().unwrap_or("").trim();
        let (hours, reason) = match rest.split_once(char::is_whitespace) {
            Some((h, r)) if h.contains('-') && h.contains(':') => (Some(h), r.trim()),
            None if rest.contains('-') && rest.contains(':') => (Some(rest), ""),
            _ => (None, rest),
        };
        let (from, until) = match hours {
            None => (
                day.and_time(NaiveTime::MIN),
                day.and_time(NaiveTime::MIN) + Duration::days(1),
            ),
            Some(h) => {
                let (a, b) = h.split_once('-').ok_or_else(how)?;
                let a = NaiveTime::parse_from_str(a, "%H:%M").map_err(|_| how())?;
                let until = if b == "24:00" {
                    day.and_time(NaiveTime::MIN) + Duration::days(1)
                } else {
                    day.and_time(NaiveTime::parse_from_str(b, "%H:%M").map_err(|_| how())?)
                };
                (day.and_time(a), until)
            }
        };
        if until <= from {
            return Err(format!(
                "Closed periods, line {n}: the end must be after the start."
            ));
        }
        let chars = reason.chars().count();
        if chars > REASON_MAX {
            return Err(format!(
                "Closed periods, line {n}: the reason is too long ({chars} characters, at most {REASON_MAX})."
            ));
        }
        if out.len() == CLOSED_MAX {
            return Err(format!("Closed periods: at most {CLOSED_MAX}."));
        }
        out.push(Closed {
            from,
            until,
            reason: reason.to_owned(),
        });
    }
    out.sort_by_key(|c| (c.from, c.until));
    Ok(out)
}

/// A room as the browser and the API see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Room {
    pub id: Uuid,
    pub hackfest_id: Uuid,
    pub name: String,
    /// Floor, building: "9th floor".
    pub location: String,
    /// `None`: no limit (the hotel lobby).
    pub capacity: Option<i64>,
    #[cfg_attr(feature = "server", sqlx(json))]
    pub equipment: Vec<String>,
    pub notes: String,
    pub open_for_breakouts: bool,
    /// Daily opening hours on the hackfest's wall clock (`HH:MM`); `None`: always open.
    pub opens: Option<String>,
    pub closes: Option<String>,
    /// When it cannot be used, besides outside its hours.
    #[cfg_attr(feature = "server", sqlx(json))]
    #[serde(default)]
    pub closed: Vec<Closed>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Sanitised HTML of the notes (rendered on the server).
    #[cfg_attr(feature = "server", sqlx(skip))]
    #[serde(default)]
    pub notes_html: String,
}

impl Room {
    pub fn to_form(&self) -> RoomForm {
        RoomForm {
            name: self.name.clone(),
            location: self.location.clone(),
            capacity: self.capacity.map(|c| c.to_string()).unwrap_or_default(),
            equipment: self.equipment.join(", "),
            notes: self.notes.clone(),
            open_for_breakouts: if self.open_for_breakouts {
                "on".into()
            } else {
                String::new()
            },
            opens: self.opens.clone().unwrap_or_default(),
            closes: self.closes.clone().unwrap_or_default(),
            closed: self
                .closed
                .iter()
                .map(Closed::line)
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// The first closed period over part of `[from, until)` (wall clock), if any.
    pub fn closed_during(&self, from: NaiveDateTime, until: NaiveDateTime) -> Option<&Closed> {
        self.closed
            .iter()
            .find(|c| c.from < until && from < c.until)
    }

    /// How a select names it: "Fedora (9th floor, 12 people)".
    pub fn label(&self) -> String {
        let mut about: Vec<String> = Vec::new();
        if !self.location.is_empty() {
            about.push(self.location.clone());
        }
        if let Some(c) = self.capacity {
            about.push(format!("{c} people"));
        }
        if about.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, about.join(", "))
        }
    }

    /// The opening hours, if the room has any.
    pub fn hours(&self) -> Option<(NaiveTime, NaiveTime)> {
        let t = |s: &Option<String>| {
            s.as_deref()
                .and_then(|s| NaiveTime::parse_from_str(s, TIME_FORMAT).ok())
        };
        Some((t(&self.opens)?, t(&self.closes)?))
    }
}

/// Raw input, as typed into the room form.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RoomForm {
    pub name: String,
    #[serde(default)]
    pub location: String,
    /// Empty: no limit.
    #[serde(default)]
    pub capacity: String,
    /// Comma-separated tags: "projector, video call".
    #[serde(default)]
    pub equipment: String,
    #[serde(default)]
    pub notes: String,
    /// A checkbox: `on` (or `true`) when ticked, empty (absent) when not.
    #[serde(default)]
    pub open_for_breakouts: String,
    #[serde(default)]
    pub opens: String,
    #[serde(default)]
    pub closes: String,
    /// One closed period per line (see [`parse_closed`]).
    #[serde(default)]
    pub closed: String,
}

/// A ticked checkbox as a form posts it (`on`) or a person writes it.
pub fn ticked(input: &str) -> bool {
    matches!(
        input.trim().to_ascii_lowercase().as_str(),
        "on" | "true" | "1" | "yes"
    )
}

/// Parsed, valid room fields.
#[derive(Clone, Debug, PartialEq)]
pub struct NewRoom {
    pub name: String,
    pub location: String,
    pub capacity: Option<i64>,
    pub equipment: Vec<String>,
    pub notes: String,
    pub open_for_breakouts: bool,
    pub opens: Option<NaiveTime>,
    pub closes: Option<NaiveTime>,
    pub closed: Vec<Closed>,
}

fn capacity(input: &str) -> Result<Option<i64>, String> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<i64>() {
        Ok(n) if (1..=CAPACITY_MAX).contains(&n) => Ok(Some(n)),
        _ => Err(format!(
            "Capacity must be a number from 1 to {CAPACITY_MAX} (or empty: no limit)."
        )),
    }
}

fn time(input: &str, what: &str) -> Result<Option<NaiveTime>, String> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    ["%H:%M", "%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(t, f).ok())
        .map(Some)
        .ok_or_else(|| format!("{what} must be a time like 09:00."))
}

impl RoomForm {
    pub fn parse(&self) -> Result<NewRoom, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.check("name", required_line(&self.name, "Name", NAME_MAX));
        let location = e.check(
            "location",
            optional_line(&self.location, "Location", LOCATION_MAX),
        );
        let capacity = e.check("capacity", capacity(&self.capacity));
        let equipment = e.check(
            "equipment",
            crate::session::parse_names(&self.equipment, "Equipment", TAG_MAX, TAGS_MAX),
        );
        let notes = e.check("notes", long_text(&self.notes, "Notes", NOTES_MAX));
        let opens = e.check("opens", time(&self.opens, "Opening time"));
        let closes = e.check("closes", time(&self.closes, "Closing time"));
        let closed = e.check("closed", parse_closed(&self.closed));
        match (opens, closes) {
            (Some(Some(_)), Some(None)) => e.add("closes", "Give the closing time too."),
            (Some(None), Some(Some(_))) => e.add("opens", "Give the opening time too."),
            (Some(Some(a)), Some(Some(b))) if b <= a => {
                e.add("closes", "The room must close after it opens.")
            }
            _ => {}
        }
        e.into_result(|| NewRoom {
            name: name.unwrap(),
            location: location.unwrap(),
            capacity: capacity.unwrap(),
            equipment: equipment.unwrap(),
            notes: notes.unwrap(),
            open_for_breakouts: ticked(&self.open_for_breakouts),
            opens: opens.unwrap(),
            closes: closes.unwrap(),
            closed: closed.unwrap(),
        })
    }
}

fn hhmm(t: Option<NaiveTime>) -> String {
    t.map(|t| t.format(TIME_FORMAT).to_string())
        .unwrap_or_default()
}

impl NewRoom {
    pub fn opens_text(&self) -> Option<String> {
        self.opens.map(|t| hhmm(Some(t)))
    }
    pub fn closes_text(&self) -> Option<String> {
        self.closes.map(|t| hhmm(Some(t)))
    }

    pub fn field_values(&self) -> Fields {
        vec![
            ("name", self.name.clone()),
            ("location", self.location.clone()),
            (
                "capacity",
                self.capacity.map(|c| c.to_string()).unwrap_or_default(),
            ),
            ("equipment", self.equipment.join(", ")),
            ("notes", self.notes.clone()),
            ("open_for_breakouts", self.open_for_breakouts.to_string()),
            ("opens", hhmm(self.opens)),
            ("closes", hhmm(self.closes)),
            (
                "closed",
                self.closed
                    .iter()
                    .map(Closed::line)
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn form() -> RoomForm {
        RoomForm {
            name: "Fedora".into(),
            location: "9th floor".into(),
            capacity: "12".into(),
            equipment: "projector, video call,whiteboard, projector".into(),
            notes: "Ask **reception** for the key.".into(),
            open_for_breakouts: "on".into(),
            opens: "08:00".into(),
            closes: "18:30".into(),
            closed: "2026-11-25 12:00-14:00 Cleaning\n2026-11-26".into(),
        }
    }

    #[test]
    fn closed_periods_parse_and_print_back() {
        let r = form().parse().unwrap();
        assert_eq!(r.closed.len(), 2);
        assert_eq!(r.closed[0].line(), "2026-11-25 12:00-14:00 Cleaning");
        assert_eq!(
            r.closed[0].shown(),
            "Wed 25 Nov 12:00\u{2013}14:00 (Cleaning)"
        );
        assert_eq!(r.closed[1].line(), "2026-11-26");
        assert_eq!(r.closed[1].shown(), "Thu 26 Nov 00:00\u{2013}24:00");
        let evening = parse_closed("2026-11-25 18:00-24:00 Party").unwrap();
        assert_eq!(evening[0].line(), "2026-11-25 18:00-24:00 Party");
        assert_eq!(parse_closed(&evening[0].line()).unwrap(), evening);
        for bad in [
            "tomorrow",
            "2026-11-25 14:00-12:00",
            "2026-13-01",
            "2026-11-25 12:00-25:00 x",
        ] {
            let e = parse_closed(bad).unwrap_err();
            assert!(e.starts_with("Closed periods, line 1"), "{bad}: {e}");
        }
        let many = (0..=CLOSED_MAX)
            .map(|_| "2026-11-25")
            .collect::<Vec<_>>()
            .join("\n");
        assert!(parse_closed(&many).unwrap_err().contains("at most 50"));
        assert!(parse_closed(&format!("2026-11-25 {}", "r".repeat(REASON_MAX + 1))).is_err());
    }

    #[test]
    fn valid_form_parses() {
        let r = form().parse().unwrap();
        assert_eq!(r.capacity, Some(12));
        assert_eq!(r.equipment, vec!["projector", "video call", "whiteboard"]);
        assert_eq!(r.opens_text().as_deref(), Some("08:00"));
        let mut f = form();
        f.capacity = " ".into();
        f.opens = String::new();
        f.closes = String::new();
        let r = f.parse().unwrap();
        assert_eq!((r.capacity, r.opens, r.closes), (None, None, None));
    }

    #[test]
    fn capacity_is_bounded() {
        for bad in ["0", "10001", "-3", "twelve", "1e3"] {
            let mut f = form();
            f.capacity = bad.into();
            let e = f.parse().unwrap_err();
            assert!(e.get("capacity").unwrap().contains("1 to 10000"), "{bad}");
        }
        let mut f = form();
        f.capacity = "10000".into();
        assert_eq!(f.parse().unwrap().capacity, Some(10_000));
    }

    #[test]
    fn tags_are_bounded() {
        let mut f = form();
        f.equipment = "x".repeat(TAG_MAX + 1);
        assert!(f.parse().unwrap_err().get("equipment").is_some());
        f.equipment = (0..=TAGS_MAX)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(",");
        assert!(
            f.parse()
                .unwrap_err()
                .get("equipment")
                .unwrap()
                .contains("at most 20")
        );
    }

    #[test]
    fn hours_must_be_an_interval() {
        let mut f = form();
        f.closes = "07:00".into();
        assert!(f.parse().unwrap_err().get("closes").is_some());
        f.closes = String::new();
        assert!(f.parse().unwrap_err().get("closes").is_some());
        f.opens = "noon".into();
        assert!(f.parse().unwrap_err().get("opens").is_some());
    }

    #[test]
    fn every_bad_field_is_reported() {
        let f = RoomForm {
            name: " ".into(),
            location: "l\nl".into(),
            capacity: "0".into(),
            equipment: "e".repeat(TAG_MAX + 1),
            notes: "n".repeat(NOTES_MAX + 1),
            open_for_breakouts: String::new(),
            opens: "25:00".into(),
            closes: "x".into(),
            closed: "soon".into(),
        };
        let e = f.parse().unwrap_err();
        for field in [
            "name",
            "location",
            "capacity",
            "equipment",
            "notes",
            "opens",
            "closes",
            "closed",
        ] {
            assert!(e.get(field).is_some(), "{field}: {e}");
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics(cap in ".{0,12}", tags in ".{0,200}", opens in ".{0,8}", closes in ".{0,8}") {
            let mut f = form();
            f.capacity = cap;
            f.equipment = tags;
            f.opens = opens;
            f.closes = closes;
            let _ = f.parse();
        }
    }
}
