//! Typed ids: a hackfest's id and an object's id are both UUIDs, and a function that
//! takes both (`insert(tx, id, hackfest_id, …)`) would compile with them swapped.
//! These wrappers make that a type error where it matters — the shared write path
//! (`crate::write`) and the repositories' inserts — while the wire DTOs and the
//! public services keep plain `Uuid`s (converted at the boundary).
//!
//! On the wire and in the database they are the UUID itself (`#[serde(transparent)]`,
//! `#[sqlx(transparent)]`).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "server", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new id (UUID v7: ordered by creation time).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

typed_ids! {
    /// A hackfest's id.
    HackfestId;
    /// A goal's id.
    GoalId;
    /// A hackfest session's id.
    SessionId;
    /// A decision's id.
    DecisionId;
    /// An action item's id.
    ActionItemId;
    /// A wiki page's id.
    PageId;
    /// A room's id.
    RoomId;
    /// A question's id (questions are asked on wiki pages).
    QuestionId;
    /// A daily or event summary's id.
    SummaryId;
    /// A travel request's id.
    TravelId;
    /// A hackfest's travel budget's id.
    BudgetId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_uuid_on_the_wire() {
        let u = Uuid::now_v7();
        let id = GoalId(u);
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            serde_json::to_string(&u).unwrap()
        );
        assert_eq!(id.to_string(), u.to_string());
        assert_eq!(Uuid::from(id), u);
        let back: HackfestId = serde_json::from_value(serde_json::json!(u)).unwrap();
        assert_eq!(back.0, u);
    }
}
