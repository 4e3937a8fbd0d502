//! The timetable (issue 12 item 4): one day of the hackfest as a grid of rooms ×
//! time, and "now and next" for a room's screen. Built from the hackfest's rooms and
//! sessions by a pure function ([`day`]), so the page, its tests and the bench agree.
//! Times are on the hackfest's wall clock.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::room::Room;
use crate::session::{HackSession, SessionKind};

/// Minutes per grid row.
pub const SLOT_MINUTES: i64 = 15;

/// One day of the timetable.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Day {
    pub day: NaiveDate,
    /// The hackfest's days, for the day links.
    pub days: Vec<NaiveDate>,
    /// The grid's first row starts here (the earliest opening or session, on the hour).
    pub from: NaiveTime,
    /// Number of [`SLOT_MINUTES`] rows.
    pub rows: u32,
    /// The rooms (in name order), then one column for sessions in no room of the
    /// hackfest (free-text places), if there are any that day.
    pub columns: Vec<Column>,
}

/// A room's column.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// `None`: the sessions held elsewhere (a free-text place).
    pub room_id: Option<Uuid>,
    pub name: String,
    pub location: String,
    pub capacity: Option<i64>,
    pub open_for_breakouts: bool,
    /// Closed before/after these rows (opening hours), as 1-based grid rows.
    pub open_rows: Option<(u32, u32)>,
    /// Its closed periods on this day: first row, rows spanned, and what it says.
    #[serde(default)]
    pub closed: Vec<(u32, u32, String)>,
    pub entries: Vec<Entry>,
}

/// A session in a column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: Uuid,
    pub title: String,
    pub kind: SessionKind,
    pub starts: NaiveDateTime,
    pub ends: NaiveDateTime,
    /// The free-text place, for the "elsewhere" column.
    pub place: String,
    pub cancelled: bool,
    pub participants: usize,
    /// Its people conflicts and capacity warnings no one has acknowledged.
    #[serde(default)]
    pub warnings: usize,
    /// 1-based grid row where it starts, and how many rows it spans (at least 1).
    pub row: u32,
    pub span: u32,
}

/// The timetable of `day` (one of `days`) from the hackfest's rooms and sessions
/// (sessions with their wall-clock times, as `session::service::decorate` sets them).
pub fn day(days: Vec<NaiveDate>, day: NaiveDate, rooms: &[Room], sessions: &[HackSession]) -> Day {
    day_with(
        days,
        day,
        rooms,
        sessions,
        &crate::session::warnings::Stays::default(),
    )
}

/// [`day`], with people's arrivals and departures for the "not there" warnings.
pub fn day_with(
    days: Vec<NaiveDate>,
    day: NaiveDate,
    rooms: &[Room],
    sessions: &[HackSession],
    stays: &crate::session::warnings::Stays,
) -> Day {
    let local = |s: &HackSession| {
        (
            s.starts_local.unwrap_or(s.starts_at.naive_utc()),
            s.ends_local.unwrap_or(s.ends_at.naive_utc()),
        )
    };
    let midnight = day.and_time(NaiveTime::MIN);
    let next = midnight + Duration::days(1);
    // Sessions on this day: starting on it, or running into it from the day before.
    let today: Vec<&HackSession> = sessions
        .iter()
        .filter(|s| {
            let (a, b) = local(s);
            a < next && b > midnight
        })
        .collect();
    // The grid spans the rooms' opening hours and every session, whole hours, with
    // 08:00-18:00 when the day has neither.
    let clip = |t: NaiveDateTime| t.clamp(midnight, next);
    let mut first: Option<NaiveDateTime> = None;
    let mut last: Option<NaiveDateTime> = None;
    let mut widen = |a: NaiveDateTime, b: NaiveDateTime| {
        first = Some(first.map_or(a, |f| f.min(a)));
        last = Some(last.map_or(b, |l| l.max(b)));
    };
    for r in rooms {
        if let Some((o, c)) = r.hours() {
            widen(day.and_time(o), day.and_time(c));
        }
    }
    for s in &today {
        let (a, b) = local(s);
        widen(clip(a), clip(b));
    }
    let from = first.map_or(day.and_hms_opt(8, 0, 0).unwrap_or(midnight), |f| {
        f.with_minute(0).and_then(|f| f.with_second(0)).unwrap_or(f)
    });
    let until = last.unwrap_or(day.and_hms_opt(18, 0, 0).unwrap_or(next));
    let rows_between = |a: NaiveDateTime, b: NaiveDateTime| -> u32 {
        let minutes = (b - a).num_minutes().max(0);
        u32::try_from((minutes + SLOT_MINUTES - 1) / SLOT_MINUTES).unwrap_or(u32::MAX)
    };
    let rows = rows_between(from, until).max(4);
    let capacity = |id: Uuid| rooms.iter().find(|r| r.id == id).and_then(|r| r.capacity);
    let warned: std::collections::HashMap<Uuid, usize> =
        crate::session::warnings::of_each(sessions, capacity, stays)
            .into_iter()
            .map(|(id, w)| (id, crate::session::warnings::open(&w)))
            .collect();
    let row_of = |t: NaiveDateTime| rows_between(from, t.max(from)).min(rows) + 1;
    let entry = |s: &HackSession| {
        let (a, b) = local(s);
        let (a, b) = (clip(a), clip(b));
        let row = row_of(a).min(rows);
        let end = row_of(b).max(row + 1);
        Entry {
            id: s.id,
            title: s.title.clone(),
            kind: s.kind,
            starts: local(s).0,
            ends: local(s).1,
            place: s.room.clone(),
            cancelled: s.cancelled_at.is_some(),
            participants: s.participants.len(),
            warnings: warned.get(&s.id).copied().unwrap_or(0),
            row,
            span: end - row,
        }
    };
    let mut rooms: Vec<&Room> = rooms.iter().collect();
    rooms.sort_by_cached_key(|r| r.name.to_lowercase());
    let in_room = |id: Uuid| {
        let mut v: Vec<Entry> = today
            .iter()
            .filter(|s| s.room_id == Some(id))
            .map(|s| entry(s))
            .collect();
        v.sort_by_key(|e| (e.starts, e.ends));
        v
    };
    let mut columns: Vec<Column> = rooms
        .iter()
        .map(|r| Column {
            room_id: Some(r.id),
            name: r.name.clone(),
            location: r.location.clone(),
            capacity: r.capacity,
            open_for_breakouts: r.open_for_breakouts,
            open_rows: r
                .hours()
                .map(|(o, c)| (row_of(day.and_time(o)), row_of(day.and_time(c)))),
            closed: r
                .closed
                .iter()
                // Those the grid shows (it spans whole hours around the day's use).
                .filter(|c| {
                    c.from < from + Duration::minutes(i64::from(rows) * SLOT_MINUTES)
                        && c.until > from
                })
                .map(|c| {
                    let row = row_of(clip(c.from)).min(rows);
                    let end = row_of(clip(c.until)).max(row + 1);
                    (row, end - row, format!("Closed {}", c.shown()))
                })
                .collect(),
            entries: in_room(r.id),
        })
        .collect();
    let known: Vec<Uuid> = rooms.iter().map(|r| r.id).collect();
    let mut elsewhere: Vec<Entry> = today
        .iter()
        .filter(|s| !s.room_id.is_some_and(|id| known.contains(&id)))
        .map(|s| entry(s))
        .collect();
    if !elsewhere.is_empty() {
        elsewhere.sort_by_key(|e| (e.starts, e.ends));
        columns.push(Column {
            room_id: None,
            name: "Elsewhere".into(),
            entries: elsewhere,
            ..Column::default()
        });
    }
    Day {
        day,
        days,
        from: from.time(),
        rows,
        columns,
    }
}

/// The timetable of `day`, read from the database: the hackfest's rooms and the
/// sessions overlapping the day (two queries; no Markdown rendered). A day outside
/// the hackfest is "not found".
#[cfg(feature = "server")]
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn load(
    db: &crate::db::Db,
    h: &crate::hackfest::Hackfest,
    on: NaiveDate,
) -> Result<Day, crate::DomainError> {
    let rooms = crate::room::repo::list_for_hackfest(db, h.id).await?;
    load_with(db, h, on, &rooms).await
}

/// [`load`] with the hackfest's rooms already read (one query: the day's sessions).
#[cfg(feature = "server")]
pub async fn load_with(
    db: &crate::db::Db,
    h: &crate::hackfest::Hackfest,
    on: NaiveDate,
    rooms: &[Room],
) -> Result<Day, crate::DomainError> {
    use crate::hackfest::service::{day_bounds, tz};
    let days = days_of(h);
    if !days.contains(&on) {
        return Err(crate::DomainError::NotFound("day"));
    }
    let (from, until) = day_bounds(h, on);
    let sql = format!(
        "SELECT {} FROM hack_sessions WHERE hackfest_id = $1 AND starts_at < $3 AND ends_at > $2 \
         ORDER BY starts_at, id",
        crate::session::repo::COLUMNS
    );
    let sessions: Vec<HackSession> = crate::on_db!(db, p => sqlx::query_as(&sql)
        .bind(h.id)
        .bind(from)
        .bind(until)
        .fetch_all(p)
        .await)?;
    let zone = tz(h);
    let sessions: Vec<HackSession> = sessions
        .into_iter()
        .map(|mut s| {
            s.starts_local = Some(s.starts_at.with_timezone(&zone).naive_local());
            s.ends_local = Some(s.ends_at.with_timezone(&zone).naive_local());
            s
        })
        .collect();
    // Who is away (the travel records of people who share their days): one query.
    let stays = crate::travel::service::stays(db, h.id).await?;
    Ok(day_with(days, on, rooms, &sessions, &stays))
}

/// The hackfest's days, first to last.
pub fn days_of(h: &crate::hackfest::Hackfest) -> Vec<NaiveDate> {
    h.start_date
        .iter_days()
        .take_while(|d| *d <= h.end_date)
        .take(366)
        .collect()
}

/// The wall-clock time of grid row `row` (1-based).
pub fn row_time(from: NaiveTime, row: u32) -> NaiveTime {
    from + Duration::minutes(i64::from(row.saturating_sub(1)) * SLOT_MINUTES)
}

/// What a room's screen shows: the session on now and the next one, per room.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NowNext {
    /// The hackfest's wall clock when this was made.
    pub at: NaiveDateTime,
    pub rooms: Vec<RoomNow>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RoomNow {
    pub room_id: Option<Uuid>,
    pub name: String,
    pub now: Option<Entry>,
    pub next: Option<Entry>,
}

/// Now and next at `at` in each column of `day` (cancelled sessions left out).
pub fn now_next(day: &Day, at: NaiveDateTime) -> NowNext {
    let rooms = day
        .columns
        .iter()
        .map(|c| {
            let live = c.entries.iter().filter(|e| !e.cancelled);
            RoomNow {
                room_id: c.room_id,
                name: c.name.clone(),
                now: live
                    .clone()
                    .find(|e| e.starts <= at && at < e.ends)
                    .cloned(),
                next: live
                    .filter(|e| e.starts > at)
                    .min_by_key(|e| e.starts)
                    .cloned(),
            }
        })
        .collect();
    NowNext { at, rooms }
}

/// Fills a room's empty "next" from `later` (the following day): in the evening a
/// room's screen shows the next morning's first session.
pub fn next_from(n: &mut NowNext, later: &Day) {
    for r in n.rooms.iter_mut().filter(|r| r.next.is_none()) {
        r.next = later
            .columns
            .iter()
            .find(|c| c.room_id == r.room_id)
            .and_then(|c| {
                c.entries
                    .iter()
                    .filter(|e| !e.cancelled)
                    .min_by_key(|e| e.starts)
            })
            .cloned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn room(name: &str, hours: Option<(&str, &str)>) -> Room {
        Room {
            id: Uuid::new_v4(),
            hackfest_id: Uuid::nil(),
            name: name.into(),
            location: String::new(),
            capacity: None,
            equipment: Vec::new(),
            notes: String::new(),
            open_for_breakouts: false,
            opens: hours.map(|h| h.0.into()),
            closes: hours.map(|h| h.1.into()),
            closed: Vec::new(),
            version: 1,
            created_at: Utc.timestamp_opt(0, 0).unwrap(),
            updated_at: Utc.timestamp_opt(0, 0).unwrap(),
            notes_html: String::new(),
        }
    }

    fn session(title: &str, room: Option<&Room>, a: &str, b: &str) -> HackSession {
        HackSession {
            room: room.map_or("Hotel bar".into(), |r| r.name.clone()),
            room_id: room.map(|r| r.id),
            ..crate::session::sample(title, t(a), t(b))
        }
    }

    #[test]
    fn a_day_is_rooms_by_quarter_hours_with_an_elsewhere_column() {
        let mut fedora = room("Fedora", Some(("09:00", "18:00")));
        fedora.closed = vec![crate::room::Closed {
            from: t("2026-11-24 12:00"),
            until: t("2026-11-24 13:00"),
            reason: "Lunch".into(),
        }];
        let brno = room("brno", None);
        let s = [
            session(
                "Storage",
                Some(&fedora),
                "2026-11-24 10:00",
                "2026-11-24 11:30",
            ),
            session("Dinner", None, "2026-11-24 19:00", "2026-11-24 21:00"),
            session(
                "Other day",
                Some(&brno),
                "2026-11-25 10:00",
                "2026-11-25 11:00",
            ),
        ];
        let day = day(
            vec![d("2026-11-24")],
            d("2026-11-24"),
            &[fedora.clone(), brno],
            &s,
        );
        assert_eq!(day.from, NaiveTime::from_hms_opt(9, 0, 0).unwrap());
        // 09:00 to 21:00 in quarter hours.
        assert_eq!(day.rows, 48);
        let names: Vec<&str> = day.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["brno", "Fedora", "Elsewhere"]);
        let storage = &day.columns[1].entries[0];
        assert_eq!((storage.row, storage.span), (5, 6));
        assert_eq!(day.columns[1].open_rows, Some((1, 37)));
        assert_eq!(
            day.columns[1].closed,
            [(
                13,
                4,
                "Closed Tue 24 Nov 12:00\u{2013}13:00 (Lunch)".to_owned()
            )]
        );
        assert!(
            day.columns[0].entries.is_empty(),
            "the other day's session is not shown"
        );
        assert_eq!(day.columns[2].entries[0].place, "Hotel bar");
        assert_eq!(
            row_time(day.from, storage.row),
            NaiveTime::from_hms_opt(10, 0, 0).unwrap()
        );
    }

    #[test]
    fn a_session_past_midnight_is_cut_at_the_day_and_an_empty_day_has_a_grid() {
        let r = room("Lobby", None);
        let late = session(
            "Hack night",
            Some(&r),
            "2026-11-24 22:00",
            "2026-11-25 02:00",
        );
        let tue = day(
            vec![],
            d("2026-11-24"),
            std::slice::from_ref(&r),
            std::slice::from_ref(&late),
        );
        let e = &tue.columns[0].entries[0];
        assert_eq!(e.row + e.span - 1, tue.rows, "it runs to the grid's end");
        let wed = day(
            vec![],
            d("2026-11-25"),
            std::slice::from_ref(&r),
            std::slice::from_ref(&late),
        );
        assert_eq!(wed.from, NaiveTime::MIN);
        assert_eq!(wed.columns[0].entries[0].row, 1);
        let empty = day(vec![], d("2026-11-26"), &[], &[]);
        assert!(empty.columns.is_empty());
        assert_eq!(empty.from, NaiveTime::from_hms_opt(8, 0, 0).unwrap());
        assert_eq!(empty.rows, 40);
    }

    #[test]
    fn now_and_next_skip_cancelled_sessions() {
        let r = room("Fedora", None);
        let mut cancelled = session(
            "Cancelled",
            Some(&r),
            "2026-11-24 10:00",
            "2026-11-24 11:00",
        );
        cancelled.cancelled_at = Some(Utc::now());
        let s = [
            session("Now", Some(&r), "2026-11-24 09:30", "2026-11-24 10:30"),
            cancelled,
            session("Next", Some(&r), "2026-11-24 11:00", "2026-11-24 12:00"),
            session("Later", Some(&r), "2026-11-24 14:00", "2026-11-24 15:00"),
        ];
        let day = day(vec![], d("2026-11-24"), std::slice::from_ref(&r), &s);
        let n = now_next(&day, t("2026-11-24 10:15"));
        assert_eq!(n.rooms[0].now.as_ref().unwrap().title, "Now");
        assert_eq!(n.rooms[0].next.as_ref().unwrap().title, "Next");
        let mut n = now_next(&day, t("2026-11-24 16:00"));
        assert!(n.rooms[0].now.is_none() && n.rooms[0].next.is_none());
        // In the evening, the next morning's first session.
        let s = [
            session(
                "Later still",
                Some(&r),
                "2026-11-25 11:00",
                "2026-11-25 12:00",
            ),
            session("Morning", Some(&r), "2026-11-25 09:00", "2026-11-25 10:00"),
        ];
        let wed = super::day(vec![], d("2026-11-25"), std::slice::from_ref(&r), &s);
        next_from(&mut n, &wed);
        assert_eq!(n.rooms[0].next.as_ref().unwrap().title, "Morning");
    }
}
