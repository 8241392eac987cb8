//! The admin listener: `/healthz` and Prometheus `/metrics`, kept off the public
//! routes so that an Ingress never exposes them.

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use edgecart_runtime::metrics::Metrics;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Serves the admin endpoints until the process exits.
pub async fn serve(listener: TcpListener, metrics: Arc<Metrics>) {
    let router = Router::new()
        .route(
            "/healthz",
            get(|| async { axum::Json(serde_json::json!({ "status": "ok" })) }),
        )
        .route("/metrics", get(render))
        .with_state(metrics);
    if let Err(e) = axum::serve(listener, router).await {
        tracing::error!(error = %e, "admin listener failed");
    }
}

async fn render(State(metrics): State<Arc<Metrics>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics.encode(),
    )
}
