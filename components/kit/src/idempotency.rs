//! `Idempotency-Key` for POSTs, with Stripe's semantics: the first request with
//! a key runs and its response is stored; a retry with the same key and the same
//! body gets the stored response; the same key with a different body is 422; a
//! retry while the first is still running is 409. A request that fails with an
//! error stores nothing, so it can be retried.
//!
//! Components add [`TABLE`] to their migrations.

use crate::db::{Db, RowExt, int, text};
use crate::error::ApiError;
use crate::http::{Ctx, Reply};
use bytes::Bytes;
use http_body_util::Full;
use sha2::{Digest, Sha256};
use spin_sdk::http::{HeaderValue, StatusCode};

/// The table the stored responses live in.
pub const TABLE: &str = "CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    body BLOB,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
)";

/// How long a stored response is kept, in seconds (24 hours, as Stripe).
pub const RETENTION: i64 = 24 * 3600;

/// What to do with a request that carries a key.
pub enum Claim {
    /// First time: run it, then [`complete`] or [`abandon`].
    Run(Key),
    /// Seen before: answer with this stored response.
    Replay(Reply),
}

/// A claimed key.
#[derive(Debug, Clone)]
pub struct Key {
    scope: String,
    key: String,
}

/// The request's `Idempotency-Key` (1–255 visible ASCII characters), if sent.
pub fn key_of(ctx: &Ctx) -> Result<Option<String>, ApiError> {
    match ctx.header("idempotency-key") {
        None => Ok(None),
        Some(k) if !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(k.to_string()))
        }
        Some(_) => Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key must be 1 to 255 visible ASCII characters",
        )),
    }
}

/// Claims `key` in `scope` (e.g. the caller and route) for this request body.
pub async fn claim(db: &Db, scope: &str, key: &str, body: &[u8]) -> Result<Claim, ApiError> {
    let hash = hex::encode(Sha256::digest(body));
    let now = crate::now();
    db.exec(
        "DELETE FROM idempotency_keys WHERE created_at < ?",
        [int(now - RETENTION)],
    )
    .await?;
    let inserted = db
        .exec(
            "INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (scope, key) DO NOTHING",
            [text(scope), text(key), text(hash.clone()), int(now)],
        )
        .await?;
    if inserted == 1 {
        return Ok(Claim::Run(Key {
            scope: scope.into(),
            key: key.into(),
        }));
    }
    let rows = db
        .query(
            "SELECT request_hash, status, body FROM idempotency_keys WHERE scope = ? AND key = ?",
            [text(scope), text(key)],
        )
        .await?;
    let Some(row) = rows.first() else {
        return Err(ApiError::conflict(
            "idempotency_in_progress",
            "a request with this Idempotency-Key just finished: retry",
        ));
    };
    if row.text(0) != hash {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "this Idempotency-Key was used with a different request body",
        ));
    }
    let status = row.int(1);
    if status == 0 {
        return Err(ApiError::conflict(
            "idempotency_in_progress",
            "a request with this Idempotency-Key is still being processed",
        ));
    }
    let body = match row.values.get(2) {
        Some(spin_sdk::sqlite::Value::Blob(b)) => b.clone(),
        _ => Vec::new(),
    };
    let mut r = Reply::new(Full::new(Bytes::from(body)));
    *r.status_mut() = StatusCode::from_u16(u16::try_from(status).unwrap_or(500))
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(Claim::Replay(r))
}

/// Stores the response of a claimed request.
pub async fn complete(db: &Db, key: &Key, status: StatusCode, body: &[u8]) -> Result<(), ApiError> {
    db.exec(
        "UPDATE idempotency_keys SET status = ?, body = ? WHERE scope = ? AND key = ?",
        [
            int(i64::from(status.as_u16())),
            spin_sdk::sqlite::Value::Blob(body.to_vec()),
            text(key.scope.clone()),
            text(key.key.clone()),
        ],
    )
    .await
    .map(|_| ())
}

/// Releases a claimed key after an error, so the request can be retried.
pub async fn abandon(db: &Db, key: &Key) {
    let _ = db
        .exec(
            "DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status = 0",
            [text(key.scope.clone()), text(key.key.clone())],
        )
        .await;
}
