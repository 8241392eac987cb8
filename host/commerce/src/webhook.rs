//! Verifying Stripe webhook signatures.
//!
//! The `Stripe-Signature` header is `t=<unix seconds>,v1=<hex hmac>[,v1=...]`.
//! A payload is genuine when one `v1` equals HMAC-SHA256(secret, "<t>.<payload>")
//! (compared in constant time) and `t` is within the tolerance of now, which
//! bounds replays. Several `v1` values appear while a secret is being rolled.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a signature's timestamp may be from now, in seconds (Stripe's default).
pub const TOLERANCE_SECS: i64 = 300;

/// Why a webhook was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The header is missing a timestamp or signature, or is malformed.
    #[error("the Stripe-Signature header is malformed")]
    Malformed,
    /// No signature matches the payload and secret.
    #[error("no signature matches the payload")]
    Mismatch,
    /// The timestamp is outside the tolerance.
    #[error("the signature timestamp is {0} s away from now")]
    Stale(i64),
}

/// Computes the `v1` signature of a payload at time `t`.
pub fn sign(payload: &[u8], secret: &str, t: i64) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    hex::encode(mac.finalize().into_bytes())
}

/// Checks a `Stripe-Signature` header against a payload and secret at time `now`.
pub fn verify(payload: &[u8], header: &str, secret: &str, now: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => timestamp = v.parse::<i64>().ok(),
            Some(("v1", v)) => {
                signatures.push(hex::decode(v).map_err(|_| SignatureError::Malformed)?)
            }
            _ => {}
        }
    }
    let t = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let matches = signatures.iter().any(|sig| {
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).is_ok_and(|mut mac| {
            mac.update(t.to_string().as_bytes());
            mac.update(b".");
            mac.update(payload);
            mac.verify_slice(sig).is_ok()
        })
    });
    if !matches {
        return Err(SignatureError::Mismatch);
    }
    let age = now - t;
    if age.abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale(age));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;

    #[test]
    fn a_genuine_signature_verifies() {
        let header = format!("t=1000,v1={}", sign(BODY, SECRET, 1000));
        assert_eq!(verify(BODY, &header, SECRET, 1100), Ok(()));
        let rolled = format!(
            "t=1000,v1={},v1={}",
            sign(BODY, "old", 1000),
            sign(BODY, SECRET, 1000)
        );
        assert_eq!(verify(BODY, &rolled, SECRET, 1000), Ok(()));
    }

    #[test]
    fn tampering_another_secret_and_old_timestamps_are_refused() {
        let header = format!("t=1000,v1={}", sign(BODY, SECRET, 1000));
        assert_eq!(
            verify(b"{}", &header, SECRET, 1000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(BODY, &header, "whsec_other", 1000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(BODY, &header, SECRET, 1301),
            Err(SignatureError::Stale(301))
        );
        let moved = format!("t=1001,v1={}", sign(BODY, SECRET, 1000));
        assert_eq!(
            verify(BODY, &moved, SECRET, 1001),
            Err(SignatureError::Mismatch)
        );
        for bad in ["", "t=1000", "v1=abcd", "t=x,v1=00", "t=1000,v1=zz"] {
            assert!(verify(BODY, bad, SECRET, 1000).is_err(), "{bad}");
        }
    }
}
