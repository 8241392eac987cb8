//! The one error body every API answers with:
//! `{"error": {"code": "...", "message": "...", "details": ...}}`.
//!
//! `code` is stable and machine-readable (`validation_failed`, `not_found`, ...),
//! `message` is for people, `details` (optional) says which fields failed and why.
//! Internal failures are logged in full on stderr and reach the client only as
//! `internal_error`.

use serde_json::{Value, json};
use spin_sdk::http::StatusCode;

/// An error answered to the client.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Machine-readable code.
    pub code: &'static str,
    /// Human-readable message.
    pub message: String,
    /// Optional structured details (field errors).
    pub details: Option<Value>,
    /// Seconds the client should wait (`Retry-After`), for 429 and 503.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: None,
            retry_after: None,
        }
    }

    /// 400 with a specific code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 422 `validation_failed` listing each field and what is wrong with it.
    pub fn validation(fields: Vec<(String, String)>) -> Self {
        let details: serde_json::Map<String, Value> = fields
            .into_iter()
            .map(|(f, m)| (f, Value::String(m)))
            .collect();
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "some fields are invalid: see details",
        );
        e.details = Some(json!({ "fields": details }));
        e
    }

    /// 422 `validation_failed` for one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::validation(vec![(field.to_string(), message.into())])
    }

    /// 401 `unauthorized`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 405 `method_not_allowed`.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this route does not accept that method",
        )
    }

    /// 409 with a specific code.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// 429 `rate_limited` with `Retry-After`.
    pub fn rate_limited(retry_after: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many attempts: wait before trying again",
        );
        e.retry_after = Some(retry_after.max(1));
        e
    }

    /// 500 `internal_error`; `context` is logged, never sent.
    pub fn internal(context: impl std::fmt::Display) -> Self {
        eprintln!("internal error: {context}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "something went wrong on our side; the request can be retried",
        )
    }

    /// 503 `unavailable` (a dependency is down), with `Retry-After`.
    pub fn unavailable(context: impl std::fmt::Display) -> Self {
        eprintln!("dependency unavailable: {context}");
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "a service this request needs is unavailable; retry shortly",
        );
        e.retry_after = Some(1);
        e
    }

    /// Adds details.
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let mut inner = json!({ "code": self.code, "message": self.message });
        if let (Some(d), Some(obj)) = (&self.details, inner.as_object_mut()) {
            obj.insert("details".into(), d.clone());
        }
        json!({ "error": inner })
    }
}

impl From<spin_sdk::sqlite::Error> for ApiError {
    fn from(e: spin_sdk::sqlite::Error) -> Self {
        ApiError::internal(format!("sqlite: {e:?}"))
    }
}

impl From<spin_sdk::key_value::Error> for ApiError {
    fn from(e: spin_sdk::key_value::Error) -> Self {
        ApiError::internal(format!("key-value: {e:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_list_each_field() {
        let e = ApiError::validation(vec![("email".into(), "is not an email".into())]);
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        let body = e.body();
        assert_eq!(body["error"]["code"], "validation_failed");
        assert_eq!(
            body["error"]["details"]["fields"]["email"],
            "is not an email"
        );
    }

    #[test]
    fn internal_errors_do_not_leak_their_context() {
        let e = ApiError::internal("UNIQUE constraint failed: users.email");
        assert!(!e.body().to_string().contains("UNIQUE"));
    }
}
