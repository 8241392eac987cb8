//! The cart component.
//!
//! Routes:
//! - `GET /api/cart[?country=DE]`: the cart with current prices, per-line notices
//!   and totals (an empty cart when there is none);
//! - `POST /api/cart/items {variant_id, quantity}`, `PATCH|DELETE
//!   /api/cart/items/{variant_id}`, `DELETE /api/cart`;
//! - `POST /api/cart/merge`: a signed-in shopper takes over the guest cart named
//!   by `X-Cart-Token`;
//! - `POST /internal/cart/users/{id}/clear {key, lines}` (service token): the
//!   checkout saga removes what was bought, once per key.
//!
//! A shopper is either signed in (`Authorization: Bearer`, one cart per user) or a
//! guest holding the opaque `X-Cart-Token` the first add returned. Prices,
//! availability and status come from the catalog (service chaining to
//! `catalog.spin.internal`). The cart stores variant ids, quantities, the price
//! the shopper last saw (to say when it changed) and the catalog's last answer
//! per line: every change to a cart asks the catalog again, and a plain view
//! shows that answer while it is younger than `cart_price_max_age` seconds or
//! the request's `Cache-Control: max-age`, whichever is less (`no-cache`: ask
//! now). Checkout asks with `no-cache`, so an order is priced from the catalog.

mod catalog;
mod pricing;
mod store;

use edgecart_kit::auth::{self, Principal};
use edgecart_kit::http::{Ctx, IncomingRequest, Reply, json, no_content};
use edgecart_kit::types::Quantity;
use edgecart_kit::{ApiError, ApiResult};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use spin_sdk::http::{HeaderValue, Method, StatusCode};
use store::{CartRef, Line, Owner, Store};

edgecart_kit::serve!(route);

async fn route(req: IncomingRequest) -> ApiResult<Reply> {
    let ctx = Ctx::read(req).await?;
    let path = ctx.path();
    let m = ctx.method.clone();
    let store = Store::open().await?;
    match (m, path.as_slice()) {
        (Method::GET, ["api", "cart"]) => view(&ctx, &store).await,
        (Method::DELETE, ["api", "cart"]) => empty(&ctx, &store).await,
        (Method::POST, ["api", "cart", "items"]) => add(&ctx, &store).await,
        (Method::PATCH, ["api", "cart", "items", id]) => set_quantity(&ctx, &store, id).await,
        (Method::DELETE, ["api", "cart", "items", id]) => remove(&ctx, &store, id).await,
        (Method::POST, ["api", "cart", "merge"]) => merge(&ctx, &store).await,
        (Method::POST, ["internal", "cart", "users", id, "clear"]) => {
            clear_bought(&ctx, &store, id).await
        }
        (_, ["api", "cart"] | ["api", "cart", "items" | "merge"] | ["api", "cart", "items", _]) => {
            Err(ApiError::method_not_allowed())
        }
        (_, ["internal", "cart", "users", _, "clear"]) => Err(ApiError::method_not_allowed()),
        _ => Err(ApiError::not_found("no such cart route")),
    }
}

/// Who is shopping: a signed-in user, else the guest token if one was sent.
async fn shopper(ctx: &Ctx) -> ApiResult<(Option<Principal>, Option<String>)> {
    let principal = auth::optional(ctx).await?;
    let token = ctx
        .header("x-cart-token")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from);
    Ok((principal, token))
}

/// The cart the request addresses, if it exists.
async fn current(ctx: &Ctx, store: &Store) -> ApiResult<Option<CartRef>> {
    match shopper(ctx).await? {
        (Some(p), _) => store.find_user_cart(p.user_id).await,
        (None, Some(token)) => store.find_guest_cart(&token).await,
        (None, None) => Ok(None),
    }
}

/// The cart the request addresses, if it exists, with its lines (one
/// statement).
async fn current_with_lines(ctx: &Ctx, store: &Store) -> ApiResult<Option<(CartRef, Vec<Line>)>> {
    match shopper(ctx).await? {
        (Some(p), _) => store.find_with_lines(Owner::User(p.user_id)).await,
        (None, Some(token)) => store.find_with_lines(Owner::Guest(&token)).await,
        (None, None) => Ok(None),
    }
}

/// The cart the request addresses, for a change: a signed-in user's, created
/// if needed; a guest's; or, for a guest without one, `None`, and the change
/// creates a new guest cart in its own transaction.
async fn current_for_change(ctx: &Ctx, store: &Store) -> ApiResult<Option<CartRef>> {
    match shopper(ctx).await? {
        (Some(p), _) => Ok(Some(store.user_cart(p.user_id).await?)),
        (None, Some(token)) => store.find_guest_cart(&token).await,
        (None, None) => Ok(None),
    }
}

fn country(ctx: &Ctx, default: &str) -> ApiResult<String> {
    let c = ctx
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

/// Where a cart's rendering gets the variants of its lines.
#[derive(Debug)]
enum Source {
    /// Ask the catalog: the cart just changed.
    Catalog,
    /// The catalog's answer the change itself asked for, used when it covers
    /// every line (a line added meanwhile by another request is asked for).
    Asked(Asked),
    /// Reuse the catalog's last answers while they are young enough.
    Recent,
}

/// The catalog's answer for `ids`: the variants among them that exist, as
/// at `at` (seconds since the Unix epoch).
#[derive(Debug)]
struct Asked {
    ids: Vec<i64>,
    variants: Vec<catalog::Variant>,
    at: i64,
}

impl Asked {
    /// Asks the catalog about every line of a cart and `also`.
    async fn lines_and(lines: &[Line], also: i64) -> ApiResult<Asked> {
        let mut ids: Vec<i64> = lines.iter().map(|l| l.variant_id).collect();
        if !ids.contains(&also) {
            ids.push(also);
        }
        let at = edgecart_kit::now();
        let variants = catalog::variants(&ids).await?;
        Ok(Asked { ids, variants, at })
    }

    /// The answer and when it was asked, if it covers every one of `lines`.
    fn covering(self, lines: &[Line]) -> Option<(Vec<catalog::Variant>, i64)> {
        lines
            .iter()
            .all(|l| self.ids.contains(&l.variant_id))
            .then_some((self.variants, self.at))
    }
}

/// How old (in seconds) a reused catalog answer may be: the configured age,
/// lowered by the request's `Cache-Control` (`no-cache`, `no-store` or a
/// `max-age` that does not parse: 0).
fn max_age(ctx: &Ctx, configured: i64) -> i64 {
    let Some(directives) = ctx.header("cache-control") else {
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

/// The catalog's kept answers for every line, taken out of the lines, if
/// each is younger than `max_age` seconds at `now`; else the lines keep them
/// (asking again compares them with the new answers).
fn reusable(lines: &mut [Line], max_age: i64, now: i64) -> Option<Vec<catalog::Variant>> {
    let young = |l: &Line| l.cached.as_ref().is_some_and(|c| now - c.at < max_age);
    if !lines.iter().all(young) {
        return None;
    }
    Some(
        lines
            .iter_mut()
            .filter_map(|l| l.cached.take().and_then(|c| c.variant))
            .collect(),
    )
}

/// An amount in a response.
#[derive(Serialize)]
struct Amount<'a> {
    amount: i64,
    currency: &'a str,
}

/// One line of a cart response, borrowed from the catalog's answer so that a
/// view allocates little.
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
    unit_price: Option<Amount<'a>>,
    line_total: Option<Amount<'a>>,
    notices: Vec<Value>,
}

/// A cart response (`Cart` in the OpenAPI document).
#[derive(Serialize)]
struct CartView<'a> {
    cart_token: Option<&'a str>,
    currency: &'static str,
    country: &'a str,
    lines: Vec<LineView<'a>>,
    item_count: i64,
    subtotal: Amount<'static>,
    shipping: Amount<'static>,
    tax_rate: String,
    tax: Amount<'static>,
    total: Amount<'static>,
    checkout_ready: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    merge_notices: Option<Vec<Value>>,
}

/// One line as shown: the catalog's answer `v` for it, its notices, and
/// whether it can be bought as it is.
fn line_view<'a>(line: &Line, v: Option<&'a catalog::Variant>) -> (LineView<'a>, bool) {
    let Some(v) = v.filter(|v| v.status == "active") else {
        let view = LineView {
            variant_id: line.variant_id,
            sku: v.map(|v| v.sku.as_str()),
            product_id: v.map(|v| v.product_id),
            product_slug: v.map(|v| v.product_slug.as_str()),
            title: v.map(|v| v.product_title.as_str()),
            options: v.map(|v| &v.options),
            image: v.and_then(|v| v.image.as_deref()),
            quantity: line.quantity,
            available: 0,
            unit_price: None,
            line_total: None,
            notices: vec![
                json!({ "code": "unavailable", "message": "no longer sold: remove it to check out" }),
            ],
        };
        return (view, false);
    };
    let currency = v.price.currency.as_str();
    let mut notices = Vec::new();
    if let Some(seen) = line.price_seen
        && seen != v.price.amount
    {
        notices.push(json!({
            "code": "price_changed",
            "message": format!("the price changed from {} to {}", money_text(seen, currency), money_text(v.price.amount, currency)),
            "previous": { "amount": seen, "currency": currency },
        }));
    }
    let enough = v.stock >= line.quantity;
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
        quantity: line.quantity,
        available: v.stock,
        unit_price: Some(Amount {
            amount: v.price.amount,
            currency,
        }),
        line_total: Some(Amount {
            amount: v.price.amount * line.quantity,
            currency,
        }),
        notices,
    };
    (view, enough)
}

/// The catalog's answer for every line, kept with the cart: `answer` and the
/// time it was asked when the caller has just asked (the change kept it
/// already, so nothing is written again), else asked now, at `at`.
async fn fresh(
    store: &Store,
    cart: Option<&CartRef>,
    lines: &[Line],
    answer: Option<(Vec<catalog::Variant>, i64)>,
    at: i64,
) -> ApiResult<Vec<catalog::Variant>> {
    let (variants, at) = match answer {
        Some(asked) => asked,
        None => {
            let ids: Vec<i64> = lines.iter().map(|l| l.variant_id).collect();
            (catalog::variants(&ids).await?, at)
        }
    };
    if let Some(c) = cart {
        store.remember(c, lines, &variants, at).await?;
    }
    Ok(variants)
}

/// A cart with the catalog's data as a response (a new guest cart's token also
/// in `X-Cart-Token`); records what was shown.
async fn render(
    ctx: &Ctx,
    store: &Store,
    cart: Option<&CartRef>,
    status: (StatusCode, Option<String>),
    source: Source,
    merge_notices: Option<Vec<Value>>,
) -> ApiResult<Reply> {
    let lines = match cart {
        Some(c) => store.lines(c).await?,
        None => Vec::new(),
    };
    render_lines(ctx, store, cart, lines, status, source, merge_notices).await
}

/// [`render`] for a cart whose `lines` were just read.
async fn render_lines(
    ctx: &Ctx,
    store: &Store,
    cart: Option<&CartRef>,
    mut lines: Vec<Line>,
    (status, new_token): (StatusCode, Option<String>),
    source: Source,
    merge_notices: Option<Vec<Value>>,
) -> ApiResult<Reply> {
    let settings = store.settings().await?;
    let country = country(ctx, &settings.default_country)?;
    let at = edgecart_kit::now();
    let variants = match source {
        Source::Recent => match reusable(&mut lines, max_age(ctx, settings.price_max_age), at) {
            Some(kept) => kept,
            None => fresh(store, cart, &lines, None, at).await?,
        },
        Source::Asked(asked) => fresh(store, cart, &lines, asked.covering(&lines), at).await?,
        Source::Catalog => fresh(store, cart, &lines, None, at).await?,
    };
    let mut out = Vec::with_capacity(lines.len());
    let mut subtotal: i64 = 0;
    let mut item_count: i64 = 0;
    let mut ready = !lines.is_empty();
    for line in &lines {
        let (view, buyable) = line_view(line, variants.iter().find(|v| v.id == line.variant_id));
        if let Some(total) = &view.line_total {
            subtotal += total.amount;
            item_count += line.quantity;
        }
        ready &= buyable;
        out.push(view);
    }
    let t = settings.rules.totals(subtotal, &country);
    let money = |amount: i64| Amount {
        amount,
        currency: catalog::CURRENCY,
    };
    let body = CartView {
        cart_token: new_token.as_deref(),
        currency: catalog::CURRENCY,
        country: &country,
        lines: out,
        item_count,
        subtotal: money(t.subtotal),
        shipping: money(t.shipping),
        tax_rate: pricing::format_rate(t.tax_rate),
        tax: money(t.tax),
        total: money(t.total),
        checkout_ready: ready,
        merge_notices,
    };
    let mut reply = json(status, &body);
    if let Some(t) = &new_token
        && let Ok(v) = HeaderValue::from_str(t)
    {
        reply.headers_mut().insert("x-cart-token", v);
    }
    Ok(reply)
}

fn money_text(amount: i64, currency: &str) -> String {
    format!("{}.{:02} {currency}", amount / 100, amount % 100)
}

async fn view(ctx: &Ctx, store: &Store) -> ApiResult<Reply> {
    let (cart, lines) = current_with_lines(ctx, store).await?.unzip();
    render_lines(
        ctx,
        store,
        cart.as_ref(),
        lines.unwrap_or_default(),
        (StatusCode::OK, None),
        Source::Recent,
        None,
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddItem {
    variant_id: i64,
    quantity: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetQuantity {
    quantity: i64,
}

/// Checks a wanted quantity against the catalog's answer: the variant must be
/// sold and have that many available.
fn check_available(asked: &Asked, variant_id: i64, quantity: i64) -> ApiResult<()> {
    let v = asked
        .variants
        .iter()
        .find(|v| v.id == variant_id && v.status == "active")
        .ok_or_else(|| ApiError::field("variant_id", "is not a variant on sale"))?;
    if v.stock < quantity {
        return Err(ApiError::conflict(
            "insufficient_stock",
            if v.stock == 0 {
                "this item is out of stock".to_string()
            } else {
                format!("only {} of this item are available", v.stock)
            },
        )
        .with_details(json!({ "available": v.stock })));
    }
    Ok(())
}

async fn add(ctx: &Ctx, store: &Store) -> ApiResult<Reply> {
    let item: AddItem = ctx.json()?;
    let q = Quantity::parse(item.quantity).map_err(|m| ApiError::field("quantity", m))?;
    let cart = current_for_change(ctx, store).await?;
    let lines = match &cart {
        Some(c) => store.lines(c).await?,
        None => Vec::new(),
    };
    let existing = lines
        .iter()
        .find(|l| l.variant_id == item.variant_id)
        .map_or(0, |l| l.quantity);
    let wanted = existing + i64::from(q.get());
    Quantity::parse(wanted)
        .map_err(|m| ApiError::field("quantity", format!("the line would hold {wanted}: {m}")))?;
    let asked = Asked::lines_and(&lines, item.variant_id).await?;
    check_available(&asked, item.variant_id, wanted)?;
    let line = (item.variant_id, wanted);
    let (cart, token) = match cart {
        Some(c) => {
            store
                .set_remembering(&c, &lines, line, &asked.variants, asked.at)
                .await?;
            (c, None)
        }
        None => {
            let (c, token) = store
                .new_guest_cart(line, &asked.variants, asked.at)
                .await?;
            (c, Some(token))
        }
    };
    let status = if token.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    render(
        ctx,
        store,
        Some(&cart),
        (status, token),
        Source::Asked(asked),
        None,
    )
    .await
}

fn variant_id(raw: &str) -> ApiResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::not_found("this cart has no such line"))
}

async fn set_quantity(ctx: &Ctx, store: &Store, id: &str) -> ApiResult<Reply> {
    let id = variant_id(id)?;
    let body: SetQuantity = ctx.json()?;
    let q = Quantity::parse(body.quantity).map_err(|m| ApiError::field("quantity", m))?;
    let (cart, lines) = current_with_lines(ctx, store)
        .await?
        .ok_or_else(|| ApiError::not_found("this cart has no such line"))?;
    if !lines.iter().any(|l| l.variant_id == id) {
        return Err(ApiError::not_found("this cart has no such line"));
    }
    let asked = Asked::lines_and(&lines, id).await?;
    check_available(&asked, id, i64::from(q.get()))?;
    store
        .set_remembering(
            &cart,
            &lines,
            (id, i64::from(q.get())),
            &asked.variants,
            asked.at,
        )
        .await?;
    render(
        ctx,
        store,
        Some(&cart),
        (StatusCode::OK, None),
        Source::Asked(asked),
        None,
    )
    .await
}

async fn remove(ctx: &Ctx, store: &Store, id: &str) -> ApiResult<Reply> {
    let id = variant_id(id)?;
    let cart = current(ctx, store)
        .await?
        .ok_or_else(|| ApiError::not_found("this cart has no such line"))?;
    if !store.remove(&cart, id).await? {
        return Err(ApiError::not_found("this cart has no such line"));
    }
    render(
        ctx,
        store,
        Some(&cart),
        (StatusCode::OK, None),
        Source::Catalog,
        None,
    )
    .await
}

async fn empty(ctx: &Ctx, store: &Store) -> ApiResult<Reply> {
    if let Some(cart) = current(ctx, store).await? {
        store.clear(&cart).await?;
    }
    Ok(no_content())
}

/// Moves the guest cart's lines into the signed-in user's cart: quantities are
/// summed and capped by what is available; the guest cart is deleted.
async fn merge(ctx: &Ctx, store: &Store) -> ApiResult<Reply> {
    let (principal, token) = shopper(ctx).await?;
    let p = principal.ok_or_else(|| ApiError::unauthorized("sign in to merge a guest cart"))?;
    let user_cart = store.user_cart(p.user_id).await?;
    let mut notices: Vec<Value> = Vec::new();
    if let Some(guest) = match &token {
        Some(t) => store.find_guest_cart(t).await?,
        None => None,
    } {
        let guest_lines = store.lines(&guest).await?;
        let ids: Vec<i64> = guest_lines.iter().map(|l| l.variant_id).collect();
        let variants = catalog::variants(&ids).await?;
        for line in guest_lines {
            let mine = store.quantity(&user_cart, line.variant_id).await?;
            let available = variants
                .iter()
                .find(|v| v.id == line.variant_id && v.status == "active")
                .map_or(0, |v| v.stock);
            let wanted = (mine + line.quantity).min(i64::from(Quantity::MAX));
            let merged = wanted.min(available.max(mine));
            if merged < wanted {
                notices.push(json!({ "variant_id": line.variant_id, "code": "quantity_capped", "message": format!("only {merged} could be kept"), "available": available }));
            }
            if merged > 0 {
                store.set(&user_cart, line.variant_id, merged).await?;
            }
        }
        store.delete_cart(&guest).await?;
    }
    render(
        ctx,
        store,
        Some(&user_cart),
        (StatusCode::OK, None),
        Source::Catalog,
        Some(notices),
    )
    .await
}

/// `POST /internal/cart/users/{id}/clear {key, lines:[{variant_id, quantity}]}`:
/// removes what an order bought (quantities subtracted, empty lines dropped),
/// once per key, so a retried saga step changes nothing.
async fn clear_bought(ctx: &Ctx, store: &Store, id: &str) -> ApiResult<Reply> {
    #[derive(Deserialize)]
    struct Line {
        variant_id: i64,
        quantity: i64,
    }
    #[derive(Deserialize)]
    struct Body {
        key: String,
        lines: Vec<Line>,
    }
    auth::require_service(ctx).await?;
    let user_id = id
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::not_found("no such user"))?;
    let b: Body = ctx.json()?;
    if b.key.is_empty() || b.key.len() > 255 {
        return Err(ApiError::field("key", "must be 1 to 255 characters"));
    }
    let lines: Vec<(i64, i64)> = b.lines.iter().map(|l| (l.variant_id, l.quantity)).collect();
    let applied = store.subtract_once(user_id, &b.key, &lines).await?;
    Ok(json(StatusCode::OK, &json!({ "applied": applied })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(variant_id: i64) -> Line {
        Line {
            variant_id,
            quantity: 1,
            price_seen: None,
            cached: None,
        }
    }

    #[test]
    fn a_change_reuses_its_answer_only_when_it_covers_every_line() {
        let asked = || Asked {
            ids: vec![1, 2],
            variants: Vec::new(),
            at: 0,
        };
        assert!(asked().covering(&[line(1), line(2)]).is_some());
        assert!(
            asked().covering(&[line(2)]).is_some(),
            "a line removed meanwhile"
        );
        assert!(
            asked().covering(&[line(1), line(2), line(3)]).is_none(),
            "a line another request added meanwhile is asked for"
        );
    }
}
