//! libSQL files with an idle connection pool, and row access with the
//! components' semantics.
//!
//! Each request takes one connection per database, as a component does for the
//! `Connection::open` of its request, and the connection goes back to the idle
//! pool when the request drops it. Each pooled connection keeps its most
//! recent prepared statements, as the host's do (`host/runtime/src/db.rs`), so
//! a statement is parsed and planned once per connection, not on every run.
//! Rows are read whole, as the host reads them for a guest, and their columns
//! are read like `edgecart_kit::db::RowExt` reads them: NULL or a mismatched
//! type is the type's empty value.

use crate::http::ApiError;
use std::collections::VecDeque;
use std::ops::Deref;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// How long a writer waits for another writer's lock, as the host sets it.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Prepared statements kept per connection, as many as the host keeps.
const STATEMENTS_PER_CONNECTION: usize = 32;

/// One local libSQL file and its idle connections.
pub struct Pool {
    db: libsql::Database,
    idle: Mutex<Vec<Pooled>>,
}

/// A connection and its prepared statements, most recently used first.
pub struct Pooled {
    conn: libsql::Connection,
    statements: Mutex<VecDeque<(String, libsql::Statement)>>,
}

impl Deref for Pooled {
    type Target = libsql::Connection;

    fn deref(&self) -> &libsql::Connection {
        &self.conn
    }
}

impl Pooled {
    /// The kept statement for `sql`, taken out while it runs, or a new one.
    async fn statement(&self, sql: &str) -> Result<libsql::Statement, libsql::Error> {
        let kept = {
            let mut statements = self.statements.lock().unwrap_or_else(|p| p.into_inner());
            statements
                .iter()
                .position(|(text, _)| text == sql)
                .and_then(|i| statements.remove(i))
        };
        match kept {
            Some((_, statement)) => Ok(statement),
            None => self.conn.prepare(sql).await,
        }
    }

    /// Keeps `statement`, reset, as the most recently used.
    fn keep(&self, sql: &str, statement: libsql::Statement) {
        statement.reset();
        let mut statements = self.statements.lock().unwrap_or_else(|p| p.into_inner());
        statements.push_front((sql.to_string(), statement));
        statements.truncate(STATEMENTS_PER_CONNECTION);
    }
}

impl Pool {
    /// Opens a local file (WAL mode is a property of the file: the shop set it).
    pub async fn open(path: &Path) -> Result<Pool, libsql::Error> {
        Ok(Pool {
            db: libsql::Builder::new_local(path).build().await?,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// An idle connection, or a new one; it returns to the pool when dropped.
    pub fn get(&self) -> Result<Conn<'_>, ApiError> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match idle {
            Some(c) => c,
            None => {
                let c = self.db.connect().map_err(ApiError::internal)?;
                c.busy_timeout(BUSY_TIMEOUT).map_err(ApiError::internal)?;
                Pooled {
                    conn: c,
                    statements: Mutex::new(VecDeque::new()),
                }
            }
        };
        Ok(Conn {
            pool: self,
            conn: Some(conn),
        })
    }
}

/// A connection borrowed from the pool, which it goes back to when dropped.
pub struct Conn<'a> {
    pool: &'a Pool,
    conn: Option<Pooled>,
}

impl Deref for Conn<'_> {
    type Target = Pooled;

    fn deref(&self) -> &Pooled {
        self.conn
            .as_ref()
            .expect("a borrowed connection is held until dropped")
    }
}

impl Drop for Conn<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool
                .idle
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(conn);
        }
    }
}

/// One result row.
pub type Row = Vec<libsql::Value>;

/// Runs a statement and reads all its rows (and so ends its read transaction).
pub async fn query(
    conn: &Pooled,
    sql: &str,
    params: Vec<libsql::Value>,
) -> Result<Vec<Row>, ApiError> {
    let read = async {
        let statement = conn.statement(sql).await?;
        let out = async {
            let mut rows = statement.query(params).await?;
            let n = rows.column_count();
            let mut out = Vec::new();
            while let Some(row) = rows.next().await? {
                out.push(
                    (0..n)
                        .map(|i| row.get_value(i))
                        .collect::<Result<Row, _>>()?,
                );
            }
            Ok::<_, libsql::Error>(out)
        }
        .await;
        conn.keep(sql, statement);
        out
    };
    read.await
        .map_err(|e| ApiError::internal(format!("{sql}: {e}")))
}

/// Typed access to a row's columns by position, as the components read them.
pub trait RowExt {
    /// An integer column (0 when NULL).
    fn int(&self, i: usize) -> i64;
    /// A nullable integer column.
    fn opt_int(&self, i: usize) -> Option<i64>;
    /// A text column (empty when NULL).
    fn text(&self, i: usize) -> String;
    /// A nullable text column.
    fn opt_text(&self, i: usize) -> Option<String>;
    /// A real column (an integer reads as its value, anything else as 0).
    fn real(&self, i: usize) -> f64;
}

impl RowExt for [libsql::Value] {
    fn int(&self, i: usize) -> i64 {
        self.opt_int(i).unwrap_or(0)
    }
    fn opt_int(&self, i: usize) -> Option<i64> {
        match self.get(i) {
            Some(libsql::Value::Integer(n)) => Some(*n),
            _ => None,
        }
    }
    fn text(&self, i: usize) -> String {
        self.opt_text(i).unwrap_or_default()
    }
    fn opt_text(&self, i: usize) -> Option<String> {
        match self.get(i) {
            Some(libsql::Value::Text(s)) => Some(s.clone()),
            _ => None,
        }
    }
    fn real(&self, i: usize) -> f64 {
        match self.get(i) {
            Some(libsql::Value::Real(f)) => *f,
            Some(libsql::Value::Integer(n)) => *n as f64,
            _ => 0.0,
        }
    }
}

/// An integer parameter.
pub fn int(n: i64) -> libsql::Value {
    libsql::Value::Integer(n)
}

/// A text parameter.
pub fn text(s: impl Into<String>) -> libsql::Value {
    libsql::Value::Text(s.into())
}

/// Seconds since the Unix epoch, as `edgecart_kit::now` counts them.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
