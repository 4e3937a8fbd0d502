use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

use super::api::Session;
use crate::components::NotFound;

/// The session, loaded once per page load and shared through context.
pub type SessionResource = Resource<Session>;

pub fn use_session() -> Option<SessionResource> {
    use_context::<SessionResource>()
}

/// "Signed in as …" with a sign-out button, or a sign-in link back to this page.
#[component]
pub fn AccountBar() -> impl IntoView {
    let session = use_session().expect("session resource");
    let location = use_location();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let s = session.await;
                match s.viewer.user {
                    Some(user) => view! {
                        <div class="account">
                            <span class="who">"Signed in as " <strong>{user.display_name.clone()}</strong></span>
                            <form method="post" action="/auth/logout">
                                <button type="submit" class="button small">"Sign out"</button>
                            </form>
                        </div>
                    }.into_any(),
                    None => {
                        let next = move || {
                            let path = location.pathname.get();
                            let search = location.search.get();
                            let full = if search.is_empty() { path } else { format!("{path}?{search}") };
                            format!("/auth/login?next={}", domain::text::urlencode(&full))
                        };
                        view! {
                            <div class="account">
                                // External: the router must not handle /auth/login in the browser.
                                <a class="button small primary" href=next rel="external">"Sign in"</a>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The development sign-in: only when no identity provider is configured and the
/// server listens on loopback.
#[component]
pub fn DevSignInPage() -> impl IntoView {
    let session = use_session().expect("session resource");
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".into());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let s = session.await;
                if !s.dev_login {
                    return view! { <NotFound /> }.into_any();
                }
                view! {
                    <Title text="Development sign-in" />
                    <section class="page narrow">
                        <h1>"Development sign-in"</h1>
                        <p class="notice">
                            "No identity provider is configured, so this app, running only on this computer, "
                            "lets you pick a name and a role. It is switched off as soon as "
                            <code>"HACKFEST_OIDC_ISSUER"</code> " is set."
                        </p>
                        <form class="form" method="post" action="/auth/dev/sign-in">
                            <input type="hidden" name="next" value=next() />
                            <div class="field">
                                <label for="username">"Username"</label>
                                <input id="username" name="username" type="text" required autocomplete="username" />
                            </div>
                            <fieldset class="field">
                                <legend>"Role"</legend>
                                <label><input type="radio" name="role" value="attendee" checked /> " Attendee"</label>
                                <label><input type="radio" name="role" value="organizer" /> " Organizer (of every hackfest)"</label>
                                <label><input type="radio" name="role" value="admin" /> " Admin"</label>
                            </fieldset>
                            <div class="actions">
                                <button type="submit" class="button primary">"Sign in"</button>
                            </div>
                        </form>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}
