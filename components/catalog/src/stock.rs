//! The SQL of available stock: on hand less unexpired holds. Pure text
//! building with no dependency, so `bench/native` compiles this file in
//! unchanged and both run the same statements.

/// SQL for a variant's available stock (`v` is the variant row) at time `now`:
/// on hand minus the quantities of unexpired holds.
pub fn available_sql(now: i64) -> String {
    format!(
        "(v.stock - COALESCE((SELECT SUM(l.quantity) FROM reservation_lines l JOIN reservations r ON r.id = l.reservation_id
           WHERE l.variant_id = v.id AND r.status = 'held' AND r.expires_at > {now}), 0))"
    )
}

/// SQL for the ids of the products with no variant available at `now`.
///
/// A variant with stock on hand and no unexpired hold is available, so only
/// the products of a sold-out variant (`variants_sold_out`, a partial index) or
/// of a held one can be out of stock: those few candidates are checked
/// variant by variant, instead of every product a listing matches. (A product
/// always has a variant: the last one cannot be deleted.)
pub fn out_of_stock_sql(now: i64) -> String {
    format!(
        "SELECT c.product_id FROM (
            SELECT product_id FROM variants WHERE stock <= 0
            UNION
            SELECT v.product_id FROM reservations r JOIN reservation_lines l ON l.reservation_id = r.id
                JOIN variants v ON v.id = l.variant_id
             WHERE r.status = 'held' AND r.expires_at > {now}) c
         WHERE NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_id = c.product_id AND {} > 0)",
        available_sql(now)
    )
}
