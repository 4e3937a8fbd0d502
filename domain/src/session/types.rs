use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::warnings::{Ack, Warning, fold};
use crate::FieldErrors;
use crate::history::Fields;
use crate::text::{long_text, optional_line, required_line};

pub const TITLE_MAX: usize = 200;
pub const ROOM_MAX: usize = 100;
pub const PARTICIPANT_MAX: usize = 100;
pub const PARTICIPANTS_MAX: usize = 100;
pub const TEXT_MAX: usize = 50_000;
/// A session longer than a day is a planning mistake, not a session.
pub const MAX_HOURS: i64 = 24;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum SessionKind {
    Discussion,
    Meeting,
    Work,
    Social,
}

crate::text_enum!(SessionKind, "Kind", {
    Discussion => "discussion", "Discussion";
    Meeting => "meeting", "Meeting with an outside team";
    Work => "work", "Work block";
    Social => "social", "Social";
});

/// A session as the browser and the API see it. Times are stored in UTC; the
/// `*_local` fields are the same instants on the hackfest's wall clock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct HackSession {
    pub id: Uuid,
    pub hackfest_id: Uuid,
    pub title: String,
    pub kind: SessionKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The room's name (or a free-text place when `room_id` is `None`).
    pub room: String,
    /// The hackfest's room the session is booked in.
    #[cfg_attr(feature = "server", sqlx(default))]
    #[serde(default)]
    pub room_id: Option<Uuid>,
    /// The required participants: people (account names) and guests such as "Red Hat
    /// Storage team". Warnings count only these.
    #[cfg_attr(feature = "server", sqlx(json))]
    pub participants: Vec<String>,
    /// Welcome, not needed: they never clash.
    #[cfg_attr(feature = "server", sqlx(json))]
    #[serde(default)]
    pub optional_participants: Vec<String>,
    #[cfg_attr(feature = "server", sqlx(json))]
    pub goal_ids: Vec<Uuid>,
    pub agenda: String,
    pub notes: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When an organizer cancelled it: it stays (feeds mark it cancelled) and no
    /// longer holds its room.
    #[cfg_attr(feature = "server", sqlx(default))]
    #[serde(default)]
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Warnings an organizer has acknowledged (see [`super::warnings`]).
    #[cfg_attr(feature = "server", sqlx(json))]
    #[serde(default)]
    pub acknowledged: Vec<Ack>,
    #[cfg_attr(feature = "server", sqlx(skip))]
    #[serde(default)]
    pub starts_local: Option<NaiveDateTime>,
    #[cfg_attr(feature = "server", sqlx(skip))]
    #[serde(default)]
    pub ends_local: Option<NaiveDateTime>,
    /// Sanitised HTML of the agenda and notes (rendered on the server).
    #[cfg_attr(feature = "server", sqlx(skip))]
    #[serde(default)]
    pub agenda_html: String,
    #[cfg_attr(feature = "server", sqlx(skip))]
    #[serde(default)]
    pub notes_html: String,
    /// Its people conflicts and capacity, as computed when it was read or saved
    /// (derived: not stored, not in bus messages).
    #[cfg_attr(feature = "server", sqlx(skip))]
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

impl HackSession {
    pub fn to_form(&self) -> SessionForm {
        let local = |t: Option<NaiveDateTime>, utc: DateTime<Utc>| {
            t.unwrap_or(utc.naive_utc())
                .format(DATETIME_FORMAT)
                .to_string()
        };
        SessionForm {
            title: self.title.clone(),
            kind: self.kind.as_str().into(),
            starts_at: local(self.starts_local, self.starts_at),
            ends_at: local(self.ends_local, self.ends_at),
            room: self.room.clone(),
            room_id: self.room_id.map(|r| r.to_string()).unwrap_or_default(),
            participants: self.participants.join("\n"),
            optional_participants: self.optional_participants.join("\n"),
            goal_ids: join_ids(&self.goal_ids),
            agenda: self.agenda.clone(),
            notes: self.notes.clone(),
        }
    }

    /// The wall-clock day the session starts on.
    pub fn day(&self) -> NaiveDate {
        self.starts_local
            .unwrap_or(self.starts_at.naive_utc())
            .date()
    }
}

/// A session for unit tests: `[from, until)` on the wall clock (UTC the same), in no
/// room, with nobody.
#[cfg(test)]
pub(crate) fn sample(title: &str, from: NaiveDateTime, until: NaiveDateTime) -> HackSession {
    use chrono::TimeZone;
    HackSession {
        id: Uuid::new_v4(),
        hackfest_id: Uuid::nil(),
        title: title.into(),
        kind: SessionKind::Discussion,
        starts_at: Utc.from_utc_datetime(&from),
        ends_at: Utc.from_utc_datetime(&until),
        room: String::new(),
        room_id: None,
        participants: Vec::new(),
        optional_participants: Vec::new(),
        goal_ids: Vec::new(),
        agenda: String::new(),
        notes: String::new(),
        version: 1,
        created_at: Utc.from_utc_datetime(&from),
        updated_at: Utc.from_utc_datetime(&from),
        cancelled_at: None,
        acknowledged: Vec::new(),
        starts_local: Some(from),
        ends_local: Some(until),
        agenda_html: String::new(),
        notes_html: String::new(),
        warnings: Vec::new(),
    }
}

/// Raw input, as typed into the session form. Times are wall-clock times in the
/// hackfest's time zone, as `<input type="datetime-local">` sends them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SessionForm {
    pub title: String,
    pub kind: String,
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    pub room: String,
    /// One of the hackfest's rooms (empty: none, or the room named `room` if there is one).
    #[serde(default)]
    pub room_id: String,
    /// One name per line (or comma-separated): people and guests such as "Red Hat Storage team".
    #[serde(default)]
    pub participants: String,
    /// The same, for participants who are welcome but not needed.
    #[serde(default)]
    pub optional_participants: String,
    /// Comma-separated goal ids.
    #[serde(default)]
    pub goal_ids: String,
    #[serde(default)]
    pub agenda: String,
    #[serde(default)]
    pub notes: String,
}

/// Parsed, valid session fields (times still on the hackfest's wall clock).
#[derive(Clone, Debug, PartialEq)]
pub struct NewSession {
    pub title: String,
    pub kind: SessionKind,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub room: String,
    pub room_id: Option<Uuid>,
    pub participants: Vec<String>,
    pub optional_participants: Vec<String>,
    pub goal_ids: Vec<Uuid>,
    pub agenda: String,
    pub notes: String,
}

pub const DATETIME_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// `2026-11-23T09:30` (what `datetime-local` sends), also with seconds or a space.
pub fn parse_local_datetime(input: &str, what: &str) -> Result<NaiveDateTime, String> {
    let s = input.trim();
    if s.is_empty() {
        return Err(format!("{what} is required."));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .ok_or_else(|| format!("{what} must be a date and time like 2026-11-23T09:30."))
}

/// Names, one per line or separated by commas; blanks and repeats dropped.
pub fn parse_names(
    input: &str,
    what: &str,
    each_max: usize,
    count_max: usize,
) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for name in input
        .split(['\n', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        crate::text::no_controls(name, what, &['\t'])?;
        let n = name.chars().count();
        if n > each_max {
            return Err(format!(
                "{what}: \"{}…\" is too long ({n} characters, at most {each_max}).",
                name.chars().take(20).collect::<String>()
            ));
        }
        if !out.iter().any(|o| fold(o) == fold(name)) {
            if out.len() == count_max {
                return Err(format!("{what}: at most {count_max} entries."));
            }
            out.push(name.to_owned());
        }
    }
    Ok(out)
}

/// How many ids one list field (linked goals, …) may hold.
pub const IDS_MAX: usize = 100;

/// Comma- or space-separated ids; repeats dropped; at most [`IDS_MAX`].
pub fn parse_ids(input: &str, what: &str) -> Result<Vec<Uuid>, String> {
    let mut out = Vec::new();
    for s in input
        .split([',', ' ', '\n', '\r', '\t'])
        .filter(|s| !s.is_empty())
    {
        let id = Uuid::parse_str(s)
            .map_err(|_| format!("{what}: \"{}\" is not a valid id.", crate::text::shown(s)))?;
        if !out.contains(&id) {
            if out.len() == IDS_MAX {
                return Err(format!("{what}: at most {IDS_MAX} entries."));
            }
            out.push(id);
        }
    }
    Ok(out)
}

/// One id, or nothing (an empty select).
pub fn parse_optional_id(input: &str, what: &str) -> Result<Option<Uuid>, String> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(t)
        .map(Some)
        .map_err(|_| format!("{what}: \"{}\" is not a valid id.", crate::text::shown(t)))
}

pub fn join_ids(ids: &[Uuid]) -> String {
    ids.iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

impl SessionForm {
    pub fn parse(&self) -> Result<NewSession, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = e.check("title", required_line(&self.title, "Title", TITLE_MAX));
        let kind = e.check("kind", SessionKind::parse(&self.kind));
        let starts_at = e.check("starts_at", parse_local_datetime(&self.starts_at, "Start"));
        let ends_at = e.check("ends_at", parse_local_datetime(&self.ends_at, "End"));
        if let (Some(s), Some(end)) = (starts_at, ends_at) {
            if end <= s {
                e.add("ends_at", "End must be after the start.");
            } else if (end - s).num_hours() >= MAX_HOURS {
                e.add(
                    "ends_at",
                    format!("A session lasts less than {MAX_HOURS} hours."),
                );
            }
        }
        let room = e.check("room", optional_line(&self.room, "Room", ROOM_MAX));
        let room_id = e.check("room_id", parse_optional_id(&self.room_id, "Room"));
        let participants = e.check(
            "participants",
            parse_names(
                &self.participants,
                "Participants",
                PARTICIPANT_MAX,
                PARTICIPANTS_MAX,
            ),
        );
        let optional = e.check(
            "optional_participants",
            parse_names(
                &self.optional_participants,
                "Optional participants",
                PARTICIPANT_MAX,
                PARTICIPANTS_MAX,
            ),
        );
        if let (Some(required), Some(optional)) = (&participants, &optional)
            && let Some(both) = optional
                .iter()
                .find(|o| required.iter().any(|r| fold(r) == fold(o)))
        {
            e.add(
                "optional_participants",
                format!("{both} is also a required participant: list them once."),
            );
        }
        let goal_ids = e.check("goal_ids", parse_ids(&self.goal_ids, "Goals"));
        let agenda = e.check("agenda", long_text(&self.agenda, "Agenda", TEXT_MAX));
        let notes = e.check("notes", long_text(&self.notes, "Notes", TEXT_MAX));
        e.into_result(|| NewSession {
            title: title.unwrap(),
            kind: kind.unwrap(),
            starts_at: starts_at.unwrap(),
            ends_at: ends_at.unwrap(),
            room: room.unwrap(),
            room_id: room_id.unwrap(),
            participants: participants.unwrap(),
            optional_participants: optional.unwrap(),
            goal_ids: goal_ids.unwrap(),
            agenda: agenda.unwrap(),
            notes: notes.unwrap(),
        })
    }
}

impl NewSession {
    pub fn field_values(&self) -> Fields {
        vec![
            ("title", self.title.clone()),
            ("kind", self.kind.to_string()),
            (
                "starts_at",
                self.starts_at.format(DATETIME_FORMAT).to_string(),
            ),
            ("ends_at", self.ends_at.format(DATETIME_FORMAT).to_string()),
            ("room", self.room.clone()),
            ("participants", self.participants.join(", ")),
            (
                "optional_participants",
                self.optional_participants.join(", "),
            ),
            ("goal_ids", join_ids(&self.goal_ids)),
            ("agenda", self.agenda.clone()),
            ("notes", self.notes.clone()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn form() -> SessionForm {
        SessionForm {
            title: "Auth systems deep dive".into(),
            kind: "discussion".into(),
            starts_at: "2026-11-23T09:30".into(),
            ends_at: "2026-11-23T11:00".into(),
            room: "Fedora".into(),
            room_id: String::new(),
            participants: "alice\nRed Hat Storage team, alice".into(),
            optional_participants: String::new(),
            goal_ids: String::new(),
            agenda: "1. Ipsilon\n2. Kerberos".into(),
            notes: String::new(),
        }
    }

    #[test]
    fn id_lists_and_names_are_bounded() {
        let ids: Vec<String> = (0..IDS_MAX + 1)
            .map(|_| Uuid::now_v7().to_string())
            .collect();
        assert_eq!(
            parse_ids(&ids[..IDS_MAX].join(","), "Goals").unwrap().len(),
            IDS_MAX
        );
        let e = parse_ids(&ids.join(","), "Goals").unwrap_err();
        assert_eq!(e, format!("Goals: at most {IDS_MAX} entries."));
        // Repeats do not count; 27,000 copies of one id are one id.
        assert_eq!(
            parse_ids(&vec![ids[0].as_str(); 27_000].join(" "), "Goals")
                .unwrap()
                .len(),
            1
        );
        assert!(
            parse_ids("\0", "Goals")
                .unwrap_err()
                .contains("not a valid id")
        );
        assert!(
            parse_names("kevin\nnils\u{1b}", "Participants", 80, 10)
                .unwrap_err()
                .contains("control character")
        );
        let many: Vec<String> = (0..11).map(|i| format!("p{i}")).collect();
        assert!(
            parse_names(&many.join(","), "Participants", 80, 10)
                .unwrap_err()
                .contains("at most 10")
        );
    }

    #[test]
    fn valid_form_parses() {
        let s = form().parse().unwrap();
        assert_eq!(s.kind, SessionKind::Discussion);
        assert_eq!(s.participants, vec!["alice", "Red Hat Storage team"]);
        assert_eq!(
            s.starts_at.format(DATETIME_FORMAT).to_string(),
            "2026-11-23T09:30"
        );
    }

    #[test]
    fn a_person_is_required_or_optional_not_both() {
        let mut f = form();
        f.optional_participants = "bob\n@Alice".into();
        let e = f.parse().unwrap_err();
        assert_eq!(
            e.get("optional_participants"),
            Some("@Alice is also a required participant: list them once.")
        );
        f.optional_participants = "bob, Bob".into();
        assert_eq!(f.parse().unwrap().optional_participants, vec!["bob"]);
    }

    #[test]
    fn end_before_start_is_a_field_error() {
        let mut f = form();
        f.ends_at = "2026-11-23T09:00".into();
        let e = f.parse().unwrap_err();
        assert_eq!(e.get("ends_at"), Some("End must be after the start."));
        f.ends_at = f.starts_at.clone();
        assert!(f.parse().is_err());
        f.ends_at = "2026-11-25T09:00".into();
        assert!(
            f.parse()
                .unwrap_err()
                .get("ends_at")
                .unwrap()
                .contains("24 hours")
        );
    }

    #[test]
    fn every_bad_field_is_reported() {
        let f = SessionForm {
            title: "x".repeat(TITLE_MAX + 1),
            kind: "party".into(),
            starts_at: "tomorrow".into(),
            ends_at: "".into(),
            room: "r\nr".into(),
            room_id: "nope".into(),
            participants: "p".repeat(PARTICIPANT_MAX + 1),
            optional_participants: "\u{7}".into(),
            goal_ids: "nope".into(),
            agenda: "a".repeat(TEXT_MAX + 1),
            notes: "n".repeat(TEXT_MAX + 1),
        };
        let e = f.parse().unwrap_err();
        for field in [
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "room",
            "room_id",
            "participants",
            "optional_participants",
            "goal_ids",
            "agenda",
            "notes",
        ] {
            assert!(e.get(field).is_some(), "{field}: {e}");
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics(start in ".{0,30}", end in ".{0,30}", names in ".{0,200}", ids in ".{0,80}") {
            let mut f = form();
            f.starts_at = start;
            f.ends_at = end;
            f.participants = names;
            f.goal_ids = ids;
            let _ = f.parse();
        }
    }
}
