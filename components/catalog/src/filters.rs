//! The conditions of a listing's filter that both the catalog component and
//! `bench/native` write: the search words' match, and the conditions that narrow
//! a listing to a tag or an option value. Constant text and no dependency, so
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

/// A filter's condition for a page that joins the full-text matches for
/// their rank: that join already limits the page to the matches, so the
/// words' leading condition is left out instead of matching the words a
/// second time (for a common word, 0.2 to 0.4 ms of a 1 to 3 ms page,
/// natively). The join takes the words as its parameter, which is the
/// filter's first, so the filter's parameters serve unchanged.
pub fn ranked_page(sql: &str) -> &str {
    sql.strip_prefix(MATCHED).unwrap_or(sql)
}
