use domain::FieldErrors;
use domain::goal::{Goal, GoalForm, GoalKind, GoalStatus, MAX_DEPTH, NewGoal};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;

use super::api::{GoalPage, create_goal, get_goal_page, update_goal};
use crate::components::{
    ConflictTable, ErrorPage, Field, History, NotFound, ReadOnlyNotice, Select, TextArea, TextInput,
};
use crate::error::AppError;

#[component]
pub fn NewGoalPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let page = Resource::new(slug, |s| get_goal_page(s, None));
    view! { <GoalPageView page /> }
}

#[component]
pub fn EditGoalPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let p = params.read();
        (
            p.get("slug").unwrap_or_default(),
            p.get("id").and_then(|id| Uuid::parse_str(&id).ok()),
        )
    };
    let page = Resource::new(key, |(slug, id)| async move {
        match id {
            Some(id) => get_goal_page(slug, Some(id)).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(p)) => view! { <GoalEditor page=p /> }.into_any(),
                    Ok(None) => view! { <NotFound what="Goal" /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn GoalPageView(page: Resource<Result<GoalPage, AppError>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <GoalEditor page=p /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

// One signal per form field, so inputs, validation and the conflict view share them.
crate::form_signals!(FormSignals for GoalForm { title, description, kind, parent_id, status, progress, owner, outcome });

#[derive(Clone)]
struct SaveInput {
    slug: String,
    id: Option<Uuid>,
    version: i64,
    form: GoalForm,
}

/// The create/edit form, with field errors and the conflict view.
#[component]
fn GoalEditor(page: GoalPage) -> impl IntoView {
    let GoalPage {
        hackfest,
        goal,
        goals,
        history,
        notes,
        role,
    } = page;
    let can_edit = role.can_edit_content();
    let slug = hackfest.slug.clone();
    let id = goal.as_ref().map(|g| g.id);
    let editing = id.is_some();
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
    let version = RwSignal::new(goal.as_ref().map(|g| g.version).unwrap_or(0));
    let errors = RwSignal::new(FieldErrors::new());
    let conflict = RwSignal::new(None::<Goal>);
    let failure = RwSignal::new(None::<String>);

    let save = Action::new(|input: &SaveInput| {
        let i = input.clone();
        async move {
            match i.id {
                Some(id) => update_goal(i.slug, id, i.version, i.form).await,
                None => create_goal(i.slug, i.form).await,
            }
        }
    });
    let navigate = use_navigate();
    let back = format!("/h/{slug}");
    Effect::new({
        let back = back.clone();
        move |_| match save.value().get() {
            Some(Ok(g)) => navigate(&format!("{back}#goal-{}", g.id), Default::default()),
            Some(Err(AppError::Validation(e))) => errors.set(e),
            Some(Err(AppError::Conflict { current })) => {
                match serde_json::from_value::<Goal>(current) {
                    Ok(g) => conflict.set(Some(g)),
                    Err(_) => failure.set(Some(
                        "Someone else changed this goal; reload the page.".into(),
                    )),
                }
            }
            Some(Err(e)) => failure.set(Some(e.to_string())),
            None => {}
        }
    });

    let submit = {
        let slug = slug.clone();
        move |form: GoalForm| {
            failure.set(None);
            match form.parse() {
                Err(e) => errors.set(e),
                Ok(_) => {
                    errors.set(FieldErrors::new());
                    save.dispatch(SaveInput {
                        slug: slug.clone(),
                        id,
                        version: version.get_untracked(),
                        form,
                    });
                }
            }
        }
    };
    let on_submit = {
        let submit = submit.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            submit(fields.get());
        }
    };
    // Conflict choices: keep mine (save again over the current version) or take theirs.
    let keep_mine = move |_| {
        if let Some(current) = conflict.get_untracked() {
            version.set(current.version);
            conflict.set(None);
            submit(fields.get());
        }
    };
    let take_theirs = move |_| {
        if let Some(current) = conflict.get_untracked() {
            version.set(current.version);
            fields.set(current.to_form());
            conflict.set(None);
        }
    };

    // Parent choices: never the goal itself or one of its descendants, nor a goal so
    // deep that the goal and its sub-goals would pass MAX_DEPTH (the server checks
    // too). The current parent always stays a choice.
    let below: Vec<Uuid> = id.map(|id| descendants(&goals, id)).unwrap_or_default();
    let level = levels(&goals);
    let height = id.map_or(0, |id| {
        let own = level.get(&id).copied().unwrap_or(1);
        below
            .iter()
            .filter_map(|d| level.get(d))
            .map(|l| l.saturating_sub(own))
            .max()
            .unwrap_or(0)
    });
    let current_parent = id.and_then(|id| goals.iter().find(|g| g.id == id)?.parent_id);
    let excluded: std::collections::HashSet<Uuid> = below.into_iter().collect();
    let parents: Vec<(String, String)> = goals
        .iter()
        .filter(|g| !excluded.contains(&g.id))
        .filter(|g| {
            Some(g.id) == current_parent
                || level
                    .get(&g.id)
                    .is_some_and(|l| l + 1 + height <= MAX_DEPTH)
        })
        .map(|g| (g.id.to_string(), g.title.clone()))
        .collect();
    let titles: Vec<(Uuid, String)> = goals.iter().map(|g| (g.id, g.title.clone())).collect();
    let names: std::collections::HashMap<String, String> = titles
        .iter()
        .map(|(id, t)| (id.to_string(), t.clone()))
        .collect();

    let heading = match (editing, can_edit) {
        (true, true) => "Edit goal",
        (true, false) => "Goal",
        (false, _) => "New goal",
    };
    let action_url = if editing {
        "/api/goals/update"
    } else {
        "/api/goals/create"
    };
    let pending = save.pending();
    view! {
        <Title text=format!("{heading} · {}", hackfest.title) />
        <section class="page narrow">
            <nav class="crumbs" aria-label="Breadcrumb">
                <a href=back.clone()>{hackfest.title.clone()}</a>
            </nav>
            <h1>{heading}</h1>
            <p class="form-error" role="alert" hidden=move || failure.with(Option::is_none)>
                {move || failure.get()}
            </p>
            {move || conflict.get().map(|current| view! {
                <ConflictView current mine=fields.get() titles=titles.clone() on_keep=keep_mine.clone() on_take=take_theirs />
            })}
            {(!can_edit).then(|| view! { <ReadOnlyNotice role /> })}
            <form class="form" method="post" action=action_url novalidate on:submit=on_submit>
                <fieldset class="plain" disabled=!can_edit>
                <input type="hidden" name="slug" value=slug.clone() />
                {id.map(|id| view! {
                    <input type="hidden" name="id" value=id.to_string() />
                    <input type="hidden" name="version" prop:value=move || version.get().to_string() value=version.get_untracked().to_string() />
                })}
                <Field id="title" label="Title" errors><TextInput id="title" sig=fields.title errors /></Field>
                <div class="field-row">
                    <Field id="kind" label="Kind" errors>
                        <Select id="kind" sig=fields.kind options=GoalKind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label().to_owned())).collect() />
                    </Field>
                    <Field id="status" label="Status" errors>
                        <Select id="status" sig=fields.status options=GoalStatus::ALL.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect() />
                    </Field>
                    <Field id="progress" label="Progress (%)" errors>
                        <input
                            id="progress"
                            name="form[progress]"
                            type="number"
                            inputmode="numeric"
                            min="0"
                            max="100"
                            step="5"
                            value=fields.progress.get_untracked()
                            prop:value=fields.progress
                            on:input=move |ev| fields.progress.set(event_target_value(&ev))
                            aria-describedby="progress-error"
                        />
                    </Field>
                </div>
                <Field id="parent_id" label="Part of" errors hint="Make this a sub-goal of another goal.">
                    <Select id="parent_id" sig=fields.parent_id options={
                        let mut o = vec![(String::new(), "— nothing (a top-level goal) —".to_owned())];
                        o.extend(parents);
                        o
                    } />
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
                </fieldset>
                {can_edit.then(|| view! {
                    <div class="actions">
                        <button type="submit" class="button primary" disabled=move || pending.get()>
                            {move || if pending.get() { "Saving…" } else if editing { "Save changes" } else { "Add goal" }}
                        </button>
                        <a class="button" href=back.clone()>"Cancel"</a>
                    </div>
                })}
            </form>
            {id.map(|id| view! { <Timeline slug=slug.clone() goal_id=id notes can_edit /> })}
            {editing.then(|| view! { <History entries=history names /> })}
        </section>
    }
}

/// Side by side: what is stored now, and what this person submitted.
#[component]
fn ConflictView(
    current: Goal,
    mine: GoalForm,
    titles: Vec<(Uuid, String)>,
    on_keep: impl Fn(leptos::ev::MouseEvent) + 'static,
    on_take: impl Fn(leptos::ev::MouseEvent) + 'static,
) -> impl IntoView {
    let theirs = NewGoal::from(&current).field_values();
    let parent_title = |v: &str| {
        Uuid::parse_str(v)
            .ok()
            .and_then(|id| {
                titles
                    .iter()
                    .find(|(i, _)| *i == id)
                    .map(|(_, t)| t.clone())
            })
            .unwrap_or_else(|| v.to_owned())
    };
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
    let rows: Vec<_> = theirs
        .into_iter()
        .zip(mine_values)
        .map(|((field, t), m)| {
            let (t, m) = if field == "parent_id" {
                (parent_title(&t), parent_title(&m))
            } else {
                (t, m)
            };
            (field, t, m)
        })
        .collect();
    let rows = rows
        .into_iter()
        .map(|(f, t, m)| (f.replace("_id", "").replace('_', " "), t, m))
        .collect();
    view! { <ConflictTable what="goal" rows on_keep on_take /> }
}

/// Each goal's level in the tree (1 = top level), walking up with a memo, never by
/// recursion; a goal in a cycle (only corrupted data) gets no level.
fn levels(goals: &[Goal]) -> std::collections::HashMap<Uuid, usize> {
    let parent: std::collections::HashMap<Uuid, Option<Uuid>> =
        goals.iter().map(|g| (g.id, g.parent_id)).collect();
    let mut level: std::collections::HashMap<Uuid, usize> = Default::default();
    for g in goals {
        let mut path = vec![g.id];
        let mut base = 0;
        while let Some(&top) = path.last() {
            if let Some(&l) = level.get(&top) {
                path.pop();
                base = l;
                break;
            }
            match parent.get(&top).copied().flatten() {
                // A parent not in the list: this goal shows at the top level.
                Some(p) if parent.contains_key(&p) => {
                    if path.contains(&p) {
                        path.clear();
                        break;
                    }
                    path.push(p);
                }
                _ => break,
            }
        }
        for (i, id) in path.iter().rev().enumerate() {
            level.insert(*id, base + i + 1);
        }
    }
    level
}

/// The goal and everything below it, each once (a queue, not recursion: an old
/// database may hold a deep chain, or even a cycle).
fn descendants(goals: &[Goal], root: Uuid) -> Vec<Uuid> {
    let mut children: std::collections::HashMap<Uuid, Vec<Uuid>> = Default::default();
    for g in goals {
        if let Some(p) = g.parent_id {
            children.entry(p).or_default().push(g.id);
        }
    }
    let mut seen = std::collections::HashSet::from([root]);
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        for &c in children.get(&out[i]).into_iter().flatten() {
            if seen.insert(c) {
                out.push(c);
            }
        }
        i += 1;
    }
    out
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
    if let Some(e) = crate::editor::url_error(<super::api::AddGoalNote as leptos::server_fn::ServerFn>::PATH) {
        errors.set(e.field_errors().cloned().unwrap_or_else(|| FieldErrors::single("body", e.to_string())));
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
                            <time datetime=n.created_at.to_rfc3339()>{n.created_at.format("%a %-d %b %H:%M UTC").to_string()}</time></p>
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
