//! libSQL databases behind the sqlite and key-value capabilities.
//!
//! Each label (`sqlite_databases` / `key_value_stores` in the manifest) maps to one
//! [`Db`]: a local libSQL file (the default, WAL mode), a remote libSQL server over
//! HTTP, or an embedded replica of one (reads from the local file, writes forwarded
//! to the primary). Connections are handed out from a small idle pool for one
//! statement at a time ([`Pooled`]) and keep the statements they have prepared, so
//! a statement a component runs on every request is parsed once per connection.
//!
//! Writers to a local file in this process take turns ([`Db::turn`]) before
//! SQLite sees them: a statement that may write waits, without holding a
//! thread, until no other connection of this process is writing, and keeps its
//! turn until its connection is out of any transaction. Left to SQLite, a
//! writer that met the lock polled it from the busy handler, with sleeps that
//! grow from 1 to 100 ms, on a thread of its own: under load, a few writers at
//! once made tails of hundreds of milliseconds. In turns they go in arrival
//! order, each as soon as the last is done. SQLite's lock still arbitrates
//! between processes: a statement that finds the file locked by another one
//! (`SQLITE_BUSY`; connections have no busy handler) is tried again after a
//! pause that holds no thread ([`Tries`]).
//!
//! So a statement on a local file waits for no lock while it runs, and
//! [`Db::run`] runs it inline on the calling worker, like any other
//! computation, unless its recent runs have cost more than [`SLOW`] on
//! average ([`Cost`]: CPU time for a read, such as an aggregate over a large
//! table; wall time for a write, which includes its commit's `fsync`). Run
//! inline, such a statement would hold up every request queued on that
//! worker, so it runs with the worker turned into a blocking thread for the
//! duration (`block_in_place`: the runtime moves its other tasks to another
//! worker). The average decays, so a statement that was slow once (its first
//! run on a new connection parses the schema and the statement) goes back
//! inline when its later runs are fast. A remote database is plain async I/O
//! and is simply awaited.

use crate::runtime_config::DbBackend;
use anyhow::Context as _;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a statement waits for another writer's lock before `SQLITE_BUSY`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest wait between two tries of a statement that found the
/// database locked by another process.
const MAX_BUSY_PAUSE: Duration = Duration::from_millis(100);
/// Idle connections kept per database.
const IDLE_CONNECTIONS: usize = 8;
/// How long a connection to a server stays in the pool: a libSQL server
/// closes a stream that has been idle for 10 s (`STREAM_EXPIRED`), and the
/// client would fail its next statement rather than open another.
const SERVER_IDLE: Duration = Duration::from_secs(5);
/// Connections of a replica that write through its primary at once: each
/// holds a connection on the primary, which a libSQL server keeps for 30 s
/// after its last use and allows 128 of, for all its clients together.
const PRIMARY_SESSIONS: usize = 8;
/// Prepared statements kept per connection, most recently used first.
const STATEMENTS_PER_CONNECTION: usize = 32;
/// A statement whose recent runs average more than this ([`Cost`]) runs off
/// the worker.
const SLOW: Duration = Duration::from_millis(1);
/// Distinct slow statements tracked per database (beyond that, they run inline).
const SLOW_KEPT: usize = 512;
/// Weight of the newest run in a tracked statement's average, as 1/n.
const SLOW_WEIGHT: u32 = 8;
/// SQLite's result code for a database locked by another connection.
const SQLITE_BUSY: i32 = 5;
/// SQLite's result code for a value of the wrong type.
const SQLITE_MISMATCH: i32 = 20;
/// `SQLITE_BUSY` for a transaction whose snapshot is older than the last write.
const SQLITE_BUSY_SNAPSHOT: i32 = SQLITE_BUSY | (2 << 8);

/// One opened database.
pub struct Db {
    label: String,
    database: libsql::Database,
    local: bool,
    idle: Mutex<Vec<Pooled>>,
    /// Statements seen to cost more than [`SLOW`], with the decaying average
    /// cost of their runs since; dropped once it falls to a quarter of it.
    slow: Mutex<HashMap<String, Duration>>,
    /// This process's writers to a local file, one at a time (see the module
    /// documentation); `None` for a server or a replica, whose writes the
    /// server orders.
    writers: Option<Arc<tokio::sync::Semaphore>>,
    /// For a replica, the connections that write through its primary.
    primary: Option<Primary>,
}

/// Sets the last insert rowid of a replica's connection on the primary back
/// to 0. A replica runs no temporary table on the primary, so the insert goes
/// into a table created and dropped by a rollback, which keeps the rowid.
const PRIMARY_ROWID_RESET: &str = "BEGIN;
    CREATE TABLE edgecart_rowid_reset_5f1c (x);
    INSERT INTO edgecart_rowid_reset_5f1c (rowid) VALUES (0);
    ROLLBACK";

/// The connections of a replica that write through its primary ([`Db::turn`]).
/// The libSQL client gives each connection its own connection on the primary,
/// which the server keeps for 30 s after its last use and never hears is
/// closed: a replica that opened one per write left a connection on the
/// primary for each, and a burst of writes used up the server's 128 (`Timed
/// out while opening database connection`, for every client of the server).
/// So a replica writes on at most [`PRIMARY_SESSIONS`] connections, kept
/// open and reused.
struct Primary {
    /// One per connection writing now.
    slots: Arc<tokio::sync::Semaphore>,
    /// Those not writing now.
    idle: Mutex<Vec<Pooled>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("label", &self.label).finish()
    }
}

impl Db {
    /// Opens `label` with `backend`; default files live under `dir`.
    pub async fn open(label: &str, backend: &DbBackend, dir: &Path) -> anyhow::Result<Db> {
        let file = matches!(backend, DbBackend::Local { .. });
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
            slow: Mutex::new(HashMap::new()),
            writers: file.then(|| Arc::new(tokio::sync::Semaphore::new(1))),
            primary: matches!(backend, DbBackend::Replica { .. }).then(|| Primary {
                slots: Arc::new(tokio::sync::Semaphore::new(PRIMARY_SESSIONS)),
                idle: Mutex::new(Vec::new()),
            }),
        })
    }

    /// Waits for this process's turn to write when `access` may write and
    /// `conn` does not hold the turn already; it keeps it until it is out of
    /// any transaction and none of its writes still streams ([`Pooled::settle`],
    /// [`StreamingWrite`]). A turn not given within SQLite's
    /// own busy timeout fails as SQLite would, with `SQLITE_BUSY`.
    ///
    /// On a replica, a statement that may write runs on one of the
    /// connections that write through the primary ([`Primary`]): `conn` is
    /// swapped for an idle one, or becomes one itself when there is none.
    pub async fn turn(&self, conn: &mut Pooled, access: Access) -> Result<(), libsql::Error> {
        if access == Access::Read {
            return Ok(());
        }
        if let Some(primary) = &self.primary {
            return self.primary_session(primary, conn).await;
        }
        let Some(writers) = &self.writers else {
            return Ok(());
        };
        if held(&conn.turn).permit.is_some() {
            return Ok(());
        }
        match tokio::time::timeout(BUSY_TIMEOUT, writers.clone().acquire_owned()).await {
            Ok(Ok(turn)) => {
                held(&conn.turn).permit = Some(turn);
                Ok(())
            }
            _ => Err(libsql::Error::SqliteFailure(
                SQLITE_BUSY,
                format!(
                    "database is locked: another writer held `{}` for {} s",
                    self.label,
                    BUSY_TIMEOUT.as_secs()
                ),
            )),
        }
    }

    /// Makes `conn` one of the replica's connections that write through its
    /// primary, unless it is one already ([`Primary`]). A connection whose
    /// last writer inserted a row first sets its last insert rowid back to 0
    /// on the primary, which reports it after every statement, as a file's
    /// pooled connections do ([`Pooled::forget_rowid`]).
    async fn primary_session(
        &self,
        primary: &Primary,
        conn: &mut Pooled,
    ) -> Result<(), libsql::Error> {
        if conn.session.is_some() {
            return Ok(());
        }
        let Ok(Ok(slot)) =
            tokio::time::timeout(BUSY_TIMEOUT, primary.slots.clone().acquire_owned()).await
        else {
            return Err(libsql::Error::SqliteFailure(
                SQLITE_BUSY,
                format!(
                    "database is locked: {PRIMARY_SESSIONS} connections wrote to the primary of `{}` for {} s",
                    self.label,
                    BUSY_TIMEOUT.as_secs()
                ),
            ));
        };
        let idle = primary.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        if let Some(mut writer) = idle {
            let reset = writer.conn.last_insert_rowid() == 0
                || writer.conn.execute_batch(PRIMARY_ROWID_RESET).await.is_ok();
            if reset {
                writer.before = writer.conn.total_changes();
                let unused = std::mem::replace(conn, writer);
                self.checkin(unused);
            } else {
                // Dropped, with whatever the batch left open; `conn` takes its place.
                let _ = writer.conn.execute("ROLLBACK", ()).await;
            }
        }
        conn.session = Some(slot);
        Ok(())
    }

    /// A connection from the idle pool, or a new one. A connection to a
    /// server that has been idle for [`SERVER_IDLE`] is closed instead, and
    /// so are those idle for longer.
    pub fn checkout(&self) -> Result<Pooled, libsql::Error> {
        let kept = {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            match idle.pop() {
                Some(c) if !self.local && c.since.elapsed() >= SERVER_IDLE => {
                    idle.clear();
                    None
                }
                kept => kept,
            }
        };
        if let Some(c) = kept {
            return Ok(c);
        }
        // No busy handler: a statement that finds the file locked by another
        // process waits in [`Db::run`], not on the thread it runs on.
        let conn = self.database.connect()?;
        Ok(Pooled {
            conn,
            statements: self.writers.is_some().then(VecDeque::new),
            local: self.local,
            lasting: false,
            turn: Arc::default(),
            wrote: false,
            before: 0,
            rowid_reset: None,
            since: std::time::Instant::now(),
            session: None,
        })
    }

    /// Returns a connection to the idle pool. A connection left inside a
    /// transaction is dropped instead, which rolls the transaction back, and
    /// so is one that a pragma or a temporary object changed ([`lasting`]),
    /// which the next borrower, maybe another component, would inherit. So is
    /// a connection to a server that has run anything but reads: the libSQL
    /// client does not follow `BEGIN` through a query
    /// over HTTP (it still says autocommit), so such a connection may hold an
    /// open transaction on the server, which the next borrower's writes would
    /// join, and the server reports its last insert rowid to the next
    /// borrower. On a file, a connection whose last insert rowid is not 0 goes
    /// back with it set to 0 ([`Pooled::forget_rowid`]), or is dropped if that
    /// fails. A replica's connection that writes through its primary goes back
    /// to those ([`Primary`]); it knows its transaction state, which the
    /// primary reports after every statement.
    pub fn checkin(&self, mut conn: Pooled) {
        if !conn.conn.is_autocommit() || conn.lasting {
            return;
        }
        if let (Some(primary), Some(slot)) = (&self.primary, conn.session.take()) {
            let mut idle = primary.idle.lock().unwrap_or_else(|p| p.into_inner());
            idle.push(conn);
            drop(idle);
            drop(slot);
            return;
        }
        if self.writers.is_none() && conn.wrote {
            return;
        }
        if self.writers.is_some() && conn.conn.last_insert_rowid() != 0 && !conn.forget_rowid() {
            return;
        }
        // A write whose rows still stream keeps the turn it shares until it
        // is done ([`StreamingWrite`]); the next borrower starts without one.
        conn.turn = Arc::default();
        conn.before = conn.conn.total_changes();
        conn.since = std::time::Instant::now();
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < IDLE_CONNECTIONS {
            idle.push(conn);
        }
    }

    /// Runs `work`, which executes `sql` (an `access`) on this database, where
    /// it belongs (see the module documentation). Needs the multi-threaded
    /// runtime, which `edgecart` uses.
    pub async fn run<F: Future>(&self, sql: &str, access: Access, work: F) -> F::Output {
        // A server orders its own writers, and a replica forwards writes to
        // one: both are plain async I/O.
        if !self.local || (access == Access::Write && self.writers.is_none()) {
            return work.await;
        }
        let tracked = self.slow(sql);
        let blocking = tracked.is_some_and(|cost| cost > SLOW);
        let started = Cost::start(access);
        let out = if blocking {
            tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(work))
        } else {
            work.await
        };
        let cost = started.stop();
        // A fast statement nobody tracks, the common case, takes no lock here.
        if tracked.is_some() || cost > SLOW {
            self.observe(sql, cost);
        }
        out
    }

    /// Counts the tries of one statement ([`Tries::again`]).
    pub fn tries(&self) -> Tries {
        Tries {
            file: self.writers.is_some(),
            waited: Duration::ZERO,
            pause: Duration::from_millis(1),
        }
    }

    /// The average cost of a tracked slow statement.
    fn slow(&self, sql: &str) -> Option<Duration> {
        let slow = self.slow.lock().unwrap_or_else(|p| p.into_inner());
        slow.get(sql).copied()
    }

    /// Folds one run's cost into the statement's average: a run over [`SLOW`]
    /// starts tracking it, and it is forgotten once fast again.
    fn observe(&self, sql: &str, cost: Duration) {
        let mut slow = self.slow.lock().unwrap_or_else(|p| p.into_inner());
        let tracked = slow.len();
        match slow.get_mut(sql) {
            Some(average) => {
                *average = (*average * (SLOW_WEIGHT - 1) + cost) / SLOW_WEIGHT;
                if *average < SLOW / 4 {
                    slow.remove(sql);
                }
            }
            None if cost > SLOW && tracked < SLOW_KEPT => {
                slow.insert(sql.to_string(), cost);
            }
            None => {}
        }
    }
}

/// The tries of one statement on a database that another process may hold
/// locked.
#[derive(Debug)]
pub struct Tries {
    file: bool,
    waited: Duration,
    pause: Duration,
}

impl Tries {
    /// Whether a statement that ended with `out` should run again: on a local
    /// file, while SQLite answers that another process holds the lock
    /// (`SQLITE_BUSY`), for up to [`BUSY_TIMEOUT`], after a pause that holds
    /// no thread. The statement must not have handed out any of its rows.
    pub async fn again<T>(&mut self, out: &Result<T, libsql::Error>) -> bool {
        let busy = matches!(out, Err(libsql::Error::SqliteFailure(code, _))
            // A snapshot too old to write from stays so: its transaction has
            // to start again.
            if code & 0xff == SQLITE_BUSY && *code != SQLITE_BUSY_SNAPSHOT);
        if !self.file || !busy || self.waited >= BUSY_TIMEOUT {
            return false;
        }
        tokio::time::sleep(self.pause).await;
        self.waited += self.pause;
        self.pause = (self.pause * 2).min(MAX_BUSY_PAUSE);
        true
    }
}

/// What a statement costs the thread it runs on. A read costs its CPU time,
/// not wall time: a read that was merely preempted under load is not slow. A
/// write costs its wall time, which includes the `fsync` of its commit, when
/// the thread waits on the disk. `block_in_place` keeps the work on this
/// thread, so both clocks cover it there too.
enum Cost {
    Cpu(Duration),
    Wall(std::time::Instant),
}

impl Cost {
    fn start(access: Access) -> Cost {
        match access {
            Access::Read => Cost::Cpu(cpu_time::ThreadTime::now().as_duration()),
            Access::Write => Cost::Wall(std::time::Instant::now()),
        }
    }

    fn stop(self) -> Duration {
        match self {
            Cost::Cpu(started) => cpu_time::ThreadTime::now()
                .as_duration()
                .saturating_sub(started),
            Cost::Wall(started) => started.elapsed(),
        }
    }
}

/// What a statement does to its database, as far as scheduling is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Only reads (a `SELECT`, `VALUES`, or either after `WITH` common table
    /// expressions): never waits for a lock in WAL mode.
    Read,
    /// Anything else, including transaction control and DDL.
    Write,
}

impl Access {
    /// Classifies `sql` by its first keyword, or after `WITH` by the first
    /// keyword outside the common table expressions; anything unclear counts
    /// as a write.
    pub fn of(sql: &str) -> Access {
        let mut words = TopLevelWords::new(sql);
        let first = words.next();
        let main = if first.is_some_and(|w| w.eq_ignore_ascii_case("with")) {
            words.find(|w| {
                ["select", "values", "insert", "update", "delete", "replace"]
                    .iter()
                    .any(|k| w.eq_ignore_ascii_case(k))
            })
        } else {
            first
        };
        match main {
            Some(w) if w.eq_ignore_ascii_case("select") || w.eq_ignore_ascii_case("values") => {
                Access::Read
            }
            _ => Access::Write,
        }
    }
}

/// Why a component may not run `sql`, if it may not: `ATTACH` would open any
/// file the host can reach, another component's database included, and
/// `VACUUM` attaches one too (`VACUUM INTO` writes a copy anywhere). The
/// bundled SQLite allows no attached database at all (`SQLITE_MAX_ATTACHED=0`
/// in `.cargo/config.toml`); this names the reason before SQLite's own error.
/// An empty statement (white space and comments) is refused too: a replica
/// inside a transaction would send the primary an empty program, which libSQL's
/// client does not expect.
pub fn refused(sql: &str) -> Option<String> {
    if blank(sql) {
        return Some("the statement is empty".into());
    }
    let first = TopLevelWords::new(sql).next()?;
    ["attach", "detach", "vacuum"]
        .iter()
        .any(|w| first.eq_ignore_ascii_case(w))
        .then(|| {
            format!(
                "{} is not allowed: a component reaches only the databases it was granted",
                first.to_ascii_uppercase()
            )
        })
}

/// Whether `sql` changes its connection beyond itself: a pragma (`query_only`,
/// `foreign_keys`, ...), or a temporary table, view, index or trigger, which
/// lives with the connection (a temporary trigger can fire on the main
/// tables). A `CREATE` with the word `temp` anywhere at its top level counts,
/// which at worst closes a connection that could have been kept.
fn lasting(sql: &str) -> bool {
    let mut words = TopLevelWords::new(sql);
    match words.next() {
        Some(w) if w.eq_ignore_ascii_case("pragma") => true,
        Some(w) if w.eq_ignore_ascii_case("create") => {
            words.any(|w| w.eq_ignore_ascii_case("temp") || w.eq_ignore_ascii_case("temporary"))
        }
        _ => false,
    }
}

/// Whether `sql` holds nothing but white space and comments.
fn blank(sql: &str) -> bool {
    let mut rest = sql.trim_start();
    while !rest.is_empty() {
        rest = if let Some(comment) = rest.strip_prefix("--") {
            comment.split_once('\n').map_or("", |(_, after)| after)
        } else if let Some(comment) = rest.strip_prefix("/*") {
            comment.split_once("*/").map_or("", |(_, after)| after)
        } else {
            return false;
        }
        .trim_start();
    }
    true
}

/// The words of a statement outside parentheses, quotes and comments, so that
/// the keywords of a `WITH` statement's body stand out from its expressions.
/// A statement that does not scan cleanly (an unclosed quote or comment) ends
/// early, which [`Access::of`] takes for a write.
struct TopLevelWords<'a> {
    sql: &'a str,
    at: usize,
    depth: usize,
}

impl<'a> TopLevelWords<'a> {
    fn new(sql: &'a str) -> Self {
        TopLevelWords {
            sql,
            at: 0,
            depth: 0,
        }
    }

    /// The index just past the quote or comment that starts at `at`: `at`
    /// itself when none starts there, `None` when it never closes. A doubled
    /// quote inside a string scans as two adjacent strings.
    fn past_quote(&self, at: usize) -> Option<usize> {
        let rest = &self.sql[at..];
        let (open, close) = match rest.as_bytes()[0] {
            b'\'' => (1, "'"),
            b'"' => (1, "\""),
            b'`' => (1, "`"),
            b'[' => (1, "]"),
            b'-' if rest.starts_with("--") => {
                return Some(rest.find('\n').map_or(self.sql.len(), |n| at + n + 1));
            }
            b'/' if rest.starts_with("/*") => (2, "*/"),
            _ => return Some(at),
        };
        rest[open..]
            .find(close)
            .map(|end| at + open + end + close.len())
    }
}

impl<'a> Iterator for TopLevelWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.sql.as_bytes();
        while self.at < bytes.len() {
            let c = bytes[self.at];
            // SQLite's identifiers also take `$` and any non-ASCII character.
            let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
            match c {
                b'(' => {
                    self.depth += 1;
                    self.at += 1;
                }
                b')' => {
                    self.depth = self.depth.saturating_sub(1);
                    self.at += 1;
                }
                b'\'' | b'"' | b'`' | b'[' | b'-' | b'/' => {
                    let past = self.past_quote(self.at)?;
                    self.at = if past == self.at { past + 1 } else { past };
                }
                c if word(c) => {
                    let start = self.at;
                    while self.at < bytes.len() && word(bytes[self.at]) {
                        self.at += 1;
                    }
                    if self.depth == 0 {
                        return Some(&self.sql[start..self.at]);
                    }
                }
                _ => self.at += 1,
            }
        }
        None
    }
}

/// A connection out of a database's pool, with the statements it has prepared.
pub struct Pooled {
    conn: libsql::Connection,
    /// Prepared statements by SQL text, for a local file. `None` for a server,
    /// where a statement is not parsed locally, and for a replica, which
    /// decides where a statement runs (its file, or the primary inside a
    /// transaction) when it is prepared: kept, a read prepared outside a
    /// transaction would read the replica inside one, missing its writes.
    statements: Option<VecDeque<(String, libsql::Statement)>>,
    /// Whether the libSQL client itself knows its last insert and changes (a
    /// file or a replica, not a server).
    local: bool,
    /// Whether it ran a statement whose effect stays with the connection
    /// ([`lasting`]), so that it is closed instead of going back to the pool.
    lasting: bool,
    /// This process's turn to write, held from a write until the connection
    /// is out of any transaction and no write's rows are still streaming
    /// ([`Db::turn`], [`StreamingWrite`]).
    turn: Arc<Mutex<Turn>>,
    /// Whether it has run anything but reads ([`Pooled::wrote`]).
    wrote: bool,
    /// Its count of changed rows when it last went back to the pool: what its
    /// earlier borrowers did, which [`Pooled::last_write`] does not report as
    /// the current one's.
    before: u64,
    /// On a file, the insert that sets its last insert rowid back to 0
    /// ([`Pooled::forget_rowid`]), once it has needed it.
    rowid_reset: Option<libsql::Statement>,
    /// When it last went back to the pool ([`SERVER_IDLE`]).
    since: std::time::Instant,
    /// On a replica, its place among the connections writing through the
    /// primary, while it is one of them ([`Primary`]).
    session: Option<tokio::sync::OwnedSemaphorePermit>,
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
    /// changed: 0 for both until its current borrower changes a row, and the
    /// rowid 0 until it inserts one, as on a new connection, whatever earlier
    /// borrowers did. On a file the pool sets the rowid back to 0 between
    /// borrowers ([`Pooled::forget_rowid`]); a connection to a server or a
    /// replica that wrote never goes back to the pool. A remote connection
    /// asks its server on the same stream (the server-side connection),
    /// because the libSQL client does not record the rowid of a statement
    /// whose rows it read; 0 for both if it cannot.
    pub async fn last_write(&self) -> (i64, u64) {
        if self.local {
            if self.conn.total_changes() == self.before {
                return (0, 0);
            }
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
            self.lasting |= lasting(sql);
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
            None => {
                // A statement kept prepared ran here before: it was looked at then.
                self.lasting |= lasting(sql);
                (sql.to_string(), self.conn.prepare(sql).await?)
            }
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
        self.settle();
    }

    /// Sets its last insert rowid back to 0, as on a new connection, so that
    /// its next borrower does not report this one's; for a file, whose
    /// statements run on the calling thread and are done at their first poll.
    /// SQLite has no statement that does it, and libSQL's connection does not
    /// expose the C function that does (`sqlite3_set_last_insert_rowid`), but
    /// an insert sets it: here, of rowid 0 into a table of this connection's
    /// own in its temporary schema, which writes nothing to the file and
    /// takes no lock on it. False if that did not work, and the connection
    /// is not to be kept.
    fn forget_rowid(&mut self) -> bool {
        const CREATE: &str = "CREATE TEMP TABLE IF NOT EXISTS edgecart_rowid (x)";
        const RESET: &str = "INSERT OR REPLACE INTO temp.edgecart_rowid (rowid) VALUES (0)";
        let (conn, statement) = (&self.conn, &mut self.rowid_reset);
        let reset = async {
            let reset = match statement.take() {
                Some(reset) => reset,
                None => {
                    conn.execute(CREATE, ()).await?;
                    conn.prepare(RESET).await?
                }
            };
            let done = reset.execute(()).await;
            reset.reset();
            *statement = Some(reset);
            done.map(drop)
        };
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let done = std::pin::pin!(reset).poll(&mut cx);
        matches!(done, std::task::Poll::Ready(Ok(()))) && self.conn.last_insert_rowid() == 0
    }

    /// Whether a transaction is open on it.
    pub fn in_transaction(&self) -> bool {
        !self.conn.is_autocommit()
    }

    /// Records that it ran a statement that may write or open a transaction.
    pub fn wrote(&mut self) {
        self.wrote = true;
    }

    /// Gives up the turn to write unless a transaction is open or a write's
    /// rows are still streaming: called after every statement, whether it
    /// succeeded or not.
    pub fn settle(&mut self) {
        held(&self.turn).settle(&self.conn);
    }

    /// Marks a write whose rows go on streaming after its connection is back
    /// with its guest connection: the connection keeps its turn to write
    /// until the returned value, dropped once the statement is done, says so.
    pub fn streaming_write(&self) -> StreamingWrite {
        held(&self.turn).streams += 1;
        StreamingWrite {
            turn: self.turn.clone(),
            conn: self.conn.clone(),
        }
    }
}

/// A connection's turn to write ([`Db::turn`]).
#[derive(Default)]
struct Turn {
    permit: Option<tokio::sync::OwnedSemaphorePermit>,
    /// Writes of the connection whose rows are still streaming.
    streams: usize,
}

impl Turn {
    /// Gives the turn up when `conn` is out of any transaction and none of
    /// its writes still streams.
    fn settle(&mut self, conn: &libsql::Connection) {
        if self.streams == 0 && conn.is_autocommit() {
            self.permit = None;
        }
    }
}

fn held(turn: &Mutex<Turn>) -> std::sync::MutexGuard<'_, Turn> {
    turn.lock().unwrap_or_else(|p| p.into_inner())
}

/// A write whose rows stream to a guest from another thread while its guest
/// connection goes on ([`Pooled::streaming_write`]). SQLite commits a write
/// outside a transaction when its statement is done, so the connection keeps
/// its turn until then; dropped once the statement is, it gives the turn up
/// unless a transaction is open or another write still streams. Otherwise
/// the turn would wait for the guest connection's next statement, or for
/// the guest to drop it, and other writers with it.
pub struct StreamingWrite {
    turn: Arc<Mutex<Turn>>,
    conn: libsql::Connection,
}

impl Drop for StreamingWrite {
    fn drop(&mut self) {
        let mut turn = held(&self.turn);
        turn.streams -= 1;
        turn.settle(&self.conn);
    }
}

thread_local! {
    /// Whether this thread is reading a value through [`column`], whose
    /// panics are expected and turned into errors.
    static READING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Column `i` of `row`. libSQL turns a local `TEXT` value into a `String` with
/// `to_str().unwrap()`, so text that is not UTF-8 (`CAST(x'ff' AS TEXT)`)
/// would panic the thread reading it: here it is an error naming the column,
/// and the panic prints nothing.
pub fn column(row: &libsql::Row, i: i32) -> Result<libsql::Value, libsql::Error> {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !READING.get() {
                report(info);
            }
        }));
    });
    READING.set(true);
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| row.get_value(i)));
    READING.set(false);
    read.unwrap_or_else(|_| {
        let name = row.column_name(i).unwrap_or_default();
        Err(libsql::Error::SqliteFailure(
            SQLITE_MISMATCH,
            format!(
                "column `{name}` holds text that is not valid UTF-8: read it as a blob, with CAST({name} AS BLOB)"
            ),
        ))
    })
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

    /// A database `t` on a file in `dir`.
    async fn file_db(dir: &tempfile::TempDir) -> Db {
        Db::open("t", &DbBackend::Local { path: None }, dir.path())
            .await
            .unwrap()
    }

    async fn read_all(db: &Db, sql: &str) -> i64 {
        let mut conn = db.checkout().unwrap();
        let n = db
            .run(sql, Access::of(sql), async {
                let mut running = conn.query(sql, Vec::new()).await.unwrap();
                let row = running.rows.next().await.unwrap().unwrap();
                let n = row.get::<i64>(0).unwrap();
                conn.finish(running);
                n
            })
            .await;
        db.checkin(conn);
        n
    }

    /// Runs `sql` on `conn` in this process's turn, trying again while
    /// another process holds the file, as the sqlite capability does.
    async fn write(db: &Db, conn: &mut Pooled, sql: &str) -> Result<(), libsql::Error> {
        db.turn(conn, Access::of(sql)).await?;
        let mut tries = db.tries();
        loop {
            let out = db
                .run(sql, Access::of(sql), async {
                    let mut running = conn.query(sql, Vec::new()).await?;
                    running.rows.next().await?;
                    conn.finish(running);
                    Ok(())
                })
                .await;
            if !tries.again(&out).await {
                conn.settle();
                return out;
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writers_in_this_process_take_turns_until_their_transaction_ends() {
        let dir = tempfile::tempdir().unwrap();
        let db = Arc::new(file_db(&dir).await);
        let mut first = db.checkout().unwrap();
        write(&db, &mut first, "CREATE TABLE t (n INTEGER)")
            .await
            .unwrap();
        write(&db, &mut first, "BEGIN").await.unwrap();
        write(&db, &mut first, "INSERT INTO t VALUES (1)")
            .await
            .unwrap();

        let second = tokio::spawn({
            let db = db.clone();
            async move {
                // One try: in turns, SQLite never answers `SQLITE_BUSY`.
                let mut conn = db.checkout().unwrap();
                let sql = "INSERT INTO t VALUES (2)";
                db.turn(&mut conn, Access::Write).await?;
                db.run(sql, Access::Write, conn.connection().execute(sql, ()))
                    .await
            }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            !second.is_finished(),
            "the second writer waits for its turn"
        );
        assert_eq!(
            read_all(&db, "SELECT COUNT(*) FROM t").await,
            0,
            "readers are never held up"
        );
        write(&db, &mut first, "COMMIT").await.unwrap();
        second.await.unwrap().unwrap();
        assert_eq!(read_all(&db, "SELECT SUM(n) FROM t").await, 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_file_another_process_holds_is_tried_again_until_it_is_free() {
        let dir = tempfile::tempdir().unwrap();
        let db = file_db(&dir).await;
        let mut conn = db.checkout().unwrap();
        write(&db, &mut conn, "CREATE TABLE t (n INTEGER)")
            .await
            .unwrap();

        // Another process's connection: its own handle on the same file.
        let other = libsql::Builder::new_local(dir.path().join("t.db"))
            .build()
            .await
            .unwrap()
            .connect()
            .unwrap();
        other.execute("BEGIN IMMEDIATE", ()).await.unwrap();
        other.execute("INSERT INTO t VALUES (1)", ()).await.unwrap();
        let release = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(150)).await;
            other.execute("COMMIT", ()).await.unwrap();
        });
        let started = std::time::Instant::now();
        write(&db, &mut conn, "INSERT INTO t VALUES (2)")
            .await
            .unwrap();
        assert!(
            started.elapsed() >= Duration::from_millis(150),
            "the write waited for the other process's commit"
        );
        release.await.unwrap();
        assert_eq!(read_all(&db, "SELECT SUM(n) FROM t").await, 3);
    }

    #[test]
    fn statements_are_classified_by_their_main_keyword() {
        let reads = [
            "SELECT 1",
            "  select\n* FROM t",
            "VALUES (1), (2)",
            "WITH m AS MATERIALIZED (SELECT id FROM t WHERE x IN (SELECT 1)) SELECT * FROM m",
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT i FROM n",
            "WITH a AS (SELECT ')' AS p), \"delete\" AS (SELECT 2) SELECT * FROM a, \"delete\"",
            "WITH a AS (SELECT 1) -- then delete\nSELECT * FROM a",
            "WITH a AS (SELECT 1) /* update */ SELECT * FROM a",
        ];
        for sql in reads {
            assert_eq!(Access::of(sql), Access::Read, "{sql}");
        }
        let writes = [
            "INSERT INTO t VALUES (1)",
            "BEGIN IMMEDIATE",
            "PRAGMA journal_mode=WAL",
            "selected",
            "WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a",
            "WITH a AS (SELECT 'select') DELETE FROM t WHERE x IN a",
            "with a as (select 1) update t set x = 1",
            "WITH a AS (SELECT 1) REPLACE INTO t SELECT * FROM a",
            "WITH a AS (SELECT ')' ",
            "WITH a AS (SELECT 1) /* SELECT",
            "WITH 'select' AS (SELECT 1)",
            "WITH a$select AS (SELECT 1) DELETE FROM t",
            "WITH xéselect AS (SELECT 1) DELETE FROM t",
            "",
        ];
        for sql in writes {
            assert_eq!(Access::of(sql), Access::Write, "{sql}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_other_database_can_be_attached() {
        let dir = tempfile::tempdir().unwrap();
        let db = file_db(&dir).await;
        let other = dir.path().join("other.db");
        for sql in [
            format!("ATTACH '{}' AS o", other.display()),
            format!("/* x */ attach database '{}' AS o", other.display()),
            "DETACH o".to_string(),
            "VACUUM".to_string(),
            format!("VACUUM INTO '{}'", other.display()),
        ] {
            assert!(refused(&sql).is_some(), "{sql}");
            // SQLite refuses it too, whatever the words.
            let conn = db.checkout().unwrap();
            assert!(conn.connection().execute(&sql, ()).await.is_err(), "{sql}");
        }
        assert!(!other.exists(), "no file was created");
        assert_eq!(refused("SELECT 'attach'"), None);
        for sql in [
            "",
            "  \n",
            "-- nothing",
            "/* nothing */ -- at all\n",
            "/* unclosed",
        ] {
            assert_eq!(
                refused(sql).as_deref(),
                Some("the statement is empty"),
                "{sql:?}"
            );
        }
        assert_eq!(refused("-- a comment\nSELECT 1"), None);
        assert_eq!(refused("INSERT INTO vacuum VALUES (1)"), None);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_connection_a_pragma_or_a_temporary_object_changed_is_not_pooled() {
        let dir = tempfile::tempdir().unwrap();
        let db = file_db(&dir).await;
        let mut conn = db.checkout().unwrap();
        write(&db, &mut conn, "CREATE TABLE t (n INTEGER)")
            .await
            .unwrap();
        db.checkin(conn);
        for sql in [
            "PRAGMA query_only = 1",
            "CREATE TEMP TRIGGER no_more AFTER INSERT ON main.t BEGIN SELECT RAISE(ABORT, 'no'); END",
            "CREATE TABLE temp.shadow (n INTEGER)",
        ] {
            let mut conn = db.checkout().unwrap();
            write(&db, &mut conn, sql).await.unwrap();
            db.checkin(conn);
            // The next borrower gets a connection the statement never touched.
            let mut next = db.checkout().unwrap();
            write(&db, &mut next, "INSERT INTO t VALUES (1)")
                .await
                .unwrap_or_else(|e| panic!("after {sql}: {e}"));
            db.checkin(next);
        }
        assert!(lasting("pragma foreign_keys = OFF"));
        assert!(lasting("CREATE TEMPORARY VIEW v AS SELECT 1"));
        assert!(!lasting("CREATE TABLE kept (n INTEGER)"));
        assert!(!lasting("SELECT 'pragma'"));
        assert_eq!(read_all(&db, "SELECT COUNT(*) FROM t").await, 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_borrower_sees_only_its_own_last_insert_and_changes() {
        let dir = tempfile::tempdir().unwrap();
        let db = file_db(&dir).await;
        let mut conn = db.checkout().unwrap();
        write(&db, &mut conn, "CREATE TABLE t (n INTEGER)")
            .await
            .unwrap();
        write(&db, &mut conn, "INSERT INTO t VALUES (1), (2)")
            .await
            .unwrap();
        assert_eq!(conn.last_write().await, (2, 2));
        // Another connection holds the file's write lock as this one goes
        // back: setting its rowid back to 0 does not need the lock.
        let other = db.database.connect().unwrap();
        other.execute("BEGIN IMMEDIATE", ()).await.unwrap();
        db.checkin(conn);
        other.execute("ROLLBACK", ()).await.unwrap();
        assert_eq!(db.idle.lock().unwrap().len(), 1, "pooled, not dropped");

        let mut conn = db.checkout().unwrap();
        assert_eq!(conn.last_write().await, (0, 0), "an earlier borrower's");
        write(&db, &mut conn, "UPDATE t SET n = 3 WHERE n = 1")
            .await
            .unwrap();
        assert_eq!(
            conn.last_write().await,
            (0, 1),
            "changed a row, inserted none"
        );
        write(&db, &mut conn, "INSERT INTO t VALUES (4)")
            .await
            .unwrap();
        assert_eq!(conn.last_write().await, (3, 1));
        db.checkin(conn);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn text_that_is_not_utf8_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let db = file_db(&dir).await;
        let mut conn = db.checkout().unwrap();
        let mut running = conn
            .query("SELECT CAST(x'ff' AS TEXT) AS t, 'ok' AS u", Vec::new())
            .await
            .unwrap();
        let row = running.rows.next().await.unwrap().unwrap();
        let err = column(&row, 0).unwrap_err().to_string();
        assert!(
            err.contains("column `t` holds text that is not valid UTF-8"),
            "{err}"
        );
        assert_eq!(column(&row, 1).unwrap(), libsql::Value::Text("ok".into()));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn connections_read_through_a_memory_map_and_a_small_page_cache() {
        // The build's SQLite defaults (`LIBSQLITE3_FLAGS` in .cargo/config.toml).
        let dir = tempfile::tempdir().unwrap();
        let db = file_db(&dir).await;
        assert_eq!(read_all(&db, "PRAGMA mmap_size").await, 256 << 20);
        assert_eq!(read_all(&db, "PRAGMA cache_size").await, -512);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_kept_statement_reads_its_bound_limit_when_it_runs() {
        // Without the query planner stability guarantee (`LIBSQLITE3_FLAGS`),
        // SQLite plans `LIMIT ?` for the value bound and prepares the statement
        // again whenever it is bound: its program then holds that value as a
        // constant (`Integer 7`) instead of reading the parameter (`Variable`).
        let dir = tempfile::tempdir().unwrap();
        let db = file_db(&dir).await;
        let mut conn = db.checkout().unwrap();
        let sql = "EXPLAIN SELECT 1 LIMIT ?";
        for limit in [7, 9] {
            let mut running = conn.query(sql, vec![limit.into()]).await.unwrap();
            let mut program = Vec::new();
            while let Some(row) = running.rows.next().await.unwrap() {
                program.push((row.get::<String>(1).unwrap(), row.get::<i64>(2).unwrap()));
            }
            conn.finish(running);
            assert!(
                program.iter().any(|(op, _)| op == "Variable"),
                "{program:?}"
            );
            assert!(!program.contains(&("Integer".into(), limit)), "{program:?}");
        }
        db.checkin(conn);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_slow_read_runs_off_the_worker_until_its_runs_are_fast_again() {
        let dir = tempfile::tempdir().unwrap();
        let db = file_db(&dir).await;
        let fast = "SELECT 1";
        let slow = "SELECT COUNT(*) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) SELECT i FROM n)";
        assert_eq!(read_all(&db, fast).await, 1);
        assert_eq!(read_all(&db, slow).await, 300_000);
        assert!(
            db.slow(slow).is_some_and(|cpu| cpu > SLOW),
            "the slow read is tracked as slow"
        );
        assert_eq!(db.slow(fast), None, "a fast read stays inline");
        assert_eq!(
            read_all(&db, slow).await,
            300_000,
            "a slow read still answers, from block_in_place"
        );

        // A read that was slow once, as a first run on a new connection can
        // be, goes back inline and is forgotten as its runs stay fast.
        db.observe(fast, SLOW * 3);
        assert!(db.slow(fast).is_some_and(|cpu| cpu > SLOW));
        let mut runs = 0;
        while db.slow(fast).is_some() {
            db.observe(fast, Duration::from_micros(20));
            runs += 1;
            assert!(runs < 100, "the average decays");
        }
        assert!(runs > 1, "one fast run does not undo a slow one");
    }
}
