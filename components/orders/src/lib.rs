//! The orders component.
//!
//! Routes:
//! - `POST /api/orders/checkout` (signed in, `Idempotency-Key` required): turns
//!   the shopper's cart into an order in `pending_payment` with a snapshot of
//!   lines, prices, address and totals; the host's checkout saga picks it up;
//! - `GET /api/orders` (mine, newest first), `GET /api/orders/{id}` (with the
//!   status timeline);
//! - admins: `GET /api/orders/admin/orders`, `POST /api/orders/{id}/fulfilment
//!   {status: processing|shipped|delivered, tracking_number?}`,
//!   `POST /api/orders/{id}/cancel {reason?}` and `POST /api/orders/{id}/refunds
//!   {amount?, reason?}` (see [`refunds`]);
//! - internal (service token): `GET /internal/orders/pending` for the saga,
//!   `POST /internal/orders/{id}/status {status, reason?, payment_id?}`, and the
//!   refund outbox `GET /internal/orders/refunds/pending`,
//!   `POST /internal/orders/refunds/{id}/result`.

mod refunds;
mod schema;

use edgecart_kit::auth::{self, Principal, Role};
use edgecart_kit::db::{Db, RowExt, int, opt_text, text};
use edgecart_kit::http::{Ctx, IncomingRequest, Reply, json};
use edgecart_kit::{ApiError, ApiResult, idempotency, now, paging};
use serde::Deserialize;
use serde_json::{Value, json};
use spin_sdk::http::body::IncomingBodyExt;
use spin_sdk::http::{EmptyBody, Method, Request, StatusCode};

edgecart_kit::serve!(route);

async fn route(req: IncomingRequest) -> ApiResult<Reply> {
    let ctx = Ctx::read(req).await?;
    let path = ctx.path();
    let db = schema::open().await?;
    match (ctx.method.clone(), path.as_slice()) {
        (Method::POST, ["api", "orders", "checkout"]) => checkout(&ctx, &db).await,
        (Method::GET, ["api", "orders"]) => list(&ctx, &db, false).await,
        (Method::GET, ["api", "orders", "admin", "orders"]) => list(&ctx, &db, true).await,
        (Method::GET, ["api", "orders", id]) => get(&ctx, &db, id).await,
        (Method::POST, ["api", "orders", id, "fulfilment"]) => fulfil(&ctx, &db, id).await,
        (Method::POST, ["api", "orders", id, "cancel"]) => refunds::cancel(&ctx, &db, id).await,
        (Method::POST, ["api", "orders", id, "refunds"]) => refunds::refund(&ctx, &db, id).await,
        (Method::GET, ["internal", "orders", "pending"]) => pending(&ctx, &db).await,
        (Method::GET, ["internal", "orders", "refunds", "pending"]) => {
            refunds::pending(&ctx, &db).await
        }
        (Method::POST, ["internal", "orders", "refunds", id, "result"]) => {
            refunds::result(&ctx, &db, id).await
        }
        (Method::POST, ["internal", "orders", id, "status"]) => set_status(&ctx, &db, id).await,
        (
            _,
            ["api", "orders"]
            | ["api", "orders", "checkout" | _]
            | ["api", "orders", _, "fulfilment" | "cancel" | "refunds"],
        )
        | (
            _,
            ["internal", "orders", "pending"]
            | ["internal", "orders", _, "status"]
            | ["internal", "orders", "refunds", "pending"]
            | ["internal", "orders", "refunds", _, "result"],
        ) => Err(ApiError::method_not_allowed()),
        _ => Err(ApiError::not_found("no such orders route")),
    }
}

fn order_id(raw: &str) -> ApiResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::not_found("no such order"))
}

/// The order with its lines and timeline.
async fn load(db: &Db, id: i64) -> ApiResult<Value> {
    // One statement, so one snapshot: a refund settling between two reads could
    // otherwise show as succeeded while amount_refunded does not count it yet.
    // Lists are sorted in subqueries: the libSQL client rejects `ORDER BY`
    // inside an aggregate (see the catalog's facets).
    let rows = db
        .query(
            "SELECT id, user_id, status, currency, subtotal, shipping, tax, total, country, address,
                    payment_method, payment_id, reason, tracking_number, created_at, updated_at, amount_refunded,
                    (SELECT json_group_array(json_array(variant_id, sku, title, options, quantity, unit_price, line_total))
                        FROM (SELECT * FROM order_lines WHERE order_id = o.id ORDER BY variant_id)),
                    (SELECT json_group_array(json_array(status, note, created_at))
                        FROM (SELECT * FROM order_events WHERE order_id = o.id ORDER BY id)),
                    (SELECT json_group_array(json_array(id, amount, reason, status, error, created_at, updated_at))
                        FROM (SELECT * FROM refunds WHERE order_id = o.id ORDER BY id))
             FROM orders o WHERE id = ?",
            [int(id)],
        )
        .await?;
    let o = rows
        .first()
        .ok_or_else(|| ApiError::not_found("no such order"))?;
    let currency = o.text(3);
    let money = |n: &Value| json!({ "amount": n.as_i64().unwrap_or(0), "currency": currency });
    let lines: Vec<Value> = o.json_list(17)
        .iter()
        .map(|l| {
            json!({
                "variant_id": l[0], "sku": l[1], "title": l[2],
                "options": serde_json::from_str::<Value>(l[3].as_str().unwrap_or("")).unwrap_or(Value::Null),
                "quantity": l[4], "unit_price": money(&l[5]), "line_total": money(&l[6]),
            })
        })
        .collect();
    let timeline: Vec<Value> = o
        .json_list(18)
        .iter()
        .map(|e| json!({ "status": e[0], "note": e[1], "at": e[2] }))
        .collect();
    let refunds: Vec<Value> = o
        .json_list(19)
        .iter()
        .map(|r| {
            json!({
                "id": r[0], "amount": money(&r[1]), "reason": r[2], "status": r[3],
                "error": r[4], "created_at": r[5], "updated_at": r[6],
            })
        })
        .collect();
    let amount = |i: usize| money(&json!(o.int(i)));
    Ok(json!({
        "id": o.int(0), "user_id": o.int(1), "status": o.text(2), "currency": currency,
        "subtotal": amount(4), "shipping": amount(5), "tax": amount(6), "total": amount(7),
        "country": o.text(8), "address": serde_json::from_str::<Value>(&o.text(9)).unwrap_or(Value::Null),
        "payment_method": o.text(10), "payment_id": o.opt_text(11), "reason": o.opt_text(12),
        "tracking_number": o.opt_text(13), "created_at": o.int(14), "updated_at": o.int(15),
        "amount_refunded": amount(16), "lines": lines, "timeline": timeline, "refunds": refunds,
    }))
}

/// A shipping address, validated.
fn address(v: &Value) -> ApiResult<Value> {
    let mut errors = Vec::new();
    let mut field = |name: &str, min: usize, max: usize| -> String {
        let s = v[name].as_str().unwrap_or("").trim().to_string();
        let n = s.chars().count();
        if n < min || n > max {
            errors.push((
                format!("address.{name}"),
                format!("must be {min} to {max} characters"),
            ));
        }
        s
    };
    let a = json!({
        "name": field("name", 1, 100), "line1": field("line1", 1, 200), "line2": field("line2", 0, 200),
        "city": field("city", 1, 100), "postal_code": field("postal_code", 1, 20),
        "region": field("region", 0, 100), "phone": field("phone", 0, 30),
        "country": field("country", 2, 2).to_ascii_uppercase(),
    });
    if !a["country"]
        .as_str()
        .unwrap_or("")
        .chars()
        .all(|c| c.is_ascii_uppercase())
    {
        errors.push((
            "address.country".into(),
            "must be a two-letter ISO 3166-1 code".into(),
        ));
    }
    if errors.is_empty() {
        Ok(a)
    } else {
        Err(ApiError::validation(errors))
    }
}

/// The shopper's cart, read from the cart component with the shopper's token;
/// `no-cache` makes the cart ask the catalog now, so the order is priced from it.
async fn cart(ctx: &Ctx, country: &str) -> ApiResult<Value> {
    let mut req = Request::get(format!(
        "http://cart.spin.internal/api/cart?country={country}"
    ))
    .header("cache-control", "no-cache");
    if let Some(a) = ctx.header("authorization") {
        req = req.header("authorization", a);
    }
    let req = req
        .body(EmptyBody::new())
        .map_err(|e| ApiError::internal(format!("cart request: {e}")))?;
    let resp = spin_sdk::http::send(req)
        .await
        .map_err(|e| ApiError::unavailable(format!("cart: {e:?}")))?;
    let status = resp.status();
    let body = resp
        .into_body()
        .bytes()
        .await
        .map_err(|e| ApiError::unavailable(format!("cart body: {e:?}")))?;
    if !status.is_success() {
        return Err(ApiError::unavailable(format!(
            "cart answered {status}: {}",
            String::from_utf8_lossy(&body)
        )));
    }
    serde_json::from_slice(&body)
        .map_err(|e| ApiError::unavailable(format!("cart sent unexpected JSON: {e}")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Checkout {
    payment_method: String,
    address: Value,
}

/// `POST /api/orders/checkout`.
async fn checkout(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    let me = auth::authenticate(ctx).await?;
    let key = idempotency::key_of(ctx)?.ok_or_else(|| {
        ApiError::bad_request(
            "idempotency_key_required",
            "checkout needs an Idempotency-Key header",
        )
    })?;
    let scope = format!("checkout:{}", me.user_id);
    let claimed = match idempotency::claim(db, &scope, &key, &ctx.body).await? {
        idempotency::Claim::Replay(reply) => return Ok(reply),
        idempotency::Claim::Run(k) => k,
    };
    match place(ctx, db, me).await {
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

async fn place(ctx: &Ctx, db: &Db, me: Principal) -> ApiResult<Value> {
    let c: Checkout = ctx.json()?;
    let pm = c.payment_method.trim().to_string();
    if pm.is_empty() || pm.len() > 255 {
        return Err(ApiError::field(
            "payment_method",
            "must name a payment method such as pm_card_visa",
        ));
    }
    let address = address(&c.address)?;
    let country = address["country"].as_str().unwrap_or("").to_string();
    let cart = cart(ctx, &country).await?;
    let lines = cart["lines"].as_array().cloned().unwrap_or_default();
    if lines.is_empty() {
        return Err(ApiError::conflict("cart_empty", "the cart is empty"));
    }
    if cart["checkout_ready"] != true {
        return Err(ApiError::conflict(
            "cart_not_ready",
            "some lines need attention: see the cart's notices",
        )
        .with_details(json!({ "lines": lines })));
    }
    let amount = |v: &Value| v["amount"].as_i64().unwrap_or(0);
    let t = now();
    db.begin().await?;
    let result = async {
        db.exec(
            "INSERT INTO orders (user_id, status, currency, subtotal, shipping, tax, total, country, address, payment_method, created_at, updated_at)
             VALUES (?, 'pending_payment', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                int(me.user_id), text(cart["currency"].as_str().unwrap_or("EUR")),
                int(amount(&cart["subtotal"])), int(amount(&cart["shipping"])), int(amount(&cart["tax"])),
                int(amount(&cart["total"])), text(country.clone()), text(address.to_string()), text(pm.clone()),
                int(t), int(t),
            ],
        )
        .await?;
        let id = db.last_insert_rowid().await;
        for l in &lines {
            db.exec(
                "INSERT INTO order_lines (order_id, variant_id, sku, title, options, quantity, unit_price, line_total) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    int(id), int(l["variant_id"].as_i64().unwrap_or(0)), text(l["sku"].as_str().unwrap_or("")),
                    text(l["title"].as_str().unwrap_or("")), text(l["options"].to_string()),
                    int(l["quantity"].as_i64().unwrap_or(0)), int(amount(&l["unit_price"])), int(amount(&l["line_total"])),
                ],
            )
            .await?;
        }
        db.exec(
            "INSERT INTO order_events (order_id, status, note, created_at) VALUES (?, 'pending_payment', 'order placed', ?)",
            [int(id), int(t)],
        )
        .await?;
        Ok::<_, ApiError>(id)
    }
    .await;
    let id = match result {
        Ok(id) => {
            db.commit().await?;
            id
        }
        Err(e) => {
            db.rollback().await;
            return Err(e);
        }
    };
    load(db, id).await
}

/// `GET /api/orders` (mine) and `GET /api/orders/admin/orders` (all).
async fn list(ctx: &Ctx, db: &Db, all: bool) -> ApiResult<Reply> {
    let me = auth::authenticate(ctx).await?;
    if all {
        me.require_admin()?;
    }
    let limit = paging::limit(ctx, 20, 100)?;
    let before: i64 = paging::cursor(ctx)?.unwrap_or(i64::MAX);
    let status = ctx.param("status").unwrap_or("");
    let rows = db
        .query(
            "SELECT id FROM orders WHERE id < ? AND (? OR user_id = ?) AND (? = '' OR status = ?) ORDER BY id DESC LIMIT ?",
            [int(before), int(i64::from(all)), int(me.user_id), text(status), text(status), int(i64::from(limit) + 1)],
        )
        .await?;
    let more = rows.len() > limit as usize;
    let mut items = Vec::new();
    for r in rows.iter().take(limit as usize) {
        items.push(load(db, r.int(0)).await?);
    }
    let next_cursor = more
        .then(|| items.last().and_then(|o| o["id"].as_i64()))
        .flatten()
        .map(|id| paging::encode(&id));
    Ok(json(StatusCode::OK, &paging::Page { items, next_cursor }))
}

/// `GET /api/orders/{id}`: the owner's or, for admins, any.
async fn get(ctx: &Ctx, db: &Db, raw: &str) -> ApiResult<Reply> {
    let me = auth::authenticate(ctx).await?;
    let order = load(db, order_id(raw)?).await?;
    if order["user_id"] != me.user_id && me.role != Role::Admin {
        return Err(ApiError::not_found("no such order"));
    }
    Ok(json(StatusCode::OK, &order))
}

/// Moves an order to `to` if the state machine allows it; the same status again
/// is accepted and changes nothing (retries).
async fn transition(
    db: &Db,
    id: i64,
    to: &str,
    note: Option<String>,
    set: &[(&str, Option<String>)],
) -> ApiResult<Value> {
    db.transaction(transition_in(db, id, to, note, set)).await?;
    load(db, id).await
}

/// [`transition`] inside the caller's transaction; `true` when the status changed.
async fn transition_in(
    db: &Db,
    id: i64,
    to: &str,
    note: Option<String>,
    set: &[(&str, Option<String>)],
) -> ApiResult<bool> {
    let rows = db
        .query("SELECT status FROM orders WHERE id = ?", [int(id)])
        .await?;
    let from = rows
        .first()
        .map(|r| r.text(0))
        .ok_or_else(|| ApiError::not_found("no such order"))?;
    if from == to {
        return Ok(false);
    }
    if !schema::allowed(&from, to) {
        return Err(ApiError::conflict(
            "invalid_transition",
            format!("an order that is {from} cannot become {to}"),
        ));
    }
    db.exec(
        "UPDATE orders SET status = ?, updated_at = ? WHERE id = ?",
        [text(to), int(now()), int(id)],
    )
    .await?;
    for (column, value) in set {
        if let Some(v) = value {
            db.exec(
                &format!("UPDATE orders SET {column} = ? WHERE id = ?"),
                [text(v.clone()), int(id)],
            )
            .await?;
        }
    }
    db.exec(
        "INSERT INTO order_events (order_id, status, note, created_at) VALUES (?, ?, ?, ?)",
        [int(id), text(to), opt_text(note), int(now())],
    )
    .await?;
    Ok(true)
}

/// `POST /api/orders/{id}/fulfilment {status, tracking_number?}` (admin).
async fn fulfil(ctx: &Ctx, db: &Db, raw: &str) -> ApiResult<Reply> {
    auth::require_admin(ctx).await?;
    let id = order_id(raw)?;
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        status: String,
        tracking_number: Option<String>,
    }
    let b: Body = ctx.json()?;
    let to = b.status.as_str();
    if !matches!(to, "processing" | "shipped" | "delivered") {
        return Err(ApiError::field(
            "status",
            "must be processing, shipped or delivered",
        ));
    }
    let tracking = b.tracking_number.map(|t| t.trim().to_string());
    if to == "shipped"
        && tracking
            .as_deref()
            .is_none_or(|t| t.is_empty() || t.len() > 100)
    {
        return Err(ApiError::field(
            "tracking_number",
            "is required to ship: 1 to 100 characters",
        ));
    }
    let note = tracking.as_ref().map(|t| format!("tracking number {t}"));
    let order = transition(db, id, to, note, &[("tracking_number", tracking)]).await?;
    Ok(json(StatusCode::OK, &order))
}

/// `GET /internal/orders/pending`: orders waiting for the saga, oldest first.
async fn pending(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    auth::require_service(ctx).await?;
    let rows = db
        .query(
            "SELECT id FROM orders WHERE status = 'pending_payment' ORDER BY id LIMIT 100",
            [],
        )
        .await?;
    let mut items = Vec::new();
    for r in &rows {
        items.push(load(db, r.int(0)).await?);
    }
    Ok(json(StatusCode::OK, &json!({ "items": items })))
}

/// `POST /internal/orders/{id}/status {status, reason?, payment_id?}` (service).
async fn set_status(ctx: &Ctx, db: &Db, raw: &str) -> ApiResult<Reply> {
    auth::require_service(ctx).await?;
    let id = order_id(raw)?;
    #[derive(Deserialize)]
    struct Body {
        status: String,
        reason: Option<String>,
        payment_id: Option<String>,
    }
    let b: Body = ctx.json()?;
    if !matches!(b.status.as_str(), "paid" | "payment_failed" | "cancelled") {
        return Err(ApiError::field(
            "status",
            "must be paid, payment_failed or cancelled",
        ));
    }
    let order = transition(
        db,
        id,
        &b.status,
        b.reason.clone(),
        &[("payment_id", b.payment_id), ("reason", b.reason)],
    )
    .await?;
    Ok(json(StatusCode::OK, &order))
}
