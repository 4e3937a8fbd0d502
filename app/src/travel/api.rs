//! Travel's server functions. Every one needs a signed-in member of the hackfest
//! (401 anonymous, 403 visitors); a request is seen by its person and the organizers,
//! and is "not found" (404) for anyone else.

use domain::history::HistoryEntry;
use domain::travel::{BoardDay, PersonLine, RosterNight};
use domain::travel::{
    Budget, BudgetForm, DecisionForm, Figures, Hotel, LodgingForm, ReimburseForm, TravelForm,
    TravelRequest,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::hackfest::scope::Scope;

#[cfg(feature = "ssr")]
mod who {
    use super::*;

    /// The member's username and whether they organise: 401 anonymous, 403 visitors.
    pub fn member(s: &Scope) -> Result<(String, bool), AppError> {
        let name = s.editor()?;
        Ok((name, s.role.can_organize()))
    }

    pub fn of<'a>(name: &'a str, organizer: bool) -> domain::travel::service::Who<'a> {
        domain::travel::service::Who { name, organizer }
    }
}

/// The travel page: the viewer's own requests; for organizers also the budget with
/// its figures, the queue of submitted requests and every request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TravelHome {
    pub me: String,
    pub mine: Vec<TravelRequest>,
    pub organizer: bool,
    pub budget: Option<Budget>,
    pub figures: Option<Figures>,
    pub all: Vec<TravelRequest>,
}

#[server(endpoint = "travel/home")]
pub async fn get_travel_home(slug: String) -> Result<TravelHome, AppError> {
    let s = Scope::of(&slug).await?;
    let (me, organizer) = who::member(&s)?;
    let h = s.hackfest.id;
    let mine = domain::travel::service::mine(&s.db, h, &me).await?;
    if !organizer {
        return Ok(TravelHome {
            me,
            mine,
            organizer,
            budget: None,
            figures: None,
            all: vec![],
        });
    }
    let budget = domain::travel::service::budget(&s.db, h).await?;
    let all = domain::travel::service::list(&s.db, h).await?;
    let figures = budget
        .as_ref()
        .map(|b| domain::travel::service::figures(b, &all));
    Ok(TravelHome {
        me,
        mine,
        organizer,
        budget,
        figures,
        all,
    })
}

/// A request's page: the request, the budget's currency and hotels (organizers),
/// and its history (with amounts: it is as private as the request).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TravelPage {
    pub request: TravelRequest,
    pub me: String,
    pub organizer: bool,
    /// The budget's currency: approvals and reimbursements are in it.
    pub currency: String,
    pub has_budget: bool,
    pub hotels: Vec<Hotel>,
    pub history: Vec<HistoryEntry>,
}

#[server(endpoint = "travel/get")]
pub async fn get_travel(slug: String, id: Uuid) -> Result<TravelPage, AppError> {
    let s = Scope::of(&slug).await?;
    let (me, organizer) = who::member(&s)?;
    let h = s.hackfest.id;
    let request = domain::travel::service::get(&s.db, h, id, who::of(&me, organizer)).await?;
    let budget = domain::travel::service::budget(&s.db, h).await?;
    let history = domain::history::for_entity(&s.db, h, "travel", id)
        .await
        .map_err(domain::DomainError::from)?;
    Ok(TravelPage {
        request,
        organizer,
        me,
        currency: budget
            .as_ref()
            .map_or("EUR".to_owned(), |b| b.currency.clone()),
        has_budget: budget.is_some(),
        hotels: if organizer {
            budget.map(|b| b.hotels).unwrap_or_default()
        } else {
            vec![]
        },
        history,
    })
}

/// The request form: the request, when editing (only its person edits it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TravelEditorData {
    pub request: Option<TravelRequest>,
}

#[server(endpoint = "travel/editor")]
pub async fn get_travel_editor(
    slug: String,
    id: Option<Uuid>,
) -> Result<TravelEditorData, AppError> {
    let s = Scope::of(&slug).await?;
    let (me, organizer) = who::member(&s)?;
    let request = match id {
        Some(id) => Some(
            domain::travel::service::get(&s.db, s.hackfest.id, id, who::of(&me, organizer)).await?,
        ),
        None => None,
    };
    Ok(TravelEditorData { request })
}

/// Members: starts the viewer's own request, as a draft.
#[server(endpoint = "travel/create")]
pub async fn create_travel(slug: String, form: TravelForm) -> Result<TravelRequest, AppError> {
    let s = Scope::of(&slug).await?;
    let (me, _) = who::member(&s)?;
    Ok(domain::travel::service::create(&s.db, &s.hackfest, &form, &me).await?)
}

/// The request's person (organizers: 403, others: 404): edits it while it is a
/// draft or submitted.
#[server(endpoint = "travel/update")]
pub async fn update_travel(
    slug: String,
    id: Uuid,
    version: i64,
    form: TravelForm,
) -> Result<TravelRequest, AppError> {
    let s = Scope::of(&slug).await?;
    let (me, organizer) = who::member(&s)?;
    let r = domain::travel::service::get(&s.db, s.hackfest.id, id, who::of(&me, organizer)).await?;
    if r.person != me {
        return Err(crate::auth::deny(&s.viewer));
    }
    Ok(domain::travel::service::update(
        &s.db,
        &s.hackfest,
        id,
        version,
        &form,
        who::of(&me, organizer),
    )
    .await?)
}

#[cfg(feature = "ssr")]
async fn step(
    slug: &str,
    id: Uuid,
    version: i64,
    step: domain::travel::Step,
    input: domain::travel::service::StepInput,
) -> Result<TravelRequest, AppError> {
    let s = Scope::of(slug).await?;
    let (me, organizer) = who::member(&s)?;
    // Not theirs to see: 404; theirs to see but not to take this step: 403.
    let r = domain::travel::service::get(&s.db, s.hackfest.id, id, who::of(&me, organizer)).await?;
    let mine = r.person == me;
    let allowed = match step {
        domain::travel::Step::Submit => mine,
        domain::travel::Step::Book | domain::travel::Step::Withdraw => mine || organizer,
        _ => organizer,
    };
    if !allowed {
        return Err(crate::auth::deny(&s.viewer));
    }
    Ok(domain::travel::service::step(
        &s.db,
        &s.hackfest,
        id,
        version,
        step,
        &input,
        who::of(&me, organizer),
    )
    .await?)
}

/// The person (organizers: 403): draft → submitted (needs items, arrival and departure days).
#[server(endpoint = "travel/submit")]
pub async fn submit_travel(
    slug: String,
    id: Uuid,
    version: i64,
) -> Result<TravelRequest, AppError> {
    use domain::travel::{Step, service::StepInput};
    step(&slug, id, version, Step::Submit, StepInput::Nothing).await
}

/// Organizers: submitted → approved, with the amounts per category (at most what
/// remains of the budget) and a note.
#[server(endpoint = "travel/approve")]
pub async fn approve_travel(
    slug: String,
    id: Uuid,
    version: i64,
    form: DecisionForm,
) -> Result<TravelRequest, AppError> {
    use domain::travel::{Step, service::StepInput};
    step(&slug, id, version, Step::Approve, StepInput::Decision(form)).await
}

/// Organizers: submitted → declined, with a note.
#[server(endpoint = "travel/decline")]
pub async fn decline_travel(
    slug: String,
    id: Uuid,
    version: i64,
    form: DecisionForm,
) -> Result<TravelRequest, AppError> {
    use domain::travel::{Step, service::StepInput};
    step(&slug, id, version, Step::Decline, StepInput::Decision(form)).await
}

/// The person or organizers: approved → booked.
#[server(endpoint = "travel/book")]
pub async fn book_travel(slug: String, id: Uuid, version: i64) -> Result<TravelRequest, AppError> {
    use domain::travel::{Step, service::StepInput};
    step(&slug, id, version, Step::Book, StepInput::Nothing).await
}

/// Organizers: booked → reimbursed, with the amounts paid (at most those approved)
/// and the day.
#[server(endpoint = "travel/reimburse")]
pub async fn reimburse_travel(
    slug: String,
    id: Uuid,
    version: i64,
    form: ReimburseForm,
) -> Result<TravelRequest, AppError> {
    use domain::travel::{Step, service::StepInput};
    step(
        &slug,
        id,
        version,
        Step::Reimburse,
        StepInput::Reimbursement(form),
    )
    .await
}

/// The person or organizers: withdraws it (before it is reimbursed or declined).
#[server(endpoint = "travel/withdraw")]
pub async fn withdraw_travel(
    slug: String,
    id: Uuid,
    version: i64,
) -> Result<TravelRequest, AppError> {
    use domain::travel::{Step, service::StepInput};
    step(&slug, id, version, Step::Withdraw, StepInput::Nothing).await
}

/// Organizers: the hotel, nights and room of the request's person.
#[server(endpoint = "travel/lodge")]
pub async fn lodge_travel(
    slug: String,
    id: Uuid,
    version: i64,
    form: LodgingForm,
) -> Result<TravelRequest, AppError> {
    let s = Scope::of(&slug).await?;
    let (me, organizer) = who::member(&s)?;
    if !organizer {
        domain::travel::service::get(&s.db, s.hackfest.id, id, who::of(&me, organizer)).await?;
        return Err(crate::auth::deny(&s.viewer));
    }
    Ok(domain::travel::service::lodge(
        &s.db,
        &s.hackfest,
        id,
        version,
        &form,
        who::of(&me, organizer),
    )
    .await?)
}

/// The budget form's data (organizers): the budget, if set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BudgetEditorData {
    pub budget: Option<Budget>,
}

#[server(endpoint = "travel/budget-editor")]
pub async fn get_budget_editor(slug: String) -> Result<BudgetEditorData, AppError> {
    let s = Scope::of(&slug).await?;
    s.organizer()?;
    Ok(BudgetEditorData {
        budget: domain::travel::service::budget(&s.db, s.hackfest.id).await?,
    })
}

/// Organizers: sets the budget (version 0: the first time). `id` is the budget's,
/// when editing; the hackfest has one budget, so it is not needed.
#[server(endpoint = "travel/budget")]
pub async fn save_budget(
    slug: String,
    id: Option<Uuid>,
    version: i64,
    form: BudgetForm,
) -> Result<Budget, AppError> {
    let _ = id;
    let s = Scope::of(&slug).await?;
    let actor = s.organizer()?;
    Ok(domain::travel::service::save_budget(&s.db, &s.hackfest, version, &form, &actor).await?)
}

/// The arrivals and departures board: everyone's for organizers; for others the days
/// of those who share them, and their own.
#[server(endpoint = "travel/arrivals")]
pub async fn get_arrivals(slug: String) -> Result<Vec<BoardDay>, AppError> {
    let s = Scope::of(&slug).await?;
    let (me, organizer) = who::member(&s)?;
    let all = domain::travel::service::list(&s.db, s.hackfest.id).await?;
    Ok(domain::travel::service::board(
        &all,
        who::of(&me, organizer),
    ))
}

/// The hotels and who sleeps where each night (organizers).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HotelsPage {
    pub hotels: Vec<Hotel>,
    pub nights: Vec<RosterNight>,
    pub people: Vec<PersonLine>,
}

#[server(endpoint = "travel/hotels")]
pub async fn get_hotels(slug: String) -> Result<HotelsPage, AppError> {
    let s = Scope::of(&slug).await?;
    s.organizer()?;
    let h = s.hackfest.id;
    let budget = domain::travel::service::budget(&s.db, h).await?;
    let all = domain::travel::service::list(&s.db, h).await?;
    Ok(HotelsPage {
        hotels: budget.map(|b| b.hotels).unwrap_or_default(),
        nights: domain::travel::service::roster(&all),
        people: domain::travel::service::per_person(&all),
    })
}
