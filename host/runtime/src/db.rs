//! libSQL databases behind the sqlite and key-value capabilities.
//!
//! Each label (`sqlite_databases` / `key_value_stores` in the manifest) maps to one
//! [`Db`]: a local libSQL file (the default, WAL mode), a remote libSQL server over
//! HTTP, or an embedded replica of one (reads from the local file, writes forwarded
//! to the primary). Connections are handed out from a small idle pool and go back
//! to it when the guest drops its handle. All database work runs through
//! [`Db::run`], which turns the calling worker thread into a blocking one for the
//! duration (`block_in_place`: the runtime moves its other tasks to another
//! worker), so a slow query never stalls other requests, and a point read costs no
//! thread hand-off.

use crate::runtime_config::DbBackend;
use anyhow::Context as _;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a writer waits for another writer's lock before `SQLITE_BUSY`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Idle connections kept per database.
const IDLE_CONNECTIONS: usize = 8;

/// One opened database.
pub struct Db {
    label: String,
    database: libsql::Database,
    local: bool,
    idle: Mutex<Vec<libsql::Connection>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("label", &self.label).finish()
    }
}

impl Db {
    /// Opens `label` with `backend`; default files live under `dir`.
    pub async fn open(label: &str, backend: &DbBackend, dir: &Path) -> anyhow::Result<Db> {
        let (database, local) = match backend {
            DbBackend::Local { path } => {
                let path = path
                    .clone()
                    .unwrap_or_else(|| dir.join(format!("{label}.db")));
                create_parent(&path)?;
                let db = libsql::Builder::new_local(&path)
                    .build()
                    .await
                    .with_context(|| format!("opening {}", path.display()))?;
                let conn = db.connect()?;
                let mut rows = conn.query("PRAGMA journal_mode=WAL", ()).await?;
                while rows.next().await?.is_some() {}
                (db, true)
            }
            DbBackend::Remote { url, token } => (
                libsql::Builder::new_remote(url.clone(), token.clone())
                    .build()
                    .await
                    .with_context(|| format!("connecting to {url}"))?,
                false,
            ),
            DbBackend::Replica {
                url,
                token,
                replica_path,
                sync_interval,
            } => {
                create_parent(replica_path)?;
                let db =
                    libsql::Builder::new_remote_replica(replica_path, url.clone(), token.clone())
                        .sync_interval(*sync_interval)
                        .read_your_writes(true)
                        .build()
                        .await
                        .with_context(|| {
                            format!("opening replica {} of {url}", replica_path.display())
                        })?;
                db.sync()
                    .await
                    .with_context(|| format!("first sync from {url}"))?;
                (db, true)
            }
        };
        Ok(Db {
            label: label.to_string(),
            database,
            local,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// A connection from the idle pool, or a new one.
    pub fn checkout(&self) -> Result<libsql::Connection, libsql::Error> {
        if let Some(c) = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            return Ok(c);
        }
        let conn = self.database.connect()?;
        if self.local {
            conn.busy_timeout(BUSY_TIMEOUT)?;
        }
        Ok(conn)
    }

    /// Returns a connection to the idle pool. A connection left inside a
    /// transaction is dropped instead, which rolls the transaction back.
    pub fn checkin(&self, conn: libsql::Connection) {
        if !conn.is_autocommit() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < IDLE_CONNECTIONS {
            idle.push(conn);
        }
    }

    /// Runs `work` to completion on this thread, with the runtime's other tasks
    /// moved off it, so both local (blocking) and remote (async I/O) backends can
    /// be driven. Needs the multi-threaded runtime, which `edgecart` uses.
    pub fn run<F: Future>(work: F) -> F::Output {
        tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(work))
    }
}

fn create_parent(path: &Path) -> anyhow::Result<()> {
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    Ok(())
}

/// The databases of one kind (sqlite or key-value) of an application.
#[derive(Debug, Default)]
pub struct Databases {
    open: BTreeMap<String, Arc<Db>>,
}

/// Why a guest cannot open a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenError {
    /// No component declares the label and no backend is configured for it.
    NoSuch,
    /// The label exists but this component was not granted it.
    AccessDenied,
}

impl Databases {
    /// Opens every label used by a component or configured, each with its
    /// configured backend or a file under `dir`.
    pub async fn open_all(
        labels: &HashSet<String>,
        configured: &BTreeMap<String, DbBackend>,
        dir: &Path,
    ) -> Result<Databases, Vec<String>> {
        let mut open = BTreeMap::new();
        let mut problems = Vec::new();
        let mut all: Vec<&String> = labels.iter().chain(configured.keys()).collect();
        all.sort();
        all.dedup();
        for label in all {
            let backend = configured
                .get(label)
                .cloned()
                .unwrap_or(DbBackend::Local { path: None });
            match Db::open(label, &backend, dir).await {
                Ok(db) => {
                    open.insert(label.clone(), Arc::new(db));
                }
                Err(e) => problems.push(format!("database `{label}`: {e:#}")),
            }
        }
        if problems.is_empty() {
            Ok(Databases { open })
        } else {
            Err(problems)
        }
    }

    /// The database `label`, if the component holding `granted` may open it.
    pub fn get(&self, label: &str, granted: &HashSet<String>) -> Result<Arc<Db>, OpenError> {
        let db = self.open.get(label).ok_or(OpenError::NoSuch)?;
        if !granted.contains(label) {
            return Err(OpenError::AccessDenied);
        }
        Ok(db.clone())
    }

    /// The database `label` for host-side work such as migrations.
    pub fn by_label(&self, label: &str) -> Option<Arc<Db>> {
        self.open.get(label).cloned()
    }
}

/// A database capability's view for one component: the application's databases
/// and the labels this component was granted.
#[derive(Debug, Clone, Default)]
pub struct DbGrants {
    /// The application's databases of this kind.
    pub databases: Arc<Databases>,
    /// Labels the component may open.
    pub granted: Arc<HashSet<String>>,
}
