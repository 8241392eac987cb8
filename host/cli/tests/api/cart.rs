//! The cart component through `edgecart`, with the real catalog behind it.

use crate::helpers::TestApp;
use crate::shop::{SERVICE_TOKEN, spawn_shop, spawn_shop_in, spawn_shop_with};
use reqwest::Method;
use serde_json::{Value, json};

/// Creates an active product with one variant; returns the variant id.
async fn product(app: &TestApp, admin: &str, sku: &str, price: i64, stock: i64) -> i64 {
    let a = app
        .call(
            Method::POST,
            "/api/catalog/products",
            Some(admin),
            Some(json!({
                "title": format!("Product {sku}"),
                "status": "active",
                "variants": [{ "sku": sku, "price": price, "stock": stock, "options": { "size": "M" } }],
            })),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    a.body["variants"][0]["id"].as_i64().unwrap()
}

async fn as_guest(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> crate::shop::Answer {
    let headers: Vec<(&str, &str)> = token.map(|t| ("x-cart-token", t)).into_iter().collect();
    app.call_with(method, path, None, body, &headers).await
}

fn amount(v: &Value) -> i64 {
    v["amount"].as_i64().unwrap()
}

#[tokio::test]
async fn a_guest_cart_starts_empty_and_is_found_again_by_its_token() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let tee = product(&app, &admin, "TEE-1", 1000, 5).await;

    let empty = as_guest(&app, Method::GET, "/api/cart", None, None).await;
    assert_eq!(empty.status, 200);
    assert_eq!(empty.body["lines"], json!([]));
    assert_eq!(amount(&empty.body["total"]), 0);

    let added = as_guest(
        &app,
        Method::POST,
        "/api/cart/items",
        None,
        Some(json!({ "variant_id": tee, "quantity": 2 })),
    )
    .await;
    assert_eq!(added.status, 201, "{}", added.body);
    let token = added.body["cart_token"].as_str().unwrap().to_string();
    assert_eq!(added.header("x-cart-token"), Some(token.as_str()));

    let cart = as_guest(&app, Method::GET, "/api/cart", Some(&token), None).await;
    let line = &cart.body["lines"][0];
    assert_eq!(
        (line["variant_id"].as_i64(), line["quantity"].as_i64()),
        (Some(tee), Some(2))
    );
    assert_eq!(line["sku"], "TEE-1");
    // 2 × 10.00 + 4.95 shipping = 24.95; 19% of it is 4.7405 → 4.74.
    assert_eq!(amount(&cart.body["subtotal"]), 2000);
    assert_eq!(amount(&cart.body["shipping"]), 495);
    assert_eq!(amount(&cart.body["tax"]), 474);
    assert_eq!(amount(&cart.body["total"]), 2969);
    assert_eq!(cart.body["tax_rate"], "19%");
    assert_eq!(cart.body["checkout_ready"], true);

    let french = as_guest(
        &app,
        Method::GET,
        "/api/cart?country=fr",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(
        (
            french.body["tax_rate"].as_str(),
            amount(&french.body["tax"])
        ),
        (Some("20%"), 499)
    );
    let bad_country = as_guest(
        &app,
        Method::GET,
        "/api/cart?country=France!",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(bad_country.status, 422);

    let unknown = as_guest(
        &app,
        Method::GET,
        "/api/cart",
        Some("not-a-real-token"),
        None,
    )
    .await;
    assert_eq!(
        unknown.body["lines"],
        json!([]),
        "an unknown token is an empty cart"
    );
}

#[tokio::test]
async fn quantities_are_validated_against_stock_and_lines_can_change_or_go() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let tee = product(&app, &admin, "TEE-2", 1000, 3).await;
    let mug = product(&app, &admin, "MUG-2", 6000, 10).await;
    let added = as_guest(
        &app,
        Method::POST,
        "/api/cart/items",
        None,
        Some(json!({ "variant_id": tee, "quantity": 2 })),
    )
    .await;
    let token = added.body["cart_token"].as_str().unwrap().to_string();

    let too_many = as_guest(
        &app,
        Method::POST,
        "/api/cart/items",
        Some(&token),
        Some(json!({ "variant_id": tee, "quantity": 2 })),
    )
    .await;
    assert_eq!(
        (too_many.status, too_many.code()),
        (409, "insufficient_stock")
    );
    assert_eq!(too_many.body["error"]["details"]["available"], 3);

    for bad in [
        json!({ "variant_id": tee, "quantity": 0 }),
        json!({ "variant_id": tee, "quantity": 1000 }),
        json!({ "variant_id": 999_999, "quantity": 1 }),
    ] {
        let a = as_guest(
            &app,
            Method::POST,
            "/api/cart/items",
            Some(&token),
            Some(bad.clone()),
        )
        .await;
        assert_eq!(a.status, 422, "{bad}: {}", a.body);
    }
    let garbage = as_guest(
        &app,
        Method::POST,
        "/api/cart/items",
        Some(&token),
        Some(json!({ "variant": "x" })),
    )
    .await;
    assert_eq!(garbage.status, 400);

    let more = as_guest(
        &app,
        Method::POST,
        "/api/cart/items",
        Some(&token),
        Some(json!({ "variant_id": mug, "quantity": 1 })),
    )
    .await;
    assert_eq!(more.status, 200);
    assert_eq!(
        amount(&more.body["shipping"]),
        0,
        "free shipping from 50.00"
    );

    let path = format!("/api/cart/items/{tee}");
    let set = as_guest(
        &app,
        Method::PATCH,
        &path,
        Some(&token),
        Some(json!({ "quantity": 3 })),
    )
    .await;
    assert_eq!(set.body["lines"][0]["quantity"], 3);
    let over = as_guest(
        &app,
        Method::PATCH,
        &path,
        Some(&token),
        Some(json!({ "quantity": 4 })),
    )
    .await;
    assert_eq!(over.status, 409);
    let gone = as_guest(&app, Method::DELETE, &path, Some(&token), None).await;
    assert_eq!(gone.body["lines"].as_array().unwrap().len(), 1);
    assert_eq!(
        as_guest(&app, Method::DELETE, &path, Some(&token), None)
            .await
            .status,
        404
    );
    assert_eq!(
        as_guest(
            &app,
            Method::PATCH,
            "/api/cart/items/abc",
            Some(&token),
            Some(json!({ "quantity": 1 }))
        )
        .await
        .status,
        404
    );

    assert_eq!(
        as_guest(&app, Method::DELETE, "/api/cart", Some(&token), None)
            .await
            .status,
        204
    );
    let cleared = as_guest(&app, Method::GET, "/api/cart", Some(&token), None).await;
    assert_eq!(cleared.body["lines"], json!([]));
}

/// A signed-in customer's cart view, with extra request headers.
async fn view(app: &TestApp, customer: &str, headers: &[(&str, &str)]) -> Value {
    let a = app
        .call_with(Method::GET, "/api/cart", Some(customer), None, headers)
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body
}

#[tokio::test]
async fn price_changes_and_withdrawn_products_show_as_line_notices() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let tee = product(&app, &admin, "TEE-3", 1000, 5).await;
    let mug = product(&app, &admin, "MUG-3", 500, 5).await;
    let customer = app.customer_token("ann@example.com").await;
    for (v, q) in [(tee, 1), (mug, 2)] {
        let a = app
            .call(
                Method::POST,
                "/api/cart/items",
                Some(&customer),
                Some(json!({ "variant_id": v, "quantity": q })),
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.body);
    }
    let patched = app
        .call(
            Method::PATCH,
            &format!("/api/catalog/variants/{tee}"),
            Some(&admin),
            Some(json!({ "price": 1200 })),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    let kept = view(&app, &customer, &[]).await;
    assert_eq!(
        amount(&kept["lines"][0]["unit_price"]),
        1000,
        "a plain view within cart_price_max_age shows the catalog's answer from the last add"
    );
    assert_eq!(kept["lines"][0]["notices"], json!([]));
    let cart = view(&app, &customer, &[("cache-control", "max-age=0")]).await;
    let line = &cart["lines"][0];
    assert_eq!(line["notices"][0]["code"], "price_changed");
    assert_eq!(amount(&line["notices"][0]["previous"]), 1000);
    assert_eq!(amount(&line["unit_price"]), 1200);
    assert_eq!(amount(&cart["subtotal"]), 2200);
    let again = view(&app, &customer, &[]).await;
    assert_eq!(
        again["lines"][0]["notices"],
        json!([]),
        "a change is told once"
    );
    assert_eq!(
        amount(&again["lines"][0]["unit_price"]),
        1200,
        "the answer just asked for is the one kept"
    );

    let mug_product = again["lines"][1]["product_id"].as_i64().unwrap();
    let archived = app
        .call(
            Method::DELETE,
            &format!("/api/catalog/products/{mug_product}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(archived.status, 200);
    let cart = view(&app, &customer, &[("cache-control", "no-cache")]).await;
    assert_eq!(cart["lines"][1]["notices"][0]["code"], "unavailable");
    assert_eq!(
        amount(&cart["subtotal"]),
        1200,
        "withdrawn lines do not count"
    );
    assert_eq!(cart["checkout_ready"], false);
    let kept = view(&app, &customer, &[]).await;
    assert_eq!(
        kept["lines"][1]["notices"][0]["code"], "unavailable",
        "a variant the catalog no longer sells is kept as such"
    );
}

#[tokio::test]
async fn with_cart_price_max_age_zero_every_view_asks_the_catalog() {
    let app = spawn_shop_with(&[], &[("SPIN_VARIABLE_CART_PRICE_MAX_AGE", "0")]).await;
    let admin = app.admin_token().await;
    let tee = product(&app, &admin, "TEE-9", 1000, 5).await;
    let customer = app.customer_token("bo@example.com").await;
    let a = app
        .call(
            Method::POST,
            "/api/cart/items",
            Some(&customer),
            Some(json!({ "variant_id": tee, "quantity": 3 })),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let patched = app
        .call(
            Method::PATCH,
            &format!("/api/catalog/variants/{tee}"),
            Some(&admin),
            Some(json!({ "stock": 2 })),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    let cart = view(&app, &customer, &[("cache-control", "max-age=600")]).await;
    assert_eq!(
        cart["lines"][0]["notices"][0]["code"], "insufficient_stock",
        "a request cannot raise the configured age"
    );
    assert_eq!(cart["checkout_ready"], false);
}

#[tokio::test]
async fn signing_in_merges_the_guest_cart_capped_by_stock() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let tee = product(&app, &admin, "TEE-4", 1000, 4).await;
    let mug = product(&app, &admin, "MUG-4", 500, 9).await;
    let customer = app.customer_token("ann@example.com").await;
    app.call(
        Method::POST,
        "/api/cart/items",
        Some(&customer),
        Some(json!({ "variant_id": tee, "quantity": 2 })),
    )
    .await;

    let guest = as_guest(
        &app,
        Method::POST,
        "/api/cart/items",
        None,
        Some(json!({ "variant_id": tee, "quantity": 3 })),
    )
    .await;
    let token = guest.body["cart_token"].as_str().unwrap().to_string();
    as_guest(
        &app,
        Method::POST,
        "/api/cart/items",
        Some(&token),
        Some(json!({ "variant_id": mug, "quantity": 1 })),
    )
    .await;

    assert_eq!(
        as_guest(&app, Method::POST, "/api/cart/merge", Some(&token), None)
            .await
            .status,
        401
    );
    let merged = app
        .call_with(
            Method::POST,
            "/api/cart/merge",
            Some(&customer),
            None,
            &[("x-cart-token", &token)],
        )
        .await;
    assert_eq!(merged.status, 200, "{}", merged.body);
    let lines = merged.body["lines"].as_array().unwrap();
    let qty = |v: i64| {
        lines.iter().find(|l| l["variant_id"] == v).unwrap()["quantity"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(
        (qty(tee), qty(mug)),
        (4, 1),
        "2 + 3 capped at the 4 in stock"
    );
    assert_eq!(merged.body["merge_notices"][0]["code"], "quantity_capped");
    let guest_after = as_guest(&app, Method::GET, "/api/cart", Some(&token), None).await;
    assert_eq!(
        guest_after.body["lines"],
        json!([]),
        "the guest cart is gone"
    );
}

#[tokio::test]
async fn the_saga_removes_bought_items_once_per_key_with_the_service_token() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let tee = product(&app, &admin, "TEE-5", 1000, 9).await;
    let mug = product(&app, &admin, "MUG-5", 500, 9).await;
    let customer = app.customer_token("ann@example.com").await;
    for (v, q) in [(tee, 3), (mug, 1)] {
        app.call(
            Method::POST,
            "/api/cart/items",
            Some(&customer),
            Some(json!({ "variant_id": v, "quantity": q })),
        )
        .await;
    }
    let user_id = app
        .call(Method::GET, "/api/users/me", Some(&customer), None)
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let path = format!("/internal/cart/users/{user_id}/clear");
    let body = json!({ "key": "order-1", "lines": [{ "variant_id": tee, "quantity": 2 }, { "variant_id": mug, "quantity": 1 }] });
    let denied = app
        .call(Method::POST, &path, None, Some(body.clone()))
        .await;
    assert_eq!(denied.status, 401);
    let wrong = app
        .call_with(
            Method::POST,
            &path,
            None,
            Some(body.clone()),
            &[("x-service-token", "guess")],
        )
        .await;
    assert_eq!(wrong.status, 401);
    let first = app
        .call_with(
            Method::POST,
            &path,
            None,
            Some(body.clone()),
            &[("x-service-token", SERVICE_TOKEN)],
        )
        .await;
    assert_eq!(first.body["applied"], true);
    let retry = app
        .call_with(
            Method::POST,
            &path,
            None,
            Some(body),
            &[("x-service-token", SERVICE_TOKEN)],
        )
        .await;
    assert_eq!(retry.body["applied"], false);
    let cart = app
        .call(Method::GET, "/api/cart", Some(&customer), None)
        .await;
    let lines = cart.body["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (
            lines[0]["variant_id"].as_i64(),
            lines[0]["quantity"].as_i64()
        ),
        (Some(tee), Some(1))
    );
}

/// The label recorded as the owner of the schema in the database file `path`.
async fn schema_owner(path: &std::path::Path) -> Option<String> {
    let db = libsql::Builder::new_local(path).build().await.unwrap();
    let conn = db.connect().unwrap();
    let mut rows = conn
        .query("SELECT label FROM schema_owner", ())
        .await
        .ok()?;
    let row = rows.next().await.unwrap()?;
    Some(row.get::<String>(0).unwrap())
}

#[tokio::test]
async fn a_second_label_configured_onto_the_same_database_is_refused_not_half_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared.db");
    let config = dir.path().join("runtime-config.toml");
    let section = |label: &str| {
        format!(
            "[sqlite_database.{label}]\ntype = \"spin\"\npath = {:?}\n",
            shared.display().to_string()
        )
    };
    std::fs::write(&config, section("catalog") + &section("cart")).unwrap();
    let app = spawn_shop_with(&["--runtime-config-file", config.to_str().unwrap()], &[]).await;
    let admin = app.admin_token().await;
    let variant = product(&app, &admin, "SHARED-1", 1500, 5).await;

    // Every request is refused, not only the first instance's.
    for _ in 0..2 {
        let refused = app
            .client
            .post(app.url("/api/cart/items"))
            .json(&json!({ "variant_id": variant, "quantity": 1 }))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 503);
        assert!(refused.headers().contains_key("retry-after"));
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unavailable", "{body}");
    }
    assert!(
        app.log_contains("database `cart` holds the schema of `catalog`")
            .await,
        "{}",
        app.stderr()
    );
    // The catalog that owns the file goes on working, and the cart wrote
    // nothing into it.
    let listed = app
        .call(Method::GET, "/api/catalog/products?q=shared", None, None)
        .await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1));
    drop(app);
    assert_eq!(schema_owner(&shared).await.as_deref(), Some("catalog"));
    let db = libsql::Builder::new_local(&shared).build().await.unwrap();
    let mut rows = db
        .connect()
        .unwrap()
        .query(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'carts'",
            (),
        )
        .await
        .unwrap();
    let carts_tables = rows.next().await.unwrap().unwrap().get::<i64>(0).unwrap();
    assert_eq!(carts_tables, 0);
}

#[tokio::test]
async fn a_database_migrated_before_owners_were_recorded_is_claimed_by_its_component() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_shop_in(dir.path(), &[]).await;
    let cart = app.call(Method::GET, "/api/cart", None, None).await;
    assert_eq!(cart.status, 200);
    app.terminate();
    let file = dir.path().join("data/sqlite/cart.db");
    assert_eq!(schema_owner(&file).await.as_deref(), Some("cart"));
    {
        let db = libsql::Builder::new_local(&file).build().await.unwrap();
        db.connect()
            .unwrap()
            .execute("DROP TABLE schema_owner", ())
            .await
            .unwrap();
    }
    assert_eq!(schema_owner(&file).await, None);

    let app = spawn_shop_in(dir.path(), &[]).await;
    let cart = app.call(Method::GET, "/api/cart", None, None).await;
    assert_eq!(cart.status, 200);
    app.terminate();
    assert_eq!(schema_owner(&file).await.as_deref(), Some("cart"));
}
