//! Demo data: a hackfest to click through on first start. Tests never depend on it.

use chrono::{Datelike, Duration, Utc};

use crate::DomainError;
use crate::action::{self, ActionForm};
use crate::db::{Db, Tx};
use crate::decision::{self, DecisionForm};
use crate::goal::{self, Goal, GoalForm};
use crate::hackfest::{self, Hackfest, HackfestForm};
use crate::room::{self, RoomForm};
use crate::session::{self, SessionForm};
use crate::summary;

pub const DEMO_SLUG: &str = "ci-infra-hackfest";
const ACTOR: &str = "demo";

const BIG_GOALS: &[(&str, &str, &str, u8)] = &[
    (
        "Document the authentication systems: FAS → FreeIPA sync and Ipsilon OpenID Connect flows",
        "How accounts flow from FAS into FreeIPA, and how apps sign people in through Ipsilon. \
         Diagrams and a Q&A page that newcomers can read.",
        "active",
        30,
    ),
    (
        "Run the CentOS CI pipeline for opt-in Fedora packages, sending bus messages",
        "Packagers opt in; every build runs the pipeline and reports results as fedora-messaging messages.",
        "active",
        10,
    ),
    (
        "Stand up an OpenShift cluster in staging",
        "A staging cluster the apps can move to, managed from Ansible.",
        "proposed",
        0,
    ),
];

const SMALL_GOALS: &[(&str, &str)] = &[
    (
        "Split storage volumes into active and archive",
        "Agree the split with the storage team.",
    ),
    (
        "Plan the datacenter move",
        "Which racks and services move first, and when.",
    ),
    (
        "Make the update system faster",
        "Profile the push and find the slow steps.",
    ),
    (
        "Roll out Postgres BDR app by app",
        "Deploy BDR, then decide app by app.",
    ),
    (
        "Move the QA setup into the cloud",
        "Scale the QA runners beyond the lab.",
    ),
];

/// Loads the demo hackfest unless the database already holds any hackfest.
/// Returns whether it loaded anything.
pub async fn load_if_empty(db: &Db) -> Result<bool, DomainError> {
    if hackfest::repo::count(db).await? > 0 {
        return Ok(false);
    }
    match load(db).await {
        Ok(()) => Ok(true),
        // Another instance, starting at the same moment, loaded it first.
        Err(_) if hackfest::repo::by_slug(db, DEMO_SLUG).await?.is_some() => Ok(false),
        Err(e) => Err(e),
    }
}

/// Loads the demo hackfest: Monday to Friday of the current week. All in one
/// transaction: a failure half-way leaves no half demo behind (which
/// [`load_if_empty`] would then never complete).
pub async fn load(db: &Db) -> Result<(), DomainError> {
    let mut tx = db.begin().await?;
    load_in(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

async fn load_in(tx: &mut Tx) -> Result<(), DomainError> {
    let today = Utc::now().date_naive();
    let monday = today - Duration::days(today.weekday().num_days_from_monday().into());
    let h = hackfest::service::create_in(
        tx,
        &HackfestForm {
            slug: DEMO_SLUG.into(),
            title: "CI & Infrastructure Hackfest".into(),
            start_date: monday.to_string(),
            end_date: (monday + Duration::days(4)).to_string(),
            time_zone: "Europe/Prague".into(),
            location: "Room \"Fedora\", 9th floor".into(),
            description:
                "A week in one room for the infrastructure team: a few big goals, many small \
                          ones, and a published record of what was decided."
                    .into(),
        },
        ACTOR,
        None,
    )
    .await?;
    let mut goals = Vec::new();
    for (title, description, status, progress) in BIG_GOALS {
        let g = goal::service::create_in(
            tx,
            h.id,
            &GoalForm {
                title: (*title).into(),
                description: (*description).into(),
                kind: "big".into(),
                status: (*status).into(),
                progress: progress.to_string(),
                ..Default::default()
            },
            ACTOR,
        )
        .await?;
        goals.push(g);
    }
    for (title, description) in SMALL_GOALS {
        let g = goal::service::create_in(
            tx,
            h.id,
            &GoalForm {
                title: (*title).into(),
                description: (*description).into(),
                kind: "small".into(),
                status: "proposed".into(),
                ..Default::default()
            },
            ACTOR,
        )
        .await?;
        goals.push(g);
    }
    load_week(tx, &h, &goals).await?;
    crate::travel::service::demo_in(tx, &h, "olivia").await?;
    crate::page::service::seed_demo_in(tx, &h).await?;
    stamp_days(tx, &h).await?;
    load_summaries(tx, &h).await
}

/// The demo is written in one go, now; its record should read as a week. Each history
/// row of a session's day (the session, the decisions and action items made in it, the
/// goals it worked on, from its `changes`) is stamped at that session's end, so each
/// day's summary is drafted from a real day: Monday's authentication systems dump,
/// Friday's OpenShift cluster. Everything else stays on the first morning.
async fn stamp_days(tx: &mut Tx, h: &Hackfest) -> Result<(), DomainError> {
    use crate::on_tx;
    let first_morning = hackfest::service::day_bounds(h, h.start_date).0 + Duration::hours(8);
    on_tx!(tx, c => sqlx::query("UPDATE history SET created_at = $1 WHERE hackfest_id = $2")
        .bind(first_morning)
        .bind(h.id)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    let sessions: Vec<(uuid::Uuid, chrono::DateTime<Utc>)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, ends_at FROM hack_sessions WHERE hackfest_id = $1",
    )
    .bind(h.id)
    .fetch_all(&mut *c)
    .await)?;
    for (session, ends) in sessions {
        let id = session.to_string();
        // The session itself, and what was made in it (its id is in their changes).
        on_tx!(tx, c => sqlx::query(
            "UPDATE history SET created_at = $1 WHERE hackfest_id = $2 \
             AND (entity_id = $3 OR (entity <> 'session' AND CAST(changes AS TEXT) LIKE $4))",
        )
        .bind(ends)
        .bind(h.id)
        .bind(session)
        .bind(format!("%{id}%"))
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    }
    // The Friday goal update happened after Friday's session.
    let friday = h.start_date + Duration::days(4);
    let friday_evening = hackfest::service::day_bounds(h, friday).0 + Duration::hours(17);
    on_tx!(tx, c => sqlx::query(
        "UPDATE history SET created_at = $1 WHERE hackfest_id = $2 AND entity = 'goal' AND action = 'update'",
    )
    .bind(friday_evening)
    .bind(h.id)
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// A draft summary of each day of the week, drafted from what the demo recorded, and
/// Monday's published.
async fn load_summaries(tx: &mut Tx, h: &Hackfest) -> Result<(), DomainError> {
    for day in h.start_date.iter_days().take_while(|d| *d <= h.end_date) {
        let g = summary::service::generate_in(tx, h, Some(day), ACTOR).await?;
        if day == h.start_date {
            let url = summary::path(&h.slug, Some(day));
            summary::service::publish_in(tx, g.summary, "kevin", &url).await?;
        }
    }
    Ok(())
}

/// The places of the demo week: the team's meeting room, a smaller one, the hotel
/// lobby and the restaurant (no capacity).
async fn load_rooms(tx: &mut Tx, h: &Hackfest) -> Result<(), DomainError> {
    let rooms = [
        RoomForm {
            name: "Fedora".into(),
            location: "9th floor".into(),
            capacity: "12".into(),
            equipment: "projector, video call, whiteboard".into(),
            notes: "The team's room for the week. Ask **reception** for the key.".into(),
            open_for_breakouts: "on".into(),
            ..Default::default()
        },
        RoomForm {
            name: "Brno".into(),
            location: "9th floor".into(),
            capacity: "6".into(),
            equipment: "video call".into(),
            opens: "08:00".into(),
            closes: "18:00".into(),
            closed: format!(
                "{} 12:00-13:30 Booked by the QE team",
                h.start_date + Duration::days(3)
            ),
            ..Default::default()
        },
        RoomForm {
            name: "Hotel lobby".into(),
            notes: "Where we meet before going out.".into(),
            open_for_breakouts: "on".into(),
            ..Default::default()
        },
        RoomForm {
            name: "Restaurant".into(),
            location: "Ground floor".into(),
            ..Default::default()
        },
    ];
    for r in &rooms {
        room::service::create_in(tx, h.id, r, ACTOR).await?;
    }
    Ok(())
}

/// Sessions, decisions and action items of the demo week.
async fn load_week(tx: &mut Tx, h: &Hackfest, goals: &[Goal]) -> Result<(), DomainError> {
    let goal = |needle: &str| {
        goals
            .iter()
            .find(|g| g.title.contains(needle))
            .map(|g| g.id.to_string())
            .unwrap_or_default()
    };
    let day = |n: i64, time: &str| format!("{}T{time}", h.start_date + Duration::days(n));
    let sessions = [
        (
            "Authentication systems deep dive",
            "discussion",
            day(0, "09:30"),
            day(0, "12:00"),
            "alice\nolivia\nkevin",
            goal("authentication"),
            "1. FAS → FreeIPA sync, end to end\n2. Ipsilon: OpenID Connect flows and the groups scope\n3. What to write down, and where",
            "- Accounts are created in FAS and synced to FreeIPA every 10 minutes.\n- Apps should move to OpenID Connect; see the decision below.",
        ),
        (
            "Meeting with the Red Hat Storage team",
            "meeting",
            day(1, "10:00"),
            day(1, "11:00"),
            "kevin\nRed Hat Storage team",
            goal("storage volumes"),
            "Active vs. archive volumes; quotas; snapshots.",
            "",
        ),
        // Booked over the storage meeting on purpose: the demo leaves one warning
        // visible (the guest team is needed in two rooms at once), so a newcomer sees
        // what a people conflict looks like on the timetable and the session.
        (
            "Storage plans: quotas follow-up",
            "work",
            day(1, "10:30"),
            day(1, "11:30"),
            "alice\nRed Hat Storage team",
            goal("storage volumes"),
            "Turn the meeting's quota numbers into a plan per volume.",
            "",
        ),
        (
            "Meeting with the datacenter team",
            "meeting",
            day(1, "14:00"),
            day(1, "15:00"),
            "olivia\nRed Hat datacenter team",
            goal("datacenter"),
            "Which racks move first; the network freeze window.",
            "",
        ),
        (
            "QA scaling chat",
            "discussion",
            day(2, "11:00"),
            day(2, "12:00"),
            "adam\nQA team",
            goal("QA setup"),
            "Cloud runners for openQA: cost and capacity.",
            "",
        ),
        (
            "OpenShift cluster: up in staging",
            "work",
            day(4, "09:30"),
            day(4, "13:00"),
            "olivia\nkevin\nadam",
            goal("OpenShift"),
            "Install from the Ansible playbooks; move one app (the wiki) as a test.",
            "The staging cluster is up: three control-plane nodes and two workers, installed \
             from Ansible. The wiki runs on it as a test.\n\n- Next: move the apps one by one.",
        ),
        (
            "Evening visit to the old town",
            "social",
            day(2, "18:30"),
            day(2, "21:00"),
            "everyone",
            String::new(),
            "Meet at the lobby at 18:30.",
            "",
        ),
    ];
    load_rooms(tx, h).await?;
    let room_of = |title: &str| match title {
        t if t.starts_with("Meeting with the Red Hat Storage") || t.starts_with("QA") => "Brno",
        t if t.starts_with("Evening") => "Hotel lobby",
        _ => "Fedora",
    };
    let mut made = Vec::new();
    for (title, kind, starts, ends, people, goal_ids, agenda, notes) in sessions {
        let s = session::service::create_in(
            tx,
            h,
            &SessionForm {
                title: title.into(),
                kind: kind.into(),
                starts_at: starts,
                ends_at: ends,
                room: room_of(title).into(),
                room_id: String::new(),
                participants: people.into(),
                optional_participants: if title.starts_with("Meeting with") {
                    "adam".into()
                } else {
                    String::new()
                },
                goal_ids,
                agenda: agenda.into(),
                notes: notes.into(),
            },
            ACTOR,
        )
        .await?;
        made.push(s);
    }
    let bdr = decision::service::create_in(
        tx,
        h.id,
        &DecisionForm {
            title: "Deploy BDR, then decide app by app".into(),
            context: "Postgres BDR gives multi-master replication, but not every app copes with it.".into(),
            decision: "Deploy BDR in staging this week. Each app is then checked and moved on its own.".into(),
            status: "agreed".into(),
            session_id: made[0].id.to_string(),
            goal_ids: goal("BDR"),
            followups: "[x] bodhi — works on BDR\n[~] koji — needs primary keys on two tables\n[ ] pagure\n[-] wiki — moving off Postgres anyway".into(),
            ..Default::default()
        },
        ACTOR,
    )
    .await?;
    let oidc = decision::service::create_in(
        tx,
        h.id,
        &DecisionForm {
            title: "Move apps to OpenID Connect".into(),
            context: "Ipsilon speaks OpenID 2.0 and OpenID Connect; keeping both doubles the work."
                .into(),
            decision: "New apps use OpenID Connect only; existing apps move one by one.".into(),
            status: "proposed".into(),
            session_id: made[0].id.to_string(),
            goal_ids: goal("authentication"),
            ..Default::default()
        },
        ACTOR,
    )
    .await?;
    let actions = [
        (
            "Write down the FAS → FreeIPA sync",
            "alice",
            1,
            "in_progress",
            goal("authentication"),
            Some(made[0].id),
            None,
        ),
        (
            "List the apps still on OpenID 2.0",
            "kevin",
            2,
            "open",
            goal("authentication"),
            Some(made[0].id),
            Some(oidc.id),
        ),
        (
            "Check koji tables for primary keys",
            "olivia",
            3,
            "open",
            goal("BDR"),
            None,
            Some(bdr.id),
        ),
        (
            "Send the storage split proposal",
            "kevin",
            2,
            "blocked",
            goal("storage volumes"),
            Some(made[1].id),
            None,
        ),
        (
            "Book the evening visit",
            "olivia",
            0,
            "done",
            String::new(),
            Some(made[5].id),
            None,
        ),
    ];
    // Friday: the staging cluster is done, and says so.
    if let Some(cluster) = goals.iter().find(|g| g.title.contains("OpenShift")) {
        let done = GoalForm {
            status: "done".into(),
            progress: "100".into(),
            outcome: "A staging OpenShift cluster, installed from Ansible; the wiki runs on it."
                .into(),
            ..cluster.to_form()
        }
        .parse()?;
        crate::write::update_in(
            tx,
            cluster.clone(),
            cluster.version,
            &done,
            crate::write::Edit::update(ACTOR),
        )
        .await?;
    }
    for (title, owner, due, status, goal_id, session_id, decision_id) in actions {
        action::service::create_in(
            tx,
            h.id,
            &ActionForm {
                title: title.into(),
                owner: owner.into(),
                due_date: (h.start_date + Duration::days(due)).to_string(),
                status: status.into(),
                goal_id,
                session_id: session_id.map(|i| i.to_string()).unwrap_or_default(),
                decision_id: decision_id.map(|i| i.to_string()).unwrap_or_default(),
                ..Default::default()
            },
            ACTOR,
        )
        .await?;
    }
    Ok(())
}
