//! One place that resolves a hackfest for a server function: the slug, the viewer's
//! role there and what that role may do. Every server function of a hackfest starts
//! with [`Scope::of`], so none of them can forget the authorisation step or look the
//! hackfest up differently.

use domain::db::Db;
use domain::hackfest::Hackfest;
use domain::user::{Role, Viewer};

use crate::error::AppError;

/// A hackfest, as the viewer of this request sees it.
pub struct Scope {
    pub db: Db,
    pub hackfest: Hackfest,
    pub viewer: Viewer,
    pub role: Role,
}

impl Scope {
    /// The hackfest `slug` names (404 when there is none) and the viewer's role in it:
    /// two queries, whatever the hackfest holds.
    pub async fn of(slug: &str) -> Result<Scope, AppError> {
        let st = crate::state::app_state()?;
        Self::resolve(st.db, slug, crate::auth::viewer()).await
    }

    /// [`Scope::of`] for a viewer known otherwise (the JSON API's token holder).
    pub async fn resolve(db: Db, slug: &str, viewer: Viewer) -> Result<Scope, AppError> {
        // The hackfest and the viewer's membership in one query.
        let (hackfest, membership) =
            domain::user::repo::hackfest_by_slug_for(&db, slug, viewer.user.as_ref().map(|u| u.id))
                .await
                .map_err(domain::DomainError::from)?
                .ok_or(domain::DomainError::NotFound("hackfest"))?;
        let role = viewer.role(membership);
        Ok(Scope {
            db,
            hackfest,
            viewer,
            role,
        })
    }

    /// The viewer's username if they may edit this hackfest's content (goals,
    /// sessions, decisions, action items, pages); 401 or 403 otherwise.
    pub fn editor(&self) -> Result<String, AppError> {
        match self.viewer.username() {
            Some(name) if self.role.can_edit_content() => Ok(name.to_owned()),
            _ => Err(crate::auth::deny(&self.viewer)),
        }
    }

    /// The viewer's username if they organise this hackfest; 401 or 403 otherwise.
    pub fn organizer(&self) -> Result<String, AppError> {
        match self.viewer.username() {
            Some(name) if self.role.can_organize() => Ok(name.to_owned()),
            _ => Err(crate::auth::deny(&self.viewer)),
        }
    }

    /// Which rooms the viewer may book a session in: organizers any, attendees those
    /// open for breakouts.
    pub fn bookable_rooms(&self) -> domain::session::service::Rooms {
        if self.role.can_organize() {
            domain::session::service::Rooms::All
        } else {
            domain::session::service::Rooms::Breakouts
        }
    }

    /// What the hackfest's pages show around their own data.
    pub fn view(&self) -> super::api::HackfestScope {
        super::api::HackfestScope {
            today: domain::hackfest::service::today(&self.hackfest),
            hackfest: self.hackfest.clone(),
            role: self.role,
        }
    }
}
