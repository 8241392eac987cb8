//! A durable saga engine: a sequence of idempotent steps, each recorded in libSQL
//! before and after it runs, with compensations run in reverse when a step fails.
//!
//! Rules the checkout relies on:
//! - **Durable.** The saga's state and every step's start and outcome are
//!   committed before the next action, so after a crash [`Engine::resume_all`]
//!   continues each unfinished saga from its record.
//! - **Idempotent.** A step receives a key (`<saga>:<step>`, and
//!   `<saga>:<step>:undo` for its compensation) to pass to the service it calls;
//!   re-running a step after a crash must return the first result (a payment
//!   gateway's `Idempotency-Key`, a reservation's key).
//! - **Retries.** A [`StepError::Retryable`] is retried with exponential backoff up
//!   to [`Policy::max_attempts`]; a [`StepError::Fatal`] is not.
//! - **Compensation.** On a fatal error, the steps that completed are compensated
//!   in reverse. When retries run out, the failing step's outcome is unknown (the
//!   payment may have gone through), so it is compensated too; compensations must
//!   therefore accept "nothing to undo". A compensation is retried like a step;
//!   if it still fails, the saga ends `stuck` for an operator (and an alert).
//!
//! - **One runner at a time.** Several hosts may share the saga database (a
//!   libSQL server). A host runs a saga only while it holds its lease
//!   (`saga_leases`, renewed before every attempt, [`LEASE_SECS`] long); another
//!   host gets [`Outcome::Busy`]. Each engine is its own owner (host name,
//!   process id and start time: two processes on one machine are two owners)
//!   and records a heartbeat in `saga_hosts` every [`LIVENESS`] / 6. Another
//!   host takes a saga over when its lease runs out, or when the holder's
//!   heartbeat is older than [`LIVENESS`] (it crashed). A process restarted on
//!   the same machine (same host name and PID namespace) takes back its
//!   predecessor's sagas at once.
//!
//! Terminal states: `completed`, `failed` (compensated, with the reason) and
//! `stuck`.

use libsql::{Connection, params};
use serde_json::Value;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::{Mutex, Notify};
use tokio::task::AbortHandle;

/// Why a step failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepError {
    /// Worth retrying with the same key (timeouts, 5xx, unavailable).
    Retryable(String),
    /// Final: compensate (a declined card, no stock).
    Fatal(String),
}

/// What a step sees.
#[derive(Debug, Clone)]
pub struct StepCtx {
    /// The saga's id.
    pub saga: String,
    /// The saga's input.
    pub input: Value,
    /// Outputs of the steps that completed, by step name.
    pub outputs: serde_json::Map<String, Value>,
    /// The idempotency key for this call.
    pub key: String,
}

/// A boxed step future.
pub type StepFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StepError>> + Send + 'a>>;

/// One step of a saga.
pub trait Step: Send + Sync {
    /// Stable name (part of idempotency keys and the record).
    fn name(&self) -> &'static str;
    /// Does the step; the output is recorded and visible to later steps.
    fn run<'a>(&'a self, ctx: &'a StepCtx) -> StepFuture<'a, Value>;
    /// Undoes the step (must accept that there is nothing to undo).
    fn compensate<'a>(&'a self, ctx: &'a StepCtx) -> StepFuture<'a, ()>;
}

/// Retry policy.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Attempts per step or compensation, the first included.
    pub max_attempts: u32,
    /// Delay before the second attempt; doubles each time.
    pub first_backoff: Duration,
    /// Longest delay between attempts.
    pub max_backoff: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            max_attempts: 5,
            first_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
        }
    }
}

/// How a saga ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every step completed.
    Completed,
    /// A step failed and everything done was undone.
    Failed(String),
    /// A compensation could not be done: needs an operator.
    Stuck(String),
    /// Another host holds the saga's lease and is running it.
    Busy,
}

fn db_error(e: libsql::Error) -> String {
    format!("saga database: {e}")
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
        .unwrap_or(0)
}

/// Runs sagas of one kind (one list of steps) over a libSQL database.
pub struct Engine {
    conn: Arc<Mutex<Connection>>,
    _db: Arc<libsql::Database>,
    steps: Vec<Arc<dyn Step>>,
    policy: Policy,
    wake: Notify,
    owner: String,
    liveness: Duration,
    heartbeat: AbortHandle,
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.heartbeat.abort();
    }
}

/// How long a host owns a saga without renewing its lease (renewed before
/// every attempt of every step).
pub const LEASE_SECS: i64 = 120;

/// A lease whose owner has recorded no heartbeat for this long is free: its
/// process is gone.
pub const LIVENESS: Duration = Duration::from_secs(30);

/// Heartbeats older than this are deleted (one row per process ever started).
const FORGET_HOSTS_MS: i64 = 7 * 24 * 3600 * 1000;

/// A new engine's name in leases: `<host>/<pidns>:<pid>-<start>.<n>`, with
/// the pod's name in Kubernetes (`HOSTNAME`) or else the machine's, the
/// process's PID namespace (`-` where there is none to read) and id, when this
/// process made its first engine (ms, hex) and a count of its engines. Two
/// processes on one machine, or two engines in one process, never share a
/// lease.
fn owner_id() -> String {
    static START: OnceLock<i64> = OnceLock::new();
    static ENGINES: AtomicU64 = AtomicU64::new(0);
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "edgecart".into());
    let pidns = std::fs::read_link("/proc/self/ns/pid")
        .ok()
        .and_then(|l| {
            let l = l.to_string_lossy().into_owned();
            let n: String = l.chars().filter(char::is_ascii_digit).collect();
            (!n.is_empty()).then_some(n)
        })
        .unwrap_or_else(|| "-".into());
    format!(
        "{host}/{pidns}:{}-{:x}.{}",
        std::process::id(),
        START.get_or_init(now_ms),
        ENGINES.fetch_add(1, Ordering::Relaxed)
    )
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(0))
        .unwrap_or(0)
}

/// `(host and PID namespace, pid, process)` of an owner named by
/// [`owner_id`] in a known PID namespace, where `process` is `<pid>-<start>`.
fn parse_owner(owner: &str) -> Option<(&str, &str, &str)> {
    let (place, rest) = owner.split_once(':')?;
    let (process, _) = rest.rsplit_once('.')?;
    let (pid, _) = process.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (_, pidns) = place.rsplit_once('/')?;
    (digits(pid) && digits(pidns)).then_some((place, pid, process))
}

/// Forgets the heartbeats of this machine's earlier processes that are gone,
/// so their leases are free at once: a process restarted on the same host
/// takes its sagas back without waiting for [`LIVENESS`]. Only processes of
/// the same host name and PID namespace are judged (their ids mean the same
/// here); one is gone when it has this process's id but another start time,
/// or when no process has its id. Others (another container, which has its
/// own namespace) are left to their heartbeat.
async fn forget_gone_siblings(conn: &Connection, me: &str) -> Result<(), String> {
    let Some((place, my_pid, my_process)) = parse_owner(me) else {
        return Ok(());
    };
    let mut rows = conn
        .query("SELECT owner FROM saga_hosts", ())
        .await
        .map_err(db_error)?;
    let mut gone = Vec::new();
    while let Some(row) = rows.next().await.map_err(db_error)? {
        let owner: String = row.get(0).map_err(db_error)?;
        let alive = match parse_owner(&owner) {
            Some((p, pid, process)) if p == place && pid == my_pid => process == my_process,
            Some((p, pid, _)) if p == place => Path::new("/proc").join(pid).exists(),
            _ => true,
        };
        if !alive {
            gone.push(owner);
        }
    }
    drop(rows);
    for owner in gone {
        tracing::info!(owner = %owner, "an earlier process of this host is gone: its sagas are free");
        conn.execute("DELETE FROM saga_hosts WHERE owner = ?1", params![owner])
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

/// SQL true when the lease row `t` may be taken by the owner `?1` at `?2`
/// (seconds): it is `?1`'s, it ran out, or its holder's heartbeat is older than
/// `?3` (ms).
fn lease_free(t: &str) -> String {
    format!(
        "{t}.owner = ?1 OR {t}.until < ?2
         OR NOT EXISTS (SELECT 1 FROM saga_hosts h WHERE h.owner = {t}.owner AND h.seen_ms >= ?3)"
    )
}

/// Records `owner`'s heartbeat on `conn`.
async fn beat(conn: &Connection, owner: &str) -> Result<(), String> {
    conn.execute(
        "INSERT INTO saga_hosts (owner, seen_ms) VALUES (?1, ?2)
         ON CONFLICT (owner) DO UPDATE SET seen_ms = excluded.seen_ms",
        params![owner, now_ms()],
    )
    .await
    .map(drop)
    .map_err(db_error)
}

/// Records `owner`'s heartbeat every `liveness` / 6 until aborted, first
/// forgetting hosts not seen for a week.
fn heartbeat(conn: Arc<Mutex<Connection>>, owner: String, liveness: Duration) -> AbortHandle {
    tokio::spawn(async move {
        if let Err(e) = conn
            .lock()
            .await
            .execute(
                "DELETE FROM saga_hosts WHERE seen_ms < ?1",
                params![now_ms() - FORGET_HOSTS_MS],
            )
            .await
        {
            tracing::debug!(error = %e, "cannot forget old saga hosts");
        }
        loop {
            if let Err(e) = beat(&*conn.lock().await, &owner).await {
                tracing::warn!(error = %e, "cannot record the saga heartbeat; will retry");
            }
            tokio::time::sleep(liveness / 6).await;
        }
    })
    .abort_handle()
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field(
                "steps",
                &self.steps.iter().map(|s| s.name()).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

struct Record {
    input: Value,
    state: String,
    step: i64,
}

impl Engine {
    /// Opens (creating) the saga database at `path`.
    pub async fn open(
        path: &Path,
        steps: Vec<Arc<dyn Step>>,
        policy: Policy,
    ) -> Result<Engine, String> {
        let db = libsql::Builder::new_local(path)
            .build()
            .await
            .map_err(db_error)?;
        let conn = db.connect().map_err(db_error)?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;")
            .await
            .map_err(db_error)?;
        Self::with_database(db, conn, steps, policy).await
    }

    /// Like [`Engine::open`], with the records on a libSQL server (`sqld`,
    /// Turso) at `url`, so a host that restarts elsewhere resumes its sagas.
    pub async fn open_remote(
        url: &str,
        token: &str,
        steps: Vec<Arc<dyn Step>>,
        policy: Policy,
    ) -> Result<Engine, String> {
        let db = libsql::Builder::new_remote(url.to_string(), token.to_string())
            .build()
            .await
            .map_err(db_error)?;
        let conn = db.connect().map_err(db_error)?;
        Self::with_database(db, conn, steps, policy).await
    }

    async fn with_database(
        db: libsql::Database,
        conn: Connection,
        steps: Vec<Arc<dyn Step>>,
        policy: Policy,
    ) -> Result<Engine, String> {
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS sagas (
                id TEXT PRIMARY KEY, input TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('running', 'compensating', 'completed', 'failed', 'stuck')),
                step INTEGER NOT NULL, reason TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS saga_steps (
                saga TEXT NOT NULL, step INTEGER NOT NULL, name TEXT NOT NULL,
                phase TEXT NOT NULL CHECK (phase IN ('forward', 'undo')),
                status TEXT NOT NULL CHECK (status IN ('started', 'done', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0, output TEXT, error TEXT, updated_at INTEGER NOT NULL,
                PRIMARY KEY (saga, step, phase));
             CREATE INDEX IF NOT EXISTS sagas_unfinished ON sagas(state) WHERE state IN ('running', 'compensating');
             CREATE TABLE IF NOT EXISTS saga_leases (
                saga TEXT PRIMARY KEY, owner TEXT NOT NULL, until INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS saga_hosts (owner TEXT PRIMARY KEY, seen_ms INTEGER NOT NULL);",
        )
        .await
        .map_err(db_error)?;
        let owner = owner_id();
        forget_gone_siblings(&conn, &owner).await?;
        beat(&conn, &owner).await?;
        let conn = Arc::new(Mutex::new(conn));
        Ok(Engine {
            heartbeat: heartbeat(Arc::clone(&conn), owner.clone(), LIVENESS),
            conn,
            _db: Arc::new(db),
            steps,
            policy,
            wake: Notify::new(),
            owner,
            liveness: LIVENESS,
        })
    }

    /// The same engine, naming itself `owner` in leases and counted gone
    /// `liveness` after its last heartbeat (for tests of several hosts).
    pub fn owned_by(mut self, owner: &str, liveness: Duration) -> Engine {
        self.heartbeat.abort();
        self.owner = owner.to_string();
        self.liveness = liveness;
        self.heartbeat = heartbeat(Arc::clone(&self.conn), self.owner.clone(), liveness);
        self
    }

    /// Records a new saga (idempotent by id: starting it twice is one saga).
    pub async fn start(&self, id: &str, input: &Value) -> Result<(), String> {
        let conn = self.conn.lock().await;
        conn.execute(
            "INSERT INTO sagas (id, input, state, step, created_at, updated_at) VALUES (?1, ?2, 'running', 0, ?3, ?3)
             ON CONFLICT (id) DO NOTHING",
            params![id, input.to_string(), now()],
        )
        .await
        .map_err(db_error)
        .map(|_| ())
    }

    async fn load(&self, id: &str) -> Result<Record, String> {
        let conn = self.conn.lock().await;
        let mut rows = conn
            .query(
                "SELECT input, state, step FROM sagas WHERE id = ?1",
                params![id],
            )
            .await
            .map_err(db_error)?;
        let r = rows
            .next()
            .await
            .map_err(db_error)?
            .ok_or_else(|| format!("no saga {id}"))?;
        let input: String = r.get(0).map_err(db_error)?;
        Ok(Record {
            input: serde_json::from_str(&input).unwrap_or(Value::Null),
            state: r.get(1).map_err(db_error)?,
            step: r.get(2).map_err(db_error)?,
        })
    }

    async fn outputs(&self, id: &str) -> Result<serde_json::Map<String, Value>, String> {
        let conn = self.conn.lock().await;
        let mut rows = conn
            .query(
                "SELECT name, output FROM saga_steps WHERE saga = ?1 AND phase = 'forward' AND status = 'done' ORDER BY step",
                params![id],
            )
            .await
            .map_err(db_error)?;
        let mut out = serde_json::Map::new();
        while let Some(r) = rows.next().await.map_err(db_error)? {
            let name: String = r.get(0).map_err(db_error)?;
            let output: Option<String> = r.get(1).map_err(db_error)?;
            out.insert(
                name,
                output
                    .and_then(|o| serde_json::from_str(&o).ok())
                    .unwrap_or(Value::Null),
            );
        }
        Ok(out)
    }

    async fn set_state(
        &self,
        id: &str,
        state: &str,
        step: i64,
        reason: Option<&str>,
    ) -> Result<(), String> {
        let conn = self.conn.lock().await;
        conn.execute(
            "UPDATE sagas SET state = ?1, step = ?2, reason = COALESCE(?3, reason), updated_at = ?4 WHERE id = ?5",
            params![state, step, reason, now(), id],
        )
        .await
        .map_err(db_error)
        .map(|_| ())
    }

    async fn mark(
        &self,
        id: &str,
        step: i64,
        phase: &str,
        status: &str,
        output: Option<String>,
        error: Option<String>,
    ) -> Result<(), String> {
        let name = self
            .steps
            .get(usize::try_from(step).unwrap_or(usize::MAX))
            .map_or("?", |s| s.name());
        let conn = self.conn.lock().await;
        conn.execute(
            "INSERT INTO saga_steps (saga, step, name, phase, status, attempts, output, error, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN ?5 = 'started' THEN 1 ELSE 0 END, ?6, ?7, ?8)
             ON CONFLICT (saga, step, phase) DO UPDATE SET status = excluded.status,
                attempts = saga_steps.attempts + CASE WHEN excluded.status = 'started' THEN 1 ELSE 0 END,
                output = COALESCE(excluded.output, saga_steps.output), error = excluded.error, updated_at = excluded.updated_at",
            params![id, step, name, phase, status, output, error, now()],
        )
        .await
        .map_err(db_error)
        .map(|_| ())
    }

    /// Waits before retry `attempt + 1`: the backoff, or less if [`Engine::wake`]
    /// is called meanwhile.
    async fn pause(&self, attempt: u32) {
        tokio::select! {
            () = tokio::time::sleep(self.backoff(attempt)) => {}
            () = self.wake.notified() => {}
        }
    }

    /// Cuts short the backoff of every saga waiting to retry, e.g. when the
    /// payment gateway reports an outcome by webhook.
    pub fn wake(&self) {
        self.wake.notify_waiters();
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.policy
            .first_backoff
            .saturating_mul(factor)
            .min(self.policy.max_backoff)
    }

    /// Runs (or resumes) a saga to a terminal state.
    pub async fn run(&self, id: &str) -> Result<Outcome, String> {
        loop {
            let rec = self.load(id).await?;
            let count = i64::try_from(self.steps.len()).unwrap_or(i64::MAX);
            match rec.state.as_str() {
                "completed" => {
                    self.release(id).await?;
                    return Ok(Outcome::Completed);
                }
                "failed" | "stuck" => {
                    self.release(id).await?;
                    let reason = self.reason(id).await?;
                    return Ok(if rec.state == "failed" {
                        Outcome::Failed(reason)
                    } else {
                        Outcome::Stuck(reason)
                    });
                }
                _ if !self.claim(id).await? => return Ok(Outcome::Busy),
                "running" if rec.step >= count => {
                    self.set_state(id, "completed", rec.step, None).await?
                }
                "running" => self.forward(id, &rec).await?,
                _ => self.backward(id, &rec).await?,
            }
        }
    }

    /// Takes or renews this host's lease on the saga; `false` when another
    /// live host holds a lease that has not run out. The heartbeat is recorded
    /// first, so no host ever sees this one's lease without it.
    async fn claim(&self, id: &str) -> Result<bool, String> {
        let now = now();
        let conn = self.conn.lock().await;
        beat(&conn, &self.owner).await?;
        let changed = conn
            .execute(
                &format!(
                    "INSERT INTO saga_leases (saga, owner, until) VALUES (?4, ?1, ?5)
                     ON CONFLICT (saga) DO UPDATE SET owner = excluded.owner, until = excluded.until
                     WHERE {}",
                    lease_free("saga_leases")
                ),
                params![
                    self.owner.as_str(),
                    now,
                    self.alive_since(),
                    id,
                    now + LEASE_SECS
                ],
            )
            .await
            .map_err(db_error)?;
        Ok(changed > 0)
    }

    /// Heartbeats older than this (in ms) are from hosts that are gone.
    fn alive_since(&self) -> i64 {
        now_ms() - i64::try_from(self.liveness.as_millis()).unwrap_or(i64::MAX)
    }

    async fn release(&self, id: &str) -> Result<(), String> {
        let conn = self.conn.lock().await;
        conn.execute(
            "DELETE FROM saga_leases WHERE saga = ?1 AND owner = ?2",
            params![id, self.owner.as_str()],
        )
        .await
        .map_err(db_error)
        .map(|_| ())
    }

    async fn reason(&self, id: &str) -> Result<String, String> {
        let conn = self.conn.lock().await;
        let mut rows = conn
            .query(
                "SELECT COALESCE(reason, '') FROM sagas WHERE id = ?1",
                params![id],
            )
            .await
            .map_err(db_error)?;
        Ok(match rows.next().await.map_err(db_error)? {
            Some(r) => r.get(0).map_err(db_error)?,
            None => String::new(),
        })
    }

    /// Runs the current forward step with retries, then records where to go next.
    async fn forward(&self, id: &str, rec: &Record) -> Result<(), String> {
        let i = rec.step;
        let step = Arc::clone(&self.steps[usize::try_from(i).map_err(|e| e.to_string())?]);
        let mut attempt = 0;
        loop {
            attempt += 1;
            if attempt > 1 && !self.claim(id).await? {
                return Ok(());
            }
            self.mark(id, i, "forward", "started", None, None).await?;
            let ctx = StepCtx {
                saga: id.to_string(),
                input: rec.input.clone(),
                outputs: self.outputs(id).await?,
                key: format!("{id}:{}", step.name()),
            };
            match step.run(&ctx).await {
                Ok(output) => {
                    self.mark(id, i, "forward", "done", Some(output.to_string()), None)
                        .await?;
                    return self.set_state(id, "running", i + 1, None).await;
                }
                Err(StepError::Retryable(e)) if attempt < self.policy.max_attempts => {
                    tracing::warn!(saga = id, step = step.name(), attempt, error = %e, "step failed, retrying");
                    self.pause(attempt).await;
                }
                Err(StepError::Retryable(e)) => {
                    // The outcome is unknown: undo this step too.
                    self.mark(id, i, "forward", "failed", None, Some(e.clone()))
                        .await?;
                    let reason = format!("{} kept failing: {e}", step.name());
                    return self.set_state(id, "compensating", i, Some(&reason)).await;
                }
                Err(StepError::Fatal(e)) => {
                    self.mark(id, i, "forward", "failed", None, Some(e.clone()))
                        .await?;
                    let reason = format!("{}: {e}", step.name());
                    return self
                        .set_state(id, "compensating", i - 1, Some(&reason))
                        .await;
                }
            }
        }
    }

    /// Compensates the step at `rec.step` (then the one before), down to none.
    async fn backward(&self, id: &str, rec: &Record) -> Result<(), String> {
        let i = rec.step;
        if i < 0 {
            return self.set_state(id, "failed", i, None).await;
        }
        let step = Arc::clone(&self.steps[usize::try_from(i).map_err(|e| e.to_string())?]);
        let mut attempt = 0;
        loop {
            attempt += 1;
            if attempt > 1 && !self.claim(id).await? {
                return Ok(());
            }
            self.mark(id, i, "undo", "started", None, None).await?;
            let ctx = StepCtx {
                saga: id.to_string(),
                input: rec.input.clone(),
                outputs: self.outputs(id).await?,
                key: format!("{id}:{}:undo", step.name()),
            };
            match step.compensate(&ctx).await {
                Ok(()) => {
                    self.mark(id, i, "undo", "done", None, None).await?;
                    return self.set_state(id, "compensating", i - 1, None).await;
                }
                Err(StepError::Retryable(e)) if attempt < self.policy.max_attempts => {
                    tracing::warn!(saga = id, step = step.name(), attempt, error = %e, "compensation failed, retrying");
                    self.pause(attempt).await;
                }
                Err(StepError::Retryable(e) | StepError::Fatal(e)) => {
                    self.mark(id, i, "undo", "failed", None, Some(e.clone()))
                        .await?;
                    tracing::error!(saga = id, step = step.name(), error = %e, "compensation failed: the saga needs an operator");
                    let reason = format!("undoing {} failed: {e}", step.name());
                    return self.set_state(id, "stuck", i, Some(&reason)).await;
                }
            }
        }
    }

    /// Ids of the sagas not in a terminal state that this host may run now:
    /// never claimed, its own, or held by a lease that ran out or by a host
    /// that is gone (to resume after a crash, here or elsewhere).
    pub async fn unfinished(&self) -> Result<Vec<String>, String> {
        let now = now();
        let conn = self.conn.lock().await;
        let mut rows = conn
            .query(
                &format!(
                    "SELECT s.id FROM sagas s LEFT JOIN saga_leases l ON l.saga = s.id
                     WHERE s.state IN ('running', 'compensating') AND (l.saga IS NULL OR {})
                     ORDER BY s.created_at, s.id",
                    lease_free("l")
                ),
                params![self.owner.as_str(), now, self.alive_since()],
            )
            .await
            .map_err(db_error)?;
        let mut ids = Vec::new();
        while let Some(r) = rows.next().await.map_err(db_error)? {
            ids.push(r.get(0).map_err(db_error)?);
        }
        Ok(ids)
    }

    /// Runs every unfinished saga to a terminal state; returns how each ended.
    pub async fn resume_all(&self) -> Result<Vec<(String, Outcome)>, String> {
        let mut out = Vec::new();
        for id in self.unfinished().await? {
            let outcome = self.run(&id).await?;
            out.push((id, outcome));
        }
        Ok(out)
    }
}
