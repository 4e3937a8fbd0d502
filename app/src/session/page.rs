use chrono::NaiveDate;
use domain::session::warnings::Warning;
use domain::session::{HackSession, SessionForm, SessionKind};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

use super::api::{
    AcknowledgeWarning, CancelSession, MoveSession, SessionEditorData, SessionPage, create_session,
    get_session_editor, get_session_page, list_sessions, update_session,
};
use crate::components::{
    Field, GoalPicker, History, Rendered, Select, TextArea, TextInput, hackfest_page, id_param,
    names_of, parse_id,
};
use crate::editor::{EditorPage, use_editor};
use crate::hackfest::api::HackfestScope;
use crate::live::{SESSIONS, Shows};
use domain::view::Titles;

crate::object_routes!(
    /// `/h/:slug/sessions/…`: the schedule, a new session, a session, its editor, and
    /// the import of its meeting's log.
    SessionRoutes, "sessions", SessionListPage, NewSessionPage, SessionDetailPage, EditSessionPage,
    ":id/import" => crate::meeting::page::ImportMinutesPage
);

/// `Mon 23 Nov, 09:30–11:00` on the hackfest's wall clock.
pub fn when(s: &HackSession) -> String {
    match (s.starts_local, s.ends_local) {
        (Some(a), Some(b)) if a.date() == b.date() => {
            format!(
                "{}, {}–{}",
                a.format("%a %-d %b"),
                a.format("%H:%M"),
                b.format("%H:%M")
            )
        }
        (Some(a), Some(b)) => format!(
            "{} – {}",
            a.format("%a %-d %b %H:%M"),
            b.format("%a %-d %b %H:%M")
        ),
        _ => s.starts_at.format("%a %-d %b %H:%M UTC").to_string(),
    }
}

/// One session in a list: time, title, kind, room.
#[component]
pub fn SessionRow(slug: String, s: HackSession) -> impl IntoView {
    let times = s
        .starts_local
        .zip(s.ends_local)
        .map(|(a, b)| format!("{}–{}", a.format("%H:%M"), b.format("%H:%M")))
        .unwrap_or_default();
    view! {
        <li class="item session">
            <span class="time">{times}</span>
            <a href=format!("/h/{slug}/sessions/{}", s.id)>{s.title.clone()}</a>
            <p class="meta">
                <span class=format!("badge kind-{}", s.kind.as_str())>{s.kind.label()}</span>
                {s.cancelled_at.is_some().then(|| view! { <strong class="badge cancelled">"Cancelled"</strong> })}
                {(!s.room.is_empty()).then(|| view! { <span>{format!("Room {}", s.room)}</span> })}
                {(!s.participants.is_empty()).then(|| view! { <span>{s.participants.join(", ")}</span> })}
            </p>
        </li>
    }
}

#[component]
pub fn SessionListPage() -> impl IntoView {
    hackfest_page(
        || (),
        |slug, _| list_sessions(slug),
        Some((Shows::Topics(SESSIONS), |_| None)),
        |w, sessions| view! { <SessionList w sessions /> },
    )
}

#[component]
fn SessionList(w: HackfestScope, sessions: Vec<HackSession>) -> impl IntoView {
    let query = use_query_map();
    let h = w.hackfest.clone();
    let slug = h.slug.clone();
    let days: Vec<NaiveDate> = h
        .start_date
        .iter_days()
        .take_while(|d| *d <= h.end_date)
        .collect();
    let chosen = move || {
        query
            .read()
            .get("day")
            .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
    };
    let can_edit = w.role.can_edit_content();
    view! {
        <Title text=format!("Sessions · {}", h.title) />
        <section class="page">
            <nav class="crumbs" aria-label="Breadcrumb"><a href=format!("/h/{slug}")>{h.title.clone()}</a></nav>
            <div class="section-head">
                <h1>"Sessions"</h1>
                <a class="button" href=format!("/h/{slug}/calendar")>"Calendar feeds"</a>
                {can_edit.then(|| view! { <a class="button primary" href=format!("/h/{slug}/sessions/new")>"Schedule a session"</a> })}
            </div>
            <nav class="filters" aria-label="Days">
                <a href=format!("/h/{slug}/sessions") aria-current=move || chosen().is_none().then_some("page")>"All days"</a>
                {days.iter().map(|d| {
                    let d = *d;
                    view! {
                        <a href=format!("/h/{slug}/sessions?day={d}") aria-current=move || (chosen() == Some(d)).then_some("page")>
                            {d.format("%a %-d").to_string()}
                        </a>
                    }
                }).collect_view()}
            </nav>
            {move || {
                let chosen = chosen();
                let shown: Vec<NaiveDate> = days.iter().copied().filter(|d| chosen.is_none_or(|c| c == *d)).collect();
                shown.into_iter().map(|d| {
                    let today: Vec<HackSession> = sessions.iter().filter(|s| s.day() == d).cloned().collect();
                    let slug = slug.clone();
                    view! {
                        <section class="day" aria-labelledby=format!("day-{d}")>
                            <h2 id=format!("day-{d}")>{d.format("%A %-d %B").to_string()}</h2>
                            {if today.is_empty() {
                                view! { <p class="empty">"Nothing scheduled."</p> }.into_any()
                            } else {
                                view! { <ul class="items">{today.into_iter().map(|s| view! { <SessionRow slug=slug.clone() s /> }).collect_view()}</ul> }.into_any()
                            }}
                        </section>
                    }
                }).collect_view()
            }}
        </section>
    }
}

#[component]
pub fn SessionDetailPage() -> impl IntoView {
    hackfest_page(
        id_param(),
        |slug, id| async move { get_session_page(slug, parse_id(&id, "Session")?).await },
        Some((Shows::Object(SESSIONS), |id| Uuid::parse_str(id).ok())),
        |w, page| view! { <SessionDetail w page /> },
    )
}

#[component]
fn SessionDetail(w: HackfestScope, page: SessionPage) -> impl IntoView {
    let SessionPage {
        session: s,
        decisions,
        actions,
        titles,
        history,
        rooms,
    } = page;
    let slug = w.hackfest.slug.clone();
    let can_edit = w.role.can_edit_content();
    let cancelled = s.cancelled_at.is_some();
    let can_cancel = w.role.can_organize() && !cancelled;
    let cancel_error =
        crate::editor::url_error(<CancelSession as leptos::server_fn::ServerFn>::PATH)
            .map(|e| e.to_string());
    let goals: Vec<(Uuid, String)> = s
        .goal_ids
        .iter()
        .filter_map(|g| titles.get(g).map(|t| (*g, t.clone())))
        .collect();
    view! {
        <Title text=format!("{} · {}", s.title, w.hackfest.title) />
        <article class="page narrow">
            <nav class="crumbs" aria-label="Breadcrumb">
                <a href=format!("/h/{slug}")>{w.hackfest.title.clone()}</a>" › "
                <a href=format!("/h/{slug}/sessions")>"Sessions"</a>
            </nav>
            <div class="section-head">
                <h1>{s.title.clone()}</h1>
                {can_edit.then(|| view! {
                    <div class="actions">
                        <a class="button" href=format!("/h/{slug}/sessions/{}/import", s.id)>"Import a meeting"</a>
                        <a class="button" href=format!("/h/{slug}/sessions/{}/edit", s.id)>"Edit"</a>
                    </div>
                })}
            </div>
            <p class="meta">
                <span class=format!("badge kind-{}", s.kind.as_str())>{s.kind.label()}</span>
                {cancelled.then(|| view! { <strong class="badge cancelled" data-testid="session-cancelled">"Cancelled"</strong> })}
                <span>{when(&s)}</span>
                <span title="Time zone">{w.hackfest.time_zone.clone()}</span>
                {(!s.room.is_empty()).then(|| view! { <span>{format!("Room {}", s.room)}</span> })}
            </p>
            {cancel_error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            // A plain form: it works without JavaScript; the browser comes back here.
            {can_cancel.then(|| view! {
                <form class="inline" method="post" action={<CancelSession as leptos::server_fn::ServerFn>::PATH}>
                    <input type="hidden" name="slug" value=slug.clone() />
                    <input type="hidden" name="id" value=s.id.to_string() />
                    <input type="hidden" name="version" value=s.version.to_string() />
                    <button type="submit" class="button danger">"Cancel this session"</button>
                </form>
            }.into_any())}
            {(!s.participants.is_empty()).then(|| view! { <p><strong>"Participants: "</strong>{s.participants.join(", ")}</p> })}
            {(!s.optional_participants.is_empty()).then(|| view! { <p><strong>"Optional: "</strong>{s.optional_participants.join(", ")}</p> })}
            <Warnings slug=slug.clone() s=s.clone() organizer=w.role.can_organize() />
            {(can_edit && !cancelled).then(|| view! { <MoveForm slug=slug.clone() s=s.clone() rooms=rooms.clone() zone=w.hackfest.time_zone.clone() /> })}
            {(!goals.is_empty()).then(|| view! {
                <p><strong>"Goals: "</strong>
                    {goals.into_iter().map(|(g, t)| view! { <a class="chip" href=format!("/h/{slug}#goal-{g}")>{t}</a> }).collect_view()}
                </p>
            })}
            <h2>"Agenda"</h2>
            <Rendered html=s.agenda_html.clone() empty="No agenda yet." />
            <h2>"Notes"</h2>
            <Rendered html=s.notes_html.clone() empty="No notes yet." />
            <div class="section-head">
                <h2>"Decisions made here"</h2>
                {can_edit.then(|| view! { <a class="button" href=format!("/h/{slug}/decisions/new?session={}", s.id)>"Record a decision"</a> })}
            </div>
            {crate::decision::page::decision_list(&slug, decisions, "No decisions recorded in this session.")}
            <div class="section-head">
                <h2>"Action items"</h2>
                {can_edit.then(|| view! { <a class="button" href=format!("/h/{slug}/actions/new?session={}", s.id)>"Add an action item"</a> })}
            </div>
            {crate::action::page::action_list(&slug, actions, w.today, "No action items from this session.")}
            <History entries=history names=names_of(&titles) />
        </article>
    }
}

/// "Move": another room or slot, by select and time inputs (the keyboard's way; a
/// plain form, so it works without JavaScript). The server applies an edit's rules.
#[component]
fn MoveForm(slug: String, s: HackSession, rooms: Titles, zone: String) -> AnyView {
    let path = <MoveSession as leptos::server_fn::ServerFn>::PATH;
    let error = crate::editor::url_error(path).map(|e| e.to_string());
    let failed = error.is_some();
    let form = s.to_form();
    let current = s.room_id;
    let options = std::iter::once((None, "No room".to_owned()))
        .chain(rooms.into_iter().map(|(id, label)| (Some(id), label)))
        .map(|(id, label)| {
            let value = id.map(|i| i.to_string()).unwrap_or_default();
            view! { <option value=value selected=id == current>{label}</option> }
        })
        .collect_view();
    view! {
        <details class="move" open=failed>
            <summary>"Move this session"</summary>
            {error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <form method="post" action=path class="move-form">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="id" value=s.id.to_string() />
                <input type="hidden" name="version" value=s.version.to_string() />
                <div class="field">
                    <label for="move-room">"Room"</label>
                    <select id="move-room" name="room_id">{options}</select>
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for="move-starts">"Starts"</label>
                        <input id="move-starts" type="datetime-local" name="starts_at" value=form.starts_at required aria-describedby="move-zone" />
                    </div>
                    <div class="field">
                        <label for="move-ends">"Ends"</label>
                        <input id="move-ends" type="datetime-local" name="ends_at" value=form.ends_at required aria-describedby="move-zone" />
                    </div>
                </div>
                <p class="hint" id="move-zone">{format!("{zone} time, the hackfest's clock.")}</p>
                <button type="submit" class="button">"Move"</button>
            </form>
        </details>
    }
    .into_any()
}

/// The session's people conflicts and capacity: each open one with an "Acknowledge"
/// button for organizers (a plain form), each acknowledged one with who and when.
#[component]
fn Warnings(slug: String, s: HackSession, organizer: bool) -> AnyView {
    if s.warnings.is_empty() {
        return ().into_any();
    }
    let error = crate::editor::url_error(<AcknowledgeWarning as leptos::server_fn::ServerFn>::PATH)
        .map(|e| e.to_string());
    let items = s
        .warnings
        .iter()
        .map(|w: &Warning| {
            // On the hackfest's clock, as the session's own times (the zone is named above).
            let acked: Option<String> = w.acknowledged.as_ref().map(|a| match w.acknowledged_local {
                Some(l) => format!("Acknowledged by {} on {}.", a.by, l.format("%a %-d %b %H:%M")),
                None => format!("Acknowledged by {} on {} UTC.", a.by, a.at.format("%a %-d %b %H:%M")),
            });
            let form = (organizer && acked.is_none()).then(|| view! {
                <form method="post" action={<AcknowledgeWarning as leptos::server_fn::ServerFn>::PATH}>
                    <input type="hidden" name="slug" value=slug.clone() />
                    <input type="hidden" name="id" value=s.id.to_string() />
                    <input type="hidden" name="version" value=s.version.to_string() />
                    <input type="hidden" name="key" value=w.key.clone() />
                    <button type="submit" class="button small">"Acknowledge"</button>
                </form>
            });
            let class = if acked.is_none() { "open" } else { "acknowledged" };
            let other = w.other.map(|o| view! { <a href=format!("/h/{slug}/sessions/{o}")>"the other session"</a> });
            view! {
                <li class=class data-testid="warning">
                    <span class="badge">{w.kind.label()}</span>
                    <span>{w.text.clone()}</span>
                    {other}
                    {acked.map(|a| view! { <span class="meta">{a}</span> })}
                    {form}
                </li>
            }
        })
        .collect_view();
    let open = domain::session::warnings::open(&s.warnings);
    view! {
        <section aria-labelledby="warnings-head">
            <h2 id="warnings-head">{if open == 0 { "Warnings (all acknowledged)".to_owned() } else { format!("Warnings ({open} open)") }}</h2>
            {error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <ul class="warnings">{items}</ul>
        </section>
    }
    .into_any()
}

#[component]
pub fn NewSessionPage() -> impl IntoView {
    hackfest_page(
        || (),
        |slug, _| get_session_editor(slug, None),
        None,
        |w, data| view! { <SessionEditor w data /> },
    )
}

#[component]
pub fn EditSessionPage() -> impl IntoView {
    hackfest_page(
        id_param(),
        |slug, id| async move { get_session_editor(slug, Some(parse_id(&id, "Session")?)).await },
        None,
        |w, data| view! { <SessionEditor w data /> },
    )
}

crate::form_signals!(Fields for SessionForm { title, kind, starts_at, ends_at, room, room_id, participants, optional_participants, goal_ids, agenda, notes });

fn check(f: &SessionForm) -> Result<(), domain::FieldErrors> {
    f.parse().map(|_| ())
}

#[component]
fn SessionEditor(w: HackfestScope, data: SessionEditorData) -> impl IntoView {
    let existing = data.session;
    let id = existing.as_ref().map(|s| s.id);
    let h = w.hackfest.clone();
    let slug = h.slug.clone();
    let can_edit = w.role.can_edit_content();
    // The timetable's "Book" link: `?room=<id>&day=YYYY-MM-DD` choose the room and day.
    let query = use_query_map();
    let (asked_room, asked_day) = query.with_untracked(|q| {
        (
            q.get("room")
                .and_then(|r| Uuid::parse_str(&r).ok())
                .filter(|r| data.rooms.iter().any(|(id, _)| id == r)),
            q.get("day")
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
        )
    });
    let first_day = match asked_day.filter(|d| (h.start_date..=h.end_date).contains(d)) {
        Some(d) => d,
        None if (h.start_date..=h.end_date).contains(&w.today) => w.today,
        None => h.start_date,
    };
    let fields = Fields::new(
        existing
            .as_ref()
            .map(|s| SessionForm {
                // Booked in a room: the other place is empty (choosing no room then
                // leaves none).
                room: if s.room_id.is_some() {
                    String::new()
                } else {
                    s.room.clone()
                },
                ..s.to_form()
            })
            .unwrap_or_else(|| SessionForm {
                kind: "discussion".into(),
                starts_at: format!("{first_day}T10:00"),
                ends_at: format!("{first_day}T11:00"),
                room: if asked_room.is_some() {
                    String::new()
                } else {
                    h.location
                        .split(',')
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_owned()
                },
                room_id: asked_room.map(|r| r.to_string()).unwrap_or_default(),
                ..Default::default()
            }),
    );
    let navigate = use_navigate();
    let to = slug.clone();
    let editor = use_editor(
        existing.as_ref().map(|s| s.version).unwrap_or(0),
        {
            let slug = slug.clone();
            move |version, form: SessionForm| {
                let slug = slug.clone();
                async move {
                    match id {
                        Some(id) => update_session(slug, id, version, form).await,
                        None => create_session(slug, form).await,
                    }
                }
            }
        },
        check,
        |s: &HackSession| s.version,
        move |s: HackSession| navigate(&format!("/h/{to}/sessions/{}", s.id), Default::default()),
    );
    let errors = editor.errors;
    let goals = data.goals;
    let room_hint = if w.role.can_organize() {
        "One of the hackfest's rooms: a room is never booked twice at once.".to_owned()
    } else {
        let open: Vec<&str> = data
            .rooms
            .iter()
            .filter(|(id, _)| data.breakout_rooms.contains(id))
            .map(|(_, label)| label.as_str())
            .collect();
        if open.is_empty() {
            "Organizers book the rooms; no room is open for breakouts.".to_owned()
        } else {
            format!(
                "You may book a free slot in a room open for breakouts: {}.",
                open.join(", ")
            )
        }
    };
    let room_options: Vec<(String, String)> =
        std::iter::once((String::new(), "No room".to_owned()))
            .chain(
                data.rooms
                    .iter()
                    .map(|(id, label)| (id.to_string(), label.clone())),
            )
            .collect();
    let heading = match (existing.is_some(), can_edit) {
        (true, true) => "Edit session",
        (true, false) => "Session",
        (false, _) => "Schedule a session",
    };
    let back = match id {
        Some(id) => format!("/h/{slug}/sessions/{id}"),
        None => format!("/h/{slug}/sessions"),
    };
    let submit = if existing.is_some() {
        "Save changes"
    } else {
        "Schedule session"
    };
    let zone_hint = format!("{} time, the hackfest's clock.", w.hackfest.time_zone);
    view! {
        <EditorPage heading hackfest=(slug.clone(), h.title.clone()) list=("sessions", "Sessions") what="session" editor
            rows=conflict_rows mine=move || fields.get() put=move |c: HackSession| fields.set(c.to_form())
            role=w.role submit back>
            <Field id="title" label="Title" errors><TextInput id="title" sig=fields.title errors /></Field>
            <Field id="kind" label="Kind" errors>
                <Select id="kind" sig=fields.kind options=SessionKind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label().to_owned())).collect() />
            </Field>
            <div class="field-row">
                <Field id="starts_at" label="Starts" errors hint=zone_hint.clone()>
                    <TextInput id="starts_at" kind="datetime-local" sig=fields.starts_at errors />
                </Field>
                <Field id="ends_at" label="Ends" errors hint=zone_hint>
                    <TextInput id="ends_at" kind="datetime-local" sig=fields.ends_at errors />
                </Field>
            </div>
            <Field id="room_id" label="Room" errors hint=room_hint>
                <Select id="room_id" sig=fields.room_id options=room_options />
            </Field>
            <Field id="room" label="Other place" errors hint="When no room is chosen: a place outside the rooms list.">
                <TextInput id="room" sig=fields.room errors />
            </Field>
            <Field id="participants" label="Required participants" errors hint="One per line: account names (@name insists on an account) and guests such as “Red Hat Storage team”. Warnings count these.">
                <TextArea id="participants" sig=fields.participants errors />
            </Field>
            <Field id="optional_participants" label="Optional participants" errors hint="Welcome but not needed: they never clash.">
                <TextArea id="optional_participants" sig=fields.optional_participants errors />
            </Field>
            <GoalPicker id="goal_ids" label="Goals this session works on" goals sig=fields.goal_ids errors />
            <Field id="agenda" label="Agenda" errors hint="Markdown."><TextArea id="agenda" sig=fields.agenda errors /></Field>
            <Field id="notes" label="Notes" errors hint="Markdown: what was said, links, results.">
                <TextArea id="notes" sig=fields.notes errors />
            </Field>
        </EditorPage>
    }
    .into_any()
}

/// (field, saved now, yours) for the conflict view.
fn conflict_rows(current: &HackSession, mine: SessionForm) -> Vec<(String, String, String)> {
    let theirs = current.to_form();
    vec![
        ("title".to_owned(), theirs.title, mine.title),
        ("kind".to_owned(), theirs.kind, mine.kind),
        ("starts".to_owned(), theirs.starts_at, mine.starts_at),
        ("ends".to_owned(), theirs.ends_at, mine.ends_at),
        ("room".to_owned(), theirs.room, mine.room),
        (
            "participants".to_owned(),
            theirs.participants,
            mine.participants,
        ),
        (
            "optional participants".to_owned(),
            theirs.optional_participants,
            mine.optional_participants,
        ),
        ("agenda".to_owned(), theirs.agenda, mine.agenda),
        ("notes".to_owned(), theirs.notes, mine.notes),
    ]
}
