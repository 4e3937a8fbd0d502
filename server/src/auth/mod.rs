//! Sign-in (OpenID Connect, or the opt-in, loopback-only development sign-in),
//! server-side sessions in the app's database, and who the viewer of each request is.

pub mod csrf;
pub mod oidc;
pub mod routes;
pub mod store;

use std::sync::Arc;

use std::net::{IpAddr, SocketAddr};

use axum::Extension;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, StatusCode, header};
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
/// The issuer of the signed-in account (to refuse development accounts cheaply).
pub const ISSUER: &str = "iss";

/// The issuer recorded for accounts the development sign-in makes.
pub const DEV_ISSUER: &str = "urn:hackfest:dev";

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
    /// The development sign-in: only with `HACKFEST_DEV_SIGN_IN`, without an issuer,
    /// on a loopback address; refused per request by [`dev_sign_in_refusal`].
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
        if self.oidc.is_some() {
            match self.is_dev_account(session, uid).await {
                Some(false) => {}
                Some(true) => {
                    // SECURITY 31: accounts of the development sign-in end once an identity
                    // provider is configured (a "dev admin" must not outlive it).
                    tracing::warn!(%uid, "refused a development sign-in account: an identity provider is configured");
                    let _ = session.flush().await;
                    return Viewer::anonymous();
                }
                None => return Viewer::anonymous(),
            }
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

    /// The session's account was made by the development sign-in. Sessions record
    /// their issuer; older ones are looked up. `None`: the database did not answer.
    async fn is_dev_account(&self, session: &Session, uid: Uuid) -> Option<bool> {
        if let Ok(Some(issuer)) = session.get::<String>(ISSUER).await {
            return Some(issuer == DEV_ISSUER);
        }
        match domain::user::repo::issuer(&self.db, uid).await {
            Ok(Some(issuer)) => {
                let _ = session.insert(ISSUER, &issuer).await;
                Some(issuer == DEV_ISSUER)
            }
            Ok(None) => Some(false),
            Err(e) => {
                tracing::error!(error = %e, "loading the signed-in user's issuer failed");
                None
            }
        }
    }

    /// Records a completed sign-in: upserts the user, cycles the session id.
    pub async fn sign_in(
        &self,
        session: &Session,
        who: &Identity,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let user = domain::user::repo::upsert(&self.db, who).await?;
        // SECURITY 15: a new id at login; the pre-login cookie is now anonymous.
        session.cycle_id().await?;
        session.insert(UID, user.id).await?;
        session.insert(LOGIN_AT, Utc::now().timestamp()).await?;
        session.insert(ISSUER, &who.issuer).await?;
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

/// Why the development sign-in is refused for this request, if it is (SECURITY 31):
/// it came through a proxy (`X-Forwarded-For`, `Forwarded`, `X-Real-IP`), or its
/// `Host` or `Origin` is not a loopback name or address, or its peer is not loopback.
/// A proxy that adds none of these and rewrites `Host` to the loopback upstream
/// cannot be told from a local browser: the opt-in is what guards that case.
pub fn dev_sign_in_refusal(headers: &HeaderMap, peer: Option<IpAddr>) -> Option<&'static str> {
    if ["x-forwarded-for", "forwarded", "x-real-ip"]
        .iter()
        .any(|h| headers.contains_key(*h))
    {
        return Some(
            "The development sign-in is refused through a proxy: this request carries X-Forwarded-For or Forwarded. \
             Open the app directly on this computer (http://127.0.0.1:…).",
        );
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    if !host.is_some_and(crate::routes::is_loopback_authority) {
        return Some(
            "The development sign-in answers only under a loopback address such as http://127.0.0.1:… or http://localhost:….",
        );
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let local = origin
            .to_str()
            .ok()
            .and_then(|o| o.strip_prefix("http://"))
            .is_some_and(crate::routes::is_loopback_authority);
        if !local {
            return Some("The development sign-in accepts forms from a loopback address only.");
        }
    }
    if peer.is_some_and(|ip| !is_loopback_peer(ip)) {
        return Some("The development sign-in answers only connections from this computer.");
    }
    None
}

fn is_loopback_peer(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        v4 => v4.is_loopback(),
    }
}

/// The development sign-in's pages and form (`/auth/dev…`, and `/auth/login` that
/// leads there): 403 with a readable page when [`dev_sign_in_refusal`] refuses this
/// request. Tells the UI whether to offer it ([`app::state::DevSignInOffered`]).
pub async fn dev_sign_in_guard(
    Extension(auth): Extension<Arc<Auth>>,
    mut req: Request,
    next: Next,
) -> Response {
    let refusal = if auth.dev_login {
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        dev_sign_in_refusal(req.headers(), peer)
    } else {
        None
    };
    let path = req.uri().path();
    let dev_path = path == "/auth/dev"
        || path.starts_with("/auth/dev/")
        || (path == "/auth/login" && auth.oidc.is_none());
    if let Some(why) = refusal
        && dev_path
    {
        tracing::warn!(path = %path, reason = why, "refused the development sign-in");
        return routes::message_page(StatusCode::FORBIDDEN, "Development sign-in refused", why);
    }
    req.extensions_mut().insert(app::state::DevSignInOffered(
        auth.dev_login && refusal.is_none(),
    ));
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
