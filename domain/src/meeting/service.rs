//! A meeting's log into a session's record: [`preview`] says what an import would
//! create, [`import`] creates it in one transaction.
//!
//! `#agreed`/`#accepted` become agreed decisions and `#rejected` rejected ones,
//! `#action` action items (owned by the first nick of their text that is a known
//! person, or that the importer mapped to one), and `#info`, `#idea`, `#help` and
//! `#link` the session's notes under their `#topic` headings. Each created object
//! remembers the line it came from (`meeting_imports`: line number, nick, time), keyed
//! by what the line said, who said it and when: importing the same log again, or its
//! text minutes after its raw log, creates nothing new.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::Utc;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::minutes::{self, Item, ItemKind, Minutes};
pub use super::types::{Counts, Planned, Preview};
use crate::action::{self, ActionForm};
use crate::db::{Db, Tx};
use crate::decision::{self, DecisionForm};
use crate::hackfest::Hackfest;
use crate::{DomainError, FieldErrors};

/// The form field the log is pasted into: parse errors name it.
pub const LOG_FIELD: &str = "log";
/// The form field of the nick → username mapping.
pub const MAP_FIELD: &str = "map";
/// At most this many nicks are looked up as people.
const NICKS_MAX: usize = 100;

/// The line's key: what it made, who said it, when, and what it said.
fn key(i: &Item) -> String {
    let mut h = Sha256::new();
    for part in [
        i.kind.as_str(),
        &i.source.nick.to_lowercase(),
        i.source.time.as_deref().unwrap_or(""),
        &i.text,
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The importer's mapping, `nick = username` one per line (or `nick username`).
pub fn parse_map(input: &str) -> Result<BTreeMap<String, String>, FieldErrors> {
    let mut map = BTreeMap::new();
    for (n, line) in crate::text::numbered_lines(input) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (nick, user) = line
            .split_once('=')
            .or_else(|| line.split_once(char::is_whitespace))
            .map(|(a, b)| {
                (
                    a.trim().trim_start_matches('@'),
                    b.trim().trim_start_matches('@'),
                )
            })
            .filter(|(a, b)| !a.is_empty() && !b.is_empty() && !b.contains(char::is_whitespace))
            .ok_or_else(|| {
                FieldErrors::single(
                    MAP_FIELD,
                    format!("Line {n}: write “nick = username”, one per line."),
                )
            })?;
        if map.len() >= NICKS_MAX {
            return Err(FieldErrors::single(
                MAP_FIELD,
                format!("At most {NICKS_MAX} nicks can be mapped."),
            ));
        }
        map.insert(nick.to_lowercase(), user.to_owned());
    }
    Ok(map)
}

fn read(text: &str) -> Result<Minutes, DomainError> {
    minutes::parse(text).map_err(|e| FieldErrors::single(LOG_FIELD, e.to_string()).into())
}

/// Plans the import in `tx`: known people, the mapping checked, what is already there.
async fn plan(
    tx: &mut Tx,
    h: &Hackfest,
    session_id: Uuid,
    m: &Minutes,
    map: &BTreeMap<String, String>,
) -> Result<Preview, DomainError> {
    // The session must be this hackfest's.
    let _: crate::session::HackSession = crate::write::current(
        tx,
        crate::ids::HackfestId(h.id),
        crate::ids::SessionId(session_id),
    )
    .await?;
    // Who could own an action: the nicks actions name that are people signed in here
    // before, and those the importer mapped (to people who are).
    let mut candidates: BTreeSet<String> = BTreeSet::new();
    for i in m.items.iter().filter(|i| i.kind == ItemKind::Action) {
        for w in i.text.split_whitespace() {
            let w = w
                .trim_start_matches('@')
                .trim_end_matches([':', ',', '.', ';', '!', '?', ')']);
            if !w.is_empty() && w.len() <= 64 {
                candidates.insert(w.to_owned());
            }
        }
    }
    candidates.extend(map.values().cloned());
    let asked: Vec<String> = candidates.into_iter().take(NICKS_MAX).collect();
    let known = crate::user::repo::known_usernames(tx, &asked).await?;
    if let Some((nick, user)) = map
        .iter()
        .find(|(_, u)| !known.iter().any(|k| k.eq_ignore_ascii_case(u)))
    {
        return Err(FieldErrors::single(
            MAP_FIELD,
            format!("{nick} = {user}: nobody called {user} has signed in here yet."),
        )
        .into());
    }
    let done: HashSet<String> = crate::on_tx!(tx, c => sqlx::query_scalar(
        "SELECT source_key FROM meeting_imports WHERE session_id = $1",
    )
    .bind(session_id)
    .fetch_all(c)
    .await)?
    .into_iter()
    .collect();
    let mut seen = HashSet::new();
    let items = m
        .items
        .iter()
        .map(|i| {
            let k = key(i);
            let already = done.contains(&k) || !seen.insert(k);
            let owner = (i.kind == ItemKind::Action)
                .then(|| {
                    mapped_owner(&i.text, map)
                        .or_else(|| minutes::owner(&i.text, &known).map(str::to_owned))
                })
                .flatten();
            Planned {
                item: i.clone(),
                owner,
                already,
            }
        })
        .collect();
    let mapped: Vec<String> = map.keys().cloned().collect();
    let unknown = minutes::unknown_nicks(m, &known)
        .into_iter()
        .filter(|n| !mapped.iter().any(|k| k.eq_ignore_ascii_case(n)))
        .collect();
    Ok(Preview {
        title: m.title.clone(),
        items,
        unknown,
        skipped: m.skipped.clone(),
    })
}

/// The owner the importer's mapping gives: the first word of `text` that is a mapped nick.
fn mapped_owner(text: &str, map: &BTreeMap<String, String>) -> Option<String> {
    let names: Vec<String> = map.keys().cloned().collect();
    minutes::owner(text, &names).and_then(|n| map.get(&n.to_lowercase()).cloned())
}

/// What importing `text` into session `session_id` of `h` would create.
pub async fn preview(
    db: &Db,
    h: &Hackfest,
    session_id: Uuid,
    text: &str,
    map: &str,
) -> Result<Preview, DomainError> {
    let m = read(text)?;
    let map = parse_map(map)?;
    let mut tx = db.read().await?;
    plan(&mut tx, h, session_id, &m, &map).await
}

/// A line cut to `max` characters, with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((i, _)) if text.chars().count() > max => format!("{}…", &text[..i]),
        _ => text.to_owned(),
    }
}

/// The notes' Markdown: a heading per topic, a line per note with who and when.
fn notes_markdown(title: Option<&str>, notes: &[&Planned]) -> String {
    let mut out = String::new();
    if let Some(t) = title {
        out.push_str(&format!("## Meeting: {}\n", escape(t)));
    }
    let mut topic: Option<&str> = None;
    for (n, p) in notes.iter().enumerate() {
        let t = p.item.topic.as_deref();
        if n == 0 || t != topic {
            out.push_str(&format!("\n### {}\n\n", escape(t.unwrap_or("Notes"))));
            topic = t;
        }
        let label = match p.item.kind {
            ItemKind::Idea => "Idea: ",
            ItemKind::Help => "Help wanted: ",
            ItemKind::Link => "Link: ",
            _ => "",
        };
        let when = p
            .item
            .source
            .time
            .as_deref()
            .map(|t| format!(", {t}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "- {label}{} ({}{when})\n",
            escape(&p.item.text),
            escape(&p.item.source.nick)
        ));
    }
    out
}

/// Text as Markdown shows it literally (the rendered notes are sanitised anyway).
fn escape(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Imports `text` into session `session_id` of `h` in one transaction: the decisions,
/// action items and notes the preview lists as new, each remembering its line.
/// Nothing is written when any of it fails.
#[tracing::instrument(skip(db, h, text, map), err(level = "debug"))]
pub async fn import(
    db: &Db,
    h: &Hackfest,
    session_id: Uuid,
    text: &str,
    map: &str,
    actor: &str,
) -> Result<Counts, DomainError> {
    let m = read(text)?;
    let map = parse_map(map)?;
    let mut tx = db.begin().await?;
    // Two imports into one session run one after the other, the second seeing the
    // first's lines: the session's row is locked on PostgreSQL (SQLite's one writer
    // already runs write transactions one at a time).
    if let Tx::Postgres(_) = tx {
        crate::on_tx!(&mut tx, c => sqlx::query("SELECT id FROM hack_sessions WHERE id = $1 FOR UPDATE")
            .bind(session_id)
            .fetch_optional(c)
            .await
            .map(|_| ()))?;
    }
    let plan = plan(&mut tx, h, session_id, &m, &map).await?;
    let counts = plan.counts();
    let mut notes: Vec<&Planned> = Vec::new();
    for p in plan.items.iter().filter(|p| !p.already) {
        let i = &p.item;
        let entity_id: Uuid = match i.kind {
            ItemKind::Agreed | ItemKind::Rejected => {
                let form = DecisionForm {
                    title: cut(&i.text, decision::TITLE_MAX),
                    decision: i.text.clone(),
                    status: if i.kind == ItemKind::Agreed {
                        "agreed"
                    } else {
                        "rejected"
                    }
                    .into(),
                    session_id: session_id.to_string(),
                    context: i
                        .topic
                        .as_ref()
                        .map(|t| format!("Meeting topic: {t}"))
                        .unwrap_or_default(),
                    ..Default::default()
                };
                decision::service::create_in(&mut tx, h.id, &form, actor)
                    .await?
                    .id
            }
            ItemKind::Action => {
                let form = ActionForm {
                    title: cut(&i.text, action::TITLE_MAX),
                    description: i.text.clone(),
                    owner: p.owner.clone().unwrap_or_default(),
                    status: "open".into(),
                    session_id: session_id.to_string(),
                    ..Default::default()
                };
                action::service::create_in(&mut tx, h.id, &form, actor)
                    .await?
                    .id
            }
            _ => {
                notes.push(p);
                session_id
            }
        };
        crate::on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO meeting_imports (id, hackfest_id, session_id, source_key, kind, entity_id, \
             line, nick, said_at, text, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(Uuid::now_v7())
        .bind(h.id)
        .bind(session_id)
        .bind(key(i))
        .bind(i.kind.as_str())
        .bind(entity_id)
        .bind(i64::try_from(i.source.line).unwrap_or(i64::MAX))
        .bind(&i.source.nick)
        .bind(i.source.time.as_deref())
        .bind(&i.text)
        .bind(actor)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))?;
    }
    if !notes.is_empty() {
        let md = notes_markdown(plan.title.as_deref(), &notes);
        crate::session::service::append_notes_in(&mut tx, h, session_id, &md, actor, LOG_FIELD)
            .await?;
    }
    tx.commit().await?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meeting::minutes::Source;

    #[test]
    fn the_mapping_is_read_one_per_line() {
        let m = parse_map("mobrien = mark\n@smooge smooge2\n\n").unwrap();
        assert_eq!(m.get("mobrien").map(String::as_str), Some("mark"));
        assert_eq!(m.get("smooge").map(String::as_str), Some("smooge2"));
        let e = parse_map("just-a-nick").unwrap_err();
        assert!(e.get(MAP_FIELD).unwrap().contains("Line 1"));
    }

    #[test]
    fn notes_are_markdown_under_their_topics_and_escaped() {
        let item = |kind, text: &str, topic: Option<&str>| Planned {
            item: Item {
                kind,
                text: text.into(),
                topic: topic.map(str::to_owned),
                source: Source {
                    line: 1,
                    nick: "kevin".into(),
                    time: Some("16:31:20".into()),
                },
            },
            owner: None,
            already: false,
        };
        let a = item(ItemKind::Info, "180 TB, *mostly* cold", Some("Storage"));
        let b = item(ItemKind::Link, "https://pagure.io/x", Some("Storage"));
        let c = item(ItemKind::Idea, "<script>", Some("Open floor"));
        let md = notes_markdown(Some("Infra"), &[&a, &b, &c]);
        assert_eq!(
            md,
            "## Meeting: Infra\n\n### Storage\n\n- 180 TB, \\*mostly\\* cold (kevin, 16:31:20)\n- Link: https://pagure.io/x (kevin, 16:31:20)\n\n### Open floor\n\n- Idea: \\<script\\> (kevin, 16:31:20)\n"
        );
    }

    #[test]
    fn titles_are_cut_with_an_ellipsis() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcd", 3), "ab…");
        assert_eq!(cut(&"é".repeat(300), 200).chars().count(), 200);
    }
}
