//! `bench-native`: the native baseline of the benchmarks. An axum server that
//! answers the shop's reads with the components' SQL on the same libSQL files,
//! so a benchmark can put the cost of the component sandbox as a ratio.
//!
//! ```text
//! bench-native <catalog.db> <listen-addr> [--cart-db <cart.db>] [--manifest spin.toml]
//! ```
//!
//! - `GET /product/{id}`: the `bench-catalog-read` component's point read
//!   (`bench/sqlite_point_read.py`), and `GET /no-read/{id}`, the same request
//!   answered without reading anything;
//! - `GET /api/catalog/products/{id-or-slug}` and `GET /api/catalog/products`:
//!   the catalog component's product detail and search ([`catalog`]);
//! - `GET /api/cart` with `--cart-db`: the cart component's guest cart view
//!   ([`cart`]), priced with the manifest's variables.
//!
//! Answers are the components' JSON for anonymous shoppers; a request with
//! `Authorization` gets 501. Layout: [`db`] (pool, rows), [`http`] (errors,
//! replies, query strings), one module per component.

mod cart;
mod catalog;
mod db;
mod http;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::serve::{Listener as _, ListenerExt as _};
use clap::Parser;
use db::{Pool, RowExt as _};
use http::ApiError;
use std::path::PathBuf;
use std::sync::Arc;

/// The native baseline: the shop's catalog and cart reads on its libSQL files.
#[derive(Parser)]
struct Args {
    /// The catalog database (`<data-dir>/sqlite/catalog.db`).
    catalog_db: PathBuf,
    /// Address to listen on, such as 127.0.0.1:0.
    listen: String,
    /// The cart database (`<data-dir>/sqlite/cart.db`); serves `GET /api/cart`.
    #[arg(long)]
    cart_db: Option<PathBuf>,
    /// The Spin manifest whose variables price carts.
    #[arg(long, default_value = "spin.toml")]
    manifest: PathBuf,
}

/// `GET /product/{id}`: one row by primary key, as `bench-catalog-read` answers.
async fn product(State(pool): State<Arc<Pool>>, Path(id): Path<i64>) -> (StatusCode, String) {
    let result = async {
        let conn = pool.get()?;
        let rows = db::query(
            &conn,
            "SELECT id, title, price FROM products WHERE id = ?",
            vec![db::int(id)],
        )
        .await?;
        Ok::<_, ApiError>(rows.first().map(|r| {
            format!(
                "{{\"id\":{},\"title\":\"{}\",\"price\":{}}}",
                r.int(0),
                r.text(1),
                r.int(2)
            )
        }))
    }
    .await;
    match result {
        Ok(Some(body)) => (StatusCode::OK, body),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            "{\"error\":\"not found\"}".to_string(),
        ),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "{\"error\":\"internal\"}".to_string(),
        ),
    }
}

/// `GET /no-read/{id}`: the point read's request and answer without the read,
/// as `bench-catalog-read` answers it: what serving any request costs.
async fn no_read(Path(id): Path<i64>) -> String {
    format!("{{\"id\":{id}}}")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let catalog = Arc::new(Pool::open(&args.catalog_db).await?);
    let mut app = Router::new()
        .route("/product/{id}", get(product))
        .route("/no-read/{id}", get(no_read))
        .route("/api/catalog/products", get(catalog::list))
        .route("/api/catalog/products/{id}", get(catalog::get))
        .with_state(catalog.clone());
    if let Some(path) = &args.cart_db {
        let (rules, default_country, price_max_age) = cart::settings(&args.manifest)?;
        let state = Arc::new(cart::Cart {
            carts: Pool::open(path).await?,
            catalog,
            rules,
            default_country,
            price_max_age,
        });
        app = app.merge(
            Router::new()
                .route("/api/cart", get(cart::view))
                .with_state(state),
        );
    }
    let app = app
        .fallback(|| async { ApiError::not_found("no such route") })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() });
    // As the host does: a response written in two parts must not wait for a
    // delayed ACK on a keep-alive connection.
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await?
        .tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                eprintln!("TCP_NODELAY: {e}");
            }
        });
    println!("Serving http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
