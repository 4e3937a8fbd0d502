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
    Ok(Session {
        viewer: super::viewer(),
        dev_login: st.dev_login,
    })
}

/// Joins a hackfest as an attendee (any signed-in person).
#[server(endpoint = "hackfests/join")]
pub async fn join_hackfest(slug: String) -> Result<Role, AppError> {
    let viewer = super::require_signed_in()?;
    let st = crate::state::app_state()?;
    let hackfest = domain::hackfest::service::by_slug(&st.db, &slug).await?;
    let user = viewer.user.as_ref().ok_or(AppError::Unauthorized)?;
    domain::user::repo::set_membership(&st.db, hackfest.id, user.id, Role::Attendee)
        .await
        .map_err(domain::DomainError::from)?;
    let membership = domain::user::repo::membership(&st.db, hackfest.id, user.id)
        .await
        .map_err(domain::DomainError::from)?;
    Ok(viewer.role(membership))
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
