//! The key-value capability: `spin:key-value/key-value@3.0.0` (async) and
//! `fermyon:spin/key-value@2.0.0`, each store a libSQL database ([`crate::db`])
//! holding one table, `spin_key_value(key TEXT PRIMARY KEY, value BLOB)`.
//!
//! Grants come from `key_value_stores`; an unknown label is `no-such-store`, a
//! label the component was not granted is `access-denied`.

use crate::db::{Access, Db, DbGrants, OpenError};
use std::sync::Arc;
use wasmtime::component::{
    Accessor, FutureReader, HasData, Linker, Resource, ResourceTable, StreamReader,
};

const SCHEMA: &str =
    "CREATE TABLE IF NOT EXISTS spin_key_value (key TEXT PRIMARY KEY, value BLOB NOT NULL)";

/// A guest's open store.
pub struct Store {
    db: Arc<Db>,
}

enum Failure {
    NoSuchStore,
    AccessDenied,
    Other(String),
}

impl From<OpenError> for Failure {
    fn from(e: OpenError) -> Self {
        match e {
            OpenError::NoSuch => Failure::NoSuchStore,
            OpenError::AccessDenied => Failure::AccessDenied,
        }
    }
}

/// Runs one statement against the store's database and hands its rows to
/// `read`, on a pooled connection with the statement kept prepared.
async fn statement<T>(
    db: Arc<Db>,
    sql: &str,
    params: Vec<libsql::Value>,
    mut read: impl AsyncFnMut(&mut libsql::Rows) -> Result<T, libsql::Error>,
) -> Result<T, Failure> {
    let other = |e: libsql::Error| Failure::Other(e.to_string());
    let access = Access::of(sql);
    let mut conn = db.checkout().map_err(other)?;
    db.turn(&mut conn, access).await.map_err(other)?;
    let mut tries = db.tries();
    let out = loop {
        let out = db
            .run(sql, access, async {
                let mut running = conn.query(sql, params.clone()).await?;
                let out = read(&mut running.rows).await?;
                conn.finish(running);
                Ok(out)
            })
            .await;
        if !tries.again(&out).await {
            break out.map_err(other)?;
        }
    };
    db.checkin(conn);
    Ok(out)
}

async fn get(db: Arc<Db>, key: String) -> Result<Option<Vec<u8>>, Failure> {
    let sql = "SELECT value FROM spin_key_value WHERE key = ?1";
    statement(db, sql, vec![key.into()], async |rows| {
        match rows.next().await? {
            Some(row) => match crate::db::column(&row, 0)? {
                libsql::Value::Blob(b) => Ok(Some(b)),
                libsql::Value::Text(t) => Ok(Some(t.into_bytes())),
                _ => Ok(None),
            },
            None => Ok(None),
        }
    })
    .await
}

async fn set(db: Arc<Db>, key: String, value: Vec<u8>) -> Result<(), Failure> {
    let sql = "INSERT INTO spin_key_value (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
    statement(db, sql, vec![key.into(), value.into()], async |rows| {
        rows.next().await.map(drop)
    })
    .await
}

async fn delete(db: Arc<Db>, key: String) -> Result<(), Failure> {
    let sql = "DELETE FROM spin_key_value WHERE key = ?1";
    statement(db, sql, vec![key.into()], async |rows| {
        rows.next().await.map(drop)
    })
    .await
}

async fn exists(db: Arc<Db>, key: String) -> Result<bool, Failure> {
    let sql = "SELECT 1 FROM spin_key_value WHERE key = ?1";
    statement(db, sql, vec![key.into()], async |rows| {
        Ok(rows.next().await?.is_some())
    })
    .await
}

async fn keys(db: Arc<Db>) -> Result<Vec<String>, Failure> {
    // As bytes: libSQL reads text only up to a NUL, which a key may hold.
    let sql = "SELECT CAST(key AS BLOB) FROM spin_key_value ORDER BY key";
    let keys = statement(db, sql, Vec::new(), async |rows| {
        let mut out = Vec::new();
        while let Some(row) = rows.next().await? {
            out.push(row.get::<Vec<u8>>(0)?);
        }
        Ok(out)
    })
    .await?;
    keys.into_iter()
        .map(|k| {
            String::from_utf8(k)
                .map_err(|_| Failure::Other("a stored key is not valid UTF-8".into()))
        })
        .collect()
}

/// Creates the key-value table in `db`; run once per store at startup.
pub async fn prepare(db: Arc<Db>) -> Result<(), String> {
    statement(db, SCHEMA, Vec::new(), async |rows| {
        rows.next().await.map(drop)
    })
    .await
    .map_err(|e| match e {
        Failure::Other(m) => m,
        Failure::NoSuchStore | Failure::AccessDenied => "store unavailable".into(),
    })
}

fn open(
    grants: &DbGrants,
    table: &mut ResourceTable,
    label: &str,
) -> Result<Resource<Store>, Failure> {
    let db = grants.databases.get(label, &grants.granted)?;
    table
        .push(Store { db })
        .map_err(|e| Failure::Other(e.to_string()))
}

fn db_of(table: &ResourceTable, rep: &Resource<Store>) -> Result<Arc<Db>, Failure> {
    table
        .get(rep)
        .map(|s| s.db.clone())
        .map_err(|_| Failure::Other("invalid store handle".into()))
}

/// The store's key-value state.
pub struct KvView<'a> {
    /// The component's grants over the application's stores.
    pub grants: &'a DbGrants,
    /// The store's resource table.
    pub table: &'a mut ResourceTable,
}

/// Gives the linker access to a store's key-value state.
pub trait KvHost: Send + 'static {
    /// The component's key-value view.
    fn key_value(&mut self) -> KvView<'_>;
}

struct KeyValue;

impl HasData for KeyValue {
    type Data<'a> = KvView<'a>;
}

mod v3 {
    wasmtime::component::bindgen!({
        inline: "
            package spin:key-value@3.0.0;
            interface key-value {
              resource store {
                open: static async func(label: string) -> result<store, error>;
                get: async func(key: string) -> result<option<list<u8>>, error>;
                set: async func(key: string, value: list<u8>) -> result<_, error>;
                delete: async func(key: string) -> result<_, error>;
                exists: async func(key: string) -> result<bool, error>;
                get-keys: async func() -> tuple<stream<string>, future<result<_, error>>>;
              }
              variant error { store-table-full, no-such-store, access-denied, other(string) }
            }
            world host { import key-value; }
        ",
        imports: { default: trappable },
        with: { "spin:key-value/key-value.store": super::Store },
    });
}

mod v2 {
    wasmtime::component::bindgen!({
        inline: "
            package fermyon:spin@2.0.0;
            interface key-value {
              resource store {
                open: static func(label: string) -> result<store, error>;
                get: func(key: string) -> result<option<list<u8>>, error>;
                set: func(key: string, value: list<u8>) -> result<_, error>;
                delete: func(key: string) -> result<_, error>;
                exists: func(key: string) -> result<bool, error>;
                get-keys: func() -> result<list<string>, error>;
              }
              variant error { store-table-full, no-such-store, access-denied, other(string) }
            }
            world host { import key-value; }
        ",
        imports: { default: async | trappable },
        with: { "fermyon:spin/key-value.store": super::Store },
    });
}

use v2::fermyon::spin::key_value as k2;
use v3::spin::key_value::key_value as k3;

macro_rules! error_conversion {
    ($m:ident) => {
        impl From<Failure> for $m::Error {
            fn from(f: Failure) -> Self {
                match f {
                    Failure::NoSuchStore => Self::NoSuchStore,
                    Failure::AccessDenied => Self::AccessDenied,
                    Failure::Other(m) => Self::Other(m),
                }
            }
        }
    };
}
error_conversion!(k2);
error_conversion!(k3);

impl k3::Host for KvView<'_> {}
impl k2::Host for KvView<'_> {}

impl k3::HostStore for KvView<'_> {
    fn drop(&mut self, rep: Resource<Store>) -> wasmtime::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}

fn store_db<T>(
    accessor: &Accessor<T, KeyValue>,
    rep: &Resource<Store>,
) -> Result<Arc<Db>, Failure> {
    accessor.with(|mut access| db_of(access.get().table, rep))
}

impl<T> k3::HostStoreWithStore<T> for KeyValue {
    async fn open(
        accessor: &Accessor<T, Self>,
        label: String,
    ) -> wasmtime::Result<Result<Resource<Store>, k3::Error>> {
        Ok(accessor.with(|mut access| {
            let view = access.get();
            open(view.grants, view.table, &label).map_err(Into::into)
        }))
    }

    async fn get(
        accessor: &Accessor<T, Self>,
        rep: Resource<Store>,
        key: String,
    ) -> wasmtime::Result<Result<Option<Vec<u8>>, k3::Error>> {
        let result = match store_db(accessor, &rep) {
            Ok(db) => get(db, key).await,
            Err(e) => Err(e),
        };
        Ok(result.map_err(Into::into))
    }

    async fn set(
        accessor: &Accessor<T, Self>,
        rep: Resource<Store>,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), k3::Error>> {
        let result = match store_db(accessor, &rep) {
            Ok(db) => set(db, key, value).await,
            Err(e) => Err(e),
        };
        Ok(result.map_err(Into::into))
    }

    async fn delete(
        accessor: &Accessor<T, Self>,
        rep: Resource<Store>,
        key: String,
    ) -> wasmtime::Result<Result<(), k3::Error>> {
        let result = match store_db(accessor, &rep) {
            Ok(db) => delete(db, key).await,
            Err(e) => Err(e),
        };
        Ok(result.map_err(Into::into))
    }

    async fn exists(
        accessor: &Accessor<T, Self>,
        rep: Resource<Store>,
        key: String,
    ) -> wasmtime::Result<Result<bool, k3::Error>> {
        let result = match store_db(accessor, &rep) {
            Ok(db) => exists(db, key).await,
            Err(e) => Err(e),
        };
        Ok(result.map_err(Into::into))
    }

    async fn get_keys(
        accessor: &Accessor<T, Self>,
        rep: Resource<Store>,
    ) -> wasmtime::Result<(StreamReader<String>, FutureReader<Result<(), k3::Error>>)> {
        let result = match store_db(accessor, &rep) {
            Ok(db) => keys(db).await,
            Err(e) => Err(e),
        };
        let (list, outcome) = match result {
            Ok(keys) => (keys, Ok(())),
            Err(e) => (Vec::new(), Err(k3::Error::from(e))),
        };
        accessor.with(|mut access| {
            let stream = StreamReader::new(&mut access, list)?;
            let future =
                FutureReader::new(
                    &mut access,
                    async move { Ok::<_, wasmtime::Error>(outcome) },
                )?;
            Ok((stream, future))
        })
    }
}

impl k2::HostStore for KvView<'_> {
    async fn open(
        &mut self,
        label: String,
    ) -> wasmtime::Result<Result<Resource<Store>, k2::Error>> {
        Ok(open(self.grants, self.table, &label).map_err(Into::into))
    }

    async fn get(
        &mut self,
        rep: Resource<Store>,
        key: String,
    ) -> wasmtime::Result<Result<Option<Vec<u8>>, k2::Error>> {
        let result = match db_of(self.table, &rep) {
            Ok(db) => get(db, key).await,
            Err(e) => Err(e),
        };
        Ok(result.map_err(Into::into))
    }

    async fn set(
        &mut self,
        rep: Resource<Store>,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), k2::Error>> {
        let result = match db_of(self.table, &rep) {
            Ok(db) => set(db, key, value).await,
            Err(e) => Err(e),
        };
        Ok(result.map_err(Into::into))
    }

    async fn delete(
        &mut self,
        rep: Resource<Store>,
        key: String,
    ) -> wasmtime::Result<Result<(), k2::Error>> {
        let result = match db_of(self.table, &rep) {
            Ok(db) => delete(db, key).await,
            Err(e) => Err(e),
        };
        Ok(result.map_err(Into::into))
    }

    async fn exists(
        &mut self,
        rep: Resource<Store>,
        key: String,
    ) -> wasmtime::Result<Result<bool, k2::Error>> {
        let result = match db_of(self.table, &rep) {
            Ok(db) => exists(db, key).await,
            Err(e) => Err(e),
        };
        Ok(result.map_err(Into::into))
    }

    async fn get_keys(
        &mut self,
        rep: Resource<Store>,
    ) -> wasmtime::Result<Result<Vec<String>, k2::Error>> {
        let result = match db_of(self.table, &rep) {
            Ok(db) => keys(db).await,
            Err(e) => Err(e),
        };
        Ok(result.map_err(Into::into))
    }

    async fn drop(&mut self, rep: Resource<Store>) -> wasmtime::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}

/// Adds both key-value interfaces to `linker`.
pub fn add_to_linker<T: KvHost>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    k3::add_to_linker::<T, KeyValue>(linker, T::key_value)?;
    k2::add_to_linker::<T, KeyValue>(linker, T::key_value)?;
    Ok(())
}
