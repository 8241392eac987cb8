//! Prometheus metrics of the runtime, served by the admin listener.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::Mutex;
use std::time::Duration;

/// Labels of a handled request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// Component id, or `none` when no route matched.
    pub component: String,
    /// The matched route as written.
    pub route: String,
    /// Response status code.
    pub status: u16,
}

/// Labels naming a component.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ComponentLabels {
    /// Component id.
    pub component: String,
}

/// Labels of a request refused by a limit.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct LimitLabels {
    /// Which limit: `concurrency` or `body_size`.
    pub limit: String,
}

fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_1, 2.0, 18))
}

/// Every metric the runtime records.
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    duration: Family<ComponentLabels, Histogram, fn() -> Histogram>,
    instantiations: Family<ComponentLabels, Counter>,
    instantiation_duration: Family<ComponentLabels, Histogram, fn() -> Histogram>,
    traps: Family<ComponentLabels, Counter>,
    timeouts: Family<ComponentLabels, Counter>,
    rejected: Family<LimitLabels, Counter>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric under the `edgecart_` prefix.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("edgecart");
        let requests = Family::<RequestLabels, Counter>::default();
        let duration =
            Family::<ComponentLabels, Histogram, fn() -> Histogram>::new_with_constructor(
                latency_histogram,
            );
        let instantiations = Family::<ComponentLabels, Counter>::default();
        let instantiation_duration =
            Family::<ComponentLabels, Histogram, fn() -> Histogram>::new_with_constructor(
                latency_histogram,
            );
        let traps = Family::<ComponentLabels, Counter>::default();
        let timeouts = Family::<ComponentLabels, Counter>::default();
        let rejected = Family::<LimitLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests handled, by component, route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to produce a response head, by component",
            duration.clone(),
        );
        registry.register(
            "instantiations",
            "Component instances created",
            instantiations.clone(),
        );
        registry.register(
            "instantiation_duration_seconds",
            "Time to create a component instance",
            instantiation_duration.clone(),
        );
        registry.register(
            "guest_traps",
            "Requests that ended in a guest trap (including out-of-memory)",
            traps.clone(),
        );
        registry.register(
            "guest_timeouts",
            "Requests that ran past the request deadline",
            timeouts.clone(),
        );
        registry.register(
            "rejected_requests",
            "Requests refused by a server limit",
            rejected.clone(),
        );
        Metrics {
            registry: Mutex::new(registry),
            requests,
            duration,
            instantiations,
            instantiation_duration,
            traps,
            timeouts,
            rejected,
        }
    }

    /// Records a response.
    pub fn request(&self, component: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                component: component.to_string(),
                route: route.to_string(),
                status,
            })
            .inc();
        self.duration
            .get_or_create(&ComponentLabels {
                component: component.to_string(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// Records a new instance.
    pub fn instantiation(&self, component: &str, elapsed: Duration) {
        let labels = ComponentLabels {
            component: component.to_string(),
        };
        self.instantiations.get_or_create(&labels).inc();
        self.instantiation_duration
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
    }

    /// Records a trap.
    pub fn trap(&self, component: &str) {
        self.traps
            .get_or_create(&ComponentLabels {
                component: component.to_string(),
            })
            .inc();
    }

    /// Records a timeout.
    pub fn timeout(&self, component: &str) {
        self.timeouts
            .get_or_create(&ComponentLabels {
                component: component.to_string(),
            })
            .inc();
    }

    /// Records a request refused by `limit`.
    pub fn rejected(&self, limit: &str) {
        self.rejected
            .get_or_create(&LimitLabels {
                limit: limit.to_string(),
            })
            .inc();
    }

    /// Lets the embedding binary add its own metrics to the registry (they
    /// share the `edgecart_` prefix and the `/metrics` endpoint).
    pub fn register_more(&self, register: impl FnOnce(&mut Registry)) {
        let mut registry = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        register(&mut registry);
    }

    /// The metrics in Prometheus text format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let registry = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        if prometheus_client::encoding::text::encode(&mut out, &registry).is_err() {
            out.clear();
        }
        out
    }
}
