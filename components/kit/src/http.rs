//! Reading requests and writing responses.
//!
//! A handler turns the incoming WASI request into a [`Ctx`] once ([`Ctx::read`]):
//! method, decoded path segments, query pairs, headers and the whole body. Replies are
//! `http::Response<Full<Bytes>>` built by [`json`], [`cached_json`] and friends;
//! [`finish`] turns an [`ApiError`] into its JSON body.

use crate::error::ApiError;
use bytes::Bytes;
use http_body_util::Full;
use serde::Serialize;
use serde::de::DeserializeOwned;
use spin_sdk::http::body::IncomingBodyExt;
use spin_sdk::http::{HeaderValue, Method, StatusCode};
use spin_sdk::wasip3::http::types::Request;
use spin_sdk::wasip3::http_compat::IncomingRequestBody;

/// A request as the host hands it to the component (`wasi:http/types.request`).
pub type IncomingRequest = Request;

/// Exports `handler`, an `async fn(IncomingRequest) -> R` where `R` is a
/// [`Reply`] or an `ApiResult<Reply>` ([`IntoReply`]), as the component's
/// `wasi:http` handler. It is what spin-sdk's `#[http_service]` generates,
/// except that the handler gets the WASI request itself, which [`Ctx::read`]
/// reads without first building an `http::Request`.
#[macro_export]
macro_rules! serve {
    ($handler:ident) => {
        mod __edgecart_http {
            struct Component;
            ::spin_sdk::wasip3::http::service::export!(Component);

            impl ::spin_sdk::wasip3::exports::http::handler::Guest for Component {
                async fn handle(
                    request: ::spin_sdk::wasip3::http::types::Request,
                ) -> Result<
                    ::spin_sdk::wasip3::http::types::Response,
                    ::spin_sdk::wasip3::http::types::ErrorCode,
                > {
                    ::spin_sdk::http::IntoResponse::into_response(
                        $crate::http::IntoReply::into_reply(super::$handler(request).await),
                    )
                }
            }
        }
    };
}

/// A response with a complete body.
pub type Reply = http::Response<Full<Bytes>>;

/// What a handler exported by [`serve!`] may answer: a [`Reply`] as it is, or
/// a result that [`finish`] completes.
pub trait IntoReply {
    /// The reply to send.
    fn into_reply(self) -> Reply;
}

impl IntoReply for Reply {
    fn into_reply(self) -> Reply {
        self
    }
}

impl IntoReply for Result<Reply, ApiError> {
    fn into_reply(self) -> Reply {
        finish(self)
    }
}

/// One request, read whole.
#[derive(Debug)]
pub struct Ctx {
    /// Request method.
    pub method: Method,
    /// The path, percent-decoded, split into its non-empty segments.
    pub segments: Vec<String>,
    /// Query parameters in order, decoded (`+` is a space).
    pub query: Vec<(String, String)>,
    /// Request headers as the host sent them: lower-case names, raw values.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The request body.
    pub body: Bytes,
}

impl Ctx {
    /// Reads the request, body included (the host bounds its size), straight
    /// from the WASI request: its method, target and headers, one host call
    /// each. spin-sdk's `http::Request` would also ask for the scheme, the
    /// authority, the options and the headers a second time, and parse every
    /// header name: a product detail took 113 µs of CPU that way against
    /// 101–105 this way (docs/performance.md, fifteenth round). A `GET` or `HEAD`
    /// request's body, which no route reads, is left unread: reading even an
    /// empty one is a stream read and a wait for its trailers.
    pub async fn read(req: Request) -> Result<Ctx, ApiError> {
        let method = Method::try_from(req.get_method())
            .map_err(|_| ApiError::bad_request("bad_method", "the request method is not valid"))?;
        let target = req.get_path_with_query().unwrap_or_default();
        let headers = req.get_headers().copy_all();
        let body = if matches!(method, Method::GET | Method::HEAD) {
            Bytes::new()
        } else {
            let read = async { IncomingRequestBody::new(req)?.bytes().await };
            read.await.map_err(|e| {
                ApiError::bad_request("bad_body", format!("cannot read the body: {e:?}"))
            })?
        };
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(percent_decode)
            .collect();
        Ok(Ctx {
            method,
            segments,
            query: parse_query(query),
            headers,
            body,
        })
    }

    /// The path segments as `&str`s, for slice patterns.
    pub fn path(&self) -> Vec<&str> {
        self.segments.iter().map(String::as_str).collect()
    }

    /// The first value of a header, as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name).next()
    }

    /// Every value of a header that is text (visible ASCII, spaces and tabs,
    /// as `HeaderValue::to_str` takes).
    fn header_values<'a, 'n>(
        &'a self,
        name: &'n str,
    ) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .filter_map(|(_, v)| {
                v.iter()
                    .all(|&b| b == b'\t' || (b' '..=b'~').contains(&b))
                    .then(|| std::str::from_utf8(v).ok())
                    .flatten()
            })
    }

    /// The first value of a query parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a query parameter (`?tag=a&tag=b`, and `?tag=a,b`).
    pub fn params(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The body as JSON of type `T`; a malformed body is 400 `invalid_json`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        if self.body.is_empty() {
            return Err(ApiError::bad_request(
                "invalid_json",
                "the request needs a JSON body",
            ));
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            ApiError::bad_request("invalid_json", format!("the body is not valid: {e}"))
        })
    }

    /// The bearer token of the `Authorization` header.
    pub fn bearer(&self) -> Option<&str> {
        let v = self.header("authorization")?;
        let (scheme, token) = v.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then_some(token.trim())
    }

    /// The client's IP address, from Spin's `spin-client-addr` header.
    pub fn client_ip(&self) -> String {
        let addr = self.header("spin-client-addr").unwrap_or("unknown");
        match addr.rsplit_once(':') {
            Some((ip, port)) if port.chars().all(|c| c.is_ascii_digit()) => {
                ip.trim_start_matches('[').trim_end_matches(']').to_string()
            }
            _ => addr.to_string(),
        }
    }

    /// A cookie's value.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.header_values("cookie")
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }
}

/// Decodes `%XX` escapes; invalid escapes are kept as written.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Parses `a=1&b=two+words` into decoded pairs.
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

fn reply(status: StatusCode, content_type: &'static str, body: Bytes) -> Reply {
    let mut r = Reply::new(Full::new(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static(content_type));
    r
}

/// A JSON response.
pub fn json(status: StatusCode, value: &impl Serialize) -> Reply {
    match serde_json::to_vec(value) {
        Ok(body) => reply(status, "application/json", Bytes::from(body)),
        Err(e) => error_reply(&ApiError::internal(format!("serializing a response: {e}"))),
    }
}

/// 204 No Content.
pub fn no_content() -> Reply {
    let mut r = Reply::new(Full::new(Bytes::new()));
    *r.status_mut() = StatusCode::NO_CONTENT;
    r
}

/// A JSON response for a public read: strong `ETag` over the body,
/// `Cache-Control: public, max-age=<max_age>`, and 304 when the client's
/// `If-None-Match` already names this body.
pub fn cached_json(ctx: &Ctx, value: &impl Serialize, max_age: u32) -> Reply {
    let body = match serde_json::to_vec(value) {
        Ok(b) => b,
        Err(e) => return error_reply(&ApiError::internal(format!("serializing a response: {e}"))),
    };
    let etag = crate::etag::strong(&body);
    let matches = ctx.header("if-none-match").is_some_and(|inm| {
        inm.split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == etag || t == "*")
    });
    let mut r = if matches {
        let mut r = Reply::new(Full::new(Bytes::new()));
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        reply(StatusCode::OK, "application/json", Bytes::from(body))
    };
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert("etag", v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!(
        "public, max-age={max_age}, stale-while-revalidate={}",
        max_age * 2
    )) {
        h.insert("cache-control", v);
    }
    r
}

/// The JSON error response for an [`ApiError`].
pub fn error_reply(e: &ApiError) -> Reply {
    let mut r = reply(
        e.status,
        "application/json",
        Bytes::from(e.body().to_string()),
    );
    if let Some(secs) = e.retry_after
        && let Ok(v) = HeaderValue::from_str(&secs.to_string())
    {
        r.headers_mut().insert("retry-after", v);
    }
    if e.status == StatusCode::UNAUTHORIZED {
        r.headers_mut()
            .insert("www-authenticate", HeaderValue::from_static("Bearer"));
    }
    r
}

/// A handler's outcome as a response. Every reply gets `Cache-Control:
/// no-store` unless the handler chose a cache policy.
pub fn finish(result: Result<Reply, ApiError>) -> Reply {
    let mut r = match result {
        Ok(r) => r,
        Err(e) => error_reply(&e),
    };
    if !r.headers().contains_key("cache-control") {
        r.headers_mut()
            .insert("cache-control", HeaderValue::from_static("no-store"));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(headers: &[(&str, &[u8])]) -> Ctx {
        Ctx {
            method: Method::GET,
            segments: Vec::new(),
            query: Vec::new(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_vec()))
                .collect(),
            body: Bytes::new(),
        }
    }

    #[test]
    fn headers_are_read_as_the_host_sent_them() {
        let c = ctx(&[
            ("authorization", b"Bearer abc"),
            ("cookie", b"a=1; b=2"),
            ("cookie", b"c=3"),
            ("x-binary", b"caf\xc3\xa9"),
            ("spin-client-addr", b"[::1]:5000"),
        ]);
        assert_eq!(c.header("Authorization"), Some("Bearer abc"));
        assert_eq!(c.bearer(), Some("abc"));
        assert_eq!(c.cookie("b"), Some("2"));
        assert_eq!(c.cookie("c"), Some("3"));
        assert_eq!(c.cookie("d"), None);
        assert_eq!(c.header("x-binary"), None, "only visible ASCII is text");
        assert_eq!(c.header("x-missing"), None);
        assert_eq!(c.client_ip(), "::1");
    }

    #[test]
    fn queries_decode_escapes_and_plus() {
        assert_eq!(
            parse_query("q=red+shirt&tag=a%2Cb&empty="),
            vec![
                ("q".into(), "red shirt".into()),
                ("tag".into(), "a,b".into()),
                ("empty".into(), "".into())
            ]
        );
        assert_eq!(percent_decode("caf%C3%A9%zz"), "café%zz");
    }
}
