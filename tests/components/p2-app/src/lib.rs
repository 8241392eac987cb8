//! A component written against plain WASI 0.2 (`wasi:http/incoming-handler@0.2`)
//! that reads variables through the old `fermyon:spin/variables@2.0.0`.

use std::io::Write as _;
use wasip2::http::types::{
    Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
};

wit_bindgen::generate!({
    inline: "
        package fermyon:spin@2.0.0;
        interface variables {
            get: func(name: string) -> result<string, error>;
            variant error {
                invalid-name(string),
                undefined(string),
                provider(string),
                other(string),
            }
        }
        interface sqlite {
            resource connection {
                open: static func(database: string) -> result<connection, error>;
                execute: func(statement: string, parameters: list<value>) -> result<query-result, error>;
            }
            variant error { no-such-database, access-denied, invalid-connection, database-full, io(string) }
            variant value { integer(s64), real(f64), text(string), blob(list<u8>), null }
            record query-result { columns: list<string>, rows: list<row-result> }
            record row-result { values: list<value> }
        }
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
        world p2-app { import variables; import sqlite; import key-value; }
    ",
    world: "p2-app",
});

wasip2::http::proxy::export!(P2App);

struct P2App;

fn respond(out: ResponseOutparam, status: u16, body: &str) {
    let resp = OutgoingResponse::new(Fields::new());
    let _ = resp.set_status_code(status);
    let Ok(outgoing) = resp.body() else { return };
    ResponseOutparam::set(out, Ok(resp));
    if let Ok(mut stream) = outgoing.write() {
        let _ = stream.write_all(body.as_bytes());
        let _ = stream.flush();
    }
    let _ = OutgoingBody::finish(outgoing, None);
}

impl wasip2::exports::http::incoming_handler::Guest for P2App {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        let path = request.path_with_query().unwrap_or_default();
        if let Some(db) = path.split("legacy-sql?db=").nth(1) {
            let (status, body) = legacy_sql(db);
            respond(out, status, &body);
            return;
        }
        if let Some(label) = path.split("legacy-kv?store=").nth(1) {
            let (status, body) = legacy_kv(label);
            respond(out, status, &body);
            return;
        }
        if let Some(name) = path.split("name=").nth(1) {
            match fermyon::spin::variables::get(name) {
                Ok(v) => respond(out, 200, &v),
                Err(e) => respond(out, 404, &format!("{e:?}")),
            }
            return;
        }
        let route = request
            .headers()
            .get("spin-raw-component-route")
            .first()
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .unwrap_or_default();
        respond(
            out,
            200,
            &format!("p2 says hello: path={path} route={route}"),
        );
    }
}

/// Every value type through `fermyon:spin/sqlite@2.0.0`.
fn legacy_sql(db: &str) -> (u16, String) {
    use fermyon::spin::sqlite::{Connection, Value};
    let conn = match Connection::open(db) {
        Ok(c) => c,
        Err(e) => return (403, format!("{e:?}")),
    };
    let steps = || {
        conn.execute(
            "CREATE TABLE IF NOT EXISTS legacy (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)",
            &[],
        )?;
        conn.execute(
            "INSERT INTO legacy VALUES (?, ?, ?, ?, ?)",
            &[
                Value::Integer(7),
                Value::Real(2.5),
                Value::Text("old".into()),
                Value::Blob(vec![9, 8]),
                Value::Null,
            ],
        )?;
        conn.execute("SELECT i, r, s, b, n FROM legacy LIMIT 1", &[])
    };
    match steps() {
        Ok(result) => {
            let row: Vec<String> = result.rows[0]
                .values
                .iter()
                .map(|v| format!("{v:?}"))
                .collect();
            (
                200,
                format!("{} | {}", result.columns.join(","), row.join(",")),
            )
        }
        Err(e) => (500, format!("{e:?}")),
    }
}

/// A round trip through `fermyon:spin/key-value@2.0.0`.
fn legacy_kv(label: &str) -> (u16, String) {
    use fermyon::spin::key_value::Store;
    let store = match Store::open(label) {
        Ok(s) => s,
        Err(e) => return (403, format!("{e:?}")),
    };
    let steps = || {
        store.set("k1", b"v1")?;
        store.set("k2", b"v2")?;
        store.delete("k2")?;
        let v = store.get("k1")?;
        let keys = store.get_keys()?;
        Ok::<_, fermyon::spin::key_value::Error>(format!(
            "k1={} exists={} keys={}",
            String::from_utf8_lossy(&v.unwrap_or_default()),
            store.exists("k1")?,
            keys.join(",")
        ))
    };
    match steps() {
        Ok(s) => (200, s),
        Err(e) => (500, format!("{e:?}")),
    }
}
