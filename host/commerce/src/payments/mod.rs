//! Payments behind one trait.
//!
//! The model is Stripe's PaymentIntent: create it for an amount with a payment
//! method, confirm it (the card is authorised, or declined), capture it (the
//! money moves), or cancel it before capture; refund all or part after. Every
//! mutating call carries an idempotency key, so a retried call — after a timeout
//! or a crash — never charges twice.

pub mod sandbox;
pub mod stripe;

use serde::{Deserialize, Serialize};
use std::future::Future;

/// Where a payment stands (Stripe's PaymentIntent statuses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// No usable payment method (e.g. after a decline).
    RequiresPaymentMethod,
    /// Created, not yet confirmed.
    RequiresConfirmation,
    /// The customer must authenticate (3-D Secure).
    RequiresAction,
    /// The outcome arrives later (webhook).
    Processing,
    /// Authorised; capture to take the money.
    RequiresCapture,
    /// Captured.
    Succeeded,
    /// Cancelled before capture.
    Canceled,
}

impl PaymentStatus {
    /// Parses Stripe's status text.
    pub fn parse(s: &str) -> Option<PaymentStatus> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }
}

/// A payment as the gateway reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// The gateway's id (`pi_...`).
    pub id: String,
    /// Status.
    pub status: PaymentStatus,
    /// Amount in minor units.
    pub amount: i64,
    /// ISO 4217 code, lower-case as Stripe writes it.
    pub currency: String,
    /// Refunded so far, in minor units.
    pub amount_refunded: i64,
}

/// A refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// The gateway's id (`re_...`).
    pub id: String,
    /// The payment refunded.
    pub payment: String,
    /// Amount in minor units.
    pub amount: i64,
    /// `succeeded`, `pending` or `failed`.
    pub status: String,
}

/// What to charge.
#[derive(Debug, Clone)]
pub struct PaymentRequest {
    /// Minor units, more than 0.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// A payment method id (`pm_card_visa` in tests).
    pub payment_method: String,
    /// Reference stored with the payment (the order id).
    pub reference: String,
}

/// Why a payment call failed, in terms the saga can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// The card was declined: final for this payment method.
    #[error("declined ({code}{}): {message}", decline_code.as_deref().map(|d| format!("/{d}")).unwrap_or_default())]
    Declined {
        /// Stripe's error code (`card_declined`, `expired_card`, ...).
        code: String,
        /// Stripe's decline code (`insufficient_funds`, ...).
        decline_code: Option<String>,
        /// Message for the shopper.
        message: String,
    },
    /// The request was wrong (a bug or a state conflict): retrying will not help.
    #[error("invalid request: {0}")]
    Invalid(String),
    /// No such payment.
    #[error("not found: {0}")]
    NotFound(String),
    /// The gateway refused our credentials.
    #[error("authentication with the gateway failed: {0}")]
    Auth(String),
    /// Network trouble, a 5xx, or rate limiting: retry with the same key.
    #[error("temporarily unavailable: {0}")]
    Transient(String),
}

impl PaymentError {
    /// Whether retrying the same call (same idempotency key) may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, PaymentError::Transient(_))
    }
}

/// A payment gateway. Every mutating call takes an idempotency key: the same key
/// with the same arguments returns the first call's result.
pub trait PaymentGateway: Send + Sync {
    /// Creates a payment for manual capture and confirms it (authorises the card).
    fn authorize(
        &self,
        request: &PaymentRequest,
        key: &str,
    ) -> impl Future<Output = Result<Payment, PaymentError>> + Send;

    /// Captures an authorised payment.
    fn capture(
        &self,
        id: &str,
        key: &str,
    ) -> impl Future<Output = Result<Payment, PaymentError>> + Send;

    /// Cancels a payment that is not captured.
    fn cancel(
        &self,
        id: &str,
        key: &str,
    ) -> impl Future<Output = Result<Payment, PaymentError>> + Send;

    /// Refunds all (`None`) or part of a captured payment.
    fn refund(
        &self,
        id: &str,
        amount: Option<i64>,
        key: &str,
    ) -> impl Future<Output = Result<Refund, PaymentError>> + Send;

    /// The payment as it is now.
    fn retrieve(&self, id: &str) -> impl Future<Output = Result<Payment, PaymentError>> + Send;
}

/// The gateway chosen at start: Stripe when a key is configured, else the sandbox.
#[derive(Debug)]
pub enum AnyGateway {
    /// Stripe's API.
    Stripe(stripe::StripeGateway),
    /// The embedded sandbox.
    Sandbox(Box<sandbox::SandboxGateway>),
}

impl PaymentGateway for AnyGateway {
    async fn authorize(
        &self,
        request: &PaymentRequest,
        key: &str,
    ) -> Result<Payment, PaymentError> {
        match self {
            AnyGateway::Stripe(g) => g.authorize(request, key).await,
            AnyGateway::Sandbox(g) => g.authorize(request, key).await,
        }
    }

    async fn capture(&self, id: &str, key: &str) -> Result<Payment, PaymentError> {
        match self {
            AnyGateway::Stripe(g) => g.capture(id, key).await,
            AnyGateway::Sandbox(g) => g.capture(id, key).await,
        }
    }

    async fn cancel(&self, id: &str, key: &str) -> Result<Payment, PaymentError> {
        match self {
            AnyGateway::Stripe(g) => g.cancel(id, key).await,
            AnyGateway::Sandbox(g) => g.cancel(id, key).await,
        }
    }

    async fn refund(
        &self,
        id: &str,
        amount: Option<i64>,
        key: &str,
    ) -> Result<Refund, PaymentError> {
        match self {
            AnyGateway::Stripe(g) => g.refund(id, amount, key).await,
            AnyGateway::Sandbox(g) => g.refund(id, amount, key).await,
        }
    }

    async fn retrieve(&self, id: &str) -> Result<Payment, PaymentError> {
        match self {
            AnyGateway::Stripe(g) => g.retrieve(id).await,
            AnyGateway::Sandbox(g) => g.retrieve(id).await,
        }
    }
}
