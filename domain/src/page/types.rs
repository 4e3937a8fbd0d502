use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;
use crate::history::Fields;
use crate::text::{long_text, optional_line, required_line};

pub const SLUG_MAX: usize = 100;
pub const TITLE_MAX: usize = 200;
/// The same limit as every Markdown text (`markdown::MAX_CHARS`, server-only).
pub const BODY_MAX: usize = 100_000;
pub const COMMENT_MAX: usize = 200;

/// Slugs the page routes use for themselves (`/h/:slug/pages/new`).
pub const RESERVED_SLUGS: &[&str] = &["new"];

/// A page's URL name: lowercase a–z, digits and hyphens, e.g. `openshift-q-and-a`.
pub fn parse_slug(input: &str) -> Result<String, String> {
    let s = input.trim();
    if s.is_empty() {
        return Err("Slug is required.".into());
    }
    if s.len() > SLUG_MAX {
        return Err(format!(
            "Slug is too long: {} characters, at most {SLUG_MAX}.",
            s.chars().count()
        ));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err("Slug may contain only lowercase letters a–z, digits and hyphens.".into());
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Err("Slug must not start or end with a hyphen.".into());
    }
    if RESERVED_SLUGS.contains(&s) {
        return Err(format!(
            "Slug \"{s}\" is used by the wiki itself; choose another."
        ));
    }
    Ok(s.to_owned())
}

/// A slug made from a title: ASCII letters and digits kept (lowercased), everything
/// else a single hyphen; cut to `SLUG_MAX` at a word boundary. May be empty (a title
/// without ASCII letters or digits).
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    if out.len() > SLUG_MAX {
        out.truncate(SLUG_MAX);
        if let Some(cut) = out.rfind('-').filter(|&i| i > SLUG_MAX / 2) {
            out.truncate(cut);
        }
    }
    let out = out.trim_matches('-').to_owned();
    if RESERVED_SLUGS.contains(&out.as_str()) {
        format!("{out}-page")
    } else {
        out
    }
}

/// A wiki page as the browser and the API see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Page {
    pub id: Uuid,
    pub hackfest_id: Uuid,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// `updated_at` on the hackfest's wall clock (filled in on the server).
    #[cfg_attr(feature = "server", sqlx(skip))]
    #[serde(default)]
    pub updated_local: Option<NaiveDateTime>,
    /// Sanitised HTML of the body, `[[links]]` resolved (rendered on the server).
    #[cfg_attr(feature = "server", sqlx(skip))]
    #[serde(default)]
    pub body_html: String,
}

impl Page {
    /// The edit form, filled with this page's values (the comment starts empty).
    pub fn to_form(&self) -> PageForm {
        PageForm {
            slug: self.slug.clone(),
            title: self.title.clone(),
            body: self.body.clone(),
            comment: String::new(),
        }
    }
}

/// A page in the list: no body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PageSummary {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    /// `updated_at` on the hackfest's wall clock (filled in on the server).
    #[cfg_attr(feature = "server", sqlx(skip))]
    #[serde(default)]
    pub updated_local: Option<NaiveDateTime>,
}

/// Raw input, as typed into the page form.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PageForm {
    /// Blank: made from the title.
    #[serde(default)]
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// What this save changes, for the revision list.
    #[serde(default)]
    pub comment: String,
}

/// Parsed, valid page fields. The slug being free in the hackfest is checked by the service.
#[derive(Clone, Debug, PartialEq)]
pub struct NewPage {
    pub slug: String,
    pub title: String,
    pub body: String,
    pub comment: String,
}

impl PageForm {
    pub fn parse(&self) -> Result<NewPage, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = e.check("title", required_line(&self.title, "Title", TITLE_MAX));
        let slug = if self.slug.trim().is_empty() {
            match &title {
                Some(t) => {
                    let s = slugify(t);
                    if s.is_empty() {
                        e.add(
                            "slug",
                            "A slug cannot be made from this title; type one (a–z, digits, hyphens).",
                        );
                        None
                    } else {
                        Some(s)
                    }
                }
                // The title's own error says what to fix.
                None => None,
            }
        } else {
            e.check("slug", parse_slug(&self.slug))
        };
        let body = e.check("body", long_text(&self.body, "Body", BODY_MAX));
        let comment = e.check(
            "comment",
            optional_line(&self.comment, "Comment", COMMENT_MAX),
        );
        e.into_result(|| NewPage {
            slug: slug.unwrap(),
            title: title.unwrap(),
            body: body.unwrap(),
            comment: comment.unwrap(),
        })
    }
}

impl NewPage {
    /// The page's fields as text, for history and the conflict view (not the comment).
    pub fn field_values(&self) -> Fields {
        vec![
            ("slug", self.slug.clone()),
            ("title", self.title.clone()),
            ("body", self.body.clone()),
        ]
    }
}

impl From<&Page> for NewPage {
    fn from(p: &Page) -> Self {
        NewPage {
            slug: p.slug.clone(),
            title: p.title.clone(),
            body: p.body.clone(),
            comment: String::new(),
        }
    }
}

/// One saved state of a page: revision 1 is its creation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
pub struct Revision {
    pub id: Uuid,
    pub page_id: Uuid,
    pub number: i64,
    pub title: String,
    pub body: String,
    pub author: String,
    pub comment: String,
    pub created_at: DateTime<Utc>,
    #[cfg_attr(feature = "server", sqlx(skip))]
    #[serde(default)]
    pub body_html: String,
}

/// A revision in the list: no body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
pub struct RevisionSummary {
    pub number: i64,
    pub title: String,
    pub author: String,
    pub comment: String,
    pub created_at: DateTime<Utc>,
    /// `created_at` on the hackfest's wall clock (filled in on the server).
    #[cfg_attr(feature = "server", sqlx(skip))]
    #[serde(default)]
    pub created_local: Option<NaiveDateTime>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineChange {
    Same,
    Added,
    Removed,
}

impl LineChange {
    /// The sign a diff shows in front of the line (so the change is not told by color alone).
    pub fn sign(self) -> &'static str {
        match self {
            LineChange::Same => " ",
            LineChange::Added => "+",
            LineChange::Removed => "−",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LineChange::Same => "unchanged",
            LineChange::Added => "added",
            LineChange::Removed => "removed",
        }
    }
}

/// One line of a diff, with its line numbers in the old and the new text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiffLine {
    pub change: LineChange,
    pub old_line: Option<u32>,
    pub new_line: Option<u32>,
    pub text: String,
}

/// What changed between two revisions: the title, and the body line by line, in hunks
/// (changed lines with a few unchanged ones around them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevisionDiff {
    pub from: RevisionSummary,
    pub to: RevisionSummary,
    /// `(old, new)` when the title changed.
    pub title: Option<(String, String)>,
    pub hunks: Vec<Vec<DiffLine>>,
    pub added: usize,
    pub removed: usize,
}

/// A `[[…]]` link in page text: what is between the brackets, trimmed. `None` for
/// anything that is not a link target (empty, too long, brackets or a line break inside).
pub fn wiki_target(inner: &str) -> Option<&str> {
    let t = inner.trim();
    let ok = !t.is_empty() && t.chars().count() <= TITLE_MAX && !t.contains(['[', ']', '\n', '\r']);
    ok.then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn form() -> PageForm {
        PageForm {
            slug: String::new(),
            title: "OpenShift Q&A".into(),
            body: "## How do I deploy?\n\nWith Ansible.".into(),
            comment: "First draft".into(),
        }
    }

    #[test]
    fn blank_slug_comes_from_the_title() {
        let p = form().parse().unwrap();
        assert_eq!(p.slug, "openshift-q-a");
        assert_eq!(
            slugify("  Fedora — Apps on OpenShift!  "),
            "fedora-apps-on-openshift"
        );
        assert_eq!(slugify("New"), "new-page", "never a reserved slug");
        assert_eq!(slugify("日本語"), "");
        let long = slugify(&"word ".repeat(100));
        assert!(long.len() <= SLUG_MAX && !long.ends_with('-'), "{long}");
        assert!(parse_slug(&long).is_ok());
    }

    #[test]
    fn slug_rules() {
        assert_eq!(parse_slug(" fas-ipa-sync ").unwrap(), "fas-ipa-sync");
        for bad in [
            "",
            "Upper",
            "with space",
            "-lead",
            "trail-",
            "new",
            "é",
            "a/b",
        ] {
            assert!(parse_slug(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(
            parse_slug(&"a".repeat(SLUG_MAX + 1))
                .unwrap_err()
                .contains("too long")
        );
        let mut f = form();
        f.title = "日本語".into();
        assert!(
            f.parse()
                .unwrap_err()
                .get("slug")
                .unwrap()
                .contains("cannot be made")
        );
    }

    #[test]
    fn every_bad_field_is_reported() {
        let f = PageForm {
            slug: "Bad Slug".into(),
            title: "a\nb".into(),
            body: "x".repeat(BODY_MAX + 1),
            comment: "c".repeat(COMMENT_MAX + 1),
        };
        let e = f.parse().unwrap_err();
        for field in ["slug", "title", "body", "comment"] {
            assert!(e.get(field).is_some(), "{field}: {e}");
        }
        let mut f = form();
        f.title = "t".repeat(TITLE_MAX + 1);
        assert!(
            f.parse()
                .unwrap_err()
                .get("title")
                .unwrap()
                .contains("too long")
        );
        f.title = "   ".into();
        let e = f.parse().unwrap_err();
        assert_eq!(e.get("title"), Some("Title is required."));
        assert_eq!(e.get("slug"), None, "the title's error is enough");
    }

    #[test]
    fn wiki_targets() {
        assert_eq!(wiki_target(" OpenShift "), Some("OpenShift"));
        assert_eq!(wiki_target(""), None);
        assert_eq!(wiki_target("a]b"), None);
        assert_eq!(wiki_target("a\nb"), None);
    }

    proptest! {
        #[test]
        fn slugify_gives_a_valid_slug_or_nothing(title in "\\PC{0,300}") {
            let s = slugify(&title);
            prop_assert!(s.is_empty() || parse_slug(&s).is_ok(), "{:?} → {:?}", title, s);
        }

        #[test]
        fn parse_never_panics(slug in "\\PC{0,120}", title in "\\PC{0,250}") {
            let _ = PageForm { slug, title, ..Default::default() }.parse();
        }
    }
}
