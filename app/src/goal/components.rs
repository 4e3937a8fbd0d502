use domain::goal::{Goal, GoalKind, GoalStatus, rolled_up_progress};
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

/// Big goals, then small ones; sub-goals nested under their parent.
#[component]
pub fn GoalTree(slug: String, goals: Vec<Goal>) -> impl IntoView {
    if goals.is_empty() {
        return view! { <p class="empty">"No goals yet. Add the first one."</p> }.into_any();
    }
    let known: HashSet<Uuid> = goals.iter().map(|g| g.id).collect();
    let progress = Arc::new(rolled_up_progress(&goals));
    let mut children: HashMap<Uuid, Vec<Goal>> = HashMap::new();
    let (mut big, mut small) = (Vec::new(), Vec::new());
    for g in goals {
        match g.parent_id.filter(|p| known.contains(p)) {
            Some(parent) => children.entry(parent).or_default().push(g),
            // A goal whose parent is not in the list is shown at the top level, never lost.
            None if g.kind == GoalKind::Big => big.push(g),
            None => small.push(g),
        }
    }
    let tree = Tree {
        children: Arc::new(children),
        progress,
    };
    view! {
        <div class="goal-tree">
            {(!big.is_empty()).then(|| view! {
                <h3 class="kind-head">"Big goals"</h3>
                <GoalList slug=slug.clone() items=big tree=tree.clone() />
            })}
            {(!small.is_empty()).then(|| view! {
                <h3 class="kind-head">"Small goals"</h3>
                <GoalList slug=slug.clone() items=small tree=tree.clone() />
            })}
        </div>
    }
    .into_any()
}

#[component]
fn GoalList(slug: String, items: Vec<Goal>, tree: Tree) -> impl IntoView {
    view! {
        <ul class="goals">
            {items.into_iter().map(|g| {
                view! { <GoalItem slug=slug.clone() goal=g tree=tree.clone() /> }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn GoalItem(slug: String, goal: Goal, tree: Tree) -> impl IntoView {
    let edit = format!("/h/{slug}/goals/{}/edit", goal.id);
    let anchor = format!("goal-{}", goal.id);
    let status = goal.status;
    let sub_goals = tree.children.get(&goal.id).map_or(0, Vec::len);
    let shown = tree
        .progress
        .get(&goal.id)
        .copied()
        .unwrap_or(goal.progress);
    let nested =
        tree.children.get(&goal.id).cloned().map(|items| {
            view! { <GoalList slug=slug.clone() items tree=tree.clone() /> }.into_any()
        });
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
