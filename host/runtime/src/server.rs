//! The public HTTP listener.
//!
//! [`run`] takes a bound listener and a shutdown future (so tests bind port 0 and
//! the CLI wires signals). Every accepted connection gets `TCP_NODELAY`. Before a
//! request reaches a component it passes two limits: a semaphore on concurrent
//! requests (503 with `Retry-After` when full) and the maximum body size (413).
//! On shutdown the listener stops accepting, open connections finish their
//! in-flight request, and `run` returns once they are done (or the grace period
//! ends). The embedding binary may claim path prefixes for itself
//! ([`HostRoutes`], e.g. `edgecart`'s media uploads); everything else goes to the
//! Spin application. A [`ResponseHook`] sees each component response's status
//! as its head is sent, so the embedding binary can start work a request left
//! behind (e.g. `edgecart up` wakes its saga runner on a checkout).

use crate::app::App;
use crate::error::json_error;
use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body, Incoming};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use wasmtime_wasi_http::WasiBody;

/// What a [`HostRoutes`] handler returns.
pub type HostFuture = Pin<Box<dyn Future<Output = Response<Bytes>> + Send>>;

/// Path prefixes the embedding binary serves itself, ahead of the Spin app.
#[derive(Clone)]
pub struct HostRoutes {
    prefixes: Vec<String>,
    handler: Arc<dyn Fn(Request<Incoming>) -> HostFuture + Send + Sync>,
}

impl HostRoutes {
    /// Requests whose path is one of `prefixes` (each ending in `/`) or below
    /// it go to `handler`.
    pub fn new(
        prefixes: Vec<String>,
        handler: impl Fn(Request<Incoming>) -> HostFuture + Send + Sync + 'static,
    ) -> Self {
        Self {
            prefixes,
            handler: Arc::new(handler),
        }
    }

    fn claims(&self, path: &str) -> bool {
        self.prefixes
            .iter()
            .any(|p| path.starts_with(p.as_str()) || path == p.trim_end_matches('/'))
    }
}

impl std::fmt::Debug for HostRoutes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostRoutes")
            .field("prefixes", &self.prefixes)
            .finish_non_exhaustive()
    }
}

/// What a [`ResponseHook`] calls: method, path, status.
type SeeResponse = dyn Fn(&Method, &str, StatusCode) + Send + Sync;

/// Called with the method, path and status of each component response.
#[derive(Clone)]
pub struct ResponseHook(Arc<SeeResponse>);

impl ResponseHook {
    /// Wraps `hook`; it runs on the request's task, so it must not block.
    pub fn new(hook: impl Fn(&Method, &str, StatusCode) + Send + Sync + 'static) -> Self {
        Self(Arc::new(hook))
    }
}

impl std::fmt::Debug for ResponseHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResponseHook")
    }
}

/// Limits of the public listener.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Requests handled at once; more get 503.
    pub max_concurrent_requests: usize,
    /// Largest accepted request body, in bytes; larger gets 413.
    pub max_body_bytes: u64,
    /// How long shutdown waits for in-flight requests.
    pub shutdown_grace: Duration,
    /// Routes the embedding binary serves itself.
    pub host_routes: Option<HostRoutes>,
    /// Sees every component response.
    pub on_response: Option<ResponseHook>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            max_concurrent_requests: 1024,
            max_body_bytes: 10 << 20,
            shutdown_grace: Duration::from_secs(30),
            host_routes: None,
            on_response: None,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then drains.
pub async fn run(
    listener: TcpListener,
    app: Arc<App>,
    options: ServerOptions,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let limits = Arc::new(Limits {
        semaphore: Arc::new(Semaphore::new(options.max_concurrent_requests)),
        max_body_bytes: options.max_body_bytes,
        host_routes: options.host_routes.clone(),
        on_response: options.on_response.clone(),
    });
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, client) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
        let app = app.clone();
        let limits = limits.clone();
        let service = hyper::service::service_fn(move |req| {
            let app = app.clone();
            let limits = limits.clone();
            async move { Ok::<_, Infallible>(limits.serve(&app, req, client).await) }
        });
        let conn = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(Duration::from_secs(30))
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tracing::info!("shutting down: waiting for in-flight requests");
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all connections closed"),
        () = tokio::time::sleep(options.shutdown_grace) => tracing::warn!("grace period over; closing remaining connections"),
    }
    Ok(())
}

struct Limits {
    semaphore: Arc<Semaphore>,
    max_body_bytes: u64,
    host_routes: Option<HostRoutes>,
    on_response: Option<ResponseHook>,
}

impl Limits {
    async fn serve(
        &self,
        app: &App,
        request: Request<Incoming>,
        client: SocketAddr,
    ) -> Response<WasiBody> {
        let Ok(_permit) = self.semaphore.clone().try_acquire_owned() else {
            app.metrics().rejected("concurrency");
            let mut r = json_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                "the server is handling too many requests; retry shortly",
            );
            r.headers_mut()
                .insert(http::header::RETRY_AFTER, HeaderValue::from_static("1"));
            return r;
        };
        let too_large = || {
            app.metrics().rejected("body_size");
            json_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                &format!(
                    "the request body is larger than {} bytes",
                    self.max_body_bytes
                ),
            )
        };
        let declared = request
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > self.max_body_bytes) {
            return too_large();
        }
        if let Some(host) = self
            .host_routes
            .as_ref()
            .filter(|h| h.claims(request.uri().path()))
        {
            return (host.handler)(request).await.map(full);
        }
        let (parts, body) = request.into_parts();
        let body: WasiBody = match declared {
            Some(_) => body.map_err(wasmtime_wasi_http::Error::from).boxed_unsync(),
            None if body.is_end_stream() => {
                body.map_err(wasmtime_wasi_http::Error::from).boxed_unsync()
            }
            None => {
                let limit = usize::try_from(self.max_body_bytes).unwrap_or(usize::MAX);
                match Limited::new(body, limit).collect().await {
                    Ok(collected) => full(collected.to_bytes()),
                    Err(e) if e.is::<http_body_util::LengthLimitError>() => return too_large(),
                    Err(e) => {
                        return json_error(
                            StatusCode::BAD_REQUEST,
                            "bad_request",
                            &format!("cannot read the request body: {e}"),
                        );
                    }
                }
            }
        };
        let Some(hook) = &self.on_response else {
            return app.handle(Request::from_parts(parts, body), client).await;
        };
        let (method, uri) = (parts.method.clone(), parts.uri.clone());
        let response = app.handle(Request::from_parts(parts, body), client).await;
        (hook.0)(&method, uri.path(), response.status());
        response
    }
}

fn full(bytes: Bytes) -> WasiBody {
    Full::new(bytes)
        .map_err(|never| match never {})
        .boxed_unsync()
}
