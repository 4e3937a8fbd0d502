//! What a meeting's import shows and does: the wire types (also compiled for the
//! browser).

use serde::{Deserialize, Serialize};

use super::minutes::{Item, ItemKind, Source};

/// One line of the preview: the item, who will own it (actions), and whether an
/// earlier import of this session already created it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Planned {
    pub item: Item,
    pub owner: Option<String>,
    pub already: bool,
}

/// What an import of this log into this session would do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub title: Option<String>,
    pub items: Vec<Planned>,
    /// Nicks that actions name but that are no known person and are not mapped.
    pub unknown: Vec<String>,
    /// Commands not taken (a non-chair's `#agreed`, an `#undo` with nothing before it…).
    pub skipped: Vec<Source>,
}

impl Preview {
    /// How many of each the import creates (what is `already` there is not counted).
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for p in &self.items {
            if p.already {
                c.already += 1;
                continue;
            }
            match p.item.kind {
                ItemKind::Agreed | ItemKind::Rejected => c.decisions += 1,
                ItemKind::Action => c.actions += 1,
                _ => c.notes += 1,
            }
        }
        c
    }
}

/// What an import created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub decisions: usize,
    pub actions: usize,
    pub notes: usize,
    /// Items an earlier import already created.
    pub already: usize,
}
