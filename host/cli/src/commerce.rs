//! The commerce services, inside `edgecart up` or alone (`edgecart commerce`,
//! as in Kubernetes, against a shop served elsewhere): the checkout saga
//! runner, refunds, Stripe webhooks and product images.
//!
//! Checkout leaves an order in `pending_payment` (the orders component's
//! database is the outbox). The runner polls `GET /internal/orders/pending` on
//! the shop it serves (every `--saga-poll-interval`; inside `edgecart up` a
//! successful `POST` under `/api/orders/` also wakes it at once), starts one
//! saga per order (idempotent by order id), and records a failed saga's
//! reason on the order. Saga records live in `<data-dir>/sagas.db`, or on a
//! libSQL server when `EDGECART_SAGA_DB_URL` (and `EDGECART_SAGA_DB_TOKEN`) are
//! set. Each round first resumes the sagas a crash left unfinished (its own,
//! or those of a host that is gone), and also pays out the refunds admins
//! requested (`GET /internal/orders/refunds/pending`). Payments go to Stripe
//! when `STRIPE_API_KEY` is set (`STRIPE_API_BASE` overrides the URL, for an
//! emulator), else to the embedded sandbox (`<data-dir>/payments-sandbox.db`).
//! It also serves the host's own public routes: `/media/...` (product images)
//! and `/webhooks/stripe`.

use axum::Router;
use axum::body::Bytes;
use axum::http::{Method, Request, Response, StatusCode};
use axum::middleware::Next;
use edgecart_commerce::checkout::{self, Shop};
use edgecart_commerce::json_error;
use edgecart_commerce::media::{self, Limits, Media, Store};
use edgecart_commerce::metrics::{CommerceMetrics, Counted};
use edgecart_commerce::payments::AnyGateway;
use edgecart_commerce::payments::sandbox::SandboxGateway;
use edgecart_commerce::payments::stripe::{STRIPE_API, StripeGateway};
use edgecart_commerce::refunds;
use edgecart_commerce::saga::{Engine, Outcome, Policy};
use edgecart_commerce::webhook::{self, Inbox, Webhooks};
use edgecart_runtime::metrics::Metrics;
use edgecart_runtime::server::{HostRoutes, ResponseHook};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tower::ServiceExt;

/// The host's own public routes: `/media/...` (product images, kept in
/// `store`; admins checked against the shop at `shop_url`) and, with the
/// commerce services, `/webhooks/stripe`; anything else is a JSON 404. Every
/// answer is counted in `edgecart_http_requests_total{component="host"}`.
pub fn router(
    store: Store,
    shop_url: &str,
    webhooks: Option<Arc<Webhooks>>,
    metrics: Arc<Metrics>,
) -> anyhow::Result<Router> {
    let shop = Shop::new(shop_url, "").map_err(|e| anyhow::anyhow!(e))?;
    let mut router = media::router(Arc::new(Media::new(
        store,
        Limits::default(),
        Arc::new(shop),
    )));
    if let Some(w) = webhooks {
        router = router.merge(webhook::router(w));
    }
    Ok(router
        .method_not_allowed_fallback(|| async {
            json_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this route does not answer that method",
            )
        })
        .fallback(|| async {
            json_error(
                StatusCode::NOT_FOUND,
                "not_found",
                "no route matches this path",
            )
        })
        .layer(axum::middleware::from_fn(
            move |req: Request<axum::body::Body>, next: Next| {
                let metrics = Arc::clone(&metrics);
                async move {
                    let route = match req.uri().path() {
                        p if p.starts_with("/webhooks/") => "/webhooks/stripe",
                        p if p.starts_with("/media/") => "/media/images",
                        _ => "other",
                    };
                    let started = Instant::now();
                    let response = next.run(req).await;
                    metrics.request("host", route, response.status().as_u16(), started.elapsed());
                    response
                }
            },
        )))
}

/// [`router`] mounted ahead of the Spin app on `edgecart up`'s listener. A
/// request body is read whole (at most `max_body` bytes) before the routes
/// answer, so a refusal never cuts off a client that is still sending.
pub fn host_routes(router: Router, max_body: u64) -> HostRoutes {
    let max_body = usize::try_from(max_body).unwrap_or(usize::MAX);
    HostRoutes::new(vec!["/media/".into(), "/webhooks/".into()], move |req| {
        let router = router.clone();
        Box::pin(async move {
            let (parts, body) = req.into_parts();
            let body = match Limited::new(body, max_body).collect().await {
                Ok(c) => c.to_bytes(),
                Err(e) => {
                    let too_large = e.is::<LengthLimitError>();
                    let (status, code, message) = if too_large {
                        (
                            StatusCode::PAYLOAD_TOO_LARGE,
                            "payload_too_large",
                            format!("the request body is larger than {max_body} bytes"),
                        )
                    } else {
                        (
                            StatusCode::BAD_REQUEST,
                            "bad_request",
                            format!("cannot read the request body: {e}"),
                        )
                    };
                    let body = serde_json::json!({ "error": { "code": code, "message": message } });
                    let mut r = Response::new(Bytes::from(body.to_string()));
                    *r.status_mut() = status;
                    r.headers_mut().insert(
                        axum::http::header::CONTENT_TYPE,
                        axum::http::HeaderValue::from_static("application/json"),
                    );
                    return r;
                }
            };
            let request = Request::from_parts(parts, axum::body::Body::from(body));
            let response = match router.oneshot(request).await {
                Ok(r) => r,
                Err(never) => match never {},
            };
            let (parts, body) = response.into_parts();
            let bytes = match body.collect().await {
                Ok(c) => c.to_bytes(),
                Err(e) => {
                    tracing::warn!(error = %e, "media response body failed");
                    Bytes::new()
                }
            };
            Response::from_parts(parts, bytes)
        })
    })
}

/// The Stripe webhook endpoint's state: events recorded in
/// `<data-dir>/webhooks.db` (or beside the sagas on a libSQL server), verified
/// with `STRIPE_WEBHOOK_SECRET`, waking the runner's sagas.
pub async fn webhooks(data_dir: &Path, runner: &Runner) -> anyhow::Result<Arc<Webhooks>> {
    let inbox = match std::env::var("EDGECART_SAGA_DB_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) => {
            let token = std::env::var("EDGECART_SAGA_DB_TOKEN").unwrap_or_default();
            Inbox::open_remote(&url, &token).await
        }
        None => Inbox::open(&data_dir.join("webhooks.db")).await,
    }
    .map_err(|e| anyhow::anyhow!(e))?;
    let secret = std::env::var("STRIPE_WEBHOOK_SECRET")
        .ok()
        .filter(|s| !s.is_empty());
    Ok(Arc::new(Webhooks {
        secret,
        inbox,
        sagas: Arc::clone(&runner.engine),
    }))
}

/// Opens the gateway and the saga database; the runner looks for new orders
/// and refunds every `poll`.
pub async fn prepare(
    data_dir: &Path,
    shop_url: &str,
    service_token: &str,
    metrics: Arc<CommerceMetrics>,
    poll: Duration,
) -> anyhow::Result<Runner> {
    let gateway = match std::env::var("STRIPE_API_KEY")
        .ok()
        .filter(|k| !k.is_empty())
    {
        Some(key) => {
            let base = std::env::var("STRIPE_API_BASE").unwrap_or_else(|_| STRIPE_API.to_string());
            tracing::info!(base = %base, "payments go to Stripe");
            AnyGateway::Stripe(StripeGateway::new(&base, &key).map_err(|e| anyhow::anyhow!("{e}"))?)
        }
        None => {
            tracing::info!("payments go to the embedded sandbox (set STRIPE_API_KEY for Stripe)");
            AnyGateway::Sandbox(Box::new(
                SandboxGateway::open(&data_dir.join("payments-sandbox.db"))
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
            ))
        }
    };
    let shop = Arc::new(Shop::new(shop_url, service_token).map_err(|e| anyhow::anyhow!(e))?);
    let name = match gateway {
        AnyGateway::Stripe(_) => "stripe",
        AnyGateway::Sandbox(_) => "sandbox",
    };
    let gateway = Arc::new(Counted::new(gateway, name, Arc::clone(&metrics)));
    let steps = checkout::steps(Arc::clone(&shop), Arc::clone(&gateway));
    let policy = Policy {
        max_attempts: 8,
        first_backoff: Duration::from_millis(200),
        max_backoff: Duration::from_secs(10),
    };
    let engine = match std::env::var("EDGECART_SAGA_DB_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) => {
            tracing::info!(url = %url, "saga records on a libSQL server");
            let token = std::env::var("EDGECART_SAGA_DB_TOKEN").unwrap_or_default();
            Engine::open_remote(&url, &token, steps, policy).await
        }
        None => Engine::open(&data_dir.join("sagas.db"), steps, policy).await,
    }
    .map_err(|e| anyhow::anyhow!(e))?;
    Ok(Runner {
        engine: Arc::new(engine),
        gateway,
        metrics,
        shop,
        running: Arc::new(Mutex::new(HashSet::new())),
        poll,
        wake: Arc::new(Notify::new()),
    })
}

/// The saga runner.
pub struct Runner {
    engine: Arc<Engine>,
    gateway: Arc<Counted<AnyGateway>>,
    metrics: Arc<CommerceMetrics>,
    shop: Arc<Shop>,
    running: Arc<Mutex<HashSet<String>>>,
    poll: Duration,
    wake: Arc<Notify>,
}

impl Runner {
    /// For the shop's listener: a successful `POST` under `/api/orders/` (a
    /// checkout, a cancellation, a refund request) starts the next round now.
    /// Wakes during a round coalesce into one more round.
    pub fn wake_on_orders(&self) -> ResponseHook {
        let wake = Arc::clone(&self.wake);
        ResponseHook::new(move |method, path, status| {
            if method == Method::POST && status.is_success() && path.starts_with("/api/orders/") {
                wake.notify_one();
            }
        })
    }

    /// Starts a saga for `id` unless one is already running in this process.
    fn spawn(&self, id: String, order: i64) {
        {
            let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
            if !running.insert(id.clone()) {
                return;
            }
        }
        let engine = Arc::clone(&self.engine);
        let shop = Arc::clone(&self.shop);
        let running = Arc::clone(&self.running);
        let metrics = Arc::clone(&self.metrics);
        tokio::spawn(async move {
            match engine.run(&id).await {
                Ok(Outcome::Completed) => {
                    metrics.saga("completed");
                    tracing::info!(order, "checkout completed: order paid");
                }
                Ok(Outcome::Failed(reason)) => {
                    metrics.saga("failed");
                    tracing::info!(order, reason = %reason, "checkout failed and was compensated");
                    if let Err(e) = checkout::close_failed_order(&shop, order, &reason).await {
                        tracing::warn!(order, error = ?e, "cannot record the failure on the order yet; will retry");
                    }
                }
                Ok(Outcome::Busy) => {
                    tracing::debug!(order, "another host is running this checkout")
                }
                Ok(Outcome::Stuck(reason)) => {
                    metrics.saga("stuck");
                    tracing::error!(order, reason = %reason, "checkout saga stuck: needs an operator")
                }
                Err(e) => {
                    tracing::warn!(order, error = %e, "checkout saga interrupted; will resume")
                }
            }
            running
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&id);
        });
    }

    /// Every poll interval or when woken, forever: resumes the unfinished
    /// sagas no live host is running (after a crash, here or on another host),
    /// then starts one for each new order and pays out requested refunds.
    pub async fn run(self) {
        loop {
            match self.engine.unfinished().await {
                Ok(ids) => {
                    for id in ids {
                        let order = id.trim_start_matches("order-").parse().unwrap_or(0);
                        self.spawn(id, order);
                    }
                }
                Err(e) => tracing::debug!(error = %e, "cannot read unfinished sagas yet"),
            }
            match self
                .shop
                .call(reqwest::Method::GET, "/internal/orders/pending", None)
                .await
            {
                Ok((200, body)) => {
                    for order in body["items"].as_array().into_iter().flatten() {
                        let Some(n) = order["id"].as_i64() else {
                            continue;
                        };
                        let id = format!("order-{n}");
                        match self.engine.start(&id, order).await {
                            Ok(()) => self.spawn(id, n),
                            Err(e) => {
                                tracing::warn!(order = n, error = %e, "cannot start the checkout saga")
                            }
                        }
                    }
                }
                Ok((status, body)) => {
                    tracing::warn!(status, body = %body, "listing pending orders failed")
                }
                Err(e) => tracing::debug!(error = ?e, "the shop is not answering yet"),
            }
            if let Err(e) = refunds::settle(&self.shop, self.gateway.as_ref()).await {
                tracing::debug!(error = ?e, "cannot settle refunds yet");
            }
            tokio::select! {
                () = tokio::time::sleep(self.poll) => {}
                () = self.wake.notified() => {}
            }
        }
    }
}
