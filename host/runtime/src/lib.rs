//! A Spin-compatible runtime for WebAssembly HTTP components, built on wasmtime.
//!
//! It loads a Spin application (`spin.toml`, manifest version 2), compiles each
//! component once (with an on-disk cache keyed by content hash), and serves HTTP
//! requests the way Spin does: same route syntax and precedence, same `spin-*`
//! request headers, same capabilities behind deny-by-default manifest grants.
//!
//! Layout, from the outside in:
//! - [`server`]: the accept loop (bound listener + shutdown future), request limits,
//!   JSON error responses.
//! - [`app`]: a loaded application: the router plus one request dispatcher per
//!   component, and in-process service chaining between them.
//! - [`manifest`], [`routes`], [`runtime_config`]: parsing and validation of what the
//!   operator wrote; every problem is reported in one pass.
//! - Capabilities, one module each with its own manifest grant: [`variables`]
//!   (`spin:variables@3.0.0`, `fermyon:spin/variables@2.0.0`), [`outbound`]
//!   (`wasi:http` client, `allowed_outbound_hosts`), [`files`] (read-only mounts),
//!   [`sqlite`] and [`kv`] (Spin's sqlite and key-value interfaces on libSQL
//!   databases from [`db`]).
//! - [`engine`]: wasmtime configuration (pooling allocator, epochs) and the
//!   compiled-component cache.
//! - [`lanes`]: the background lane, lower-priority threads for components
//!   marked `priority = "background"`.
//! - [`metrics`]: Prometheus counters and histograms for the admin listener.
#![deny(missing_docs)]

pub mod app;
pub mod build;
pub mod db;
pub mod engine;
pub mod error;
pub mod files;
pub mod kv;
pub mod lanes;
pub mod manifest;
pub mod metrics;
pub mod outbound;
pub mod response;
pub mod routes;
pub mod runtime_config;
pub mod server;
pub mod sqlite;
pub mod variables;

pub use app::{App, AppOptions};
pub use error::ConfigErrors;
