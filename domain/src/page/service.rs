use chrono::Utc;
use uuid::Uuid;

use super::{
    DiffLine, LineChange, NewPage, Page, PageForm, PageSummary, Revision, RevisionDiff,
    RevisionSummary, render, repo,
};
use crate::db::{Db, Tx};
use crate::hackfest::Hackfest;
use crate::history::Fields;
use crate::ids::{HackfestId, PageId};
use crate::outbox::Message;
use crate::question::{self, AnswerForm, QuestionForm};
use crate::write::{self, Edit, Outcome, Update, Versioned};
use crate::{DomainError, FieldErrors};

const SLUG_TAKEN: &str = "Another page of this hackfest already has this slug.";

use crate::hackfest::service::local;

/// Adds the rendered body (`pages` resolve its `[[links]]`) and the local time.
pub fn decorate(mut p: Page, h: &Hackfest, pages: &[PageSummary]) -> Page {
    p.body_html = render::render(&p.body, &h.slug, pages);
    p.updated_local = Some(local(h, p.updated_at));
    p
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

/// The hackfest's pages, to render the reply to a committed change with; none (its
/// `[[links]]` then show unresolved) if they cannot be read. Never an error: the
/// change is committed, and an error would make the client retry it into a duplicate.
pub(crate) async fn pages_after_commit(db: &Db, h: &Hackfest) -> Vec<PageSummary> {
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
pub(crate) fn without_bodies(
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
    check_slug(tx, h, &new.slug, None).await?;
    write::create_in(tx, HackfestId(h.id), &new, actor).await
}

/// The slug is free in the hackfest (but for page `except`).
async fn check_slug(
    tx: &mut Tx,
    h: &Hackfest,
    slug: &str,
    except: Option<Uuid>,
) -> Result<(), DomainError> {
    if repo::slug_taken(tx, h.id, slug, except).await? {
        return Err(FieldErrors::single("slug", SLUG_TAKEN).into());
    }
    Ok(())
}

/// A save of a page: history `action` (`update`, `revert`), message `wiki.edit`.
fn edit<'a>(actor: &'a str, action: &'static str) -> Edit<'a> {
    Edit {
        actor,
        action,
        event: "edit",
    }
}

/// Every save of a page is its next revision; history and the bus name the body by
/// revision and size, never the text.
impl Versioned for Page {
    type Id = PageId;
    type Input = NewPage;
    /// The revision number the save made.
    type More = i64;
    const ENTITY: &'static str = "page";
    const WHAT: &'static str = "page";

    write::row_keys!(PageId);
    fn new_fields(new: &NewPage) -> Fields {
        new.field_values()
    }
    fn old_fields(&self, _: &NewPage) -> Fields {
        NewPage::from(self).field_values()
    }
    write::repo_sql!();
    async fn write_more(
        &self,
        tx: &mut Tx,
        new: &NewPage,
        actor: &str,
        at: chrono::DateTime<Utc>,
    ) -> Result<i64, sqlx::Error> {
        repo::add_revision(tx, self.id, new, actor, at).await
    }
    fn recorded(changes: write::Changes, revision: &i64) -> write::Changes {
        without_bodies(changes, *revision)
    }
    fn message<'a>(
        &self,
        new: &NewPage,
        revision: &i64,
        event: &'static str,
        actor: &'a str,
        at: chrono::DateTime<Utc>,
    ) -> Message<'a> {
        wiki_message(self, event, *revision, &new.comment, actor, at)
    }
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
    // Replies and conflicts show the page rendered.
    let show = async |p: Page| rendered_after_commit(db, h, p).await;
    let mut w = Update::open(db, HackfestId(h.id), PageId(id), expected_version, show).await?;
    // A unique slug is checked in the turn: another save may take it.
    check_slug(w.lock().await?, h, &new.slug, Some(id)).await?;
    w.save(&new, edit(actor, "update")).await
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
    compare((summary(&a), a.body), (summary(&b), b.body)).await
}

/// What changed from one revision to another, of any kind kept in revisions (wiki
/// pages, summaries): each is its summary and its body. Refused when too large
/// ([`check_diff_size`]); the diff runs off the async workers.
pub async fn compare(
    (from, old): (RevisionSummary, String),
    (to, new): (RevisionSummary, String),
) -> Result<RevisionDiff, DomainError> {
    check_diff_size(&old, &new)?;
    // Off the async workers: a diff is CPU work (bounded above and by its deadline).
    let (hunks, added, removed) = tokio::task::spawn_blocking(move || line_diff(&old, &new, 3))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "the revision diff failed");
            FieldErrors::single(
                "to",
                "These revisions could not be compared; open them side by side instead.",
            )
        })?;
    Ok(RevisionDiff {
        title: (from.title != to.title).then(|| (from.title.clone(), to.title.clone())),
        from,
        to,
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
    // Replies and conflicts show the page rendered.
    let show = async |p: Page| rendered_after_commit(db, h, p).await;
    let mut w = Update::open(db, HackfestId(h.id), PageId(id), expected_version, show).await?;
    let old = repo::revision_in_tx(w.tx(), id, number)
        .await?
        .ok_or(DomainError::NotFound("revision"))?;
    let new = NewPage {
        slug: w.current.slug.clone(),
        title: old.title,
        body: old.body,
        comment: format!("Revert to revision {number}"),
    };
    w.save(&new, edit(actor, "revert")).await
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
    let (openshift_id, version) = (openshift.id, openshift.version);
    let saved = write::update_in(tx, openshift, version, &v2, edit("kevin", "update")).await?;
    debug_assert!(matches!(saved, Outcome::Saved(_)));
    create_in(
        tx,
        h,
        &form("Authentication", AUTHENTICATION, "From the whiteboard"),
        ACTOR,
    )
    .await?;
    let q = question::service::ask_in(
        tx,
        h,
        openshift_id,
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
    };
    question::service::answer_in(tx, h, q, &answer, "kevin").await?;
    question::service::ask_in(
        tx,
        h,
        openshift_id,
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
