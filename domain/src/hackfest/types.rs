use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;
use crate::text::{long_text, optional_line, required_line};

pub const TITLE_MAX: usize = 200;
pub const LOCATION_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 20_000;
/// A hackfest is a week, give or take; a month is plenty.
pub const MAX_DAYS: i64 = 31;

/// What the browser and the API see of a hackfest (also its database row).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Hackfest {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub time_zone: String,
    pub location: String,
    pub description: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Hackfest {
    /// Number of days, both ends included.
    pub fn days(&self) -> i64 {
        (self.end_date - self.start_date).num_days() + 1
    }
}

/// A URL-safe name: `ci-infra-hackfest`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slug(String);

impl Slug {
    pub fn parse(input: &str) -> Result<Slug, String> {
        let s = input.trim();
        if s.is_empty() {
            return Err("Slug is required.".into());
        }
        if s.len() < 3 || s.len() > 64 {
            return Err("Slug must be 3 to 64 characters long.".into());
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err("Slug may contain only lowercase letters a–z, digits and hyphens.".into());
        }
        if s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err(
                "Slug must not start or end with a hyphen, nor contain two in a row.".into(),
            );
        }
        Ok(Slug(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub fn parse_date(input: &str, what: &str) -> Result<NaiveDate, String> {
    let s = input.trim();
    if s.is_empty() {
        return Err(format!("{what} is required."));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{what} must be a date like 2026-11-23."))
}

/// An IANA time zone name such as `Europe/Prague`. The authoritative check (against
/// the time zone database) runs on the server; the browser checks the shape only,
/// so the tz database does not have to ship in the WASM bundle.
pub fn parse_time_zone(input: &str) -> Result<String, String> {
    let s = input.trim();
    if s.is_empty() {
        return Err("Time zone is required.".into());
    }
    #[cfg(feature = "server")]
    {
        if s.parse::<chrono_tz::Tz>().is_err() {
            return Err(format!(
                "Time zone \"{}\" is not known; use an IANA name such as Europe/Prague or UTC.",
                crate::text::shown(s)
            ));
        }
    }
    #[cfg(not(feature = "server"))]
    {
        if s.len() > 64
            || !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c))
        {
            return Err("Time zone must be an IANA name such as Europe/Prague or UTC.".into());
        }
    }
    Ok(s.to_owned())
}

/// Raw input, as typed into a form.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HackfestForm {
    pub slug: String,
    pub title: String,
    pub start_date: String,
    pub end_date: String,
    pub time_zone: String,
    pub location: String,
    pub description: String,
}

/// Parsed, valid input.
#[derive(Clone, Debug, PartialEq)]
pub struct NewHackfest {
    pub slug: Slug,
    pub title: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub time_zone: String,
    pub location: String,
    pub description: String,
}

impl HackfestForm {
    pub fn parse(&self) -> Result<NewHackfest, FieldErrors> {
        let mut e = FieldErrors::new();
        let slug = e.check("slug", Slug::parse(&self.slug));
        let title = e.check("title", required_line(&self.title, "Title", TITLE_MAX));
        let start = e.check("start_date", parse_date(&self.start_date, "Start date"));
        let end = e.check("end_date", parse_date(&self.end_date, "End date"));
        if let (Some(s), Some(en)) = (start, end) {
            if en < s {
                e.add("end_date", "End date must not be before the start date.");
            } else if (en - s).num_days() + 1 > MAX_DAYS {
                e.add(
                    "end_date",
                    format!("A hackfest lasts at most {MAX_DAYS} days."),
                );
            }
        }
        let time_zone = e.check("time_zone", parse_time_zone(&self.time_zone));
        let location = e.check(
            "location",
            optional_line(&self.location, "Location", LOCATION_MAX),
        );
        let description = e.check(
            "description",
            long_text(&self.description, "Description", DESCRIPTION_MAX),
        );
        e.into_result(|| NewHackfest {
            slug: slug.unwrap(),
            title: title.unwrap(),
            start_date: start.unwrap(),
            end_date: end.unwrap(),
            time_zone: time_zone.unwrap(),
            location: location.unwrap(),
            description: description.unwrap(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> HackfestForm {
        HackfestForm {
            slug: "ci-infra-hackfest".into(),
            title: "CI & Infrastructure Hackfest".into(),
            start_date: "2026-11-23".into(),
            end_date: "2026-11-27".into(),
            time_zone: "Europe/Prague".into(),
            location: "Room Fedora, 9th floor".into(),
            description: String::new(),
        }
    }

    #[test]
    fn valid_form_parses() {
        let h = form().parse().unwrap();
        assert_eq!(h.slug.as_str(), "ci-infra-hackfest");
        assert_eq!((h.end_date - h.start_date).num_days(), 4);
    }

    #[test]
    fn bad_fields_are_named() {
        let mut f = form();
        f.slug = "Bad Slug".into();
        f.end_date = "2026-11-01".into();
        f.time_zone = "Mars Olympus!".into();
        f.title = " ".into();
        let e = f.parse().unwrap_err();
        assert!(e.get("slug").unwrap().contains("lowercase"));
        assert!(e.get("end_date").unwrap().contains("before"));
        assert!(e.get("time_zone").is_some());
        assert!(e.get("title").unwrap().contains("required"));
    }

    /// The server checks against the time zone database; the browser only the shape.
    #[cfg(feature = "server")]
    #[test]
    fn unknown_time_zone_is_refused_on_the_server() {
        let e = parse_time_zone("Mars/Olympus").unwrap_err();
        assert!(e.contains("not known"), "{e}");
        assert_eq!(parse_time_zone(" Europe/Prague ").unwrap(), "Europe/Prague");
    }

    #[test]
    fn slug_rules() {
        for bad in ["", "ab", "-abc", "abc-", "a--b", "ABC", "a b c", "über"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(Slug::parse("flock-2026").is_ok());
    }

    #[test]
    fn too_long_hackfest() {
        let mut f = form();
        f.end_date = "2027-01-23".into();
        assert!(
            f.parse()
                .unwrap_err()
                .get("end_date")
                .unwrap()
                .contains("at most")
        );
    }
}
