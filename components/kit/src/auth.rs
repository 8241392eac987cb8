//! Access tokens: EdDSA (Ed25519) JWTs with `sub`, `role`, `exp`, `iat`, `iss`,
//! `aud` and the key id in the header.
//!
//! Keys come from application variables, in a form that fits an environment
//! variable or a Kubernetes Secret:
//! - `auth_signing_keys` (secret, users component only): `kid:seed[,kid:seed...]`,
//!   each seed the 32-byte Ed25519 private key in unpadded base64url; the first
//!   key signs, all are published in the JWKS;
//! - `auth_public_keys` (every component): `kid:x[,kid:x...]`, each `x` the 32-byte
//!   public key in unpadded base64url (the JWK `x`);
//! - `auth_issuer` and `auth_audience`.
//!
//! Rotation by `kid`: add the new key in front of `auth_signing_keys` and to
//! `auth_public_keys`, then drop the old one after the access-token lifetime.
//! Only `EdDSA` is accepted; `alg: none`, HMAC and unknown keys are refused.
//!
//! Internal routes (called by the host, never routed by the Ingress) require the
//! `service_token` variable's value in the `x-service-token` header.

use crate::error::ApiError;
use crate::http::Ctx;
use crate::variables;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A shopper.
    Customer,
    /// A shop operator.
    Admin,
}

impl Role {
    /// The role's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Admin => "admin",
        }
    }

    /// Parses a role name.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "customer" => Some(Role::Customer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The user's role.
    pub role: Role,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Issued at.
    pub iat: i64,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
}

/// Who is calling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    /// The user id.
    pub user_id: i64,
    /// The role.
    pub role: Role,
}

impl Principal {
    /// 403 unless the caller is an admin.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        match self.role {
            Role::Admin => Ok(()),
            Role::Customer => Err(ApiError::forbidden(
                "this route is for shop administrators only",
            )),
        }
    }
}

/// Verifies access tokens against a set of public keys.
pub struct Verifier {
    keys: Vec<(String, DecodingKey)>,
    issuer: String,
    audience: String,
    /// Tokens this verifier has checked, with their claims. A shopper's
    /// requests carry the same token until it expires, an instance serves many
    /// requests, and an Ed25519 signature check costs about 0.13 ms in the
    /// sandbox. Emptied when it holds [`CHECKED_TOKENS`].
    checked: Mutex<HashMap<String, Claims>>,
}

/// How many checked tokens a verifier remembers.
const CHECKED_TOKENS: usize = 256;

/// Seconds a token is still accepted after its `exp`, for clock skew.
const LEEWAY: i64 = 5;

fn expired() -> ApiError {
    ApiError::new(
        spin_sdk::http::StatusCode::UNAUTHORIZED,
        "token_expired",
        "the access token has expired: refresh it",
    )
}

fn config_error(what: &str) -> ApiError {
    ApiError::internal(format!("auth configuration: {what}"))
}

/// Splits `kid:b64[,kid:b64...]` into (kid, 32 bytes).
fn parse_key_list(name: &str, raw: &str) -> Result<Vec<(String, [u8; 32])>, ApiError> {
    let mut out = Vec::new();
    for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (kid, b64) = entry
            .split_once(':')
            .ok_or_else(|| config_error(&format!("{name}: an entry is not `kid:key`")))?;
        let bytes = B64
            .decode(b64.trim())
            .map_err(|_| config_error(&format!("{name}: key `{kid}` is not base64url")))?;
        let key = <[u8; 32]>::try_from(bytes.as_slice())
            .map_err(|_| config_error(&format!("{name}: key `{kid}` is not 32 bytes")))?;
        out.push((kid.trim().to_string(), key));
    }
    if out.is_empty() {
        return Err(config_error(&format!("{name} holds no key")));
    }
    Ok(out)
}

impl Verifier {
    /// A verifier over `(kid, public key)` pairs.
    pub fn new(keys: &[(String, [u8; 32])], issuer: &str, audience: &str) -> Verifier {
        Verifier {
            keys: keys
                .iter()
                .map(|(kid, x)| (kid.clone(), DecodingKey::from_ed_components(&B64.encode(x))))
                .filter_map(|(kid, k)| k.ok().map(|k| (kid, k)))
                .collect(),
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            checked: Mutex::new(HashMap::new()),
        }
    }

    /// The component's verifier, built once per instance from its variables.
    pub async fn get() -> Result<&'static Verifier, ApiError> {
        static VERIFIER: OnceLock<Verifier> = OnceLock::new();
        if let Some(v) = VERIFIER.get() {
            return Ok(v);
        }
        let keys = parse_key_list(
            "auth_public_keys",
            &variables::get("auth_public_keys").await?,
        )?;
        let v = Verifier::new(
            &keys,
            &variables::get("auth_issuer").await?,
            &variables::get("auth_audience").await?,
        );
        Ok(VERIFIER.get_or_init(|| v))
    }

    /// The claims of a valid token; 401 `token_expired` or `invalid_token` otherwise.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        self.verify_at(token, crate::now())
    }

    /// [`Verifier::verify`] at `now` (seconds since the epoch): a token checked
    /// before is taken from memory, and refused once it has expired.
    fn verify_at(&self, token: &str, now: i64) -> Result<Claims, ApiError> {
        let known = self.checked.lock().ok().and_then(|c| c.get(token).cloned());
        let claims = match known {
            Some(c) => c,
            None => {
                let c = self.check(token)?;
                if let Ok(mut checked) = self.checked.lock() {
                    if checked.len() >= CHECKED_TOKENS {
                        checked.clear();
                    }
                    checked.insert(token.to_string(), c.clone());
                }
                c
            }
        };
        if claims.exp < now - LEEWAY {
            return Err(expired());
        }
        Ok(claims)
    }

    /// Checks a token's signature and claims.
    fn check(&self, token: &str) -> Result<Claims, ApiError> {
        let invalid = || {
            ApiError::new(
                spin_sdk::http::StatusCode::UNAUTHORIZED,
                "invalid_token",
                "the access token is not valid",
            )
        };
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid())?;
        if header.alg != Algorithm::EdDSA {
            return Err(invalid());
        }
        let kid = header.kid.ok_or_else(invalid)?;
        let key = self
            .keys
            .iter()
            .find(|(k, _)| *k == kid)
            .map(|(_, key)| key)
            .ok_or_else(invalid)?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY.unsigned_abs();
        jsonwebtoken::decode::<Claims>(token, key, &validation)
            .map(|d| d.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => expired(),
                _ => invalid(),
            })
    }

    /// The caller of a request that requires a signed-in user (401 without one).
    pub fn principal(&self, ctx: &Ctx) -> Result<Principal, ApiError> {
        let token = ctx
            .bearer()
            .ok_or_else(|| ApiError::unauthorized("sign in first: no bearer token was sent"))?;
        let claims = self.verify(token)?;
        let user_id = claims.sub.parse().map_err(|_| {
            ApiError::new(
                spin_sdk::http::StatusCode::UNAUTHORIZED,
                "invalid_token",
                "the access token is not valid",
            )
        })?;
        Ok(Principal {
            user_id,
            role: claims.role,
        })
    }
}

/// The signed-in caller (401 without a valid token).
pub async fn authenticate(ctx: &Ctx) -> Result<Principal, ApiError> {
    Verifier::get().await?.principal(ctx)
}

/// The caller, if a token was sent (an invalid token is still 401).
pub async fn optional(ctx: &Ctx) -> Result<Option<Principal>, ApiError> {
    if ctx.bearer().is_none() {
        return Ok(None);
    }
    authenticate(ctx).await.map(Some)
}

/// The signed-in caller, who must be an admin (401, then 403).
pub async fn require_admin(ctx: &Ctx) -> Result<Principal, ApiError> {
    let p = authenticate(ctx).await?;
    p.require_admin()?;
    Ok(p)
}

/// 401 unless the request carries the service token of internal routes.
pub async fn require_service(ctx: &Ctx) -> Result<(), ApiError> {
    let expected = variables::get("service_token").await?;
    let given = ctx.header("x-service-token").unwrap_or_default();
    // Compare digests so the time taken does not depend on where they differ.
    if expected.is_empty() || Sha256::digest(given) != Sha256::digest(&expected) {
        return Err(ApiError::unauthorized(
            "internal routes need the service token",
        ));
    }
    Ok(())
}

/// The signing side, for the users component.
pub struct SigningKeys {
    keys: Vec<(String, EncodingKey, [u8; 32])>,
    verifier: Verifier,
    issuer: String,
    audience: String,
}

/// PKCS#8 v1 wrapping of a raw Ed25519 seed (RFC 8410).
fn pkcs8_from_seed(seed: &[u8; 32]) -> Vec<u8> {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(seed);
    der
}

impl SigningKeys {
    /// Keys from `(kid, seed)` pairs; the first signs.
    pub fn new(seeds: &[(String, [u8; 32])], issuer: &str, audience: &str) -> SigningKeys {
        let keys: Vec<_> = seeds
            .iter()
            .map(|(kid, seed)| {
                let public = ed25519_dalek::SigningKey::from_bytes(seed)
                    .verifying_key()
                    .to_bytes();
                (
                    kid.clone(),
                    EncodingKey::from_ed_der(&pkcs8_from_seed(seed)),
                    public,
                )
            })
            .collect();
        let publics: Vec<(String, [u8; 32])> =
            keys.iter().map(|(k, _, p)| (k.clone(), *p)).collect();
        SigningKeys {
            verifier: Verifier::new(&publics, issuer, audience),
            keys,
            issuer: issuer.to_string(),
            audience: audience.to_string(),
        }
    }

    /// The component's keys, built once per instance from `auth_signing_keys`.
    pub async fn get() -> Result<&'static SigningKeys, ApiError> {
        static KEYS: OnceLock<SigningKeys> = OnceLock::new();
        if let Some(k) = KEYS.get() {
            return Ok(k);
        }
        let seeds = parse_key_list(
            "auth_signing_keys",
            &variables::get("auth_signing_keys").await?,
        )?;
        let k = SigningKeys::new(
            &seeds,
            &variables::get("auth_issuer").await?,
            &variables::get("auth_audience").await?,
        );
        Ok(KEYS.get_or_init(|| k))
    }

    /// Signs an access token for a user, valid for `ttl` seconds.
    pub fn issue(&self, user_id: i64, role: Role, now: i64, ttl: i64) -> Result<String, ApiError> {
        let (kid, key, _) = self
            .keys
            .first()
            .ok_or_else(|| config_error("no signing key"))?;
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(kid.clone());
        let claims = Claims {
            sub: user_id.to_string(),
            role,
            exp: now + ttl,
            iat: now,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        jsonwebtoken::encode(&header, &claims, key)
            .map_err(|e| ApiError::internal(format!("signing a token: {e}")))
    }

    /// A verifier for the tokens these keys sign.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The JSON Web Key Set of the public keys (RFC 8037 OKP keys).
    pub fn jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .keys
            .iter()
            .map(|(kid, _, public)| {
                json!({
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "alg": "EdDSA",
                    "use": "sig",
                    "kid": kid,
                    "x": B64.encode(public),
                })
            })
            .collect();
        json!({ "keys": keys })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(seed: u8, kid: &str) -> SigningKeys {
        SigningKeys::new(&[(kid.to_string(), [seed; 32])], "edgecart", "edgecart-api")
    }

    #[test]
    fn a_signed_token_verifies_and_carries_its_claims() {
        let k = keys(7, "k1");
        let t = k.issue(42, Role::Admin, crate::now(), 900).unwrap();
        let c = k.verifier().verify(&t).unwrap();
        assert_eq!((c.sub.as_str(), c.role), ("42", Role::Admin));
    }

    #[test]
    fn a_checked_token_is_remembered_until_it_expires() {
        let k = keys(7, "k1");
        let now = crate::now();
        let t = k.issue(42, Role::Customer, now, 900).unwrap();
        let v = k.verifier();
        assert_eq!(v.verify_at(&t, now).unwrap().sub, "42");
        assert!(v.checked.lock().unwrap().contains_key(&t));
        assert_eq!(v.verify_at(&t, now + 900).unwrap().sub, "42");
        assert_eq!(
            v.verify_at(&t, now + 900 + LEEWAY + 1).unwrap_err().code,
            "token_expired"
        );
        let mut tampered = t.clone();
        tampered.pop();
        assert_eq!(
            v.verify_at(&tampered, now).unwrap_err().code,
            "invalid_token"
        );
    }

    #[test]
    fn expired_tampered_foreign_and_unsigned_tokens_are_refused() {
        let k = keys(7, "k1");
        let expired = k
            .issue(1, Role::Customer, crate::now() - 3600, 900)
            .unwrap();
        assert_eq!(
            k.verifier().verify(&expired).unwrap_err().code,
            "token_expired"
        );

        let good = k.issue(1, Role::Customer, crate::now(), 900).unwrap();
        let mut parts: Vec<String> = good.split('.').map(String::from).collect();
        let payload = String::from_utf8(B64.decode(&parts[1]).unwrap()).unwrap();
        parts[1] = B64.encode(payload.replace("customer", "admin"));
        assert_eq!(
            k.verifier().verify(&parts.join(".")).unwrap_err().code,
            "invalid_token"
        );

        let other = keys(9, "k1")
            .issue(1, Role::Customer, crate::now(), 900)
            .unwrap();
        assert_eq!(
            k.verifier().verify(&other).unwrap_err().code,
            "invalid_token"
        );

        let none = format!(
            "{}.{}.",
            B64.encode(r#"{"alg":"none","typ":"JWT","kid":"k1"}"#),
            parts[1]
        );
        assert_eq!(
            k.verifier().verify(&none).unwrap_err().code,
            "invalid_token"
        );
    }

    #[test]
    fn the_jwks_lists_every_key_by_kid() {
        let k = SigningKeys::new(
            &[("new".into(), [1; 32]), ("old".into(), [2; 32])],
            "i",
            "a",
        );
        let jwks = k.jwks();
        assert_eq!(jwks["keys"][0]["kid"], "new");
        assert_eq!(jwks["keys"][1]["kid"], "old");
        assert_eq!(jwks["keys"][0]["crv"], "Ed25519");
    }

    #[test]
    fn key_lists_parse_and_report_bad_entries() {
        let list = format!("a:{},b:{}", B64.encode([1u8; 32]), B64.encode([2u8; 32]));
        assert_eq!(parse_key_list("v", &list).unwrap().len(), 2);
        assert!(parse_key_list("v", "a:short").is_err());
        assert!(parse_key_list("v", "").is_err());
    }
}
