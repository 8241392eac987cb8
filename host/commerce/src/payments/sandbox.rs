//! The embedded sandbox gateway: Stripe's semantics and test payment methods,
//! with no account and no network, durable in a libSQL file so that payments
//! survive a restart exactly like a real gateway's would.
//!
//! Test payment methods (as documented by Stripe):
//! - succeed: `pm_card_visa`, `pm_card_visa_debit`, `pm_card_mastercard`,
//!   `pm_card_mastercard_debit`, `pm_card_amex`, `pm_card_discover`,
//!   `pm_card_jcb`, `pm_card_unionpay`;
//! - decline (`card_declined` with a decline code): `pm_card_chargeDeclined`
//!   (`generic_decline`), `pm_card_visa_chargeDeclined` (`generic_decline`),
//!   `pm_card_chargeCustomerFail` (`generic_decline`),
//!   `pm_card_chargeDeclinedInsufficientFunds` (`insufficient_funds`),
//!   `pm_card_chargeDeclinedLostCard` (`lost_card`),
//!   `pm_card_chargeDeclinedStolenCard` (`stolen_card`),
//!   `pm_card_chargeDeclinedFraudulent` (`fraudulent`);
//! - decline with their own code: `pm_card_chargeDeclinedExpiredCard`
//!   (`expired_card`), `pm_card_chargeDeclinedIncorrectCvc` (`incorrect_cvc`),
//!   `pm_card_chargeDeclinedProcessingError` (`processing_error`);
//! - anything else is an invalid request (no such payment method).
//!
//! Idempotency follows Stripe: a key's first outcome — success or decline — is
//! stored and returned again for the same call; the same key with different
//! parameters is an invalid request.

use super::{Payment, PaymentError, PaymentGateway, PaymentRequest, PaymentStatus, Refund};
use libsql::{Connection, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;
use tokio::sync::Mutex;

/// The sandbox, over its own database.
pub struct SandboxGateway {
    conn: Mutex<Connection>,
    _db: libsql::Database,
}

impl std::fmt::Debug for SandboxGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxGateway").finish_non_exhaustive()
    }
}

/// What a test payment method does.
fn outcome(pm: &str) -> Result<(), PaymentError> {
    let decline = |code: &str, decline_code: Option<&str>, message: &str| {
        Err(PaymentError::Declined {
            code: code.into(),
            decline_code: decline_code.map(String::from),
            message: message.into(),
        })
    };
    match pm {
        "pm_card_visa"
        | "pm_card_visa_debit"
        | "pm_card_mastercard"
        | "pm_card_mastercard_debit"
        | "pm_card_amex"
        | "pm_card_discover"
        | "pm_card_jcb"
        | "pm_card_unionpay" => Ok(()),
        "pm_card_chargeDeclined" | "pm_card_visa_chargeDeclined" | "pm_card_chargeCustomerFail" => {
            decline(
                "card_declined",
                Some("generic_decline"),
                "Your card was declined.",
            )
        }
        "pm_card_chargeDeclinedInsufficientFunds" => decline(
            "card_declined",
            Some("insufficient_funds"),
            "Your card has insufficient funds.",
        ),
        "pm_card_chargeDeclinedLostCard" => decline(
            "card_declined",
            Some("lost_card"),
            "Your card was declined.",
        ),
        "pm_card_chargeDeclinedStolenCard" => decline(
            "card_declined",
            Some("stolen_card"),
            "Your card was declined.",
        ),
        "pm_card_chargeDeclinedFraudulent" => decline(
            "card_declined",
            Some("fraudulent"),
            "Your card was declined.",
        ),
        "pm_card_chargeDeclinedExpiredCard" => {
            decline("expired_card", None, "Your card has expired.")
        }
        "pm_card_chargeDeclinedIncorrectCvc" => decline(
            "incorrect_cvc",
            None,
            "Your card's security code is incorrect.",
        ),
        "pm_card_chargeDeclinedProcessingError" => decline(
            "processing_error",
            None,
            "An error occurred while processing your card. Try again in a little bit.",
        ),
        other => Err(PaymentError::Invalid(format!(
            "No such PaymentMethod: '{other}'"
        ))),
    }
}

/// A stored outcome of an idempotent call.
#[derive(Serialize, Deserialize)]
enum Stored {
    Payment(Payment),
    Refund(Refund),
    Error(PaymentError),
}

impl Serialize for PaymentError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = match self {
            PaymentError::Declined {
                code,
                decline_code,
                message,
            } => {
                serde_json::json!({ "declined": [code, decline_code, message] })
            }
            PaymentError::Invalid(m) => serde_json::json!({ "invalid": m }),
            PaymentError::NotFound(m) => serde_json::json!({ "not_found": m }),
            PaymentError::Auth(m) => serde_json::json!({ "auth": m }),
            PaymentError::Transient(m) => serde_json::json!({ "transient": m }),
        };
        v.serialize(s)
    }
}

impl<'de> Deserialize<'de> for PaymentError {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let s = |k: &str| v[k].as_str().map(String::from);
        Ok(if let Some(arr) = v["declined"].as_array() {
            PaymentError::Declined {
                code: arr
                    .first()
                    .and_then(|x| x.as_str())
                    .unwrap_or_default()
                    .into(),
                decline_code: arr.get(1).and_then(|x| x.as_str()).map(String::from),
                message: arr
                    .get(2)
                    .and_then(|x| x.as_str())
                    .unwrap_or_default()
                    .into(),
            }
        } else if let Some(m) = s("invalid") {
            PaymentError::Invalid(m)
        } else if let Some(m) = s("not_found") {
            PaymentError::NotFound(m)
        } else if let Some(m) = s("auth") {
            PaymentError::Auth(m)
        } else {
            PaymentError::Transient(s("transient").unwrap_or_default())
        })
    }
}

fn db_error(e: libsql::Error) -> PaymentError {
    PaymentError::Transient(format!("sandbox database: {e}"))
}

fn new_id(prefix: &str) -> Result<String, PaymentError> {
    let mut b = [0u8; 12];
    getrandom::fill(&mut b).map_err(|e| PaymentError::Transient(format!("random source: {e}")))?;
    Ok(format!("{prefix}_{}", hex::encode(b)))
}

impl SandboxGateway {
    /// Opens (creating) the sandbox's database file.
    pub async fn open(path: &Path) -> Result<SandboxGateway, PaymentError> {
        let db = libsql::Builder::new_local(path)
            .build()
            .await
            .map_err(db_error)?;
        let conn = db.connect().map_err(db_error)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS sandbox_payments (
                id TEXT PRIMARY KEY, amount INTEGER NOT NULL, currency TEXT NOT NULL,
                payment_method TEXT NOT NULL, reference TEXT NOT NULL, status TEXT NOT NULL,
                amount_refunded INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS sandbox_refunds (
                id TEXT PRIMARY KEY, payment TEXT NOT NULL, amount INTEGER NOT NULL, created_at INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS sandbox_idempotency (
                key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, outcome TEXT NOT NULL);",
        )
        .await
        .map_err(db_error)?;
        Ok(SandboxGateway {
            conn: Mutex::new(conn),
            _db: db,
        })
    }

    /// Every payment recorded, for reconciliation in tests and the admin.
    pub async fn payments(&self) -> Result<Vec<Payment>, PaymentError> {
        let conn = self.conn.lock().await;
        let mut rows = conn
            .query(
                "SELECT id FROM sandbox_payments ORDER BY created_at, id",
                (),
            )
            .await
            .map_err(db_error)?;
        let mut ids = Vec::new();
        while let Some(r) = rows.next().await.map_err(db_error)? {
            ids.push(r.get::<String>(0).map_err(db_error)?);
        }
        drop(rows);
        let mut out = Vec::new();
        for id in ids {
            out.push(load(&conn, &id).await?);
        }
        Ok(out)
    }

    /// Runs `op` once per key: a repeated key with the same fingerprint returns
    /// the stored outcome; with another fingerprint it is an invalid request.
    /// The operation's writes and the stored outcome commit in one transaction,
    /// so a crash never leaves a payment that a retry with the key cannot find.
    async fn once<F>(&self, key: &str, fingerprint: String, op: F) -> Result<Stored, PaymentError>
    where
        F: AsyncFnOnce(&Connection) -> Result<Stored, PaymentError>,
    {
        let conn = self.conn.lock().await;
        conn.execute("BEGIN IMMEDIATE", ())
            .await
            .map_err(db_error)?;
        let result = Self::once_in_transaction(&conn, key, fingerprint, op).await;
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        conn.execute(end, ()).await.map_err(db_error)?;
        result
    }

    async fn once_in_transaction<F>(
        conn: &Connection,
        key: &str,
        fingerprint: String,
        op: F,
    ) -> Result<Stored, PaymentError>
    where
        F: AsyncFnOnce(&Connection) -> Result<Stored, PaymentError>,
    {
        let mut rows = conn
            .query(
                "SELECT fingerprint, outcome FROM sandbox_idempotency WHERE key = ?1",
                params![key],
            )
            .await
            .map_err(db_error)?;
        if let Some(r) = rows.next().await.map_err(db_error)? {
            let (fp, outcome): (String, String) =
                (r.get(0).map_err(db_error)?, r.get(1).map_err(db_error)?);
            if fp != fingerprint {
                return Err(PaymentError::Invalid(format!(
                    "Keys for idempotent requests can only be used with the same parameters they were first used with: {key}"
                )));
            }
            return serde_json::from_str(&outcome)
                .map_err(|e| PaymentError::Transient(format!("stored outcome: {e}")));
        }
        drop(rows);
        let result = match op(conn).await {
            Ok(s) => s,
            Err(e @ PaymentError::Transient(_)) => return Err(e),
            Err(e) => Stored::Error(e),
        };
        let text =
            serde_json::to_string(&result).map_err(|e| PaymentError::Transient(e.to_string()))?;
        conn.execute(
            "INSERT INTO sandbox_idempotency (key, fingerprint, outcome) VALUES (?1, ?2, ?3)",
            params![key, fingerprint, text],
        )
        .await
        .map_err(db_error)?;
        Ok(result)
    }
}

async fn load(conn: &Connection, id: &str) -> Result<Payment, PaymentError> {
    let mut rows = conn
        .query(
            "SELECT id, status, amount, currency, amount_refunded FROM sandbox_payments WHERE id = ?1",
            params![id],
        )
        .await
        .map_err(db_error)?;
    let r = rows
        .next()
        .await
        .map_err(db_error)?
        .ok_or_else(|| PaymentError::NotFound(format!("No such payment_intent: '{id}'")))?;
    let status: String = r.get(1).map_err(db_error)?;
    Ok(Payment {
        id: r.get(0).map_err(db_error)?,
        status: PaymentStatus::parse(&status).unwrap_or(PaymentStatus::RequiresPaymentMethod),
        amount: r.get(2).map_err(db_error)?,
        currency: r.get(3).map_err(db_error)?,
        amount_refunded: r.get(4).map_err(db_error)?,
    })
}

async fn set_status(conn: &Connection, id: &str, status: &str) -> Result<(), PaymentError> {
    conn.execute(
        "UPDATE sandbox_payments SET status = ?1 WHERE id = ?2",
        params![status, id],
    )
    .await
    .map_err(db_error)
    .map(|_| ())
}

fn fingerprint(parts: &[&str]) -> String {
    hex::encode(Sha256::digest(parts.join("\u{1f}").as_bytes()))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
        .unwrap_or(0)
}

fn payment_of(s: Stored) -> Result<Payment, PaymentError> {
    match s {
        Stored::Payment(p) => Ok(p),
        Stored::Error(e) => Err(e),
        Stored::Refund(_) => Err(PaymentError::Invalid(
            "the key was used for a refund".into(),
        )),
    }
}

impl PaymentGateway for SandboxGateway {
    async fn authorize(&self, r: &PaymentRequest, key: &str) -> Result<Payment, PaymentError> {
        let fp = fingerprint(&[
            "authorize",
            &r.amount.to_string(),
            &r.currency,
            &r.payment_method,
            &r.reference,
        ]);
        let stored = self
            .once(key, fp, async |conn| {
                if r.amount <= 0 {
                    return Err(PaymentError::Invalid("amount must be a positive integer".into()));
                }
                let verdict = outcome(&r.payment_method);
                if let Err(e @ PaymentError::Invalid(_)) = verdict {
                    return Err(e);
                }
                let id = new_id("pi")?;
                let status = if verdict.is_ok() { "requires_capture" } else { "requires_payment_method" };
                conn.execute(
                    "INSERT INTO sandbox_payments (id, amount, currency, payment_method, reference, status, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![id.clone(), r.amount, r.currency.to_lowercase(), r.payment_method.clone(), r.reference.clone(), status, now()],
                )
                .await
                .map_err(db_error)?;
                verdict?;
                Ok(Stored::Payment(load(conn, &id).await?))
            })
            .await?;
        payment_of(stored)
    }

    async fn capture(&self, id: &str, key: &str) -> Result<Payment, PaymentError> {
        let stored = self
            .once(key, fingerprint(&["capture", id]), async |conn| {
                let p = load(conn, id).await?;
                match p.status {
                    PaymentStatus::RequiresCapture => {
                        set_status(conn, id, "succeeded").await?;
                        Ok(Stored::Payment(load(conn, id).await?))
                    }
                    s => Err(PaymentError::Invalid(format!(
                        "This PaymentIntent could not be captured because it has a status of {s:?}"
                    ))),
                }
            })
            .await?;
        payment_of(stored)
    }

    async fn cancel(&self, id: &str, key: &str) -> Result<Payment, PaymentError> {
        let stored = self
            .once(key, fingerprint(&["cancel", id]), async |conn| {
                let p = load(conn, id).await?;
                match p.status {
                    PaymentStatus::Succeeded | PaymentStatus::Canceled => {
                        Err(PaymentError::Invalid(format!(
                            "You cannot cancel this PaymentIntent because it has a status of {:?}",
                            p.status
                        )))
                    }
                    _ => {
                        set_status(conn, id, "canceled").await?;
                        Ok(Stored::Payment(load(conn, id).await?))
                    }
                }
            })
            .await?;
        payment_of(stored)
    }

    async fn refund(
        &self,
        id: &str,
        amount: Option<i64>,
        key: &str,
    ) -> Result<Refund, PaymentError> {
        let amount_text = amount.map_or("all".to_string(), |a| a.to_string());
        let stored = self
            .once(key, fingerprint(&["refund", id, &amount_text]), async |conn| {
                let p = load(conn, id).await?;
                if p.status != PaymentStatus::Succeeded {
                    return Err(PaymentError::Invalid("only a captured payment can be refunded".into()));
                }
                let left = p.amount - p.amount_refunded;
                let amount = amount.unwrap_or(left);
                if amount <= 0 || amount > left {
                    return Err(PaymentError::Invalid(format!(
                        "Refund amount ({amount}) is greater than unrefunded amount on charge ({left})"
                    )));
                }
                let rid = new_id("re")?;
                conn.execute(
                    "INSERT INTO sandbox_refunds (id, payment, amount, created_at) VALUES (?1, ?2, ?3, ?4)",
                    params![rid.clone(), id, amount, now()],
                )
                .await
                .map_err(db_error)?;
                conn.execute(
                    "UPDATE sandbox_payments SET amount_refunded = amount_refunded + ?1 WHERE id = ?2",
                    params![amount, id],
                )
                .await
                .map_err(db_error)?;
                Ok(Stored::Refund(Refund {
                    id: rid,
                    payment: id.to_string(),
                    amount,
                    status: "succeeded".into(),
                }))
            })
            .await?;
        match stored {
            Stored::Refund(r) => Ok(r),
            Stored::Error(e) => Err(e),
            Stored::Payment(_) => Err(PaymentError::Invalid(
                "the key was used for a payment".into(),
            )),
        }
    }

    async fn retrieve(&self, id: &str) -> Result<Payment, PaymentError> {
        let conn = self.conn.lock().await;
        load(&conn, id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(pm: &str) -> PaymentRequest {
        PaymentRequest {
            amount: 2500,
            currency: "EUR".into(),
            payment_method: pm.into(),
            reference: "order-1".into(),
        }
    }

    #[tokio::test]
    async fn a_visa_payment_is_authorised_captured_and_refunded_in_parts() {
        let dir = tempfile::tempdir().unwrap();
        let g = SandboxGateway::open(&dir.path().join("sandbox.db"))
            .await
            .unwrap();
        let p = g.authorize(&request("pm_card_visa"), "k1").await.unwrap();
        assert_eq!(
            (p.status, p.amount, p.currency.as_str()),
            (PaymentStatus::RequiresCapture, 2500, "eur")
        );
        let p = g.capture(&p.id, "k2").await.unwrap();
        assert_eq!(p.status, PaymentStatus::Succeeded);
        let r = g.refund(&p.id, Some(1000), "k3").await.unwrap();
        assert_eq!(r.amount, 1000);
        let rest = g.refund(&p.id, None, "k4").await.unwrap();
        assert_eq!(rest.amount, 1500);
        assert!(matches!(
            g.refund(&p.id, Some(1), "k5").await,
            Err(PaymentError::Invalid(_))
        ));
        assert_eq!(g.retrieve(&p.id).await.unwrap().amount_refunded, 2500);
    }

    #[tokio::test]
    async fn test_cards_decline_with_stripes_codes() {
        let dir = tempfile::tempdir().unwrap();
        let g = SandboxGateway::open(&dir.path().join("sandbox.db"))
            .await
            .unwrap();
        let e = g
            .authorize(&request("pm_card_chargeDeclinedInsufficientFunds"), "a")
            .await
            .unwrap_err();
        assert!(
            matches!(&e, PaymentError::Declined { decline_code: Some(d), .. } if d == "insufficient_funds"),
            "{e}"
        );
        let e = g
            .authorize(&request("pm_card_chargeDeclinedExpiredCard"), "b")
            .await
            .unwrap_err();
        assert!(matches!(&e, PaymentError::Declined { code, .. } if code == "expired_card"));
        assert!(matches!(
            g.authorize(&request("pm_bogus"), "c").await,
            Err(PaymentError::Invalid(_))
        ));
        let declined = g.payments().await.unwrap();
        assert_eq!(declined.len(), 2);
        assert!(
            declined
                .iter()
                .all(|p| p.status == PaymentStatus::RequiresPaymentMethod)
        );
    }

    #[tokio::test]
    async fn a_repeated_key_returns_the_first_outcome_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sandbox.db");
        let first = {
            let g = SandboxGateway::open(&path).await.unwrap();
            g.authorize(&request("pm_card_visa"), "order-1-authorize")
                .await
                .unwrap()
        };
        let g = SandboxGateway::open(&path).await.unwrap();
        let again = g
            .authorize(&request("pm_card_visa"), "order-1-authorize")
            .await
            .unwrap();
        assert_eq!(again, first);
        assert_eq!(g.payments().await.unwrap().len(), 1, "no second charge");
        let mut other = request("pm_card_visa");
        other.amount = 1;
        assert!(matches!(
            g.authorize(&other, "order-1-authorize").await,
            Err(PaymentError::Invalid(_))
        ));
        let d1 = g
            .authorize(&request("pm_card_chargeDeclined"), "d")
            .await
            .unwrap_err();
        let d2 = g
            .authorize(&request("pm_card_chargeDeclined"), "d")
            .await
            .unwrap_err();
        assert_eq!(d1, d2);
        assert_eq!(g.payments().await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn only_uncaptured_payments_cancel_and_only_captured_ones_refund() {
        let dir = tempfile::tempdir().unwrap();
        let g = SandboxGateway::open(&dir.path().join("sandbox.db"))
            .await
            .unwrap();
        let p = g.authorize(&request("pm_card_visa"), "a").await.unwrap();
        assert!(matches!(
            g.refund(&p.id, None, "r").await,
            Err(PaymentError::Invalid(_))
        ));
        assert_eq!(
            g.cancel(&p.id, "c").await.unwrap().status,
            PaymentStatus::Canceled
        );
        assert!(matches!(
            g.capture(&p.id, "x").await,
            Err(PaymentError::Invalid(_))
        ));
        assert!(matches!(
            g.retrieve("pi_nope").await,
            Err(PaymentError::NotFound(_))
        ));
    }
}
