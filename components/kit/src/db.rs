//! SQL helpers over Spin's sqlite interface, and the versioned migration runner.
//!
//! Each component owns one database and migrates it on first use: [`Db::open`]
//! applies the pending [`Migration`]s inside one `BEGIN IMMEDIATE` transaction
//! (so two instances starting at once do not both migrate) and records each
//! version in `schema_migrations`. An instance checks once and remembers.
//!
//! The first component to migrate a database writes its label into
//! `schema_owner`, and every other component refuses that database (503, and
//! why in the log): with two labels configured onto one database, the second
//! would otherwise read the first's versions as its own, skip its migrations
//! and fail later on tables that do not exist.
//!
//! Statements go through the interface's one-call `execute`, which returns the
//! whole result: every caller collects its rows anyway, and the streaming
//! `execute-async` costs a stream, a future and several more host calls per
//! statement (measured in `docs/performance.md`).

use crate::error::ApiError;
use spin_sdk::sqlite::wit::sqlite::Connection;
use spin_sdk::sqlite::{Error as SqlError, RowResult, Value};
use std::sync::Mutex;

/// One schema version: statements run in order, in one transaction.
#[derive(Debug)]
pub struct Migration {
    /// Strictly increasing version number.
    pub version: i64,
    /// What the version does, for the log.
    pub name: &'static str,
    /// The statements (one per entry: triggers may contain `;`).
    pub statements: &'static [&'static str],
}

/// The error for a database that holds another component's schema: two
/// labels were configured onto one database.
fn not_ours(label: &str, owner: &str) -> ApiError {
    ApiError::unavailable(format!(
        "database `{label}` holds the schema of `{owner}`: two labels are configured onto one database; give each label a database of its own (docs/operations.md)"
    ))
}

/// An open connection to a component's database.
pub struct Db {
    conn: Connection,
}

static MIGRATED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The schema's version: the newest migration applied.
const VERSION: &str = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";

/// The schema's version and the label of the component whose schema it is.
const VERSION_AND_OWNER: &str =
    "SELECT COALESCE(MAX(version), 0), (SELECT label FROM schema_owner) FROM schema_migrations";

impl Db {
    /// Opens the database `label` and brings its schema up to date.
    pub async fn open(label: &str, migrations: &[Migration]) -> Result<Db, ApiError> {
        let conn = Connection::open_async(label.to_string())
            .await
            .map_err(|e| ApiError::unavailable(format!("opening database {label}: {e:?}")))?;
        let db = Db { conn };
        let done = MIGRATED
            .lock()
            .map(|m| m.iter().any(|l| l == label))
            .unwrap_or(false);
        if !done {
            db.migrate(label, migrations).await?;
            if let Ok(mut m) = MIGRATED.lock() {
                m.push(label.to_string());
            }
        }
        Ok(db)
    }

    async fn current_version(&self) -> Result<i64, ApiError> {
        let rows = self.query(VERSION, []).await?;
        Ok(rows.first().map_or(0, |r| r.int(0)))
    }

    async fn migrate(&self, label: &str, migrations: &[Migration]) -> Result<(), ApiError> {
        let latest = migrations.iter().map(|m| m.version).max().unwrap_or(0);
        // Every new instance checks once: with a read when the schema is current
        // and this component's, so a burst of new instances takes no write lock
        // (and no writer's thread). A new database has no `schema_migrations`
        // yet, and one migrated before owners were recorded no `schema_owner`,
        // which is no error.
        if let Ok(rows) = self.try_query(VERSION_AND_OWNER, []).await
            && let Some(r) = rows.first()
        {
            match r.opt_text(1) {
                Some(owner) if owner != label => return Err(not_ours(label, &owner)),
                Some(_) if r.int(0) >= latest => return Ok(()),
                _ => {}
            }
        }
        for table in [
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
            "CREATE TABLE IF NOT EXISTS schema_owner (id INTEGER PRIMARY KEY CHECK (id = 1), label TEXT NOT NULL)",
        ] {
            self.exec(table, []).await?;
        }
        self.exec("BEGIN IMMEDIATE", []).await?;
        let result = async {
            self.exec(
                "INSERT INTO schema_owner (id, label) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
                [Value::Text(label.into())],
            )
            .await?;
            let owner = self.query("SELECT label FROM schema_owner", []).await?;
            if let Some(owner) = owner.first().and_then(|r| r.opt_text(0))
                && owner != label
            {
                return Err(not_ours(label, &owner));
            }
            let current = self.current_version().await?;
            for m in migrations.iter().filter(|m| m.version > current) {
                for sql in m.statements {
                    if let Err(e) = self.exec(sql, []).await {
                        eprintln!(
                            "database {label}: migration {} ({}) failed",
                            m.version, m.name
                        );
                        return Err(e);
                    }
                }
                self.exec(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    [
                        Value::Integer(m.version),
                        Value::Text(m.name.into()),
                        Value::Integer(crate::now()),
                    ],
                )
                .await?;
                eprintln!(
                    "database {label}: applied migration {} ({})",
                    m.version, m.name
                );
            }
            Ok::<_, ApiError>(())
        }
        .await;
        match result {
            Ok(()) => self.exec("COMMIT", []).await.map(|_| ()),
            Err(e) => {
                let _ = self.exec("ROLLBACK", []).await;
                Err(e)
            }
        }
    }

    /// Runs a query and collects its rows.
    pub async fn query(
        &self,
        sql: &str,
        params: impl IntoIterator<Item = Value>,
    ) -> Result<Vec<RowResult>, ApiError> {
        self.try_query(sql, params)
            .await
            .map_err(|e| ApiError::internal(format!("{sql}: {e:?}")))
    }

    /// Runs a query, keeping the SQL error for the caller to inspect.
    pub async fn try_query(
        &self,
        sql: &str,
        params: impl IntoIterator<Item = Value>,
    ) -> Result<Vec<RowResult>, SqlError> {
        let params: Vec<Value> = params.into_iter().collect();
        self.conn.execute(sql, &params).map(|result| result.rows)
    }

    /// Runs a statement and returns the number of rows it changed.
    pub async fn exec(
        &self,
        sql: &str,
        params: impl IntoIterator<Item = Value>,
    ) -> Result<u64, ApiError> {
        self.try_exec(sql, params)
            .await
            .map_err(|e| ApiError::internal(format!("{sql}: {e:?}")))
    }

    /// Runs a statement, keeping the SQL error (to tell a unique violation apart).
    pub async fn try_exec(
        &self,
        sql: &str,
        params: impl IntoIterator<Item = Value>,
    ) -> Result<u64, SqlError> {
        self.try_query(sql, params).await?;
        Ok(self.conn.changes())
    }

    /// The rowid of the last insert on this connection.
    pub async fn last_insert_rowid(&self) -> i64 {
        self.conn.last_insert_rowid()
    }

    /// Starts a write transaction now (`BEGIN IMMEDIATE`), so concurrent writers
    /// queue for the write lock (on edgecart, in the runtime's turn to write;
    /// on Spin, in SQLite's busy timeout) instead of failing at commit.
    pub async fn begin(&self) -> Result<(), ApiError> {
        self.exec("BEGIN IMMEDIATE", []).await.map(|_| ())
    }

    /// Commits the open transaction.
    pub async fn commit(&self) -> Result<(), ApiError> {
        self.exec("COMMIT", []).await.map(|_| ())
    }

    /// Rolls back the open transaction, if any.
    pub async fn rollback(&self) {
        let _ = self.try_exec("ROLLBACK", []).await;
    }

    /// Runs `work` inside one write transaction ([`Db::begin`]): committed
    /// when it succeeds, rolled back when it fails or the commit itself fails,
    /// so the connection is never left inside an open transaction.
    pub async fn transaction<T>(
        &self,
        work: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        self.begin().await?;
        let result = match work.await {
            Ok(v) => self.commit().await.map(|()| v),
            Err(e) => Err(e),
        };
        if result.is_err() {
            self.rollback().await;
        }
        result
    }
}

/// Whether an SQL error is a UNIQUE or PRIMARY KEY violation.
pub fn is_unique_violation(e: &SqlError) -> bool {
    matches!(e, SqlError::Io(m) if m.contains("UNIQUE constraint failed") || m.contains("PRIMARY KEY"))
}

/// Typed access to a row's columns by position; NULL or a mismatched type reads
/// as the type's empty value (the schema's `NOT NULL`s make that the exception).
pub trait RowExt {
    /// An integer column.
    fn int(&self, i: usize) -> i64;
    /// A nullable integer column.
    fn opt_int(&self, i: usize) -> Option<i64>;
    /// A text column.
    fn text(&self, i: usize) -> String;
    /// A nullable text column.
    fn opt_text(&self, i: usize) -> Option<String>;
    /// A real column.
    fn real(&self, i: usize) -> f64;
    /// A column holding a JSON array (a child list read with `json_group_array`
    /// in the same statement), as its elements.
    fn json_list(&self, i: usize) -> Vec<serde_json::Value> {
        serde_json::from_str(&self.text(i)).unwrap_or_default()
    }
}

impl RowExt for RowResult {
    fn int(&self, i: usize) -> i64 {
        self.opt_int(i).unwrap_or(0)
    }
    fn opt_int(&self, i: usize) -> Option<i64> {
        match self.values.get(i) {
            Some(Value::Integer(n)) => Some(*n),
            _ => None,
        }
    }
    fn text(&self, i: usize) -> String {
        self.opt_text(i).unwrap_or_default()
    }
    fn opt_text(&self, i: usize) -> Option<String> {
        match self.values.get(i) {
            Some(Value::Text(s)) => Some(s.clone()),
            _ => None,
        }
    }
    fn real(&self, i: usize) -> f64 {
        match self.values.get(i) {
            Some(Value::Real(f)) => *f,
            Some(Value::Integer(n)) => *n as f64,
            _ => 0.0,
        }
    }
}

/// A text parameter.
pub fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

/// An integer parameter.
pub fn int(n: impl Into<i64>) -> Value {
    Value::Integer(n.into())
}

/// A nullable text parameter.
pub fn opt_text(s: Option<impl Into<String>>) -> Value {
    s.map_or(Value::Null, |s| Value::Text(s.into()))
}
