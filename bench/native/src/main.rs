//! `bench-native <db-file> <listen-addr>`: answers `GET /product/<id>` exactly as the
//! `bench-catalog-read` component does, natively, for a side-by-side baseline.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use std::sync::{Arc, Mutex};

struct Pool {
    db: libsql::Database,
    idle: Mutex<Vec<libsql::Connection>>,
}

impl Pool {
    fn get(&self) -> Result<libsql::Connection, libsql::Error> {
        match self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            Some(c) => Ok(c),
            None => self.db.connect(),
        }
    }

    fn put(&self, c: libsql::Connection) {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).push(c);
    }
}

async fn product(State(pool): State<Arc<Pool>>, Path(id): Path<i64>) -> (StatusCode, String) {
    let conn = match pool.get() {
        Ok(c) => c,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    let result = async {
        let mut rows = conn
            .query("SELECT id, title, price FROM products WHERE id = ?", [id])
            .await?;
        let row = rows.next().await?;
        row.map(|r| {
            Ok::<_, libsql::Error>(format!(
                "{{\"id\":{},\"title\":\"{}\",\"price\":{}}}",
                r.get::<i64>(0)?,
                r.get::<String>(1)?,
                r.get::<i64>(2)?
            ))
        })
        .transpose()
    }
    .await;
    pool.put(conn);
    match result {
        Ok(Some(body)) => (StatusCode::OK, body),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            "{\"error\":\"not found\"}".to_string(),
        ),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(addr)) = (args.next(), args.next()) else {
        return Err("usage: bench-native <db-file> <listen-addr>".into());
    };
    let db = libsql::Builder::new_local(file).build().await?;
    let pool = Arc::new(Pool {
        db,
        idle: Mutex::new(Vec::new()),
    });
    let app = Router::new()
        .route("/product/{id}", get(product))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("Serving http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
