//! Cancelling and refunding paid orders.
//!
//! Money goes back through the host's payment gateway, which a component cannot
//! reach, so a refund is an outbox row: an admin's request stores it `pending`
//! (in the same transaction as the order's change), the host lists pending
//! refunds, asks the gateway (with `refund-<id>` as the idempotency key, so a
//! retried refund never pays out twice) and reports the result. Only then does
//! the order's `amount_refunded` grow, so the order and the payment agree.
//!
//! - `POST /api/orders/{id}/cancel {reason?}` (admin): a `paid` or `processing`
//!   order becomes `cancelled` and whatever is not yet refunded is refunded.
//!   Repeating it changes nothing; after a failed refund it asks again.
//! - `POST /api/orders/{id}/refunds {amount?, reason?}` (admin,
//!   `Idempotency-Key` required): refunds `amount` minor units (default: all that
//!   is left) of a paid, processing, shipped or delivered order. Refunds pending
//!   or done count against the order's total, so two refunds can never exceed it.
//! - `GET /internal/orders/refunds/pending`, `POST
//!   /internal/orders/refunds/{id}/result {status: succeeded|failed, gateway_id?,
//!   error?}` (service token): the host's side of the outbox. When the last
//!   money comes back, the order becomes `refunded` (a cancelled one stays
//!   `cancelled`).

use crate::{load, order_id, transition_in};
use edgecart_kit::auth;
use edgecart_kit::db::{Db, RowExt, int, opt_text, text};
use edgecart_kit::http::{Ctx, Reply, json};
use edgecart_kit::{ApiError, ApiResult, idempotency, now};
use serde::Deserialize;
use serde_json::{Value, json};
use spin_sdk::http::StatusCode;

/// Longest refund or cancellation reason, in characters.
const MAX_REASON: usize = 500;

fn reason(raw: Option<String>) -> ApiResult<Option<String>> {
    let r = raw.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
    if r.as_ref().is_some_and(|r| r.chars().count() > MAX_REASON) {
        return Err(ApiError::field(
            "reason",
            format!("must be at most {MAX_REASON} characters"),
        ));
    }
    Ok(r)
}

/// The order's status and what of its payment is not yet refunded or being
/// refunded (nothing when it was never paid).
async fn refundable(db: &Db, id: i64) -> ApiResult<(String, i64)> {
    let rows = db
        .query(
            "SELECT o.status, CASE WHEN o.payment_id IS NULL THEN 0 ELSE o.total - COALESCE((SELECT SUM(amount)
                 FROM refunds r WHERE r.order_id = o.id AND r.status IN ('pending', 'succeeded')), 0) END
             FROM orders o WHERE o.id = ?",
            [int(id)],
        )
        .await?;
    let r = rows
        .first()
        .ok_or_else(|| ApiError::not_found("no such order"))?;
    Ok((r.text(0), r.int(1)))
}

async fn insert(db: &Db, id: i64, amount: i64, reason: Option<String>) -> ApiResult<()> {
    let t = now();
    db.exec(
        "INSERT INTO refunds (order_id, amount, reason, status, created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?)",
        [int(id), int(amount), opt_text(reason), int(t), int(t)],
    )
    .await?;
    event(db, id, format!("refund of {amount} requested")).await
}

/// A timeline entry that records something without changing the status.
async fn event(db: &Db, id: i64, note: String) -> ApiResult<()> {
    db.exec(
        "INSERT INTO order_events (order_id, status, note, created_at)
         SELECT id, status, ?, ? FROM orders WHERE id = ?",
        [text(note), int(now()), int(id)],
    )
    .await
    .map(|_| ())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CancelBody {
    reason: Option<String>,
}

/// `POST /api/orders/{id}/cancel`.
pub async fn cancel(ctx: &Ctx, db: &Db, raw: &str) -> ApiResult<Reply> {
    auth::require_admin(ctx).await?;
    let id = order_id(raw)?;
    let body: CancelBody = if ctx.body.is_empty() {
        CancelBody { reason: None }
    } else {
        ctx.json()?
    };
    let reason = reason(body.reason)?;
    db.transaction(async {
        let (status, left) = refundable(db, id).await?;
        if !matches!(status.as_str(), "paid" | "processing" | "cancelled") {
            return Err(ApiError::conflict(
                "invalid_transition",
                format!("an order that is {status} cannot be cancelled"),
            ));
        }
        let note = Some(
            reason
                .clone()
                .unwrap_or_else(|| "cancelled by an admin".into()),
        );
        transition_in(db, id, "cancelled", note, &[("reason", reason.clone())]).await?;
        if left > 0 {
            insert(db, id, left, reason).await?;
        }
        Ok(())
    })
    .await?;
    Ok(json(StatusCode::OK, &load(db, id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefundBody {
    amount: Option<i64>,
    reason: Option<String>,
}

/// `POST /api/orders/{id}/refunds`.
pub async fn refund(ctx: &Ctx, db: &Db, raw: &str) -> ApiResult<Reply> {
    auth::require_admin(ctx).await?;
    let id = order_id(raw)?;
    let key = idempotency::key_of(ctx)?.ok_or_else(|| {
        ApiError::bad_request(
            "idempotency_key_required",
            "a refund needs an Idempotency-Key header",
        )
    })?;
    let claimed = match idempotency::claim(db, &format!("refund:{id}"), &key, &ctx.body).await? {
        idempotency::Claim::Replay(reply) => return Ok(reply),
        idempotency::Claim::Run(k) => k,
    };
    match request_refund(ctx, db, id).await {
        Ok(order) => {
            let body = serde_json::to_vec(&order).unwrap_or_default();
            idempotency::complete(db, &claimed, StatusCode::ACCEPTED, &body).await?;
            Ok(json(StatusCode::ACCEPTED, &order))
        }
        Err(e) => {
            idempotency::abandon(db, &claimed).await;
            Err(e)
        }
    }
}

async fn request_refund(ctx: &Ctx, db: &Db, id: i64) -> ApiResult<Value> {
    let body: RefundBody = if ctx.body.is_empty() {
        RefundBody {
            amount: None,
            reason: None,
        }
    } else {
        ctx.json()?
    };
    let reason = reason(body.reason)?;
    db.transaction(async {
        let (status, left) = refundable(db, id).await?;
        if !matches!(
            status.as_str(),
            "paid" | "processing" | "shipped" | "delivered"
        ) {
            return Err(ApiError::conflict(
                "not_refundable",
                format!("an order that is {status} cannot be refunded"),
            ));
        }
        if left <= 0 {
            return Err(ApiError::conflict(
                "fully_refunded",
                "the whole order is already refunded or being refunded",
            ));
        }
        let amount = body.amount.unwrap_or(left);
        if amount < 1 || amount > left {
            return Err(ApiError::field(
                "amount",
                format!("must be 1 to {left} (minor units not yet refunded)"),
            ));
        }
        insert(db, id, amount, reason).await
    })
    .await?;
    load(db, id).await
}

/// `GET /internal/orders/refunds/pending`: refunds for the host to pay out,
/// oldest first.
pub async fn pending(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    auth::require_service(ctx).await?;
    let items: Vec<Value> = db
        .query(
            "SELECT r.id, r.order_id, r.amount, o.currency, o.payment_id FROM refunds r
             JOIN orders o ON o.id = r.order_id WHERE r.status = 'pending' ORDER BY r.id LIMIT 100",
            [],
        )
        .await?
        .iter()
        .map(|r| {
            json!({
                "id": r.int(0), "order_id": r.int(1),
                "amount": { "amount": r.int(2), "currency": r.text(3) },
                "payment_id": r.opt_text(4),
            })
        })
        .collect();
    Ok(json(StatusCode::OK, &json!({ "items": items })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResultBody {
    status: String,
    gateway_id: Option<String>,
    error: Option<String>,
}

/// `POST /internal/orders/refunds/{id}/result`: the gateway's answer. Reporting
/// the same result again changes nothing.
pub async fn result(ctx: &Ctx, db: &Db, raw: &str) -> ApiResult<Reply> {
    auth::require_service(ctx).await?;
    let rid = raw
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::not_found("no such refund"))?;
    let b: ResultBody = ctx.json()?;
    if !matches!(b.status.as_str(), "succeeded" | "failed") {
        return Err(ApiError::field("status", "must be succeeded or failed"));
    }
    let order = db
        .transaction(async {
            let rows = db
                .query(
                    "SELECT order_id, amount, status FROM refunds WHERE id = ?",
                    [int(rid)],
                )
                .await?;
            let r = rows
                .first()
                .ok_or_else(|| ApiError::not_found("no such refund"))?;
            let (order, amount, status) = (r.int(0), r.int(1), r.text(2));
            if status == b.status {
                return Ok(order);
            }
            if status != "pending" {
                return Err(ApiError::conflict(
                    "refund_settled",
                    format!("the refund already {status}"),
                ));
            }
            db.exec(
            "UPDATE refunds SET status = ?, gateway_id = ?, error = ?, updated_at = ? WHERE id = ?",
            [
                text(b.status.clone()),
                opt_text(b.gateway_id.clone()),
                opt_text(b.error.clone()),
                int(now()),
                int(rid),
            ],
        )
        .await?;
            if b.status == "failed" {
                let why = b.error.clone().unwrap_or_else(|| "no reason given".into());
                event(db, order, format!("refund of {amount} failed: {why}")).await?;
                return Ok(order);
            }
            db.exec(
            "UPDATE orders SET amount_refunded = amount_refunded + ?, updated_at = ? WHERE id = ?",
            [int(amount), int(now()), int(order)],
        )
        .await?;
            event(db, order, format!("refunded {amount}")).await?;
            let done = db
                .query(
                    "SELECT status, amount_refunded >= total FROM orders WHERE id = ?",
                    [int(order)],
                )
                .await?;
            if let Some(o) = done.first()
                && o.int(1) == 1
                && o.text(0) != "cancelled"
            {
                transition_in(db, order, "refunded", Some("fully refunded".into()), &[]).await?;
            }
            Ok(order)
        })
        .await?;
    Ok(json(StatusCode::OK, &load(db, order).await?))
}
