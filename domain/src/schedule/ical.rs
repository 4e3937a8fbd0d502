//! A small iCalendar (RFC 5545) writer: one `VCALENDAR` of `VEVENT`s with UTC times.
//! Pure: no I/O, no clock. What it guarantees, each tested below:
//! - TEXT values escaped (3.3.11): `\` → `\\`, `;` → `\;`, `,` → `\,`, a line break
//!   (CRLF, CR or LF) → `\n`; other control characters (which a TEXT value cannot
//!   hold) are dropped, a tab stays;
//! - every line ends with CRLF (3.1);
//! - content lines longer than 75 octets are folded (3.1): CRLF and one space, never
//!   inside a UTF-8 character;
//! - DATE-TIME values in UTC, `YYYYMMDDTHHMMSSZ` (3.3.5, form 2).

use chrono::{DateTime, Utc};

/// The longest content line, in octets, before folding (RFC 5545 3.1).
pub const LINE_OCTETS: usize = 75;

/// `STATUS` of an event (3.8.1.11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Confirmed,
    Cancelled,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Confirmed => "CONFIRMED",
            Status::Cancelled => "CANCELLED",
        }
    }
}

/// One `VEVENT`. Text fields are plain text; the writer escapes them.
#[derive(Clone, Debug)]
pub struct Event<'a> {
    /// Globally unique and stable across changes (`<uuid>@<host>`).
    pub uid: String,
    /// Bumped by every significant change (a reschedule, a cancellation).
    pub sequence: i64,
    /// When this version of the event was written (UTC).
    pub stamp: DateTime<Utc>,
    pub created: DateTime<Utc>,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub summary: &'a str,
    pub description: &'a str,
    pub location: &'a str,
    /// An absolute URL (a URI value: not TEXT-escaped, control characters dropped).
    pub url: &'a str,
    pub categories: &'a str,
    pub status: Status,
}

/// A calendar being written: [`Calendar::new`], [`Calendar::event`]…, [`Calendar::finish`].
pub struct Calendar {
    out: String,
}

impl Calendar {
    /// The calendar's header: `PRODID`, `VERSION`, `METHOD:PUBLISH` and its display
    /// name (`X-WR-CALNAME`, read by Apple, Google and Thunderbird).
    pub fn new(name: &str) -> Self {
        let mut c = Calendar {
            out: String::with_capacity(4096),
        };
        c.raw("BEGIN", "VCALENDAR");
        c.raw("VERSION", "2.0");
        c.raw("PRODID", "-//Hackfest//Hackfest schedule//EN");
        c.raw("CALSCALE", "GREGORIAN");
        c.raw("METHOD", "PUBLISH");
        c.text("X-WR-CALNAME", name);
        c
    }

    /// Adds one `VEVENT`.
    pub fn event(&mut self, e: &Event<'_>) {
        self.raw("BEGIN", "VEVENT");
        self.text("UID", &e.uid);
        self.raw("SEQUENCE", &e.sequence.max(0).to_string());
        self.raw("DTSTAMP", &utc(e.stamp));
        self.raw("CREATED", &utc(e.created));
        self.raw("LAST-MODIFIED", &utc(e.stamp));
        self.raw("DTSTART", &utc(e.starts));
        self.raw("DTEND", &utc(e.ends));
        self.text("SUMMARY", e.summary);
        if !e.description.is_empty() {
            self.text("DESCRIPTION", e.description);
        }
        if !e.location.is_empty() {
            self.text("LOCATION", e.location);
        }
        if !e.url.is_empty() {
            let url: String = e.url.chars().filter(|c| !c.is_control()).collect();
            self.raw("URL", &url);
        }
        if !e.categories.is_empty() {
            self.text("CATEGORIES", e.categories);
        }
        self.raw("STATUS", e.status.as_str());
        self.raw("TRANSP", "OPAQUE");
        self.raw("END", "VEVENT");
    }

    /// The whole calendar, CRLF line ends, folded.
    pub fn finish(mut self) -> String {
        self.raw("END", "VCALENDAR");
        self.out
    }

    /// `NAME:value` with `value` TEXT-escaped.
    fn text(&mut self, name: &str, value: &str) {
        let line = format!("{name}:{}", escape_text(value));
        fold_into(&mut self.out, &line);
    }

    /// `NAME:value` with `value` as it is (already in its value type's syntax).
    fn raw(&mut self, name: &str, value: &str) {
        let line = format!("{name}:{value}");
        fold_into(&mut self.out, &line);
    }
}

/// A UTC DATE-TIME: `20261123T083000Z`.
pub fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value, escaped (RFC 5545 3.3.11).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` (one unfolded content line, no line break in it) folded at
/// [`LINE_OCTETS`] octets, each physical line ending with CRLF. A fold never splits a
/// UTF-8 character: a line is cut before the character that would cross the limit.
pub fn fold_into(out: &mut String, line: &str) {
    let mut limit = LINE_OCTETS;
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > limit {
            out.push_str("\r\n ");
            // The continuation's leading space counts towards its 75 octets.
            limit = LINE_OCTETS - 1;
            used = 0;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
}

/// `line` folded, as [`fold_into`] writes it.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    fold_into(&mut out, line);
    out
}

/// Undoes [`fold`] (for tests and for readers of the feed).
pub fn unfold(text: &str) -> String {
    text.replace("\r\n ", "").replace("\r\n\t", "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape_text("a\\b;c,d\ne\r\nf\rg\u{1}h\ti"),
            "a\\\\b\\;c\\,d\\ne\\nf\\ngh\ti"
        );
        assert_eq!(escape_text("plain: colon"), "plain: colon");
    }

    #[test]
    fn short_lines_are_not_folded() {
        assert_eq!(fold("SUMMARY:short"), "SUMMARY:short\r\n");
        let exact = format!("SUMMARY:{}", "x".repeat(LINE_OCTETS - 8));
        assert_eq!(exact.len(), LINE_OCTETS);
        assert_eq!(fold(&exact), format!("{exact}\r\n"));
    }

    #[test]
    fn long_multibyte_lines_fold_at_75_octets_between_characters() {
        // 3-octet (€), 4-octet (emoji) and 2-octet (é) characters, so folds fall at
        // every offset inside a character.
        let title = "Žluťoučký kůň € 🚀 úpěl ďábelské ódy — ".repeat(8);
        let line = format!("SUMMARY:{}", escape_text(&title));
        let folded = fold(&line);
        assert!(folded.ends_with("\r\n"));
        let physical: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(physical.len() > 3, "{physical:?}");
        for (i, l) in physical.iter().enumerate() {
            assert!(l.len() <= LINE_OCTETS, "line {i} has {} octets", l.len());
            if i > 0 {
                assert!(l.starts_with(' '));
            }
        }
        // Each physical line is whole UTF-8 (a &str); no fold left room for the next
        // character.
        for w in physical.windows(2) {
            let next = w[1][1..].chars().next().unwrap();
            let room = LINE_OCTETS - w[0].len();
            assert!(next.len_utf8() > room, "folded early");
        }
        assert_eq!(unfold(&folded), format!("{line}\r\n"));
    }

    #[test]
    fn a_calendar_has_crlf_lines_and_utc_times() {
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 8, 30, 0).unwrap();
        let mut c = Calendar::new("Hackfest, week");
        c.event(&Event {
            uid: "0190@hackfest.example.org".into(),
            sequence: 2,
            stamp: t,
            created: t,
            starts: t,
            ends: t + chrono::TimeDelta::minutes(90),
            summary: "Storage; the plan",
            description: "1. a\n2. b",
            location: "Fedora",
            url: "https://hackfest.example.org/h/x/sessions/0190",
            categories: "Meeting",
            status: Status::Cancelled,
        });
        let ics = c.finish();
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF");
        for l in [
            "X-WR-CALNAME:Hackfest\\, week",
            "DTSTART:20261123T083000Z",
            "DTEND:20261123T100000Z",
            "SEQUENCE:2",
            "SUMMARY:Storage\\; the plan",
            "DESCRIPTION:1. a\\n2. b",
            "STATUS:CANCELLED",
        ] {
            assert!(ics.contains(&format!("{l}\r\n")), "{l} in {ics}");
        }
    }
}
