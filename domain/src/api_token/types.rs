use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;
use crate::text::required_line;

pub const NAME_MAX: usize = 100;
/// The longest life a token may be given, in days; the form's default is 90.
pub const DAYS_MAX: u32 = 366;
pub const DAYS_DEFAULT: u32 = 90;
/// Tokens a person may hold at once (not revoked, not expired).
pub const LIVE_MAX: i64 = 50;
/// What every token starts with: tells a leaked one apart in logs and secret scanners.
pub const PREFIX: &str = "hft_";

/// What a token may do in its hackfest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// `GET` only.
    Read,
    /// `GET`, and creating and updating what the person may edit there.
    Write,
}

crate::text_enum!(TokenScope, "Scope", {
    Read => "read", "Read";
    Write => "write", "Read and write";
});

/// A token as its owner sees it in the list (never the token itself).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub hackfest_slug: String,
    pub hackfest_title: String,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    /// Not revoked and not expired at `now`.
    pub fn live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

/// The create form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub name: String,
    /// The hackfest's slug.
    #[serde(default)]
    pub hackfest: String,
    #[serde(default)]
    pub scope: String,
    /// Days until it expires (1 to [`DAYS_MAX`]).
    #[serde(default)]
    pub expires_in_days: String,
}

/// The form, parsed (the hackfest is looked up by the service).
#[derive(Clone, Debug, PartialEq)]
pub struct NewToken {
    pub name: String,
    pub scope: TokenScope,
    pub days: u32,
}

impl TokenForm {
    pub fn parse(&self) -> Result<NewToken, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.check("name", required_line(&self.name, "Name", NAME_MAX));
        if self.hackfest.trim().is_empty() {
            e.add(
                "hackfest",
                "Hackfest is required: a token works in one hackfest.",
            );
        }
        let scope = e.check("scope", TokenScope::parse(&self.scope));
        let days = e.check("expires_in_days", parse_days(&self.expires_in_days));
        e.into_result(|| NewToken {
            name: name.unwrap_or_default(),
            scope: scope.unwrap_or(TokenScope::Read),
            days: days.unwrap_or(DAYS_DEFAULT),
        })
    }
}

fn parse_days(input: &str) -> Result<u32, String> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(DAYS_DEFAULT);
    }
    match t.parse::<u32>() {
        Ok(d) if (1..=DAYS_MAX).contains(&d) => Ok(d),
        _ => Err(format!(
            "Expires in \"{}\" is not a number of days from 1 to {DAYS_MAX}.",
            crate::text::shown(t)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, scope: &str, days: &str) -> TokenForm {
        TokenForm {
            name: name.into(),
            hackfest: "h".into(),
            scope: scope.into(),
            expires_in_days: days.into(),
        }
    }

    #[test]
    fn a_form_parses_with_each_field_named_on_error() {
        let t = form(" CI bot ", "write", "").parse().unwrap();
        assert_eq!(
            (t.name.as_str(), t.scope, t.days),
            ("CI bot", TokenScope::Write, 90)
        );
        let e = form("", "admin", "0").parse().unwrap_err();
        assert!(e.get("name").unwrap().contains("required"));
        assert!(e.get("scope").unwrap().contains("read, write"));
        assert!(e.get("expires_in_days").unwrap().contains("1 to 366"));
        assert!(form("x", "read", "367").parse().is_err());
        assert!(form("x", "read", "-1").parse().is_err());
        assert!(
            form("a\u{7}b", "read", "1")
                .parse()
                .unwrap_err()
                .get("name")
                .is_some()
        );
        let e = TokenForm {
            hackfest: " ".into(),
            ..form("x", "read", "1")
        }
        .parse()
        .unwrap_err();
        assert!(e.get("hackfest").is_some());
    }
}
