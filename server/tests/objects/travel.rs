//! Travel without JavaScript (issue 13): the request form is a plain form that saves
//! or answers with its page and the messages; the steps are plain forms that come
//! back to the request's page, with the error in it when refused; an approval over
//! the budget says by how much. The private pages answer 404 / 401 / 403 as the
//! authorization matrix says, and the CSV is the funding body's.

use super::common::{TestApp, spawn_app};
use reqwest::StatusCode;

async fn post_form(
    app: &TestApp,
    path: &str,
    referer: &str,
    form: &[(&str, String)],
) -> reqwest::Response {
    app.client
        .post(format!("{}{path}", app.address))
        .header("origin", &app.address)
        .header("referer", format!("{}{referer}", app.address))
        .header("accept", "text/html")
        .form(form)
        .send()
        .await
        .expect("form post")
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn trip(leaves_on: &str) -> Vec<(&'static str, String)> {
    vec![
        ("slug", "trips".into()),
        ("version", "0".into()),
        (
            "form[items]",
            "flight 420 EUR FR123\nhotel 300 EUR 3 nights".into(),
        ),
        ("form[arrives_on]", "2026-11-22".into()),
        ("form[arrives_at]", "14:10".into()),
        ("form[arrival]", "flight FR123, lands 14:10 BRQ".into()),
        ("form[leaves_on]", leaves_on.into()),
        ("form[leaves_at]", String::new()),
        ("form[departure]", String::new()),
        ("form[share_days]", "on".into()),
        ("form[notes]", String::new()),
    ]
}

#[tokio::test]
async fn travel_works_without_javascript_and_stays_private() {
    let base = spawn_app().await;
    let h = base.hackfest("trips").await;
    domain::travel::service::save_budget(
        &base.db,
        &h,
        0,
        &domain::travel::BudgetForm {
            source: "OSAS".into(),
            currency: "EUR".into(),
            budget_travel: "1000".into(),
            budget_lodging: "200".into(),
            budget_other: "0".into(),
            hotels: "Hotel Avanti".into(),
        },
        "olivia",
    )
    .await
    .unwrap();
    let alice = base.with_new_client();
    alice.sign_in("alice", "attendee").await;
    alice.join("trips").await;

    // A departure before the arrival: the page again, 422, the message by the field.
    let r = post_form(
        &alice,
        "/h/trips/travel/new",
        "/h/trips/travel/new",
        &trip("2026-11-21"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("The departure must be after the arrival."),
        "{html}"
    );
    assert!(
        html.contains("flight FR123, lands 14:10 BRQ"),
        "the typed values are kept"
    );
    assert!(
        domain::travel::service::list(&base.db, h.id)
            .await
            .unwrap()
            .is_empty()
    );

    let r = post_form(
        &alice,
        "/h/trips/travel/new",
        "/h/trips/travel/new",
        &trip("2026-11-27"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = location(&r);
    assert!(page.starts_with("/h/trips/travel/"), "{page}");
    let id = page.rsplit('/').next().unwrap().to_owned();

    // Submit: a plain form to the server function, back to the page.
    let step = |v: i64| {
        vec![
            ("slug", "trips".to_owned()),
            ("id", id.clone()),
            ("version", v.to_string()),
        ]
    };
    let r = post_form(&alice, "/api/travel/submit", &page, &step(1)).await;
    assert_eq!(r.status(), StatusCode::FOUND, "{}", location(&r));
    assert_eq!(
        location(&r).trim_end_matches('?'),
        format!("{}{page}", alice.address)
    );
    let html = alice.get(&page).await.text().await.unwrap();
    assert!(html.contains(">Submitted<"), "submitted");

    // The organizer over the lodging budget: back to the page with the error in it.
    let olivia = base.with_new_client();
    olivia.sign_in("olivia", "organizer").await;
    let mut approve = step(2);
    approve.extend([
        ("form[approved_travel]", "350".to_owned()),
        ("form[approved_lodging]", "300".to_owned()),
        ("form[approved_other]", String::new()),
        ("form[note]", String::new()),
    ]);
    let r = post_form(&olivia, "/api/travel/approve", &page, &approve).await;
    let back = location(&r);
    assert!(back.contains("__err="), "{back}");
    let back = back
        .strip_prefix(&olivia.address)
        .unwrap_or(&back)
        .to_owned();
    let html = olivia.get(&back).await.text().await.unwrap();
    assert!(
        html.contains(
            "Over the remaining lodging budget by EUR 100.00: EUR 200.00 of EUR 200.00 remain."
        ),
        "{html}"
    );
    approve[4].1 = "200".into();
    let r = post_form(&olivia, "/api/travel/approve", &back, &approve).await;
    let to = location(&r);
    assert!(!to.contains("__err"), "{to}");
    let html = olivia.get(&page).await.text().await.unwrap();
    assert!(html.contains("EUR 550.00"), "approved");

    // Another attendee: 404 on the page, nothing of it on the board but the days.
    let bob = base.with_new_client();
    bob.sign_in("bob", "attendee").await;
    bob.join("trips").await;
    let r = bob.get(&page).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let board = bob
        .get("/h/trips/travel/arrivals")
        .await
        .text()
        .await
        .unwrap();
    assert!(board.contains("alice"));
    assert!(
        !board.contains("FR123") && !board.contains("14:10"),
        "{board}"
    );
    // Anonymous: 401; the event feed shows nothing of it.
    let anon = base.with_new_client();
    assert_eq!(
        anon.get("/h/trips/travel").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let feed = anon.get("/api/events?after=0").await.text().await.unwrap();
    assert!(!feed.contains("hackfest.travel"), "{feed}");

    // The budget's form without JavaScript: a bad amount is the page again with its
    // message; a good one saves and goes to the travel page.
    let b = domain::travel::service::budget(&base.db, h.id)
        .await
        .unwrap()
        .unwrap();
    let budget = |lodging: &str| {
        vec![
            ("slug", "trips".to_owned()),
            ("id", b.id.to_string()),
            ("version", b.version.to_string()),
            ("form[source]", "OSAS".to_owned()),
            ("form[currency]", "EUR".to_owned()),
            ("form[budget_travel]", "1000".to_owned()),
            ("form[budget_lodging]", lodging.to_owned()),
            ("form[budget_other]", "0".to_owned()),
            ("form[hotels]", "Hotel Avanti".to_owned()),
        ]
    };
    let edit = "/h/trips/travel/budget/edit";
    let r = post_form(&olivia, edit, edit, &budget("-5")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("cannot be negative"));
    let r = post_form(&olivia, edit, edit, &budget("900")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/h/trips/travel");
    let b = domain::travel::service::budget(&base.db, h.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((b.lodging, b.version), (90_000, 2));
    // An attendee's post of the same form is refused.
    let r = post_form(&alice, edit, edit, &budget("100000")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The funding body's CSV.
    let r = olivia.get("/h/trips/travel/requests.csv").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("travel-requests.csv")
    );
    let csv = r.text().await.unwrap();
    assert!(
        csv.starts_with(domain::travel::service::REQUESTS_CSV_HEADER),
        "{csv}"
    );
    assert!(
        csv.contains(",alice,approved,EUR 720.00,EUR,350.00,200.00,0.00,550.00,"),
        "{csv}"
    );
}
