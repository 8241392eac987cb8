//! The conditions of a listing's filter that both the catalog component and
//! `bench/native` write: the search words' match, and the conditions that narrow
//! a listing to a tag or an option value, and the page's statement. Constant
//! text, and no dependency but `stock.rs`'s (constant text too), so
//! `bench/native` compiles this file in unchanged and both run the same
//! statements.
//!
//! With search words the full-text matches are the candidates (for a common
//! word, about a tenth of the catalog), and each is checked by index
//! (`EXISTS`). Listing every product with the tag or the value instead (`IN`)
//! built a temporary index of thousands of ids for every search when the value
//! is common, as a size is: a search for `mug` with `tag=gift` and
//! `option.size=M` read its page in 1.9 ms instead of 3.0, and its facets in
//! 2.5 instead of 4.4. Without words those lists are what drives the query.

use super::stock::AVAILABLE_SQL;

/// The condition that product `p` carries a tag (one parameter).
pub fn tag(searching: bool) -> &'static str {
    if searching {
        " AND EXISTS (SELECT 1 FROM product_tags WHERE product_id = p.id AND tag = ?)"
    } else {
        " AND p.id IN (SELECT product_id FROM product_tags WHERE tag = ?)"
    }
}

/// The condition that a variant of product `p` has an option value (two
/// parameters: the option's name, then the value).
pub fn option(searching: bool) -> &'static str {
    if searching {
        " AND EXISTS (SELECT 1 FROM variant_options WHERE product_id = p.id AND name = ? AND value = ?)"
    } else {
        " AND p.id IN (SELECT product_id FROM variant_options WHERE name = ? AND value = ?)"
    }
}

/// The search words' condition (one parameter, the FTS5 query). A filter with
/// words starts with it, so that a page ranked by the words can leave it out
/// ([`ranked_page`]).
pub const MATCHED: &str =
    "p.id IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ?) AND ";

/// The status term of a filter with search words: the `+` keeps SQLite from
/// walking the status index (`products_newest`, `products_price`), which
/// nearly every product shares, and has it probe each match instead, then sort
/// them ([`in_index_order`] takes it off).
pub const MATCHED_STATUS: &str = "+p.status";

/// A filter's condition for a page with search words that is read in the
/// order of its sort's index, each product checked against the matches,
/// until the page is full. For a word that matches one product in ten, a page
/// sorted by newest or price reads about ten times its size from the index
/// instead of sorting every match: natively 0.22-0.26 ms instead of 0.47-0.92
/// for 823-1,031 matches among 10,216 products. For a rare word it would read
/// the whole index (about 1 ms), so [`index_order_pays`] decides.
pub fn in_index_order(condition: &str) -> String {
    condition.replacen(MATCHED_STATUS, "p.status", 1)
}

/// Whether a page of `rows` rows sorted by newest or price, of a search with
/// `total` matches among at most `products` products, is cheaper read in index
/// order ([`in_index_order`]): it then reads about `rows * products / total`
/// index entries at about 0.1 us each, against about 0.5 us per match to look
/// up and sort them all.
pub fn index_order_pays(total: i64, rows: i64, products: i64) -> bool {
    total > 0 && total.saturating_mul(total).saturating_mul(5) >= rows.saturating_mul(products)
}

/// A filter's condition for a page that joins the full-text matches for
/// their rank: that join already limits the page to the matches, so the
/// words' leading condition is left out instead of matching the words a
/// second time (for a common word, 0.2 to 0.4 ms of a 1 to 3 ms page,
/// natively). The join takes the words as its parameter, which is the
/// filter's first, so the filter's parameters serve unchanged.
pub fn ranked_page(sql: &str) -> &str {
    sql.strip_prefix(MATCHED).unwrap_or(sql)
}

/// Where a page's rows come from: its tables, and its id and rank columns.
pub struct Rows {
    from: &'static str,
    id: &'static str,
    rank: &'static str,
}

/// The rows of a page not ranked by words.
pub const UNRANKED: Rows = Rows {
    from: "products p",
    id: "p.id",
    rank: "0.0",
};

/// The rows of a page ranked by the words, computing each match's rank:
/// `bm25()` for every match of the words, before any other condition. Its one
/// parameter is the words.
pub const RANKED_LIVE: Rows = Rows {
    from: "products p JOIN (SELECT rowid AS id, bm25(products_fts, 10.0, 1.0) AS rank FROM products_fts
                   WHERE products_fts MATCH ?) r ON r.id = p.id",
    id: "p.id",
    rank: "r.rank",
};

/// The rows of a page ranked by the words from their kept ranks
/// ([`KEEP_RANKS`]): read in rank order from the index and checked against
/// the filter one by one until the page is full, with no `bm25()` and no
/// sort. Only ranks of the current catalog generation are read, which are
/// every match's or none (they are kept in one transaction). Its one
/// parameter is the words, like [`RANKED_LIVE`]'s.
pub const RANKED_KEPT: Rows = Rows {
    from: "search_ranks r JOIN products p ON p.id = r.product_id
                   AND r.query = ? AND r.generation = (SELECT n FROM catalog_generation)",
    id: "r.product_id",
    rank: "r.rank",
};

/// The condition of a page after the cursor's row: its sort key `key` and id
/// past the cursor's (`cmp` is `<` or `>`), two parameters. Written as one
/// comparison of row values, which SQLite turns into a seek in the sort's
/// index; the same condition spelt `key < ? OR (key = ? AND id < ?)` had
/// every later page read that index from its start.
pub fn after_cursor(key: &str, cmp: &str) -> String {
    format!(" WHERE ({key}, id) {cmp} (?, ?)")
}

/// A page's statement: the `rows` that meet `condition` (the filter's, or
/// [`ranked_page`]'s for ranked rows), as the page's columns, then `tail`
/// (the cursor's condition, `order` and the limit). Each row of the page
/// then gets its first image's URL, its tags as a JSON array in tag order,
/// and whether a variant is available, in `order` again: one statement for
/// the whole page, where three more (one per decoration, each a row per
/// image, tag or product) cost a component a host call and a row's trip
/// into the guest each.
pub fn page(rows: &Rows, condition: &str, tail: &str, order: &str) -> String {
    let Rows { from, id, rank } = rows;
    format!(
        "SELECT pg.*, (SELECT url FROM product_images WHERE product_id = pg.id AND position = 0),
                (SELECT json_group_array(tag ORDER BY tag) FROM product_tags WHERE product_id = pg.id),
                EXISTS (SELECT 1 FROM variants v WHERE v.product_id = pg.id AND {AVAILABLE_SQL} > 0)
         FROM (SELECT * FROM (SELECT {id} AS id, p.slug, p.title, p.min_price, p.created_at, c.id AS cid, c.slug AS cslug, c.name AS cname,
                {rank} AS rank
         FROM {from} LEFT JOIN categories c ON c.id = p.category_id WHERE {condition}){tail}) pg
         ORDER BY {order}"
    )
}

/// A listing's cached total and facets for the current catalog generation,
/// if kept (the one parameter is the filter's cache key): the generation, the
/// body or NULL, and the highest product id, which [`index_order_pays`] takes
/// for the number of products (an index seek; reading it here saves sorted
/// searches a statement of their own).
pub const CACHED_AGGREGATES: &str =
    "SELECT g.n, a.body, (SELECT MAX(id) FROM products) FROM catalog_generation g
             LEFT JOIN listing_aggregates a ON a.key = ? AND a.generation = g.n";

/// Whether the ranks of the words (the one parameter) are kept for the
/// current catalog generation: one row, `1` if they are.
pub const RANKS_KEPT: &str =
    "SELECT EXISTS (SELECT 1 FROM search_rank_sets s JOIN catalog_generation g
                   ON s.generation = g.n WHERE s.query = ?)";

/// Keeps the ranks of every match of the words (the one parameter) for the
/// current catalog generation, replacing those of an older one: three
/// statements, run in one write transaction so a reader sees all of a set's
/// ranks or none.
pub const KEEP_RANKS: [&str; 3] = [
    "DELETE FROM search_ranks WHERE query = ?1 AND generation < (SELECT n FROM catalog_generation)",
    "INSERT OR IGNORE INTO search_ranks (query, generation, rank, product_id)
     SELECT ?1, (SELECT n FROM catalog_generation), bm25(products_fts, 10.0, 1.0), rowid
       FROM products_fts WHERE products_fts MATCH ?1",
    "INSERT INTO search_rank_sets (query, generation, created_at)
     SELECT ?1, n, unixepoch() FROM catalog_generation WHERE 1
     ON CONFLICT (query) DO UPDATE SET generation = excluded.generation, created_at = excluded.created_at",
];
