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
    /// The first image's URL; set by [`decorate`].
    pub image: Option<String>,
    /// Whether a variant can be bought; set by [`decorate`].
    pub in_stock: bool,
    pub price: Money,
    pub slug: String,
    /// In the order the tag query lists them; set by [`decorate`].
    pub tags: Vec<String>,
    pub title: String,
}

/// The page query's columns: the product's id, slug, title and price, then
/// its category's id, slug and name (no id without a category).
pub type Row = (i64, String, String, i64, Option<i64>, String, String);

impl Summary {
    /// The item of `row`, its price in `currency`; [`decorate`] fills in the
    /// rest.
    pub fn new(row: Row, currency: &'static str) -> Summary {
        let (id, slug, title, price, category, category_slug, category_name) = row;
        Summary {
            category: category.map(|id| Category {
                id,
                name: category_name,
                slug: category_slug,
            }),
            id,
            image: None,
            in_stock: false,
            price: Money {
                amount: price,
                currency,
            },
            slug,
            tags: Vec::new(),
            title,
        }
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

/// Gives each item its image, tags and stock from the rows of the page's
/// three follow-up queries: `(product id, url)` of each first image,
/// `(product id, tag)` of each tag, and the ids of the products in stock.
pub fn decorate(
    items: &mut [Summary],
    images: impl IntoIterator<Item = (i64, String)>,
    tags: impl IntoIterator<Item = (i64, String)>,
    in_stock: impl IntoIterator<Item = i64>,
) {
    fn item(items: &mut [Summary], id: i64) -> Option<&mut Summary> {
        items.iter_mut().find(|i| i.id == id)
    }
    for (id, url) in images {
        if let Some(i) = item(items, id).filter(|i| i.image.is_none()) {
            i.image = Some(url);
        }
    }
    for (id, tag) in tags {
        if let Some(i) = item(items, id) {
            i.tags.push(tag);
        }
    }
    for id in in_stock {
        if let Some(i) = item(items, id) {
            i.in_stock = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Page, Summary, decorate};
    use serde_json::json;

    fn item(id: i64, category: Option<i64>) -> Summary {
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
            ),
            "EUR",
        )
    }

    #[test]
    fn a_page_writes_the_bytes_of_the_value_tree_it_replaced() {
        let mut items = vec![item(7, Some(2)), item(9, None)];
        decorate(
            &mut items,
            [(9, "/a.png".to_string()), (9, "/b.png".to_string())],
            [
                (7, "gift".to_string()),
                (9, "new".to_string()),
                (7, "sale".to_string()),
            ],
            [7],
        );
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
}
