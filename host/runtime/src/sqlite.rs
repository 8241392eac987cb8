//! The sqlite capability: `spin:sqlite/sqlite@3.1.0` (sync and async functions)
//! and `fermyon:spin/sqlite@2.0.0`, backed by libSQL ([`crate::db`]).
//!
//! A guest `connection` that only reads (`SELECT`, or `WITH` … `SELECT`, the
//! common case) borrows a libSQL connection from the database's pool for each
//! statement. Once it runs anything else (a write, `BEGIN`, DDL) it keeps that
//! pooled connection until the guest drops it, exactly as if it had opened its
//! own: its transactions, `last-insert-rowid` and `changes` are its own (both 0
//! before its first write). Writes wait for this process's turn to write to
//! the file ([`Db::turn`]), so guests never see `database is locked` from one
//! another. `execute-async`
//! hands a short result over whole; a longer one streams through a bounded channel
//! from the blocking pool, which waits whenever the guest stops reading, so a
//! large result is never held in memory at once.
//!
//! Errors map as Spin maps them: an unknown label is `no-such-database`, a label
//! the component was not granted is `access-denied`, SQL and I/O failures are
//! `io(message)`, and a full disk is `database-full`.

use crate::db::{Access, BUSY_TIMEOUT, Db, DbGrants, OpenError, Pooled};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use wasmtime::StoreContextMut;
use wasmtime::component::{
    Accessor, Destination, FutureReader, HasData, Linker, Resource, ResourceTable, StreamProducer,
    StreamReader, StreamResult,
};

/// Rows buffered between the query and a guest reading `execute-async`'s stream.
const STREAM_BUFFER: usize = 64;
/// SQLite's result code for a full database or disk.
const SQLITE_FULL: i32 = 13;

/// A guest's open connection.
pub struct Connection {
    db: Arc<Db>,
    /// The pooled connection this guest connection keeps once it has run any
    /// statement other than a read, exactly as if it had its own connection
    /// (taken out while a statement runs on it).
    pinned: Option<Pooled>,
    /// Whether it has run anything other than a read.
    wrote: bool,
    /// Told whenever the kept connection is put back, for a statement the
    /// guest started while another one was running on it.
    returned: Arc<tokio::sync::Notify>,
}

/// What a statement of a guest connection may run on now.
enum Lease {
    /// This connection (the kept one, or one from the pool).
    Ready(Arc<Db>, Pooled),
    /// None yet: another statement is running on the kept connection, which
    /// `returned` announces when it is back.
    Busy(Arc<tokio::sync::Notify>),
}

impl Connection {
    /// The connection a statement runs on: the kept one, or one from the pool
    /// for a guest connection that has only read. Two statements of a guest
    /// connection that has written run one after the other on its own
    /// connection, as on one SQLite connection: one from the pool would run
    /// outside its transaction.
    fn lease(&mut self) -> Result<Lease, Failure> {
        match self.pinned.take() {
            Some(c) => Ok(Lease::Ready(self.db.clone(), c)),
            None if self.wrote => Ok(Lease::Busy(self.returned.clone())),
            None => Ok(Lease::Ready(
                self.db.clone(),
                self.db.checkout().map_err(failure)?,
            )),
        }
    }

    /// Takes `conn` back after a statement of kind `access`. A guest connection
    /// that has only read gives it back to the pool; one that has written (or
    /// opened a transaction) keeps it, so its transactions, `last-insert-rowid`
    /// and `changes` are its own.
    fn settle(&mut self, mut conn: Pooled, access: Access) {
        conn.settle();
        if access == Access::Write {
            conn.wrote();
            self.wrote = true;
        }
        if self.wrote {
            self.keep(conn);
        } else {
            self.db.checkin(conn);
        }
    }

    /// Keeps `conn` as this guest connection's own. When two of its first
    /// statements ran at once, each on a connection from the pool, it keeps
    /// the one inside a transaction and returns the other (whose writes, outside
    /// any transaction, are committed already).
    fn keep(&mut self, conn: Pooled) {
        match &self.pinned {
            None => self.pinned = Some(conn),
            Some(kept) if kept.in_transaction() || !conn.in_transaction() => {
                self.db.checkin(conn);
            }
            Some(_) => {
                if let Some(other) = self.pinned.replace(conn) {
                    self.db.checkin(other);
                }
            }
        }
        self.returned.notify_one();
    }

    /// The rowid of this guest connection's last insert and the rows its last
    /// write changed (0 for both before any write).
    async fn last_write(&self) -> (i64, u64) {
        match &self.pinned {
            Some(c) => c.last_write().await,
            None => (0, 0),
        }
    }
}

/// The connection the next statement of the guest connection `rep` runs on,
/// for the async functions: waits, without the store, while another
/// statement of it is running on its kept connection, for as long as SQLite
/// would wait for a lock (a statement the guest cancelled never returns it).
async fn lease<T>(
    accessor: &Accessor<T, Sqlite>,
    rep: &Resource<Connection>,
) -> Result<(Arc<Db>, Pooled), Failure> {
    let deadline = tokio::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        let lease = accessor.with(|mut access| connection(access.get().table, rep)?.lease())?;
        match lease {
            Lease::Ready(db, conn) => return Ok((db, conn)),
            Lease::Busy(returned) => {
                if tokio::time::timeout_at(deadline, returned.notified())
                    .await
                    .is_err()
                {
                    return Err(Failure::Io(format!(
                        "another statement of this connection ran for over {} s",
                        BUSY_TIMEOUT.as_secs()
                    )));
                }
            }
        }
    }
}

/// [`Connection::last_write`] of the guest connection `rep`, for the async
/// functions: the kept connection is taken out of the table while a remote
/// server is asked.
async fn last_write<T>(accessor: &Accessor<T, Sqlite>, rep: &Resource<Connection>) -> (i64, u64) {
    let wrote =
        accessor.with(|mut access| connection(access.get().table, rep).is_ok_and(|c| c.wrote));
    if !wrote {
        return (0, 0);
    }
    let Ok((_, conn)) = lease(accessor, rep).await else {
        return (0, 0);
    };
    let outcome = conn.last_write().await;
    accessor.with(|mut access| {
        if let Ok(guest) = connection(access.get().table, rep) {
            guest.keep(conn);
        }
    });
    outcome
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(c) = self.pinned.take() {
            self.db.checkin(c);
        }
    }
}

/// A value crossing the guest boundary, independent of the interface version.
enum Failure {
    NoSuchDatabase,
    AccessDenied,
    InvalidConnection,
    DatabaseFull,
    Io(String),
}

impl From<OpenError> for Failure {
    fn from(e: OpenError) -> Self {
        match e {
            OpenError::NoSuch => Failure::NoSuchDatabase,
            OpenError::AccessDenied => Failure::AccessDenied,
        }
    }
}

/// SQLite's own message, as Spin passes it on (`no such table: t`), for an
/// error SQLite raised; the client's description for any other.
fn failure(e: libsql::Error) -> Failure {
    match e {
        libsql::Error::SqliteFailure(code, _) if code & 0xff == SQLITE_FULL => {
            Failure::DatabaseFull
        }
        libsql::Error::SqliteFailure(_, message) => Failure::Io(message),
        e => Failure::Io(e.to_string()),
    }
}

/// The columns and rows of a completed query.
struct Table {
    columns: Vec<String>,
    rows: Vec<Vec<libsql::Value>>,
}

fn columns(rows: &libsql::Rows) -> Vec<String> {
    (0..rows.column_count())
        .map(|i| rows.column_name(i).unwrap_or_default().to_string())
        .collect()
}

fn row_values(row: &libsql::Row, n: i32) -> Result<Vec<libsql::Value>, libsql::Error> {
    (0..n).map(|i| crate::db::column(row, i)).collect()
}

/// Runs `sql` (an `access`) and reads every row, in this process's turn to
/// write if it may write, where [`Db::run`] puts statements of its kind.
async fn query_all(
    db: &Db,
    conn: &mut Pooled,
    sql: String,
    access: Access,
    params: Vec<libsql::Value>,
) -> Result<Table, Failure> {
    db.turn(conn, access).await.map_err(failure)?;
    let mut tries = db.tries();
    loop {
        let out = db
            .run(&sql, access, async {
                let mut running = conn.query(&sql, params.clone()).await?;
                let columns = columns(&running.rows);
                let n = running.rows.column_count();
                let mut out = Vec::new();
                while let Some(row) = running.rows.next().await? {
                    out.push(row_values(&row, n)?);
                }
                conn.finish(running);
                Ok(Table { columns, rows: out })
            })
            .await;
        if !tries.again(&out).await {
            return out.map_err(failure);
        }
    }
}

fn open(
    grants: &DbGrants,
    table: &mut ResourceTable,
    label: &str,
) -> Result<Resource<Connection>, Failure> {
    let db = grants.databases.get(label, &grants.granted)?;
    table
        .push(Connection {
            db,
            pinned: None,
            wrote: false,
            returned: Arc::new(tokio::sync::Notify::new()),
        })
        .map_err(|e| Failure::Io(e.to_string()))
}

fn connection<'a>(
    table: &'a mut ResourceTable,
    rep: &Resource<Connection>,
) -> Result<&'a mut Connection, Failure> {
    table.get_mut(rep).map_err(|_| Failure::InvalidConnection)
}

/// Runs one statement of the guest connection `rep` to completion, for the
/// functions that hold the store meanwhile. Those cannot wait for another
/// statement of the same connection (it needs the store to finish), so that
/// is an error.
async fn execute(
    table: &mut ResourceTable,
    rep: &Resource<Connection>,
    sql: String,
    params: Vec<libsql::Value>,
) -> Result<Table, Failure> {
    checked(&sql, &params)?;
    let guest = connection(table, rep)?;
    let access = Access::of(&sql);
    let Lease::Ready(db, mut conn) = guest.lease()? else {
        return Err(Failure::Io(
            "another statement of this connection is still running: wait for it first".into(),
        ));
    };
    let result = query_all(&db, &mut conn, sql, access, params).await;
    guest.settle(conn, access);
    result
}

/// Refuses what a component may not run ([`crate::db::refused`]), and text
/// with a NUL character: SQLite stores it whole, but libSQL reads text back
/// only up to its first NUL, so it would come back cut short.
fn checked(sql: &str, params: &[libsql::Value]) -> Result<(), Failure> {
    if let Some(why) = crate::db::refused(sql) {
        return Err(Failure::Io(why));
    }
    match params
        .iter()
        .position(|p| matches!(p, libsql::Value::Text(t) if t.contains('\0')))
    {
        Some(i) => Err(Failure::Io(format!(
            "parameter {} is text with a NUL character, which would be read back cut short: pass it as a blob",
            i + 1
        ))),
        None => Ok(()),
    }
}

/// Hands `conn` back to the guest connection `rep` after a statement of kind
/// `access` (the guest's borrow keeps `rep` alive for the whole call).
fn settle(table: &mut ResourceTable, rep: &Resource<Connection>, conn: Pooled, access: Access) {
    if let Ok(guest) = table.get_mut(rep) {
        guest.settle(conn, access);
    }
}

/// The store's sqlite state: grants plus the resource table.
pub struct SqliteView<'a> {
    /// The component's grants over the application's sqlite databases.
    pub grants: &'a DbGrants,
    /// The store's resource table.
    pub table: &'a mut ResourceTable,
}

/// Gives the linker access to a store's sqlite state.
pub trait SqliteHost: Send + 'static {
    /// The component's sqlite view.
    fn sqlite(&mut self) -> SqliteView<'_>;
}

struct Sqlite;

impl HasData for Sqlite {
    type Data<'a> = SqliteView<'a>;
}

mod v3 {
    wasmtime::component::bindgen!({
        inline: "
            package spin:sqlite@3.1.0;
            interface sqlite {
              resource connection {
                open: static func(database: string) -> result<connection, error>;
                open-async: static async func(database: string) -> result<connection, error>;
                execute: func(statement: string, parameters: list<value>) -> result<query-result, error>;
                execute-async: async func(statement: string, parameters: list<value>) -> result<tuple<list<string>, stream<row-result>, future<result<_, error>>>, error>;
                last-insert-rowid: func() -> s64;
                last-insert-rowid-async: async func() -> s64;
                changes: func() -> u64;
                changes-async: async func() -> u64;
              }
              variant error { no-such-database, access-denied, invalid-connection, database-full, io(string) }
              record query-result { columns: list<string>, rows: list<row-result> }
              record row-result { values: list<value> }
              variant value { integer(s64), real(f64), text(string), blob(list<u8>), null }
            }
            world host { import sqlite; }
        ",
        imports: { default: async | trappable },
        with: { "spin:sqlite/sqlite.connection": super::Connection },
    });
}

mod v2 {
    wasmtime::component::bindgen!({
        inline: "
            package fermyon:spin@2.0.0;
            interface sqlite {
              resource connection {
                open: static func(database: string) -> result<connection, error>;
                execute: func(statement: string, parameters: list<value>) -> result<query-result, error>;
              }
              variant error { no-such-database, access-denied, invalid-connection, database-full, io(string) }
              record query-result { columns: list<string>, rows: list<row-result> }
              record row-result { values: list<value> }
              variant value { integer(s64), real(f64), text(string), blob(list<u8>), null }
            }
            world host { import sqlite; }
        ",
        imports: { default: async | trappable },
        with: { "fermyon:spin/sqlite.connection": super::Connection },
    });
}

macro_rules! conversions {
    ($m:ident) => {
        impl From<Failure> for $m::Error {
            fn from(f: Failure) -> Self {
                match f {
                    Failure::NoSuchDatabase => Self::NoSuchDatabase,
                    Failure::AccessDenied => Self::AccessDenied,
                    Failure::InvalidConnection => Self::InvalidConnection,
                    Failure::DatabaseFull => Self::DatabaseFull,
                    Failure::Io(m) => Self::Io(m),
                }
            }
        }

        impl From<$m::Value> for libsql::Value {
            fn from(v: $m::Value) -> Self {
                match v {
                    $m::Value::Integer(i) => libsql::Value::Integer(i),
                    $m::Value::Real(r) => libsql::Value::Real(r),
                    $m::Value::Text(t) => libsql::Value::Text(t),
                    $m::Value::Blob(b) => libsql::Value::Blob(b),
                    $m::Value::Null => libsql::Value::Null,
                }
            }
        }

        impl From<libsql::Value> for $m::Value {
            fn from(v: libsql::Value) -> Self {
                match v {
                    libsql::Value::Integer(i) => $m::Value::Integer(i),
                    libsql::Value::Real(r) => $m::Value::Real(r),
                    libsql::Value::Text(t) => $m::Value::Text(t),
                    libsql::Value::Blob(b) => $m::Value::Blob(b),
                    libsql::Value::Null => $m::Value::Null,
                }
            }
        }

        impl From<Table> for $m::QueryResult {
            fn from(t: Table) -> Self {
                $m::QueryResult {
                    columns: t.columns,
                    rows: t
                        .rows
                        .into_iter()
                        .map(|r| $m::RowResult {
                            values: r.into_iter().map(Into::into).collect(),
                        })
                        .collect(),
                }
            }
        }
    };
}

use v2::fermyon::spin::sqlite as s2;
use v3::spin::sqlite::sqlite as s3;
conversions!(s2);
conversions!(s3);

fn params<V: Into<libsql::Value>>(values: Vec<V>) -> Vec<libsql::Value> {
    values.into_iter().map(Into::into).collect()
}

impl s3::Host for SqliteView<'_> {}
impl s2::Host for SqliteView<'_> {}

impl s3::HostConnection for SqliteView<'_> {
    async fn open(
        &mut self,
        database: String,
    ) -> wasmtime::Result<Result<Resource<Connection>, s3::Error>> {
        Ok(open(self.grants, self.table, &database).map_err(Into::into))
    }

    async fn execute(
        &mut self,
        rep: Resource<Connection>,
        statement: String,
        parameters: Vec<s3::Value>,
    ) -> wasmtime::Result<Result<s3::QueryResult, s3::Error>> {
        let result = execute(self.table, &rep, statement, params(parameters)).await;
        Ok(result.map(Into::into).map_err(Into::into))
    }

    async fn last_insert_rowid(&mut self, rep: Resource<Connection>) -> wasmtime::Result<i64> {
        Ok(match connection(self.table, &rep) {
            Ok(c) => c.last_write().await.0,
            Err(_) => 0,
        })
    }

    async fn changes(&mut self, rep: Resource<Connection>) -> wasmtime::Result<u64> {
        Ok(match connection(self.table, &rep) {
            Ok(c) => c.last_write().await.1,
            Err(_) => 0,
        })
    }

    async fn drop(&mut self, rep: Resource<Connection>) -> wasmtime::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}

/// Feeds rows from the query task into the guest's stream.
struct RowProducer {
    rows: tokio::sync::mpsc::Receiver<s3::RowResult>,
}

impl<D> StreamProducer<D> for RowProducer {
    type Item = s3::RowResult;
    type Buffer = Option<s3::RowResult>;

    fn poll_produce<'a>(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        _store: StoreContextMut<'a, D>,
        mut destination: Destination<'a, Self::Item, Self::Buffer>,
        finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        match self.rows.poll_recv(cx) {
            Poll::Ready(Some(row)) => {
                destination.set_buffer(Some(row));
                Poll::Ready(Ok(StreamResult::Completed))
            }
            Poll::Ready(None) => Poll::Ready(Ok(StreamResult::Dropped)),
            Poll::Pending if finish => Poll::Ready(Ok(StreamResult::Cancelled)),
            Poll::Pending => Poll::Pending,
        }
    }
}

fn to_row(row: &libsql::Row, columns: &[String]) -> Result<s3::RowResult, libsql::Error> {
    let n = i32::try_from(columns.len()).unwrap_or(i32::MAX);
    let values = row_values(row, n)?;
    Ok(s3::RowResult {
        values: values.into_iter().map(Into::into).collect(),
    })
}

/// Sends the remaining rows of a query into `tx`, waiting whenever the guest lags.
async fn stream_rest(
    mut rows: libsql::Rows,
    n: usize,
    tx: tokio::sync::mpsc::Sender<s3::RowResult>,
) -> Result<(), Failure> {
    let n = i32::try_from(n).unwrap_or(i32::MAX);
    while let Some(row) = rows.next().await.map_err(failure)? {
        let values = row_values(&row, n).map_err(failure)?;
        let row = s3::RowResult {
            values: values.into_iter().map(Into::into).collect(),
        };
        if tx.send(row).await.is_err() {
            break;
        }
    }
    Ok(())
}

type AsyncRows = (
    Vec<String>,
    StreamReader<s3::RowResult>,
    FutureReader<Result<(), s3::Error>>,
);

impl<T> s3::HostConnectionWithStore<T> for Sqlite {
    async fn open_async(
        accessor: &Accessor<T, Self>,
        database: String,
    ) -> wasmtime::Result<Result<Resource<Connection>, s3::Error>> {
        Ok(accessor.with(|mut access| {
            let view = access.get();
            open(view.grants, view.table, &database).map_err(Into::into)
        }))
    }

    async fn execute_async(
        accessor: &Accessor<T, Self>,
        rep: Resource<Connection>,
        statement: String,
        parameters: Vec<s3::Value>,
    ) -> wasmtime::Result<Result<AsyncRows, s3::Error>> {
        let params = params(parameters);
        if let Err(e) = checked(&statement, &params) {
            return Ok(Err(e.into()));
        }
        let (db, mut conn) = match lease(accessor, &rep).await {
            Ok(l) => l,
            Err(e) => return Ok(Err(e.into())),
        };
        let access = Access::of(&statement);
        // Read the first rows here: a result that fits the buffer (a point read,
        // a short list) is handed over whole, with no thread or channel involved.
        if let Err(e) = db.turn(&mut conn, access).await {
            accessor.with(|mut store| settle(store.get().table, &rep, conn, access));
            return Ok(Err(failure(e).into()));
        }
        let mut tries = db.tries();
        let first = loop {
            let out = db
                .run(&statement, access, async {
                    let mut running = conn.query(&statement, params.clone()).await?;
                    let columns = columns(&running.rows);
                    let mut prefix = Vec::new();
                    while prefix.len() < STREAM_BUFFER {
                        match running.rows.next().await? {
                            Some(row) => prefix.push(to_row(&row, &columns)?),
                            None => {
                                conn.finish(running);
                                return Ok((columns, prefix, None));
                            }
                        }
                    }
                    Ok((columns, prefix, Some(running.rows)))
                })
                .await;
            if !tries.again(&out).await {
                break out.map_err(failure);
            }
        };
        let (columns, prefix, rest) = match first {
            Ok(f) => f,
            Err(e) => {
                accessor.with(|mut store| settle(store.get().table, &rep, conn, access));
                return Ok(Err(e.into()));
            }
        };
        let Some(rest) = rest else {
            return accessor.with(|mut store| {
                settle(store.get().table, &rep, conn, access);
                let stream = StreamReader::new(&mut store, prefix)?;
                let future =
                    FutureReader::new(&mut store, async { Ok::<_, wasmtime::Error>(Ok(())) })?;
                Ok(Ok((columns, stream, future)))
            });
        };
        // A longer result streams from a blocking thread through a bounded
        // channel, which waits whenever the guest stops reading. For a guest
        // connection that has only read, the streaming thread owns the pooled
        // connection and returns it when done; one that has written keeps its
        // connection, and the stream shares it, with its turn to write until
        // the statement is done ([`crate::db::StreamingWrite`]).
        let (streaming_owns, write) = accessor.with(|mut store| {
            let Ok(guest) = connection(store.get().table, &rep) else {
                return (None, None);
            };
            if access == Access::Write {
                conn.wrote();
                guest.wrote = true;
            }
            // One of two first statements that ran at once: the other's
            // connection is kept already, and this one goes back to the pool
            // only once its statement is done.
            if guest.wrote && guest.pinned.is_none() {
                let write = (access == Access::Write).then(|| conn.streaming_write());
                guest.keep(conn);
                (None, write)
            } else {
                (Some(conn), None)
            }
        });
        let (row_tx, row_rx) = tokio::sync::mpsc::channel(STREAM_BUFFER);
        for row in prefix {
            let _ = row_tx.try_send(row);
        }
        let (done_tx, done_rx) = tokio::sync::oneshot::channel::<Result<(), s3::Error>>();
        let n = columns.len();
        let handle = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            let result = handle.block_on(stream_rest(rest, n, row_tx));
            drop(write);
            if let Some(conn) = streaming_owns {
                db.checkin(conn);
            }
            let _ = done_tx.send(result.map_err(Into::into));
        });
        let done = async move {
            let outcome = done_rx
                .await
                .unwrap_or_else(|_| Err(s3::Error::Io("the query task ended early".into())));
            Ok::<_, wasmtime::Error>(outcome)
        };
        accessor.with(|mut access| {
            let stream = StreamReader::new(&mut access, RowProducer { rows: row_rx })?;
            let future = FutureReader::new(&mut access, done)?;
            Ok(Ok((columns, stream, future)))
        })
    }

    async fn last_insert_rowid_async(
        accessor: &Accessor<T, Self>,
        rep: Resource<Connection>,
    ) -> wasmtime::Result<i64> {
        Ok(last_write(accessor, &rep).await.0)
    }

    async fn changes_async(
        accessor: &Accessor<T, Self>,
        rep: Resource<Connection>,
    ) -> wasmtime::Result<u64> {
        Ok(last_write(accessor, &rep).await.1)
    }
}

impl s2::HostConnection for SqliteView<'_> {
    async fn open(
        &mut self,
        database: String,
    ) -> wasmtime::Result<Result<Resource<Connection>, s2::Error>> {
        Ok(open(self.grants, self.table, &database).map_err(Into::into))
    }

    async fn execute(
        &mut self,
        rep: Resource<Connection>,
        statement: String,
        parameters: Vec<s2::Value>,
    ) -> wasmtime::Result<Result<s2::QueryResult, s2::Error>> {
        let result = execute(self.table, &rep, statement, params(parameters)).await;
        Ok(result.map(Into::into).map_err(Into::into))
    }

    async fn drop(&mut self, rep: Resource<Connection>) -> wasmtime::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}

/// Adds both sqlite interfaces to `linker`.
pub fn add_to_linker<T: SqliteHost>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    s3::add_to_linker::<T, Sqlite>(linker, T::sqlite)?;
    s2::add_to_linker::<T, Sqlite>(linker, T::sqlite)?;
    Ok(())
}
