//! A loaded application: one request dispatcher per component behind Spin's router.
//!
//! [`App::load`] validates everything before serving: manifest, runtime config,
//! variables, grants, files, and every component's imports and exports (each is
//! compiled, or loaded from the cache, and pre-instantiated). All problems come
//! back together as one [`ConfigErrors`].
//!
//! Each component gets a [`ProxyHandler`] from `wasmtime-wasi-http`, which runs
//! requests on pooled instances: a WASI 0.2 instance serves one request; a WASI 0.3
//! instance can be reused for several (`max_instance_reuse`), one at a time by
//! default so that a trapping or looping request never takes an innocent one down
//! with it (`max_instance_concurrency` raises that).

use crate::db::{Access, BUSY_TIMEOUT, Databases, DbGrants};
use crate::engine::{ComponentCache, EngineLimits, EpochTicker, new_engine};
use crate::error::{ConfigErrors, json_error};
use crate::files::{self, Preopen};
use crate::kv::{self, KvHost, KvView};
use crate::lanes::{BackgroundLane, in_lane};
use crate::manifest::{Manifest, Priority};
use crate::metrics::Metrics;
use crate::outbound::{AllowedHostsConfig, ChainFuture, ChainTarget, Chainer, OutboundHooks};
use crate::response::collect_small;
use crate::routes::{RouteMatch, Router};
use crate::runtime_config::RuntimeConfig;
use crate::sqlite::{self, SqliteHost, SqliteView};
use crate::variables::{self, AppVariables, ComponentVariables, VariablesView};
use http::{HeaderName, HeaderValue, Request, Response, StatusCode, Uri};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use wasmtime::component::{Linker, ResourceTable, TaskGroupId};
use wasmtime::{Engine, ResourceLimiter, Store, StoreContextMut};
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::handler::{
    ExpirationError, HandlerState, Instance, InstantiationError, ProxyHandler, ProxyPre,
    ShouldAccept, WorkerExpiration, WorkerState, WorkerStatus,
};
use wasmtime_wasi_http::{WasiBody, WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// Tunables of the runtime.
#[derive(Debug, Clone)]
pub struct AppOptions {
    /// Deadline for a guest to produce its response.
    pub request_timeout: Duration,
    /// Linear memory limit per instance, in bytes.
    pub memory_limit_bytes: usize,
    /// Requests a WASI 0.3 instance serves before it is dropped (WASI 0.2: always 1).
    pub max_instance_reuse: usize,
    /// Requests a WASI 0.3 instance serves at the same time.
    pub max_instance_concurrency: usize,
    /// How long an idle instance is kept for reuse.
    pub idle_instance_timeout: Duration,
    /// Requests from clients one component runs at once; later ones wait their
    /// turn. Chained requests are never held back, so a chain cannot deadlock.
    /// 0: no limit.
    pub max_component_requests: usize,
    /// Maximum instances alive at once (sizes the pooling allocator).
    pub max_instances: u32,
    /// Compiled-component cache directory; `None` disables the cache.
    pub cache_dir: Option<PathBuf>,
    /// Directory for runtime state (staged `files` mounts, databases).
    pub data_dir: PathBuf,
    /// SQL run before serving, as (database label, statements), like
    /// `spin up --sqlite`.
    pub sqlite_statements: Vec<(String, String)>,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            memory_limit_bytes: 128 << 20,
            max_instance_reuse: 128,
            max_instance_concurrency: 1,
            idle_instance_timeout: Duration::from_secs(1),
            max_component_requests: 0,
            max_instances: 1000,
            cache_dir: ComponentCache::default_dir(),
            data_dir: PathBuf::from(".edgecart"),
            sqlite_statements: Vec::new(),
        }
    }
}

/// The per-store state of one component instance.
pub struct Host {
    table: ResourceTable,
    wasi: WasiCtx,
    http: WasiHttpCtx,
    hooks: OutboundHooks,
    limiter: MemoryLimiter,
    variables: ComponentVariables,
    sqlite: DbGrants,
    kv: DbGrants,
}

impl SqliteHost for Host {
    fn sqlite(&mut self) -> SqliteView<'_> {
        SqliteView {
            grants: &self.sqlite,
            table: &mut self.table,
        }
    }
}

impl KvHost for Host {
    fn key_value(&mut self) -> KvView<'_> {
        KvView {
            grants: &self.kv,
            table: &mut self.table,
        }
    }
}

impl WasiView for Host {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for Host {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

impl VariablesView for Host {
    fn variables(&mut self) -> &mut ComponentVariables {
        &mut self.variables
    }
}

/// The error a guest's memory growth past the limit traps with.
#[derive(Debug)]
pub struct MemoryLimitExceeded {
    limit: usize,
}

impl std::fmt::Display for MemoryLimitExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "guest memory limit of {} bytes exceeded", self.limit)
    }
}

impl std::error::Error for MemoryLimitExceeded {}

/// What the runtime learned about a request while the guest ran it; read when
/// the request fails, to tell an out-of-memory apart from other traps.
#[derive(Debug)]
pub struct RequestSlot {
    out_of_memory: AtomicBool,
    started: Instant,
}

impl RequestSlot {
    fn new() -> Self {
        Self {
            out_of_memory: AtomicBool::new(false),
            started: Instant::now(),
        }
    }
}

struct MemoryLimiter {
    limit: usize,
    /// The request the instance is running (instances run one at a time by default).
    current: Option<Arc<RequestSlot>>,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limit {
            if let Some(slot) = &self.current {
                slot.out_of_memory.store(true, Ordering::Relaxed);
            }
            return Err(wasmtime::Error::new(MemoryLimitExceeded {
                limit: self.limit,
            }));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

/// Everything one component's handler needs to create instances.
struct ComponentState {
    id: Arc<str>,
    pre: ProxyPre<Host>,
    p3: bool,
    environment: Vec<(String, String)>,
    preopens: Vec<Preopen>,
    variables: ComponentVariables,
    sqlite: DbGrants,
    kv: DbGrants,
    allowed: Arc<AllowedHostsConfig>,
    chainer: Weak<Dispatcher>,
    options: Arc<AppOptions>,
    metrics: Arc<Metrics>,
    next_instance: AtomicU64,
}

impl ComponentState {
    fn new_store(&self, engine: &Engine) -> wasmtime::Result<Store<Host>> {
        let mut wasi = WasiCtxBuilder::new();
        wasi.inherit_stdout().inherit_stderr();
        for (k, v) in &self.environment {
            wasi.env(k, v);
        }
        // Files of a mount are read on the request's own thread: a `stat` or
        // a read of a small file from the OS cache takes microseconds, and
        // handing each call to a blocking thread and back cost the storefront
        // about half of its `index.html` request. (Set before the mounts, which
        // take it when they are opened.)
        wasi.allow_blocking_current_thread(true);
        for p in &self.preopens {
            wasi.preopened_dir(&p.host, &p.guest, FsPerms::ReadOnly)?;
        }
        let chainer: Weak<dyn Chainer> = self.chainer.clone();
        let host = Host {
            table: ResourceTable::new(),
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            hooks: OutboundHooks::new(self.id.clone(), self.allowed.clone(), chainer),
            limiter: MemoryLimiter {
                limit: self.options.memory_limit_bytes,
                current: None,
            },
            variables: self.variables.clone(),
            sqlite: self.sqlite.clone(),
            kv: self.kv.clone(),
        };
        let mut store = Store::new(engine, host);
        store.limiter(|h| &mut h.limiter);
        store.set_epoch_deadline(1);
        store.epoch_deadline_async_yield_and_update(1);
        Ok(store)
    }
}

impl HandlerState for ComponentState {
    type StoreData = Host;
    type WorkerExpiration = Expiration;
    type WorkerState = Worker;

    async fn instantiate(&self) -> wasmtime::Result<Instance<Host, Expiration, Worker>> {
        let started = Instant::now();
        let engine = match &self.pre {
            ProxyPre::P2(p) => p.instance_pre().engine().clone(),
            ProxyPre::P3(p) => p.instance_pre().engine().clone(),
        };
        let mut store = self.new_store(&engine)?;
        let proxy = self.pre.instantiate_async(&mut store).await?;
        self.metrics.instantiation(&self.id, started.elapsed());
        let instance = self.next_instance.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(component = %self.id, instance, elapsed = ?started.elapsed(), "instantiated");
        let (reuse, concurrency) = if self.p3 {
            (
                self.options.max_instance_reuse.max(1),
                self.options.max_instance_concurrency.max(1),
            )
        } else {
            (1, 1)
        };
        Ok(Instance {
            store,
            proxy,
            view: WasiHttpView::http,
            expiration: Expiration {
                idle_timeout: self.options.idle_instance_timeout,
                request_timeout: self.options.request_timeout + EXPIRATION_MARGIN,
                sleep: Box::pin(tokio::time::sleep(Duration::MAX)),
            },
            state: Worker {
                component: self.id.clone(),
                reuse,
                concurrency,
                request_timeout: self.options.request_timeout,
            },
        })
    }
}

/// The instance-level deadline trails the request deadline by this much, so a
/// request past its deadline normally gets its own timeout error first.
const EXPIRATION_MARGIN: Duration = Duration::from_millis(200);

/// Decides when an instance's worker exits: idle too long, or past a deadline.
pub struct Expiration {
    idle_timeout: Duration,
    request_timeout: Duration,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl WorkerExpiration for Expiration {
    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        status: WorkerStatus,
        start: Instant,
    ) -> Poll<()> {
        let timeout = match status {
            WorkerStatus::Idle => self.idle_timeout,
            WorkerStatus::Requests | WorkerStatus::PostReturn => self.request_timeout,
        };
        let Some(deadline) = start.checked_add(timeout) else {
            return Poll::Pending;
        };
        let deadline = tokio::time::Instant::from_std(deadline);
        if self.sleep.deadline() != deadline {
            self.sleep.as_mut().reset(deadline);
        }
        self.sleep.as_mut().poll(cx)
    }
}

/// Per-instance policy: how many requests it takes, and request deadlines.
pub struct Worker {
    component: Arc<str>,
    reuse: usize,
    concurrency: usize,
    request_timeout: Duration,
}

impl WorkerState for Worker {
    type StoreData = Host;
    type RequestData = Arc<RequestSlot>;

    fn should_accept_request(&self, concurrent: usize, total: usize) -> ShouldAccept {
        if total >= self.reuse {
            ShouldAccept::Never
        } else if concurrent >= self.concurrency {
            ShouldAccept::No
        } else {
            ShouldAccept::Yes
        }
    }

    fn on_request_start(
        &self,
        mut store: StoreContextMut<'_, Host>,
        slot: Arc<RequestSlot>,
        _task_group: TaskGroupId,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + Sync>> {
        store.data_mut().limiter.current = Some(slot);
        Box::pin(tokio::time::sleep(self.request_timeout))
    }

    fn drop(&self, store: Store<Host>, result: wasmtime::Result<()>) {
        if let Err(e) = result {
            tracing::debug!(component = %self.component, error = %e, "instance discarded");
        }
        drop(store);
    }
}

/// A component that passed every startup check, ready to get a handler.
struct PreparedComponent {
    id: String,
    environment: Vec<(String, String)>,
    variables: ComponentVariables,
    sqlite: DbGrants,
    kv: DbGrants,
    allowed: AllowedHostsConfig,
    preopens: Vec<Preopen>,
    pre: ProxyPre<Host>,
    priority: Priority,
}

/// One component's dispatcher.
struct ComponentRuntime {
    handler: ProxyHandler<ComponentState>,
    /// The runtime its instances run on: the worker threads' or the background
    /// lane's.
    lane: tokio::runtime::Handle,
    /// Turns for client requests (`max_component_requests`); `None`: unlimited.
    admission: Option<tokio::sync::Semaphore>,
}

/// Routes requests to components; shared by the server and by service chaining.
pub struct Dispatcher {
    router: Router,
    base: String,
    components: HashMap<String, ComponentRuntime>,
    metrics: Arc<Metrics>,
    options: Arc<AppOptions>,
    me: Weak<Dispatcher>,
}

/// Where a request came from.
#[derive(Debug, Clone, Copy)]
pub enum Origin {
    /// A client of the public listener.
    Client(SocketAddr),
    /// Another component, through service chaining.
    Chained,
}

/// A runnable application.
pub struct App {
    dispatcher: Arc<Dispatcher>,
    _ticker: EpochTicker,
    /// Threads for `priority = "background"` components, if any.
    _background: Option<BackgroundLane>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("routes", &self.dispatcher.router)
            .finish()
    }
}

fn pre_instantiate(
    linker: &Linker<Host>,
    component: &wasmtime::component::Component,
    id: &str,
) -> Result<ProxyPre<Host>, String> {
    let pre = linker
        .instantiate_pre(component)
        .map_err(|e| format!("component `{id}` cannot be linked: {e:#}; edgecart provides WASI 0.2 and 0.3, wasi:http, and Spin's variables, sqlite and key-value interfaces"))?;
    if let Ok(p3) = wasmtime_wasi_http::p3::bindings::ServicePre::new(pre.clone()) {
        return Ok(ProxyPre::P3(p3));
    }
    wasmtime_wasi_http::p2::bindings::ProxyPre::new(pre)
        .map(ProxyPre::P2)
        .map_err(|_| {
            format!(
                "component `{id}` is not an HTTP component: it must export `wasi:http/handler@0.3` (spin-sdk 7) or `wasi:http/incoming-handler@0.2`"
            )
        })
}

/// The sqlite and key-value databases of an application, opened.
struct AppDatabases {
    sqlite: Arc<Databases>,
    kv: Arc<Databases>,
}

async fn open_databases(
    manifest: &Manifest,
    runtime_config: &RuntimeConfig,
    options: &AppOptions,
    errors: &mut ConfigErrors,
) -> AppDatabases {
    let mut sqlite_labels: HashSet<String> = manifest
        .components
        .values()
        .flat_map(|c| c.sqlite_databases.iter().cloned())
        .collect();
    sqlite_labels.extend(
        options
            .sqlite_statements
            .iter()
            .map(|(label, _)| label.clone()),
    );
    let kv_labels: HashSet<String> = manifest
        .components
        .values()
        .flat_map(|c| c.key_value_stores.iter().cloned())
        .collect();
    let sqlite = Databases::open_all(
        &sqlite_labels,
        &runtime_config.sqlite_databases,
        &options.data_dir.join("sqlite"),
    )
    .await
    .unwrap_or_else(|problems| {
        problems.into_iter().for_each(|p| errors.push(p));
        Databases::default()
    });
    let kv = Databases::open_all(
        &kv_labels,
        &runtime_config.key_value_stores,
        &options.data_dir.join("kv"),
    )
    .await
    .unwrap_or_else(|problems| {
        problems
            .into_iter()
            .for_each(|p| errors.push(format!("key-value {p}")));
        Databases::default()
    });
    for label in kv_labels
        .iter()
        .chain(runtime_config.key_value_stores.keys())
    {
        if let Some(db) = kv.by_label(label)
            && let Err(e) = kv::prepare(db).await
        {
            errors.push(format!("key-value store `{label}`: {e}"));
        }
    }
    for (label, sql) in &options.sqlite_statements {
        if let Some(db) = sqlite.by_label(label) {
            let sql = sql.clone();
            let run = db
                .run(&sql, Access::Write, async {
                    // Before serving, waiting on this thread for another
                    // process's lock is fine, and a batch cannot be tried again.
                    let conn = db.checkout()?;
                    conn.connection().busy_timeout(BUSY_TIMEOUT)?;
                    conn.connection().execute_batch(&sql).await.map(drop)
                })
                .await;
            match run {
                Ok(()) => tracing::info!(database = %label, "ran --sqlite statements"),
                Err(e) => errors.push(format!("--sqlite on database `{label}` failed: {e}")),
            }
        }
    }
    AppDatabases {
        sqlite: Arc::new(sqlite),
        kv: Arc::new(kv),
    }
}

impl App {
    /// Loads and validates `manifest` with `runtime_config`: opens its databases,
    /// runs `--sqlite` statements, compiles and links every component. Every
    /// problem is reported in the returned error.
    pub async fn load(
        manifest: Manifest,
        runtime_config: RuntimeConfig,
        options: AppOptions,
    ) -> Result<App, ConfigErrors> {
        let mut errors = ConfigErrors::default();
        let databases = open_databases(&manifest, &runtime_config, &options, &mut errors).await;
        let built = tokio::task::spawn_blocking(move || {
            Self::build(&manifest, &runtime_config, options, databases)
        })
        .await;
        match built {
            Ok(Ok(app)) if errors.is_empty() => Ok(app),
            Ok(Ok(_)) => Err(errors),
            Ok(Err(e)) => {
                errors.extend(e);
                Err(errors)
            }
            Err(e) => {
                errors.push(format!("loading the application failed: {e}"));
                Err(errors)
            }
        }
    }

    fn build(
        manifest: &Manifest,
        runtime_config: &RuntimeConfig,
        options: AppOptions,
        databases: AppDatabases,
    ) -> Result<App, ConfigErrors> {
        let mut errors = ConfigErrors::default();
        let app_vars = match AppVariables::resolve(&manifest.variables, &runtime_config.providers) {
            Ok(v) => v,
            Err(e) => {
                errors.extend(e);
                AppVariables::default()
            }
        };
        let engine = match new_engine(&EngineLimits {
            memory_bytes: options.memory_limit_bytes,
            max_instances: options.max_instances,
        }) {
            Ok(e) => e,
            Err(e) => {
                errors.push(format!("cannot create the WebAssembly engine: {e}"));
                return Err(errors);
            }
        };
        let mut linker = Linker::<Host>::new(&engine);
        let linked = wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .and_then(|()| wasmtime_wasi::p3::add_to_linker(&mut linker))
            .and_then(|()| wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker))
            .and_then(|()| wasmtime_wasi_http::p3::add_to_linker(&mut linker))
            .and_then(|()| variables::add_to_linker(&mut linker))
            .and_then(|()| sqlite::add_to_linker(&mut linker))
            .and_then(|()| kv::add_to_linker(&mut linker));
        if let Err(e) = linked {
            errors.push(format!("cannot set up host interfaces: {e}"));
            return Err(errors);
        }
        let cache = ComponentCache::new(options.cache_dir.clone());
        let options = Arc::new(options);
        let metrics = Arc::new(Metrics::new());

        let mut prepared = Vec::new();
        for (id, decl) in &manifest.components {
            let variables = app_vars
                .component_values(id, &decl.variables)
                .map_err(|e| errors.extend(e))
                .ok();
            let allowed = AllowedHostsConfig::build(&decl.allowed_outbound_hosts, &app_vars)
                .map_err(|e| errors.push(format!("component `{id}`: allowed_outbound_hosts: {e}")))
                .ok();
            let staging = options.data_dir.join("files").join(id);
            let preopens =
                files::prepare(&manifest.dir, &decl.files, &decl.exclude_files, &staging)
                    .map_err(|e| errors.push(format!("component `{id}`: files: {e:#}")))
                    .ok();
            let pre = match cache.load(&engine, &decl.source) {
                Ok(component) => pre_instantiate(&linker, &component, id)
                    .map_err(|e| errors.push(e))
                    .ok(),
                Err(e) => {
                    errors.push(format!(
                        "component `{id}`: {} is not a valid WebAssembly component: {e:#}",
                        decl.source.display()
                    ));
                    None
                }
            };
            if let (Some(variables), Some(allowed), Some(preopens), Some(pre)) =
                (variables, allowed, preopens, pre)
            {
                let grants = |databases: &Arc<Databases>, labels: &[String]| DbGrants {
                    databases: databases.clone(),
                    granted: Arc::new(labels.iter().cloned().collect()),
                };
                prepared.push(PreparedComponent {
                    id: id.clone(),
                    environment: decl.environment.clone().into_iter().collect(),
                    variables,
                    sqlite: grants(&databases.sqlite, &decl.sqlite_databases),
                    kv: grants(&databases.kv, &decl.key_value_stores),
                    allowed,
                    preopens,
                    pre,
                    priority: decl.priority,
                });
            }
        }
        let background = if prepared.iter().any(|c| c.priority == Priority::Background) {
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            match BackgroundLane::start(threads) {
                Ok(lane) => Some(lane),
                Err(e) => {
                    errors.push(format!("cannot start the background lane's threads: {e}"));
                    None
                }
            }
        } else {
            None
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let workers = tokio::runtime::Handle::current();

        let routes = manifest
            .triggers
            .iter()
            .filter_map(|t| t.route.clone().map(|r| (r, t.component.clone())))
            .collect();
        let base = manifest.application.trigger.http.base.clone();
        let router = Router::new(&base, routes);
        let dispatcher = Arc::new_cyclic(|weak: &Weak<Dispatcher>| {
            let components = prepared
                .into_iter()
                .map(|c| {
                    let id = c.id.clone();
                    let lane = match (&background, c.priority) {
                        (Some(b), Priority::Background) => b.handle(),
                        _ => workers.clone(),
                    };
                    let state = ComponentState {
                        id: Arc::from(c.id.as_str()),
                        p3: matches!(c.pre, ProxyPre::P3(_)),
                        pre: c.pre,
                        environment: c.environment,
                        preopens: c.preopens,
                        variables: c.variables,
                        sqlite: c.sqlite,
                        kv: c.kv,
                        allowed: Arc::new(c.allowed),
                        chainer: weak.clone(),
                        options: options.clone(),
                        metrics: metrics.clone(),
                        next_instance: AtomicU64::new(0),
                    };
                    (
                        id,
                        ComponentRuntime {
                            handler: ProxyHandler::new(state),
                            lane,
                            admission: (options.max_component_requests > 0).then(|| {
                                tokio::sync::Semaphore::new(
                                    options
                                        .max_component_requests
                                        .min(tokio::sync::Semaphore::MAX_PERMITS),
                                )
                            }),
                        },
                    )
                })
                .collect();
            Dispatcher {
                router,
                base,
                components,
                metrics: metrics.clone(),
                options: options.clone(),
                me: weak.clone(),
            }
        });
        Ok(App {
            dispatcher,
            _ticker: EpochTicker::start(engine),
            _background: background,
        })
    }

    /// The public routes as (route, component), in manifest order.
    pub fn routes(&self) -> Vec<(String, String)> {
        self.dispatcher
            .router
            .routes()
            .map(|(r, c)| (r.to_string(), c.to_string()))
            .collect()
    }

    /// The runtime's metrics.
    pub fn metrics(&self) -> Arc<Metrics> {
        self.dispatcher.metrics.clone()
    }

    /// Handles one request from a client of the public listener.
    pub async fn handle(
        &self,
        request: Request<WasiBody>,
        client: SocketAddr,
    ) -> Response<WasiBody> {
        self.dispatcher
            .clone()
            .dispatch_public(request, Origin::Client(client))
            .await
    }
}

const SPIN_HEADER_PREFIX: &str = "spin-";

impl Dispatcher {
    async fn dispatch_public(
        self: Arc<Self>,
        request: Request<WasiBody>,
        origin: Origin,
    ) -> Response<WasiBody> {
        let path = request.uri().path().to_string();
        match self.router.route(&path) {
            Some(m) => {
                let m = owned(m);
                self.run(m, request, origin).await
            }
            None => {
                self.metrics.request("none", "none", 404, Duration::ZERO);
                json_error(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    &format!("no route matches {path}"),
                )
            }
        }
    }

    async fn run(
        &self,
        m: OwnedMatch,
        mut request: Request<WasiBody>,
        origin: Origin,
    ) -> Response<WasiBody> {
        let started = Instant::now();
        let Some(component) = self.components.get(&m.component) else {
            return json_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "route has no component",
            );
        };
        set_spin_headers(&mut request, &m, &self.base, origin);
        // Held until the response is collected or starts streaming.
        let _turn = match (&component.admission, origin) {
            (Some(turns), Origin::Client(_)) => turns.acquire().await.ok(),
            _ => None,
        };
        let slot = Arc::new(RequestSlot::new());
        // A chained request may come from a background component's thread, so
        // every dispatch names its lane.
        let result = in_lane(
            &component.lane,
            component.handler.handle(slot.clone(), request),
        )
        .await;
        let response = match result {
            Ok(r) => match collect_small(r).await {
                Ok(r) => r,
                Err(e) => self.error_response(&m.component, &wasmtime::Error::msg(e), &slot),
            },
            Err(e) => self.error_response(&m.component, &e, &slot),
        };
        self.metrics.request(
            &m.component,
            &m.raw_route,
            response.status().as_u16(),
            started.elapsed(),
        );
        response
    }

    fn error_response(
        &self,
        component: &str,
        e: &wasmtime::Error,
        slot: &RequestSlot,
    ) -> Response<WasiBody> {
        // The worker's own deadline can fire before the request's, and then the
        // request sees its instance vanish rather than an expiration: elapsed time
        // tells the two apart.
        if e.is::<ExpirationError>() || slot.started.elapsed() >= self.options.request_timeout {
            self.metrics.timeout(component);
            tracing::warn!(component, timeout = ?self.options.request_timeout, "request timed out");
            return json_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "timeout",
                &format!(
                    "the component did not respond within {} ms",
                    self.options.request_timeout.as_millis()
                ),
            );
        }
        if let Some(ie) = e.downcast_ref::<InstantiationError<Arc<RequestSlot>>>() {
            tracing::error!(component, error = %ie.error, "instantiation failed");
            return json_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "instantiation_failed",
                "the component could not be started",
            );
        }
        self.metrics.trap(component);
        let oom = slot.out_of_memory.load(Ordering::Relaxed)
            || e.chain().any(|c| c.is::<MemoryLimitExceeded>());
        tracing::error!(component, error = %e, out_of_memory = oom, "request failed in the guest");
        if oom {
            json_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "out_of_memory",
                "the component exceeded its memory limit",
            )
        } else {
            json_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "component_error",
                "the component failed to handle the request",
            )
        }
    }
}

impl Chainer for Dispatcher {
    fn chain(&self, target: ChainTarget, request: Request<WasiBody>) -> ChainFuture {
        let path = request.uri().path().to_string();
        let found = match &target {
            ChainTarget::Component(id) if self.components.contains_key(id) => {
                Some(owned(self.router.route_in_component(id, &path)))
            }
            ChainTarget::Component(_) => {
                return Box::pin(async { Err(wasmtime_wasi_http::Error::DestinationNotFound) });
            }
            ChainTarget::App => self.router.route(&path).map(owned),
        };
        let me = self.me.upgrade();
        Box::pin(async move {
            let me = me.ok_or(wasmtime_wasi_http::Error::DestinationUnavailable)?;
            Ok(match found {
                Some(m) => me.run(m, request, Origin::Chained).await,
                None => json_error(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    &format!("no route matches {path}"),
                ),
            })
        })
    }
}

struct OwnedMatch {
    component: String,
    raw_route: String,
    component_route: String,
    matched_route: String,
    path_info: String,
    captures: Vec<(String, String)>,
}

fn owned(m: RouteMatch<'_>) -> OwnedMatch {
    OwnedMatch {
        component: m.component.to_string(),
        raw_route: m.raw_route.to_string(),
        component_route: m.component_route,
        matched_route: m.matched_route,
        path_info: m.path_info,
        captures: m.captures,
    }
}

fn set_spin_headers(request: &mut Request<WasiBody>, m: &OwnedMatch, base: &str, origin: Origin) {
    let uri = request.uri();
    let host = request
        .headers()
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
        .unwrap_or("localhost");
    let full_url = format!(
        "{}://{host}{}",
        uri.scheme_str().unwrap_or("http"),
        uri.path_and_query().map_or("/", |p| p.as_str())
    );
    if let Ok(uri) = full_url.parse::<Uri>() {
        *request.uri_mut() = uri;
    }
    let headers = request.headers_mut();
    let stale: Vec<HeaderName> = headers
        .keys()
        .filter(|k| k.as_str().starts_with(SPIN_HEADER_PREFIX))
        .cloned()
        .collect();
    for k in stale {
        headers.remove(k);
    }
    let client = match origin {
        Origin::Client(addr) => addr.to_string(),
        Origin::Chained => "127.0.0.1:0".to_string(),
    };
    let mut set = |name: HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::try_from(value) {
            headers.insert(name, v);
        }
    };
    let fixed = HeaderName::from_static;
    set(fixed("spin-full-url"), &full_url);
    set(fixed("spin-path-info"), &m.path_info);
    set(fixed("spin-matched-route"), &m.matched_route);
    set(fixed("spin-component-route"), &m.component_route);
    set(fixed("spin-raw-component-route"), &m.raw_route);
    set(
        fixed("spin-base-path"),
        if base.is_empty() { "/" } else { base },
    );
    set(fixed("spin-client-addr"), &client);
    for (name, value) in &m.captures {
        if let Ok(n) =
            HeaderName::try_from(format!("spin-path-match-{}", name.to_ascii_lowercase()))
        {
            set(n, value);
        }
    }
}
