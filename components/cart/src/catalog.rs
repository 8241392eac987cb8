//! What the cart asks the catalog: current price, stock and status of variants,
//! through Spin's local service chaining (`http://catalog.spin.internal`).

use edgecart_kit::{ApiError, ApiResult};
use serde::{Deserialize, Serialize};
use spin_sdk::http::body::IncomingBodyExt;
use spin_sdk::http::{EmptyBody, Request};

/// The shop's currency (the catalog prices everything in it).
pub const CURRENCY: &str = "EUR";

/// An amount as the catalog sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// Minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
}

/// A variant as `GET /api/catalog/variants` describes it; the cart keeps the
/// last description per line in this form (`store::Cached`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub id: i64,
    pub sku: String,
    pub product_id: i64,
    pub product_slug: String,
    pub product_title: String,
    /// The product's status: only `active` is on sale.
    pub status: String,
    pub price: Money,
    /// Available now.
    pub stock: i64,
    pub options: serde_json::Value,
    pub image: Option<String>,
}

#[derive(Deserialize)]
struct Page {
    items: Vec<Variant>,
}

/// The variants with these ids that exist (up to 100 per call, batched).
pub async fn variants(ids: &[i64]) -> ApiResult<Vec<Variant>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(100) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        let url = format!(
            "http://catalog.spin.internal/api/catalog/variants?ids={}",
            list.join(",")
        );
        let req = Request::get(&url)
            .body(EmptyBody::new())
            .map_err(|e| ApiError::internal(format!("catalog request: {e}")))?;
        let resp = spin_sdk::http::send(req)
            .await
            .map_err(|e| ApiError::unavailable(format!("catalog: {e:?}")))?;
        let status = resp.status();
        let body = resp
            .into_body()
            .bytes()
            .await
            .map_err(|e| ApiError::unavailable(format!("catalog body: {e:?}")))?;
        if !status.is_success() {
            return Err(ApiError::unavailable(format!(
                "catalog answered {status}: {}",
                String::from_utf8_lossy(&body)
            )));
        }
        let page: Page = serde_json::from_slice(&body)
            .map_err(|e| ApiError::unavailable(format!("catalog sent unexpected JSON: {e}")))?;
        out.extend(page.items);
    }
    Ok(out)
}
