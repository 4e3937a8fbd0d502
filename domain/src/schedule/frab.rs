//! The frab-compatible schedule (c3voc's `schedule.xml`, valid against
//! `vendor/c3voc/schedule.xml.xsd`, and its JSON sibling): conference > day > room >
//! event. Conference tools (the C3VOC tracker, Giggity, EventFahrplan, info-beamer)
//! read it.
//!
//! - Event ids are integers derived from the session's id (31 bits of an FNV-1a hash;
//!   a collision moves the later-created session to the next free number), so a
//!   session keeps its id across exports; `guid` is the session's UUID.
//! - Times are on the hackfest's wall clock with their UTC offset; a day runs from
//!   local midnight to the next (or to the last session's end).
//! - A session booked in a room is in that room; one without is in a room named by its
//!   free-text place, or "Unassigned".
//! - A cancelled session is left out: frab has no cancelled state (the iCal feeds keep
//!   it, marked cancelled).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::text::xml as x;

use super::{session_url, zone};
use crate::hackfest::Hackfest;
use crate::room::Room;
use crate::session::HackSession;

/// The room of sessions with neither a booked room nor a place.
pub const UNASSIGNED: &str = "Unassigned";
/// Days listed when the hackfest's dates span more than this are only those with sessions.
const MAX_LISTED_DAYS: i64 = 62;

/// 32-bit FNV-1a.
fn fnv1a(bytes: &[u8], seed: u32) -> u32 {
    let mut h = 0x811c_9dc5u32 ^ seed;
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// A positive 31-bit number from `bytes`.
fn number(bytes: &[u8]) -> u32 {
    (fnv1a(bytes, 0) & 0x7fff_ffff).max(1)
}

/// Each session's integer event id: 31 bits of a hash of its UUID; sessions are
/// numbered in creation order, and one whose number is taken takes the next free one,
/// so earlier sessions keep theirs whatever is added later.
pub fn event_ids(sessions: &[HackSession]) -> HashMap<Uuid, u32> {
    let mut order: Vec<&HackSession> = sessions.iter().collect();
    order.sort_by_key(|s| (s.created_at, s.id));
    let mut used = HashSet::with_capacity(order.len());
    let mut ids = HashMap::with_capacity(order.len());
    for s in order {
        let mut n = number(s.id.as_bytes());
        while !used.insert(n) {
            n = if n == 0x7fff_ffff { 1 } else { n + 1 };
        }
        ids.insert(s.id, n);
    }
    ids
}

/// A stable UUID for a room that is only a name (a free-text place): from the
/// hackfest's id and the name.
fn place_guid(hackfest: Uuid, name: &str) -> Uuid {
    let mut key = hackfest.as_bytes().to_vec();
    key.extend_from_slice(name.as_bytes());
    let mut b = [0u8; 16];
    for (i, chunk) in b.chunks_mut(4).enumerate() {
        chunk.copy_from_slice(&fnv1a(&key, (i as u32).wrapping_mul(0x9e37_79b9)).to_be_bytes());
    }
    uuid::Builder::from_custom_bytes(b).into_uuid()
}

/// Lowercase ASCII letters and digits, other runs as one `-`; at most `max` characters.
fn slugify(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if out.len() >= max {
            break;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// The conference's acronym, when the hackfest's slug has the XSD's shape
/// (`[a-z0-9_-]{4,}`; slugs are lowercase already).
fn acronym(slug: &str) -> Option<&str> {
    (slug.len() >= 4
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'))
    .then_some(slug)
}

/// An event's slug, as the XSD's `voc-slug-new` wants it:
/// `<hackfest, [a-z0-9_]{4,}>-<id>-<title>`; unique because the id is.
fn event_slug(hackfest_slug: &str, id: u32, title: &str) -> String {
    let mut head: String = hackfest_slug
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '_'
            }
        })
        .collect();
    while head.len() < 4 {
        head.push('_');
    }
    let words = slugify(title, 60);
    if words.is_empty() {
        format!("{head}-{id:04}")
    } else {
        format!("{head}-{id:04}-{words}")
    }
}

/// `2026-11-23T09:30:00+01:00`.
fn local_time(t: DateTime<Tz>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// Local midnight of `day` (the first instant of the day when midnight is skipped).
fn midnight(tz: Tz, day: NaiveDate) -> DateTime<Tz> {
    let t = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&t)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(t + chrono::TimeDelta::hours(1)))
                .earliest()
        })
        .unwrap_or_else(|| tz.from_utc_datetime(&t))
}

struct Ev<'a> {
    id: u32,
    s: &'a HackSession,
    start: DateTime<Tz>,
    slug: String,
    url: String,
}

impl Ev<'_> {
    fn duration(&self) -> String {
        let m = (self.s.ends_at - self.s.starts_at).num_minutes().max(0);
        format!("{:02}:{:02}", m / 60, m % 60)
    }
}

struct Day<'a> {
    /// 1-based (the XSD's positiveInteger); the JSON counts from 0 as frab does.
    index: usize,
    date: NaiveDate,
    start: DateTime<Tz>,
    end: DateTime<Tz>,
    /// By room (index into [`Export::rooms`]), each in start order.
    rooms: BTreeMap<usize, Vec<Ev<'a>>>,
}

/// The schedule, arranged once and written as XML or JSON.
pub struct Export<'a> {
    h: &'a Hackfest,
    base: String,
    tz: Tz,
    /// Room names and guids: the hackfest's rooms in their order, then places.
    rooms: Vec<(String, Uuid)>,
    days: Vec<Day<'a>>,
    version: String,
}

impl<'a> Export<'a> {
    /// `sessions`: the hackfest's (any order); `rooms`: its rooms, in the order to list them.
    pub fn new(h: &'a Hackfest, base: &str, rooms: &[Room], sessions: &'a [HackSession]) -> Self {
        let tz = zone(h);
        let base = base.trim_end_matches('/').to_owned();
        let ids = event_ids(sessions);
        let mut room_list: Vec<(String, Uuid)> =
            rooms.iter().map(|r| (r.name.clone(), r.id)).collect();
        let mut room_index: HashMap<String, usize> = room_list
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (n.clone(), i))
            .collect();
        let by_id: HashMap<Uuid, usize> =
            rooms.iter().enumerate().map(|(i, r)| (r.id, i)).collect();

        let mut live: Vec<&HackSession> = sessions
            .iter()
            .filter(|s| s.cancelled_at.is_none())
            .collect();
        live.sort_by_key(|s| (s.starts_at, s.id));

        let mut dates: Vec<NaiveDate> = Vec::new();
        if h.days() <= MAX_LISTED_DAYS {
            dates.extend(h.start_date.iter_days().take_while(|d| *d <= h.end_date));
        }
        let mut by_day: BTreeMap<NaiveDate, Vec<(usize, Ev<'a>)>> = BTreeMap::new();
        for s in live {
            let start = s.starts_at.with_timezone(&tz);
            let room = match s.room_id.and_then(|r| by_id.get(&r)) {
                Some(i) => *i,
                None => {
                    let name = if s.room.trim().is_empty() {
                        UNASSIGNED.to_owned()
                    } else {
                        s.room.trim().to_owned()
                    };
                    *room_index.entry(name.clone()).or_insert_with(|| {
                        room_list.push((name.clone(), place_guid(h.id, &name)));
                        room_list.len() - 1
                    })
                }
            };
            let id = ids[&s.id];
            by_day.entry(start.date_naive()).or_default().push((
                room,
                Ev {
                    id,
                    s,
                    start,
                    slug: event_slug(&h.slug, id, &s.title),
                    url: session_url(&base, &h.slug, s.id),
                },
            ));
        }
        dates.extend(by_day.keys().copied());
        dates.sort();
        dates.dedup();
        let days = dates
            .into_iter()
            .enumerate()
            .map(|(i, date)| {
                let events = by_day.remove(&date).unwrap_or_default();
                let start = midnight(tz, date);
                let next = midnight(tz, date.succ_opt().unwrap_or(date));
                let last = events.iter().map(|(_, e)| e.s.ends_at).max();
                let end = match last {
                    Some(l) if l > next.with_timezone(&Utc) => l.with_timezone(&tz),
                    _ => next,
                };
                let mut rooms: BTreeMap<usize, Vec<Ev<'a>>> = BTreeMap::new();
                for (r, e) in events {
                    rooms.entry(r).or_default().push(e);
                }
                Day {
                    index: i + 1,
                    date,
                    start,
                    end,
                    rooms,
                }
            })
            .collect();
        let newest = sessions
            .iter()
            .map(|s| s.updated_at)
            .chain([h.updated_at])
            .max()
            .unwrap_or(h.updated_at);
        Export {
            h,
            base,
            tz,
            rooms: room_list,
            days,
            version: newest.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }

    fn persons<'e>(e: &'e Ev<'_>) -> impl Iterator<Item = (u32, &'e str)> + 'e {
        e.s.participants
            .iter()
            .map(|p| (number(p.as_bytes()), p.as_str()))
    }

    /// `schedule.xml`.
    pub fn xml(&self) -> String {
        let h = self.h;
        let mut o = String::with_capacity(4096 + self.days.len() * 2048);
        o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<schedule>\n");
        o.push_str(&format!(
            "  <generator name=\"Hackfest\" version=\"{}\"/>\n",
            env!("CARGO_PKG_VERSION")
        ));
        o.push_str(&format!(
            "  <url>{}</url>\n  <version>{}</version>\n  <conference>\n",
            x(&format!("{}/h/{}/schedule.xml", self.base, h.slug)),
            x(&self.version)
        ));
        o.push_str(&format!("    <title>{}</title>\n", x(&h.title)));
        if let Some(a) = acronym(&h.slug) {
            o.push_str(&format!("    <acronym>{}</acronym>\n", x(a)));
        }
        o.push_str(&format!(
            "    <start>{}</start>\n    <end>{}</end>\n    <days>{}</days>\n\
             \x20   <timeslot_duration>00:15</timeslot_duration>\n\
             \x20   <base_url>{}</base_url>\n    <url>{}</url>\n    <time_zone_name>{}</time_zone_name>\n",
            h.start_date,
            h.end_date,
            self.days.len(),
            x(&format!("{}/h/{}/", self.base, h.slug)),
            x(&format!("{}/h/{}", self.base, h.slug)),
            x(self.tz.name()),
        ));
        o.push_str("  </conference>\n");
        for d in &self.days {
            o.push_str(&format!(
                "  <day index=\"{}\" date=\"{}\" start=\"{}\" end=\"{}\">\n",
                d.index,
                d.date,
                local_time(d.start),
                local_time(d.end)
            ));
            for (r, events) in &d.rooms {
                let (name, guid) = &self.rooms[*r];
                o.push_str(&format!(
                    "    <room name=\"{}\" guid=\"{guid}\">\n",
                    x(name)
                ));
                for e in events {
                    self.xml_event(&mut o, name, e);
                }
                o.push_str("    </room>\n");
            }
            o.push_str("  </day>\n");
        }
        o.push_str("</schedule>\n");
        o
    }

    fn xml_event(&self, o: &mut String, room: &str, e: &Ev<'_>) {
        let s = e.s;
        o.push_str(&format!(
            "      <event id=\"{}\" guid=\"{}\">\n\
             \x20       <room>{}</room>\n        <title>{}</title>\n        <subtitle></subtitle>\n\
             \x20       <type>{}</type>\n        <date>{}</date>\n        <start>{}</start>\n\
             \x20       <duration>{}</duration>\n        <abstract>{}</abstract>\n\
             \x20       <description>{}</description>\n        <slug>{}</slug>\n\
             \x20       <track>{}</track>\n        <language>en</language>\n        <url>{}</url>\n\
             \x20       <persons>\n",
            e.id,
            s.id,
            x(room),
            x(&s.title),
            x(s.kind.as_str()),
            local_time(e.start),
            e.start.format("%H:%M"),
            e.duration(),
            x(&s.agenda),
            x(&s.notes),
            x(&e.slug),
            x(s.kind.label()),
            x(&e.url),
        ));
        for (id, name) in Self::persons(e) {
            o.push_str(&format!(
                "          <person id=\"{id}\">{}</person>\n",
                x(name)
            ));
        }
        o.push_str("        </persons>\n        <links></links>\n        <attachments></attachments>\n      </event>\n");
    }

    /// `schedule.json`, frab's layout: `schedule > conference > days[] > rooms{name: [events]}`.
    pub fn json(&self) -> Value {
        let h = self.h;
        let days: Vec<Value> = self
            .days
            .iter()
            .map(|d| {
                let mut rooms = serde_json::Map::new();
                for (r, events) in &d.rooms {
                    let name = &self.rooms[*r].0;
                    let list: Vec<Value> =
                        events.iter().map(|e| self.json_event(name, e)).collect();
                    rooms.insert(name.clone(), Value::Array(list));
                }
                json!({
                    "index": d.index - 1,
                    "date": d.date.to_string(),
                    "day_start": local_time(d.start),
                    "day_end": local_time(d.end),
                    "rooms": rooms,
                })
            })
            .collect();
        let rooms: Vec<Value> = self
            .rooms
            .iter()
            .map(|(name, guid)| json!({ "name": name, "guid": guid }))
            .collect();
        json!({
            "$schema": "https://c3voc.de/schedule/schema.json",
            "generator": { "name": "Hackfest", "version": env!("CARGO_PKG_VERSION") },
            "schedule": {
                "url": format!("{}/h/{}/schedule.json", self.base, h.slug),
                "version": self.version,
                "base_url": format!("{}/h/{}/", self.base, h.slug),
                "conference": {
                    "acronym": h.slug,
                    "title": h.title,
                    "start": h.start_date.to_string(),
                    "end": h.end_date.to_string(),
                    "daysCount": self.days.len(),
                    "timeslot_duration": "00:15",
                    "time_zone_name": self.tz.name(),
                    "url": format!("{}/h/{}", self.base, h.slug),
                    "rooms": rooms,
                    "days": days,
                }
            }
        })
    }

    fn json_event(&self, room: &str, e: &Ev<'_>) -> Value {
        let s = e.s;
        let persons: Vec<Value> = Self::persons(e)
            .map(|(id, name)| json!({ "id": id, "public_name": name }))
            .collect();
        json!({
            "id": e.id,
            "guid": s.id,
            "date": local_time(e.start),
            "start": e.start.format("%H:%M").to_string(),
            "duration": e.duration(),
            "room": room,
            "slug": e.slug,
            "url": e.url,
            "title": s.title,
            "subtitle": "",
            "track": s.kind.label(),
            "type": s.kind.as_str(),
            "language": "en",
            "abstract": s.agenda,
            "description": s.notes,
            "persons": persons,
            "links": [],
            "attachments": [],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_have_the_xsd_shape() {
        assert_eq!(
            event_slug("ci-infra-hackfest", 42, "Auth: Ipsilon & Kerberos!"),
            "ci_infra_hackfest-0042-auth-ipsilon-kerberos"
        );
        assert_eq!(event_slug("ab", 7, "Žluť"), "ab__-0007-lu");
        assert_eq!(event_slug("abcd", 123_456, "日本"), "abcd-123456");
        assert_eq!(acronym("ab"), None);
        assert_eq!(acronym("ci-infra"), Some("ci-infra"));
    }

    #[test]
    fn numbers_are_positive_31_bit_and_stable() {
        let id = Uuid::parse_str("0190c3a2-0000-7000-8000-000000000001").unwrap();
        let n = number(id.as_bytes());
        assert!(n > 0 && n <= 0x7fff_ffff);
        assert_eq!(n, number(id.as_bytes()));
        let g = place_guid(id, "Hotel lobby");
        assert_eq!(g, place_guid(id, "Hotel lobby"));
        assert_ne!(g, place_guid(id, "Restaurant"));
    }
}
