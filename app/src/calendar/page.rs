use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{CalendarPage as Data, get_calendar_page};
use crate::components::hackfest_page;
use crate::hackfest::api::HackfestScope;

#[component]
pub fn CalendarPage() -> impl IntoView {
    hackfest_page(
        || (),
        |slug, _| get_calendar_page(slug),
        None,
        |w, data| view! { <Calendar w data /> },
    )
}

/// One feed: its name and its URL, as a link and as text to copy.
fn feed(label: String, url: String, testid: &'static str) -> impl IntoView {
    view! {
        <li class="item">
            <strong>{label}</strong>" "
            // External: a feed is no page of the app (the router must not take the click).
            <a href=url.clone() rel="external" data-testid=testid>{url.clone()}</a>
        </li>
    }
}

#[component]
fn Calendar(w: HackfestScope, data: Data) -> impl IntoView {
    let h = w.hackfest.clone();
    let slug = h.slug.clone();
    let base = data.base_url.clone();
    let token_to = format!("/h/{slug}/calendar/token");
    let whole = format!("{base}/h/{slug}/schedule.ics");
    let rooms: Vec<(String, String)> = data
        .rooms
        .iter()
        .map(|(id, name)| {
            (
                name.clone(),
                format!("{base}/h/{slug}/rooms/{id}/schedule.ics"),
            )
        })
        .collect();
    let private = if !data.signed_in {
        view! {
            <p>"Sign in to get a private calendar URL of the sessions you take part in."</p>
        }
        .into_any()
    } else {
        let have = data.token_created_at;
        let created = match data.token_created_local {
            Some(l) => format!("{} {}", l.format("%a %-d %b %Y %H:%M"), data.time_zone),
            None => have
                .map(|t| t.format("%a %-d %b %Y %H:%M UTC").to_string())
                .unwrap_or_default(),
        };
        view! {
            <p>
                "A private URL lists the sessions that name you among their participants. Only you "
                "(and whoever you give it to) can read it; it is shown once, when you create it. "
                "Rotating makes a new one and stops the old one at once; revoking stops it."
            </p>
            {match have {
                Some(_) => view! { <p data-testid="private-url-status">{format!("You have a private URL (created {created}).")}</p> }.into_any(),
                None => view! { <p data-testid="private-url-status">"You have no private URL yet."</p> }.into_any(),
            }}
            <div class="actions">
                <form class="inline" method="post" action=token_to.clone()>
                    <input type="hidden" name="op" value="rotate" />
                    <button type="submit" class="button primary">{if have.is_some() { "Rotate my private URL" } else { "Create my private URL" }}</button>
                </form>
                {have.is_some().then(|| view! {
                    <form class="inline" method="post" action=token_to.clone()>
                        <input type="hidden" name="op" value="revoke" />
                        <button type="submit" class="button danger">"Revoke my private URL"</button>
                    </form>
                })}
            </div>
        }
        .into_any()
    };
    view! {
        <Title text=format!("Calendar feeds · {}", h.title) />
        <article class="page narrow">
            <nav class="crumbs" aria-label="Breadcrumb">
                <a href=format!("/h/{slug}")>{h.title.clone()}</a>" › "
                <a href=format!("/h/{slug}/sessions")>"Sessions"</a>
            </nav>
            <h1>"Calendar feeds"</h1>
            <p>
                "Subscribe in a calendar app (iCalendar, times in UTC; cancelled sessions stay, marked cancelled). "
                "Conference tools read the frab-compatible "
                <a href=format!("{base}/h/{slug}/schedule.xml") rel="external">"schedule.xml"</a>" and "
                <a href=format!("{base}/h/{slug}/schedule.json") rel="external">"schedule.json"</a>"."
            </p>
            <h2>"The whole hackfest"</h2>
            <ul class="items">{feed(h.title.clone(), whole, "feed-hackfest")}</ul>
            <h2>"Each room"</h2>
            {if rooms.is_empty() {
                view! { <p class="empty">"No rooms yet."</p> }.into_any()
            } else {
                view! { <ul class="items">{rooms.into_iter().map(|(n, u)| feed(n, u, "feed-room")).collect_view()}</ul> }.into_any()
            }}
            <h2>"My sessions"</h2>
            {private}
        </article>
    }
}
