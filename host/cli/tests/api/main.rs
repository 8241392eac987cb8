//! Black-box tests of the `edgecart` binary: real process, real components
//! compiled to wasm32-wasip2, real HTTP on port 0.

mod capabilities;
mod helpers;
mod limits;
mod manifest_errors;
mod routing;
mod web;
