//! The catalog component through `edgecart`: admin writes and their validation,
//! public reads and caching, the category tree, search, filters and facets against
//! a brute-force count, keyset pages under inserts, and stock reservations (service
//! token, concurrency, idempotency, commit, release, expiry).

use crate::helpers::TestApp;
use crate::shop::{SERVICE_TOKEN, spawn_shop};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};

/// POSTs `body` to `path` as `admin` and returns what was created (201).
async fn created(app: &TestApp, admin: &str, path: &str, body: Value) -> Value {
    let a = app.call(Method::POST, path, Some(admin), Some(body)).await;
    assert_eq!(a.status, 201, "{}", a.body);
    a.body
}

async fn create(app: &TestApp, admin: &str, body: Value) -> Value {
    created(app, admin, "/api/catalog/products", body).await
}

async fn create_category(app: &TestApp, admin: &str, body: Value) -> Value {
    created(app, admin, "/api/catalog/categories", body).await
}

fn simple(title: &str, sku: &str, price: i64, stock: i64) -> Value {
    json!({ "title": title, "status": "active", "variants": [{ "sku": sku, "price": price, "stock": stock }] })
}

async fn internal(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> crate::shop::Answer {
    app.call_with(
        method,
        path,
        None,
        body,
        &[("x-service-token", SERVICE_TOKEN)],
    )
    .await
}

/// Every item of a listing, following cursors.
async fn all_pages(app: &TestApp, query: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let sep = if query.is_empty() { "" } else { "&" };
        let path = match &cursor {
            Some(c) => format!("/api/catalog/products?limit=7{sep}{query}&cursor={c}"),
            None => format!("/api/catalog/products?limit=7{sep}{query}"),
        };
        let page = app.get_json(&path).await;
        out.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return out,
        }
    }
}

#[tokio::test]
async fn only_admins_write_and_every_invalid_field_is_reported() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let customer = app.customer_token("ann@example.com").await;
    let body = simple("Tee", "TEE-1", 1000, 1);
    assert_eq!(
        app.call(
            Method::POST,
            "/api/catalog/products",
            None,
            Some(body.clone())
        )
        .await
        .status,
        401
    );
    let forbidden = app
        .call(
            Method::POST,
            "/api/catalog/products",
            Some(&customer),
            Some(body.clone()),
        )
        .await;
    assert_eq!((forbidden.status, forbidden.code()), (403, "forbidden"));

    let bad = app
        .call(
            Method::POST,
            "/api/catalog/products",
            Some(&admin),
            Some(json!({
                "title": "",
                "status": "sold",
                "images": [{ "url": "ftp://x", "alt": "" }],
                "variants": [{ "sku": "bad sku", "price": -1, "stock": "many", "currency": "USD" }],
                "colour": "red",
            })),
        )
        .await;
    assert_eq!((bad.status, bad.code()), (422, "validation_failed"));
    let fields = bad.body["error"]["details"]["fields"].as_object().unwrap();
    for f in [
        "title",
        "status",
        "images[0].url",
        "variants[0].sku",
        "variants[0].price",
        "variants[0].stock",
        "variants[0].currency",
        "colour",
    ] {
        assert!(fields.contains_key(f), "{f} missing in {fields:?}");
    }
    let none = app
        .call(
            Method::POST,
            "/api/catalog/products",
            Some(&admin),
            Some(json!({ "title": "No variants", "variants": [] })),
        )
        .await;
    assert_eq!(none.status, 422);
    let twice = app
        .call(
            Method::POST,
            "/api/catalog/products",
            Some(&admin),
            Some(
                json!({ "title": "Twice", "tags": vec!["x"; 21], "variants": [
                { "sku": "TW-1", "price": 1, "stock": 1 },
                { "sku": "tw-1", "price": 1, "stock": 1 },
                { "sku": "TW-3", "price": 1, "stock": 1, "options": { "Size": "M", "size": "L" } },
            ] }),
            ),
        )
        .await;
    let fields = twice.body["error"]["details"]["fields"]
        .as_object()
        .unwrap();
    for f in ["tags", "variants[1].sku", "variants[2].options.size"] {
        assert!(fields.contains_key(f), "{f} missing in {fields:?}");
    }

    create(&app, &admin, body.clone()).await;
    let dup_slug = app
        .call(
            Method::POST,
            "/api/catalog/products",
            Some(&admin),
            Some(simple("Tee", "TEE-2", 1, 1)),
        )
        .await;
    assert_eq!((dup_slug.status, dup_slug.code()), (409, "slug_taken"));
    let dup_sku = app
        .call(
            Method::POST,
            "/api/catalog/products",
            Some(&admin),
            Some(simple("Other tee", "tee-1", 1, 1)),
        )
        .await;
    assert_eq!((dup_sku.status, dup_sku.code()), (409, "sku_taken"));
}

#[tokio::test]
async fn a_retried_create_with_an_idempotency_key_returns_the_first_product() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let body = simple("Desk Lamp", "DL-1", 4900, 2);
    let post = async |body: Value, key: &str| {
        app.call_with(
            Method::POST,
            "/api/catalog/products",
            Some(&admin),
            Some(body),
            &[("idempotency-key", key)],
        )
        .await
    };
    let first = post(body.clone(), "create-lamp").await;
    assert_eq!(first.status, 201, "{}", first.body);
    let retry = post(body.clone(), "create-lamp").await;
    assert_eq!(retry.status, 201);
    assert_eq!(retry.body["id"], first.body["id"]);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    let other = post(simple("Floor Lamp", "FL-1", 9900, 2), "create-lamp").await;
    assert_eq!(
        (other.status, other.code()),
        (422, "idempotency_key_reused")
    );
    assert_eq!(app.get_json("/api/catalog/products").await["total"], 1);
    let failed = post(simple("Desk Lamp", "DL-2", 1, 1), "dup-slug").await;
    assert_eq!(failed.status, 409);
    let fixed = post(simple("Desk Lamp", "DL-2", 1, 1), "dup-slug").await;
    assert_eq!(
        fixed.status, 409,
        "a failed request stores nothing: the retry runs again"
    );
}

#[tokio::test]
async fn drafts_and_archived_products_are_hidden_from_the_public() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let mut draft = simple("Secret Jacket", "JKT-1", 9900, 3);
    draft["status"] = json!("draft");
    let p = create(&app, &admin, draft).await;
    assert_eq!(p["status"], "draft");
    let slug = p["slug"].as_str().unwrap().to_string();
    assert_eq!(slug, "secret-jacket");
    assert_eq!(
        app.get(&format!("/api/catalog/products/{slug}")).await.0,
        404
    );
    let as_admin = app
        .call(
            Method::GET,
            &format!("/api/catalog/products/{slug}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(as_admin.status, 200);
    assert_eq!(app.get_json("/api/catalog/products").await["total"], 0);
    let drafts = app
        .call(
            Method::GET,
            "/api/catalog/products?status=draft",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(drafts.body["total"], 1);
    assert_eq!(app.get("/api/catalog/products?status=draft").await.0, 403);

    let id = p["id"].as_i64().unwrap();
    let live = app
        .call(
            Method::PATCH,
            &format!("/api/catalog/products/{id}"),
            Some(&admin),
            Some(json!({ "status": "active" })),
        )
        .await;
    assert_eq!(live.status, 200);
    let public = app.get_json(&format!("/api/catalog/products/{id}")).await;
    assert_eq!(public["variants"][0]["sku"], "JKT-1");
    assert_eq!(
        public["price"]["min"],
        json!({ "amount": 9900, "currency": "EUR" })
    );
    assert_eq!(public["in_stock"], true);
    let archived = app
        .call(
            Method::DELETE,
            &format!("/api/catalog/products/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(archived.body["status"], "archived");
    assert_eq!(
        app.get(&format!("/api/catalog/products/{slug}")).await.0,
        404
    );
    assert_eq!(app.get("/api/catalog/products/999999").await.0, 404);
}

#[tokio::test]
async fn public_reads_revalidate_with_etags() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let p = create(&app, &admin, simple("Mug", "MUG-1", 1200, 4)).await;
    let path = format!("/api/catalog/products/{}", p["id"]);
    let first = app.call(Method::GET, &path, None, None).await;
    let etag = first.header("etag").unwrap().to_string();
    assert!(first.header("cache-control").unwrap().contains("public"));
    let again = app
        .call_with(Method::GET, &path, None, None, &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, 304);
    app.call(
        Method::PATCH,
        &path,
        Some(&admin),
        Some(json!({ "title": "Big Mug" })),
    )
    .await;
    let changed = app
        .call_with(Method::GET, &path, None, None, &[("if-none-match", &etag)])
        .await;
    assert_eq!(changed.status, 200);
    assert_eq!(changed.body["title"], "Big Mug");
    let list = app
        .call(Method::GET, "/api/catalog/products", None, None)
        .await;
    let tag = list.header("etag").unwrap().to_string();
    let list_again = app
        .call_with(
            Method::GET,
            "/api/catalog/products",
            None,
            None,
            &[("if-none-match", &tag)],
        )
        .await;
    assert_eq!(list_again.status, 304);
}

/// Part of a page is JSON text written by SQLite, not by serde_json (each
/// item's tags, `page.rs`): the page's bytes, and so its `ETag`, must still be
/// what serde_json writes for the same value, escapes, numbers and key order
/// included.
#[tokio::test]
async fn a_listing_page_is_written_as_serde_json_writes_its_value() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let category = create_category(
        &app,
        &admin,
        json!({ "name": "Odd \"cat\" / \\ é", "slug": "odd" }),
    )
    .await;
    let title = "Odd \" \\ / \t \u{7} \u{1f} \u{7f} é 🏔 <b>&";
    let mut odd = simple(title, "ODD-1", 1999, 3);
    odd["category_id"] = category["id"].clone();
    odd["tags"] = json!(["zeta \"q\"", "alpha\\", "ünï", "ta\tb"]);
    odd["images"] = json!([{ "url": "/media/a\"b.png", "alt": "x" }]);
    create(&app, &admin, odd).await;
    create(&app, &admin, simple("Odd plain", "ODD-2", 500, 0)).await;
    for query in [
        "",
        "?q=odd",
        "?q=odd&sort=price_desc&limit=1",
        "?category=odd",
    ] {
        let (status, text) = app.get(&format!("/api/catalog/products{query}")).await;
        assert_eq!(status, 200, "{text}");
        let page: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(text, serde_json::to_string(&page).unwrap(), "{query}");
        let item = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["title"] == title)
            .unwrap_or_else(|| panic!("{query}: {text}"));
        assert_eq!(item["category"]["slug"], "odd");
        assert_eq!(item["image"], "/media/a\"b.png");
        assert_eq!(item["in_stock"], true);
        assert_eq!(item["price"], json!({ "amount": 1999, "currency": "EUR" }));
        assert_eq!(
            item["tags"],
            json!(["alpha\\", "ta\tb", "zeta \"q\"", "ünï"])
        );
    }
    let plain = app.get_json("/api/catalog/products?q=plain").await;
    assert_eq!(
        (
            plain["items"][0]["category"].clone(),
            plain["items"][0]["image"].clone(),
            plain["items"][0]["in_stock"].clone(),
            plain["items"][0]["tags"].clone()
        ),
        (Value::Null, Value::Null, json!(false), json!([]))
    );
}

#[tokio::test]
async fn categories_form_a_tree_and_filters_include_descendants() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let post = |body: Value| {
        app.call(
            Method::POST,
            "/api/catalog/categories",
            Some(&admin),
            Some(body),
        )
    };
    let apparel = post(json!({ "name": "Apparel" })).await.body["id"]
        .as_i64()
        .unwrap();
    let shirts = post(json!({ "name": "Shirts", "parent_id": apparel }))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let home = post(json!({ "name": "Home" })).await.body["id"]
        .as_i64()
        .unwrap();
    assert_eq!(post(json!({ "name": "Apparel" })).await.status, 409);
    assert_eq!(
        post(json!({ "name": "Orphan", "parent_id": 9999 }))
            .await
            .status,
        422
    );

    let mut shirt = simple("Oxford Shirt", "SH-1", 3000, 2);
    shirt["category_id"] = json!(shirts);
    create(&app, &admin, shirt).await;
    let mut pan = simple("Iron Pan", "PAN-1", 4000, 2);
    pan["category_id"] = json!(home);
    create(&app, &admin, pan).await;

    let tree = app.get_json("/api/catalog/categories").await;
    let roots = tree["items"].as_array().unwrap();
    let apparel_node = roots.iter().find(|c| c["slug"] == "apparel").unwrap();
    assert_eq!(apparel_node["product_count"], 1);
    assert_eq!(apparel_node["children"][0]["slug"], "shirts");

    let by_parent = app.get_json("/api/catalog/products?category=apparel").await;
    assert_eq!(by_parent["total"], 1);
    assert_eq!(by_parent["items"][0]["title"], "Oxford Shirt");
    assert_eq!(
        app.get_json(&format!("/api/catalog/products?category={home}"))
            .await["total"],
        1
    );
    assert_eq!(
        app.get_json("/api/catalog/products?category=nowhere").await["total"],
        0
    );

    let no_slug = post(json!({ "name": "日本", "slug": null })).await;
    assert_eq!(no_slug.status, 422, "{}", no_slug.body);
    assert!(no_slug.body["error"]["details"]["fields"]["slug"].is_string());

    let patch = async |id: i64, body: Value| {
        app.call(
            Method::PATCH,
            &format!("/api/catalog/categories/{id}"),
            Some(&admin),
            Some(body),
        )
        .await
    };
    let clash = patch(home, json!({ "name": "House", "slug": "apparel" })).await;
    assert_eq!((clash.status, clash.code()), (409, "slug_taken"));
    let renamed = patch(home, json!({ "name": "House", "position": -1 })).await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(
        (renamed.body["name"].clone(), renamed.body["slug"].clone()),
        (json!("House"), json!("home")),
        "the conflicting PATCH changed nothing, not even the name"
    );
    let tree = app.get_json("/api/catalog/categories").await;
    assert_eq!(tree["items"][0]["name"], "House", "roots sort by position");

    let cycle = app
        .call(
            Method::PATCH,
            &format!("/api/catalog/categories/{apparel}"),
            Some(&admin),
            Some(json!({ "parent_id": shirts })),
        )
        .await;
    assert_eq!(cycle.status, 422);
    let busy = app
        .call(
            Method::DELETE,
            &format!("/api/catalog/categories/{apparel}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!((busy.status, busy.code()), (409, "category_not_empty"));
    let empty = post(json!({ "name": "Garden" })).await.body["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.call(
            Method::DELETE,
            &format!("/api/catalog/categories/{empty}"),
            Some(&admin),
            None
        )
        .await
        .status,
        204
    );
}

#[tokio::test]
async fn search_ranks_title_matches_first_matches_prefixes_and_tolerates_any_text() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let mut tee = simple("Cotton Tee", "TEE-9", 1500, 1);
    tee["description"] = json!("Wear it under a shirt or on its own.");
    create(&app, &admin, tee).await;
    let mut shirt = simple("Linen Shirt", "SHIRT-9", 4500, 1);
    shirt["description"] = json!("A light summer classic.");
    create(&app, &admin, shirt).await;
    let mut mug = simple("Enamel Mug", "MUG-9", 900, 1);
    mug["description"] = json!("For camp coffee.");
    create(&app, &admin, mug).await;

    let titles = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_string())
            .collect()
    };
    let full = app.get_json("/api/catalog/products?q=shirt").await;
    assert_eq!(
        titles(&full),
        ["Linen Shirt", "Cotton Tee"],
        "a title match outranks a description match"
    );
    let prefix = app.get_json("/api/catalog/products?q=shi").await;
    assert_eq!(titles(&prefix), ["Linen Shirt", "Cotton Tee"]);
    assert_eq!(
        titles(&app.get_json("/api/catalog/products?q=linen%20shi").await),
        ["Linen Shirt"]
    );
    assert_eq!(
        app.get_json("/api/catalog/products?q=sweater").await["total"],
        0
    );
    for q in [
        "%22",
        "*",
        "NEAR(",
        "-shirt",
        "title:shirt",
        "%22shirt",
        "(((",
        "AND%20OR%20NOT",
        "%00",
    ] {
        let (status, body) = app.get(&format!("/api/catalog/products?q={q}")).await;
        assert_eq!(status, 200, "q={q}: {body}");
    }
    let renamed = app.get_json("/api/catalog/products?q=enamel").await["items"][0]["id"].clone();
    app.call(
        Method::PATCH,
        &format!("/api/catalog/products/{renamed}"),
        Some(&admin),
        Some(json!({ "title": "Steel Cup" })),
    )
    .await;
    assert_eq!(
        app.get_json("/api/catalog/products?q=enamel").await["total"],
        0,
        "the index follows edits"
    );
    assert_eq!(
        titles(&app.get_json("/api/catalog/products?q=steel").await),
        ["Steel Cup"]
    );

    // The second search for the same words reads the ranks the first kept;
    // a catalog write makes them stale, and the next search ranks again.
    assert_eq!(
        titles(&app.get_json("/api/catalog/products?q=shirt").await),
        ["Linen Shirt", "Cotton Tee"],
        "served from the kept ranks"
    );
    let mut oxford = simple("Oxford Shirt", "SHIRT-10", 5200, 1);
    oxford["description"] = json!("A shirt, a shirt, a shirt.");
    create(&app, &admin, oxford).await;
    assert_eq!(
        titles(&app.get_json("/api/catalog/products?q=shirt").await),
        ["Oxford Shirt", "Linen Shirt", "Cotton Tee"],
        "ranks kept before a new product are not served after it"
    );
    let first = app.get_json("/api/catalog/products?q=shirt&limit=1").await;
    let second = app
        .get_json(&format!(
            "/api/catalog/products?q=shirt&limit=1&cursor={}",
            first["next_cursor"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        (titles(&first), titles(&second)),
        (
            vec!["Oxford Shirt".to_string()],
            vec!["Linen Shirt".to_string()]
        ),
        "pages from the kept ranks follow the cursor"
    );
}

#[tokio::test]
async fn bad_listing_parameters_are_422_and_bad_cursors_400() {
    let app = spawn_shop().await;
    for q in [
        "limit=0",
        "limit=101",
        "sort=cheapest",
        "min_price=-1",
        "max_price=abc",
        "in_stock=maybe",
        "option.=x",
    ] {
        let (status, body) = app.get(&format!("/api/catalog/products?{q}")).await;
        assert_eq!(status, 422, "{q}: {body}");
    }
    let (status, body) = app.get("/api/catalog/products?cursor=garbage").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(app.get("/api/catalog/variants").await.0, 422);
    assert_eq!(app.get("/api/catalog/variants?ids=1,x").await.0, 422);
    assert_eq!(app.get("/api/catalog/nothing").await.0, 404);
}

/// A small catalog with known attributes, for brute-force checks.
struct Item {
    id: i64,
    price: i64,
    tags: Vec<&'static str>,
    sizes: Vec<&'static str>,
    stock: i64,
}

/// Which items a filter should keep.
type Keep = Box<dyn Fn(&Item) -> bool>;

#[tokio::test]
async fn filters_and_facets_agree_with_a_brute_force_count() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    const TAGS: [&str; 3] = ["eco", "sale", "new"];
    const SIZES: [&str; 3] = ["S", "M", "L"];
    let mut items = Vec::new();
    for n in 0..24_i64 {
        let tags: Vec<&str> = TAGS
            .iter()
            .enumerate()
            .filter(|(i, _)| (n + *i as i64) % (*i as i64 + 2) == 0)
            .map(|(_, t)| *t)
            .collect();
        let sizes: Vec<&str> = SIZES
            .iter()
            .enumerate()
            .filter(|(i, _)| (n * 7 + *i as i64) % 3 != 0)
            .map(|(_, s)| *s)
            .collect();
        let sizes = if sizes.is_empty() { vec!["M"] } else { sizes };
        let price = 500 + (n * 379) % 5000;
        let stock = if n % 4 == 0 { 0 } else { n };
        let variants: Vec<Value> = sizes
            .iter()
            .map(|s| json!({ "sku": format!("P{n}-{s}"), "price": price, "stock": stock, "options": { "size": s } }))
            .collect();
        let p = create(&app, &admin, json!({ "title": format!("Item {n}"), "status": "active", "tags": tags, "variants": variants })).await;
        items.push(Item {
            id: p["id"].as_i64().unwrap(),
            price,
            tags,
            sizes,
            stock,
        });
    }
    let cases: Vec<(&str, Keep)> = vec![
        ("", Box::new(|_| true)),
        ("tag=eco", Box::new(|i| i.tags.contains(&"eco"))),
        (
            "tag=eco,sale",
            Box::new(|i| i.tags.contains(&"eco") && i.tags.contains(&"sale")),
        ),
        (
            "min_price=1000&max_price=3000",
            Box::new(|i| (1000..=3000).contains(&i.price)),
        ),
        ("in_stock=true", Box::new(|i| i.stock > 0)),
        ("option.size=L", Box::new(|i| i.sizes.contains(&"L"))),
        (
            "option.size=S&tag=new&in_stock=true",
            Box::new(|i| i.sizes.contains(&"S") && i.tags.contains(&"new") && i.stock > 0),
        ),
        // With search words, tags and options are checked per match instead.
        ("q=item&option.size=L", Box::new(|i| i.sizes.contains(&"L"))),
        (
            "q=item&tag=eco,sale&in_stock=true",
            Box::new(|i| i.tags.contains(&"eco") && i.tags.contains(&"sale") && i.stock > 0),
        ),
    ];
    for (query, keep) in cases {
        let expected: Vec<&Item> = items.iter().filter(|i| keep(i)).collect();
        let first = app
            .get_json(&format!("/api/catalog/products?limit=3&{query}"))
            .await;
        assert_eq!(
            first["total"].as_i64().unwrap(),
            expected.len() as i64,
            "total for {query}"
        );
        let got: HashSet<i64> = all_pages(&app, query)
            .await
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect();
        let want: HashSet<i64> = expected.iter().map(|i| i.id).collect();
        assert_eq!(got, want, "items for {query}");
        let mut tag_counts: BTreeMap<String, i64> = BTreeMap::new();
        let mut size_counts: BTreeMap<String, i64> = BTreeMap::new();
        for i in &expected {
            for t in &i.tags {
                *tag_counts.entry(t.to_string()).or_default() += 1;
            }
            for s in &i.sizes {
                *size_counts.entry(s.to_string()).or_default() += 1;
            }
        }
        let facet = |list: &Value| -> BTreeMap<String, i64> {
            list.as_array()
                .unwrap_or(&Vec::new())
                .iter()
                .map(|f| {
                    (
                        f["value"].as_str().unwrap().to_string(),
                        f["count"].as_i64().unwrap(),
                    )
                })
                .collect()
        };
        assert_eq!(
            facet(&first["facets"]["tags"]),
            tag_counts,
            "tag facets for {query}"
        );
        assert_eq!(
            facet(&first["facets"]["options"]["size"]),
            size_counts,
            "size facets for {query}"
        );
        let min = expected.iter().map(|i| i.price).min();
        assert_eq!(
            first["facets"]["price"]["min"]["amount"].as_i64(),
            min,
            "price facet for {query}"
        );
    }
    // A first page sorted by newest or price, of words that match most
    // products, is read in the sort's index order; of words that match few,
    // by sorting the matches (`filters::index_order_pays`). Both are in the
    // brute-force order (the items were created one after another, so newest
    // is by id).
    let few: Keep =
        Box::new(|i| i.tags.contains(&"eco") && i.tags.contains(&"sale") && i.stock > 0);
    for (query, keep) in [
        (
            "q=item&in_stock=true",
            Box::new(|i: &Item| i.stock > 0) as Keep,
        ),
        ("q=item&tag=eco,sale&in_stock=true", few),
    ] {
        let mut expected: Vec<&Item> = items.iter().filter(|i| keep(i)).collect();
        for sort in ["newest", "price_asc", "price_desc"] {
            expected.sort_by(|a, b| match sort {
                "newest" => b.id.cmp(&a.id),
                "price_asc" => a.price.cmp(&b.price).then(a.id.cmp(&b.id)),
                _ => b.price.cmp(&a.price).then(b.id.cmp(&a.id)),
            });
            let want: Vec<i64> = expected.iter().take(5).map(|i| i.id).collect();
            let page = app
                .get_json(&format!(
                    "/api/catalog/products?{query}&sort={sort}&limit=5"
                ))
                .await;
            let got: Vec<i64> = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_i64().unwrap())
                .collect();
            assert_eq!(got, want, "{query}&sort={sort}");
        }
    }
}

/// A listing's total and facets are cached per filter; after every kind of catalog
/// write the cached answer must equal a fresh computation. The oracle is the
/// same listing with a price bound no product reaches and no earlier request
/// used, so its filter has never been cached.
#[tokio::test]
async fn cached_listing_aggregates_follow_every_catalog_write() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let cached = "/api/catalog/products?tag=cachetest&limit=1";
    let steps = std::cell::Cell::new(0_i64);
    let aggregates = |v: Value| json!([v["total"], v["facets"]]);
    let check = async |step: &str| {
        steps.set(steps.get() + 1);
        let live = format!(
            "/api/catalog/products?tag=cachetest&limit=1&max_price={}",
            1_000_000_000 + steps.get()
        );
        let first = aggregates(app.get_json(cached).await);
        let again = aggregates(app.get_json(cached).await);
        let fresh = aggregates(app.get_json(&live).await);
        assert_eq!(first, fresh, "cached aggregates after {step}");
        assert_eq!(again, fresh, "aggregates served twice after {step}");
        fresh
    };
    let call = async |method: Method, path: String, body: Value| {
        let a = app.call(method, &path, Some(&admin), Some(body)).await;
        assert!(
            (200..300).contains(&a.status),
            "{path}: {} {}",
            a.status,
            a.body
        );
        a.body
    };
    let garden = call(
        Method::POST,
        "/api/catalog/categories".into(),
        json!({ "name": "Garden" }),
    )
    .await["id"]
        .clone();
    let product = |n: i64| {
        json!({
            "title": format!("Cache test {n}"), "status": "active", "category_id": garden, "tags": ["cachetest", "eco"],
            "variants": [{ "sku": format!("CT-{n}"), "price": 1000 * n, "stock": 5, "options": { "size": "M" } }],
        })
    };
    let first = create(&app, &admin, product(1)).await;
    assert_eq!(check("the first product").await[0], 1);

    create(&app, &admin, product(2)).await;
    assert_eq!(check("a second product").await[0], 2);

    let path = format!("/api/catalog/products/{}", first["id"]);
    call(
        Method::PATCH,
        path.clone(),
        json!({ "tags": ["cachetest", "sale"] }),
    )
    .await;
    let after = check("a tag edit").await;
    assert!(after[1]["tags"].to_string().contains("sale"), "{after}");

    let variant = first["variants"][0]["id"].clone();
    call(
        Method::PATCH,
        format!("/api/catalog/variants/{variant}"),
        json!({ "options": { "size": "XL" }, "price": 500 }),
    )
    .await;
    let after = check("a variant edit").await;
    assert_eq!(after[1]["price"]["min"]["amount"], 500, "{after}");
    assert!(
        after[1]["options"]["size"].to_string().contains("XL"),
        "{after}"
    );

    call(
        Method::PATCH,
        format!("/api/catalog/categories/{garden}"),
        json!({ "name": "Patio" }),
    )
    .await;
    let after = check("a category rename").await;
    assert_eq!(after[1]["categories"][0]["name"], "Patio", "{after}");

    call(Method::PATCH, path.clone(), json!({ "category_id": null })).await;
    check("a category change").await;

    let archived = app.call(Method::DELETE, &path, Some(&admin), None).await;
    assert_eq!(archived.status, 200, "{}", archived.body);
    assert_eq!(check("archiving a product").await[0], 1);
}

#[tokio::test]
async fn pages_never_repeat_or_skip_while_products_are_added() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let mut original = HashSet::new();
    for n in 0..20 {
        let p = create(
            &app,
            &admin,
            simple(
                &format!("Base {n}"),
                &format!("B-{n}"),
                100 * ((n * 7) % 11),
                1,
            ),
        )
        .await;
        original.insert(p["id"].as_i64().unwrap());
    }
    for sort in ["newest", "price_asc", "price_desc"] {
        let mut seen: Vec<i64> = Vec::new();
        let mut cursor: Option<String> = None;
        let mut inserted = 0;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/catalog/products?sort={sort}&limit=6&cursor={c}"),
                None => format!("/api/catalog/products?sort={sort}&limit=6"),
            };
            let page = app.get_json(&path).await;
            seen.extend(
                page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["id"].as_i64().unwrap()),
            );
            for _ in 0..2 {
                inserted += 1;
                create(
                    &app,
                    &admin,
                    simple(
                        &format!("{sort} new {inserted}"),
                        &format!("{sort}-N{inserted}"),
                        450,
                        1,
                    ),
                )
                .await;
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        let unique: HashSet<i64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "{sort}: an item was repeated");
        assert!(
            original.is_subset(&unique),
            "{sort}: an item that existed throughout was skipped"
        );
    }
    // Relevance pages carry the bm25 rank in the cursor; with no inserts between
    // pages they are exact too (inserts shift bm25 scores: see search.rs).
    let relevant: Vec<i64> = all_pages(&app, "q=base&sort=relevance")
        .await
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    let unique: HashSet<i64> = relevant.iter().copied().collect();
    assert_eq!(
        unique.len(),
        relevant.len(),
        "relevance: an item was repeated"
    );
    assert_eq!(unique, original, "relevance: every match, once");

    let page = app
        .get_json("/api/catalog/products?sort=price_asc&limit=1")
        .await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let (status, _) = app
        .get(&format!(
            "/api/catalog/products?sort=newest&cursor={cursor}"
        ))
        .await;
    assert_eq!(status, 400, "a cursor belongs to its sort order");
}

#[tokio::test]
async fn variants_are_looked_up_by_id_with_their_product() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let p = create(&app, &admin, simple("Lamp", "LAMP-1", 2500, 3)).await;
    let id = p["variants"][0]["id"].as_i64().unwrap();
    let added = app
        .call(Method::POST, &format!("/api/catalog/products/{}/variants", p["id"]), Some(&admin), Some(json!({ "sku": "LAMP-2", "price": 3500, "stock": 0, "options": { "color": "Brass" } })))
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    let second = added.body["id"].as_i64().unwrap();
    let found = app
        .get_json(&format!("/api/catalog/variants?ids={id},{second},424242"))
        .await;
    let items = found["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["product_title"], "Lamp");
    assert_eq!(items[1]["options"]["color"], "Brass");
    let detail = app
        .get_json(&format!("/api/catalog/products/{}", p["id"]))
        .await;
    assert_eq!(detail["price"]["max"]["amount"], 3500);
    let patched = app
        .call(
            Method::PATCH,
            &format!("/api/catalog/variants/{second}"),
            Some(&admin),
            Some(json!({ "stock": 5, "price": -3 })),
        )
        .await;
    assert_eq!(
        patched.status, 422,
        "nothing is written when a field is invalid"
    );
    let patched = app
        .call(
            Method::PATCH,
            &format!("/api/catalog/variants/{second}"),
            Some(&admin),
            Some(json!({ "sku": "LAMP-1" })),
        )
        .await;
    assert_eq!((patched.status, patched.code()), (409, "sku_taken"));
}

#[tokio::test]
async fn fifty_concurrent_reservations_for_ten_in_stock_hold_exactly_ten() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let p = create(&app, &admin, simple("Limited Print", "PRINT-1", 5000, 10)).await;
    let variant = p["variants"][0]["id"].as_i64().unwrap();
    let denied = app
        .call(
            Method::POST,
            "/internal/catalog/reservations",
            None,
            Some(json!({ "key": "x", "lines": [] })),
        )
        .await;
    assert_eq!(denied.status, 401);

    let attempts = (0..50).map(|n| {
        internal(
            &app,
            Method::POST,
            "/internal/catalog/reservations",
            Some(json!({ "key": format!("order-{n}"), "lines": [{ "variant_id": variant, "quantity": 1 }] })),
        )
    });
    let results = futures_util::future::join_all(attempts).await;
    let held = results.iter().filter(|r| r.status == 201).count();
    let refused = results
        .iter()
        .filter(|r| r.status == 409 && r.code() == "insufficient_stock")
        .count();
    assert_eq!((held, refused), (10, 40));
    let detail = app
        .get_json(&format!("/api/catalog/products/{}", p["id"]))
        .await;
    assert_eq!(detail["variants"][0]["stock"], 0);
    assert_eq!(detail["in_stock"], false);
}

/// `in_stock=true` follows holds as they are placed, released and expire,
/// in the items, the total and every facet (sold-out products are covered by
/// the filter matrix above).
#[tokio::test]
async fn in_stock_listings_follow_holds_in_items_total_and_facets() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let product = |title: &str, sku: &str, price: i64, tag: &str, size: &str| {
        json!({
            "title": title, "status": "active", "tags": ["lantern", tag],
            "variants": [{ "sku": sku, "price": price, "stock": 2, "options": { "size": size } }],
        })
    };
    create(
        &app,
        &admin,
        product("Brass lantern", "LAN-1", 2000, "brass", "S"),
    )
    .await;
    let tin = create(
        &app,
        &admin,
        product("Tin lantern", "LAN-2", 900, "tin", "M"),
    )
    .await;
    let variant = tin["variants"][0]["id"].as_i64().unwrap();
    let listing = async || {
        app.get_json("/api/catalog/products?q=lantern&in_stock=true")
            .await
    };
    let shown = |v: &Value| -> (i64, Vec<String>, Value, Value, i64) {
        (
            v["total"].as_i64().unwrap(),
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["title"].as_str().unwrap().to_string())
                .collect(),
            v["facets"]["tags"].clone(),
            v["facets"]["options"].clone(),
            v["facets"]["price"]["min"]["amount"].as_i64().unwrap(),
        )
    };
    let both = shown(&listing().await);
    assert_eq!(both.0, 2);
    assert_eq!(both.4, 900);
    let hold = |key: &str, ttl: i64| {
        internal(
            &app,
            Method::POST,
            "/internal/catalog/reservations",
            Some(
                json!({ "key": key, "ttl_seconds": ttl, "lines": [{ "variant_id": variant, "quantity": 2 }] }),
            ),
        )
    };
    let held = hold("lantern-1", 600).await;
    assert_eq!(held.status, 201, "{}", held.body);
    let brass_only = shown(&listing().await);
    assert_eq!(
        brass_only,
        (
            1,
            vec!["Brass lantern".to_string()],
            json!([{ "value": "brass", "count": 1 }, { "value": "lantern", "count": 1 }]),
            json!({ "size": [{ "value": "S", "count": 1 }] }),
            2000,
        ),
        "a product whose stock is all held is out of stock"
    );
    let all = app.get_json("/api/catalog/products?q=lantern").await;
    assert_eq!(all["total"], 2, "without in_stock the held product stays");

    let id = held.body["id"].as_i64().unwrap();
    let released = internal(
        &app,
        Method::POST,
        &format!("/internal/catalog/reservations/{id}/release"),
        None,
    )
    .await;
    assert_eq!(released.status, 200, "{}", released.body);
    assert_eq!(shown(&listing().await), both, "a released hold returns it");

    assert_eq!(hold("lantern-2", 1).await.status, 201);
    assert_eq!(shown(&listing().await).0, 1);
    // The server is a separate process on the real clock: one short wait.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(shown(&listing().await), both, "an expired hold returns it");
}

#[tokio::test]
async fn reservations_are_idempotent_and_commit_release_and_expire() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let p = create(&app, &admin, simple("Kettle", "KET-1", 3900, 5)).await;
    let variant = p["variants"][0]["id"].as_i64().unwrap();
    let path = format!("/api/catalog/products/{}", p["id"]);
    let stock = || async {
        app.get_json(&path).await["variants"][0]["stock"]
            .as_i64()
            .unwrap()
    };
    let reserve = |key: &str, quantity: i64, ttl: i64| {
        internal(
            &app,
            Method::POST,
            "/internal/catalog/reservations",
            Some(
                json!({ "key": key, "ttl_seconds": ttl, "lines": [{ "variant_id": variant, "quantity": quantity }] }),
            ),
        )
    };

    let first = reserve("order-a", 2, 600).await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.body["lines"][0]["unit_price"]["amount"], 3900);
    let again = reserve("order-a", 2, 600).await;
    assert_eq!(
        (again.status, again.body["id"].clone()),
        (200, first.body["id"].clone())
    );
    assert_eq!(stock().await, 3);

    let too_many = reserve("order-b", 4, 600).await;
    assert_eq!(
        (too_many.status, too_many.code()),
        (409, "insufficient_stock")
    );
    assert_eq!(
        too_many.body["error"]["details"]["lines"][0]["available"],
        3
    );

    let id = first.body["id"].as_i64().unwrap();
    let committed = internal(
        &app,
        Method::POST,
        &format!("/internal/catalog/reservations/{id}/commit"),
        None,
    )
    .await;
    assert_eq!(committed.body["status"], "committed");
    assert_eq!(
        internal(
            &app,
            Method::POST,
            &format!("/internal/catalog/reservations/{id}/commit"),
            None
        )
        .await
        .status,
        200
    );
    assert_eq!(stock().await, 3, "committing turns the hold into a sale");
    let late_release = internal(
        &app,
        Method::POST,
        &format!("/internal/catalog/reservations/{id}/release"),
        None,
    )
    .await;
    assert_eq!(
        (late_release.status, late_release.code()),
        (409, "reservation_committed")
    );

    let second = reserve("order-c", 3, 600).await;
    let second_id = second.body["id"].as_i64().unwrap();
    assert_eq!(stock().await, 0);
    let released = internal(
        &app,
        Method::POST,
        &format!("/internal/catalog/reservations/{second_id}/release"),
        None,
    )
    .await;
    assert_eq!(released.body["status"], "released");
    assert_eq!(stock().await, 3);
    let commit_released = internal(
        &app,
        Method::POST,
        &format!("/internal/catalog/reservations/{second_id}/commit"),
        None,
    )
    .await;
    assert_eq!(
        (commit_released.status, commit_released.code()),
        (409, "reservation_released")
    );

    let short = reserve("order-d", 3, 1).await;
    let short_id = short.body["id"].as_i64().unwrap();
    assert_eq!(stock().await, 0);
    // The server is a separate process on the real clock: one short wait.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(stock().await, 3, "an expired hold returns its stock");
    let expired = internal(
        &app,
        Method::GET,
        &format!("/internal/catalog/reservations/{short_id}"),
        None,
    )
    .await;
    assert_eq!(expired.body["status"], "expired");
    let commit_expired = internal(
        &app,
        Method::POST,
        &format!("/internal/catalog/reservations/{short_id}/commit"),
        None,
    )
    .await;
    assert_eq!(
        (commit_expired.status, commit_expired.code()),
        (409, "reservation_expired")
    );
    assert_eq!(
        internal(
            &app,
            Method::GET,
            "/internal/catalog/reservations/999",
            None
        )
        .await
        .status,
        404
    );
}

#[tokio::test]
async fn admin_edits_replace_tags_and_images_and_clear_the_category() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let kitchen = create_category(&app, &admin, json!({ "name": "Kitchen" })).await["id"].clone();
    let mut body = simple("Chef Knife", "KNF-1", 8900, 2);
    body["category_id"] = kitchen.clone();
    body["tags"] = json!(["Steel", "gift"]);
    body["images"] = json!([{ "url": "https://img.test/knife.jpg", "alt": "A knife" }]);
    let p = create(&app, &admin, body).await;
    assert_eq!(p["tags"], json!(["gift", "steel"]), "tags are lower-cased");
    assert_eq!(p["category"]["slug"], "kitchen");
    let path = format!("/api/catalog/products/{}", p["id"]);

    let edited = app
        .call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({
                "tags": ["sale"],
                "images": [{ "url": "/media/knife-2.jpg", "alt": "" }, { "url": "data:image/png;base64,AAAA", "alt": "dot" }],
                "category_id": null,
                "description": "Forged.",
            })),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.body["tags"], json!(["sale"]));
    assert_eq!(edited.body["images"][0]["url"], "/media/knife-2.jpg");
    assert_eq!(edited.body["images"].as_array().unwrap().len(), 2);
    assert_eq!(edited.body["category"], Value::Null);
    assert_eq!(edited.body["title"], "Chef Knife", "fields not sent stay");

    let listed = app.get_json("/api/catalog/products?tag=sale").await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["image"], "/media/knife-2.jpg");
    assert_eq!(
        app.get_json("/api/catalog/products?tag=gift").await["total"],
        0
    );
    assert_eq!(
        app.get_json(&format!("/api/catalog/products?category={kitchen}"))
            .await["total"],
        0
    );
    assert_eq!(
        app.get_json("/api/catalog/products?q=forged").await["total"],
        1,
        "the description is searchable after the edit"
    );

    let bad = app
        .call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({ "title": "", "images": [{ "url": "javascript:alert(1)" }], "category_id": 424242 })),
        )
        .await;
    let fields = bad.body["error"]["details"]["fields"].as_object().unwrap();
    for f in ["title", "images[0].url", "category_id"] {
        assert!(fields.contains_key(f), "{f} missing in {fields:?}");
    }
    assert_eq!(app.get_json(&path).await["title"], "Chef Knife");

    let customer = app.customer_token("bob@example.com").await;
    let denied = app
        .call(
            Method::PATCH,
            &path,
            Some(&customer),
            Some(json!({ "title": "Mine" })),
        )
        .await;
    assert_eq!(denied.status, 403);
    for (method, route) in [
        (Method::PUT, path.clone()),
        (Method::PUT, "/api/catalog/variants/1".to_string()),
        (Method::POST, "/api/catalog/variants".to_string()),
        (Method::GET, "/internal/catalog/reservations".to_string()),
    ] {
        let a = app.call(method.clone(), &route, Some(&admin), None).await;
        assert_eq!(
            (a.status, a.code()),
            (405, "method_not_allowed"),
            "{method} {route}"
        );
    }
}

#[tokio::test]
async fn a_reservation_names_every_line_not_on_sale_and_holds_nothing() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let on_sale = create(&app, &admin, simple("Vase", "VASE-1", 2000, 4)).await;
    let mut draft = simple("Draft Vase", "VASE-2", 2000, 4);
    draft["status"] = json!("draft");
    let draft = create(&app, &admin, draft).await;
    let good = on_sale["variants"][0]["id"].as_i64().unwrap();
    let hidden = draft["variants"][0]["id"].as_i64().unwrap();
    let body = json!({ "key": "order-x", "lines": [
        { "variant_id": 424242, "quantity": 1 },
        { "variant_id": good, "quantity": 2 },
        { "variant_id": hidden, "quantity": 1 },
    ] });

    for token in [None, Some("wrong-token")] {
        let headers: Vec<(&str, &str)> =
            token.map(|t| ("x-service-token", t)).into_iter().collect();
        for (method, path) in [
            (Method::POST, "/internal/catalog/reservations"),
            (Method::GET, "/internal/catalog/reservations/1"),
            (Method::POST, "/internal/catalog/reservations/1/commit"),
            (Method::POST, "/internal/catalog/reservations/1/release"),
        ] {
            let a = app
                .call_with(method, path, None, Some(body.clone()), &headers)
                .await;
            assert_eq!(a.status, 401, "{path} with {token:?}");
        }
    }

    let refused = internal(
        &app,
        Method::POST,
        "/internal/catalog/reservations",
        Some(body),
    )
    .await;
    assert_eq!((refused.status, refused.code()), (422, "validation_failed"));
    let fields = refused.body["error"]["details"]["fields"]
        .as_object()
        .unwrap();
    assert!(fields.contains_key("lines[0].variant_id"), "{fields:?}");
    assert!(fields.contains_key("lines[2].variant_id"), "{fields:?}");
    assert!(!fields.contains_key("lines[1].variant_id"), "{fields:?}");
    let detail = app
        .get_json(&format!("/api/catalog/products/{}", on_sale["id"]))
        .await;
    assert_eq!(detail["variants"][0]["stock"], 4, "nothing was held");

    let invalid = internal(
        &app,
        Method::POST,
        "/internal/catalog/reservations",
        Some(json!({ "key": "", "ttl_seconds": 0, "lines": [{ "variant_id": good, "quantity": 1000 }] })),
    )
    .await;
    let fields = invalid.body["error"]["details"]["fields"]
        .as_object()
        .unwrap();
    for f in ["key", "ttl_seconds", "lines[0].quantity"] {
        assert!(fields.contains_key(f), "{f} missing in {fields:?}");
    }
}

#[tokio::test]
async fn a_hold_still_commits_after_an_admin_lowered_the_stock_under_it() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let p = create(&app, &admin, simple("Teapot", "POT-1", 3100, 3)).await;
    let variant = p["variants"][0]["id"].as_i64().unwrap();
    let held = internal(
        &app,
        Method::POST,
        "/internal/catalog/reservations",
        Some(json!({ "key": "order-pot", "lines": [{ "variant_id": variant, "quantity": 2 }] })),
    )
    .await;
    assert_eq!(held.status, 201, "{}", held.body);
    let lowered = app
        .call(
            Method::PATCH,
            &format!("/api/catalog/variants/{variant}"),
            Some(&admin),
            Some(json!({ "stock": 1 })),
        )
        .await;
    assert_eq!(
        lowered.body["stock"], 0,
        "1 on hand, 2 held: none available"
    );
    let committed = internal(
        &app,
        Method::POST,
        &format!("/internal/catalog/reservations/{}/commit", held.body["id"]),
        None,
    )
    .await;
    assert_eq!(committed.status, 200, "{}", committed.body);
    assert_eq!(committed.body["status"], "committed");
    let detail = app
        .get_json(&format!("/api/catalog/products/{}", p["id"]))
        .await;
    assert_eq!(detail["variants"][0]["stock"], 0, "stock ends at zero");
    let restocked = app
        .call(
            Method::PATCH,
            &format!("/api/catalog/variants/{variant}"),
            Some(&admin),
            Some(json!({ "stock": 5 })),
        )
        .await;
    assert_eq!(
        restocked.body["stock"], 5,
        "a committed hold no longer counts"
    );
}

#[tokio::test]
async fn an_admin_removes_a_variant_unless_it_is_the_last_or_a_checkout_holds_it() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let p = create(
        &app,
        &admin,
        json!({ "title": "Scarf", "status": "active", "variants": [
            { "sku": "SCARF-S", "price": 1500, "stock": 4, "options": { "size": "S" } },
            { "sku": "SCARF-L", "price": 2500, "stock": 4, "options": { "size": "L" } },
            { "sku": "SCARF-XL", "price": 3500, "stock": 4, "options": { "size": "XL" } }
        ] }),
    )
    .await;
    let ids: Vec<i64> = p["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_i64().unwrap())
        .collect();
    let delete = |id: i64, token: Option<String>| {
        let app = &app;
        async move {
            app.call(
                Method::DELETE,
                &format!("/api/catalog/variants/{id}"),
                token.as_deref(),
                None,
            )
            .await
        }
    };
    let customer = app.customer_token("cat@example.com").await;
    assert_eq!(delete(ids[2], Some(customer.clone())).await.status, 403);
    assert_eq!(delete(ids[2], None).await.status, 401);
    assert_eq!(delete(999_999, Some(admin.clone())).await.status, 404);
    assert_eq!(delete(0, Some(admin.clone())).await.status, 404);

    // A shopper's cart holds the XL; a checkout holds stock of the L.
    let added = app
        .call(
            Method::POST,
            "/api/cart/items",
            Some(&customer),
            Some(json!({ "variant_id": ids[2], "quantity": 1 })),
        )
        .await;
    assert!(added.status == 200 || added.status == 201, "{}", added.body);
    let held = internal(
        &app,
        Method::POST,
        "/internal/catalog/reservations",
        Some(json!({ "key": "order-scarf", "ttl_seconds": 600, "lines": [{ "variant_id": ids[1], "quantity": 1 }] })),
    )
    .await;
    assert_eq!(held.status, 201, "{}", held.body);
    let busy = delete(ids[1], Some(admin.clone())).await;
    assert_eq!(
        (busy.status, busy.code()),
        (409, "variant_reserved"),
        "{}",
        busy.body
    );

    let gone = delete(ids[2], Some(admin.clone())).await;
    assert_eq!(gone.status, 200, "{}", gone.body);
    let skus: Vec<&str> = gone.body["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["SCARF-S", "SCARF-L"]);
    assert_eq!(
        gone.body["price"]["max"]["amount"], 2500,
        "the price range follows"
    );
    let facets = app.get_json("/api/catalog/products?q=scarf").await;
    assert_eq!(
        facets["facets"]["options"]["size"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["value"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["L", "S"],
        "{facets}"
    );
    assert_eq!(delete(ids[2], Some(admin.clone())).await.status, 404);
    let cart = app
        .call_with(
            Method::GET,
            "/api/cart",
            Some(&customer),
            None,
            &[("cache-control", "no-cache")],
        )
        .await;
    assert_eq!(
        cart.body["lines"][0]["notices"][0]["code"], "unavailable",
        "{}",
        cart.body
    );
    assert_eq!(cart.body["checkout_ready"], false);

    let released = internal(
        &app,
        Method::POST,
        &format!("/internal/catalog/reservations/{}/release", held.body["id"]),
        None,
    )
    .await;
    assert_eq!(released.body["status"], "released", "{}", released.body);
    assert_eq!(delete(ids[1], Some(admin.clone())).await.status, 200);
    let last = delete(ids[0], Some(admin.clone())).await;
    assert_eq!(
        (last.status, last.code()),
        (409, "last_variant"),
        "{}",
        last.body
    );
    let kept = app
        .get_json(&format!("/api/catalog/products/{}", p["id"]))
        .await;
    assert_eq!(kept["variants"].as_array().unwrap().len(), 1);
    assert_eq!(kept["price"]["min"]["amount"], 1500);
}
