//! `GET /product/<id>`: one row by primary key from the `catalog` database, as JSON.
//! The native baseline in `bench/native` answers the same request with the same SQL.

use spin_sdk::http::{IntoResponse, Request, StatusCode};
use spin_sdk::http_service;
use spin_sdk::sqlite::{Connection, Value};

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
    let conn = match Connection::open("catalog").await {
        Ok(c) => c,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, format!("{e:?}")),
    };
    let rows = match conn
        .execute(
            "SELECT id, title, price FROM products WHERE id = ?",
            [Value::Integer(id)],
        )
        .await
    {
        Ok(q) => q.collect().await,
        Err(e) => Err(e),
    };
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
