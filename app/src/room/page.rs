use domain::room::{Room, RoomForm};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use super::api::{
    RoomEditorData, RoomPage, create_room, get_room, get_room_editor, list_rooms, update_room,
};
use crate::components::{
    Field, History, Rendered, TextArea, TextInput, hackfest_page, id_param, parse_id,
};
use crate::editor::{EditorPage, posted_value, use_editor};
use crate::hackfest::api::HackfestScope;

crate::object_routes!(
    /// `/h/:slug/rooms/…`: the list, a new room, a room, its editor.
    RoomRoutes, "rooms", RoomListPage, NewRoomPage, RoomDetailPage, EditRoomPage
);

/// "9th floor · 12 people · open 08:00–18:00 · breakouts welcome".
fn facts(r: &Room) -> Vec<String> {
    let mut out = Vec::new();
    if !r.location.is_empty() {
        out.push(r.location.clone());
    }
    out.push(match r.capacity {
        Some(1) => "1 person".to_owned(),
        Some(c) => format!("{c} people"),
        None => "No capacity limit".to_owned(),
    });
    if let (Some(a), Some(b)) = (&r.opens, &r.closes) {
        out.push(format!("Open {a}–{b}"));
    }
    if r.open_for_breakouts {
        out.push("Open for breakouts".to_owned());
    }
    out
}

fn equipment(r: &Room) -> impl IntoView + use<> {
    r.equipment
        .iter()
        .map(|t| view! { <span class="chip">{t.clone()}</span> })
        .collect_view()
}

#[component]
pub fn RoomListPage() -> impl IntoView {
    hackfest_page(
        || (),
        |slug, _| list_rooms(slug),
        None,
        |w, rooms| view! { <RoomList w rooms /> },
    )
}

#[component]
fn RoomList(w: HackfestScope, rooms: Vec<Room>) -> impl IntoView {
    let slug = w.hackfest.slug.clone();
    let can_organize = w.role.can_organize();
    let list = if rooms.is_empty() {
        view! { <p class="empty">"No rooms yet."</p> }.into_any()
    } else {
        view! {
            <ul class="items">
                {rooms.into_iter().map(|r| view! {
                    <li class="item room">
                        <a href=format!("/h/{slug}/rooms/{}", r.id)>{r.name.clone()}</a>
                        <p class="meta">{facts(&r).into_iter().map(|f| view! { <span>{f}</span> }).collect_view()}</p>
                        <p>{equipment(&r)}</p>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let slug = w.hackfest.slug.clone();
    view! {
        <Title text=format!("Rooms · {}", w.hackfest.title) />
        <section class="page">
            <nav class="crumbs" aria-label="Breadcrumb"><a href=format!("/h/{slug}")>{w.hackfest.title.clone()}</a></nav>
            <div class="section-head">
                <h1>"Rooms"</h1>
                {can_organize.then(|| view! { <a class="button primary" href=format!("/h/{slug}/rooms/new")>"Add a room"</a> })}
            </div>
            {list}
        </section>
    }
}

#[component]
pub fn RoomDetailPage() -> impl IntoView {
    hackfest_page(
        id_param(),
        |slug, id| async move { get_room(slug, parse_id(&id, "Room")?).await },
        None,
        |w, page| view! { <RoomDetail w page /> },
    )
}

#[component]
fn RoomDetail(w: HackfestScope, page: RoomPage) -> impl IntoView {
    let RoomPage {
        room: r,
        sessions,
        history,
    } = page;
    let slug = w.hackfest.slug.clone();
    let can_organize = w.role.can_organize();
    let mut days: Vec<(chrono::NaiveDate, Vec<domain::session::HackSession>)> = Vec::new();
    for s in sessions {
        match days.last_mut() {
            Some((d, list)) if *d == s.day() => list.push(s),
            _ => days.push((s.day(), vec![s])),
        }
    }
    let booked = if days.is_empty() {
        view! { <p class="empty">"No sessions in this room."</p> }.into_any()
    } else {
        let slug = slug.clone();
        days.into_iter()
            .map(|(day, list)| {
                let slug = slug.clone();
                view! {
                    <h3>{day.format("%A %-d %B").to_string()}</h3>
                    <ul class="items">
                        {list.into_iter().map(|s| view! {
                            <li class="item session">
                                <a href=format!("/h/{slug}/sessions/{}", s.id)>{s.title.clone()}</a>
                                <p class="meta"><span>{crate::session::page::when(&s)}</span><span>{s.kind.label()}</span></p>
                            </li>
                        }).collect_view()}
                    </ul>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <Title text=format!("{} · {}", r.name, w.hackfest.title) />
        <article class="page narrow">
            <nav class="crumbs" aria-label="Breadcrumb">
                <a href=format!("/h/{slug}")>{w.hackfest.title.clone()}</a>" › "
                <a href=format!("/h/{slug}/rooms")>"Rooms"</a>
            </nav>
            <div class="section-head">
                <h1>{r.name.clone()}</h1>
                {can_organize.then(|| view! { <a class="button" href=format!("/h/{slug}/rooms/{}/edit", r.id)>"Edit"</a> })}
            </div>
            <p class="meta">{facts(&r).into_iter().map(|f| view! { <span>{f}</span> }).collect_view()}</p>
            {(!r.equipment.is_empty()).then(|| view! { <p><strong>"Equipment: "</strong>{equipment(&r)}</p> })}
            {(!r.closed.is_empty()).then(|| view! {
                <h2>"Closed"</h2>
                <ul class="closed-periods">{r.closed.iter().map(|c| view! { <li>{c.shown()}</li> }).collect_view()}</ul>
            })}
            <Rendered html=r.notes_html.clone() empty="No notes." />
            <h2>"Sessions"</h2>
            {booked}
            <History entries=history />
        </article>
    }
}

#[component]
pub fn NewRoomPage() -> impl IntoView {
    hackfest_page(
        || (),
        |slug, _| get_room_editor(slug, None),
        None,
        |w, data| view! { <RoomEditor w data /> },
    )
}

#[component]
pub fn EditRoomPage() -> impl IntoView {
    hackfest_page(
        id_param(),
        |slug, id| async move { get_room_editor(slug, Some(parse_id(&id, "Room")?)).await },
        None,
        |w, data| view! { <RoomEditor w data /> },
    )
}

crate::form_signals!(Fields for RoomForm { name, location, capacity, equipment, notes, open_for_breakouts, opens, closes, closed });

fn check(f: &RoomForm) -> Result<(), domain::FieldErrors> {
    f.parse().map(|_| ())
}

/// A checkbox bound to a signal holding `on` or nothing; posts as `form[id]`.
#[component]
pub fn Checkbox(id: &'static str, label: &'static str, sig: RwSignal<String>) -> impl IntoView {
    if let Some(v) = posted_value(id) {
        sig.set(v);
    }
    view! {
        <label class="check" for=id>
            <input
                type="checkbox"
                id=id
                name=format!("form[{id}]")
                value="on"
                checked=domain::room::ticked(&sig.get_untracked())
                prop:checked=move || domain::room::ticked(&sig.get())
                on:change=move |ev| sig.set(if event_target_checked(&ev) { "on".into() } else { String::new() })
            />
            " "{label}
        </label>
    }
}

#[component]
fn RoomEditor(w: HackfestScope, data: RoomEditorData) -> impl IntoView {
    let existing = data.room;
    let id = existing.as_ref().map(|r| r.id);
    let h = w.hackfest.clone();
    let slug = h.slug.clone();
    let fields = Fields::new(existing.as_ref().map(Room::to_form).unwrap_or_default());
    let navigate = use_navigate();
    let to = slug.clone();
    let editor = use_editor(
        existing.as_ref().map(|r| r.version).unwrap_or(0),
        {
            let slug = slug.clone();
            move |version, form: RoomForm| {
                let slug = slug.clone();
                async move {
                    match id {
                        Some(id) => update_room(slug, id, version, form).await,
                        None => create_room(slug, form).await,
                    }
                }
            }
        },
        check,
        |r: &Room| r.version,
        move |r: Room| navigate(&format!("/h/{to}/rooms/{}", r.id), Default::default()),
    );
    let errors = editor.errors;
    // Organizers manage rooms; others see the form read-only.
    let role = if w.role.can_organize() {
        w.role
    } else {
        w.role.min(domain::user::Role::Visitor)
    };
    let heading = match (existing.is_some(), w.role.can_organize()) {
        (true, true) => "Edit room",
        (true, false) => "Room",
        (false, _) => "Add a room",
    };
    let back = match id {
        Some(id) => format!("/h/{slug}/rooms/{id}"),
        None => format!("/h/{slug}/rooms"),
    };
    let submit = if existing.is_some() {
        "Save changes"
    } else {
        "Add room"
    };
    view! {
        <EditorPage heading hackfest=(slug.clone(), h.title.clone()) list=("rooms", "Rooms") what="room" editor
            rows=conflict_rows mine=move || fields.get() put=move |c: Room| fields.set(c.to_form())
            role submit back>
            <Field id="name" label="Name" errors><TextInput id="name" sig=fields.name errors /></Field>
            <Field id="location" label="Location" errors hint="Floor, building: “9th floor”.">
                <TextInput id="location" sig=fields.location errors />
            </Field>
            <Field id="capacity" label="Capacity" errors hint="People, 1 to 10000; empty: no limit (the hotel lobby).">
                <TextInput id="capacity" kind="number" sig=fields.capacity errors />
            </Field>
            <Field id="equipment" label="Equipment" errors hint="Comma-separated: projector, video call, whiteboard.">
                <TextInput id="equipment" sig=fields.equipment errors />
            </Field>
            <div class="field-row">
                <Field id="opens" label="Opens" errors hint=format!("{} time; empty: always open.", h.time_zone)>
                    <TextInput id="opens" kind="time" sig=fields.opens errors />
                </Field>
                <Field id="closes" label="Closes" errors hint=format!("{} time.", h.time_zone)>
                    <TextInput id="closes" kind="time" sig=fields.closes errors />
                </Field>
            </div>
            <Field id="open_for_breakouts" label="Breakouts" errors>
                <Checkbox id="open_for_breakouts" label="Open for breakouts" sig=fields.open_for_breakouts />
            </Field>
            <Field id="closed" label="Closed periods" errors hint="One per line, on the hackfest's clock: a day (2026-11-26) or a day and hours (2026-11-25 12:00-14:00), then a reason if you like. Sessions cannot be booked over them.">
                <TextArea id="closed" sig=fields.closed errors />
            </Field>
            <Field id="notes" label="Notes" errors hint="Markdown: how to get in, what to bring.">
                <TextArea id="notes" sig=fields.notes errors />
            </Field>
        </EditorPage>
    }
}

/// (field, saved now, yours) for the conflict view.
fn conflict_rows(current: &Room, mine: RoomForm) -> Vec<(String, String, String)> {
    let theirs = current.to_form();
    vec![
        ("name".to_owned(), theirs.name, mine.name),
        ("location".to_owned(), theirs.location, mine.location),
        ("capacity".to_owned(), theirs.capacity, mine.capacity),
        ("equipment".to_owned(), theirs.equipment, mine.equipment),
        ("opens".to_owned(), theirs.opens, mine.opens),
        ("closes".to_owned(), theirs.closes, mine.closes),
        ("closed periods".to_owned(), theirs.closed, mine.closed),
        (
            "open for breakouts".to_owned(),
            theirs.open_for_breakouts,
            mine.open_for_breakouts,
        ),
        ("notes".to_owned(), theirs.notes, mine.notes),
    ]
}
