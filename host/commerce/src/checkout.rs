//! The checkout saga's steps, over the shop's internal HTTP routes and a
//! payment gateway:
//!
//! 1. `reserve` — hold the order's lines (`POST /internal/catalog/reservations`,
//!    keyed by the saga); undo: release the hold;
//! 2. `pay` — authorise the total, then capture it; undo: cancel an
//!    authorisation or refund a capture (found again through the same
//!    idempotency key, so an attempt whose result was never recorded is undone
//!    too);
//! 3. `commit` — the hold becomes a sale; undo is impossible automatically (the
//!    saga ends `stuck` for an operator, which only happens if a later step kept
//!    failing);
//! 4. `mark_paid` — `POST /internal/orders/{id}/status {paid}`;
//! 5. `clear_cart` — remove what was bought from the user's cart, once per key.
//!
//! Declines and lack of stock are fatal (compensate at once); network trouble and
//! 5xx answers are retried.

use crate::payments::{PaymentError, PaymentGateway, PaymentRequest, PaymentStatus};
use crate::saga::{Step, StepCtx, StepError, StepFuture};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// How the host reaches the shop's components.
#[derive(Debug, Clone)]
pub struct Shop {
    http: reqwest::Client,
    base: String,
    service_token: String,
}

impl Shop {
    /// The shop at `base` (e.g. `http://127.0.0.1:3000`, or the SpinApp's Service).
    pub fn new(base: &str, service_token: &str) -> Result<Shop, String> {
        Ok(Shop {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(15))
                .build()
                .map_err(|e| e.to_string())?,
            base: base.trim_end_matches('/').to_string(),
            service_token: service_token.to_string(),
        })
    }

    /// Calls an internal route; 5xx and network errors are retryable, other
    /// non-2xx answers are returned as (status, body).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), StepError> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("x-service-token", &self.service_token);
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| StepError::Retryable(format!("{path}: {e}")))?;
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        if status >= 500 {
            return Err(StepError::Retryable(format!(
                "{path} answered {status}: {body}"
            )));
        }
        Ok((status, body))
    }

    /// `GET path` on behalf of a client: its `Authorization` header is
    /// forwarded instead of the service token. Network errors are retryable.
    pub async fn get_as(&self, path: &str, authorization: &str) -> Result<(u16, Value), StepError> {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .header("authorization", authorization)
            .send()
            .await
            .map_err(|e| StepError::Retryable(format!("{path}: {e}")))?;
        let status = resp.status().as_u16();
        Ok((status, resp.json().await.unwrap_or(Value::Null)))
    }
}

fn order_id(ctx: &StepCtx) -> i64 {
    ctx.input["id"].as_i64().unwrap_or(0)
}

fn lines(ctx: &StepCtx) -> Vec<Value> {
    ctx.input["lines"]
        .as_array()
        .map(|ls| {
            ls.iter()
                .map(|l| json!({ "variant_id": l["variant_id"], "quantity": l["quantity"] }))
                .collect()
        })
        .unwrap_or_default()
}

fn error_text(body: &Value) -> String {
    body["error"]["message"]
        .as_str()
        .unwrap_or("unexpected answer")
        .to_string()
}

struct Reserve(Arc<Shop>);

impl Step for Reserve {
    fn name(&self) -> &'static str {
        "reserve"
    }

    fn run<'a>(&'a self, ctx: &'a StepCtx) -> StepFuture<'a, Value> {
        Box::pin(async move {
            let body = json!({ "key": ctx.key, "ttl_seconds": 900, "lines": lines(ctx) });
            match self
                .0
                .call(
                    reqwest::Method::POST,
                    "/internal/catalog/reservations",
                    Some(&body),
                )
                .await?
            {
                (200 | 201, r) => Ok(json!({ "reservation": r["id"] })),
                (409, r) => Err(StepError::Fatal(format!(
                    "out of stock: {}",
                    error_text(&r)
                ))),
                (s, r) => Err(StepError::Fatal(format!(
                    "reserving stock answered {s}: {}",
                    error_text(&r)
                ))),
            }
        })
    }

    fn compensate<'a>(&'a self, ctx: &'a StepCtx) -> StepFuture<'a, ()> {
        Box::pin(async move {
            let id = match ctx
                .outputs
                .get("reserve")
                .and_then(|o| o["reservation"].as_i64())
            {
                Some(id) => id,
                // The step's result was never recorded: find the hold by its key
                // (reserving again with it returns the existing one, if any).
                None => {
                    let body = json!({ "key": ctx.key.trim_end_matches(":undo"), "ttl_seconds": 1, "lines": lines(ctx) });
                    match self
                        .0
                        .call(
                            reqwest::Method::POST,
                            "/internal/catalog/reservations",
                            Some(&body),
                        )
                        .await?
                    {
                        (200 | 201, r) => r["id"].as_i64().unwrap_or(0),
                        _ => return Ok(()),
                    }
                }
            };
            match self
                .0
                .call(
                    reqwest::Method::POST,
                    &format!("/internal/catalog/reservations/{id}/release"),
                    None,
                )
                .await?
            {
                (200 | 404, _) => Ok(()),
                (s, r) => Err(StepError::Fatal(format!(
                    "releasing stock answered {s}: {}",
                    error_text(&r)
                ))),
            }
        })
    }
}

struct Pay<G>(Arc<G>);

fn payment_error(e: PaymentError) -> StepError {
    match e {
        PaymentError::Transient(m) => StepError::Retryable(m),
        PaymentError::Declined { message, .. } => {
            StepError::Fatal(format!("payment declined: {message}"))
        }
        other => StepError::Fatal(format!("payment failed: {other}")),
    }
}

impl<G: PaymentGateway + 'static> Pay<G> {
    fn request(ctx: &StepCtx) -> PaymentRequest {
        PaymentRequest {
            amount: ctx.input["total"]["amount"].as_i64().unwrap_or(0),
            currency: ctx.input["total"]["currency"]
                .as_str()
                .unwrap_or("EUR")
                .to_string(),
            payment_method: ctx.input["payment_method"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            reference: format!("order-{}", order_id(ctx)),
        }
    }
}

impl<G: PaymentGateway + 'static> Step for Pay<G> {
    fn name(&self) -> &'static str {
        "pay"
    }

    fn run<'a>(&'a self, ctx: &'a StepCtx) -> StepFuture<'a, Value> {
        Box::pin(async move {
            let p = self
                .0
                .authorize(&Self::request(ctx), &ctx.key)
                .await
                .map_err(payment_error)?;
            // A repeated key replays the first answer: ask for the status now.
            let p = match p.status {
                PaymentStatus::RequiresCapture | PaymentStatus::Succeeded => p,
                _ => self.0.retrieve(&p.id).await.map_err(payment_error)?,
            };
            let p = match p.status {
                PaymentStatus::RequiresCapture => self
                    .0
                    .capture(&p.id, &format!("{}:capture", ctx.key))
                    .await
                    .map_err(payment_error)?,
                PaymentStatus::Succeeded => p,
                // The outcome comes later (a bank transfer, 3-D Secure): retry,
                // woken early by the gateway's webhook.
                PaymentStatus::Processing | PaymentStatus::RequiresAction => {
                    return Err(StepError::Retryable(format!(
                        "waiting for the payment ({:?})",
                        p.status
                    )));
                }
                s => return Err(StepError::Fatal(format!("payment not authorised ({s:?})"))),
            };
            Ok(json!({ "payment": p.id, "amount": p.amount }))
        })
    }

    fn compensate<'a>(&'a self, ctx: &'a StepCtx) -> StepFuture<'a, ()> {
        Box::pin(async move {
            let forward_key = ctx.key.trim_end_matches(":undo");
            // The same key returns the first authorisation (or its decline).
            let p = match self.0.authorize(&Self::request(ctx), forward_key).await {
                Ok(p) => p,
                Err(PaymentError::Transient(m)) => return Err(StepError::Retryable(m)),
                Err(_) => return Ok(()),
            };
            let p = self.0.retrieve(&p.id).await.map_err(|e| match e {
                PaymentError::Transient(m) => StepError::Retryable(m),
                other => StepError::Fatal(other.to_string()),
            })?;
            let undone = match p.status {
                PaymentStatus::Succeeded if p.amount_refunded < p.amount => {
                    self.0.refund(&p.id, None, &ctx.key).await.map(|_| ())
                }
                PaymentStatus::RequiresCapture
                | PaymentStatus::RequiresConfirmation
                | PaymentStatus::RequiresAction => self.0.cancel(&p.id, &ctx.key).await.map(|_| ()),
                _ => Ok(()),
            };
            undone.map_err(|e| match e {
                PaymentError::Transient(m) => StepError::Retryable(m),
                other => StepError::Fatal(other.to_string()),
            })
        })
    }
}

struct Commit(Arc<Shop>);

impl Step for Commit {
    fn name(&self) -> &'static str {
        "commit"
    }

    fn run<'a>(&'a self, ctx: &'a StepCtx) -> StepFuture<'a, Value> {
        Box::pin(async move {
            let id = ctx
                .outputs
                .get("reserve")
                .and_then(|o| o["reservation"].as_i64())
                .unwrap_or(0);
            match self
                .0
                .call(
                    reqwest::Method::POST,
                    &format!("/internal/catalog/reservations/{id}/commit"),
                    None,
                )
                .await?
            {
                (200, _) => Ok(json!({ "committed": id })),
                (s, r) => Err(StepError::Fatal(format!(
                    "committing stock answered {s}: {}",
                    error_text(&r)
                ))),
            }
        })
    }

    fn compensate<'a>(&'a self, _ctx: &'a StepCtx) -> StepFuture<'a, ()> {
        Box::pin(async move {
            Err(StepError::Fatal(
                "sold stock is not returned automatically: restock by hand".into(),
            ))
        })
    }
}

struct MarkPaid(Arc<Shop>);

impl Step for MarkPaid {
    fn name(&self) -> &'static str {
        "mark_paid"
    }

    fn run<'a>(&'a self, ctx: &'a StepCtx) -> StepFuture<'a, Value> {
        Box::pin(async move {
            let payment = ctx
                .outputs
                .get("pay")
                .map(|o| o["payment"].clone())
                .unwrap_or(Value::Null);
            let body = json!({ "status": "paid", "payment_id": payment });
            match self
                .0
                .call(
                    reqwest::Method::POST,
                    &format!("/internal/orders/{}/status", order_id(ctx)),
                    Some(&body),
                )
                .await?
            {
                (200, _) => Ok(json!({ "paid": true })),
                (s, r) => Err(StepError::Fatal(format!(
                    "marking the order paid answered {s}: {}",
                    error_text(&r)
                ))),
            }
        })
    }

    fn compensate<'a>(&'a self, _ctx: &'a StepCtx) -> StepFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }
}

struct ClearCart(Arc<Shop>);

impl Step for ClearCart {
    fn name(&self) -> &'static str {
        "clear_cart"
    }

    fn run<'a>(&'a self, ctx: &'a StepCtx) -> StepFuture<'a, Value> {
        Box::pin(async move {
            let user = ctx.input["user_id"].as_i64().unwrap_or(0);
            let body = json!({ "key": ctx.key, "lines": lines(ctx) });
            match self
                .0
                .call(
                    reqwest::Method::POST,
                    &format!("/internal/cart/users/{user}/clear"),
                    Some(&body),
                )
                .await?
            {
                (200, _) => Ok(json!({ "cleared": true })),
                (s, r) => Err(StepError::Fatal(format!(
                    "clearing the cart answered {s}: {}",
                    error_text(&r)
                ))),
            }
        })
    }

    fn compensate<'a>(&'a self, _ctx: &'a StepCtx) -> StepFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }
}

/// The checkout saga's steps, in order.
pub fn steps<G: PaymentGateway + 'static>(shop: Arc<Shop>, gateway: Arc<G>) -> Vec<Arc<dyn Step>> {
    vec![
        Arc::new(Reserve(Arc::clone(&shop))),
        Arc::new(Pay(gateway)),
        Arc::new(Commit(Arc::clone(&shop))),
        Arc::new(MarkPaid(Arc::clone(&shop))),
        Arc::new(ClearCart(shop)),
    ]
}

/// Records how a failed checkout ended on the order: `payment_failed` when the
/// payment was the problem, `cancelled` otherwise. Repeating it changes nothing.
pub async fn close_failed_order(shop: &Shop, order: i64, reason: &str) -> Result<(), StepError> {
    let status = if reason.starts_with("pay") {
        "payment_failed"
    } else {
        "cancelled"
    };
    let body = json!({ "status": status, "reason": reason });
    match shop
        .call(
            reqwest::Method::POST,
            &format!("/internal/orders/{order}/status"),
            Some(&body),
        )
        .await?
    {
        (200, _) => Ok(()),
        (s, r) => Err(StepError::Fatal(format!(
            "closing order {order} answered {s}: {}",
            error_text(&r)
        ))),
    }
}
