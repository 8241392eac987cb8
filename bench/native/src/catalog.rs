//! The catalog component's anonymous reads, natively, on its `catalog.db`:
//! `GET /api/catalog/products/{id-or-slug}` (`components/catalog/src/products.rs`:
//! `get`, `detail`), `GET /api/catalog/products` (`search.rs`: filters, full-text
//! search, keyset pages, facets) and the variant lookup the cart asks the catalog
//! for (`products.rs`: `lookup`).
//!
//! The SQL text and the order of the statements are the component's, copied: the
//! component's modules are bound to spin-sdk, so they cannot be linked here. The
//! response types of the detail and of a listing page (`detail.rs`, `page.rs`),
//! the in-stock facet arithmetic (`facets.rs`), the tag and option conditions
//! (`filters.rs`) and the available-stock SQL (`stock.rs`) depend on serde or
//! nothing and are compiled in unchanged. The benchmark runner compares both
//! servers' answers before it measures them.

#[path = "../../../components/catalog/src/detail.rs"]
mod detail;
#[path = "../../../components/catalog/src/facets.rs"]
mod facets;
#[path = "../../../components/catalog/src/filters.rs"]
mod filters;
#[path = "../../../components/catalog/src/page.rs"]
mod page;
#[path = "../../../components/catalog/src/stock.rs"]
mod stock;

use crate::db::{Pool, Pooled, Row, RowExt, int, now, query, text};
use crate::http::{ApiError, ApiResult, Query, anonymous, cached_json};
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use detail::{Category, Columns, Product, parse_options};
use page::{Page, Summary};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use stock::{AVAILABLE_SQL, OUT_OF_STOCK_SQL};

/// The shop's currency.
pub const CURRENCY: &str = "EUR";

/// A category and its descendants (`categories.rs`).
const DESCENDANTS: &str = "WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub";

/// The most `tag` values, and the most `option.*` filters, one listing takes.
const MAX_FILTER_TERMS: usize = 20;

/// `{"amount", "currency"}`.
fn money(amount: i64) -> Value {
    json!({ "amount": amount, "currency": CURRENCY })
}

/// `GET /api/catalog/products/{id-or-slug}`: an active product.
pub async fn get(
    State(pool): State<Arc<Pool>>,
    Path(id_or_slug): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    anonymous(&headers)?;
    let conn = pool.get()?;
    let body = if id_or_slug.chars().all(|c| c.is_ascii_digit()) {
        detail(
            &conn,
            "p.id = ?",
            int(id_or_slug.parse::<i64>().unwrap_or(0)),
        )
        .await?
    } else {
        detail(&conn, "p.slug = ?", text(id_or_slug)).await?
    };
    if !body.is_active() {
        return Err(ApiError::not_found("no such product"));
    }
    Ok(cached_json(&headers, &body, 30))
}

/// The full product as the API shows it, found by `key` (`p.id = ?` or
/// `p.slug = ?`) in the one statement that reads it and its tags, images and
/// variants (`components/catalog/src/schema.rs`: `detail_sql`).
async fn detail(conn: &Pooled, key: &str, value: libsql::Value) -> ApiResult<Product> {
    let rows = query(
        conn,
        &format!(
            "SELECT p.id, p.slug, p.title, p.description, p.status, p.min_price, p.max_price, p.created_at, p.updated_at,
                    c.id, c.slug, c.name,
                    (SELECT json_group_array(tag) FROM (SELECT tag FROM product_tags WHERE product_id = p.id ORDER BY tag)),
                    (SELECT json_group_array(json_array(url, alt))
                        FROM (SELECT url, alt FROM product_images WHERE product_id = p.id ORDER BY position)),
                    (SELECT json_group_array(json_array(id, sku, price, available, options))
                        FROM (SELECT v.id, v.sku, v.price, {} AS available, v.options FROM variants v
                              WHERE v.product_id = p.id ORDER BY v.position, v.id))
             FROM products p LEFT JOIN categories c ON c.id = p.category_id WHERE {key}",
            AVAILABLE_SQL
        ),
        vec![value],
    )
    .await?;
    let p = rows
        .first()
        .ok_or_else(|| ApiError::not_found("no such product"))?;
    let columns = Columns {
        id: p.int(0),
        slug: p.text(1),
        title: p.text(2),
        description: p.text(3),
        status: p.text(4),
        min_price: p.int(5),
        max_price: p.int(6),
        created_at: p.int(7),
        updated_at: p.int(8),
        category: p.opt_int(9).map(|id| Category {
            id,
            slug: p.text(10),
            name: p.text(11),
        }),
        tags: p.text(12),
        images: p.text(13),
        variants: p.text(14),
    };
    Ok(Product::new(columns, CURRENCY))
}

/// A variant as the catalog describes it to the cart.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub id: i64,
    pub sku: String,
    pub product_id: i64,
    pub product_slug: String,
    pub product_title: String,
    /// The product's status: only `active` is on sale.
    pub status: String,
    /// Minor units of [`CURRENCY`].
    pub price: i64,
    /// Available now.
    pub stock: i64,
    pub options: Value,
    pub image: Option<String>,
}

/// The variants with these ids that exist (at most 100), as
/// `GET /api/catalog/variants?ids=` finds them.
pub async fn variants(conn: &Pooled, ids: &[i64]) -> ApiResult<Vec<Variant>> {
    let placeholders = vec!["?"; ids.len()].join(", ");
    let rows = query(
        conn,
        &format!(
            "SELECT v.id, v.sku, p.id, p.slug, p.title, p.status, v.price, {}, v.options,
                        (SELECT url FROM product_images i WHERE i.product_id = p.id ORDER BY position LIMIT 1)
                 FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id IN ({placeholders}) ORDER BY v.id",
            AVAILABLE_SQL
        ),
        ids.iter().map(|i| int(*i)).collect(),
    )
    .await?;
    Ok(rows
        .iter()
        .map(|r| Variant {
            id: r.int(0),
            sku: r.text(1),
            product_id: r.int(2),
            product_slug: r.text(3),
            product_title: r.text(4),
            status: r.text(5),
            price: r.int(6),
            stock: r.int(7).max(0),
            options: parse_options(&r.text(8)),
            image: r.opt_text(9),
        })
        .collect())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Sort {
    Relevance,
    Newest,
    PriceAsc,
    PriceDesc,
}

/// The sort key of the last item of a page (the component's cursor, field for
/// field, so cursors pass between the two servers).
#[derive(Serialize, Deserialize)]
struct Cursor {
    sort: Sort,
    key: Value,
    id: i64,
}

/// User text as an FTS5 query of quoted prefix terms (all must match).
fn fts_query(q: &str) -> Option<String> {
    let terms: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(16)
        .map(|t| format!("\"{}\"*", t.to_lowercase()))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The listing's filter as SQL over `products p`, shared by the page, the count
/// and every facet.
struct Filter {
    sql: String,
    params: Vec<libsql::Value>,
    fts: Option<String>,
    /// `in_stock=true`, kept apart from `sql` (`search.rs`: `Filter`).
    in_stock: bool,
}

impl Filter {
    /// The condition on `p` that selects a page's products, stock included;
    /// `ranked`: the page joins the full-text matches for their rank
    /// ([`filters::ranked_page`]). Its parameters are the filter's either way.
    fn page_condition(&self, ranked: bool) -> String {
        let sql = if ranked {
            filters::ranked_page(&self.sql)
        } else {
            &self.sql
        };
        if self.in_stock {
            format!("{sql} AND p.id NOT IN ({OUT_OF_STOCK_SQL})")
        } else {
            sql.to_string()
        }
    }
}

async fn category_id(conn: &Pooled, raw: &str) -> ApiResult<Option<i64>> {
    let rows = if raw.chars().all(|c| c.is_ascii_digit()) {
        query(
            conn,
            "SELECT id FROM categories WHERE id = ?",
            vec![int(raw.parse::<i64>().unwrap_or(0))],
        )
        .await?
    } else {
        query(
            conn,
            "SELECT id FROM categories WHERE slug = ?",
            vec![text(raw)],
        )
        .await?
    };
    Ok(rows.first().map(|r| r.int(0)))
}

async fn filter(conn: &Pooled, q: &Query) -> ApiResult<Filter> {
    let words = q.param("q").unwrap_or("");
    if words.chars().count() > 200 {
        return Err(ApiError::field("q", "must be at most 200 characters"));
    }
    let fts = fts_query(words);
    let status = if fts.is_some() {
        filters::MATCHED_STATUS
    } else {
        "p.status"
    };
    let mut sql = String::new();
    let mut params = Vec::new();
    if let Some(f) = &fts {
        sql.push_str(filters::MATCHED);
        params.push(text(f.clone()));
    }
    match q.param("status") {
        None | Some("active") => sql.push_str(&format!("{status} = 'active'")),
        Some("draft" | "archived" | "any") => {
            return Err(ApiError::forbidden(
                "only admins may list products that are not active",
            ));
        }
        Some(_) => {
            return Err(ApiError::field(
                "status",
                "must be active, draft, archived or any",
            ));
        }
    }
    if let Some(c) = q.param("category").filter(|c| !c.is_empty()) {
        match category_id(conn, c).await? {
            Some(id) => {
                sql.push_str(&format!(" AND p.category_id IN ({DESCENDANTS})"));
                params.push(int(id));
            }
            None => sql.push_str(" AND 0"),
        }
    }
    let tags = q.params("tag");
    if tags.len() > MAX_FILTER_TERMS {
        return Err(ApiError::field(
            "tag",
            format!("may name at most {MAX_FILTER_TERMS} tags"),
        ));
    }
    for tag in tags {
        sql.push_str(filters::tag(fts.is_some()));
        params.push(text(tag.to_lowercase()));
    }
    for (name, field) in [("min_price", ">="), ("max_price", "<=")] {
        if let Some(raw) = q.param(name) {
            let n: i64 = raw.parse().ok().filter(|n| *n >= 0).ok_or_else(|| {
                ApiError::field(name, "must be a whole number of minor units, 0 or more")
            })?;
            sql.push_str(&format!(" AND p.min_price {field} ?"));
            params.push(int(n));
        }
    }
    let in_stock = match q.param("in_stock") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::field("in_stock", "must be true or false")),
    };
    let mut option_filters = 0;
    for (k, v) in &q.0 {
        if let Some(name) = k.strip_prefix("option.") {
            option_filters += 1;
            if option_filters > MAX_FILTER_TERMS {
                return Err(ApiError::field(
                    k,
                    format!("at most {MAX_FILTER_TERMS} option filters may be given"),
                ));
            }
            if name.is_empty() || v.is_empty() {
                return Err(ApiError::field(
                    k,
                    "must name an option and a value, as option.size=M",
                ));
            }
            sql.push_str(filters::option(fts.is_some()));
            params.push(text(name.to_lowercase()));
            params.push(text(v.clone()));
        }
    }
    Ok(Filter {
        sql,
        params,
        fts,
        in_stock,
    })
}

/// `?limit=`: 1 to 100, 24 when absent.
fn limit(q: &Query) -> ApiResult<u32> {
    match q.param("limit") {
        None => Ok(24),
        Some(s) => match s.parse::<u32>() {
            Ok(n) if (1..=100).contains(&n) => Ok(n),
            _ => Err(ApiError::field(
                "limit",
                "must be a whole number from 1 to 100",
            )),
        },
    }
}

/// `?cursor=`, decoded; one that does not decode is 400.
fn cursor(q: &Query) -> ApiResult<Option<Cursor>> {
    let Some(raw) = q.param("cursor").filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    B64.decode(raw)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_cursor",
                "the cursor is not one this API returned: start again without it",
            )
        })
}

/// A page item from a row of the page query (`search.rs`: `summary`).
fn summary(r: &[libsql::Value]) -> ApiResult<Summary> {
    let row = (
        r.int(0),
        r.text(1),
        r.text(2),
        r.int(3),
        r.opt_int(5),
        r.text(6),
        r.text(7),
        r.opt_text(9),
        r.text(10),
        r.int(11) != 0,
    );
    Summary::new(row, CURRENCY).map_err(|e| ApiError::internal(format!("a page's tags: {e}")))
}

/// `GET /api/catalog/products`: search, filters, facets and keyset pages.
pub async fn list(
    State(pool): State<Arc<Pool>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult<Response> {
    anonymous(&headers)?;
    let q = Query::parse(raw.as_deref());
    let conn = pool.get()?;
    let limit = limit(&q)?;
    let f = filter(&conn, &q).await?;
    let sort = match q.param("sort") {
        None | Some("") => {
            if f.fts.is_some() {
                Sort::Relevance
            } else {
                Sort::Newest
            }
        }
        Some("relevance") => Sort::Relevance,
        Some("newest") => Sort::Newest,
        Some("price_asc") => Sort::PriceAsc,
        Some("price_desc") => Sort::PriceDesc,
        Some(_) => {
            return Err(ApiError::field(
                "sort",
                "must be relevance, newest, price_asc or price_desc",
            ));
        }
    };
    let cursor = cursor(&q)?;
    let invalid_cursor = || {
        ApiError::bad_request(
            "invalid_cursor",
            "the cursor does not belong to this listing's sort order: start again without it",
        )
    };
    if cursor.as_ref().is_some_and(|c| c.sort != sort) {
        return Err(invalid_cursor());
    }
    // Relevance without a query has nothing to rank by: newest order, same cursor.
    let (key_expr, order, cmp) = match sort {
        Sort::Relevance if f.fts.is_some() => ("rank", "rank ASC, id ASC", ">"),
        Sort::Relevance | Sort::Newest => ("created_at", "created_at DESC, id DESC", "<"),
        Sort::PriceAsc => ("min_price", "min_price ASC, id ASC", ">"),
        Sort::PriceDesc => ("min_price", "min_price DESC, id DESC", "<"),
    };
    let mut params = f.params.clone();
    let mut tail = String::new();
    if let Some(c) = &cursor {
        let key = match &c.key {
            Value::Number(n) if key_expr == "rank" => n.as_f64().map(libsql::Value::Real),
            Value::Number(n) => n.as_i64().map(libsql::Value::Integer),
            _ => None,
        }
        .ok_or_else(invalid_cursor)?;
        tail.push_str(&filters::after_cursor(key_expr, cmp));
        params.extend([key, int(c.id)]);
    }
    tail.push_str(&format!(" ORDER BY {order} LIMIT ?"));
    params.push(int(i64::from(limit) + 1));
    let ranked = matches!((&f.fts, sort), (Some(_), Sort::Relevance));
    let (total, facets, products) = aggregates(&conn, &f).await?;
    let mut condition = f.page_condition(ranked);
    // A page of common words in the sort's index order (`search.rs`).
    if f.fts.is_some()
        && !ranked
        && filters::index_order_pays(total, i64::from(limit) + 1, products)
    {
        condition = filters::in_index_order(&condition);
    }
    // The kept ranks, else the ranks kept and the page read from them, else
    // bm25 for every match (`search.rs`).
    let rows = match &f.fts {
        Some(words) if ranked => {
            let kept = filters::page(&filters::RANKED_KEPT, &condition, &tail, order);
            let rows = query(&conn, &kept, params.clone()).await?;
            if !rows.is_empty() || ranks_kept(&conn, words).await? {
                rows
            } else if let Some(rows) = keep_ranks(&conn, words, &kept, &params).await {
                rows
            } else {
                let live = filters::page(&filters::RANKED_LIVE, &condition, &tail, order);
                query(&conn, &live, params).await?
            }
        }
        _ => {
            query(
                &conn,
                &filters::page(&filters::UNRANKED, &condition, &tail, order),
                params,
            )
            .await?
        }
    };
    let more = rows.len() > limit as usize;
    let rows = &rows[..rows.len().min(limit as usize)];
    let next_cursor = if more {
        rows.last().map(|r| {
            let key = match key_expr {
                "rank" => json!(r.real(8)),
                "created_at" => json!(r.int(4)),
                _ => json!(r.int(3)),
            };
            B64.encode(
                serde_json::to_vec(&Cursor {
                    sort,
                    key,
                    id: r.int(0),
                })
                .unwrap_or_default(),
            )
        })
    } else {
        None
    };
    let items = rows
        .iter()
        .map(|r| summary(r))
        .collect::<ApiResult<Vec<Summary>>>()?;
    let body = Page {
        facets,
        items,
        next_cursor,
        total,
    };
    Ok(cached_json(&headers, &body, 30))
}

/// Whether the ranks of `words` are kept (`search.rs`: `ranks_kept`).
async fn ranks_kept(conn: &Pooled, words: &str) -> ApiResult<bool> {
    let rows = query(conn, filters::RANKS_KEPT, vec![text(words)]).await?;
    Ok(rows.first().is_some_and(|r| r.int(0) == 1))
}

/// Keeps the ranks of `words` and reads the page `kept` from them in one
/// write transaction (`search.rs`: `keep_ranks`).
async fn keep_ranks(
    conn: &Pooled,
    words: &str,
    kept: &str,
    params: &[libsql::Value],
) -> Option<Vec<Row>> {
    let page = async {
        query(conn, "BEGIN IMMEDIATE", vec![]).await?;
        for sql in filters::KEEP_RANKS {
            query(conn, sql, vec![text(words)]).await?;
        }
        let page = query(conn, kept, params.to_vec()).await?;
        query(conn, "COMMIT", vec![]).await?;
        Ok::<_, ApiError>(page)
    }
    .await;
    if page.is_err() {
        let _ = query(conn, "ROLLBACK", vec![]).await;
    }
    page.inspect_err(|e| eprintln!("native: search ranks not kept: {e:?}"))
        .ok()
}

/// The listing's total and facets; with `in_stock=true`, those of every match
/// less those of the matches out of stock (`search.rs`: `aggregates`).
async fn aggregates(conn: &Pooled, f: &Filter) -> ApiResult<(i64, Box<RawValue>, i64)> {
    let (total, all, products) = all_aggregates(conn, f).await?;
    if !f.in_stock {
        return Ok((total, all, products));
    }
    let params: Vec<libsql::Value> = f.params.iter().chain(&f.params).cloned().collect();
    let rows = query(
        conn,
        &facets::out_of_stock_aggregates_sql(&f.sql, OUT_OF_STOCK_SQL),
        params,
    )
    .await?;
    let Some(r) = rows.first() else {
        return Err(ApiError::internal("the listing aggregates returned no row"));
    };
    if r.int(0) == 0 {
        return Ok((total, all, products));
    }
    let all: Value = serde_json::from_str(all.get()).map_err(ApiError::internal)?;
    let (total, facets) = facets::in_stock((total, all), (r.int(0), facets(r)));
    Ok((total, raw(&facets)?, products))
}

/// Facets as JSON text (`search.rs`: `raw`).
fn raw(facets: &Value) -> ApiResult<Box<RawValue>> {
    serde_json::value::to_raw_value(facets).map_err(ApiError::internal)
}

/// Every match's total and facets, through `listing_aggregates`, and the
/// highest product id (`search.rs`: `all_aggregates`).
async fn all_aggregates(conn: &Pooled, f: &Filter) -> ApiResult<(i64, Box<RawValue>, i64)> {
    let key = cache_key(f);
    let cached = query(conn, filters::CACHED_AGGREGATES, vec![text(key.clone())]).await?;
    let row = cached.first();
    let generation = row.map_or(0, |r| r.int(0));
    let products = row.map_or(0, |r| r.int(2));
    if let Some(body) = row.and_then(|r| r.opt_text(1))
        && let Ok((total, facets)) = serde_json::from_str::<(i64, Box<RawValue>)>(&body)
    {
        return Ok((total, facets, products));
    }
    let (total, facets) = compute(conn, f).await?;
    if let Err(e) = query(
        conn,
        "INSERT INTO listing_aggregates (key, generation, body, created_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (key) DO UPDATE SET generation = excluded.generation, body = excluded.body,
                created_at = excluded.created_at
             WHERE excluded.generation >= listing_aggregates.generation",
        vec![
            text(key),
            int(generation),
            text(json!([total, facets]).to_string()),
            int(now()),
        ],
    )
    .await
    {
        eprintln!("native: listing aggregates not cached: {e:?}");
    }
    Ok((total, raw(&facets)?, products))
}

fn cache_key(f: &Filter) -> String {
    let params: Vec<Value> = f
        .params
        .iter()
        .map(|p| match p {
            libsql::Value::Integer(n) => json!(n),
            libsql::Value::Real(x) => json!(x),
            libsql::Value::Text(t) => json!(t),
            libsql::Value::Blob(b) => json!(b),
            libsql::Value::Null => Value::Null,
        })
        .collect();
    json!([f.sql, params]).to_string()
}

async fn compute(conn: &Pooled, f: &Filter) -> ApiResult<(i64, Value)> {
    let rows = query(conn, &facets::aggregates_sql(&f.sql), f.params.clone()).await?;
    let Some(r) = rows.first() else {
        return Err(ApiError::internal("the listing aggregates returned no row"));
    };
    Ok((r.int(0), facets(r)))
}

/// Facet counts over the whole filtered result, from a row of `aggregates_sql`.
fn facets(r: &[libsql::Value]) -> Value {
    let list = |i: usize| -> Vec<Value> {
        r.opt_text(i)
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default()
    };
    let mut options = Map::new();
    for o in list(5) {
        if let [Value::String(name), value, count] = o.as_array().map_or(&[][..], Vec::as_slice)
            && let Value::Array(values) = options.entry(name.clone()).or_insert_with(|| json!([]))
        {
            values.push(json!({ "value": value, "count": count }));
        }
    }
    let bound = |i: usize| r.opt_int(i).map_or(Value::Null, money);
    json!({
        "categories": list(3),
        "tags": list(4),
        "options": options,
        "price": { "min": bound(1), "max": bound(2) },
    })
}
