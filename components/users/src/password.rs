//! Password policy and hashing.
//!
//! Hashes are argon2id in PHC string form. Parameters: 19 MiB, 2 passes, 1 lane —
//! OWASP's minimum recommendation for argon2id; docs/performance.md records what a
//! hash costs inside the wasm sandbox. Verification reads the parameters from the
//! stored hash, so they can be raised later without invalidating passwords.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use edgecart_kit::{ApiError, ApiResult};

const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn hasher() -> ApiResult<Argon2<'static>> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None)
        .map_err(|e| ApiError::internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password with a fresh random salt.
pub fn hash(password: &str) -> ApiResult<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| ApiError::internal(format!("random source: {e}")))?;
    let salt =
        SaltString::encode_b64(&salt).map_err(|e| ApiError::internal(format!("salt: {e}")))?;
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal(format!("hashing: {e}")))
}

/// Whether `password` matches the stored hash.
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// A hash of no one's password, verified against when an email is unknown so
/// that a failed login takes the same time whether or not the account exists.
pub fn dummy_hash() -> ApiResult<&'static str> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h);
    }
    let h = hash("no account has this password")?;
    Ok(DUMMY.get_or_init(|| h))
}

/// Checks a new password: 10 to 128 characters, not one repeated character, not
/// a well-known password, not the email address.
pub fn check_policy(password: &str, email: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < 10 {
        return Err("must be at least 10 characters".into());
    }
    if n > 128 {
        return Err("must be at most 128 characters".into());
    }
    let lower = password.to_lowercase();
    let mut chars = lower.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err("must not be one repeated character".into());
    }
    const COMMON: &[&str] = &[
        "password",
        "password1",
        "password123",
        "1234567890",
        "12345678910",
        "qwertyuiop",
        "iloveyou12",
        "letmein123",
        "welcome123",
        "admin12345",
        "abcdefghij",
        "0123456789",
        "passw0rd12",
        "qwerty1234",
        "1q2w3e4r5t",
    ];
    if COMMON.contains(&lower.as_str()) {
        return Err("is a well-known password: choose another".into());
    }
    if lower == email.to_lowercase() || lower == email.split('@').next().unwrap_or("") {
        return Err("must not be your email address".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused() {
        assert!(check_policy("short", "a@b.co").is_err());
        assert!(check_policy("aaaaaaaaaaaa", "a@b.co").is_err());
        assert!(check_policy("password123", "a@b.co").is_err());
        assert!(check_policy("ann.smith@example.com", "ann.smith@example.com").is_err());
        assert!(check_policy("a long enough passphrase", "a@b.co").is_ok());
    }
}
