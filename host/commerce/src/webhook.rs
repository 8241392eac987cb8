//! Stripe webhooks: signature verification and the `POST /webhooks/stripe`
//! endpoint.
//!
//! The endpoint ([`router`]) verifies `Stripe-Signature`, records each event id
//! once in its own libSQL inbox (Stripe delivers at least once; a repeat is
//! acknowledged and ignored), and for payment events wakes the checkout sagas
//! waiting on the gateway (a saga whose payment is still `processing` or needs
//! customer action retries at once instead of after its backoff). Answers: 200
//! `{received, duplicate}`, 400 for a bad signature or body, 404 when no
//! webhook secret is configured.
//!
//! The `Stripe-Signature` header is `t=<unix seconds>,v1=<hex hmac>[,v1=...]`.
//! A payload is genuine when one `v1` equals HMAC-SHA256(secret, "<t>.<payload>")
//! (compared in constant time) and `t` is within the tolerance of now, which
//! bounds replays. Several `v1` values appear while a secret is being rolled.

use crate::json_error as error;
use crate::saga::Engine;
use axum::Router;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use libsql::{Connection, params};
use serde_json::{Value, json};
use sha2::Sha256;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::Mutex;

/// How far a signature's timestamp may be from now, in seconds (Stripe's default).
pub const TOLERANCE_SECS: i64 = 300;

/// Why a webhook was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The header is missing a timestamp or signature, or is malformed.
    #[error("the Stripe-Signature header is malformed")]
    Malformed,
    /// No signature matches the payload and secret.
    #[error("no signature matches the payload")]
    Mismatch,
    /// The timestamp is outside the tolerance.
    #[error("the signature timestamp is {0} s away from now")]
    Stale(i64),
}

/// Computes the `v1` signature of a payload at time `t`.
pub fn sign(payload: &[u8], secret: &str, t: i64) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    hex::encode(mac.finalize().into_bytes())
}

/// Checks a `Stripe-Signature` header against a payload and secret at time `now`.
pub fn verify(payload: &[u8], header: &str, secret: &str, now: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => timestamp = v.parse::<i64>().ok(),
            Some(("v1", v)) => {
                signatures.push(hex::decode(v).map_err(|_| SignatureError::Malformed)?)
            }
            _ => {}
        }
    }
    let t = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let matches = signatures.iter().any(|sig| {
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).is_ok_and(|mut mac| {
            mac.update(t.to_string().as_bytes());
            mac.update(b".");
            mac.update(payload);
            mac.verify_slice(sig).is_ok()
        })
    });
    if !matches {
        return Err(SignatureError::Mismatch);
    }
    let age = now - t;
    if age.abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale(age));
    }
    Ok(())
}

/// Webhook events received, each id once.
pub struct Inbox {
    conn: Mutex<Connection>,
    _db: libsql::Database,
}

impl std::fmt::Debug for Inbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inbox").finish_non_exhaustive()
    }
}

impl Inbox {
    /// Opens (creating) the inbox database at `path`.
    pub async fn open(path: &Path) -> Result<Inbox, String> {
        let db = libsql::Builder::new_local(path)
            .build()
            .await
            .map_err(|e| format!("webhook inbox: {e}"))?;
        let conn = db.connect().map_err(|e| format!("webhook inbox: {e}"))?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;")
            .await
            .map_err(|e| format!("webhook inbox: {e}"))?;
        Self::with_database(db, conn).await
    }

    /// The inbox on a libSQL server, shared by every host, so an event
    /// delivered twice to two hosts is still handled once.
    pub async fn open_remote(url: &str, token: &str) -> Result<Inbox, String> {
        let db = libsql::Builder::new_remote(url.to_string(), token.to_string())
            .build()
            .await
            .map_err(|e| format!("webhook inbox: {e}"))?;
        let conn = db.connect().map_err(|e| format!("webhook inbox: {e}"))?;
        Self::with_database(db, conn).await
    }

    async fn with_database(db: libsql::Database, conn: Connection) -> Result<Inbox, String> {
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS webhook_events (
                id TEXT PRIMARY KEY, type TEXT NOT NULL, object TEXT,
                payload TEXT NOT NULL, received_at INTEGER NOT NULL);",
        )
        .await
        .map_err(|e| format!("webhook inbox: {e}"))?;
        Ok(Inbox {
            conn: Mutex::new(conn),
            _db: db,
        })
    }

    /// Records an event; `false` when its id was already recorded.
    pub async fn record(&self, event: &Value, payload: &[u8], now: i64) -> Result<bool, String> {
        let conn = self.conn.lock().await;
        let inserted = conn
            .execute(
                "INSERT INTO webhook_events (id, type, object, payload, received_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO NOTHING",
                params![
                    event["id"].as_str().unwrap_or_default(),
                    event["type"].as_str().unwrap_or_default(),
                    event["data"]["object"]["id"].as_str(),
                    String::from_utf8_lossy(payload).into_owned(),
                    now
                ],
            )
            .await
            .map_err(|e| format!("webhook inbox: {e}"))?;
        Ok(inserted == 1)
    }

    /// The recorded events as (id, type, object id), oldest first.
    pub async fn events(&self) -> Result<Vec<(String, String, Option<String>)>, String> {
        let conn = self.conn.lock().await;
        let mut rows = conn
            .query(
                "SELECT id, type, object FROM webhook_events ORDER BY received_at, rowid",
                (),
            )
            .await
            .map_err(|e| format!("webhook inbox: {e}"))?;
        let mut out = Vec::new();
        while let Some(r) = rows
            .next()
            .await
            .map_err(|e| format!("webhook inbox: {e}"))?
        {
            out.push((
                r.get(0).map_err(|e| e.to_string())?,
                r.get(1).map_err(|e| e.to_string())?,
                r.get(2).map_err(|e| e.to_string())?,
            ));
        }
        Ok(out)
    }
}

/// What the webhook endpoint needs.
#[derive(Debug)]
pub struct Webhooks {
    /// The endpoint's signing secret (`whsec_...`); `None` disables it.
    pub secret: Option<String>,
    /// Where events are recorded.
    pub inbox: Inbox,
    /// The checkout sagas to wake on payment events.
    pub sagas: Arc<Engine>,
}

/// The `POST /webhooks/stripe` route.
pub fn router(webhooks: Arc<Webhooks>) -> Router {
    Router::new()
        .route("/webhooks/stripe", post(receive))
        .with_state(webhooks)
}

async fn receive(
    State(hooks): State<Arc<Webhooks>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(secret) = hooks.secret.as_deref() else {
        return error(
            StatusCode::NOT_FOUND,
            "webhooks_not_configured",
            "set STRIPE_WEBHOOK_SECRET to receive Stripe webhooks",
        );
    };
    let body = match body {
        Ok(b) => b,
        Err(e) => return error(e.status(), "bad_body", &e.body_text()),
    };
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
        .unwrap_or(0);
    if let Err(e) = verify(&body, signature, secret, now) {
        tracing::warn!(error = %e, "refused a webhook");
        return error(StatusCode::BAD_REQUEST, "bad_signature", &e.to_string());
    }
    let event: Value = match serde_json::from_slice::<Value>(&body) {
        Ok(v) if v["id"].is_string() && v["type"].is_string() => v,
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_event",
                "the body is not a Stripe event (id and type)",
            );
        }
    };
    let fresh = match hooks.inbox.record(&event, &body, now).await {
        Ok(f) => f,
        Err(e) => {
            tracing::error!(error = %e, "cannot record a webhook event");
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "cannot record the event now; Stripe will retry",
            );
        }
    };
    let kind = event["type"].as_str().unwrap_or_default();
    tracing::info!(event = %event["id"], kind, duplicate = !fresh, "stripe webhook");
    if fresh && (kind.starts_with("payment_intent.") || kind.starts_with("charge.")) {
        hooks.sagas.wake();
    }
    (
        StatusCode::OK,
        axum::Json(json!({ "received": true, "duplicate": !fresh })),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;

    #[test]
    fn a_genuine_signature_verifies() {
        let header = format!("t=1000,v1={}", sign(BODY, SECRET, 1000));
        assert_eq!(verify(BODY, &header, SECRET, 1100), Ok(()));
        let rolled = format!(
            "t=1000,v1={},v1={}",
            sign(BODY, "old", 1000),
            sign(BODY, SECRET, 1000)
        );
        assert_eq!(verify(BODY, &rolled, SECRET, 1000), Ok(()));
    }

    #[test]
    fn tampering_another_secret_and_old_timestamps_are_refused() {
        let header = format!("t=1000,v1={}", sign(BODY, SECRET, 1000));
        assert_eq!(
            verify(b"{}", &header, SECRET, 1000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(BODY, &header, "whsec_other", 1000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(BODY, &header, SECRET, 1301),
            Err(SignatureError::Stale(301))
        );
        let moved = format!("t=1001,v1={}", sign(BODY, SECRET, 1000));
        assert_eq!(
            verify(BODY, &moved, SECRET, 1001),
            Err(SignatureError::Mismatch)
        );
        for bad in ["", "t=1000", "v1=abcd", "t=x,v1=00", "t=1000,v1=zz"] {
            assert!(verify(BODY, bad, SECRET, 1000).is_err(), "{bad}");
        }
    }
}
