//! Cart totals: subtotal, shipping, tax, total — integer minor units throughout.
//!
//! - Shipping is the flat rate (`shipping_flat_rate`), free when the subtotal
//!   reaches `free_shipping_threshold`, and nothing for an empty cart.
//! - Tax is charged on top of prices (they are net): `tax_rates` maps a country
//!   to a percentage with up to two decimals (`DE:19,US-CA:7.25`), stored as basis
//!   points. Tax is computed once, on subtotal + shipping, and rounded half up to
//!   the minor unit: `tax = (base × bp + 5000) / 10000`. Rounding per line instead
//!   would let a cart's tax differ from the sum the order shows by a cent per line.

/// A country's tax rate in basis points (1900 = 19%).
pub type BasisPoints = i64;

/// The pricing rules, from the component's variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// Shipping when under the threshold.
    pub flat_rate: i64,
    /// Subtotal from which shipping is free.
    pub free_threshold: i64,
    /// `(COUNTRY, rate)` pairs.
    pub tax_rates: Vec<(String, BasisPoints)>,
}

/// The totals of a cart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Sum of the available lines.
    pub subtotal: i64,
    /// Shipping.
    pub shipping: i64,
    /// Tax rate applied, in basis points.
    pub tax_rate: BasisPoints,
    /// Tax.
    pub tax: i64,
    /// subtotal + shipping + tax.
    pub total: i64,
}

/// Parses `19`, `7.25` into basis points.
fn percent_to_bp(s: &str) -> Result<BasisPoints, String> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty()
        || frac.len() > 2
        || !(whole
            .chars()
            .chain(frac.chars())
            .all(|c| c.is_ascii_digit()))
    {
        return Err(format!("`{s}` is not a percentage such as 19 or 7.25"));
    }
    let whole: i64 = whole.parse().map_err(|_| format!("`{s}` is too large"))?;
    let frac: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    let bp = whole * 100 + frac;
    if bp > 10_000 {
        return Err(format!("`{s}` is above 100%"));
    }
    Ok(bp)
}

/// Parses `DE:19,US-CA:7.25`.
pub fn parse_tax_rates(raw: &str) -> Result<Vec<(String, BasisPoints)>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| {
            let (country, pct) = e
                .split_once(':')
                .ok_or_else(|| format!("`{e}` is not COUNTRY:PERCENT"))?;
            Ok((
                country.trim().to_ascii_uppercase(),
                percent_to_bp(pct.trim())?,
            ))
        })
        .collect()
}

impl Rules {
    /// The rate for a country (0 when the shop charges none there).
    pub fn rate(&self, country: &str) -> BasisPoints {
        self.tax_rates
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(country))
            .map_or(0, |(_, r)| *r)
    }

    /// Totals for a subtotal shipped to `country`.
    pub fn totals(&self, subtotal: i64, country: &str) -> Totals {
        let shipping = if subtotal == 0 || subtotal >= self.free_threshold {
            0
        } else {
            self.flat_rate
        };
        let tax_rate = self.rate(country);
        let base = subtotal + shipping;
        let tax = (base * tax_rate + 5_000) / 10_000;
        Totals {
            subtotal,
            shipping,
            tax_rate,
            tax,
            total: base + tax,
        }
    }
}

/// `19%`, `7.25%` for display.
pub fn format_rate(bp: BasisPoints) -> String {
    if bp % 100 == 0 {
        format!("{}%", bp / 100)
    } else {
        let digits = format!("{}.{:02}", bp / 100, bp % 100);
        format!("{}%", digits.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules {
            flat_rate: 495,
            free_threshold: 5000,
            tax_rates: parse_tax_rates("DE:19, us-ca:7.25").unwrap(),
        }
    }

    #[test]
    fn rates_parse_into_basis_points() {
        assert_eq!(rules().rate("de"), 1900);
        assert_eq!(rules().rate("US-CA"), 725);
        assert_eq!(rules().rate("FR"), 0);
        assert!(parse_tax_rates("DE").is_err());
        assert!(parse_tax_rates("DE:1.234").is_err());
        assert!(parse_tax_rates("DE:101").is_err());
        assert_eq!(format_rate(1900), "19%");
        assert_eq!(format_rate(725), "7.25%");
        assert_eq!(format_rate(750), "7.5%");
    }

    #[test]
    fn shipping_is_flat_until_the_threshold_and_free_for_nothing() {
        assert_eq!(rules().totals(0, "DE").total, 0);
        assert_eq!(rules().totals(4999, "FR").shipping, 495);
        assert_eq!(rules().totals(5000, "FR").shipping, 0);
    }

    #[test]
    fn tax_is_rounded_half_up_once_on_the_whole() {
        // 1000 + 495 = 1495 × 19% = 284.05 → 284
        let t = rules().totals(1000, "DE");
        assert_eq!((t.tax, t.total), (284, 1779));
        // 1 + 495 = 496 × 7.25% = 35.96 → 36
        assert_eq!(rules().totals(1, "US-CA").tax, 36);
        // 2000 + 495 = 2495 × 7.25% = 180.8875 → 181
        assert_eq!(rules().totals(2000, "US-CA").tax, 181);
    }
}
