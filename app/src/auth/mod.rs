//! Who is viewing: sign-in controls, the development sign-in page, joining a hackfest.

pub mod api;
pub mod components;

#[cfg(feature = "ssr")]
use domain::user::Viewer;

/// The viewer of the request being handled (server only; set by the auth middleware).
#[cfg(feature = "ssr")]
pub fn viewer() -> Viewer {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<Viewer>().cloned())
        .unwrap_or_default()
}

/// The viewer, or 401 when nobody is signed in.
#[cfg(feature = "ssr")]
pub fn require_signed_in() -> Result<Viewer, crate::error::AppError> {
    let v = viewer();
    if v.signed_in() {
        Ok(v)
    } else {
        let e = crate::error::AppError::Unauthorized;
        e.set_response_status();
        Err(e)
    }
}

/// 401 for anonymous viewers, 403 for signed-in viewers without the right.
#[cfg(feature = "ssr")]
pub fn deny(viewer: &Viewer) -> crate::error::AppError {
    let e = if viewer.signed_in() {
        crate::error::AppError::Forbidden
    } else {
        crate::error::AppError::Unauthorized
    };
    e.set_response_status();
    e
}
