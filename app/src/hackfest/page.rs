use domain::FieldErrors;
use domain::hackfest::HackfestForm;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::api::{
    HackfestScope, Overview, create_hackfest, get_hackfest, get_overview, list_hackfests,
};
use crate::auth::api::join_hackfest;
use crate::components::{ErrorPage, Field, HackfestContext, TextArea, TextInput, date_range};
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

/// The `/h/:slug` parent route: loads the hackfest and the viewer's role once and
/// provides them (with the slug) to every page below it.
#[component]
pub fn HackfestLayout() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let scope = Resource::new(move || slug.get(), get_hackfest);
    provide_context(HackfestContext { slug, scope });
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                scope.await.ok().map(|w| view! { <HackfestTabs slug=w.hackfest.slug role=w.role /> })
            })}
        </Transition>
        <leptos_router::components::Outlet />
    }
}

/// The hackfest's sections, on every page under `/h/:slug`; the one you are on is
/// marked (`aria-current="page"`, which the router's `<A>` sets from the location).
/// On a phone the strip scrolls sideways on its own instead of wrapping into rows.
#[component]
fn HackfestTabs(slug: String, role: Role) -> impl IntoView {
    use leptos_router::components::A;
    let tab = |path: &str, label: &'static str| {
        let href = if path.is_empty() {
            format!("/h/{slug}")
        } else {
            format!("/h/{slug}/{path}")
        };
        // Only the overview needs `exact`: every other section owns the paths below it.
        let exact = path.is_empty();
        view! { <li><A href=href exact>{label}</A></li> }
    };
    view! {
        <nav class="hackfest-tabs" aria-label="This hackfest">
            <ul>
                {tab("", "Overview")}
                {tab("goals", "Goals")}
                {tab("sessions", "Sessions")}
                {tab("schedule", "Schedule")}
                {tab("rooms", "Rooms")}
                {tab("decisions", "Decisions")}
                {tab("actions", "Action items")}
                {tab("pages", "Wiki")}
                {tab("summary", "Summaries")}
                {role.can_edit_content().then(|| tab("travel", "Travel"))}
                {tab("search", "Search")}
                {tab("display", "Room display")}
            </ul>
        </nav>
    }
}

#[component]
pub fn HackfestOverview() -> impl IntoView {
    // Live changes update one section at a time (see `OverviewView`), not the page.
    crate::components::hackfest_page(
        || (),
        |slug, _| get_overview(slug),
        None,
        |w, overview| view! { <OverviewView w overview /> },
    )
}

/// The overview's sections as signals: a change fetches only the section that shows
/// the changed kind of object (and the counts); a resync fetches every section.
#[derive(Clone, Copy)]
struct Sections {
    goals: RwSignal<domain::view::GoalSlice>,
    sessions: RwSignal<Vec<domain::session::HackSession>>,
    decisions: RwSignal<Vec<domain::decision::Decision>>,
    actions: RwSignal<Vec<domain::action::ActionItem>>,
    counts: RwSignal<domain::view::Counts>,
}

impl Sections {
    fn new(o: &Overview) -> Self {
        Sections {
            goals: RwSignal::new(o.goals.clone()),
            sessions: RwSignal::new(o.sessions.clone()),
            decisions: RwSignal::new(o.decisions.clone()),
            actions: RwSignal::new(o.actions.clone()),
            counts: RwSignal::new(o.counts),
        }
    }

    fn follow(self, slug: String) {
        use super::api::{OverviewPart, get_overview_part};
        let key = slug.clone();
        crate::live::on_change(
            move || key.clone(),
            move |c| {
                let parts: Vec<&'static str> = match &c {
                    Some(c) => OverviewPart::for_topic(&c.topic).into_iter().collect(),
                    None => vec!["goals", "sessions", "decisions", "actions"],
                };
                for part in parts {
                    let slug = slug.clone();
                    leptos::task::spawn_local(async move {
                        if let Ok((p, counts)) = get_overview_part(slug, part.to_owned()).await {
                            self.counts.set(counts);
                            match p {
                                OverviewPart::Goals(g) => self.goals.set(g),
                                OverviewPart::Sessions(x) => self.sessions.set(x),
                                OverviewPart::Decisions(x) => self.decisions.set(x),
                                OverviewPart::Actions(x) => self.actions.set(x),
                            }
                        }
                    });
                }
            },
        );
    }
}

#[component]
fn OverviewView(w: HackfestScope, overview: Overview) -> impl IntoView {
    let o = overview;
    let h = w.hackfest.clone();
    let role = w.role;
    let slug = h.slug.clone();
    let new_goal = format!("/h/{slug}/goals/new");
    let tz = h.time_zone.clone();
    let during = (h.start_date..=h.end_date).contains(&w.today);
    let day_head = match o.day {
        Some(d) if during => format!("Today, {}", d.format("%A %-d %B")),
        Some(d) => format!("First day, {}", d.format("%A %-d %B")),
        None => "Sessions".to_owned(),
    };
    let sections = Sections::new(&o);
    sections.follow(slug.clone());
    let counts = sections.counts;
    let today = w.today;
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
            </header>
            <JoinBar slug=h.slug.clone() role />
            {role.can_organize().then(|| view! { <crate::auth::components::GrantOrganizer slug=h.slug.clone() /> })}
            {role.can_organize().then(|| view! {
                // Plain downloads, not app routes: the router leaves rel=external links alone.
                <p class="meta">"Export this hackfest: "
                    <a rel="external" download="" href=format!("/h/{slug}/export.json")>"JSON (every object and its history)"</a>" · "
                    <a rel="external" download="" href=format!("/h/{slug}/export.tar")>"Markdown (tar)"</a>
                    " · Other tools: "<a href=format!("/h/{slug}/webhooks")>"Webhooks"</a>
                </p>
            })}
            // Today's sessions come first in the document, so a phone shows them before the
            // goal tree; on a wide screen the grid puts them beside it (style/main.css).
            <div class="columns overview-columns">
                <section class="today-column" aria-labelledby="today">
                    <div class="section-head">
                        <h2 id="today">{day_head}</h2>
                        <a href=format!("/h/{slug}/sessions")>{move || format!("All sessions ({})", counts.get().sessions)}</a>
                    </div>
                    {
                        let slug = slug.clone();
                        move || {
                            let day_sessions = sections.sessions.get();
                            if day_sessions.is_empty() {
                                view! { <p class="empty">"No sessions scheduled."</p> }.into_any()
                            } else {
                                view! { <ul class="items">{day_sessions.into_iter().map(|s| view! { <crate::session::page::SessionRow slug=slug.clone() s /> }).collect_view()}</ul> }.into_any()
                            }
                        }
                    }
                </section>
                <div class="main-column">
                    <div class="section-head">
                        <h2 id="goals">"Goals"</h2>
                        <a href=format!("/h/{slug}/goals")>{move || format!("All goals ({})", counts.get().goals)}</a>
                        {can_edit.then(|| view! { <a class="button primary" href=new_goal>"Add a goal"</a> })}
                    </div>
                    {
                        let slug = h.slug.clone();
                        move || view! { <GoalTree slug=slug.clone() slice=sections.goals.get() /> }
                    }
                </div>
                <aside class="side-column">
                    <section aria-labelledby="recent-decisions">
                        <div class="section-head">
                            <h2 id="recent-decisions">"Recent decisions"</h2>
                            <a href=format!("/h/{slug}/decisions")>{move || format!("All decisions ({})", counts.get().decisions)}</a>
                        </div>
                        {
                            let slug = slug.clone();
                            move || crate::decision::page::decision_list(&slug, sections.decisions.get(), "No decisions yet.")
                        }
                    </section>
                    <section aria-labelledby="open-actions">
                        <div class="section-head">
                            <h2 id="open-actions">"Open action items"</h2>
                            <a href=format!("/h/{slug}/actions?status=open_any")>{move || format!("All open ({})", counts.get().open_actions)}</a>
                        </div>
                        {
                            let slug = slug.clone();
                            move || crate::action::page::action_list(&slug, sections.actions.get(), today, "Nothing open.")
                        }
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
    let (join_slug, posted) = (
        slug.clone(),
        crate::editor::url_error(
            <crate::auth::api::JoinHackfest as leptos::server_fn::ServerFn>::PATH,
        )
        .map(|e| e.to_string()),
    );
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
