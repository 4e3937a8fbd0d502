//! The schedule as other tools read it (issue 12, items 6 and 7): iCalendar feeds
//! (the whole hackfest, one room, one person's sessions behind a private token) and
//! the frab-compatible `schedule.xml` / `schedule.json` conference tools import.
//! Everything here is built in memory from the hackfest's sessions (a hackfest holds
//! at most a few thousand), with no I/O but the token store.

pub mod frab;
pub mod ical;
pub mod token;

use uuid::Uuid;

use crate::hackfest::Hackfest;
use crate::session::HackSession;
use ical::{Calendar, Event, Status};

/// The hackfest's time zone (UTC when the stored name does not parse).
pub use crate::hackfest::service::tz as zone;

/// The host of a URL (`https://hackfest.example.org:8443/x` → `hackfest.example.org`),
/// for iCalendar UIDs.
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or(v6);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// A session's page, absolute.
pub fn session_url(base: &str, slug: &str, id: Uuid) -> String {
    format!("{}/h/{slug}/sessions/{id}", base.trim_end_matches('/'))
}

/// An iCalendar feed named `name` of `sessions` (of hackfest `h`): UTC times, one
/// `VEVENT` per session, cancelled ones with `STATUS:CANCELLED`. UIDs are
/// `<session id>@<host of base>` (stable however the session changes) and
/// `SEQUENCE` is the session's version − 1, so every saved change (a reschedule, a
/// cancellation) raises it.
pub fn calendar(name: &str, base: &str, h: &Hackfest, sessions: &[HackSession]) -> String {
    let host = host_of(base);
    let mut c = Calendar::new(name);
    for s in sessions {
        let url = session_url(base, &h.slug, s.id);
        c.event(&Event {
            uid: format!("{}@{host}", s.id),
            sequence: s.version - 1,
            stamp: s.updated_at,
            created: s.created_at,
            starts: s.starts_at,
            ends: s.ends_at,
            summary: &s.title,
            description: &s.agenda,
            location: &s.room,
            url: &url,
            categories: s.kind.label(),
            status: if s.cancelled_at.is_some() {
                Status::Cancelled
            } else {
                Status::Confirmed
            },
        });
    }
    c.finish()
}

/// The sessions `username` takes part in (named among the required or optional participants).
pub fn of_person<'a>(
    sessions: &'a [HackSession],
    username: &'a str,
) -> impl Iterator<Item = &'a HackSession> {
    let me = crate::session::warnings::fold(username);
    sessions.iter().filter(move |s| {
        s.participants
            .iter()
            .chain(&s.optional_participants)
            .any(|p| crate::session::warnings::fold(p) == me)
    })
}

/// What a hackfest's schedule documents are made of, as a short string that changes
/// whenever any of them would: the hackfest's version, and its sessions' and rooms'
/// counts and summed versions (every save bumps a version and neither is ever
/// deleted, so each change moves the sums). One query; the feeds answer `304` from it
/// without reading or rendering the sessions.
#[cfg(feature = "server")]
pub async fn fingerprint(db: &crate::db::Db, h: &Hackfest) -> Result<String, sqlx::Error> {
    let (n, v, rooms, room_versions): (i64, i64, i64, i64) = crate::on_db!(db, p => sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM hack_sessions WHERE hackfest_id = $1), \
                (SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM hack_sessions WHERE hackfest_id = $1), \
                (SELECT COUNT(*) FROM rooms WHERE hackfest_id = $1), \
                (SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM rooms WHERE hackfest_id = $1)",
    )
    .bind(h.id)
    .fetch_one(p)
    .await)?;
    Ok(format!(
        "{}.{}.{n}.{v}.{rooms}.{room_versions}",
        h.id, h.version
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_urls() {
        assert_eq!(
            host_of("https://hackfest.example.org"),
            "hackfest.example.org"
        );
        assert_eq!(host_of("http://127.0.0.1:3000/"), "127.0.0.1");
        assert_eq!(host_of("http://[::1]:3000/x"), "::1");
        assert_eq!(host_of("https://u:p@h.example:8443/a?b"), "h.example");
    }
}
