//! The category tree: `GET /categories` (public, cached) and the admin writes.
//!
//! Categories nest through `parent_id`; a move that would make a category its own
//! ancestor is refused, so the tree stays acyclic. `product_count` counts active
//! products of a category and all its descendants; product listings filtered by a
//! category include its descendants too ([`DESCENDANTS`]).

use crate::input::{self, Errors};
use edgecart_kit::auth;
use edgecart_kit::db::{Db, RowExt, int, is_unique_violation, text};
use edgecart_kit::http::{Ctx, Reply, cached_json, json, no_content};
use edgecart_kit::types::Slug;
use edgecart_kit::{ApiError, ApiResult, now};
use serde_json::{Value, json};
use spin_sdk::http::StatusCode;
use std::collections::HashMap;

struct Row {
    id: i64,
    slug: String,
    name: String,
    parent: Option<i64>,
    position: i64,
    direct: i64,
}

fn one(r: &spin_sdk::sqlite::RowResult) -> Value {
    json!({ "id": r.int(0), "slug": r.text(1), "name": r.text(2), "parent_id": r.opt_int(3), "position": r.int(4) })
}

async fn by_id(db: &Db, id: i64) -> ApiResult<Value> {
    db.query(
        "SELECT id, slug, name, parent_id, position FROM categories WHERE id = ?",
        [int(id)],
    )
    .await?
    .first()
    .map(one)
    .ok_or_else(|| ApiError::not_found("no such category"))
}

/// The ids of a category and all its descendants.
pub const DESCENDANTS: &str = "WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub";

/// `GET /categories`: the tree, children sorted by position then name, with the
/// number of active products in each subtree.
pub async fn tree(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    let rows: Vec<Row> = db
        .query(
            "SELECT c.id, c.slug, c.name, c.parent_id, c.position,
                    (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id AND p.status = 'active')
             FROM categories c ORDER BY c.position, c.name, c.id",
            [],
        )
        .await?
        .iter()
        .map(|r| Row {
            id: r.int(0),
            slug: r.text(1),
            name: r.text(2),
            parent: r.opt_int(3),
            position: r.int(4),
            direct: r.int(5),
        })
        .collect();
    let mut children: HashMap<Option<i64>, Vec<&Row>> = HashMap::new();
    for r in &rows {
        children.entry(r.parent).or_default().push(r);
    }
    fn build(node: &Row, children: &HashMap<Option<i64>, Vec<&Row>>, depth: usize) -> (Value, i64) {
        let mut count = node.direct;
        let mut kids = Vec::new();
        if depth < 32 {
            for c in children.get(&Some(node.id)).into_iter().flatten() {
                let (v, n) = build(c, children, depth + 1);
                count += n;
                kids.push(v);
            }
        }
        (
            json!({ "id": node.id, "slug": node.slug, "name": node.name, "parent_id": node.parent,
                    "position": node.position, "product_count": count, "children": kids }),
            count,
        )
    }
    let items: Vec<Value> = children
        .get(&None)
        .into_iter()
        .flatten()
        .map(|r| build(r, &children, 0).0)
        .collect();
    Ok(cached_json(ctx, &json!({ "items": items }), 60))
}

fn unique_slug(e: spin_sdk::sqlite::Error) -> ApiError {
    if is_unique_violation(&e) {
        ApiError::conflict("slug_taken", "another category already has this slug")
    } else {
        ApiError::internal(format!("category write: {e:?}"))
    }
}

/// Whether `ancestor` is `id` or above it in the tree.
async fn would_cycle(db: &Db, id: i64, new_parent: i64) -> ApiResult<bool> {
    let rows = db
        .query(&format!("{DESCENDANTS} LIMIT 10000"), [int(id)])
        .await?;
    Ok(rows.iter().any(|r| r.int(0) == new_parent))
}

/// `POST /categories` (admin).
pub async fn create(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    auth::require_admin(ctx).await?;
    let body = input::object(ctx.json()?)?;
    let mut e = Errors::default();
    input::only(
        &body,
        &["name", "slug", "parent_id", "position"],
        "",
        &mut e,
    );
    let name = input::string(body.get("name"), "name", 1, 80, &mut e);
    let slug = match body.get("slug").filter(|s| !s.is_null()) {
        Some(s) => input::slug(Some(s), "slug", &mut e),
        None => name.as_deref().and_then(|n| {
            Slug::from_title(n)
                .map(|s| s.as_str().to_string())
                .map_err(|_| e.add("slug", "cannot be derived from the name: give one"))
                .ok()
        }),
    };
    let parent = input::nullable_id(body.get("parent_id"), "parent_id", &mut e).flatten();
    if let Some(p) = parent
        && db
            .query("SELECT 1 FROM categories WHERE id = ?", [int(p)])
            .await?
            .is_empty()
    {
        e.add("parent_id", "is not an existing category");
    }
    let position = match body.get("position") {
        None | Some(Value::Null) => Some(0),
        p => input::integer(p, "position", -1_000_000, 1_000_000, &mut e),
    };
    e.finish()?;
    let (Some(name), Some(slug), Some(position)) = (name, slug, position) else {
        return Err(ApiError::internal("validated category fields missing"));
    };
    db.try_exec(
        "INSERT INTO categories (slug, name, parent_id, position, created_at) VALUES (?, ?, ?, ?, ?)",
        [text(slug), text(name), parent.map_or(spin_sdk::sqlite::Value::Null, int), int(position), int(now())],
    )
    .await
    .map_err(unique_slug)?;
    let id = db.last_insert_rowid().await;
    Ok(json(StatusCode::CREATED, &by_id(db, id).await?))
}

fn path_id(raw: &str) -> ApiResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::not_found("no such category"))
}

/// `PATCH /categories/{id}` (admin).
pub async fn update(ctx: &Ctx, db: &Db, raw: &str) -> ApiResult<Reply> {
    auth::require_admin(ctx).await?;
    let id = path_id(raw)?;
    by_id(db, id).await?;
    let body = input::object(ctx.json()?)?;
    let mut e = Errors::default();
    input::only(
        &body,
        &["name", "slug", "parent_id", "position"],
        "",
        &mut e,
    );
    let name = body
        .contains_key("name")
        .then(|| input::string(body.get("name"), "name", 1, 80, &mut e))
        .flatten();
    let slug = body
        .contains_key("slug")
        .then(|| input::slug(body.get("slug"), "slug", &mut e))
        .flatten();
    let parent = input::nullable_id(body.get("parent_id"), "parent_id", &mut e);
    if let Some(Some(p)) = parent {
        if db
            .query("SELECT 1 FROM categories WHERE id = ?", [int(p)])
            .await?
            .is_empty()
        {
            e.add("parent_id", "is not an existing category");
        } else if would_cycle(db, id, p).await? {
            e.add("parent_id", "would put the category inside itself");
        }
    }
    let position = body
        .contains_key("position")
        .then(|| {
            input::integer(
                body.get("position"),
                "position",
                -1_000_000,
                1_000_000,
                &mut e,
            )
        })
        .flatten();
    e.finish()?;
    // One transaction: a slug conflict leaves the other fields unchanged too.
    db.transaction(async {
        if let Some(n) = name {
            db.exec(
                "UPDATE categories SET name = ? WHERE id = ?",
                [text(n), int(id)],
            )
            .await?;
        }
        if let Some(s) = slug {
            db.try_exec(
                "UPDATE categories SET slug = ? WHERE id = ?",
                [text(s), int(id)],
            )
            .await
            .map_err(unique_slug)?;
        }
        if let Some(p) = parent {
            // Checked again under the write lock: two concurrent moves must not
            // close a loop that neither saw alone.
            if let Some(p) = p
                && would_cycle(db, id, p).await?
            {
                return Err(ApiError::field(
                    "parent_id",
                    "would put the category inside itself",
                ));
            }
            db.exec(
                "UPDATE categories SET parent_id = ? WHERE id = ?",
                [p.map_or(spin_sdk::sqlite::Value::Null, int), int(id)],
            )
            .await?;
        }
        if let Some(p) = position {
            db.exec(
                "UPDATE categories SET position = ? WHERE id = ?",
                [int(p), int(id)],
            )
            .await?;
        }
        Ok(())
    })
    .await?;
    Ok(json(StatusCode::OK, &by_id(db, id).await?))
}

/// `DELETE /categories/{id}` (admin): only when empty.
pub async fn delete(ctx: &Ctx, db: &Db, raw: &str) -> ApiResult<Reply> {
    auth::require_admin(ctx).await?;
    let id = path_id(raw)?;
    by_id(db, id).await?;
    let used = db
        .query(
            "SELECT (SELECT COUNT(*) FROM categories WHERE parent_id = ?1) + (SELECT COUNT(*) FROM products WHERE category_id = ?1)",
            [int(id)],
        )
        .await?
        .first()
        .map_or(0, |r| r.int(0));
    if used > 0 {
        return Err(ApiError::conflict(
            "category_not_empty",
            "move or delete its subcategories and products first",
        ));
    }
    db.exec("DELETE FROM categories WHERE id = ?", [int(id)])
        .await?;
    Ok(no_content())
}
