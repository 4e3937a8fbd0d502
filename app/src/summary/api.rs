use chrono::{DateTime, NaiveDate, Utc};
use domain::hackfest::Hackfest;
use domain::summary::{Summary, SummaryForm};
use domain::user::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::hackfest::scope::Scope;

/// The text a summary page shows: the published revision's, never a later draft's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublishedView {
    pub title: String,
    pub revision: i64,
    /// Sanitised HTML of the published revision.
    pub body_html: String,
    /// Its first paragraph as plain text (Open Graph, feeds).
    pub excerpt: String,
    pub published_at: DateTime<Utc>,
    /// The same on the hackfest's wall clock.
    pub published_local: chrono::NaiveDateTime,
}

/// One entry of a summary page's list of days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayLink {
    /// `None`: the week's (event) summary.
    pub day: Option<NaiveDate>,
    pub published: bool,
    /// A draft exists (shown to members only).
    pub draft: bool,
}

/// `/h/{slug}/summary` and `/h/{slug}/summary/{day}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryPage {
    pub hackfest: Hackfest,
    pub role: Role,
    pub day: Option<NaiveDate>,
    pub published: Option<PublishedView>,
    /// The working text, for members only (`None` for everybody else).
    pub draft: Option<Summary>,
    /// The draft rendered (members only).
    pub draft_html: String,
    pub days: Vec<DayLink>,
    /// The page's address on the public site (Open Graph).
    pub url: String,
}

/// The editor: the summary (none before its first draft) and what the record holds
/// that its text does not (see [`missing`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryEditor {
    pub hackfest: Hackfest,
    pub role: Role,
    pub day: Option<NaiveDate>,
    pub summary: Option<Summary>,
    pub missing: Vec<(String, Vec<String>)>,
}

/// `""` or `"week"`: the event summary; `YYYY-MM-DD`: that day's. Anything else is
/// the `day` field's error.
pub fn parse_day(day: &str) -> Result<Option<NaiveDate>, domain::FieldErrors> {
    match day.trim() {
        "" | "week" => Ok(None),
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                domain::FieldErrors::single(
                    "day",
                    format!(
                        "\"{}\" is not a date: use YYYY-MM-DD, or \"week\" for the week's summary.",
                        domain::text::shown(d)
                    ),
                )
            }),
    }
}

/// The address segment of a summary: its date, or `week`.
pub fn day_segment(day: Option<NaiveDate>) -> String {
    day.map(|d| d.to_string()).unwrap_or_else(|| "week".into())
}

/// The public page of a summary.
pub fn page_path(slug: &str, day: Option<NaiveDate>) -> String {
    match day {
        Some(d) => format!("/h/{slug}/summary/{d}"),
        None => format!("/h/{slug}/summary"),
    }
}

/// "Monday 23 March" / "The week".
pub fn day_label(day: Option<NaiveDate>) -> String {
    match day {
        Some(d) => d.format("%A %-d %B").to_string(),
        None => "The week".into(),
    }
}

/// Sections (`## ` headings) of Markdown, in order: (heading, lines).
fn sections(markdown: &str) -> Vec<(String, Vec<&str>)> {
    let mut out: Vec<(String, Vec<&str>)> = Vec::new();
    for line in markdown.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            out.push((h.trim().to_owned(), Vec::new()));
        } else if let Some((_, lines)) = out.last_mut() {
            lines.push(line);
        }
    }
    out
}

/// What the record (`generated`, the last draft made from it) holds that the
/// organizers' text does not: for each generated section, its list items that the
/// text's section of the same heading (or, once the heading is gone, the whole text)
/// does not contain. The editor shows them to copy in; nothing is added by itself.
pub fn missing(body: &str, generated: &str) -> Vec<(String, Vec<String>)> {
    let mine = sections(body);
    let mut out = Vec::new();
    for (heading, lines) in sections(generated) {
        let theirs: Vec<&str> = match mine.iter().find(|(h, _)| *h == heading) {
            Some((_, l)) => l.clone(),
            None => body.lines().collect(),
        };
        let absent: Vec<String> = lines
            .iter()
            .filter(|l| l.trim_start().starts_with("- "))
            .filter(|l| !theirs.iter().any(|t| t.trim() == l.trim()))
            .map(|l| l.trim().to_owned())
            .collect();
        if !absent.is_empty() {
            out.push((heading, absent));
        }
    }
    out
}

/// The `day` argument: a page of a day outside the hackfest is not there (404);
/// drafting one is the `day` field's error (the domain's).
#[cfg(feature = "ssr")]
fn day_of(s: &Scope, day: &str) -> Result<Option<NaiveDate>, AppError> {
    let day = parse_day(day).map_err(|e| {
        let e = AppError::Validation(e);
        e.set_response_status();
        e
    })?;
    if let Some(d) = day {
        let h = &s.hackfest;
        if !(h.start_date..=h.end_date).contains(&d) {
            let e = AppError::NotFound("Summary".into());
            e.set_response_status();
            return Err(e);
        }
    }
    Ok(day)
}

/// The first paragraph (or, in a summary of lists, the first list item) of sanitised
/// HTML as plain text, at most 300 characters: Open Graph's description, the feeds'.
#[cfg(feature = "ssr")]
pub fn excerpt(html: &str) -> String {
    let first = |open: &str, close: &str| {
        html.split(open)
            .nth(1)
            .and_then(|p| p.split(close).next())
            .filter(|p| !p.trim().is_empty())
    };
    let para = first("<p>", "</p>")
        .or_else(|| first("<li>", "</li>"))
        .unwrap_or("");
    let mut text = String::new();
    let mut in_tag = false;
    for c in para.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

#[cfg(feature = "ssr")]
fn published_view(h: &Hackfest, p: domain::summary::Published) -> PublishedView {
    let tz = domain::hackfest::service::tz(h);
    PublishedView {
        published_local: p.published_at.with_timezone(&tz).naive_local(),
        excerpt: excerpt(&p.body_html),
        title: p.title.clone(),
        revision: p.revision,
        body_html: p.body_html,
        published_at: p.published_at,
    }
}

#[server(endpoint = "summaries/page")]
pub async fn get_summary_page(slug: String, day: String) -> Result<SummaryPage, AppError> {
    use domain::summary::service;
    let s = Scope::of(&slug).await?;
    let day = day_of(&s, &day)?;
    let h = &s.hackfest;
    let member = s.role.can_edit_content();
    let published = service::published_one(&s.db, h, day)
        .await?
        .map(|p| published_view(h, p));
    let draft = if member {
        service::get(&s.db, h, day).await?
    } else {
        None
    };
    if published.is_none() && draft.is_none() && !member {
        // SECURITY 18: an unpublished summary is not there for anybody else.
        let e = AppError::NotFound("Summary".into());
        e.set_response_status();
        return Err(e);
    }
    let draft_html = draft
        .as_ref()
        .map(|d| domain::markdown::render(&d.body))
        .unwrap_or_default();
    let days = days(&s).await?;
    let st = crate::state::app_state()?;
    Ok(SummaryPage {
        url: format!("{}{}", st.public_url, page_path(&h.slug, day)),
        hackfest: s.hackfest.clone(),
        role: s.role,
        day,
        published,
        draft,
        draft_html,
        days,
    })
}

/// The week and each day of the hackfest, with what exists of their summaries (drafts
/// counted for members only).
#[cfg(feature = "ssr")]
async fn days(s: &Scope) -> Result<Vec<DayLink>, AppError> {
    use domain::summary::service;
    let h = &s.hackfest;
    let published: Vec<Option<NaiveDate>> = service::published(&s.db, h)
        .await?
        .into_iter()
        .map(|p| p.day)
        .collect();
    let drafts: Vec<Option<NaiveDate>> = if s.role.can_edit_content() {
        service::list(&s.db, h)
            .await?
            .into_iter()
            .map(|x| x.day)
            .collect()
    } else {
        Vec::new()
    };
    let mut out = vec![None];
    let mut d = h.start_date;
    // A hackfest is a week; the bound only keeps a malformed one from running away.
    while d <= h.end_date && out.len() <= 366 {
        out.push(Some(d));
        match d.succ_opt() {
            Some(next) => d = next,
            None => break,
        }
    }
    Ok(out
        .into_iter()
        .map(|day| DayLink {
            day,
            published: published.contains(&day),
            draft: drafts.contains(&day),
        })
        .collect())
}

#[server(endpoint = "summaries/editor")]
pub async fn get_summary_editor(slug: String, day: String) -> Result<SummaryEditor, AppError> {
    let s = Scope::of(&slug).await?;
    let day = day_of(&s, &day)?;
    if !s.role.can_edit_content() {
        let e = AppError::NotFound("Summary".into());
        e.set_response_status();
        return Err(e);
    }
    let summary = domain::summary::service::get(&s.db, &s.hackfest, day).await?;
    let missing = summary
        .as_ref()
        .map(|x| missing(&x.body, &x.generated))
        .unwrap_or_default();
    Ok(SummaryEditor {
        hackfest: s.hackfest.clone(),
        role: s.role,
        day,
        summary,
        missing,
    })
}

/// Drafts the summary from the record, or brings an existing draft up to date: the
/// sections nobody edited are replaced; edited ones are kept (see [`missing`]).
#[server(endpoint = "summaries/generate")]
pub async fn generate_summary(slug: String, day: String) -> Result<Summary, AppError> {
    let s = Scope::of(&slug).await?;
    let actor = s.organizer()?;
    let day = parse_day(&day).map_err(|e| AppError::from(domain::DomainError::Validation(e)))?;
    let g = domain::summary::service::generate(&s.db, &s.hackfest, day, &actor).await?;
    Ok(g.summary)
}

#[server(endpoint = "summaries/update")]
pub async fn update_summary(
    slug: String,
    id: Uuid,
    version: i64,
    form: SummaryForm,
) -> Result<Summary, AppError> {
    let s = Scope::of(&slug).await?;
    let actor = s.organizer()?;
    Ok(domain::summary::service::update(
        &s.db,
        &s.hackfest,
        domain::ids::SummaryId(id),
        version,
        &form,
        &actor,
    )
    .await?)
}

/// Publishes the summary's text as it is now (again, after a correction).
#[server(endpoint = "summaries/publish")]
pub async fn publish_summary(slug: String, id: Uuid, version: i64) -> Result<Summary, AppError> {
    let s = Scope::of(&slug).await?;
    let actor = s.organizer()?;
    let st = crate::state::app_state()?;
    let found =
        domain::summary::service::by_id(&s.db, &s.hackfest, domain::ids::SummaryId(id)).await?;
    let url = format!(
        "{}{}",
        st.public_url,
        page_path(&s.hackfest.slug, found.day)
    );
    let published = domain::summary::service::publish(
        &s.db,
        &s.hackfest,
        domain::ids::SummaryId(id),
        version,
        &actor,
        &url,
    )
    .await?;
    // A plain form goes on to the public page.
    leptos_axum::redirect(&page_path(&s.hackfest.slug, published.day));
    Ok(published)
}

/// A summary's revisions, newest first, and two of them compared (members only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryHistory {
    pub hackfest: Hackfest,
    pub role: Role,
    pub summary: Summary,
    pub revisions: Vec<domain::page::RevisionSummary>,
    pub diff: Option<domain::page::RevisionDiff>,
    /// Why the chosen revisions were not compared (too large).
    pub diff_error: Option<String>,
}

#[server(endpoint = "summaries/history")]
pub async fn get_summary_history(
    slug: String,
    day: String,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<SummaryHistory, AppError> {
    use domain::summary::service;
    let s = Scope::of(&slug).await?;
    let day = day_of(&s, &day)?;
    let not_found = || {
        let e = AppError::NotFound("Summary".into());
        e.set_response_status();
        e
    };
    if !s.role.can_edit_content() {
        return Err(not_found());
    }
    let summary = service::get(&s.db, &s.hackfest, day)
        .await?
        .ok_or_else(not_found)?;
    let id = domain::ids::SummaryId(summary.id);
    let revisions = service::revisions(&s.db, &s.hackfest, id).await?;
    let (diff, diff_error) = match (from, to) {
        (Some(a), Some(b)) => match service::diff(&s.db, &s.hackfest, id, a, b).await {
            Ok(d) => (Some(d), None),
            Err(domain::DomainError::Validation(f)) => (None, Some(f.to_string())),
            Err(e) => return Err(e.into()),
        },
        _ => (None, None),
    };
    Ok(SummaryHistory {
        hackfest: s.hackfest.clone(),
        role: s.role,
        summary,
        revisions,
        diff,
        diff_error,
    })
}

/// Makes revision `number`'s text the summary's text again (a new revision; publish
/// it to show it).
#[server(endpoint = "summaries/revert")]
pub async fn revert_summary(
    slug: String,
    id: Uuid,
    version: i64,
    number: i64,
) -> Result<Summary, AppError> {
    let s = Scope::of(&slug).await?;
    let actor = s.organizer()?;
    Ok(domain::summary::service::revert(
        &s.db,
        &s.hackfest,
        domain::ids::SummaryId(id),
        number,
        version,
        &actor,
    )
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_lists_what_the_record_has_and_the_text_lacks() {
        let generated = "## Decisions\n\n- Agreed: A\n- Rejected: B\n\n## Goals\n\n- G: 10 → 50\n";
        let body = "Intro.\n\n## Decisions\n\n- Agreed: A (we cheered)\n- Rejected: B\n";
        let m = missing(body, generated);
        assert_eq!(
            m,
            vec![
                ("Decisions".to_owned(), vec!["- Agreed: A".to_owned()]),
                ("Goals".to_owned(), vec!["- G: 10 → 50".to_owned()]),
            ]
        );
        assert!(missing(generated, generated).is_empty());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_excerpt_is_the_first_paragraph_or_list_item_as_text() {
        assert_eq!(
            excerpt("<h2>Sessions</h2><p>We <strong>met</strong> &amp; talked.</p>"),
            "We met & talked."
        );
        assert_eq!(
            excerpt(
                "<h2>Sessions held</h2><ul><li><a href=\"/x\">Auth</a>, 09:30</li><li>B</li></ul>"
            ),
            "Auth, 09:30"
        );
        assert_eq!(excerpt(""), "");
        assert_eq!(
            excerpt(&format!("<p>{}</p>", "x".repeat(400)))
                .chars()
                .count(),
            301
        );
    }

    #[test]
    fn days_parse_or_name_the_field() {
        assert_eq!(parse_day("week").unwrap(), None);
        assert_eq!(parse_day("").unwrap(), None);
        assert_eq!(
            parse_day("2026-03-23").unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 23)
        );
        let e = parse_day("Monday").unwrap_err();
        assert!(e.0.contains_key("day"), "{e:?}");
    }
}
