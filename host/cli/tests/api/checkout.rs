//! Checkout end to end through `edgecart`: cart → order → the host's saga
//! (reservation, sandbox payment, commit, paid, cart cleared) → fulfilment, and
//! the ways it fails.

use crate::helpers::{NO_SQLD, Sqld, TestApp, spawn_commerce, sqld};
use crate::shop::{spawn_shop, spawn_shop_in, spawn_shop_with};
use edgecart_commerce::payments::sandbox::SandboxGateway;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

const ADDRESS: &str = r#"{"name":"Ann Smith","line1":"Hauptstr. 1","city":"Berlin","postal_code":"10115","country":"DE"}"#;

pub async fn product(app: &TestApp, admin: &str, sku: &str, price: i64, stock: i64) -> (i64, i64) {
    let a = app
        .call(
            Method::POST,
            "/api/catalog/products",
            Some(admin),
            Some(json!({ "title": format!("Thing {sku}"), "status": "active", "variants": [{ "sku": sku, "price": price, "stock": stock }] })),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    (
        a.body["id"].as_i64().unwrap(),
        a.body["variants"][0]["id"].as_i64().unwrap(),
    )
}

pub async fn add(app: &TestApp, token: &str, variant: i64, quantity: i64) {
    let a = app
        .call(
            Method::POST,
            "/api/cart/items",
            Some(token),
            Some(json!({ "variant_id": variant, "quantity": quantity })),
        )
        .await;
    assert!(a.status == 200 || a.status == 201, "{}", a.body);
}

async fn checkout(app: &TestApp, token: &str, key: &str, pm: &str) -> crate::shop::Answer {
    let body =
        json!({ "payment_method": pm, "address": serde_json::from_str::<Value>(ADDRESS).unwrap() });
    app.call_with(
        Method::POST,
        "/api/orders/checkout",
        Some(token),
        Some(body),
        &[("idempotency-key", key)],
    )
    .await
}

/// Waits until the order leaves `pending_payment`.
async fn settled(app: &TestApp, token: &str, id: i64) -> Value {
    for _ in 0..300 {
        let o = app
            .call(Method::GET, &format!("/api/orders/{id}"), Some(token), None)
            .await;
        if o.body["status"] != "pending_payment" {
            return o.body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("order {id} stayed pending_payment");
}

async fn available(app: &TestApp, product: i64) -> i64 {
    app.get_json(&format!("/api/catalog/products/{product}"))
        .await["variants"][0]["stock"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_shopper_checks_out_pays_and_the_order_is_shipped_and_delivered() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let (product_id, variant) = product(&app, &admin, "LAMP-1", 2500, 5).await;
    let ann = app.customer_token("ann@example.com").await;
    let found = app.get_json("/api/catalog/products?q=thing").await;
    assert_eq!(found["items"][0]["id"], product_id);
    add(&app, &ann, variant, 2).await;

    let placed = checkout(&app, &ann, "checkout-1", "pm_card_visa").await;
    assert_eq!(placed.status, 202, "{}", placed.body);
    assert_eq!(placed.body["status"], "pending_payment");
    // 2 × 25.00, free shipping from 50.00, 19% tax: 59.50.
    assert_eq!(placed.body["total"]["amount"], 5950);
    let id = placed.body["id"].as_i64().unwrap();
    let again = checkout(&app, &ann, "checkout-1", "pm_card_visa").await;
    assert_eq!(again.body["id"], id, "the same key is the same order");
    let other = checkout(&app, &ann, "checkout-1", "pm_card_mastercard").await;
    assert_eq!(
        (other.status, other.code()),
        (422, "idempotency_key_reused")
    );

    let order = settled(&app, &ann, id).await;
    assert_eq!(order["status"], "paid", "{order}");
    assert!(order["payment_id"].as_str().unwrap().starts_with("pi_"));
    assert_eq!(available(&app, product_id).await, 3);
    let cart = app.call(Method::GET, "/api/cart", Some(&ann), None).await;
    assert_eq!(cart.body["lines"], json!([]), "bought items leave the cart");

    let path = format!("/api/orders/{id}/fulfilment");
    let ship = async |body: Value| {
        app.call(Method::POST, &path, Some(&admin), Some(body))
            .await
    };
    assert_eq!(
        ship(json!({ "status": "shipped" })).await.status,
        422,
        "shipping needs a tracking number"
    );
    let customer_try = app
        .call(
            Method::POST,
            &format!("/api/orders/{id}/fulfilment"),
            Some(&ann),
            Some(json!({ "status": "delivered" })),
        )
        .await;
    assert_eq!(customer_try.status, 403);
    assert_eq!(
        ship(json!({ "status": "delivered" })).await.code(),
        "invalid_transition"
    );
    assert_eq!(
        ship(json!({ "status": "shipped", "tracking_number": "DHL-123" }))
            .await
            .status,
        200
    );
    let delivered = ship(json!({ "status": "delivered" })).await;
    assert_eq!(delivered.body["status"], "delivered");
    assert_eq!(delivered.body["tracking_number"], "DHL-123");
    let timeline: Vec<&str> = delivered.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        timeline,
        ["pending_payment", "paid", "shipped", "delivered"]
    );

    let mine = app.call(Method::GET, "/api/orders", Some(&ann), None).await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 1);
    let bob = app.customer_token("bob@example.com").await;
    assert_eq!(
        app.call(Method::GET, &format!("/api/orders/{id}"), Some(&bob), None)
            .await
            .status,
        404
    );
    assert_eq!(
        app.call(Method::GET, "/api/orders/admin/orders", Some(&bob), None)
            .await
            .status,
        403
    );
    let all = app
        .call(
            Method::GET,
            "/api/orders/admin/orders?status=delivered",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(all.body["items"][0]["id"], id);
}

#[tokio::test]
async fn a_declined_card_fails_the_order_releases_the_stock_and_keeps_the_cart() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let (product_id, variant) = product(&app, &admin, "MUG-1", 1500, 4).await;
    let ann = app.customer_token("ann@example.com").await;
    add(&app, &ann, variant, 3).await;
    let placed = checkout(
        &app,
        &ann,
        "declined-1",
        "pm_card_chargeDeclinedInsufficientFunds",
    )
    .await;
    let id = placed.body["id"].as_i64().unwrap();
    let order = settled(&app, &ann, id).await;
    assert_eq!(order["status"], "payment_failed", "{order}");
    assert!(
        order["reason"]
            .as_str()
            .unwrap()
            .contains("insufficient funds"),
        "{order}"
    );
    assert_eq!(
        available(&app, product_id).await,
        4,
        "the hold was released"
    );
    let cart = app.call(Method::GET, "/api/cart", Some(&ann), None).await;
    assert_eq!(
        cart.body["lines"][0]["quantity"], 3,
        "the cart is kept to try another card"
    );
    let retry = checkout(&app, &ann, "declined-2", "pm_card_visa").await;
    let paid = settled(&app, &ann, retry.body["id"].as_i64().unwrap()).await;
    assert_eq!(paid["status"], "paid");
    let metrics = app
        .client
        .get(format!("http://{}/metrics", app.admin))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("edgecart_payment_errors_total{gateway=\"sandbox\",kind=\"declined\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("edgecart_checkout_sagas_total{outcome=\"failed\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn checkout_is_refused_before_any_charge_when_the_cart_cannot_be_bought() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let (_, variant) = product(&app, &admin, "VASE-1", 3000, 2).await;
    let ann = app.customer_token("ann@example.com").await;
    let empty = checkout(&app, &ann, "empty", "pm_card_visa").await;
    assert_eq!((empty.status, empty.code()), (409, "cart_empty"));
    add(&app, &ann, variant, 2).await;
    app.call(
        Method::PATCH,
        &format!("/api/catalog/variants/{variant}"),
        Some(&admin),
        Some(json!({ "stock": 1 })),
    )
    .await;
    let refused = checkout(&app, &ann, "short", "pm_card_visa").await;
    assert_eq!((refused.status, refused.code()), (409, "cart_not_ready"));
    let no_key = app
        .call(
            Method::POST,
            "/api/orders/checkout",
            Some(&ann),
            Some(json!({ "payment_method": "pm_card_visa", "address": {} })),
        )
        .await;
    assert_eq!(
        (no_key.status, no_key.code()),
        (400, "idempotency_key_required")
    );
    let bad_address = app
        .call_with(
            Method::POST,
            "/api/orders/checkout",
            Some(&ann),
            Some(json!({ "payment_method": "pm_card_visa", "address": { "name": "" } })),
            &[("idempotency-key", "bad")],
        )
        .await;
    assert_eq!(bad_address.status, 422);
    assert_eq!(
        app.call(Method::POST, "/api/orders/checkout", None, None)
            .await
            .status,
        401
    );
    let orders = app.call(Method::GET, "/api/orders", Some(&ann), None).await;
    assert_eq!(orders.body["items"], json!([]), "no order was created");
}

#[tokio::test]
async fn concurrent_checkouts_never_sell_more_than_the_stock() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let (product_id, variant) = product(&app, &admin, "PRINT-1", 4000, 30).await;
    let mut shoppers = Vec::new();
    for n in 0..100 {
        let token = app.customer_token(&format!("shopper{n}@example.com")).await;
        add(&app, &token, variant, 1).await;
        shoppers.push(token);
    }
    let placed = futures_util::future::join_all(shoppers.iter().enumerate().map(|(n, t)| {
        let key = format!("rush-{n}");
        let app = &app;
        async move { (t, checkout(app, t, &key, "pm_card_visa").await) }
    }))
    .await;
    let mut paid = 0;
    let mut failed = 0;
    for (token, answer) in &placed {
        // A checkout that starts after the stock is sold out is refused at once;
        // one that started before is cancelled by its saga and charged nothing.
        if answer.status == 409 && answer.code() == "cart_not_ready" {
            failed += 1;
            continue;
        }
        assert_eq!(answer.status, 202, "{}", answer.body);
        match settled(&app, token, answer.body["id"].as_i64().unwrap()).await["status"].as_str() {
            Some("paid") => paid += 1,
            Some("cancelled") => failed += 1,
            other => panic!("unexpected status {other:?}"),
        }
    }
    assert_eq!((paid, failed), (30, 70));
    assert_eq!(available(&app, product_id).await, 0);
}

/// Waits until none of the order's refunds is pending.
async fn refunds_settled(app: &TestApp, token: &str, id: i64) -> Value {
    for _ in 0..300 {
        let o = app
            .call(Method::GET, &format!("/api/orders/{id}"), Some(token), None)
            .await;
        let refunds = o.body["refunds"].as_array().cloned().unwrap_or_default();
        if refunds.iter().all(|r| r["status"] != "pending") {
            return o.body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("order {id} kept a pending refund");
}

#[tokio::test]
async fn refunds_and_cancellations_leave_the_order_and_the_payment_in_agreement() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_shop_in(dir.path(), &[]).await;
    let admin = app.admin_token().await;
    let (_, variant) = product(&app, &admin, "KETTLE-1", 3000, 10).await;
    let ann = app.customer_token("ann@example.com").await;
    let mut orders = Vec::new();
    for n in 0..3 {
        add(&app, &ann, variant, 1).await;
        let placed = checkout(&app, &ann, &format!("refund-order-{n}"), "pm_card_visa").await;
        let order = settled(&app, &ann, placed.body["id"].as_i64().unwrap()).await;
        assert_eq!(order["status"], "paid", "{order}");
        orders.push(order);
    }
    let gateway = SandboxGateway::open(&dir.path().join("data/payments-sandbox.db"))
        .await
        .unwrap();
    let payment = async |order: &Value| {
        let id = order["payment_id"].as_str().unwrap().to_string();
        gateway
            .payments()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.id == id)
            .unwrap()
    };
    let refund = async |id: &Value, token: &str, key: Option<&str>, body: Value| {
        let headers: Vec<(&str, &str)> = key.map(|k| ("idempotency-key", k)).into_iter().collect();
        app.call_with(
            Method::POST,
            &format!("/api/orders/{id}/refunds"),
            Some(token),
            Some(body),
            &headers,
        )
        .await
    };

    // A partial refund: refused without a key, for a shopper, or above the total.
    let (first, total) = (
        &orders[0]["id"],
        orders[0]["total"]["amount"].as_i64().unwrap(),
    );
    assert_eq!(
        refund(first, &admin, None, json!({ "amount": 500 }))
            .await
            .code(),
        "idempotency_key_required"
    );
    assert_eq!(
        refund(first, &ann, Some("r-1"), json!({ "amount": 500 }))
            .await
            .status,
        403
    );
    let too_much = refund(first, &admin, Some("r-0"), json!({ "amount": total + 1 })).await;
    assert_eq!(
        (too_much.status, too_much.code()),
        (422, "validation_failed"),
        "{}",
        too_much.body
    );
    let part = refund(
        first,
        &admin,
        Some("r-1"),
        json!({ "amount": 500, "reason": "scratched" }),
    )
    .await;
    assert_eq!(part.status, 202, "{}", part.body);
    let again = refund(
        first,
        &admin,
        Some("r-1"),
        json!({ "amount": 500, "reason": "scratched" }),
    )
    .await;
    assert_eq!(
        again.body["refunds"].as_array().unwrap().len(),
        1,
        "same key, one refund"
    );
    let after = refunds_settled(&app, &ann, first.as_i64().unwrap()).await;
    assert_eq!(after["status"], "paid");
    assert_eq!(after["amount_refunded"]["amount"], 500);
    assert_eq!(after["refunds"][0]["status"], "succeeded");
    assert_eq!(
        payment(&after).await.amount_refunded,
        500,
        "the gateway agrees"
    );

    // The rest: the order becomes refunded, and nothing more can be refunded.
    assert_eq!(
        refund(first, &admin, Some("r-2"), json!({})).await.status,
        202
    );
    let full = refunds_settled(&app, &ann, first.as_i64().unwrap()).await;
    assert_eq!(full["status"], "refunded", "{full}");
    assert_eq!(full["amount_refunded"]["amount"], total);
    assert_eq!(payment(&full).await.amount_refunded, total);
    assert_eq!(
        refund(first, &admin, Some("r-3"), json!({ "amount": 1 }))
            .await
            .status,
        409
    );

    // Cancelling a paid order refunds all of it; cancelling again changes nothing.
    let second = orders[1]["id"].as_i64().unwrap();
    let cancel = async |id: i64| {
        app.call(
            Method::POST,
            &format!("/api/orders/{id}/cancel"),
            Some(&admin),
            Some(json!({ "reason": "customer asked" })),
        )
        .await
    };
    let cancelled = cancel(second).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(cancelled.body["status"], "cancelled");
    assert_eq!(
        cancel(second).await.body["refunds"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let settled_cancel = refunds_settled(&app, &ann, second).await;
    assert_eq!(settled_cancel["status"], "cancelled");
    let paid_total = settled_cancel["total"]["amount"].as_i64().unwrap();
    assert_eq!(settled_cancel["amount_refunded"]["amount"], paid_total);
    assert_eq!(payment(&settled_cancel).await.amount_refunded, paid_total);

    // A shipped order can be refunded but no longer cancelled.
    let third = orders[2]["id"].as_i64().unwrap();
    let shipped = app
        .call(
            Method::POST,
            &format!("/api/orders/{third}/fulfilment"),
            Some(&admin),
            Some(json!({ "status": "shipped", "tracking_number": "UPS-9" })),
        )
        .await;
    assert_eq!(shipped.status, 200);
    assert_eq!(cancel(third).await.code(), "invalid_transition");
}

#[tokio::test]
async fn the_shop_takes_an_order_with_every_database_on_a_libsql_server() {
    let Some(bin) = sqld() else {
        eprintln!("{NO_SQLD}");
        return;
    };
    for replica in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let mut servers = Vec::new();
        let mut toml = String::new();
        for (section, label) in [
            ("sqlite_database", "users"),
            ("sqlite_database", "catalog"),
            ("sqlite_database", "cart"),
            ("sqlite_database", "orders"),
            ("key_value_store", "default"),
        ] {
            let home = dir.path().join(label);
            std::fs::create_dir_all(&home).unwrap();
            let server = Sqld::start(&bin, &home).await;
            toml += &format!(
                "[{section}.{label}]\ntype = \"libsql\"\nurl = \"{}\"\n",
                server.url
            );
            if replica {
                toml += &format!("replica_path = \"replicas/{label}.db\"\nsync_interval = 0.5\n");
            }
            servers.push(server);
        }
        let config = dir.path().join("runtime-config.toml");
        std::fs::write(&config, toml).unwrap();
        let app = spawn_shop_with(&["--runtime-config-file", config.to_str().unwrap()], &[]).await;
        let mode = if replica { "replica" } else { "remote" };
        let admin = app.admin_token().await;
        let (product_id, variant) = product(&app, &admin, "REMOTE-1", 2500, 3).await;
        let found = app.get_json("/api/catalog/products?q=REMOTE").await;
        assert_eq!(found["items"][0]["id"], product_id, "{mode}: {found}");
        assert_eq!(found["total"], 1, "{mode}: {found}");
        // The first search kept its ranks on the server; once a replica has
        // synced them, the same search reads them there.
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(
            app.get_json("/api/catalog/products?q=REMOTE").await,
            found,
            "{mode}: a search read from the kept ranks"
        );
        let ann = app.customer_token("ann@example.com").await;
        add(&app, &ann, variant, 2).await;
        let placed = checkout(&app, &ann, "remote-1", "pm_card_visa").await;
        assert_eq!(placed.status, 202, "{mode}: {}", placed.body);
        let order = settled(&app, &ann, placed.body["id"].as_i64().unwrap()).await;
        assert_eq!(order["status"], "paid", "{mode}: {order}");
        assert_eq!(order["subtotal"]["amount"], 5000, "{mode}: {order}");
        let mut stock = -1;
        for _ in 0..50 {
            stock = available(&app, product_id).await;
            if stock == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(stock, 1, "{mode}: two of three sold");
    }
}

#[tokio::test]
async fn two_commerce_hosts_sharing_saga_records_on_a_libsql_server_charge_each_order_once() {
    let Some(bin) = sqld() else {
        eprintln!("{NO_SQLD}");
        return;
    };
    let shop = spawn_shop_with(&["--no-commerce"], &[]).await;
    let admin = shop.admin_token().await;
    let (_, variant) = product(&shop, &admin, "SHARED-1", 700, 20).await;
    let mut placed = Vec::new();
    for n in 0..6 {
        let token = shop.customer_token(&format!("c{n}@example.com")).await;
        add(&shop, &token, variant, 1).await;
        let order = checkout(&shop, &token, &format!("shared-{n}"), "pm_card_visa").await;
        assert_eq!(order.status, 202, "{}", order.body);
        placed.push((token, order.body["id"].as_i64().unwrap()));
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Sqld::start(&bin, dir.path()).await;
    let env = [
        ("SPIN_VARIABLE_SERVICE_TOKEN", crate::shop::SERVICE_TOKEN),
        ("EDGECART_SAGA_DB_URL", server.url.as_str()),
    ];
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let mut hosts = Vec::new();
    for home in [&a, &b] {
        std::fs::create_dir_all(home).unwrap();
        hosts.push(spawn_commerce(home, &shop.url(""), &env).await);
    }
    let mut totals = Vec::new();
    for (token, id) in &placed {
        let order = settled(&shop, token, *id).await;
        assert_eq!(order["status"], "paid", "{order}");
        totals.push(order["total"]["amount"].as_i64().unwrap());
    }
    // Each host charges its own sandbox: a saga run by both would show twice.
    let mut charged = Vec::new();
    for home in [&a, &b] {
        let gateway = SandboxGateway::open(&home.join("commerce/payments-sandbox.db"))
            .await
            .unwrap();
        charged.extend(gateway.payments().await.unwrap());
    }
    assert_eq!(
        charged.len(),
        placed.len(),
        "one payment per order: {charged:?}"
    );
    let mut amounts: Vec<i64> = charged.iter().map(|p| p.amount).collect();
    amounts.sort_unstable();
    totals.sort_unstable();
    assert_eq!(amounts, totals, "each order charged its total");
}

#[tokio::test]
async fn a_checkout_or_refund_request_wakes_the_saga_runner_without_waiting_for_its_poll() {
    // The runner's own poll would come only after ten minutes: the order is
    // paid and the refund settled because their requests woke it.
    let app = spawn_shop_with(&["--saga-poll-interval", "10m"], &[]).await;
    let admin = app.admin_token().await;
    let (_, variant) = product(&app, &admin, "WAKE-1", 1200, 5).await;
    let ann = app.customer_token("ann@example.com").await;
    add(&app, &ann, variant, 1).await;
    let placed = checkout(&app, &ann, "wake-1", "pm_card_visa").await;
    assert_eq!(placed.status, 202, "{}", placed.body);
    let id = placed.body["id"].as_i64().unwrap();
    assert_eq!(settled(&app, &ann, id).await["status"], "paid");
    let refund = app
        .call_with(
            Method::POST,
            &format!("/api/orders/{id}/refunds"),
            Some(&admin),
            Some(json!({ "amount": 200 })),
            &[("idempotency-key", "wake-refund-1")],
        )
        .await;
    assert_eq!(refund.status, 202, "{}", refund.body);
    let after = refunds_settled(&app, &ann, id).await;
    assert_eq!(after["refunds"][0]["status"], "succeeded", "{after}");
    assert_eq!(after["amount_refunded"]["amount"], 200);
}

#[tokio::test]
async fn the_commerce_services_can_run_apart_from_the_shop_as_in_kubernetes() {
    let app = spawn_shop_with(&["--no-commerce"], &[]).await;
    let admin = app.admin_token().await;
    let (_, variant) = product(&app, &admin, "APART-1", 900, 5).await;
    let ann = app.customer_token("ann@example.com").await;
    add(&app, &ann, variant, 1).await;
    let placed = checkout(&app, &ann, "apart-1", "pm_card_visa").await;
    assert_eq!(placed.status, 202, "{}", placed.body);
    let id = placed.body["id"].as_i64().unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let waiting = app
        .call(Method::GET, &format!("/api/orders/{id}"), Some(&ann), None)
        .await;
    assert_eq!(
        waiting.body["status"], "pending_payment",
        "no saga runs in the shop"
    );

    let dir = tempfile::tempdir().unwrap();
    let commerce = spawn_commerce(
        dir.path(),
        &app.url(""),
        &[("SPIN_VARIABLE_SERVICE_TOKEN", crate::shop::SERVICE_TOKEN)],
    )
    .await;
    assert_eq!(settled(&app, &ann, id).await["status"], "paid");
    let (status, body) = commerce.get("/internal/orders/pending").await;
    assert_eq!(
        status, 404,
        "the commerce listener serves no shop routes: {body}"
    );
    let hook = commerce
        .client
        .post(commerce.url("/webhooks/stripe"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(hook.status(), 404, "no webhook secret, no webhooks");
    let (health, _) = commerce
        .client
        .get(format!("http://{}/healthz", commerce.admin))
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(health, 200);
    // The saga ends (clearing the cart) just after the order shows `paid`.
    let mut metrics = String::new();
    for _ in 0..100 {
        metrics = commerce
            .client
            .get(format!("http://{}/metrics", commerce.admin))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if metrics.contains("edgecart_checkout_sagas_total{outcome=\"completed\"} 1") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        metrics.contains("edgecart_checkout_sagas_total{outcome=\"completed\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            "edgecart_http_requests_total{component=\"host\",route=\"/webhooks/stripe\",status=\"404\"} 1"
        ),
        "{metrics}"
    );
}
