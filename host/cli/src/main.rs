//! The `edgecart` binary.
//!
//! `edgecart up` runs a Spin application from `spin.toml` the way `spin up` does,
//! plus an admin listener with health and Prometheus metrics, and (with a shop's
//! `orders` component) the commerce services. `edgecart commerce` runs the
//! commerce services alone against a shop served elsewhere (Kubernetes), and
//! `edgecart keys` prints production secrets.

mod admin;
mod commerce;
mod secrets;
mod seed;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use edgecart_commerce::media::Store;
use edgecart_commerce::metrics::CommerceMetrics;
use edgecart_runtime::manifest::Manifest;
use edgecart_runtime::metrics::Metrics;
use edgecart_runtime::runtime_config::RuntimeConfig;
use edgecart_runtime::server::{self, ServerOptions};
use edgecart_runtime::{App, AppOptions, build};
use std::net::SocketAddr;

/// mimalloc instead of glibc's allocator: a request allocates and frees many small
/// buffers on both worker threads, and glibc's arenas showed up at about a tenth
/// of the server's CPU time in profiles (`docs/performance.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "edgecart",
    version,
    about = "Edge commerce on WebAssembly: runs Spin applications"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a Spin application (like `spin up`).
    Up(Box<Up>),
    /// Run only the commerce services (checkout sagas, refunds, Stripe
    /// webhooks, product images) against a shop served elsewhere, as in
    /// Kubernetes. The service token comes from `SPIN_VARIABLE_SERVICE_TOKEN`.
    Commerce(Box<CommerceArgs>),
    /// Print a fresh set of the shop's secret variables (signing key pair and
    /// service token) as environment assignments for a deployment.
    Keys {
        /// Key id of the new signing key (for rotation, use a new one each time).
        #[arg(long, default_value = "key-1")]
        kid: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Parser)]
struct Up {
    /// The application manifest, or a directory containing spin.toml.
    #[arg(long, short = 'f', default_value = "spin.toml")]
    from: PathBuf,
    /// Address of the public listener (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:3000", env = "EDGECART_LISTEN")]
    listen: SocketAddr,
    /// Run each component's build command first, like `spin build`.
    #[arg(long)]
    build: bool,
    /// Runtime configuration file (Spin's runtime-config.toml syntax).
    #[arg(long)]
    runtime_config_file: Option<PathBuf>,
    /// Directory for runtime state.
    #[arg(long, default_value = ".edgecart", env = "EDGECART_DATA_DIR")]
    data_dir: PathBuf,
    /// Log format on stderr; the filter comes from RUST_LOG (default `info`).
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
    /// Address of the admin listener (health check and /metrics); off by default.
    #[arg(long)]
    admin_listen: Option<SocketAddr>,
    /// Deadline for a component to produce its response (e.g. 30s, 500ms).
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    request_timeout: Duration,
    /// Requests handled at once; more get 503.
    #[arg(long, default_value_t = 1024)]
    max_concurrent_requests: usize,
    /// Largest request body accepted (e.g. 10MiB); larger gets 413.
    #[arg(long, default_value = "10MiB", value_parser = parse_size)]
    max_body_size: u64,
    /// Linear memory limit of each component instance (e.g. 128MiB).
    #[arg(long, default_value = "128MiB", value_parser = parse_size)]
    memory_limit: u64,
    /// Requests a WASI 0.3 instance serves before it is replaced.
    #[arg(long, default_value_t = 128)]
    max_instance_reuse: usize,
    /// Requests a WASI 0.3 instance serves at the same time. Above 1, a request
    /// that traps or times out also fails the others sharing its instance.
    #[arg(long, default_value_t = 1)]
    max_instance_concurrency: usize,
    /// Client requests one component runs at once; later ones wait their turn
    /// (default: four per CPU core; 0: no limit). Chained requests never wait.
    #[arg(long)]
    max_component_requests: Option<usize>,
    /// Threads running requests and component code (default: three per two
    /// CPU cores, rounded up). Long work, such as a search's statements or a
    /// guest between two epoch yields, holds its thread: spare threads let the
    /// OS interleave other requests meanwhile, and the fewer they are, the
    /// less they preempt each other under load (`docs/performance.md`).
    #[arg(long, env = "EDGECART_WORKER_THREADS", value_parser = clap::value_parser!(u16).range(1..))]
    worker_threads: Option<u16>,
    /// Directory of the compiled-component cache.
    #[arg(long, env = "EDGECART_CACHE_DIR")]
    cache_dir: Option<PathBuf>,
    /// Compile components on every start instead of using the cache.
    #[arg(long)]
    no_cache: bool,
    /// Run SQL before serving, like `spin up --sqlite`: `[label:]@file.sql` runs
    /// a file, `[label:]STATEMENT` a statement; the label defaults to `default`.
    /// May be given several times; runs in order.
    #[arg(long = "sqlite", value_name = "[LABEL:]@FILE|STATEMENT")]
    sqlite: Vec<String>,
    /// Do not load the demo catalog and admin account into an empty data directory.
    #[arg(long)]
    no_seed: bool,
    /// Serve only the Spin application, as Spin does: the commerce services
    /// (sagas, refunds, webhooks) run elsewhere, with `edgecart commerce`.
    #[arg(long)]
    no_commerce: bool,
    #[command(flatten)]
    media: MediaArgs,
    #[command(flatten)]
    saga: SagaArgs,
}

/// How the saga runner finds new work.
#[derive(Args)]
struct SagaArgs {
    /// How often the saga runner asks the shop for new orders and refund
    /// requests. Inside `edgecart up`, a placed checkout or refund request
    /// also wakes it at once.
    #[arg(long, default_value = "200ms", value_parser = parse_duration, env = "EDGECART_SAGA_POLL_INTERVAL")]
    saga_poll_interval: Duration,
}

/// Where product images are kept.
#[derive(Args)]
struct MediaArgs {
    /// Where uploaded product images are kept (default: <data-dir>/media).
    #[arg(long, env = "EDGECART_MEDIA_DIR")]
    media_dir: Option<PathBuf>,
    /// Keep product images in this S3 bucket instead (region and credentials
    /// from the AWS environment: `AWS_REGION`, keys, IRSA, EKS Pod Identity,
    /// instance metadata).
    #[arg(long, env = "EDGECART_MEDIA_BUCKET")]
    media_bucket: Option<String>,
    /// Endpoint of an S3-compatible store (MinIO, moto, Ceph); default: AWS.
    #[arg(long, env = "EDGECART_MEDIA_ENDPOINT")]
    media_endpoint: Option<String>,
    /// Address the bucket by path (`<endpoint>/<bucket>/<key>`), as most
    /// S3-compatible stores expect.
    #[arg(long, env = "EDGECART_MEDIA_PATH_STYLE")]
    media_path_style: bool,
}

impl MediaArgs {
    fn store(&self, data_dir: &Path) -> anyhow::Result<Store> {
        Ok(match &self.media_bucket {
            Some(bucket) => Store::s3(
                bucket,
                self.media_endpoint.as_deref(),
                self.media_path_style,
            )
            .with_context(|| format!("--media-bucket {bucket}"))?,
            None => Store::Local(
                self.media_dir
                    .clone()
                    .unwrap_or_else(|| data_dir.join("media")),
            ),
        })
    }
}

/// `edgecart commerce`: the commerce services alone.
#[derive(Parser)]
struct CommerceArgs {
    /// The shop whose `/internal/...` routes the sagas call (in Kubernetes, the
    /// SpinApp's Service).
    #[arg(long, env = "EDGECART_SHOP_URL")]
    shop_url: String,
    /// Address of the public listener (`/webhooks/stripe`, `/media/...`).
    #[arg(long, default_value = "127.0.0.1:8080", env = "EDGECART_LISTEN")]
    listen: SocketAddr,
    /// Address of the admin listener (health check and /metrics); off by default.
    #[arg(long)]
    admin_listen: Option<SocketAddr>,
    /// Directory for the saga, webhook and sandbox-payment databases.
    #[arg(long, default_value = ".edgecart", env = "EDGECART_DATA_DIR")]
    data_dir: PathBuf,
    /// Log format on stderr; the filter comes from RUST_LOG (default `info`).
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
    #[command(flatten)]
    media: MediaArgs,
    #[command(flatten)]
    saga: SagaArgs,
}

/// Parses one `--sqlite` argument into (label, SQL).
fn parse_sqlite_arg(arg: &str) -> anyhow::Result<(String, String)> {
    let (label, rest) = match arg.split_once(':') {
        Some((label, rest))
            if !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
        {
            (label.to_string(), rest)
        }
        _ => ("default".to_string(), arg),
    };
    let sql = match rest.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("--sqlite: cannot read {path}"))?,
        None => rest.to_string(),
    };
    Ok((label, sql))
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map(|i| s.split_at(i))
        .unwrap_or((s, "s"));
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration such as 30s or 500ms"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" | "" => n,
        "m" => n * 60.0,
        _ => return Err(format!("`{s}`: use the units ms, s or m")),
    };
    if secs <= 0.0 {
        return Err(format!("`{s}` must be a positive duration"));
    }
    Duration::try_from_secs_f64(secs).map_err(|_| format!("`{s}` is too long"))
}

fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, unit) = s
        .find(|c: char| !c.is_ascii_digit())
        .map(|i| s.split_at(i))
        .unwrap_or((s, ""));
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size such as 10MiB"))?;
    let mult: u64 = match unit.trim() {
        "" | "B" => 1,
        "KB" => 1_000,
        "KiB" => 1 << 10,
        "MB" => 1_000_000,
        "MiB" => 1 << 20,
        "GB" => 1_000_000_000,
        "GiB" => 1 << 30,
        u => return Err(format!("`{u}` is not a size unit: use B, KiB, MiB or GiB")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("`{s}` is too large"))
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Keys { kid } => match secrets::generate(&kid) {
            Ok(values) => {
                for (name, value) in values {
                    println!("SPIN_VARIABLE_{}={value}", name.to_ascii_uppercase());
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("Error: {e:#}");
                ExitCode::FAILURE
            }
        },
        Command::Up(up) => {
            init_logging(up.log_format);
            no_huge_pages();
            let workers = up.worker_threads.map_or_else(
                || {
                    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
                    cores + cores.div_ceil(2)
                },
                usize::from,
            );
            block_on(Some(workers), up.run())
        }
        Command::Commerce(args) => {
            init_logging(args.log_format);
            block_on(None, args.run())
        }
    }
}

/// Turns transparent huge pages off for this process. mimalloc asks for them on
/// its arenas, and a 2 MiB huge page stays resident while any of its 64 KiB
/// pages is in use, so what a burst of requests allocated stayed resident after
/// it: PSS 268-295 MB five seconds after a burst, against 158 MB without huge
/// pages, and no measurable change in throughput (`docs/performance.md`).
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::thread::disable_transparent_huge_pages(true) {
        tracing::debug!(error = %e, "transparent huge pages stay on");
    }
}

/// Runs `work` on a multi-threaded runtime (`workers` threads, else tokio's
/// default of one per core) and turns its result into an exit code.
fn block_on(
    workers: Option<usize>,
    work: impl std::future::Future<Output = anyhow::Result<()>>,
) -> ExitCode {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = workers {
        builder.worker_threads(n);
    }
    let runtime = match builder.enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("Error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(work) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

impl CommerceArgs {
    async fn run(self) -> anyhow::Result<()> {
        let token = std::env::var("SPIN_VARIABLE_SERVICE_TOKEN")
            .ok()
            .filter(|t| !t.is_empty())
            .context("set SPIN_VARIABLE_SERVICE_TOKEN to the shop's service token")?;
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("cannot create {}", self.data_dir.display()))?;
        let shop_url = self.shop_url.trim_end_matches('/').to_string();
        let metrics = Arc::new(Metrics::new());
        let commerce_metrics = Arc::new(CommerceMetrics::default());
        metrics.register_more(|r| commerce_metrics.register(r));
        let runner = commerce::prepare(
            &self.data_dir,
            &shop_url,
            &token,
            commerce_metrics,
            self.saga.saga_poll_interval,
        )
        .await?;
        let webhooks = commerce::webhooks(&self.data_dir, &runner).await?;
        let media = self.media.store(&self.data_dir)?;
        let router = commerce::router(media, &shop_url, Some(webhooks), Arc::clone(&metrics))?;
        let listener = tokio::net::TcpListener::bind(self.listen)
            .await
            .with_context(|| format!("cannot listen on {}", self.listen))?;
        if let Some(admin) = self.admin_listen {
            let admin_listener = tokio::net::TcpListener::bind(admin)
                .await
                .with_context(|| format!("cannot listen on {admin} for the admin endpoints"))?;
            println!(
                "Admin endpoints on http://{}/ (healthz, metrics)",
                admin_listener.local_addr()?
            );
            tokio::spawn(admin::serve(admin_listener, metrics));
        }
        println!("Serving http://{}", listener.local_addr()?);
        println!("Commerce services (/webhooks/stripe, /media) for the shop at {shop_url}");
        tokio::spawn(runner.run());
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for SIGTERM");
            let _ = ctrl_c.await;
            return;
        }
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = term.recv() => {}
    }
}

impl Up {
    /// Gives the shop's secret variables development values when neither the
    /// environment nor the runtime config sets them.
    fn fill_dev_secrets(
        &self,
        manifest: &Manifest,
        runtime_config: &mut RuntimeConfig,
    ) -> anyhow::Result<()> {
        let providers = &mut runtime_config.providers;
        let unset = |name: &str| {
            !providers
                .environment
                .contains_key(&format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase()))
                && !providers.static_values.contains_key(name)
        };
        let wanted: Vec<String> = ["auth_signing_keys", "auth_public_keys", "service_token"]
            .into_iter()
            .filter(|n| manifest.variables.contains_key(*n) && unset(n))
            .map(String::from)
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let (path, values) = secrets::load_or_create(&self.data_dir)?;
        for name in wanted {
            if let Some(v) = values.get(&name) {
                providers.static_values.insert(name, v.clone());
            }
        }
        tracing::info!(file = %path.display(), "using development secrets for variables left unset");
        Ok(())
    }

    async fn run(self) -> anyhow::Result<()> {
        let manifest_path = if self.from.is_dir() {
            self.from.join("spin.toml")
        } else {
            self.from.clone()
        };
        if self.build {
            let for_build = Manifest::load_for_build(&manifest_path)?;
            tokio::task::spawn_blocking(move || build::build_all(&for_build)).await??;
        }
        let manifest = Manifest::load(&manifest_path)?;
        let mut runtime_config = RuntimeConfig::load(self.runtime_config_file.as_deref())?;
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating the data directory {}", self.data_dir.display()))?;
        self.fill_dev_secrets(&manifest, &mut runtime_config)?;
        let media = self.media.store(&self.data_dir)?;
        let service_token = if manifest.components.contains_key("orders") {
            let p = &runtime_config.providers;
            p.environment
                .get("SPIN_VARIABLE_SERVICE_TOKEN")
                .or_else(|| p.static_values.get("service_token"))
                .cloned()
        } else {
            None
        };
        let seed = if self.no_seed {
            None
        } else {
            seed::prepare(&manifest, &self.data_dir, &mut runtime_config)?
        };
        let options = AppOptions {
            request_timeout: self.request_timeout,
            memory_limit_bytes: usize::try_from(self.memory_limit).unwrap_or(usize::MAX),
            max_instance_reuse: self.max_instance_reuse,
            max_instance_concurrency: self.max_instance_concurrency,
            max_component_requests: self
                .max_component_requests
                .unwrap_or_else(|| 4 * std::thread::available_parallelism().map_or(1, |n| n.get())),
            cache_dir: if self.no_cache {
                None
            } else {
                self.cache_dir
                    .clone()
                    .or_else(edgecart_runtime::engine::ComponentCache::default_dir)
            },
            data_dir: self.data_dir.clone(),
            sqlite_statements: self
                .sqlite
                .iter()
                .map(|a| parse_sqlite_arg(a))
                .collect::<anyhow::Result<_>>()?,
            ..AppOptions::default()
        };
        let app = App::load(manifest, runtime_config, options).await?;
        let app = Arc::new(app);

        let listener = tokio::net::TcpListener::bind(self.listen)
            .await
            .with_context(|| format!("cannot listen on {}", self.listen))?;
        let addr = listener.local_addr()?;
        if let Some(admin) = self.admin_listen {
            let admin_listener = tokio::net::TcpListener::bind(admin)
                .await
                .with_context(|| format!("cannot listen on {admin} for the admin endpoints"))?;
            println!(
                "Admin endpoints on http://{}/ (healthz, metrics)",
                admin_listener.local_addr()?
            );
            tokio::spawn(admin::serve(admin_listener, app.metrics()));
        }
        println!("Serving http://{addr}");
        println!("Available Routes:");
        for (route, component) in app.routes() {
            let path = route.trim_end_matches('/');
            let (path, wildcard) = match path.strip_suffix("/...") {
                Some(p) => (p, " (wildcard)"),
                None => (path, ""),
            };
            let path = if path.is_empty() { "" } else { path };
            println!("  {component}: http://{addr}{path}{wildcard}");
        }
        if let Some(seed) = seed {
            tokio::spawn(seed.run(addr));
        }
        let shop_url = format!("http://{addr}");
        let runner = match service_token.as_deref().filter(|_| !self.no_commerce) {
            Some(token) => {
                let metrics = Arc::new(CommerceMetrics::default());
                app.metrics().register_more(|r| metrics.register(r));
                Some(
                    commerce::prepare(
                        &self.data_dir,
                        &shop_url,
                        token,
                        metrics,
                        self.saga.saga_poll_interval,
                    )
                    .await?,
                )
            }
            None => None,
        };
        let webhooks = match &runner {
            Some(r) => Some(commerce::webhooks(&self.data_dir, r).await?),
            None => None,
        };
        let host_routes = commerce::host_routes(
            commerce::router(media, &shop_url, webhooks, app.metrics())?,
            self.max_body_size,
        );
        let on_response = runner.as_ref().map(commerce::Runner::wake_on_orders);
        if let Some(runner) = runner {
            tokio::spawn(runner.run());
        }
        server::run(
            listener,
            app,
            ServerOptions {
                max_concurrent_requests: self.max_concurrent_requests,
                max_body_bytes: self.max_body_size,
                host_routes: Some(host_routes),
                on_response,
                ..ServerOptions::default()
            },
            shutdown_signal(),
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes_parse_with_units() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("abc").is_err());
        assert!(parse_duration("99999999999999999999999m").is_err());
        assert_eq!(parse_size("10MiB"), Ok(10 << 20));
        assert_eq!(parse_size("512"), Ok(512));
        assert!(parse_size("5 parsecs").is_err());
    }

    #[test]
    fn sqlite_arguments_name_a_label_or_default() {
        assert_eq!(
            parse_sqlite_arg("SELECT 1").unwrap(),
            ("default".into(), "SELECT 1".into())
        );
        assert_eq!(
            parse_sqlite_arg("orders:SELECT 1").unwrap(),
            ("orders".into(), "SELECT 1".into())
        );
        assert!(parse_sqlite_arg("orders:@/nonexistent.sql").is_err());
    }
}
