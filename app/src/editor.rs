//! What every create/edit form shares: validation in the browser before sending,
//! the save action, field errors from the server, and the stale-save conflict
//! (someone saved first: show both, let the person choose).

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use domain::FieldErrors;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The id of the editor's `<form>` (the conflict view's "Save mine over it" submits it).
pub const FORM_ID: &str = "editor-form";

/// A form posted without JavaScript that was not saved. The server (`server/src/nojs.rs`)
/// renders the same page again with this in the context: the values as typed, the
/// version the form edited and why the save failed. The page keeps it in its `<form
/// data-posted>` so that the browser, hydrating that page, starts from the same state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Posted {
    /// `form[<field>]` as typed, by field (several values of one field, such as the
    /// ticked goals, joined with commas).
    pub fields: BTreeMap<String, String>,
    /// The version the form was editing (its hidden `version`).
    pub version: Option<i64>,
    pub error: AppError,
}

/// What [`use_posted`] leaves for the inputs of the form and for [`EditorPage`].
#[derive(Clone)]
struct PostedState {
    fields: Arc<BTreeMap<String, String>>,
    /// [`Posted`] as JSON, for `<form data-posted>`.
    json: Arc<str>,
}

/// The failed no-JavaScript post this page answers, if any: on the server from the
/// context the post handler provides; in the browser only while the first page
/// hydrates, read from that page's `<form data-posted>`. The typed values become the
/// starting values of the inputs ([`posted_value`]) below the caller.
pub fn use_posted() -> Option<Posted> {
    let posted = take_posted()?;
    provide_context(PostedState {
        fields: Arc::new(posted.fields.clone()),
        json: serde_json::to_string(&posted).unwrap_or_default().into(),
    });
    Some(posted)
}

/// For forms that keep their own signals: the field errors and the message of a
/// failed no-JavaScript post to this page (none without one).
pub fn posted_outcome() -> (FieldErrors, Option<String>) {
    let Some(p) = use_posted() else {
        return (FieldErrors::new(), None);
    };
    crate::components::set_status(p.error.status());
    match p.error {
        AppError::Validation(e) => {
            let text = summary(&e, &p.fields);
            (e, Some(text))
        }
        e => (FieldErrors::new(), Some(e.to_string())),
    }
}

/// The value a person typed into `field` of a form posted without JavaScript that the
/// server answered with this page again; inputs start from it.
pub fn posted_value(field: &str) -> Option<String> {
    use_context::<PostedState>()?.fields.get(field).cloned()
}

/// `<form data-posted>`: the posted state, for the browser hydrating this page (a
/// form outside [`EditorPage`] that answers posts sets it too, with `action` its page).
pub fn posted_json() -> Option<String> {
    use_context::<PostedState>().map(|p| p.json.to_string())
}

/// The error of a small form (join, "Mark done", revert, ask…) posted without
/// JavaScript straight to the server function at `path` (`JoinHackfest::PATH`): the
/// server function sends the browser back to the page with the error in the query
/// (`?__path=…&__err=…`, leptos' form redirect). `None` without one.
pub fn url_error(path: &str) -> Option<AppError> {
    let query = leptos_router::hooks::use_query_map();
    let q = query.read_untracked();
    if q.get("__path").as_deref() != Some(path) {
        return None;
    }
    let err = q.get("__err")?;
    Some(leptos::server_fn::error::ServerFnUrlError::<AppError>::decode_err(&err))
}

/// `<input type="hidden" name="form[<field>]">` for each text field of `form`: a small
/// form that saves a whole object (the "Mark done" button) posts it without JavaScript.
pub fn hidden_form_fields<F: Serialize>(form: &F) -> impl IntoView + use<F> {
    let fields = match serde_json::to_value(form) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => Default::default(),
    };
    fields
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.as_str()?.to_owned())))
        .map(|(k, v)| view! { <input type="hidden" name=format!("form[{k}]") value=v /> })
        .collect_view()
}

#[cfg(feature = "ssr")]
fn take_posted() -> Option<Posted> {
    use_context::<Posted>()
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn take_posted() -> Option<Posted> {
    // Only the page the server rendered for the post carries it, and only for its own
    // address: a page reached later by client-side navigation starts afresh.
    let form = document().query_selector("form[data-posted]").ok()??;
    let here = window().location().pathname().ok()?;
    if form.get_attribute("action").as_deref() != Some(here.as_str()) {
        return None;
    }
    serde_json::from_str(&form.get_attribute("data-posted")?).ok()
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn take_posted() -> Option<Posted> {
    None
}

/// (field, saved now, yours): one row of the conflict view.
pub type ConflictRow = (String, String, String);

pub struct Editor<T: Send + Sync + 'static, F: Send + Sync + 'static> {
    pub errors: RwSignal<FieldErrors>,
    /// The stored object when a save met a newer version.
    pub conflict: RwSignal<Option<T>>,
    /// A message for errors that belong to no field.
    pub failure: RwSignal<Option<String>>,
    /// The version this form edits.
    pub version: RwSignal<i64>,
    action: Action<(i64, F), Result<T, AppError>>,
    check: fn(&F) -> Result<(), FieldErrors>,
    version_of: fn(&T) -> i64,
}

impl<T: Send + Sync + 'static, F: Send + Sync + 'static> Clone for Editor<T, F> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static, F: Send + Sync + 'static> Copy for Editor<T, F> {}

/// `save(version, form)` creates or updates; `check` is the shared `parse`;
/// `saved` runs after a successful save (usually: go to the object's page).
pub fn use_editor<T, F, Fut>(
    version: i64,
    save: impl Fn(i64, F) -> Fut + Send + Sync + 'static,
    check: fn(&F) -> Result<(), FieldErrors>,
    version_of: fn(&T) -> i64,
    saved: impl Fn(T) + 'static,
) -> Editor<T, F>
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
    F: Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
{
    let errors = RwSignal::new(FieldErrors::new());
    let conflict = RwSignal::new(None::<T>);
    let failure = RwSignal::new(None::<String>);
    let mut version = version;
    // The page answering a form posted without JavaScript: its outcome, in place.
    if let Some(p) = use_posted() {
        crate::components::set_status(p.error.status());
        version = p.version.unwrap_or(version);
        match p.error {
            AppError::Validation(e) => {
                failure.set(Some(summary(&e, &p.fields)));
                errors.set(e);
            }
            AppError::Conflict { current } => match serde_json::from_value::<T>(current) {
                Ok(t) => conflict.set(Some(t)),
                Err(_) => failure.set(Some(
                    "Someone else changed this in the meantime; reload the page.".into(),
                )),
            },
            e => failure.set(Some(e.to_string())),
        }
    }
    let action = Action::new(move |(v, f): &(i64, F)| save(*v, f.clone()));
    Effect::new(move |_| match action.value().get() {
        Some(Ok(t)) => saved(t),
        Some(Err(AppError::Validation(e))) => errors.set(e),
        Some(Err(AppError::Conflict { current })) => match serde_json::from_value::<T>(current) {
            Ok(t) => conflict.set(Some(t)),
            Err(_) => failure.set(Some(
                "Someone else changed this in the meantime; reload the page.".into(),
            )),
        },
        Some(Err(e)) => failure.set(Some(e.to_string())),
        None => {}
    });
    Editor {
        errors,
        conflict,
        failure,
        version: RwSignal::new(version),
        action,
        check,
        version_of,
    }
}

/// "Please correct the highlighted fields.", and the messages of errors that belong
/// to no field of the form (a malformed `version`), which nothing else would show.
fn summary(errors: &FieldErrors, fields: &BTreeMap<String, String>) -> String {
    let mut text = AppError::Validation(FieldErrors::new()).to_string();
    for (field, message) in &errors.0 {
        if !fields.contains_key(field) {
            text.push(' ');
            text.push_str(message);
        }
    }
    text
}

impl<T, F> Editor<T, F>
where
    T: Clone + Send + Sync + 'static,
    F: Clone + Send + Sync + 'static,
{
    /// Checks the form in the browser, then sends it.
    pub fn submit(&self, form: F) {
        self.failure.set(None);
        match (self.check)(&form) {
            Err(e) => self.errors.set(e),
            Ok(()) => {
                self.errors.set(FieldErrors::new());
                self.action.dispatch((self.version.get_untracked(), form));
            }
        }
    }

    /// "Save mine over it": the same form, now over the stored version.
    pub fn keep_mine(&self, form: F) {
        if let Some(current) = self.conflict.get_untracked() {
            self.version.set((self.version_of)(&current));
            self.conflict.set(None);
            self.submit(form);
        }
    }

    /// "Use the saved version": returns it, for the caller to put in the form.
    pub fn take_theirs(&self) -> Option<T> {
        let current = self.conflict.get_untracked()?;
        self.version.set((self.version_of)(&current));
        self.conflict.set(None);
        Some(current)
    }

    pub fn pending(&self) -> Memo<bool> {
        self.action.pending()
    }
}

/// The page around a create/edit form: breadcrumbs, heading, error and conflict
/// messages, the read-only notice, the fields (`children`) and the buttons.
///
/// The form is a plain `<form method="post">` to the page's own address, with the
/// hackfest's `slug`, the object's `id` and the `version` it edits as hidden fields
/// beside the inputs' `form[<field>]`: without JavaScript the server saves it and
/// answers 303 to the object, or this page again with the messages and the typed
/// values. With JavaScript the submit is handled here and never leaves the page.
#[component]
pub fn EditorPage<T, F, M, P>(
    heading: &'static str,
    /// (slug, title) of the hackfest.
    hackfest: (String, String),
    /// The list this object lives in: ("sessions", "Sessions").
    list: (&'static str, &'static str),
    /// What the object is called in the conflict message: "session".
    what: &'static str,
    editor: Editor<T, F>,
    /// (field, saved now, yours) for the conflict view.
    rows: fn(&T, F) -> Vec<ConflictRow>,
    /// The form as the person filled it in.
    mine: M,
    /// Puts the saved version into the form.
    put: P,
    role: domain::user::Role,
    submit: &'static str,
    back: String,
    /// The object edited (none when creating), posted as `id`: needed where the page's
    /// address does not hold it (a wiki page's is its slug).
    #[prop(optional_no_strip)]
    id: Option<uuid::Uuid>,
    children: Children,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Clone + Send + Sync + 'static,
    M: Fn() -> F + Copy + Send + Sync + 'static,
    P: Fn(T) + Copy + Send + Sync + 'static,
{
    use crate::components::{ConflictTable, ReadOnlyNotice};
    use leptos_meta::Title;
    let can_edit = role.can_edit_content();
    let (slug, hackfest_title) = hackfest;
    let pending = editor.pending();
    // The page's own address: a post without JavaScript comes back here.
    let here = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    let version_of = editor.version_of;
    let take_href = here.clone();
    view! {
        <Title text=format!("{heading} · {hackfest_title}") />
        <section class="page narrow">
            <nav class="crumbs" aria-label="Breadcrumb">
                <a href=format!("/h/{slug}")>{hackfest_title.clone()}</a>" › "
                <a href=format!("/h/{slug}/{}", list.0)>{list.1}</a>
            </nav>
            <h1>{heading}</h1>
            <p class="form-error" role="alert" hidden=move || editor.failure.with(Option::is_none)>{move || editor.failure.get()}</p>
            {move || editor.conflict.get().map(|current| view! {
                <ConflictTable what rows=rows(&current, mine())
                    keep_version=version_of(&current) form=FORM_ID take_href=take_href.clone()
                    on_keep=move |_| editor.keep_mine(mine())
                    on_take=move |_| if let Some(c) = editor.take_theirs() { put(c) } />
            })}
            {(!can_edit).then(|| view! { <ReadOnlyNotice role /> })}
            <form id=FORM_ID class="form" method="post" action=here novalidate data-posted=posted_json()
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    editor.submit(mine());
                }>
                <input type="hidden" name="slug" value=slug.clone() />
                {id.map(|id| view! { <input type="hidden" name="id" value=id.to_string() /> })}
                <input type="hidden" name="version" value=editor.version.get_untracked().to_string()
                    prop:value=move || editor.version.get().to_string() />
                <fieldset class="plain" disabled=!can_edit>{children()}</fieldset>
                {can_edit.then(|| view! {
                    <div class="actions">
                        <button type="submit" class="button primary" disabled=move || pending.get()>
                            {move || if pending.get() { "Saving…" } else { submit }}
                        </button>
                        <a class="button" href=back.clone()>"Cancel"</a>
                    </div>
                })}
            </form>
        </section>
    }
}

/// One `RwSignal<String>` per field of a form struct whose fields are all `String`,
/// with `new` (from a form), `get` (the form now) and `set` (replace every field).
#[macro_export]
macro_rules! form_signals {
    ($name:ident for $form:ident { $($field:ident),+ $(,)? }) => {
        #[derive(Clone, Copy)]
        struct $name {
            $($field: RwSignal<String>,)+
        }

        impl $name {
            fn new(f: $form) -> Self {
                Self { $($field: RwSignal::new(f.$field),)+ }
            }

            fn get(&self) -> $form {
                $form { $($field: self.$field.get_untracked(),)+ }
            }

            #[allow(dead_code)]
            fn set(&self, f: $form) {
                $(self.$field.set(f.$field);)+
            }
        }
    };
}
