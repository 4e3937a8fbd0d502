use domain::goal::{Goal, GoalKind, GoalStatus, MAX_DEPTH, rolled_up_progress};
use leptos::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use uuid::Uuid;

/// Sub-goals by parent id, and rolled-up progress, built once per tree (not per goal).
#[derive(Clone)]
struct Tree {
    children: Arc<HashMap<Uuid, Vec<Goal>>>,
    progress: Arc<HashMap<Uuid, u8>>,
}

impl Tree {
    /// Everything below `id`, parents before their sub-goals, each once: walked with a
    /// queue, not by recursion (an old database may hold a chain thousands deep).
    fn descendants(&self, id: Uuid) -> Vec<Goal> {
        let mut seen = HashSet::from([id]);
        let mut out: Vec<Goal> = Vec::new();
        let mut next = 0;
        let mut push = |out: &mut Vec<Goal>, of: Uuid| {
            for c in self.children.get(&of).into_iter().flatten() {
                if seen.insert(c.id) {
                    out.push(c.clone());
                }
            }
        };
        push(&mut out, id);
        while next < out.len() {
            let of = out[next].id;
            push(&mut out, of);
            next += 1;
        }
        out
    }
}

/// Big goals, then small ones; sub-goals nested under their parent, at most
/// [`MAX_DEPTH`] levels: anything deeper (only an old database can hold it) is listed
/// flat under its ancestor at the last level, so rendering never recurses further.
#[component]
pub fn GoalTree(slug: String, goals: Vec<Goal>) -> impl IntoView {
    if goals.is_empty() {
        return view! { <p class="empty">"No goals yet. Add the first one."</p> }.into_any();
    }
    let known: HashSet<Uuid> = goals.iter().map(|g| g.id).collect();
    let progress = Arc::new(rolled_up_progress(&goals));
    let mut children: HashMap<Uuid, Vec<Goal>> = HashMap::new();
    let mut top = Vec::new();
    for g in goals.iter().cloned() {
        match g.parent_id.filter(|p| known.contains(p)) {
            Some(parent) => children.entry(parent).or_default().push(g),
            // A goal whose parent is not in the list is shown at the top level, never lost.
            None => top.push(g),
        }
    }
    let mut tree = Tree {
        children: Arc::new(children),
        progress,
    };
    // Goals in a cycle (the service never lets one in) hang below no top-level goal:
    // show them at the top level too, never lost.
    let mut reached: HashSet<Uuid> = top.iter().map(|g| g.id).collect();
    for g in &top {
        reached.extend(tree.descendants(g.id).iter().map(|d| d.id));
    }
    let stray: Vec<Goal> = goals
        .into_iter()
        .filter(|g| !reached.contains(&g.id))
        .collect();
    if !stray.is_empty() {
        let mut children = (*tree.children).clone();
        for g in &stray {
            if let Some(p) = g.parent_id
                && let Some(siblings) = children.get_mut(&p)
            {
                siblings.retain(|c| c.id != g.id);
            }
        }
        tree.children = Arc::new(children);
        top.extend(stray);
    }
    let (big, small): (Vec<Goal>, Vec<Goal>) =
        top.into_iter().partition(|g| g.kind == GoalKind::Big);
    view! {
        <div class="goal-tree">
            {(!big.is_empty()).then(|| view! {
                <h3 class="kind-head">"Big goals"</h3>
                <GoalList slug=slug.clone() items=big tree=tree.clone() depth=1 />
            })}
            {(!small.is_empty()).then(|| view! {
                <h3 class="kind-head">"Small goals"</h3>
                <GoalList slug=slug.clone() items=small tree=tree.clone() depth=1 />
            })}
        </div>
    }
    .into_any()
}

/// `items` at level `depth` of the tree (1 = top level).
#[component]
fn GoalList(slug: String, items: Vec<Goal>, tree: Tree, depth: usize) -> impl IntoView {
    view! {
        <ul class="goals">
            {items.into_iter().map(|g| {
                view! { <GoalItem slug=slug.clone() goal=g tree=tree.clone() depth /> }
            }).collect_view()}
        </ul>
    }
}

/// One goal at level `depth`; its sub-goals nested below it, or past [`MAX_DEPTH`]
/// all its descendants in one flat list (no deeper recursion).
#[component]
fn GoalItem(slug: String, goal: Goal, tree: Tree, depth: usize) -> impl IntoView {
    let edit = format!("/h/{slug}/goals/{}/edit", goal.id);
    let anchor = format!("goal-{}", goal.id);
    let status = goal.status;
    let sub_goals = tree.children.get(&goal.id).map_or(0, Vec::len);
    let shown = tree
        .progress
        .get(&goal.id)
        .copied()
        .unwrap_or(goal.progress);
    let nested = if depth > MAX_DEPTH || sub_goals == 0 {
        None
    } else if depth < MAX_DEPTH {
        tree.children.get(&goal.id).cloned().map(|items| {
            view! { <GoalList slug=slug.clone() items tree=tree.clone() depth=depth + 1 /> }
                .into_any()
        })
    } else {
        let flat = tree.descendants(goal.id);
        Some(
            view! {
                <p class="meta">{format!("{} deeper goal{}, listed flat (a goal tree has at most {MAX_DEPTH} levels):", flat.len(), if flat.len() == 1 { "" } else { "s" })}</p>
                <ul class="goals flattened">
                    {flat.into_iter().map(|g| {
                        view! { <GoalItem slug=slug.clone() goal=g tree=tree.clone() depth=MAX_DEPTH + 1 /> }
                    }).collect_view()}
                </ul>
            }
            .into_any(),
        )
    };
    let Goal {
        title,
        owner,
        description,
        outcome_html,
        ..
    } = goal;
    view! {
        <li class="goal" id=anchor data-status=status.as_str()>
            <div class="goal-main">
                <div class="goal-title">
                    <a href=edit class="goal-link">{title.clone()}</a>
                    <StatusBadge status />
                </div>
                <Progress value=shown label=title.clone() />
                {(sub_goals > 0).then(|| view! {
                    <p class="meta rollup">{format!("Rolled up from {sub_goals} sub-goal{}", if sub_goals == 1 { "" } else { "s" })}</p>
                })}
                {(!owner.is_empty()).then(|| view! { <p class="meta"><span>"Owner: " {owner}</span></p> })}
                {(!description.is_empty()).then(|| view! { <p class="goal-desc">{description}</p> })}
                {(!outcome_html.is_empty()).then(|| view! {
                    <details class="outcome"><summary>"Outcome"</summary><div class="markdown" inner_html=outcome_html></div></details>
                })}
            </div>
            {nested}
        </li>
    }
}

#[component]
pub fn StatusBadge(status: GoalStatus) -> impl IntoView {
    view! { <span class=format!("badge status-{}", status.as_str())>{status.label()}</span> }
}

#[component]
fn Progress(value: u8, label: String) -> impl IntoView {
    view! {
        <div class="progress">
            <progress max="100" value=value.to_string() aria-label=format!("Progress of {label}")>
                {format!("{value}%")}
            </progress>
            <span class="progress-value">{format!("{value}%")}</span>
        </div>
    }
}
