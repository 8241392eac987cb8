//! The storefront's file server.
//!
//! Files come from the component's `files` mount at `/` (the storefront's `dist`
//! directory in production). Hashed build assets are cached forever
//! (`immutable`), `index.html` is revalidated on every load (`no-cache`), and
//! everything carries a strong `ETag`. When the client accepts them, precompressed
//! `.br` / `.gz` siblings are served instead. A path without a file extension that
//! matches no file is a client-side route and gets `index.html`; a missing asset
//! is a 404.

use bytes::Bytes;
use http_body_util::Full;
use spin_sdk::http::{HeaderMap, HeaderValue, IntoResponse, Method, Request, StatusCode};
use spin_sdk::http_service;
use std::path::{Component, Path, PathBuf};

const ROOT: &str = "/";
const INDEX: &str = "index.html";

type Reply = (StatusCode, HeaderMap, Full<Bytes>);

fn error(status: StatusCode, code: &str, message: &str) -> Reply {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    let body = format!(
        "{{\"error\":{{\"code\":\"{code}\",\"message\":\"{}\"}}}}",
        message.replace('\\', "\\\\").replace('"', "\\\"")
    );
    (status, headers, Full::new(Bytes::from(body)))
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// Vite names build outputs `name-<hash>.ext`; such files never change.
fn is_hashed(path: &Path) -> bool {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        hash.len() >= 8 && hash.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Maps a URL path to a file under the mount, refusing anything that escapes it.
fn resolve(url_path: &str) -> Option<PathBuf> {
    let relative = url_path.trim_start_matches('/');
    let mut out = PathBuf::from(ROOT);
    for part in Path::new(relative).components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

/// FNV-1a over the content: a strong validator without a hashing dependency.
fn etag(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("\"{:x}-{h:016x}\"", bytes.len())
}

fn accepts(req: &Request, encoding: &str) -> bool {
    req.headers()
        .get_all("accept-encoding")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|e| {
            let mut parts = e.trim().split(';');
            parts.next() == Some(encoding) && !parts.any(|q| q.trim() == "q=0")
        })
}

#[http_service]
async fn serve(req: Request) -> impl IntoResponse {
    respond(&req)
}

fn respond(req: &Request) -> Reply {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "only GET and HEAD are served here",
        );
    }
    let Some(mut path) = resolve(req.uri().path()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_path",
            "the path leaves the site root",
        );
    };
    if path.is_dir() {
        path.push(INDEX);
    }
    if !path.is_file() {
        if path.extension().is_some() {
            return error(
                StatusCode::NOT_FOUND,
                "not_found",
                &format!("no file at {}", req.uri().path()),
            );
        }
        path = PathBuf::from(ROOT).join(INDEX);
    }
    let mut headers = HeaderMap::new();
    let cache = if path.file_name().and_then(|n| n.to_str()) == Some(INDEX) {
        "no-cache"
    } else if is_hashed(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    headers.insert("cache-control", HeaderValue::from_static(cache));
    headers.insert(
        "content-type",
        HeaderValue::from_static(content_type(&path)),
    );
    headers.insert("vary", HeaderValue::from_static("accept-encoding"));

    let mut served = path.clone();
    for (encoding, suffix) in [("br", "br"), ("gzip", "gz")] {
        let candidate = PathBuf::from(format!("{}.{suffix}", path.display()));
        if accepts(req, encoding) && candidate.is_file() {
            headers.insert("content-encoding", HeaderValue::from_static(encoding));
            served = candidate;
            break;
        }
    }
    let bytes = match std::fs::read(&served) {
        Ok(b) => b,
        Err(e) => return error(StatusCode::NOT_FOUND, "not_found", &e.to_string()),
    };
    let tag = etag(&bytes);
    let matches = req
        .headers()
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    if let Ok(v) = HeaderValue::from_str(&tag) {
        headers.insert("etag", v);
    }
    if matches {
        headers.remove("content-encoding");
        return (StatusCode::NOT_MODIFIED, headers, Full::default());
    }
    if req.method() == Method::HEAD {
        return (StatusCode::OK, headers, Full::default());
    }
    (StatusCode::OK, headers, Full::new(Bytes::from(bytes)))
}
