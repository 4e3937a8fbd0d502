use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;
use crate::text::optional_line;

pub const URL_MAX: usize = 2_000;
pub const DESCRIPTION_MAX: usize = 200;
pub const TOPICS_MAX: usize = 50;
/// Endpoints one hackfest may have.
pub const ENDPOINTS_MAX: i64 = 20;

/// A registered endpoint, as the organizers' page shows it (never its secret).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    pub id: Uuid,
    pub url: String,
    /// Topic patterns; empty means every topic.
    pub topics: Vec<String>,
    pub description: String,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// One message to one endpoint, and how its sending went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: Uuid,
    pub endpoint_id: Uuid,
    /// `webhook-id`: the same on every attempt and replay.
    pub webhook_id: String,
    pub topic: String,
    /// `pending`, `delivered`, `failed` (gave up) or `cancelled` (endpoint disabled).
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// The register form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointForm {
    #[serde(default)]
    pub url: String,
    /// Patterns, one per line or separated by commas or spaces.
    #[serde(default)]
    pub topics: String,
    #[serde(default)]
    pub description: String,
}

/// The form, parsed (the URL's reachability is the server's check).
#[derive(Clone, Debug, PartialEq)]
pub struct NewEndpoint {
    pub url: String,
    pub topics: Vec<String>,
    pub description: String,
}

/// A topic pattern: `hackfest.goal.update`, or a prefix ending in `*`
/// (`hackfest.goal.*`, `*`).
pub fn parse_topic(p: &str) -> Result<String, String> {
    let (stem, star) = match p.strip_suffix('*') {
        Some(s) => (s, true),
        None => (p, false),
    };
    let ok = stem.len() <= 200
        && stem
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        && (star || !stem.is_empty());
    let known = crate::outbox::TOPICS
        .iter()
        .any(|t| if star { t.starts_with(stem) } else { *t == p });
    if ok && known {
        Ok(p.to_owned())
    } else if ok {
        Err(format!(
            "Topics: no topic is \"{}\"; topics are such as hackfest.goal.new, hackfest.decision.agreed (the bus's list).",
            crate::text::shown_up_to(p, 60)
        ))
    } else {
        Err(format!(
            "Topics: \"{}\" is not a topic (such as hackfest.goal.update) or a prefix ending in * (hackfest.goal.*).",
            crate::text::shown_up_to(p, 60)
        ))
    }
}

/// Whether `topic` is one `patterns` asks for (no patterns: every topic).
pub fn wants(patterns: &[String], topic: &str) -> bool {
    patterns.is_empty()
        || patterns.iter().any(|p| match p.strip_suffix('*') {
            Some(prefix) => topic.starts_with(prefix),
            None => p == topic,
        })
}

impl EndpointForm {
    pub fn parse(&self) -> Result<NewEndpoint, FieldErrors> {
        let mut e = FieldErrors::new();
        let url = self.url.trim();
        if url.is_empty() {
            e.add("url", "URL is required.");
        } else if url.chars().count() > URL_MAX {
            e.add(
                "url",
                format!("URL is too long: at most {URL_MAX} characters."),
            );
        } else if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
            e.add("url", "URL contains spaces or control characters.");
        }
        let mut topics = Vec::new();
        for p in self
            .topics
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
        {
            match parse_topic(p) {
                Ok(t) if !topics.contains(&t) => topics.push(t),
                Ok(_) => {}
                Err(m) => {
                    e.add("topics", m);
                    break;
                }
            }
        }
        if topics.len() > TOPICS_MAX {
            e.add("topics", format!("Topics: at most {TOPICS_MAX} patterns."));
        }
        let description = e.check(
            "description",
            optional_line(&self.description, "Description", DESCRIPTION_MAX),
        );
        e.into_result(|| NewEndpoint {
            url: url.to_owned(),
            topics,
            description: description.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_parse_and_match() {
        let f = EndpointForm {
            url: "https://ci.example.org/hook".into(),
            topics: "hackfest.goal.*, hackfest.decision.new\nhackfest.goal.*".into(),
            description: "CI".into(),
        };
        let n = f.parse().unwrap();
        assert_eq!(n.topics, ["hackfest.goal.*", "hackfest.decision.new"]);
        assert!(wants(&n.topics, "hackfest.goal.update"));
        assert!(wants(&n.topics, "hackfest.decision.new"));
        assert!(!wants(&n.topics, "hackfest.decision.update"));
        let f2 = EndpointForm {
            topics: "hackfest.goal.create".into(),
            ..f.clone()
        };
        assert!(
            f2.parse()
                .unwrap_err()
                .get("topics")
                .unwrap()
                .contains("no topic")
        );
        assert!(wants(&[], "anything"));
        assert!(wants(&["*".into()], "anything"));
        for bad in ["Hackfest.Goal", "goal.**", "a b/c", "*x"] {
            let f = EndpointForm {
                topics: bad.into(),
                ..f.clone()
            };
            assert!(f.parse().unwrap_err().get("topics").is_some(), "{bad}");
        }
        let e = EndpointForm {
            url: " ".into(),
            ..f.clone()
        }
        .parse()
        .unwrap_err();
        assert!(e.get("url").is_some());
        let e = EndpointForm {
            url: "http://a b".into(),
            ..f
        }
        .parse()
        .unwrap_err();
        assert!(e.get("url").unwrap().contains("spaces"));
    }
}
