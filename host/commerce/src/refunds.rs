//! Paying out refunds that admins requested on orders.
//!
//! The orders component keeps refunds as an outbox (`pending` rows). [`settle`]
//! lists them over `GET /internal/orders/refunds/pending`, asks the gateway for
//! each with the idempotency key `refund-<id>` (so a refund retried after a
//! crash or a lost answer is paid out once), and reports the outcome to
//! `POST /internal/orders/refunds/{id}/result`. A transient gateway error leaves
//! the refund pending for the next round; a refusal (nothing left to refund, an
//! unknown payment) marks it `failed` with the gateway's message.

use crate::checkout::Shop;
use crate::payments::{PaymentError, PaymentGateway};
use crate::saga::StepError;
use serde_json::{Value, json};

/// What one round of [`settle`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Settled {
    /// Refunds the gateway paid out.
    pub succeeded: usize,
    /// Refunds the gateway refused.
    pub failed: usize,
    /// Refunds left pending after a transient error.
    pub deferred: usize,
}

/// Pays out every pending refund once.
pub async fn settle<G: PaymentGateway>(shop: &Shop, gateway: &G) -> Result<Settled, StepError> {
    let (status, body) = shop
        .call(
            reqwest::Method::GET,
            "/internal/orders/refunds/pending",
            None,
        )
        .await?;
    if status != 200 {
        return Err(StepError::Retryable(format!(
            "listing pending refunds answered {status}: {body}"
        )));
    }
    let mut settled = Settled::default();
    for refund in body["items"].as_array().into_iter().flatten() {
        let Some(id) = refund["id"].as_i64() else {
            continue;
        };
        let amount = refund["amount"]["amount"].as_i64();
        let outcome = match refund["payment_id"].as_str() {
            None => Err(PaymentError::Invalid(
                "the order has no payment to refund".into(),
            )),
            Some(payment) => {
                gateway
                    .refund(payment, amount, &format!("refund-{id}"))
                    .await
            }
        };
        let report: Value = match outcome {
            Ok(r) => {
                settled.succeeded += 1;
                json!({ "status": "succeeded", "gateway_id": r.id })
            }
            Err(PaymentError::Transient(e)) => {
                tracing::warn!(refund = id, error = %e, "refund not paid out yet; will retry");
                settled.deferred += 1;
                continue;
            }
            Err(e) => {
                tracing::warn!(refund = id, error = %e, "the gateway refused the refund");
                settled.failed += 1;
                json!({ "status": "failed", "error": e.to_string() })
            }
        };
        let (status, body) = shop
            .call(
                reqwest::Method::POST,
                &format!("/internal/orders/refunds/{id}/result"),
                Some(&report),
            )
            .await?;
        if status != 200 {
            tracing::warn!(refund = id, status, body = %body, "cannot record the refund's outcome");
        }
    }
    Ok(settled)
}
