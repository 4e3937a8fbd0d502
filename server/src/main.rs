use clap::Parser;
use hackfest_server::config::{Cli, Command};
use hackfest_server::{startup, telemetry};

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    telemetry::init(cli.config.log_format);
    // Export and import: the outcome on one line, exit code 2 for any error.
    let done = match &cli.command {
        Some(Command::Export { slug, out }) => {
            Some(hackfest_server::export::export_command(&cli.config, slug, out).await)
        }
        Some(Command::Import { file }) => {
            Some(hackfest_server::export::import_command(&cli.config, file).await)
        }
        _ => None,
    };
    if let Some(done) = done {
        match done {
            Ok(m) if m.is_empty() => {}
            Ok(m) => println!("{m}"),
            Err(e) => {
                eprintln!("hackfest: {e}");
                std::process::exit(2);
            }
        }
        return;
    }
    if let Err(e) = run(cli).await {
        // One line that names the setting; no panic trace.
        eprintln!("hackfest: {e}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<(), startup::StartError> {
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Migrate => {
            startup::open_database(&cli.config).await?;
            tracing::info!("database migrated");
            Ok(())
        }
        Command::Demo => {
            let db = startup::open_database(&cli.config).await?;
            startup::load_demo(&db).await
        }
        Command::Export { .. } | Command::Import { .. } => Ok(()),
        Command::Serve { demo } => {
            let app = startup::Application::build(cli.config, demo).await?;
            app.run_until_stopped().await
        }
    }
}
