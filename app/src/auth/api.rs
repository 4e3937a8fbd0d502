use domain::user::{Role, Viewer};
use leptos::prelude::*;

use crate::error::AppError;

/// Who is signed in, and whether the development sign-in is on.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Session {
    pub viewer: Viewer,
    pub dev_login: bool,
}

#[server(endpoint = "auth/session")]
pub async fn get_session() -> Result<Session, AppError> {
    let st = crate::state::app_state()?;
    // Offered only where this very request could use it (not through a proxy).
    let here = use_context::<axum::http::request::Parts>()
        .and_then(|p| {
            p.extensions
                .get::<crate::state::DevSignInOffered>()
                .copied()
        })
        .is_some_and(|d| d.0);
    Ok(Session {
        viewer: super::viewer(),
        dev_login: st.dev_login && here,
    })
}

/// Joins a hackfest as an attendee (any signed-in person).
#[server(endpoint = "hackfests/join")]
pub async fn join_hackfest(slug: String) -> Result<Role, AppError> {
    let viewer = super::require_signed_in()?;
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    let user = viewer.user.as_ref().ok_or(AppError::Unauthorized)?;
    // The stored role as the join's own transaction left it: no read after commit.
    let stored =
        domain::hackfest::service::join(&s.db, &s.hackfest, user.id, &user.username).await?;
    Ok(viewer.role(Some(stored)))
}

/// The viewer's role in a hackfest (server only).
#[cfg(feature = "ssr")]
pub async fn role_in(
    db: &domain::db::Db,
    viewer: &Viewer,
    hackfest_id: uuid::Uuid,
) -> Result<Role, AppError> {
    let membership = match &viewer.user {
        Some(u) => domain::user::repo::membership(db, hackfest_id, u.id)
            .await
            .map_err(domain::DomainError::from)?,
        None => None,
    };
    Ok(viewer.role(membership))
}

/// A hackfest the viewer belongs to, and their role there.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Membership {
    pub hackfest: domain::hackfest::Hackfest,
    pub role: Role,
}

#[server(endpoint = "me/hackfests")]
pub async fn my_hackfests() -> Result<Vec<Membership>, AppError> {
    let viewer = super::require_signed_in()?;
    let st = crate::state::app_state()?;
    let user = viewer.user.as_ref().ok_or(AppError::Unauthorized)?;
    let rows = domain::hackfest::repo::list_for_member(&st.db, user.id)
        .await
        .map_err(domain::DomainError::from)?;
    Ok(rows
        .into_iter()
        .map(|(hackfest, stored)| {
            let stored = if stored == "organizer" {
                Role::Organizer
            } else {
                Role::Attendee
            };
            Membership {
                hackfest,
                role: viewer.role(Some(stored)),
            }
        })
        .collect())
}

/// Makes a person who has signed in before an organizer of this hackfest (organizers only).
#[server(endpoint = "hackfests/grant-organizer")]
pub async fn grant_organizer(slug: String, username: String) -> Result<(), AppError> {
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    let actor = s.organizer()?;
    let (st, hackfest) = (&s, &s.hackfest);
    let username = username.trim();
    let field = |m: &str| {
        let e = AppError::Validation(domain::FieldErrors::single("username", m));
        e.set_response_status();
        e
    };
    if username.is_empty() {
        return Err(field("Username is required."));
    }
    let found = domain::user::repo::find_by_username(&st.db, username)
        .await
        .map_err(domain::DomainError::from)?;
    let user = match found.as_slice() {
        [one] => one,
        [] => return Err(field("No one with this username has signed in yet.")),
        _ => return Err(field("Several people use this username; ask an admin.")),
    };
    domain::hackfest::service::grant_organizer(&st.db, hackfest, user.id, &user.username, &actor)
        .await?;
    Ok(())
}

/// An action item of the viewer's, with where it belongs.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MyAction {
    pub item: domain::action::ActionItem,
    pub hackfest_slug: String,
    pub hackfest_title: String,
    /// Open and due before today (on that hackfest's wall clock).
    pub overdue: bool,
}

/// The viewer's action items across every hackfest: open ones first, soonest due first.
#[server(endpoint = "me/actions")]
pub async fn my_actions() -> Result<Vec<MyAction>, AppError> {
    let viewer = super::require_signed_in()?;
    let st = crate::state::app_state()?;
    let username = viewer.username().unwrap_or_default().to_owned();
    let hackfests = domain::hackfest::service::list(&st.db).await?;
    let mut out: Vec<MyAction> = domain::action::service::for_owner(&st.db, &username)
        .await?
        .into_iter()
        .filter_map(|item| {
            let h = hackfests.iter().find(|h| h.id == item.hackfest_id)?;
            Some(MyAction {
                overdue: item.is_overdue(domain::hackfest::service::today(h)),
                hackfest_slug: h.slug.clone(),
                hackfest_title: h.title.clone(),
                item,
            })
        })
        .collect();
    out.sort_by_key(|a| !a.item.status.is_open());
    Ok(out)
}
