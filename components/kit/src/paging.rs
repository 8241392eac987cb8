//! Cursor pagination. A cursor is the sort key of the last item of a page,
//! opaque to clients (base64url JSON). Keyset pagination never repeats or skips an
//! item that existed on both reads, whatever was inserted between them.

use crate::error::ApiError;
use crate::http::Ctx;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The page size asked for with `?limit=` (1 to `max`, `default` if absent).
pub fn limit(ctx: &Ctx, default: u32, max: u32) -> Result<u32, ApiError> {
    match ctx.param("limit") {
        None => Ok(default),
        Some(s) => match s.parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::field(
                "limit",
                format!("must be a whole number from 1 to {max}"),
            )),
        },
    }
}

/// Encodes a sort key into a cursor.
pub fn encode<T: Serialize>(key: &T) -> String {
    B64.encode(serde_json::to_vec(key).unwrap_or_default())
}

/// The sort key of `?cursor=`, if any; a cursor that does not decode is 400.
pub fn cursor<T: DeserializeOwned>(ctx: &Ctx) -> Result<Option<T>, ApiError> {
    let Some(raw) = ctx.param("cursor").filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    B64.decode(raw)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_cursor",
                "the cursor is not one this API returned: start again without it",
            )
        })
}

/// One page of items and the cursor of the next page.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass as `?cursor=` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let c = encode(&(1999_i64, 42_i64));
        let back: (i64, i64) = serde_json::from_slice(&B64.decode(c).unwrap()).unwrap();
        assert_eq!(back, (1999, 42));
    }
}
