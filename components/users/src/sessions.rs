//! Registration and sessions.
//!
//! Login answers a 15-minute access token in the body and sets the refresh token
//! as an `HttpOnly; Secure; SameSite=Strict` cookie scoped to `/api/users`, so a
//! script on the page never sees it. Non-browser clients read the cookie from
//! `Set-Cookie` and may send the token back as `{"refresh_token": ...}` instead.
//!
//! Each refresh token is single-use: refreshing marks it used and issues a new one
//! in the same family. Presenting a used token means it was stolen or replayed,
//! so the whole family is revoked, unless it comes within the grace period after
//! its use ([`reuse_grace`]): a client whose refresh answer was lost, or two
//! requests refreshing at once, then get another new token of the same family.
//! Login failures are counted per email and per client address in the key-value
//! store; past the limit, 429 with `Retry-After`.
//! A failed login reads the same whether or not the email has an account.

use crate::password;
use edgecart_kit::auth::Role;
use edgecart_kit::db::{Db, RowExt, int, text};
use edgecart_kit::http::{Ctx, Reply, json, no_content};
use edgecart_kit::types::Email;
use edgecart_kit::{ApiError, ApiResult, now, token};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use spin_sdk::http::StatusCode;
use spin_sdk::key_value::Store;
use std::sync::OnceLock;

/// Access-token lifetime.
pub const ACCESS_TTL: i64 = 15 * 60;
/// Refresh-token lifetime.
pub const REFRESH_TTL: i64 = 30 * 24 * 3600;
const COOKIE: &str = "edgecart_refresh";
/// Failed logins allowed per email within [`WINDOW`].
const EMAIL_LIMIT: u32 = 5;
/// Failed logins allowed per client address within [`WINDOW`].
const ADDRESS_LIMIT: u32 = 20;
/// The rate-limit window, in seconds.
const WINDOW: i64 = 15 * 60;

#[derive(Deserialize)]
struct Credentials {
    email: String,
    password: String,
    #[serde(default)]
    name: Option<String>,
}

/// A user as the API shows it.
pub async fn user_json(db: &Db, id: i64) -> ApiResult<Value> {
    let rows = db
        .query(
            "SELECT id, email, name, phone, role, created_at FROM users WHERE id = ?",
            [int(id)],
        )
        .await?;
    let r = rows
        .first()
        .ok_or_else(|| ApiError::not_found("the account no longer exists"))?;
    Ok(json!({
        "id": r.int(0),
        "email": r.text(1),
        "name": r.text(2),
        "phone": r.text(3),
        "role": r.text(4),
        "created_at": r.int(5),
    }))
}

/// `POST /register {email, password, name?}` → 201 with a session for the new
/// account, as login answers it: a new customer is signed in without hashing the
/// password a second time.
pub async fn register(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    let c: Credentials = ctx.json()?;
    let mut errors = Vec::new();
    let email = Email::parse(&c.email).map_err(|m| errors.push(("email".to_string(), m)));
    if let Err(m) = password::check_policy(&c.password, &c.email) {
        errors.push(("password".into(), m));
    }
    let name = c.name.unwrap_or_default().trim().to_string();
    if name.chars().count() > 100 {
        errors.push(("name".into(), "must be at most 100 characters".into()));
    }
    let email = match email {
        Ok(e) if errors.is_empty() => e,
        _ => return Err(ApiError::validation(errors)),
    };
    let hash = password::hash(&c.password)?;
    let t = now();
    match db
        .try_exec(
            "INSERT INTO users (email, password_hash, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            [text(email.as_str()), text(hash), text(name), int(t), int(t)],
        )
        .await
    {
        Ok(_) => {}
        Err(e) if edgecart_kit::db::is_unique_violation(&e) => {
            return Err(ApiError::conflict(
                "email_taken",
                "an account with this email already exists: sign in or reset the password",
            ));
        }
        Err(e) => return Err(ApiError::internal(format!("register: {e:?}"))),
    }
    let id = db.last_insert_rowid().await;
    start_session(db, id, Role::Customer, StatusCode::CREATED).await
}

#[derive(Serialize, Deserialize, Default)]
struct Failures {
    count: u32,
    reset_at: i64,
}

async fn failures(store: &Store, key: &str) -> ApiResult<Failures> {
    let f: Failures = store
        .get_json(key)
        .await
        .map_err(|e| ApiError::internal(format!("rate limit read: {e:?}")))?
        .unwrap_or_default();
    Ok(if f.reset_at <= now() {
        Failures::default()
    } else {
        f
    })
}

async fn record_failure(store: &Store, key: &str) -> ApiResult<()> {
    let mut f = failures(store, key).await?;
    if f.count == 0 {
        f.reset_at = now() + WINDOW;
    }
    f.count += 1;
    store
        .set_json(key, &f)
        .await
        .map_err(|e| ApiError::internal(format!("rate limit write: {e:?}")))
}

/// `POST /login {email, password}` → access token + refresh cookie.
pub async fn login(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    #[derive(Deserialize)]
    struct Login {
        email: String,
        password: String,
    }
    let c: Login = ctx.json()?;
    let email = c.email.trim().to_lowercase();
    let store = Store::open_default().await?;
    let email_key = format!("login-failures:email:{}", token::hash(&email));
    let address_key = format!("login-failures:address:{}", ctx.client_ip());
    let (by_email, by_address) = (
        failures(&store, &email_key).await?,
        failures(&store, &address_key).await?,
    );
    let blocked = [(by_email, EMAIL_LIMIT), (by_address, ADDRESS_LIMIT)]
        .into_iter()
        .filter(|(f, limit)| f.count >= *limit)
        .map(|(f, _)| f.reset_at - now())
        .max();
    if let Some(wait) = blocked {
        return Err(ApiError::rate_limited(u64::try_from(wait).unwrap_or(1)));
    }
    let rows = db
        .query(
            "SELECT id, password_hash, role FROM users WHERE email = ?",
            [text(email.clone())],
        )
        .await?;
    let ok = match rows.first() {
        Some(r) => password::verify(&c.password, &r.text(1)).then(|| (r.int(0), r.text(2))),
        None => {
            password::verify(&c.password, password::dummy_hash()?);
            None
        }
    };
    let Some((user_id, role)) = ok else {
        record_failure(&store, &email_key).await?;
        record_failure(&store, &address_key).await?;
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "the email or password is wrong",
        ));
    };
    store.delete(&email_key).await?;
    let role = Role::parse(&role).unwrap_or(Role::Customer);
    start_session(db, user_id, role, StatusCode::OK).await
}

/// Opens a new refresh-token family for the user and answers with the session.
async fn start_session(db: &Db, user_id: i64, role: Role, status: StatusCode) -> ApiResult<Reply> {
    let family = token::random()?;
    let refresh = new_refresh_token(db, user_id, &family).await?;
    session_reply(db, user_id, role, &refresh, status).await
}

async fn new_refresh_token(db: &Db, user_id: i64, family: &str) -> ApiResult<String> {
    let t = token::random()?;
    let n = now();
    db.exec(
        "INSERT INTO refresh_tokens (hash, family, user_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
        [
            text(token::hash(&t)),
            text(family),
            int(user_id),
            int(n + REFRESH_TTL),
            int(n),
        ],
    )
    .await?;
    Ok(t)
}

fn cookie(value: &str, max_age: i64) -> String {
    format!(
        "{COOKIE}={value}; Path=/api/users; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict"
    )
}

async fn session_reply(
    db: &Db,
    user_id: i64,
    role: Role,
    refresh: &str,
    status: StatusCode,
) -> ApiResult<Reply> {
    let access = crate::keys()
        .await?
        .issue(user_id, role, now(), ACCESS_TTL)?;
    let body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_TTL,
        "user": user_json(db, user_id).await?,
    });
    Ok(crate::with_header(
        json(status, &body),
        "set-cookie",
        &cookie(refresh, REFRESH_TTL),
    ))
}

/// The refresh token from the cookie or the JSON body.
fn presented_refresh_token(ctx: &Ctx) -> ApiResult<String> {
    if let Some(c) = ctx.cookie(COOKIE).filter(|c| !c.is_empty()) {
        return Ok(c.to_string());
    }
    if !ctx.body.is_empty() {
        #[derive(Deserialize)]
        struct Body {
            refresh_token: Option<String>,
        }
        if let Some(t) = ctx.json::<Body>()?.refresh_token {
            return Ok(t);
        }
    }
    Err(ApiError::unauthorized(
        "no refresh token was sent: sign in again",
    ))
}

fn invalid_refresh() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_refresh_token",
        "the session has ended: sign in again",
    )
}

async fn revoke_family(db: &Db, family: &str) -> ApiResult<()> {
    db.exec(
        "UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL",
        [int(now()), text(family)],
    )
    .await
    .map(|_| ())
}

/// The longest `refresh_reuse_grace` accepted, in seconds.
const MAX_REUSE_GRACE: i64 = 60;

/// How many seconds after its use a refresh token still refreshes (the
/// `refresh_reuse_grace` variable, 0 to [`MAX_REUSE_GRACE`]; 0 turns the grace
/// off), read once per instance. A browser whose refresh answer was lost sends
/// the token that refresh replaced; within the grace period it gets a new token
/// of the same session instead of ending it. The trade-off is Okta's and
/// Auth0's: a copied token replayed within that time is not detected.
async fn reuse_grace() -> ApiResult<i64> {
    static GRACE: OnceLock<i64> = OnceLock::new();
    if let Some(g) = GRACE.get() {
        return Ok(*g);
    }
    let raw = edgecart_kit::variables::get("refresh_reuse_grace").await?;
    let grace = raw
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|g| (0..=MAX_REUSE_GRACE).contains(g))
        .ok_or_else(|| {
            ApiError::internal(format!(
                "variable refresh_reuse_grace must be a whole number of seconds from 0 to {MAX_REUSE_GRACE}"
            ))
        })?;
    Ok(*GRACE.get_or_init(|| grace))
}

/// `POST /refresh` → a new access token and a rotated refresh token.
pub async fn refresh(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    let presented = presented_refresh_token(ctx)?;
    let hash = token::hash(&presented);
    let rows = db
        .query(
            "SELECT t.family, t.user_id, t.expires_at, t.used_at, t.revoked_at, u.role
             FROM refresh_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?",
            [text(hash.clone())],
        )
        .await?;
    let r = rows.first().ok_or_else(invalid_refresh)?;
    let (family, user_id, role) = (r.text(0), r.int(1), r.text(5));
    let at = now();
    if r.opt_int(4).is_some() || r.int(2) <= at {
        return Err(invalid_refresh());
    }
    let grace = reuse_grace().await?;
    if r.opt_int(3).is_some_and(|used| used <= at - grace) {
        revoke_family(db, &family).await?;
        eprintln!("refresh token reuse for user {user_id}: session family revoked");
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "refresh_token_reused",
            "this refresh token was already used, so the session was ended for safety: sign in again",
        ));
    }
    db.begin().await?;
    // Marks the token used, or finds it used within the grace period; neither
    // if it was revoked meanwhile, or used meanwhile with no grace. The write
    // lock this takes keeps a revocation from slipping in before the new token.
    let claimed = db
        .exec(
            "UPDATE refresh_tokens SET used_at = coalesce(used_at, ?) WHERE hash = ? AND revoked_at IS NULL AND (used_at IS NULL OR used_at > ?)",
            [int(at), text(hash), int(at - grace)],
        )
        .await;
    let next = match claimed {
        Ok(1) => new_refresh_token(db, user_id, &family).await,
        Ok(_) => Err(invalid_refresh()),
        Err(e) => Err(e),
    };
    match next {
        Ok(t) => {
            db.commit().await?;
            session_reply(
                db,
                user_id,
                Role::parse(&role).unwrap_or(Role::Customer),
                &t,
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            db.rollback().await;
            Err(e)
        }
    }
}

/// `POST /logout` → ends the session (the refresh token's family) and clears the
/// cookie. Idempotent: an unknown or already revoked token is still 204.
pub async fn logout(ctx: &Ctx, db: &Db) -> ApiResult<Reply> {
    if let Ok(t) = presented_refresh_token(ctx) {
        let rows = db
            .query(
                "SELECT family FROM refresh_tokens WHERE hash = ?",
                [text(token::hash(&t))],
            )
            .await?;
        if let Some(r) = rows.first() {
            revoke_family(db, &r.text(0)).await?;
        }
    }
    Ok(crate::with_header(
        no_content(),
        "set-cookie",
        &cookie("", 0),
    ))
}

/// Ends every session of a user (password change or reset).
pub async fn revoke_all(db: &Db, user_id: i64) -> ApiResult<()> {
    db.exec(
        "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
        [int(now()), int(user_id)],
    )
    .await
    .map(|_| ())
}

/// Writes a message to the outbox (read by operators in development, drained by
/// a mailer in production).
pub async fn send_message(db: &Db, to: &str, subject: &str, body: &str) -> ApiResult<()> {
    db.exec(
        "INSERT INTO outbox (recipient, subject, body, created_at) VALUES (?, ?, ?, ?)",
        [text(to), text(subject), text(body), int(now())],
    )
    .await
    .map(|_| ())
}
