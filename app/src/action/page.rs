use chrono::NaiveDate;
use domain::action::{ActionFilter, ActionForm, ActionItem, ActionStatus};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

use super::api::{
    ActionEditorData, ActionList, ActionPage, create_action, get_action, get_action_editor,
    list_actions, update_action,
};
use crate::components::{
    Field, History, Select, TextArea, TextInput, hackfest_page, id_param, link_options, names_of,
    parse_id,
};
use crate::editor::{EditorPage, use_editor};
use crate::hackfest::api::HackfestScope;
use crate::live::{ACTIONS, Shows};

crate::object_routes!(
    /// `/h/:slug/actions/…`: the list, a new item, an item, its editor.
    ActionRoutes, "actions", ActionListPage, NewActionPage, ActionDetailPage, EditActionPage
);

/// Action items as a list: status, owner, due date; overdue ones marked in words.
pub fn action_list(
    slug: &str,
    items: Vec<ActionItem>,
    today: NaiveDate,
    empty: &'static str,
) -> impl IntoView + use<> {
    if items.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    view! {
        <ul class="items">
            {items.into_iter().map(|a| {
                let overdue = a.is_overdue(today);
                view! {
                    <li class="item action" class:overdue=overdue class:closed=!a.status.is_open()>
                        <a href=format!("/h/{slug}/actions/{}", a.id)>{a.title.clone()}</a>
                        <p class="meta">
                            <span class=format!("badge status-{}", a.status.as_str())>{a.status.label()}</span>
                            {(!a.owner.is_empty()).then(|| view! { <span>{format!("Owner: {}", a.owner)}</span> })}
                            {a.due_date.map(|d| view! { <span>{format!("Due {}", d.format("%a %-d %b"))}</span> })}
                            {overdue.then(|| view! { <strong class="overdue-flag">"Overdue"</strong> })}
                        </p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The list's filter, from the address (`?status=open_any&owner=…&goal=…`).
fn filter_param() -> impl Fn() -> ActionFilter + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        let q = query.read();
        ActionFilter {
            status: q.get("status").unwrap_or_default(),
            owner: q.get("owner").unwrap_or_default(),
            goal_id: q.get("goal").unwrap_or_default(),
        }
    }
}

#[component]
pub fn ActionListPage() -> impl IntoView {
    // No refetch of the whole list on a change: the list patches the changed row.
    hackfest_page(
        filter_param(),
        list_actions,
        None,
        |w, list| view! { <ActionListView w list /> },
    )
}

/// Keeps `items` (the rows `filter` matches) current: a change to one action item
/// fetches that item alone and replaces, adds or drops its row; a resync fetches the
/// list again. What one change costs a tab is one row, not the list.
fn patch_on_change(slug: String, filter: ActionFilter, items: RwSignal<Vec<ActionItem>>) {
    let key = slug.clone();
    crate::live::on_change(
        move || key.clone(),
        move |c| {
            let (slug, filter) = (slug.clone(), filter.clone());
            match c {
                Some(c) if c.is(ACTIONS) => leptos::task::spawn_local(async move {
                    if let Ok(row) = super::api::get_action_row(slug, c.object).await {
                        items.update(|list| {
                            let at = list.iter().position(|a| a.id == c.object);
                            match (row.filter(|a| filter.matches(a)), at) {
                                (Some(a), Some(i)) => list[i] = a,
                                (Some(a), None) => {
                                    list.push(a);
                                    list.sort_by_key(|a| (a.created_at, a.id));
                                }
                                (None, Some(i)) => {
                                    list.remove(i);
                                }
                                (None, None) => {}
                            }
                        });
                    }
                }),
                None => leptos::task::spawn_local(async move {
                    if let Ok(l) = list_actions(slug, filter).await {
                        items.set(l.items);
                    }
                }),
                Some(_) => {}
            }
        },
    );
}

#[component]
fn ActionListView(w: HackfestScope, list: ActionList) -> impl IntoView {
    let filter = filter_param();
    let slug = w.hackfest.slug.clone();
    let goals = list.goals;
    let can_edit = w.role.can_edit_content();
    let items = RwSignal::new(list.items);
    patch_on_change(slug.clone(), filter(), items);
    let today = w.today;
    let shown = {
        let slug = slug.clone();
        move || action_list(&slug, items.get(), today, "No action items match.")
    };
    let status = move || filter().status;
    let goal = move || filter().goal_id;
    view! {
        <Title text=format!("Action items · {}", w.hackfest.title) />
        <section class="page">
            <nav class="crumbs" aria-label="Breadcrumb"><a href=format!("/h/{slug}")>{w.hackfest.title.clone()}</a></nav>
            <div class="section-head">
                <h1>"Action items"</h1>
                {can_edit.then(|| view! { <a class="button primary" href=format!("/h/{slug}/actions/new")>"Add an action item"</a> })}
            </div>
            <form class="filters" method="get" action=format!("/h/{slug}/actions")>
                <label>"Status "
                    <select name="status" prop:value=status>
                        <option value="" selected=move || status().is_empty()>"Any"</option>
                        <option value="open_any" selected=move || status() == "open_any">"Not finished"</option>
                        {ActionStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=move || status() == s.as_str()>{s.label()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Owner "
                    <input name="owner" type="text" size="12" prop:value=move || filter().owner value=filter().owner />
                </label>
                <label>"Goal "
                    <select name="goal" prop:value=goal>
                        <option value="">"Any"</option>
                        {goals.into_iter().map(|(id, title)| { let id = id.to_string(); let i2 = id.clone(); view! { <option value=id selected=move || goal() == i2>{title}</option> } }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="button">"Filter"</button>
            </form>
            {shown}
        </section>
    }
}

#[component]
pub fn ActionDetailPage() -> impl IntoView {
    hackfest_page(
        id_param(),
        |slug, id| async move { get_action(slug, parse_id(&id, "Action item")?).await },
        Some((Shows::Object(ACTIONS), |id| Uuid::parse_str(id).ok())),
        |w, page| view! { <ActionDetail w page /> },
    )
}

#[component]
fn ActionDetail(w: HackfestScope, page: ActionPage) -> impl IntoView {
    let ActionPage {
        item: a,
        titles,
        history,
    } = page;
    let slug = w.hackfest.slug.clone();
    let can_edit = w.role.can_edit_content();
    let overdue = a.is_overdue(w.today);
    let title = |id: Option<Uuid>| id.and_then(|i| titles.get(&i).map(|t| (i, t.clone())));
    let goal = title(a.goal_id);
    let session = title(a.session_id);
    let decision = title(a.decision_id);
    // "Mark done": the same save as the form, with only the status changed.
    let status = RwSignal::new(a.status);
    let version = RwSignal::new(a.version);
    let failure = RwSignal::new(None::<String>);
    let (done_to, mut done) = (format!("/h/{slug}/actions/{}/edit", a.id), a.to_form());
    done.status = "done".into();
    let finish = Action::new({
        let slug = slug.clone();
        let a = a.clone();
        move |_: &()| {
            let mut form = a.to_form();
            form.status = "done".into();
            update_action(slug.clone(), a.id, version.get_untracked(), form)
        }
    });
    Effect::new(move |_| match finish.value().get() {
        Some(Ok(saved)) => {
            status.set(saved.status);
            version.set(saved.version);
        }
        Some(Err(e)) => failure.set(Some(e.to_string())),
        None => {}
    });
    view! {
        <Title text=format!("{} · {}", a.title, w.hackfest.title) />
        <article class="page narrow">
            <nav class="crumbs" aria-label="Breadcrumb">
                <a href=format!("/h/{slug}")>{w.hackfest.title.clone()}</a>" › "
                <a href=format!("/h/{slug}/actions")>"Action items"</a>
            </nav>
            <div class="section-head">
                <h1>{a.title.clone()}</h1>
                {can_edit.then(|| view! { <a class="button" href=format!("/h/{slug}/actions/{}/edit", a.id)>"Edit"</a> })}
            </div>
            <p class="meta">
                <span class=move || format!("badge status-{}", status.get().as_str()) data-testid="action-status">{move || status.get().label()}</span>
                {(!a.owner.is_empty()).then(|| view! { <span>{format!("Owner: {}", a.owner)}</span> })}
                {a.due_date.map(|d| view! { <span>{format!("Due {}", d.format("%a %-d %b %Y"))}</span> })}
                {move || (overdue && status.get().is_open()).then(|| view! { <strong class="overdue-flag">"Overdue"</strong> })}
            </p>
            <p class="form-error" role="alert" hidden=move || failure.with(Option::is_none)>{move || failure.get()}</p>
            {move || (can_edit && status.get().is_open()).then(|| view! {
                <form method="post" action=done_to.clone() on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); finish.dispatch(()); }>
                    <input type="hidden" name="version" value=version.get_untracked().to_string() />{crate::editor::hidden_form_fields(&done)}
                    <button type="submit" class="button primary" disabled=move || finish.pending().get()>"Mark done"</button>
                </form>
            })}
            {(!a.description.is_empty()).then(|| view! { <p class="prewrap">{a.description.clone()}</p> })}
            <dl class="links">
                {goal.map(|(g, t)| view! { <dt>"Goal"</dt><dd><a href=format!("/h/{slug}#goal-{g}")>{t}</a></dd> })}
                {session.map(|(s, t)| view! { <dt>"Session"</dt><dd><a href=format!("/h/{slug}/sessions/{s}")>{t}</a></dd> })}
                {decision.map(|(d, t)| view! { <dt>"Decision"</dt><dd><a href=format!("/h/{slug}/decisions/{d}")>{t}</a></dd> })}
            </dl>
            <History entries=history names=names_of(&titles) />
        </article>
    }
}

#[component]
pub fn NewActionPage() -> impl IntoView {
    hackfest_page(
        || (),
        |slug, _| get_action_editor(slug, None),
        None,
        |w, data| view! { <ActionEditor w data /> },
    )
}

#[component]
pub fn EditActionPage() -> impl IntoView {
    hackfest_page(
        id_param(),
        |slug, id| async move { get_action_editor(slug, Some(parse_id(&id, "Action item")?)).await },
        None,
        |w, data| view! { <ActionEditor w data /> },
    )
}

crate::form_signals!(Fields for ActionForm { title, description, owner, due_date, status, goal_id, session_id, decision_id });

fn check(f: &ActionForm) -> Result<(), domain::FieldErrors> {
    f.parse().map(|_| ())
}

#[component]
fn ActionEditor(w: HackfestScope, data: ActionEditorData) -> impl IntoView {
    let existing = data.item;
    let id = existing.as_ref().map(|a| a.id);
    let query = use_query_map();
    let h = w.hackfest.clone();
    let slug = h.slug.clone();
    let can_edit = w.role.can_edit_content();
    let fields = Fields::new(
        existing
            .as_ref()
            .map(ActionItem::to_form)
            .unwrap_or_else(|| {
                let q = query.read_untracked();
                ActionForm {
                    status: "open".into(),
                    session_id: q.get("session").unwrap_or_default(),
                    decision_id: q.get("decision").unwrap_or_default(),
                    goal_id: q.get("goal").unwrap_or_default(),
                    ..Default::default()
                }
            }),
    );
    let navigate = use_navigate();
    let to = slug.clone();
    let editor = use_editor(
        existing.as_ref().map(|a| a.version).unwrap_or(0),
        {
            let slug = slug.clone();
            move |version, form: ActionForm| {
                let slug = slug.clone();
                async move {
                    match id {
                        Some(id) => update_action(slug, id, version, form).await,
                        None => create_action(slug, form).await,
                    }
                }
            }
        },
        check,
        |a: &ActionItem| a.version,
        move |a: ActionItem| navigate(&format!("/h/{to}/actions/{}", a.id), Default::default()),
    );
    let errors = editor.errors;
    let goals = link_options("— none —", data.goals);
    let sessions = link_options("— none —", data.sessions);
    let decisions = link_options("— none —", data.decisions);
    let heading = match (existing.is_some(), can_edit) {
        (true, true) => "Edit action item",
        (true, false) => "Action item",
        (false, _) => "New action item",
    };
    let back = match id {
        Some(id) => format!("/h/{slug}/actions/{id}"),
        None => format!("/h/{slug}/actions"),
    };
    let submit = if existing.is_some() {
        "Save changes"
    } else {
        "Add action item"
    };
    view! {
        <EditorPage heading hackfest=(slug.clone(), h.title.clone()) list=("actions", "Action items") what="action item" editor
            rows=conflict_rows mine=move || fields.get() put=move |c: ActionItem| fields.set(c.to_form())
            role=w.role submit back>
            <Field id="title" label="Title" errors><TextInput id="title" sig=fields.title errors /></Field>
            <div class="field-row">
                <Field id="owner" label="Owner" errors hint="Username of who does it."><TextInput id="owner" sig=fields.owner errors /></Field>
                <Field id="due_date" label="Due date" errors><TextInput id="due_date" kind="date" sig=fields.due_date errors /></Field>
                <Field id="status" label="Status" errors>
                    <Select id="status" sig=fields.status options=ActionStatus::ALL.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect() />
                </Field>
            </div>
            <Field id="description" label="Description" errors><TextArea id="description" sig=fields.description errors /></Field>
            <Field id="goal_id" label="Goal" errors><Select id="goal_id" sig=fields.goal_id options=goals /></Field>
            <Field id="session_id" label="Session" errors><Select id="session_id" sig=fields.session_id options=sessions /></Field>
            <Field id="decision_id" label="Decision" errors><Select id="decision_id" sig=fields.decision_id options=decisions /></Field>
        </EditorPage>
    }
}

/// (field, saved now, yours) for the conflict view.
fn conflict_rows(current: &ActionItem, mine: ActionForm) -> Vec<(String, String, String)> {
    let theirs = current.to_form();
    vec![
        ("title".to_owned(), theirs.title, mine.title),
        ("owner".to_owned(), theirs.owner, mine.owner),
        ("due date".to_owned(), theirs.due_date, mine.due_date),
        ("status".to_owned(), theirs.status, mine.status),
        (
            "description".to_owned(),
            theirs.description,
            mine.description,
        ),
    ]
}
