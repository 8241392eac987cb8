//! The guest-side library every Edgecart component links.
//!
//! Each module is one concern a shop domain needs at its HTTP edge:
//! - [`error`]: the one JSON error body (`{"error":{"code","message","details"}}`)
//!   and its status codes;
//! - [`etag`]: entity tags for cacheable responses;
//! - [`http`]: reading a request (path, query, headers, JSON body) and writing
//!   JSON responses, with `ETag` / `If-None-Match` for cacheable reads;
//! - [`types`]: validated newtypes (`Email`, `Sku`, `Slug`, `Quantity`, `Money`);
//! - [`auth`]: EdDSA JWTs (signing for the users component, verification for all),
//!   role guards and the service token of internal routes;
//! - [`paging`]: opaque cursors and page limits;
//! - [`db`]: SQL helpers, the versioned migration runner and transactions;
//! - [`idempotency`]: stored responses for POSTs with an `Idempotency-Key`;
//! - [`token`]: random opaque tokens and their hashes.
//! - [`variables`]: Spin variables, with one error for a variable that cannot be read.
//!
//! Everything here uses only `spin-sdk` and WASI, so a component built on it runs
//! unchanged on Spin.
#![deny(missing_docs)]

pub mod auth;
pub mod db;
pub mod error;
pub mod etag;
pub mod http;
pub mod idempotency;
pub mod paging;
pub mod token;
pub mod types;
pub mod variables;

pub use error::ApiError;

/// Every component that links the kit allocates through talc instead of
/// wasi-libc's dlmalloc: `malloc` and `free` were the largest share of a
/// component's own CPU time in a product-detail profile (docs/performance.md).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The result of a handler step: a value, or the error the client gets.
pub type ApiResult<T> = Result<T, ApiError>;

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
