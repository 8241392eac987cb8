//! The `orders` database and the order state machine.
//!
//! ```text
//! pending_payment ──► paid ──► processing ──► shipped ──► delivered
//!        │              │           │             │            │
//!        ▼              ├───────────┴─► cancelled │            │
//!  payment_failed       └─────────────────────────┴────────────┴──► refunded
//! ```
//!
//! `pending_payment` is where checkout leaves an order for the host's saga; the
//! saga moves it to `paid`, or to `payment_failed` / `cancelled` with the reason.
//! Admins move paid orders through fulfilment, cancel them before they ship
//! (which refunds what is left of the payment), and refund them in full or in
//! part; an order whose payment is refunded completely becomes `refunded`
//! (a cancelled one stays `cancelled`). Refunds are an outbox: each is a
//! `pending` row until the host's payment gateway reports it `succeeded` or
//! `failed`. Every change is a row of the order's timeline.

use edgecart_kit::ApiResult;
use edgecart_kit::db::{Db, Migration};

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "orders, lines, timeline, idempotency keys",
        statements: &[
            "CREATE TABLE orders (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL,
            status TEXT NOT NULL,
            currency TEXT NOT NULL,
            subtotal INTEGER NOT NULL,
            shipping INTEGER NOT NULL,
            tax INTEGER NOT NULL,
            total INTEGER NOT NULL,
            country TEXT NOT NULL,
            address TEXT NOT NULL,
            payment_method TEXT NOT NULL,
            payment_id TEXT,
            reason TEXT,
            tracking_number TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        )",
            "CREATE INDEX orders_by_user ON orders(user_id, id DESC)",
            "CREATE INDEX orders_by_status ON orders(status, id)",
            "CREATE TABLE order_lines (
            order_id INTEGER NOT NULL REFERENCES orders(id),
            variant_id INTEGER NOT NULL,
            sku TEXT NOT NULL,
            title TEXT NOT NULL,
            options TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            unit_price INTEGER NOT NULL,
            line_total INTEGER NOT NULL,
            PRIMARY KEY (order_id, variant_id)
        )",
            "CREATE TABLE order_events (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders(id),
            status TEXT NOT NULL,
            note TEXT,
            created_at INTEGER NOT NULL
        )",
            "CREATE INDEX order_events_by_order ON order_events(order_id, id)",
            edgecart_kit::idempotency::TABLE,
        ],
    },
    Migration {
        version: 2,
        name: "refunds",
        statements: &[
            "ALTER TABLE orders ADD COLUMN amount_refunded INTEGER NOT NULL DEFAULT 0",
            "CREATE TABLE refunds (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders(id),
            amount INTEGER NOT NULL CHECK (amount > 0),
            reason TEXT,
            status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
            gateway_id TEXT,
            error TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        )",
            "CREATE INDEX refunds_by_order ON refunds(order_id, id)",
            "CREATE INDEX refunds_by_status ON refunds(status, id)",
        ],
    },
];

/// Opens (and on first use migrates) the orders database.
pub async fn open() -> ApiResult<Db> {
    Db::open("orders", MIGRATIONS).await
}

/// Whether an order may move from `from` to `to`.
pub fn allowed(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("pending_payment", "paid" | "payment_failed" | "cancelled")
            | ("paid", "processing" | "shipped" | "cancelled")
            | ("processing", "shipped" | "cancelled")
            | ("shipped", "delivered")
            | ("paid" | "processing" | "shipped" | "delivered", "refunded")
    )
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn orders_move_only_forward_along_the_documented_edges() {
        assert!(allowed("pending_payment", "paid"));
        assert!(allowed("paid", "shipped"));
        assert!(allowed("shipped", "delivered"));
        assert!(!allowed("delivered", "shipped"));
        assert!(!allowed("payment_failed", "paid"));
        assert!(!allowed("shipped", "cancelled"));
        assert!(!allowed("pending_payment", "shipped"));
        assert!(allowed("delivered", "refunded"));
        assert!(!allowed("cancelled", "refunded"));
        assert!(!allowed("pending_payment", "refunded"));
    }
}
