//! Validated newtypes: raw input is parsed once, at the edge, into values that
//! cannot be invalid. Each `parse` returns the message a client sees.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An email address, trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Email(String);

impl Email {
    /// Parses an address: one `@`, a non-empty local part, a dotted domain,
    /// no spaces, at most 254 characters.
    pub fn parse(raw: &str) -> Result<Email, String> {
        let s = raw.trim().to_lowercase();
        if s.len() > 254 {
            return Err("is longer than 254 characters".into());
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("is not an email address".into());
        };
        let ok_chars = |p: &str| {
            p.chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && c != '@' && c != ',')
        };
        let labels_ok = domain.split('.').count() >= 2
            && domain.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local.is_empty() || local.len() > 64 || !ok_chars(local) || !labels_ok {
            return Err("is not an email address".into());
        }
        Ok(Email(s))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A stock-keeping unit: 1–64 of `A-Z 0-9 - _ .`, upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Sku(String);

impl Sku {
    /// Parses a SKU.
    pub fn parse(raw: &str) -> Result<Sku, String> {
        let s = raw.trim().to_ascii_uppercase();
        if s.is_empty() || s.len() > 64 {
            return Err("must be 1 to 64 characters".into());
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err("may contain only letters, digits, '-', '_' and '.'".into());
        }
        Ok(Sku(s))
    }

    /// The SKU.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A URL slug: 1–96 of `a-z 0-9 -`, not starting or ending with `-`, not all digits
/// (so it never looks like an id).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Slug(String);

impl Slug {
    /// Parses a slug as given.
    pub fn parse(raw: &str) -> Result<Slug, String> {
        let s = raw.trim();
        if s.is_empty() || s.len() > 96 {
            return Err("must be 1 to 96 characters".into());
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            || s.starts_with('-')
            || s.ends_with('-')
            || s.contains("--")
        {
            return Err("may contain only a-z, 0-9 and single '-' between them".into());
        }
        if s.chars().all(|c| c.is_ascii_digit()) {
            return Err("must contain a letter".into());
        }
        Ok(Slug(s.to_string()))
    }

    /// Derives a slug from a title: ASCII letters and digits kept, the rest
    /// collapsed into single dashes.
    pub fn from_title(title: &str) -> Result<Slug, String> {
        let mut s = String::new();
        for c in title.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                s.push(c);
            } else if !s.is_empty() && !s.ends_with('-') {
                s.push('-');
            }
        }
        let s: String = s.trim_end_matches('-').chars().take(96).collect();
        let s = s.trim_end_matches('-');
        if s.chars().all(|c| c.is_ascii_digit()) {
            return Slug::parse(&format!("item-{s}"));
        }
        Slug::parse(s)
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A positive item quantity, 1 to 999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Quantity(u32);

impl Quantity {
    /// The largest quantity of one line.
    pub const MAX: u32 = 999;

    /// Parses a quantity.
    pub fn parse(n: i64) -> Result<Quantity, String> {
        if n < 1 || n > i64::from(Self::MAX) {
            return Err(format!("must be between 1 and {}", Self::MAX));
        }
        Ok(Quantity(
            u32::try_from(n).map_err(|_| "is out of range".to_string())?,
        ))
    }

    /// The quantity.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// An ISO 4217 currency code with its number of minor-unit digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

/// The currencies the shop accepts and their minor-unit digits (ISO 4217).
const CURRENCIES: &[(&str, u8)] = &[
    ("AUD", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CNY", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("INR", 2),
    ("JPY", 0),
    ("KRW", 0),
    ("MXN", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("PLN", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("USD", 2),
    ("ZAR", 2),
];

impl Currency {
    /// Parses a code such as `EUR` (case-insensitive).
    pub fn parse(raw: &str) -> Result<Currency, String> {
        let up = raw.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == up)
            .and_then(|(c, _)| <[u8; 3]>::try_from(c.as_bytes()).ok())
            .map(Currency)
            .ok_or_else(|| format!("`{raw}` is not a supported ISO 4217 currency code"))
    }

    /// The code.
    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal point (2 for EUR, 0 for JPY).
    pub fn minor_digits(&self) -> u8 {
        CURRENCIES
            .iter()
            .find(|(c, _)| c.as_bytes() == self.0)
            .map_or(2, |(_, d)| *d)
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Currency::parse(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_string()
    }
}

/// An amount of money in integer minor units (cents) of a currency. Never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Money {
    /// Minor units (e.g. 1999 for 19.99 EUR).
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
}

impl Money {
    /// The largest amount accepted: 10^12 minor units.
    pub const MAX: i64 = 1_000_000_000_000;

    /// A non-negative amount within [`Money::MAX`].
    pub fn new(amount: i64, currency: Currency) -> Result<Money, String> {
        if !(0..=Self::MAX).contains(&amount) {
            return Err(format!(
                "must be a whole number of minor units between 0 and {}",
                Self::MAX
            ));
        }
        Ok(Money { amount, currency })
    }

    /// The sum, if both are in the same currency and it stays in range.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        if self.currency != other.currency {
            return None;
        }
        Money::new(self.amount.checked_add(other.amount)?, self.currency).ok()
    }

    /// The amount times a quantity.
    pub fn times(self, q: Quantity) -> Option<Money> {
        Money::new(self.amount.checked_mul(i64::from(q.get()))?, self.currency).ok()
    }

    /// `19.99 EUR`-style text.
    pub fn display(&self) -> String {
        let d = u32::from(self.currency.minor_digits());
        if d == 0 {
            return format!("{} {}", self.amount, self.currency.code());
        }
        let unit = 10_i64.pow(d);
        format!(
            "{}.{:0width$} {}",
            self.amount / unit,
            self.amount % unit,
            self.currency.code(),
            width = d as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            Email::parse(" Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a n@example.com",
            "ann@exa_mple.com",
            "ann@-x.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn skus_and_slugs_have_a_safe_alphabet() {
        assert_eq!(Sku::parse("tee-blk-m").unwrap().as_str(), "TEE-BLK-M");
        assert!(Sku::parse("tee blk").is_err());
        assert!(Sku::parse("").is_err());
        assert!(Slug::parse("red-shirt").is_ok());
        assert!(Slug::parse("Red-Shirt").is_err());
        assert!(Slug::parse("123").is_err());
        assert!(Slug::parse("a--b").is_err());
        assert_eq!(
            Slug::from_title("Café Crème — 2 pack!").unwrap().as_str(),
            "caf-cr-me-2-pack"
        );
        assert_eq!(Slug::from_title("2024").unwrap().as_str(), "item-2024");
    }

    #[test]
    fn quantities_are_bounded() {
        assert!(Quantity::parse(0).is_err());
        assert!(Quantity::parse(1000).is_err());
        assert_eq!(Quantity::parse(3).unwrap().get(), 3);
    }

    #[test]
    fn money_is_integer_minor_units_in_one_currency() {
        let eur = Currency::parse("eur").unwrap();
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(jpy.minor_digits(), 0);
        assert!(Currency::parse("XYZ").is_err());
        let a = Money::new(1999, eur).unwrap();
        assert_eq!(a.display(), "19.99 EUR");
        assert_eq!(a.times(Quantity::parse(3).unwrap()).unwrap().amount, 5997);
        assert!(a.checked_add(Money::new(1, jpy).unwrap()).is_none());
        assert!(Money::new(-1, eur).is_err());
        assert_eq!(Money::new(5, eur).unwrap().display(), "0.05 EUR");
    }
}
