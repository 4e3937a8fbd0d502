//! Small pieces shared by every page.

use chrono::NaiveDate;
use domain::FieldErrors;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::AppError;

/// Sets the HTTP status of the page being rendered on the server.
pub fn set_status(_code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::from_u16(_code).unwrap_or_default());
    }
}

#[component]
pub fn NotFound(#[prop(into, default = "Page".to_owned())] what: String) -> impl IntoView {
    set_status(404);
    view! {
        <Title text="Not found" />
        <section class="page narrow">
            <h1>{format!("{what} not found")}</h1>
            <p>"Nothing lives at this address. It may have moved, or the link has a typo."</p>
            <p><a href="/">"See all hackfests"</a></p>
        </section>
    }
}

/// A whole-page error: 404 for a missing object, a short message otherwise.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    match error {
        AppError::NotFound(what) => view! { <NotFound what /> }.into_any(),
        e => {
            set_status(e.status());
            view! {
                <Title text="Error" />
                <section class="page narrow">
                    <h1>"Something went wrong"</h1>
                    <p role="alert">{e.to_string()}</p>
                    <p><a href="/">"Back to all hackfests"</a></p>
                </section>
            }
            .into_any()
        }
    }
}

/// A labelled form field with its error message, wired for screen readers.
#[component]
pub fn Field(
    id: &'static str,
    label: &'static str,
    errors: RwSignal<FieldErrors>,
    #[prop(optional)] hint: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let error = move || errors.with(|e| e.get(id).map(str::to_owned));
    view! {
        <div class="field" class:invalid=move || error().is_some()>
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            {children()}
            <p class="field-error" id=format!("{id}-error") role="alert" hidden=move || error().is_none()>
                {error}
            </p>
        </div>
    }
}

/// A one-line text input bound to a signal; `name` follows the server function's
/// `form[field]` shape so the form also posts without JavaScript.
#[component]
pub fn TextInput(
    id: &'static str,
    sig: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] placeholder: Option<&'static str>,
) -> impl IntoView {
    view! {
        <input
            id=id
            name=format!("form[{id}]")
            type=kind
            placeholder=placeholder
            value=sig.get_untracked()
            prop:value=sig
            on:input=move |ev| sig.set(event_target_value(&ev))
            aria-invalid=move || errors.with(|e| e.get(id).is_some()).to_string()
            aria-describedby=format!("{id}-error")
        />
    }
}

/// A multi-line text input bound to a signal.
#[component]
pub fn TextArea(
    id: &'static str,
    sig: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    view! {
        <textarea
            id=id
            name=format!("form[{id}]")
            rows="6"
            prop:value=sig
            on:input=move |ev| sig.set(event_target_value(&ev))
            aria-invalid=move || errors.with(|e| e.get(id).is_some()).to_string()
            aria-describedby=format!("{id}-error")
        >
            {sig.get_untracked()}
        </textarea>
    }
}

/// Marks the page once the browser has hydrated it (tests and styles can wait for it).
pub fn mark_hydrated() {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

pub fn date_range(start: NaiveDate, end: NaiveDate) -> String {
    if start == end {
        start.format("%a %-d %B %Y").to_string()
    } else if start.format("%Y-%m").to_string() == end.format("%Y-%m").to_string() {
        format!(
            "{} – {}",
            start.format("%a %-d"),
            end.format("%a %-d %B %Y")
        )
    } else {
        format!(
            "{} – {}",
            start.format("%a %-d %B"),
            end.format("%a %-d %B %Y")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_ranges_read_naturally() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            date_range(d("2026-11-23"), d("2026-11-27")),
            "Mon 23 – Fri 27 November 2026"
        );
        assert_eq!(
            date_range(d("2026-11-30"), d("2026-12-04")),
            "Mon 30 November – Fri 4 December 2026"
        );
        assert_eq!(
            date_range(d("2026-11-23"), d("2026-11-23")),
            "Mon 23 November 2026"
        );
    }
}
