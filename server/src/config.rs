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

    /// Settings for tests: a fresh database, a free port.
    pub fn for_tests(database_url: String) -> Self {
        Config {
            database_url,
            addr: "127.0.0.1:0".parse().expect("valid address"),
            public_url: None,
            log_format: LogFormat::Text,
            site_root: PathBuf::from("target/site"),
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
