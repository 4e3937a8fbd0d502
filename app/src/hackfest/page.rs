use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::api::{Overview, get_overview, list_hackfests};
use crate::components::{ErrorPage, date_range};
use crate::goal::components::GoalTree;

#[component]
pub fn HackfestList() -> impl IntoView {
    let hackfests = Resource::new(|| (), |_| list_hackfests());
    view! {
        <Title text="" />
        <section class="page">
            <h1>"Hackfests"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match hackfests.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">"No hackfests yet."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="cards">
                                {list.into_iter().map(|h| view! {
                                    <li class="card">
                                        <h2><a href=format!("/h/{}", h.slug)>{h.title.clone()}</a></h2>
                                        <p class="meta">
                                            <span>{date_range(h.start_date, h.end_date)}</span>
                                            {(!h.location.is_empty()).then(|| view! { <span>{h.location.clone()}</span> })}
                                        </p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn HackfestOverview() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let overview = Resource::new(slug, get_overview);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <OverviewView overview=o /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OverviewView(overview: Overview) -> impl IntoView {
    let Overview { hackfest: h, goals } = overview;
    let new_goal = format!("/h/{}/goals/new", h.slug);
    let tz = h.time_zone.clone();
    view! {
        <Title text=h.title.clone() />
        <section class="page">
            <header class="hackfest-header">
                <h1>{h.title.clone()}</h1>
                <p class="meta">
                    <span>{date_range(h.start_date, h.end_date)}</span>
                    <span title="Time zone">{tz}</span>
                    {(!h.location.is_empty()).then(|| view! { <span>{h.location.clone()}</span> })}
                </p>
                {(!h.description.is_empty()).then(|| view! { <p class="lead">{h.description.clone()}</p> })}
            </header>
            <div class="section-head">
                <h2 id="goals">"Goals"</h2>
                <a class="button primary" href=new_goal>"Add a goal"</a>
            </div>
            <GoalTree slug=h.slug.clone() goals />
        </section>
    }
}
