//! The cart component's `GET /api/cart` for a guest (`X-Cart-Token`), natively,
//! on its `cart.db` (`components/cart/src/lib.rs`: `view`, `cart_body`;
//! `store.rs` for the SQL).
//!
//! Where the component asks the catalog component for the lines' variants over
//! Spin's service chaining, this runs the catalog's lookup SQL in-process on
//! `catalog.db`, as one native service would: the ratio includes the cost of
//! that hop. Totals come from the cart component's own `pricing.rs`, compiled
//! in here unchanged; the pricing variables are read once at start-up from the
//! manifest instead of on every request.

#[path = "../../../components/cart/src/pricing.rs"]
mod pricing;

use crate::catalog::{self, CURRENCY};
use crate::db::{Pool, RowExt, int, query, text};
use crate::http::{ApiError, ApiResult, Query, anonymous, json_reply};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use pricing::Rules;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// What the cart view needs: both databases and the pricing rules.
pub struct Cart {
    /// `cart.db`.
    pub carts: Pool,
    /// `catalog.db`, for the variants' current prices and stock.
    pub catalog: Arc<Pool>,
    /// Shipping and tax.
    pub rules: Rules,
    /// The country when the request names none.
    pub default_country: String,
}

/// The cart component's variables, resolved as the host resolves them:
/// `SPIN_VARIABLE_<NAME>` from the environment, else the manifest's default.
pub fn rules(manifest: &Path) -> Result<(Rules, String), String> {
    #[derive(serde::Deserialize)]
    struct Manifest {
        variables: BTreeMap<String, Variable>,
    }
    #[derive(serde::Deserialize)]
    struct Variable {
        default: Option<String>,
    }
    let raw = std::fs::read_to_string(manifest)
        .map_err(|e| format!("reading {}: {e}", manifest.display()))?;
    let variables = toml::from_str::<Manifest>(&raw)
        .map_err(|e| format!("parsing {}: {e}", manifest.display()))?
        .variables;
    let variable = |name: &str| {
        std::env::var(format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase()))
            .ok()
            .or_else(|| variables.get(name).and_then(|v| v.default.clone()))
            .ok_or_else(|| format!("variable {name} has no value"))
    };
    let number = |name: &str| {
        variable(name)?
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| format!("variable {name} is not a whole number of minor units"))
    };
    let rules = Rules {
        flat_rate: number("shipping_flat_rate")?,
        free_threshold: number("free_shipping_threshold")?,
        tax_rates: pricing::parse_tax_rates(&variable("tax_rates")?)
            .map_err(|m| format!("variable tax_rates: {m}"))?,
    };
    Ok((rules, variable("default_country")?))
}

/// The SHA-256 of a cart token, hex-encoded: carts are stored under it.
fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn country(q: &Query, default: &str) -> ApiResult<String> {
    let c = q
        .param("country")
        .unwrap_or(default)
        .trim()
        .to_ascii_uppercase();
    let valid = (2..=6).contains(&c.len())
        && c.chars().take(2).all(|ch| ch.is_ascii_uppercase())
        && c.chars().all(|ch| ch.is_ascii_uppercase() || ch == '-');
    if !valid {
        return Err(ApiError::field(
            "country",
            "must be an ISO 3166 code such as DE or US-CA",
        ));
    }
    Ok(c)
}

fn money_text(amount: i64, currency: &str) -> String {
    format!("{}.{:02} {currency}", amount / 100, amount % 100)
}

/// `GET /api/cart[?country=DE]`: the guest cart named by `X-Cart-Token` with
/// current prices, notices and totals (an empty cart when there is none).
pub async fn view(
    State(cart): State<Arc<Cart>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult<Response> {
    anonymous(&headers)?;
    let q = Query::parse(raw.as_deref());
    let conn = cart.carts.get()?;
    let token = headers
        .get("x-cart-token")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let cart_id = match token {
        Some(t) => query(
            &conn,
            "SELECT id FROM carts WHERE token_hash = ?",
            vec![text(token_hash(t))],
        )
        .await?
        .first()
        .map(|r| r.int(0)),
        None => None,
    };
    let country = country(&q, &cart.default_country)?;
    let lines = match cart_id {
        Some(id) => query(
            &conn,
            "SELECT variant_id, quantity, price_seen FROM cart_lines WHERE cart_id = ? ORDER BY added_at, variant_id",
            vec![int(id)],
        )
        .await?,
        None => Vec::new(),
    };
    let ids: Vec<i64> = lines.iter().map(|l| l.int(0)).collect();
    let mut variants = Vec::new();
    if !ids.is_empty() {
        let catalog = cart.catalog.get()?;
        for chunk in ids.chunks(100) {
            variants.extend(catalog::variants(&catalog, chunk).await?);
        }
    }
    let mut out = Vec::new();
    let mut subtotal: i64 = 0;
    let mut item_count: i64 = 0;
    for line in &lines {
        let (variant_id, quantity, price_seen) = (line.int(0), line.int(1), line.opt_int(2));
        let v = variants.iter().find(|v| v.id == variant_id);
        let mut notices = Vec::new();
        let value = match v {
            Some(v) if v.status == "active" => {
                if let Some(seen) = price_seen
                    && seen != v.price
                {
                    notices.push(json!({
                        "code": "price_changed",
                        "message": format!("the price changed from {} to {}", money_text(seen, CURRENCY), money_text(v.price, CURRENCY)),
                        "previous": { "amount": seen, "currency": CURRENCY },
                    }));
                }
                if v.stock < quantity {
                    notices.push(json!({
                        "code": "insufficient_stock",
                        "message": if v.stock == 0 { "out of stock".to_string() } else { format!("only {} left", v.stock) },
                        "available": v.stock,
                    }));
                }
                let line_total = v.price * quantity;
                subtotal += line_total;
                item_count += quantity;
                json!({
                    "variant_id": v.id, "sku": v.sku, "product_id": v.product_id,
                    "product_slug": v.product_slug, "title": v.product_title,
                    "options": v.options, "image": v.image, "quantity": quantity,
                    "available": v.stock, "unit_price": { "amount": v.price, "currency": CURRENCY },
                    "line_total": { "amount": line_total, "currency": CURRENCY },
                    "notices": notices,
                })
            }
            _ => json!({
                "variant_id": variant_id, "sku": v.map(|v| v.sku.clone()),
                "product_id": v.map(|v| v.product_id), "product_slug": v.map(|v| v.product_slug.clone()),
                "title": v.map(|v| v.product_title.clone()), "options": v.map(|v| v.options.clone()),
                "image": v.and_then(|v| v.image.clone()), "quantity": quantity, "available": 0,
                "unit_price": null, "line_total": null,
                "notices": [{ "code": "unavailable", "message": "no longer sold: remove it to check out" }],
            }),
        };
        out.push(value);
    }
    if let Some(id) = cart_id {
        // Records the prices the shopper was just shown, where they changed.
        for line in &lines {
            let (variant_id, price_seen) = (line.int(0), line.opt_int(2));
            let Some(v) = variants.iter().find(|v| v.id == variant_id) else {
                continue;
            };
            if price_seen == Some(v.price) {
                continue;
            }
            conn.execute(
                "UPDATE cart_lines SET price_seen = ? WHERE cart_id = ? AND variant_id = ? AND price_seen IS NOT ?",
                vec![int(v.price), int(id), int(v.id), int(v.price)],
            )
            .await
            .map_err(ApiError::internal)?;
        }
    }
    let t = cart.rules.totals(subtotal, &country);
    let money = |amount: i64| json!({ "amount": amount, "currency": CURRENCY });
    let body = json!({
        "cart_token": null,
        "currency": CURRENCY,
        "country": country,
        "lines": out,
        "item_count": item_count,
        "subtotal": money(t.subtotal),
        "shipping": money(t.shipping),
        "tax_rate": pricing::format_rate(t.tax_rate),
        "tax": money(t.tax),
        "total": money(t.total),
        "checkout_ready": !lines.is_empty() && out.iter().all(|l| l["notices"].as_array().is_none_or(|n| n.iter().all(|n| n["code"] == "price_changed"))),
    });
    Ok(json_reply(StatusCode::OK, &body))
}
