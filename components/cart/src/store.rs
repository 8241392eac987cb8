//! The `cart` database: carts (one per signed-in user, or a guest cart found by
//! the hash of its token), their lines, and the saga's applied clear keys.

use crate::catalog::Variant;
use crate::pricing::{Rules, parse_tax_rates};
use edgecart_kit::db::{Db, Migration, RowExt, int, text};
use edgecart_kit::{ApiError, ApiResult, now, token, variables};
use std::sync::OnceLock;

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "carts, lines, applied clears",
        statements: &[
            "CREATE TABLE carts (
            id INTEGER PRIMARY KEY,
            user_id INTEGER UNIQUE,
            token_hash TEXT UNIQUE,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            CHECK ((user_id IS NULL) <> (token_hash IS NULL))
        )",
            "CREATE TABLE cart_lines (
            cart_id INTEGER NOT NULL REFERENCES carts(id) ON DELETE CASCADE,
            variant_id INTEGER NOT NULL,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            price_seen INTEGER,
            added_at INTEGER NOT NULL,
            PRIMARY KEY (cart_id, variant_id)
        )",
            "CREATE TABLE applied_clears (
            key TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL,
            applied_at INTEGER NOT NULL
        )",
            "CREATE INDEX carts_by_update ON carts(updated_at)",
        ],
    },
    Migration {
        version: 2,
        name: "the catalog's last answer per line",
        statements: &[
            "ALTER TABLE cart_lines ADD COLUMN seen TEXT",
            "ALTER TABLE cart_lines ADD COLUMN seen_at INTEGER",
        ],
    },
];

/// Guest carts untouched this long are deleted.
const GUEST_CART_TTL: i64 = 30 * 24 * 3600;

/// A cart that exists.
#[derive(Debug, Clone, Copy)]
pub struct CartRef {
    id: i64,
}

/// One line as stored.
#[derive(Debug, Clone)]
pub struct Line {
    pub variant_id: i64,
    pub quantity: i64,
    /// The unit price the shopper last saw, to tell when it changed.
    pub price_seen: Option<i64>,
    /// What the catalog said about the variant when the cart last asked.
    pub cached: Option<Cached>,
}

/// The catalog's answer for one line, kept so that a cart view can be shown
/// again without asking the catalog (`Store::remember`).
#[derive(Debug, Clone)]
pub struct Cached {
    /// When the catalog answered, in seconds since the Unix epoch.
    pub at: i64,
    /// The variant as it was described, `None` when the catalog no longer had it.
    pub variant: Option<Variant>,
}

/// Whose cart a request addresses.
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    /// A signed-in user, by id.
    User(i64),
    /// A guest, by the cart's token.
    Guest(&'a str),
}

/// A line from a row whose first five columns are `variant_id, quantity,
/// price_seen, seen, seen_at`.
fn line(r: &impl RowExt) -> Line {
    Line {
        variant_id: r.int(0),
        quantity: r.int(1),
        price_seen: r.opt_int(2),
        // An answer that no longer parses is asked again.
        cached: r.opt_int(4).zip(r.opt_text(3)).and_then(|(at, seen)| {
            serde_json::from_str(&seen)
                .ok()
                .map(|variant| Cached { at, variant })
        }),
    }
}

/// The catalog's answer for `line` among `variants`.
fn answer<'v>(variants: &'v [Variant], line: &Line) -> Option<&'v Variant> {
    variants.iter().find(|v| v.id == line.variant_id)
}

/// The lines whose kept answer differs from `variants` asked at `at`, or whose
/// shown price does.
fn stale<'l>(lines: &'l [Line], variants: &[Variant], at: i64) -> Vec<&'l Line> {
    lines
        .iter()
        .filter(|line| {
            let v = answer(variants, line);
            let kept = line.cached.as_ref();
            kept.is_none_or(|c| c.at != at || c.variant.as_ref() != v)
                || v.is_some_and(|v| line.price_seen != Some(v.price.amount))
        })
        .collect()
}

/// What the cart's variables say.
pub struct Settings {
    pub rules: Rules,
    /// The country when a request names none.
    pub default_country: String,
    /// How many seconds a cart view may show what the catalog last said
    /// (`cart_price_max_age`; 0: ask every time).
    pub price_max_age: i64,
}

/// The open database.
pub struct Store {
    db: Db,
}

impl Store {
    /// Opens (and on first use migrates) the cart database.
    pub async fn open() -> ApiResult<Store> {
        Ok(Store {
            db: Db::open("cart", MIGRATIONS).await?,
        })
    }

    /// The pricing rules, the default country and how long catalog answers
    /// may be reused, read from variables once per instance (as the kit's
    /// token verifier is): a variable's value is fixed for the application's
    /// life, and each read is a host call.
    pub async fn settings(&self) -> ApiResult<&'static Settings> {
        static SETTINGS: OnceLock<Settings> = OnceLock::new();
        if let Some(s) = SETTINGS.get() {
            return Ok(s);
        }
        let read = Self::read_settings().await?;
        Ok(SETTINGS.get_or_init(|| read))
    }

    async fn read_settings() -> ApiResult<Settings> {
        let number = |name: &'static str, v: String| {
            v.trim()
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| ApiError::internal(format!("variable {name} is not a whole number")))
        };
        let rules = Rules {
            flat_rate: number(
                "shipping_flat_rate",
                variables::get("shipping_flat_rate").await?,
            )?,
            free_threshold: number(
                "free_shipping_threshold",
                variables::get("free_shipping_threshold").await?,
            )?,
            tax_rates: parse_tax_rates(&variables::get("tax_rates").await?)
                .map_err(|m| ApiError::internal(format!("variable tax_rates: {m}")))?,
        };
        Ok(Settings {
            rules,
            default_country: variables::get("default_country").await?,
            price_max_age: number("price_max_age", variables::get("price_max_age").await?)?,
        })
    }

    async fn one(&self, sql: &str, param: spin_sdk::sqlite::Value) -> ApiResult<Option<CartRef>> {
        Ok(self
            .db
            .query(sql, [param])
            .await?
            .first()
            .map(|r| CartRef { id: r.int(0) }))
    }

    pub async fn find_user_cart(&self, user_id: i64) -> ApiResult<Option<CartRef>> {
        self.one("SELECT id FROM carts WHERE user_id = ?", int(user_id))
            .await
    }

    /// The user's cart, created empty if it does not exist.
    pub async fn user_cart(&self, user_id: i64) -> ApiResult<CartRef> {
        let t = now();
        self.db
            .exec(
                "INSERT INTO carts (user_id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
                [int(user_id), int(t), int(t)],
            )
            .await?;
        self.find_user_cart(user_id)
            .await?
            .ok_or_else(|| ApiError::internal("a user cart vanished after insert"))
    }

    pub async fn find_guest_cart(&self, token: &str) -> ApiResult<Option<CartRef>> {
        self.one(
            "SELECT id FROM carts WHERE token_hash = ?",
            text(token::hash(token)),
        )
        .await
    }

    /// A new guest cart holding one line (`variant_id`, `quantity`), with the
    /// catalog's answer for it kept as [`Store::remember`] does, and its token
    /// (shown to the client once; only its hash is stored), in one
    /// transaction. Old abandoned guest carts are purged on the way.
    pub async fn new_guest_cart(
        &self,
        line: (i64, i64),
        variants: &[Variant],
        at: i64,
    ) -> ApiResult<(CartRef, String)> {
        let t = now();
        let token = token::random()?;
        let cart = self
            .db
            .transaction(async {
                self.db
                    .exec(
                        "DELETE FROM carts WHERE token_hash IS NOT NULL AND updated_at < ?",
                        [int(t - GUEST_CART_TTL)],
                    )
                    .await?;
                self.db
                    .exec(
                        "INSERT INTO carts (token_hash, created_at, updated_at) VALUES (?, ?, ?)",
                        [text(token::hash(&token)), int(t), int(t)],
                    )
                    .await?;
                let cart = CartRef {
                    id: self.db.last_insert_rowid().await,
                };
                self.change(&cart, &[], line, variants, at).await?;
                Ok(cart)
            })
            .await?;
        Ok((cart, token))
    }

    pub async fn lines(&self, cart: &CartRef) -> ApiResult<Vec<Line>> {
        Ok(self
            .db
            .query(
                "SELECT variant_id, quantity, price_seen, seen, seen_at FROM cart_lines WHERE cart_id = ? ORDER BY added_at, variant_id",
                [int(cart.id)],
            )
            .await?
            .iter()
            .map(line)
            .collect())
    }

    /// The cart `owner` has, with its lines, in one statement: one round trip
    /// to a remote database instead of two.
    pub async fn find_with_lines(
        &self,
        owner: Owner<'_>,
    ) -> ApiResult<Option<(CartRef, Vec<Line>)>> {
        let (sql, key) = match owner {
            Owner::User(id) => (
                "SELECT l.variant_id, l.quantity, l.price_seen, l.seen, l.seen_at, c.id FROM carts c LEFT JOIN cart_lines l ON l.cart_id = c.id WHERE c.user_id = ? ORDER BY l.added_at, l.variant_id",
                int(id),
            ),
            Owner::Guest(token) => (
                "SELECT l.variant_id, l.quantity, l.price_seen, l.seen, l.seen_at, c.id FROM carts c LEFT JOIN cart_lines l ON l.cart_id = c.id WHERE c.token_hash = ? ORDER BY l.added_at, l.variant_id",
                text(token::hash(token)),
            ),
        };
        let rows = self.db.query(sql, [key]).await?;
        Ok(rows.first().map(|first| {
            // A cart without lines is one row whose line columns are null.
            let lines = rows
                .iter()
                .filter(|r| r.opt_int(0).is_some())
                .map(line)
                .collect();
            (CartRef { id: first.int(5) }, lines)
        }))
    }

    /// The quantity of a variant in the cart (0 when absent).
    pub async fn quantity(&self, cart: &CartRef, variant_id: i64) -> ApiResult<i64> {
        Ok(self
            .db
            .query(
                "SELECT quantity FROM cart_lines WHERE cart_id = ? AND variant_id = ?",
                [int(cart.id), int(variant_id)],
            )
            .await?
            .first()
            .map_or(0, |r| r.int(0)))
    }

    async fn touch(&self, cart: &CartRef) -> ApiResult<()> {
        self.db
            .exec(
                "UPDATE carts SET updated_at = ? WHERE id = ?",
                [int(now()), int(cart.id)],
            )
            .await
            .map(|_| ())
    }

    /// Sets a line's quantity, adding the line if needed.
    pub async fn set(&self, cart: &CartRef, variant_id: i64, quantity: i64) -> ApiResult<()> {
        self.db
            .exec(
                "INSERT INTO cart_lines (cart_id, variant_id, quantity, added_at) VALUES (?, ?, ?, ?)
                 ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = excluded.quantity",
                [int(cart.id), int(variant_id), int(quantity), int(now())],
            )
            .await?;
        self.touch(cart).await
    }

    /// Removes a line; false when there was none.
    pub async fn remove(&self, cart: &CartRef, variant_id: i64) -> ApiResult<bool> {
        let n = self
            .db
            .exec(
                "DELETE FROM cart_lines WHERE cart_id = ? AND variant_id = ?",
                [int(cart.id), int(variant_id)],
            )
            .await?;
        self.touch(cart).await?;
        Ok(n > 0)
    }

    /// Removes every line.
    pub async fn clear(&self, cart: &CartRef) -> ApiResult<()> {
        self.db
            .exec("DELETE FROM cart_lines WHERE cart_id = ?", [int(cart.id)])
            .await?;
        self.touch(cart).await
    }

    /// Deletes a cart with its lines.
    pub async fn delete_cart(&self, cart: &CartRef) -> ApiResult<()> {
        self.db
            .exec("DELETE FROM cart_lines WHERE cart_id = ?", [int(cart.id)])
            .await?;
        self.db
            .exec("DELETE FROM carts WHERE id = ?", [int(cart.id)])
            .await
            .map(|_| ())
    }

    /// Keeps what the catalog just said about each line (`variants`, asked at
    /// `at`) and the prices the shopper is being shown, in one transaction.
    /// A line whose kept answer is the same and from the same second is left
    /// alone, so repeated refreshes of an unchanged cart write nothing.
    pub async fn remember(
        &self,
        cart: &CartRef,
        lines: &[Line],
        variants: &[Variant],
        at: i64,
    ) -> ApiResult<()> {
        let stale = stale(lines, variants, at);
        if stale.is_empty() {
            return Ok(());
        }
        self.db
            .transaction(self.keep(cart, &stale, variants, at))
            .await
    }

    /// Sets a line's quantity, adding the line if needed, and keeps the
    /// catalog's answer for every line as [`Store::remember`] does, in one
    /// transaction: a change takes the database's write lock once. `lines`
    /// are the cart's lines before the change.
    pub async fn set_remembering(
        &self,
        cart: &CartRef,
        lines: &[Line],
        line: (i64, i64),
        variants: &[Variant],
        at: i64,
    ) -> ApiResult<()> {
        self.db
            .transaction(self.change(cart, lines, line, variants, at))
            .await
    }

    /// The statements of [`Store::set_remembering`], inside the caller's
    /// transaction.
    async fn change(
        &self,
        cart: &CartRef,
        lines: &[Line],
        (variant_id, quantity): (i64, i64),
        variants: &[Variant],
        at: i64,
    ) -> ApiResult<()> {
        let mut after = lines.to_vec();
        match after.iter_mut().find(|l| l.variant_id == variant_id) {
            Some(line) => line.quantity = quantity,
            None => after.push(Line {
                variant_id,
                quantity,
                price_seen: None,
                cached: None,
            }),
        }
        let stale = stale(&after, variants, at);
        self.set(cart, variant_id, quantity).await?;
        self.keep(cart, &stale, variants, at).await
    }

    /// Writes the catalog's answer for each of the `stale` lines.
    async fn keep(
        &self,
        cart: &CartRef,
        stale: &[&Line],
        variants: &[Variant],
        at: i64,
    ) -> ApiResult<()> {
        for line in stale {
            let v = answer(variants, line);
            let seen = serde_json::to_string(&v)
                .map_err(|e| ApiError::internal(format!("catalog answer: {e}")))?;
            self.db
                .exec(
                    "UPDATE cart_lines SET price_seen = coalesce(?, price_seen), seen = ?, seen_at = ? WHERE cart_id = ? AND variant_id = ?",
                    [
                        v.map_or(spin_sdk::sqlite::Value::Null, |v| int(v.price.amount)),
                        text(seen),
                        int(at),
                        int(cart.id),
                        int(line.variant_id),
                    ],
                )
                .await?;
        }
        Ok(())
    }

    /// Subtracts bought quantities from a user's cart, once per key; returns
    /// whether this call applied it.
    pub async fn subtract_once(
        &self,
        user_id: i64,
        key: &str,
        lines: &[(i64, i64)],
    ) -> ApiResult<bool> {
        let Some(cart) = self.find_user_cart(user_id).await? else {
            return Ok(false);
        };
        self.db.begin().await?;
        let result = async {
            let fresh = self
                .db
                .exec(
                    "INSERT INTO applied_clears (key, user_id, applied_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
                    [text(key), int(user_id), int(now())],
                )
                .await?;
            if fresh == 0 {
                return Ok(false);
            }
            // Delete the lines that are used up before shrinking the others.
            for (variant_id, quantity) in lines {
                self.db
                    .exec(
                        "DELETE FROM cart_lines WHERE cart_id = ? AND variant_id = ? AND quantity <= ?",
                        [int(cart.id), int(*variant_id), int(*quantity)],
                    )
                    .await?;
                self.db
                    .exec(
                        "UPDATE cart_lines SET quantity = quantity - ? WHERE cart_id = ? AND variant_id = ? AND quantity > ?",
                        [int(*quantity), int(cart.id), int(*variant_id), int(*quantity)],
                    )
                    .await?;
            }
            Ok(true)
        }
        .await;
        match result {
            Ok(applied) => {
                self.db.commit().await?;
                Ok(applied)
            }
            Err(e) => {
                self.db.rollback().await;
                Err(e)
            }
        }
    }
}
