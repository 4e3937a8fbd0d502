//! Sign-in (OpenID Connect, or the loopback-only development sign-in), server-side
//! sessions in the app's database, and who the viewer of each request is.

pub mod csrf;
pub mod oidc;
pub mod routes;
pub mod store;

use std::sync::Arc;

use axum::Extension;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use domain::db::Db;
use domain::user::{Identity, Viewer};
use tower_sessions::Session;
use uuid::Uuid;

pub use oidc::{Oidc, OidcSettings};

/// Session keys.
pub const UID: &str = "uid";
pub const LOGIN_AT: &str = "login_at";
pub const ATTEMPTS: &str = "oidc_attempts";

/// Which groups and usernames get which powers.
#[derive(Clone, Debug, Default)]
pub struct RolePolicy {
    pub admin_groups: Vec<String>,
    pub admin_users: Vec<String>,
    pub organizer_groups: Vec<String>,
}

impl RolePolicy {
    pub fn viewer(&self, user: domain::user::User) -> Viewer {
        let in_any = |groups: &[String]| user.groups.iter().any(|g| groups.contains(g));
        let admin = in_any(&self.admin_groups) || self.admin_users.contains(&user.username);
        let organizer_everywhere = in_any(&self.organizer_groups);
        Viewer {
            user: Some(user),
            admin,
            organizer_everywhere,
        }
    }
}

pub struct Auth {
    pub db: Db,
    pub oidc: Option<Arc<Oidc>>,
    /// The development sign-in: only without an issuer and on a loopback address.
    pub dev_login: bool,
    pub policy: RolePolicy,
    pub public_url: String,
    /// Sign in again after this long, however active the session (idle expiry is the cookie's).
    pub absolute_lifetime: chrono::TimeDelta,
}

/// Groups the development sign-in gives for each role it offers.
pub const DEV_ORGANIZER_GROUP: &str = "hackfest-dev-organizers";
pub const DEV_ADMIN_GROUP: &str = "hackfest-dev-admins";

impl Auth {
    /// The viewer of a request, from its session (no database access without a cookie).
    pub async fn viewer(&self, session: &Session) -> Viewer {
        let uid = match session.get::<Uuid>(UID).await {
            Ok(Some(uid)) => uid,
            _ => return Viewer::anonymous(),
        };
        let login_at = session
            .get::<i64>(LOGIN_AT)
            .await
            .ok()
            .flatten()
            .unwrap_or(0);
        if Utc::now().timestamp() - login_at > self.absolute_lifetime.num_seconds() {
            // SECURITY 16: the absolute lifetime is over.
            let _ = session.flush().await;
            return Viewer::anonymous();
        }
        match domain::user::repo::get(&self.db, uid).await {
            Ok(Some(user)) => self.policy.viewer(user),
            Ok(None) => Viewer::anonymous(),
            Err(e) => {
                tracing::error!(error = %e, "loading the signed-in user failed");
                Viewer::anonymous()
            }
        }
    }

    /// Records a completed sign-in: upserts the user, cycles the session id.
    pub async fn sign_in(&self, session: &Session, who: &Identity) -> Result<(), String> {
        let user = domain::user::repo::upsert(&self.db, who)
            .await
            .map_err(|e| e.to_string())?;
        // SECURITY 15: a new id at login; the pre-login cookie is now anonymous.
        session.cycle_id().await.map_err(|e| e.to_string())?;
        session
            .insert(UID, user.id)
            .await
            .map_err(|e| e.to_string())?;
        session
            .insert(LOGIN_AT, Utc::now().timestamp())
            .await
            .map_err(|e| e.to_string())?;
        tracing::info!(user = %user.username, issuer = %who.issuer, "signed in");
        Ok(())
    }
}

/// Puts the request's [`Viewer`] into its extensions, where server functions and
/// pages read it.
pub async fn viewer_middleware(
    Extension(auth): Extension<Arc<Auth>>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let viewer = auth.viewer(&session).await;
    req.extensions_mut().insert(viewer);
    next.run(req).await
}

/// Only same-origin paths: `/h/x` yes; `//evil`, `/\evil`, `https://…`, `javascript:` no (SECURITY 10).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control()) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_accepts_same_origin_paths_only() {
        assert_eq!(
            safe_next(Some("/h/ci-infra-hackfest?x=1")),
            "/h/ci-infra-hackfest?x=1"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "h/x",
            "/\t/evil",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn policy_maps_groups_and_users() {
        let p = RolePolicy {
            admin_groups: vec!["sysadmin-main".into()],
            admin_users: vec!["root-person".into()],
            organizer_groups: vec!["hackfest-organizers".into()],
        };
        let user = |name: &str, groups: &[&str]| domain::user::User {
            id: Uuid::nil(),
            username: name.into(),
            display_name: name.into(),
            email: String::new(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
        };
        assert!(p.viewer(user("a", &["sysadmin-main"])).admin);
        assert!(p.viewer(user("root-person", &[])).admin);
        let o = p.viewer(user("o", &["hackfest-organizers"]));
        assert!(o.organizer_everywhere && !o.admin);
        let plain = p.viewer(user("p", &["packager"]));
        assert!(!plain.admin && !plain.organizer_everywhere);
    }
}
