use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

use super::api::Session;
use crate::components::NotFound;

/// The session, loaded once per page load and shared through context.
pub type SessionResource = Resource<Session>;

pub fn use_session() -> Option<SessionResource> {
    use_context::<SessionResource>()
}

/// "Signed in as …" with a sign-out button, or a sign-in link back to this page.
#[component]
pub fn AccountBar() -> impl IntoView {
    let session = use_session().expect("session resource");
    let location = use_location();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let s = session.await;
                match s.viewer.user {
                    Some(user) => view! {
                        <div class="account">
                            <span class="who">"Signed in as " <strong>{user.display_name.clone()}</strong></span>
                            <a href="/me">"My hackfests"</a>
                            <form method="post" action="/auth/logout">
                                <button type="submit" class="button small">"Sign out"</button>
                            </form>
                        </div>
                    }.into_any(),
                    None => {
                        let next = move || {
                            let path = location.pathname.get();
                            let search = location.search.get();
                            let full = if search.is_empty() { path } else { format!("{path}?{search}") };
                            format!("/auth/login?next={}", domain::text::urlencode(&full))
                        };
                        view! {
                            <div class="account">
                                // External: the router must not handle /auth/login in the browser.
                                <a class="button small primary" href=next rel="external">"Sign in"</a>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The development sign-in: only with `HACKFEST_DEV_SIGN_IN`, no identity provider,
/// a loopback listener, and a request that did not come through a proxy.
#[component]
pub fn DevSignInPage() -> impl IntoView {
    let session = use_session().expect("session resource");
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".into());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let s = session.await;
                if !s.dev_login {
                    return view! { <NotFound /> }.into_any();
                }
                view! {
                    <Title text="Development sign-in" />
                    <section class="page narrow">
                        <h1>"Development sign-in"</h1>
                        <p class="notice">
                            "The development sign-in is on (" <code>"--dev-sign-in"</code> "), so this app, "
                            "running only on this computer, lets you pick a name and a role. It is refused "
                            "through a proxy, and it and its accounts are switched off as soon as "
                            <code>"HACKFEST_OIDC_ISSUER"</code> " is set."
                        </p>
                        <form class="form" method="post" action="/auth/dev/sign-in">
                            <input type="hidden" name="next" value=next() />
                            <div class="field">
                                <label for="username">"Username"</label>
                                <input id="username" name="username" type="text" required autocomplete="username" />
                            </div>
                            <fieldset class="field">
                                <legend>"Role"</legend>
                                <label><input type="radio" name="role" value="attendee" checked /> " Attendee"</label>
                                <label><input type="radio" name="role" value="organizer" /> " Organizer (of every hackfest)"</label>
                                <label><input type="radio" name="role" value="admin" /> " Admin"</label>
                            </fieldset>
                            <div class="actions">
                                <button type="submit" class="button primary">"Sign in"</button>
                            </div>
                        </form>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

/// The hackfests the viewer joined or organizes.
#[component]
pub fn MyHackfestsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| super::api::my_hackfests());
    view! {
        <Title text="My hackfests" />
        <section class="page">
            <h1>"My hackfests"</h1>
            <p class="meta"><a href="/tokens">"API tokens"</a>" for scripts and other tools"</p>
            <MyActions />
            <h2>"Hackfests I joined"</h2>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(items) if items.is_empty() => view! {
                            <p class="empty">"You have not joined a hackfest yet. Open one and choose “Join this hackfest”."</p>
                        }.into_any(),
                        Ok(items) => view! {
                            <ul class="cards">
                                {items.into_iter().map(|m| view! {
                                    <li class="card">
                                        <h2><a href=format!("/h/{}", m.hackfest.slug)>{m.hackfest.title.clone()}</a></h2>
                                        <p class="meta">
                                            <span>{crate::components::date_range(m.hackfest.start_date, m.hackfest.end_date)}</span>
                                            <span class="badge">{capitalized(m.role.label())}</span>
                                        </p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(crate::error::AppError::Unauthorized) => view! {
                            <p>"Sign in to see the hackfests you joined."</p>
                        }.into_any(),
                        Err(error) => view! { <crate::components::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// For organizers: make someone who has signed in an organizer of this hackfest.
#[component]
pub fn GrantOrganizer(slug: String) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let errors = RwSignal::new(domain::FieldErrors::new());
    // Without JavaScript it posts to the server function, which sends the browser back.
    if let Some(e) =
        crate::editor::url_error(<super::api::GrantOrganizer as leptos::server_fn::ServerFn>::PATH)
    {
        errors.set(
            e.field_errors()
                .cloned()
                .unwrap_or_else(|| domain::FieldErrors::single("username", e.to_string())),
        );
    }
    let grant_slug = slug.clone();
    let grant = Action::new(|input: &(String, String)| {
        super::api::grant_organizer(input.0.clone(), input.1.clone())
    });
    let done = RwSignal::new(None::<String>);
    Effect::new(move |_| match grant.value().get() {
        Some(Ok(())) => {
            done.set(Some(format!(
                "{} is now an organizer.",
                username.get_untracked().trim()
            )));
            username.set(String::new());
            errors.set(domain::FieldErrors::new());
        }
        Some(Err(crate::error::AppError::Validation(e))) => {
            done.set(None);
            errors.set(e)
        }
        Some(Err(e)) => errors.set(domain::FieldErrors::single("username", e.to_string())),
        None => {}
    });
    view! {
        <form class="grant" method="post" action={<super::api::GrantOrganizer as leptos::server_fn::ServerFn>::PATH} on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            grant.dispatch((slug.clone(), username.get_untracked()));
        }>
            <crate::components::Field id="username" label="Add an organizer" errors hint="The username of someone who has signed in.">
                <input type="hidden" name="slug" value=grant_slug />
                <crate::components::TextInput id="username" name="username" sig=username errors />
            </crate::components::Field>
            <button type="submit" class="button" disabled=move || grant.pending().get()>"Make organizer"</button>
            <p class="role-note" role="status">{move || done.get()}</p>
        </form>
    }
}

/// The viewer's action items across all hackfests; overdue ones marked.
#[component]
fn MyActions() -> impl IntoView {
    let list = Resource::new(|| (), |_| super::api::my_actions());
    view! {
        <section aria-labelledby="my-actions">
            <h2 id="my-actions">"My action items"</h2>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(items) if items.is_empty() => view! {
                            <p class="empty">"No action items are assigned to you."</p>
                        }.into_any(),
                        Ok(items) => view! {
                            <ul class="items">
                                {items.into_iter().map(|a| {
                                    let href = format!("/h/{}/actions/{}", a.hackfest_slug, a.item.id);
                                    view! {
                                        <li class="item" class:overdue=a.overdue class:closed=!a.item.status.is_open()>
                                            <a href=href>{a.item.title.clone()}</a>
                                            <p class="meta">
                                                <span class=format!("badge status-{}", a.item.status.as_str())>{a.item.status.label()}</span>
                                                {a.item.due_date.map(|d| view! { <span>{format!("Due {}", d.format("%a %-d %b %Y"))}</span> })}
                                                {a.overdue.then(|| view! { <strong class="overdue-flag">"Overdue"</strong> })}
                                                <span>{a.hackfest_title.clone()}</span>
                                            </p>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(crate::error::AppError::Unauthorized) => ().into_any(),
                        Err(error) => view! { <p role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// "Organizer" from "organizer": roles read as names on `/me`.
fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
