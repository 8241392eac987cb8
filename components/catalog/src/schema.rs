//! The `catalog` database.
//!
//! Products have variants (each its own SKU, price and on-hand stock, with
//! options such as size and colour), tags, images and one category of a tree.
//! `products_fts` is an FTS5 index over title and description kept in sync by
//! triggers. `min_price` / `max_price` on a product cache its variants' range for
//! filtering and sorting. Reservations hold stock for checkouts: availability is
//! on-hand stock minus unexpired `held` reservations, so an expired hold returns
//! its stock without any background job.
//!
//! `listing_aggregates` caches a listing's total and facet counts per filter.
//! Triggers on every table those depend on (products, categories, tags, variant
//! options) advance `catalog_generation` in the writer's own transaction, and an
//! entry is served only while its generation is the current one, so a cached
//! aggregate is always exactly what the queries would return. Stock is not among
//! those tables: filters on availability are never cached. `search_ranks`
//! keeps the rank of every match of a search's words per catalog generation
//! in the same way, so a page ranked by the words is read in rank order.

use crate::stock::AVAILABLE_SQL;
use edgecart_kit::ApiResult;
use edgecart_kit::db::{Db, Migration};

/// A trigger that moves the catalog to a new generation when `table` changes
/// (`listing_aggregates` entries of older generations are never served).
macro_rules! bump {
    ($table:literal, $event:literal) => {
        concat!(
            "CREATE TRIGGER ",
            $table,
            "_",
            $event,
            "_generation AFTER ",
            $event,
            " ON ",
            $table,
            " BEGIN UPDATE catalog_generation SET n = n + 1; DELETE FROM listing_aggregates; END"
        )
    };
}

const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "categories, products, variants, search, reservations",
    statements: &[
        "CREATE TABLE categories (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            parent_id INTEGER REFERENCES categories(id),
            position INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL
        )",
        "CREATE TABLE products (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'archived')),
            category_id INTEGER REFERENCES categories(id),
            min_price INTEGER NOT NULL DEFAULT 0,
            max_price INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        )",
        "CREATE INDEX products_newest ON products(status, created_at DESC, id DESC)",
        "CREATE INDEX products_price ON products(status, min_price, id)",
        "CREATE INDEX products_category ON products(category_id)",
        "CREATE TABLE product_tags (
            product_id INTEGER NOT NULL REFERENCES products(id),
            tag TEXT NOT NULL,
            PRIMARY KEY (product_id, tag)
        )",
        "CREATE INDEX product_tags_by_tag ON product_tags(tag, product_id)",
        "CREATE TABLE product_images (
            product_id INTEGER NOT NULL REFERENCES products(id),
            position INTEGER NOT NULL,
            url TEXT NOT NULL,
            alt TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (product_id, position)
        )",
        "CREATE TABLE variants (
            id INTEGER PRIMARY KEY,
            product_id INTEGER NOT NULL REFERENCES products(id),
            sku TEXT NOT NULL UNIQUE,
            price INTEGER NOT NULL CHECK (price >= 0),
            stock INTEGER NOT NULL CHECK (stock >= 0),
            options TEXT NOT NULL DEFAULT '{}',
            position INTEGER NOT NULL DEFAULT 0
        )",
        "CREATE INDEX variants_by_product ON variants(product_id)",
        "CREATE TABLE variant_options (
            variant_id INTEGER NOT NULL REFERENCES variants(id),
            product_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (variant_id, name)
        )",
        "CREATE INDEX variant_options_lookup ON variant_options(name, value, product_id)",
        "CREATE INDEX variant_options_by_product ON variant_options(product_id)",
        "CREATE VIRTUAL TABLE products_fts USING fts5(
            title, description, content='products', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        )",
        "CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
            INSERT INTO products_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
        END",
        "CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
            INSERT INTO products_fts(products_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
        END",
        "CREATE TRIGGER products_fts_update AFTER UPDATE OF title, description ON products BEGIN
            INSERT INTO products_fts(products_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
            INSERT INTO products_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
        END",
        "CREATE TABLE reservations (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL CHECK (status IN ('held', 'committed', 'released')),
            expires_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        )",
        "CREATE TABLE reservation_lines (
            reservation_id INTEGER NOT NULL REFERENCES reservations(id),
            variant_id INTEGER NOT NULL,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            unit_price INTEGER NOT NULL,
            PRIMARY KEY (reservation_id, variant_id)
        )",
        "CREATE INDEX reservation_lines_by_variant ON reservation_lines(variant_id)",
        "CREATE INDEX reservations_held ON reservations(status, expires_at)",
    ],
}, Migration {
    version: 2,
    name: "idempotency keys for admin creates",
    statements: &[edgecart_kit::idempotency::TABLE],
}, Migration {
    version: 3,
    name: "listing aggregates cache",
    statements: &[
        "CREATE TABLE catalog_generation (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)",
        "INSERT INTO catalog_generation (id, n) VALUES (1, 0)",
        "CREATE TABLE listing_aggregates (
            key TEXT PRIMARY KEY,
            generation INTEGER NOT NULL,
            body TEXT NOT NULL,
            created_at INTEGER NOT NULL
        )",
        "CREATE INDEX listing_aggregates_age ON listing_aggregates(created_at)",
        "CREATE TRIGGER listing_aggregates_bound AFTER INSERT ON listing_aggregates
         WHEN (SELECT COUNT(*) FROM listing_aggregates) > 2000 BEGIN
            DELETE FROM listing_aggregates WHERE key IN (SELECT key FROM listing_aggregates ORDER BY created_at LIMIT 200);
         END",
        bump!("products", "INSERT"),
        bump!("products", "UPDATE"),
        bump!("products", "DELETE"),
        bump!("categories", "INSERT"),
        bump!("categories", "UPDATE"),
        bump!("categories", "DELETE"),
        bump!("product_tags", "INSERT"),
        bump!("product_tags", "UPDATE"),
        bump!("product_tags", "DELETE"),
        bump!("variant_options", "INSERT"),
        bump!("variant_options", "UPDATE"),
        bump!("variant_options", "DELETE"),
    ],
}, Migration {
    version: 4,
    name: "option facets read from the index alone",
    statements: &[
        "DROP INDEX variant_options_by_product",
        "CREATE INDEX variant_options_by_product ON variant_options(product_id, name, value)",
    ],
}, Migration {
    version: 5,
    name: "sold-out variants by product",
    statements: &["CREATE INDEX variants_sold_out ON variants(product_id) WHERE stock <= 0"],
}, Migration {
    // The category tree counts each category's active products from the index
    // alone: with `category_id` only, it read every product row (2.0 ms for the
    // tree at 10,000 products, 0.3 ms now). Queries by category alone use the
    // new index's first column.
    version: 6,
    name: "active products by category",
    statements: &[
        "CREATE INDEX products_category_status ON products(category_id, status)",
        "DROP INDEX products_category",
    ],
}, Migration {
    // Searches ranked by their words read the ranks of every match, kept per
    // words and catalog generation (`filters::KEEP_RANKS`), in order from the
    // index, instead of running `bm25()` for every match and sorting. Ranks
    // of an older generation are never read; a set's are replaced when its
    // words are next searched, and past 128 sets the oldest go.
    version: 7,
    name: "search ranks kept per words and catalog generation",
    statements: &[
        "CREATE TABLE search_ranks (
            query TEXT NOT NULL,
            generation INTEGER NOT NULL,
            rank REAL NOT NULL,
            product_id INTEGER NOT NULL,
            PRIMARY KEY (query, generation, rank, product_id)
        ) WITHOUT ROWID",
        "CREATE TABLE search_rank_sets (
            query TEXT PRIMARY KEY,
            generation INTEGER NOT NULL,
            created_at INTEGER NOT NULL
        )",
        "CREATE INDEX search_rank_sets_age ON search_rank_sets(created_at)",
        "CREATE TRIGGER search_rank_sets_bound AFTER INSERT ON search_rank_sets
         WHEN (SELECT COUNT(*) FROM search_rank_sets) > 128 BEGIN
            DELETE FROM search_ranks WHERE query IN (SELECT query FROM search_rank_sets ORDER BY created_at LIMIT 16);
            DELETE FROM search_rank_sets WHERE query IN (SELECT query FROM search_rank_sets ORDER BY created_at LIMIT 16);
         END",
    ],
}];

/// Opens (and on first use migrates) the catalog database.
pub async fn open() -> ApiResult<Db> {
    Db::open("catalog", MIGRATIONS).await
}

/// The full product matching `key` (a condition on `p` with one parameter) in one
/// statement: its row and category, then its tags, images and variants as JSON
/// arrays (columns 12 to 14), each in display order. Each list sorts in a subquery:
/// the `libsql` client rejects `ORDER BY` inside an aggregate.
pub fn detail_sql(key: &str) -> String {
    format!(
        "SELECT p.id, p.slug, p.title, p.description, p.status, p.min_price, p.max_price, p.created_at, p.updated_at,
                c.id, c.slug, c.name,
                (SELECT json_group_array(tag) FROM (SELECT tag FROM product_tags WHERE product_id = p.id ORDER BY tag)),
                (SELECT json_group_array(json_array(url, alt))
                    FROM (SELECT url, alt FROM product_images WHERE product_id = p.id ORDER BY position)),
                (SELECT json_group_array(json_array(id, sku, price, available, options))
                    FROM (SELECT v.id, v.sku, v.price, {} AS available, v.options FROM variants v
                          WHERE v.product_id = p.id ORDER BY v.position, v.id))
         FROM products p LEFT JOIN categories c ON c.id = p.category_id WHERE {key}",
        AVAILABLE_SQL
    )
}
