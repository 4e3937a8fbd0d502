use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::{Budget, NewBudget, NewTravel, TravelRequest};
use crate::db::{Db, Tx};
use crate::ids::{BudgetId, HackfestId, TravelId};
use crate::{on_db, on_tx};

pub(crate) const COLUMNS: &str = "id, hackfest_id, person, state, items, arrives_on, arrives_at, \
    arrival, leaves_on, leaves_at, departure, share_days, notes, approved_travel, approved_lodging, \
    approved_other, decision_note, decided_by, reimbursed_travel, reimbursed_lodging, \
    reimbursed_other, reimbursed_on, hotel, first_night, last_night, hotel_room, version, \
    created_at, updated_at";

const BUDGET_COLUMNS: &str = "id, hackfest_id, source, currency, travel, lodging, other, hotels, version, created_at, updated_at";

/// Every request of the hackfest, the person's name order (a hackfest has tens).
pub async fn list(db: &Db, hackfest_id: Uuid) -> Result<Vec<TravelRequest>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM travel_requests WHERE hackfest_id = $1 ORDER BY lower(person), created_at"
    );
    on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).fetch_all(p).await)
}

/// The person's requests in the hackfest, newest first.
pub async fn of_person(
    db: &Db,
    hackfest_id: Uuid,
    person: &str,
) -> Result<Vec<TravelRequest>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM travel_requests WHERE hackfest_id = $1 AND person = $2 \
         ORDER BY created_at DESC"
    );
    on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).bind(person).fetch_all(p).await)
}

pub async fn get(db: &Db, id: Uuid) -> Result<Option<TravelRequest>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM travel_requests WHERE id = $1");
    on_db!(db, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await)
}

pub async fn get_in_tx(tx: &mut Tx, id: Uuid) -> Result<Option<TravelRequest>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM travel_requests WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)
}

/// The hackfest's requests that hold money (approved, booked, reimbursed), in the
/// transaction: after [`lock_budget`], what another approval cannot change until commit.
pub async fn committed_in_tx(
    tx: &mut Tx,
    hackfest_id: Uuid,
) -> Result<Vec<TravelRequest>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM travel_requests WHERE hackfest_id = $1 \
         AND state IN ('approved', 'booked', 'reimbursed')"
    );
    on_tx!(tx, c => sqlx::query_as(&sql).bind(hackfest_id).fetch_all(c).await)
}

/// Whether the person has an active request besides `except`, in the transaction.
pub async fn active_of(
    tx: &mut Tx,
    hackfest_id: Uuid,
    person: &str,
    except: Option<Uuid>,
) -> Result<bool, sqlx::Error> {
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM travel_requests WHERE hackfest_id = $1 AND person = $2 \
         AND state NOT IN ('declined', 'withdrawn') AND ($3 IS NULL OR id <> $3)",
    )
    .bind(hackfest_id)
    .bind(person)
    .bind(except)
    .fetch_one(c)
    .await)?;
    Ok(n > 0)
}

fn amount(a: &Option<super::Amounts>, f: fn(&super::Amounts) -> i64) -> Option<i64> {
    a.as_ref().map(f)
}

macro_rules! bind_travel {
    ($q:expr, $r:expr) => {{
        let r: &NewTravel = $r;
        $q.bind(&r.person)
            .bind(r.state.key())
            .bind(Json(&r.plan.items))
            .bind(r.plan.arrives_on)
            .bind(&r.plan.arrives_at)
            .bind(&r.plan.arrival)
            .bind(r.plan.leaves_on)
            .bind(&r.plan.leaves_at)
            .bind(&r.plan.departure)
            .bind(r.plan.share_days)
            .bind(&r.plan.notes)
            .bind(amount(&r.approved, |a| a.travel))
            .bind(amount(&r.approved, |a| a.lodging))
            .bind(amount(&r.approved, |a| a.other))
            .bind(&r.decision_note)
            .bind(&r.decided_by)
            .bind(amount(&r.reimbursed, |a| a.travel))
            .bind(amount(&r.reimbursed, |a| a.lodging))
            .bind(amount(&r.reimbursed, |a| a.other))
            .bind(r.reimbursed_on)
            .bind(&r.lodging.hotel)
            .bind(r.lodging.first_night)
            .bind(r.lodging.last_night)
            .bind(&r.lodging.hotel_room)
    }};
}

/// `$3` … `$26`: the stored fields, in [`COLUMNS`] order.
const VALUES: &str = "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
                      $19, $20, $21, $22, $23, $24, $25, $26";

pub async fn insert(
    tx: &mut Tx,
    id: TravelId,
    hackfest_id: HackfestId,
    r: &NewTravel,
    now: DateTime<Utc>,
) -> Result<TravelRequest, sqlx::Error> {
    let sql = format!(
        "INSERT INTO travel_requests ({COLUMNS}) VALUES ($1, $2, {VALUES}, 1, $27, $27) \
         RETURNING {COLUMNS}"
    );
    on_tx!(tx, c => bind_travel!(sqlx::query_as(&sql).bind(id).bind(hackfest_id), r)
        .bind(now)
        .fetch_one(c)
        .await)
}

pub async fn update(
    tx: &mut Tx,
    id: TravelId,
    expected_version: i64,
    r: &NewTravel,
    now: DateTime<Utc>,
) -> Result<Option<TravelRequest>, sqlx::Error> {
    let sql = format!(
        "UPDATE travel_requests SET person = $3, state = $4, items = $5, arrives_on = $6, \
         arrives_at = $7, arrival = $8, leaves_on = $9, leaves_at = $10, departure = $11, \
         share_days = $12, notes = $13, approved_travel = $14, approved_lodging = $15, \
         approved_other = $16, decision_note = $17, decided_by = $18, reimbursed_travel = $19, \
         reimbursed_lodging = $20, reimbursed_other = $21, reimbursed_on = $22, hotel = $23, \
         first_night = $24, last_night = $25, hotel_room = $26, version = version + 1, \
         updated_at = $27 WHERE id = $1 AND version = $2 RETURNING {COLUMNS}"
    );
    on_tx!(tx, c => bind_travel!(sqlx::query_as(&sql).bind(id).bind(expected_version), r)
        .bind(now)
        .fetch_optional(c)
        .await)
}

pub async fn budget(db: &Db, hackfest_id: Uuid) -> Result<Option<Budget>, sqlx::Error> {
    let sql = format!("SELECT {BUDGET_COLUMNS} FROM travel_budgets WHERE hackfest_id = $1");
    on_db!(db, p => sqlx::query_as(&sql).bind(hackfest_id).fetch_optional(p).await)
}

pub async fn budget_in_tx(tx: &mut Tx, id: Uuid) -> Result<Option<Budget>, sqlx::Error> {
    let sql = format!("SELECT {BUDGET_COLUMNS} FROM travel_budgets WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)
}

/// The hackfest's budget, locked until commit on PostgreSQL (`FOR UPDATE`): two
/// approvals at once are checked one after the other, the second seeing the first.
/// On SQLite the one writer already runs write transactions one at a time.
pub async fn lock_budget(tx: &mut Tx, hackfest_id: Uuid) -> Result<Option<Budget>, sqlx::Error> {
    let lock = match tx {
        Tx::Sqlite(_) => "",
        Tx::Postgres(_) => " FOR UPDATE",
    };
    let sql = format!("SELECT {BUDGET_COLUMNS} FROM travel_budgets WHERE hackfest_id = $1{lock}");
    on_tx!(tx, c => sqlx::query_as(&sql).bind(hackfest_id).fetch_optional(c).await)
}

pub async fn insert_budget(
    tx: &mut Tx,
    id: BudgetId,
    hackfest_id: HackfestId,
    b: &NewBudget,
    now: DateTime<Utc>,
) -> Result<Budget, sqlx::Error> {
    let sql = format!(
        "INSERT INTO travel_budgets ({BUDGET_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) \
         RETURNING {BUDGET_COLUMNS}"
    );
    on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(hackfest_id)
        .bind(&b.source)
        .bind(&b.currency)
        .bind(b.amounts.travel)
        .bind(b.amounts.lodging)
        .bind(b.amounts.other)
        .bind(Json(&b.hotels))
        .bind(now)
        .fetch_one(c)
        .await)
}

pub async fn update_budget(
    tx: &mut Tx,
    id: BudgetId,
    expected_version: i64,
    b: &NewBudget,
    now: DateTime<Utc>,
) -> Result<Option<Budget>, sqlx::Error> {
    let sql = format!(
        "UPDATE travel_budgets SET source = $3, currency = $4, travel = $5, lodging = $6, other = $7, \
         hotels = $8, version = version + 1, updated_at = $9 WHERE id = $1 AND version = $2 \
         RETURNING {BUDGET_COLUMNS}"
    );
    on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(id)
        .bind(expected_version)
        .bind(&b.source)
        .bind(&b.currency)
        .bind(b.amounts.travel)
        .bind(b.amounts.lodging)
        .bind(b.amounts.other)
        .bind(Json(&b.hotels))
        .bind(now)
        .fetch_optional(c)
        .await)
}
