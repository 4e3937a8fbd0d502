use domain::goal::{Goal, GoalKind, GoalStatus, MAX_DEPTH};
use domain::view::{GoalCard, GoalSlice};
use leptos::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use uuid::Uuid;

/// The shown part of a goal tree by parent: each goal's shown sub-goals, in order.
#[derive(Clone)]
struct Tree {
    children: Arc<HashMap<Uuid, Vec<GoalCard>>>,
}

/// Big goals, then small ones; sub-goals nested under their parent. The server sends
/// a bounded part of a large tree ([`GoalSlice`]): a goal whose sub-goals are not all
/// shown links to its page for the rest, and the small goals not shown are counted
/// with a link to the list of every goal. Rendering never recurses past
/// [`MAX_DEPTH`] levels (the slice stops there).
#[component]
pub fn GoalTree(
    slug: String,
    slice: GoalSlice,
    /// The goal whose sub-goals these are (a goal's page), or the whole hackfest.
    #[prop(optional)]
    root: Option<Uuid>,
) -> impl IntoView {
    let GoalSlice {
        cards,
        more_big,
        more_small,
    } = slice;
    if cards.is_empty() {
        return view! { <p class="empty">"No goals yet. Add the first one."</p> }.into_any();
    }
    let known: HashSet<Uuid> = cards.iter().map(|c| c.goal.id).collect();
    let mut children: HashMap<Uuid, Vec<GoalCard>> = HashMap::new();
    let mut top = Vec::new();
    for c in cards {
        match c
            .goal
            .parent_id
            .filter(|p| known.contains(p) && Some(c.goal.id) != root)
        {
            Some(parent) => children.entry(parent).or_default().push(c),
            None => top.push(c),
        }
    }
    let tree = Tree {
        children: Arc::new(children),
    };
    if root.is_some() {
        return view! { <GoalList slug items=top tree depth=1 /> }.into_any();
    }
    let (big, small): (Vec<GoalCard>, Vec<GoalCard>) =
        top.into_iter().partition(|c| c.goal.kind == GoalKind::Big);
    let all = format!("/h/{slug}/goals");
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
            {(more_big + more_small > 0).then(|| {
                let more = match (more_big, more_small) {
                    (0, s) => format!("{s} more small goal{}", if s == 1 { "" } else { "s" }),
                    (b, 0) => format!("{b} more big goal{}", if b == 1 { "" } else { "s" }),
                    (b, s) => format!("{b} more big and {s} more small goals"),
                };
                view! { <p class="more"><a href=all>{format!("{more} — see every goal")}</a></p> }
            })}
        </div>
    }
    .into_any()
}

/// `items` at level `depth` of the tree (1 = top level).
#[component]
fn GoalList(slug: String, items: Vec<GoalCard>, tree: Tree, depth: usize) -> impl IntoView {
    view! {
        <ul class="goals">
            {items.into_iter().map(|c| {
                view! { <GoalItem slug=slug.clone() card=c tree=tree.clone() depth /> }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// One goal at level `depth`, its shown sub-goals nested below it.
#[component]
fn GoalItem(slug: String, card: GoalCard, tree: Tree, depth: usize) -> impl IntoView {
    let GoalCard {
        goal,
        shown,
        sub_goals,
        more,
    } = card;
    let page = format!("/h/{slug}/goals/{}", goal.id);
    let anchor = format!("goal-{}", goal.id);
    let status = goal.status;
    let own = goal.progress;
    let nested = tree
        .children
        .get(&goal.id)
        .cloned()
        .filter(|_| depth < MAX_DEPTH)
        .map(|items| view! { <GoalList slug=slug.clone() items tree=tree.clone() depth=depth + 1 /> });
    let more_link = (more > 0).then(|| {
        view! {
            <p class="meta more"><a href=page.clone()>{format!("{more} more sub-goal{}", if more == 1 { "" } else { "s" })}</a></p>
        }
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
                    <a href=page.clone() class="goal-link">{title.clone()}</a>
                    <StatusBadge status />
                </div>
                <Progress value=shown label=title.clone() />
                // The bar shows the sub-goals' average; the goal's own figure stays in view.
                {(sub_goals > 0).then(|| view! {
                    <p class="meta rollup">{format!("Rolled up from {sub_goals} sub-goal{}; its own progress: {own}%", if sub_goals == 1 { "" } else { "s" })}</p>
                })}
                {(!owner.is_empty()).then(|| view! { <p class="meta"><span>"Owner: " {owner}</span></p> })}
                {(!description.is_empty()).then(|| view! { <p class="goal-desc">{description}</p> })}
                {(!outcome_html.is_empty()).then(|| view! {
                    <details class="outcome"><summary>"Outcome"</summary><div class="markdown" inner_html=outcome_html></div></details>
                })}
            </div>
            {nested}
            {more_link}
        </li>
    }
    .into_any()
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
