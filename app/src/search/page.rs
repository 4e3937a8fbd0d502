//! The search pages: a labelled GET form (works without JavaScript), the number of
//! results announced, each result's kind, hackfest and snippet, linked to its page.

use domain::search::{Hit, Kind, PAGES_MAX, Results};
use domain::text::urlencode;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::search_query;
use crate::components::{ErrorPage, hackfest_page};
use crate::error::AppError;
use crate::hackfest::api::HackfestScope;

/// What the address asks for: `?q=…&kind=…&kind=…&page=…`.
#[derive(Clone, Debug, Default, PartialEq)]
struct Asked {
    q: String,
    kinds: Vec<String>,
    page: u32,
}

impl Asked {
    /// The address of page `page` of these results below `base`.
    fn href(&self, base: &str, page: u32) -> String {
        let mut s = format!("{base}?q={}", urlencode(&self.q));
        for k in &self.kinds {
            s.push_str(&format!("&kind={}", urlencode(k)));
        }
        if page > 1 {
            s.push_str(&format!("&page={page}"));
        }
        s
    }
}

fn asked() -> impl Fn() -> Asked + Clone + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        query.with(|m| Asked {
            q: m.get("q").unwrap_or_default(),
            kinds: m
                .get_all("kind")
                .unwrap_or_default()
                .into_iter()
                .filter(|k| !k.trim().is_empty())
                .collect(),
            page: m
                .get("page")
                .and_then(|p| p.trim().parse().ok())
                .unwrap_or(1)
                .clamp(1, PAGES_MAX),
        })
    }
}

/// Nothing asked yet: no search.
type Outcome = Option<Result<Results, AppError>>;

async fn run(slug: Option<String>, a: Asked) -> Outcome {
    if a.q.trim().is_empty() {
        return None;
    }
    Some(search_query(slug, a.q, Some(a.kinds.join(",")), Some(a.page)).await)
}

/// `/h/:slug/search` under the hackfest's route.
#[component]
pub fn SearchRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::Route;
    use leptos_router::{SsrMode, path};
    view! { <Route path=path!("search") view=HackfestSearch ssr=SsrMode::Async /> }.into_inner()
}

/// A hackfest's search page.
#[component]
pub fn HackfestSearch() -> impl IntoView {
    let asked = asked();
    hackfest_page(
        asked.clone(),
        |slug, a| async move { Ok::<_, AppError>(run(Some(slug), a).await) },
        None,
        move |w: HackfestScope, outcome: Outcome| {
            let a = asked();
            let base = format!("/h/{}/search", w.hackfest.slug);
            view! {
                <Title text=format!("Search · {}", w.hackfest.title) />
                <section class="page search">
                    <nav class="crumbs" aria-label="Breadcrumb">
                        <a href=format!("/h/{}", w.hackfest.slug)>{w.hackfest.title.clone()}</a>
                    </nav>
                    <h1>{format!("Search {}", w.hackfest.title)}</h1>
                    <p class="hint"><a href=a.href("/search", 1)>"Search every hackfest"</a></p>
                    {search_body(base, a, outcome, false)}
                </section>
            }
        },
    )
}

/// The site-wide search page, `/search`: every hackfest.
#[component]
pub fn SiteSearch() -> impl IntoView {
    let asked = asked();
    let results = Resource::new(asked.clone(), |a| run(None, a));
    view! {
        <Title text="Search" />
        <section class="page search">
            <h1>"Search every hackfest"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Searching…"</p> }>
                {move || {
                    let asked = asked.clone();
                    Suspend::new(async move {
                        let outcome = results.await;
                        search_body("/search".to_owned(), asked(), outcome, true)
                    })
                }}
            </Suspense>
        </section>
    }
}

/// The form, then the results (or why there are none).
fn search_body(base: String, a: Asked, outcome: Outcome, site_wide: bool) -> AnyView {
    let error = match &outcome {
        Some(Err(e)) => Some(
            e.field_errors()
                .and_then(|f| f.get("q").or_else(|| f.get("kind")).map(str::to_owned))
                .unwrap_or_else(|| e.to_string()),
        ),
        _ => None,
    };
    let results = match outcome {
        None => ().into_any(),
        Some(Ok(r)) => results_view(&base, &a, r, site_wide).into_any(),
        Some(Err(e)) if e.field_errors().is_some() => ().into_any(),
        Some(Err(e)) => view! { <ErrorPage error=e /> }.into_any(),
    };
    view! {
        {search_form(&base, &a, error)}
        {results}
    }
    .into_any()
}

fn search_form(base: &str, a: &Asked, error: Option<String>) -> impl IntoView + use<> {
    let kinds = a.kinds.clone();
    let invalid = error.is_some();
    view! {
        <form class="search-form" method="get" action=base.to_owned() role="search">
            <div class="field" class:invalid=invalid>
                <label for="search-q">"Words to search for"</label>
                <input id="search-q" type="search" name="q" value=a.q.clone() maxlength="200"
                    aria-invalid=invalid.then_some("true")
                    aria-describedby=invalid.then_some("search-q-error") />
                {error.map(|e| view! { <p class="error" id="search-q-error" role="alert">{e}</p> })}
            </div>
            <fieldset class="search-kinds">
                <legend>"Only these kinds (none: all)"</legend>
                {Kind::ALL.into_iter().map(|k| {
                    let checked = kinds.iter().any(|x| x.split(',').any(|x| x.trim() == k.as_str()));
                    view! {
                        <label>
                            <input type="checkbox" name="kind" value=k.as_str() checked=checked />
                            {k.label()}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit" class="button primary">"Search"</button>
        </form>
    }
}

fn results_view(base: &str, a: &Asked, r: Results, site_wide: bool) -> impl IntoView + use<> {
    let count = match (r.total, &r.message) {
        (_, Some(m)) => m.clone(),
        (0, None) => "No results.".to_owned(),
        (1, None) => "1 result.".to_owned(),
        (n, None) => format!("{n} results."),
    };
    let pages = r.pages();
    let previous = (r.page > 1).then(|| a.href(base, r.page - 1));
    let next = (r.page < pages).then(|| a.href(base, r.page + 1));
    view! {
        <section class="search-results" aria-labelledby="search-results-head">
            <h2 id="search-results-head">"Results"</h2>
            <p class="result-count" role="status" aria-live="polite">{count}</p>
            <ol class="hits">
                {r.hits.into_iter().map(|h| hit_view(h, site_wide)).collect_view()}
            </ol>
            {(pages > 1).then(|| view! {
                <nav class="pager" aria-label="Result pages">
                    {previous.map(|p| view! { <a rel="prev" href=p>"Previous"</a> })}
                    <span>{format!(" Page {} of {pages} ", r.page)}</span>
                    {next.map(|n| view! { <a rel="next" href=n>"Next"</a> })}
                </nav>
            })}
        </section>
    }
}

fn hit_view(h: Hit, site_wide: bool) -> impl IntoView {
    view! {
        <li class="hit">
            <h3><a href=h.url inner_html=h.title_html></a></h3>
            <p class="meta">
                <span class="badge">{h.kind.label()}</span>
                {site_wide.then(|| view! {
                    <span><a href=format!("/h/{}", h.hackfest_slug)>{h.hackfest_title}</a></span>
                })}
            </p>
            {(!h.snippet_html.is_empty()).then(|| view! { <p class="snippet" inner_html=h.snippet_html></p> })}
        </li>
    }
}
