//! Full-text search over a hackfest's goals, sessions, decisions, action items, wiki
//! pages, questions and published summaries (issue 11.7).
//!
//! **The index** is one `search_documents` row per object, written by the shared
//! versioned write path ([`crate::write`]) in the change's own transaction: every
//! [`crate::write::Versioned`] kind is [`Searchable`], and each save asks it what to
//! index ([`Indexed`]). SQLite searches it through an external-content FTS5 table
//! (`porter unicode61`, kept in step by triggers), PostgreSQL through a generated,
//! GIN-indexed `tsvector` (title weighted A, body B). A summary is indexed only as
//! published, with the published revision's text: a draft is never searchable.
//!
//! **Queries** never reach a query language as typed: [`Query::parse`] keeps the
//! words (runs of letters and digits), drops the stop words (PostgreSQL's English
//! list, so both databases search for the same words), and the databases get them
//! as quoted FTS5 strings joined by spaces (AND) or as `plainto_tsquery` text. So
//! `-`, `"`, `AND`, `OR`, `NOT`, `NEAR`, `col:`, `*`, `^` and parentheses are words
//! or nothing. A query of more than [`QUERY_MAX`] characters is a field error on `q`.
//!
//! **Results** are ranked (FTS5 `bm25`, title ten times the body; `ts_rank_cd`),
//! [`PAGE_SIZE`] a page, with the title and a snippet as escaped HTML in which only
//! `<mark>` is markup ([`marked_html`]).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;

/// The longest query, in characters.
pub const QUERY_MAX: usize = 200;
/// Results per page.
pub const PAGE_SIZE: usize = 50;
/// The words of a query searched for at most (the rest are ignored).
pub const WORDS_MAX: usize = 16;
/// The pages of results one can ask for.
pub const PAGES_MAX: u32 = 100;

/// Before and after a match, in the text the databases highlight; never stored.
const START: char = '\u{E000}';
const STOP: char = '\u{E001}';

/// What kind of object a result is; `kind=` in the address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Goal,
    Session,
    Decision,
    ActionItem,
    Page,
    Question,
    Summary,
    /// Never indexed (a room is found on the rooms page), so not in [`Kind::ALL`]:
    /// the kind the shared write path names a room's (absent) document by.
    Room,
    /// Never indexed either: travel requests and budgets are private.
    Travel,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Goal,
        Kind::Session,
        Kind::Decision,
        Kind::ActionItem,
        Kind::Page,
        Kind::Question,
        Kind::Summary,
    ];

    /// The name in addresses and in the index.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Goal => "goal",
            Kind::Session => "session",
            Kind::Decision => "decision",
            Kind::ActionItem => "action_item",
            Kind::Page => "page",
            Kind::Question => "question",
            Kind::Summary => "summary",
            Kind::Room => "room",
            Kind::Travel => "travel",
        }
    }

    /// How a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Goal => "Goal",
            Kind::Session => "Session",
            Kind::Decision => "Decision",
            Kind::ActionItem => "Action item",
            Kind::Page => "Wiki page",
            Kind::Question => "Question",
            Kind::Summary => "Summary",
            Kind::Room => "Room",
            Kind::Travel => "Travel request",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// A parsed query: the words searched for (lower case, no stop words, at most
/// [`WORDS_MAX`]) and the kinds (none: every kind).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    words: Vec<String>,
    kinds: Vec<Kind>,
}

impl Query {
    /// `q` as typed and the `kind` values (each may list several, comma-separated;
    /// blanks are ignored). Too long a query is an error on `q`, an unknown kind on
    /// `kind`; a query with no word left is valid and finds nothing.
    pub fn parse(q: &str, kinds: &[String]) -> Result<Query, FieldErrors> {
        let mut errors = FieldErrors::new();
        let n = q.chars().count();
        if n > QUERY_MAX {
            errors.add(
                "q",
                format!("Search for at most {QUERY_MAX} characters (this query has {n})."),
            );
        }
        let mut parsed = Vec::new();
        for k in kinds.iter().flat_map(|k| k.split(',')) {
            if k.trim().is_empty() {
                continue;
            }
            match Kind::parse(k) {
                Some(k) if !parsed.contains(&k) => parsed.push(k),
                Some(_) => {}
                None => errors.add(
                    "kind",
                    format!(
                        "Choose kinds among: {}.",
                        Kind::ALL.map(Kind::as_str).join(", ")
                    ),
                ),
            }
        }
        parsed.sort();
        errors.into_result(|| Query {
            words: words(q),
            kinds: parsed,
        })
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }

    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    /// The FTS5 MATCH expression: every word a quoted string, all of them (AND).
    /// Words hold letters and digits only, so no quote can be inside one.
    pub fn fts5(&self) -> String {
        let quoted: Vec<String> = self.words.iter().map(|w| format!("\"{w}\"")).collect();
        quoted.join(" ")
    }

    /// The text given to PostgreSQL's `plainto_tsquery('english', …)`.
    pub fn plain(&self) -> String {
        self.words.join(" ")
    }
}

/// The words of `q`: runs of letters and digits, lower-cased, without stop words and
/// repeats, at most [`WORDS_MAX`].
pub fn words(q: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in q.split(|c: char| !c.is_alphanumeric()) {
        if w.is_empty() {
            continue;
        }
        let w = w.to_lowercase();
        if STOP_WORDS.contains(&w.as_str()) || out.contains(&w) {
            continue;
        }
        out.push(w);
        if out.len() == WORDS_MAX {
            break;
        }
    }
    out
}

/// PostgreSQL's English stop words (`english.stop`): neither database searches for
/// them, so both find the same things.
const STOP_WORDS: &[&str] = &[
    "i",
    "me",
    "my",
    "myself",
    "we",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "it",
    "its",
    "itself",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
    "what",
    "which",
    "who",
    "whom",
    "this",
    "that",
    "these",
    "those",
    "am",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "doing",
    "a",
    "an",
    "the",
    "and",
    "but",
    "if",
    "or",
    "because",
    "as",
    "until",
    "while",
    "of",
    "at",
    "by",
    "for",
    "with",
    "about",
    "against",
    "between",
    "into",
    "through",
    "during",
    "before",
    "after",
    "above",
    "below",
    "to",
    "from",
    "up",
    "down",
    "in",
    "out",
    "on",
    "off",
    "over",
    "under",
    "again",
    "further",
    "then",
    "once",
    "here",
    "there",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "both",
    "each",
    "few",
    "more",
    "most",
    "other",
    "some",
    "such",
    "no",
    "nor",
    "not",
    "only",
    "own",
    "same",
    "so",
    "than",
    "too",
    "very",
    "s",
    "t",
    "can",
    "will",
    "just",
    "don",
    "should",
    "now",
];

/// One result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub kind: Kind,
    pub id: Uuid,
    pub hackfest_slug: String,
    pub hackfest_title: String,
    /// The object's page (`/h/{slug}/goals/{id}` …).
    pub url: String,
    /// The title as escaped HTML, matches in `<mark>`.
    pub title_html: String,
    /// An excerpt of the text as escaped HTML, matches in `<mark>`.
    pub snippet_html: String,
}

/// A page of results.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub hits: Vec<Hit>,
    /// How many results in all (every page).
    pub total: u64,
    /// This page (from 1).
    pub page: u32,
    /// Why there is nothing to search for (only punctuation or stop words).
    pub message: Option<String>,
}

impl Results {
    pub fn pages(&self) -> u32 {
        let n = self.total.div_ceil(PAGE_SIZE as u64).max(1);
        u32::try_from(n).unwrap_or(u32::MAX).min(PAGES_MAX)
    }
}

/// Text the databases marked with [`START`]/[`STOP`] as HTML: everything escaped,
/// `<mark>` around the matches (balanced, never nested).
pub fn marked_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut open = false;
    for c in s.chars() {
        match c {
            START if !open => {
                out.push_str("<mark>");
                open = true;
            }
            STOP if open => {
                out.push_str("</mark>");
                open = false;
            }
            START | STOP => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    if open {
        out.push_str("</mark>");
    }
    out
}

/// Stored text never holds the highlighting markers.
#[cfg_attr(not(feature = "server"), allow(dead_code))]
fn stored(s: &str) -> String {
    s.replace([START, STOP], " ")
}

#[cfg(feature = "server")]
pub use server::*;

#[cfg(feature = "server")]
mod server {
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    use super::*;
    use crate::DomainError;
    use crate::db::{Db, Tx};

    /// What a save does to an object's search document.
    #[derive(Debug, PartialEq)]
    pub enum Indexed {
        /// Index this text; `path` is the object's page below `/h/{slug}` (a
        /// question's: its anchor on its page).
        Document {
            title: String,
            body: String,
            path: String,
        },
        /// Leave the document as it is (a published summary edited since: the
        /// public, and search, keep the published text).
        Keep,
        /// Not searchable (a draft summary): no document.
        Remove,
    }

    /// An object search finds: every kind written by the shared path.
    pub trait Searchable {
        const KIND: Kind;
        /// Its document as saved now.
        fn indexed(&self) -> Indexed;
    }

    fn both(a: &str, b: &str) -> String {
        format!("{a}\n\n{b}")
    }

    impl Searchable for crate::goal::Goal {
        const KIND: Kind = Kind::Goal;
        fn indexed(&self) -> Indexed {
            Indexed::Document {
                title: self.title.clone(),
                body: both(&self.description, &self.outcome),
                path: format!("/goals/{}", self.id),
            }
        }
    }

    impl Searchable for crate::session::HackSession {
        const KIND: Kind = Kind::Session;
        fn indexed(&self) -> Indexed {
            Indexed::Document {
                title: self.title.clone(),
                body: both(&self.agenda, &self.notes),
                path: format!("/sessions/{}", self.id),
            }
        }
    }

    impl Searchable for crate::decision::Decision {
        const KIND: Kind = Kind::Decision;
        fn indexed(&self) -> Indexed {
            Indexed::Document {
                title: self.title.clone(),
                body: both(&self.context, &self.decision),
                path: format!("/decisions/{}", self.id),
            }
        }
    }

    impl Searchable for crate::action::ActionItem {
        const KIND: Kind = Kind::ActionItem;
        fn indexed(&self) -> Indexed {
            Indexed::Document {
                title: self.title.clone(),
                body: self.description.clone(),
                path: format!("/actions/{}", self.id),
            }
        }
    }

    impl Searchable for crate::page::Page {
        const KIND: Kind = Kind::Page;
        fn indexed(&self) -> Indexed {
            Indexed::Document {
                title: self.title.clone(),
                body: self.body.clone(),
                path: format!("/pages/{}", self.slug),
            }
        }
    }

    impl Searchable for crate::question::Question {
        const KIND: Kind = Kind::Question;
        fn indexed(&self) -> Indexed {
            Indexed::Document {
                title: self.question.clone(),
                body: self.answer.clone(),
                path: format!("#q-{}", self.id),
            }
        }
    }

    impl Searchable for crate::summary::Summary {
        const KIND: Kind = Kind::Summary;
        fn indexed(&self) -> Indexed {
            use crate::summary::SummaryStatus;
            match self.status {
                SummaryStatus::Draft => Indexed::Remove,
                // Publishing saves the text at its revision: that save indexes it.
                SummaryStatus::Published if self.published_revision == Some(self.revision) => {
                    Indexed::Document {
                        title: self.title.clone(),
                        body: self.body.clone(),
                        path: match self.day {
                            Some(d) => format!("/summary/{d}"),
                            None => "/summary".to_owned(),
                        },
                    }
                }
                SummaryStatus::Published => Indexed::Keep,
            }
        }
    }

    /// Rooms have no search document: a save leaves the index alone.
    impl Searchable for crate::room::Room {
        const KIND: Kind = Kind::Room;
        fn indexed(&self) -> Indexed {
            Indexed::Keep
        }
    }

    /// Travel is private: never in the index (search results are public).
    impl Searchable for crate::travel::TravelRequest {
        const KIND: Kind = Kind::Travel;
        fn indexed(&self) -> Indexed {
            Indexed::Keep
        }
    }

    impl Searchable for crate::travel::Budget {
        const KIND: Kind = Kind::Travel;
        fn indexed(&self) -> Indexed {
            Indexed::Keep
        }
    }

    /// Writes (or removes) the search document of object `id` in `tx`: called by
    /// every save of the shared write path.
    pub async fn sync(
        tx: &mut Tx,
        kind: Kind,
        id: Uuid,
        hackfest: Uuid,
        indexed: Indexed,
        at: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        match indexed {
            Indexed::Keep => Ok(()),
            Indexed::Remove => {
                crate::on_tx!(tx, c => sqlx::query(
                    "DELETE FROM search_documents WHERE kind = $1 AND object_id = $2",
                )
                .bind(kind.as_str())
                .bind(id)
                .execute(c)
                .await
                .map(drop))
            }
            Indexed::Document { title, body, path } => {
                let (title, body) = (stored(&title), stored(&body));
                crate::on_tx!(tx, c => sqlx::query(
                    "INSERT INTO search_documents \
                     (kind, object_id, hackfest_id, title, body, url_path, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (kind, object_id) DO UPDATE SET hackfest_id = excluded.hackfest_id, \
                     title = excluded.title, body = excluded.body, url_path = excluded.url_path, \
                     updated_at = excluded.updated_at",
                )
                .bind(kind.as_str())
                .bind(id)
                .bind(hackfest)
                .bind(&title)
                .bind(&body)
                .bind(&path)
                .bind(at)
                .execute(c)
                .await
                .map(drop))
            }
        }
    }

    /// Rebuilds the search documents of `hackfest` from its rows, in `tx`: for writes
    /// that do not go through the shared path (an import writes rows as they were
    /// exported). The same texts as [`Searchable`] (and the migration's back-fill).
    /// Returns how many documents it wrote.
    pub async fn reindex(tx: &mut Tx, hackfest: Uuid) -> Result<u64, sqlx::Error> {
        let (id, nl, day, strip) = match tx {
            Tx::Sqlite(..) => (
                "lower(substr(hex(id), 1, 8) || '-' || substr(hex(id), 9, 4) || '-' || \
                 substr(hex(id), 13, 4) || '-' || substr(hex(id), 17, 4) || '-' || substr(hex(id), 21))",
                "char(10)",
                "s.day",
                "char(57344), ' '), char(57345), ' ')",
            ),
            Tx::Postgres(_) => (
                "id::text",
                "chr(10)",
                "s.day::text",
                "chr(57344), ' '), chr(57345), ' ')",
            ),
        };
        let select = [
            format!(
                "SELECT 'goal', id, hackfest_id, title, description || {nl} || {nl} || outcome, \
                 '/goals/' || {id}, updated_at FROM goals WHERE hackfest_id = $1"
            ),
            format!(
                "SELECT 'session', id, hackfest_id, title, agenda || {nl} || {nl} || notes, \
                 '/sessions/' || {id}, updated_at FROM hack_sessions WHERE hackfest_id = $1"
            ),
            format!(
                "SELECT 'decision', id, hackfest_id, title, context || {nl} || {nl} || decision, \
                 '/decisions/' || {id}, updated_at FROM decisions WHERE hackfest_id = $1"
            ),
            format!(
                "SELECT 'action_item', id, hackfest_id, title, description, '/actions/' || {id}, \
                 updated_at FROM action_items WHERE hackfest_id = $1"
            ),
            "SELECT 'page', id, hackfest_id, title, body, '/pages/' || slug, updated_at \
             FROM pages WHERE hackfest_id = $1"
                .to_owned(),
            format!(
                "SELECT 'question', id, hackfest_id, question, answer, '#q-' || {id}, updated_at \
                 FROM page_questions WHERE hackfest_id = $1"
            ),
            format!(
                "SELECT 'summary', s.id, s.hackfest_id, r.title, r.body, \
                 CASE WHEN s.day IS NULL THEN '/summary' ELSE '/summary/' || {day} END, s.updated_at \
                 FROM summaries s JOIN summary_revisions r \
                 ON r.summary_id = s.id AND r.revision = s.published_revision \
                 WHERE s.status = 'published' AND s.hackfest_id = $1"
            ),
        ];
        let mut written = 0;
        crate::on_tx!(tx, c => {
            sqlx::query("DELETE FROM search_documents WHERE hackfest_id = $1")
                .bind(hackfest)
                .execute(&mut *c)
                .await?;
            for sel in &select {
                let sql = format!(
                    "INSERT INTO search_documents \
                     (kind, object_id, hackfest_id, title, body, url_path, updated_at) {sel}"
                );
                written += sqlx::query(&sql)
                    .bind(hackfest)
                    .execute(&mut *c)
                    .await?
                    .rows_affected();
            }
            sqlx::query(&format!(
                "UPDATE search_documents SET title = replace(replace(title, {strip}, \
                 body = replace(replace(body, {strip} WHERE hackfest_id = $1"
            ))
            .bind(hackfest)
            .execute(&mut *c)
            .await?;
        });
        Ok(written)
    }

    #[derive(sqlx::FromRow)]
    struct HitRow {
        kind: String,
        object_id: Uuid,
        hackfest_slug: String,
        hackfest_title: String,
        url_path: String,
        page_slug: Option<String>,
        title_marked: String,
        body_marked: String,
    }

    impl HitRow {
        fn hit(self) -> Option<Hit> {
            let kind = Kind::parse(&self.kind)?;
            let s = &self.hackfest_slug;
            let url = match (kind, &self.page_slug) {
                (Kind::Question, Some(p)) => format!("/h/{s}/pages/{p}{}", self.url_path),
                (Kind::Question, None) => format!("/h/{s}/pages"),
                _ => format!("/h/{s}{}", self.url_path),
            };
            Some(Hit {
                kind,
                id: self.object_id,
                url,
                title_html: marked_html(&self.title_marked),
                snippet_html: marked_html(self.body_marked.trim()),
                hackfest_slug: self.hackfest_slug,
                hackfest_title: self.hackfest_title,
            })
        }
    }

    /// `AND …` for the hackfest and kinds, with placeholders from `$first`.
    fn filters(first: usize, hackfest: Option<Uuid>, kinds: &[Kind]) -> String {
        let mut sql = String::new();
        let mut n = first;
        if hackfest.is_some() {
            sql.push_str(&format!(" AND d.hackfest_id = ${n}"));
            n += 1;
        }
        if !kinds.is_empty() {
            let marks: Vec<String> = (n..n + kinds.len()).map(|i| format!("${i}")).collect();
            sql.push_str(&format!(" AND d.kind IN ({})", marks.join(", ")));
        }
        sql
    }

    const JOINS: &str = "JOIN hackfests h ON h.id = d.hackfest_id \
         LEFT JOIN page_questions pq ON d.kind = 'question' AND pq.id = d.object_id \
         LEFT JOIN pages p ON p.id = pq.page_id";
    const COLUMNS: &str = "d.kind, d.object_id, h.slug AS hackfest_slug, \
         h.title AS hackfest_title, d.url_path, p.slug AS page_slug";

    /// Page `page` (from 1) of what `query` finds in `hackfest` (None: every
    /// hackfest), best first.
    #[tracing::instrument(skip(db, query), err(level = "debug"))]
    pub async fn search(
        db: &Db,
        hackfest: Option<Uuid>,
        query: &Query,
        page: u32,
    ) -> Result<Results, DomainError> {
        let page = page.clamp(1, PAGES_MAX);
        if query.words.is_empty() {
            return Ok(Results {
                page,
                message: Some(
                    "Type a word to search for: punctuation and common words such as \
                     “the” or “and” are not searched."
                        .into(),
                ),
                ..Default::default()
            });
        }
        let offset = (page as usize - 1) * PAGE_SIZE;
        let kinds: Vec<&str> = query.kinds.iter().map(|k| k.as_str()).collect();
        let (sql, count_sql, options) = match db {
            Db::Sqlite(..) => (
                format!(
                    "SELECT {COLUMNS}, highlight(search, 0, $1, $2) AS title_marked, \
                     snippet(search, 1, $1, $2, '…', 24) AS body_marked \
                     FROM search JOIN search_documents d ON d.doc = search.rowid {JOINS} \
                     WHERE search MATCH $3{} \
                     ORDER BY bm25(search, 10.0, 1.0), d.updated_at DESC, d.object_id \
                     LIMIT {PAGE_SIZE} OFFSET {offset}",
                    filters(4, hackfest, &query.kinds)
                ),
                format!(
                    "SELECT COUNT(*) FROM search JOIN search_documents d ON d.doc = search.rowid \
                     WHERE search MATCH $1{}",
                    filters(2, hackfest, &query.kinds)
                ),
                (START.to_string(), STOP.to_string(), query.fts5()),
            ),
            Db::Postgres(_) => (
                format!(
                    "SELECT {COLUMNS}, ts_headline('english', d.title, t.q, $1) AS title_marked, \
                     ts_headline('english', d.body, t.q, $2) AS body_marked \
                     FROM search_documents d CROSS JOIN (SELECT plainto_tsquery('english', $3) AS q) t \
                     {JOINS} \
                     WHERE d.tsv @@ t.q{} \
                     ORDER BY ts_rank_cd(d.tsv, t.q) DESC, d.updated_at DESC, d.object_id \
                     LIMIT {PAGE_SIZE} OFFSET {offset}",
                    filters(4, hackfest, &query.kinds)
                ),
                format!(
                    "SELECT COUNT(*) FROM search_documents d \
                     WHERE d.tsv @@ plainto_tsquery('english', $1){}",
                    filters(2, hackfest, &query.kinds)
                ),
                (
                    format!("HighlightAll=true, StartSel=\"{START}\", StopSel=\"{STOP}\""),
                    format!(
                        "MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, \
                         FragmentDelimiter=\" … \", StartSel=\"{START}\", StopSel=\"{STOP}\""
                    ),
                    query.plain(),
                ),
            ),
        };
        let (rows, total): (Vec<HitRow>, i64) = crate::on_db!(db, pool => {
            let mut q = sqlx::query_as::<_, HitRow>(&sql)
                .bind(&options.0)
                .bind(&options.1)
                .bind(&options.2);
            let mut c = sqlx::query_scalar::<_, i64>(&count_sql).bind(&options.2);
            if let Some(h) = hackfest {
                q = q.bind(h);
                c = c.bind(h);
            }
            for k in &kinds {
                q = q.bind(*k);
                c = c.bind(*k);
            }
            (q.fetch_all(pool).await?, c.fetch_one(pool).await?)
        });
        Ok(Results {
            hits: rows.into_iter().filter_map(HitRow::hit).collect(),
            total: u64::try_from(total).unwrap_or_default(),
            page,
            message: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_letters_and_digits_only() {
        assert_eq!(words("foo-bar"), ["foo", "bar"]);
        assert_eq!(words("\"unbalanced"), ["unbalanced"]);
        assert_eq!(words("a AND"), Vec::<String>::new());
        assert_eq!(words("NEAR(a b)"), ["near", "b"]);
        assert_eq!(words("title:x x* ^x (a"), ["title", "x"]);
        assert!(words("* ' \\ ()\"^:").is_empty());
        assert!(words("the and of").is_empty());
        assert_eq!(words("Über straße 2026"), ["über", "straße", "2026"]);
        assert_eq!(words(&"w ".repeat(100)), ["w"]);
        let many: String = (0..40).map(|i| format!("w{i} ")).collect();
        assert_eq!(words(&many).len(), WORDS_MAX);
    }

    #[test]
    fn fts5_strings_are_quoted_words() {
        let q = Query::parse("NEAR(quota OR \"disk\"*", &[]).unwrap();
        assert_eq!(q.fts5(), "\"near\" \"quota\" \"disk\"");
        assert_eq!(q.plain(), "near quota disk");
    }

    #[test]
    fn limits_and_kinds() {
        let e = Query::parse(&"x".repeat(QUERY_MAX + 1), &[]).unwrap_err();
        assert!(e.get("q").unwrap().contains("200"), "{e}");
        assert!(Query::parse(&"é".repeat(QUERY_MAX), &[]).is_ok());
        let q = Query::parse("x", &["goal,page".into(), "goal".into(), " ".into()]).unwrap();
        assert_eq!(q.kinds(), [Kind::Goal, Kind::Page]);
        assert!(
            Query::parse("x", &["goals".into()])
                .unwrap_err()
                .get("kind")
                .is_some()
        );
    }

    #[test]
    fn marks_are_the_only_markup() {
        let s = format!("<script>{START}quota{STOP}</script> & \"x\"{STOP}{START}{START}y");
        assert_eq!(
            marked_html(&s),
            "&lt;script&gt;<mark>quota</mark>&lt;/script&gt; &amp; &quot;x&quot;<mark>y</mark>"
        );
        assert_eq!(stored(&format!("a{START}b{STOP}c")), "a b c");
    }
}
