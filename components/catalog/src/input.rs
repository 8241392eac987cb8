//! Reading admin input: every field checked, every problem reported at once
//! with its path (`variants[0].sku`), as a 422.

use edgecart_kit::types::{Currency, Sku, Slug};
use edgecart_kit::{ApiError, ApiResult};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The shop's currency; every price is in it.
pub const CURRENCY: &str = "EUR";

/// Collected field errors.
#[derive(Default)]
pub struct Errors(Vec<(String, String)>);

impl Errors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    pub fn finish(self) -> ApiResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.0))
        }
    }
}

/// The body as a JSON object.
pub fn object(body: Value) -> ApiResult<Map<String, Value>> {
    match body {
        Value::Object(m) => Ok(m),
        _ => Err(ApiError::bad_request(
            "invalid_json",
            "the body must be a JSON object",
        )),
    }
}

/// Refuses keys the route does not know.
pub fn only(obj: &Map<String, Value>, allowed: &[&str], at: &str, e: &mut Errors) {
    for k in obj.keys() {
        if !allowed.contains(&k.as_str()) {
            e.add(format!("{at}{k}"), "is not a known field");
        }
    }
}

/// A string field of `min..=max` characters (trimmed).
pub fn string(
    v: Option<&Value>,
    field: &str,
    min: usize,
    max: usize,
    e: &mut Errors,
) -> Option<String> {
    match v {
        None | Some(Value::Null) if min == 0 => None,
        None | Some(Value::Null) => {
            e.add(field, "is required");
            None
        }
        Some(Value::String(s)) => {
            let s = s.trim().to_string();
            let n = s.chars().count();
            if n < min || n > max {
                e.add(field, format!("must be {min} to {max} characters"));
                None
            } else {
                Some(s)
            }
        }
        Some(_) => {
            e.add(field, "must be a string");
            None
        }
    }
}

/// An integer field within `min..=max`.
pub fn integer(v: Option<&Value>, field: &str, min: i64, max: i64, e: &mut Errors) -> Option<i64> {
    match v.and_then(Value::as_i64) {
        Some(n) if (min..=max).contains(&n) => Some(n),
        Some(_) => {
            e.add(field, format!("must be a whole number from {min} to {max}"));
            None
        }
        None => {
            e.add(field, "must be a whole number");
            None
        }
    }
}

/// A product status.
pub fn status(v: Option<&Value>, field: &str, e: &mut Errors) -> Option<String> {
    match v.and_then(Value::as_str) {
        Some(s @ ("draft" | "active" | "archived")) => Some(s.to_string()),
        _ => {
            e.add(field, "must be draft, active or archived");
            None
        }
    }
}

/// A slug field.
pub fn slug(v: Option<&Value>, field: &str, e: &mut Errors) -> Option<String> {
    let s = string(v, field, 1, 96, e)?;
    Slug::parse(&s)
        .map(|s| s.as_str().to_string())
        .map_err(|m| e.add(field, m))
        .ok()
}

/// Tags: up to 20 strings of 1–40 characters, lower-cased, deduplicated.
pub fn tags(v: Option<&Value>, e: &mut Errors) -> Option<Vec<String>> {
    let Some(Value::Array(items)) = v else {
        e.add("tags", "must be an array of strings");
        return None;
    };
    if items.len() > 20 {
        e.add("tags", "may hold at most 20 tags");
        return None;
    }
    let mut out: Vec<String> = Vec::new();
    for (i, t) in items.iter().enumerate() {
        if let Some(t) = string(Some(t), &format!("tags[{i}]"), 1, 40, e) {
            let t = t.to_lowercase();
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    Some(out)
}

/// Images: up to 20 `{url, alt}`; URLs must be http(s), site-relative or
/// `data:image/`.
pub fn images(v: Option<&Value>, e: &mut Errors) -> Option<Vec<(String, String)>> {
    let Some(Value::Array(items)) = v else {
        e.add("images", "must be an array of {url, alt}");
        return None;
    };
    if items.len() > 20 {
        e.add("images", "may hold at most 20 images");
        return None;
    }
    let mut out = Vec::new();
    for (i, img) in items.iter().enumerate() {
        let at = format!("images[{i}]");
        let Some(obj) = img.as_object() else {
            e.add(at, "must be an object {url, alt}");
            continue;
        };
        only(obj, &["url", "alt"], &format!("{at}."), e);
        let url = string(obj.get("url"), &format!("{at}.url"), 1, 2000, e);
        let alt = string(obj.get("alt"), &format!("{at}.alt"), 0, 300, e).unwrap_or_default();
        if let Some(url) = url {
            let ok = ["https://", "http://", "/", "data:image/"]
                .iter()
                .any(|p| url.starts_with(p))
                && !url.starts_with("//");
            if ok {
                out.push((url, alt));
            } else {
                e.add(
                    format!("{at}.url"),
                    "must start with https://, http://, / or data:image/",
                );
            }
        }
    }
    Some(out)
}

/// Variant options: up to 5 `name: value` pairs of 1–40 characters.
pub fn options(v: Option<&Value>, field: &str, e: &mut Errors) -> Option<BTreeMap<String, String>> {
    match v {
        None | Some(Value::Null) => Some(BTreeMap::new()),
        Some(Value::Object(m)) => {
            if m.len() > 5 {
                e.add(field, "may hold at most 5 options");
                return None;
            }
            let mut out = BTreeMap::new();
            for (k, val) in m {
                let name = k.trim().to_lowercase();
                let n = name.chars().count();
                if n == 0 || n > 40 {
                    e.add(
                        format!("{field}.{k}"),
                        "option names must be 1 to 40 characters",
                    );
                    continue;
                }
                if out.contains_key(&name) {
                    e.add(
                        format!("{field}.{k}"),
                        "repeats another option name (names ignore case)",
                    );
                    continue;
                }
                if let Some(val) = string(Some(val), &format!("{field}.{k}"), 1, 40, e) {
                    out.insert(name, val);
                }
            }
            Some(out)
        }
        Some(_) => {
            e.add(field, "must be an object of option names to values");
            None
        }
    }
}

/// A variant as submitted.
#[derive(Debug, Clone)]
pub struct VariantIn {
    pub sku: String,
    pub price: i64,
    pub stock: i64,
    pub options: BTreeMap<String, String>,
}

/// The largest price accepted, in minor units.
const MAX_PRICE: i64 = 1_000_000_000_000;
/// The largest on-hand stock accepted.
const MAX_STOCK: i64 = 1_000_000_000;

/// The fields of a variant that were given and valid.
#[derive(Debug, Default)]
pub struct VariantFields {
    pub sku: Option<String>,
    pub price: Option<i64>,
    pub stock: Option<i64>,
    pub options: Option<BTreeMap<String, String>>,
}

impl VariantFields {
    /// A complete variant, when every field is present.
    pub fn complete(self) -> Option<VariantIn> {
        Some(VariantIn {
            sku: self.sku?,
            price: self.price?,
            stock: self.stock?,
            options: self.options?,
        })
    }
}

/// Reads one variant; `partial` allows missing fields (PATCH).
pub fn variant(v: &Value, at: &str, partial: bool, e: &mut Errors) -> VariantFields {
    let Some(obj) = v.as_object() else {
        let at = at.trim_end_matches('.');
        e.add(if at.is_empty() { "body" } else { at }, "must be an object");
        return VariantFields::default();
    };
    only(
        obj,
        &["sku", "price", "currency", "stock", "options"],
        at,
        e,
    );
    let present = |k: &str| obj.get(k).is_some_and(|v| !v.is_null());
    let sku = if partial && !present("sku") {
        None
    } else {
        string(obj.get("sku"), &format!("{at}sku"), 1, 64, e).and_then(|s| {
            Sku::parse(&s)
                .map(|s| s.as_str().to_string())
                .map_err(|m| e.add(format!("{at}sku"), m))
                .ok()
        })
    };
    let price = if partial && !present("price") {
        None
    } else {
        integer(obj.get("price"), &format!("{at}price"), 0, MAX_PRICE, e)
    };
    let stock = if partial && !present("stock") {
        None
    } else {
        integer(obj.get("stock"), &format!("{at}stock"), 0, MAX_STOCK, e)
    };
    if let Some(c) = obj.get("currency").filter(|c| !c.is_null()) {
        match c.as_str().map(Currency::parse) {
            Some(Ok(cur)) if cur.code() == CURRENCY => {}
            _ => e.add(
                format!("{at}currency"),
                format!("must be {CURRENCY}, the shop's currency"),
            ),
        }
    }
    let opts = if partial && !present("options") {
        None
    } else {
        options(obj.get("options"), &format!("{at}options"), e)
    };
    VariantFields {
        sku,
        price,
        stock,
        options: opts,
    }
}

/// Reads the `variants` array of a new product.
pub fn variants(v: Option<&Value>, e: &mut Errors) -> Vec<VariantIn> {
    let Some(Value::Array(items)) = v else {
        e.add("variants", "must be an array of 1 to 100 variants");
        return Vec::new();
    };
    if items.is_empty() || items.len() > 100 {
        e.add("variants", "must hold 1 to 100 variants");
        return Vec::new();
    }
    let mut out: Vec<VariantIn> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("variants[{i}].");
        if let Some(v) = variant(item, &at, false, e).complete() {
            if out.iter().any(|o| o.sku == v.sku) {
                e.add(format!("{at}sku"), "appears twice in this product");
            } else {
                out.push(v);
            }
        }
    }
    out
}

/// Parses an optional nullable integer id (`null` clears).
pub fn nullable_id(v: Option<&Value>, field: &str, e: &mut Errors) -> Option<Option<i64>> {
    match v {
        None => None,
        Some(Value::Null) => Some(None),
        Some(x) => match x.as_i64() {
            Some(n) if n > 0 => Some(Some(n)),
            _ => {
                e.add(field, "must be an id or null");
                None
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(e: Errors) -> Vec<String> {
        e.0.into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn option_names_are_lower_cased_and_may_not_repeat_in_another_case() {
        let mut e = Errors::default();
        let o = options(Some(&json!({ "Size": "M", "Color": "Black" })), "o", &mut e);
        assert_eq!(
            o.unwrap().into_iter().collect::<Vec<_>>(),
            [
                ("color".into(), "Black".into()),
                ("size".into(), "M".into())
            ]
        );
        options(Some(&json!({ "Size": "M", "size": "L" })), "o", &mut e);
        assert_eq!(fields(e), ["o.size"]);
    }

    #[test]
    fn image_urls_must_be_web_site_relative_or_inline_images() {
        let mut e = Errors::default();
        let ok = images(
            Some(&json!([
                { "url": "https://a.test/x.jpg" },
                { "url": "/media/x.jpg", "alt": "x" },
                { "url": "data:image/png;base64,AA" },
            ])),
            &mut e,
        );
        assert_eq!(ok.map(|i| i.len()), Some(3));
        images(
            Some(&json!([{ "url": "//evil.test/x" }, { "url": "javascript:x" }, { "url": "" }])),
            &mut e,
        );
        assert_eq!(
            fields(e),
            ["images[0].url", "images[1].url", "images[2].url"]
        );
    }

    #[test]
    fn every_bad_variant_field_is_reported_with_its_path() {
        let mut e = Errors::default();
        let v = variants(
            Some(&json!([
                { "sku": "A-1", "price": 100, "stock": 1 },
                { "sku": "a-1", "price": 100, "stock": 1 },
                { "sku": "B 2", "price": -1, "stock": 1.5, "currency": "USD", "size": "M" },
            ])),
            &mut e,
        );
        assert_eq!(v.len(), 1);
        assert_eq!(
            fields(e),
            [
                "variants[1].sku",
                "variants[2].size",
                "variants[2].sku",
                "variants[2].price",
                "variants[2].stock",
                "variants[2].currency",
            ]
        );
        let mut e = Errors::default();
        variant(&json!([]), "", false, &mut e);
        assert_eq!(fields(e), ["body"]);
    }
}
