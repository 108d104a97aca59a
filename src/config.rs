//! Settings: the embedded `config/default.toml`, then an optional file, then environment
//! variables, validated before anything starts.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;
use toml::{Table, Value};

use crate::db::DatabaseTarget;
use crate::web::proxies::TrustedProxies;

/// Every key with its working default, compiled in so the binary runs from any folder.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

const ENV_PREFIX: &str = "EQUIPTRACK__";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub mail: MailSettings,
    pub reminders: ReminderSettings,
    pub service: ServiceSettings,
    pub log: LogSettings,
    pub metrics: MetricsSettings,
    pub telecare: TelecareSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// Address and port to listen on.
    pub bind: String,
    /// What QR codes and emails link to.
    pub public_url: String,
    /// SQLite file, outbox `.eml` files, backups.
    pub data_dir: PathBuf,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// Reverse proxies whose `X-Forwarded-For` is believed for the sign-in throttle;
    /// empty means none (the peer address is the client).
    pub trusted_proxies: TrustedProxies,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://PATH` or `postgres://…`; any other scheme is refused.
    #[serde(rename = "url")]
    pub target: DatabaseTarget,
    /// Most connections the pool keeps open.
    pub pool_size: u32,
    /// Milliseconds a writer waits for another (another process on the SQLite file, say)
    /// before the request is answered 503.
    pub busy_timeout_ms: u64,
}

impl std::fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &crate::db::redact(&self.target.to_url()))
            .field("pool_size", &self.pool_size)
            .field("busy_timeout_ms", &self.busy_timeout_ms)
            .finish()
    }
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    pub transport: MailTransport,
    /// Sender of every email.
    pub from: String,
    /// Escalations, unassigned items, recalls.
    pub stores_address: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_security: SmtpSecurity,
    pub smtp_username: String,
    pub smtp_password: String,
    /// Seconds to wait for the mail server.
    pub timeout_seconds: u64,
    /// The dispatcher looks for mail at least this often.
    pub dispatch_interval_seconds: u64,
    /// First retry delay; doubles per attempt up to `retry_max_seconds`.
    pub retry_base_seconds: u64,
    pub retry_max_seconds: u64,
    /// Attempts before a message is marked failed.
    pub max_attempts: u32,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("transport", &self.transport)
            .field("from", &self.from)
            .field("stores_address", &self.stores_address)
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_security", &self.smtp_security)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &"***")
            .field("timeout_seconds", &self.timeout_seconds)
            .field("dispatch_interval_seconds", &self.dispatch_interval_seconds)
            .field("retry_base_seconds", &self.retry_base_seconds)
            .field("retry_max_seconds", &self.retry_max_seconds)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReminderSettings {
    /// Cron, seconds first.
    pub schedule: String,
    /// Time zone the schedule is read in (IANA, such as Europe/London).
    #[serde(deserialize_with = "time_zone")]
    pub timezone: chrono_tz::Tz,
    /// Days ahead that count as "due soon" for a check rule without its own `lead_days`.
    pub lead_days: u32,
    /// Days overdue after which stores are told too.
    pub escalate_after_days: u32,
    /// A failed sweep is tried again after this many seconds, doubling each time up to
    /// `retry_max_seconds`, until it succeeds that day.
    pub retry_base_seconds: u64,
    pub retry_max_seconds: u64,
}

/// Where mail goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTransport {
    /// `.eml` files under `data_dir/outbox`, so a service with no mail server loses nothing.
    File,
    Smtp,
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS.
    Starttls,
    /// TLS from the first byte.
    Tls,
    /// Unprotected: for a relay on the same host only.
    None,
}

fn time_zone<'de, D: serde::Deserializer<'de>>(d: D) -> Result<chrono_tz::Tz, D::Error> {
    let name = String::deserialize(d)?;
    chrono_tz::Tz::from_str(&name).map_err(|_| {
        serde::de::Error::custom(format!("{name:?} is not an IANA time zone such as Europe/London"))
    })
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSettings {
    /// Printed on labels and in emails.
    pub name: String,
    /// Printed on labels; empty leaves it off.
    pub phone: String,
    /// The employer's address on examination reports (LOLER Schedule 1): the service is the
    /// employer for whom the equipment was examined. Empty leaves the line blank.
    pub address: String,
    /// Generated asset tags are this prefix and six digits.
    pub asset_tag_prefix: String,
    /// The first admin, created on the first start with no staff.
    pub admin_email: String,
    /// Load the starter catalogue (common types with their check rules) on a start that finds
    /// no equipment types at all; `equiptrack catalogue starter` loads it on demand.
    pub starter_catalogue: bool,
}

/// What the log holds and how its lines look.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// `text` or `json`, on standard error.
    pub format: LogFormat,
    /// The least severe records written; below `info`, the libraries' own records (actix-web
    /// names a request's path when its body or query cannot be read) come too.
    pub level: LogLevel,
}

/// How each log line is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// `key=value` after the message, for people reading a terminal or the journal.
    Text,
    /// One JSON object a line, for a log collector.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

/// `GET /metrics` in the Prometheus text format.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSettings {
    /// Off: `/metrics` answers 404 and requests are not counted.
    pub enabled: bool,
    /// When not empty, a scrape must send `Authorization: Bearer <token>`.
    pub token: String,
}

impl std::fmt::Debug for MetricsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsSettings")
            .field("enabled", &self.enabled)
            .field("token", &if self.token.is_empty() { "" } else { "***" })
            .finish()
    }
}

/// What monitoring centres send (`POST /api/v1/telecare/events`).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelecareSettings {
    /// The secret a centre's webhook signs its deliveries with (HMAC-SHA256); empty turns
    /// the webhook off, leaving only imports with a bearer token.
    pub webhook_secret: String,
}

impl std::fmt::Debug for TelecareSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelecareSettings")
            .field(
                "webhook_secret",
                &if self.webhook_secret.is_empty() { "" } else { "***" },
            )
            .finish()
    }
}

/// A setting that stops start-up, naming the key at fault.
#[derive(Debug, thiserror::Error)]
#[error("configuration error in {key}: {message}")]
pub struct ConfigError {
    pub key: String,
    pub message: String,
}

impl ConfigError {
    fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            message: message.into(),
        }
    }
}

impl Settings {
    /// Defaults, then `file`, then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let env: Vec<(String, String)> = std::env::vars().collect();
        Self::load_from(file, &env)
    }

    pub fn load_from(file: Option<&Path>, env: &[(String, String)]) -> Result<Self, ConfigError> {
        let mut table: Table = DEFAULT_TOML
            .parse()
            .map_err(|e| ConfigError::new("config/default.toml", format!("{e}")))?;
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ConfigError::new(path.display().to_string(), format!("cannot read: {e}")))?;
            let local: Table = text
                .parse()
                .map_err(|e| ConfigError::new(path.display().to_string(), format!("{e}")))?;
            merge(&mut table, local, "")?;
        }
        apply_env(&mut table, env)?;
        let settings: Settings = serde_path_to_error::deserialize(Value::Table(table))
            .map_err(|e| ConfigError::new(e.path().to_string(), e.inner().message()))?;
        settings.validate()?;
        Ok(settings)
    }

    pub fn public_url(&self) -> &str {
        self.server.public_url.trim_end_matches('/')
    }

    fn validate(&self) -> Result<(), ConfigError> {
        SocketAddr::from_str(&self.server.bind).map_err(|e| {
            ConfigError::new(
                "server.bind",
                format!("{:?} is not an address:port ({e})", self.server.bind),
            )
        })?;
        let url = &self.server.public_url;
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < 10 {
            return Err(ConfigError::new(
                "server.public_url",
                format!("{url:?} must be an http:// or https:// address"),
            ));
        }
        if self.database.pool_size == 0 {
            return Err(ConfigError::new("database.pool_size", "must be at least 1"));
        }
        if self.database.busy_timeout_ms == 0 {
            return Err(ConfigError::new("database.busy_timeout_ms", "must be at least 1"));
        }
        self.mail.from.parse::<lettre::message::Mailbox>().map_err(|e| {
            ConfigError::new("mail.from", format!("{:?} is not a mailbox: {e}", self.mail.from))
        })?;
        self.mail
            .stores_address
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| ConfigError::new("mail.stores_address", format!("not an address: {e}")))?;
        for (key, value) in [
            ("mail.timeout_seconds", self.mail.timeout_seconds),
            (
                "mail.dispatch_interval_seconds",
                self.mail.dispatch_interval_seconds,
            ),
            ("mail.retry_base_seconds", self.mail.retry_base_seconds),
            ("mail.max_attempts", u64::from(self.mail.max_attempts)),
            ("reminders.retry_base_seconds", self.reminders.retry_base_seconds),
        ] {
            if value == 0 {
                return Err(ConfigError::new(key, "must be at least 1"));
            }
        }
        if self.mail.retry_max_seconds < self.mail.retry_base_seconds {
            return Err(ConfigError::new(
                "mail.retry_max_seconds",
                "must not be below mail.retry_base_seconds",
            ));
        }
        if self.reminders.retry_max_seconds < self.reminders.retry_base_seconds {
            return Err(ConfigError::new(
                "reminders.retry_max_seconds",
                "must not be below reminders.retry_base_seconds",
            ));
        }
        if self.mail.transport == MailTransport::Smtp && self.mail.smtp_host.trim().is_empty() {
            return Err(ConfigError::new(
                "mail.smtp_host",
                "is required with the smtp transport",
            ));
        }
        crate::jobs::validate_cron(&self.reminders.schedule, self.reminders.timezone)
            .map_err(|m| ConfigError::new("reminders.schedule", m))?;
        crate::domain::asset_tag::validate_prefix(&self.service.asset_tag_prefix)
            .map_err(|m| ConfigError::new("service.asset_tag_prefix", m))?;
        crate::domain::validate::email(&self.service.admin_email)
            .and_then(|e| crate::service::staff::deliverable(&e))
            .map_err(|m| ConfigError::new("service.admin_email", m))?;
        if self.service.name.trim().is_empty() {
            return Err(ConfigError::new("service.name", "must not be empty"));
        }
        Ok(())
    }
}

/// Overlays `local` on `base`; a key the defaults do not have is an error, so a typo in a
/// local file is reported rather than ignored.
fn merge(base: &mut Table, local: Table, prefix: &str) -> Result<(), ConfigError> {
    for (key, value) in local {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match (base.get_mut(&key), value) {
            (Some(Value::Table(b)), Value::Table(l)) => merge(b, l, &path)?,
            (Some(Value::Table(_)), _) => {
                return Err(ConfigError::new(path, "must be a section"));
            }
            (Some(slot), value) => *slot = value,
            (None, _) => return Err(ConfigError::new(path, "is not a known setting")),
        }
    }
    Ok(())
}

/// `EQUIPTRACK__SECTION__KEY=value`, typed like the default it replaces; then `DATABASE_URL`.
fn apply_env(table: &mut Table, env: &[(String, String)]) -> Result<(), ConfigError> {
    for (name, raw) in env {
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let Some((section, key)) = rest.split_once("__") else {
            return Err(ConfigError::new(
                name.clone(),
                "expected EQUIPTRACK__SECTION__KEY",
            ));
        };
        let (section, key) = (section.to_ascii_lowercase(), key.to_ascii_lowercase());
        let slot = table
            .get_mut(&section)
            .and_then(Value::as_table_mut)
            .and_then(|t| t.get_mut(&key))
            .ok_or_else(|| {
                ConfigError::new(name.clone(), format!("{section}.{key} is not a known setting"))
            })?;
        *slot =
            typed_like(slot, raw).map_err(|m| ConfigError::new(format!("{section}.{key} ({name})"), m))?;
    }
    if let Some((_, url)) = env.iter().find(|(k, _)| k == "DATABASE_URL") {
        if let Some(db) = table.get_mut("database").and_then(Value::as_table_mut) {
            db.insert("url".into(), Value::String(url.clone()));
        }
    }
    Ok(())
}

fn typed_like(default: &Value, raw: &str) -> Result<Value, String> {
    match default {
        Value::Integer(_) => raw
            .trim()
            .parse::<i64>()
            .map(Value::Integer)
            .map_err(|_| format!("{raw:?} is not a whole number")),
        // A list from the environment is comma-separated.
        Value::Array(_) => Ok(Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| Value::String(v.to_string()))
                .collect(),
        )),
        Value::Boolean(_) => match raw.trim() {
            "true" | "1" | "yes" => Ok(Value::Boolean(true)),
            "false" | "0" | "no" => Ok(Value::Boolean(false)),
            _ => Err(format!("{raw:?} is not true or false")),
        },
        _ => Ok(Value::String(raw.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_load_and_validate() {
        let s = Settings::load_from(None, &[]).unwrap();
        assert_eq!(s.server.bind, "127.0.0.1:8080");
        assert_eq!(s.reminders.lead_days, 14);
        assert!(s.database.target.is_sqlite());
    }

    #[test]
    fn the_starter_catalogue_is_on_by_default_and_a_file_or_the_environment_switches_it_off() {
        assert!(Settings::load_from(None, &[]).unwrap().service.starter_catalogue);
        let dir = tempfile::tempdir().unwrap();
        let local = dir.path().join("local.toml");
        std::fs::write(&local, "[service]\nstarter_catalogue = false\n").unwrap();
        assert!(
            !Settings::load_from(Some(&local), &[])
                .unwrap()
                .service
                .starter_catalogue
        );
        let off = env(&[("EQUIPTRACK__SERVICE__STARTER_CATALOGUE", "false")]);
        assert!(!Settings::load_from(None, &off).unwrap().service.starter_catalogue);
        let wrong = env(&[("EQUIPTRACK__SERVICE__STARTER_CATALOGUE", "maybe")]);
        let e = Settings::load_from(None, &wrong).unwrap_err().to_string();
        assert!(e.contains("service.starter_catalogue"), "{e}");
    }

    #[test]
    fn environment_overrides_defaults_and_database_url_wins() {
        let s = Settings::load_from(
            None,
            &env(&[
                ("EQUIPTRACK__SERVER__BIND", "127.0.0.1:9999"),
                ("EQUIPTRACK__REMINDERS__LEAD_DAYS", "3"),
                ("DATABASE_URL", "postgres://u:p@127.0.0.1/db"),
                ("EQUIPTRACK__SERVER__TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1"),
            ]),
        )
        .unwrap();
        let proxies = &s.server.trusted_proxies;
        assert!(
            proxies.contains("10.9.9.9".parse().unwrap()) && proxies.contains("192.0.2.1".parse().unwrap())
        );
        assert!(!proxies.contains("192.0.2.2".parse().unwrap()));
        assert_eq!(s.server.bind, "127.0.0.1:9999");
        assert_eq!(s.reminders.lead_days, 3);
        assert!(!s.database.target.is_sqlite());
    }

    #[test]
    fn a_wrong_value_names_its_key() {
        let cases = [
            ("EQUIPTRACK__SERVER__BIND", "nonsense", "server.bind"),
            ("EQUIPTRACK__REMINDERS__LEAD_DAYS", "soon", "reminders.lead_days"),
            (
                "EQUIPTRACK__REMINDERS__SCHEDULE",
                "every day",
                "reminders.schedule",
            ),
            (
                "EQUIPTRACK__REMINDERS__TIMEZONE",
                "Mars/Olympus",
                "reminders.timezone",
            ),
            ("EQUIPTRACK__MAIL__TRANSPORT", "pigeon", "mail.transport"),
            ("EQUIPTRACK__MAIL__SMTP_SECURITY", "ssl", "mail.smtp_security"),
            ("EQUIPTRACK__LOG__FORMAT", "xml", "log.format"),
            ("EQUIPTRACK__LOG__LEVEL", "loud", "log.level"),
            ("EQUIPTRACK__METRICS__ENABLED", "sometimes", "metrics.enabled"),
            (
                "EQUIPTRACK__SERVICE__ADMIN_EMAIL",
                "ad..min@example.org",
                "service.admin_email",
            ),
            ("DATABASE_URL", "postgress://typo", "database.url"),
            ("EQUIPTRACK__SERVER__COLOUR", "red", "server.colour"),
            (
                "EQUIPTRACK__SERVER__TRUSTED_PROXIES",
                "10.0.0.0/8, proxy.example",
                "server.trusted_proxies",
            ),
        ];
        for (name, value, key) in cases {
            let err = Settings::load_from(None, &env(&[(name, value)])).unwrap_err();
            assert!(err.to_string().contains(key), "{name}={value}: {err}");
        }
    }

    #[test]
    fn settings_load_straight_into_their_types() {
        let s = Settings::load_from(
            None,
            &env(&[
                ("EQUIPTRACK__REMINDERS__TIMEZONE", "America/New_York"),
                ("EQUIPTRACK__MAIL__TRANSPORT", "smtp"),
                ("EQUIPTRACK__MAIL__SMTP_HOST", "127.0.0.1"),
                ("EQUIPTRACK__MAIL__SMTP_SECURITY", "tls"),
                ("DATABASE_URL", "sqlite://data/other.db"),
            ]),
        )
        .unwrap();
        assert_eq!(s.reminders.timezone, chrono_tz::America::New_York);
        assert_eq!(s.mail.transport, MailTransport::Smtp);
        assert_eq!(s.mail.smtp_security, SmtpSecurity::Tls);
        assert_eq!(s.database.target, DatabaseTarget::Sqlite("data/other.db".into()));
        assert_eq!(s.database.target.to_url(), "sqlite://data/other.db");
        let s = Settings::load_from(
            None,
            &env(&[
                ("EQUIPTRACK__LOG__FORMAT", "json"),
                ("EQUIPTRACK__LOG__LEVEL", "debug"),
                ("EQUIPTRACK__METRICS__ENABLED", "true"),
                ("EQUIPTRACK__METRICS__TOKEN", "s3cret"),
            ]),
        )
        .unwrap();
        assert_eq!((s.log.format, s.log.level), (LogFormat::Json, LogLevel::Debug));
        assert!(s.metrics.enabled && s.metrics.token == "s3cret");
        assert!(!format!("{:?}", s.metrics).contains("s3cret"));
        let err = Settings::load_from(None, &env(&[("EQUIPTRACK__REMINDERS__TIMEZONE", "Mars/Olympus")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("is not an IANA time zone"), "{err}");
    }

    #[test]
    fn a_local_file_overrides_defaults_and_rejects_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("local.toml");
        std::fs::write(&path, "[service]\nname = \"Northshire Equipment\"\n").unwrap();
        let s = Settings::load_from(Some(&path), &[]).unwrap();
        assert_eq!(s.service.name, "Northshire Equipment");
        std::fs::write(&path, "[service]\nnmae = \"typo\"\n").unwrap();
        let err = Settings::load_from(Some(&path), &[]).unwrap_err();
        assert!(err.to_string().contains("service.nmae"), "{err}");
    }
}
