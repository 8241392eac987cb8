//! libSQL databases behind the sqlite and key-value capabilities.
//!
//! Each label (`sqlite_databases` / `key_value_stores` in the manifest) maps to one
//! [`Db`]: a local libSQL file (the default, WAL mode), a remote libSQL server over
//! HTTP, or an embedded replica of one (reads from the local file, writes forwarded
//! to the primary). Connections are handed out from a small idle pool for one
//! statement at a time ([`Pooled`]) and keep the statements they have prepared, so
//! a statement a component runs on every request is parsed once per connection.
//!
//! [`Db::run`] decides where database work runs. A statement that only reads is
//! CPU work that never waits for another writer's lock (WAL readers do not block),
//! so it runs inline on the calling worker, like any other computation. Anything
//! else on a local file may sit in SQLite's busy wait, so it runs with the worker
//! turned into a blocking thread for the duration (`block_in_place`: the runtime
//! moves its other tasks to another worker) and never stalls other requests. So
//! does a read whose recent runs have used more CPU than [`SLOW_READ`] on
//! average (an aggregate over a large table): run inline it would hold up every
//! request queued on that worker. The average decays, so a read that was slow
//! once (its first run on a new connection parses the schema and the statement)
//! goes back inline when its later runs are fast. A remote database is plain
//! async I/O and is simply awaited.

use crate::runtime_config::DbBackend;
use anyhow::Context as _;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a writer waits for another writer's lock before `SQLITE_BUSY`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Idle connections kept per database.
const IDLE_CONNECTIONS: usize = 8;
/// Prepared statements kept per connection, most recently used first.
const STATEMENTS_PER_CONNECTION: usize = 32;
/// A read whose recent runs average more CPU time than this runs off the worker.
const SLOW_READ: Duration = Duration::from_millis(1);
/// Distinct slow reads tracked per database (beyond that, they run inline).
const SLOW_READS_KEPT: usize = 512;
/// Weight of the newest run in a tracked read's average, as 1/n.
const SLOW_READ_WEIGHT: u32 = 8;

/// One opened database.
pub struct Db {
    label: String,
    database: libsql::Database,
    local: bool,
    idle: Mutex<Vec<Pooled>>,
    /// Reads seen to take longer than [`SLOW_READ`], with the decaying average
    /// CPU time of their runs since; dropped once it falls to a quarter of it.
    slow_reads: Mutex<HashMap<String, Duration>>,
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
            slow_reads: Mutex::new(HashMap::new()),
        })
    }

    /// A connection from the idle pool, or a new one.
    pub fn checkout(&self) -> Result<Pooled, libsql::Error> {
        if let Some(c) = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            return Ok(c);
        }
        let conn = self.database.connect()?;
        if self.local {
            conn.busy_timeout(BUSY_TIMEOUT)?;
        }
        Ok(Pooled {
            conn,
            statements: self.local.then(VecDeque::new),
        })
    }

    /// Returns a connection to the idle pool. A connection left inside a
    /// transaction is dropped instead, which rolls the transaction back.
    pub fn checkin(&self, conn: Pooled) {
        if !conn.conn.is_autocommit() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < IDLE_CONNECTIONS {
            idle.push(conn);
        }
    }

    /// Runs `work`, which executes `sql` on this database, where it belongs (see
    /// the module documentation). Needs the multi-threaded runtime, which
    /// `edgecart` uses.
    pub async fn run<F: Future>(&self, sql: &str, work: F) -> F::Output {
        if !self.local {
            return work.await;
        }
        let write = Access::of(sql) == Access::Write;
        let tracked = if write { None } else { self.slow_read(sql) };
        let blocking = write || tracked.is_some_and(|cpu| cpu > SLOW_READ);
        // CPU time of this thread, not wall time: a read that was merely
        // preempted under load is not slow. `block_in_place` keeps the work on
        // this thread, so the clock covers it there too.
        let thread_cpu = || cpu_time::ThreadTime::now().as_duration();
        let started = thread_cpu();
        let out = if blocking {
            tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(work))
        } else {
            work.await
        };
        let cpu = thread_cpu().saturating_sub(started);
        // A fast read nobody tracks, the common case, takes no lock here.
        if !write && (tracked.is_some() || cpu > SLOW_READ) {
            self.observe_read(sql, cpu);
        }
        out
    }

    /// The average CPU time of a tracked slow read.
    fn slow_read(&self, sql: &str) -> Option<Duration> {
        let slow = self.slow_reads.lock().unwrap_or_else(|p| p.into_inner());
        slow.get(sql).copied()
    }

    /// Folds one run's CPU time into the read's average: a run over
    /// [`SLOW_READ`] starts tracking it, and it is forgotten once fast again.
    fn observe_read(&self, sql: &str, cpu: Duration) {
        let mut slow = self.slow_reads.lock().unwrap_or_else(|p| p.into_inner());
        let tracked = slow.len();
        match slow.get_mut(sql) {
            Some(average) => {
                *average = (*average * (SLOW_READ_WEIGHT - 1) + cpu) / SLOW_READ_WEIGHT;
                if *average < SLOW_READ / 4 {
                    slow.remove(sql);
                }
            }
            None if cpu > SLOW_READ && tracked < SLOW_READS_KEPT => {
                slow.insert(sql.to_string(), cpu);
            }
            None => {}
        }
    }
}

/// What a statement does to its database, as far as scheduling is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Only reads (a `SELECT`): never waits for a lock in WAL mode.
    Read,
    /// Anything else, including transaction control and DDL.
    Write,
}

impl Access {
    /// Classifies `sql` by its first keyword; anything unclear counts as a write.
    pub fn of(sql: &str) -> Access {
        let head = sql.trim_start().as_bytes();
        if head.len() > 6
            && head[..6].eq_ignore_ascii_case(b"select")
            && !head[6].is_ascii_alphanumeric()
            && head[6] != b'_'
        {
            Access::Read
        } else {
            Access::Write
        }
    }
}

/// A connection out of a database's pool, with the statements it has prepared.
pub struct Pooled {
    conn: libsql::Connection,
    /// Prepared statements by SQL text; `None` for a remote database, where a
    /// statement is not parsed locally.
    statements: Option<VecDeque<(String, libsql::Statement)>>,
}

/// A statement running on a [`Pooled`] connection: read its `rows`, then hand it
/// back with [`Pooled::finish`] so the next run of the same SQL skips parsing.
pub struct Running {
    /// The result rows.
    pub rows: libsql::Rows,
    statement: Option<(String, libsql::Statement)>,
}

impl Pooled {
    /// The underlying connection.
    pub fn connection(&self) -> &libsql::Connection {
        &self.conn
    }

    /// The rowid of this connection's last insert and the rows its last write
    /// changed. A remote connection asks its server on the same stream (the
    /// server-side connection), because the libSQL client does not record the
    /// rowid of a statement whose rows it read; 0 for both if it cannot.
    pub async fn last_write(&self) -> (i64, u64) {
        if self.statements.is_some() {
            return (self.conn.last_insert_rowid(), self.conn.changes());
        }
        let asked = async {
            let mut rows = self
                .conn
                .query("SELECT last_insert_rowid(), changes()", ())
                .await?;
            let row = rows.next().await?;
            drop(rows);
            Ok::<_, libsql::Error>(match row {
                Some(r) => (r.get::<i64>(0)?, r.get::<u64>(1)?),
                None => (0, 0),
            })
        };
        asked.await.unwrap_or_else(|e| {
            tracing::debug!(error = %e, "cannot ask the server for the last write");
            (0, 0)
        })
    }

    /// Runs `sql` with positional `params`, reusing this connection's prepared
    /// statement for the same text when there is one.
    pub async fn query(
        &mut self,
        sql: &str,
        params: Vec<libsql::Value>,
    ) -> Result<Running, libsql::Error> {
        let Some(statements) = &mut self.statements else {
            let rows = self.conn.query(sql, params).await?;
            return Ok(Running {
                rows,
                statement: None,
            });
        };
        let cached = statements
            .iter()
            .position(|(text, _)| text == sql)
            .and_then(|i| statements.remove(i))
            // Reset keeps old bindings: a statement given fewer values than it
            // has parameters is prepared afresh, so the rest are NULL as usual.
            .filter(|(_, statement)| statement.parameter_count() <= params.len());
        let (text, statement) = match cached {
            Some(entry) => entry,
            None => (sql.to_string(), self.conn.prepare(sql).await?),
        };
        let rows = statement.query(params).await?;
        Ok(Running {
            rows,
            statement: Some((text, statement)),
        })
    }

    /// Takes back a statement whose rows are no longer needed.
    pub fn finish(&mut self, running: Running) {
        let Running { rows, statement } = running;
        drop(rows);
        if let (Some(statements), Some((text, statement))) = (&mut self.statements, statement) {
            statement.reset();
            statements.push_front((text, statement));
            statements.truncate(STATEMENTS_PER_CONNECTION);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    async fn read_all(db: &Db, sql: &str) -> i64 {
        db.run(sql, async {
            let mut conn = db.checkout().unwrap();
            let mut running = conn.query(sql, Vec::new()).await.unwrap();
            let row = running.rows.next().await.unwrap().unwrap();
            let n = row.get::<i64>(0).unwrap();
            conn.finish(running);
            db.checkin(conn);
            n
        })
        .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn connections_read_through_a_memory_map_and_a_small_page_cache() {
        // The build's SQLite defaults (`LIBSQLITE3_FLAGS` in .cargo/config.toml).
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open("t", &DbBackend::Local { path: None }, dir.path())
            .await
            .unwrap();
        assert_eq!(read_all(&db, "PRAGMA mmap_size").await, 256 << 20);
        assert_eq!(read_all(&db, "PRAGMA cache_size").await, -512);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_slow_read_runs_off_the_worker_until_its_runs_are_fast_again() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open("t", &DbBackend::Local { path: None }, dir.path())
            .await
            .unwrap();
        let fast = "SELECT 1";
        let slow = "SELECT COUNT(*) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) SELECT i FROM n)";
        assert_eq!(read_all(&db, fast).await, 1);
        assert_eq!(read_all(&db, slow).await, 300_000);
        assert!(
            db.slow_read(slow).is_some_and(|cpu| cpu > SLOW_READ),
            "the slow read is tracked as slow"
        );
        assert_eq!(db.slow_read(fast), None, "a fast read stays inline");
        assert_eq!(
            read_all(&db, slow).await,
            300_000,
            "a slow read still answers, from block_in_place"
        );

        // A read that was slow once, as a first run on a new connection can
        // be, goes back inline and is forgotten as its runs stay fast.
        db.observe_read(fast, SLOW_READ * 3);
        assert!(db.slow_read(fast).is_some_and(|cpu| cpu > SLOW_READ));
        let mut runs = 0;
        while db.slow_read(fast).is_some() {
            db.observe_read(fast, Duration::from_micros(20));
            runs += 1;
            assert!(runs < 100, "the average decays");
        }
        assert!(runs > 1, "one fast run does not undo a slow one");
    }
}
