//! Live updates: a page showing a hackfest refetches its data when a change to that
//! hackfest arrives, without a reload. The server sends the hackfest's outbox messages
//! as server-sent events (`/api/hackfests/<slug>/events`, see server/src/events.rs);
//! the browser's EventSource reconnects by itself and resumes with `Last-Event-ID`,
//! and a `resync` event (the client fell behind) also means "load everything again".

/// The topics of the hackfest's record: what its pages show. Membership messages
/// (`hackfest.member.*`, `hackfest.hackfest.new`) are not among them: a page showing
/// "alice is now an organizer." must not lose that line to a refetch caused by the
/// very change it reports.
pub const RECORD_TOPICS: &[&str] = &[
    "hackfest.goal.",
    "hackfest.session.",
    "hackfest.decision.",
    "hackfest.action_item.",
    "hackfest.wiki.",
    "hackfest.question.",
];

/// While the calling component lives, calls `refetch` on every change to the record
/// of the hackfest `slug()` names ([`RECORD_TOPICS`]). Browser only: effects do not
/// run during server rendering.
pub fn refetch_on_change(
    slug: impl Fn() -> String + 'static,
    refetch: impl Fn() + Clone + 'static,
) {
    refetch_on_changes_to(slug, RECORD_TOPICS, refetch);
}

/// Like [`refetch_on_change`], for changes whose topic starts with one of `topics`
/// (`"hackfest.wiki."`); empty: every change. A `resync` always refetches.
pub fn refetch_on_changes_to(
    slug: impl Fn() -> String + 'static,
    topics: &'static [&'static str],
    refetch: impl Fn() + Clone + 'static,
) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::*;
        use send_wrapper::SendWrapper;
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;

        let wanted = move |ev: &web_sys::MessageEvent| {
            topics.is_empty()
                || ev
                    .data()
                    .as_string()
                    .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
                    .and_then(|v| v["topic"].as_str().map(str::to_owned))
                    .is_some_and(|t| topics.iter().any(|p| t.starts_with(p)))
        };
        Effect::new(move |_| {
            let slug = slug();
            if slug.is_empty() {
                return;
            }
            let Ok(source) = web_sys::EventSource::new(&format!("/api/hackfests/{slug}/events"))
            else {
                return;
            };
            let r = refetch.clone();
            let on_change = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev| {
                if wanted(&ev) {
                    r()
                }
            });
            let r = refetch.clone();
            let on_resync = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| r());
            let _ = source
                .add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
            let _ = source
                .add_event_listener_with_callback("resync", on_resync.as_ref().unchecked_ref());
            let held = SendWrapper::new((source, on_change, on_resync));
            // Closed when the page goes or the slug changes.
            on_cleanup(move || {
                let (source, _, _) = held.take();
                source.close();
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (slug, topics, refetch);
    }
}

/// Whether the person is typing into a form field right now: a live refresh would
/// throw their text away, so the page offers the new version instead.
pub fn typing() -> bool {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::document()
            .active_element()
            .map(|e| matches!(e.tag_name().as_str(), "TEXTAREA" | "INPUT" | "SELECT"))
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}
