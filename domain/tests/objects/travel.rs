//! Travel (issue 13): the budget, a request through every state, the budget's
//! arithmetic (one currency: approvals and reimbursements are in the budget's; other
//! currencies are estimates only), concurrent approvals that together exceed the
//! budget, privacy of the messages, and travel days feeding the timetable's check.
//! Each scenario on SQLite and on PostgreSQL.

use domain::db::Db;
use domain::outbox;
use domain::session::{self, SessionForm};
use domain::travel::service::{self, StepInput, Who};
use domain::travel::{
    BudgetForm, DecisionForm, LodgingForm, ReimburseForm, Step, TravelForm, TravelState,
};
use domain::{DomainError, history};

use super::{count, field_error, hackfest};

const PUBLIC_URL: &str = "https://hackfest.example.org";

fn olivia() -> Who<'static> {
    Who {
        name: "olivia",
        organizer: true,
    }
}

fn me(name: &'static str) -> Who<'static> {
    Who {
        name,
        organizer: false,
    }
}

fn budget() -> BudgetForm {
    BudgetForm {
        source: "OSAS".into(),
        currency: "EUR".into(),
        budget_travel: "1000".into(),
        budget_lodging: "500".into(),
        budget_other: "0".into(),
        hotels: "Hotel Avanti | Střední 61, Brno\nHotel International".into(),
    }
}

fn trip() -> TravelForm {
    TravelForm {
        items: "flight 420.00 EUR FR123 STN–BRQ\nhotel 300 EUR 3 nights\nflight 200 USD connection"
            .into(),
        arrives_on: "2026-03-22".into(),
        arrives_at: "14:10".into(),
        arrival: "flight FR123, lands 14:10 BRQ".into(),
        leaves_on: "2026-03-27".into(),
        leaves_at: "18:00".into(),
        departure: "flight FR124".into(),
        share_days: "on".into(),
        notes: "Window seat.".into(),
    }
}

fn decision(travel: &str, lodging: &str) -> StepInput {
    StepInput::Decision(DecisionForm {
        approved_travel: travel.into(),
        approved_lodging: lodging.into(),
        approved_other: String::new(),
        note: "Economy only.".into(),
    })
}

pub async fn a_request_moves_through_its_states(db: Db) {
    let h = hackfest(&db, "travel").await;
    let b = service::save_budget(&db, &h, 0, &budget(), "olivia")
        .await
        .unwrap();
    assert_eq!(
        (b.travel, b.lodging, b.currency.as_str()),
        (100_000, 50_000, "EUR")
    );
    assert_eq!(b.hotels.len(), 2);

    let r = service::create(&db, &h, &trip(), "alice").await.unwrap();
    assert_eq!(r.state(), TravelState::Draft);
    assert_eq!(r.items.len(), 3);
    assert_eq!(r.items[0].amount, 42_000);

    // One active request per person.
    let e = service::create(&db, &h, &trip(), "alice")
        .await
        .unwrap_err();
    assert!(field_error(e, "person").contains("already have a request"));

    // Nobody else sees it: another attendee gets "not found".
    assert!(matches!(
        service::get(&db, h.id, r.id, me("bob")).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        service::step(
            &db,
            &h,
            r.id,
            r.version,
            Step::Withdraw,
            &StepInput::Nothing,
            me("bob")
        )
        .await,
        Err(DomainError::NotFound(_))
    ));
    service::get(&db, h.id, r.id, olivia()).await.unwrap();

    // A step that skips one is a field error on `state`, and writes nothing.
    let before = count(&db, "history").await;
    for (step, input) in [
        (
            Step::Reimburse,
            StepInput::Reimbursement(ReimburseForm::default()),
        ),
        (Step::Approve, decision("100", "")),
        (Step::Book, StepInput::Nothing),
    ] {
        let e = service::step(&db, &h, r.id, r.version, step, &input, olivia())
            .await
            .unwrap_err();
        assert!(
            field_error(e, "state").contains("only a request that is"),
            "{step:?}"
        );
    }
    // Only the person submits; organizers approve.
    let e = service::step(
        &db,
        &h,
        r.id,
        r.version,
        Step::Submit,
        &StepInput::Nothing,
        olivia(),
    )
    .await
    .unwrap_err();
    field_error(e, "state");
    assert_eq!(count(&db, "history").await, before);

    // Edit, then submit.
    let mut f = trip();
    f.items.push_str("\nother 15 EUR taxi");
    let r = service::update(&db, &h, r.id, r.version, &f, me("alice"))
        .await
        .unwrap();
    assert_eq!(r.version, 2);
    let r = service::step(
        &db,
        &h,
        r.id,
        r.version,
        Step::Submit,
        &StepInput::Nothing,
        me("alice"),
    )
    .await
    .unwrap();
    assert_eq!(r.state(), TravelState::Submitted);
    // An attendee cannot approve their own.
    let e = service::step(
        &db,
        &h,
        r.id,
        r.version,
        Step::Approve,
        &decision("1", ""),
        me("alice"),
    )
    .await
    .unwrap_err();
    field_error(e, "state");

    // Over the remaining budget: refused with how much.
    let e = service::step(
        &db,
        &h,
        r.id,
        r.version,
        Step::Approve,
        &decision("1000", "600"),
        olivia(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        field_error(e, "approved_lodging"),
        "Over the remaining lodging budget by EUR 100.00: EUR 500.00 of EUR 500.00 remain."
    );
    // Absurd or negative amounts.
    let e = service::step(
        &db,
        &h,
        r.id,
        r.version,
        Step::Approve,
        &decision("-5", ""),
        olivia(),
    )
    .await
    .unwrap_err();
    assert!(field_error(e, "approved_travel").contains("negative"));
    let e = service::step(
        &db,
        &h,
        r.id,
        r.version,
        Step::Approve,
        &decision("99999999999", ""),
        olivia(),
    )
    .await
    .unwrap_err();
    assert!(field_error(e, "approved_travel").contains("at most"));

    // Approved for less than asked.
    let r = service::step(
        &db,
        &h,
        r.id,
        r.version,
        Step::Approve,
        &decision("550", "300"),
        olivia(),
    )
    .await
    .unwrap();
    assert_eq!(r.state(), TravelState::Approved);
    assert_eq!(r.approved().unwrap().total(), 85_000);
    assert_eq!(r.decided_by, "olivia");
    let all = service::list(&db, h.id).await.unwrap();
    let b = service::budget(&db, h.id).await.unwrap().unwrap();
    let fig = service::figures(&b, &all);
    assert_eq!(fig.approved.travel, 55_000);
    assert_eq!(fig.remaining.travel, 45_000);
    assert_eq!(fig.remaining.lodging, 20_000);
    assert_eq!(fig.reimbursed.total(), 0);

    // The currency stays once money is approved in it.
    let mut other = budget();
    other.currency = "USD".into();
    let e = service::save_budget(&db, &h, b.version, &other, "olivia")
        .await
        .unwrap_err();
    assert!(field_error(e, "currency").contains("EUR"));

    // No more edits after approval.
    let e = service::update(&db, &h, r.id, r.version, &trip(), me("alice"))
        .await
        .unwrap_err();
    field_error(e, "state");

    // Lodging: a hotel of the list, nights within the days ± 3.
    let lodge = |first: &str, last: &str| LodgingForm {
        hotel: "Hotel Avanti".into(),
        first_night: first.into(),
        last_night: last.into(),
        hotel_room: "412".into(),
    };
    let e = service::lodge(
        &db,
        &h,
        r.id,
        r.version,
        &lodge("2026-03-19", "2026-03-26"),
        olivia(),
    )
    .await
    .unwrap_err();
    assert!(field_error(e, "first_night").contains("± 3"));
    let e = service::lodge(
        &db,
        &h,
        r.id,
        r.version,
        &lodge("2026-03-22", "2026-03-26"),
        me("alice"),
    )
    .await
    .unwrap_err();
    field_error(e, "hotel");
    let r = service::lodge(
        &db,
        &h,
        r.id,
        r.version,
        &lodge("2026-03-22", "2026-03-26"),
        olivia(),
    )
    .await
    .unwrap();
    assert_eq!(r.hotel, "Hotel Avanti");

    // Booked by the person, reimbursed by organizers (at most what was approved).
    let r = service::step(
        &db,
        &h,
        r.id,
        r.version,
        Step::Book,
        &StepInput::Nothing,
        me("alice"),
    )
    .await
    .unwrap();
    assert_eq!(r.state(), TravelState::Booked);
    let paid = |t: &str, on: &str| {
        StepInput::Reimbursement(ReimburseForm {
            reimbursed_travel: t.into(),
            reimbursed_lodging: "300".into(),
            reimbursed_other: String::new(),
            reimbursed_on: on.into(),
        })
    };
    let today = chrono::Utc::now().date_naive().to_string();
    let e = service::step(
        &db,
        &h,
        r.id,
        r.version,
        Step::Reimburse,
        &paid("600", &today),
        olivia(),
    )
    .await
    .unwrap_err();
    assert!(field_error(e, "reimbursed_travel").contains("by EUR 50.00"));
    let e = service::step(
        &db,
        &h,
        r.id,
        r.version,
        Step::Reimburse,
        &paid("500", "yesterday"),
        olivia(),
    )
    .await
    .unwrap_err();
    field_error(e, "reimbursed_on");
    let r = service::step(
        &db,
        &h,
        r.id,
        r.version,
        Step::Reimburse,
        &paid("512.34", &today),
        olivia(),
    )
    .await
    .unwrap();
    assert_eq!(r.state(), TravelState::Reimbursed);
    let all = service::list(&db, h.id).await.unwrap();
    let fig = service::figures(&b, &all);
    assert_eq!(fig.reimbursed.travel, 51_234);
    // Once paid, the paid amount is what the budget holds for it.
    assert_eq!(fig.remaining.travel, 100_000 - 51_234);
    let e = service::step(
        &db,
        &h,
        r.id,
        r.version,
        Step::Withdraw,
        &StepInput::Nothing,
        me("alice"),
    )
    .await
    .unwrap_err();
    field_error(e, "state");

    // History keeps every change with its amounts.
    let hist = history::for_entity(&db, h.id, "travel", r.id)
        .await
        .unwrap();
    let actions: Vec<&str> = hist.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "create",
            "update",
            "submit",
            "approve",
            "lodge",
            "book",
            "reimburse"
        ]
    );
    let approve = hist.iter().find(|e| e.action == "approve").unwrap();
    let approved = approve
        .changes
        .iter()
        .find(|c| c.field == "approved")
        .unwrap();
    assert_eq!(
        approved.new,
        "travel EUR 550.00, lodging EUR 300.00, other EUR 0.00"
    );
    assert_eq!(approve.actor, "olivia");

    // The bus: private rows, naming only the id and the state; valid against their schemas.
    let rows = outbox::after(&db, 0, Some(h.id), false, 100).await.unwrap();
    let travel: Vec<_> = rows
        .iter()
        .filter(|r| r.topic.starts_with("hackfest.travel."))
        .collect();
    assert_eq!(travel.len(), 7);
    for m in &travel {
        assert!(!m.public, "{} is private", m.topic);
        let body = m.body_with_url(PUBLIC_URL);
        crate::common::check_body(&m.schema_name, &body);
        let text = body.to_string();
        for secret in [
            "EUR",
            "420.00",
            "FR123",
            "550.00",
            "Window seat",
            "Avanti",
            "14:10",
        ] {
            assert!(
                !text.contains(secret),
                "{} carries {secret}: {text}",
                m.topic
            );
        }
    }
    assert!(
        travel.iter().any(
            |m| m.topic == "hackfest.travel.state" && m.body.0["travel"]["state"] == "approved"
        )
    );
    let budget_rows: Vec<_> = rows
        .iter()
        .filter(|r| r.topic.starts_with("hackfest.budget."))
        .collect();
    assert_eq!(budget_rows.len(), 1);
    assert!(!budget_rows[0].public);
    // The public feed shows none of them.
    let public = outbox::after(&db, 0, Some(h.id), true, 100).await.unwrap();
    assert!(
        public
            .iter()
            .all(|r| !r.topic.starts_with("hackfest.travel.")
                && !r.topic.starts_with("hackfest.budget."))
    );

    // A withdrawn request frees the person for another.
    let r2 = service::create(&db, &h, &trip(), "bob").await.unwrap();
    service::step(
        &db,
        &h,
        r2.id,
        r2.version,
        Step::Withdraw,
        &StepInput::Nothing,
        me("bob"),
    )
    .await
    .unwrap();
    service::create(&db, &h, &trip(), "bob").await.unwrap();

    // The funding body's CSV.
    let csv = service::requests_csv("EUR", &service::list(&db, h.id).await.unwrap());
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(service::REQUESTS_CSV_HEADER));
    let alice = csv.lines().find(|l| l.contains(",alice,")).unwrap();
    assert!(alice.contains(",reimbursed,"), "{alice}");
    assert!(
        alice.contains(",550.00,300.00,0.00,850.00,512.34,300.00,0.00,812.34,"),
        "{alice}"
    );
    assert!(alice.contains("EUR 735.00; USD 200.00"), "{alice}");
}

pub async fn bad_travel_input_is_field_errors(db: Db) {
    let h = hackfest(&db, "travel-bad").await;
    let bad = |f: fn(&mut TravelForm)| {
        let mut t = trip();
        f(&mut t);
        t
    };
    for (form, field, says) in [
        (
            bad(|t| t.items = "flight -1 EUR x".into()),
            "items",
            "negative",
        ),
        (bad(|t| t.items = "flight 10 EUX x".into()), "items", "EUX"),
        (
            bad(|t| t.items = "teleport 10 EUR x".into()),
            "items",
            "the kind",
        ),
        (
            bad(|t| t.leaves_on = "2026-03-21".into()),
            "leaves_on",
            "after the arrival",
        ),
        (
            bad(|t| t.arrives_on = "2027-03-21".into()),
            "arrives_on",
            "not near",
        ),
        (bad(|t| t.arrives_at = "25:00".into()), "arrives_at", "time"),
        (bad(|t| t.arrival = "x".repeat(201)), "arrival", "too long"),
        (bad(|t| t.notes = "\u{0}".into()), "notes", "control"),
    ] {
        let e = service::create(&db, &h, &form, "alice").await.unwrap_err();
        let m = field_error(e, field);
        assert!(m.contains(says), "{field}: {m}");
    }
    let mut b = budget();
    b.currency = "XAU".into();
    assert!(
        field_error(
            service::save_budget(&db, &h, 0, &b, "olivia")
                .await
                .unwrap_err(),
            "currency"
        )
        .contains("XAU")
    );
    let mut b = budget();
    b.budget_other = "1e9".into();
    field_error(
        service::save_budget(&db, &h, 0, &b, "olivia")
            .await
            .unwrap_err(),
        "budget_other",
    );
    assert_eq!(count(&db, "travel_requests").await, 0);
    assert_eq!(count(&db, "travel_budgets").await, 0);

    // Approving without a budget says to set one.
    let r = service::create(&db, &h, &trip(), "alice").await.unwrap();
    let r = service::step(
        &db,
        &h,
        r.id,
        r.version,
        Step::Submit,
        &StepInput::Nothing,
        me("alice"),
    )
    .await
    .unwrap();
    let e = service::step(
        &db,
        &h,
        r.id,
        r.version,
        Step::Approve,
        &decision("10", ""),
        olivia(),
    )
    .await
    .unwrap_err();
    assert!(field_error(e, "approved_travel").contains("budget"));
    // Submitting needs items and days.
    let empty = service::create(&db, &h, &TravelForm::default(), "bob")
        .await
        .unwrap();
    let e = service::step(
        &db,
        &h,
        empty.id,
        empty.version,
        Step::Submit,
        &StepInput::Nothing,
        me("bob"),
    )
    .await
    .unwrap_err();
    field_error(e, "items");
    // Another hackfest's request is not found.
    let other = hackfest(&db, "travel-other").await;
    assert!(matches!(
        service::get(&db, other.id, r.id, olivia()).await,
        Err(DomainError::NotFound(_))
    ));
}

/// Two organizers approve at once; together they would exceed the lodging budget:
/// the second (whichever it is) is refused and says by how much.
pub async fn concurrent_approvals_stay_within_the_budget(db: Db) {
    let h = hackfest(&db, "travel-race").await;
    service::save_budget(&db, &h, 0, &budget(), "olivia")
        .await
        .unwrap();
    let mut ids = Vec::new();
    for who in ["alice", "bob"] {
        let r = service::create(&db, &h, &trip(), who).await.unwrap();
        let r = service::step(
            &db,
            &h,
            r.id,
            r.version,
            Step::Submit,
            &StepInput::Nothing,
            Who {
                name: who,
                organizer: false,
            },
        )
        .await
        .unwrap();
        ids.push((r.id, r.version));
    }
    let approve = |(id, v): (uuid::Uuid, i64)| {
        let (db, h) = (db.clone(), h.clone());
        tokio::spawn(async move {
            service::step(
                &db,
                &h,
                id,
                v,
                Step::Approve,
                &decision("100", "300"),
                olivia(),
            )
            .await
        })
    };
    let (a, b) = tokio::join!(approve(ids[0]), approve(ids[1]));
    let results = [a.unwrap(), b.unwrap()];
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 1, "{results:?}");
    let refused = results.into_iter().find_map(Result::err).unwrap();
    assert_eq!(
        field_error(refused, "approved_lodging"),
        "Over the remaining lodging budget by EUR 100.00: EUR 200.00 of EUR 500.00 remain."
    );
    let all = service::list(&db, h.id).await.unwrap();
    let b = service::budget(&db, h.id).await.unwrap().unwrap();
    assert_eq!(service::figures(&b, &all).remaining.lodging, 20_000);
}

/// People who share their travel days feed the timetable's "not there" check; those
/// who do not are never shown.
pub async fn travel_days_feed_the_people_check(db: Db) {
    let h = hackfest(&db, "travel-away").await;
    let mut late = trip();
    late.arrives_on = "2026-03-25".into();
    late.arrives_at = "12:00".into();
    service::create(&db, &h, &late, "kevin").await.unwrap();
    let mut hidden = late.clone();
    hidden.share_days = String::new();
    service::create(&db, &h, &hidden, "dave").await.unwrap();
    let s = session::service::create(
        &db,
        &h,
        &SessionForm {
            title: "Storage plans".into(),
            kind: "meeting".into(),
            starts_at: "2026-03-24T10:00".into(),
            ends_at: "2026-03-24T11:00".into(),
            participants: "kevin\ndave".into(),
            ..Default::default()
        },
        "olivia",
    )
    .await
    .unwrap();
    let w = session::service::warnings_of(&db, &h, &s).await.unwrap();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(
        w[0].text,
        "kevin arrives on Wed 25 Mar, after this session starts."
    );
    let day = domain::timetable::load(
        &db,
        &h,
        chrono::NaiveDate::from_ymd_opt(2026, 3, 24).unwrap(),
    )
    .await
    .unwrap();
    let warned: usize = day
        .columns
        .iter()
        .flat_map(|c| &c.entries)
        .map(|e| e.warnings)
        .sum();
    assert_eq!(warned, 1);
    // Board: an attendee sees the days of those who share them, no times, no how.
    let all = service::list(&db, h.id).await.unwrap();
    let board = service::board(&all, me("alice"));
    let people: Vec<&str> = board
        .iter()
        .flat_map(|d| d.arrivals.iter().map(|m| m.person.as_str()))
        .collect();
    assert_eq!(people, ["kevin"]);
    assert!(
        board
            .iter()
            .flat_map(|d| &d.arrivals)
            .all(|m| m.at.is_none() && m.how.is_empty() && m.request.is_none())
    );
    let full = service::board(&all, olivia());
    let arrivals: usize = full.iter().map(|d| d.arrivals.len()).sum();
    assert_eq!(arrivals, 2);
}
