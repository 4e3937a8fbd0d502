//! What every create/edit form shares: validation in the browser before sending,
//! the save action, field errors from the server, and the stale-save conflict
//! (someone saved first: show both, let the person choose).

use std::future::Future;

use domain::FieldErrors;
use leptos::prelude::*;
use serde::de::DeserializeOwned;

use crate::error::AppError;

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
    rows: fn(&T, F) -> Vec<(String, String, String)>,
    /// The form as the person filled it in.
    mine: M,
    /// Puts the saved version into the form.
    put: P,
    role: domain::user::Role,
    submit: &'static str,
    back: String,
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
                    on_keep=move |_| editor.keep_mine(mine())
                    on_take=move |_| if let Some(c) = editor.take_theirs() { put(c) } />
            })}
            {(!can_edit).then(|| view! { <ReadOnlyNotice role /> })}
            <form class="form" novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                editor.submit(mine());
            }>
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
