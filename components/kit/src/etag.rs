//! Entity tags for response bodies, shared with `bench/native`, which must send
//! the same ones.

use siphasher::sip128::{Hasher128, SipHasher13};
use std::hash::Hasher;

/// A strong entity tag for `body`: 128 bits of SipHash-1-3 with fixed keys,
/// the same in every instance and process. An entity tag only has to change
/// when the body does; SHA-256, used before, cost 1.6% of a product detail's
/// CPU time at saturation (docs/performance.md).
pub fn strong(body: &[u8]) -> String {
    let mut hasher = SipHasher13::new();
    hasher.write(body);
    format!("\"{:032x}\"", hasher.finish128().as_u128())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_is_quoted_hex_and_follows_the_bytes() {
        let tag = strong(br#"{"id":1}"#);
        assert_eq!(tag.len(), 34);
        assert!(tag.starts_with('"') && tag.ends_with('"'));
        assert!(tag[1..33].chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(tag, strong(br#"{"id":1}"#));
        assert_ne!(tag, strong(br#"{"id":2}"#));
        assert_ne!(strong(b""), strong(b" "));
    }
}
