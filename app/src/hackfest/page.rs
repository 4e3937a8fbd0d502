use domain::FieldErrors;
use domain::hackfest::HackfestForm;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::api::{Workspace, create_hackfest, get_overview, list_hackfests};
use crate::auth::api::join_hackfest;
use crate::components::{ErrorPage, Field, TextArea, TextInput, date_range};
use crate::error::AppError;
use crate::goal::components::GoalTree;
use domain::user::Role;

#[component]
pub fn HackfestList() -> impl IntoView {
    let hackfests = Resource::new(|| (), |_| list_hackfests());
    view! {
        <Title text="" />
        <section class="page">
            <div class="section-head">
                <h1>"Hackfests"</h1>
                <NewHackfestButton />
            </div>
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

/// Only for those who may create hackfests (admins, organizer groups).
#[component]
fn NewHackfestButton() -> impl IntoView {
    let session = crate::auth::components::use_session().expect("session resource");
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                session.await.viewer.can_create_hackfest()
                    .then(|| view! { <a class="button" href="/hackfests/new">"New hackfest"</a> })
            })}
        </Suspense>
    }
}

#[component]
pub fn HackfestOverview() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let overview = Resource::new(slug, get_overview);
    crate::live::refetch_on_change(slug, move || overview.refetch());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <OverviewView overview=o /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OverviewView(overview: Workspace) -> impl IntoView {
    let w = overview;
    let h = w.hackfest.clone();
    let role = w.role;
    let slug = h.slug.clone();
    let new_goal = format!("/h/{slug}/goals/new");
    let tz = h.time_zone.clone();
    let during = (h.start_date..=h.end_date).contains(&w.today);
    // During the week: today's sessions; before it: the first day's; after: none.
    let day = if during {
        Some(w.today)
    } else if w.today < h.start_date {
        Some(h.start_date)
    } else {
        None
    };
    let day_sessions: Vec<_> = day
        .map(|d| {
            w.sessions
                .iter()
                .filter(|s| s.day() == d)
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let day_head = match day {
        Some(d) if during => format!("Today, {}", d.format("%A %-d %B")),
        Some(d) => format!("First day, {}", d.format("%A %-d %B")),
        None => "Sessions".to_owned(),
    };
    let recent: Vec<_> = w.decisions.iter().take(5).cloned().collect();
    let open: Vec<_> = w
        .actions
        .iter()
        .filter(|a| a.status.is_open())
        .cloned()
        .collect();
    let open_count = open.len();
    let open: Vec<_> = open.into_iter().take(8).collect();
    let can_edit = role.can_edit_content();
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
                <nav class="tabs" aria-label="This hackfest">
                    <a href=format!("/h/{slug}/sessions")>{format!("Sessions ({})", w.sessions.len())}</a>
                    <a href=format!("/h/{slug}/decisions")>{format!("Decisions ({})", w.decisions.len())}</a>
                    <a href=format!("/h/{slug}/actions?status=open_any")>{format!("Open action items ({open_count})")}</a>
                    <a href=format!("/h/{slug}/pages")>"Q&A pages"</a>
                </nav>
            </header>
            <JoinBar slug=h.slug.clone() role />
            {role.can_organize().then(|| view! { <crate::auth::components::GrantOrganizer slug=h.slug.clone() /> })}
            <div class="columns">
                <div class="main-column">
                    <div class="section-head">
                        <h2 id="goals">"Goals"</h2>
                        {can_edit.then(|| view! { <a class="button primary" href=new_goal>"Add a goal"</a> })}
                    </div>
                    <GoalTree slug=h.slug.clone() goals=w.goals.clone() />
                </div>
                <aside class="side-column">
                    <section aria-labelledby="today">
                        <div class="section-head">
                            <h2 id="today">{day_head}</h2>
                            <a href=format!("/h/{slug}/sessions")>"Schedule"</a>
                        </div>
                        {if day_sessions.is_empty() {
                            view! { <p class="empty">"No sessions scheduled."</p> }.into_any()
                        } else {
                            view! { <ul class="items">{day_sessions.into_iter().map(|s| view! { <crate::session::page::SessionRow slug=slug.clone() s /> }).collect_view()}</ul> }.into_any()
                        }}
                    </section>
                    <section aria-labelledby="recent-decisions">
                        <div class="section-head">
                            <h2 id="recent-decisions">"Recent decisions"</h2>
                            <a href=format!("/h/{slug}/decisions")>"All"</a>
                        </div>
                        {crate::decision::page::decision_list(&slug, recent, "No decisions yet.")}
                    </section>
                    <section aria-labelledby="open-actions">
                        <div class="section-head">
                            <h2 id="open-actions">"Open action items"</h2>
                            <a href=format!("/h/{slug}/actions?status=open_any")>"All"</a>
                        </div>
                        {crate::action::page::action_list(&slug, open, w.today, "Nothing open.")}
                    </section>
                </aside>
            </div>
        </section>
    }
}

/// "Join this hackfest" for signed-in visitors; the role for everyone else signed in.
#[component]
fn JoinBar(slug: String, role: Role) -> impl IntoView {
    let join = Action::new(|slug: &String| join_hackfest(slug.clone()));
    let (join_slug, posted) = (slug.clone(), crate::editor::url_error(<crate::auth::api::JoinHackfest as leptos::server_fn::ServerFn>::PATH).map(|e| e.to_string()));
    let joined = move || matches!(join.value().get(), Some(Ok(_)));
    Effect::new(move |_| {
        if joined() {
            // Reload so every control reflects the new role.
            let _ = window().location().reload();
        }
    });
    match role {
        Role::Anonymous => None,
        Role::Visitor => Some(view! {
            <form class="join" method="post" action={<crate::auth::api::JoinHackfest as leptos::server_fn::ServerFn>::PATH} on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                join.dispatch(slug.clone());
            }>
                <input type="hidden" name="slug" value=join_slug />
                <p class="role-note">"You are signed in but have not joined this hackfest."</p>
                <button type="submit" class="button primary" disabled=move || join.pending().get()>"Join this hackfest"</button>
                <p class="field-error" role="alert">
                    {move || match join.value().get() { Some(Err(e)) => e.to_string(), None => posted.clone().unwrap_or_default(), _ => String::new() }}
                </p>
            </form>
        }.into_any()),
        r => Some(view! { <p class="role-note">{format!("You are an {} of this hackfest.", r.label())}</p> }.into_any()),
    }
}

/// Create a hackfest: the organiser's first step.
#[component]
pub fn NewHackfestPage() -> impl IntoView {
    let f = |s: &str| RwSignal::new(s.to_owned());
    let (slug, title, start, end, tz, location, description) =
        (f(""), f(""), f(""), f(""), f("UTC"), f(""), f(""));
    // Without JavaScript the form posts to this page; a failed post comes back here.
    let (posted_errors, posted_failure) = crate::editor::posted_outcome();
    let errors = RwSignal::new(posted_errors);
    let failure = RwSignal::new(posted_failure);
    let save = Action::new(|form: &HackfestForm| create_hackfest(form.clone()));
    let navigate = use_navigate();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(h)) => navigate(&format!("/h/{}", h.slug), Default::default()),
        Some(Err(AppError::Validation(e))) => errors.set(e),
        Some(Err(e)) => failure.set(Some(e.to_string())),
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        let form = HackfestForm {
            slug: slug.get_untracked(),
            title: title.get_untracked(),
            start_date: start.get_untracked(),
            end_date: end.get_untracked(),
            time_zone: tz.get_untracked(),
            location: location.get_untracked(),
            description: description.get_untracked(),
        };
        match form.parse() {
            Err(e) => errors.set(e),
            Ok(_) => {
                errors.set(FieldErrors::new());
                save.dispatch(form);
            }
        }
    };
    let pending = save.pending();
    view! {
        <Title text="New hackfest" />
        <section class="page narrow">
            <h1>"New hackfest"</h1>
            <p class="form-error" role="alert" hidden=move || failure.with(Option::is_none)>{move || failure.get()}</p>
            <form class="form" method="post" action="/hackfests/new" data-posted=crate::editor::posted_json() novalidate on:submit=on_submit>
                <Field id="title" label="Title" errors><TextInput id="title" sig=title errors /></Field>
                <Field id="slug" label="Short name" errors hint="Used in addresses: lowercase letters, digits and hyphens, e.g. ci-infra-2026.">
                    <TextInput id="slug" sig=slug errors />
                </Field>
                <div class="field-row">
                    <Field id="start_date" label="First day" errors><TextInput id="start_date" kind="date" sig=start errors /></Field>
                    <Field id="end_date" label="Last day" errors><TextInput id="end_date" kind="date" sig=end errors /></Field>
                </div>
                <Field id="time_zone" label="Time zone" errors hint="Where the hackfest happens, e.g. Europe/Prague.">
                    <TextInput id="time_zone" sig=tz errors />
                </Field>
                <Field id="location" label="Location" errors><TextInput id="location" sig=location errors /></Field>
                <Field id="description" label="Description" errors><TextArea id="description" sig=description errors /></Field>
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Creating…" } else { "Create hackfest" }}
                    </button>
                    <a class="button" href="/">"Cancel"</a>
                </div>
            </form>
        </section>
    }
}
