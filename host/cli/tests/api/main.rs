//! Black-box tests of the `edgecart` binary: real process, real components
//! compiled to wasm32-wasip2, real HTTP on port 0.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed setup step fails the test"
)]

mod capabilities;
mod cart;
mod catalog;
mod checkout;
mod crash;
mod data;
mod helpers;
mod limits;
mod manifest_errors;
mod media;
mod routing;
mod shop;
mod stripe;
mod users;
mod web;
