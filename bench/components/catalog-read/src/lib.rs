//! `GET /product/<id>`: one row by primary key from the `catalog` database, as JSON.
//! The native baseline in `bench/native` answers the same request with the same SQL.
//!
//! It reads the way the shop's components do (`components/kit/src/db.rs`): the
//! interface's one-call `execute`, which returns the whole result, rather than the
//! streaming `execute-async`, and it allocates through talc, as the kit makes every
//! shop component do.

use spin_sdk::http::{IntoResponse, Request, StatusCode};
use spin_sdk::http_service;
use spin_sdk::sqlite::Value;
use spin_sdk::sqlite::wit::sqlite::Connection;

#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[http_service]
async fn read(req: Request) -> impl IntoResponse {
    let Some(id) = req
        .uri()
        .path()
        .rsplit('/')
        .next()
        .and_then(|s| s.parse::<i64>().ok())
    else {
        return (
            StatusCode::BAD_REQUEST,
            "{\"error\":\"bad id\"}".to_string(),
        );
    };
    let conn = match Connection::open_async("catalog".to_string()).await {
        Ok(c) => c,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, format!("{e:?}")),
    };
    let rows = conn
        .execute(
            "SELECT id, title, price FROM products WHERE id = ?",
            &[Value::Integer(id)],
        )
        .map(|result| result.rows);
    match rows {
        Ok(rows) => match rows.first() {
            Some(r) => (
                StatusCode::OK,
                format!(
                    "{{\"id\":{},\"title\":\"{}\",\"price\":{}}}",
                    r.get::<i64>(0).unwrap_or_default(),
                    r.get::<&str>(1).unwrap_or_default(),
                    r.get::<i64>(2).unwrap_or_default()
                ),
            ),
            None => (
                StatusCode::NOT_FOUND,
                "{\"error\":\"not found\"}".to_string(),
            ),
        },
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e:?}")),
    }
}
