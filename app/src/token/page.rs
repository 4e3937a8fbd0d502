use domain::FieldErrors;
use domain::api_token::{ApiToken, DAYS_DEFAULT, DAYS_MAX, TokenForm, TokenScope};
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{TokenAnswer, TokensPage as Data, get_tokens_page};
use crate::components::{ErrorPage, Field};
use crate::error::AppError;

/// The answer to a post of the create form, when this render is that answer.
fn answer() -> Option<TokenAnswer> {
    #[cfg(feature = "ssr")]
    {
        use_context::<TokenAnswer>()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

#[component]
pub fn TokensPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_tokens_page());
    view! {
        <Title text="API tokens" />
        <section class="page">
            <nav class="crumbs" aria-label="Breadcrumb"><a href="/me">"My hackfests"</a></nav>
            <h1>"API tokens"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <Tokens data=d /> }.into_any(),
                        Err(AppError::Unauthorized) => view! {
                            <p>"Sign in to make and manage your API tokens."</p>
                        }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Tokens(data: Data) -> impl IntoView {
    let (created, form, errors) = match answer() {
        Some(TokenAnswer::Created { token, secret }) => (
            Some((token, secret)),
            TokenForm::default(),
            FieldErrors::new(),
        ),
        Some(TokenAnswer::Refused { form, errors }) => (None, form, errors),
        None => (None, TokenForm::default(), FieldErrors::new()),
    };
    let refused = !errors.is_empty();
    let errors = RwSignal::new(errors);
    let api = data.api_url.clone();
    let days = if form.expires_in_days.is_empty() {
        DAYS_DEFAULT.to_string()
    } else {
        form.expires_in_days.clone()
    };
    let scope = if form.scope.is_empty() {
        "read".to_owned()
    } else {
        form.scope.clone()
    };
    let now = data.now;
    view! {
        <p class="lead">
            "A token lets a script or another tool use the JSON API at " <code>{api.clone()}</code>
            " as you, in one hackfest: " <code>"Authorization: Bearer <token>"</code>
            ". It can do what you may do there, and no more than its scope: read, or read and write. "
            "The API is described at " <a href=format!("{api}/openapi.json") rel="external">"openapi.json"</a> "."
        </p>
        {created.map(|(t, secret)| view! {
            <div class="notice" role="status" data-testid="new-token">
                <h2>{format!("Your new token “{}”", t.name)}</h2>
                <p>"Copy it now: it is shown only this once. Whoever has it can act as you in "
                    {t.hackfest_title.clone()} "; revoke it below if it leaks."</p>
                <p><input type="text" readonly size="60" value=secret aria-label="Your new API token" id="new-token" /></p>
            </div>
        })}
        {refused.then(|| view! {
            <p class="field-error" role="alert">"The token was not made: please correct the highlighted fields."</p>
        })}
        <h2>"Make a token"</h2>
        <form class="form" method="post" action="/tokens" novalidate>
            <Field id="name" label="Name" errors hint="What it is for, such as “CI bot”.">
                <input id="name" name="name" type="text" value=form.name.clone() maxlength="100"
                    aria-invalid=errors.with_untracked(|e| e.get("name").is_some()).to_string()
                    aria-describedby="name-error" />
            </Field>
            <Field id="hackfest" label="Hackfest" errors>
                <select id="hackfest" name="hackfest" aria-describedby="hackfest-error"
                    aria-invalid=errors.with_untracked(|e| e.get("hackfest").is_some()).to_string()>
                    {data.hackfests.iter().map(|(slug, title)| {
                        let selected = *slug == form.hackfest;
                        view! { <option value=slug.clone() selected=selected>{title.clone()}</option> }
                    }).collect_view()}
                </select>
            </Field>
            <Field id="scope" label="Scope" errors>
                <select id="scope" name="scope" aria-describedby="scope-error"
                    aria-invalid=errors.with_untracked(|e| e.get("scope").is_some()).to_string()>
                    {TokenScope::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=scope == s.as_str()>{s.label()}</option>
                    }).collect_view()}
                </select>
            </Field>
            <Field id="expires_in_days" label="Expires in (days)" errors hint=format!("1 to {DAYS_MAX} days.")>
                <input id="expires_in_days" name="expires_in_days" type="number" min="1" max=DAYS_MAX.to_string()
                    value=days aria-describedby="expires_in_days-error"
                    aria-invalid=errors.with_untracked(|e| e.get("expires_in_days").is_some()).to_string() />
            </Field>
            <div class="actions"><button type="submit" class="button primary">"Make the token"</button></div>
        </form>
        <h2>"Your tokens"</h2>
        {if data.tokens.is_empty() {
            view! { <p class="empty">"You have no tokens."</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="figures" data-testid="tokens">
                        <thead><tr>
                            <th scope="col">"Name"</th><th scope="col">"Hackfest"</th><th scope="col">"Scope"</th>
                            <th scope="col">"Made"</th><th scope="col">"Expires"</th><th scope="col">"Last used"</th>
                            <th scope="col">"State"</th>
                        </tr></thead>
                        <tbody>{data.tokens.into_iter().map(|t| row(t, now)).collect_view()}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

fn day(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %b %Y").to_string()
}

fn row(t: ApiToken, now: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let live = t.live(now);
    let state = if t.revoked_at.is_some() {
        "Revoked"
    } else if !live {
        "Expired"
    } else {
        "Live"
    };
    let revoke = format!("/tokens/{}/revoke", t.id);
    view! {
        <tr>
            <th scope="row">{t.name.clone()}</th>
            <td><a href=format!("/h/{}", t.hackfest_slug)>{t.hackfest_title.clone()}</a></td>
            <td>{t.scope.label()}</td>
            <td>{day(t.created_at)}</td>
            <td>{day(t.expires_at)}</td>
            <td>{t.last_used_at.map_or_else(|| "Never".to_owned(), day)}</td>
            <td>
                {state}
                {live.then(|| view! {
                    " "
                    <form class="inline" method="post" action=revoke>
                        <button type="submit" class="button small danger"
                            aria-label=format!("Revoke {}", t.name)>"Revoke"</button>
                    </form>
                })}
            </td>
        </tr>
    }
}
