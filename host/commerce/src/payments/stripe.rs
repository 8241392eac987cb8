//! Stripe's REST API (`/v1/payment_intents`, `/v1/refunds`): form-encoded
//! requests, the secret key as a bearer token, an `Idempotency-Key` on every
//! POST, and Stripe's errors mapped to [`PaymentError`]. The base URL is
//! configurable, so the same client talks to Stripe or to a local emulator.

use super::{Payment, PaymentError, PaymentGateway, PaymentRequest, PaymentStatus, Refund};
use serde_json::Value;
use std::time::Duration;

/// Stripe's production API.
pub const STRIPE_API: &str = "https://api.stripe.com";

/// A Stripe account.
#[derive(Clone)]
pub struct StripeGateway {
    client: reqwest::Client,
    base: String,
    key: String,
}

impl std::fmt::Debug for StripeGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeGateway")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl StripeGateway {
    /// A client for `base` (e.g. [`STRIPE_API`]) with a secret key.
    pub fn new(base: &str, secret_key: &str) -> Result<StripeGateway, PaymentError> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| PaymentError::Invalid(format!("http client: {e}")))?;
        Ok(StripeGateway {
            client,
            base: base.trim_end_matches('/').to_string(),
            key: secret_key.to_string(),
        })
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<Value, PaymentError> {
        let resp = req
            .bearer_auth(&self.key)
            .header("Stripe-Version", "2024-06-20")
            .send()
            .await
            .map_err(|e| PaymentError::Transient(format!("stripe unreachable: {e}")))?;
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.map_err(|e| {
            PaymentError::Transient(format!("stripe sent no JSON (HTTP {status}): {e}"))
        })?;
        if (200..300).contains(&status) {
            return Ok(body);
        }
        Err(map_error(status, &body["error"]))
    }

    async fn post(
        &self,
        path: &str,
        form: &[(&str, String)],
        key: &str,
    ) -> Result<Value, PaymentError> {
        self.send(
            self.client
                .post(format!("{}{path}", self.base))
                .header("Idempotency-Key", key)
                .form(form),
        )
        .await
    }
}

/// Maps a Stripe error (HTTP status and `error` object) to ours.
pub fn map_error(status: u16, error: &Value) -> PaymentError {
    let text = |k: &str| error[k].as_str().map(str::to_string);
    let message = text("message").unwrap_or_else(|| format!("HTTP {status}"));
    let kind = text("type").unwrap_or_default();
    let code = text("code").unwrap_or_default();
    match (status, kind.as_str()) {
        (402, _) | (_, "card_error") => PaymentError::Declined {
            code: if code.is_empty() {
                "card_declined".into()
            } else {
                code
            },
            decline_code: text("decline_code"),
            message,
        },
        (401 | 403, _) | (_, "authentication_error") => PaymentError::Auth(message),
        (404, _) => PaymentError::NotFound(message),
        (_, _) if code == "resource_missing" => PaymentError::NotFound(message),
        // 409: another request with the same idempotency key is in flight
        // (a second host running the same step); Stripe says retry shortly.
        (409 | 429, _) | (500..=599, _) | (_, "api_error" | "rate_limit_error") => {
            PaymentError::Transient(message)
        }
        _ => PaymentError::Invalid(message),
    }
}

fn payment(v: &Value) -> Result<Payment, PaymentError> {
    let status = v["status"]
        .as_str()
        .and_then(PaymentStatus::parse)
        .ok_or_else(|| PaymentError::Transient(format!("unexpected payment from stripe: {v}")))?;
    Ok(Payment {
        id: v["id"].as_str().unwrap_or_default().to_string(),
        status,
        amount: v["amount"].as_i64().unwrap_or_default(),
        currency: v["currency"].as_str().unwrap_or_default().to_string(),
        amount_refunded: v["latest_charge"]["amount_refunded"].as_i64().unwrap_or(0),
    })
}

impl PaymentGateway for StripeGateway {
    async fn authorize(&self, r: &PaymentRequest, key: &str) -> Result<Payment, PaymentError> {
        let form = [
            ("amount", r.amount.to_string()),
            ("currency", r.currency.to_lowercase()),
            ("payment_method", r.payment_method.clone()),
            ("capture_method", "manual".to_string()),
            ("confirm", "true".to_string()),
            ("metadata[reference]", r.reference.clone()),
        ];
        payment(&self.post("/v1/payment_intents", &form, key).await?)
    }

    async fn capture(&self, id: &str, key: &str) -> Result<Payment, PaymentError> {
        payment(
            &self
                .post(&format!("/v1/payment_intents/{id}/capture"), &[], key)
                .await?,
        )
    }

    async fn cancel(&self, id: &str, key: &str) -> Result<Payment, PaymentError> {
        payment(
            &self
                .post(&format!("/v1/payment_intents/{id}/cancel"), &[], key)
                .await?,
        )
    }

    async fn refund(
        &self,
        id: &str,
        amount: Option<i64>,
        key: &str,
    ) -> Result<Refund, PaymentError> {
        let mut form = vec![("payment_intent", id.to_string())];
        if let Some(a) = amount {
            form.push(("amount", a.to_string()));
        }
        let v = self.post("/v1/refunds", &form, key).await?;
        Ok(Refund {
            id: v["id"].as_str().unwrap_or_default().to_string(),
            payment: id.to_string(),
            amount: v["amount"].as_i64().unwrap_or_default(),
            status: v["status"].as_str().unwrap_or("succeeded").to_string(),
        })
    }

    async fn retrieve(&self, id: &str) -> Result<Payment, PaymentError> {
        let v = self
            .send(
                self.client
                    .get(format!("{}/v1/payment_intents/{id}", self.base))
                    .query(&[("expand[]", "latest_charge")]),
            )
            .await?;
        payment(&v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stripe_errors_map_to_what_the_saga_can_do() {
        let declined = map_error(
            402,
            &json!({ "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds", "message": "Your card has insufficient funds." }),
        );
        assert!(
            matches!(&declined, PaymentError::Declined { decline_code: Some(d), .. } if d == "insufficient_funds")
        );
        assert!(!declined.is_retryable());
        assert!(map_error(500, &json!({ "type": "api_error" })).is_retryable());
        assert!(map_error(429, &json!({ "type": "rate_limit_error" })).is_retryable());
        assert!(matches!(map_error(401, &json!({})), PaymentError::Auth(_)));
        assert!(matches!(
            map_error(400, &json!({ "code": "resource_missing" })),
            PaymentError::NotFound(_)
        ));
        assert!(matches!(
            map_error(400, &json!({ "type": "idempotency_error" })),
            PaymentError::Invalid(_)
        ));
        assert!(map_error(409, &json!({ "type": "idempotency_error" })).is_retryable());
    }
}
