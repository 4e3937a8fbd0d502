use domain::session::HackSession;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{Display, get_display};
use crate::components::hackfest_page;
use crate::hackfest::api::HackfestScope;
use crate::live::Shows;

/// Sessions and goals: what the display shows.
const FOLLOWS: Shows = Shows::Topics(&["hackfest.session.", "hackfest.goal.", "hackfest.room."]);

#[component]
pub fn DisplayPage() -> impl IntoView {
    // The clock and "now" move on by themselves: fetched again every minute with
    // JavaScript (and on every change, live); without it the <noscript> refresh below.
    let minute = RwSignal::new(0u32);
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || minute.update(|m| *m = m.wrapping_add(1)),
            std::time::Duration::from_secs(60),
        )
        .ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    }
    hackfest_page(
        move || minute.get(),
        |slug, _| get_display(slug),
        Some((FOLLOWS, |_| None)),
        |w, d| view! { <DisplayView w d /> },
    )
}

fn session_row(s: &HackSession, now: chrono::NaiveDateTime) -> impl IntoView + use<> {
    let (a, b) = (s.starts_local, s.ends_local);
    let running = matches!((a, b), (Some(a), Some(b)) if a <= now && now < b);
    let past = matches!(b, Some(b) if b <= now);
    let class = if s.cancelled_at.is_some() {
        "cancelled"
    } else if running {
        "now"
    } else if past {
        "past"
    } else {
        ""
    };
    let time = match (a, b) {
        (Some(a), Some(b)) => format!("{}–{}", a.format("%H:%M"), b.format("%H:%M")),
        _ => String::new(),
    };
    let place = if s.room.is_empty() {
        String::new()
    } else {
        s.room.clone()
    };
    view! {
        <li class=class>
            <span class="d-time">{time}</span>
            <span class="d-title">{s.title.clone()}
                {running.then(|| view! { <span class="d-badge">"Now"</span> })}
                {s.cancelled_at.is_some().then(|| view! { <span class="d-badge">"Cancelled"</span> })}
            </span>
            <span class="d-room">{place}</span>
        </li>
    }
}

#[component]
fn DisplayView(w: HackfestScope, d: Display) -> impl IntoView {
    let now = d.now;
    let sessions = if d.sessions.is_empty() {
        view! { <p class="d-empty">"Nothing scheduled today."</p> }.into_any()
    } else {
        view! { <ol class="d-sessions">{d.sessions.iter().map(|s| session_row(s, now)).collect_view()}</ol> }.into_any()
    };
    let goals = if d.goals.is_empty() {
        view! { <p class="d-empty">"No big goals yet."</p> }.into_any()
    } else {
        view! {
            <ul class="d-goals">
                {d.goals.iter().map(|c| {
                    let label = format!("{}: {}%", c.goal.title, c.shown);
                    view! {
                        <li>
                            <span class="d-goal">{c.goal.title.clone()}</span>
                            <progress class="d-bar" max="100" value=c.shown.to_string() aria-label=label></progress>
                            <span class="d-pct">{format!("{}%", c.shown)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let heading = match d.day {
        Some(day) if day == now.date() => format!("Today, {}", day.format("%A %-d %B")),
        Some(day) => format!("First day, {}", day.format("%A %-d %B")),
        None => "The hackfest is over".to_owned(),
    };
    view! {
        <Title text=format!("Display · {}", w.hackfest.title) />
        <noscript inner_html=r#"<meta http-equiv="refresh" content="60">"# />
        <section class="room-display">
            <header class="d-head">
                <h1>{w.hackfest.title.clone()}</h1>
                <p class="d-clock" aria-label="Time now">{now.format("%H:%M").to_string()}</p>
            </header>
            <div class="d-columns">
                <section aria-labelledby="d-today">
                    <h2 id="d-today">{heading}</h2>
                    {sessions}
                </section>
                <section aria-labelledby="d-goals">
                    <h2 id="d-goals">"Big goals"</h2>
                    {goals}
                </section>
            </div>
        </section>
    }
}
