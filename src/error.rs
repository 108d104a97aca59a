//! The one error type, and how each kind maps to a status code and an RFC 9457 body.

use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use serde_json::{Value, json};

use crate::domain::checks::OverdueRefusal;
use crate::domain::lifecycle::NotAllowed;
pub use crate::domain::validate::FieldError;
use crate::domain::validate::Invalid;

/// What a client is told when the database is busy or out of reach.
const UNAVAILABLE: &str = "the database is busy or out of reach; try again in a few seconds";
/// Seconds a client is asked to wait before trying again after a 503.
const RETRY_AFTER_SECONDS: u32 = 5;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("a valid bearer token is required")]
    Unauthorized,
    /// A webhook delivery without a token whose signature is wrong, stale or unreadable:
    /// 401 saying which, so the sender can tell a clock adrift from a wrong secret.
    #[error("{0}")]
    SignatureRefused(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The path exists but not with this method; the answer's `Allow` header lists those it takes.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// A disallowed move or a lost race; `extra` carries machine-readable detail such as
    /// the current status and the moves it allows.
    #[error("{detail}")]
    Conflict { detail: String, extra: Option<Value> },
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("some fields are invalid")]
    Validation(Vec<FieldError>),
    /// More invalid fields than are worth listing: the first ones, and how many more.
    #[error("some fields are invalid")]
    TooManyInvalid {
        listed: Vec<FieldError>,
        not_listed: usize,
    },
    /// The database is busy or out of reach; the cause is for the log, never the answer.
    #[error("{UNAVAILABLE}")]
    Unavailable(String),
    /// Something that should never happen; `source` is kept for the log, never the answer.
    /// The words (context and cause) are also what a failed sweep records.
    #[error("{context}: {source}")]
    Internal {
        context: &'static str,
        #[source]
        source: BoxError,
    },
}

/// The cause of an internal error, whatever its type.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl AppError {
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::Conflict {
            detail: detail.into(),
            extra: None,
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }

    pub fn internal(context: &'static str, source: impl Into<BoxError>) -> Self {
        Self::Internal {
            context,
            source: source.into(),
        }
    }

    /// Logs what the operator must see (the unexpected with its cause, the database out of
    /// reach); a client's mistake is not logged. Called once per error, where it is
    /// answered: `error_response` for the API, `web::page::report` for pages, and the
    /// command line's `describe`.
    pub fn log(&self) {
        match self {
            // A cause from elsewhere (a mail server, a parser) may quote an address.
            Self::Internal { .. } => {
                tracing::error!(
                    "internal error: {}",
                    crate::telemetry::without_addresses(&self.to_string())
                )
            }
            Self::Unavailable(cause) => tracing::warn!("unavailable: {cause}"),
            _ => {}
        }
    }

    /// The error as a person should read it, on a page or at a terminal: every invalid field
    /// named (joined by `sep`), and the unexpected answered with an apology.
    pub fn for_people(&self, sep: &str) -> String {
        match self {
            Self::Validation(errors) => for_people(errors, sep),
            Self::TooManyInvalid { listed, not_listed } => {
                format!("{}{sep}and {not_listed} more", for_people(listed, sep))
            }
            Self::Internal { .. } => "something went wrong on our side; please try again".to_string(),
            Self::Unavailable(_) => UNAVAILABLE.to_string(),
            other => other.to_string(),
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "Bad request",
            Self::Unauthorized | Self::SignatureRefused(_) => "Unauthorized",
            Self::Forbidden(_) => "Forbidden",
            Self::NotFound(_) => "Not found",
            Self::MethodNotAllowed(_) => "Method not allowed",
            Self::Conflict { .. } => "Conflict",
            Self::PayloadTooLarge(_) => "Payload too large",
            Self::UnsupportedMediaType(_) => "Unsupported media type",
            Self::Validation(_) | Self::TooManyInvalid { .. } => "Invalid request",
            Self::Unavailable(_) => "Service unavailable",
            Self::Internal { .. } => "Internal server error",
        }
    }
}

fn for_people(errors: &[FieldError], sep: &str) -> String {
    errors
        .iter()
        .map(|f| format!("{}: {}", f.field.replace('_', " "), f.message))
        .collect::<Vec<_>>()
        .join(sep)
}

impl From<Invalid> for AppError {
    fn from(Invalid(errors): Invalid) -> Self {
        Self::Validation(errors)
    }
}

/// A refused move is a 409 that names the current status and what it allows.
impl From<NotAllowed> for AppError {
    fn from(refusal: NotAllowed) -> Self {
        Self::Conflict {
            detail: refusal.to_string(),
            extra: Some(json!({
                "current_status": refusal.status,
                "allowed_moves": refusal.allowed_paths(),
            })),
        }
    }
}

/// An item with a check overdue may not go out: a 409 that lists each overdue rule and its date.
impl From<OverdueRefusal> for AppError {
    fn from(refusal: OverdueRefusal) -> Self {
        Self::Conflict {
            detail: refusal.to_string(),
            extra: Some(json!({ "overdue_checks": refusal.overdue })),
        }
    }
}

impl From<DieselError> for AppError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => Self::NotFound("not found".into()),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Self::conflict(format!("already exists: {}", info.message()))
            }
            DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                Self::conflict("the record was changed by someone else at the same moment; try again")
            }
            // The server went away under the connection (a restart): the pool replaces it.
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::Unavailable(format!("connection lost: {}", info.message()))
            }
            // SQLITE_BUSY: another process held the write lock past the busy timeout.
            DieselError::DatabaseError(_, info) if info.message().starts_with("database is locked") => {
                Self::Unavailable(format!("database busy: {}", info.message()))
            }
            other => Self::internal("database error", other),
        }
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::internal("background task failed", e)
    }
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    problem_type: &'static str,
    title: &'static str,
    status: u16,
    detail: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [FieldError]>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    extra: Option<&'a Value>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized | Self::SignatureRefused(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) | Self::TooManyInvalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        let status = self.status_code();
        let detail = match self {
            Self::Internal { .. } => "something went wrong on our side; it has been logged".to_string(),
            Self::Unavailable(_) => UNAVAILABLE.to_string(),
            other => other.to_string(),
        };
        let not_listed;
        let (errors, extra) = match self {
            Self::Validation(errors) => (Some(errors.as_slice()), None),
            Self::TooManyInvalid {
                listed,
                not_listed: n,
            } => {
                not_listed = json!({ "errors_not_listed": n });
                (Some(listed.as_slice()), Some(&not_listed))
            }
            Self::Conflict { extra, .. } => (None, extra.as_ref()),
            _ => (None, None),
        };
        let body = Problem {
            problem_type: "about:blank",
            title: self.title(),
            status: status.as_u16(),
            detail: &detail,
            errors,
            extra,
        };
        let mut response = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header(("Retry-After", RETRY_AFTER_SECONDS.to_string()));
        }
        response
            .insert_header((CONTENT_TYPE, "application/problem+json"))
            .body(serde_json::to_string(&body).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_refused_move_is_a_409_naming_the_status_and_the_allowed_moves() {
        use crate::domain::lifecycle::{Move, Status};
        let refusal = NotAllowed {
            attempted: Move::Fit,
            status: Status::InStore,
            allowed: vec![Move::Issue, Move::Check],
            because_of_recall: false,
        };
        let response = AppError::from(refusal).error_response();
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let body = actix_web::body::to_bytes(response.into_body()).await.unwrap();
        let json: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["current_status"], "in_store");
        assert_eq!(json["allowed_moves"], json!(["issue", "checks"]));
        assert_eq!(
            json["detail"],
            "cannot fit an item that is in_store; allowed now: issue, checks"
        );
    }

    #[test]
    fn a_busy_database_is_a_503_that_says_when_to_retry_and_not_why() {
        let busy = DieselError::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("database is locked".to_string()),
        );
        let error = AppError::from(busy);
        assert!(matches!(error, AppError::Unavailable(_)), "{error:?}");
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers().get("Retry-After").unwrap(), "5");
        let unreachable = AppError::Unavailable("connection to 10.1.2.3:5432 refused".into());
        assert!(!unreachable.to_string().contains("10.1.2.3"));
        assert!(!unreachable.for_people("\n").contains("10.1.2.3"));
    }

    #[test]
    fn an_internal_error_keeps_its_source_for_the_log_and_tells_people_nothing_of_it() {
        let cause = std::io::Error::other("disk /var/lib/secret is full");
        let error = AppError::internal("cannot remove outbox files", cause);
        let source = std::error::Error::source(&error).expect("the source is kept");
        assert_eq!(source.to_string(), "disk /var/lib/secret is full");
        assert_eq!(
            error.to_string(),
            "cannot remove outbox files: disk /var/lib/secret is full"
        );
        assert!(!error.for_people("\n").contains("secret"));
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = actix_web::body::to_bytes(response.into_body());
        let body = futures_util::FutureExt::now_or_never(body).unwrap().unwrap();
        assert!(!String::from_utf8_lossy(&body).contains("secret"));
    }
}
