//! `/h/:slug/travel/…`: the person's requests and, for organizers, the budget, the
//! queue, the arrivals board and the hotel roster. Every form is a plain form.

use chrono::NaiveDate;
use domain::travel::{
    Amounts, Budget, BudgetForm, Category, Currency, Figures, TravelForm, TravelRequest,
    TravelState, estimates,
};
use domain::travel::{BoardDay, Movement};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use super::api::*;
use crate::components::{Field, History, TextArea, TextInput, hackfest_page, id_param, parse_id};
use crate::editor::{EditorPage, url_error, use_editor};
use crate::hackfest::api::HackfestScope;

/// `/h/:slug/travel/…`. The fixed pages come before `:id`.
#[component(transparent)]
pub fn TravelRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::{Outlet, ParentRoute, Route};
    use leptos_router::{SsrMode, path};
    let ssr = SsrMode::Async;
    view! {
        <ParentRoute path=path!("travel") view=Outlet ssr=ssr.clone()>
            <Route path=path!("") view=TravelHomePage ssr=ssr.clone() />
            <Route path=path!("new") view=NewTravelPage ssr=ssr.clone() />
            <Route path=path!("budget/edit") view=BudgetEditorPage ssr=ssr.clone() />
            <Route path=path!("arrivals") view=ArrivalsPage ssr=ssr.clone() />
            <Route path=path!("hotels") view=HotelsPageView ssr=ssr.clone() />
            <Route path=path!(":id") view=TravelDetailPage ssr=ssr.clone() />
            <Route path=path!(":id/edit") view=EditTravelPage ssr=ssr.clone() />
        </ParentRoute>
    }
    .into_inner()
}

fn crumbs(w: &HackfestScope, here: Option<&str>) -> impl IntoView + use<> {
    let slug = w.hackfest.slug.clone();
    let title = w.hackfest.title.clone();
    let travel = here.map(|_| view! { " › "<a href=format!("/h/{slug}/travel")>"Travel"</a> });
    view! {
        <nav class="crumbs" aria-label="Breadcrumb">
            <a href=format!("/h/{}", w.hackfest.slug)>{title}</a>
            {travel}
        </nav>
    }
}

fn state_badge(s: TravelState) -> impl IntoView {
    view! { <span class=format!("badge travel-{}", s.key()) data-testid="travel-state">{s.label()}</span> }
}

/// "EUR 420.00 travel + CZK 3,000.00 lodging": what the items estimate.
fn estimate_text(r: &TravelRequest) -> String {
    let parts: Vec<String> = estimates(&r.items)
        .into_iter()
        .map(|(code, a)| {
            let c = Currency::stored(&code);
            c.show(a.total())
        })
        .collect();
    if parts.is_empty() {
        "Nothing asked yet".to_owned()
    } else {
        parts.join(" + ")
    }
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%a %-d %b").to_string())
        .unwrap_or_else(|| "—".to_owned())
}

fn when(d: Option<NaiveDate>, at: &Option<String>) -> String {
    match (d, at) {
        (Some(_), Some(t)) => format!("{} {t}", day(d)),
        _ => day(d),
    }
}

#[component]
pub fn TravelHomePage() -> impl IntoView {
    hackfest_page(
        || (),
        |slug, _| get_travel_home(slug),
        None,
        |w, home| view! { <TravelHomeView w home /> },
    )
}

#[component]
fn RequestList(slug: String, list: Vec<TravelRequest>, show_person: bool) -> impl IntoView {
    view! {
        <ul class="items">
            {list.into_iter().map(|r| {
                let person = show_person.then(|| view! { <strong>{r.person.clone()}</strong>" · " });
                view! {
                    <li class="item travel" data-testid="travel-row">
                        <a href=format!("/h/{slug}/travel/{}", r.id)>{person}{estimate_text(&r)}</a>
                        <p class="meta">
                            {state_badge(r.state())}
                            <span>{format!("Arrives {}", day(r.arrives_on))}</span>
                            <span>{format!("Leaves {}", day(r.leaves_on))}</span>
                        </p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn FiguresTable(budget: Budget, figures: Figures) -> impl IntoView {
    let c = budget.money();
    let row = move |label: &'static str, a: Amounts, total: bool| {
        let cells = Category::ALL
            .into_iter()
            .map(|k| view! { <td class="num">{c.format(a.get(k))}</td> })
            .collect_view();
        let class = if total { "total" } else { "" };
        view! { <tr class=class><th scope="row">{label}</th>{cells}<td class="num">{c.format(a.total())}</td></tr> }
    };
    view! {
        <div class="table-scroll">
            <table class="figures" data-testid="budget-figures">
                <caption>{format!("Funded by {}, in {}", budget.source, c.code())}</caption>
                <thead><tr><th scope="col">""</th>
                    {Category::ALL.into_iter().map(|k| view! { <th scope="col" class="num">{k.label()}</th> }).collect_view()}
                    <th scope="col" class="num">"All"</th></tr></thead>
                <tbody>
                    {row("Budget", figures.total, false)}
                    {row("Approved", figures.approved, false)}
                    {row("Reimbursed", figures.reimbursed, false)}
                    {row("Remaining", figures.remaining, true)}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn TravelHomeView(w: HackfestScope, home: TravelHome) -> impl IntoView {
    let slug = w.hackfest.slug.clone();
    let active = home.mine.iter().any(|r| r.state().active());
    let ask = (!active).then(|| view! { <a class="button primary" href=format!("/h/{slug}/travel/new")>"Ask for travel funding"</a> });
    let mine = if home.mine.is_empty() {
        view! { <p class="empty">"You have not asked for travel funding for this hackfest."</p> }
            .into_any()
    } else {
        view! { <RequestList slug=slug.clone() list=home.mine.clone() show_person=false /> }
            .into_any()
    };
    let organizer = home.organizer.then(|| {
        let budget = match (home.budget.clone(), home.figures.clone()) {
            (Some(b), Some(f)) => view! {
                <FiguresTable budget=b.clone() figures=f />
                {(!b.hotels.is_empty()).then(|| view! {
                    <p class="meta">"Hotels: "{b.hotels.iter().map(|h| h.name.clone()).collect::<Vec<_>>().join(", ")}</p>
                })}
                <p><a class="button" href=format!("/h/{slug}/travel/budget/edit")>"Edit the budget"</a></p>
            }.into_any(),
            _ => view! {
                <p class="empty">"No budget yet: set who funds travel, in which currency and how much, before approving requests."</p>
                <p><a class="button primary" href=format!("/h/{slug}/travel/budget/edit")>"Set the budget"</a></p>
            }.into_any(),
        };
        let queue: Vec<TravelRequest> = home.all.iter().filter(|r| r.state() == TravelState::Submitted).cloned().collect();
        let queue = if queue.is_empty() {
            view! { <p class="empty">"No request waits for a decision."</p> }.into_any()
        } else {
            view! { <RequestList slug=slug.clone() list=queue show_person=true /> }.into_any()
        };
        let all = if home.all.is_empty() {
            view! { <p class="empty">"No requests yet."</p> }.into_any()
        } else {
            view! { <RequestList slug=slug.clone() list=home.all.clone() show_person=true /> }.into_any()
        };
        view! {
            <section aria-labelledby="budget-head">
                <h2 id="budget-head">"Budget"</h2>
                {budget}
            </section>
            <section aria-labelledby="queue-head" data-testid="travel-queue">
                <h2 id="queue-head">"Waiting for a decision"</h2>
                {queue}
            </section>
            <section aria-labelledby="all-head">
                <h2 id="all-head">"Every request"</h2>
                {all}
                <p class="actions">
                    <a class="button" href=format!("/h/{slug}/travel/hotels")>"Hotel roster"</a>" "
                    <a class="button" href=format!("/h/{slug}/travel/requests.csv") rel="external" download="">"Requests (CSV)"</a>" "
                    <a class="button" href=format!("/h/{slug}/travel/people.csv") rel="external" download="">"Per person (CSV)"</a>
                </p>
            </section>
        }
    });
    view! {
        <Title text=format!("Travel · {}", w.hackfest.title) />
        <section class="page">
            {crumbs(&w, None)}
            <div class="section-head">
                <h1>"Travel and lodging"</h1>
                {ask}
            </div>
            <p class="meta">"What you ask for, your travel details and the amounts are seen only by you and the hackfest's organizers. "
                <a href=format!("/h/{slug}/travel/arrivals")>"Arrivals and departures"</a></p>
            <section aria-labelledby="mine-head">
                <h2 id="mine-head">"Your requests"</h2>
                {mine}
            </section>
            {organizer}
        </section>
    }
}

#[component]
pub fn TravelDetailPage() -> impl IntoView {
    hackfest_page(
        id_param(),
        |slug, id| async move { get_travel(slug, parse_id(&id, "Travel request")?).await },
        None,
        |w, page| view! { <TravelDetail w page /> },
    )
}

/// The messages of a step's plain form that failed (the server sends the browser
/// back here with the error).
fn step_error(paths: &[&'static str]) -> Option<Vec<String>> {
    paths.iter().find_map(|p| url_error(p)).map(|e| match e {
        crate::error::AppError::Validation(f) => f.0.into_values().collect(),
        other => vec![other.to_string()],
    })
}

/// A plain form to a step's server function: `slug`, `id`, `version`, then `children`.
#[component]
fn StepForm(
    path: &'static str,
    slug: String,
    r: TravelRequest,
    label: &'static str,
    #[prop(optional)] primary: bool,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let class = if primary { "button primary" } else { "button" };
    view! {
        <form method="post" action=path class="step-form">
            <input type="hidden" name="slug" value=slug />
            <input type="hidden" name="id" value=r.id.to_string() />
            <input type="hidden" name="version" value=r.version.to_string() />
            {children.map(|c| c())}
            <button type="submit" class=class>{label}</button>
        </form>
    }
}

/// An amount input of a step form, `form[<name>]`.
fn amount_input(name: &'static str, label: String, value: String) -> impl IntoView {
    let id = format!("step-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type="text" inputmode="decimal" name=format!("form[{name}]") value=value />
        </div>
    }
}

#[component]
fn TravelDetail(w: HackfestScope, page: TravelPage) -> impl IntoView {
    let TravelPage {
        request: r,
        me,
        organizer,
        currency,
        has_budget,
        hotels,
        history,
    } = page;
    let slug = w.hackfest.slug.clone();
    let c = Currency::stored(&currency);
    let state = r.state();
    let mine = r.person == me;
    let errors = step_error(&[
        SubmitTravel::PATH,
        ApproveTravel::PATH,
        DeclineTravel::PATH,
        BookTravel::PATH,
        ReimburseTravel::PATH,
        WithdrawTravel::PATH,
        LodgeTravel::PATH,
    ]);
    let items = if r.items.is_empty() {
        view! { <p class="empty">"No items yet."</p> }.into_any()
    } else {
        view! {
            <div class="table-scroll">
                <table class="figures" data-testid="travel-items">
                    <thead><tr><th scope="col">"Kind"</th><th scope="col">"What"</th><th scope="col" class="num">"Estimate"</th></tr></thead>
                    <tbody>
                        {r.items.iter().map(|i| {
                            let ic = Currency::stored(&i.currency);
                            view! { <tr><td>{i.kind.key()}</td><td>{i.description.clone()}</td><td class="num">{ic.show(i.amount)}</td></tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let decision = r.approved().filter(|_| state.committed()).map(|a| {
        view! {
            <p data-testid="travel-approved"><strong>"Approved: "</strong>{c.show(a.total())}" ("{a.shown(&c)}")"
                {(!r.decided_by.is_empty()).then(|| format!(" by {}", r.decided_by))}</p>
        }
    });
    let declined = (state == TravelState::Declined).then(|| view! {
        <p><strong>"Declined"</strong>{(!r.decided_by.is_empty()).then(|| format!(" by {}", r.decided_by))}</p>
    });
    let note = (!r.decision_note.is_empty()).then(|| view! { <p class="note"><strong>"Organizers' note: "</strong>{r.decision_note.clone()}</p> });
    let paid = r.reimbursed().map(|p| {
        view! {
            <p data-testid="travel-reimbursed"><strong>"Reimbursed: "</strong>{c.show(p.total())}
                {r.reimbursed_on.map(|d| format!(" on {d}"))}</p>
        }
    });
    let lodging = (!r.hotel.is_empty()).then(|| view! {
        <p><strong>"Hotel: "</strong>{r.hotel.clone()}
            {r.nights().map(|(a, b)| format!(", nights {} to {}", a.format("%a %-d %b"), b.format("%a %-d %b")))}
            {(!r.hotel_room.is_empty()).then(|| format!(", room {}", r.hotel_room))}</p>
    });
    // The steps the viewer may take now.
    let s2 = slug.clone();
    let mut steps: Vec<AnyView> = Vec::new();
    if mine && matches!(state, TravelState::Draft | TravelState::Submitted) {
        steps.push(
            view! { <a class="button" href=format!("/h/{s2}/travel/{}/edit", r.id)>"Edit"</a> }
                .into_any(),
        );
    }
    if mine && state == TravelState::Draft {
        steps.push(view! { <StepForm path=SubmitTravel::PATH slug=slug.clone() r=r.clone() label="Submit for approval" primary=true /> }.into_any());
    }
    if (mine || organizer) && state == TravelState::Approved {
        steps.push(view! { <StepForm path=BookTravel::PATH slug=slug.clone() r=r.clone() label="Mark as booked" /> }.into_any());
    }
    if (mine || organizer)
        && matches!(
            state,
            TravelState::Draft
                | TravelState::Submitted
                | TravelState::Approved
                | TravelState::Booked
        )
    {
        steps.push(view! { <StepForm path=WithdrawTravel::PATH slug=slug.clone() r=r.clone() label="Withdraw" /> }.into_any());
    }
    let decide = (organizer && state == TravelState::Submitted).then(|| {
        // Prefilled with what the items estimate in the budget's currency.
        let est = estimates(&r.items)
            .into_iter()
            .find(|(code, _)| *code == c.code())
            .map(|(_, a)| a)
            .unwrap_or_default();
        let other_currencies: Vec<String> = estimates(&r.items)
            .into_iter()
            .filter(|(code, _)| *code != c.code())
            .map(|(code, a)| Currency::stored(&code).show(a.total()))
            .collect();
        view! {
            <section aria-labelledby="decide-head" class="decide" data-testid="travel-decide">
                <h2 id="decide-head">"Decide"</h2>
                {(!has_budget).then(|| view! { <p class="form-error">"Set the budget before approving: "<a href=format!("/h/{slug}/travel/budget/edit")>"the budget"</a></p> })}
                {(!other_currencies.is_empty()).then(|| view! {
                    <p class="meta">{format!("Estimated in other currencies: {}. Approve the amounts in {}.", other_currencies.join(", "), c.code())}</p>
                })}
                <StepForm path=ApproveTravel::PATH slug=slug.clone() r=r.clone() label="Approve" primary=true>
                    <div class="field-row">
                        {amount_input("approved_travel", format!("Travel ({})", c.code()), c.plain(est.travel))}
                        {amount_input("approved_lodging", format!("Lodging ({})", c.code()), c.plain(est.lodging))}
                        {amount_input("approved_other", format!("Other ({})", c.code()), c.plain(est.other))}
                    </div>
                    <div class="field">
                        <label for="approve-note">"Note to the person"</label>
                        <textarea id="approve-note" name="form[note]" rows="2"></textarea>
                    </div>
                </StepForm>
                <StepForm path=DeclineTravel::PATH slug=slug.clone() r=r.clone() label="Decline">
                    <div class="field">
                        <label for="decline-note">"Why it is declined"</label>
                        <textarea id="decline-note" name="form[note]" rows="2"></textarea>
                    </div>
                </StepForm>
            </section>
        }
    });
    let reimburse = (organizer && state == TravelState::Booked).then(|| {
        let a = r.approved().unwrap_or_default();
        let today = w.today.to_string();
        view! {
            <section aria-labelledby="pay-head" data-testid="travel-reimburse">
                <h2 id="pay-head">"Record the reimbursement"</h2>
                <StepForm path=ReimburseTravel::PATH slug=slug.clone() r=r.clone() label="Record reimbursement" primary=true>
                    <div class="field-row">
                        {amount_input("reimbursed_travel", format!("Travel ({})", c.code()), c.plain(a.travel))}
                        {amount_input("reimbursed_lodging", format!("Lodging ({})", c.code()), c.plain(a.lodging))}
                        {amount_input("reimbursed_other", format!("Other ({})", c.code()), c.plain(a.other))}
                    </div>
                    <div class="field">
                        <label for="paid-on">"Paid on"</label>
                        <input id="paid-on" type="date" name="form[reimbursed_on]" value=today />
                    </div>
                </StepForm>
            </section>
        }
    });
    let lodge_r = r.clone();
    let lodge_slug = slug.clone();
    let lodge = (organizer && state.active()).then(move || {
        let r = lodge_r;
        let slug = lodge_slug;
        let hotel_options = hotels.iter().map(|h| {
            let selected = h.name == r.hotel;
            view! { <option value=h.name.clone() selected=selected>{h.name.clone()}</option> }
        }).collect_view();
        view! {
            <section aria-labelledby="lodge-head">
                <h2 id="lodge-head">"Lodging"</h2>
                {if hotels.is_empty() {
                    view! { <p class="empty">"Add the hackfest's hotels to the budget to put people up."</p> }.into_any()
                } else {
                    view! {
                        <StepForm path=LodgeTravel::PATH slug=slug.clone() r=r.clone() label="Save lodging">
                            <div class="field-row">
                                <div class="field">
                                    <label for="lodge-hotel">"Hotel"</label>
                                    <select id="lodge-hotel" name="form[hotel]">
                                        <option value="">"None"</option>
                                        {hotel_options}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="lodge-first">"First night"</label>
                                    <input id="lodge-first" type="date" name="form[first_night]" value=r.first_night.map(|d| d.to_string()).unwrap_or_default() />
                                </div>
                                <div class="field">
                                    <label for="lodge-last">"Last night"</label>
                                    <input id="lodge-last" type="date" name="form[last_night]" value=r.last_night.map(|d| d.to_string()).unwrap_or_default() />
                                </div>
                                <div class="field">
                                    <label for="lodge-room">"Room"</label>
                                    <input id="lodge-room" type="text" name="form[hotel_room]" value=r.hotel_room.clone() />
                                </div>
                            </div>
                            <p class="hint">"People in the same room of the same hotel share it."</p>
                        </StepForm>
                    }.into_any()
                }}
            </section>
        }
    });
    let title = if mine {
        "Your travel request".to_owned()
    } else {
        format!("Travel request of {}", r.person)
    };
    view! {
        <Title text=format!("{title} · {}", w.hackfest.title) />
        <article class="page narrow">
            {crumbs(&w, Some("travel"))}
            <div class="section-head">
                <h1>{title}</h1>
                {state_badge(state)}
            </div>
            {errors.map(|list| view! {
                <div class="form-error" role="alert" data-testid="step-error">
                    {list.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
                </div>
            })}
            <dl class="links">
                <dt>"Arrives"</dt><dd>{when(r.arrives_on, &r.arrives_at)}{(!r.arrival.is_empty()).then(|| format!(" · {}", r.arrival))}</dd>
                <dt>"Leaves"</dt><dd>{when(r.leaves_on, &r.leaves_at)}{(!r.departure.is_empty()).then(|| format!(" · {}", r.departure))}</dd>
                <dt>"Others see"</dt><dd>{if r.share_days { "the days of arrival and departure" } else { "nothing" }}</dd>
            </dl>
            <h2>"What is asked"</h2>
            {items}
            <p class="meta">{format!("Estimated: {}", estimate_text(&r))}</p>
            {(!r.notes.is_empty()).then(|| view! { <p class="note">{r.notes.clone()}</p> })}
            {decision}
            {declined}
            {note}
            {paid}
            {lodging}
            <div class="actions steps">{steps}</div>
            {decide}
            {reimburse}
            {lodge}
            <History entries=history names=Default::default() />
        </article>
    }
}

#[component]
pub fn NewTravelPage() -> impl IntoView {
    hackfest_page(
        || (),
        |slug, _| get_travel_editor(slug, None),
        None,
        |w, data| view! { <TravelEditor w data /> },
    )
}

#[component]
pub fn EditTravelPage() -> impl IntoView {
    hackfest_page(
        id_param(),
        |slug, id| async move { get_travel_editor(slug, Some(parse_id(&id, "Travel request")?)).await },
        None,
        |w, data| view! { <TravelEditor w data /> },
    )
}

crate::form_signals!(Fields for TravelForm { items, arrives_on, arrives_at, arrival, leaves_on, leaves_at, departure, share_days, notes });

/// The browser's check: the shape of every field; the server also checks the dates
/// against the hackfest's days.
fn check(f: &TravelForm) -> Result<(), domain::FieldErrors> {
    let wide = (
        NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(2200, 1, 1).unwrap_or_default(),
    );
    f.parse(wide).map(|_| ())
}

#[component]
fn TravelEditor(w: HackfestScope, data: TravelEditorData) -> impl IntoView {
    let existing = data.request;
    let id = existing.as_ref().map(|r| r.id);
    let h = w.hackfest.clone();
    let slug = h.slug.clone();
    let fields = Fields::new(
        existing
            .as_ref()
            .map(TravelRequest::to_form)
            .unwrap_or_default(),
    );
    let navigate = use_navigate();
    let to = slug.clone();
    let editor = use_editor(
        existing.as_ref().map(|r| r.version).unwrap_or(0),
        {
            let slug = slug.clone();
            move |version, form: TravelForm| {
                let slug = slug.clone();
                async move {
                    match id {
                        Some(id) => update_travel(slug, id, version, form).await,
                        None => create_travel(slug, form).await,
                    }
                }
            }
        },
        check,
        |r: &TravelRequest| r.version,
        move |r: TravelRequest| navigate(&format!("/h/{to}/travel/{}", r.id), Default::default()),
    );
    let errors = editor.errors;
    let heading = if existing.is_some() {
        "Edit your travel request"
    } else {
        "Ask for travel funding"
    };
    let back = match id {
        Some(id) => format!("/h/{slug}/travel/{id}"),
        None => format!("/h/{slug}/travel"),
    };
    let submit = if existing.is_some() {
        "Save changes"
    } else {
        "Save as draft"
    };
    let days = format!(
        "The hackfest runs {} to {}.",
        h.start_date.format("%a %-d %b"),
        h.end_date.format("%a %-d %b %Y")
    );
    view! {
        <EditorPage heading hackfest=(slug.clone(), h.title.clone()) list=("travel", "Travel") what="travel request" editor
            rows=conflict_rows mine=move || fields.get() put=move |c: TravelRequest| fields.set(c.to_form())
            role=w.role submit back>
            <p class="meta">"Only you and the hackfest's organizers see this request. You submit it for approval from its page."</p>
            <Field id="items" label="What you ask funding for" errors hint="One item per line: the kind (flight, train, bus, car, hotel or other), the estimated amount and its currency, then what it is. “flight 420.00 EUR FR123 BRQ–BOS”, “hotel 360 EUR 4 nights”.">
                <TextArea id="items" sig=fields.items errors rows=5 />
            </Field>
            <p class="hint">{days}</p>
            <div class="field-row">
                <Field id="arrives_on" label="Arrival day" errors>
                    <TextInput id="arrives_on" kind="date" sig=fields.arrives_on errors />
                </Field>
                <Field id="arrives_at" label="Arrival time" errors hint=format!("{} time; optional.", h.time_zone)>
                    <TextInput id="arrives_at" kind="time" sig=fields.arrives_at errors />
                </Field>
            </div>
            <Field id="arrival" label="How you arrive" errors hint="“flight FR123, lands 14:10 BOS”.">
                <TextInput id="arrival" sig=fields.arrival errors />
            </Field>
            <div class="field-row">
                <Field id="leaves_on" label="Departure day" errors>
                    <TextInput id="leaves_on" kind="date" sig=fields.leaves_on errors />
                </Field>
                <Field id="leaves_at" label="Departure time" errors hint=format!("{} time; optional.", h.time_zone)>
                    <TextInput id="leaves_at" kind="time" sig=fields.leaves_at errors />
                </Field>
            </div>
            <Field id="departure" label="How you leave" errors>
                <TextInput id="departure" sig=fields.departure errors />
            </Field>
            <Field id="share_days" label="Others" errors hint="Other attendees see only the days, never times, amounts or how you travel.">
                <crate::room::page::Checkbox id="share_days" label="Show other attendees the days I arrive and leave" sig=fields.share_days />
            </Field>
            <Field id="notes" label="Notes for the organizers" errors>
                <TextArea id="notes" sig=fields.notes errors rows=3 />
            </Field>
            <p class="field-error" role="alert" hidden=move || errors.with(|e| e.get("person").is_none())>{move || errors.with(|e| e.get("person").map(str::to_owned))}</p>
            <p class="field-error" role="alert" hidden=move || errors.with(|e| e.get("state").is_none())>{move || errors.with(|e| e.get("state").map(str::to_owned))}</p>
        </EditorPage>
    }
}

fn conflict_rows(current: &TravelRequest, mine: TravelForm) -> Vec<(String, String, String)> {
    let theirs = current.to_form();
    vec![
        ("items".to_owned(), theirs.items, mine.items),
        ("arrival day".to_owned(), theirs.arrives_on, mine.arrives_on),
        (
            "arrival time".to_owned(),
            theirs.arrives_at,
            mine.arrives_at,
        ),
        ("how you arrive".to_owned(), theirs.arrival, mine.arrival),
        ("departure day".to_owned(), theirs.leaves_on, mine.leaves_on),
        (
            "departure time".to_owned(),
            theirs.leaves_at,
            mine.leaves_at,
        ),
        ("how you leave".to_owned(), theirs.departure, mine.departure),
        ("share days".to_owned(), theirs.share_days, mine.share_days),
        ("notes".to_owned(), theirs.notes, mine.notes),
    ]
}

#[component]
pub fn BudgetEditorPage() -> impl IntoView {
    hackfest_page(
        || (),
        |slug, _| get_budget_editor(slug),
        None,
        |w, data| view! { <BudgetEditor w data /> },
    )
}

crate::form_signals!(BudgetFields for BudgetForm { source, currency, budget_travel, budget_lodging, budget_other, hotels });

fn check_budget(f: &BudgetForm) -> Result<(), domain::FieldErrors> {
    f.parse().map(|_| ())
}

#[component]
fn BudgetEditor(w: HackfestScope, data: BudgetEditorData) -> impl IntoView {
    let existing = data.budget;
    let id = existing.as_ref().map(|b| b.id);
    let h = w.hackfest.clone();
    let slug = h.slug.clone();
    let fields = BudgetFields::new(
        existing
            .as_ref()
            .map(Budget::to_form)
            .unwrap_or(BudgetForm {
                currency: "EUR".into(),
                ..BudgetForm::default()
            }),
    );
    let navigate = use_navigate();
    let to = slug.clone();
    let editor = use_editor(
        existing.as_ref().map(|b| b.version).unwrap_or(0),
        {
            let slug = slug.clone();
            move |version, form: BudgetForm| save_budget(slug.clone(), id, version, form)
        },
        check_budget,
        |b: &Budget| b.version,
        move |_: Budget| navigate(&format!("/h/{to}/travel"), Default::default()),
    );
    let errors = editor.errors;
    view! {
        <EditorPage heading="Travel budget" hackfest=(slug.clone(), h.title.clone()) list=("travel", "Travel") what="budget" editor
            rows=budget_rows mine=move || fields.get() put=move |b: Budget| fields.set(b.to_form())
            role=w.role submit="Save budget" back=format!("/h/{slug}/travel") id=id>
            <Field id="source" label="Funded by" errors hint="Who pays: “OSAS”.">
                <TextInput id="source" sig=fields.source errors />
            </Field>
            <Field id="currency" label="Currency" errors hint="Its ISO 4217 code: EUR, USD, CZK. Approvals and reimbursements are in it; estimates in other currencies are shown as they are, never converted.">
                <TextInput id="currency" sig=fields.currency errors />
            </Field>
            <div class="field-row">
                <Field id="budget_travel" label="Travel" errors>
                    <TextInput id="budget_travel" sig=fields.budget_travel errors />
                </Field>
                <Field id="budget_lodging" label="Lodging" errors>
                    <TextInput id="budget_lodging" sig=fields.budget_lodging errors />
                </Field>
                <Field id="budget_other" label="Other" errors>
                    <TextInput id="budget_other" sig=fields.budget_other errors />
                </Field>
            </div>
            <Field id="hotels" label="Hotels" errors hint="One per line: “Hotel Avanti | Střední 61, Brno”.">
                <TextArea id="hotels" sig=fields.hotels errors rows=3 />
            </Field>
        </EditorPage>
    }
}

fn budget_rows(current: &Budget, mine: BudgetForm) -> Vec<(String, String, String)> {
    let theirs = current.to_form();
    vec![
        ("funded by".to_owned(), theirs.source, mine.source),
        ("currency".to_owned(), theirs.currency, mine.currency),
        (
            "travel".to_owned(),
            theirs.budget_travel,
            mine.budget_travel,
        ),
        (
            "lodging".to_owned(),
            theirs.budget_lodging,
            mine.budget_lodging,
        ),
        ("other".to_owned(), theirs.budget_other, mine.budget_other),
        ("hotels".to_owned(), theirs.hotels, mine.hotels),
    ]
}

#[component]
pub fn ArrivalsPage() -> impl IntoView {
    hackfest_page(
        || (),
        |slug, _| get_arrivals(slug),
        None,
        |w, days| view! { <Arrivals w days /> },
    )
}

fn movements(slug: &str, list: Vec<Movement>, empty: &'static str) -> AnyView {
    if list.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    let slug = slug.to_owned();
    view! {
        <ul class="movements">
            {list.into_iter().map(|m| {
                let who = match m.request {
                    Some(id) => view! { <a href=format!("/h/{slug}/travel/{id}")>{m.person.clone()}</a> }.into_any(),
                    None => view! { <span>{m.person.clone()}</span> }.into_any(),
                };
                view! {
                    <li data-testid="movement">
                        {m.at.clone().map(|t| view! { <span class="time">{t}</span>" " })}
                        {who}
                        {(!m.how.is_empty()).then(|| format!(" · {}", m.how))}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Arrivals(w: HackfestScope, days: Vec<BoardDay>) -> impl IntoView {
    let slug = w.hackfest.slug.clone();
    let body = if days.is_empty() {
        view! { <p class="empty">"Nobody's arrival or departure is known yet."</p> }.into_any()
    } else {
        days.into_iter()
            .map(|d| {
                let id = format!("day-{}", d.day);
                let head = id.clone();
                view! {
                    <section class="board-day" aria-labelledby=head data-testid="board-day">
                        <h2 id=id>{d.day.format("%A %-d %B").to_string()}</h2>
                        <div class="board-columns">
                            <div><h3>"Arriving"</h3>{movements(&slug, d.arrivals, "Nobody arrives.")}</div>
                            <div><h3>"Leaving"</h3>{movements(&slug, d.departures, "Nobody leaves.")}</div>
                        </div>
                    </section>
                }
            })
            .collect_view()
            .into_any()
    };
    let note = if w.role.can_organize() {
        "Everyone who asked for travel funding, with times and how they travel."
    } else {
        "The days of those who share them, and your own in full."
    };
    view! {
        <Title text=format!("Arrivals and departures · {}", w.hackfest.title) />
        <section class="page">
            {crumbs(&w, Some("travel"))}
            <h1>"Arrivals and departures"</h1>
            <p class="meta">{note}</p>
            {body}
        </section>
    }
}

#[component]
pub fn HotelsPageView() -> impl IntoView {
    hackfest_page(
        || (),
        |slug, _| get_hotels(slug),
        None,
        |w, page| view! { <Hotels w page /> },
    )
}

#[component]
fn Hotels(w: HackfestScope, page: HotelsPage) -> impl IntoView {
    let hotels = if page.hotels.is_empty() {
        view! { <p class="empty">"No hotels yet: add them to the budget."</p> }.into_any()
    } else {
        view! {
            <ul class="items">
                {page.hotels.iter().map(|h| view! { <li class="item"><strong>{h.name.clone()}</strong>{(!h.address.is_empty()).then(|| format!(" · {}", h.address))}</li> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let nights = if page.nights.is_empty() {
        view! { <p class="empty">"Nobody is put up yet: set the lodging on each request's page."</p> }.into_any()
    } else {
        page.nights
            .into_iter()
            .map(|n| {
                let id = format!("night-{}", n.night);
                let head = id.clone();
                view! {
                    <section class="roster-night" aria-labelledby=head data-testid="roster-night">
                        <h3 id=id>{format!("Night of {}", n.night.format("%A %-d %B"))}</h3>
                        {n.hotels.into_iter().map(|h| view! {
                            <h4>{format!("{} · {} {}", h.hotel, h.guests, if h.guests == 1 { "guest" } else { "guests" })}</h4>
                            <ul class="roster">
                                {h.rooms.into_iter().map(|r| view! {
                                    <li>{if r.room.is_empty() { "Room not given".to_owned() } else { format!("Room {}", r.room) }}": "{r.people.join(", ")}</li>
                                }).collect_view()}
                            </ul>
                        }).collect_view()}
                    </section>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <Title text=format!("Hotel roster · {}", w.hackfest.title) />
        <section class="page">
            {crumbs(&w, Some("travel"))}
            <h1>"Hotel roster"</h1>
            <h2>"Hotels"</h2>
            {hotels}
            <h2>"Who sleeps where"</h2>
            {nights}
        </section>
    }
}
