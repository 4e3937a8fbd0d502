//! The hackfest as Markdown: a tar with one file per object, each with a small front
//! matter (YAML: every value a JSON string or number, which YAML reads as is) and the
//! object's Markdown text. Built from the JSON export, so both show the same state.

use std::collections::HashMap;

use uuid::Uuid;

use super::{Export, stamp};
use crate::DomainError;
use crate::db::Db;
use crate::decision::format_followups;

/// Longest file name (path inside the tar), in bytes.
const NAME_MAX: usize = 100;

/// `s` as a file-name part: ASCII letters and digits, '-' between words, lower case,
/// at most `max` bytes; "untitled" when nothing is left.
pub fn file_part(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= max {
            break;
        }
    }
    out.truncate(max);
    let out = out.trim_matches('-').to_owned();
    if out.is_empty() {
        "untitled".into()
    } else {
        out
    }
}

/// `<folder>/<id>-<title>.md`, at most [`NAME_MAX`] bytes.
fn object_name(folder: &str, id: Uuid, title: &str) -> String {
    let fixed = folder.len() + 1 + 36 + 1 + 3;
    format!(
        "{folder}/{id}-{}.md",
        file_part(title, NAME_MAX.saturating_sub(fixed))
    )
}

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

struct Doc {
    text: String,
}

impl Doc {
    fn new() -> Self {
        Doc {
            text: "---\n".into(),
        }
    }

    fn field(&mut self, name: &str, value: impl std::fmt::Display) -> &mut Self {
        self.text.push_str(&format!("{name}: {value}\n"));
        self
    }

    fn text(&mut self, name: &str, value: &str) -> &mut Self {
        self.field(name, q(value))
    }

    fn opt(&mut self, name: &str, value: Option<impl std::fmt::Display>) -> &mut Self {
        match value {
            Some(v) => self.field(name, q(&v.to_string())),
            None => self,
        }
    }

    fn list(&mut self, name: &str, values: &[String]) -> &mut Self {
        let items: Vec<String> = values.iter().map(|v| q(v)).collect();
        self.field(name, format!("[{}]", items.join(", ")))
    }

    /// Ends the front matter and writes the title.
    fn title(&mut self, title: &str) -> &mut Self {
        self.text
            .push_str(&format!("---\n\n# {}\n", title.replace('\n', " ")));
        self
    }

    fn section(&mut self, heading: &str, body: &str) -> &mut Self {
        if !body.trim().is_empty() {
            if !heading.is_empty() {
                self.text.push_str(&format!("\n## {heading}\n"));
            }
            self.text.push('\n');
            self.text.push_str(body.trim_end());
            self.text.push('\n');
        }
        self
    }

    fn done(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.text).into_bytes()
    }
}

/// The files of the tar, in order: (name, Markdown).
pub fn files(e: &Export) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let h = &e.hackfest;
    let titles: HashMap<Uuid, &str> = e
        .goals
        .iter()
        .map(|g| (g.id, g.title.as_str()))
        .chain(e.sessions.iter().map(|s| (s.id, s.title.as_str())))
        .chain(e.decisions.iter().map(|d| (d.id, d.title.as_str())))
        .collect();
    let named = |id: &Uuid| match titles.get(id) {
        Some(t) => format!("{id} ({t})"),
        None => id.to_string(),
    };

    let mut readme = Doc::new();
    readme
        .text("id", &h.id.to_string())
        .text("slug", &h.slug)
        .text("start_date", &h.start_date.to_string())
        .text("end_date", &h.end_date.to_string())
        .text("time_zone", &h.time_zone)
        .text("location", &h.location)
        .text("created_at", &stamp(h.created_at))
        .text("updated_at", &stamp(h.updated_at))
        .text("exported_at", &stamp(e.exported_at))
        .title(&h.title)
        .section("", &h.description);
    let mut contents = String::new();
    for (folder, n) in [
        ("goals", e.goals.len()),
        ("sessions", e.sessions.len()),
        ("decisions", e.decisions.len()),
        ("actions", e.action_items.len()),
        ("pages", e.pages.len()),
        ("summaries", e.summaries.len()),
    ] {
        contents.push_str(&format!("- {folder}/: {n}\n"));
    }
    let mut members = String::new();
    for m in &e.members {
        members.push_str(&format!(
            "- {} ({}): {}\n",
            m.display_name, m.username, m.role
        ));
    }
    readme
        .section("Contents", &contents)
        .section("Members", &members);
    out.push(("README.md".to_owned(), readme.done()));

    let mut notes: HashMap<Uuid, String> = HashMap::new();
    for n in &e.goal_notes {
        notes.entry(n.goal_id).or_default().push_str(&format!(
            "- {} {}: {}\n",
            stamp(n.created_at),
            n.author,
            n.body.replace('\n', "\n  ")
        ));
    }
    for g in &e.goals {
        let mut d = Doc::new();
        d.text("id", &g.id.to_string())
            .text("kind", &g.kind)
            .text("status", &g.status)
            .field("progress", g.progress)
            .text("owner", &g.owner)
            .opt("parent", g.parent_id.as_ref().map(named))
            .field("version", g.version)
            .text("created_at", &stamp(g.created_at))
            .text("updated_at", &stamp(g.updated_at))
            .title(&g.title)
            .section("", &g.description)
            .section("Outcome", &g.outcome)
            .section("Notes", notes.get(&g.id).map_or("", String::as_str));
        out.push((object_name("goals", g.id, &g.title), d.done()));
    }
    for s in &e.sessions {
        let goals: Vec<String> = s.goal_ids.0.iter().map(named).collect();
        let mut d = Doc::new();
        d.text("id", &s.id.to_string())
            .text("kind", &s.kind)
            .text("starts_at", &stamp(s.starts_at))
            .text("ends_at", &stamp(s.ends_at))
            .text("room", &s.room)
            .list("participants", &s.participants.0)
            .list("goals", &goals)
            .field("version", s.version)
            .text("created_at", &stamp(s.created_at))
            .text("updated_at", &stamp(s.updated_at))
            .title(&s.title)
            .section("Agenda", &s.agenda)
            .section("Notes", &s.notes);
        out.push((object_name("sessions", s.id, &s.title), d.done()));
    }
    for x in &e.decisions {
        let goals: Vec<String> = x.goal_ids.0.iter().map(named).collect();
        let mut d = Doc::new();
        d.text("id", &x.id.to_string())
            .text("status", &x.status)
            .opt("superseded_by", x.superseded_by.as_ref().map(named))
            .opt("session", x.session_id.as_ref().map(named))
            .list("goals", &goals)
            .field("version", x.version)
            .text("created_at", &stamp(x.created_at))
            .text("updated_at", &stamp(x.updated_at))
            .title(&x.title)
            .section("Context", &x.context)
            .section("Decision", &x.decision)
            .section("Follow-ups", &format_followups(&x.followups.0));
        out.push((object_name("decisions", x.id, &x.title), d.done()));
    }
    for a in &e.action_items {
        let mut d = Doc::new();
        d.text("id", &a.id.to_string())
            .text("status", &a.status)
            .text("owner", &a.owner)
            .opt("due_date", a.due_date)
            .opt("goal", a.goal_id.as_ref().map(named))
            .opt("session", a.session_id.as_ref().map(named))
            .opt("decision", a.decision_id.as_ref().map(named))
            .field("version", a.version)
            .text("created_at", &stamp(a.created_at))
            .text("updated_at", &stamp(a.updated_at))
            .title(&a.title)
            .section("", &a.description);
        out.push((object_name("actions", a.id, &a.title), d.done()));
    }
    let mut questions: HashMap<Uuid, String> = HashMap::new();
    for x in &e.questions {
        let text = questions.entry(x.page_id).or_default();
        text.push_str(&format!(
            "\n### {}\n\n_{} asked {}; {}_\n",
            x.question.replace('\n', " "),
            x.asked_by,
            stamp(x.created_at),
            x.state
        ));
        if !x.answer.trim().is_empty() {
            text.push_str(&format!("\n{}\n", x.answer.trim_end()));
        }
    }
    let mut used: HashMap<String, usize> = HashMap::new();
    for p in &e.pages {
        let base = file_part(&p.slug, NAME_MAX - "pages/".len() - ".md".len() - 8);
        let n = used.entry(base.clone()).or_default();
        *n += 1;
        let name = if *n == 1 {
            format!("pages/{base}.md")
        } else {
            format!("pages/{base}-{n}.md")
        };
        let mut d = Doc::new();
        d.text("id", &p.id.to_string())
            .text("slug", &p.slug)
            .field("version", p.version)
            .field("revisions", p.revisions.len())
            .text("created_at", &stamp(p.created_at))
            .text("updated_at", &stamp(p.updated_at))
            .title(&p.title)
            .section("", &p.body)
            .section(
                "Questions",
                questions.get(&p.id).map_or("", |s| s.trim_start()),
            );
        out.push((name, d.done()));
    }
    for s in &e.summaries {
        let mut d = Doc::new();
        d.text("id", &s.id.to_string())
            .text("scope", &s.scope)
            .text("status", &s.status)
            .field("revision", s.revision)
            .opt("published_revision", s.published_revision)
            .opt("published_at", s.published_at.map(stamp))
            .text("updated_by", &s.updated_by)
            .text("created_at", &stamp(s.created_at))
            .text("updated_at", &stamp(s.updated_at))
            .title(&s.title)
            .section("", &s.body);
        let scope = match s.day {
            Some(day) => day.to_string(),
            None => file_part(&s.scope, 40),
        };
        out.push((format!("summaries/{scope}.md"), d.done()));
    }
    out
}

/// The hackfest `hackfest_id` as a tar of Markdown files (see the module's doc).
#[tracing::instrument(skip_all, err)]
pub async fn markdown_tar(db: &Db, hackfest_id: Uuid) -> Result<Vec<u8>, DomainError> {
    let e = super::json(db, hackfest_id).await?;
    tar(&e).map_err(|io| DomainError::Database(sqlx::Error::Io(io)))
}

/// The tar of [`files`]: regular files, mode 0644, stamped with the hackfest's last
/// change (so the same data gives the same tar).
pub fn tar(e: &Export) -> std::io::Result<Vec<u8>> {
    let mtime = u64::try_from(e.hackfest.updated_at.timestamp()).unwrap_or(0);
    let mut builder = tar::Builder::new(Vec::new());
    for (name, body) in files(e) {
        let mut header = tar::Header::new_ustar();
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(mtime);
        header.set_entry_type(tar::EntryType::Regular);
        builder.append_data(&mut header, &name, body.as_slice())?;
    }
    builder.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_parts_are_plain_and_short() {
        assert_eq!(
            file_part("Stand up an OpenShift cluster!", 60),
            "stand-up-an-openshift-cluster"
        );
        assert_eq!(file_part("../../etc/passwd", 60), "etc-passwd");
        assert_eq!(file_part("Čeština ✓", 60), "e-tina");
        assert_eq!(file_part("…", 60), "untitled");
        assert!(file_part(&"a".repeat(500), 60).len() <= 60);
        let name = object_name("decisions", Uuid::nil(), &"word ".repeat(100));
        assert!(name.len() <= NAME_MAX, "{name}");
        assert!(name.is_ascii() && !name.contains(".."));
    }
}
