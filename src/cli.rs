//! The command line: serve, migrate, user add and invite, import items, catalogue starter,
//! backup, copy.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::{self, Application};
use crate::config::Settings;
use crate::db::{DatabaseTarget, Db};
use crate::domain::validate;
use crate::jobs;
use crate::service::{import, sign_in, staff, starter};

#[derive(Debug, Parser)]
#[command(name = "equiptrack", version, about = "Equipment and telecare register")]
pub struct Cli {
    /// A local settings file layered over config/default.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the service (the default).
    Serve,
    /// Bring the database schema up to date and stop.
    Migrate,
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Bulk imports of items and clients from CSV files.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// The catalogue of equipment types.
    Catalogue {
        #[command(subcommand)]
        command: CatalogueCommand,
    },
    /// Copy the SQLite database to FILE while the service runs.
    Backup { file: PathBuf },
    /// Copy everything into an empty database of the other backend (SQLite to PostgreSQL or
    /// back), then count each table at both ends.
    Copy {
        /// The target: postgres://USER:PASS@HOST:PORT/DB or sqlite://PATH.
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Safety-check reminders.
    Reminders {
        #[command(subcommand)]
        command: RemindersCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum RemindersCommand {
    /// Run one sweep and send what is queued (for an outside cron, and for tests).
    Run {
        /// The day to sweep for, YYYY-MM-DD (default: today in reminders.timezone).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account; prints its API token alone on the last line.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, stores, worker or viewer.
        #[arg(long)]
        role: String,
        /// Read a password for the web pages from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// A one-time link to set a password and sign in, for a new person (created with the
    /// role) or an existing one; printed alone on the last line.
    Invite {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, stores, worker or viewer (for a new account).
        #[arg(long)]
        role: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CatalogueCommand {
    /// Add the starter catalogue's types (with their check rules), skipping codes that exist.
    Starter,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import items from a CSV file: type and optionally asset_tag, serial_number, batch,
    /// location, status, client_reference, fitted_at, worker_email, manufactured_on and
    /// last_check:<rule name> (see README).
    Items { file: PathBuf },
    /// Import clients from a CSV file: reference,name,address,postcode[,phone].
    Clients { file: PathBuf },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("equiptrack: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let settings = Settings::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
    crate::telemetry::logs::init(&settings.log)?;
    // Every command opens the database, which brings its schema up to date first.
    let open = || app::open_database(&settings);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Migrate => {
            open()?;
            println!("the database schema is up to date");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    password_stdin,
                },
        } => {
            let password = if password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let created = open()?
                .write(|c| {
                    let created = staff::create_account(c, &email, &name, &role, password.as_deref())?;
                    crate::service::audit::staff_created(c, None, &created)?;
                    Ok(created)
                })
                .map_err(|e| describe(&e))?;
            println!(
                "created {} <{}> with the role {}",
                created.name, created.email, created.role
            );
            println!("{}", created.token.unwrap_or_default());
            Ok(())
        }
        Command::User {
            command: UserCommand::Invite { email, name, role },
        } => invite(&settings, &open()?, &email, &name, &role),
        Command::Import {
            command: ImportCommand::Items { file },
        } => import_file(&settings, &open()?, &file),
        Command::Import {
            command: ImportCommand::Clients { file },
        } => import_clients(&open()?, &file),
        Command::Catalogue {
            command: CatalogueCommand::Starter,
        } => load_starter(&open()?),
        Command::Backup { file } => backup(&open()?, &file),
        Command::Copy { to } => copy(&open()?, &to),
        Command::Reminders {
            command: RemindersCommand::Run { as_of },
        } => {
            let db = open()?;
            run_reminders(settings, db, as_of)
        }
    }
}

fn serve(settings: Settings) -> Result<(), String> {
    let application = Application::build(settings)?.stopping_on_signals();
    bootstrap_admin(application.settings(), application.db())?;
    if application.settings().service.starter_catalogue {
        starter_on_first_start(application.db())?;
    }
    tracing::info!(address = %application.address(), "listening");
    actix_web::rt::System::new().block_on(async move { application.start().await?.until_stopped().await })
}

fn run_reminders(settings: Settings, db: Db, as_of: Option<String>) -> Result<(), String> {
    let as_of = match as_of {
        Some(raw) => {
            validate::date(&raw).map_err(|_| format!("--as-of {raw:?} is not a date: use YYYY-MM-DD"))?
        }
        None => crate::service::today_in(settings.reminders.timezone),
    };
    let settings = std::sync::Arc::new(settings);
    let summary = jobs::sweep::sweep(&db, &settings, as_of).map_err(|e| describe(&e))?;
    println!(
        "swept {as_of}: {} checks due, {} digests, {} newly queued{}",
        summary.due_checks,
        summary.digests,
        summary.queued,
        if summary.skipped {
            " (another instance was sweeping)"
        } else {
            ""
        }
    );
    if let Some(id) = summary.sweep_id {
        use crate::domain::states::SweepOutcome;
        let outcome = if summary.skipped {
            SweepOutcome::Skipped
        } else {
            SweepOutcome::Ok
        };
        println!("recorded as sweep {id}: {outcome} (GET /api/v1/sweeps lists them)");
    }
    let dispatcher = jobs::dispatch::Dispatcher::new(db, settings)?;
    let sent = actix_web::rt::System::new()
        .block_on(dispatcher.dispatch_once())
        .map_err(|e| describe(&e))?;
    println!(
        "sent {}, retrying later {}, failed {}",
        sent.sent, sent.retrying, sent.failed
    );
    Ok(())
}

/// On the first start with no staff, the configured admin is created and its token shown once.
fn bootstrap_admin(settings: &Settings, db: &Db) -> Result<(), String> {
    let email = settings.service.admin_email.clone();
    let public_url = settings.public_url().to_string();
    let created = db
        .write(|c| {
            if crate::db::staff::count(c)? > 0 {
                return Ok(None);
            }
            let admin = staff::create_account(c, &email, "Administrator", "admin", None)?;
            crate::service::audit::staff_created(c, None, &admin)?;
            let row = crate::db::staff::get(c, admin.id)?
                .ok_or_else(|| crate::error::AppError::NotFound("the new admin".into()))?;
            let link = sign_in::link::issue(c, &row, &public_url)?;
            Ok(Some((admin, link)))
        })
        .map_err(|e| describe(&e))?;
    if let Some((admin, link)) = created {
        println!("created the first admin, {}.", admin.email);
        println!("Their API token, shown only this once:");
        println!("{}", admin.token.unwrap_or_default());
        println!(
            "To sign in to the web pages, open this link within {} hours and choose a password \
             (it works once; `equiptrack user invite` makes another):",
            sign_in::link::LINK_HOURS
        );
        println!("{}", link.url);
    }
    Ok(())
}

/// A start that finds no equipment types at all loads the starter catalogue, and says so in
/// one log line (types only: nothing about anyone).
fn starter_on_first_start(db: &Db) -> Result<(), String> {
    let loaded = db.write(starter::load_into_empty).map_err(|e| describe(&e))?;
    if let Some(loaded) = loaded {
        tracing::info!(
            types = loaded.added.len(),
            "loaded the starter catalogue into the empty catalogue (service.starter_catalogue = false stops this)"
        );
    }
    Ok(())
}

/// `catalogue starter`: every starter type whose code is free, in one transaction; each added
/// type with its rules, then each code skipped, then the counts.
fn load_starter(db: &Db) -> Result<(), String> {
    let loaded = db.write(starter::load).map_err(|e| describe(&e))?;
    for t in &loaded.added {
        let rules: Vec<String> = t
            .check_rules
            .iter()
            .map(|r| format!("{} every {} days", r.name, r.interval_days))
            .collect();
        println!("added {} ({}): {}", t.code, t.name, rules.join(", "));
    }
    for code in &loaded.skipped {
        println!("skipped {code}: a type with this code exists and is left as it is");
    }
    println!(
        "the starter catalogue: {} types added, {} skipped",
        loaded.added.len(),
        loaded.skipped.len()
    );
    Ok(())
}

/// `user invite`: the person named by the address (created with `role` if new) and a
/// one-time sign-in link for them, alone on the last line.
fn invite(settings: &Settings, db: &Db, email: &str, name: &str, role: &str) -> Result<(), String> {
    let public_url = settings.public_url().to_string();
    let (staff, created, link) = db
        .write(|c| {
            let existing = crate::db::staff::by_email(c, &validate::canonical_email(email))?;
            let (staff, created) = match existing {
                Some(staff) => (staff, false),
                None => {
                    let view = staff::create_account(c, email, name, role, None)?;
                    crate::service::audit::staff_created(c, None, &view)?;
                    let staff = crate::db::staff::get(c, view.id)?
                        .ok_or_else(|| crate::error::AppError::NotFound("the new account".into()))?;
                    (staff, true)
                }
            };
            let link = sign_in::link::issue(c, &staff, &public_url)?;
            let details = serde_json::json!({ "emailed": false, "through": "command_line" });
            crate::service::audit::record(
                c,
                None,
                "staff_sign_in_link_issued",
                crate::service::audit::Subject::Staff(staff.id),
                details,
            )?;
            Ok((staff, created, link))
        })
        .map_err(|e| describe(&e))?;
    if created {
        println!(
            "created {} <{}> with the role {}",
            staff.name, staff.email, staff.role
        );
    } else {
        println!(
            "{} <{}> already has an account (role {}); a new link replaces any earlier one",
            staff.name, staff.email, staff.role
        );
    }
    println!(
        "A one-time link to choose a password and sign in, valid for {} hours:",
        sign_in::link::LINK_HOURS
    );
    println!("{}", link.url);
    Ok(())
}

fn read_password() -> Result<String, String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read the password: {e}"))?;
    let password = text.lines().next().unwrap_or("").to_string();
    if password.is_empty() {
        return Err("no password on standard input".into());
    }
    Ok(password)
}

fn import_file(settings: &Settings, db: &Db, file: &Path) -> Result<(), String> {
    let opened = std::fs::File::open(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let source = format!("{} (command line)", file.display());
    let req = import::Request {
        actor_id: None,
        source: &source,
        prefix: &settings.service.asset_tag_prefix,
    };
    let started = std::time::Instant::now();
    let summary = import::import_items(db, opened, &req).map_err(|e| describe(&e))?;
    println!(
        "imported {} items ({} with generated tags) in {:.1} s",
        summary.imported,
        summary.generated_tags,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn import_clients(db: &Db, file: &Path) -> Result<(), String> {
    let opened = std::fs::File::open(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let started = std::time::Instant::now();
    let summary = import::clients::import_clients(db, opened).map_err(|e| describe(&e))?;
    println!(
        "imported {} clients in {:.1} s",
        summary.created,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn copy(db: &Db, to: &str) -> Result<(), String> {
    let target = DatabaseTarget::parse(to).map_err(|e| format!("--to: {e}"))?;
    let started = std::time::Instant::now();
    let copied = crate::db::copy::copy(db, &target)?;
    for (table, rows) in &copied.tables {
        println!("{table}: {rows} rows copied and counted");
    }
    for (table, why) in &copied.skipped {
        println!("{table}: not copied ({why})");
    }
    println!(
        "copied into {} in {:.1} s; point database.url at it and start the service",
        crate::db::redact(to),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn backup(db: &Db, file: &Path) -> Result<(), String> {
    if !matches!(db.target(), DatabaseTarget::Sqlite(_)) {
        return Err("backup copies the SQLite file; for PostgreSQL use pg_dump".into());
    }
    if file.exists() {
        return Err(format!("{} already exists; choose a new file", file.display()));
    }
    let path = file.to_string_lossy().replace('\'', "''");
    db.read(|c| {
        use diesel::connection::SimpleConnection;
        c.batch_execute(&format!("VACUUM INTO '{path}'"))
            .map_err(Into::into)
    })
    .map_err(|e| describe(&e))?;
    println!("backed up to {}", file.display());
    Ok(())
}

/// The error as a person at a terminal should read it, every invalid field on its own line;
/// the one place the command line reports an error, so the one place it logs it.
fn describe(e: &crate::error::AppError) -> String {
    e.log();
    e.for_people("\n")
}
