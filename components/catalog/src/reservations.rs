//! Stock reservations for the checkout saga (`/internal/catalog/reservations`,
//! service token only).
//!
//! A reservation holds quantities of variants until it expires, is committed
//! (on-hand stock decreases) or is released. Availability is computed, not
//! stored: on-hand stock minus unexpired holds, checked and written inside one
//! `BEGIN IMMEDIATE` transaction, so concurrent checkouts cannot oversell. The
//! saga's key makes reserving idempotent: the same key returns the same
//! reservation.

use crate::input::{self, Errors};
use crate::products::money;
use crate::stock::AVAILABLE_SQL;
use edgecart_kit::auth;
use edgecart_kit::db::{Db, RowExt, int, text};
use edgecart_kit::http::{Ctx, Reply, json};
use edgecart_kit::{ApiError, ApiResult, now};
use serde_json::{Value, json};
use spin_sdk::http::StatusCode;

/// The reservation as the API shows it.
async fn load(db: &Db, id: i64) -> ApiResult<Value> {
    let rows = db
        .query(
            "SELECT id, key, status, expires_at FROM reservations WHERE id = ?",
            [int(id)],
        )
        .await?;
    let r = rows
        .first()
        .ok_or_else(|| ApiError::not_found("no such reservation"))?;
    let mut status = r.text(2);
    if status == "held" && r.int(3) <= now() {
        status = "expired".into();
    }
    let lines: Vec<Value> = db
        .query(
            "SELECT l.variant_id, v.sku, l.quantity, l.unit_price FROM reservation_lines l JOIN variants v ON v.id = l.variant_id
             WHERE l.reservation_id = ? ORDER BY l.variant_id",
            [int(id)],
        )
        .await?
        .iter()
        .map(|l| json!({ "variant_id": l.int(0), "sku": l.text(1), "quantity": l.int(2), "unit_price": money(l.int(3)) }))
        .collect();
    Ok(
        json!({ "id": r.int(0), "key": r.text(1), "status": status, "expires_at": r.int(3), "lines": lines }),
    )
}

async fn by_key(db: &Db, key: &str) -> ApiResult<Option<i64>> {
    Ok(db
        .query("SELECT id FROM reservations WHERE key = ?", [text(key)])
        .await?
        .first()
        .map(|r| r.int(0)))
}

/// `POST /internal/catalog/reservations {key, ttl_seconds?, lines}`.
pub async fn reserve(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    auth::require_service(ctx).await?;
    let body = input::object(ctx.json()?)?;
    let mut e = Errors::default();
    input::only(&body, &["key", "ttl_seconds", "lines"], "", &mut e);
    let key = input::string(body.get("key"), "key", 1, 255, &mut e);
    let ttl = match body.get("ttl_seconds") {
        None | Some(Value::Null) => Some(900),
        t => input::integer(t, "ttl_seconds", 1, 3600, &mut e),
    };
    let mut lines: Vec<(i64, i64)> = Vec::new();
    match body.get("lines") {
        Some(Value::Array(items)) if !items.is_empty() && items.len() <= 100 => {
            for (i, l) in items.iter().enumerate() {
                let at = format!("lines[{i}]");
                let Some(o) = l.as_object() else {
                    e.add(at, "must be {variant_id, quantity}");
                    continue;
                };
                let v = input::integer(
                    o.get("variant_id"),
                    &format!("{at}.variant_id"),
                    1,
                    i64::MAX,
                    &mut e,
                );
                let q =
                    input::integer(o.get("quantity"), &format!("{at}.quantity"), 1, 999, &mut e);
                if let (Some(v), Some(q)) = (v, q) {
                    if lines.iter().any(|(x, _)| *x == v) {
                        e.add(format!("{at}.variant_id"), "appears twice");
                    } else {
                        lines.push((v, q));
                    }
                }
            }
        }
        _ => e.add("lines", "must hold 1 to 100 lines"),
    }
    e.finish()?;
    let (Some(key), Some(ttl)) = (key, ttl) else {
        return Err(ApiError::internal("validated reservation fields missing"));
    };
    if let Some(id) = by_key(db, &key).await? {
        return Ok(json(StatusCode::OK, &load(db, id).await?));
    }
    let (id, status) = match db.transaction(hold(db, &key, ttl, &lines)).await? {
        Held::New(id) => (id, StatusCode::CREATED),
        Held::Existing(id) => (id, StatusCode::OK),
    };
    Ok(json(status, &load(db, id).await?))
}

/// What [`hold`] did.
enum Held {
    /// Wrote a new reservation.
    New(i64),
    /// A concurrent request with the same key got there first.
    Existing(i64),
}

/// Checks availability of every line and writes the hold (inside a transaction).
async fn hold(db: &Db, key: &str, ttl: i64, lines: &[(i64, i64)]) -> ApiResult<Held> {
    if let Some(id) = by_key(db, key).await? {
        return Ok(Held::Existing(id));
    }
    let t = now();
    let mut unknown = Errors::default();
    let mut short = Vec::new();
    let mut prices = Vec::new();
    for (i, (variant, quantity)) in lines.iter().enumerate() {
        let rows = db
            .query(
                &format!(
                    "SELECT {}, v.price, p.status FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id = ?",
                    AVAILABLE_SQL
                ),
                [int(*variant)],
            )
            .await?;
        let Some(r) = rows.first().filter(|r| r.text(2) == "active") else {
            unknown.add(format!("lines[{i}].variant_id"), "is not a variant on sale");
            continue;
        };
        let available = r.int(0).max(0);
        if available < *quantity {
            short.push(
                json!({ "variant_id": variant, "requested": quantity, "available": available }),
            );
        }
        prices.push(r.int(1));
    }
    unknown.finish()?;
    if !short.is_empty() {
        return Err(ApiError::conflict(
            "insufficient_stock",
            "not enough stock for every line: nothing was held",
        )
        .with_details(json!({ "lines": short })));
    }
    db.exec(
        "INSERT INTO reservations (key, status, expires_at, created_at, updated_at) VALUES (?, 'held', ?, ?, ?)",
        [text(key), int(t + ttl), int(t), int(t)],
    )
    .await?;
    let id = db.last_insert_rowid().await;
    for ((variant, quantity), price) in lines.iter().zip(prices) {
        db.exec(
            "INSERT INTO reservation_lines (reservation_id, variant_id, quantity, unit_price) VALUES (?, ?, ?, ?)",
            [int(id), int(*variant), int(*quantity), int(price)],
        )
        .await?;
    }
    Ok(Held::New(id))
}

fn path_id(raw: &str) -> ApiResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::not_found("no such reservation"))
}

/// `GET /internal/catalog/reservations/{id}`.
pub async fn get(ctx: &Ctx, db: &Db, raw: &str) -> ApiResult<Reply> {
    auth::require_service(ctx).await?;
    Ok(json(StatusCode::OK, &load(db, path_id(raw)?).await?))
}

/// `POST /internal/catalog/reservations/{id}/commit`: the hold becomes a sale.
///
/// On-hand stock decreases by each line's quantity, never below zero: if an admin
/// lowered the stock under what was held, the sale still stands (the payment was
/// taken) and the variant simply ends at zero.
pub async fn commit(ctx: &Ctx, db: &Db, raw: &str) -> ApiResult<Reply> {
    auth::require_service(ctx).await?;
    let id = path_id(raw)?;
    db.transaction(async {
        let r = load(db, id).await?;
        match r["status"].as_str() {
            Some("committed") => return Ok(()),
            Some("held") => {}
            Some("expired") => {
                return Err(ApiError::conflict(
                    "reservation_expired",
                    "the hold expired before it was committed",
                ));
            }
            _ => {
                return Err(ApiError::conflict(
                    "reservation_released",
                    "the hold was released",
                ));
            }
        }
        db.exec(
            "UPDATE variants SET stock = MAX(0, stock - (SELECT quantity FROM reservation_lines WHERE reservation_id = ?1 AND variant_id = variants.id))
             WHERE id IN (SELECT variant_id FROM reservation_lines WHERE reservation_id = ?1)",
            [int(id)],
        )
        .await?;
        db.exec(
            "UPDATE reservations SET status = 'committed', updated_at = ? WHERE id = ?",
            [int(now()), int(id)],
        )
        .await
        .map(|_| ())
    })
    .await?;
    Ok(json(StatusCode::OK, &load(db, id).await?))
}

/// `POST /internal/catalog/reservations/{id}/release`: gives the hold back
/// (idempotent; an expired hold can be released too).
pub async fn release(ctx: &Ctx, db: &Db, raw: &str) -> ApiResult<Reply> {
    auth::require_service(ctx).await?;
    let id = path_id(raw)?;
    db.transaction(async {
        if load(db, id).await?["status"] == "committed" {
            return Err(ApiError::conflict(
                "reservation_committed",
                "a committed reservation cannot be released",
            ));
        }
        db.exec(
            "UPDATE reservations SET status = 'released', updated_at = ? WHERE id = ? AND status = 'held'",
            [int(now()), int(id)],
        )
        .await
        .map(|_| ())
    })
    .await?;
    Ok(json(StatusCode::OK, &load(db, id).await?))
}
