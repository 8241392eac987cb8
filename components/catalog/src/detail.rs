//! The product detail as the API shows it, built from one row of
//! `schema::detail_sql`.
//!
//! It is serialized straight from these types instead of through a
//! `serde_json::Value` tree, which allocated a map node and a key for every
//! field. The fields are declared in alphabetical order, the order a `Value`
//! map writes, so the bytes (and the `ETag` hashed from them) are what they
//! were. `bench/native` compiles this file in unchanged, so the native baseline
//! builds the same answer the same way.

use serde::Serialize;
use serde_json::Value;

/// The columns of one `detail_sql` row.
pub struct Columns {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub status: String,
    pub min_price: i64,
    pub max_price: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub category: Option<Category>,
    /// The tags, a JSON array of strings built by the statement.
    pub tags: String,
    /// The images, a JSON array of `[url, alt]`.
    pub images: String,
    /// The variants, a JSON array of `[id, sku, price, available, options]`.
    pub variants: String,
}

/// The product's category.
#[derive(Debug, Serialize)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub slug: String,
}

/// `{"amount", "currency"}`.
#[derive(Debug, Serialize)]
pub struct Money {
    pub amount: i64,
    pub currency: &'static str,
}

#[derive(Debug, Serialize)]
struct Image {
    alt: Option<String>,
    url: String,
}

#[derive(Debug, Serialize)]
struct Variant {
    id: i64,
    options: Value,
    price: Money,
    sku: String,
    stock: i64,
}

/// A variant as `detail_sql` lists it: `[id, sku, price, available, options]`.
type VariantRow = (i64, String, Option<i64>, Option<i64>, Option<String>);

#[derive(Debug, Serialize)]
struct PriceRange {
    max: Money,
    min: Money,
}

/// A product with its category, tags, images and variants.
#[derive(Debug, Serialize)]
pub struct Product {
    category: Option<Category>,
    created_at: i64,
    description: String,
    id: i64,
    images: Vec<Image>,
    in_stock: bool,
    price: PriceRange,
    slug: String,
    status: String,
    tags: Vec<String>,
    title: String,
    updated_at: i64,
    variants: Vec<Variant>,
}

/// A variant's options: the stored JSON object, `{}` if it does not parse.
pub fn parse_options(raw: &str) -> Value {
    serde_json::from_str(raw).unwrap_or_else(|_| Value::Object(Default::default()))
}

impl Product {
    /// The product of `row`, its prices in `currency`.
    pub fn new(row: Columns, currency: &'static str) -> Product {
        let money = |amount: i64| Money { amount, currency };
        let images: Vec<(String, Option<String>)> =
            serde_json::from_str(&row.images).unwrap_or_default();
        let variants: Vec<VariantRow> = serde_json::from_str(&row.variants).unwrap_or_default();
        let variants: Vec<Variant> = variants
            .into_iter()
            .map(|(id, sku, price, available, options)| Variant {
                id,
                options: parse_options(options.as_deref().unwrap_or("")),
                price: money(price.unwrap_or(0)),
                sku,
                stock: available.unwrap_or(0).max(0),
            })
            .collect();
        Product {
            category: row.category,
            created_at: row.created_at,
            description: row.description,
            id: row.id,
            images: images
                .into_iter()
                .map(|(url, alt)| Image { alt, url })
                .collect(),
            in_stock: variants.iter().any(|v| v.stock > 0),
            price: PriceRange {
                max: money(row.max_price),
                min: money(row.min_price),
            },
            slug: row.slug,
            status: row.status,
            tags: serde_json::from_str(&row.tags).unwrap_or_default(),
            title: row.title,
            updated_at: row.updated_at,
            variants,
        }
    }

    /// Whether the product is on sale (others are shown to admins only).
    pub fn is_active(&self) -> bool {
        self.status == "active"
    }
}
