//! The SQL of available stock: on hand less unexpired holds. Constant text with
//! no dependency, so `bench/native` compiles this file in unchanged and both run
//! the same statements.
//!
//! A hold is unexpired while its `expires_at` is after the database's clock
//! (`unixepoch()`, evaluated once per statement step), not a time written into
//! the text: a statement that holds the time in its text changes every second,
//! and each connection then prepares it again (its statement cache is keyed by
//! text) and forgets how costly it was.

/// A variant's available stock (`v` is the variant row), as SQL.
macro_rules! available {
    () => {
        "(v.stock - COALESCE((SELECT SUM(l.quantity) FROM reservation_lines l JOIN reservations r ON r.id = l.reservation_id
           WHERE l.variant_id = v.id AND r.status = 'held' AND r.expires_at > unixepoch()), 0))"
    };
}

/// SQL for a variant's available stock (`v` is the variant row): on hand minus
/// the quantities of unexpired holds.
pub const AVAILABLE_SQL: &str = available!();

/// SQL for the ids of the products with no variant available now.
///
/// A variant with stock on hand and no unexpired hold is available, so only
/// the products of a sold-out variant (`variants_sold_out`, a partial index) or
/// of a held one can be out of stock: those few candidates are checked
/// variant by variant, instead of every product a listing matches. (A product
/// always has a variant: the last one cannot be deleted.)
pub const OUT_OF_STOCK_SQL: &str = concat!(
    "SELECT c.product_id FROM (
        SELECT product_id FROM variants WHERE stock <= 0
        UNION
        SELECT v.product_id FROM reservations r JOIN reservation_lines l ON l.reservation_id = r.id
            JOIN variants v ON v.id = l.variant_id
         WHERE r.status = 'held' AND r.expires_at > unixepoch()) c
     WHERE NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_id = c.product_id AND ",
    available!(),
    " > 0)"
);
