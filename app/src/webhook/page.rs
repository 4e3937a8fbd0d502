use domain::FieldErrors;
use domain::webhook::{Delivery, Endpoint, EndpointForm};
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{WebhookAnswer, WebhooksPage as Data, get_webhooks_page};
use crate::components::{Field, hackfest_page};
use crate::hackfest::api::HackfestScope;

fn answer() -> Option<WebhookAnswer> {
    #[cfg(feature = "ssr")]
    {
        use_context::<WebhookAnswer>()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

#[component]
pub fn WebhooksPage() -> impl IntoView {
    hackfest_page(
        || (),
        |slug, _| get_webhooks_page(slug),
        None,
        |w, data| view! { <Webhooks w data /> },
    )
}

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %b %H:%M:%S UTC").to_string()
}

fn log_row(slug: &str, d: Delivery) -> impl IntoView {
    let replay = format!("/h/{slug}/webhooks/deliveries/{}/replay", d.id);
    let outcome = match (&d.last_status, &d.last_error) {
        (_, Some(e)) => e.clone(),
        (Some(s), None) => format!("HTTP {s}"),
        (None, None) => String::new(),
    };
    let next = d.next_attempt_at.map(when).unwrap_or_default();
    view! {
        <tr>
            <td>{when(d.created_at)}</td>
            <td><code>{d.topic.clone()}</code></td>
            <td><code>{d.webhook_id.clone()}</code></td>
            <td><span class=format!("badge hook-{}", d.state)>{d.state.clone()}</span></td>
            <td class="num">{d.attempts}</td>
            <td>{outcome}{(!next.is_empty()).then(|| format!(" (next try {next})"))}</td>
            <td>
                <form class="inline" method="post" action=replay>
                    <button type="submit" class="button small">"Replay"</button>
                </form>
            </td>
        </tr>
    }
}

fn endpoint(slug: &str, e: Endpoint, log: Vec<Delivery>) -> impl IntoView {
    let toggle = format!(
        "/h/{slug}/webhooks/{}/{}",
        e.id,
        if e.enabled { "disable" } else { "enable" }
    );
    let topics = if e.topics.is_empty() {
        "every topic".to_owned()
    } else {
        e.topics.join(", ")
    };
    let slug = slug.to_owned();
    view! {
        <article class="card" data-testid="endpoint">
            <h3><code>{e.url.clone()}</code></h3>
            <p class="meta">
                <span>{if e.enabled { "On" } else { "Off" }}</span>
                <span>{format!("Topics: {topics}")}</span>
                {(!e.description.is_empty()).then(|| view! { <span>{e.description.clone()}</span> })}
                <span>{format!("Registered by {}", e.created_by)}</span>
            </p>
            {e.disabled_reason.clone().map(|r| view! { <p class="notice">{r}</p> })}
            <form class="inline" method="post" action=toggle>
                <button type="submit" class="button small">{if e.enabled { "Turn off" } else { "Turn on" }}</button>
            </form>
            {if log.is_empty() {
                view! { <p class="empty">"Nothing sent yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="figures">
                            <caption>"Latest deliveries"</caption>
                            <thead><tr>
                                <th scope="col">"Made"</th><th scope="col">"Topic"</th><th scope="col">"webhook-id"</th>
                                <th scope="col">"State"</th><th scope="col" class="num">"Attempts"</th>
                                <th scope="col">"Last answer"</th><th scope="col"><span class="visually-hidden">"Replay"</span></th>
                            </tr></thead>
                            <tbody>{log.into_iter().map(|d| log_row(&slug, d)).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </article>
    }
}

#[component]
fn Webhooks(w: HackfestScope, data: Data) -> impl IntoView {
    let h = w.hackfest.clone();
    let slug = h.slug.clone();
    let (created, form, errors) = match answer() {
        Some(WebhookAnswer::Created { endpoint, secret }) => (
            Some((endpoint, secret)),
            EndpointForm::default(),
            FieldErrors::new(),
        ),
        Some(WebhookAnswer::Refused { form, errors }) => (None, form, errors),
        None => (None, EndpointForm::default(), FieldErrors::new()),
    };
    let refused = !errors.is_empty();
    let errors = RwSignal::new(errors);
    let invalid = move |f: &'static str| errors.with_untracked(|e| e.get(f).is_some()).to_string();
    view! {
        <Title text=format!("Webhooks · {}", h.title) />
        <section class="page">
            <nav class="crumbs" aria-label="Breadcrumb"><a href=format!("/h/{slug}")>{h.title.clone()}</a></nav>
            <h1>"Webhooks"</h1>
            <p class="lead">
                "Each change in this hackfest that matches an endpoint's topics is POSTed to it as JSON, "
                "signed as the Standard Webhooks spec says (" <code>"webhook-id"</code>", "<code>"webhook-timestamp"</code>", "
                <code>"webhook-signature"</code>" with the endpoint's secret). An endpoint that does not answer 2xx is "
                "retried for about three days; 410 Gone turns it off."
            </p>
            {created.map(|(e, secret)| view! {
                <div class="notice" role="status" data-testid="new-secret">
                    <h2>"Endpoint registered"</h2>
                    <p>{format!("Its signing secret for {} is shown only now: copy it into the receiver.", e.url)}</p>
                    <p><input type="text" readonly size="60" value=secret aria-label="Signing secret" id="webhook-secret" /></p>
                </div>
            })}
            {refused.then(|| view! {
                <p class="field-error" role="alert">"The endpoint was not registered: please correct the highlighted fields."</p>
            })}
            <h2>"Register an endpoint"</h2>
            <form class="form" method="post" action=format!("/h/{slug}/webhooks") novalidate>
                <Field id="url" label="URL" errors hint="https://… on a public address.">
                    <input id="url" name="url" type="url" value=form.url.clone() aria-invalid=invalid("url") aria-describedby="url-error" />
                </Field>
                <Field id="topics" label="Topics" errors hint="One per line, or a prefix ending in * (hackfest.goal.*, hackfest.decision.agreed). Empty: every topic.">
                    <textarea id="topics" name="topics" rows="3" aria-invalid=invalid("topics") aria-describedby="topics-error">
                        {crate::components::escape_on_server(form.topics.clone())}
                    </textarea>
                </Field>
                <Field id="description" label="Description" errors>
                    <input id="description" name="description" type="text" value=form.description.clone() aria-invalid=invalid("description") aria-describedby="description-error" />
                </Field>
                <div class="actions"><button type="submit" class="button primary">"Register"</button></div>
            </form>
            <h2>"Endpoints"</h2>
            {if data.endpoints.is_empty() {
                view! { <p class="empty">"No endpoints yet."</p> }.into_any()
            } else {
                view! {
                    <div class="endpoints">
                        {data.endpoints.into_iter().map(|(e, log)| endpoint(&slug, e, log)).collect_view()}
                    </div>
                }.into_any()
            }}
        </section>
    }
}
