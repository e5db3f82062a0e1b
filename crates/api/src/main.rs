//! The `tutti` command: serve the API and the SPA, or run an administrative task.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tutti_api::config::Config;
use tutti_api::startup::Application;
use tutti_api::tasks;

#[derive(Parser)]
#[command(
    name = "tutti",
    version,
    about = "Tutti: the family portal and back office of a music and dance school"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the web app (the default).
    Serve,
    /// Run pending database migrations.
    Migrate,
    /// Create the demo site, accounts and households (idempotent) and print the logins.
    SeedDemo,
    /// Delete document files that no document names and that are more than a day old.
    SweepDocuments,
    /// Print the OpenAPI document.
    Openapi,
    /// Create a site.
    CreateSite {
        /// Short name used at login, e.g. `antenne-nord`.
        #[arg(long)]
        slug: String,
        /// Display name, e.g. "Antenne Nord".
        #[arg(long)]
        name: String,
    },
    /// Create a staff account; it sets its password through the reset link.
    CreateStaff {
        /// Slug of the site.
        #[arg(long)]
        site: String,
        /// The identifiant.
        #[arg(long)]
        login: String,
        /// Email address where the password link goes.
        #[arg(long)]
        email: String,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,actix_server=warn")),
        )
        .init();
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi = command {
        return match tutti_api::api::openapi_json() {
            Ok(json) => {
                print!("{json}");
                ExitCode::SUCCESS
            }
            Err(error) => fail(&error.to_string()),
        };
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("tutti: invalid configuration: {error}");
            return ExitCode::from(2);
        }
    };
    let outcome = match command {
        Command::Serve | Command::Openapi => serve(config),
        Command::SweepDocuments => tasks::sweep_documents(&config)
            .map(|count| println!("{count} orphan document file(s) deleted."))
            .map_err(|error| error.to_string()),
        Command::Migrate => tasks::migrate(&config).map(|()| println!("Migrations applied.")).map_err(|error| error.to_string()),
        Command::SeedDemo => seed_demo(&config),
        Command::CreateSite { slug, name } => tasks::create_site(&config, &slug, &name)
            .map(|id| println!("Site {slug:?} created (id {id})."))
            .map_err(|error| error.to_string()),
        Command::CreateStaff { site, login, email } => tasks::create_staff(&config, &site, &login, &email)
            .map(|id| {
                println!("Staff account {login:?} created (id {id}) on site {site:?}.");
                println!("To set a first password, use « Générer un nouveau mot de passe » on the login page with this identifiant and {email}.");
            })
            .map_err(|error| error.to_string()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("tutti: {message}");
    ExitCode::FAILURE
}

fn seed_demo(config: &Config) -> Result<(), String> {
    tutti_api::demo::seed_demo(config).map_err(|error| error.to_string())?;
    println!(
        "Demo data ready on site {:?} (\"Conservatoire 1\"). Logins:",
        tutti_api::demo::DEMO_SITE
    );
    for (login, password, who) in tutti_api::demo::DEMO_LOGINS {
        println!("  {login:<16} {password:<20} {who}");
    }
    Ok(())
}

fn serve(config: Config) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| error.to_string())?;
    runtime.block_on(async move {
        let bind = config.bind;
        let public_url = config.public_url.clone();
        let application = Application::build(config)
            .await
            .map_err(|error| error.to_string())?;
        tracing::info!(%bind, port = application.port(), "Tutti is listening");
        println!("Tutti is running at {public_url} (Ctrl+C to stop).");
        application
            .run_until_stopped()
            .await
            .map_err(|error| error.to_string())
    })
}
