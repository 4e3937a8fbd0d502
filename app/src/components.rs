//! Small pieces shared by every page.

use chrono::NaiveDate;
use domain::FieldErrors;
use domain::history::HistoryEntry;
use domain::user::Role;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::AppError;

/// Sets the HTTP status of the page being rendered on the server.
pub fn set_status(_code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::from_u16(_code).unwrap_or_default());
    }
}

#[component]
pub fn NotFound(#[prop(into, default = "Page".to_owned())] what: String) -> impl IntoView {
    set_status(404);
    view! {
        <Title text="Not found" />
        <section class="page narrow">
            <h1>{format!("{what} not found")}</h1>
            <p>"Nothing lives at this address. It may have moved, or the link has a typo."</p>
            <p><a href="/">"See all hackfests"</a></p>
        </section>
    }
}

/// A whole-page error: 404 for a missing object, a short message otherwise.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    match error {
        AppError::NotFound(what) => view! { <NotFound what /> }.into_any(),
        e => {
            set_status(e.status());
            view! {
                <Title text="Error" />
                <section class="page narrow">
                    <h1>"Something went wrong"</h1>
                    <p role="alert">{e.to_string()}</p>
                    <p><a href="/">"Back to all hackfests"</a></p>
                </section>
            }
            .into_any()
        }
    }
}

/// A labelled form field with its error message, wired for screen readers.
#[component]
pub fn Field(
    id: &'static str,
    label: &'static str,
    errors: RwSignal<FieldErrors>,
    #[prop(optional, into)] hint: Option<String>,
    children: Children,
) -> impl IntoView {
    let error = move || errors.with(|e| e.get(id).map(str::to_owned));
    view! {
        <div class="field" class:invalid=move || error().is_some()>
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            {children()}
            <p class="field-error" id=format!("{id}-error") role="alert" hidden=move || error().is_none()>
                {error}
            </p>
        </div>
    }
}

/// Starts `sig` from what the person typed into `field`, when this page answers a
/// form posted without JavaScript (see [`crate::editor::Posted`]).
fn start_from_posted(field: &str, sig: RwSignal<String>) {
    if let Some(v) = crate::editor::posted_value(field) {
        sig.set(v);
    }
}

/// A one-line text input bound to a signal; `name` follows the server function's
/// `form[field]` shape so the form also posts without JavaScript (`name` overrides it
/// for a server function's plain argument, such as `username`).
#[component]
pub fn TextInput(
    id: &'static str,
    sig: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] name: Option<&'static str>,
) -> impl IntoView {
    start_from_posted(id, sig);
    view! {
        <input
            id=id
            name=name.map_or_else(|| format!("form[{id}]"), str::to_owned)
            type=kind
            placeholder=placeholder
            value=sig.get_untracked()
            prop:value=sig
            on:input=move |ev| sig.set(event_target_value(&ev))
            aria-invalid=move || errors.with(|e| e.get(id).is_some()).to_string()
            aria-describedby=format!("{id}-error")
        />
    }
}

/// Text for places where tachys writes children or text unescaped on the server:
/// `<textarea>` (its children are "not escaped", like `<script>`, so a saved
/// `</textarea><img src=x onerror=…>` would leave the element; SECURITY 23) and
/// leptos_meta's `<title>`. The browser decodes the entities back to the same text,
/// so hydration matches; in the browser build the text is used as it is.
pub fn escape_on_server(s: String) -> String {
    #[cfg(feature = "ssr")]
    {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }
    #[cfg(not(feature = "ssr"))]
    {
        s
    }
}

/// A multi-line text input bound to a signal. It fills the form field `field`
/// (`form[<field>]`) and shows that field's error; without `field`, the id names it.
/// `name` posts it under another name (a server function's plain `body` argument).
#[component]
pub fn TextArea(
    #[prop(into)] id: String,
    sig: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    #[prop(optional)] field: Option<&'static str>,
    #[prop(optional)] name: Option<&'static str>,
    #[prop(default = 6)] rows: u32,
) -> impl IntoView {
    let field = field.map(str::to_owned).unwrap_or_else(|| id.clone());
    start_from_posted(&field, sig);
    let name = name.map_or_else(|| format!("form[{field}]"), str::to_owned);
    view! {
        <textarea
            id=id.clone()
            name=name
            rows=rows.to_string()
            prop:value=sig
            on:input=move |ev| sig.set(event_target_value(&ev))
            aria-invalid=move || errors.with(|e| e.get(&field).is_some()).to_string()
            aria-describedby=format!("{id}-error")
        >
            {escape_on_server(sig.get_untracked())}
        </textarea>
    }
}

/// Why the form is read-only, and what to do about it.
#[component]
pub fn ReadOnlyNotice(role: Role) -> impl IntoView {
    let text = match role {
        Role::Anonymous => "Sign in and join this hackfest to make changes.",
        _ => "Join this hackfest (on its overview page) to make changes.",
    };
    view! { <p class="notice">{text}</p> }
}

/// A select bound to a signal; posts as `form[id]`.
#[component]
pub fn Select(
    id: &'static str,
    sig: RwSignal<String>,
    options: Vec<(String, String)>,
) -> impl IntoView {
    start_from_posted(id, sig);
    view! {
        <select
            id=id
            name=format!("form[{id}]")
            prop:value=sig
            on:change=move |ev| sig.set(event_target_value(&ev))
            aria-describedby=format!("{id}-error")
        >
            {options.into_iter().map(|(value, label)| {
                let v = value.clone();
                view! { <option value=value selected=move || sig.get() == v>{label}</option> }
            }).collect_view()}
        </select>
    }
}

/// Who changed what and when, newest first (long text fields are left out).
#[component]
pub fn History(
    entries: Vec<HistoryEntry>,
    /// Titles of linked objects by id, so links read as names rather than ids.
    #[prop(optional)]
    names: std::collections::HashMap<String, String>,
) -> impl IntoView {
    let show = move |v: String| -> String {
        let named: Vec<String> = v
            .split(',')
            .map(|part| {
                names
                    .get(part.trim())
                    .cloned()
                    .unwrap_or_else(|| part.to_owned())
            })
            .collect();
        let text = named.join(", ");
        if text.chars().count() > 160 {
            format!("{}…", text.chars().take(160).collect::<String>())
        } else {
            text
        }
    };
    let verb = |action: &str| match action {
        "create" => "created it",
        "note" => "added a note",
        "revert" => "reverted it",
        "import" => "imported a meeting's notes",
        _ => "changed it",
    };
    // The zone, named once (every entry of an object's history has the same).
    let zone = entries
        .iter()
        .find(|e| e.created_local.is_some())
        .map(|e| format!("Times in {}.", e.zone));
    view! {
        <section class="history" aria-labelledby="history-head">
            <h2 id="history-head">"History"</h2>
            {zone.map(|z| view! { <p class="meta">{z}</p> })}
            <ol>
                {entries.into_iter().map(|e| view! {
                    <li>
                        <p class="meta">
                            <strong>{e.actor.clone()}</strong>
                            {format!(" {} · ", verb(&e.action))}
                            <time datetime=e.created_at.to_rfc3339()>{match e.created_local {
                                Some(l) => l.format("%a %-d %b %Y, %H:%M").to_string(),
                                None => e.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                            }}</time>
                        </p>
                        <ul class="changes">
                            {e.changes.into_iter().map(|c| view! {
                                <li><span class="field-name">{c.field.trim_end_matches("_ids").trim_end_matches("_id").replace('_', " ")}</span>": "
                                    {(!c.old.is_empty()).then(|| view! { <del>{show.clone()(c.old)}</del>" → " })}
                                    <ins>{show.clone()(c.new)}</ins>
                                </li>
                            }).collect_view()}
                        </ul>
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// Side by side: what is stored now and what this person submitted, one row per
/// field (`label`, saved, yours), with the two ways out of a conflict.
///
/// Without JavaScript (given `form`, `keep_version` and `take_href`) the two ways
/// still work: "Save mine over it" submits the form `form` with `over_version` (the
/// stored version, which the save then replaces), and "Use the saved version" opens
/// `take_href`, the form as it is stored. With JavaScript `on_keep` and `on_take` run
/// instead.
#[component]
pub fn ConflictTable(
    what: &'static str,
    rows: Vec<(String, String, String)>,
    on_keep: impl Fn(leptos::ev::MouseEvent) + 'static,
    on_take: impl Fn(leptos::ev::MouseEvent) + 'static,
    /// The id of the `<form>` that "Save mine over it" submits without JavaScript.
    #[prop(optional)]
    form: Option<&'static str>,
    /// The stored version, which "Save mine over it" saves over.
    #[prop(optional)]
    keep_version: Option<i64>,
    /// The page that shows the stored version in the form.
    #[prop(optional)]
    take_href: Option<String>,
) -> impl IntoView {
    let keep = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        on_keep(ev);
    };
    let take = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        on_take(ev);
    };
    let keep_button = match (form, keep_version) {
        (Some(form), Some(v)) => view! {
            <button type="submit" form=form name="over_version" value=v.to_string() class="button primary" on:click=keep>"Save mine over it"</button>
        }
        .into_any(),
        _ => view! { <button type="button" class="button primary" on:click=keep>"Save mine over it"</button> }.into_any(),
    };
    let take_button = match take_href {
        Some(href) => view! { <a class="button" href=href on:click=take>"Use the saved version"</a> }.into_any(),
        None => view! { <button type="button" class="button" on:click=take>"Use the saved version"</button> }.into_any(),
    };
    view! {
        <div class="conflict" role="alert" aria-labelledby="conflict-head">
            <h2 id="conflict-head">{format!("Someone else saved this {what} while you were editing")}</h2>
            <p>"Nothing was overwritten. Compare the values and choose which to keep."</p>
            <table>
                <thead><tr><th scope="col">"Field"</th><th scope="col">"Saved now"</th><th scope="col">"Yours"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|(field, t, m)| {
                        let differs = t != m;
                        view! {
                            <tr class:differs=differs>
                                <th scope="row">{field}</th>
                                <td class="theirs">{t}</td>
                                <td class="mine">{m}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <div class="actions">{keep_button}{take_button}</div>
        </div>
    }
}

/// Marks the page once the browser has hydrated it (tests and styles can wait for it).
pub fn mark_hydrated() {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

pub fn date_range(start: NaiveDate, end: NaiveDate) -> String {
    if start == end {
        start.format("%a %-d %B %Y").to_string()
    } else if start.format("%Y-%m").to_string() == end.format("%Y-%m").to_string() {
        format!(
            "{} – {}",
            start.format("%a %-d"),
            end.format("%a %-d %B %Y")
        )
    } else {
        format!(
            "{} – {}",
            start.format("%a %-d %B"),
            end.format("%a %-d %B %Y")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_ranges_read_naturally() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            date_range(d("2026-11-23"), d("2026-11-27")),
            "Mon 23 – Fri 27 November 2026"
        );
        assert_eq!(
            date_range(d("2026-11-30"), d("2026-12-04")),
            "Mon 30 November – Fri 4 December 2026"
        );
        assert_eq!(
            date_range(d("2026-11-23"), d("2026-11-23")),
            "Mon 23 November 2026"
        );
    }
}

/// The `/h/:slug` parent route's data, provided to every page below it: the slug
/// and the hackfest with the viewer's role, loaded once however the person moves
/// between the hackfest's pages.
#[derive(Clone, Copy)]
pub struct HackfestContext {
    pub slug: Memo<String>,
    pub scope: Resource<Result<crate::hackfest::api::HackfestScope, AppError>>,
}

/// The id in the route's `:id`, as `load` functions get it; one that is no id is a
/// "not found" without asking the server.
pub fn id_param() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || params.read().get("id").unwrap_or_default()
}

pub fn parse_id(id: &str, what: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(id).map_err(|_| AppError::NotFound(what.to_owned()))
}

/// The routes of a kind of object under `/h/:slug/<path>`: its list, a new one, one
/// object and its editor — what every kind has, written once:
/// `object_routes!(ActionRoutes, "actions", ActionListPage, NewActionPage, ActionDetailPage, EditActionPage);`
#[macro_export]
macro_rules! object_routes {
    ($(#[$doc:meta])* $name:ident, $path:tt, $list:ident, $new:ident, $detail:ident, $edit:ident $(, $extra_path:tt => $extra:path)* $(,)?) => {
        $(#[$doc])*
        #[component(transparent)]
        pub fn $name() -> impl leptos_router::MatchNestedRoutes + Clone {
            use leptos_router::components::{Outlet, ParentRoute, Route};
            use leptos_router::{SsrMode, path};
            let ssr = SsrMode::Async;
            view! {
                <ParentRoute path=path!($path) view=Outlet ssr=ssr.clone()>
                    <Route path=path!("") view=$list ssr=ssr.clone() />
                    <Route path=path!("new") view=$new ssr=ssr.clone() />
                    <Route path=path!(":id") view=$detail ssr=ssr.clone() />
                    <Route path=path!(":id/edit") view=$edit ssr=ssr.clone() />
                    $(<Route path=path!($extra_path) view=$extra ssr=ssr.clone() />)*
                </ParentRoute>
            }
            .into_inner()
        }
    };
}

/// What a page follows live: what it shows, and the object its key names (detail
/// pages: the id in the route).
pub type Follow<K> = (crate::live::Shows, fn(&K) -> Option<uuid::Uuid>);

/// A page of a hackfest: waits for the parent route's hackfest and for the page's own
/// data, `load(slug, key())` — only what the page shows — and, when `shows` says what
/// that is, refetches it when a change to it arrives (editors pass `None`: a live
/// refresh would throw away what is being typed; a stale save meets the conflict view).
pub fn hackfest_page<K, T, Fut, V>(
    key: impl Fn() -> K + Clone + Send + Sync + 'static,
    load: impl Fn(String, K) -> Fut + Clone + Send + Sync + 'static,
    shows: Option<Follow<K>>,
    render: impl Fn(crate::hackfest::api::HackfestScope, T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    K: PartialEq + Clone + Send + Sync + 'static,
    T: Clone + serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let ctx = expect_context::<HackfestContext>();
    let slug = ctx.slug;
    let data = Resource::new(
        {
            let key = key.clone();
            move || (slug.get(), key())
        },
        move |(s, k)| load(s, k),
    );
    if let Some((shows, id_of)) = shows {
        crate::live::refetch_on(
            move || slug.get(),
            shows,
            move || id_of(&untrack(&key)),
            move || data.refetch(),
        );
    }
    // Transition, not Suspense: a live refetch keeps the page on screen until the new
    // data is there, instead of flashing "Loading…".
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match (ctx.scope.await, data.await) {
                        (Ok(scope), Ok(d)) => render(scope, d).into_any(),
                        (Err(error), _) | (_, Err(error)) => view! { <ErrorPage error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// Checkboxes for choosing several goals; the signal holds comma-separated ids. Each
/// ticked box posts `form[<id>]=<goal id>` (after an empty one, so that none ticked
/// still posts the field); the server joins them with commas.
#[component]
pub fn GoalPicker(
    id: &'static str,
    label: &'static str,
    goals: Vec<(uuid::Uuid, String)>,
    sig: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    start_from_posted(id, sig);
    let has = move |g: uuid::Uuid| sig.with(|s| s.split(',').any(|x| x.trim() == g.to_string()));
    let name = format!("form[{id}]");
    let toggle = move |g: uuid::Uuid, on: bool| {
        sig.update(|s| {
            let mut ids: Vec<String> = s
                .split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty() && *x != g.to_string())
                .map(str::to_owned)
                .collect();
            if on {
                ids.push(g.to_string());
            }
            *s = ids.join(",");
        })
    };
    let error = move || errors.with(|e| e.get(id).map(str::to_owned));
    view! {
        <fieldset class="field picker" id=id aria-describedby=format!("{id}-error")>
            <legend>{label}</legend>
            {goals.is_empty().then(|| view! { <p class="hint">"This hackfest has no goals yet."</p> })}
            <input type="hidden" name=name.clone() value="" />
            <ul class="checks">
                {goals.into_iter().map(|(g, title)| view! {
                    <li>
                        <label>
                            <input type="checkbox" name=name.clone() value=g.to_string()
                                checked=sig.with_untracked(|s| s.split(',').any(|x| x.trim() == g.to_string()))
                                prop:checked=move || has(g)
                                on:change=move |ev| toggle(g, event_target_checked(&ev)) />
                            " " {title}
                        </label>
                    </li>
                }).collect_view()}
            </ul>
            <p class="field-error" id=format!("{id}-error") role="alert" hidden=move || error().is_none()>{error}</p>
        </fieldset>
    }
}

/// Titles by id as [`History`] looks them up.
pub fn names_of(
    titles: &std::collections::HashMap<uuid::Uuid, String>,
) -> std::collections::HashMap<String, String> {
    titles
        .iter()
        .map(|(id, t)| (id.to_string(), t.clone()))
        .collect()
}

/// A select of optional links (goal, session, decision): blank is "none".
pub fn link_options(
    none: &str,
    items: impl IntoIterator<Item = (uuid::Uuid, String)>,
) -> Vec<(String, String)> {
    let mut o = vec![(String::new(), none.to_owned())];
    o.extend(items.into_iter().map(|(id, t)| (id.to_string(), t)));
    o
}

/// Sanitised HTML rendered on the server from Markdown (ammonia ran over all of it).
#[component]
pub fn Rendered(html: String, #[prop(optional)] empty: &'static str) -> impl IntoView {
    if html.trim().is_empty() {
        view! { <p class="empty">{empty}</p> }.into_any()
    } else {
        view! { <div class="markdown" inner_html=html></div> }.into_any()
    }
}

/// A status as a badge: text first, color second.
#[component]
pub fn Badge(kind: &'static str, value: &'static str, label: &'static str) -> impl IntoView {
    view! { <span class=format!("badge {kind}-{value}")>{label}</span> }
}
