use domain::goal::{Goal, GoalKind, GoalStatus};
use leptos::prelude::*;
use uuid::Uuid;

/// Big goals, then small ones; sub-goals nested under their parent.
#[component]
pub fn GoalTree(slug: String, goals: Vec<Goal>) -> impl IntoView {
    if goals.is_empty() {
        return view! { <p class="empty">"No goals yet. Add the first one."</p> }.into_any();
    }
    let known: Vec<Uuid> = goals.iter().map(|g| g.id).collect();
    // A goal whose parent is not in the list is shown at the top level, never lost.
    let is_root = |g: &Goal| g.parent_id.is_none_or(|p| !known.contains(&p));
    let roots = |kind: GoalKind| -> Vec<Goal> {
        goals
            .iter()
            .filter(|g| g.kind == kind && is_root(g))
            .cloned()
            .collect()
    };
    let (big, small) = (roots(GoalKind::Big), roots(GoalKind::Small));
    view! {
        <div class="goal-tree">
            {(!big.is_empty()).then(|| view! {
                <h3 class="kind-head">"Big goals"</h3>
                <GoalList slug=slug.clone() items=big all=goals.clone() />
            })}
            {(!small.is_empty()).then(|| view! {
                <h3 class="kind-head">"Small goals"</h3>
                <GoalList slug=slug.clone() items=small all=goals.clone() />
            })}
        </div>
    }
    .into_any()
}

#[component]
fn GoalList(slug: String, items: Vec<Goal>, all: Vec<Goal>) -> impl IntoView {
    view! {
        <ul class="goals">
            {items.into_iter().map(|g| {
                let children: Vec<Goal> = all.iter().filter(|c| c.parent_id == Some(g.id)).cloned().collect();
                view! { <GoalItem slug=slug.clone() goal=g children all=all.clone() /> }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn GoalItem(slug: String, goal: Goal, children: Vec<Goal>, all: Vec<Goal>) -> impl IntoView {
    let edit = format!("/h/{slug}/goals/{}/edit", goal.id);
    let anchor = format!("goal-{}", goal.id);
    let status = goal.status;
    let nested = (!children.is_empty())
        .then(|| view! { <GoalList slug=slug.clone() items=children all /> }.into_any());
    view! {
        <li class="goal" id=anchor data-status=status.as_str()>
            <div class="goal-main">
                <div class="goal-title">
                    <a href=edit.clone() class="goal-link">{goal.title.clone()}</a>
                    <StatusBadge status />
                </div>
                <Progress value=goal.progress label=goal.title.clone() />
                <p class="meta">
                    {(!goal.owner.is_empty()).then(|| view! { <span>"Owner: " {goal.owner.clone()}</span> })}
                </p>
                {(!goal.description.is_empty()).then(|| view! { <p class="goal-desc">{goal.description.clone()}</p> })}
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
