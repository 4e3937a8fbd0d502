//! Live updates: a page showing part of a hackfest refetches that part — and only
//! that part — when a change to it arrives, without a reload. The server sends the
//! hackfest's outbox messages as server-sent events (`/api/hackfests/<slug>/events`,
//! see server/src/events.rs); each carries the message's topic and the changed
//! object's id. The browser's EventSource reconnects by itself and resumes with
//! `Last-Event-ID`; a `resync` event (the client fell behind) means "load again".
//! One EventSource per tab: every watcher of the page shares it.

use uuid::Uuid;

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

pub const GOALS: &[&str] = &["hackfest.goal."];
pub const SESSIONS: &[&str] = &["hackfest.session."];
pub const DECISIONS: &[&str] = &["hackfest.decision."];
pub const ACTIONS: &[&str] = &["hackfest.action_item."];

/// One change: the message topic (`hackfest.action_item.update`) and the object's id.
/// `None` for a `resync` (anything may have changed).
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub topic: String,
    pub object: Uuid,
}

impl Change {
    pub fn is(&self, topics: &[&str]) -> bool {
        topics.iter().any(|p| self.topic.starts_with(p))
    }
}

/// While the calling component lives, calls `on(Some(change))` for every change to
/// the record of the hackfest `slug()` names ([`RECORD_TOPICS`]), and `on(None)` on a
/// resync. Browser only: effects do not run during server rendering.
pub fn on_change(
    slug: impl Fn() -> String + 'static,
    on: impl Fn(Option<Change>) + Clone + 'static,
) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::*;
        use send_wrapper::SendWrapper;
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;

        let parse = |ev: &web_sys::MessageEvent| -> Option<Change> {
            let v: serde_json::Value = serde_json::from_str(&ev.data().as_string()?).ok()?;
            let topic = v["topic"].as_str()?.to_owned();
            let object = v["object_id"]
                .as_str()
                .and_then(|s| Uuid::parse_str(s).ok())?;
            Some(Change { topic, object })
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
            let o = on.clone();
            let on_change = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev| {
                if let Some(c) = parse(&ev).filter(|c| c.is(RECORD_TOPICS)) {
                    o(Some(c))
                }
            });
            let o = on.clone();
            let on_resync = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| o(None));
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
        let _ = (slug, on);
    }
}

/// What a piece of a page shows, for deciding whether a change concerns it.
#[derive(Clone, Copy, Debug)]
pub enum Shows {
    /// Every object of these topics (a list, a count).
    Topics(&'static [&'static str]),
    /// One object (a detail page): its own topic and id.
    Object(&'static [&'static str]),
}

/// Calls `refetch` for the changes `shows` concerns: any object of its topics, or
/// (for one object) changes to the object `id()` names. A resync always refetches.
pub fn refetch_on(
    slug: impl Fn() -> String + 'static,
    shows: Shows,
    id: impl Fn() -> Option<Uuid> + 'static,
    refetch: impl Fn() + Clone + 'static,
) {
    let id = std::rc::Rc::new(id);
    on_change(slug, move |c| match (c, shows) {
        (None, _) => refetch(),
        (Some(c), Shows::Topics(t)) if c.is(t) => refetch(),
        (Some(c), Shows::Object(t)) if c.is(t) && id() == Some(c.object) => refetch(),
        _ => {}
    });
}

/// Calls `refetch` on every change whose topic starts with one of `topics`
/// (`"hackfest.wiki."`), and on a resync.
pub fn refetch_on_changes_to(
    slug: impl Fn() -> String + 'static,
    topics: &'static [&'static str],
    refetch: impl Fn() + Clone + 'static,
) {
    refetch_on(slug, Shows::Topics(topics), || None, refetch);
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
