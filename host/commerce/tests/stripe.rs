//! The Stripe gateway against `localstripe`, a stateful Stripe API emulator
//! (PyPI), started on a free port for each test: authorisation, capture,
//! declines, cancellation, refunds, and a signed webhook delivered to a real
//! HTTP endpoint and verified with `webhook::verify`.
//!
//! `localstripe` runs through `edgecart_testkit::LocalStripe`.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed setup step fails the test"
)]

use edgecart_commerce::payments::stripe::StripeGateway;
use edgecart_commerce::payments::{PaymentError, PaymentGateway, PaymentRequest, PaymentStatus};
use edgecart_commerce::webhook;
use edgecart_testkit::{LocalStripe, free_port};
use std::time::Duration;

fn request(pm: &str, amount: i64) -> PaymentRequest {
    PaymentRequest {
        amount,
        currency: "EUR".into(),
        payment_method: pm.into(),
        reference: "order-42".into(),
    }
}

#[tokio::test]
async fn a_card_is_authorised_captured_and_partly_refunded() {
    let ls = LocalStripe::start().await;
    let g = StripeGateway::new(&ls.base, "sk_test_edgecart").unwrap();
    let p = g
        .authorize(&request("pm_card_visa", 2500), "order-42-authorize")
        .await
        .unwrap();
    assert_eq!(
        (p.status, p.amount, p.currency.as_str()),
        (PaymentStatus::RequiresCapture, 2500, "eur")
    );
    let p = g.capture(&p.id, "order-42-capture").await.unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    let r = g
        .refund(&p.id, Some(1000), "order-42-refund-1")
        .await
        .unwrap();
    assert_eq!((r.amount, r.payment.as_str()), (1000, p.id.as_str()));
    let again = g.retrieve(&p.id).await.unwrap();
    assert_eq!(again.status, PaymentStatus::Succeeded);
    assert_eq!(again.amount_refunded, 1000);
}

#[tokio::test]
async fn a_declining_card_is_a_decline_and_unknown_payments_are_not_found() {
    let ls = LocalStripe::start().await;
    let g = StripeGateway::new(&ls.base, "sk_test_edgecart").unwrap();
    let e = g
        .authorize(&request("pm_card_chargeCustomerFail", 2500), "decline-1")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, PaymentError::Declined { code, .. } if code == "card_declined"),
        "{e}"
    );
    assert!(!e.is_retryable());
    let missing = g.retrieve("pi_doesnotexist").await.unwrap_err();
    assert!(matches!(missing, PaymentError::NotFound(_)), "{missing}");
    let bad = g
        .authorize(&request("pm_card_visa", 0), "zero")
        .await
        .unwrap_err();
    assert!(matches!(bad, PaymentError::Invalid(_)), "{bad}");
}

#[tokio::test]
async fn an_authorisation_can_be_cancelled() {
    let ls = LocalStripe::start().await;
    let g = StripeGateway::new(&ls.base, "sk_test_edgecart").unwrap();
    let p = g
        .authorize(&request("pm_card_visa", 990), "cancel-1")
        .await
        .unwrap();
    let c = g.cancel(&p.id, "cancel-1-cancel").await.unwrap();
    assert_eq!(c.status, PaymentStatus::Canceled);
    assert_eq!(
        g.retrieve(&p.id).await.unwrap().status,
        PaymentStatus::Canceled
    );
}

#[tokio::test]
async fn an_unreachable_gateway_is_a_transient_error() {
    let g = StripeGateway::new(&format!("http://127.0.0.1:{}", free_port()), "sk_test_x").unwrap();
    let e = g
        .authorize(&request("pm_card_visa", 100), "k")
        .await
        .unwrap_err();
    assert!(e.is_retryable(), "{e}");
}

#[tokio::test]
async fn a_signed_webhook_arrives_and_verifies_and_a_forged_one_does_not() {
    let ls = LocalStripe::start().await;
    let secret = "whsec_edgecart_test";
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(String, Vec<u8>)>(8);
    let app = axum::Router::new().route(
        "/webhooks/stripe",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let tx = tx.clone();
                async move {
                    let sig = headers
                        .get("stripe-signature")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    let _ = tx.send((sig, body.to_vec())).await;
                    "ok"
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/webhooks/stripe", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let client = reqwest::Client::new();
    let registered = client
        .post(format!("{}/_config/webhooks/edgecart", ls.base))
        .basic_auth("sk_test_x", Some(""))
        .form(&[
            ("url", hook.as_str()),
            ("secret", secret),
            ("events[]", "payment_intent.succeeded"),
        ])
        .send()
        .await
        .unwrap();
    assert!(registered.status().is_success());

    let g = StripeGateway::new(&ls.base, "sk_test_edgecart").unwrap();
    let p = g
        .authorize(&request("pm_card_visa", 4200), "hook-1")
        .await
        .unwrap();
    g.capture(&p.id, "hook-1-capture").await.unwrap();

    let (sig, body) = tokio::time::timeout(Duration::from_secs(15), rx.recv())
        .await
        .unwrap()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    webhook::verify(&body, &sig, secret, now).unwrap();
    let event: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(event["type"], "payment_intent.succeeded");
    assert_eq!(event["data"]["object"]["id"], p.id.as_str());
    assert!(webhook::verify(&body, &sig, "whsec_someone_else", now).is_err());
    let mut forged = body.clone();
    forged.extend_from_slice(b" ");
    assert!(webhook::verify(&forged, &sig, secret, now).is_err());
}
