//! Builds the running service: pool, migrations, listener, jobs, HTTP server. `serve` and
//! the test harness both start it through `Application`.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::body::EitherBody;
use actix_web::dev::{Server, ServerHandle, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::ALLOW;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{App, HttpResponse, HttpServer, ResponseError, web};
use tokio_cron_scheduler::JobScheduler;
use utoipa::OpenApi;

use crate::config::Settings;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::http::token_cache::TokenCache;
use crate::jobs::DispatcherHandle;
use crate::service::notify::MailContext;
use crate::telemetry::counters::RequestCounters;
use crate::telemetry::in_flight::InFlight;
use tokio::sync::Notify;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub tokens: Arc<TokenCache>,
    /// Wakes the outbox dispatcher when mail has been queued.
    pub outbox: Arc<Notify>,
    /// Requests counted for `/metrics`; none when `metrics.enabled` is off.
    pub counters: Option<Arc<RequestCounters>>,
    /// Requests not yet answered, which a graceful stop waits for.
    pub in_flight: Arc<InFlight>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        Self {
            counters: settings.metrics.enabled.then(Arc::default),
            db,
            settings: Arc::new(settings),
            tokens: Arc::default(),
            outbox: Arc::default(),
            in_flight: Arc::default(),
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
        tracing::info!(applied, "migrations applied");
    }
    Ok(db)
}

/// The service, built but not yet started: its database open and migrated, its address bound.
pub struct Application {
    db: Db,
    settings: Settings,
    listener: TcpListener,
    address: SocketAddr,
    sweep_schedule: bool,
    stop_on_signals: bool,
}

impl Application {
    pub fn build(settings: Settings) -> Result<Self, String> {
        let db = open_database(&settings)?;
        let listener = TcpListener::bind(&settings.server.bind)
            .map_err(|e| format!("cannot listen on {} (server.bind): {e}", settings.server.bind))?;
        let address = listener
            .local_addr()
            .map_err(|e| format!("cannot read the address bound for server.bind: {e}"))?;
        Ok(Self {
            db,
            settings,
            listener,
            address,
            sweep_schedule: true,
            stop_on_signals: false,
        })
    }

    /// The address actually bound (the port chosen when `server.bind` asks for port 0).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Links in labels and mail point at the bound address: for a service on port 0 (the
    /// tests'), whose address no configured URL can know.
    pub fn linking_to_bound_address(mut self) -> Self {
        self.settings.server.public_url = format!("http://{}", self.address);
        self
    }

    /// No sweep on the clock: the tests sweep by hand for a fixed date, so that the time
    /// of day a test runs at changes nothing. Everything else runs as in `serve`.
    pub fn without_sweep_schedule(mut self) -> Self {
        self.sweep_schedule = false;
        self
    }

    /// SIGTERM or Ctrl-C stops the service gracefully (`crate::stop`), as `serve` wants; a
    /// service inside the tests' process leaves that process's signals alone.
    pub fn stopping_on_signals(mut self) -> Self {
        self.stop_on_signals = true;
        self
    }

    /// Starts the jobs and the HTTP server on the running runtime.
    pub async fn start(self) -> Result<Running, String> {
        let state = AppState::new(self.db, self.settings);
        let dispatcher = crate::jobs::start_dispatcher(&state)?;
        let scheduler = if self.sweep_schedule {
            Some(crate::jobs::start_schedule(&state).await?)
        } else {
            None
        };
        // A second handle on the listening socket, to close it at once when asked to stop.
        let listening = match self.stop_on_signals {
            true => Some(self.listener.try_clone().map_err(|e| e.to_string())?),
            false => None,
        };
        let server = http_server(state.clone(), self.listener).map_err(|e| e.to_string())?;
        if let Some(listening) = listening {
            let (handle, in_flight) = (server.handle(), state.in_flight.clone());
            actix_web::rt::spawn(async move {
                crate::stop::requested().await;
                crate::stop::gracefully(&handle, &listening, &in_flight).await;
            });
        }
        Ok(Running {
            state,
            server,
            scheduler,
            dispatcher,
        })
    }
}

/// The started service.
pub struct Running {
    pub state: AppState,
    server: Server,
    scheduler: Option<JobScheduler>,
    dispatcher: DispatcherHandle,
}

impl Running {
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until the server is stopped; the schedule lives as long as this runs. Once the
    /// server has stopped (no longer accepting, its requests in flight answered), the
    /// dispatcher finishes the email it is sending and stops.
    pub async fn until_stopped(self) -> Result<(), String> {
        let served = self.server.await.map_err(|e| e.to_string());
        if let Some(mut scheduler) = self.scheduler {
            let _ = scheduler.shutdown().await;
        }
        self.dispatcher.stop().await;
        served
    }
}

/// Both HTTP surfaces side by side, the pages and the JSON API, with what they share: a bad
/// query or path answered as a problem, and one answer for an address nothing serves.
fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::QueryConfig::default()
            .error_handler(|err, _| AppError::invalid("query", err.to_string()).into()),
    )
    .app_data(web::PathConfig::default().error_handler(|err, _| AppError::NotFound(err.to_string()).into()))
    .configure(crate::web::routes)
    .configure(crate::api::routes)
    .configure(crate::telemetry::scrape::routes)
    .default_service(web::to(not_found));
}

pub(crate) async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound("there is nothing at this address".into()))
}

/// actix answers a method a path does not serve with an empty 405 and its `Allow` header;
/// this makes that answer a problem like every other, keeping the header.
fn method_not_allowed<B>(response: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let allow = response.headers().get(ALLOW).cloned();
    let (request, _) = response.into_parts();
    let methods = allow
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let error = AppError::MethodNotAllowed(format!(
        "{} is not served at this address; it takes {methods}",
        request.method()
    ));
    let mut answer = error.error_response();
    if let Some(allow) = allow {
        answer.headers_mut().insert(ALLOW, allow);
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(request, answer).map_body(|_, body| EitherBody::right(body)),
    ))
}

/// The OpenAPI document of the JSON API (the pages are not part of it).
fn openapi_document() -> utoipa::openapi::OpenApi {
    crate::api::openapi::ApiDoc::openapi()
}

/// The HTTP server on an already bound listener. It ignores signals: `crate::stop` stops it.
fn http_server(state: AppState, listener: TcpListener) -> std::io::Result<Server> {
    let workers = match state.settings.server.workers {
        0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
        n => n,
    };
    let data = web::Data::new(state);
    let document = web::Data::new(openapi_document());
    let server = HttpServer::new(move || {
        App::new()
            .wrap(ErrorHandlers::new().handler(StatusCode::METHOD_NOT_ALLOWED, method_not_allowed))
            .wrap(actix_web::middleware::from_fn(crate::telemetry::request::observe))
            .app_data(data.clone())
            .app_data(document.clone())
            .configure(routes)
    })
    .workers(workers)
    .disable_signals();
    Ok(server.listen(listener)?.run())
}

#[cfg(test)]
mod tests {
    use super::openapi_document;

    #[test]
    fn the_openapi_document_holds_the_api_and_not_the_pages() {
        let document = openapi_document();
        for path in ["/api/v1/items/{tag}", "/healthz"] {
            assert!(document.paths.paths.contains_key(path), "{path} missing");
        }
        for page in ["/s/{tag}", "/scan", "/desk", "/login"] {
            assert!(!document.paths.paths.contains_key(page), "{page} is a page");
        }
    }
}
