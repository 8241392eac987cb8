use crate::helpers::{TestApp, spawn_app_in};

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "storefront"
[[trigger.http]]
route = "/..."
component = "web"
[component.web]
source = "{web}"
files = [{ source = "dist", destination = "/" }]
"#;

async fn start() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>shop</title>",
    )
    .unwrap();
    std::fs::write(dist.join("assets/app-Bx7dK2pQ.js"), "console.log('shop')").unwrap();
    std::fs::write(
        dist.join("assets/app-Bx7dK2pQ.js.br"),
        [0x1b, 0x02, 0x00, 0x80],
    )
    .unwrap();
    std::fs::write(
        dist.join("logo.png"),
        [0x89, b'P', b'N', b'G', 0, 1, 2, 255],
    )
    .unwrap();
    spawn_app_in(dir, APP, &[], &[]).await
}

#[tokio::test]
async fn index_html_is_revalidated_with_an_etag() {
    let app = start().await;
    let r = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(
        r.text().await.unwrap(),
        "<!doctype html><title>shop</title>"
    );
    let again = app
        .client
        .get(app.url("/"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_binary_safe() {
    let app = start().await;
    let r = app
        .client
        .get(app.url("/assets/app-Bx7dK2pQ.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let png = app.client.get(app.url("/logo.png")).send().await.unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    assert_eq!(png.headers()["cache-control"], "public, max-age=300");
    assert_eq!(
        png.bytes().await.unwrap().as_ref(),
        [0x89, b'P', b'N', b'G', 0, 1, 2, 255]
    );
}

#[tokio::test]
async fn precompressed_variants_are_served_when_accepted() {
    let app = start().await;
    let br = app
        .client
        .get(app.url("/assets/app-Bx7dK2pQ.js"))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["vary"], "accept-encoding");
    assert_eq!(br.bytes().await.unwrap().as_ref(), [0x1b, 0x02, 0x00, 0x80]);
    let plain = app
        .client
        .get(app.url("/assets/app-Bx7dK2pQ.js"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn client_routes_fall_back_to_index_but_missing_assets_are_404() {
    let app = start().await;
    let (status, body) = app.get("/products/blue-shirt").await;
    assert_eq!(
        (status, body.as_str()),
        (200, "<!doctype html><title>shop</title>")
    );
    let r = app
        .client
        .get(app.url("/assets/gone-12345678.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    let post = app.client.post(app.url("/")).send().await.unwrap();
    assert_eq!(post.status(), 405);
}
