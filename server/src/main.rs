use clap::Parser;
use hackfest_server::config::{Cli, Command};
use hackfest_server::{startup, telemetry};

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    telemetry::init(cli.config.log_format);
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
        Command::Serve { demo } => {
            let app = startup::Application::build(cli.config, demo).await?;
            app.run_until_stopped().await
        }
    }
}
