//! People conflicts and capacity (issue 12, item 3): what a session's schedule asks
//! of the people who must be there and of its room. Each is a **warning**, never a
//! refusal: an organizer may know better ("the storage team sends two people") and
//! acknowledges it; the acknowledgement (who, when) is stored with the session and
//! recorded in its history.
//!
//! Computed by pure functions from a session and its neighbours in time, so a save,
//! the session's page and the timetable agree:
//! - a **required** participant booked in two sessions at once (optional ones never
//!   clash);
//! - a required participant not yet arrived or already gone, from a [`Presence`]
//!   (the travel records once they exist; until then nobody has dates);
//! - more required participants than the room holds;
//! - a person who must change rooms with no gap between two consecutive sessions.
//!
//! A warning's `key` names what it is about (the person, the other session and both
//! start times), so an acknowledgement covers exactly that situation: move either
//! session and the warning comes back, unacknowledged.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{HackSession, MAX_HOURS};

/// At most this many warnings are computed for one session: beyond it, the timetable
/// needs replanning, not a longer list.
pub const PER_SESSION_MAX: usize = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum WarningKind {
    /// A required participant is in another session at the same time.
    DoubleBooked,
    /// A required participant arrives after the start or leaves before the end.
    Away,
    /// More required participants than the room's capacity.
    OverCapacity,
    /// A required participant goes straight from another room, with no gap.
    NoGap,
}

impl WarningKind {
    pub fn label(self) -> &'static str {
        match self {
            WarningKind::DoubleBooked => "Double-booked",
            WarningKind::Away => "Not there",
            WarningKind::OverCapacity => "Over capacity",
            WarningKind::NoGap => "No gap",
        }
    }
}

/// One warning on a session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Warning {
    /// What it is about; an [`Ack`] with this key acknowledges it.
    pub key: String,
    pub kind: WarningKind,
    /// Shown as is: "alice is also in “Storage plans” (Tue 24 Nov 10:00–11:00)."
    pub text: String,
    /// The other session it involves, if any.
    pub other: Option<Uuid>,
    /// Who acknowledged it and when, if someone did.
    pub acknowledged: Option<Ack>,
    /// When, on the hackfest's wall clock (set where the hackfest's zone is known).
    #[serde(default)]
    pub acknowledged_local: Option<NaiveDateTime>,
}

/// An organizer's acknowledgement of a warning, kept with the session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Ack {
    pub key: String,
    /// The warning's text when it was acknowledged (history shows it).
    pub text: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// When a person is at the hackfest, on its wall clock; `None`: not known.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stay {
    pub arrives: Option<NaiveDateTime>,
    pub leaves: Option<NaiveDateTime>,
}

/// Where people's arrival and departure come from: the travel records (issue 13)
/// implement it; [`Stays`] is a plain map of them.
pub trait Presence {
    /// The stay of `person` (a participant as written in a session), if known.
    fn stay(&self, person: &str) -> Option<Stay>;
}

/// Stays by person (names compared as [`fold`] compares them). Empty: nobody's
/// dates are known, so nobody is "not there".
#[derive(Clone, Debug, Default)]
pub struct Stays(HashMap<String, Stay>);

impl Stays {
    pub fn insert(&mut self, person: &str, stay: Stay) {
        self.0.insert(fold(person), stay);
    }
}

impl Presence for Stays {
    fn stay(&self, person: &str) -> Option<Stay> {
        self.0.get(&fold(person)).copied()
    }
}

/// How participants are compared: trimmed, without a leading `@`, lower case.
pub fn fold(name: &str) -> String {
    name.trim().trim_start_matches('@').to_lowercase()
}

fn local(s: &HackSession) -> (NaiveDateTime, NaiveDateTime) {
    (
        s.starts_local.unwrap_or(s.starts_at.naive_utc()),
        s.ends_local.unwrap_or(s.ends_at.naive_utc()),
    )
}

/// "Tue 24 Nov 10:00–11:00" on the hackfest's wall clock.
fn span(s: &HackSession) -> String {
    let (a, b) = local(s);
    if a.date() == b.date() {
        format!(
            "{}\u{2013}{}",
            a.format("%a %-d %b %H:%M"),
            b.format("%H:%M")
        )
    } else {
        format!(
            "{} \u{2013} {}",
            a.format("%a %-d %b %H:%M"),
            b.format("%a %-d %b %H:%M")
        )
    }
}

/// Where a session is held, for "changes rooms": its room, else its free-text place.
fn place(s: &HackSession) -> Option<String> {
    match s.room_id {
        Some(id) => Some(id.to_string()),
        None => Some(fold(&s.room)).filter(|p| !p.is_empty()),
    }
}

/// The warnings of session `s` booked in a room that holds `capacity` people (`None`:
/// no limit), given its `near` sessions (others overlapping or touching it; anything
/// else is ignored) and people's stays. Cancelled sessions warn of nothing and clash
/// with nothing. Acknowledgements stored on `s` are attached.
pub fn of<'a>(
    s: &HackSession,
    capacity: Option<i64>,
    near: impl IntoIterator<Item = &'a HackSession>,
    presence: &impl Presence,
) -> Vec<Warning> {
    let mut out: Vec<Warning> = Vec::new();
    if s.cancelled_at.is_some() {
        return out;
    }
    let people: Vec<(String, &str)> = s
        .participants
        .iter()
        .map(|p| (fold(p), p.as_str()))
        .collect();
    let push = |out: &mut Vec<Warning>, w: Warning| {
        if out.len() < PER_SESSION_MAX && !out.iter().any(|o| o.key == w.key) {
            out.push(w);
        }
    };
    if let Some(c) = capacity {
        let n = s.participants.len();
        if i64::try_from(n).unwrap_or(i64::MAX) > c {
            push(
                &mut out,
                Warning {
                    key: format!(
                        "over_capacity:{}:{n}:{c}",
                        s.room_id.map(|r| r.to_string()).unwrap_or_default()
                    ),
                    kind: WarningKind::OverCapacity,
                    text: format!(
                        "{n} required participants, and {} holds {c}.",
                        if s.room.is_empty() {
                            "the room".to_owned()
                        } else {
                            format!("Room {}", s.room)
                        }
                    ),
                    other: None,
                    acknowledged: None,
                    acknowledged_local: None,
                },
            );
        }
    }
    let (starts, ends) = local(s);
    for (key, name) in &people {
        let Some(stay) = presence.stay(name) else {
            continue;
        };
        let late = stay.arrives.filter(|a| *a > starts);
        let early = stay.leaves.filter(|l| *l < ends);
        let text = match (late, early) {
            // The day only: people share their travel days, not their times.
            (Some(a), _) => format!(
                "{name} arrives on {}, after this session starts.",
                a.format("%a %-d %b")
            ),
            (None, Some(l)) => format!(
                "{name} leaves on {}, before this session ends.",
                l.format("%a %-d %b")
            ),
            (None, None) => continue,
        };
        push(
            &mut out,
            Warning {
                key: format!(
                    "away:{key}:{}:{}",
                    s.starts_at.timestamp(),
                    s.ends_at.timestamp()
                ),
                kind: WarningKind::Away,
                text,
                other: None,
                acknowledged: None,
                acknowledged_local: None,
            },
        );
    }
    let here = place(s);
    for o in near {
        if o.id == s.id || o.cancelled_at.is_some() {
            continue;
        }
        let overlaps = o.starts_at < s.ends_at && s.starts_at < o.ends_at;
        let touches = o.ends_at == s.starts_at || o.starts_at == s.ends_at;
        let moves = touches && here.is_some() && place(o).is_some() && place(o) != here;
        if !overlaps && !moves {
            continue;
        }
        for p in &o.participants {
            let folded = fold(p);
            let Some((key, name)) = people.iter().find(|(k, _)| *k == folded) else {
                continue;
            };
            let about = format!(
                "{key}:{}:{}:{}",
                o.id,
                o.starts_at.timestamp(),
                s.starts_at.timestamp()
            );
            let w = if overlaps {
                Warning {
                    key: format!("double_booked:{about}"),
                    kind: WarningKind::DoubleBooked,
                    text: format!(
                        "{name} is also in \u{201c}{}\u{201d} ({}).",
                        o.title,
                        span(o)
                    ),
                    other: Some(o.id),
                    acknowledged: None,
                    acknowledged_local: None,
                }
            } else {
                let (before, after) = if o.ends_at == s.starts_at {
                    ("comes straight from", "ends")
                } else {
                    ("goes straight to", "starts")
                };
                let room = if o.room.is_empty() {
                    "another room".to_owned()
                } else {
                    format!("Room {}", o.room)
                };
                Warning {
                    key: format!("no_gap:{about}"),
                    kind: WarningKind::NoGap,
                    text: format!(
                        "{name} {before} \u{201c}{}\u{201d} in {room}, which {after} at {}: no gap to change rooms.",
                        o.title,
                        if after == "ends" {
                            local(o).1.format("%H:%M")
                        } else {
                            local(o).0.format("%H:%M")
                        }
                    ),
                    other: Some(o.id),
                    acknowledged: None,
                    acknowledged_local: None,
                }
            };
            push(&mut out, w);
        }
        if out.len() >= PER_SESSION_MAX {
            break;
        }
    }
    for w in &mut out {
        w.acknowledged = s.acknowledged.iter().find(|a| a.key == w.key).cloned();
    }
    out
}

/// The warnings of every session in `sessions` (a day of the timetable, say), each
/// against the others: by id. Sessions are compared only with those sharing a
/// required participant and starting within a day before their end, so a day of
/// many sessions costs what its people's bookings cost.
pub fn of_each(
    sessions: &[HackSession],
    capacity: impl Fn(Uuid) -> Option<i64>,
    presence: &impl Presence,
) -> HashMap<Uuid, Vec<Warning>> {
    let mut by_person: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, s) in sessions.iter().enumerate() {
        if s.cancelled_at.is_some() {
            continue;
        }
        for p in &s.participants {
            let v = by_person.entry(fold(p)).or_default();
            if v.last() != Some(&i) {
                v.push(i);
            }
        }
    }
    for v in by_person.values_mut() {
        v.sort_by_key(|i| (sessions[*i].starts_at, *i));
    }
    let reach = Duration::hours(MAX_HOURS);
    sessions
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut near: Vec<usize> = Vec::new();
            let mut seen: HashSet<usize> = HashSet::new();
            for p in &s.participants {
                let Some(v) = by_person.get(&fold(p)) else {
                    continue;
                };
                let from = v.partition_point(|j| sessions[*j].starts_at < s.starts_at - reach);
                for j in &v[from..] {
                    if sessions[*j].starts_at > s.ends_at || near.len() >= 4 * PER_SESSION_MAX {
                        break;
                    }
                    // Before it and not touching: neither a clash nor a room change.
                    if sessions[*j].ends_at < s.starts_at {
                        continue;
                    }
                    if *j != i && seen.insert(*j) {
                        near.push(*j);
                    }
                }
            }
            let cap = s.room_id.and_then(&capacity);
            (
                s.id,
                of(s, cap, near.iter().map(|j| &sessions[*j]), presence),
            )
        })
        .collect()
}

/// How many of `warnings` no one has acknowledged.
pub fn open(warnings: &[Warning]) -> usize {
    warnings.iter().filter(|w| w.acknowledged.is_none()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn session(title: &str, room: Option<Uuid>, a: &str, b: &str, people: &[&str]) -> HackSession {
        HackSession {
            room: room.map_or(String::new(), |_| title.to_owned() + " room"),
            room_id: room,
            participants: people.iter().map(|p| (*p).to_owned()).collect(),
            ..crate::session::sample(title, t(a), t(b))
        }
    }

    #[test]
    fn a_required_person_in_two_sessions_at_once_is_double_booked_both_ways() {
        let (fedora, lobby) = (Some(Uuid::new_v4()), Some(Uuid::new_v4()));
        let a = session(
            "Storage",
            fedora,
            "2026-11-24 10:00",
            "2026-11-24 11:00",
            &["alice", "bob"],
        );
        let mut b = session(
            "Datacenter",
            lobby,
            "2026-11-24 10:30",
            "2026-11-24 12:00",
            &["@Alice"],
        );
        b.optional_participants = vec!["bob".into()];
        let all = [a.clone(), b.clone()];
        let w = of_each(&all, |_| None, &Stays::default());
        let on_a = &w[&a.id];
        assert_eq!(on_a.len(), 1, "{on_a:?}");
        assert_eq!(on_a[0].kind, WarningKind::DoubleBooked);
        assert_eq!(on_a[0].other, Some(b.id));
        assert_eq!(
            on_a[0].text,
            "alice is also in \u{201c}Datacenter\u{201d} (Tue 24 Nov 10:30\u{2013}12:00)."
        );
        assert_eq!(w[&b.id][0].other, Some(a.id), "the other session warns too");
        // Optional participants never clash; a cancelled session clashes with nothing.
        let mut c = b.clone();
        c.cancelled_at = Some(Utc::now());
        assert!(of(&a, None, [&c], &Stays::default()).is_empty());
    }

    #[test]
    fn capacity_counts_required_participants() {
        let room = Some(Uuid::new_v4());
        let mut s = session(
            "Big",
            room,
            "2026-11-24 10:00",
            "2026-11-24 11:00",
            &["a", "b", "c"],
        );
        s.optional_participants = vec!["d".into(), "e".into()];
        assert!(of(&s, Some(3), [], &Stays::default()).is_empty());
        let w = of(&s, Some(2), [], &Stays::default());
        assert_eq!(w[0].kind, WarningKind::OverCapacity);
        assert_eq!(
            w[0].text,
            "3 required participants, and Room Big room holds 2."
        );
    }

    #[test]
    fn back_to_back_in_another_room_has_no_gap_but_the_same_room_is_fine() {
        let (r1, r2) = (Some(Uuid::new_v4()), Some(Uuid::new_v4()));
        let s = session(
            "Auth docs",
            r1,
            "2026-11-24 10:00",
            "2026-11-24 11:00",
            &["carol"],
        );
        let next = session(
            "CI bus",
            r2,
            "2026-11-24 11:00",
            "2026-11-24 12:00",
            &["carol"],
        );
        let same = session(
            "Same room",
            r1,
            "2026-11-24 09:00",
            "2026-11-24 10:00",
            &["carol"],
        );
        let w = of(&s, None, [&next, &same], &Stays::default());
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].kind, WarningKind::NoGap);
        assert!(
            w[0].text
                .starts_with("carol goes straight to \u{201c}CI bus\u{201d}"),
            "{}",
            w[0].text
        );
        let later = session(
            "Later",
            r2,
            "2026-11-24 11:05",
            "2026-11-24 12:00",
            &["carol"],
        );
        assert!(
            of(&s, None, [&later], &Stays::default()).is_empty(),
            "five minutes is a gap"
        );
    }

    #[test]
    fn a_person_not_yet_arrived_is_not_there_and_an_acknowledgement_sticks_to_its_key() {
        let mut s = session(
            "Kickoff",
            None,
            "2026-11-23 09:00",
            "2026-11-23 10:00",
            &["dave", "erin"],
        );
        let mut stays = Stays::default();
        stays.insert(
            "Dave",
            Stay {
                arrives: Some(t("2026-11-23 14:10")),
                leaves: None,
            },
        );
        stays.insert(
            "erin",
            Stay {
                arrives: None,
                leaves: Some(t("2026-11-27 12:00")),
            },
        );
        let w = of(&s, None, [], &stays);
        assert_eq!(w.len(), 1);
        assert_eq!(
            w[0].text,
            "dave arrives on Mon 23 Nov, after this session starts."
        );
        assert_eq!(open(&w), 1);
        s.acknowledged.push(Ack {
            key: w[0].key.clone(),
            text: w[0].text.clone(),
            by: "org".into(),
            at: Utc::now(),
        });
        assert_eq!(open(&of(&s, None, [], &stays)), 0);
        // Moved: the same person, another situation, unacknowledged again.
        s.starts_at += Duration::hours(1);
        s.starts_local = s.starts_local.map(|x| x + Duration::hours(1));
        s.ends_at += Duration::hours(1);
        s.ends_local = s.ends_local.map(|x| x + Duration::hours(1));
        assert_eq!(open(&of(&s, None, [], &stays)), 1);
    }

    #[test]
    fn many_clashes_stop_at_the_cap() {
        let base = session(
            "One",
            None,
            "2026-11-24 10:00",
            "2026-11-24 11:00",
            &["zoe"],
        );
        let many: Vec<HackSession> = (0..500)
            .map(|i| {
                session(
                    &format!("S{i}"),
                    None,
                    "2026-11-24 10:00",
                    "2026-11-24 11:00",
                    &["zoe"],
                )
            })
            .collect();
        let mut all = vec![base.clone()];
        all.extend(many);
        let w = of_each(&all, |_| None, &Stays::default());
        assert_eq!(w[&base.id].len(), PER_SESSION_MAX);
    }
}
