//! One error type for the whole server. Each variant is a wire code; `ResponseError` turns it
//! into the status and the `{"error": {"code", "message", "details"}}` body every client sees.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde_json::{json, Value};
pub use switchboard_types::error::ErrorCode;
use switchboard_types::error::{ErrorBody, ErrorDetail};

/// Field-level validation failures, in the order they were found.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Violations(Vec<(String, String)>);

impl Violations {
    /// Records that `field` is invalid, saying why.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    /// The failing fields with their messages, in the order found.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(f, m)| (f.as_str(), m.as_str()))
    }

    /// Whether nothing has failed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when nothing failed, else the 422 error listing every failing field.
    pub fn finish(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self))
        }
    }

    fn to_details(&self) -> Value {
        let fields: serde_json::Map<String, Value> = self
            .0
            .iter()
            .map(|(field, message)| (field.clone(), Value::String(message.clone())))
            .collect();
        json!({ "fields": fields })
    }
}

/// Everything that can go wrong in a request, by wire code.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("The request body is not valid JSON: {0}")]
    MalformedJson(String),
    #[error("The multipart body could not be read: {0}")]
    MalformedMultipart(String),
    /// 415; says which type to send.
    #[error("Send the body as {0}.")]
    UnsupportedMediaType(&'static str),
    /// 405, with the methods the path has in `Allow`.
    #[error("This address does not accept {method}; it accepts {}.", allow.join(", "))]
    MethodNotAllowed {
        method: String,
        allow: Vec<&'static str>,
    },
    /// 426: a socket endpoint was called as plain HTTP.
    #[error("Open this address as a WebSocket (an HTTP GET with `Upgrade: websocket`).")]
    WebsocketUpgradeRequired,
    #[error("{message}")]
    Unauthorized { code: ErrorCode, message: String },
    #[error("{0}")]
    Forbidden(String),
    /// 403 with a code of its own (e.g. `origin_not_allowed`).
    #[error("{message}")]
    Denied { code: ErrorCode, message: String },
    #[error("{0} not found.")]
    NotFound(&'static str),
    #[error("{message}")]
    Conflict {
        code: ErrorCode,
        message: String,
        details: Value,
    },
    #[error("The request body is larger than the {limit_bytes} bytes allowed.")]
    PayloadTooLarge { limit_bytes: usize },
    #[error("Some fields are invalid.")]
    Validation(Violations),
    /// Well-formed, but a business rule refuses it (422 with its own code).
    #[error("{message}")]
    Rejected { code: ErrorCode, message: String },
    #[error("Too many attempts. Try again in {retry_after_secs} seconds.")]
    RateLimited { retry_after_secs: u64 },
    #[error("The service is temporarily unavailable. Try again shortly.")]
    Unavailable,
    /// 502: WhatsApp's Graph API refused or failed; the message is Meta's, in plain words.
    #[error("WhatsApp refused the request: {0}")]
    Upstream(String),
    #[error("Something went wrong on our side. It has been logged; try again.")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// The stable wire code.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::MalformedJson(_) => ErrorCode::MalformedJson,
            AppError::MalformedMultipart(_) => ErrorCode::MalformedMultipart,
            AppError::UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
            AppError::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            AppError::WebsocketUpgradeRequired => ErrorCode::WebsocketUpgradeRequired,
            AppError::Unauthorized { code, .. } => *code,
            AppError::Forbidden(_) => ErrorCode::Forbidden,
            AppError::Denied { code, .. } => *code,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::Conflict { code, .. } => *code,
            AppError::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            AppError::Validation(_) => ErrorCode::ValidationFailed,
            AppError::Rejected { code, .. } => *code,
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
            AppError::Unavailable => ErrorCode::Unavailable,
            AppError::Upstream(_) => ErrorCode::WhatsappApiError,
            AppError::Internal(_) => ErrorCode::InternalError,
        }
    }

    /// 401 with the given code and sentence.
    pub fn unauthorized(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Unauthorized {
            code,
            message: message.into(),
        }
    }

    /// 409 with the given code, sentence and details.
    pub fn conflict(code: ErrorCode, message: impl Into<String>, details: Value) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
            details,
        }
    }

    /// 422 for a business rule, with its own code.
    pub fn rejected(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Rejected {
            code,
            message: message.into(),
        }
    }

    /// 422 for one invalid field.
    pub fn invalid_field(field: &str, message: &str) -> Self {
        let mut v = Violations::default();
        v.add(field, message);
        AppError::Validation(v)
    }

    /// The error body as clients receive it.
    pub fn body(&self) -> ErrorBody {
        let details = match self {
            AppError::Validation(v) => v.to_details(),
            AppError::Conflict { details, .. } => details.clone(),
            AppError::PayloadTooLarge { limit_bytes } => json!({ "limit_bytes": limit_bytes }),
            AppError::MethodNotAllowed { allow, .. } => json!({ "allow": allow }),
            AppError::RateLimited { retry_after_secs } => {
                json!({ "retry_after_seconds": retry_after_secs })
            }
            _ => Value::Null,
        };
        ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
                details,
            },
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::MalformedJson(_) | AppError::MalformedMultipart(_) => StatusCode::BAD_REQUEST,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            AppError::WebsocketUpgradeRequired => StatusCode::UPGRADE_REQUIRED,
            AppError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::Denied { .. } => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Validation(_) | AppError::Rejected { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Upstream(_) => StatusCode::BAD_GATEWAY,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(cause) = self {
            tracing::error!(error = %format!("{cause:#}"), "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        match self {
            AppError::RateLimited { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            AppError::MethodNotAllowed { allow, .. } => {
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            AppError::WebsocketUpgradeRequired => {
                response.insert_header((header::UPGRADE, "websocket"));
            }
            _ => {}
        }
        response.json(self.body())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        match error {
            diesel::result::Error::NotFound => AppError::NotFound("The requested item"),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(error: r2d2::Error) -> Self {
        tracing::warn!(error = %error, "database pool exhausted or unreachable");
        AppError::Unavailable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_its_status_and_code() {
        let cases: Vec<(AppError, u16, ErrorCode)> = vec![
            (
                AppError::MalformedJson("x".into()),
                400,
                ErrorCode::MalformedJson,
            ),
            (
                AppError::unauthorized(ErrorCode::InvalidCredentials, "no"),
                401,
                ErrorCode::InvalidCredentials,
            ),
            (AppError::Forbidden("no".into()), 403, ErrorCode::Forbidden),
            (
                AppError::Denied {
                    code: ErrorCode::OriginNotAllowed,
                    message: "no".into(),
                },
                403,
                ErrorCode::OriginNotAllowed,
            ),
            (AppError::NotFound("Conversation"), 404, ErrorCode::NotFound),
            (
                AppError::conflict(ErrorCode::ConversationLocked, "x", Value::Null),
                409,
                ErrorCode::ConversationLocked,
            ),
            (
                AppError::PayloadTooLarge { limit_bytes: 10 },
                413,
                ErrorCode::PayloadTooLarge,
            ),
            (
                AppError::invalid_field("email", "bad"),
                422,
                ErrorCode::ValidationFailed,
            ),
            (
                AppError::RateLimited {
                    retry_after_secs: 3,
                },
                429,
                ErrorCode::RateLimited,
            ),
        ];
        for (error, status, code) in cases {
            assert_eq!(error.status_code().as_u16(), status, "{error:?}");
            assert_eq!(error.body().error.code, code);
        }
    }

    #[test]
    fn validation_lists_failing_fields() {
        let mut v = Violations::default();
        v.add("email", "must be a valid email address");
        v.add("name", "is required");
        let body = v.finish().unwrap_err().body();
        assert_eq!(
            body.error.details,
            json!({"fields": {"email": "must be a valid email address", "name": "is required"}})
        );
    }

    #[test]
    fn rate_limited_sets_retry_after() {
        let response = AppError::RateLimited {
            retry_after_secs: 42,
        }
        .error_response();
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "42");
    }

    #[test]
    fn diesel_not_found_is_404() {
        let error: AppError = diesel::result::Error::NotFound.into();
        assert_eq!(error.status_code(), StatusCode::NOT_FOUND);
    }
}
