//! Product images: upload, checks, resized variants, storage, serving.
//!
//! - `POST /media/images` (multipart, field `file`; an admin's bearer token,
//!   checked by asking the users component `GET /api/users/me`): the upload is
//!   identified by sniffing its bytes (PNG, JPEG, WebP, GIF; the declared content
//!   type is not trusted), refused when larger than [`Limits::max_bytes`] (413)
//!   or when its header declares more pixels than [`Limits::max_pixels`] or a
//!   side longer than [`Limits::max_side`] (422, checked before decoding, so a
//!   decompression bomb is never expanded), then decoded under the same limits
//!   and resized to `medium` (fits 1024 px) and `thumb` (fits 320 px), JPEG (or
//!   PNG when the image has transparency). The id is the SHA-256 of the bytes, so
//!   uploading the same image twice stores it once. Answers 201 with the URLs.
//! - `GET /media/images/{id}/{original|medium|thumb}.{ext}`: the stored file,
//!   `Cache-Control: public, max-age=31536000, immutable` and a strong `ETag`
//!   (the content never changes under a URL).
//!
//! Files live in a local directory by default, or in an S3 bucket
//! ([`Store::s3`]: endpoint and path-style addressing for S3-compatible stores;
//! region and credentials from the AWS environment, EKS Pod Identity included).

use crate::checkout::Shop;
use crate::json_error as error;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use image::{DynamicImage, ImageFormat, ImageReader};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::{Attribute, Attributes, ObjectStore, PutOptions, RetryConfig};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::io::Cursor;
use std::path::PathBuf;
use std::sync::Arc;

/// What an upload may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest upload, in bytes.
    pub max_bytes: usize,
    /// Most pixels (width × height) an image may declare.
    pub max_pixels: u64,
    /// Longest side, in pixels.
    pub max_side: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 8 << 20,
            max_pixels: 40_000_000,
            max_side: 12_000,
        }
    }
}

/// Why an upload was refused or could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The bytes are not an image of a supported format.
    #[error("the file is not a PNG, JPEG, WebP or GIF image")]
    NotAnImage,
    /// The upload is larger than allowed.
    #[error("the file is larger than {0} bytes")]
    TooLarge(usize),
    /// The image declares too many pixels (a decompression bomb, or just huge).
    #[error(
        "the image is {width}×{height} pixels; at most {max_pixels} pixels and {max_side} px per side are accepted"
    )]
    TooManyPixels {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The pixel limit.
        max_pixels: u64,
        /// The side limit.
        max_side: u32,
    },
    /// The image is damaged.
    #[error("the image cannot be decoded: {0}")]
    Corrupt(String),
    /// The store failed.
    #[error("storage: {0}")]
    Storage(String),
}

impl MediaError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            MediaError::NotAnImage => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "not_an_image"),
            MediaError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            MediaError::TooManyPixels { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "image_too_large")
            }
            MediaError::Corrupt(_) => (StatusCode::UNPROCESSABLE_ENTITY, "image_corrupt"),
            MediaError::Storage(_) => (StatusCode::SERVICE_UNAVAILABLE, "storage_unavailable"),
        }
    }
}

impl IntoResponse for MediaError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let MediaError::Storage(e) = &self {
            tracing::error!(error = %e, "media storage failed");
            return error(
                status,
                code,
                "the image store is not available; retry shortly",
            );
        }
        error(status, code, &self.to_string())
    }
}

/// One stored file of an image.
#[derive(Debug, Clone)]
pub struct Variant {
    /// `original`, `medium` or `thumb`.
    pub name: &'static str,
    /// File extension.
    pub ext: &'static str,
    /// MIME type.
    pub content_type: &'static str,
    /// The encoded bytes.
    pub bytes: Bytes,
}

/// A checked, resized image, ready to store.
#[derive(Debug, Clone)]
pub struct Processed {
    /// Content id: the first 32 hex digits of the SHA-256 of the upload.
    pub id: String,
    /// Width of the original.
    pub width: u32,
    /// Height of the original.
    pub height: u32,
    /// The original and its resized variants.
    pub variants: Vec<Variant>,
}

fn format_info(f: ImageFormat) -> Option<(&'static str, &'static str)> {
    match f {
        ImageFormat::Png => Some(("png", "image/png")),
        ImageFormat::Jpeg => Some(("jpg", "image/jpeg")),
        ImageFormat::WebP => Some(("webp", "image/webp")),
        ImageFormat::Gif => Some(("gif", "image/gif")),
        _ => None,
    }
}

fn encode(img: &DynamicImage) -> Result<(&'static str, &'static str, Bytes), MediaError> {
    let mut out = Cursor::new(Vec::new());
    let (ext, content_type) = if img.color().has_alpha() {
        img.write_to(&mut out, ImageFormat::Png)
            .map_err(|e| MediaError::Corrupt(e.to_string()))?;
        ("png", "image/png")
    } else {
        let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .encode_image(&rgb)
            .map_err(|e| MediaError::Corrupt(e.to_string()))?;
        ("jpg", "image/jpeg")
    };
    Ok((ext, content_type, Bytes::from(out.into_inner())))
}

/// Checks and resizes an upload (CPU-bound: call it off the async workers).
pub fn process(bytes: &Bytes, limits: &Limits) -> Result<Processed, MediaError> {
    if bytes.len() > limits.max_bytes {
        return Err(MediaError::TooLarge(limits.max_bytes));
    }
    let format = image::guess_format(bytes).map_err(|_| MediaError::NotAnImage)?;
    let (ext, content_type) = format_info(format).ok_or(MediaError::NotAnImage)?;
    let reader = || ImageReader::with_format(Cursor::new(bytes.as_ref()), format);
    let (width, height) = reader()
        .into_dimensions()
        .map_err(|e| MediaError::Corrupt(e.to_string()))?;
    if u64::from(width) * u64::from(height) > limits.max_pixels
        || width > limits.max_side
        || height > limits.max_side
    {
        return Err(MediaError::TooManyPixels {
            width,
            height,
            max_pixels: limits.max_pixels,
            max_side: limits.max_side,
        });
    }
    let mut decoder = reader();
    let mut decode_limits = image::Limits::default();
    decode_limits.max_image_width = Some(limits.max_side);
    decode_limits.max_image_height = Some(limits.max_side);
    decode_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8));
    decoder.limits(decode_limits);
    let img = decoder
        .decode()
        .map_err(|e| MediaError::Corrupt(e.to_string()))?;
    let digest = hex::encode(Sha256::digest(bytes));
    let mut variants = vec![Variant {
        name: "original",
        ext,
        content_type,
        bytes: bytes.clone(),
    }];
    for (name, side) in [("medium", 1024), ("thumb", 320)] {
        let resized = if width <= side && height <= side {
            img.clone()
        } else {
            img.resize(side, side, image::imageops::FilterType::Triangle)
        };
        let (ext, content_type, bytes) = encode(&resized)?;
        variants.push(Variant {
            name,
            ext,
            content_type,
            bytes,
        });
    }
    Ok(Processed {
        id: digest[..32].to_string(),
        width,
        height,
        variants,
    })
}

/// The `Cache-Control` of a stored file: its URL names its content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Where image files are kept.
#[derive(Debug, Clone)]
pub enum Store {
    /// A directory on the local disk.
    Local(PathBuf),
    /// An S3 bucket.
    S3(Arc<AmazonS3>),
}

impl Store {
    /// An S3 bucket; `endpoint` and `path_style` are for S3-compatible stores
    /// (MinIO, moto, Ceph). Region and credentials come from the AWS environment
    /// as the AWS SDKs read it: `AWS_REGION` (default `us-east-1`), static keys
    /// (`AWS_ACCESS_KEY_ID`, ...), web identity (IRSA), ECS task roles, EKS Pod
    /// Identity, then the instance metadata service. An `http://` endpoint is
    /// allowed as given; AWS itself is only reached over HTTPS.
    pub fn s3(bucket: &str, endpoint: Option<&str>, path_style: bool) -> Result<Store, MediaError> {
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_virtual_hosted_style_request(!path_style)
            // An upload waits for its store: a few quick retries, not minutes.
            .with_retry(RetryConfig {
                max_retries: 3,
                retry_timeout: std::time::Duration::from_secs(15),
                ..RetryConfig::default()
            });
        if let Some(endpoint) = endpoint {
            let url = reqwest::Url::parse(endpoint)
                .map_err(|e| MediaError::Storage(format!("endpoint {endpoint}: {e}")))?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(MediaError::Storage(format!(
                    "endpoint {endpoint}: not an http:// or https:// URL"
                )));
            }
            builder = builder
                .with_allow_http(url.scheme() == "http")
                .with_endpoint(bucket_endpoint(url, bucket, path_style)?);
        }
        let store = builder
            .build()
            .map_err(|e| MediaError::Storage(e.to_string()))?;
        Ok(Store::S3(Arc::new(store)))
    }

    async fn put(&self, key: &str, bytes: Bytes, content_type: &str) -> Result<(), MediaError> {
        match self {
            Store::Local(dir) => {
                let path = dir.join(key);
                if let Some(parent) = path.parent() {
                    tokio::fs::create_dir_all(parent)
                        .await
                        .map_err(|e| MediaError::Storage(e.to_string()))?;
                }
                let tmp = path.with_extension("part");
                tokio::fs::write(&tmp, &bytes)
                    .await
                    .map_err(|e| MediaError::Storage(e.to_string()))?;
                tokio::fs::rename(&tmp, &path)
                    .await
                    .map_err(|e| MediaError::Storage(e.to_string()))
            }
            Store::S3(s3) => {
                let attributes = Attributes::from_iter([
                    (Attribute::ContentType, content_type.to_string()),
                    (Attribute::CacheControl, IMMUTABLE.to_string()),
                ]);
                let options = PutOptions {
                    attributes,
                    ..PutOptions::default()
                };
                s3.put_opts(&key.into(), bytes.into(), options)
                    .await
                    .map(|_| ())
                    .map_err(|e| MediaError::Storage(e.to_string()))
            }
        }
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, MediaError> {
        match self {
            Store::Local(dir) => match tokio::fs::read(dir.join(key)).await {
                Ok(b) => Ok(Some(Bytes::from(b))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(MediaError::Storage(e.to_string())),
            },
            Store::S3(s3) => match s3.get(&key.into()).await {
                Ok(found) => found
                    .bytes()
                    .await
                    .map(Some)
                    .map_err(|e| MediaError::Storage(e.to_string())),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(MediaError::Storage(e.to_string())),
            },
        }
    }
}

/// The URL of `bucket` at an S3-compatible `endpoint`: the bucket as the first
/// path segment, or, virtual-hosted, as the first label of the host name, as
/// the AWS SDKs address it.
fn bucket_endpoint(
    mut url: reqwest::Url,
    bucket: &str,
    path_style: bool,
) -> Result<String, MediaError> {
    if path_style {
        return Ok(url.as_str().trim_end_matches('/').to_string());
    }
    let host = url
        .host_str()
        .ok_or_else(|| MediaError::Storage(format!("endpoint {url} has no host name")))?;
    let virtual_host = format!("{bucket}.{host}");
    url.set_host(Some(&virtual_host))
        .map_err(|e| MediaError::Storage(format!("bucket {bucket} at {url}: {e}")))?;
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// The media service.
#[derive(Debug)]
pub struct Media {
    store: Store,
    limits: Limits,
    shop: Arc<Shop>,
}

impl Media {
    /// Media kept in `store`, admins checked against `shop`'s users component.
    pub fn new(store: Store, limits: Limits, shop: Arc<Shop>) -> Media {
        Media {
            store,
            limits,
            shop,
        }
    }
}

/// The `/media` routes.
pub fn router(media: Arc<Media>) -> Router {
    let body_limit = media.limits.max_bytes + (256 << 10);
    Router::new()
        .route("/media/images", post(upload))
        .route("/media/images/{id}/{file}", get(download))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(media)
}

/// Why the caller may not upload, or `None` for an admin.
async fn refusal(media: &Media, headers: &HeaderMap) -> Option<Response> {
    let Some(auth) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Some(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "sign in as an admin to upload images",
        ));
    };
    match media.shop.get_as("/api/users/me", auth).await {
        Ok((200, me)) if me["role"] == "admin" => None,
        Ok((200, _)) => Some(error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "only admins upload images",
        )),
        Ok((401, _)) => Some(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "the access token is missing, expired or invalid",
        )),
        Ok((status, body)) => {
            tracing::warn!(status, body = %body, "users answered the admin check unexpectedly");
            Some(error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "cannot check the account right now",
            ))
        }
        Err(e) => {
            tracing::warn!(error = ?e, "cannot reach users for the admin check");
            Some(error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "cannot check the account right now",
            ))
        }
    }
}

async fn upload(
    State(media): State<Arc<Media>>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    if let Some(r) = refusal(&media, &headers).await {
        return r;
    }
    let mut form = match form {
        Ok(f) => f,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_multipart",
                &format!("send the image as multipart/form-data with the field `file`: {e}"),
            );
        }
    };
    let file = loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(b) => break b,
                Err(e) => return multipart_error(&e, &media.limits),
            },
            Ok(Some(_)) => continue,
            Ok(None) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "file_required",
                    "send the image as the multipart field `file`",
                );
            }
            Err(e) => return multipart_error(&e, &media.limits),
        }
    };
    let limits = media.limits;
    let processed = match tokio::task::spawn_blocking(move || process(&file, &limits)).await {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => return e.into_response(),
        Err(e) => return MediaError::Corrupt(format!("processing stopped: {e}")).into_response(),
    };
    let mut urls = serde_json::Map::new();
    for v in &processed.variants {
        let key = format!("images/{}/{}.{}", processed.id, v.name, v.ext);
        if let Err(e) = media.store.put(&key, v.bytes.clone(), v.content_type).await {
            return e.into_response();
        }
        urls.insert(v.name.to_string(), json!(format!("/media/{key}")));
    }
    let original = &processed.variants[0];
    (
        StatusCode::CREATED,
        axum::Json(json!({
            "id": processed.id, "width": processed.width, "height": processed.height,
            "content_type": original.content_type, "bytes": original.bytes.len(), "urls": urls,
        })),
    )
        .into_response()
}

fn multipart_error(e: &axum::extract::multipart::MultipartError, limits: &Limits) -> Response {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return MediaError::TooLarge(limits.max_bytes).into_response();
    }
    error(
        StatusCode::BAD_REQUEST,
        "bad_multipart",
        &format!("cannot read the upload: {e}"),
    )
}

fn content_type_of(file: &str) -> Option<&'static str> {
    let (name, ext) = file.split_once('.')?;
    if !matches!(name, "original" | "medium" | "thumb") {
        return None;
    }
    match ext {
        "png" => Some("image/png"),
        "jpg" => Some("image/jpeg"),
        "webp" => Some("image/webp"),
        "gif" => Some("image/gif"),
        _ => None,
    }
}

async fn download(
    State(media): State<Arc<Media>>,
    UrlPath((id, file)): UrlPath<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let not_found = || error(StatusCode::NOT_FOUND, "not_found", "no such image");
    let valid_id = id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    let Some(content_type) = content_type_of(&file).filter(|_| valid_id) else {
        return not_found();
    };
    let etag = format!("\"{id}-{file}\"");
    let cache = [
        (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
        (
            header::ETAG,
            HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\"")),
        ),
    ];
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    match media.store.get(&format!("images/{id}/{file}")).await {
        Ok(Some(bytes)) => (
            StatusCode::OK,
            cache,
            [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
            bytes,
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Bytes {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        }));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        Bytes::from(out.into_inner())
    }

    #[test]
    fn a_bucket_is_addressed_by_path_or_by_host_name() {
        let endpoint = |s: &str| reqwest::Url::parse(s).unwrap();
        assert_eq!(
            bucket_endpoint(endpoint("http://127.0.0.1:9000/"), "media", true).unwrap(),
            "http://127.0.0.1:9000"
        );
        assert_eq!(
            bucket_endpoint(endpoint("https://minio.example.com"), "media", false).unwrap(),
            "https://media.minio.example.com"
        );
        assert_eq!(
            bucket_endpoint(
                endpoint("https://ceph.example.com:8443/s3/"),
                "media",
                false
            )
            .unwrap(),
            "https://media.ceph.example.com:8443/s3"
        );
        assert!(matches!(
            bucket_endpoint(endpoint("file:///srv/media"), "media", false),
            Err(MediaError::Storage(_))
        ));
    }

    #[test]
    fn an_s3_store_with_a_malformed_endpoint_is_refused() {
        for bad in ["not a url", "minio:9000", "ftp://minio:9000"] {
            let e = Store::s3("media", Some(bad), true).unwrap_err();
            assert!(e.to_string().contains(&format!("endpoint {bad}")), "{e}");
        }
    }

    #[test]
    fn a_photo_gets_a_medium_and_a_thumbnail_that_fit_their_boxes() {
        let p = process(&png(2000, 1000), &Limits::default()).unwrap();
        assert_eq!((p.width, p.height), (2000, 1000));
        let sizes: Vec<_> = p
            .variants
            .iter()
            .map(|v| {
                let img = image::load_from_memory(&v.bytes).unwrap();
                (v.name, img.width(), img.height())
            })
            .collect();
        assert_eq!(
            sizes,
            [
                ("original", 2000, 1000),
                ("medium", 1024, 512),
                ("thumb", 320, 160)
            ]
        );
        assert_eq!(p.variants[1].content_type, "image/jpeg");
    }

    #[test]
    fn the_same_bytes_get_the_same_id() {
        let a = process(&png(10, 10), &Limits::default()).unwrap();
        let b = process(&png(10, 10), &Limits::default()).unwrap();
        assert_eq!(a.id, b.id);
        assert_eq!(a.id.len(), 32);
    }

    #[test]
    fn text_is_not_an_image_and_big_files_are_refused_before_decoding() {
        assert!(matches!(
            process(
                &Bytes::from_static(b"hello, not an image"),
                &Limits::default()
            ),
            Err(MediaError::NotAnImage)
        ));
        let small = Limits {
            max_bytes: 100,
            ..Limits::default()
        };
        assert!(matches!(
            process(&png(64, 64), &small),
            Err(MediaError::TooLarge(100))
        ));
    }

    #[test]
    fn a_header_that_declares_too_many_pixels_is_refused_without_decoding() {
        let strict = Limits {
            max_pixels: 100 * 100,
            ..Limits::default()
        };
        assert!(matches!(
            process(&png(200, 200), &strict),
            Err(MediaError::TooManyPixels {
                width: 200,
                height: 200,
                ..
            })
        ));
    }
}
