//! The cart component's `GET /api/cart` for a guest (`X-Cart-Token`), natively,
//! on its `cart.db` (`components/cart/src/lib.rs`: `view`, `cart_body`;
//! `store.rs` for the SQL).
//!
//! Where the component asks the catalog component for the lines' variants over
//! Spin's service chaining, this runs the catalog's lookup SQL in-process on
//! `catalog.db`, as one native service would: the ratio includes the cost of
//! that hop. Like the component, a plain view reuses the catalog's last answer
//! per line (kept in `cart.db`, in the component's JSON form) while it is younger
//! than `cart_price_max_age` and the request's `Cache-Control` allow. Totals come
//! from the cart component's own `pricing.rs`, compiled in here unchanged; the
//! variables are read once at start-up from the manifest instead of on every
//! request.

#[path = "../../../components/cart/src/pricing.rs"]
mod pricing;

use crate::catalog::{self, CURRENCY};
use crate::db::{Pool, Pooled, RowExt, int, query, text};
use crate::http::{ApiError, ApiResult, Query, anonymous, json_reply};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use pricing::Rules;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
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
    /// Seconds a view may reuse the catalog's last answer (`cart_price_max_age`).
    pub price_max_age: i64,
}

/// The cart component's variables, resolved as the host resolves them:
/// `SPIN_VARIABLE_<NAME>` from the environment, else the manifest's default.
/// Returns the pricing rules, the default country and `cart_price_max_age`.
pub fn settings(manifest: &Path) -> Result<(Rules, String, i64), String> {
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
            .ok_or_else(|| format!("variable {name} is not a whole number"))
    };
    let rules = Rules {
        flat_rate: number("shipping_flat_rate")?,
        free_threshold: number("free_shipping_threshold")?,
        tax_rates: pricing::parse_tax_rates(&variable("tax_rates")?)
            .map_err(|m| format!("variable tax_rates: {m}"))?,
    };
    Ok((
        rules,
        variable("default_country")?,
        number("cart_price_max_age")?,
    ))
}

/// The age limit a request allows: `configured`, lowered by `Cache-Control`
/// (`components/cart/src/lib.rs`: `max_age`).
fn max_age(headers: &HeaderMap, configured: i64) -> i64 {
    let Some(directives) = headers.get("cache-control").and_then(|v| v.to_str().ok()) else {
        return configured;
    };
    directives
        .split(',')
        .map(|d| d.trim().to_ascii_lowercase())
        .fold(configured, |age, d| match d.strip_prefix("max-age=") {
            Some(n) => age.min(n.trim().parse::<i64>().map_or(0, |n| n.max(0))),
            None if d == "no-cache" || d == "no-store" => 0,
            None => age,
        })
}

/// The catalog's answer for a line as the cart component keeps it
/// (`components/cart/src/catalog.rs`: `Variant`).
#[derive(Deserialize)]
struct Kept {
    id: i64,
    sku: String,
    product_id: i64,
    product_slug: String,
    product_title: String,
    status: String,
    price: KeptMoney,
    stock: i64,
    options: Value,
    image: Option<String>,
}

#[derive(Deserialize)]
struct KeptMoney {
    amount: i64,
}

impl From<Kept> for catalog::Variant {
    fn from(k: Kept) -> Self {
        catalog::Variant {
            id: k.id,
            sku: k.sku,
            product_id: k.product_id,
            product_slug: k.product_slug,
            product_title: k.product_title,
            status: k.status,
            price: k.price.amount,
            stock: k.stock,
            options: k.options,
            image: k.image,
        }
    }
}

/// A variant in the form the cart component keeps it.
fn kept(v: Option<&catalog::Variant>) -> String {
    v.map_or(Value::Null, |v| {
        json!({
            "id": v.id, "sku": v.sku, "product_id": v.product_id, "product_slug": v.product_slug,
            "product_title": v.product_title, "status": v.status,
            "price": { "amount": v.price, "currency": CURRENCY }, "stock": v.stock,
            "options": v.options, "image": v.image,
        })
    })
    .to_string()
}

/// The kept answers for every line (`variant_id, quantity, price_seen, seen,
/// seen_at` rows), if each is younger than `max_age` seconds at `now`.
fn reusable(lines: &[crate::db::Row], max_age: i64, now: i64) -> Option<Vec<catalog::Variant>> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        line.opt_int(4).filter(|at| now - at < max_age)?;
        let seen: Option<Kept> = serde_json::from_str(&line.opt_text(3)?).ok()?;
        out.extend(seen.map(catalog::Variant::from));
    }
    Some(out)
}

/// The SHA-256 of a cart token, hex-encoded: carts are stored under it.
fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
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

/// An amount in a response.
#[derive(Serialize)]
struct Amount {
    amount: i64,
    currency: &'static str,
}

/// One line of the response, borrowed from the catalog's answer
/// (`components/cart/src/lib.rs`: `LineView`).
#[derive(Serialize)]
struct LineView<'a> {
    variant_id: i64,
    sku: Option<&'a str>,
    product_id: Option<i64>,
    product_slug: Option<&'a str>,
    title: Option<&'a str>,
    options: Option<&'a Value>,
    image: Option<&'a str>,
    quantity: i64,
    available: i64,
    unit_price: Option<Amount>,
    line_total: Option<Amount>,
    notices: Vec<Value>,
}

/// The response (`components/cart/src/lib.rs`: `CartView`).
#[derive(Serialize)]
struct CartView<'a> {
    cart_token: Option<&'a str>,
    currency: &'static str,
    country: &'a str,
    lines: Vec<LineView<'a>>,
    item_count: i64,
    subtotal: Amount,
    shipping: Amount,
    tax_rate: String,
    tax: Amount,
    total: Amount,
    checkout_ready: bool,
}

/// One line (`variant_id, quantity, price_seen, ...` row) as shown, and
/// whether it can be bought as it is (`components/cart/src/lib.rs`: `line_view`).
fn line_view<'a>(line: &crate::db::Row, v: Option<&'a catalog::Variant>) -> (LineView<'a>, bool) {
    let (variant_id, quantity, price_seen) = (line.int(0), line.int(1), line.opt_int(2));
    let Some(v) = v.filter(|v| v.status == "active") else {
        let view = LineView {
            variant_id,
            sku: v.map(|v| v.sku.as_str()),
            product_id: v.map(|v| v.product_id),
            product_slug: v.map(|v| v.product_slug.as_str()),
            title: v.map(|v| v.product_title.as_str()),
            options: v.map(|v| &v.options),
            image: v.and_then(|v| v.image.as_deref()),
            quantity,
            available: 0,
            unit_price: None,
            line_total: None,
            notices: vec![
                json!({ "code": "unavailable", "message": "no longer sold: remove it to check out" }),
            ],
        };
        return (view, false);
    };
    let mut notices = Vec::new();
    if let Some(seen) = price_seen
        && seen != v.price
    {
        notices.push(json!({
            "code": "price_changed",
            "message": format!("the price changed from {} to {}", money_text(seen, CURRENCY), money_text(v.price, CURRENCY)),
            "previous": { "amount": seen, "currency": CURRENCY },
        }));
    }
    let enough = v.stock >= quantity;
    if !enough {
        notices.push(json!({
            "code": "insufficient_stock",
            "message": if v.stock == 0 { "out of stock".to_string() } else { format!("only {} left", v.stock) },
            "available": v.stock,
        }));
    }
    let view = LineView {
        variant_id: v.id,
        sku: Some(&v.sku),
        product_id: Some(v.product_id),
        product_slug: Some(&v.product_slug),
        title: Some(&v.product_title),
        options: Some(&v.options),
        image: v.image.as_deref(),
        quantity,
        available: v.stock,
        unit_price: Some(Amount {
            amount: v.price,
            currency: CURRENCY,
        }),
        line_total: Some(Amount {
            amount: v.price * quantity,
            currency: CURRENCY,
        }),
        notices,
    };
    (view, enough)
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
    // The cart and its lines in one statement, as the component reads them
    // (`Store::find_with_lines`); a cart without lines is one row of nulls.
    let rows = match token {
        Some(t) => query(
            &conn,
            "SELECT l.variant_id, l.quantity, l.price_seen, l.seen, l.seen_at, c.id FROM carts c LEFT JOIN cart_lines l ON l.cart_id = c.id WHERE c.token_hash = ? ORDER BY l.added_at, l.variant_id",
            vec![text(token_hash(t))],
        )
        .await?,
        None => Vec::new(),
    };
    let cart_id = rows.first().map(|r| r.int(5));
    let lines: Vec<_> = rows
        .into_iter()
        .filter(|r| r.opt_int(0).is_some())
        .collect();
    let country = country(&q, &cart.default_country)?;
    let at = crate::db::now();
    let variants = match reusable(&lines, max_age(&headers, cart.price_max_age), at) {
        Some(v) => v,
        None => {
            let ids: Vec<i64> = lines.iter().map(|l| l.int(0)).collect();
            let mut v = Vec::new();
            if !ids.is_empty() {
                let catalog = cart.catalog.get()?;
                for chunk in ids.chunks(100) {
                    v.extend(catalog::variants(&catalog, chunk).await?);
                }
            }
            if let Some(id) = cart_id {
                remember(&conn, id, &lines, &v, at).await?;
            }
            v
        }
    };
    let mut out = Vec::with_capacity(lines.len());
    let mut subtotal: i64 = 0;
    let mut item_count: i64 = 0;
    let mut ready = !lines.is_empty();
    for line in &lines {
        let (view, buyable) = line_view(line, variants.iter().find(|v| v.id == line.int(0)));
        if let Some(total) = &view.line_total {
            subtotal += total.amount;
            item_count += line.int(1);
        }
        ready &= buyable;
        out.push(view);
    }
    let t = cart.rules.totals(subtotal, &country);
    let money = |amount: i64| Amount {
        amount,
        currency: CURRENCY,
    };
    let body = CartView {
        cart_token: None,
        currency: CURRENCY,
        country: &country,
        lines: out,
        item_count,
        subtotal: money(t.subtotal),
        shipping: money(t.shipping),
        tax_rate: pricing::format_rate(t.tax_rate),
        tax: money(t.tax),
        total: money(t.total),
        checkout_ready: ready,
    };
    Ok(json_reply(StatusCode::OK, &body))
}

/// Keeps the catalog's answers and the prices shown, in one transaction,
/// leaving alone a line whose kept answer is the same and from the same second
/// (`components/cart/src/store.rs`: `remember`).
async fn remember(
    conn: &Pooled,
    cart_id: i64,
    lines: &[crate::db::Row],
    variants: &[catalog::Variant],
    at: i64,
) -> ApiResult<()> {
    let answer = |line: &crate::db::Row| variants.iter().find(|v| v.id == line.int(0));
    let stale: Vec<&crate::db::Row> = lines
        .iter()
        .filter(|line| {
            let v = answer(line);
            let kept = line
                .opt_int(4)
                .zip(line.opt_text(3))
                .and_then(|(at, seen)| {
                    serde_json::from_str::<Option<Kept>>(&seen)
                        .ok()
                        .map(|k| (at, k.map(catalog::Variant::from)))
                });
            kept.is_none_or(|(kept_at, k)| kept_at != at || k.as_ref() != v)
                || v.is_some_and(|v| line.opt_int(2) != Some(v.price))
        })
        .collect();
    if stale.is_empty() {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(libsql::TransactionBehavior::Immediate)
        .await
        .map_err(ApiError::internal)?;
    for line in stale {
        let variant_id = line.int(0);
        let v = answer(line);
        tx.execute(
            "UPDATE cart_lines SET price_seen = coalesce(?, price_seen), seen = ?, seen_at = ? WHERE cart_id = ? AND variant_id = ?",
            vec![
                v.map_or(libsql::Value::Null, |v| int(v.price)),
                text(kept(v)),
                int(at),
                int(cart_id),
                int(variant_id),
            ],
        )
        .await
        .map_err(ApiError::internal)?;
    }
    tx.commit().await.map_err(ApiError::internal)
}
