//! The components' HTTP edge, natively: the one JSON error body, JSON replies
//! with the same `ETag` / `Cache-Control` headers, and query parameters read the
//! way `edgecart_kit::http::Ctx` reads them.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

#[path = "../../../components/kit/src/etag.rs"]
mod etag;

/// An error answered as `{"error": {"code", "message", "details"?}}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    details: Option<Value>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: None,
        }
    }

    /// 400 with a specific code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 422 `validation_failed` for one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "some fields are invalid: see details",
        );
        e.details = Some(json!({ "fields": { field: message.into() } }));
        e
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

    /// 500 `internal_error`; `context` is logged, never sent.
    pub fn internal(context: impl std::fmt::Display) -> Self {
        eprintln!("internal error: {context}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "something went wrong on our side; the request can be retried",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut inner = json!({ "code": self.code, "message": self.message });
        if let (Some(d), Some(obj)) = (self.details, inner.as_object_mut()) {
            obj.insert("details".into(), d);
        }
        json_reply(self.status, &json!({ "error": inner }))
    }
}

/// The result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// A JSON response that must not be cached (`finish` in the kit adds
/// `Cache-Control: no-store` to every reply without a cache policy).
pub fn json_reply(status: StatusCode, value: &impl Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (
            status,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => ApiError::internal(format!("serializing a response: {e}")).into_response(),
    }
}

/// A public read: a strong `ETag` over the body, `Cache-Control: public`, and
/// 304 when `If-None-Match` already names this body.
pub fn cached_json(request: &HeaderMap, value: &impl Serialize, max_age: u32) -> Response {
    let body = match serde_json::to_vec(value) {
        Ok(b) => b,
        Err(e) => {
            return ApiError::internal(format!("serializing a response: {e}")).into_response();
        }
    };
    let etag = etag::strong(&body);
    let matches = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|inm| {
            inm.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        });
    let mut r = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!(
        "public, max-age={max_age}, stale-while-revalidate={}",
        max_age * 2
    )) {
        h.insert(header::CACHE_CONTROL, v);
    }
    r
}

/// 501 for a signed-in caller: the baseline serves anonymous shoppers only (the
/// components would verify the token and could answer differently).
pub fn anonymous(headers: &HeaderMap) -> ApiResult<()> {
    if headers.contains_key(header::AUTHORIZATION) {
        return Err(ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            "not_implemented",
            "the native baseline serves anonymous requests only",
        ));
    }
    Ok(())
}

/// Query parameters in order, decoded (`+` is a space).
#[derive(Debug, Default)]
pub struct Query(pub Vec<(String, String)>);

impl Query {
    /// Parses a raw query string.
    pub fn parse(raw: Option<&str>) -> Query {
        Query(
            form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// The first value of a parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a parameter (`?tag=a&tag=b`, and `?tag=a,b`).
    pub fn params(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }
}
