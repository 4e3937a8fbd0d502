//! Drafting summaries (pure: no database, no clock).
//!
//! **Regenerating keeps the organizers' edits.** A draft is Markdown in sections, each
//! starting with a `## ` heading (the lines before the first heading are a section
//! too, headed ""). A summary stores its working text (`body`) and the text the last
//! generation produced (`generated`). Regenerating makes a new text and compares
//! section by section, matched by heading:
//! - a section of the body that still equals the previously generated one was not
//!   touched: it is replaced by the newly generated section (or dropped if the new
//!   text no longer has it);
//! - a section the organizers edited (or wrote themselves) is kept as they wrote it;
//!   the lines the regeneration would add to it (lines of the new section in neither
//!   the old generated section nor their text) are returned as `additions`, per
//!   heading, for the editor to offer;
//! - a section that was generated before but is gone from the body was deleted by the
//!   organizers: it is not added again, but its new lines are listed as additions;
//! - a section generated for the first time is inserted after the sections that
//!   precede it in the generated order.
//!
//! The new generated text is stored, so the next regeneration compares with it.
//! (A `## ` line inside a fenced code block also counts as a heading.)

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime};
use uuid::Uuid;

use crate::history::HistoryEntry;

/// How much of a note, outcome or answer a summary line quotes, in characters.
pub const QUOTE_CHARS: usize = 300;
/// At most this many items per section; the rest are counted ("and 12 more").
pub const SECTION_ITEMS: usize = 200;

/// A session held on the day.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionHeld {
    pub id: Uuid,
    pub title: String,
    /// On the hackfest's wall clock.
    pub starts: NaiveTime,
    pub ends: NaiveTime,
    pub notes: String,
}

/// An object a history entry is about, as it is now.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record {
    pub title: String,
    /// Site-relative link to its page: `/h/{slug}/decisions/{id}`.
    pub path: String,
    /// Action items: owner and due date.
    pub owner: String,
    pub due: Option<NaiveDate>,
    /// Decisions: the one that replaced it.
    pub superseded_by: Option<Uuid>,
}

/// What one day's summary is made from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Day {
    /// Sessions that started on the day, in start order.
    pub sessions: Vec<SessionHeld>,
    /// Sessions of the day not read (over the bound).
    pub sessions_cut: usize,
    /// The day's history, oldest first (not the summaries' own).
    pub history: Vec<HistoryEntry>,
    /// History entries of the day not read (over the bound).
    pub history_cut: usize,
    /// The objects the history names, by id (deleted ones are absent).
    pub records: HashMap<Uuid, Record>,
}

/// A goal in the event summary.
#[derive(Clone, Debug, PartialEq)]
pub struct GoalLine {
    pub title: String,
    pub path: String,
    pub big: bool,
    pub status: String,
    pub progress: u8,
    pub outcome: String,
}

/// A decision, or an action item, in the event summary.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub title: String,
    pub path: String,
    /// A decision's status; an action item's owner.
    pub detail: String,
    pub due: Option<NaiveDate>,
}

/// What the event summary is made from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Event {
    pub hackfest_slug: String,
    pub days: Vec<NaiveDate>,
    /// Big goals first, then small, each in the order they were added.
    pub goals: Vec<GoalLine>,
    pub decisions: Vec<Line>,
    /// Action items not done nor dropped.
    pub open_actions: Vec<Line>,
    /// Items of any list not read (over the bound).
    pub cut: usize,
}

/// `text` as Markdown that shows exactly it: no emphasis, link, HTML or line break.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '|' | '!' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A link to a record with its title escaped; `path` is built by the server from ids
/// and validated slugs.
fn link(title: &str, path: &str) -> String {
    format!("[{}]({path})", escape(title))
}

/// The first paragraph of Markdown `text` (headings skipped) on one line, at most
/// [`QUOTE_CHARS`] characters ("…" when cut). Its inline Markdown stays: it renders
/// sanitised like the note itself.
pub fn first_paragraph(text: &str) -> String {
    let para = text
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#'))
        .unwrap_or("");
    // Notes that open with a list read as one sentence: "a; b; c" (list markers in the
    // middle of a summary's line would read as stray dashes).
    let item = |l: &str| {
        let l = l.trim_start();
        l.strip_prefix("- ")
            .or_else(|| l.strip_prefix("* "))
            .or_else(|| l.strip_prefix("+ "))
            .or_else(|| {
                let digits = l.find(|c: char| !c.is_ascii_digit())?;
                (digits > 0).then(|| l[digits..].strip_prefix(". "))?
            })
            .map(str::to_owned)
    };
    let lines: Vec<&str> = para.lines().filter(|l| !l.trim().is_empty()).collect();
    let items: Option<Vec<String>> = lines.iter().map(|l| item(l)).collect();
    let para = match items {
        Some(items) if !items.is_empty() => items
            .iter()
            .map(|i| i.trim().trim_end_matches(['.', ';']))
            .collect::<Vec<_>>()
            .join("; "),
        _ => para.to_owned(),
    };
    let flat = para.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > QUOTE_CHARS {
        let cut: String = flat.chars().take(QUOTE_CHARS).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

/// A section: its heading and items (bounded), or nothing when empty.
fn section(out: &mut Vec<String>, heading: &str, items: Vec<String>) {
    if items.is_empty() {
        return;
    }
    let mut s = format!("## {heading}\n");
    let n = items.len();
    for item in items.into_iter().take(SECTION_ITEMS) {
        s.push_str("- ");
        s.push_str(&item);
        s.push('\n');
    }
    if n > SECTION_ITEMS {
        s.push_str(&format!("- … and {} more\n", n - SECTION_ITEMS));
    }
    out.push(s.trim_end().to_owned());
}

/// The (old, new) of `field` in `e`, if it changed.
fn change<'e>(e: &'e HistoryEntry, field: &str) -> Option<(&'e str, &'e str)> {
    e.changes
        .iter()
        .find(|c| c.field == field)
        .map(|c| (c.old.as_str(), c.new.as_str()))
}

/// Entries of `entity`, grouped by object in the order each first appears.
fn by_object<'h>(history: &'h [HistoryEntry], entity: &str) -> Vec<(Uuid, Vec<&'h HistoryEntry>)> {
    let mut groups: Vec<(Uuid, Vec<&HistoryEntry>)> = Vec::new();
    let mut index: HashMap<Uuid, usize> = HashMap::new();
    for e in history.iter().filter(|e| e.entity == entity) {
        let i = *index.entry(e.entity_id).or_insert_with(|| {
            groups.push((e.entity_id, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(e);
    }
    groups
}

fn owner_due(r: &Record) -> String {
    let owner = if r.owner.is_empty() {
        "no owner".to_owned()
    } else {
        format!("owner {}", escape(&r.owner))
    };
    match r.due {
        Some(d) => format!("{owner}, due {d}"),
        None => owner,
    }
}

/// One hackfest day's summary in Markdown: sessions held, decisions, action items,
/// goals, wiki pages changed, questions answered (empty sections left out).
pub fn daily(day: &Day) -> String {
    let mut out = Vec::new();
    let record = |id: &Uuid| day.records.get(id);

    let mut sessions: Vec<String> = day
        .sessions
        .iter()
        .filter_map(|s| {
            let r = record(&s.id)?;
            let mut line = format!(
                "{}, {}–{}",
                link(&s.title, &r.path),
                s.starts.format("%H:%M"),
                s.ends.format("%H:%M")
            );
            let notes = first_paragraph(&s.notes);
            if !notes.is_empty() {
                line.push_str(": ");
                line.push_str(&notes);
            }
            Some(line)
        })
        .collect();
    if day.sessions_cut > 0 {
        sessions.push(format!("… and {} more sessions", day.sessions_cut));
    }
    section(&mut out, "Sessions held", sessions);

    let mut decisions = Vec::new();
    for (id, entries) in by_object(&day.history, "decision") {
        let Some(r) = record(&id) else { continue };
        let status = entries
            .iter()
            .filter_map(|e| change(e, "status").map(|(_, new)| new))
            .rfind(|s| matches!(*s, "agreed" | "rejected" | "superseded"));
        let line = match status {
            Some("agreed") => format!("Agreed: {}", link(&r.title, &r.path)),
            Some("rejected") => format!("Rejected: {}", link(&r.title, &r.path)),
            Some(_) => {
                let by = r
                    .superseded_by
                    .and_then(|b| record(&b))
                    .map(|b| format!(", by {}", link(&b.title, &b.path)))
                    .unwrap_or_default();
                format!("Superseded: {}{by}", link(&r.title, &r.path))
            }
            None => continue,
        };
        decisions.push(line);
    }
    section(&mut out, "Decisions", decisions);

    let mut actions = Vec::new();
    for (id, entries) in by_object(&day.history, "action_item") {
        let Some(r) = record(&id) else { continue };
        if entries.iter().any(|e| e.action == "create") {
            actions.push(format!(
                "New: {} ({})",
                link(&r.title, &r.path),
                owner_due(r)
            ));
        }
        if entries
            .iter()
            .any(|e| change(e, "status").is_some_and(|(old, new)| new == "done" && old != "done"))
        {
            actions.push(format!(
                "Done: {} ({})",
                link(&r.title, &r.path),
                owner_due(r)
            ));
        }
    }
    section(&mut out, "Action items", actions);

    let mut goals = Vec::new();
    for (id, entries) in by_object(&day.history, "goal") {
        let Some(r) = record(&id) else { continue };
        let mut parts = Vec::new();
        for (field, unit) in [("progress", " %"), ("status", "")] {
            let moves: Vec<(&str, &str)> = entries
                .iter()
                .filter_map(|e| change(e, field))
                .filter(|(old, _)| !old.is_empty())
                .collect();
            if let (Some((from, _)), Some((_, to))) = (moves.first(), moves.last())
                && from != to
            {
                parts.push(format!(
                    "{field} {}{unit} → {}{unit}",
                    escape(from),
                    escape(to)
                ));
            }
        }
        let outcome = entries
            .iter()
            .filter_map(|e| change(e, "outcome").map(|(_, new)| new))
            .next_back()
            .filter(|o| !o.trim().is_empty());
        if let Some(o) = outcome {
            parts.push(format!("outcome written: {}", first_paragraph(o)));
        }
        if !parts.is_empty() {
            goals.push(format!("{}: {}", link(&r.title, &r.path), parts.join("; ")));
        }
    }
    section(&mut out, "Goals", goals);

    let pages: Vec<String> = by_object(&day.history, "page")
        .into_iter()
        .filter_map(|(id, entries)| {
            let r = record(&id)?;
            let what = if entries.iter().any(|e| e.action == "create") {
                "new"
            } else {
                "edited"
            };
            Some(format!("{} ({what})", link(&r.title, &r.path)))
        })
        .collect();
    section(&mut out, "Wiki pages changed", pages);

    let mut questions = Vec::new();
    for (id, entries) in by_object(&day.history, "question") {
        let Some(r) = record(&id) else { continue };
        let Some(answer) = entries
            .iter()
            .filter(|e| e.action == "answer")
            .filter_map(|e| change(e, "answer").map(|(_, new)| new))
            .next_back()
        else {
            continue;
        };
        let answer = first_paragraph(answer);
        let mut line = link(&r.title, &r.path);
        if !answer.is_empty() {
            line.push_str(": ");
            line.push_str(&answer);
        }
        questions.push(line);
    }
    section(&mut out, "Questions answered", questions);

    if day.history_cut > 0 {
        out.push(format!(
            "*… and {} more changes of this day not read: the list above is not complete.*",
            day.history_cut
        ));
    }
    if out.is_empty() {
        return "Nothing was recorded on this day.".to_owned();
    }
    out.join("\n\n")
}

/// The event summary in Markdown: big goals with their outcomes, small goals, every
/// decision, the open action items, and each day's summary.
pub fn event(e: &Event) -> String {
    let mut out = Vec::new();
    let goal = |g: &GoalLine| {
        let mut line = format!(
            "{} ({}, {} %)",
            link(&g.title, &g.path),
            escape(&g.status),
            g.progress
        );
        let outcome = first_paragraph(&g.outcome);
        if !outcome.is_empty() {
            line.push_str(": ");
            line.push_str(&outcome);
        }
        line
    };
    section(
        &mut out,
        "Big goals",
        e.goals.iter().filter(|g| g.big).map(goal).collect(),
    );
    section(
        &mut out,
        "Small goals",
        e.goals.iter().filter(|g| !g.big).map(goal).collect(),
    );
    section(
        &mut out,
        "Decisions",
        e.decisions
            .iter()
            .map(|d| format!("{} ({})", link(&d.title, &d.path), escape(&d.detail)))
            .collect(),
    );
    section(
        &mut out,
        "Open action items",
        e.open_actions
            .iter()
            .map(|a| {
                let r = Record {
                    owner: a.detail.clone(),
                    due: a.due,
                    ..Default::default()
                };
                format!("{} ({})", link(&a.title, &a.path), owner_due(&r))
            })
            .collect(),
    );
    section(
        &mut out,
        "Daily summaries",
        e.days
            .iter()
            .map(|d| {
                format!(
                    "[{}]({})",
                    d.format("%A, %-d %B"),
                    super::path(&e.hackfest_slug, Some(*d))
                )
            })
            .collect(),
    );
    if e.cut > 0 {
        out.push(format!(
            "*… and {} more items not read: the lists above are not complete.*",
            e.cut
        ));
    }
    if out.is_empty() {
        return "Nothing was recorded for this hackfest.".to_owned();
    }
    out.join("\n\n")
}

/// `text` if it has at most `max` characters; else cut at a line break to fit, with a
/// last line saying so.
pub fn fit(text: String, max: usize) -> String {
    const NOTE: &str = "\n\n*… cut here: a summary holds at most this much text.*";
    if text.chars().count() <= max {
        return text;
    }
    let budget = max.saturating_sub(NOTE.chars().count());
    let end = text
        .char_indices()
        .nth(budget)
        .map_or(text.len(), |(i, _)| i);
    let cut = text[..end].rfind('\n').unwrap_or(0);
    format!("{}{NOTE}", text[..cut].trim_end())
}

/// Markdown split into (heading line, whole section text), the lines before the
/// first `## ` heading a section headed "".
pub fn sections(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if line.starts_with("## ") {
            if let Some(s) = current.take() {
                out.push(s);
            }
            current = Some((line.trim_end().to_owned(), format!("{line}\n")));
        } else {
            let s = current.get_or_insert_with(|| (String::new(), String::new()));
            s.1.push_str(line);
            s.1.push('\n');
        }
    }
    out.extend(current);
    out.into_iter()
        .map(|(h, t)| (h, t.trim().to_owned()))
        .filter(|(h, t)| !(h.is_empty() && t.is_empty()))
        .collect()
}

/// What [`merge`] made.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Merged {
    pub body: String,
    pub additions: Vec<(String, Vec<String>)>,
}

fn find<'s>(secs: &'s [(String, String)], heading: &str) -> Option<&'s str> {
    secs.iter()
        .find(|(h, _)| h == heading)
        .map(|(_, t)| t.as_str())
}

/// The non-empty lines of `new` (not its heading) in neither `old` nor `kept`.
fn added_lines(new: &str, old: Option<&str>, kept: Option<&str>) -> Vec<String> {
    let has = |t: Option<&str>, l: &str| t.is_some_and(|t| t.lines().any(|x| x.trim() == l));
    new.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("## "))
        .filter(|l| !has(old, l) && !has(kept, l))
        .map(str::to_owned)
        .collect()
}

/// Regenerates `body` (last generated as `old`) to the newly generated `new`, keeping
/// the organizers' edits: see this module's documentation.
pub fn merge(body: &str, old: &str, new: &str) -> Merged {
    let (body_s, old_s, new_s) = (sections(body), sections(old), sections(new));
    let mut out: Vec<(String, String)> = Vec::new();
    let mut additions = Vec::new();
    for (h, text) in &body_s {
        let (was, now) = (find(&old_s, h), find(&new_s, h));
        if was == Some(text.as_str()) {
            if let Some(now) = now {
                out.push((h.clone(), now.to_owned()));
            }
        } else {
            if let Some(now) = now {
                let lines = added_lines(now, was, Some(text));
                if !lines.is_empty() {
                    additions.push((h.clone(), lines));
                }
            }
            out.push((h.clone(), text.clone()));
        }
    }
    for (i, (h, text)) in new_s.iter().enumerate() {
        if find(&body_s, h).is_some() {
            continue;
        }
        match find(&old_s, h) {
            // Generated before and deleted since: the organizers' choice stays.
            Some(was) => {
                let lines = added_lines(text, Some(was), None);
                if !lines.is_empty() {
                    additions.push((h.clone(), lines));
                }
            }
            None => {
                // After the last section of the result that comes earlier in `new`.
                let at = new_s[..i]
                    .iter()
                    .rev()
                    .find_map(|(p, _)| out.iter().rposition(|(o, _)| o == p))
                    .map_or(0, |j| j + 1);
                out.insert(at, (h.clone(), text.clone()));
            }
        }
    }
    Merged {
        body: out
            .into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
            .join("\n\n"),
        additions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_that_open_with_a_list_read_as_one_line() {
        assert_eq!(
            first_paragraph("- Accounts sync every 10 minutes.\n- Apps move to OIDC.\n\nMore."),
            "Accounts sync every 10 minutes; Apps move to OIDC"
        );
        assert_eq!(first_paragraph("1. one\n2. two"), "one; two");
        assert_eq!(
            first_paragraph("We met.\n- not a list"),
            "We met. - not a list"
        );
        assert_eq!(
            first_paragraph("## Heading\n\nText -- here"),
            "Text -- here"
        );
    }
    use crate::history::FieldChange;
    use chrono::Utc;

    fn entry(entity: &str, id: Uuid, action: &str, changes: &[(&str, &str, &str)]) -> HistoryEntry {
        HistoryEntry {
            id: Uuid::now_v7(),
            entity: entity.into(),
            entity_id: id,
            action: action.into(),
            actor: "kevin".into(),
            changes: changes
                .iter()
                .map(|(f, o, n)| FieldChange {
                    field: (*f).into(),
                    old: (*o).into(),
                    new: (*n).into(),
                })
                .collect(),
            created_at: Utc::now(),
            created_local: None,
            zone: String::new(),
        }
    }

    fn rec(title: &str, path: &str) -> Record {
        Record {
            title: title.into(),
            path: path.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_day_in_sections_in_order() {
        let ids: Vec<Uuid> = (0..9).map(|_| Uuid::now_v7()).collect();
        let mut day = Day {
            sessions: vec![SessionHeld {
                id: ids[0],
                title: "Storage *meeting*".into(),
                starts: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
                ends: NaiveTime::from_hms_opt(11, 30, 0).unwrap(),
                notes: "## Notes\n\nWe agreed\non the split.\n\nSecond paragraph.".into(),
            }],
            ..Default::default()
        };
        let p = |k: &str, i: usize| format!("/h/ci/{k}/{}", ids[i]);
        day.records
            .insert(ids[0], rec("Storage *meeting*", &p("sessions", 0)));
        day.records
            .insert(ids[1], rec("[a](javascript:alert(1))", &p("decisions", 1)));
        day.records
            .insert(ids[2], rec("No BDR", &p("decisions", 2)));
        day.records.insert(
            ids[3],
            Record {
                superseded_by: Some(ids[1]),
                ..rec("Old plan", &p("decisions", 3))
            },
        );
        day.records.insert(
            ids[4],
            Record {
                owner: "kevin".into(),
                due: NaiveDate::from_ymd_opt(2026, 3, 30),
                ..rec("Write the playbook", &p("actions", 4))
            },
        );
        day.records
            .insert(ids[5], rec("Book the visit", &p("actions", 5)));
        day.records
            .insert(ids[6], rec("Split storage", &p("goals", 6)));
        day.records
            .insert(ids[7], rec("OpenShift", "/h/ci/pages/openshift"));
        day.records
            .insert(ids[8], rec("Cron jobs?", "/h/ci/pages/openshift#q-1"));
        day.history = vec![
            entry("decision", ids[1], "create", &[("status", "", "agreed")]),
            entry(
                "decision",
                ids[2],
                "update",
                &[("status", "proposed", "rejected")],
            ),
            entry(
                "decision",
                ids[3],
                "update",
                &[("status", "agreed", "superseded")],
            ),
            entry(
                "action_item",
                ids[4],
                "create",
                &[("title", "", "Write the playbook")],
            ),
            entry(
                "action_item",
                ids[5],
                "update",
                &[("status", "open", "done")],
            ),
            entry("goal", ids[6], "update", &[("progress", "20", "40")]),
            entry(
                "goal",
                ids[6],
                "update",
                &[
                    ("progress", "40", "60"),
                    ("outcome", "", "Split **agreed**."),
                ],
            ),
            entry(
                "page",
                ids[7],
                "update",
                &[("body", "revision 1", "revision 2")],
            ),
            entry(
                "question",
                ids[8],
                "answer",
                &[("answer", "", "Use systemd timers.")],
            ),
            entry("question", ids[8], "create", &[]),
        ];
        let md = daily(&day);
        let heads: Vec<String> = sections(&md).into_iter().map(|(h, _)| h).collect();
        assert_eq!(
            heads,
            [
                "## Sessions held",
                "## Decisions",
                "## Action items",
                "## Goals",
                "## Wiki pages changed",
                "## Questions answered"
            ]
        );
        for want in [
            &format!(
                "- [Storage \\*meeting\\*]({}), 10:00–11:30: We agreed on the split.",
                p("sessions", 0)
            ),
            &format!(
                "- Agreed: [\\[a\\](javascript:alert(1))]({})",
                p("decisions", 1)
            ),
            &format!("- Rejected: [No BDR]({})", p("decisions", 2)),
            &format!("- Superseded: [Old plan]({}), by [", p("decisions", 3)),
            &format!(
                "- New: [Write the playbook]({}) (owner kevin, due 2026-03-30)",
                p("actions", 4)
            ),
            &format!("- Done: [Book the visit]({}) (no owner)", p("actions", 5)),
            &format!(
                "- [Split storage]({}): progress 20 % → 60 %; outcome written: Split **agreed**.",
                p("goals", 6)
            ),
            &"- [OpenShift](/h/ci/pages/openshift) (edited)".to_owned(),
            &"- [Cron jobs?](/h/ci/pages/openshift#q-1): Use systemd timers.".to_owned(),
        ] {
            let want: &str = want;
            assert!(md.contains(want), "{want}\nnot in\n{md}");
        }
        assert!(!md.contains("Second paragraph"));
        // The escaped title is text, not a link.
        let html = crate::markdown::render(&md);
        assert!(!html.contains("javascript:alert(1)\""), "{html}");
        assert!(!html.contains("<em>meeting"), "{html}");
    }

    #[test]
    fn the_body_limit_is_every_markdown_text_s() {
        assert_eq!(crate::summary::BODY_MAX, crate::markdown::MAX_CHARS);
    }

    #[test]
    fn long_drafts_are_cut_at_a_line() {
        let t = "- item\n".repeat(100);
        assert_eq!(fit(t.clone(), 10_000), t);
        let f = fit(t, 100);
        assert!(f.chars().count() <= 100 && f.contains("cut here"), "{f}");
        assert!(f.starts_with("- item\n- item"));
    }

    #[test]
    fn an_empty_day_says_so_and_a_cut_day_too() {
        assert_eq!(daily(&Day::default()), "Nothing was recorded on this day.");
        let d = Day {
            history_cut: 12,
            ..Default::default()
        };
        assert!(daily(&d).contains("12 more changes"));
    }

    #[test]
    fn the_event_links_each_day() {
        let e = Event {
            hackfest_slug: "ci".into(),
            days: vec![NaiveDate::from_ymd_opt(2026, 3, 23).unwrap()],
            goals: vec![GoalLine {
                title: "Docs".into(),
                path: "/h/ci/goals/1".into(),
                big: true,
                status: "done".into(),
                progress: 100,
                outcome: "Written.".into(),
            }],
            ..Default::default()
        };
        let md = event(&e);
        assert!(
            md.contains("## Big goals\n- [Docs](/h/ci/goals/1) (done, 100 %): Written."),
            "{md}"
        );
        assert!(
            md.contains("- [Monday, 23 March](/h/ci/summary/2026-03-23)"),
            "{md}"
        );
        assert!(!md.contains("## Small goals"));
    }

    #[test]
    fn escaping_leaves_no_markup() {
        for t in [
            "*x*",
            "[a](javascript:alert(1))",
            "<script>x</script>",
            "`code`",
            "a\nb",
            "&#106;",
        ] {
            let html = crate::markdown::render(&escape(t));
            for bad in ["<em>", "<a", "<code>", "<script", "<br"] {
                assert!(!html.contains(bad), "{t}: {html}");
            }
        }
    }

    const OLD: &str = "## Sessions held\n- a\n\n## Decisions\n- Agreed: x";
    const NEW: &str =
        "## Sessions held\n- a\n- b\n\n## Decisions\n- Agreed: x\n- Rejected: y\n\n## Goals\n- g";

    #[test]
    fn untouched_sections_are_replaced() {
        let m = merge(OLD, OLD, NEW);
        assert_eq!(m.body, NEW);
        assert!(m.additions.is_empty());
    }

    #[test]
    fn edited_sections_are_kept_and_their_additions_listed() {
        let body =
            "Intro by us.\n\n## Sessions held\n- a, which went well\n\n## Decisions\n- Agreed: x";
        let m = merge(body, OLD, NEW);
        assert_eq!(
            m.body,
            "Intro by us.\n\n## Sessions held\n- a, which went well\n\n## Decisions\n- Agreed: x\n- Rejected: y\n\n## Goals\n- g"
        );
        assert_eq!(
            m.additions,
            vec![("## Sessions held".to_owned(), vec!["- b".to_owned()])]
        );
    }

    #[test]
    fn deleted_sections_stay_deleted_but_list_their_additions() {
        let body = "## Decisions\n- Agreed: x";
        let m = merge(body, OLD, NEW);
        assert_eq!(
            m.body,
            "## Decisions\n- Agreed: x\n- Rejected: y\n\n## Goals\n- g"
        );
        assert_eq!(
            m.additions,
            vec![("## Sessions held".to_owned(), vec!["- b".to_owned()])]
        );
    }

    #[test]
    fn new_sections_go_in_generated_order() {
        let old = "## Decisions\n- x";
        let new = "## Sessions held\n- s\n\n## Decisions\n- x\n\n## Goals\n- g";
        let body = "## Decisions\n- x, edited\n\n## Our notes\n- n";
        let m = merge(body, old, new);
        assert_eq!(
            m.body,
            "## Sessions held\n- s\n\n## Decisions\n- x, edited\n\n## Goals\n- g\n\n## Our notes\n- n"
        );
        // The "nothing recorded" line goes once there is something.
        let m = merge(
            "Nothing was recorded on this day.",
            "Nothing was recorded on this day.",
            new,
        );
        assert_eq!(m.body, new);
    }
}
