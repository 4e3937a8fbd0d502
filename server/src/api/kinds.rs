//! Each kind of object the JSON API serves: its path, its filters, who may write it,
//! and which services read and write it (the same ones the pages' server functions
//! call). The routes and the OpenAPI document are made from this one table.

use std::future::Future;
use std::sync::Arc;

use app::hackfest::scope::Scope;
use app::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use domain::DomainError;
use domain::listing::{self, Filter, Value as V};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    ApiError, FilterSpec, Need, Paged, Values, caller, form_from_json, json, list_query, scope,
};
use crate::auth::Auth;

type Done<T> = Result<T, DomainError>;

/// A kind of object under `/api/v1/hackfests/{slug}/{PATH}`.
pub trait Kind: Send + Sync + 'static {
    /// The path segment (`goals`, `action-items` …).
    const PATH: &'static str;
    /// One of them, in words (`goal`, `action item` …).
    const WHAT: &'static str;
    /// Writing needs an organizer (rooms), else an attendee.
    const ORGANIZERS: bool;
    /// What the list filters on.
    const FILTERS: &'static [FilterSpec];
    /// What identifies one in its path (`id`, or a wiki page's slug as `page`).
    const KEY: &'static str = "id";
    /// What a list holds.
    type Row: Serialize + Send + ToSchema;
    /// What get, create and update answer.
    type Item: Serialize + Send + ToSchema;
    /// What create and update take (as JSON).
    type Form: DeserializeOwned + Serialize + Default + Send + Sync + ToSchema;

    fn list(
        s: &Scope,
        filters: &[Filter],
        limit: i64,
        offset: i64,
    ) -> impl Future<Output = Done<(Vec<Self::Row>, i64)>> + Send;
    fn get(s: &Scope, key: &str) -> impl Future<Output = Done<Self::Item>> + Send;
    fn create(
        s: &Scope,
        form: &Self::Form,
        actor: &str,
    ) -> impl Future<Output = Done<Self::Item>> + Send;
    fn update(
        s: &Scope,
        key: &str,
        version: i64,
        form: &Self::Form,
        actor: &str,
    ) -> impl Future<Output = Done<Self::Item>> + Send;
}

/// A path's id; a malformed one names nothing ("not found", like an unknown one).
fn id(key: &str, what: &'static str) -> Done<Uuid> {
    Uuid::parse_str(key).map_err(|_| DomainError::NotFound(what))
}

fn text(parse: fn(&str) -> Result<&'static str, String>) -> impl Fn(&str) -> Result<V, String> {
    move |v| parse(v).map(|s| V::Text(s.to_owned()))
}

fn uuid(v: &str) -> Result<V, String> {
    Uuid::parse_str(v.trim())
        .map(V::Uuid)
        .map_err(|_| format!("\"{}\" is not an id.", domain::text::shown_up_to(v, 40)))
}

fn username(v: &str) -> Result<V, String> {
    let t = v.trim();
    if t.is_empty() || !domain::text::lookup_key(t) {
        return Err("A username is required.".into());
    }
    Ok(V::Folded(t.to_owned()))
}

macro_rules! status_filter {
    ($name:literal, $col:literal, $t:ty) => {
        FilterSpec {
            name: $name,
            column: $col,
            parse: |v| text(|s| <$t>::parse(s).map(<$t>::as_str))(v),
            values: Values::OneOf(|| <$t>::ALL.iter().map(|v| v.as_str()).collect()),
        }
    };
}

/// list, get, create and update of a kind whose service takes the hackfest's id (the
/// same functions its server functions call).
macro_rules! by_hackfest_id {
    ($module:ident, $list:ident) => {
        async fn list(
            s: &Scope,
            f: &[Filter],
            limit: i64,
            offset: i64,
        ) -> Done<(Vec<Self::Row>, i64)> {
            listing::$list(&s.db, &s.hackfest, f, limit, offset).await
        }
        async fn get(s: &Scope, key: &str) -> Done<Self::Item> {
            domain::$module::service::get(&s.db, s.hackfest.id, id(key, Self::WHAT)?).await
        }
        async fn create(s: &Scope, form: &Self::Form, actor: &str) -> Done<Self::Item> {
            domain::$module::service::create(&s.db, s.hackfest.id, form, actor).await
        }
        async fn update(
            s: &Scope,
            key: &str,
            v: i64,
            form: &Self::Form,
            actor: &str,
        ) -> Done<Self::Item> {
            let id = id(key, Self::WHAT)?;
            domain::$module::service::update(&s.db, s.hackfest.id, id, v, form, actor).await
        }
    };
}

/// Filters on a column holding an object's id.
const fn id_filter(name: &'static str, column: &'static str) -> FilterSpec {
    FilterSpec {
        name,
        column,
        parse: uuid,
        values: Values::Id,
    }
}

/// Filters on a column holding a username (compared without case).
const fn owner_filter(name: &'static str, column: &'static str) -> FilterSpec {
    FilterSpec {
        name,
        column,
        parse: username,
        values: Values::Username,
    }
}

pub struct Goals;
pub struct Sessions;
pub struct Decisions;
pub struct Actions;
pub struct Rooms;
pub struct Pages;

impl Kind for Goals {
    const PATH: &'static str = "goals";
    const WHAT: &'static str = "goal";
    const ORGANIZERS: bool = false;
    const FILTERS: &'static [FilterSpec] = &[
        status_filter!("status", "status", domain::goal::GoalStatus),
        status_filter!("kind", "kind", domain::goal::GoalKind),
        id_filter("parent", "parent_id"),
        owner_filter("owner", "owner"),
    ];
    type Row = domain::goal::Goal;
    type Item = domain::goal::Goal;
    type Form = domain::goal::GoalForm;

    by_hackfest_id!(goal, goals);
}

impl Kind for Sessions {
    const PATH: &'static str = "sessions";
    const WHAT: &'static str = "session";
    const ORGANIZERS: bool = false;
    const FILTERS: &'static [FilterSpec] = &[
        status_filter!("kind", "kind", domain::session::SessionKind),
        id_filter("room", "room_id"),
    ];
    type Row = domain::session::HackSession;
    type Item = domain::session::HackSession;
    type Form = domain::session::SessionForm;

    async fn list(s: &Scope, f: &[Filter], limit: i64, offset: i64) -> Done<(Vec<Self::Row>, i64)> {
        listing::sessions(&s.db, &s.hackfest, f, limit, offset).await
    }
    async fn get(s: &Scope, key: &str) -> Done<Self::Item> {
        domain::session::service::get(&s.db, &s.hackfest, id(key, Self::WHAT)?).await
    }
    // Attendees book rooms open for breakouts, organizers any: as on the pages.
    async fn create(s: &Scope, form: &Self::Form, actor: &str) -> Done<Self::Item> {
        domain::session::service::create_as(&s.db, &s.hackfest, form, actor, s.bookable_rooms())
            .await
    }
    async fn update(
        s: &Scope,
        key: &str,
        v: i64,
        form: &Self::Form,
        actor: &str,
    ) -> Done<Self::Item> {
        let id = id(key, Self::WHAT)?;
        domain::session::service::update_as(
            &s.db,
            &s.hackfest,
            id,
            v,
            form,
            actor,
            s.bookable_rooms(),
        )
        .await
    }
}

impl Kind for Decisions {
    const PATH: &'static str = "decisions";
    const WHAT: &'static str = "decision";
    const ORGANIZERS: bool = false;
    const FILTERS: &'static [FilterSpec] = &[
        status_filter!("status", "status", domain::decision::DecisionStatus),
        id_filter("session", "session_id"),
    ];
    type Row = domain::decision::Decision;
    type Item = domain::decision::Decision;
    type Form = domain::decision::DecisionForm;

    by_hackfest_id!(decision, decisions);
}

impl Kind for Actions {
    const PATH: &'static str = "action-items";
    const WHAT: &'static str = "action item";
    const ORGANIZERS: bool = false;
    const FILTERS: &'static [FilterSpec] = &[
        status_filter!("status", "status", domain::action::ActionStatus),
        owner_filter("owner", "owner"),
        id_filter("goal", "goal_id"),
        id_filter("session", "session_id"),
        id_filter("decision", "decision_id"),
    ];
    type Row = domain::action::ActionItem;
    type Item = domain::action::ActionItem;
    type Form = domain::action::ActionForm;

    by_hackfest_id!(action, actions);
}

impl Kind for Rooms {
    const PATH: &'static str = "rooms";
    const WHAT: &'static str = "room";
    const ORGANIZERS: bool = true;
    const FILTERS: &'static [FilterSpec] = &[];
    type Row = domain::room::Room;
    type Item = domain::room::Room;
    type Form = domain::room::RoomForm;

    by_hackfest_id!(room, rooms);
}

/// Wiki pages, by their slug; the list gives each page's title and excerpt.
impl Kind for Pages {
    const PATH: &'static str = "pages";
    const WHAT: &'static str = "page";
    const ORGANIZERS: bool = false;
    const FILTERS: &'static [FilterSpec] = &[];
    const KEY: &'static str = "page";
    type Row = domain::page::PageSummary;
    type Item = domain::page::Page;
    type Form = domain::page::PageForm;

    async fn list(s: &Scope, _: &[Filter], limit: i64, offset: i64) -> Done<(Vec<Self::Row>, i64)> {
        // A hackfest's pages are few (people write them); their list is one query.
        let all = domain::page::service::list(&s.db, &s.hackfest).await?;
        let total = all.len() as i64;
        let items = all
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(0))
            .collect();
        Ok((items, total))
    }
    async fn get(s: &Scope, key: &str) -> Done<Self::Item> {
        domain::page::service::get(&s.db, &s.hackfest, key).await
    }
    async fn create(s: &Scope, form: &Self::Form, actor: &str) -> Done<Self::Item> {
        domain::page::service::create(&s.db, &s.hackfest, form, actor).await
    }
    async fn update(
        s: &Scope,
        key: &str,
        v: i64,
        form: &Self::Form,
        actor: &str,
    ) -> Done<Self::Item> {
        let stored = domain::page::service::get(&s.db, &s.hackfest, key).await?;
        domain::page::service::update(&s.db, &s.hackfest, stored.id, v, form, actor).await
    }
}

/// Something done for every kind: registering its routes, describing it.
pub trait Visit {
    fn visit<K: Kind>(&mut self);
}

/// The one list of kinds the API serves.
pub fn each(v: &mut impl Visit) {
    v.visit::<Goals>();
    v.visit::<Sessions>();
    v.visit::<Decisions>();
    v.visit::<Actions>();
    v.visit::<Rooms>();
    v.visit::<Pages>();
}

/// The list's and one object's paths of a kind, under `/api/v1`.
pub fn paths<K: Kind>() -> (String, String) {
    (
        format!("/hackfests/{{slug}}/{}", K::PATH),
        format!("/hackfests/{{slug}}/{}/{{{}}}", K::PATH, K::KEY),
    )
}

/// Every kind's routes.
pub fn register(r: Router<AppState>) -> Router<AppState> {
    struct Routes(Option<Router<AppState>>);
    impl Visit for Routes {
        fn visit<K: Kind>(&mut self) {
            let (all, one) = paths::<K>();
            let r = self.0.take().unwrap_or_default();
            self.0 = Some(
                r.route(&all, get(list::<K>).post(create::<K>))
                    .route(&one, get(self::one::<K>).put(update::<K>)),
            );
        }
    }
    let mut routes = Routes(Some(r));
    each(&mut routes);
    routes.0.unwrap_or_default()
}

fn operation<K: Kind>(verb: &str) -> String {
    format!("api/v1 {verb} {}", K::PATH)
}

async fn list<K: Kind>(
    State(st): State<AppState>,
    Extension(auth): Extension<Arc<Auth>>,
    Path(slug): Path<String>,
    q: RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let c = caller(&auth, &headers).await?;
    let s = scope(&st, &c, &slug, Need::Read).await?;
    let (page, per_page, filters) = list_query(super::raw(&q), K::FILTERS)?;
    let (items, total) = K::list(&s, &filters, per_page, (page - 1) * per_page)
        .await
        .map_err(super::domain_err(&operation::<K>("list")))?;
    Ok(json(
        StatusCode::OK,
        &Paged {
            items,
            page,
            per_page,
            total,
        },
    ))
}

async fn one<K: Kind>(
    State(st): State<AppState>,
    Extension(auth): Extension<Arc<Auth>>,
    Path((slug, key)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let c = caller(&auth, &headers).await?;
    let s = scope(&st, &c, &slug, Need::Read).await?;
    let item = K::get(&s, &key)
        .await
        .map_err(super::domain_err(&operation::<K>("get")))?;
    Ok(json(StatusCode::OK, &item))
}

/// The writer's username if their role may write this kind; 401 or 403 otherwise.
fn writer<K: Kind>(s: &Scope) -> Result<String, ApiError> {
    Ok(if K::ORGANIZERS {
        s.organizer()?
    } else {
        s.editor()?
    })
}

async fn create<K: Kind>(
    State(st): State<AppState>,
    Extension(auth): Extension<Arc<Auth>>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let c = caller(&auth, &headers).await?;
    let s = scope(&st, &c, &slug, Need::Write).await?;
    let actor = writer::<K>(&s)?;
    let (form, _) = form_from_json::<K::Form>(&body, false)?;
    let item = K::create(&s, &form, &actor)
        .await
        .map_err(super::domain_err(&operation::<K>("create")))?;
    Ok(json(StatusCode::CREATED, &item))
}

async fn update<K: Kind>(
    State(st): State<AppState>,
    Extension(auth): Extension<Arc<Auth>>,
    Path((slug, key)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let c = caller(&auth, &headers).await?;
    let s = scope(&st, &c, &slug, Need::Write).await?;
    let actor = writer::<K>(&s)?;
    let (form, version) = form_from_json::<K::Form>(&body, true)?;
    let item = K::update(&s, &key, version.unwrap_or(0), &form, &actor)
        .await
        .map_err(super::domain_err(&operation::<K>("update")))?;
    Ok(json(StatusCode::OK, &item))
}
