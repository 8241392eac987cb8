use crate::helpers::spawn_app;

const ROUTES: &str = r#"
spin_manifest_version = 2
[application]
name = "routing"

[[trigger.http]]
route = "/..."
component = "catch-all"
[[trigger.http]]
route = "/shop/..."
component = "shop"
[[trigger.http]]
route = "/shop/products/..."
component = "products"
[[trigger.http]]
route = "/shop/products/:id"
component = "product"
[[trigger.http]]
route = "/shop/products/featured"
component = "featured"
[[trigger.http]]
route = "/shop/:section/list"
component = "section-list"
[[trigger.http]]
route = "/exact"
component = "exact"
[[trigger.http]]
route = "/legacy"
component = "legacy"
[[trigger.http]]
route = { private = true }
component = "hidden"

[component.catch-all]
source = "{spin_app}"
[component.shop]
source = "{spin_app}"
[component.products]
source = "{spin_app}"
[component.product]
source = "{spin_app}"
[component.featured]
source = "{spin_app}"
[component.section-list]
source = "{spin_app}"
[component.exact]
source = "{spin_app}"
[component.legacy]
source = "{p2_app}"
[component.hidden]
source = "{p2_app}"
"#;

#[tokio::test]
async fn the_most_specific_route_wins() {
    let app = spawn_app(ROUTES, &[], &[]).await;
    let table = [
        ("/", "/..."),
        ("/index.html", "/..."),
        ("/shop", "/shop/..."),
        ("/shop/cart/view", "/shop/..."),
        ("/shop/products", "/shop/products/..."),
        ("/shop/products/42", "/shop/products/:id"),
        ("/shop/products/featured", "/shop/products/featured"),
        ("/shop/products/42/reviews", "/shop/products/..."),
        ("/shop/shoes/list", "/shop/:section/list"),
        ("/shop/shoes/list/more", "/shop/..."),
        ("/exact", "/exact"),
        ("/exact/", "/exact"),
        ("/exact/more", "/..."),
    ];
    for (path, route) in table {
        let headers = app.get_json(path).await;
        assert_eq!(
            headers["spin-raw-component-route"], route,
            "{path} -> {headers}"
        );
    }
}

#[tokio::test]
async fn requests_carry_every_spin_header() {
    let app = spawn_app(ROUTES, &[], &[]).await;
    let h = app.get_json("/shop/products/42?q=1").await;
    let base = format!("http://{}", app.addr);
    assert_eq!(h["spin-full-url"], format!("{base}/shop/products/42?q=1"));
    assert_eq!(h["spin-path-info"], "");
    assert_eq!(h["spin-matched-route"], "/shop/products/:id");
    assert_eq!(h["spin-component-route"], "/shop/products/:id");
    assert_eq!(h["spin-raw-component-route"], "/shop/products/:id");
    assert_eq!(h["spin-base-path"], "/");
    assert_eq!(h["spin-path-match-id"], "42");
    let client = h["spin-client-addr"].as_str().unwrap();
    assert!(client.starts_with("127.0.0.1:"), "{client}");

    let h = app.get_json("/shop/cart/view?x=y").await;
    assert_eq!(h["spin-path-info"], "/cart/view");
    assert_eq!(h["spin-matched-route"], "/shop/...");
    assert_eq!(h["spin-component-route"], "/shop");
    assert_eq!(h["spin-raw-component-route"], "/shop/...");

    let h = app.get_json("/shop/shoes/list").await;
    assert_eq!(h["spin-path-match-section"], "shoes");
}

#[tokio::test]
async fn client_supplied_spin_headers_are_replaced() {
    let app = spawn_app(ROUTES, &[], &[]).await;
    let r = app
        .client
        .get(app.url("/exact"))
        .header("spin-path-info", "/forged")
        .header("spin-client-addr", "10.0.0.1:1")
        .send()
        .await
        .unwrap();
    let h: serde_json::Value = r.json().await.unwrap();
    assert_eq!(h["spin-path-info"], "");
    assert_ne!(h["spin-client-addr"], "10.0.0.1:1");
}

#[tokio::test]
async fn wasi_p2_components_are_served() {
    let app = spawn_app(ROUTES, &[], &[]).await;
    let (status, body) = app.get("/legacy").await;
    assert_eq!(status, 200);
    assert_eq!(body, "p2 says hello: path=/legacy route=/legacy");
}

#[tokio::test]
async fn an_unmatched_path_gets_a_json_404() {
    let manifest = r#"
spin_manifest_version = 2
[application]
name = "narrow"
[[trigger.http]]
route = "/only"
component = "only"
[component.only]
source = "{spin_app}"
"#;
    let app = spawn_app(manifest, &[], &[]).await;
    let r = app.client.get(app.url("/elsewhere")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/json");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn a_base_path_prefixes_every_route() {
    let manifest = r#"
spin_manifest_version = 2
[application]
name = "based"
[application.trigger.http]
base = "/store"
[[trigger.http]]
route = "/api/..."
component = "api"
[component.api]
source = "{spin_app}"
"#;
    let app = spawn_app(manifest, &[], &[]).await;
    let h = app.get_json("/store/api/items").await;
    assert_eq!(h["spin-base-path"], "/store");
    assert_eq!(h["spin-matched-route"], "/store/api/...");
    assert_eq!(h["spin-path-info"], "/items");
    assert_eq!(app.get("/api/items").await.0, 404);
}
