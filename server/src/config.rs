//! Settings: command-line flags, each with a matching `HACKFEST_*` environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Clone, Parser)]
#[command(
    name = "hackfest",
    version,
    about = "Run an infrastructure hackfest and publish its record."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Migrate the database and serve the app (the default).
    Serve {
        /// Load the demo hackfest first if the database holds no hackfest yet.
        #[arg(long, env = "HACKFEST_DEMO")]
        demo: bool,
    },
    /// Apply database migrations, then exit.
    Migrate,
    /// Load the demo hackfest if the database holds no hackfest yet, then exit.
    Demo,
    /// Write one hackfest as JSON (every object with its history), then exit.
    Export {
        /// The hackfest's slug.
        #[arg(long)]
        slug: String,
        /// The file to write (`-`: standard output).
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a hackfest from a JSON export (all or nothing), then exit.
    Import {
        /// The file written by `hackfest export`.
        file: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Database: `sqlite:<file>` (created if absent) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "HACKFEST_DATABASE_URL",
        default_value = "sqlite:data/hackfest.db",
        global = true
    )]
    pub database_url: String,
    /// Address to listen on.
    #[arg(
        long,
        env = "HACKFEST_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: SocketAddr,
    /// The URL people use to reach the app (default: http://<addr>).
    #[arg(long, env = "HACKFEST_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Log format.
    #[arg(long, env = "HACKFEST_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    /// The development sign-in: anyone who reaches the app picks a name and a role,
    /// admin included. For your own computer only: refused with a non-loopback
    /// `--addr`, ignored with an identity provider, refused per request through a
    /// proxy (X-Forwarded-For, Forwarded) or under a non-loopback Host. `make run` turns it on.
    #[arg(
        long,
        env = "HACKFEST_DEV_SIGN_IN",
        global = true,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub dev_sign_in: bool,
    /// OpenID provider (issuer URL). Without it (and without `--dev-sign-in`), nobody can sign in.
    #[arg(long, env = "HACKFEST_OIDC_ISSUER", global = true)]
    pub oidc_issuer: Option<String>,
    /// OAuth client id registered with the provider.
    #[arg(long, env = "HACKFEST_OIDC_CLIENT_ID", global = true)]
    pub oidc_client_id: Option<String>,
    /// OAuth client secret (never logged).
    #[arg(
        long,
        env = "HACKFEST_OIDC_CLIENT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub oidc_client_secret: Option<String>,
    /// Extra scopes beyond `openid profile email`, space- or comma-separated
    /// (Fedora: https://id.fedoraproject.org/scope/groups).
    #[arg(long, env = "HACKFEST_OIDC_SCOPES", default_value = "", global = true)]
    pub oidc_scopes: String,
    /// Claim holding the person's groups (ID token, else UserInfo).
    #[arg(
        long,
        env = "HACKFEST_OIDC_GROUPS_CLAIM",
        default_value = "groups",
        global = true
    )]
    pub oidc_groups_claim: String,
    /// Groups whose members organize every hackfest (comma-separated).
    #[arg(
        long,
        env = "HACKFEST_ORGANIZER_GROUPS",
        value_delimiter = ',',
        global = true
    )]
    pub organizer_groups: Vec<String>,
    /// Groups whose members are admins (comma-separated).
    #[arg(
        long,
        env = "HACKFEST_ADMIN_GROUPS",
        value_delimiter = ',',
        global = true
    )]
    pub admin_groups: Vec<String>,
    /// Usernames that are admins (comma-separated).
    #[arg(
        long,
        env = "HACKFEST_ADMIN_USERS",
        value_delimiter = ',',
        global = true
    )]
    pub admin_users: Vec<String>,
    /// Sign out after this many minutes without a request.
    #[arg(
        long,
        env = "HACKFEST_SESSION_IDLE_MINUTES",
        default_value_t = 480,
        global = true
    )]
    pub session_idle_minutes: u32,
    /// Sign in again after this many hours, however active.
    #[arg(
        long,
        env = "HACKFEST_SESSION_MAX_HOURS",
        default_value_t = 168,
        global = true
    )]
    pub session_max_hours: u32,
    /// Sign-in requests allowed per minute from one address (then 429).
    #[arg(
        long,
        env = "HACKFEST_SIGN_IN_PER_MINUTE",
        default_value_t = 60,
        global = true
    )]
    pub sign_in_per_minute: u32,
    /// Changes (mutating server functions) allowed per minute from one address (then 429).
    #[arg(
        long,
        env = "HACKFEST_CHANGES_PER_MINUTE",
        default_value_t = 600,
        global = true
    )]
    pub changes_per_minute: u32,
    /// Message broker for bus messages (fedora-messaging wire format), e.g.
    /// `amqp://user:password@host:5672/%2F` or `amqps://…`. Without it, messages are
    /// kept and served only by the app's event feed (`/api/events`).
    #[arg(long, env = "HACKFEST_AMQP_URL", global = true, hide_env_values = true)]
    pub amqp_url: Option<String>,
    /// Exchange to publish to (a topic exchange).
    #[arg(
        long,
        env = "HACKFEST_AMQP_EXCHANGE",
        default_value = "amq.topic",
        global = true
    )]
    pub amqp_exchange: String,
    /// Put before every topic, e.g. `org.fedoraproject.prod` gives routing keys like
    /// `org.fedoraproject.prod.hackfest.goal.update`. Empty: the bare topic.
    #[arg(long, env = "HACKFEST_TOPIC_PREFIX", default_value = "", global = true)]
    pub topic_prefix: String,
    /// How long messages stay in the event feed: e.g. `14d`, `36h`, `90m`. Messages
    /// not yet confirmed by a configured broker are kept regardless.
    #[arg(
        long,
        env = "HACKFEST_EVENTS_RETENTION",
        default_value = "14d",
        global = true
    )]
    pub events_retention: String,
    /// Proxies whose X-Forwarded-For is believed, comma-separated addresses or blocks
    /// (e.g. the OpenShift router's network, 10.128.0.0/14). Unset: none.
    #[arg(
        long,
        env = "HACKFEST_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<crate::limit::Cidr>,
    /// Addresses webhooks may reach although they are private or local, comma-separated
    /// addresses or blocks (e.g. an internal CI at 10.3.0.0/16). Unset: public only.
    #[arg(
        long,
        env = "HACKFEST_WEBHOOK_ALLOW",
        value_delimiter = ',',
        global = true
    )]
    pub webhook_allow: Vec<crate::limit::Cidr>,
    /// Waits before each retry of a webhook that was not delivered (comma-separated:
    /// ms, s, m, h, d); after the last, it is given up.
    #[arg(
        long,
        env = "HACKFEST_WEBHOOK_RETRIES",
        default_value = crate::webhooks::RETRIES,
        global = true
    )]
    pub webhook_retries: String,
    /// Send webhooks from this instance (`false`: another instance or nobody does;
    /// endpoints and deliveries are kept).
    #[arg(
        long,
        env = "HACKFEST_WEBHOOKS",
        default_value_t = true,
        action = clap::ArgAction::Set,
        global = true,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub webhooks: bool,
    /// Bearer token for `GET /metrics` (then `Authorization: Bearer <token>`; others
    /// get 401). Unset: /metrics is open. Never logged.
    #[arg(
        long,
        env = "HACKFEST_METRICS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,
    /// `/readyz` reports the database, outbox backlog and broker state to everyone.
    /// Off: only `{"status": …}`, unless the request carries the metrics token.
    #[arg(
        long,
        env = "HACKFEST_READYZ_DETAILS",
        global = true,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub readyz_details: bool,
    /// Folder with the built site (WASM, JS, CSS). Defaults to target/site.
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,
    /// Live-update streams (server-sent events) one client address may hold open at
    /// once; the next gets 429 until one closes.
    #[arg(
        long,
        env = "HACKFEST_LIVE_PER_CLIENT",
        default_value_t = 8,
        global = true
    )]
    pub live_per_client: u32,
    /// Every this many minutes, each hackfest day that has ended (in the hackfest's
    /// time zone) and has no summary yet gets a draft drafted from its record. 0: never.
    #[arg(
        long,
        env = "HACKFEST_SUMMARY_DRAFT_MINUTES",
        default_value_t = 5,
        global = true
    )]
    pub summary_draft_minutes: u32,
}

impl Config {
    /// The public URL without a trailing slash.
    pub fn public_url(&self) -> Result<String, String> {
        let url = match &self.public_url {
            Some(u) => u.trim().trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.addr),
        };
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| {
                format!("HACKFEST_PUBLIC_URL: \"{url}\" must start with http:// or https://")
            })?;
        if rest.is_empty() || rest.contains(['?', '#', ' ']) {
            return Err(format!(
                "HACKFEST_PUBLIC_URL: \"{url}\" is not a valid origin such as https://hackfest.example.org"
            ));
        }
        Ok(url)
    }

    /// The OIDC settings, when an issuer is configured; each missing piece is named.
    pub fn oidc(&self, public_url: &str) -> Result<Option<crate::auth::OidcSettings>, String> {
        let Some(issuer) = self
            .oidc_issuer
            .as_deref()
            .map(str::trim)
            .filter(|i| !i.is_empty())
        else {
            return Ok(None);
        };
        let need = |v: &Option<String>, name: &str| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| format!("{name} is required when HACKFEST_OIDC_ISSUER is set"))
        };
        Ok(Some(crate::auth::OidcSettings {
            // Exactly as configured: discovery must return this very string (Ipsilon's ends in '/').
            issuer: issuer.to_owned(),
            client_id: need(&self.oidc_client_id, "HACKFEST_OIDC_CLIENT_ID")?,
            client_secret: need(&self.oidc_client_secret, "HACKFEST_OIDC_CLIENT_SECRET")?,
            redirect_url: format!("{public_url}/auth/callback"),
            extra_scopes: self
                .oidc_scopes
                .split([' ', ','])
                .filter(|s| !s.is_empty() && *s != "openid" && *s != "profile" && *s != "email")
                .map(str::to_owned)
                .collect(),
            groups_claim: self.oidc_groups_claim.clone(),
        }))
    }

    /// The metrics token, if set: printable ASCII without spaces (it travels in a header).
    pub fn metrics_token(&self) -> Result<Option<String>, String> {
        match self.metrics_token.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) if t.bytes().all(|b| b.is_ascii_graphic()) => Ok(Some(t.to_owned())),
            Some(_) => Err(
                "HACKFEST_METRICS_TOKEN: use printable ASCII without spaces (letters, digits, punctuation)"
                    .into(),
            ),
        }
    }

    /// Settings for tests: a fresh database, a free port.
    pub fn for_tests(database_url: String) -> Self {
        Config {
            database_url,
            addr: "127.0.0.1:0".parse().expect("valid address"),
            public_url: None,
            log_format: LogFormat::Text,
            site_root: PathBuf::from("target/site"),
            // Tests sign in through the development sign-in (they listen on loopback)
            // and read the outbox report of /readyz.
            dev_sign_in: true,
            metrics_token: None,
            readyz_details: true,
            oidc_issuer: None,
            oidc_client_id: None,
            oidc_client_secret: None,
            oidc_scopes: String::new(),
            oidc_groups_claim: "groups".into(),
            organizer_groups: vec![],
            admin_groups: vec![],
            admin_users: vec![],
            session_idle_minutes: 480,
            session_max_hours: 168,
            sign_in_per_minute: 60,
            changes_per_minute: 600,
            amqp_url: None,
            amqp_exchange: "amq.topic".into(),
            topic_prefix: String::new(),
            events_retention: "14d".into(),
            trusted_proxies: vec![],
            webhook_allow: vec![],
            webhook_retries: crate::webhooks::RETRIES.into(),
            webhooks: true,
            live_per_client: 8,
            // Tests draft summaries themselves, when they want them.
            summary_draft_minutes: 0,
        }
    }

    /// The bus settings, checked; each error names its setting.
    pub fn bus(&self, public_url: &str) -> Result<crate::bus::BusSettings, String> {
        let amqp_url = match self.amqp_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(u) => {
                let redacted = domain::db::redact_url(u);
                if !(u.starts_with("amqp://") || u.starts_with("amqps://")) {
                    return Err(format!(
                        "HACKFEST_AMQP_URL: \"{redacted}\" must start with amqp:// or amqps://"
                    ));
                }
                u.parse::<lapin::uri::AMQPUri>().map_err(|e| {
                    format!("HACKFEST_AMQP_URL: \"{redacted}\" is not a valid AMQP URL: {e}")
                })?;
                Some(u.to_owned())
            }
        };
        let exchange = self.amqp_exchange.trim();
        if exchange.is_empty()
            || exchange.len() > 127
            || !exchange
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        {
            return Err(format!(
                "HACKFEST_AMQP_EXCHANGE: \"{exchange}\" is not an exchange name (letters, digits, - _ . :, at most 127)"
            ));
        }
        let prefix = self.topic_prefix.trim();
        if !prefix.is_empty()
            && (prefix.len() > 200
                || prefix.split('.').any(|w| {
                    w.is_empty()
                        || !w
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
                }))
        {
            return Err(format!(
                "HACKFEST_TOPIC_PREFIX: \"{prefix}\" must be dot-separated words of letters, digits, - and _ (e.g. org.fedoraproject.prod)"
            ));
        }
        Ok(crate::bus::BusSettings {
            amqp_url,
            exchange: exchange.to_owned(),
            topic_prefix: prefix.to_owned(),
            public_url: public_url.to_owned(),
            retention: parse_duration(&self.events_retention).map_err(|m| {
                format!(
                    "HACKFEST_EVENTS_RETENTION: \"{}\" {m}",
                    self.events_retention
                )
            })?,
        })
    }
}

/// `14d`, `36h`, `90m`, `30s` → a duration of at least one second.
fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = n
        .parse()
        .map_err(|_| "is not a duration such as 14d, 36h, 90m or 30s".to_string())?;
    let secs = match unit {
        "d" => n.checked_mul(86_400),
        "h" => n.checked_mul(3_600),
        "m" => n.checked_mul(60),
        "s" => Some(n),
        _ => return Err("is not a duration such as 14d, 36h, 90m or 30s".into()),
    }
    .filter(|s| (1..=100 * 365 * 86_400).contains(s))
    .ok_or_else(|| "must be between 1s and 100 years".to_string())?;
    Ok(std::time::Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_rules() {
        let mut c = Config::for_tests("sqlite::memory:".into());
        c.public_url = Some("https://hackfest.example.org/".into());
        assert_eq!(c.public_url().unwrap(), "https://hackfest.example.org");
        c.public_url = Some("ftp://x".into());
        assert!(
            c.public_url()
                .unwrap_err()
                .starts_with("HACKFEST_PUBLIC_URL")
        );
        c.public_url = None;
        assert_eq!(c.public_url().unwrap(), "http://127.0.0.1:0");
    }

    #[test]
    fn bus_settings_name_the_setting() {
        let mut c = Config::for_tests("sqlite::memory:".into());
        let b = c.bus("http://x").unwrap();
        assert!(b.amqp_url.is_none());
        assert_eq!(b.exchange, "amq.topic");
        assert_eq!(b.retention.as_secs(), 14 * 86_400);
        for (edit, name) in [
            (
                (|c: &mut Config| c.amqp_url = Some("http://broker".into())) as fn(&mut Config),
                "HACKFEST_AMQP_URL",
            ),
            (
                |c: &mut Config| c.amqp_url = Some("amqp://u:pw@host:notaport/".into()),
                "HACKFEST_AMQP_URL",
            ),
            (
                |c: &mut Config| c.amqp_exchange = "bad exchange".into(),
                "HACKFEST_AMQP_EXCHANGE",
            ),
            (
                |c: &mut Config| c.topic_prefix = "org..prod".into(),
                "HACKFEST_TOPIC_PREFIX",
            ),
            (
                |c: &mut Config| c.topic_prefix = "org.#".into(),
                "HACKFEST_TOPIC_PREFIX",
            ),
            (
                |c: &mut Config| c.events_retention = "soon".into(),
                "HACKFEST_EVENTS_RETENTION",
            ),
            (
                |c: &mut Config| c.events_retention = "0d".into(),
                "HACKFEST_EVENTS_RETENTION",
            ),
        ] {
            let mut c = Config::for_tests("sqlite::memory:".into());
            edit(&mut c);
            let e = c.bus("http://x").unwrap_err();
            assert!(e.starts_with(name), "{e}");
            assert!(!e.contains("pw"), "the password is not shown: {e}");
        }
        c.amqp_url = Some("amqps://u:pw@broker.example.org/%2F".into());
        c.topic_prefix = "org.fedoraproject.prod".into();
        c.events_retention = "36h".into();
        let b = c.bus("http://x").unwrap();
        assert_eq!(b.retention.as_secs(), 36 * 3600);
        assert_eq!(
            b.routing_key("hackfest.goal.new"),
            "org.fedoraproject.prod.hackfest.goal.new"
        );
    }

    #[test]
    fn metrics_token_is_checked_and_never_shown() {
        let mut c = Config::for_tests("sqlite::memory:".into());
        assert_eq!(c.metrics_token().unwrap(), None);
        c.metrics_token = Some("  ".into());
        assert_eq!(c.metrics_token().unwrap(), None);
        c.metrics_token = Some(" s3cret-Token_1 ".into());
        assert_eq!(
            c.metrics_token().unwrap().as_deref(),
            Some("s3cret-Token_1")
        );
        c.metrics_token = Some("two words\n".into());
        let e = c.metrics_token().unwrap_err();
        assert!(e.starts_with("HACKFEST_METRICS_TOKEN"), "{e}");
        assert!(!e.contains("two words"), "the value is not shown: {e}");
    }

    #[test]
    fn dev_sign_in_and_readyz_details_are_off_unless_asked_for() {
        let cli = Cli::try_parse_from(["hackfest", "serve"]).unwrap();
        assert!(
            !cli.config.dev_sign_in,
            "plain `hackfest serve` has no dev sign-in"
        );
        assert!(!cli.config.readyz_details);
        assert!(cli.config.metrics_token.is_none());
        let cli = Cli::try_parse_from(["hackfest", "serve", "--demo", "--dev-sign-in"]).unwrap();
        assert!(cli.config.dev_sign_in);
        assert!(matches!(cli.command, Some(Command::Serve { demo: true })));
    }

    #[test]
    fn flags_parse() {
        let cli = Cli::try_parse_from(["hackfest", "--addr", "0.0.0.0:8080", "migrate"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Migrate)));
        assert_eq!(cli.config.addr.port(), 8080);
        let e = Cli::try_parse_from(["hackfest", "--addr", "nonsense"]).unwrap_err();
        assert!(e.to_string().contains("--addr"));
    }
}
