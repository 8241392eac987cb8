//! Products and variants: detail reads, admin writes, and the variant lookup
//! the cart uses.

use crate::detail::{Category, Columns, Product, parse_options};
use crate::input::{self, CURRENCY, Errors, VariantIn};
use crate::schema::detail_sql;
use crate::stock::AVAILABLE_SQL;
use edgecart_kit::auth::{self, Principal, Role};
use edgecart_kit::db::{Db, RowExt, int, is_unique_violation, text};
use edgecart_kit::http::{Ctx, Reply, cached_json, json};
use edgecart_kit::idempotency;
use edgecart_kit::{ApiError, ApiResult, now};
use serde_json::{Value, json};
use spin_sdk::http::StatusCode;
use std::collections::BTreeMap;

/// `{"amount", "currency"}`.
pub fn money(amount: i64) -> Value {
    json!({ "amount": amount, "currency": CURRENCY })
}

/// How a path names a product, as a condition on `products p` and its one
/// parameter: all digits is an id, anything else a slug.
fn key(id_or_slug: &str) -> (&'static str, spin_sdk::sqlite::Value) {
    if id_or_slug.chars().all(|c| c.is_ascii_digit()) {
        ("p.id = ?", int(id_or_slug.parse::<i64>().unwrap_or(0)))
    } else {
        ("p.slug = ?", text(id_or_slug))
    }
}

/// Resolves an id (all digits) or a slug to a product id and status.
async fn find(db: &Db, id_or_slug: &str) -> ApiResult<(i64, String)> {
    let (key, value) = key(id_or_slug);
    db.query(
        &format!("SELECT p.id, p.status FROM products p WHERE {key}"),
        [value],
    )
    .await?
    .first()
    .map(|r| (r.int(0), r.text(1)))
    .ok_or_else(|| ApiError::not_found("no such product"))
}

/// The full product as the API shows it.
pub async fn detail(db: &Db, id: i64) -> ApiResult<Product> {
    detail_where(db, "p.id = ?", int(id)).await
}

/// The full product matching `key`, a fixed condition on `p` (see [`key`])
/// whose one parameter is `value`.
async fn detail_where(db: &Db, key: &str, value: spin_sdk::sqlite::Value) -> ApiResult<Product> {
    let rows = db.query(&detail_sql(key), [value]).await?;
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

/// `GET /products/{id-or-slug}`: public for active products, admins see all.
pub async fn get(ctx: &Ctx, db: &Db, id_or_slug: &str) -> ApiResult<Reply> {
    let viewer = auth::optional(ctx).await?;
    let is_admin = viewer.is_some_and(|p| p.role == Role::Admin);
    // Found by the statement that reads it: no separate lookup.
    let (key, value) = key(id_or_slug);
    let body = detail_where(db, key, value).await?;
    if !body.is_active() && !is_admin {
        return Err(ApiError::not_found("no such product"));
    }
    Ok(if is_admin {
        json(StatusCode::OK, &body)
    } else {
        cached_json(ctx, &body, 30)
    })
}

/// Checks that a category exists.
async fn check_category(db: &Db, id: Option<i64>, e: &mut Errors) -> ApiResult<()> {
    if let Some(id) = id
        && db
            .query("SELECT 1 FROM categories WHERE id = ?", [int(id)])
            .await?
            .is_empty()
    {
        e.add("category_id", "is not an existing category");
    }
    Ok(())
}

/// Maps a unique violation to the conflict it means.
fn conflict(e: &spin_sdk::sqlite::Error) -> Option<ApiError> {
    if !is_unique_violation(e) {
        return None;
    }
    let msg = format!("{e:?}");
    Some(if msg.contains("variants.sku") {
        ApiError::conflict("sku_taken", "another variant already has this SKU")
    } else {
        ApiError::conflict("slug_taken", "another product already has this slug")
    })
}

async fn exec(db: &Db, sql: &str, params: Vec<spin_sdk::sqlite::Value>) -> ApiResult<u64> {
    match db.try_exec(sql, params).await {
        Ok(n) => Ok(n),
        Err(e) => Err(conflict(&e).unwrap_or_else(|| ApiError::internal(format!("{sql}: {e:?}")))),
    }
}

async fn insert_variant(db: &Db, product_id: i64, v: &VariantIn, position: i64) -> ApiResult<i64> {
    let options = serde_json::to_string(&v.options).unwrap_or_else(|_| "{}".into());
    exec(
        db,
        "INSERT INTO variants (product_id, sku, price, stock, options, position) VALUES (?, ?, ?, ?, ?, ?)",
        vec![int(product_id), text(v.sku.clone()), int(v.price), int(v.stock), text(options), int(position)],
    )
    .await?;
    let id = db.last_insert_rowid().await;
    write_options(db, id, product_id, &v.options).await?;
    Ok(id)
}

async fn write_options(
    db: &Db,
    variant_id: i64,
    product_id: i64,
    options: &BTreeMap<String, String>,
) -> ApiResult<()> {
    db.exec(
        "DELETE FROM variant_options WHERE variant_id = ?",
        [int(variant_id)],
    )
    .await?;
    for (name, value) in options {
        db.exec(
            "INSERT INTO variant_options (variant_id, product_id, name, value) VALUES (?, ?, ?, ?)",
            [
                int(variant_id),
                int(product_id),
                text(name.clone()),
                text(value.clone()),
            ],
        )
        .await?;
    }
    Ok(())
}

/// Recomputes a product's cached price range.
async fn refresh_prices(db: &Db, product_id: i64) -> ApiResult<()> {
    db.exec(
        "UPDATE products SET
            min_price = COALESCE((SELECT MIN(price) FROM variants WHERE product_id = ?1), 0),
            max_price = COALESCE((SELECT MAX(price) FROM variants WHERE product_id = ?1), 0),
            updated_at = ?2
         WHERE id = ?1",
        [int(product_id), int(now())],
    )
    .await
    .map(|_| ())
}

async fn write_tags(db: &Db, product_id: i64, tags: &[String]) -> ApiResult<()> {
    db.exec(
        "DELETE FROM product_tags WHERE product_id = ?",
        [int(product_id)],
    )
    .await?;
    for t in tags {
        db.exec(
            "INSERT INTO product_tags (product_id, tag) VALUES (?, ?)",
            [int(product_id), text(t.clone())],
        )
        .await?;
    }
    Ok(())
}

async fn write_images(db: &Db, product_id: i64, images: &[(String, String)]) -> ApiResult<()> {
    db.exec(
        "DELETE FROM product_images WHERE product_id = ?",
        [int(product_id)],
    )
    .await?;
    for (i, (url, alt)) in images.iter().enumerate() {
        db.exec(
            "INSERT INTO product_images (product_id, position, url, alt) VALUES (?, ?, ?, ?)",
            [
                int(product_id),
                int(i64::try_from(i).unwrap_or(0)),
                text(url.clone()),
                text(alt.clone()),
            ],
        )
        .await?;
    }
    Ok(())
}

/// `POST /products` (admin) → 201 detail. With an `Idempotency-Key`, a retry
/// gets the first answer instead of a second product (or a 409).
pub async fn create(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    let admin = auth::require_admin(ctx).await?;
    let Some(key) = idempotency::key_of(ctx)? else {
        return Ok(json(StatusCode::CREATED, &create_product(ctx, db).await?));
    };
    let scope = format!("create-product:{}", admin.user_id);
    match idempotency::claim(db, &scope, &key, &ctx.body).await? {
        idempotency::Claim::Replay(reply) => Ok(reply),
        idempotency::Claim::Run(claimed) => match create_product(ctx, db).await {
            Ok(detail) => {
                let body = serde_json::to_vec(&detail).unwrap_or_default();
                idempotency::complete(db, &claimed, StatusCode::CREATED, &body).await?;
                Ok(json(StatusCode::CREATED, &detail))
            }
            Err(e) => {
                idempotency::abandon(db, &claimed).await;
                Err(e)
            }
        },
    }
}

async fn create_product(ctx: &Ctx, db: &Db) -> ApiResult<Product> {
    let body = input::object(ctx.json()?)?;
    let mut e = Errors::default();
    input::only(
        &body,
        &[
            "title",
            "slug",
            "description",
            "status",
            "category_id",
            "tags",
            "images",
            "variants",
        ],
        "",
        &mut e,
    );
    let title = input::string(body.get("title"), "title", 1, 200, &mut e);
    let slug = match body.get("slug").filter(|s| !s.is_null()) {
        Some(s) => input::slug(Some(s), "slug", &mut e),
        None => title.as_deref().and_then(|t| {
            edgecart_kit::types::Slug::from_title(t)
                .map(|s| s.as_str().to_string())
                .map_err(|_| e.add("slug", "cannot be derived from the title: give one"))
                .ok()
        }),
    };
    let description = input::string(body.get("description"), "description", 0, 10_000, &mut e)
        .unwrap_or_default();
    let status = match body.get("status") {
        None | Some(Value::Null) => Some("draft".to_string()),
        s => input::status(s, "status", &mut e),
    };
    let category = input::nullable_id(body.get("category_id"), "category_id", &mut e).flatten();
    check_category(db, category, &mut e).await?;
    let tags = match body.get("tags") {
        None | Some(Value::Null) => Some(Vec::new()),
        t => input::tags(t, &mut e),
    };
    let images = match body.get("images") {
        None | Some(Value::Null) => Some(Vec::new()),
        i => input::images(i, &mut e),
    };
    let variants = input::variants(body.get("variants"), &mut e);
    e.finish()?;
    let (Some(title), Some(slug), Some(status), Some(tags), Some(images)) =
        (title, slug, status, tags, images)
    else {
        return Err(ApiError::internal("validated product fields missing"));
    };
    let id = db.transaction(async {
        let t = now();
        exec(
            db,
            "INSERT INTO products (slug, title, description, status, category_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                text(slug.clone()),
                text(title.clone()),
                text(description.clone()),
                text(status.clone()),
                category.map_or(spin_sdk::sqlite::Value::Null, int),
                int(t),
                int(t),
            ],
        )
        .await?;
        let id = db.last_insert_rowid().await;
        write_tags(db, id, &tags).await?;
        write_images(db, id, &images).await?;
        for (i, v) in variants.iter().enumerate() {
            insert_variant(db, id, v, i64::try_from(i).unwrap_or(0)).await?;
        }
        refresh_prices(db, id).await?;
        Ok(id)
    })
    .await?;
    detail(db, id).await
}

/// `PATCH /products/{id}` (admin).
pub async fn update(ctx: &Ctx, db: &Db, id_or_slug: &str) -> ApiResult<Reply> {
    auth::require_admin(ctx).await?;
    let (id, _) = find(db, id_or_slug).await?;
    let body = input::object(ctx.json()?)?;
    let mut e = Errors::default();
    input::only(
        &body,
        &[
            "title",
            "slug",
            "description",
            "status",
            "category_id",
            "tags",
            "images",
        ],
        "",
        &mut e,
    );
    let has = |k: &str| body.contains_key(k);
    let title = has("title")
        .then(|| input::string(body.get("title"), "title", 1, 200, &mut e))
        .flatten();
    let slug = has("slug")
        .then(|| input::slug(body.get("slug"), "slug", &mut e))
        .flatten();
    let description = has("description")
        .then(|| {
            input::string(body.get("description"), "description", 0, 10_000, &mut e)
                .or(Some(String::new()))
        })
        .flatten();
    let status = has("status")
        .then(|| input::status(body.get("status"), "status", &mut e))
        .flatten();
    let category = input::nullable_id(body.get("category_id"), "category_id", &mut e);
    if let Some(c) = category {
        check_category(db, c, &mut e).await?;
    }
    let tags = has("tags")
        .then(|| input::tags(body.get("tags"), &mut e))
        .flatten();
    let images = has("images")
        .then(|| input::images(body.get("images"), &mut e))
        .flatten();
    e.finish()?;
    db.transaction(async {
        let set = |col: &str, v: Option<String>| v.map(|v| (format!("{col} = ?"), text(v)));
        let mut sets: Vec<(String, spin_sdk::sqlite::Value)> = [
            set("title", title.clone()),
            set("slug", slug.clone()),
            set("description", description.clone()),
            set("status", status.clone()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if let Some(c) = category {
            sets.push((
                "category_id = ?".into(),
                c.map_or(spin_sdk::sqlite::Value::Null, int),
            ));
        }
        sets.push(("updated_at = ?".into(), int(now())));
        let sql = format!(
            "UPDATE products SET {} WHERE id = ?",
            sets.iter()
                .map(|(s, _)| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut params: Vec<_> = sets.into_iter().map(|(_, v)| v).collect();
        params.push(int(id));
        exec(db, &sql, params).await?;
        if let Some(t) = &tags {
            write_tags(db, id, t).await?;
        }
        if let Some(i) = &images {
            write_images(db, id, i).await?;
        }
        Ok(())
    })
    .await?;
    Ok(json(StatusCode::OK, &detail(db, id).await?))
}

/// `DELETE /products/{id}` (admin): archives.
pub async fn archive(ctx: &Ctx, db: &Db, id_or_slug: &str) -> ApiResult<Reply> {
    auth::require_admin(ctx).await?;
    let (id, _) = find(db, id_or_slug).await?;
    db.exec(
        "UPDATE products SET status = 'archived', updated_at = ? WHERE id = ?",
        [int(now()), int(id)],
    )
    .await?;
    Ok(json(StatusCode::OK, &detail(db, id).await?))
}

async fn variant_json(db: &Db, id: i64) -> ApiResult<Value> {
    let rows = db
        .query(
            &format!(
                "SELECT v.id, v.sku, v.price, {}, v.options FROM variants v WHERE v.id = ?",
                AVAILABLE_SQL
            ),
            [int(id)],
        )
        .await?;
    let r = rows
        .first()
        .ok_or_else(|| ApiError::not_found("no such variant"))?;
    Ok(json!({
        "id": r.int(0), "sku": r.text(1), "price": money(r.int(2)),
        "stock": r.int(3).max(0), "options": parse_options(&r.text(4)),
    }))
}

/// `POST /products/{id}/variants` (admin) → 201 variant.
pub async fn add_variant(ctx: &Ctx, db: &Db, id_or_slug: &str) -> ApiResult<Reply> {
    auth::require_admin(ctx).await?;
    let (product_id, _) = find(db, id_or_slug).await?;
    let body: Value = ctx.json()?;
    let mut e = Errors::default();
    let parsed = input::variant(&body, "", false, &mut e);
    e.finish()?;
    let v = parsed
        .complete()
        .ok_or_else(|| ApiError::internal("validated variant fields missing"))?;
    let id = db
        .transaction(async {
            let count = db
                .query(
                    "SELECT COUNT(*) FROM variants WHERE product_id = ?",
                    [int(product_id)],
                )
                .await?
                .first()
                .map_or(0, |r| r.int(0));
            if count >= 100 {
                return Err(ApiError::conflict(
                    "too_many_variants",
                    "a product has at most 100 variants",
                ));
            }
            let id = insert_variant(db, product_id, &v, count).await?;
            refresh_prices(db, product_id).await?;
            Ok(id)
        })
        .await?;
    Ok(json(StatusCode::CREATED, &variant_json(db, id).await?))
}

/// `PATCH /variants/{id}` (admin).
pub async fn update_variant(ctx: &Ctx, db: &Db, raw_id: &str) -> ApiResult<Reply> {
    auth::require_admin(ctx).await?;
    let id = variant_id(raw_id)?;
    let rows = db
        .query("SELECT product_id FROM variants WHERE id = ?", [int(id)])
        .await?;
    let product_id = rows
        .first()
        .map(|r| r.int(0))
        .ok_or_else(|| ApiError::not_found("no such variant"))?;
    let body: Value = ctx.json()?;
    let mut e = Errors::default();
    let input::VariantFields {
        sku,
        price,
        stock,
        options,
    } = input::variant(&body, "", true, &mut e);
    e.finish()?;
    db.transaction(async {
        if let Some(s) = &sku {
            exec(
                db,
                "UPDATE variants SET sku = ? WHERE id = ?",
                vec![text(s.clone()), int(id)],
            )
            .await?;
        }
        if let Some(p) = price {
            db.exec(
                "UPDATE variants SET price = ? WHERE id = ?",
                [int(p), int(id)],
            )
            .await?;
        }
        if let Some(s) = stock {
            db.exec(
                "UPDATE variants SET stock = ? WHERE id = ?",
                [int(s), int(id)],
            )
            .await?;
        }
        if let Some(o) = &options {
            let raw = serde_json::to_string(o).unwrap_or_else(|_| "{}".into());
            db.exec(
                "UPDATE variants SET options = ? WHERE id = ?",
                [text(raw), int(id)],
            )
            .await?;
            write_options(db, id, product_id, o).await?;
        }
        refresh_prices(db, product_id).await
    })
    .await?;
    Ok(json(StatusCode::OK, &variant_json(db, id).await?))
}

/// A variant id from the path; anything but a positive integer names no variant.
fn variant_id(raw: &str) -> ApiResult<i64> {
    raw.parse()
        .ok()
        .filter(|n: &i64| *n > 0)
        .ok_or_else(|| ApiError::not_found("no such variant"))
}

/// `DELETE /variants/{id}` (admin) → 200 with the product as it is now. A
/// product keeps at least one variant (archive the product instead), and a
/// variant a checkout holds stock of stays until that checkout ends. Carts
/// holding it show it as no longer sold; past orders keep their copy.
pub async fn delete_variant(ctx: &Ctx, db: &Db, raw_id: &str) -> ApiResult<Reply> {
    auth::require_admin(ctx).await?;
    let id = variant_id(raw_id)?;
    let product_id = db.transaction(async {
        let rows = db
            .query(
                "SELECT v.product_id, (SELECT COUNT(*) FROM variants w WHERE w.product_id = v.product_id),
                        EXISTS (SELECT 1 FROM reservation_lines l JOIN reservations r ON r.id = l.reservation_id
                                WHERE l.variant_id = v.id AND r.status = 'held' AND r.expires_at > ?)
                 FROM variants v WHERE v.id = ?",
                [int(now()), int(id)],
            )
            .await?;
        let r = rows
            .first()
            .ok_or_else(|| ApiError::not_found("no such variant"))?;
        let product_id = r.int(0);
        if r.int(1) <= 1 {
            return Err(ApiError::conflict(
                "last_variant",
                "a product keeps at least one variant: archive the product instead",
            ));
        }
        if r.int(2) != 0 {
            return Err(ApiError::conflict(
                "variant_reserved",
                "a checkout in progress holds stock of this variant: try again once it ends",
            ));
        }
        db.exec("DELETE FROM variant_options WHERE variant_id = ?", [int(id)])
            .await?;
        db.exec("DELETE FROM variants WHERE id = ?", [int(id)])
            .await?;
        db.exec(
            "UPDATE products SET updated_at = ? WHERE id = ?",
            [int(now()), int(product_id)],
        )
        .await?;
        refresh_prices(db, product_id).await?;
        Ok(product_id)
    })
    .await?;
    Ok(json(StatusCode::OK, &detail(db, product_id).await?))
}

/// `GET /variants?ids=1,2,3` → the variants that exist, with their product.
pub async fn lookup(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    let raw = ctx.params("ids");
    if raw.is_empty() {
        return Err(ApiError::field(
            "ids",
            "is required: comma-separated variant ids",
        ));
    }
    if raw.len() > 100 {
        return Err(ApiError::field("ids", "may name at most 100 variants"));
    }
    let ids: Vec<i64> = raw
        .iter()
        .map(|s| s.parse::<i64>())
        .collect::<Result<_, _>>()
        .map_err(|_| ApiError::field("ids", "must be comma-separated whole numbers"))?;
    let placeholders = vec!["?"; ids.len()].join(", ");
    let rows = db
        .query(
            &format!(
                "SELECT v.id, v.sku, p.id, p.slug, p.title, p.status, v.price, {}, v.options,
                        (SELECT url FROM product_images i WHERE i.product_id = p.id ORDER BY position LIMIT 1)
                 FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id IN ({placeholders}) ORDER BY v.id",
                AVAILABLE_SQL
            ),
            ids.iter().map(|i| int(*i)),
        )
        .await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "id": r.int(0), "sku": r.text(1), "product_id": r.int(2), "product_slug": r.text(3),
                "product_title": r.text(4), "status": r.text(5), "price": money(r.int(6)),
                "stock": r.int(7).max(0), "options": parse_options(&r.text(8)), "image": r.opt_text(9),
            })
        })
        .collect();
    Ok(json(StatusCode::OK, &json!({ "items": items })))
}

/// The caller, when an admin.
pub async fn admin_viewer(ctx: &Ctx) -> ApiResult<Option<Principal>> {
    Ok(auth::optional(ctx).await?.filter(|p| p.role == Role::Admin))
}
