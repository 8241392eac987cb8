//! The shop with Stripe as its gateway: `localstripe` (a stateful Stripe API
//! emulator from PyPI) started on a free port, checkout sagas and refunds going
//! through it, and its signed webhooks arriving at `/webhooks/stripe`.

use crate::checkout::{add, product};
use crate::helpers::TestApp;
use crate::shop::spawn_shop_in;
use edgecart_commerce::payments::PaymentGateway;
use edgecart_commerce::payments::stripe::StripeGateway;
use edgecart_commerce::webhook::{self, Inbox};
use edgecart_testkit::{LocalStripe, free_port};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

const WEBHOOK_SECRET: &str = "whsec_edgecart_e2e";

async fn order_once(app: &TestApp, token: &str, variant: i64, key: &str, pm: &str) -> Value {
    add(app, token, variant, 1).await;
    let address = json!({ "name": "Ann", "line1": "Main St 1", "city": "Berlin", "postal_code": "10115", "country": "DE" });
    let placed = app
        .call_with(
            Method::POST,
            "/api/orders/checkout",
            Some(token),
            Some(json!({ "payment_method": pm, "address": address })),
            &[("idempotency-key", key)],
        )
        .await;
    assert_eq!(placed.status, 202, "{}", placed.body);
    let id = placed.body["id"].as_i64().unwrap();
    for _ in 0..400 {
        let o = app
            .call(Method::GET, &format!("/api/orders/{id}"), Some(token), None)
            .await;
        let refunds = o.body["refunds"].as_array().cloned().unwrap_or_default();
        if o.body["status"] != "pending_payment" && refunds.iter().all(|r| r["status"] != "pending")
        {
            return o.body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("order {id} did not settle");
}

#[tokio::test]
async fn checkout_and_refunds_go_through_stripe_and_its_signed_webhooks_are_received_once() {
    let ls = LocalStripe::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_shop_in(
        dir.path(),
        &[
            ("STRIPE_API_KEY", "sk_test_edgecart"),
            ("STRIPE_API_BASE", &ls.base),
            ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ],
    )
    .await;
    let client = reqwest::Client::new();
    let registered = client
        .post(format!("{}/_config/webhooks/edgecart", ls.base))
        .basic_auth("sk_test_edgecart", Some(""))
        .form(&[
            ("url", app.url("/webhooks/stripe").as_str()),
            ("secret", WEBHOOK_SECRET),
            ("events[]", "payment_intent.succeeded"),
        ])
        .send()
        .await
        .unwrap();
    assert!(registered.status().is_success());

    let admin = app.admin_token().await;
    let (_, variant) = product(&app, &admin, "STRIPE-1", 1500, 10).await;
    let ann = app.customer_token("ann@example.com").await;

    let paid = order_once(&app, &ann, variant, "stripe-1", "pm_card_visa").await;
    assert_eq!(paid["status"], "paid", "{paid}");
    let payment = paid["payment_id"].as_str().unwrap().to_string();
    let intent: Value = client
        .get(format!("{}/v1/payment_intents/{payment}", ls.base))
        .basic_auth("sk_test_edgecart", Some(""))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(intent["status"], "succeeded");
    assert_eq!(intent["amount"], paid["total"]["amount"]);

    let declined = order_once(&app, &ann, variant, "stripe-2", "pm_card_chargeDeclined").await;
    assert_eq!(declined["status"], "payment_failed", "{declined}");

    let id = paid["id"].as_i64().unwrap();
    let refund = app
        .call_with(
            Method::POST,
            &format!("/api/orders/{id}/refunds"),
            Some(&admin),
            Some(json!({ "amount": 700 })),
            &[("idempotency-key", "stripe-refund-1")],
        )
        .await;
    assert_eq!(refund.status, 202, "{}", refund.body);
    let mut refunded = Value::Null;
    for _ in 0..200 {
        refunded = app
            .call(
                Method::GET,
                &format!("/api/orders/{id}"),
                Some(&admin),
                None,
            )
            .await
            .body;
        if refunded["refunds"][0]["status"] != "pending" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(refunded["refunds"][0]["status"], "succeeded", "{refunded}");
    assert_eq!(refunded["amount_refunded"]["amount"], 700);
    let at_stripe = StripeGateway::new(&ls.base, "sk_test_edgecart")
        .unwrap()
        .retrieve(&payment)
        .await
        .unwrap();
    assert_eq!(
        at_stripe.amount_refunded, 700,
        "Stripe holds exactly the refund"
    );

    // Stripe's signed event for the payment reached the host.
    let inbox = Inbox::open(&dir.path().join("data/webhooks.db"))
        .await
        .unwrap();
    let mut events = Vec::new();
    for _ in 0..200 {
        events = inbox.events().await.unwrap();
        if events.iter().any(|(_, kind, object)| {
            kind == "payment_intent.succeeded" && object.as_deref() == Some(payment.as_str())
        }) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (event_id, _, _) = events
        .iter()
        .find(|(_, kind, object)| {
            kind == "payment_intent.succeeded" && object.as_deref() == Some(payment.as_str())
        })
        .unwrap_or_else(|| panic!("no webhook for {payment}: {events:?}"))
        .clone();

    // A redelivery is acknowledged once more and not recorded twice; forged or
    // unsigned bodies are refused.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let again = json!({ "id": event_id, "type": "payment_intent.succeeded", "data": { "object": { "id": payment } } }).to_string();
    let signature = format!(
        "t={now},v1={}",
        webhook::sign(again.as_bytes(), WEBHOOK_SECRET, now)
    );
    let post = async |body: &str, signature: &str| {
        let r = client
            .post(app.url("/webhooks/stripe"))
            .header("stripe-signature", signature)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json::<Value>().await.unwrap())
    };
    let (status, body) = post(&again, &signature).await;
    assert_eq!((status, &body["duplicate"]), (200, &json!(true)), "{body}");
    let recorded = inbox.events().await.unwrap();
    assert_eq!(
        recorded.iter().filter(|(id, _, _)| *id == event_id).count(),
        1
    );
    let (status, body) = post(&again.replace("succeeded", "canceled"), &signature).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("bad_signature"))
    );
    let (status, _) = post(&again, "").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_gateway_that_is_down_is_retried_and_the_checkout_compensated_once_it_answers() {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_shop_in(
        dir.path(),
        &[
            ("STRIPE_API_KEY", "sk_test_edgecart"),
            ("STRIPE_API_BASE", &base),
        ],
    )
    .await;
    let admin = app.admin_token().await;
    let (product, variant) = product(&app, &admin, "DOWN-1", 800, 4).await;
    let ann = app.customer_token("ann@example.com").await;
    add(&app, &ann, variant, 1).await;
    let address = json!({ "name": "Ann", "line1": "Main St 1", "city": "Berlin", "postal_code": "10115", "country": "DE" });
    let placed = app
        .call_with(
            Method::POST,
            "/api/orders/checkout",
            Some(&ann),
            Some(json!({ "payment_method": "pm_card_visa", "address": address })),
            &[("idempotency-key", "down-1")],
        )
        .await;
    assert_eq!(placed.status, 202, "{}", placed.body);
    let id = placed.body["id"].as_i64().unwrap();

    // The payment step is retried with backoff until its attempts run out; its
    // outcome is then unknown, so the saga undoes it, which needs the gateway.
    let mut compensating = false;
    for _ in 0..120 {
        if app.stderr().contains("compensation failed, retrying") {
            compensating = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(compensating, "{}", app.stderr());
    assert!(app.stderr().contains("step failed, retrying"));
    let held = app
        .get_json(&format!("/api/catalog/products/{product}"))
        .await;
    assert_eq!(
        held["variants"][0]["stock"], 3,
        "the stock is held meanwhile"
    );

    // The gateway comes back: the compensation completes.
    let _ls = LocalStripe::start_on(port).await;
    let mut order = Value::Null;
    for _ in 0..300 {
        order = app
            .call(Method::GET, &format!("/api/orders/{id}"), Some(&ann), None)
            .await
            .body;
        if order["status"] != "pending_payment" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(order["status"], "payment_failed", "{order}");
    assert!(
        order["reason"].as_str().unwrap().contains("kept failing"),
        "{order}"
    );
    let released = app
        .get_json(&format!("/api/catalog/products/{product}"))
        .await;
    assert_eq!(released["variants"][0]["stock"], 4, "the hold is released");
    let cart = app.call(Method::GET, "/api/cart", Some(&ann), None).await;
    assert_eq!(cart.body["lines"][0]["quantity"], 1, "the cart is kept");
}
