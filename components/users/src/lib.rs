//! The users component: who the shopper is.
//!
//! Routes (under `/api/users` unless noted):
//! - `POST /register`, `POST /login`, `POST /refresh`, `POST /logout` ([`sessions`]);
//! - `GET|PATCH /me`, `POST /me/password`, `/me/addresses[/{id}]` ([`profile`]);
//! - `POST /password-reset`, `POST /password-reset/confirm` ([`reset`]);
//! - `GET /admin/users`, `PATCH /admin/users/{id}`, `GET /admin/outbox` ([`admin`]);
//! - `GET /.well-known/jwks.json`: the public signing keys.
//!
//! Data lives in the `users` database ([`schema`]); login failures are counted in
//! the `default` key-value store. Access tokens are EdDSA JWTs valid 15 minutes;
//! refresh tokens are opaque, stored hashed, rotated on every use, and a reused
//! one revokes its whole family.

mod admin;
mod password;
mod profile;
mod reset;
mod schema;
mod sessions;

use edgecart_kit::auth::SigningKeys;
use edgecart_kit::http::{Ctx, IncomingRequest, Reply};
use edgecart_kit::{ApiError, ApiResult};
use spin_sdk::http::{HeaderValue, Method};

edgecart_kit::serve!(route);

async fn route(req: IncomingRequest) -> ApiResult<Reply> {
    let ctx = Ctx::read(req).await?;
    let path = ctx.path();
    let m = &ctx.method;
    match path.as_slice() {
        [".well-known", "jwks.json"] if *m == Method::GET => jwks(&ctx).await,
        [".well-known", "jwks.json"] => Err(ApiError::method_not_allowed()),
        ["api", "users", rest @ ..] => {
            let db = schema::open().await?;
            match (m.clone(), rest) {
                (Method::POST, ["register"]) => sessions::register(&ctx, &db).await,
                (Method::POST, ["login"]) => sessions::login(&ctx, &db).await,
                (Method::POST, ["refresh"]) => sessions::refresh(&ctx, &db).await,
                (Method::POST, ["logout"]) => sessions::logout(&ctx, &db).await,
                (Method::GET, ["me"]) => profile::get(&ctx, &db).await,
                (Method::PATCH, ["me"]) => profile::update(&ctx, &db).await,
                (Method::POST, ["me", "password"]) => profile::change_password(&ctx, &db).await,
                (Method::GET, ["me", "addresses"]) => profile::list_addresses(&ctx, &db).await,
                (Method::POST, ["me", "addresses"]) => profile::add_address(&ctx, &db).await,
                (Method::PATCH, ["me", "addresses", id]) => {
                    profile::update_address(&ctx, &db, id).await
                }
                (Method::DELETE, ["me", "addresses", id]) => {
                    profile::delete_address(&ctx, &db, id).await
                }
                (Method::POST, ["password-reset"]) => reset::request(&ctx, &db).await,
                (Method::POST, ["password-reset", "confirm"]) => reset::confirm(&ctx, &db).await,
                (Method::GET, ["admin", "users"]) => admin::list_users(&ctx, &db).await,
                (Method::PATCH, ["admin", "users", id]) => admin::set_role(&ctx, &db, id).await,
                (Method::GET, ["admin", "outbox"]) => admin::outbox(&ctx, &db).await,
                (_, path) if known(path) => Err(ApiError::method_not_allowed()),
                _ => Err(ApiError::not_found("no such users route")),
            }
        }
        _ => Err(ApiError::not_found("no such route")),
    }
}

/// Whether a path exists under some other method (for 405 versus 404).
fn known(path: &[&str]) -> bool {
    matches!(
        path,
        ["register" | "login" | "refresh" | "logout" | "me" | "password-reset"]
            | ["me", "password" | "addresses"]
            | ["me", "addresses", _]
            | ["password-reset", "confirm"]
            | ["admin", "users" | "outbox"]
            | ["admin", "users", _]
    )
}

/// The public keys that verify access tokens, by `kid` (RFC 7517).
async fn jwks(ctx: &Ctx) -> ApiResult<Reply> {
    Ok(edgecart_kit::http::cached_json(
        ctx,
        &keys().await?.jwks(),
        300,
    ))
}

/// Parses an integer path id; anything else is 404 (no such resource).
pub(crate) fn path_id(raw: &str) -> ApiResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::not_found("no such resource"))
}

/// Sets a header on a reply.
pub(crate) fn with_header(mut r: Reply, name: &'static str, value: &str) -> Reply {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().append(name, v);
    }
    r
}

/// The component's signing keys.
pub(crate) async fn keys() -> ApiResult<&'static SigningKeys> {
    SigningKeys::get().await
}
