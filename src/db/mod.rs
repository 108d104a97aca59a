//! Connections, the pool, migrations, and the queries for each table.

pub mod audit;
pub mod checks;
pub mod clients;
pub mod copy;
pub mod counters;
pub mod decontaminations;
pub mod due;
pub mod events;
pub mod examinations;
pub mod gauges;
pub mod handovers;
pub mod idempotency_keys;
pub mod item_search;
pub mod item_view;
pub mod items;
pub mod kits;
pub mod lease;
pub mod locations;
pub mod login_throttle;
pub mod notes;
pub mod notifications;
pub mod recalls;
pub mod schema;
pub mod sessions;
pub mod sign_in_links;
pub mod staff;
mod stored_text;
pub mod sweeps;
pub mod telecare;
pub mod telecare_events;
mod transaction;
pub mod types;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::{FairMutex, FairMutexGuard};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, QueryResult, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::AppError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Arbitrary but fixed: every instance takes the same advisory lock before migrating.
const MIGRATION_LOCK_KEY: i64 = 0x6571_7569_7074;

/// How long a writer waits for another to finish before the request is answered 503.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(15);

/// A health check answers within this, whatever the pool's own timeout.
const PING_TIMEOUT: Duration = Duration::from_secs(3);

/// A PostgreSQL connection not handed out for this long is asked `SELECT 1` before it is
/// handed out again: the server may have restarted meanwhile. One in steady use is not:
/// an item read is three statements, and a `SELECT 1` before each would be a fourth.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(5);

/// Ids bound in one `IN (…)` list at most: SQLite refuses a statement with more than
/// 32,766 values, and PostgreSQL more than 65,535.
const MAX_IN_LIST: usize = 10_000;

/// Runs `query` over `ids` a bounded list at a time, for lookups whose ids have no limit
/// (every item of a recall, say).
pub fn in_chunks<T, R>(ids: &[T], mut query: impl FnMut(&[T]) -> QueryResult<Vec<R>>) -> QueryResult<Vec<R>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(MAX_IN_LIST) {
        out.extend(query(chunk)?);
    }
    Ok(out)
}

/// One connection type over both backends, so every query is written once.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Runs the same expression against whichever backend a connection holds, for the few
/// queries `MultiConnection` cannot express (`RETURNING`).
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Postgres($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}

/// `url` with GSSAPI encryption off unless the URL asks for it. libpq's default (`prefer`)
/// loads Kerberos on every connection, and Kerberos aborts the process when it exits while
/// the pool is opening a connection in the background: the command line died that way.
fn without_gss(url: &str) -> String {
    if url.contains("gssencmode=") {
        return url.to_string();
    }
    let joint = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joint}gssencmode=disable")
}

/// Where the database lives, decided from the URL's scheme alone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub enum DatabaseTarget {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseTarget {
    /// `sqlite://relative/path.db`, `sqlite:///absolute/path.db`, or `postgres://…`.
    /// Anything else is refused, so a typo never becomes a stray SQLite file.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("a sqlite:// URL needs a file path, e.g. sqlite://data/equiptrack.db".into());
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_string()));
        }
        Err(format!(
            "unsupported database URL scheme in {:?}: use sqlite://PATH or postgres://USER:PASS@HOST:PORT/DB",
            redact(url)
        ))
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self, Self::Sqlite(_))
    }

    /// The URL this target was read from, for a child process's `DATABASE_URL`.
    pub fn to_url(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
            Self::Postgres(url) => url.clone(),
        }
    }
}

impl TryFrom<String> for DatabaseTarget {
    type Error = String;

    fn try_from(url: String) -> Result<Self, String> {
        Self::parse(&url)
    }
}

/// Hides a password in a URL so it can be shown in an error message.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Opens connections for the pool. `MultiConnection` would guess the backend by trying
/// each in turn; this opens exactly the one the URL's scheme named.
#[derive(Debug)]
pub struct Manager {
    target: DatabaseTarget,
    busy_timeout: Duration,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = diesel::ConnectionError;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        match &self.target {
            DatabaseTarget::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                // WAL lets readers run beside the writer; the busy timeout covers other
                // processes (the command line) writing at the same moment.
                // The busy timeout comes first: switching to WAL needs a moment alone.
                // Checkpoints are left to a background thread (see `Db::connect`) so that
                // no writer waits for one; the high automatic limit is only a backstop.
                // Reads go through a shared memory map rather than a read() per page.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                     PRAGMA wal_autocheckpoint = 20000; PRAGMA journal_size_limit = 67108864; \
                     PRAGMA mmap_size = 268435456;",
                    self.busy_timeout.as_millis()
                ))
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(conn))
            }
            DatabaseTarget::Postgres(url) => {
                Ok(DbConn::Postgres(PgConnection::establish(&without_gss(url))?))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)
    }

    /// A connection still inside a transaction (or whose transaction state is lost) would
    /// hand the next borrower someone else's uncommitted work and, on SQLite, the write
    /// lock: it is closed rather than pooled.
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

pub type PooledConn = PooledConnection<Manager>;

/// The pool, and on SQLite the lock that lets one writer in at a time: SQLite allows one
/// writer anyway, and queueing them here means none ever fails with "database is locked".
/// The lock is fair, first come first served, so no writer waits behind a stream of others.
#[derive(Clone)]
pub struct Db {
    pool: Arc<Pool<Manager>>,
    write_lock: Option<Arc<FairMutex<()>>>,
    target: Arc<DatabaseTarget>,
    busy_timeout: Duration,
}

impl Db {
    pub fn connect(target: &DatabaseTarget, max_size: u32) -> Result<Self, String> {
        Self::open(target, max_size, DEFAULT_BUSY_TIMEOUT)
    }

    /// Like `connect`, with a writer waiting at most `busy_timeout` for another.
    pub fn open(target: &DatabaseTarget, max_size: u32, busy_timeout: Duration) -> Result<Self, String> {
        if let DatabaseTarget::Sqlite(path) = target {
            ensure_parent_dir(path)?;
        }
        let pool = Pool::builder()
            .max_size(max_size)
            .min_idle(Some(1))
            // A SQLite file does not drop connections; a PostgreSQL server may restart,
            // which `get` finds out without a round trip on every checkout.
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(10))
            .build(Manager {
                target: target.clone(),
                busy_timeout,
            })
            .map_err(|e| format!("cannot open the database {}: {e}", describe(target)))?;
        let pool = Arc::new(pool);
        if target.is_sqlite() {
            spawn_checkpointer(Arc::downgrade(&pool));
        }
        Ok(Self {
            pool,
            write_lock: target.is_sqlite().then(|| Arc::new(FairMutex::new(()))),
            target: Arc::new(target.clone()),
            busy_timeout,
        })
    }

    pub fn target(&self) -> &DatabaseTarget {
        &self.target
    }

    /// The pool's connections now: (in use, idle).
    pub fn pool_counts(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections - state.idle_connections, state.idle_connections)
    }

    pub fn get(&self) -> Result<PooledConn, AppError> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| AppError::Unavailable(format!("no database connection available: {e}")))?;
        if !self.target.is_sqlite() {
            self.revive(&mut conn)?;
        }
        Ok(conn)
    }

    /// Makes sure a connection that sat idle, or whose last use failed, still answers:
    /// one that does not is replaced in its pool slot by a new one, so the request goes on.
    fn revive(&self, conn: &mut PooledConn) -> Result<(), AppError> {
        let now = Instant::now();
        // A connection just opened has no record and needs no check.
        let doubtful = PooledConnection::extensions(conn)
            .get::<LastUse>()
            .is_some_and(|u| u.failed || now.duration_since(u.at) > IDLE_BEFORE_PING);
        if doubtful && conn.batch_execute("SELECT 1").is_err() {
            mark(conn, now, true);
            **conn = self
                .manager()
                .connect()
                .map_err(|e| AppError::Unavailable(format!("cannot reconnect to the database: {e}")))?;
        }
        mark(conn, now, false);
        Ok(())
    }

    /// Runs `f` in one transaction, for every change and the history entry that records it.
    /// A writer that cannot begin within the busy timeout fails as `Unavailable`.
    pub fn write<T>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, AppError>) -> Result<T, AppError> {
        let _guard = self.lock_writer()?;
        let mut pooled = self.get()?;
        let result = transaction::write(&mut pooled, f);
        suspect_on_failure(&mut pooled, &result);
        result
    }

    /// Reads on one pooled connection, outside a transaction: each statement sees what is
    /// committed when it runs.
    pub fn read<T>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, AppError>) -> Result<T, AppError> {
        let mut conn = self.get()?;
        let result = f(&mut conn);
        suspect_on_failure(&mut conn, &result);
        result
    }

    fn manager(&self) -> Manager {
        Manager {
            target: (*self.target).clone(),
            busy_timeout: self.busy_timeout,
        }
    }

    /// The queue is bounded like SQLite's own wait: a writer behind a long one is told to
    /// come back rather than held without end.
    fn lock_writer(&self) -> Result<Option<FairMutexGuard<'_, ()>>, AppError> {
        match &self.write_lock {
            None => Ok(None),
            Some(m) => m
                .try_lock_for(self.busy_timeout)
                .map(Some)
                .ok_or_else(|| AppError::Unavailable("waited too long behind another writer".into())),
        }
    }

    /// Brings the schema up to date. On PostgreSQL under an advisory lock, so instances
    /// starting together take turns.
    pub fn migrate(&self) -> Result<usize, String> {
        let mut conn = self.get().map_err(|e| e.to_string())?;
        let applied = match &mut *conn {
            DbConn::Sqlite(c) => c
                .run_pending_migrations(SQLITE_MIGRATIONS)
                .map(|v| v.len())
                .map_err(|e| format!("migration failed: {e}"))?,
            DbConn::Postgres(c) => {
                diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
                    .execute(c)
                    .map_err(|e| format!("cannot take the migration lock: {e}"))?;
                let result = c
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|v| v.len())
                    .map_err(|e| format!("migration failed: {e}"));
                let _ =
                    diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")).execute(c);
                result?
            }
        };
        Ok(applied)
    }

    /// Answers when the database does, within a few seconds.
    pub fn ping(&self) -> Result<(), AppError> {
        let mut conn = self
            .pool
            .get_timeout(PING_TIMEOUT)
            .map_err(|e| AppError::Unavailable(format!("no database connection: {e}")))?;
        conn.batch_execute("SELECT 1")
            .map_err(|e| AppError::Unavailable(format!("the database does not answer: {e}")))
    }
}

/// When a pooled connection was last handed out, and whether its last use failed in a way
/// a lost connection would (so the next borrower has it checked first).
struct LastUse {
    at: Instant,
    failed: bool,
}

fn mark(conn: &mut PooledConn, at: Instant, failed: bool) {
    PooledConnection::extensions_mut(conn).insert(LastUse { at, failed });
}

fn suspect_on_failure<T>(conn: &mut PooledConn, result: &Result<T, AppError>) {
    if matches!(result, Err(AppError::Unavailable(_) | AppError::Internal { .. })) {
        if let Some(last) = PooledConnection::extensions_mut(conn).get_mut::<LastUse>() {
            last.failed = true;
        }
    }
}

/// Copies the SQLite write-ahead log back into the database file every half second, beside
/// the writers rather than inside one of their commits. Ends when the pool is dropped.
fn spawn_checkpointer(pool: std::sync::Weak<Pool<Manager>>) {
    let spawned = std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(500));
                let Some(pool) = pool.upgrade() else { return };
                if let Ok(mut conn) = pool.get() {
                    if let Err(e) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
                        tracing::warn!("WAL checkpoint failed: {e}");
                    }
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("no background checkpoints ({e}); SQLite will checkpoint on commit");
    }
}

fn ensure_parent_dir(path: &Path) -> Result<(), String> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create the folder {}: {e}", dir.display())),
        _ => Ok(()),
    }
}

fn describe(target: &DatabaseTarget) -> String {
    match target {
        DatabaseTarget::Sqlite(path) => format!("sqlite file {}", path.display()),
        DatabaseTarget::Postgres(url) => redact(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::TransactionManager;

    #[test]
    fn gssapi_is_off_unless_the_url_asks_for_it() {
        assert_eq!(
            without_gss("postgres://h/db"),
            "postgres://h/db?gssencmode=disable"
        );
        assert_eq!(
            without_gss("postgres://h/db?sslmode=require"),
            "postgres://h/db?sslmode=require&gssencmode=disable"
        );
        assert_eq!(
            without_gss("postgres://h/db?gssencmode=require"),
            "postgres://h/db?gssencmode=require"
        );
    }

    #[test]
    fn backend_is_chosen_by_scheme_and_others_are_refused() {
        assert_eq!(
            DatabaseTarget::parse("sqlite://data/x.db").unwrap(),
            DatabaseTarget::Sqlite("data/x.db".into())
        );
        assert_eq!(
            DatabaseTarget::parse("sqlite:///abs/x.db").unwrap(),
            DatabaseTarget::Sqlite("/abs/x.db".into())
        );
        assert!(matches!(
            DatabaseTarget::parse("postgresql://u:p@127.0.0.1/db").unwrap(),
            DatabaseTarget::Postgres(_)
        ));
        assert!(DatabaseTarget::parse("postgress://u@h/db").is_err());
        assert!(DatabaseTarget::parse("data/x.db").is_err());
        assert!(DatabaseTarget::parse("mysql://h/db").is_err());
    }

    /// No request leaves a transaction open (`Db::write` always ends it), so this is shown
    /// on the pool itself: a connection handed back mid-transaction must not be handed out
    /// again with that transaction and its write lock.
    #[test]
    fn a_connection_returned_inside_a_transaction_is_not_pooled_again() {
        let dir = tempfile::tempdir().unwrap();
        let target = DatabaseTarget::Sqlite(dir.path().join("pool.db"));
        let db = Db::open(&target, 1, Duration::from_millis(200)).unwrap();
        db.migrate().unwrap();
        {
            let mut leaked = db.get().unwrap();
            <DbConn as Connection>::TransactionManager::begin_transaction(&mut leaked).unwrap();
            leaked
                .batch_execute("INSERT INTO counters (name, value) VALUES ('leaked', 1)")
                .unwrap();
            assert!(
                Manager {
                    target: target.clone(),
                    busy_timeout: DEFAULT_BUSY_TIMEOUT
                }
                .has_broken(&mut leaked)
            );
        }
        db.write(|c| {
            c.batch_execute("INSERT INTO counters (name, value) VALUES ('kept', 1)")?;
            Ok(())
        })
        .expect("the next writer gets a connection of its own and the lock");
        let mut outside = SqliteConnection::establish(&dir.path().join("pool.db").to_string_lossy()).unwrap();
        let names: Vec<String> =
            // Only the two rows this test writes: the migrations seed counters of their own.
            diesel::sql_query("SELECT name FROM counters WHERE name IN ('leaked', 'kept') ORDER BY name")
                .load::<Name>(&mut outside)
                .unwrap()
                .into_iter()
                .map(|n| n.name)
                .collect();
        assert_eq!(
            names,
            ["kept"],
            "the leaked write was rolled back, the next one committed"
        );
    }

    #[derive(diesel::QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://h/db"), "postgres://h/db");
    }
}
