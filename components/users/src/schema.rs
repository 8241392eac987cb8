//! The `users` database: accounts, addresses, refresh tokens (hashed, grouped in
//! families), password-reset tokens (hashed) and the outbox of messages to send.

use edgecart_kit::ApiResult;
use edgecart_kit::db::{Db, Migration, RowExt, text};

const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "accounts, addresses, sessions, resets, outbox",
    statements: &[
        "CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'admin')),
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        )",
        "CREATE TABLE addresses (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            line1 TEXT NOT NULL,
            line2 TEXT NOT NULL DEFAULT '',
            city TEXT NOT NULL,
            postal_code TEXT NOT NULL,
            region TEXT NOT NULL DEFAULT '',
            country TEXT NOT NULL,
            phone TEXT NOT NULL DEFAULT '',
            is_default INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL
        )",
        "CREATE INDEX addresses_by_user ON addresses(user_id)",
        "CREATE TABLE refresh_tokens (
            hash TEXT PRIMARY KEY,
            family TEXT NOT NULL,
            user_id INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER,
            revoked_at INTEGER,
            created_at INTEGER NOT NULL
        )",
        "CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family)",
        "CREATE INDEX refresh_tokens_by_user ON refresh_tokens(user_id)",
        "CREATE TABLE password_resets (
            hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER,
            created_at INTEGER NOT NULL
        )",
        "CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            recipient TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at INTEGER NOT NULL
        )",
    ],
}];

/// Opens the database, migrating it and creating the configured admin on first use.
pub async fn open() -> ApiResult<Db> {
    let db = Db::open("users", MIGRATIONS).await?;
    ensure_admin(&db).await?;
    Ok(db)
}

/// Creates the account named by the `admin_email` / `admin_password` variables
/// as an admin, once. An existing account with that email is left as it is.
async fn ensure_admin(db: &Db) -> ApiResult<()> {
    static CHECKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if CHECKED.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(());
    }
    let email = spin_sdk::variables::get("admin_email")
        .await
        .unwrap_or_default();
    let password = spin_sdk::variables::get("admin_password")
        .await
        .unwrap_or_default();
    if !email.is_empty() && !password.is_empty() {
        let email = edgecart_kit::types::Email::parse(&email)
            .map_err(|m| edgecart_kit::ApiError::internal(format!("variable admin_email {m}")))?;
        let exists = db
            .query(
                "SELECT role FROM users WHERE email = ?",
                [text(email.as_str())],
            )
            .await?;
        match exists.first() {
            None => {
                let hash = crate::password::hash(&password)?;
                let now = edgecart_kit::now();
                db.exec(
                    "INSERT INTO users (email, password_hash, role, created_at, updated_at)
                     VALUES (?, ?, 'admin', ?, ?) ON CONFLICT (email) DO NOTHING",
                    [
                        text(email.as_str()),
                        text(hash),
                        edgecart_kit::db::int(now),
                        edgecart_kit::db::int(now),
                    ],
                )
                .await?;
                eprintln!("created the configured admin account {email}");
            }
            Some(row) if row.text(0) != "admin" => {
                eprintln!(
                    "admin_email {email} belongs to an existing customer account; it was not promoted (use PATCH /api/users/admin/users/{{id}})"
                );
            }
            Some(_) => {}
        }
    }
    CHECKED.store(true, std::sync::atomic::Ordering::Relaxed);
    Ok(())
}
