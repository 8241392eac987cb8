//! The catalog component: what the shop sells.
//!
//! Public routes under `/api/catalog`: `GET /products` (search, filters,
//! facets, keyset pages), `GET /products/{id-or-slug}`, `GET /categories` (the
//! tree), `GET /variants?ids=` (for the cart). Admin routes: `POST /products`,
//! `PATCH|DELETE /products/{id}`, `POST /products/{id}/variants`,
//! `PATCH|DELETE /variants/{id}`, `POST /categories`, `PATCH|DELETE /categories/{id}`.
//! Internal routes for the checkout saga under `/internal/catalog/reservations`
//! need the service token. Public reads carry `ETag` and `Cache-Control` and
//! answer 304 to a matching `If-None-Match`.

mod categories;
mod detail;
mod facets;
mod filters;
mod input;
mod page;
mod products;
mod reservations;
mod schema;
mod search;
mod stock;

use edgecart_kit::ApiError;
use edgecart_kit::ApiResult;
use edgecart_kit::http::{Ctx, IncomingRequest, Reply};
use spin_sdk::http::Method;

edgecart_kit::serve!(route);

async fn route(req: IncomingRequest) -> ApiResult<Reply> {
    let ctx = Ctx::read(req).await?;
    let path = ctx.path();
    let db = schema::open().await?;
    let m = ctx.method.clone();
    match path.as_slice() {
        ["api", "catalog", rest @ ..] => match (m, rest) {
            (Method::GET, ["products"]) => search::list(&ctx, &db).await,
            (Method::POST, ["products"]) => products::create(&ctx, &db).await,
            (Method::GET, ["products", id]) => products::get(&ctx, &db, id).await,
            (Method::PATCH, ["products", id]) => products::update(&ctx, &db, id).await,
            (Method::DELETE, ["products", id]) => products::archive(&ctx, &db, id).await,
            (Method::POST, ["products", id, "variants"]) => {
                products::add_variant(&ctx, &db, id).await
            }
            (Method::GET, ["variants"]) => products::lookup(&ctx, &db).await,
            (Method::PATCH, ["variants", id]) => products::update_variant(&ctx, &db, id).await,
            (Method::DELETE, ["variants", id]) => products::delete_variant(&ctx, &db, id).await,
            (Method::GET, ["categories"]) => categories::tree(&ctx, &db).await,
            (Method::POST, ["categories"]) => categories::create(&ctx, &db).await,
            (Method::PATCH, ["categories", id]) => categories::update(&ctx, &db, id).await,
            (Method::DELETE, ["categories", id]) => categories::delete(&ctx, &db, id).await,
            (
                _,
                ["products" | "variants" | "categories"]
                | ["products" | "variants" | "categories", _]
                | ["products", _, "variants"],
            ) => Err(ApiError::method_not_allowed()),
            _ => Err(ApiError::not_found("no such catalog route")),
        },
        ["internal", "catalog", "reservations", rest @ ..] => match (m, rest) {
            (Method::POST, []) => reservations::reserve(&ctx, &db).await,
            (Method::GET, [id]) => reservations::get(&ctx, &db, id).await,
            (Method::POST, [id, "commit"]) => reservations::commit(&ctx, &db, id).await,
            (Method::POST, [id, "release"]) => reservations::release(&ctx, &db, id).await,
            (_, [] | [_] | [_, "commit" | "release"]) => Err(ApiError::method_not_allowed()),
            _ => Err(ApiError::not_found("no such internal route")),
        },
        _ => Err(ApiError::not_found("no such route")),
    }
}
