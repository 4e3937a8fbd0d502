use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A signed-in person as the browser sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub groups: Vec<String>,
}

/// What the identity provider told us at sign-in (or the development sign-in chose).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub groups: Vec<String>,
}

/// A person's role in one hackfest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Anonymous,
    /// Signed in, not joined.
    Visitor,
    Attendee,
    Organizer,
    Admin,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Anonymous => "not signed in",
            Role::Visitor => "visitor",
            Role::Attendee => "attendee",
            Role::Organizer => "organizer",
            Role::Admin => "admin",
        }
    }

    /// Attendees edit goals, sessions, decisions, action items and pages.
    pub fn can_edit_content(self) -> bool {
        self >= Role::Attendee
    }

    /// Organizers manage the hackfest itself, rooms, travel and who organizes.
    pub fn can_organize(self) -> bool {
        self >= Role::Organizer
    }
}

/// Who is asking, across all hackfests: computed once per request from the session.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user: Option<User>,
    /// From configured admin groups or usernames.
    pub admin: bool,
    /// From configured organizer groups: organizer of every hackfest, may create hackfests.
    pub organizer_everywhere: bool,
}

impl Viewer {
    pub fn anonymous() -> Self {
        Viewer::default()
    }

    pub fn signed_in(&self) -> bool {
        self.user.is_some()
    }

    /// The role in a hackfest, given the membership role stored for it (if any).
    pub fn role(&self, membership: Option<Role>) -> Role {
        if self.user.is_none() {
            return Role::Anonymous;
        }
        if self.admin {
            return Role::Admin;
        }
        let from_groups = if self.organizer_everywhere {
            Role::Organizer
        } else {
            Role::Visitor
        };
        membership.map_or(from_groups, |m| m.max(from_groups))
    }

    pub fn can_create_hackfest(&self) -> bool {
        self.admin || self.organizer_everywhere
    }

    pub fn username(&self) -> Option<&str> {
        self.user.as_ref().map(|u| u.username.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(admin: bool, org: bool) -> Viewer {
        Viewer {
            user: Some(User {
                id: Uuid::nil(),
                username: "alice".into(),
                display_name: "Alice".into(),
                email: String::new(),
                groups: vec![],
            }),
            admin,
            organizer_everywhere: org,
        }
    }

    #[test]
    fn roles_combine_membership_and_groups() {
        assert_eq!(
            Viewer::anonymous().role(Some(Role::Organizer)),
            Role::Anonymous
        );
        assert_eq!(viewer(false, false).role(None), Role::Visitor);
        assert_eq!(
            viewer(false, false).role(Some(Role::Attendee)),
            Role::Attendee
        );
        assert_eq!(
            viewer(false, true).role(Some(Role::Attendee)),
            Role::Organizer
        );
        assert_eq!(viewer(true, false).role(None), Role::Admin);
        assert!(!Role::Visitor.can_edit_content());
        assert!(Role::Attendee.can_edit_content() && !Role::Attendee.can_organize());
        assert!(
            viewer(false, true).can_create_hackfest()
                && !viewer(false, false).can_create_hackfest()
        );
    }
}
