use chrono::Utc;
use uuid::Uuid;

use super::{
    AnswerForm, DiffLine, LineChange, NewPage, NewQuestion, Page, PageForm, PageSummary, Question,
    QuestionForm, QuestionState, Revision, RevisionDiff, RevisionSummary, parse_decision, render,
    repo,
};
use crate::db::{Db, Tx};
use crate::hackfest::Hackfest;
use crate::history::{self, Change, FieldChange};
use crate::outbox::{self, Message};
use crate::{DomainError, FieldErrors};

const SLUG_TAKEN: &str = "Another page of this hackfest already has this slug.";

/// `t` on the hackfest's wall clock.
fn local(h: &Hackfest, t: chrono::DateTime<Utc>) -> chrono::NaiveDateTime {
    let tz: chrono_tz::Tz = h.time_zone.parse().unwrap_or(chrono_tz::UTC);
    t.with_timezone(&tz).naive_local()
}

/// Adds the rendered body (`pages` resolve its `[[links]]`) and the local time.
pub fn decorate(mut p: Page, h: &Hackfest, pages: &[PageSummary]) -> Page {
    p.body_html = render::render(&p.body, &h.slug, pages);
    p.updated_local = Some(local(h, p.updated_at));
    p
}

pub fn decorate_question(mut q: Question, h: &Hackfest, pages: &[PageSummary]) -> Question {
    q.answer_html = render::render(&q.answer, &h.slug, pages);
    q
}

/// A unique-key violation on the slug (two saves racing for one slug) is a field error.
fn slug_clash(e: sqlx::Error) -> DomainError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            FieldErrors::single("slug", SLUG_TAKEN).into()
        }
        _ => e.into(),
    }
}

/// The hackfest's pages, by title.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list(db: &Db, h: &Hackfest) -> Result<Vec<PageSummary>, DomainError> {
    let mut pages = repo::list_for_hackfest(db, h.id).await?;
    for p in &mut pages {
        p.updated_local = Some(local(h, p.updated_at));
    }
    Ok(pages)
}

/// A page of this hackfest by its slug, rendered.
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn get(db: &Db, h: &Hackfest, slug: &str) -> Result<Page, DomainError> {
    let page = repo::by_slug(db, h.id, slug)
        .await?
        .ok_or(DomainError::NotFound("page"))?;
    let pages = repo::list_for_hackfest(db, h.id).await?;
    Ok(decorate(page, h, &pages))
}

async fn current_in_tx(tx: &mut Tx, h: &Hackfest, id: Uuid) -> Result<Page, DomainError> {
    repo::get_in_tx(tx, id)
        .await?
        .filter(|p| p.hackfest_id == h.id)
        .ok_or(DomainError::NotFound("page"))
}

async fn rendered(db: &Db, h: &Hackfest, p: Page) -> Result<Page, DomainError> {
    let pages = repo::list_for_hackfest(db, h.id).await?;
    Ok(decorate(p, h, &pages))
}

/// The hackfest's pages, to render the reply to a committed change with; none (its
/// `[[links]]` then show unresolved) if they cannot be read. Never an error: the
/// change is committed, and an error would make the client retry it into a duplicate.
async fn pages_after_commit(db: &Db, h: &Hackfest) -> Vec<PageSummary> {
    repo::list_for_hackfest(db, h.id)
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "change saved; its links are shown unresolved"))
        .unwrap_or_default()
}

/// The reply to a committed page save; see [`pages_after_commit`].
async fn rendered_after_commit(db: &Db, h: &Hackfest, p: Page) -> Page {
    decorate(p, h, &pages_after_commit(db, h).await)
}

/// Characters of the body a `hackfest.wiki.*` message carries.
pub const EXCERPT_CHARS: usize = 200;

/// The start of `body` with its whitespace run together, at most [`EXCERPT_CHARS`]
/// characters ("…" when cut).
pub fn excerpt(body: &str) -> String {
    let mut out = String::new();
    let mut n = 0;
    for (i, word) in body.split_whitespace().enumerate() {
        for c in (i > 0).then_some(' ').into_iter().chain(word.chars()) {
            if n == EXCERPT_CHARS {
                out.pop();
                out.push('…');
                return out;
            }
            out.push(c);
            n += 1;
        }
    }
    out
}

/// How history and messages name a body: its revision and size, never the text
/// (the revision row keeps it; history views diff revisions).
fn body_ref(revision: i64, body: &str) -> String {
    format!("revision {revision} ({} bytes)", body.len())
}

/// Field changes as history and the bus keep them: a body change becomes
/// "revision 2 (812 bytes)" → "revision 3 (1040 bytes)".
fn without_bodies(
    changes: Vec<(&'static str, String, String)>,
    revision: i64,
) -> Vec<(&'static str, String, String)> {
    changes
        .into_iter()
        .map(|(f, old, new)| {
            if f == "body" {
                let old = if revision > 1 {
                    body_ref(revision - 1, &old)
                } else {
                    String::new()
                };
                (f, old, body_ref(revision, &new))
            } else {
                (f, old, new)
            }
        })
        .collect()
}

/// The page as a `hackfest.wiki.*` message (schema v2) carries it: the size and an
/// excerpt of the body instead of the body.
#[derive(serde::Serialize)]
struct WikiOnTheBus<'p> {
    id: Uuid,
    hackfest_id: Uuid,
    slug: &'p str,
    title: &'p str,
    version: i64,
    body_bytes: usize,
    excerpt: String,
    created_at: chrono::DateTime<Utc>,
    updated_at: chrono::DateTime<Utc>,
}

/// `hackfest.wiki.new` / `hackfest.wiki.edit`: the page and the revision the change made.
fn wiki_message<'a>(
    p: &Page,
    event: &'static str,
    revision: i64,
    comment: &str,
    actor: &'a str,
    changes: Vec<FieldChange>,
    at: chrono::DateTime<Utc>,
) -> Message<'a> {
    let wiki = WikiOnTheBus {
        id: p.id,
        hackfest_id: p.hackfest_id,
        slug: &p.slug,
        title: &p.title,
        version: p.version,
        body_bytes: p.body.len(),
        excerpt: excerpt(&p.body),
        created_at: p.created_at,
        updated_at: p.updated_at,
    };
    Message::new(p.hackfest_id, "wiki", p.id, event, actor, &wiki, at)
        .changes(changes)
        .with(
            "revision",
            &serde_json::json!({
                "number": revision,
                "author": actor,
                "comment": comment,
                "created_at": at,
            }),
        )
        .page(format!("/pages/{}", p.slug))
}

/// `hackfest.question.<event>`: the question, the page it is on, and who asked it.
fn question_message<'a>(
    q: &Question,
    page: &Page,
    event: &'static str,
    actor: &'a str,
    changes: Vec<FieldChange>,
    at: chrono::DateTime<Utc>,
) -> Message<'a> {
    Message::new(q.hackfest_id, "question", q.id, event, actor, q, at)
        .changes(changes)
        .users([q.asked_by.as_str()])
        .with(
            "page",
            &serde_json::json!({ "id": page.id, "slug": page.slug, "title": page.title }),
        )
        .page(format!("/pages/{}#q-{}", page.slug, q.id))
}

/// Creates the page and its revision 1.
#[tracing::instrument(skip(db, h, form), err(level = "debug"))]
pub async fn create(
    db: &Db,
    h: &Hackfest,
    form: &PageForm,
    actor: &str,
) -> Result<Page, DomainError> {
    let mut tx = db.begin().await?;
    let made = create_in(&mut tx, h, form, actor).await?;
    tx.commit().await?;
    Ok(rendered_after_commit(db, h, made).await)
}

/// [`create`] inside the caller's transaction (the demo loads in one).
pub async fn create_in(
    tx: &mut Tx,
    h: &Hackfest,
    form: &PageForm,
    actor: &str,
) -> Result<Page, DomainError> {
    let new = form.parse()?;
    let id = Uuid::now_v7();
    let now = Utc::now();
    if repo::slug_taken(tx, h.id, &new.slug, None).await? {
        return Err(FieldErrors::single("slug", SLUG_TAKEN).into());
    }
    repo::insert(tx, id, h.id, &new, now)
        .await
        .map_err(slug_clash)?;
    let number = repo::add_revision(tx, id, &new, actor, now).await?;
    let changes = history::record(
        tx,
        Change {
            hackfest_id: h.id,
            entity: "page",
            entity_id: id,
            action: "create",
            actor,
            changes: without_bodies(history::created(new.field_values()), number),
            at: now,
        },
    )
    .await?;
    let page = current_in_tx(tx, h, id).await?;
    let m = wiki_message(&page, "new", number, &new.comment, actor, changes, now);
    outbox::enqueue(tx, m).await?;
    Ok(page)
}

/// Writes `new` over `current` (already checked to be at `expected_version`) as the
/// next revision, with its history row, in the caller's transaction (who commits).
/// Nothing changed: nothing written.
async fn save(
    tx: &mut Tx,
    h: &Hackfest,
    current: Page,
    expected_version: i64,
    new: &NewPage,
    actor: &str,
    action: &str,
) -> Result<Page, DomainError> {
    if repo::slug_taken(tx, h.id, &new.slug, Some(current.id)).await? {
        return Err(FieldErrors::single("slug", SLUG_TAKEN).into());
    }
    let changes = history::diff(NewPage::from(&current).field_values(), new.field_values());
    if changes.is_empty() {
        return Ok(current);
    }
    let now = Utc::now();
    if !repo::update(tx, current.id, expected_version, new, now)
        .await
        .map_err(slug_clash)?
    {
        // Only reachable on PostgreSQL under READ COMMITTED; SQLite holds the write lock.
        let current = current_in_tx(tx, h, current.id).await?;
        return Err(DomainError::conflict(&current));
    }
    let number = repo::add_revision(tx, current.id, new, actor, now).await?;
    let changes = history::record(
        tx,
        Change {
            hackfest_id: h.id,
            entity: "page",
            entity_id: current.id,
            action,
            actor,
            changes: without_bodies(changes, number),
            at: now,
        },
    )
    .await?;
    let page = current_in_tx(tx, h, current.id).await?;
    let m = wiki_message(&page, "edit", number, &new.comment, actor, changes, now);
    outbox::enqueue(tx, m).await?;
    Ok(page)
}

/// Saves `form` as the next revision if the page is still at `expected_version`;
/// otherwise returns `Conflict` with the current page and writes nothing.
#[tracing::instrument(skip(db, h, form), err(level = "debug"))]
pub async fn update(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    expected_version: i64,
    form: &PageForm,
    actor: &str,
) -> Result<Page, DomainError> {
    let new = form.parse()?;
    let mut tx = db.begin().await?;
    let current = current_in_tx(&mut tx, h, id).await?;
    if current.version != expected_version {
        // Release the transaction first: rendering reads through the pool.
        drop(tx);
        return Err(DomainError::conflict(&rendered(db, h, current).await?));
    }
    let page = save(&mut tx, h, current, expected_version, &new, actor, "update").await?;
    tx.commit().await?;
    Ok(rendered_after_commit(db, h, page).await)
}

/// A page of this hackfest by id.
async fn page_by_id(db: &Db, h: &Hackfest, id: Uuid) -> Result<Page, DomainError> {
    repo::get(db, id)
        .await?
        .filter(|p| p.hackfest_id == h.id)
        .ok_or(DomainError::NotFound("page"))
}

/// The page's revisions, newest first.
#[tracing::instrument(skip(db, h, page), err(level = "debug"))]
pub async fn revisions(
    db: &Db,
    h: &Hackfest,
    page: &Page,
) -> Result<Vec<RevisionSummary>, DomainError> {
    let mut revisions = repo::revisions(db, page.id).await?;
    for r in &mut revisions {
        r.created_local = Some(local(h, r.created_at));
    }
    Ok(revisions)
}

/// Revision `number` of a page, its body rendered.
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn revision(
    db: &Db,
    h: &Hackfest,
    page_id: Uuid,
    number: i64,
) -> Result<Revision, DomainError> {
    page_by_id(db, h, page_id).await?;
    let mut r = repo::revision(db, page_id, number)
        .await?
        .ok_or(DomainError::NotFound("revision"))?;
    let pages = repo::list_for_hackfest(db, h.id).await?;
    r.body_html = render::render(&r.body, &h.slug, &pages);
    Ok(r)
}

fn summary(r: &Revision) -> RevisionSummary {
    RevisionSummary {
        number: r.number,
        title: r.title.clone(),
        author: r.author.clone(),
        comment: r.comment.clone(),
        created_at: r.created_at,
        created_local: None,
    }
}

/// Line-by-line difference of two texts, in hunks with `context` unchanged lines
/// around each change. Returns (hunks, lines added, lines removed).
pub fn line_diff(old: &str, new: &str, context: usize) -> (Vec<Vec<DiffLine>>, usize, usize) {
    use similar::{ChangeTag, TextDiff};
    // A last line without its line break is the same line as with it.
    let terminated = |s: &str| {
        if s.is_empty() || s.ends_with('\n') {
            s.to_owned()
        } else {
            format!("{s}\n")
        }
    };
    let (old, new) = (terminated(old), terminated(new));
    // A bound on the work for two very different 100,000-character texts; past it the
    // diff is still correct, only less minimal.
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_millis(500))
        .diff_lines(&old, &new);
    let (mut added, mut removed) = (0, 0);
    let hunks = diff
        .grouped_ops(context)
        .iter()
        .map(|group| {
            group
                .iter()
                .flat_map(|op| diff.iter_changes(op))
                .map(|c| {
                    let change = match c.tag() {
                        ChangeTag::Equal => LineChange::Same,
                        ChangeTag::Insert => {
                            added += 1;
                            LineChange::Added
                        }
                        ChangeTag::Delete => {
                            removed += 1;
                            LineChange::Removed
                        }
                    };
                    let number =
                        |i: Option<usize>| i.map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX));
                    DiffLine {
                        change,
                        old_line: number(c.old_index()),
                        new_line: number(c.new_index()),
                        text: c.value().trim_end_matches(['\n', '\r']).to_owned(),
                    }
                })
                .collect()
        })
        .collect();
    (hunks, added, removed)
}

/// The largest revision body the history compares line by line, in bytes and lines.
pub const DIFF_MAX_BYTES: usize = 256 * 1024;
pub const DIFF_MAX_LINES: usize = 20_000;

/// Refuses to diff a revision beyond [`DIFF_MAX_BYTES`] or [`DIFF_MAX_LINES`] (a field
/// error on `to`, the pair chosen), before any work is done.
pub fn check_diff_size(old: &str, new: &str) -> Result<(), FieldErrors> {
    let lines = |s: &str| s.lines().count();
    let (bytes, lines) = (old.len().max(new.len()), lines(old).max(lines(new)));
    if bytes > DIFF_MAX_BYTES || lines > DIFF_MAX_LINES {
        return Err(FieldErrors::single(
            "to",
            format!(
                "These revisions are too large to compare ({lines} lines, {} KB; at most \
                 {DIFF_MAX_LINES} lines and {} KB); open them side by side instead.",
                bytes.div_ceil(1024),
                DIFF_MAX_BYTES / 1024
            ),
        ));
    }
    Ok(())
}

/// What changed from revision `from` to revision `to` (any two, either order).
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn diff(
    db: &Db,
    h: &Hackfest,
    page_id: Uuid,
    from: i64,
    to: i64,
) -> Result<RevisionDiff, DomainError> {
    page_by_id(db, h, page_id).await?;
    let get = |n: i64| async move {
        repo::revision(db, page_id, n)
            .await?
            .ok_or(DomainError::NotFound("revision"))
    };
    let (a, b) = (get(from).await?, get(to).await?);
    check_diff_size(&a.body, &b.body)?;
    // Off the async workers: a diff is CPU work (bounded above and by its deadline).
    let (a, b, (hunks, added, removed)) = tokio::task::spawn_blocking(move || {
        let d = line_diff(&a.body, &b.body, 3);
        (a, b, d)
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "the revision diff failed");
        FieldErrors::single(
            "to",
            "These revisions could not be compared; open them side by side instead.",
        )
    })?;
    Ok(RevisionDiff {
        from: summary(&a),
        to: summary(&b),
        title: (a.title != b.title).then(|| (a.title.clone(), b.title.clone())),
        hunks,
        added,
        removed,
    })
}

/// A new revision with revision `number`'s title and body, commented
/// "Revert to revision N". Conflict if the page is no longer at `expected_version`.
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn revert(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    number: i64,
    expected_version: i64,
    actor: &str,
) -> Result<Page, DomainError> {
    let mut tx = db.begin().await?;
    let current = current_in_tx(&mut tx, h, id).await?;
    if current.version != expected_version {
        // Release the transaction first: rendering reads through the pool.
        drop(tx);
        return Err(DomainError::conflict(&rendered(db, h, current).await?));
    }
    let old = repo::revision_in_tx(&mut tx, id, number)
        .await?
        .ok_or(DomainError::NotFound("revision"))?;
    let new = NewPage {
        slug: current.slug.clone(),
        title: old.title,
        body: old.body,
        comment: format!("Revert to revision {number}"),
    };
    let page = save(&mut tx, h, current, expected_version, &new, actor, "revert").await?;
    tx.commit().await?;
    Ok(rendered_after_commit(db, h, page).await)
}

// --- questions -------------------------------------------------------------

/// The page's questions, oldest first, answers rendered.
#[tracing::instrument(skip(db, h, page), err(level = "debug"))]
pub async fn questions(db: &Db, h: &Hackfest, page: &Page) -> Result<Vec<Question>, DomainError> {
    let pages = repo::list_for_hackfest(db, h.id).await?;
    Ok(repo::questions(db, page.id)
        .await?
        .into_iter()
        .map(|q| decorate_question(q, h, &pages))
        .collect())
}

async fn rendered_question(db: &Db, h: &Hackfest, q: Question) -> Result<Question, DomainError> {
    let pages = repo::list_for_hackfest(db, h.id).await?;
    Ok(decorate_question(q, h, &pages))
}

/// The reply to a committed question change; see [`pages_after_commit`].
async fn rendered_question_after_commit(db: &Db, h: &Hackfest, q: Question) -> Question {
    decorate_question(q, h, &pages_after_commit(db, h).await)
}

/// Asks a question on a page of this hackfest; it starts open.
#[tracing::instrument(skip(db, h, form), err(level = "debug"))]
pub async fn ask(
    db: &Db,
    h: &Hackfest,
    page_id: Uuid,
    form: &QuestionForm,
    actor: &str,
) -> Result<Question, DomainError> {
    let mut tx = db.begin().await?;
    let q = ask_in(&mut tx, h, page_id, form, actor).await?;
    tx.commit().await?;
    Ok(rendered_question_after_commit(db, h, q).await)
}

/// [`ask`] inside the caller's transaction (the demo loads in one).
async fn ask_in(
    tx: &mut Tx,
    h: &Hackfest,
    page_id: Uuid,
    form: &QuestionForm,
    actor: &str,
) -> Result<Question, DomainError> {
    let new = NewQuestion {
        question: form.parse()?,
        answer: String::new(),
        state: QuestionState::Open,
        decision_id: None,
    };
    let id = Uuid::now_v7();
    let now = Utc::now();
    let page = current_in_tx(tx, h, page_id).await?;
    repo::insert_question(tx, id, h.id, page_id, &new, actor, now).await?;
    let changes = history::record(
        tx,
        Change {
            hackfest_id: h.id,
            entity: "question",
            entity_id: id,
            action: "create",
            actor,
            changes: history::created(new.field_values()),
            at: now,
        },
    )
    .await?;
    let q = repo::question_in_tx(tx, id)
        .await?
        .ok_or(DomainError::NotFound("question"))?;
    outbox::enqueue(tx, question_message(&q, &page, "new", actor, changes, now)).await?;
    Ok(q)
}

/// What [`change_question_in`] did.
enum QuestionChange {
    Saved(Question),
    /// Nothing to change: the question as it is.
    Unchanged(Question),
    /// Not at the expected version: the current question, nothing written.
    Stale(Question),
}

/// Loads the question at `expected_version`, applies `change`, checks the decision
/// link, and saves it with its history row in the caller's transaction.
async fn change_question_in(
    tx: &mut Tx,
    h: &Hackfest,
    id: Uuid,
    expected_version: i64,
    actor: &str,
    action: &'static str,
    change: impl FnOnce(&mut NewQuestion),
) -> Result<QuestionChange, DomainError> {
    let current = repo::question_in_tx(tx, id)
        .await?
        .filter(|q| q.hackfest_id == h.id)
        .ok_or(DomainError::NotFound("question"))?;
    if current.version != expected_version {
        return Ok(QuestionChange::Stale(current));
    }
    let mut new = NewQuestion::from(&current);
    change(&mut new);
    if let Some(d) = new.decision_id
        && Some(d) != current.decision_id
        && !tx.belongs("decisions", d, h.id).await?
    {
        return Err(FieldErrors::single(
            "decision_id",
            "The decision does not exist in this hackfest.",
        )
        .into());
    }
    let changes = history::diff(
        NewQuestion::from(&current).field_values(),
        new.field_values(),
    );
    if changes.is_empty() {
        return Ok(QuestionChange::Unchanged(current));
    }
    let now = Utc::now();
    if !repo::update_question(tx, id, expected_version, &new, now).await? {
        let current = repo::question_in_tx(tx, id)
            .await?
            .ok_or(DomainError::NotFound("question"))?;
        return Ok(QuestionChange::Stale(current));
    }
    let changes = history::record(
        tx,
        Change {
            hackfest_id: h.id,
            entity: "question",
            entity_id: id,
            action,
            actor,
            changes,
            at: now,
        },
    )
    .await?;
    let q = repo::question_in_tx(tx, id)
        .await?
        .ok_or(DomainError::NotFound("question"))?;
    let page = current_in_tx(tx, h, q.page_id).await?;
    outbox::enqueue(tx, question_message(&q, &page, action, actor, changes, now)).await?;
    Ok(QuestionChange::Saved(q))
}

/// [`change_question_in`] in a transaction of its own; a stale version is a `Conflict`.
async fn change_question(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    expected_version: i64,
    actor: &str,
    action: &'static str,
    change: impl FnOnce(&mut NewQuestion),
) -> Result<Question, DomainError> {
    let mut tx = db.begin().await?;
    let done = change_question_in(&mut tx, h, id, expected_version, actor, action, change).await?;
    match done {
        QuestionChange::Saved(q) => {
            tx.commit().await?;
            Ok(rendered_question_after_commit(db, h, q).await)
        }
        // Release the transaction first: rendering reads through the pool.
        QuestionChange::Unchanged(q) => {
            drop(tx);
            rendered_question(db, h, q).await
        }
        QuestionChange::Stale(q) => {
            drop(tx);
            Err(DomainError::conflict(&rendered_question(db, h, q).await?))
        }
    }
}

/// Saves the answer; the question becomes answered.
#[tracing::instrument(skip(db, h, form), err(level = "debug"))]
pub async fn answer(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    expected_version: i64,
    form: &AnswerForm,
    actor: &str,
) -> Result<Question, DomainError> {
    let answer = form.parse()?;
    change_question(db, h, id, expected_version, actor, "answer", |q| {
        q.answer = answer;
        q.state = QuestionState::Answered;
    })
    .await
}

/// Opens the question again (its answer stays, to be improved).
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn reopen(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    expected_version: i64,
    actor: &str,
) -> Result<Question, DomainError> {
    change_question(db, h, id, expected_version, actor, "reopen", |q| {
        q.state = QuestionState::Open;
    })
    .await
}

/// Points the question to a decision of the same hackfest; blank unlinks.
#[tracing::instrument(skip(db, h), err(level = "debug"))]
pub async fn link_decision(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    expected_version: i64,
    decision_id: &str,
    actor: &str,
) -> Result<Question, DomainError> {
    let decision_id = parse_decision(decision_id)?;
    change_question(db, h, id, expected_version, actor, "link", |q| {
        q.decision_id = decision_id;
    })
    .await
}

// --- demo --------------------------------------------------------------------

const OPENSHIFT_V1: &str = "\
Questions that come up when moving a Fedora app to OpenShift. Add yours at the bottom.

## How do I get a project (namespace) for my app?

Ask in the infrastructure channel; projects are created from the Ansible playbooks,
never by hand, so that staging and production stay alike.

## Where do the logs go?

`oc logs` for now. Central logging is on the list of [[Authentication]] follow-ups.
";

const OPENSHIFT_V2: &str = "\
Questions that come up when moving a Fedora app to OpenShift. Add yours at the bottom.

## How do I get a project (namespace) for my app?

Open a ticket for the infrastructure team; projects are created from the Ansible
playbooks (`roles/openshift/project`), never by hand, so that staging and production
stay alike.

## Which base image should my app use?

The Fedora base images from the Fedora registry. Build with a `Containerfile` in
your repository; the build config watches the branch you name.

## Where do the logs go?

`oc logs` for a quick look. Central logging collects everything from the cluster;
ask for access if you need history.

## How does my app sign people in?

Through Ipsilon with OpenID Connect: see [[Authentication]].
";

const AUTHENTICATION: &str = "\
How accounts flow from FAS into FreeIPA, and how apps sign people in through Ipsilon.

- Accounts live in FAS and are synced to FreeIPA.
- Apps use OpenID Connect against Ipsilon; group membership comes from the
  UserInfo endpoint, not from the ID token.
- Apps on the cluster: see [[OpenShift]] for secrets and routes.
";

/// Demo content: a Q&A page \"OpenShift\" (two revisions, questions) and an
/// \"Authentication\" page that links to it. Does nothing if the pages exist.
pub async fn seed_demo(db: &Db, hackfest_id: Uuid) -> Result<(), DomainError> {
    let h = repo::hackfest(db, hackfest_id)
        .await?
        .ok_or(DomainError::NotFound("hackfest"))?;
    let mut tx = db.begin().await?;
    seed_demo_in(&mut tx, &h).await?;
    tx.commit().await?;
    Ok(())
}

/// [`seed_demo`] inside the caller's transaction (the demo loads in one).
pub async fn seed_demo_in(tx: &mut Tx, h: &Hackfest) -> Result<(), DomainError> {
    const ACTOR: &str = "demo";
    if repo::slug_taken(tx, h.id, "openshift", None).await? {
        return Ok(());
    }
    let form = |title: &str, body: &str, comment: &str| PageForm {
        slug: String::new(),
        title: title.into(),
        body: body.into(),
        comment: comment.into(),
    };
    let openshift = create_in(
        tx,
        h,
        &form("OpenShift", OPENSHIFT_V1, "First questions"),
        ACTOR,
    )
    .await?;
    let v2 = form("OpenShift", OPENSHIFT_V2, "Base images, logging, sign-in").parse()?;
    let version = openshift.version;
    let openshift = save(tx, h, openshift, version, &v2, "kevin", "update").await?;
    create_in(
        tx,
        h,
        &form("Authentication", AUTHENTICATION, "From the whiteboard"),
        ACTOR,
    )
    .await?;
    let q = ask_in(
        tx,
        h,
        openshift.id,
        &QuestionForm {
            question: "Can my app keep its PostgreSQL database outside the cluster?".into(),
        },
        "adamw",
    )
    .await?;
    let answer = AnswerForm {
        answer: "Yes. Databases stay on the database hosts; the app gets the connection \
                 string from a secret."
            .into(),
    }
    .parse()?;
    change_question_in(tx, h, q.id, q.version, "kevin", "answer", |q| {
        q.answer = answer;
        q.state = QuestionState::Answered;
    })
    .await?;
    ask_in(
        tx,
        h,
        openshift.id,
        &QuestionForm {
            question: "How do we run cron jobs that used to live on the app's VM?".into(),
        },
        "nirik",
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_short_and_say_when_cut() {
        assert_eq!(excerpt("  Two\n\nwords  "), "Two words");
        let long = "word ".repeat(100);
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), EXCERPT_CHARS);
        assert!(e.ends_with('…') && e.starts_with("word word"));
        let one = "é".repeat(500);
        assert_eq!(excerpt(&one).chars().count(), EXCERPT_CHARS);
        assert_eq!(
            excerpt(&"x".repeat(EXCERPT_CHARS)),
            "x".repeat(EXCERPT_CHARS)
        );
    }

    #[test]
    fn bodies_leave_history_as_revision_and_size() {
        let changes = vec![
            ("title", "A".to_owned(), "B".to_owned()),
            ("body", "old text".to_owned(), "new text!".to_owned()),
        ];
        assert_eq!(
            without_bodies(changes, 3),
            vec![
                ("title", "A".to_owned(), "B".to_owned()),
                (
                    "body",
                    "revision 2 (8 bytes)".to_owned(),
                    "revision 3 (9 bytes)".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn diff_size_bound() {
        assert!(check_diff_size("a\nb", "c").is_ok());
        let wide = "x".repeat(DIFF_MAX_BYTES + 1);
        let e = check_diff_size("", &wide).unwrap_err();
        assert!(e.get("to").unwrap().contains("too large to compare"), "{e}");
        let tall = "\n".repeat(DIFF_MAX_LINES + 1);
        assert!(check_diff_size(&tall, "").is_err());
    }
}
