//! The host's commerce services, outside the component sandbox.
//!
//! - [`payments`]: one [`payments::PaymentGateway`] trait with two gateways —
//!   [`payments::stripe::StripeGateway`] (Stripe's REST API, form-encoded, an
//!   `Idempotency-Key` on every mutating call) and
//!   [`payments::sandbox::SandboxGateway`] (the embedded default: Stripe's test
//!   payment methods, durable in a libSQL file, so the shop works end to end with
//!   no account);
//! - [`checkout`]: the checkout saga's steps over the shop's internal routes;
//! - [`saga`]: the durable saga engine (steps recorded before and after they
//!   run, retries with backoff, compensations in reverse, resume after a crash);
//! - [`media`]: product image uploads (checked, resized, stored locally or in
//!   S3) and serving;
//! - [`metrics`]: saga outcomes and payment errors for Prometheus;
//! - [`refunds`]: paying out the refunds admins request on orders;
//! - [`webhook`]: verification of `Stripe-Signature` headers.
//!
//! This crate never links wasmtime; `host/cli` wires it to the runtime.
#![deny(missing_docs)]

pub mod checkout;
pub mod media;
pub mod metrics;
pub mod payments;
pub mod refunds;
pub mod saga;
pub mod webhook;

/// The project's JSON error answer, `{"error": {"code", "message"}}`, for the
/// host's own routes.
pub fn json_error(
    status: axum::http::StatusCode,
    code: &str,
    message: &str,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        status,
        axum::Json(serde_json::json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}
