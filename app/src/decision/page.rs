use domain::decision::{Decision, DecisionForm, DecisionStatus};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

use super::api::{create_decision, update_decision};
use crate::components::{
    Field, GoalPicker, History, NotFound, Rendered, Select, TextArea, TextInput, WithWorkspace,
    link_options,
};
use crate::editor::{EditorPage, use_editor};
use crate::hackfest::api::Workspace;

/// Decisions as a list of links with their status.
pub fn decision_list(
    slug: &str,
    decisions: Vec<Decision>,
    empty: &'static str,
) -> impl IntoView + use<> {
    if decisions.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    view! {
        <ul class="items">
            {decisions.into_iter().map(|d| view! {
                <li class="item decision">
                    <a href=format!("/h/{slug}/decisions/{}", d.id)>{d.title.clone()}</a>
                    <p class="meta">
                        <span class=format!("badge status-{}", d.status.as_str())>{d.status.label()}</span>
                        <span>{d.created_at.format("%a %-d %b").to_string()}</span>
                        {(!d.followups.is_empty()).then(|| {
                            let done = d.followups.iter().filter(|f| matches!(f.state, domain::decision::FollowUpState::Done | domain::decision::FollowUpState::Skipped)).count();
                            view! { <span>{format!("Follow-ups {done}/{}", d.followups.len())}</span> }
                        })}
                    </p>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn DecisionListPage() -> impl IntoView {
    view! { <WithWorkspace entity="decision" render=|w, _| view! { <DecisionList w /> } /> }
}

#[component]
fn DecisionList(w: Workspace) -> impl IntoView {
    let query = use_query_map();
    let slug = w.hackfest.slug.clone();
    let status = move || query.read().get("status").unwrap_or_default();
    let goal = move || query.read().get("goal").unwrap_or_default();
    let decisions = w.decisions.clone();
    let goals = w.goals.clone();
    let can_edit = w.role.can_edit_content();
    let shown = {
        let slug = slug.clone();
        move || {
            let (st, g) = (status(), goal());
            let list: Vec<Decision> = decisions
                .iter()
                .filter(|d| st.is_empty() || d.status.as_str() == st)
                .filter(|d| g.is_empty() || d.goal_ids.iter().any(|x| x.to_string() == g))
                .cloned()
                .collect();
            decision_list(&slug, list, "No decisions match.")
        }
    };
    view! {
        <Title text=format!("Decisions · {}", w.hackfest.title) />
        <section class="page">
            <nav class="crumbs" aria-label="Breadcrumb"><a href=format!("/h/{slug}")>{w.hackfest.title.clone()}</a></nav>
            <div class="section-head">
                <h1>"Decisions"</h1>
                {can_edit.then(|| view! { <a class="button primary" href=format!("/h/{slug}/decisions/new")>"Record a decision"</a> })}
            </div>
            <form class="filters" method="get" action=format!("/h/{slug}/decisions")>
                <label>"Status "
                    <select name="status" prop:value=status>
                        <option value="" selected=move || status().is_empty()>"Any"</option>
                        {DecisionStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=move || status() == s.as_str()>{s.label()}</option> }).collect_view()}
                    </select>
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
pub fn DecisionDetailPage() -> impl IntoView {
    view! { <WithWorkspace entity="decision" render=|w, id| view! { <DecisionDetail w id /> } /> }
}

#[component]
fn DecisionDetail(w: Workspace, id: Option<Uuid>) -> impl IntoView {
    let Some(d) = w.decisions.iter().find(|d| Some(d.id) == id).cloned() else {
        return view! { <NotFound what="Decision" /> }.into_any();
    };
    let slug = w.hackfest.slug.clone();
    let can_edit = w.role.can_edit_content();
    let actions: Vec<_> = w
        .actions
        .iter()
        .filter(|a| a.decision_id == Some(d.id))
        .cloned()
        .collect();
    let replaces: Vec<_> = w
        .decisions
        .iter()
        .filter(|x| x.superseded_by == Some(d.id))
        .cloned()
        .collect();
    let successor = d
        .superseded_by
        .and_then(|s| w.decision_title(s).map(|t| (s, t.to_owned())));
    let session = d
        .session_id
        .and_then(|s| w.session_title(s).map(|t| (s, t.to_owned())));
    let goals: Vec<(Uuid, String)> = d
        .goal_ids
        .iter()
        .filter_map(|g| w.goal_title(*g).map(|t| (*g, t.to_owned())))
        .collect();
    let new_action = format!(
        "/h/{slug}/actions/new?decision={}{}",
        d.id,
        d.session_id
            .map(|s| format!("&session={s}"))
            .unwrap_or_default()
    );
    view! {
        <Title text=format!("{} · {}", d.title, w.hackfest.title) />
        <article class="page narrow">
            <nav class="crumbs" aria-label="Breadcrumb">
                <a href=format!("/h/{slug}")>{w.hackfest.title.clone()}</a>" › "
                <a href=format!("/h/{slug}/decisions")>"Decisions"</a>
            </nav>
            <div class="section-head">
                <h1>{d.title.clone()}</h1>
                {can_edit.then(|| view! { <a class="button" href=format!("/h/{slug}/decisions/{}/edit", d.id)>"Edit"</a> })}
            </div>
            <p class="meta">
                <span class=format!("badge status-{}", d.status.as_str())>{d.status.label()}</span>
                {session.map(|(s, t)| view! { <span>"Made in "<a href=format!("/h/{slug}/sessions/{s}")>{t}</a></span> })}
            </p>
            {successor.map(|(s, t)| view! { <p class="notice">"Superseded by "<a href=format!("/h/{slug}/decisions/{s}")>{t}</a></p> })}
            {(!replaces.is_empty()).then(|| view! {
                <p>"Replaces: "{replaces.into_iter().map(|r| view! { <a class="chip" href=format!("/h/{slug}/decisions/{}", r.id)>{r.title}</a> }).collect_view()}</p>
            })}
            {(!goals.is_empty()).then(|| view! {
                <p><strong>"Goals: "</strong>{goals.into_iter().map(|(g, t)| view! { <a class="chip" href=format!("/h/{slug}#goal-{g}")>{t}</a> }).collect_view()}</p>
            })}
            <h2>"Context"</h2>
            <Rendered html=d.context_html.clone() empty="No context written." />
            <h2>"Decision"</h2>
            <Rendered html=d.decision_html.clone() empty="Not written down yet." />
            {(!d.followups.is_empty()).then(|| view! {
                <h2>"Follow-ups"</h2>
                <table class="checklist">
                    <thead><tr><th scope="col">"Item"</th><th scope="col">"State"</th></tr></thead>
                    <tbody>
                        {d.followups.iter().map(|f| view! {
                            <tr><td>{f.label.clone()}</td><td><span class=format!("badge follow-{:?}", f.state).to_lowercase()>{f.state.label()}</span></td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <div class="section-head">
                <h2>"Action items"</h2>
                {can_edit.then(|| view! { <a class="button" href=new_action>"Create an action item"</a> })}
            </div>
            {crate::action::page::action_list(&slug, actions, w.today, "No action items from this decision.")}
            <History entries=w.history.clone() />
        </article>
    }
    .into_any()
}

#[component]
pub fn NewDecisionPage() -> impl IntoView {
    view! { <WithWorkspace entity="decision" render=|w, _| view! { <DecisionEditor w id=None /> } /> }
}

#[component]
pub fn EditDecisionPage() -> impl IntoView {
    view! { <WithWorkspace entity="decision" render=|w, id| view! { <DecisionEditor w id /> } /> }
}

crate::form_signals!(Fields for DecisionForm { title, context, decision, status, superseded_by, session_id, goal_ids, followups });

fn check(f: &DecisionForm) -> Result<(), domain::FieldErrors> {
    f.parse().map(|_| ())
}

#[component]
fn DecisionEditor(w: Workspace, id: Option<Uuid>) -> impl IntoView {
    let existing = id.and_then(|id| w.decisions.iter().find(|d| d.id == id).cloned());
    if id.is_some() && existing.is_none() {
        return view! { <NotFound what="Decision" /> }.into_any();
    }
    let query = use_query_map();
    let h = w.hackfest.clone();
    let slug = h.slug.clone();
    let can_edit = w.role.can_edit_content();
    let fields =
        Fields::new(
            existing
                .as_ref()
                .map(Decision::to_form)
                .unwrap_or_else(|| DecisionForm {
                    status: "proposed".into(),
                    session_id: query.read_untracked().get("session").unwrap_or_default(),
                    ..Default::default()
                }),
        );
    let navigate = use_navigate();
    let to = slug.clone();
    let editor = use_editor(
        existing.as_ref().map(|d| d.version).unwrap_or(0),
        {
            let slug = slug.clone();
            move |version, form: DecisionForm| {
                let slug = slug.clone();
                async move {
                    match id {
                        Some(id) => update_decision(slug, id, version, form).await,
                        None => create_decision(slug, form).await,
                    }
                }
            }
        },
        check,
        |d: &Decision| d.version,
        move |d: Decision| navigate(&format!("/h/{to}/decisions/{}", d.id), Default::default()),
    );
    let errors = editor.errors;
    let statuses = existing
        .as_ref()
        .map(|d| d.status.choices())
        .unwrap_or_else(|| DecisionStatus::ALL.to_vec());
    let goals: Vec<(Uuid, String)> = w.goals.iter().map(|g| (g.id, g.title.clone())).collect();
    let sessions = link_options(
        "— none —",
        w.sessions.iter().map(|s| {
            (
                s.id,
                format!("{} ({})", s.title, crate::session::page::when(s)),
            )
        }),
    );
    let others = link_options(
        "— none —",
        w.decisions
            .iter()
            .filter(|d| Some(d.id) != id)
            .map(|d| (d.id, d.title.clone())),
    );
    let heading = match (existing.is_some(), can_edit) {
        (true, true) => "Edit decision",
        (true, false) => "Decision",
        (false, _) => "Record a decision",
    };
    let back = match id {
        Some(id) => format!("/h/{slug}/decisions/{id}"),
        None => format!("/h/{slug}/decisions"),
    };
    let submit = if existing.is_some() {
        "Save changes"
    } else {
        "Record decision"
    };
    view! {
        <EditorPage heading hackfest=(slug.clone(), h.title.clone()) list=("decisions", "Decisions") what="decision" editor
            rows=conflict_rows mine=move || fields.get() put=move |c: Decision| fields.set(c.to_form())
            role=w.role submit back>
            <Field id="title" label="Title" errors><TextInput id="title" sig=fields.title errors /></Field>
            <div class="field-row">
                <Field id="status" label="Status" errors>
                    <Select id="status" sig=fields.status options=statuses.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect() />
                </Field>
                <Field id="session_id" label="Made in session" errors>
                    <Select id="session_id" sig=fields.session_id options=sessions />
                </Field>
            </div>
            <div hidden=move || fields.status.get() != "superseded" && fields.superseded_by.with(String::is_empty)>
                <Field id="superseded_by" label="Superseded by" errors hint="The decision that replaces this one.">
                    <Select id="superseded_by" sig=fields.superseded_by options=others />
                </Field>
            </div>
            <Field id="context" label="Context" errors hint="Why this came up (Markdown)."><TextArea id="context" sig=fields.context errors /></Field>
            <Field id="decision" label="Decision" errors hint="What was decided (Markdown)."><TextArea id="decision" sig=fields.decision errors /></Field>
            <GoalPicker id="goal_ids" label="Goals it affects" goals sig=fields.goal_ids errors />
            <Field id="followups" label="Follow-ups" errors hint="One row per line: [ ] to do, [~] in progress, [x] done, [-] not needed. E.g. “[x] bodhi — on BDR”.">
                <TextArea id="followups" sig=fields.followups errors />
            </Field>
        </EditorPage>
    }
    .into_any()
}

/// (field, saved now, yours) for the conflict view.
fn conflict_rows(current: &Decision, mine: DecisionForm) -> Vec<(String, String, String)> {
    let theirs = current.to_form();
    vec![
        ("title".to_owned(), theirs.title, mine.title),
        ("status".to_owned(), theirs.status, mine.status),
        ("context".to_owned(), theirs.context, mine.context),
        ("decision".to_owned(), theirs.decision, mine.decision),
        ("follow-ups".to_owned(), theirs.followups, mine.followups),
    ]
}
