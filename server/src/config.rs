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
    /// OpenID provider (issuer URL). Without it, a development sign-in is offered on loopback addresses only.
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
    /// Proxies whose X-Forwarded-For is believed, comma-separated addresses or blocks
    /// (e.g. the OpenShift router's network, 10.128.0.0/14). Unset: none.
    #[arg(
        long,
        env = "HACKFEST_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<crate::limit::Cidr>,
    /// Folder with the built site (WASM, JS, CSS). Defaults to target/site.
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,
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

    /// Settings for tests: a fresh database, a free port.
    pub fn for_tests(database_url: String) -> Self {
        Config {
            database_url,
            addr: "127.0.0.1:0".parse().expect("valid address"),
            public_url: None,
            log_format: LogFormat::Text,
            site_root: PathBuf::from("target/site"),
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
            trusted_proxies: vec![],
        }
    }
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
    fn flags_parse() {
        let cli = Cli::try_parse_from(["hackfest", "--addr", "0.0.0.0:8080", "migrate"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Migrate)));
        assert_eq!(cli.config.addr.port(), 8080);
        let e = Cli::try_parse_from(["hackfest", "--addr", "nonsense"]).unwrap_err();
        assert!(e.to_string().contains("--addr"));
    }
}
