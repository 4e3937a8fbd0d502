use domain::FieldErrors;
use domain::goal::{Goal, GoalForm, GoalKind, GoalStatus, NewGoal};
use domain::view::GoalSlice;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use super::api::{
    GoalDetailData, GoalListData, GoalPage, create_goal, get_goal, get_goal_page, list_goals,
    update_goal,
};
use super::components::{GoalTree, StatusBadge};
use crate::components::{
    Field, History, Select, TextArea, TextInput, hackfest_page, id_param, parse_id,
};
use crate::editor::{EditorPage, use_editor};
use crate::error::AppError;
use crate::hackfest::api::HackfestScope;
use crate::live::{GOALS, Shows};

crate::object_routes!(
    /// `/h/:slug/goals/…`: every goal, a new goal, a goal, its editor.
    GoalRoutes, "goals", GoalListPage, NewGoalPage, GoalDetailPage, EditGoalPage
);

/// Every goal, a page at a time (the overview shows a bounded part of a large tree).
#[component]
pub fn GoalListPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(1)
    };
    hackfest_page(
        page,
        list_goals,
        Some((Shows::Topics(GOALS), |_| None)),
        |w, list| view! { <GoalListView w list /> },
    )
}

#[component]
fn GoalListView(w: HackfestScope, list: GoalListData) -> impl IntoView {
    let slug = w.hackfest.slug.clone();
    let GoalListData {
        goals,
        page,
        pages,
        total,
    } = list;
    let link = {
        let slug = slug.clone();
        move |p: u32| format!("/h/{slug}/goals?page={p}")
    };
    view! {
        <Title text=format!("Goals · {}", w.hackfest.title) />
        <section class="page">
            <nav class="crumbs" aria-label="Breadcrumb"><a href=format!("/h/{slug}")>{w.hackfest.title.clone()}</a></nav>
            <div class="section-head">
                <h1>{format!("All goals ({total})")}</h1>
                {w.role.can_edit_content().then(|| view! { <a class="button primary" href=format!("/h/{slug}/goals/new")>"Add a goal"</a> })}
            </div>
            <ul class="items">
                {goals.into_iter().map(|g| view! {
                    <li class="item goal-row">
                        <a href=format!("/h/{slug}/goals/{}", g.id)>{g.title.clone()}</a>
                        <p class="meta">
                            <span>{g.kind.label()}</span>
                            <StatusBadge status=g.status />
                            <span>{format!("{}%", g.progress)}</span>
                            {(!g.owner.is_empty()).then(|| view! { <span>{format!("Owner: {}", g.owner)}</span> })}
                        </p>
                    </li>
                }).collect_view()}
            </ul>
            {(pages > 1).then(|| view! {
                <nav class="pager" aria-label="Pages">
                    {(page > 1).then(|| view! { <a rel="prev" href=link(page - 1)>"← Previous"</a> })}
                    <span>{format!("Page {page} of {pages}")}</span>
                    {(page < pages).then(|| view! { <a rel="next" href=link(page + 1)>"Next →"</a> })}
                </nav>
            })}
        </section>
    }
}

/// A goal's own page: the goal, its sub-goals, its action items, progress notes and
/// history.
#[component]
pub fn GoalDetailPage() -> impl IntoView {
    hackfest_page(
        id_param(),
        |slug, id| async move { get_goal(slug, parse_id(&id, "Goal")?).await },
        Some((Shows::Topics(GOALS), |_| None)),
        |w, page| view! { <GoalDetail w page /> },
    )
}

#[component]
fn GoalDetail(w: HackfestScope, page: GoalDetailData) -> impl IntoView {
    let GoalDetailData {
        tree,
        actions,
        notes,
        history,
        titles,
    } = page;
    let slug = w.hackfest.slug.clone();
    let Some(card) = tree.cards.first().cloned() else {
        return view! { <crate::components::NotFound what="Goal" /> }.into_any();
    };
    let g = card.goal.clone();
    let can_edit = w.role.can_edit_content();
    let parent = g
        .parent_id
        .and_then(|p| titles.get(&p).map(|t| (p, t.clone())));
    view! {
        <Title text=format!("{} · {}", g.title, w.hackfest.title) />
        <article class="page narrow">
            <nav class="crumbs" aria-label="Breadcrumb">
                <a href=format!("/h/{slug}")>{w.hackfest.title.clone()}</a>" › "
                <a href=format!("/h/{slug}/goals")>"Goals"</a>
                {parent.map(|(p, t)| view! { " › "<a href=format!("/h/{slug}/goals/{p}")>{t}</a> })}
            </nav>
            <div class="section-head">
                <h1>{g.title.clone()}</h1>
                {can_edit.then(|| view! { <a class="button" href=format!("/h/{slug}/goals/{}/edit", g.id)>"Edit"</a> })}
            </div>
            <p class="meta">
                <span>{g.kind.label()}</span>
                <StatusBadge status=g.status />
                <span>{if card.sub_goals > 0 { format!("{}% rolled up from {} sub-goals (own: {}%)", card.shown, card.sub_goals, g.progress) } else { format!("{}%", g.progress) }}</span>
                {(!g.owner.is_empty()).then(|| view! { <span>{format!("Owner: {}", g.owner)}</span> })}
            </p>
            {(!g.description.is_empty()).then(|| view! { <p class="prewrap">{g.description.clone()}</p> })}
            {(!g.outcome_html.is_empty()).then(|| view! { <h2>"Outcome"</h2><div class="markdown" inner_html=g.outcome_html.clone()></div> })}
            {(card.sub_goals > 0).then(|| view! {
                <h2>"Sub-goals"</h2>
                <GoalTree slug=slug.clone() slice=GoalSlice { cards: tree.cards.into_iter().skip(1).collect(), ..Default::default() } root=g.id />
            })}
            <h2>"Action items"</h2>
            {crate::action::page::action_list(&slug, actions, w.today, "No action items for this goal.")}
            <Timeline slug=slug.clone() goal_id=g.id notes can_edit />
            <History entries=history names=crate::components::names_of(&titles) />
        </article>
    }
    .into_any()
}

#[component]
pub fn NewGoalPage() -> impl IntoView {
    hackfest_page(
        || (),
        |slug, _| get_goal_page(slug, None),
        None,
        |w, page| view! { <GoalEditor w page /> },
    )
}

#[component]
pub fn EditGoalPage() -> impl IntoView {
    hackfest_page(
        id_param(),
        |slug, id| async move { get_goal_page(slug, Some(parse_id(&id, "Goal")?)).await },
        None,
        |w, page| view! { <GoalEditor w page /> },
    )
}

// One signal per form field, so inputs, validation and the conflict view share them.
crate::form_signals!(FormSignals for GoalForm { title, description, kind, parent_id, status, progress, owner, outcome });

fn check(f: &GoalForm) -> Result<(), FieldErrors> {
    f.parse().map(|_| ())
}

/// The parent choices' titles, for the conflict view's "part of" row.
#[derive(Clone)]
struct ParentTitles(std::sync::Arc<Vec<(Uuid, String)>>);

/// (field, saved now, yours) for the conflict view; a parent shows as its title.
fn conflict_rows(current: &Goal, mine: GoalForm) -> Vec<crate::editor::ConflictRow> {
    let titles = use_context::<ParentTitles>();
    let parent_title = |v: &str| {
        Uuid::parse_str(v)
            .ok()
            .and_then(|id| {
                titles
                    .as_ref()?
                    .0
                    .iter()
                    .find(|(i, _)| *i == id)
                    .map(|(_, t)| t.clone())
            })
            .unwrap_or_else(|| v.to_owned())
    };
    let theirs = NewGoal::from(current).field_values();
    let mine_values = [
        mine.title.trim().to_owned(),
        mine.description.trim_end().to_owned(),
        mine.kind,
        mine.parent_id,
        mine.status,
        mine.progress.trim().to_owned(),
        mine.owner.trim().to_owned(),
        mine.outcome.trim_end().to_owned(),
    ];
    theirs
        .into_iter()
        .zip(mine_values)
        .map(|((field, t), m)| {
            let (t, m) = if field == "parent_id" {
                (parent_title(&t), parent_title(&m))
            } else {
                (t, m)
            };
            (field.replace("_id", "").replace('_', " "), t, m)
        })
        .collect()
}

/// The create/edit form, on the shared editor: field errors, the conflict view and a
/// plain form post without JavaScript.
#[component]
fn GoalEditor(w: HackfestScope, page: GoalPage) -> impl IntoView {
    let GoalPage { goal, parents } = page;
    let slug = w.hackfest.slug.clone();
    let id = goal.as_ref().map(|g| g.id);
    let editing = id.is_some();
    let can_edit = w.role.can_edit_content();
    provide_context(ParentTitles(std::sync::Arc::new(parents.clone())));
    let fields = FormSignals::new(
        goal.as_ref()
            .map(Goal::to_form)
            .unwrap_or_else(|| GoalForm {
                kind: "small".into(),
                status: "proposed".into(),
                progress: "0".into(),
                ..Default::default()
            }),
    );
    let navigate = use_navigate();
    let to = slug.clone();
    let editor = use_editor(
        goal.as_ref().map(|g| g.version).unwrap_or(0),
        {
            let slug = slug.clone();
            move |version, form: GoalForm| {
                let slug = slug.clone();
                async move {
                    match id {
                        Some(id) => update_goal(slug, id, version, form).await,
                        None => create_goal(slug, form).await,
                    }
                }
            }
        },
        check,
        |g: &Goal| g.version,
        move |g: Goal| navigate(&format!("/h/{to}#goal-{}", g.id), Default::default()),
    );
    let errors = editor.errors;
    let heading = match (editing, can_edit) {
        (true, true) => "Edit goal",
        (true, false) => "Goal",
        (false, _) => "New goal",
    };
    let back = match id {
        Some(id) => format!("/h/{slug}/goals/{id}"),
        None => format!("/h/{slug}"),
    };
    let submit = if editing { "Save changes" } else { "Add goal" };
    let mut parent_options = vec![(String::new(), "— nothing (a top-level goal) —".to_owned())];
    parent_options.extend(parents.into_iter().map(|(id, t)| (id.to_string(), t)));
    view! {
        <EditorPage heading hackfest=(slug.clone(), w.hackfest.title.clone()) list=("goals", "Goals") what="goal" editor
            rows=conflict_rows mine=move || fields.get() put=move |c: Goal| fields.set(c.to_form())
            role=w.role submit back>
            <Field id="title" label="Title" errors><TextInput id="title" sig=fields.title errors /></Field>
            <div class="field-row">
                <Field id="kind" label="Kind" errors>
                    <Select id="kind" sig=fields.kind options=GoalKind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label().to_owned())).collect() />
                </Field>
                <Field id="status" label="Status" errors>
                    <Select id="status" sig=fields.status options=GoalStatus::ALL.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect() />
                </Field>
                <Field id="progress" label="Progress (%)" errors>
                    <TextInput id="progress" kind="number" sig=fields.progress errors />
                </Field>
            </div>
            <Field id="parent_id" label="Part of" errors hint="Make this a sub-goal of another goal.">
                <Select id="parent_id" sig=fields.parent_id options=parent_options />
            </Field>
            <Field id="owner" label="Owner" errors hint="Who drives this goal."><TextInput id="owner" sig=fields.owner errors /></Field>
            <Field id="description" label="Description" errors>
                <TextArea id="description" sig=fields.description errors />
            </Field>
            <div hidden=move || !matches!(fields.status.get().as_str(), "done" | "dropped") && fields.outcome.with(String::is_empty)>
                <Field id="outcome" label="Outcome" errors hint="What came of it: results, links, what is left (Markdown).">
                    <TextArea id="outcome" sig=fields.outcome errors />
                </Field>
            </div>
        </EditorPage>
    }
}

/// The goal's progress notes, oldest first, and a box to add one.
#[component]
fn Timeline(
    slug: String,
    goal_id: Uuid,
    notes: Vec<domain::goal::GoalNote>,
    can_edit: bool,
) -> impl IntoView {
    let notes = RwSignal::new(notes);
    let body = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    if let Some(e) =
        crate::editor::url_error(<super::api::AddGoalNote as leptos::server_fn::ServerFn>::PATH)
    {
        errors.set(
            e.field_errors()
                .cloned()
                .unwrap_or_else(|| FieldErrors::single("body", e.to_string())),
        );
    }
    let note_slug = slug.clone();
    let add = Action::new(move |text: &String| {
        super::api::add_goal_note(slug.clone(), goal_id, text.clone())
    });
    Effect::new(move |_| match add.value().get() {
        Some(Ok(n)) => {
            notes.update(|ns| ns.push(n));
            body.set(String::new());
            errors.set(FieldErrors::new());
        }
        Some(Err(AppError::Validation(e))) => errors.set(e),
        Some(Err(e)) => errors.set(FieldErrors::single("body", e.to_string())),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match domain::goal::parse_note(&body.get_untracked()) {
            Ok(t) => {
                add.dispatch(t);
            }
            Err(m) => errors.set(FieldErrors::single("body", m)),
        }
    };
    view! {
        <section aria-labelledby="notes-head">
            <h2 id="notes-head">"Progress notes"</h2>
            <ol class="timeline">
                {move || notes.get().into_iter().map(|n| view! {
                    <li>
                        <p class="meta"><strong>{n.author.clone()}</strong>
                            <time datetime=n.created_at.to_rfc3339()>{match n.created_local {
                                Some(l) => format!(" {}", l.format("%a %-d %b %H:%M")),
                                None => n.created_at.format(" %a %-d %b %H:%M UTC").to_string(),
                            }}</time></p>
                        <div class="markdown" inner_html=n.body_html.clone()></div>
                    </li>
                }).collect_view()}
            </ol>
            {move || notes.with(Vec::is_empty).then(|| view! { <p class="empty">"No notes yet."</p> })}
            {can_edit.then(|| view! {
                <form class="form" method="post" action={<super::api::AddGoalNote as leptos::server_fn::ServerFn>::PATH} novalidate on:submit=on_submit>
                    <input type="hidden" name="slug" value=note_slug.clone() /><input type="hidden" name="id" value=goal_id.to_string() />
                    <Field id="body" label="Add a note" errors hint="What happened, what is next (Markdown).">
                        <TextArea id="body" name="body" sig=body errors />
                    </Field>
                    <div class="actions"><button type="submit" class="button" disabled=move || add.pending().get()>"Add note"</button></div>
                </form>
            })}
        </section>
    }
}
