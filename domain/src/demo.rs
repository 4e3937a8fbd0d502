//! Demo data: a hackfest to click through on first start. Tests never depend on it.

use chrono::{Datelike, Duration, Utc};

use crate::DomainError;
use crate::db::Db;
use crate::goal::{self, GoalForm};
use crate::hackfest::{self, HackfestForm};

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
    load(db).await?;
    Ok(true)
}

/// Loads the demo hackfest: Monday to Friday of the current week.
pub async fn load(db: &Db) -> Result<(), DomainError> {
    let today = Utc::now().date_naive();
    let monday = today - Duration::days(today.weekday().num_days_from_monday().into());
    let h = hackfest::service::create(
        db,
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
    )
    .await?;
    for (title, description, status, progress) in BIG_GOALS {
        goal::service::create(
            db,
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
    }
    for (title, description) in SMALL_GOALS {
        goal::service::create(
            db,
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
    }
    Ok(())
}
