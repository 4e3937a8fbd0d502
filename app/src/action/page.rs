use chrono::NaiveDate;
use domain::action::{ActionFilter, ActionForm, ActionItem, ActionStatus};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

use super::api::{create_action, update_action};
use crate::components::{
    Field, History, NotFound, Select, TextArea, TextInput, WithWorkspace, link_options,
};
use crate::editor::{EditorPage, use_editor};
use crate::hackfest::api::Workspace;

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

#[component]
pub fn ActionListPage() -> impl IntoView {
    view! { <WithWorkspace entity="action_item" render=|w, _| view! { <ActionList w /> } /> }
}

#[component]
fn ActionList(w: Workspace) -> impl IntoView {
    let query = use_query_map();
    let slug = w.hackfest.slug.clone();
    let filter = move || {
        let q = query.read();
        ActionFilter {
            status: q.get("status").unwrap_or_default(),
            owner: q.get("owner").unwrap_or_default(),
            goal_id: q.get("goal").unwrap_or_default(),
        }
    };
    let actions = w.actions.clone();
    let goals = w.goals.clone();
    let today = w.today;
    let can_edit = w.role.can_edit_content();
    let shown = {
        let slug = slug.clone();
        move || {
            let f = filter();
            let list: Vec<ActionItem> = actions.iter().filter(|a| f.matches(a)).cloned().collect();
            action_list(&slug, list, today, "No action items match.")
        }
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
                        {goals.into_iter().map(|g| { let id = g.id.to_string(); let i2 = id.clone(); view! { <option value=id selected=move || goal() == i2>{g.title}</option> } }).collect_view()}
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
    view! { <WithWorkspace entity="action_item" render=|w, id| view! { <ActionDetail w id /> } /> }
}

#[component]
fn ActionDetail(w: Workspace, id: Option<Uuid>) -> impl IntoView {
    let Some(a) = w.actions.iter().find(|a| Some(a.id) == id).cloned() else {
        return view! { <NotFound what="Action item" /> }.into_any();
    };
    let slug = w.hackfest.slug.clone();
    let can_edit = w.role.can_edit_content();
    let overdue = a.is_overdue(w.today);
    let goal = a
        .goal_id
        .and_then(|g| w.goal_title(g).map(|t| (g, t.to_owned())));
    let session = a
        .session_id
        .and_then(|s| w.session_title(s).map(|t| (s, t.to_owned())));
    let decision = a
        .decision_id
        .and_then(|d| w.decision_title(d).map(|t| (d, t.to_owned())));
    // "Mark done": the same save as the form, with only the status changed.
    let status = RwSignal::new(a.status);
    let version = RwSignal::new(a.version);
    let failure = RwSignal::new(None::<String>);
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
                <button type="button" class="button primary" on:click=move |_| { finish.dispatch(()); } disabled=move || finish.pending().get()>"Mark done"</button>
            })}
            {(!a.description.is_empty()).then(|| view! { <p class="prewrap">{a.description.clone()}</p> })}
            <dl class="links">
                {goal.map(|(g, t)| view! { <dt>"Goal"</dt><dd><a href=format!("/h/{slug}#goal-{g}")>{t}</a></dd> })}
                {session.map(|(s, t)| view! { <dt>"Session"</dt><dd><a href=format!("/h/{slug}/sessions/{s}")>{t}</a></dd> })}
                {decision.map(|(d, t)| view! { <dt>"Decision"</dt><dd><a href=format!("/h/{slug}/decisions/{d}")>{t}</a></dd> })}
            </dl>
            <History entries=w.history.clone() />
        </article>
    }
    .into_any()
}

#[component]
pub fn NewActionPage() -> impl IntoView {
    view! { <WithWorkspace entity="action_item" render=|w, _| view! { <ActionEditor w id=None /> } /> }
}

#[component]
pub fn EditActionPage() -> impl IntoView {
    view! { <WithWorkspace entity="action_item" render=|w, id| view! { <ActionEditor w id /> } /> }
}

crate::form_signals!(Fields for ActionForm { title, description, owner, due_date, status, goal_id, session_id, decision_id });

fn check(f: &ActionForm) -> Result<(), domain::FieldErrors> {
    f.parse().map(|_| ())
}

#[component]
fn ActionEditor(w: Workspace, id: Option<Uuid>) -> impl IntoView {
    let existing = id.and_then(|id| w.actions.iter().find(|a| a.id == id).cloned());
    if id.is_some() && existing.is_none() {
        return view! { <NotFound what="Action item" /> }.into_any();
    }
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
    let goals = link_options("— none —", w.goals.iter().map(|g| (g.id, g.title.clone())));
    let sessions = link_options(
        "— none —",
        w.sessions.iter().map(|s| (s.id, s.title.clone())),
    );
    let decisions = link_options(
        "— none —",
        w.decisions.iter().map(|d| (d.id, d.title.clone())),
    );
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
    .into_any()
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
