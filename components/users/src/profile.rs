//! The signed-in user's own account: details, password, addresses.

use crate::password;
use crate::sessions::{revoke_all, user_json};
use edgecart_kit::auth::authenticate;
use edgecart_kit::db::{Db, RowExt, int, text};
use edgecart_kit::http::{Ctx, Reply, json, no_content};
use edgecart_kit::{ApiError, ApiResult, now};
use serde::Deserialize;
use serde_json::{Value, json};
use spin_sdk::http::StatusCode;

/// `GET /me` → the account with its addresses.
pub async fn get(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    let me = authenticate(ctx).await?;
    let mut user = user_json(db, me.user_id).await?;
    user["addresses"] = Value::Array(addresses(db, me.user_id).await?);
    Ok(json(StatusCode::OK, &user))
}

fn check_len(errors: &mut Vec<(String, String)>, field: &str, v: &str, min: usize, max: usize) {
    let n = v.chars().count();
    if n < min || n > max {
        let msg = if min == 0 {
            format!("must be at most {max} characters")
        } else {
            format!("must be {min} to {max} characters")
        };
        errors.push((field.to_string(), msg));
    }
}

fn check_phone(errors: &mut Vec<(String, String)>, field: &str, v: &str) {
    if v.chars().count() > 30
        || !v
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.'))
    {
        errors.push((
            field.to_string(),
            "must be a phone number: digits, spaces and + - ( ) . only, at most 30".into(),
        ));
    }
}

/// `PATCH /me {name?, phone?}`.
pub async fn update(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Patch {
        name: Option<String>,
        phone: Option<String>,
    }
    let me = authenticate(ctx).await?;
    let p: Patch = ctx.json()?;
    let mut errors = Vec::new();
    let name = p.name.map(|n| n.trim().to_string());
    let phone = p.phone.map(|n| n.trim().to_string());
    if let Some(n) = &name {
        check_len(&mut errors, "name", n, 0, 100);
    }
    if let Some(ph) = &phone {
        check_phone(&mut errors, "phone", ph);
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    db.exec(
        "UPDATE users SET name = COALESCE(?, name), phone = COALESCE(?, phone), updated_at = ? WHERE id = ?",
        [
            edgecart_kit::db::opt_text(name),
            edgecart_kit::db::opt_text(phone),
            int(now()),
            int(me.user_id),
        ],
    )
    .await?;
    get(ctx, db).await
}

/// `POST /me/password {current_password, new_password}` → 204; every session
/// (refresh token) of the account ends.
pub async fn change_password(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    #[derive(Deserialize)]
    struct Change {
        current_password: String,
        new_password: String,
    }
    let me = authenticate(ctx).await?;
    let c: Change = ctx.json()?;
    let rows = db
        .query(
            "SELECT email, password_hash FROM users WHERE id = ?",
            [int(me.user_id)],
        )
        .await?;
    let r = rows
        .first()
        .ok_or_else(|| ApiError::not_found("the account no longer exists"))?;
    if !password::verify(&c.current_password, &r.text(1)) {
        return Err(ApiError::field("current_password", "is wrong"));
    }
    password::check_policy(&c.new_password, &r.text(0))
        .map_err(|m| ApiError::field("new_password", m))?;
    let hash = password::hash(&c.new_password)?;
    db.exec(
        "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
        [text(hash), int(now()), int(me.user_id)],
    )
    .await?;
    revoke_all(db, me.user_id).await?;
    Ok(no_content())
}

const ADDRESS_COLUMNS: &str =
    "id, name, line1, line2, city, postal_code, region, country, phone, is_default, created_at";

fn address_json(r: &spin_sdk::sqlite::RowResult) -> Value {
    json!({
        "id": r.int(0),
        "name": r.text(1),
        "line1": r.text(2),
        "line2": r.text(3),
        "city": r.text(4),
        "postal_code": r.text(5),
        "region": r.text(6),
        "country": r.text(7),
        "phone": r.text(8),
        "is_default": r.int(9) != 0,
        "created_at": r.int(10),
    })
}

async fn addresses(db: &Db, user_id: i64) -> ApiResult<Vec<Value>> {
    Ok(db
        .query(
            &format!("SELECT {ADDRESS_COLUMNS} FROM addresses WHERE user_id = ? ORDER BY is_default DESC, id"),
            [int(user_id)],
        )
        .await?
        .iter()
        .map(address_json)
        .collect())
}

/// An address as submitted; every field optional so PATCH can reuse it.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AddressInput {
    name: Option<String>,
    line1: Option<String>,
    line2: Option<String>,
    city: Option<String>,
    postal_code: Option<String>,
    region: Option<String>,
    country: Option<String>,
    phone: Option<String>,
    is_default: Option<bool>,
}

/// A complete, validated address.
struct Address {
    name: String,
    line1: String,
    line2: String,
    city: String,
    postal_code: String,
    region: String,
    country: String,
    phone: String,
    is_default: bool,
}

impl AddressInput {
    /// Fills absent fields from `base` (PATCH) and validates the result.
    fn complete(self, base: Option<Address>) -> ApiResult<Address> {
        let b = base.unwrap_or(Address {
            name: String::new(),
            line1: String::new(),
            line2: String::new(),
            city: String::new(),
            postal_code: String::new(),
            region: String::new(),
            country: String::new(),
            phone: String::new(),
            is_default: false,
        });
        let t = |v: Option<String>, d: String| v.map(|s| s.trim().to_string()).unwrap_or(d);
        let a = Address {
            name: t(self.name, b.name),
            line1: t(self.line1, b.line1),
            line2: t(self.line2, b.line2),
            city: t(self.city, b.city),
            postal_code: t(self.postal_code, b.postal_code),
            region: t(self.region, b.region),
            country: t(self.country, b.country).to_ascii_uppercase(),
            phone: t(self.phone, b.phone),
            is_default: self.is_default.unwrap_or(b.is_default),
        };
        let mut e = Vec::new();
        check_len(&mut e, "name", &a.name, 1, 100);
        check_len(&mut e, "line1", &a.line1, 1, 200);
        check_len(&mut e, "line2", &a.line2, 0, 200);
        check_len(&mut e, "city", &a.city, 1, 100);
        check_len(&mut e, "postal_code", &a.postal_code, 1, 20);
        check_len(&mut e, "region", &a.region, 0, 100);
        if a.country.len() != 2 || !a.country.chars().all(|c| c.is_ascii_uppercase()) {
            e.push((
                "country".into(),
                "must be a two-letter ISO 3166-1 country code such as DE".into(),
            ));
        }
        check_phone(&mut e, "phone", &a.phone);
        if e.is_empty() {
            Ok(a)
        } else {
            Err(ApiError::validation(e))
        }
    }
}

/// `GET /me/addresses`.
pub async fn list_addresses(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    let me = authenticate(ctx).await?;
    Ok(json(
        StatusCode::OK,
        &json!({ "items": addresses(db, me.user_id).await? }),
    ))
}

/// At most this many addresses per account.
const MAX_ADDRESSES: i64 = 20;

async fn save_address(db: &Db, user_id: i64, id: Option<i64>, a: &Address) -> ApiResult<i64> {
    db.begin().await?;
    let result = async {
        if a.is_default {
            db.exec(
                "UPDATE addresses SET is_default = 0 WHERE user_id = ?",
                [int(user_id)],
            )
            .await?;
        }
        let params = [
            text(a.name.clone()),
            text(a.line1.clone()),
            text(a.line2.clone()),
            text(a.city.clone()),
            text(a.postal_code.clone()),
            text(a.region.clone()),
            text(a.country.clone()),
            text(a.phone.clone()),
            int(i64::from(a.is_default)),
        ];
        match id {
            Some(id) => {
                db.exec(
                    "UPDATE addresses SET name = ?, line1 = ?, line2 = ?, city = ?, postal_code = ?, region = ?, country = ?, phone = ?, is_default = ?
                     WHERE id = ? AND user_id = ?",
                    params.into_iter().chain([int(id), int(user_id)]),
                )
                .await?;
                Ok(id)
            }
            None => {
                let count = db
                    .query("SELECT COUNT(*) FROM addresses WHERE user_id = ?", [int(user_id)])
                    .await?
                    .first()
                    .map_or(0, |r| r.int(0));
                if count >= MAX_ADDRESSES {
                    return Err(ApiError::conflict(
                        "too_many_addresses",
                        format!("an account keeps at most {MAX_ADDRESSES} addresses: delete one first"),
                    ));
                }
                db.exec(
                    "INSERT INTO addresses (name, line1, line2, city, postal_code, region, country, phone, is_default, user_id, created_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    params.into_iter().chain([int(user_id), int(now())]),
                )
                .await?;
                Ok(db.last_insert_rowid().await)
            }
        }
    }
    .await;
    match result {
        Ok(id) => {
            db.commit().await?;
            Ok(id)
        }
        Err(e) => {
            db.rollback().await;
            Err(e)
        }
    }
}

async fn one_address(db: &Db, user_id: i64, id: i64) -> ApiResult<spin_sdk::sqlite::RowResult> {
    db.query(
        &format!("SELECT {ADDRESS_COLUMNS} FROM addresses WHERE id = ? AND user_id = ?"),
        [int(id), int(user_id)],
    )
    .await?
    .into_iter()
    .next()
    .ok_or_else(|| ApiError::not_found("no such address"))
}

/// `POST /me/addresses` → 201.
pub async fn add_address(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    let me = authenticate(ctx).await?;
    let a = ctx.json::<AddressInput>()?.complete(None)?;
    let id = save_address(db, me.user_id, None, &a).await?;
    Ok(json(
        StatusCode::CREATED,
        &address_json(&one_address(db, me.user_id, id).await?),
    ))
}

/// `PATCH /me/addresses/{id}`.
pub async fn update_address(ctx: &Ctx, db: &Db, id: &str) -> ApiResult<Reply> {
    let me = authenticate(ctx).await?;
    let id = crate::path_id(id)?;
    let r = one_address(db, me.user_id, id).await?;
    let base = Address {
        name: r.text(1),
        line1: r.text(2),
        line2: r.text(3),
        city: r.text(4),
        postal_code: r.text(5),
        region: r.text(6),
        country: r.text(7),
        phone: r.text(8),
        is_default: r.int(9) != 0,
    };
    let a = ctx.json::<AddressInput>()?.complete(Some(base))?;
    save_address(db, me.user_id, Some(id), &a).await?;
    Ok(json(
        StatusCode::OK,
        &address_json(&one_address(db, me.user_id, id).await?),
    ))
}

/// `DELETE /me/addresses/{id}` → 204.
pub async fn delete_address(ctx: &Ctx, db: &Db, id: &str) -> ApiResult<Reply> {
    let me = authenticate(ctx).await?;
    let id = crate::path_id(id)?;
    let n = db
        .exec(
            "DELETE FROM addresses WHERE id = ? AND user_id = ?",
            [int(id), int(me.user_id)],
        )
        .await?;
    if n == 0 {
        return Err(ApiError::not_found("no such address"));
    }
    Ok(no_content())
}
