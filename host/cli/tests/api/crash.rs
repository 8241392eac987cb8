//! Crash safety of checkout: the host is killed with SIGKILL at spread-out moments
//! while checkout sagas run, then restarted on the same data. Every order must
//! reach a terminal state, the payments the gateway recorded must match the paid
//! orders exactly (no double charge, no paid order without a charge), and the
//! stock must add up.

use crate::helpers::signal;
use crate::shop::spawn_shop_in;
use edgecart_commerce::payments::PaymentStatus;
use edgecart_commerce::payments::sandbox::SandboxGateway;
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn killing_the_host_during_checkouts_never_double_charges_or_loses_stock() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = spawn_shop_in(dir.path(), &[]).await;
    let admin = app.admin_token().await;
    let created = app
        .call(
            Method::POST,
            "/api/catalog/products",
            Some(&admin),
            Some(json!({ "title": "Crash Test Mug", "status": "active", "variants": [{ "sku": "CRASH-1", "price": 1200, "stock": 100 }] })),
        )
        .await;
    let product = created.body["id"].as_i64().unwrap();
    let variant = created.body["variants"][0]["id"].as_i64().unwrap();
    let shopper = app.customer_token("ann@example.com").await;
    let address = json!({ "name": "Ann", "line1": "Main St 1", "city": "Berlin", "postal_code": "10115", "country": "DE" });

    let mut orders = Vec::new();
    for run in 0..20_u64 {
        let added = app
            .call(
                Method::POST,
                "/api/cart/items",
                Some(&shopper),
                Some(json!({ "variant_id": variant, "quantity": 1 })),
            )
            .await;
        assert!(added.status == 200 || added.status == 201, "{}", added.body);
        let card = if run % 5 == 4 {
            "pm_card_chargeDeclined"
        } else {
            "pm_card_visa"
        };
        let placed = app
            .call_with(
                Method::POST,
                "/api/orders/checkout",
                Some(&shopper),
                Some(json!({ "payment_method": card, "address": address })),
                &[("idempotency-key", &format!("crash-run-{run}"))],
            )
            .await;
        assert_eq!(placed.status, 202, "{}", placed.body);
        orders.push(placed.body["id"].as_i64().unwrap());
        // Spread the kills over the saga: before it starts, mid-way, after.
        tokio::time::sleep(Duration::from_millis(run * 23 % 260)).await;
        signal(app.pid(), "KILL");
        drop(app);
        app = spawn_shop_in(dir.path(), &[]).await;
        // Let the restarted host finish this order before the next one, so each
        // order is exactly the one mug added for it.
        let id = orders[orders.len() - 1];
        for _ in 0..400 {
            let o = app
                .call(
                    Method::GET,
                    &format!("/api/orders/{id}"),
                    Some(&shopper),
                    None,
                )
                .await;
            if o.body["status"] != "pending_payment" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    let mut paid = Vec::new();
    for id in &orders {
        let mut status = String::new();
        for _ in 0..400 {
            let o = app
                .call(
                    Method::GET,
                    &format!("/api/orders/{id}"),
                    Some(&shopper),
                    None,
                )
                .await;
            status = o.body["status"].as_str().unwrap_or("").to_string();
            if status != "pending_payment" {
                if status == "paid" {
                    paid.push(o.body);
                }
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(
            ["paid", "payment_failed", "cancelled"].contains(&status.as_str()),
            "order {id} ended {status}"
        );
    }
    assert_eq!(
        paid.len(),
        16,
        "every visa order is paid, every declined one is not"
    );

    let gateway = SandboxGateway::open(&dir.path().join("data/payments-sandbox.db"))
        .await
        .unwrap();
    let payments = gateway.payments().await.unwrap();
    let kept: Vec<_> = payments
        .iter()
        .filter(|p| p.status == PaymentStatus::Succeeded && p.amount_refunded < p.amount)
        .collect();
    assert_eq!(
        kept.len(),
        paid.len(),
        "one kept charge per paid order: {payments:?}"
    );
    for order in &paid {
        let pid = order["payment_id"].as_str().unwrap();
        let charge = kept
            .iter()
            .find(|p| p.id == pid)
            .unwrap_or_else(|| panic!("paid order without its charge: {order}"));
        assert_eq!(charge.amount, order["total"]["amount"].as_i64().unwrap());
    }
    assert!(
        payments
            .iter()
            .all(|p| p.status != PaymentStatus::RequiresCapture),
        "no authorisation is left hanging: {payments:?}"
    );
    // Count what the paid orders bought.
    let sold: i64 = paid
        .iter()
        .flat_map(|o| o["lines"].as_array().cloned().unwrap_or_default())
        .map(|l| l["quantity"].as_i64().unwrap())
        .sum();
    let detail = app
        .get_json(&format!("/api/catalog/products/{product}"))
        .await;
    assert_eq!(
        detail["variants"][0]["stock"].as_i64().unwrap(),
        100 - sold,
        "stock adds up"
    );
}
