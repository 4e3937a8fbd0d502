//! Live updates: a page showing a hackfest refetches its data when a change to that
//! hackfest arrives, without a reload. The server sends the hackfest's outbox messages
//! as server-sent events (`/api/hackfests/<slug>/events`, see server/src/events.rs);
//! the browser's EventSource reconnects by itself and resumes with `Last-Event-ID`,
//! and a `resync` event (the client fell behind) also means "load everything again".

/// While the calling component lives, calls `refetch` on every change to the hackfest
/// `slug()` names. Browser only: effects do not run during server rendering.
pub fn refetch_on_change(
    slug: impl Fn() -> String + 'static,
    refetch: impl Fn() + Clone + 'static,
) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::*;
        use send_wrapper::SendWrapper;
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;

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
            let on_event = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| r());
            for kind in ["change", "resync"] {
                let _ = source
                    .add_event_listener_with_callback(kind, on_event.as_ref().unchecked_ref());
            }
            let held = SendWrapper::new((source, on_event));
            // Closed when the page goes or the slug changes.
            on_cleanup(move || {
                let (source, _callback) = held.take();
                source.close();
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (slug, refetch);
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
