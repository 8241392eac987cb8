//! The wasmtime engine and the compiled-component cache.
//!
//! One engine serves every component: the pooling allocator with copy-on-write
//! memory images (instantiation is a few page-table updates), epoch interruption
//! for request deadlines, and the component-model async ABI for WASI 0.3 guests.
//! Compiled components are cached on disk under a key made of the `.wasm` file's
//! SHA-256 and the engine's compatibility hash, so a second start (and every test
//! after the first) skips Cranelift.

use anyhow::Context as _;
use sha2::{Digest, Sha256};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use wasmtime::component::Component;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

/// How often the epoch ticks; deadlines are whole ticks.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Limits the engine enforces on every instance.
#[derive(Debug, Clone)]
pub struct EngineLimits {
    /// Maximum linear memory per instance, in bytes.
    pub memory_bytes: usize,
    /// Maximum instances alive at once (sizes the pooling allocator).
    pub max_instances: u32,
}

/// Builds the engine. Falls back to on-demand allocation when the machine cannot
/// reserve the pool's virtual memory.
pub fn new_engine(limits: &EngineLimits) -> anyhow::Result<Engine> {
    let mut config = base_config();
    let mut pool = PoolingAllocationConfig::default();
    pool.total_component_instances(limits.max_instances);
    pool.total_core_instances(limits.max_instances * 4);
    pool.total_memories(limits.max_instances * 2);
    pool.total_tables(limits.max_instances * 4);
    pool.total_stacks(limits.max_instances);
    pool.max_memory_size(limits.memory_bytes);
    pool.max_memories_per_component(4);
    pool.max_tables_per_component(8);
    pool.max_component_instance_size(1 << 20);
    pool.max_core_instance_size(1 << 20);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    match Engine::new(&config) {
        Ok(engine) => Ok(engine),
        Err(e) => {
            tracing::warn!(error = %e, "pooling allocator unavailable; using on-demand allocation");
            Engine::new(&base_config()).map_err(|e| anyhow::anyhow!("{e}"))
        }
    }
}

fn base_config() -> Config {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.wasm_component_model_async(true);
    config.epoch_interruption(true);
    config.memory_init_cow(true);
    config
}

/// Ticks the engine's epoch until dropped.
pub struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EpochTicker {
    /// Starts ticking `engine` every [`EPOCH_TICK`].
    pub fn start(engine: Engine) -> EpochTicker {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("edgecart-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    engine.increment_epoch();
                }
            })
            .ok();
        EpochTicker { stop, thread }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Where compiled components are kept between runs.
#[derive(Debug, Clone)]
pub struct ComponentCache {
    dir: Option<PathBuf>,
}

impl ComponentCache {
    /// A cache in `dir`; `None` disables caching.
    pub fn new(dir: Option<PathBuf>) -> Self {
        Self { dir }
    }

    /// The default location: `$EDGECART_CACHE_DIR`, else `$XDG_CACHE_HOME/edgecart`,
    /// else `~/.cache/edgecart`.
    pub fn default_dir() -> Option<PathBuf> {
        if let Some(d) = std::env::var_os("EDGECART_CACHE_DIR") {
            return Some(PathBuf::from(d));
        }
        if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
            return Some(PathBuf::from(d).join("edgecart"));
        }
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("edgecart"))
    }

    /// Loads the component at `path`, compiling it only when the cache has no
    /// artifact for this content and engine.
    pub fn load(&self, engine: &Engine, path: &Path) -> anyhow::Result<Component> {
        let wasm = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let Some(dir) = &self.dir else {
            return compile(engine, &wasm);
        };
        let mut engine_hash = DefaultHasher::new();
        engine
            .precompile_compatibility_hash()
            .hash(&mut engine_hash);
        let key = format!(
            "{:x}-{:016x}.cwasm",
            Sha256::digest(&wasm),
            engine_hash.finish()
        );
        let cached = dir.join(&key);
        if cached.is_file() {
            // SAFETY: the file was written by `Component::serialize` of an engine
            // with the same compatibility hash (it is part of the file name), in a
            // cache directory owned by this user.
            #[allow(unsafe_code, reason = "loading our own precompiled artifact")]
            match unsafe { Component::deserialize_file(engine, &cached) } {
                Ok(c) => return Ok(c),
                Err(e) => {
                    tracing::warn!(path = %cached.display(), error = %e, "ignoring unusable cached component")
                }
            }
        }
        let component = compile(engine, &wasm)?;
        if let Err(e) = store_artifact(dir, &key, &component) {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot write the component cache");
        }
        Ok(component)
    }
}

fn compile(engine: &Engine, wasm: &[u8]) -> anyhow::Result<Component> {
    Component::new(engine, wasm).map_err(|e| anyhow::anyhow!("{e:?}"))
}

fn store_artifact(dir: &Path, key: &str, component: &Component) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let bytes = component.serialize().map_err(|e| anyhow::anyhow!("{e}"))?;
    let tmp = tempfile_in(dir, key);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, dir.join(key))?;
    Ok(())
}

fn tempfile_in(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!(".{key}.{}.tmp", std::process::id()))
}
