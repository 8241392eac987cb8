//! Admin routes: the account list, role changes, and the outbox (the messages the
//! shop would send; in development the operator reads reset links here).

use crate::sessions::user_json;
use edgecart_kit::auth::{Role, require_admin};
use edgecart_kit::db::{Db, RowExt, int, text};
use edgecart_kit::http::{Ctx, Reply, json};
use edgecart_kit::paging::{self, Page};
use edgecart_kit::{ApiError, ApiResult, now};
use serde::Deserialize;
use serde_json::{Value, json};
use spin_sdk::http::StatusCode;

/// `GET /admin/users?limit&cursor&email=` → accounts, newest first.
pub async fn list_users(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    require_admin(ctx).await?;
    let limit = paging::limit(ctx, 50, 100)?;
    let before: i64 = paging::cursor(ctx)?.unwrap_or(i64::MAX);
    let filter = ctx.param("email").unwrap_or("").to_lowercase();
    let rows = db
        .query(
            "SELECT id, email, name, phone, role, created_at FROM users
             WHERE id < ? AND instr(email, ?) > 0 ORDER BY id DESC LIMIT ?",
            [int(before), text(filter), int(i64::from(limit) + 1)],
        )
        .await?;
    let more = rows.len() > limit as usize;
    let items: Vec<Value> = rows
        .iter()
        .take(limit as usize)
        .map(|r| {
            json!({
                "id": r.int(0), "email": r.text(1), "name": r.text(2),
                "phone": r.text(3), "role": r.text(4), "created_at": r.int(5),
            })
        })
        .collect();
    let next_cursor = more
        .then(|| items.last().and_then(|v| v["id"].as_i64()))
        .flatten()
        .map(|id| paging::encode(&id));
    Ok(json(StatusCode::OK, &Page { items, next_cursor }))
}

/// `PATCH /admin/users/{id} {role}`.
pub async fn set_role(ctx: &Ctx, db: &Db, id: &str) -> ApiResult<Reply> {
    #[derive(Deserialize)]
    struct Body {
        role: String,
    }
    let me = require_admin(ctx).await?;
    let id = crate::path_id(id)?;
    let b: Body = ctx.json()?;
    let role = Role::parse(&b.role)
        .ok_or_else(|| ApiError::field("role", "must be `customer` or `admin`"))?;
    if id == me.user_id && role != Role::Admin {
        return Err(ApiError::conflict(
            "cannot_demote_self",
            "an admin cannot remove their own admin role",
        ));
    }
    let n = db
        .exec(
            "UPDATE users SET role = ?, updated_at = ? WHERE id = ?",
            [text(role.as_str()), int(now()), int(id)],
        )
        .await?;
    if n == 0 {
        return Err(ApiError::not_found("no such account"));
    }
    Ok(json(StatusCode::OK, &user_json(db, id).await?))
}

/// `GET /admin/outbox?limit` → the newest messages first.
pub async fn outbox(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    require_admin(ctx).await?;
    let limit = paging::limit(ctx, 50, 100)?;
    let rows = db
        .query(
            "SELECT id, recipient, subject, body, created_at FROM outbox ORDER BY id DESC LIMIT ?",
            [int(i64::from(limit))],
        )
        .await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "id": r.int(0), "recipient": r.text(1), "subject": r.text(2),
                "body": r.text(3), "created_at": r.int(4),
            })
        })
        .collect();
    Ok(json(StatusCode::OK, &json!({ "items": items })))
}
