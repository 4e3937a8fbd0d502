use domain::search::Results;
use leptos::prelude::*;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::hackfest::scope::Scope;

/// Page `page` (from 1) of what `q` finds among `kinds` (comma-separated kind names;
/// blank: every kind), in hackfest `slug` or, without one, in every hackfest.
/// Everything indexed is public (drafts of summaries never are), so anyone may search.
/// A query longer than `domain::search::QUERY_MAX` characters is a 422 on `q`.
#[server(endpoint = "search/query")]
pub async fn search_query(
    slug: Option<String>,
    q: String,
    kinds: Option<String>,
    page: Option<u32>,
) -> Result<Results, AppError> {
    use domain::search::{Query, search};
    let kinds: Vec<String> = kinds.into_iter().collect();
    let query = Query::parse(&q, &kinds).map_err(domain::DomainError::Validation)?;
    let page = page.unwrap_or(1);
    match slug.filter(|s| !s.trim().is_empty()) {
        Some(slug) => {
            let s = Scope::of(&slug).await?;
            Ok(search(&s.db, Some(s.hackfest.id), &query, page).await?)
        }
        None => {
            let st = crate::state::app_state()?;
            Ok(search(&st.db, None, &query, page).await?)
        }
    }
}
