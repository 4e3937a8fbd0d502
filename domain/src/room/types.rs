use chrono::{DateTime, NaiveTime, Utc};
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

/// A room as the browser and the API see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
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
        }
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
        }
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
