//! What pages receive: small wire types built by [`crate::read`] on the server and
//! shown by the UI. Always compiled (the browser deserialises them).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::goal::Goal;

/// An id and the title people know the object by (links, selects, history lines).
pub type Titles = Vec<(Uuid, String)>;

/// How many sessions, decisions, open action items and goals a hackfest has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub sessions: i64,
    pub decisions: i64,
    pub open_actions: i64,
    pub goals: i64,
}

/// One goal as the overview's tree shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalCard {
    pub goal: Goal,
    /// Rolled up from the sub-goals (its own progress when it has none).
    pub shown: u8,
    /// Direct sub-goals in all…
    pub sub_goals: usize,
    /// …and how many of them the tree leaves out (the goal's page lists them all).
    pub more: usize,
}

/// The part of a goal tree a page shows: every big goal, at most `per_goal`
/// sub-goals under each shown goal, at most `small` top-level small goals, and at most
/// `budget` goals in all (breadth first, so the top levels come first). Progress is
/// rolled up over the whole tree, not only the shown part.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GoalSlice {
    pub cards: Vec<GoalCard>,
    /// Top-level big goals left out (only past [`crate::read`]'s cap on big goals)…
    pub more_big: usize,
    /// …and top-level small goals left out.
    pub more_small: usize,
}
