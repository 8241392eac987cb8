//! Answers every request with a fixed greeting: the cost measured is the
//! runtime's, not the guest's.

use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

#[http_service]
async fn hello(_req: Request) -> impl IntoResponse {
    "Hello, Edgecart\n"
}
