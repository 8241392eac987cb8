//! The commerce services' Prometheus metrics: checkout saga outcomes
//! (`edgecart_checkout_sagas_total{outcome}`) and payment gateway errors
//! (`edgecart_payment_errors_total{gateway, kind}`), registered into the
//! binary's registry by [`CommerceMetrics::register`]. [`Counted`] wraps a
//! gateway and counts its errors.

use crate::payments::{Payment, PaymentError, PaymentGateway, PaymentRequest, Refund};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;
use std::sync::Arc;

/// Labels of `edgecart_checkout_sagas_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    /// `completed`, `failed` or `stuck`.
    pub outcome: String,
}

/// Labels of `edgecart_payment_errors_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PaymentErrorLabels {
    /// `stripe` or `sandbox`.
    pub gateway: String,
    /// `declined`, `invalid`, `not_found`, `auth` or `transient`.
    pub kind: String,
}

/// The counters.
#[derive(Debug, Default)]
pub struct CommerceMetrics {
    sagas: Family<OutcomeLabels, Counter>,
    payment_errors: Family<PaymentErrorLabels, Counter>,
}

impl CommerceMetrics {
    /// Adds the counters to `registry` (prefixed `edgecart_` by the binary's registry).
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "checkout_sagas",
            "Checkout sagas that ended, by outcome",
            self.sagas.clone(),
        );
        registry.register(
            "payment_errors",
            "Errors answered by the payment gateway, by kind",
            self.payment_errors.clone(),
        );
    }

    /// Records a saga that ended `outcome`.
    pub fn saga(&self, outcome: &str) {
        self.sagas
            .get_or_create(&OutcomeLabels {
                outcome: outcome.to_string(),
            })
            .inc();
    }

    fn payment_error(&self, gateway: &str, e: &PaymentError) {
        let kind = match e {
            PaymentError::Declined { .. } => "declined",
            PaymentError::Invalid(_) => "invalid",
            PaymentError::NotFound(_) => "not_found",
            PaymentError::Auth(_) => "auth",
            PaymentError::Transient(_) => "transient",
        };
        self.payment_errors
            .get_or_create(&PaymentErrorLabels {
                gateway: gateway.to_string(),
                kind: kind.to_string(),
            })
            .inc();
    }
}

/// A gateway whose errors are counted.
#[derive(Debug)]
pub struct Counted<G> {
    inner: G,
    name: &'static str,
    metrics: Arc<CommerceMetrics>,
}

impl<G> Counted<G> {
    /// Counts `inner`'s errors under `gateway = name`.
    pub fn new(inner: G, name: &'static str, metrics: Arc<CommerceMetrics>) -> Counted<G> {
        Counted {
            inner,
            name,
            metrics,
        }
    }

    fn count<T>(&self, r: Result<T, PaymentError>) -> Result<T, PaymentError> {
        if let Err(e) = &r {
            self.metrics.payment_error(self.name, e);
        }
        r
    }
}

impl<G: PaymentGateway + Sync> PaymentGateway for Counted<G> {
    async fn authorize(
        &self,
        request: &PaymentRequest,
        key: &str,
    ) -> Result<Payment, PaymentError> {
        self.count(self.inner.authorize(request, key).await)
    }

    async fn capture(&self, id: &str, key: &str) -> Result<Payment, PaymentError> {
        self.count(self.inner.capture(id, key).await)
    }

    async fn cancel(&self, id: &str, key: &str) -> Result<Payment, PaymentError> {
        self.count(self.inner.cancel(id, key).await)
    }

    async fn refund(
        &self,
        id: &str,
        amount: Option<i64>,
        key: &str,
    ) -> Result<Refund, PaymentError> {
        self.count(self.inner.refund(id, amount, key).await)
    }

    async fn retrieve(&self, id: &str) -> Result<Payment, PaymentError> {
        self.count(self.inner.retrieve(id).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_and_errors_are_encoded_with_their_labels() {
        let m = CommerceMetrics::default();
        let mut registry = Registry::with_prefix("edgecart");
        m.register(&mut registry);
        m.saga("completed");
        m.saga("completed");
        m.payment_error("stripe", &PaymentError::Transient("down".into()));
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &registry).unwrap();
        assert!(
            out.contains("edgecart_checkout_sagas_total{outcome=\"completed\"} 2"),
            "{out}"
        );
        assert!(
            out.contains("edgecart_payment_errors_total{gateway=\"stripe\",kind=\"transient\"} 1"),
            "{out}"
        );
    }
}
