use domain::hackfest::Hackfest;
use domain::page::{Page, PageForm, PageSummary, RevisionDiff, RevisionSummary};
use domain::question::Question;
use domain::user::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// The wiki's page list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WikiIndex {
    pub hackfest: Hackfest,
    pub pages: Vec<PageSummary>,
    pub role: Role,
}

/// One page as read: rendered body, questions, and the decisions a question may link to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WikiPage {
    pub hackfest: Hackfest,
    pub page: Page,
    pub questions: Vec<Question>,
    /// (id, title) of the hackfest's decisions.
    pub decisions: Vec<(Uuid, String)>,
    pub role: Role,
}

/// What the create/edit form needs; `page` is `None` when creating.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WikiEditor {
    pub hackfest: Hackfest,
    pub page: Option<Page>,
    pub role: Role,
}

/// A page's revisions and, when two were chosen, what changed between them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WikiHistory {
    pub hackfest: Hackfest,
    pub page: Page,
    pub revisions: Vec<RevisionSummary>,
    pub diff: Option<RevisionDiff>,
    /// Why the chosen revisions were not compared (too large), to show instead.
    #[serde(default)]
    pub diff_error: Option<String>,
    pub role: Role,
}

/// The hackfest of `slug`, the viewer's role there, and the database.
#[cfg(feature = "ssr")]
async fn context(slug: &str) -> Result<(crate::hackfest::scope::Scope, Hackfest, Role), AppError> {
    let s = crate::hackfest::scope::Scope::of(slug).await?;
    let (h, role) = (s.hackfest.clone(), s.role);
    Ok((s, h, role))
}

#[server(endpoint = "pages/list")]
pub async fn get_wiki_index(slug: String) -> Result<WikiIndex, AppError> {
    let (st, hackfest, role) = context(&slug).await?;
    let pages = domain::page::service::list(&st.db, &hackfest).await?;
    Ok(WikiIndex {
        hackfest,
        pages,
        role,
    })
}

#[server(endpoint = "pages/get")]
pub async fn get_wiki_page(slug: String, page: String) -> Result<WikiPage, AppError> {
    let (st, hackfest, role) = context(&slug).await?;
    let page = domain::page::service::get(&st.db, &hackfest, &page).await?;
    let questions = domain::question::service::list(&st.db, &hackfest, &page).await?;
    let decisions = domain::decision::service::list(&st.db, hackfest.id)
        .await?
        .into_iter()
        .map(|d| (d.id, d.title))
        .collect();
    Ok(WikiPage {
        hackfest,
        page,
        questions,
        decisions,
        role,
    })
}

#[server(endpoint = "pages/editor")]
pub async fn get_wiki_editor(slug: String, page: Option<String>) -> Result<WikiEditor, AppError> {
    let (st, hackfest, role) = context(&slug).await?;
    let page = match page {
        Some(p) => Some(domain::page::service::get(&st.db, &hackfest, &p).await?),
        None => None,
    };
    Ok(WikiEditor {
        hackfest,
        page,
        role,
    })
}

/// `from`/`to`: two revision numbers to compare (either order).
#[server(endpoint = "pages/history")]
pub async fn get_wiki_history(
    slug: String,
    page: String,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<WikiHistory, AppError> {
    let (st, hackfest, role) = context(&slug).await?;
    let page = domain::page::service::get(&st.db, &hackfest, &page).await?;
    let revisions = domain::page::service::revisions(&st.db, &hackfest, &page).await?;
    let (diff, diff_error) = match (from, to) {
        (Some(a), Some(b)) => {
            match domain::page::service::diff(&st.db, &hackfest, page.id, a, b).await {
                Ok(d) => (Some(d), None),
                // Too large to compare: the history still shows, with the reason.
                Err(domain::DomainError::Validation(f)) => {
                    let why = f.get("to").map_or_else(|| f.to_string(), str::to_owned);
                    (None, Some(why))
                }
                Err(e) => return Err(e.into()),
            }
        }
        _ => (None, None),
    };
    Ok(WikiHistory {
        hackfest,
        page,
        revisions,
        diff,
        diff_error,
        role,
    })
}

#[server(endpoint = "pages/create")]
pub async fn create_page(slug: String, form: PageForm) -> Result<Page, AppError> {
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    let actor = s.editor()?;
    Ok(domain::page::service::create(&s.db, &s.hackfest, &form, &actor).await?)
}

/// Saves over version `version`; a newer stored version gives `AppError::Conflict`.
#[server(endpoint = "pages/update")]
pub async fn update_page(
    slug: String,
    id: Uuid,
    version: i64,
    form: PageForm,
) -> Result<Page, AppError> {
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    let actor = s.editor()?;
    Ok(domain::page::service::update(&s.db, &s.hackfest, id, version, &form, &actor).await?)
}

/// A new revision with revision `number`'s content, if the page is still at `version`.
#[server(endpoint = "pages/revert")]
pub async fn revert_page(
    slug: String,
    id: Uuid,
    version: i64,
    number: i64,
) -> Result<Page, AppError> {
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    let actor = s.editor()?;
    Ok(domain::page::service::revert(&s.db, &s.hackfest, id, number, version, &actor).await?)
}
