//! Password reset: a request writes a single-use token, valid 30 minutes, to the
//! outbox addressed to the account's email; confirming it sets a new password
//! and ends every session. The request answers the same whether or not the email
//! has an account.

use crate::password;
use crate::sessions::{revoke_all, send_message};
use edgecart_kit::db::{Db, RowExt, int, text};
use edgecart_kit::http::{Ctx, Reply, json, no_content};
use edgecart_kit::types::Email;
use edgecart_kit::{ApiError, ApiResult, now, token};
use serde::Deserialize;
use serde_json::json;
use spin_sdk::http::StatusCode;

/// How long a reset token is valid.
pub const RESET_TTL: i64 = 30 * 60;

/// `POST /password-reset {email}` → 202, always.
pub async fn request(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    #[derive(Deserialize)]
    struct Body {
        email: String,
    }
    let b: Body = ctx.json()?;
    let email = Email::parse(&b.email).map_err(|m| ApiError::field("email", m))?;
    let rows = db
        .query(
            "SELECT id FROM users WHERE email = ?",
            [text(email.as_str())],
        )
        .await?;
    if let Some(r) = rows.first() {
        let t = token::random()?;
        let n = now();
        db.exec(
            "INSERT INTO password_resets (hash, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)",
            [text(token::hash(&t)), int(r.int(0)), int(n + RESET_TTL), int(n)],
        )
        .await?;
        send_message(
            db,
            email.as_str(),
            "Reset your Edgecart password",
            &format!(
                "Someone asked to reset the password of this account. If it was you, open\n/account/reset?token={t}\nwithin 30 minutes. Reset token: {t}\nIf it was not you, ignore this message."
            ),
        )
        .await?;
    }
    Ok(json(
        StatusCode::ACCEPTED,
        &json!({ "message": "if an account exists for this email, a reset link is on its way" }),
    ))
}

/// `POST /password-reset/confirm {token, password}` → 204.
pub async fn confirm(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    #[derive(Deserialize)]
    struct Body {
        token: String,
        password: String,
    }
    let b: Body = ctx.json()?;
    let invalid = || {
        ApiError::bad_request(
            "invalid_reset_token",
            "the reset link is invalid, used or expired: ask for a new one",
        )
    };
    let hash = token::hash(&b.token);
    let rows = db
        .query(
            "SELECT r.user_id, u.email FROM password_resets r JOIN users u ON u.id = r.user_id
             WHERE r.hash = ? AND r.used_at IS NULL AND r.expires_at > ?",
            [text(hash.clone()), int(now())],
        )
        .await?;
    let r = rows.first().ok_or_else(invalid)?;
    let (user_id, email) = (r.int(0), r.text(1));
    password::check_policy(&b.password, &email).map_err(|m| ApiError::field("password", m))?;
    let new_hash = password::hash(&b.password)?;
    db.begin().await?;
    let result = async {
        let claimed = db
            .exec(
                "UPDATE password_resets SET used_at = ? WHERE hash = ? AND used_at IS NULL",
                [int(now()), text(hash)],
            )
            .await?;
        if claimed != 1 {
            return Err(invalid());
        }
        db.exec(
            "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
            [int(now()), int(user_id)],
        )
        .await?;
        db.exec(
            "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
            [text(new_hash), int(now()), int(user_id)],
        )
        .await?;
        revoke_all(db, user_id).await
    }
    .await;
    match result {
        Ok(()) => {
            db.commit().await?;
            Ok(no_content())
        }
        Err(e) => {
            db.rollback().await;
            Err(e)
        }
    }
}
