use domain::decision::{Decision, DecisionForm, DecisionStatus};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

use super::api::{
    DecisionEditorData, DecisionFilter, DecisionList, DecisionPage, create_decision, get_decision,
    get_decision_editor, list_decisions, update_decision,
};
use crate::components::{
    Field, GoalPicker, History, Rendered, Select, TextArea, TextInput, hackfest_page, id_param,
    link_options, names_of, parse_id,
};
use crate::editor::{EditorPage, use_editor};
use crate::hackfest::api::HackfestScope;
use crate::live::{DECISIONS, Shows};

crate::object_routes!(
    /// `/h/:slug/decisions/…`: the list, a new decision, a decision, its editor.
    DecisionRoutes, "decisions", DecisionListPage, NewDecisionPage, DecisionDetailPage, EditDecisionPage
);

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

fn filter_param() -> impl Fn() -> DecisionFilter + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        let q = query.read();
        DecisionFilter {
            status: q.get("status").unwrap_or_default(),
            goal: q.get("goal").unwrap_or_default(),
        }
    }
}

#[component]
pub fn DecisionListPage() -> impl IntoView {
    hackfest_page(
        filter_param(),
        list_decisions,
        Some((Shows::Topics(DECISIONS), |_| None)),
        |w, list| view! { <DecisionListView w list /> },
    )
}

#[component]
fn DecisionListView(w: HackfestScope, list: DecisionList) -> impl IntoView {
    let filter = filter_param();
    let slug = w.hackfest.slug.clone();
    let status = move || filter().status;
    let goal = move || filter().goal;
    let goals = list.goals;
    let can_edit = w.role.can_edit_content();
    let shown = decision_list(&slug, list.decisions, "No decisions match.");
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
pub fn DecisionDetailPage() -> impl IntoView {
    hackfest_page(
        id_param(),
        |slug, id| async move { get_decision(slug, parse_id(&id, "Decision")?).await },
        Some((Shows::Object(DECISIONS), |id| Uuid::parse_str(id).ok())),
        |w, page| view! { <DecisionDetail w page /> },
    )
}

#[component]
fn DecisionDetail(w: HackfestScope, page: DecisionPage) -> impl IntoView {
    let DecisionPage {
        decision: d,
        replaces,
        actions,
        titles,
        history,
    } = page;
    let slug = w.hackfest.slug.clone();
    let can_edit = w.role.can_edit_content();
    let title = |id: Uuid| titles.get(&id).map(|t| (id, t.clone()));
    let successor = d.superseded_by.and_then(title);
    let session = d.session_id.and_then(title);
    let goals: Vec<(Uuid, String)> = d.goal_ids.iter().filter_map(|g| title(*g)).collect();
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
            <History entries=history names=names_of(&titles) />
        </article>
    }
}

#[component]
pub fn NewDecisionPage() -> impl IntoView {
    hackfest_page(
        || (),
        |slug, _| get_decision_editor(slug, None),
        None,
        |w, data| view! { <DecisionEditor w data /> },
    )
}

#[component]
pub fn EditDecisionPage() -> impl IntoView {
    hackfest_page(
        id_param(),
        |slug, id| async move { get_decision_editor(slug, Some(parse_id(&id, "Decision")?)).await },
        None,
        |w, data| view! { <DecisionEditor w data /> },
    )
}

crate::form_signals!(Fields for DecisionForm { title, context, decision, status, superseded_by, session_id, goal_ids, followups });

fn check(f: &DecisionForm) -> Result<(), domain::FieldErrors> {
    f.parse().map(|_| ())
}

#[component]
fn DecisionEditor(w: HackfestScope, data: DecisionEditorData) -> impl IntoView {
    let existing = data.decision;
    let id = existing.as_ref().map(|d| d.id);
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
    let goals = data.goals;
    let sessions = link_options("— none —", data.sessions);
    let others = link_options("— none —", data.decisions);
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
