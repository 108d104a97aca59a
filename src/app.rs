//! Builds the running service: pool, migrations, HTTP server; shared by main and tests.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};

use crate::api::token_cache::TokenCache;
use crate::config::Settings;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::service::notify::MailContext;
use tokio::sync::Notify;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub tokens: Arc<TokenCache>,
    /// Wakes the outbox dispatcher when mail has been queued.
    pub outbox: Arc<Notify>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        Self {
            db,
            settings: Arc::new(settings),
            tokens: Arc::default(),
            outbox: Arc::default(),
        }
    }

    pub fn mail_context(&self) -> MailContext {
        MailContext::from_settings(&self.settings)
    }

    /// Runs blocking diesel work off the async workers.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let db = self.db.clone();
        web::block(move || db.read(f)).await?
    }

    /// Like `read`, inside one write transaction.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let db = self.db.clone();
        web::block(move || db.write(f)).await?
    }

    pub fn public_url(&self) -> String {
        self.settings.public_url().to_string()
    }
}

/// Opens the database and brings its schema up to date: every command starts here.
pub fn open_database(settings: &Settings) -> Result<Db, String> {
    std::fs::create_dir_all(&settings.server.data_dir).map_err(|e| {
        format!(
            "cannot create the data folder {}: {e}",
            settings.server.data_dir.display()
        )
    })?;
    let db = Db::open(
        &settings.database.target,
        settings.database.pool_size,
        std::time::Duration::from_millis(settings.database.busy_timeout_ms),
    )?;
    let applied = db.migrate()?;
    if applied > 0 {
        log::info!("applied {applied} migration(s)");
    }
    Ok(db)
}

/// The HTTP server on an already bound listener (port 0 in tests).
pub fn http_server(state: AppState, listener: TcpListener) -> std::io::Result<Server> {
    let workers = match state.settings.server.workers {
        0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
        n => n,
    };
    let data = web::Data::new(state);
    let server = HttpServer::new(move || App::new().app_data(data.clone()).configure(crate::api::configure))
        .workers(workers)
        .listen(listener)?
        .run();
    Ok(server)
}
