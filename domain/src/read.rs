//! The reads pages make: each page asks for what it shows — one object and the
//! titles of what it links to, a filtered list, the overview's slices — never the
//! whole hackfest. Every function here runs a fixed number of queries, whatever the
//! hackfest holds, and returns at most a bounded number of rows where the page shows
//! a bounded number.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::action::ActionItem;
use crate::db::Db;
use crate::decision::Decision;
use crate::goal::{Goal, GoalKind};
use crate::hackfest::Hackfest;
use crate::session::HackSession;
use crate::view::{Counts, GoalCard, GoalSlice, Titles};
use crate::{DomainError, on_db};

/// At most this many ids are looked up at once (a history holds few distinct links).
pub const TITLE_LOOKUP_MAX: usize = 200;

/// The kinds of object other objects link to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Linked {
    Goal,
    Session,
    Decision,
}

impl Linked {
    fn sql(self) -> &'static str {
        match self {
            Linked::Goal => {
                "SELECT id, title FROM goals WHERE hackfest_id = $1 ORDER BY created_at, id"
            }
            Linked::Session => {
                "SELECT id, title FROM hack_sessions WHERE hackfest_id = $1 ORDER BY starts_at, id"
            }
            Linked::Decision => {
                "SELECT id, title FROM decisions WHERE hackfest_id = $1 \
                 ORDER BY created_at DESC, id DESC"
            }
        }
    }
}

/// Every object of one kind, titles only (for a select of links).
pub async fn titles(db: &Db, hackfest_id: Uuid, kind: Linked) -> Result<Titles, DomainError> {
    let rows: Vec<(Uuid, String)> =
        on_db!(db, p => sqlx::query_as(kind.sql()).bind(hackfest_id).fetch_all(p).await)?;
    Ok(rows)
}

/// The titles of goals, sessions, decisions and action items of this hackfest among
/// `ids` (one query; ids of other hackfests, unknown ids and ids past
/// [`TITLE_LOOKUP_MAX`] are left out).
pub async fn titles_of(
    db: &Db,
    hackfest_id: Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, String>, DomainError> {
    let mut ids: Vec<Uuid> = ids.to_vec();
    ids.sort();
    ids.dedup();
    ids.truncate(TITLE_LOOKUP_MAX);
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let list = (0..ids.len())
        .map(|i| format!("${}", i + 2))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = ["goals", "hack_sessions", "decisions", "action_items"]
        .iter()
        .map(|t| format!("SELECT id, title FROM {t} WHERE hackfest_id = $1 AND id IN ({list})"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let rows: Vec<(Uuid, String)> = on_db!(db, p => {
        let mut q = sqlx::query_as(&sql).bind(hackfest_id);
        for id in &ids {
            q = q.bind(*id);
        }
        q.fetch_all(p).await
    })?;
    Ok(rows.into_iter().collect())
}

/// A session as a list shows it: without its agenda and notes, which a list never
/// shows (they would travel twice per row, as Markdown and rendered).
pub fn session_row(mut s: HackSession) -> HackSession {
    for t in [
        &mut s.agenda,
        &mut s.notes,
        &mut s.agenda_html,
        &mut s.notes_html,
    ] {
        t.clear();
    }
    s
}

/// A decision as a list shows it: without its context and text.
pub fn decision_row(mut d: Decision) -> Decision {
    for t in [
        &mut d.context,
        &mut d.decision,
        &mut d.context_html,
        &mut d.decision_html,
    ] {
        t.clear();
    }
    d
}

/// An action item as a list shows it: without its description.
pub fn action_row(mut a: ActionItem) -> ActionItem {
    a.description.clear();
    a
}

/// The ids a history mentions (link fields hold ids, comma-separated).
pub fn ids_in_history(entries: &[crate::history::HistoryEntry]) -> Vec<Uuid> {
    entries
        .iter()
        .flat_map(|e| e.changes.iter())
        .filter(|c| {
            c.field.ends_with("_id") || c.field.ends_with("_ids") || c.field == "superseded_by"
        })
        .flat_map(|c| [c.old.as_str(), c.new.as_str()])
        .flat_map(|v| v.split(','))
        .filter_map(|s| Uuid::parse_str(s.trim()).ok())
        .collect()
}

/// Action items linked to one goal, session or decision, in the order they were added.
pub async fn actions_linked(
    db: &Db,
    hackfest_id: Uuid,
    to: Linked,
    id: Uuid,
) -> Result<Vec<ActionItem>, DomainError> {
    let column = match to {
        Linked::Goal => "goal_id",
        Linked::Session => "session_id",
        Linked::Decision => "decision_id",
    };
    let sql = format!(
        "SELECT {} FROM action_items WHERE hackfest_id = $1 AND {column} = $2 ORDER BY created_at, id",
        crate::action::repo::COLUMNS
    );
    let rows: Vec<ActionItem> =
        on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).bind(id).fetch_all(p).await)?;
    Ok(rows.into_iter().map(action_row).collect())
}

/// Action items matching the list page's filter (status, owner, goal), in SQL.
pub async fn actions_filtered(
    db: &Db,
    hackfest_id: Uuid,
    f: &crate::action::ActionFilter,
) -> Result<Vec<ActionItem>, DomainError> {
    let mut sql = format!(
        "SELECT {} FROM action_items WHERE hackfest_id = $1",
        crate::action::repo::COLUMNS
    );
    let mut binds: Vec<String> = Vec::new();
    match f.status.as_str() {
        "" => {}
        "open_any" => sql.push_str(" AND status NOT IN ('done', 'dropped')"),
        s => {
            binds.push(s.to_owned());
            sql.push_str(&format!(" AND status = ${}", binds.len() + 1));
        }
    }
    let owner = f.owner.trim();
    if !owner.is_empty() {
        if !crate::text::lookup_key(owner) {
            return Ok(Vec::new());
        }
        binds.push(owner.to_owned());
        sql.push_str(&format!(" AND LOWER(owner) = LOWER(${})", binds.len() + 1));
    }
    let goal = match f.goal_id.trim() {
        "" => None,
        g => match Uuid::parse_str(g) {
            Ok(g) => Some(g),
            // A goal id that is no id matches nothing.
            Err(_) => return Ok(Vec::new()),
        },
    };
    if goal.is_some() {
        sql.push_str(&format!(" AND goal_id = ${}", binds.len() + 2));
    }
    sql.push_str(" ORDER BY created_at, id");
    let rows: Vec<ActionItem> = on_db!(db, p => {
        let mut q = sqlx::query_as(&sql).bind(hackfest_id);
        for b in &binds {
            q = q.bind(b.clone());
        }
        if let Some(g) = goal {
            q = q.bind(g);
        }
        q.fetch_all(p).await
    })?;
    Ok(rows.into_iter().map(action_row).collect())
}

/// The goals that have action items (the list page's goal filter), titles only.
pub async fn goals_with_actions(db: &Db, hackfest_id: Uuid) -> Result<Titles, DomainError> {
    Ok(on_db!(db, p => sqlx::query_as(
        "SELECT g.id, g.title FROM goals g WHERE g.hackfest_id = $1 AND EXISTS \
         (SELECT 1 FROM action_items a WHERE a.goal_id = g.id) ORDER BY g.created_at, g.id",
    )
    .bind(hackfest_id)
    .fetch_all(p)
    .await)?)
}

/// Decisions recorded in one session, newest first.
pub async fn decisions_of_session(
    db: &Db,
    hackfest_id: Uuid,
    session_id: Uuid,
) -> Result<Vec<Decision>, DomainError> {
    let sql = format!(
        "SELECT {} FROM decisions WHERE hackfest_id = $1 AND session_id = $2 \
         ORDER BY created_at DESC, id DESC",
        crate::decision::repo::COLUMNS
    );
    let rows: Vec<Decision> = on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).bind(session_id).fetch_all(p).await)?;
    Ok(rows.into_iter().map(decision_row).collect())
}

/// Decisions that `id` superseded (the ones it replaces), newest first.
pub async fn decisions_replaced_by(
    db: &Db,
    hackfest_id: Uuid,
    id: Uuid,
) -> Result<Vec<Decision>, DomainError> {
    let sql = format!(
        "SELECT {} FROM decisions WHERE hackfest_id = $1 AND superseded_by = $2 \
         ORDER BY created_at DESC, id DESC",
        crate::decision::repo::COLUMNS
    );
    let rows: Vec<Decision> =
        on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).bind(id).fetch_all(p).await)?;
    Ok(rows.into_iter().map(decision_row).collect())
}

/// The `limit` newest decisions.
pub async fn decisions_recent(
    db: &Db,
    hackfest_id: Uuid,
    limit: i64,
) -> Result<Vec<Decision>, DomainError> {
    let sql = format!(
        "SELECT {} FROM decisions WHERE hackfest_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        crate::decision::repo::COLUMNS
    );
    let rows: Vec<Decision> =
        on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).bind(limit).fetch_all(p).await)?;
    Ok(rows.into_iter().map(decision_row).collect())
}

/// The first `limit` open action items (how many in all: [`counts`]).
pub async fn actions_open(
    db: &Db,
    hackfest_id: Uuid,
    limit: i64,
) -> Result<Vec<ActionItem>, DomainError> {
    let sql = format!(
        "SELECT {} FROM action_items WHERE hackfest_id = $1 AND status NOT IN ('done', 'dropped') \
         ORDER BY created_at, id LIMIT $2",
        crate::action::repo::COLUMNS
    );
    let rows: Vec<ActionItem> =
        on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).bind(limit).fetch_all(p).await)?;
    Ok(rows.into_iter().map(action_row).collect())
}

/// How many sessions, decisions and open action items the hackfest has (one query).
pub async fn counts(db: &Db, hackfest_id: Uuid) -> Result<Counts, DomainError> {
    let (sessions, decisions, open_actions, goals): (i64, i64, i64, i64) = on_db!(db, p => sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM hack_sessions WHERE hackfest_id = $1), \
                (SELECT COUNT(*) FROM decisions WHERE hackfest_id = $1), \
                (SELECT COUNT(*) FROM action_items WHERE hackfest_id = $1 AND status NOT IN ('done', 'dropped')), \
                (SELECT COUNT(*) FROM goals WHERE hackfest_id = $1)",
    )
    .bind(hackfest_id)
    .fetch_one(p)
    .await)?;
    Ok(Counts {
        sessions,
        decisions,
        open_actions,
        goals,
    })
}

/// The sessions held on `day` of the hackfest's wall clock, in start order.
pub async fn sessions_on(
    db: &Db,
    h: &Hackfest,
    day: NaiveDate,
) -> Result<Vec<HackSession>, DomainError> {
    let tz = crate::hackfest::service::tz(h);
    let (from, to) = crate::hackfest::service::day_bounds(h, day);
    let sql = format!(
        "SELECT {} FROM hack_sessions WHERE hackfest_id = $1 AND starts_at >= $2 AND starts_at < $3 \
         ORDER BY starts_at, id",
        crate::session::repo::COLUMNS
    );
    let rows: Vec<HackSession> =
        on_db!(db, p => sqlx::query_as(&sql).bind(h.id).bind(from).bind(to).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(|s| session_row(crate::session::service::decorate(s, tz)))
        .collect())
}

/// Page `page` (from 1) of every goal, big ones first, then in the order they were added, and how many
/// goals there are.
pub async fn goals_page(
    db: &Db,
    hackfest_id: Uuid,
    page: u32,
    per_page: u32,
) -> Result<(Vec<Goal>, i64), DomainError> {
    let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
    let rows: Vec<crate::goal::repo::GoalRow> = on_db!(db, p => sqlx::query_as(
        "SELECT id, hackfest_id, title, description, kind, parent_id, status, progress, owner, \
         outcome, version, created_at, updated_at FROM goals WHERE hackfest_id = $1 \
         ORDER BY CASE kind WHEN 'big' THEN 0 ELSE 1 END, created_at, id LIMIT $2 OFFSET $3",
    )
    .bind(hackfest_id)
    .bind(i64::from(per_page))
    .bind(offset)
    .fetch_all(p)
    .await)?;
    let goals = rows
        .into_iter()
        .map(Goal::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((goals, counts(db, hackfest_id).await?.goals))
}

/// The goals `id` may become a sub-goal of, titles only, in list order: never the
/// goal itself or one of its descendants, nor a goal so deep that the goal and its
/// sub-goals would pass [`crate::goal::MAX_DEPTH`]; its current parent always stays a
/// choice. `None`: a new goal (no sub-goals yet). Walks with a memo and a queue,
/// never by recursion (an old database may hold a deep chain, or even a cycle).
pub fn parent_choices(goals: &[Goal], id: Option<Uuid>) -> Titles {
    use std::collections::HashSet;
    let max = crate::goal::MAX_DEPTH;
    let parent: HashMap<Uuid, Option<Uuid>> = goals.iter().map(|g| (g.id, g.parent_id)).collect();
    // Each goal's level (1 = top level); a goal in a cycle gets none.
    let mut level: HashMap<Uuid, usize> = HashMap::new();
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
    // The goal and everything below it.
    let below: Vec<Uuid> = match id {
        None => Vec::new(),
        Some(root) => {
            let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
            for g in goals {
                if let Some(p) = g.parent_id {
                    children.entry(p).or_default().push(g.id);
                }
            }
            let mut seen = HashSet::from([root]);
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
    };
    let height = id.map_or(0, |id| {
        let own = level.get(&id).copied().unwrap_or(1);
        below
            .iter()
            .filter_map(|d| level.get(d))
            .map(|l| l.saturating_sub(own))
            .max()
            .unwrap_or(0)
    });
    let current = id.and_then(|id| parent.get(&id).copied().flatten());
    let excluded: HashSet<Uuid> = below.into_iter().collect();
    goals
        .iter()
        .filter(|g| !excluded.contains(&g.id))
        .filter(|g| {
            Some(g.id) == current || level.get(&g.id).is_some_and(|l| l + 1 + height <= max)
        })
        .map(|g| (g.id, g.title.clone()))
        .collect()
}

/// What the overview shows of a large goal tree: at most this many big goals…
pub const OVERVIEW_BIG_GOALS: usize = 50;
/// …sub-goals under each shown goal…
pub const OVERVIEW_SUB_GOALS: usize = 5;
/// …top-level small goals, and goals in all.
pub const OVERVIEW_SMALL_GOALS: usize = 20;
pub const OVERVIEW_GOALS_MAX: usize = 200;

/// The overview's goals (see [`GoalSlice`]), or below `root` for a goal's page.
pub async fn goal_slice(
    db: &Db,
    hackfest_id: Uuid,
    root: Option<Uuid>,
    per_goal: usize,
    small: usize,
    budget: usize,
) -> Result<GoalSlice, DomainError> {
    let key = SliceKey {
        hackfest_id,
        root,
        per_goal,
        small,
        budget,
    };
    let fingerprint = crate::goal::repo::tree_fingerprint(db, hackfest_id).await?;
    if let Some(hit) = slices::get(&key, &fingerprint) {
        return Ok(hit);
    }
    let goals: Vec<Goal> = crate::goal::repo::list_tree(db, hackfest_id).await?;
    let cut = slice(goals, root, per_goal, small, budget);
    slices::put(key, fingerprint, &cut);
    Ok(cut)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct SliceKey {
    hackfest_id: Uuid,
    root: Option<Uuid>,
    per_goal: usize,
    small: usize,
    budget: usize,
}

/// The goal trees this process cut last, each under the fingerprint of the goals it
/// was cut from ([`crate::goal::repo::tree_fingerprint`], read from the database on
/// every call, so several instances never serve one another's stale tree). Reading a
/// thousand goals and rolling them up was most of an overview's time; the
/// fingerprint is one aggregate over the hackfest's goals.
mod slices {
    use super::SliceKey;
    use crate::view::GoalSlice;
    use std::collections::HashMap;
    use std::sync::{Arc, LazyLock, Mutex};

    /// Bounded: beyond this many trees the cache starts again.
    const MAX_ENTRIES: usize = 256;

    type Entries = HashMap<SliceKey, (String, Arc<GoalSlice>)>;
    static CACHE: LazyLock<Mutex<Entries>> = LazyLock::new(Default::default);

    pub fn get(key: &SliceKey, fingerprint: &str) -> Option<GoalSlice> {
        let cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        let (f, cut) = cache.get(key)?;
        (f == fingerprint).then(|| GoalSlice::clone(cut))
    }

    pub fn put(key: SliceKey, fingerprint: String, cut: &GoalSlice) {
        let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= MAX_ENTRIES && !cache.contains_key(&key) {
            cache.clear();
        }
        cache.insert(key, (fingerprint, Arc::new(cut.clone())));
    }
}

/// [`goal_slice`] on goals already read (pure; unit-tested).
pub fn slice(
    goals: Vec<Goal>,
    root: Option<Uuid>,
    per_goal: usize,
    small: usize,
    budget: usize,
) -> GoalSlice {
    use std::collections::{HashSet, VecDeque};
    let rolled = crate::goal::rolled_up_progress(&goals);
    let known: HashSet<Uuid> = goals.iter().map(|g| g.id).collect();
    let mut children: HashMap<Uuid, Vec<usize>> = HashMap::new();
    let mut top: Vec<usize> = Vec::new();
    for (i, g) in goals.iter().enumerate() {
        match g.parent_id.filter(|p| known.contains(p)) {
            Some(p) if Some(g.id) != root => children.entry(p).or_default().push(i),
            // A goal whose parent is unknown is shown at the top level, never lost.
            _ => top.push(i),
        }
    }
    let mut shown: HashSet<Uuid> = HashSet::new();
    let mut queue: VecDeque<usize> = VecDeque::new();
    let (mut more_big, mut more_small) = (0, 0);
    match root {
        Some(r) => {
            if let Some(i) = goals.iter().position(|g| g.id == r) {
                queue.push_back(i);
            }
        }
        None => {
            // Big goals first, then the first `small` small ones.
            let (big, rest): (Vec<usize>, Vec<usize>) =
                top.iter().partition(|&&i| goals[i].kind == GoalKind::Big);
            more_big = big.len().saturating_sub(OVERVIEW_BIG_GOALS);
            queue.extend(big.into_iter().take(OVERVIEW_BIG_GOALS));
            more_small = rest.len().saturating_sub(small);
            queue.extend(rest.into_iter().take(small));
        }
    }
    let mut order: Vec<(usize, usize)> = Vec::new(); // (index, more)
    let mut depth: HashMap<Uuid, usize> = HashMap::new();
    while let Some(i) = queue.pop_front() {
        let g = &goals[i];
        if !shown.insert(g.id) {
            continue; // a cycle (the service never lets one in)
        }
        let level = g.parent_id.and_then(|p| depth.get(&p)).map_or(1, |d| d + 1);
        depth.insert(g.id, level);
        let kids: Vec<usize> = children
            .get(&g.id)
            .map(|k| {
                k.iter()
                    .copied()
                    .filter(|&k| !shown.contains(&goals[k].id))
                    .collect()
            })
            .unwrap_or_default();
        let room = if level >= crate::goal::MAX_DEPTH {
            0
        } else {
            per_goal.min(budget.saturating_sub(shown.len() + queue.len()))
        };
        let take = kids.len().min(room);
        queue.extend(kids.iter().take(take));
        order.push((i, kids.len() - take));
    }
    let count: HashMap<Uuid, usize> = children.iter().map(|(k, v)| (*k, v.len())).collect();
    let mut goals: Vec<Option<Goal>> = goals.into_iter().map(Some).collect();
    let cards = order
        .into_iter()
        .filter_map(|(i, more)| {
            let mut goal = goals[i].take()?;
            // Shown rendered only: the Markdown source would travel a second time.
            goal.outcome_html = crate::markdown::render(&goal.outcome);
            goal.outcome.clear();
            let id = goal.id;
            Some(GoalCard {
                shown: rolled.get(&id).copied().unwrap_or(goal.progress),
                sub_goals: count.get(&id).copied().unwrap_or(0),
                more,
                goal,
            })
        })
        .collect();
    GoalSlice {
        cards,
        more_big,
        more_small,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goal::GoalStatus;

    fn goal(kind: GoalKind, parent: Option<Uuid>) -> Goal {
        Goal {
            id: Uuid::now_v7(),
            hackfest_id: Uuid::nil(),
            title: "g".into(),
            description: String::new(),
            kind,
            parent_id: parent,
            status: GoalStatus::Active,
            progress: 50,
            owner: String::new(),
            outcome: String::new(),
            version: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            outcome_html: String::new(),
        }
    }

    #[test]
    fn a_large_tree_is_cut_to_its_budget_with_counts_of_what_is_left_out() {
        let mut goals = Vec::new();
        for _ in 0..20 {
            let big = goal(GoalKind::Big, None);
            let id = big.id;
            goals.push(big);
            for _ in 0..16 {
                goals.push(goal(GoalKind::Small, Some(id)));
            }
        }
        for _ in 0..650 {
            goals.push(goal(GoalKind::Small, None));
        }
        let s = slice(goals, None, 5, 20, 200);
        assert_eq!((s.more_big, s.more_small), (0, 630));
        assert_eq!(s.cards.len(), 20 + 20 * 5 + 20);
        let bigs: Vec<_> = s
            .cards
            .iter()
            .filter(|c| c.goal.kind == GoalKind::Big)
            .collect();
        assert!(bigs.iter().all(|c| c.sub_goals == 16 && c.more == 11));
    }

    #[test]
    fn ten_thousand_big_goals_are_cut_too() {
        let goals: Vec<Goal> = (0..10_000).map(|_| goal(GoalKind::Big, None)).collect();
        let s = slice(goals, None, 5, 20, 200);
        assert_eq!(s.cards.len(), OVERVIEW_BIG_GOALS);
        assert_eq!(s.more_big, 10_000 - OVERVIEW_BIG_GOALS);
    }

    #[test]
    fn a_cycle_and_a_deep_chain_end() {
        let mut a = goal(GoalKind::Big, None);
        let b = goal(GoalKind::Small, Some(a.id));
        a.parent_id = Some(b.id);
        let mut chain = vec![goal(GoalKind::Big, None)];
        for _ in 0..3000 {
            let p = chain.last().map(|g| g.id);
            chain.push(goal(GoalKind::Small, p));
        }
        let mut all = vec![a, b];
        all.extend(chain);
        let s = slice(all, None, 5, 20, 200);
        assert!(s.cards.len() <= 200);
        // The chain is shown to the tree's depth limit, then "more".
        assert!(s.cards.iter().any(|c| c.more == 1));
    }

    #[test]
    fn below_a_root() {
        let big = goal(GoalKind::Big, None);
        let kids: Vec<Goal> = (0..7)
            .map(|_| goal(GoalKind::Small, Some(big.id)))
            .collect();
        let id = big.id;
        let mut all = vec![big];
        all.extend(kids);
        let s = slice(all, Some(id), 50, 0, 200);
        assert_eq!(s.cards.len(), 8);
        assert_eq!(s.cards[0].goal.id, id);
    }
}
