//! A listing page as the API shows it (`GET /products`): its items and the
//! body around them.
//!
//! Serialized straight from these types instead of through a
//! `serde_json::Value` tree, which allocated a map node and a key for every
//! field of every item (as `detail.rs` does for one product). The fields are
//! declared in alphabetical order, the order a `Value` map writes, so the bytes
//! (and the `ETag` hashed from them) are what they were. `bench/native`
//! compiles this file in unchanged, so the native baseline builds the same
//! answer the same way.

use super::detail::{Category, Money};
use serde::Serialize;
use serde_json::value::RawValue;

/// One product of a page.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub category: Option<Category>,
    pub id: i64,
    /// The first image's URL.
    pub image: Option<String>,
    /// Whether a variant can be bought.
    pub in_stock: bool,
    pub price: Money,
    pub slug: String,
    /// A JSON array of the tags in tag order, as the page query writes it.
    pub tags: Box<RawValue>,
    pub title: String,
}

/// The page query's columns (`filters::page`): the product's id, slug, title
/// and price, then its category's id, slug and name (no id without a
/// category), its first image, its tags as JSON text and whether it is in
/// stock.
pub type Row = (
    i64,
    String,
    String,
    i64,
    Option<i64>,
    String,
    String,
    Option<String>,
    String,
    bool,
);

impl Summary {
    /// The item of `row`, its price in `currency`; an error if the tags are
    /// not a JSON text.
    pub fn new(row: Row, currency: &'static str) -> serde_json::Result<Summary> {
        let (id, slug, title, price, category, category_slug, category_name, image, tags, in_stock) =
            row;
        Ok(Summary {
            category: category.map(|id| Category {
                id,
                name: category_name,
                slug: category_slug,
            }),
            id,
            image,
            in_stock,
            price: Money {
                amount: price,
                currency,
            },
            slug,
            tags: RawValue::from_string(tags)?,
            title,
        })
    }
}

/// A page of a listing.
#[derive(Debug, Serialize)]
pub struct Page {
    /// The listing's facets, JSON text as stored with its aggregates.
    pub facets: Box<RawValue>,
    pub items: Vec<Summary>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

#[cfg(test)]
mod tests {
    use super::{Page, Summary};
    use serde_json::json;

    fn item(
        id: i64,
        category: Option<i64>,
        image: Option<&str>,
        tags: &str,
        in_stock: bool,
    ) -> Summary {
        let (slug, name) = match category {
            Some(_) => ("mugs", "Mugs"),
            None => ("", ""),
        };
        Summary::new(
            (
                id,
                format!("p-{id}"),
                format!("Product {id}"),
                1250,
                category,
                slug.into(),
                name.into(),
                image.map(String::from),
                tags.into(),
                in_stock,
            ),
            "EUR",
        )
        .unwrap()
    }

    #[test]
    fn a_page_writes_the_bytes_of_the_value_tree_it_replaced() {
        let items = vec![
            item(7, Some(2), None, r#"["gift","sale"]"#, true),
            item(9, None, Some("/a.png"), r#"["new"]"#, false),
        ];
        let facets = json!({"categories": [{"count": 1, "id": 2, "name": "Mugs", "slug": "mugs"}], "price": {"max": null, "min": null}});
        let page = Page {
            facets: serde_json::value::to_raw_value(&facets).unwrap(),
            items,
            next_cursor: Some("abc".into()),
            total: 2,
        };
        let tree = json!({
            "items": [
                {"id": 7, "slug": "p-7", "title": "Product 7",
                 "price": {"amount": 1250, "currency": "EUR"},
                 "category": {"id": 2, "slug": "mugs", "name": "Mugs"},
                 "image": null, "in_stock": true, "tags": ["gift", "sale"]},
                {"id": 9, "slug": "p-9", "title": "Product 9",
                 "price": {"amount": 1250, "currency": "EUR"},
                 "category": null, "image": "/a.png", "in_stock": false, "tags": ["new"]},
            ],
            "next_cursor": "abc",
            "total": 2,
            "facets": facets,
        });
        assert_eq!(
            serde_json::to_string(&page).unwrap(),
            serde_json::to_string(&tree).unwrap()
        );
    }

    #[test]
    fn tags_that_are_not_json_are_an_error() {
        let row = (
            1,
            String::new(),
            String::new(),
            0,
            None,
            String::new(),
            String::new(),
            None,
            "[gift".to_string(),
            false,
        );
        assert!(Summary::new(row, "EUR").is_err());
    }
}
