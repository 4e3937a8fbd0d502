//! MeetBot logs and minutes, read into items (issue 15, item 1).
//!
//! Fedora's meetings run on IRC and Matrix bots in the MeetBot family. Their raw log
//! has one line per message, in any of these shapes:
//!
//! ```text
//! [14:02:11] <nirik> #agreed Archive volumes go on the slow tier
//! 14:02:11 <nirik> #agreed …
//! 14:02 < nirik> #action kevin to order the racks
//! ```
//!
//! and their text minutes list the same items under their topics:
//!
//! ```text
//! * Storage plans  (nirik, 14:01:30)
//!   * AGREED: Archive volumes go on the slow tier  (nirik, 14:02:11)
//!   * ACTION: kevin to order the racks  (nirik, 14:03:00)
//! ```
//!
//! [`parse`] reads either into [`Minutes`]: what each command makes, with the line it
//! came from (number, nick, time). It follows MeetBot's rules: `#undo` removes the item
//! before it; `#topic`, `#agreed`, `#accepted`, `#rejected`, `#action`, `#undo` and
//! `#chair` are the chairs' (whoever started the meeting, and those they made chairs),
//! when the log has a `#startmeeting`; `#info`, `#idea`, `#help` and `#link` are
//! anybody's; lines after `#endmeeting` are not read. It needs no database: what the
//! items become is the import service's business.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// At most this many bytes of log are read (a week of a busy channel is far less).
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
/// At most this many items come out of one log.
pub const MAX_ITEMS: usize = 2_000;
/// An item's text is cut to this many characters.
pub const MAX_TEXT: usize = 2_000;

/// What a command makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    /// `#agreed`, `#accepted`: an agreed decision.
    Agreed,
    /// `#rejected`: a rejected decision.
    Rejected,
    /// `#action`: an action item.
    Action,
    /// `#info` (and a plain line of text minutes): a note under its topic.
    Info,
    Idea,
    Help,
    Link,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Agreed => "agreed",
            ItemKind::Rejected => "rejected",
            ItemKind::Action => "action",
            ItemKind::Info => "info",
            ItemKind::Idea => "idea",
            ItemKind::Help => "help",
            ItemKind::Link => "link",
        }
    }

    /// A note (it goes into the session's notes), not an object of its own.
    pub fn is_note(self) -> bool {
        matches!(
            self,
            ItemKind::Info | ItemKind::Idea | ItemKind::Help | ItemKind::Link
        )
    }

    fn from_command(c: &str) -> Option<ItemKind> {
        Some(match c {
            "agreed" | "accepted" | "agree" | "accept" => ItemKind::Agreed,
            "rejected" | "reject" => ItemKind::Rejected,
            "action" => ItemKind::Action,
            "info" => ItemKind::Info,
            "idea" => ItemKind::Idea,
            "help" => ItemKind::Help,
            "link" => ItemKind::Link,
            _ => return None,
        })
    }

    /// The chairs' commands (when the log names its chairs).
    fn chairs_only(self) -> bool {
        matches!(
            self,
            ItemKind::Agreed | ItemKind::Rejected | ItemKind::Action
        )
    }
}

/// Where an item came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// 1-based line number in the text as given.
    pub line: usize,
    pub nick: String,
    /// `HH:MM` or `HH:MM:SS`, as the log wrote it.
    pub time: Option<String>,
}

/// One item of the meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub kind: ItemKind,
    pub text: String,
    /// The `#topic` it was said under, if any.
    pub topic: Option<String>,
    pub source: Source,
}

/// A log or minutes, read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minutes {
    /// `#startmeeting`'s text.
    pub title: Option<String>,
    pub items: Vec<Item>,
    /// Everybody who said something (raw logs) or is named as a source (minutes).
    pub speakers: BTreeSet<String>,
    pub chairs: BTreeSet<String>,
    /// Lines that were commands but not taken: a non-chair's `#agreed`, an `#undo` with
    /// nothing to undo, an unknown command, items past [`MAX_ITEMS`].
    pub skipped: Vec<Source>,
    /// The log had a `#startmeeting` or a minutes header; `false` for a bare paste.
    pub meeting_found: bool,
}

/// Why a text could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    TooLarge,
    /// Not text: a NUL byte or another binary marker.
    Binary,
    /// No line is a MeetBot command or a minutes item.
    NoCommands,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ParseError::TooLarge => "The log is larger than 2 MB; import one meeting at a time.",
            ParseError::Binary => "This is not a text log (it holds binary data).",
            ParseError::NoCommands => {
                "No MeetBot command found (#agreed, #action, #info, #topic…): is this the meeting's log or its text minutes?"
            }
        })
    }
}

/// One message of a raw log: time, nick, text.
fn message(line: &str) -> Option<(Option<String>, String, &str)> {
    let line = line.trim_start_matches('\u{feff}').trim_start();
    // "[14:02:11] <nick> text", "14:02:11 <nick> text", "14:02 < nick> text",
    // and "<nick> text" without a time.
    let (time, rest) = match line.strip_prefix('[') {
        Some(r) => {
            let (t, rest) = r.split_once(']')?;
            (Some(t.trim()), rest.trim_start())
        }
        None => match line.split_once(' ') {
            Some((t, rest)) if is_time(t) => (Some(t), rest.trim_start()),
            _ => (None, line),
        },
    };
    if let Some(t) = time
        && !is_time(t)
    {
        return None;
    }
    let rest = rest.strip_prefix('<')?;
    let (nick, text) = rest.split_once('>')?;
    // irssi pads the mode column: "< nick>", "<@nick>", "<+nick>".
    let nick = nick
        .trim()
        .trim_start_matches(['@', '+', '%', '~', '&'])
        .trim();
    if nick.is_empty() || nick.contains(char::is_whitespace) {
        return None;
    }
    Some((time.map(str::to_owned), nick.to_owned(), text.trim()))
}

fn is_time(t: &str) -> bool {
    let parts: Vec<&str> = t.split(':').collect();
    (parts.len() == 2 || parts.len() == 3)
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The text as one clean line: control characters gone, space runs folded, cut to
/// [`MAX_TEXT`] characters.
fn clean(text: &str) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    match out.char_indices().nth(MAX_TEXT) {
        Some((i, _)) => {
            out.truncate(i);
            out.push('…');
            out
        }
        None => out,
    }
}

/// A command and its text: `#agreed …` → ("agreed", "…").
fn command(text: &str) -> Option<(String, &str)> {
    let rest = text.strip_prefix('#')?;
    let end = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    if end == 0 {
        return None;
    }
    Some((rest[..end].to_ascii_lowercase(), rest[end..].trim()))
}

struct Reader {
    m: Minutes,
    topic: Option<String>,
    /// The log named its chairs (`#startmeeting`): chairs-only commands are checked.
    chaired: bool,
    commands: usize,
}

impl Reader {
    fn push(&mut self, kind: ItemKind, text: &str, source: Source) {
        let text = clean(text);
        if text.is_empty() || self.m.items.len() >= MAX_ITEMS {
            self.m.skipped.push(source);
            return;
        }
        self.m.items.push(Item {
            kind,
            text,
            topic: self.topic.clone(),
            source,
        });
    }

    fn raw(&mut self, n: usize, time: Option<String>, nick: String, text: &str) {
        self.m.speakers.insert(nick.clone());
        let Some((cmd, arg)) = command(text) else {
            return;
        };
        let source = Source {
            line: n,
            nick: nick.clone(),
            time,
        };
        let chair = !self.chaired || self.m.chairs.contains(&nick);
        match cmd.as_str() {
            "startmeeting" => {
                self.commands += 1;
                self.m.meeting_found = true;
                self.chaired = true;
                self.m.chairs.insert(nick);
                let t = clean(arg);
                self.m.title = (!t.is_empty()).then_some(t);
            }
            "endmeeting" => {
                self.commands += 1;
            }
            "chair" if chair => {
                self.commands += 1;
                for c in arg.split([' ', ',']).filter(|c| !c.is_empty()) {
                    self.m.chairs.insert(c.trim_start_matches('@').to_owned());
                }
            }
            "unchair" if chair => {
                self.commands += 1;
                for c in arg.split([' ', ',']).filter(|c| !c.is_empty()) {
                    self.m.chairs.remove(c.trim_start_matches('@'));
                }
            }
            "topic" if chair => {
                self.commands += 1;
                let t = clean(arg);
                self.topic = (!t.is_empty()).then_some(t);
            }
            "undo" if chair => {
                self.commands += 1;
                if self.m.items.pop().is_none() {
                    self.m.skipped.push(source);
                }
            }
            c => match ItemKind::from_command(c) {
                Some(kind) if chair || !kind.chairs_only() => {
                    self.commands += 1;
                    self.push(kind, arg, source);
                }
                // A command MeetBot has but that makes nothing here (#nick, #meetingname…)
                // is left alone; one that was refused is listed.
                Some(_) | None
                    if matches!(
                        c,
                        "topic"
                            | "undo"
                            | "chair"
                            | "unchair"
                            | "agreed"
                            | "accepted"
                            | "agree"
                            | "accept"
                            | "rejected"
                            | "reject"
                            | "action"
                    ) =>
                {
                    self.m.skipped.push(source);
                }
                _ => {}
            },
        }
    }

    /// A line of text minutes: `* Topic  (nick, 14:01:30)` at the margin, or an indented
    /// `* KIND: text  (nick, 14:02:11)` under it.
    fn minutes_line(&mut self, n: usize, line: &str) -> bool {
        let indented = line.starts_with([' ', '\t']);
        let Some(body) = line.trim().strip_prefix("* ") else {
            return false;
        };
        let (text, nick, time) = match body.trim_end().strip_suffix(')') {
            Some(b) => match b.rsplit_once('(') {
                Some((text, who)) => match who.split_once(',') {
                    Some((nick, time)) if is_time(time.trim()) => (
                        text.trim(),
                        nick.trim().to_owned(),
                        Some(time.trim().to_owned()),
                    ),
                    _ => return false,
                },
                None => return false,
            },
            None => return false,
        };
        self.m.speakers.insert(nick.clone());
        self.commands += 1;
        let source = Source {
            line: n,
            nick,
            time,
        };
        if !indented {
            let t = clean(text);
            self.topic = (!t.is_empty()).then_some(t);
            return true;
        }
        let (kind, text) = match text.split_once(':') {
            Some((k, rest)) if k.chars().all(|c| c.is_ascii_uppercase()) && !k.is_empty() => {
                match ItemKind::from_command(&k.to_ascii_lowercase()) {
                    Some(kind) => (kind, rest.trim()),
                    None => (ItemKind::Info, text),
                }
            }
            _ => (ItemKind::Info, text),
        };
        self.push(kind, text, source);
        true
    }
}

/// Reads a MeetBot raw log or its text minutes.
pub fn parse(text: &str) -> Result<Minutes, ParseError> {
    if text.len() > MAX_BYTES {
        return Err(ParseError::TooLarge);
    }
    if text.contains('\0') || text.contains('\u{fffd}') {
        return Err(ParseError::Binary);
    }
    let mut r = Reader {
        m: Minutes::default(),
        topic: None,
        chaired: false,
        commands: 0,
    };
    // Text minutes: the items are in "Meeting summary", the rest repeats them.
    let is_minutes = text.lines().any(|l| l.trim() == "Meeting summary");
    let mut in_summary = !is_minutes;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if is_minutes {
            let t = line.trim();
            if t == "Meeting summary" {
                in_summary = true;
                r.m.meeting_found = true;
                continue;
            }
            if t.starts_with("Meeting ended") || t == "Action Items" {
                break;
            }
            if let Some(rest) = t.strip_prefix("Meeting started by ") {
                if let Some((chair, _)) = rest.split_once(' ') {
                    r.m.chairs.insert(chair.to_owned());
                }
                continue;
            }
            if in_summary {
                r.minutes_line(n, line);
            }
            continue;
        }
        let Some((time, nick, said)) = message(line) else {
            continue;
        };
        if command(said).is_some_and(|(c, _)| c == "endmeeting") && r.chaired {
            if r.m.chairs.contains(&nick) {
                r.commands += 1;
                break;
            }
            continue;
        }
        r.raw(n, time, nick, said);
    }
    if r.commands == 0 && r.m.items.is_empty() {
        return Err(ParseError::NoCommands);
    }
    Ok(r.m)
}

/// The action's owner: the first word of `text` that is one of `known` (nicks or
/// usernames, compared without case, with a leading `@` and trailing punctuation
/// dropped), as `known` spells it.
pub fn owner<'a>(text: &str, known: &'a [String]) -> Option<&'a str> {
    words(text).find_map(|w| {
        known
            .iter()
            .find(|k| k.eq_ignore_ascii_case(w))
            .map(String::as_str)
    })
}

/// Words of `text` that look like nicks: `@kevin`, `kevin:`, `kevin,`.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace().map(|w| {
        w.trim_start_matches('@')
            .trim_end_matches([':', ',', '.', ';', '!', '?', ')'])
    })
}

/// The nicks an action names that are not known people: those who spoke in the
/// meeting (or are written `@nick`) but have no account here. The importer maps them.
pub fn unknown_nicks(m: &Minutes, known: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for item in m.items.iter().filter(|i| i.kind == ItemKind::Action) {
        if owner(&item.text, known).is_some() {
            continue;
        }
        for (raw, w) in item.text.split_whitespace().zip(words(&item.text)) {
            let spoke = m.speakers.iter().any(|s| s.eq_ignore_ascii_case(w));
            if !w.is_empty() && (spoke || raw.starts_with('@')) {
                out.insert(w.to_owned());
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In the style of Fedora's infrastructure meetings (#fedora-meeting).
    const LOG: &str = "\
[16:30:02] <nirik> #startmeeting Infrastructure (2026-12-08)
[16:30:02] <zodbot> Meeting started Tue Dec  8 16:30:02 2026 UTC.
[16:30:05] <nirik> #chair nirik smooge kevin
[16:30:10] <smooge> morning everyone
[16:31:00] <nirik> #topic Storage plans for the datacenter move
[16:31:20] <kevin> #info the archive volumes hold 180 TB, mostly cold
[16:32:00] <nirik> #agreed Archive volumes go on the slow tier
[16:32:30] <nirik> #action kevin to order the two racks before Friday
[16:32:40] <nirik> #action smooge to book the truck
[16:32:45] <nirik> #undo
[16:33:00] <nirik> #action mobrien: check the power budget with the DC team
[16:33:10] <mobrien> #link https://pagure.io/fedora-infrastructure/issue/12345
[16:34:00] <pingou> #agreed everything moves on Monday
[16:34:30] <nirik> #rejected moving the build hosts first
[16:35:00] <nirik> #topic Open floor
[16:35:10] <smooge> #idea a wiki page per rack
[16:35:20] <smooge> #help somebody who knows the old PDUs
[16:36:00] <nirik> #endmeeting
[16:36:05] <nirik> #agreed said after the end
";

    #[test]
    fn a_raw_log_gives_its_items_under_their_topics() {
        let m = parse(LOG).unwrap();
        assert!(m.meeting_found);
        assert_eq!(m.title.as_deref(), Some("Infrastructure (2026-12-08)"));
        let kinds: Vec<(ItemKind, &str)> =
            m.items.iter().map(|i| (i.kind, i.text.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (
                    ItemKind::Info,
                    "the archive volumes hold 180 TB, mostly cold"
                ),
                (ItemKind::Agreed, "Archive volumes go on the slow tier"),
                (
                    ItemKind::Action,
                    "kevin to order the two racks before Friday"
                ),
                // "#action smooge to book the truck" was undone.
                (
                    ItemKind::Action,
                    "mobrien: check the power budget with the DC team"
                ),
                (
                    ItemKind::Link,
                    "https://pagure.io/fedora-infrastructure/issue/12345"
                ),
                // pingou is no chair: his #agreed is skipped.
                (ItemKind::Rejected, "moving the build hosts first"),
                (ItemKind::Idea, "a wiki page per rack"),
                (ItemKind::Help, "somebody who knows the old PDUs"),
            ]
        );
        let agreed = &m.items[1];
        assert_eq!(
            agreed.topic.as_deref(),
            Some("Storage plans for the datacenter move")
        );
        assert_eq!(
            agreed.source,
            Source {
                line: 7,
                nick: "nirik".into(),
                time: Some("16:32:00".into())
            }
        );
        assert_eq!(m.items[6].topic.as_deref(), Some("Open floor"));
        assert_eq!(
            m.skipped.iter().map(|s| s.line).collect::<Vec<_>>(),
            vec![13]
        );
        assert!(m.chairs.contains("kevin") && !m.chairs.contains("pingou"));
        assert!(m.speakers.contains("mobrien"));
    }

    #[test]
    fn irssi_lines_and_lines_without_time_are_read() {
        let m = parse("14:02 < nirik> #action kevin to order racks\n<@smooge> #info fine\n14:03:07 <+kevin> #link https://x.example/").unwrap();
        assert_eq!(m.items.len(), 3);
        assert_eq!(m.items[0].source.time.as_deref(), Some("14:02"));
        assert_eq!(m.items[1].source.nick, "smooge");
        assert_eq!(m.items[1].source.time, None);
        assert_eq!(m.items[2].source.nick, "kevin");
        // No #startmeeting: nobody's commands are refused.
        assert!(!m.meeting_found && m.skipped.is_empty());
    }

    #[test]
    fn text_minutes_give_the_same_items() {
        let minutes = "\
=================================
#fedora-meeting: Infrastructure
=================================

Meeting started by nirik at 16:30:02 UTC. The full logs are available at
https://meetbot.fedoraproject.org/example.log.html .

Meeting summary
---------------
* Storage plans for the datacenter move  (nirik, 16:31:00)
  * the archive volumes hold 180 TB, mostly cold  (kevin, 16:31:20)
  * AGREED: Archive volumes go on the slow tier  (nirik, 16:32:00)
  * ACTION: kevin to order the two racks before Friday  (nirik, 16:32:30)
  * LINK: https://pagure.io/fedora-infrastructure/issue/12345  (mobrien, 16:33:10)

* Open floor  (nirik, 16:35:00)
  * IDEA: a wiki page per rack  (smooge, 16:35:10)

Meeting ended at 16:36:00 UTC.

Action Items
------------
* kevin to order the two racks before Friday
";
        let m = parse(minutes).unwrap();
        assert!(m.meeting_found);
        let kinds: Vec<(ItemKind, &str, Option<&str>)> = m
            .items
            .iter()
            .map(|i| (i.kind, i.text.as_str(), i.topic.as_deref()))
            .collect();
        let storage = Some("Storage plans for the datacenter move");
        assert_eq!(
            kinds,
            vec![
                (
                    ItemKind::Info,
                    "the archive volumes hold 180 TB, mostly cold",
                    storage
                ),
                (
                    ItemKind::Agreed,
                    "Archive volumes go on the slow tier",
                    storage
                ),
                (
                    ItemKind::Action,
                    "kevin to order the two racks before Friday",
                    storage
                ),
                (
                    ItemKind::Link,
                    "https://pagure.io/fedora-infrastructure/issue/12345",
                    storage
                ),
                (ItemKind::Idea, "a wiki page per rack", Some("Open floor")),
            ]
        );
        assert_eq!(m.items[1].source.line, 12);
        assert_eq!(m.items[1].source.time.as_deref(), Some("16:32:00"));
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        assert_eq!(
            parse("just chatting\n<a> hello\n"),
            Err(ParseError::NoCommands)
        );
        assert_eq!(parse(""), Err(ParseError::NoCommands));
        assert_eq!(parse("<a> #agreed x\0y"), Err(ParseError::Binary));
        assert_eq!(parse(&"x".repeat(MAX_BYTES + 1)), Err(ParseError::TooLarge));
        for e in [
            ParseError::NoCommands,
            ParseError::Binary,
            ParseError::TooLarge,
        ] {
            assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn control_characters_and_long_lines_are_cleaned() {
        let long = "y".repeat(MAX_TEXT + 50);
        let log = format!(
            "<a> #info bold\u{2}text\u{1b}[31m and\ttabs\n<a> #info {long}\n<a> #agreed    \n"
        );
        let m = parse(&log).unwrap();
        assert_eq!(m.items[0].text, "bold text [31m and tabs");
        assert_eq!(m.items[1].text.chars().count(), MAX_TEXT + 1);
        // An empty #agreed makes nothing, and is listed.
        assert_eq!(m.items.len(), 2);
        assert_eq!(m.skipped.len(), 1);
    }

    #[test]
    fn undo_with_nothing_to_undo_is_listed_and_items_are_bounded() {
        let m = parse("<a> #undo\n<a> #info one\n<a> #undo\n<a> #undo\n").unwrap();
        assert!(m.items.is_empty());
        assert_eq!(
            m.skipped.iter().map(|s| s.line).collect::<Vec<_>>(),
            vec![1, 4]
        );
        let many: String = (0..MAX_ITEMS + 10)
            .map(|i| format!("<a> #info {i}\n"))
            .collect();
        let m = parse(&many).unwrap();
        assert_eq!(m.items.len(), MAX_ITEMS);
        assert_eq!(m.skipped.len(), 10);
    }

    #[test]
    fn owners_and_unknown_nicks() {
        let m = parse(LOG).unwrap();
        let known = vec!["Kevin".to_owned(), "nirik".to_owned()];
        let actions: Vec<&Item> = m
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::Action)
            .collect();
        assert_eq!(owner(&actions[0].text, &known), Some("Kevin"));
        assert_eq!(owner(&actions[1].text, &known), None);
        assert_eq!(owner("@nirik please", &known), Some("nirik"));
        let unknown = unknown_nicks(&m, &known);
        assert_eq!(
            unknown.into_iter().collect::<Vec<_>>(),
            vec!["mobrien".to_owned()]
        );
    }
}
