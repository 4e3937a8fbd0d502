use chrono::NaiveDate;
use domain::timetable::{Column, Day, Entry, NowNext, RoomNow, row_time};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{schedule_day, schedule_now};
use crate::components::hackfest_page;
use crate::hackfest::api::HackfestScope;
use crate::live::Shows;

/// `/h/:slug/schedule` and `/h/:slug/schedule/now` under the hackfest's route.
#[component]
pub fn TimetableRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::Route;
    use leptos_router::{SsrMode, path};
    view! {
        <Route path=path!("schedule") view=TimetablePage ssr=SsrMode::Async />
        <Route path=path!("schedule/now") view=NowNextPage ssr=SsrMode::Async />
    }
    .into_inner()
}

/// What a change to a session or a room makes the timetable fetch again.
const FOLLOWS: Shows = Shows::Topics(&["hackfest.session.", "hackfest.room."]);

fn query(name: &'static str) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
    let q = use_query_map();
    move || q.with(|q| q.get(name)).filter(|v| !v.is_empty())
}

#[component]
pub fn TimetablePage() -> impl IntoView {
    hackfest_page(
        query("day"),
        schedule_day,
        Some((FOLLOWS, |_| None)),
        |w, day| view! { <Timetable w day /> },
    )
}

fn weekday(d: NaiveDate) -> String {
    d.format("%a %-d %b").to_string()
}

fn hm(t: chrono::NaiveDateTime) -> String {
    t.format("%H:%M").to_string()
}

#[component]
fn Timetable(w: HackfestScope, day: Day) -> impl IntoView {
    let slug = w.hackfest.slug.clone();
    let title = format!("Schedule, {} · {}", weekday(day.day), w.hackfest.title);
    let days = day
        .days
        .iter()
        .map(|d| {
            let current = (*d == day.day).then_some("page");
            view! {
                <a href=format!("/h/{slug}/schedule?day={d}") aria-current=current>{weekday(*d)}</a>
            }
        })
        .collect_view();
    // Attendees book breakouts: a link in each breakout room's head.
    let book = w.role.can_edit_content();
    let body = if day.columns.is_empty() {
        view! { <p class="empty">"No rooms and no sessions on this day."</p> }.into_any()
    } else {
        view! { <Grid slug=slug.clone() day=day.clone() book /> <Agenda slug=slug.clone() day=day.clone() book /> }
            .into_any()
    };
    let warned: usize = day
        .columns
        .iter()
        .flat_map(|c| &c.entries)
        .map(|e| e.warnings)
        .sum();
    view! {
        <Title text=title />
        <section class="page timetable-page">
            <nav class="crumbs" aria-label="Breadcrumb"><a href=format!("/h/{slug}")>{w.hackfest.title.clone()}</a></nav>
            <div class="section-head">
                <h1>"Schedule"</h1>
                <p class="meta">
                    <a href=format!("/h/{slug}/schedule/now")>"Now and next"</a>
                    <a href=format!("/h/{slug}/rooms")>"Rooms"</a>
                    <a rel="external" href=format!("/h/{slug}/schedule.ics")>"Calendar (iCal)"</a>
                </p>
            </div>
            <nav class="filters days" aria-label="Days">{days}</nav>
            <h2>{weekday(day.day)}</h2>
            {(warned > 0).then(|| view! {
                <p class="notice warn" data-testid="tt-warnings">
                    {format!("{} on this day: people needed in two places or not there yet, rooms too small, no time to change rooms. Open a marked session to see them; organizers acknowledge them there.", warning_count(warned))}
                </p>
            })}
            {body}
        </section>
    }
}

/// "Fedora · 9th floor · 12 people".
fn column_label(c: &Column) -> String {
    let mut parts = vec![c.name.clone()];
    if !c.location.is_empty() {
        parts.push(c.location.clone());
    }
    if let Some(n) = c.capacity {
        parts.push(if n == 1 {
            "1 person".into()
        } else {
            format!("{n} people")
        });
    }
    parts.join(" · ")
}

fn entry_class(e: &Entry) -> String {
    let mut c = format!("tt-entry kind-{}", e.kind.as_str());
    if e.cancelled {
        c.push_str(" cancelled");
    }
    if e.warnings > 0 {
        c.push_str(" warned");
    }
    c
}

/// "1 warning", "3 warnings".
fn warning_count(n: usize) -> String {
    if n == 1 {
        "1 warning".into()
    } else {
        format!("{n} warnings")
    }
}

/// A breakout room's booking link: the new-session form with the room and day chosen.
fn book_link(slug: &str, c: &Column, day: NaiveDate) -> Option<impl IntoView + use<>> {
    let id = c.room_id.filter(|_| c.open_for_breakouts)?;
    Some(view! {
        <a class="button small" href=format!("/h/{slug}/sessions/new?room={id}&day={day}")
           aria-label=format!("Book a breakout in {}", c.name)>"Book"</a>
    })
}

fn entry_text(e: &Entry, with_place: bool) -> impl IntoView + use<> {
    let when = format!("{}–{}", hm(e.starts), hm(e.ends));
    let place = (with_place && !e.place.is_empty())
        .then(|| view! { <span class="tt-place">{e.place.clone()}</span> });
    view! {
        // The warning goes on the first line: a short session shows two lines only.
        <span class="tt-time">
            {when}
            {(e.warnings > 0).then(|| view! { <span class="tt-warn">{format!(" \u{26a0} {}", warning_count(e.warnings))}</span> })}
        </span>
        <span class="tt-title">{e.title.clone()}</span>
        {place}
        {e.cancelled.then(|| view! { <span class="tt-status">"Cancelled"</span> })}
    }
}

/// The grid classes that place an item: its first row, how many rows it spans, its
/// column (1-based). Classes, not `style` attributes: the CSP allows no inline styles.
/// style/main.css defines rows to 97 (a whole day of quarter hours under the heads),
/// spans to 96 and columns to [`MAX_COLUMNS`].
fn place(row: u32, span: u32, col: usize) -> String {
    format!("tt-r{row} tt-s{span} tt-c{}", col.min(MAX_COLUMNS))
}

/// Columns the stylesheet can place (the hour labels and 63 rooms); a hackfest with
/// more rooms than that gets its later rooms stacked in the last column.
const MAX_COLUMNS: usize = 64;

/// Rooms × quarter hours, as a CSS grid: wide screens and the projector. Sessions
/// are links in room order, then time order, which is also the keyboard's order.
#[component]
fn Grid(slug: String, day: Day, book: bool) -> impl IntoView {
    // An hour label every four rows.
    let hours = (1..=day.rows)
        .step_by(4)
        .map(|row| {
            let class = format!("tt-hour {}", place(row + 1, 4.min(day.rows + 1 - row), 1));
            view! { <span class=class>{row_time(day.from, row).format("%H:%M").to_string()}</span> }
        })
        .collect_view();
    let columns = day
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let col = i + 2;
            let head = view! {
                <div class=format!("tt-room {}", place(1, 1, col))>
                    {match c.room_id {
                        Some(id) => view! { <a href=format!("/h/{slug}/rooms/{id}")>{column_label(c)}</a> }.into_any(),
                        None => view! { <span>{column_label(c)}</span> }.into_any(),
                    }}
                    {c.open_for_breakouts.then(|| view! { <span class="chip">"Breakouts"</span> })}
                    {book.then(|| book_link(&slug, c, day.day))}
                </div>
            };
            // Closed hours are shaded.
            let periods = c
                .closed
                .iter()
                .map(|(row, span, what)| view! {
                    <span class=format!("tt-closed tt-period {}", place(row + 1, *span, col))>{what.clone()}</span>
                })
                .collect_view();
            let closed = c.open_rows.map(|(open, close)| {
                let before = (open > 1).then(|| view! {
                    <span class=format!("tt-closed {}", place(2, open - 1, col)) aria-hidden="true"></span>
                });
                let after = (close <= day.rows).then(|| view! {
                    <span class=format!("tt-closed {}", place(close + 1, day.rows + 1 - close, col)) aria-hidden="true"></span>
                });
                view! { {before} {after} }
            });
            let entries = c
                .entries
                .iter()
                .map(|e| {
                    let class = format!("{} {}", entry_class(e), place(e.row + 1, e.span, col));
                    view! {
                        <a class=class href=format!("/h/{slug}/sessions/{}", e.id)>
                            {entry_text(e, c.room_id.is_none())}
                        </a>
                    }
                })
                .collect_view();
            view! { {head} {closed} {periods} {entries} }
        })
        .collect_view();
    view! {
        <div class="tt-grid">
            <span class=format!("tt-corner {}", place(1, 1, 1))></span>
            {hours}
            {columns}
        </div>
    }
}

/// The same day as lists, one per room: phones (CSS shows it below 48rem).
#[component]
fn Agenda(slug: String, day: Day, book: bool) -> impl IntoView {
    let rooms = day
        .columns
        .iter()
        .map(|c| {
            let items = if c.entries.is_empty() {
                view! { <p class="empty">"Nothing booked."</p> }.into_any()
            } else {
                view! {
                    <ul class="items">
                        {c.entries.iter().map(|e| view! {
                            <li class="item">
                                <a class=entry_class(e) href=format!("/h/{slug}/sessions/{}", e.id)>{entry_text(e, c.room_id.is_none())}</a>
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            };
            view! {
                <section class="tt-agenda-room">
                    <h3>{column_label(c)}</h3>
                    {book.then(|| book_link(&slug, c, day.day))}
                    {items}
                </section>
            }
        })
        .collect_view();
    view! { <div class="tt-agenda">{rooms}</div> }
}

#[component]
pub fn NowNextPage() -> impl IntoView {
    let room = query("room");
    // "Now" moves on by itself: with JavaScript the data is fetched again every minute
    // (and on every change it shows, live); without, the page's <noscript> refresh
    // reloads it. No refresh a person cannot stop reloads the page under them.
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
        move || (room(), minute.get()),
        |slug, (room, _): (Option<String>, u32)| async move {
            let room = match room {
                Some(r) => Some(crate::components::parse_id(&r, "Room")?),
                None => None,
            };
            schedule_now(slug, room).await
        },
        Some((FOLLOWS, |_| None)),
        |w, now| view! { <NowNextView w now /> },
    )
}

fn now_entry(
    slug: &str,
    label: &'static str,
    e: Option<&Entry>,
    today: NaiveDate,
) -> impl IntoView + use<> {
    let body = match e {
        Some(e) => view! {
            <a class="nn-title" href=format!("/h/{slug}/sessions/{}", e.id)>{e.title.clone()}</a>
            <p class="nn-time">
                {(e.starts.date() != today).then(|| format!("{} ", weekday(e.starts.date())))}
                {format!("{}–{}", hm(e.starts), hm(e.ends))}
                {(e.starts.date() != e.ends.date()).then(|| format!(" (until {})", weekday(e.ends.date())))}</p>
        }
        .into_any(),
        None => view! { <p class="nn-none">"Nothing"</p> }.into_any(),
    };
    view! { <div class="nn-slot"><p class="nn-label">{label}</p>{body}</div> }
}

#[component]
fn NowNextView(w: HackfestScope, now: NowNext) -> impl IntoView {
    let slug = w.hackfest.slug.clone();
    let rooms = now
        .rooms
        .iter()
        .map(|r: &RoomNow| {
            view! {
                <section class="nn-room">
                    <h2>{r.name.clone()}</h2>
                    {now_entry(&slug, "Now", r.now.as_ref(), now.at.date())}
                    {now_entry(&slug, "Next", r.next.as_ref(), now.at.date())}
                </section>
            }
        })
        .collect_view();
    let empty = now
        .rooms
        .is_empty()
        .then(|| view! { <p class="empty">"No rooms yet."</p> });
    view! {
        <Title text=format!("Now and next · {}", w.hackfest.title) />
        // A room's screen has no one to press reload, and may run without JavaScript:
        // then (only then) the page reloads itself every minute.
        <noscript inner_html=r#"<meta http-equiv="refresh" content="60">"# />
        <section class="page now-next">
            <nav class="crumbs" aria-label="Breadcrumb">
                <a href=format!("/h/{slug}")>{w.hackfest.title.clone()}</a>" › "
                <a href=format!("/h/{slug}/schedule")>"Schedule"</a>
            </nav>
            <h1>"Now and next" <span class="meta">{now.at.format("%a %H:%M").to_string()}</span></h1>
            <div class="nn-rooms">{rooms}{empty}</div>
        </section>
    }
}
