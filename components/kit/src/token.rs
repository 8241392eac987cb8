//! Opaque random tokens (refresh tokens, reset tokens, cart tokens) and the
//! hashes they are stored under, so a leaked database does not leak live tokens.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use sha2::{Digest, Sha256};

/// 32 random bytes from the host's CSPRNG as unpadded base64url.
pub fn random() -> Result<String, crate::ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| crate::ApiError::internal(format!("random source: {e}")))?;
    Ok(B64.encode(bytes))
}

/// The SHA-256 of a token, hex-encoded, for storage and lookup.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_unique_and_hash_stably() {
        let a = super::random().unwrap();
        assert_ne!(a, super::random().unwrap());
        assert_eq!(a.len(), 43);
        assert_eq!(super::hash("x"), super::hash("x"));
        assert_ne!(super::hash("x"), super::hash("y"));
        assert_eq!(
            super::hash("x"),
            "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
        );
    }
}
