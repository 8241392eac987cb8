//! Product images through `/media`: admin uploads checked by content, resized,
//! stored on disk or in a real S3-compatible server (moto, started here on a
//! free port), served with long-lived cache headers; bad uploads refused with a
//! clear error.

use crate::helpers::{TestApp, startup_failure};
use crate::shop::{shop_manifest, spawn_shop, spawn_shop_with};
use edgecart_testkit::free_port;
use image::{DynamicImage, ImageFormat};
use object_store::aws::AmazonS3Builder;
use object_store::{Attribute, ObjectStore};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use std::io::Cursor;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
    }));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid tiny PNG whose header claims 60,000 × 60,000 pixels: decoding it
/// would need gigabytes.
fn bomb() -> Vec<u8> {
    let mut bytes = png(1, 1);
    // Signature (8), chunk length (4), "IHDR" (4), then width and height.
    bytes[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

async fn upload(app: &TestApp, token: Option<&str>, bytes: Vec<u8>) -> (u16, Value) {
    let form = Form::new().part("file", Part::bytes(bytes).file_name("photo.png"));
    let mut req = app.client.post(app.url("/media/images")).multipart(form);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn admins_upload_images_that_are_resized_cached_and_bad_ones_are_refused() {
    let app = spawn_shop().await;
    let admin = app.admin_token().await;
    let ann = app.customer_token("ann@example.com").await;
    let photo = png(1600, 800);

    assert_eq!(upload(&app, None, photo.clone()).await.0, 401);
    assert_eq!(upload(&app, Some(&ann), photo.clone()).await.0, 403);
    let (status, image) = upload(&app, Some(&admin), photo.clone()).await;
    assert_eq!(status, 201, "{image}");
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(1600), Some(800))
    );
    let (_, again) = upload(&app, Some(&admin), photo.clone()).await;
    assert_eq!(
        again["id"], image["id"],
        "the same bytes are the same image"
    );

    let medium = app
        .client
        .get(app.url(image["urls"]["medium"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(medium.status(), 200);
    assert_eq!(medium.headers()["content-type"], "image/jpeg");
    assert!(
        medium.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let etag = medium.headers()["etag"].clone();
    let decoded = image::load_from_memory(&medium.bytes().await.unwrap()).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1024, 512));
    let thumb_url = app.url(image["urls"]["thumb"].as_str().unwrap());
    let cached = app
        .client
        .get(app.url(image["urls"]["medium"].as_str().unwrap()))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304);
    let original = app
        .client
        .get(app.url(image["urls"]["original"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(original.bytes().await.unwrap().as_ref(), photo.as_slice());
    assert_eq!(
        app.client.get(&thumb_url).send().await.unwrap().status(),
        200
    );

    let (status, err) = upload(&app, Some(&admin), b"GIF? no, a shell script".to_vec()).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (415, Some("not_an_image"))
    );
    let (status, err) = upload(&app, Some(&admin), bomb()).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (422, Some("image_too_large")),
        "{err}"
    );
    let mut huge = png(1, 1);
    huge.resize(9 << 20, 0);
    let (status, err) = upload(&app, Some(&admin), huge).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (413, Some("payload_too_large")),
        "{err}"
    );
    let empty = app
        .client
        .post(app.url("/media/images"))
        .bearer_auth(&admin)
        .multipart(Form::new().text("title", "no file"))
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 400);
    let not_multipart = app
        .call(
            Method::POST,
            "/media/images",
            Some(&admin),
            Some(json!({ "file": "x" })),
        )
        .await;
    assert_eq!(
        (not_multipart.status, not_multipart.code()),
        (400, "bad_multipart")
    );
    let wrong_method = app
        .call(Method::DELETE, "/media/images", Some(&admin), None)
        .await;
    assert_eq!(
        (wrong_method.status, wrong_method.code()),
        (405, "method_not_allowed")
    );
    let (missing, _) = app
        .get("/media/images/0123456789abcdef0123456789abcdef/thumb.jpg")
        .await;
    assert_eq!(missing, 404);
    let (traversal, _) = app.get("/media/images/..%2f..%2fetc/passwd").await;
    assert_eq!(traversal, 404);

    // A product refers to the image by its URL.
    let product = app
        .call(
            Method::POST,
            "/api/catalog/products",
            Some(&admin),
            Some(json!({
                "title": "Pictured Lamp", "status": "active",
                "images": [{ "url": image["urls"]["medium"], "alt": "The lamp, lit" }],
                "variants": [{ "sku": "PIC-1", "price": 1000, "stock": 1 }],
            })),
        )
        .await;
    assert_eq!(product.status, 201, "{}", product.body);
    assert_eq!(product.body["images"][0]["url"], image["urls"]["medium"]);
}

struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn images_can_live_in_an_s3_compatible_store() {
    let port = free_port();
    let _moto = Moto(
        Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start moto_server ({e}): pip install 'moto[server]' (scripts/test.sh does)")
            }),
    );
    let s3 = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut created = false;
    for _ in 0..100 {
        if let Ok(r) = client.put(format!("{s3}/edgecart-media")).send().await {
            created = r.status().is_success();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(created, "moto did not create the bucket");

    let app = spawn_shop_with(
        &[],
        &[
            ("EDGECART_MEDIA_BUCKET", "edgecart-media"),
            ("EDGECART_MEDIA_ENDPOINT", &s3),
            ("EDGECART_MEDIA_PATH_STYLE", "true"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
        ],
    )
    .await;
    let admin = app.admin_token().await;
    let (status, image) = upload(&app, Some(&admin), png(400, 300)).await;
    assert_eq!(status, 201, "{image}");
    let thumb = image["urls"]["thumb"].as_str().unwrap();
    let key = thumb.trim_start_matches("/media/");
    let bucket = AmazonS3Builder::new()
        .with_region("us-east-1")
        .with_access_key_id("testing")
        .with_secret_access_key("testing")
        .with_endpoint(&s3)
        .with_allow_http(true)
        .with_bucket_name("edgecart-media")
        .build()
        .unwrap();
    let stored = bucket
        .get(&key.into())
        .await
        .expect("the object is in the bucket");
    assert_eq!(
        stored
            .attributes
            .get(&Attribute::ContentType)
            .map(|v| v.as_ref()),
        Some("image/jpeg")
    );
    assert_eq!(
        stored
            .attributes
            .get(&Attribute::CacheControl)
            .map(|v| v.as_ref()),
        Some("public, max-age=31536000, immutable")
    );
    let stored = stored.bytes().await.unwrap();
    let served = app.client.get(app.url(thumb)).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap(), stored);
    let decoded = image::load_from_memory(&stored).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (320, 240));
}

#[test]
fn a_malformed_s3_endpoint_is_refused_before_serving() {
    let (status, stderr) = startup_failure(
        &shop_manifest(),
        &[
            ("EDGECART_MEDIA_BUCKET", "edgecart-media"),
            ("EDGECART_MEDIA_ENDPOINT", "minio:9000"),
        ],
    );
    assert!(!status.success());
    assert!(stderr.contains("--media-bucket edgecart-media"), "{stderr}");
    assert!(stderr.contains("endpoint minio:9000"), "{stderr}");
}
