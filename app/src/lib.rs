#![recursion_limit = "256"]
//! Hackfest's user interface: Leptos components rendered on the server and hydrated
//! in the browser, and thin `#[server]` functions that call into `domain`.

pub mod action;
#[cfg(feature = "ssr")]
pub mod args;
pub mod auth;
pub mod calendar;
pub mod components;
pub mod decision;
pub mod display;
pub mod editor;
pub mod error;
pub mod goal;
pub mod hackfest;
pub mod live;
pub mod meeting;
pub mod page;
pub mod question;
pub mod room;
pub mod search;
pub mod session;
#[cfg(feature = "ssr")]
pub mod state;
pub mod summary;
pub mod timetable;
pub mod token;
pub mod travel;
pub mod webhook;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use components::NotFound;

/// The HTML document around the app (server only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The hydration scripts carry the nonce the Content-Security-Policy header allows.
    #[cfg(feature = "ssr")]
    if let Some(n) = use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<state::CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(n.0));
    }
    // A summary's public page is complete as HTML: it goes without the hydration
    // scripts, so a reader downloads no WASM (issue 11.4).
    #[cfg(feature = "ssr")]
    // So does the answer to a form that shows a secret once (an API token): the
    // token is in that document only, in no hydration data.
    let hydrate = !use_context::<axum::http::request::Parts>()
        .is_some_and(|p| summary::page::is_read_only(p.uri.path()))
        && use_context::<state::DocumentOnly>().is_none();
    #[cfg(not(feature = "ssr"))]
    let hydrate = true;
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HashedStylesheet options=options.clone() id="leptos" />
                {hydrate.then(|| view! { <HydrationScripts options /> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The skip link's click: focus on the page's content (`<main tabindex="-1">`).
fn focus_main(_: leptos::ev::MouseEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(main) = document()
            .get_element_by_id("main")
            .and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = main.focus();
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    components::mark_hydrated();
    let session: auth::components::SessionResource = Resource::new(
        || (),
        |_| async { auth::api::get_session().await.unwrap_or_default() },
    );
    provide_context(session);
    // Async: the whole page (and its HTTP status) is ready before the first byte is
    // sent, so pages read fully without JavaScript and a missing object is a real 404.
    let ssr = SsrMode::Async;
    view! {
        <Title formatter=page_title />
        <Router>
            // rel="external": the browser, not the router, follows it (the router kept
            // focus on the link); the click also focuses <main>, as the keyboard expects.
            <a class="skip-link" href="#main" rel="external" on:click=focus_main>"Skip to content"</a>
            <header class="site-header">
                <a class="brand" href="/">"Hackfest"</a>
                <a class="site-search" href="/search">"Search"</a>
                <auth::components::AccountBar />
            </header>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=hackfest::page::HackfestList ssr=ssr.clone() />
                    <Route path=path!("/me") view=auth::components::MyHackfestsPage ssr=ssr.clone() />
                    <Route path=path!("/tokens") view=token::page::TokensPage ssr=ssr.clone() />
                    <Route path=path!("/auth/dev") view=auth::components::DevSignInPage ssr=ssr.clone() />
                    <Route path=path!("/hackfests/new") view=hackfest::page::NewHackfestPage ssr=ssr.clone() />
                    <Route path=path!("/search") view=search::page::SiteSearch ssr=ssr.clone() />
                    <ParentRoute path=path!("/h/:slug") view=hackfest::page::HackfestLayout ssr=ssr.clone()>
                        <Route path=path!("") view=hackfest::page::HackfestOverview ssr=ssr.clone() />
                        <goal::page::GoalRoutes />
                        <session::page::SessionRoutes />
                        <decision::page::DecisionRoutes />
                        <action::page::ActionRoutes />
                        <page::page::WikiRoutes />
                        <summary::page::SummaryRoutes />
                        <room::page::RoomRoutes />
                        <timetable::page::TimetableRoutes />
                        <travel::page::TravelRoutes />
                        <Route path=path!("display") view=display::page::DisplayPage ssr=ssr.clone() />
                        <Route path=path!("calendar") view=calendar::page::CalendarPage ssr=ssr.clone() />
                        <Route path=path!("webhooks") view=webhook::page::WebhooksPage ssr=ssr.clone() />
                        <search::page::SearchRoutes />
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
    }
}

/// "Page · Hackfest", escaped on the server: leptos_meta 0.8 writes the `<title>`
/// text into the page as it is, so a title containing `</title><script>` would
/// otherwise become markup. In the browser it sets `document.title`, plain text.
fn page_title(t: String) -> String {
    components::escape_on_server(if t.is_empty() {
        "Hackfest".to_owned()
    } else {
        format!("{t} · Hackfest")
    })
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
