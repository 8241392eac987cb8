//! Demo data for a new shop.
//!
//! On a data directory that has never been seeded, `edgecart up` creates an admin
//! account (unless `admin_email` / `admin_password` are configured, it generates
//! the password and prints it once), then loads a demo catalog through the shop's
//! own admin API, exactly as an operator would: a category tree and a few hundred
//! products with variants and placeholder images. A marker file records that it
//! ran; `--no-seed` skips it. Re-running after an interrupted seed is safe: items
//! that already exist (409) are skipped.

use anyhow::Context as _;
use base64::Engine as _;
use edgecart_runtime::manifest::Manifest;
use edgecart_runtime::runtime_config::RuntimeConfig;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Marker file inside the data directory.
const MARKER: &str = "seeded";
const DEFAULT_ADMIN: &str = "admin@edgecart.local";

/// A seeding run prepared before the app starts.
pub struct Seed {
    email: String,
    password: String,
    generated: bool,
    marker: PathBuf,
}

/// Decides whether to seed, and makes sure the users component will create the
/// admin account on first use.
pub fn prepare(
    manifest: &Manifest,
    data_dir: &Path,
    runtime_config: &mut RuntimeConfig,
) -> anyhow::Result<Option<Seed>> {
    let marker = data_dir.join(MARKER);
    let is_shop = ["users", "catalog"]
        .iter()
        .all(|c| manifest.components.contains_key(*c))
        && manifest.variables.contains_key("admin_email");
    if !is_shop || marker.exists() {
        return Ok(None);
    }
    let providers = &mut runtime_config.providers;
    let lookup = |name: &str| {
        providers
            .environment
            .get(&format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase()))
            .or_else(|| providers.static_values.get(name))
            .filter(|v| !v.is_empty())
            .cloned()
    };
    let (email, password, generated) = match (lookup("admin_email"), lookup("admin_password")) {
        (Some(e), Some(p)) => (e, p, false),
        (e, _) => {
            let mut bytes = [0u8; 15];
            getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("random source: {e}"))?;
            let password = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
            let email = e.unwrap_or_else(|| DEFAULT_ADMIN.to_string());
            providers
                .static_values
                .insert("admin_email".into(), email.clone());
            providers
                .static_values
                .insert("admin_password".into(), password.clone());
            (email, password, true)
        }
    };
    Ok(Some(Seed {
        email,
        password,
        generated,
        marker,
    }))
}

impl Seed {
    /// Loads the demo data through the API of the shop listening on `addr`.
    pub async fn run(self, addr: SocketAddr) {
        match self.load(addr).await {
            Ok((categories, products)) => {
                if let Err(e) = std::fs::write(&self.marker, "demo data loaded\n") {
                    tracing::warn!(error = %e, "cannot write the seed marker");
                }
                println!("Demo data loaded: {products} products in {categories} categories.");
                if self.generated {
                    println!(
                        "Admin account (shown once, keep it): {} / {}",
                        self.email, self.password
                    );
                } else {
                    println!(
                        "Admin account: {} (password from your configuration)",
                        self.email
                    );
                }
            }
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "loading the demo data failed; it is retried on the next start")
            }
        }
    }

    async fn load(&self, addr: SocketAddr) -> anyhow::Result<(usize, usize)> {
        let client = reqwest::Client::new();
        let base = format!("http://{addr}");
        let login: Value = client
            .post(format!("{base}/api/users/login"))
            .json(&json!({ "email": self.email, "password": self.password }))
            .send()
            .await?
            .error_for_status()
            .context("signing in as the admin")?
            .json()
            .await?;
        let token = login["access_token"]
            .as_str()
            .context("login answered no access token")?
            .to_string();
        let post = |path: &str, body: Value| {
            let req = client
                .post(format!("{base}{path}"))
                .bearer_auth(&token)
                .json(&body);
            async move {
                let resp = req.send().await?;
                let status = resp.status();
                let body: Value = resp.json().await.unwrap_or(Value::Null);
                anyhow::Ok((status.as_u16(), body))
            }
        };
        let mut categories = 0;
        let mut ids = std::collections::HashMap::new();
        for (parent, children) in TREE {
            let mut create = Vec::new();
            create.push((*parent, None));
            create.extend(children.iter().map(|c| (*c, Some(*parent))));
            for (name, parent) in create {
                let slug = slug(name);
                let mut body = json!({ "name": name, "slug": slug });
                if let Some(p) = parent.and_then(|p| ids.get(&self::slug(p))) {
                    body["parent_id"] = json!(p);
                }
                let (status, created) = post("/api/catalog/categories", body).await?;
                match status {
                    201 => {
                        ids.insert(slug, created["id"].as_i64().unwrap_or_default());
                        categories += 1;
                    }
                    409 => {}
                    s => anyhow::bail!("creating category {name}: {s} {created}"),
                }
            }
        }
        let mut products = 0;
        for (i, product) in demo_products().into_iter().enumerate() {
            let category = product.category;
            let mut body = product.body;
            if let Some(id) = ids.get(&slug(category)) {
                body["category_id"] = json!(id);
            }
            let (status, created) = post("/api/catalog/products", body).await?;
            match status {
                201 => products += 1,
                409 => {}
                s => anyhow::bail!("creating demo product {i}: {s} {created}"),
            }
        }
        Ok((categories, products))
    }
}

/// The demo category tree: top-level categories and their children.
const TREE: &[(&str, &[&str])] = &[
    ("Apparel", &["T-Shirts", "Hoodies", "Jackets", "Shoes"]),
    ("Home", &["Kitchen", "Decor", "Bedding"]),
    ("Outdoors", &["Camping", "Cycling"]),
    ("Electronics", &["Audio", "Accessories"]),
    ("Books", &[]),
];

fn slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

struct DemoProduct {
    category: &'static str,
    body: Value,
}

const ADJECTIVES: &[&str] = &[
    "Classic",
    "Everyday",
    "Organic",
    "Vintage",
    "Urban",
    "Alpine",
    "Coastal",
    "Midnight",
    "Sunrise",
    "Nordic",
    "Essential",
    "Heritage",
    "Featherweight",
    "Rugged",
    "Studio",
    "Harbor",
    "Meadow",
    "Summit",
];
/// (name, the placeholder's fill, the ink its label is drawn in): light fills
/// take dark ink, so every label stays readable.
const COLORS: &[(&str, &str, &str)] = &[
    ("Black", "#1f2933", "#ffffff"),
    ("White", "#f5f7fa", "#1f2933"),
    ("Navy", "#243b53", "#ffffff"),
    ("Forest", "#2f6f4f", "#ffffff"),
    ("Rust", "#b44d12", "#ffffff"),
    ("Sand", "#d9c7a3", "#1f2933"),
];

/// (leaf category, nouns, option name, option values, base price in cents)
type Line = (
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static [&'static str],
    i64,
);
const LINES: &[Line] = &[
    (
        "T-Shirts",
        &["Tee", "Pocket Tee", "Long Sleeve Tee"],
        "size",
        &["S", "M", "L", "XL"],
        1900,
    ),
    (
        "Hoodies",
        &["Hoodie", "Zip Hoodie"],
        "size",
        &["S", "M", "L", "XL"],
        4900,
    ),
    (
        "Jackets",
        &["Rain Jacket", "Down Jacket", "Field Jacket"],
        "size",
        &["S", "M", "L"],
        12900,
    ),
    (
        "Shoes",
        &["Runner", "Trail Shoe", "Canvas Sneaker"],
        "size",
        &["40", "41", "42", "43", "44"],
        8900,
    ),
    (
        "Kitchen",
        &["Chef's Knife", "Cast Iron Pan", "Pour-Over Kettle"],
        "finish",
        &["Steel", "Black"],
        3900,
    ),
    (
        "Decor",
        &["Ceramic Vase", "Linen Cushion", "Wall Print"],
        "size",
        &["Small", "Large"],
        2900,
    ),
    (
        "Bedding",
        &["Duvet Cover", "Percale Sheet Set"],
        "size",
        &["Single", "Double", "King"],
        6900,
    ),
    (
        "Camping",
        &["Tent", "Sleeping Bag", "Camp Stove"],
        "capacity",
        &["1 person", "2 people"],
        9900,
    ),
    (
        "Cycling",
        &["Bike Light", "Saddle Bag", "Cycling Cap"],
        "size",
        &["One size"],
        2400,
    ),
    (
        "Audio",
        &["Headphones", "Bluetooth Speaker", "Earbuds"],
        "color",
        &["Black", "White"],
        7900,
    ),
    (
        "Accessories",
        &["Phone Case", "USB-C Cable", "Laptop Sleeve"],
        "color",
        &["Black", "Navy"],
        1500,
    ),
    (
        "Books",
        &["Field Guide", "Cookbook", "Travel Journal"],
        "format",
        &["Hardcover", "Paperback"],
        2200,
    ),
];
const TAGS: &[&str] = &["new", "bestseller", "sale", "eco", "gift"];

/// A flat-colour SVG placeholder as a data URL, its label in `ink`.
fn placeholder(color: &str, ink: &str, label: &str) -> String {
    let svg = format!(
        "<svg xmlns='http://www.w3.org/2000/svg' width='600' height='600' viewBox='0 0 600 600'><rect width='600' height='600' fill='{color}'/><text x='300' y='320' font-family='sans-serif' font-size='48' text-anchor='middle' fill='{ink}'>{label}</text></svg>"
    );
    let escaped: String = svg
        .chars()
        .map(|c| match c {
            '#' => "%23".to_string(),
            '<' => "%3C".to_string(),
            '>' => "%3E".to_string(),
            ' ' => "%20".to_string(),
            '\'' => "%27".to_string(),
            c => c.to_string(),
        })
        .collect();
    format!("data:image/svg+xml,{escaped}")
}

/// The demo catalog: every leaf category gets 18 products (12 × 18 = 216), with
/// variants over one option, prices and stock spread deterministically, a few
/// out of stock, and tags.
fn demo_products() -> Vec<DemoProduct> {
    let mut out = Vec::new();
    let mut n: usize = 0;
    for (category, nouns, option, values, base) in LINES {
        for (i, adjective) in ADJECTIVES.iter().enumerate() {
            n += 1;
            let noun = nouns[i % nouns.len()];
            let (color, hex, ink) = COLORS[(i + n) % COLORS.len()];
            let title = format!("{adjective} {noun}");
            let price = base + i64::try_from((n * 37) % 23).unwrap_or(0) * 100 - 10;
            let code: String = title
                .split_whitespace()
                .filter_map(|w| w.chars().find(|c| c.is_ascii_alphanumeric()))
                .collect::<String>()
                .to_uppercase();
            let variants: Vec<Value> = values
                .iter()
                .enumerate()
                .map(|(v, value)| {
                    let stock = if (n + v).is_multiple_of(11) {
                        0
                    } else {
                        (n * 7 + v * 13) % 40 + 1
                    };
                    let value_code: String = value
                        .chars()
                        .filter(char::is_ascii_alphanumeric)
                        .collect::<String>()
                        .to_uppercase();
                    json!({
                        "sku": format!("{code}-{n:03}-{value_code}"),
                        "price": price + i64::try_from(v).unwrap_or(0) * 200,
                        "stock": stock,
                        "options": { *option: value, "color": color },
                    })
                })
                .collect();
            let tags: Vec<&str> = TAGS
                .iter()
                .enumerate()
                .filter(|(t, _)| (n + t * 3).is_multiple_of(7))
                .map(|(_, t)| *t)
                .collect();
            let description = format!(
                "The {} is a {} favourite from our {} range: made to last, easy to care for, and shipped in plastic-free packaging. Colour: {}.",
                title.to_lowercase(),
                adjective.to_lowercase(),
                category.to_lowercase(),
                color.to_lowercase()
            );
            out.push(DemoProduct {
                category,
                body: json!({
                    "title": title,
                    "description": description,
                    "status": "active",
                    "tags": tags,
                    "images": [{ "url": placeholder(hex, ink, noun), "alt": format!("{title} in {}", color.to_lowercase()) }],
                    "variants": variants,
                }),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_catalog_has_unique_titles_and_skus() {
        let products = demo_products();
        assert!(products.len() >= 200);
        let titles: std::collections::HashSet<_> = products
            .iter()
            .map(|p| p.body["title"].to_string())
            .collect();
        assert_eq!(titles.len(), products.len());
        let skus: Vec<String> = products
            .iter()
            .flat_map(|p| p.body["variants"].as_array().cloned().unwrap_or_default())
            .map(|v| v["sku"].to_string())
            .collect();
        let unique: std::collections::HashSet<_> = skus.iter().collect();
        assert_eq!(unique.len(), skus.len());
        assert!(products.iter().all(|p| TREE.iter().any(|(_, c)| c.contains(&p.category)) || p.category == "Books"));
    }

    /// WCAG 2's relative luminance of a `#rrggbb` colour.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    #[test]
    fn every_placeholder_label_is_readable_on_its_fill() {
        for (name, fill, ink) in COLORS {
            let (a, b) = (luminance(fill), luminance(ink));
            let contrast = (a.max(b) + 0.05) / (a.min(b) + 0.05);
            // WCAG AA for large text (the label is 48 px).
            assert!(
                contrast >= 3.0,
                "{name}: {ink} on {fill} has contrast {contrast:.2}"
            );
            let url = placeholder(fill, ink, "Mug");
            assert!(
                url.contains(&format!("fill=%27{}%27%3EMug", ink.replace('#', "%23"))),
                "{url}"
            );
        }
    }
}
