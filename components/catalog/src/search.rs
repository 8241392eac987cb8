//! `GET /products`: full-text search, filters, facets, sort and keyset pages.
//!
//! The filter is built once as SQL over `products p` with its parameters and
//! reused by the page query and every facet query, so facet counts always agree
//! with the result. Search terms are reduced to letters and digits and each
//! becomes a quoted FTS5 prefix query (`"shi"*`), so no user input can reach
//! FTS5's syntax. Ranking is bm25 with the title weighted 10× the description.
//!
//! Keyset pagination: the cursor holds the sort key of the last item (and the sort
//! it belongs to). `newest`, `price_asc` and `price_desc` never repeat or skip an
//! item that existed on both reads, whatever is inserted in between. `relevance`
//! ranks by bm25, whose scores shift slightly when documents are added, so a
//! relevance page after inserts can at worst repeat or skip an item whose score
//! moved across the cursor.

use crate::categories::DESCENDANTS;
use crate::input::CURRENCY;
use crate::page::{Page, Summary};
use crate::products::admin_viewer;
use crate::stock::OUT_OF_STOCK_SQL;
use crate::{facets, filters};
use edgecart_kit::db::{Db, RowExt, int, text};
use edgecart_kit::http::{Ctx, Reply, cached_json, json};
use edgecart_kit::paging;
use edgecart_kit::{ApiError, ApiResult, now};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};
use spin_sdk::http::StatusCode;
use spin_sdk::sqlite::Value as Sql;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Sort {
    Relevance,
    Newest,
    PriceAsc,
    PriceDesc,
}

/// The sort key of the last item of a page.
#[derive(Serialize, Deserialize)]
struct Cursor {
    sort: Sort,
    /// created_at, min_price, or the bm25 rank (as f64 bits are not needed:
    /// JSON keeps enough precision for SQLite's doubles).
    key: Value,
    id: i64,
}

/// Turns user text into an FTS5 query of quoted prefix terms (all must match).
pub fn fts_query(q: &str) -> Option<String> {
    let terms: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(16)
        .map(|t| format!("\"{}\"*", t.to_lowercase()))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The most `tag` values, and the most `option.*` filters, one listing takes
/// (each becomes a subquery).
const MAX_FILTER_TERMS: usize = 20;

struct Filter {
    sql: String,
    params: Vec<Sql>,
    fts: Option<String>,
    /// `in_stock=true`: kept apart from `sql`, as stock changes without a new
    /// catalog generation (checkouts, expiring holds), so `sql` alone decides
    /// the cached aggregates.
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

fn bad(field: &str, msg: &str) -> ApiError {
    ApiError::field(field, msg)
}

async fn category_id(db: &Db, raw: &str) -> ApiResult<Option<i64>> {
    let rows = if raw.chars().all(|c| c.is_ascii_digit()) {
        db.query(
            "SELECT id FROM categories WHERE id = ?",
            [int(raw.parse::<i64>().unwrap_or(0))],
        )
        .await?
    } else {
        db.query("SELECT id FROM categories WHERE slug = ?", [text(raw)])
            .await?
    };
    Ok(rows.first().map(|r| r.int(0)))
}

async fn filter(ctx: &Ctx, db: &Db, is_admin: bool) -> ApiResult<Filter> {
    let q = ctx.param("q").unwrap_or("");
    if q.chars().count() > 200 {
        return Err(bad("q", "must be at most 200 characters"));
    }
    let fts = fts_query(q);
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
    match ctx.param("status") {
        None | Some("active") => sql.push_str(&format!("{status} = 'active'")),
        Some(s @ ("draft" | "archived")) if is_admin => {
            sql.push_str(&format!("{status} = ?"));
            params.push(text(s));
        }
        Some("any") if is_admin => sql.push_str("1 = 1"),
        Some("draft" | "archived" | "any") => {
            return Err(ApiError::forbidden(
                "only admins may list products that are not active",
            ));
        }
        Some(_) => return Err(bad("status", "must be active, draft, archived or any")),
    }
    if let Some(c) = ctx.param("category").filter(|c| !c.is_empty()) {
        match category_id(db, c).await? {
            Some(id) => {
                sql.push_str(&format!(" AND p.category_id IN ({DESCENDANTS})"));
                params.push(int(id));
            }
            None => sql.push_str(" AND 0"),
        }
    }
    let tags = ctx.params("tag");
    if tags.len() > MAX_FILTER_TERMS {
        return Err(bad(
            "tag",
            &format!("may name at most {MAX_FILTER_TERMS} tags"),
        ));
    }
    for tag in tags {
        sql.push_str(filters::tag(fts.is_some()));
        params.push(text(tag.to_lowercase()));
    }
    for (name, field) in [("min_price", ">="), ("max_price", "<=")] {
        if let Some(raw) = ctx.param(name) {
            let n: i64 = raw
                .parse()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| bad(name, "must be a whole number of minor units, 0 or more"))?;
            sql.push_str(&format!(" AND p.min_price {field} ?"));
            params.push(int(n));
        }
    }
    let in_stock = match ctx.param("in_stock") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(bad("in_stock", "must be true or false")),
    };
    let mut option_filters = 0;
    for (k, v) in &ctx.query {
        if let Some(name) = k.strip_prefix("option.") {
            option_filters += 1;
            if option_filters > MAX_FILTER_TERMS {
                return Err(bad(
                    k,
                    &format!("at most {MAX_FILTER_TERMS} option filters may be given"),
                ));
            }
            if name.is_empty() || v.is_empty() {
                return Err(bad(k, "must name an option and a value, as option.size=M"));
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

/// A page item from a row of the page query ([`filters::page`]).
fn summary(r: &spin_sdk::sqlite::RowResult) -> ApiResult<Summary> {
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

/// `GET /products`.
pub async fn list(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    let is_admin = admin_viewer(ctx).await?.is_some();
    let limit = paging::limit(ctx, 24, 100)?;
    let f = filter(ctx, db, is_admin).await?;
    let sort = match ctx.param("sort") {
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
            return Err(bad(
                "sort",
                "must be relevance, newest, price_asc or price_desc",
            ));
        }
    };
    let cursor: Option<Cursor> = paging::cursor(ctx)?;
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
            Value::Number(n) if key_expr == "rank" => n.as_f64().map(Sql::Real),
            Value::Number(n) => n.as_i64().map(Sql::Integer),
            _ => None,
        }
        .ok_or_else(invalid_cursor)?;
        tail.push_str(&filters::after_cursor(key_expr, cmp));
        params.extend([key, int(c.id)]);
    }
    tail.push_str(&format!(" ORDER BY {order} LIMIT ?"));
    params.push(int(i64::from(limit) + 1));
    let ranked = matches!((&f.fts, sort), (Some(_), Sort::Relevance));
    let (total, facets, products) = aggregates(db, &f).await?;
    let mut condition = f.page_condition(ranked);
    // A page sorted by newest or price, of words that match many products,
    // reads the sort's index in order (a later page from its cursor's row).
    if f.fts.is_some()
        && !ranked
        && filters::index_order_pays(total, i64::from(limit) + 1, products)
    {
        condition = filters::in_index_order(&condition);
    }
    // A page ranked by the words reads their ranks as kept for the current
    // catalog generation. When they are not kept, it keeps them and reads the
    // page from them in the same transaction. If keeping fails, it ranks this
    // page itself, with bm25 from one FTS5 query joined by rowid (a correlated
    // `MATCH ... AND rowid = p.id` per candidate re-ran the search for every
    // matched product).
    let rows = match &f.fts {
        Some(words) if ranked => {
            let kept = filters::page(&filters::RANKED_KEPT, &condition, &tail, order);
            let rows = db.query(&kept, params.clone()).await?;
            if !rows.is_empty() || ranks_kept(db, words).await? {
                rows
            } else if let Some(rows) = keep_ranks(db, words, &kept, &params).await {
                rows
            } else {
                let live = filters::page(&filters::RANKED_LIVE, &condition, &tail, order);
                db.query(&live, params).await?
            }
        }
        _ => {
            db.query(
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
            paging::encode(&Cursor {
                sort,
                key,
                id: r.int(0),
            })
        })
    } else {
        None
    };
    let items = rows
        .iter()
        .map(summary)
        .collect::<ApiResult<Vec<Summary>>>()?;
    let body = Page {
        facets,
        items,
        next_cursor,
        total,
    };
    Ok(if is_admin {
        json(StatusCode::OK, &body)
    } else {
        cached_json(ctx, &body, 30)
    })
}

/// Whether the ranks of every match of `words` are kept for the current
/// catalog generation.
async fn ranks_kept(db: &Db, words: &str) -> ApiResult<bool> {
    let rows = db.query(filters::RANKS_KEPT, [text(words)]).await?;
    Ok(rows.first().is_some_and(|r| r.int(0) == 1))
}

/// Keeps the ranks of every match of `words` for the current catalog
/// generation ([`filters::KEEP_RANKS`]), and reads the page `kept` (with
/// `params`) from them in the same transaction, whose write lock holds the
/// generation still. Best effort, like the aggregates: `None` if it failed,
/// and the caller ranks the page itself.
async fn keep_ranks(
    db: &Db,
    words: &str,
    kept: &str,
    params: &[Sql],
) -> Option<Vec<spin_sdk::sqlite::RowResult>> {
    let page = db
        .transaction(async {
            for sql in filters::KEEP_RANKS {
                db.exec(sql, [text(words)]).await?;
            }
            db.query(kept, params.iter().cloned()).await
        })
        .await;
    page.inspect_err(|e| eprintln!("catalog: search ranks not kept: {e:?}"))
        .ok()
}

/// The listing's total and facets, as JSON text. With `in_stock=true`, those
/// of every match less those of the matches out of stock (`facets::in_stock`),
/// which are few and computed each time; when none is, every match's are
/// written out unchanged, not parsed.
async fn aggregates(db: &Db, f: &Filter) -> ApiResult<(i64, Box<RawValue>, i64)> {
    let (total, all, products) = all_aggregates(db, f).await?;
    if !f.in_stock {
        return Ok((total, all, products));
    }
    let params: Vec<Sql> = f.params.iter().chain(&f.params).cloned().collect();
    let rows = db
        .query(
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
    let all: Value = serde_json::from_str(all.get())
        .map_err(|e| ApiError::internal(format!("the listing facets: {e}")))?;
    let (total, facets) = facets::in_stock((total, all), (r.int(0), facets(r)));
    Ok((total, raw(&facets)?, products))
}

/// Facets as JSON text, to be written into a page unchanged.
fn raw(facets: &Value) -> ApiResult<Box<RawValue>> {
    serde_json::value::to_raw_value(facets)
        .map_err(|e| ApiError::internal(format!("the listing facets: {e}")))
}

/// The total and facets of every match, stock aside: from `listing_aggregates`
/// when an entry of the current catalog generation holds them, else computed
/// and stored. Storing is best effort: a failed insert only means the next
/// listing computes again. The facets stay the JSON text they are stored as:
/// a page writes them out unchanged, so they are not parsed into a tree.
/// Third, the highest product id ([`filters::CACHED_AGGREGATES`]).
async fn all_aggregates(db: &Db, f: &Filter) -> ApiResult<(i64, Box<RawValue>, i64)> {
    let key = cache_key(f);
    let cached = db
        .query(filters::CACHED_AGGREGATES, [text(key.clone())])
        .await?;
    let row = cached.first();
    let generation = row.map_or(0, |r| r.int(0));
    let products = row.map_or(0, |r| r.int(2));
    if let Some(body) = row.and_then(|r| r.opt_text(1))
        && let Ok((total, facets)) = serde_json::from_str::<(i64, Box<RawValue>)>(&body)
    {
        return Ok((total, facets, products));
    }
    let (total, facets) = compute(db, f).await?;
    if let Err(e) = db
        .try_exec(
            "INSERT INTO listing_aggregates (key, generation, body, created_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (key) DO UPDATE SET generation = excluded.generation, body = excluded.body,
                created_at = excluded.created_at
             WHERE excluded.generation >= listing_aggregates.generation",
            [
                text(key),
                int(generation),
                text(json!([total, facets]).to_string()),
                int(now()),
            ],
        )
        .await
    {
        eprintln!("catalog: listing aggregates not cached: {e:?}");
    }
    Ok((total, raw(&facets)?, products))
}

/// The filter's SQL and parameters, which decide a listing's aggregates (sort,
/// cursor and page size do not).
fn cache_key(f: &Filter) -> String {
    let params: Vec<Value> = f
        .params
        .iter()
        .map(|p| match p {
            Sql::Integer(n) => json!(n),
            Sql::Real(x) => json!(x),
            Sql::Text(t) => json!(t),
            Sql::Blob(b) => json!(b),
            Sql::Null => Value::Null,
        })
        .collect();
    json!([f.sql, params]).to_string()
}

/// The listing's total and facets, computed.
async fn compute(db: &Db, f: &Filter) -> ApiResult<(i64, Value)> {
    let rows = db
        .query(&facets::aggregates_sql(&f.sql), f.params.clone())
        .await?;
    let Some(r) = rows.first() else {
        return Err(ApiError::internal("the listing aggregates returned no row"));
    };
    Ok((r.int(0), facets(r)))
}

/// Facet counts over the whole filtered result, from a row of `aggregates_sql`.
fn facets(r: &spin_sdk::sqlite::RowResult) -> Value {
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
    let bound = |i: usize| {
        r.opt_int(i).map_or(
            Value::Null,
            |n| json!({ "amount": n, "currency": CURRENCY }),
        )
    };
    json!({
        "categories": list(3),
        "tags": list(4),
        "options": options,
        "price": { "min": bound(1), "max": bound(2) },
    })
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn search_text_becomes_quoted_prefix_terms() {
        assert_eq!(fts_query("Red shi").as_deref(), Some("\"red\"* \"shi\"*"));
        assert_eq!(fts_query("\"* NEAR( -: ^").as_deref(), Some("\"near\"*"));
        assert_eq!(fts_query("  ").as_deref(), None);
        assert_eq!(fts_query("café").as_deref(), Some("\"café\"*"));
    }
}
