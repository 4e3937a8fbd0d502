//! Travel's rules: who may do what to a request, the steps between its states, the
//! budget's arithmetic. Writes go through the shared versioned path
//! ([`crate::write`]), whose history rows keep every amount (shown only where the
//! request is) and whose bus messages are private and name only the id and state.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::money::{Amounts, Category, Currency};
use super::{
    Budget, BudgetForm, DecisionForm, Figures, LodgingForm, NewBudget, NewTravel, ReimburseForm,
    Step, TravelForm, TravelRequest, TravelState, repo,
};
use crate::db::{Db, Tx};
use crate::hackfest::Hackfest;
use crate::history::Fields;
use crate::ids::{BudgetId, HackfestId, TravelId};
use crate::outbox::Message;
use crate::session::warnings::{Stay, Stays};
use crate::write::{self, Edit, Update, Versioned};
use crate::{DomainError, FieldErrors};

pub use super::views::*;

const WHAT: &str = "travel request";

fn days(h: &Hackfest) -> (NaiveDate, NaiveDate) {
    (h.start_date, h.end_date)
}

fn invalid(field: &str, message: impl Into<String>) -> DomainError {
    DomainError::Validation(FieldErrors::single(field, message))
}

/// The hackfest's budget, if organizers set one.
#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn budget(db: &Db, hackfest_id: Uuid) -> Result<Option<Budget>, DomainError> {
    Ok(repo::budget(db, hackfest_id).await?)
}

/// Every request of the hackfest (organizers).
#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn list(db: &Db, hackfest_id: Uuid) -> Result<Vec<TravelRequest>, DomainError> {
    Ok(repo::list(db, hackfest_id).await?)
}

/// The person's own requests, newest first.
#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn mine(
    db: &Db,
    hackfest_id: Uuid,
    person: &str,
) -> Result<Vec<TravelRequest>, DomainError> {
    Ok(repo::of_person(db, hackfest_id, person).await?)
}

/// A request of this hackfest that `who` may see; any other is "not found" (never
/// "forbidden": that would say it exists).
#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn get(
    db: &Db,
    hackfest_id: Uuid,
    id: Uuid,
    who: Who<'_>,
) -> Result<TravelRequest, DomainError> {
    repo::get(db, id)
        .await?
        .filter(|r| r.hackfest_id == hackfest_id && who.sees(r))
        .ok_or(DomainError::NotFound(WHAT))
}

/// The budget's figures per category from the hackfest's requests.
pub fn figures(budget: &Budget, requests: &[TravelRequest]) -> Figures {
    Figures::of(budget, requests)
}

/// Creates or edits the hackfest's budget (organizers; the app checks). `version` 0:
/// there is none yet. Once money is approved its currency stays: the approved amounts
/// are in it.
#[tracing::instrument(skip(db, form), err(level = "debug"))]
pub async fn save_budget(
    db: &Db,
    h: &Hackfest,
    version: i64,
    form: &BudgetForm,
    actor: &str,
) -> Result<Budget, DomainError> {
    let new = form.parse()?;
    let stored = repo::budget(db, h.id).await?;
    let Some(stored) = stored else {
        if version != 0 {
            return Err(invalid(
                "version",
                "The budget you edited no longer exists; reload the page.",
            ));
        }
        let mut tx = db.begin().await?;
        let made = write::create_in::<Budget>(&mut tx, HackfestId(h.id), &new, actor).await?;
        tx.commit().await?;
        return Ok(made);
    };
    let mut w = Update::open(
        db,
        HackfestId(h.id),
        BudgetId(stored.id),
        version,
        async |b: Budget| b,
    )
    .await?;
    if new.currency != w.current.currency {
        let tx = w.lock().await?;
        if !repo::committed_in_tx(tx, h.id).await?.is_empty() {
            return Err(invalid(
                "currency",
                format!(
                    "Currency: requests are approved in {} already; it cannot change now.",
                    stored.currency
                ),
            ));
        }
    }
    w.save(&new, Edit::update(actor)).await
}

/// Starts `person`'s request, as a draft. A second active request of theirs in the
/// hackfest is a field error (also refused by the database, should two race).
#[tracing::instrument(skip(db, form), err(level = "debug"))]
pub async fn create(
    db: &Db,
    h: &Hackfest,
    form: &TravelForm,
    person: &str,
) -> Result<TravelRequest, DomainError> {
    let plan = form.parse(days(h))?;
    let currency = currency_of(db, h.id).await?;
    let mut tx = db.begin().await?;
    if repo::active_of(&mut tx, h.id, person, None).await? {
        return Err(invalid(
            "person",
            "You already have a request for this hackfest: edit it, or withdraw it first.",
        ));
    }
    let new = NewTravel {
        person: person.to_owned(),
        state: TravelState::Draft,
        plan,
        approved: None,
        decision_note: String::new(),
        decided_by: String::new(),
        reimbursed: None,
        reimbursed_on: None,
        lodging: Default::default(),
        currency,
    };
    let made = write::create_in::<TravelRequest>(&mut tx, HackfestId(h.id), &new, person).await?;
    tx.commit().await?;
    Ok(made)
}

async fn currency_of(db: &Db, hackfest_id: Uuid) -> Result<String, DomainError> {
    Ok(repo::budget(db, hackfest_id)
        .await?
        .map(|b| b.currency)
        .unwrap_or_else(|| "EUR".to_owned()))
}

/// Opens request `id` for a save by `who`: one they may not see is "not found"
/// (before its version is compared: a conflict would show it to them).
macro_rules! open {
    ($db:expr, $h:expr, $id:expr, $version:expr, $who:expr) => {{
        get($db, $h.id, $id, $who).await?;
        Update::open(
            $db,
            HackfestId($h.id),
            TravelId($id),
            $version,
            async |r: TravelRequest| r,
        )
        .await?
    }};
}

/// The person edits what they ask for and how they travel, while it is a draft or
/// submitted (a decision is made on what was asked).
#[tracing::instrument(skip(db, form), err(level = "debug"))]
pub async fn update(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    version: i64,
    form: &TravelForm,
    who: Who<'_>,
) -> Result<TravelRequest, DomainError> {
    let plan = form.parse(days(h))?;
    let currency = currency_of(db, h.id).await?;
    let w = open!(db, h, id, version, who);
    let r = &w.current;
    if r.person != who.name {
        return Err(invalid(
            "person",
            "Only the person travelling edits their request.",
        ));
    }
    if !matches!(r.state(), TravelState::Draft | TravelState::Submitted) {
        return Err(invalid(
            "state",
            format!(
                "This request is {}: it can no longer be edited.",
                r.state().key()
            ),
        ));
    }
    let mut new = NewTravel::of(r, &currency);
    new.plan = plan;
    w.save(&new, Edit::update(who.name)).await
}

/// What a step needs besides the request.
#[derive(Clone, Debug, Default)]
pub enum StepInput {
    #[default]
    Nothing,
    Decision(DecisionForm),
    Reimbursement(ReimburseForm),
}

/// Takes `step` on the request. A step from a state it does not leave (reimbursed
/// before approved) is a field error on `state`; approving more than remains of the
/// budget is one on the category's `approved_*` field, saying by how much.
#[tracing::instrument(skip(db, input), err(level = "debug"))]
pub async fn step(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    version: i64,
    step: Step,
    input: &StepInput,
    who: Who<'_>,
) -> Result<TravelRequest, DomainError> {
    let mut w = open!(db, h, id, version, who);
    let (froms, to) = step.moves();
    let r = w.current.clone();
    let mine = r.person == who.name;
    let allowed = match step {
        Step::Approve | Step::Decline | Step::Reimburse => who.organizer,
        Step::Submit => mine,
        Step::Book | Step::Withdraw => mine || who.organizer,
    };
    if !allowed {
        return Err(invalid(
            "state",
            if step.organizers_only() {
                "Only the hackfest's organizers decide on requests and record reimbursements."
            } else {
                "Only the person travelling can submit their request."
            },
        ));
    }
    if let Some(why) = step.refused_from(r.state()) {
        return Err(invalid("state", why));
    }
    debug_assert!(froms.contains(&r.state()));
    let budget = repo::budget(db, h.id).await?;
    let currency = budget
        .as_ref()
        .map_or("EUR", |b| b.currency.as_str())
        .to_owned();
    let mut new = NewTravel::of(&r, &currency);
    new.state = to;
    let c = Currency::stored(&currency);
    match (step, input) {
        (Step::Submit, _) => {
            let mut e = FieldErrors::new();
            if r.items.is_empty() {
                e.add(
                    "items",
                    "Items: add what you ask funding for before submitting.",
                );
            }
            if r.arrives_on.is_none() {
                e.add(
                    "arrives_on",
                    "Arrival day: say when you arrive before submitting.",
                );
            }
            if r.leaves_on.is_none() {
                e.add(
                    "leaves_on",
                    "Departure day: say when you leave before submitting.",
                );
            }
            if !e.is_empty() {
                return Err(e.into());
            }
        }
        (Step::Approve, StepInput::Decision(d)) => {
            if budget.is_none() {
                return Err(invalid(
                    "approved_travel",
                    "Set the hackfest's budget before approving requests.",
                ));
            }
            let mut e = FieldErrors::new();
            let amounts = Amounts::parse(
                &c,
                "approved",
                [&d.approved_travel, &d.approved_lodging, &d.approved_other],
                &mut e,
            );
            let note = e.check(
                "note",
                crate::text::long_text(&d.note, "Note", super::NOTES_MAX),
            );
            if amounts.total() == 0 && e.is_empty() {
                e.add(
                    "approved_travel",
                    "Approved: approve an amount, or decline the request.",
                );
            }
            if !e.is_empty() {
                return Err(e.into());
            }
            // From here the budget is locked: a concurrent approval waits, then sees
            // this one.
            let tx = w.lock().await?;
            let budget = repo::lock_budget(tx, h.id)
                .await?
                .ok_or_else(|| invalid("approved_travel", "Set the hackfest's budget first."))?;
            let others = repo::committed_in_tx(tx, h.id).await?;
            let held = others
                .iter()
                .filter(|o| o.id != r.id)
                .fold(Amounts::default(), |sum, o| sum.plus(&o.committed()));
            over_budget(&budget, &held, &amounts, &c)?;
            new.approved = Some(amounts);
            new.decision_note = note.unwrap_or_default();
            new.decided_by = who.name.to_owned();
        }
        (Step::Decline, StepInput::Decision(d)) => {
            let note = crate::text::long_text(&d.note, "Note", super::NOTES_MAX)
                .map_err(|m| invalid("note", m))?;
            new.decision_note = note;
            new.decided_by = who.name.to_owned();
        }
        (Step::Decline, _) => new.decided_by = who.name.to_owned(),
        (Step::Reimburse, StepInput::Reimbursement(p)) => {
            let mut e = FieldErrors::new();
            let paid = Amounts::parse(
                &c,
                "reimbursed",
                [
                    &p.reimbursed_travel,
                    &p.reimbursed_lodging,
                    &p.reimbursed_other,
                ],
                &mut e,
            );
            let on = e.check("reimbursed_on", p.date());
            let approved = r.approved().unwrap_or_default();
            for k in Category::ALL {
                if paid.get(k) > approved.get(k) {
                    e.add(
                        &format!("reimbursed_{}", k.key()),
                        format!(
                            "Reimbursed ({}): {} is more than the {} approved, by {}.",
                            k.key(),
                            c.show(paid.get(k)),
                            c.show(approved.get(k)),
                            c.show(paid.get(k) - approved.get(k))
                        ),
                    );
                }
            }
            if let Some(d) = on
                && (d < r.created_at.date_naive() - chrono::Duration::days(1)
                    || d > Utc::now().date_naive() + chrono::Duration::days(1))
            {
                e.add(
                    "reimbursed_on",
                    "Reimbursed on: the day it was paid, between the request and today.",
                );
            }
            if !e.is_empty() {
                return Err(e.into());
            }
            new.reimbursed = Some(paid);
            new.reimbursed_on = on;
        }
        (Step::Approve | Step::Reimburse, _) => {
            return Err(invalid("state", "This step needs its amounts."));
        }
        (Step::Book | Step::Withdraw, _) => {}
    }
    let edit = Edit {
        actor: who.name,
        action: step.key(),
        event: "state",
    };
    w.save(&new, edit).await
}

/// Refuses `asked` where it is more than what remains of a category.
fn over_budget(
    budget: &Budget,
    held: &Amounts,
    asked: &Amounts,
    c: &Currency,
) -> Result<(), DomainError> {
    let mut e = FieldErrors::new();
    for k in Category::ALL {
        let remains = budget.amounts().get(k) - held.get(k);
        if asked.get(k) > remains {
            e.add(
                &format!("approved_{}", k.key()),
                format!(
                    "Over the remaining {} budget by {}: {} of {} remain.",
                    k.key(),
                    c.show(asked.get(k) - remains),
                    c.show(remains.max(0)),
                    c.show(budget.amounts().get(k))
                ),
            );
        }
    }
    if e.is_empty() { Ok(()) } else { Err(e.into()) }
}

/// Organizers put the person up: a hotel of the budget's list, its nights (within
/// the hackfest's days ± 3), a room (people with the same room share it).
#[tracing::instrument(skip(db, form), err(level = "debug"))]
pub async fn lodge(
    db: &Db,
    h: &Hackfest,
    id: Uuid,
    version: i64,
    form: &LodgingForm,
    who: Who<'_>,
) -> Result<TravelRequest, DomainError> {
    if !who.organizer {
        return Err(invalid(
            "hotel",
            "Only the hackfest's organizers assign hotels.",
        ));
    }
    let budget = repo::budget(db, h.id).await?;
    let hotels = budget
        .as_ref()
        .map(|b| b.hotels.clone())
        .unwrap_or_default();
    let lodging = form.parse(&hotels, days(h))?;
    let w = open!(db, h, id, version, who);
    if !w.current.state().active() {
        return Err(invalid(
            "hotel",
            format!(
                "This request is {}: nobody to put up.",
                w.current.state().key()
            ),
        ));
    }
    let currency = budget.map_or("EUR".to_owned(), |b| b.currency);
    let mut new = NewTravel::of(&w.current, &currency);
    new.lodging = lodging;
    let edit = Edit {
        actor: who.name,
        action: "lodge",
        event: "update",
    };
    w.save(&new, edit).await
}

/// Arrivals and departures for the timetable's people-conflict check: those of the
/// active requests whose people share their days (the check's warnings are public).
pub async fn stays(db: &Db, hackfest_id: Uuid) -> Result<Stays, DomainError> {
    Ok(stays_of(&repo::list(db, hackfest_id).await?))
}

pub fn stays_of(requests: &[TravelRequest]) -> Stays {
    let mut out = Stays::default();
    for r in requests
        .iter()
        .filter(|r| r.state().active() && r.share_days)
    {
        if r.arrives_on.is_some() || r.leaves_on.is_some() {
            out.insert(
                &r.person,
                Stay {
                    arrives: r.arrives(),
                    leaves: r.leaves(),
                },
            );
        }
    }
    out
}

impl From<&Budget> for NewBudget {
    fn from(b: &Budget) -> NewBudget {
        NewBudget {
            source: b.source.clone(),
            currency: b.currency.clone(),
            amounts: b.amounts(),
            hotels: b.hotels.clone(),
        }
    }
}

/// `{id, state}`: all a travel message says of the request.
fn private_body(id: Uuid, state: &str) -> serde_json::Value {
    json!({ "id": id, "state": state })
}

impl Versioned for TravelRequest {
    type Id = TravelId;
    type Input = NewTravel;
    type More = ();
    const ENTITY: &'static str = "travel";
    const WHAT: &'static str = WHAT;

    write::row_keys!(TravelId);
    fn new_fields(new: &NewTravel) -> Fields {
        new.field_values()
    }
    fn old_fields(&self, new: &NewTravel) -> Fields {
        NewTravel::of(self, &new.currency).field_values()
    }
    write::repo_sql!();
    fn message<'a>(
        &self,
        _: &NewTravel,
        _: &(),
        event: &'static str,
        actor: &'a str,
        at: DateTime<Utc>,
    ) -> Message<'a> {
        Message::new(
            self.hackfest_id,
            "travel",
            self.id,
            event,
            actor,
            &private_body(self.id, &self.state),
            at,
        )
        .private()
        .page(format!("/travel/{}", self.id))
    }
}

/// The budget's write path: its SQL under the names [`write::repo_sql`] calls.
mod budget {
    use super::*;

    mod repo {
        pub use super::super::repo::{
            budget_in_tx as get_in_tx, insert_budget as insert, update_budget as update,
        };
    }

    impl Versioned for Budget {
        type Id = BudgetId;
        type Input = NewBudget;
        type More = ();
        const ENTITY: &'static str = "budget";
        const WHAT: &'static str = "budget";

        write::row_keys!(BudgetId);
        fn new_fields(new: &NewBudget) -> Fields {
            new.field_values()
        }
        fn old_fields(&self, _: &NewBudget) -> Fields {
            NewBudget::from(self).field_values()
        }
        write::repo_sql!();
        fn message<'a>(
            &self,
            _: &NewBudget,
            _: &(),
            event: &'static str,
            actor: &'a str,
            at: DateTime<Utc>,
        ) -> Message<'a> {
            Message::new(
                self.hackfest_id,
                "budget",
                self.id,
                event,
                actor,
                &json!({ "id": self.id }),
                at,
            )
            .private()
            .page("/travel")
        }
    }
}

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a
/// field a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first)
/// starts with `'` instead.
fn csv_field(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_owned()
    };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

fn csv_line(out: &mut String, fields: &[String]) {
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// The header of [`requests_csv`].
pub const REQUESTS_CSV_HEADER: &str = "request,person,state,estimated,currency,approved_travel,approved_lodging,\
approved_other,approved_total,reimbursed_travel,reimbursed_lodging,reimbursed_other,reimbursed_total,\
reimbursed_on,arrives_on,leaves_on,hotel,first_night,last_night,decided_by";

/// Every request for the funding body: approved and reimbursed amounts per category in
/// the budget's currency (plain decimals: `420.00`), the estimates as asked.
pub fn requests_csv(currency: &str, requests: &[TravelRequest]) -> String {
    let c = Currency::stored(currency);
    let mut out = String::new();
    out.push_str(REQUESTS_CSV_HEADER);
    out.push_str("\r\n");
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let amounts = |a: Option<Amounts>| -> [String; 4] {
        match a {
            Some(a) => [
                c.plain(a.travel),
                c.plain(a.lodging),
                c.plain(a.other),
                c.plain(a.total()),
            ],
            None => Default::default(),
        }
    };
    for r in requests {
        let estimated: Vec<String> = super::estimates(&r.items)
            .into_iter()
            .map(|(code, a)| {
                let ic = Currency::stored(&code);
                format!("{} {}", ic.code(), ic.plain(a.total()))
            })
            .collect();
        let [at, al, ao, atot] = amounts(r.approved().filter(|_| r.state().committed()));
        let [rt, rl, ro, rtot] = amounts(r.reimbursed());
        csv_line(
            &mut out,
            &[
                r.id.to_string(),
                r.person.clone(),
                r.state.clone(),
                estimated.join("; "),
                c.code().to_owned(),
                at,
                al,
                ao,
                atot,
                rt,
                rl,
                ro,
                rtot,
                day(r.reimbursed_on),
                day(r.arrives_on),
                day(r.leaves_on),
                r.hotel.clone(),
                day(r.first_night),
                day(r.last_night),
                r.decided_by.clone(),
            ],
        );
    }
    out
}

/// The header of [`people_csv`].
pub const PEOPLE_CSV_HEADER: &str =
    "person,state,currency,approved,reimbursed,arrives_on,leaves_on,hotel,nights";

/// One line per person (their request that counts): totals approved and reimbursed,
/// their days and nights.
pub fn people_csv(currency: &str, requests: &[TravelRequest]) -> String {
    let c = Currency::stored(currency);
    let mut out = String::new();
    out.push_str(PEOPLE_CSV_HEADER);
    out.push_str("\r\n");
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for p in per_person(requests) {
        csv_line(
            &mut out,
            &[
                p.person.clone(),
                p.state.key().to_owned(),
                c.code().to_owned(),
                c.plain(p.approved.total()),
                c.plain(p.reimbursed.total()),
                day(p.arrives_on),
                day(p.leaves_on),
                p.hotel.clone(),
                p.nights.to_string(),
            ],
        );
    }
    out
}

/// The demo's travel: an OSAS budget in EUR with two hotels, six requests in
/// different states (each walked through its steps, so their history reads as the
/// week did), and everyone's arrival and departure.
pub async fn demo_in(tx: &mut Tx, h: &Hackfest, organizer: &str) -> Result<(), DomainError> {
    let budget = BudgetForm {
        source: "OSAS".into(),
        currency: "EUR".into(),
        budget_travel: "6000".into(),
        budget_lodging: "4000".into(),
        budget_other: "500".into(),
        hotels: "Hotel Avanti | Střední 61, Brno\nHotel International | Husova 16, Brno".into(),
    }
    .parse()?;
    write::create_in::<Budget>(tx, HackfestId(h.id), &budget, organizer).await?;
    let day = |n: i64| h.start_date + chrono::Duration::days(n);
    let last = (h.end_date - h.start_date).num_days();
    let amounts = |t: i64, l: i64, o: i64| Amounts {
        travel: t * 100,
        lodging: l * 100,
        other: o * 100,
    };
    // (person, items, arrives, at, how, leaves, at, how, share, up to, approved, hotel, room)
    type Demo<'a> = (
        &'a str,
        &'a str,
        (i64, &'a str, &'a str),
        (i64, &'a str, &'a str),
        TravelState,
        Option<Amounts>,
        Option<(&'a str, &'a str)>,
    );
    let people: [Demo; 6] = [
        (
            "alice",
            "train 89.90 EUR Vienna–Brno return\nhotel 480 EUR 5 nights",
            (-1, "18:05", "train RJ 73, Brno hl.n."),
            (last, "16:30", "train RJ 78"),
            TravelState::Reimbursed,
            Some(amounts(90, 480, 0)),
            Some(("Hotel Avanti", "412")),
        ),
        (
            "bob",
            "flight 420 EUR FR123 STN–BRQ return\nhotel 480 EUR 5 nights",
            (-1, "14:10", "flight FR123, lands 14:10 BRQ"),
            (last, "19:40", "flight FR124"),
            TravelState::Booked,
            Some(amounts(400, 480, 0)),
            Some(("Hotel Avanti", "412")),
        ),
        (
            "carol",
            "flight 650 USD BOS–PRG return\ntrain 25 EUR Prague–Brno\nhotel 384 EUR 4 nights",
            (0, "11:20", "train from Prague, Brno hl.n. 11:20"),
            (last, "12:00", "train to Prague"),
            TravelState::Approved,
            Some(amounts(620, 384, 0)),
            Some(("Hotel International", "108")),
        ),
        (
            "kevin",
            "bus 35 EUR RegioJet Bratislava–Brno\nhotel 288 EUR 3 nights",
            (1, "12:00", "RegioJet bus, Brno Zvonařka 12:00"),
            (last, "15:00", "RegioJet bus"),
            TravelState::Submitted,
            None,
            Some(("Hotel International", "215")),
        ),
        (
            "erin",
            "flight 780 EUR DUB–VIE return\nother 40 EUR airport transfer",
            (0, "", "flight via Vienna"),
            (last - 1, "", ""),
            TravelState::Draft,
            None,
            None,
        ),
        (
            "frank",
            "car 220 EUR Munich–Brno\nhotel 500 EUR 5 nights",
            (0, "09:00", "by car"),
            (last, "", "by car"),
            TravelState::Declined,
            None,
            None,
        ),
    ];
    let hotels = budget.hotels.clone();
    for (person, items, arrive, leave, state, approved, lodging) in people {
        let form = TravelForm {
            items: items.into(),
            arrives_on: day(arrive.0).to_string(),
            arrives_at: arrive.1.into(),
            arrival: arrive.2.into(),
            leaves_on: day(leave.0).to_string(),
            leaves_at: leave.1.into(),
            departure: leave.2.into(),
            share_days: "on".into(),
            notes: String::new(),
        };
        let plan = form.parse(days(h))?;
        let mut new = NewTravel {
            person: person.into(),
            state: TravelState::Draft,
            plan,
            approved: None,
            decision_note: String::new(),
            decided_by: String::new(),
            reimbursed: None,
            reimbursed_on: None,
            lodging: Default::default(),
            currency: "EUR".into(),
        };
        let mut r = write::create_in::<TravelRequest>(tx, HackfestId(h.id), &new, person).await?;
        let path: &[(Step, TravelState)] = match state {
            TravelState::Draft => &[],
            TravelState::Submitted => &[(Step::Submit, TravelState::Submitted)],
            TravelState::Declined => &[
                (Step::Submit, TravelState::Submitted),
                (Step::Decline, TravelState::Declined),
            ],
            TravelState::Approved => &[
                (Step::Submit, TravelState::Submitted),
                (Step::Approve, TravelState::Approved),
            ],
            TravelState::Booked => &[
                (Step::Submit, TravelState::Submitted),
                (Step::Approve, TravelState::Approved),
                (Step::Book, TravelState::Booked),
            ],
            _ => &[
                (Step::Submit, TravelState::Submitted),
                (Step::Approve, TravelState::Approved),
                (Step::Book, TravelState::Booked),
                (Step::Reimburse, TravelState::Reimbursed),
            ],
        };
        if let Some((hotel, room)) = lodging {
            new.lodging = LodgingForm {
                hotel: hotel.into(),
                first_night: day(arrive.0).to_string(),
                last_night: day(leave.0 - 1).to_string(),
                hotel_room: room.into(),
            }
            .parse(&hotels, days(h))?;
            r = save_in(
                tx,
                r,
                &new,
                Edit {
                    actor: organizer,
                    action: "lodge",
                    event: "update",
                },
            )
            .await?;
        }
        for (step, to) in path {
            new.state = *to;
            let actor = if step.organizers_only() {
                organizer
            } else {
                person
            };
            match step {
                Step::Approve => {
                    new.approved = approved;
                    new.decided_by = organizer.into();
                    new.decision_note = if person == "carol" {
                        "Approved in EUR: the USD flight at about EUR 595.".into()
                    } else {
                        String::new()
                    };
                }
                Step::Decline => {
                    new.decided_by = organizer.into();
                    new.decision_note = "Local enough to drive: lodging only next time.".into();
                }
                Step::Reimburse => {
                    new.reimbursed = approved;
                    new.reimbursed_on = Some(day(last));
                }
                _ => {}
            }
            r = save_in(
                tx,
                r,
                &new,
                Edit {
                    actor,
                    action: step.key(),
                    event: "state",
                },
            )
            .await?;
        }
    }
    Ok(())
}

async fn save_in(
    tx: &mut Tx,
    r: TravelRequest,
    new: &NewTravel,
    edit: Edit<'_>,
) -> Result<TravelRequest, DomainError> {
    let v = r.version;
    match write::update_in(tx, r, v, new, edit).await? {
        write::Outcome::Saved(r) | write::Outcome::Unchanged(r) | write::Outcome::Stale(r) => Ok(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }
}
