//! `GET /product/<id>`: one row by primary key from the `catalog` database, as JSON.
//! The native baseline in `bench/native` answers the same request with the same SQL.
//! `GET /no-read/<id>` takes the same way in and out and reads nothing: what any
//! request through a component costs, which no work on the read can go below.
//!
//! It reads the way the shop's components do: the request through the kit
//! (`edgecart_kit::serve!` and `Ctx::read`, which read the WASI request itself),
//! the row through the interface's one-call `execute`, which returns the whole
//! result, rather than the streaming `execute-async`, and memory through talc,
//! which the kit sets as every component's allocator.

use bytes::Bytes;
use edgecart_kit::http::{Ctx, IncomingRequest, Reply};
use http_body_util::Full;
use spin_sdk::http::StatusCode;
use spin_sdk::sqlite::Value;
use spin_sdk::sqlite::wit::sqlite::Connection;

edgecart_kit::serve!(read);

async fn read(req: IncomingRequest) -> Reply {
    let (status, body) = answer(req).await;
    let mut reply = Reply::new(Full::new(Bytes::from(body)));
    *reply.status_mut() = status;
    reply
}

async fn answer(req: IncomingRequest) -> (StatusCode, String) {
    let Some((read, id)) = Ctx::read(req).await.ok().and_then(|ctx| {
        let read = match ctx.segments.first()?.as_str() {
            "product" => true,
            "no-read" => false,
            _ => return None,
        };
        Some((read, ctx.segments.get(1)?.parse::<i64>().ok()?))
    }) else {
        return (
            StatusCode::BAD_REQUEST,
            "{\"error\":\"bad id\"}".to_string(),
        );
    };
    if !read {
        return (StatusCode::OK, format!("{{\"id\":{id}}}"));
    }
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
