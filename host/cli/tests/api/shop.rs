//! Helpers for tests of the shop itself: the repository's own `spin.toml` with the
//! users, catalog and web components, started by the real `edgecart` binary.

use crate::helpers::{TestApp, spawn_app, spawn_app_at, wasm_dir};
use reqwest::Method;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

pub const SERVICE_TOKEN: &str = "test-service-token";
pub const ADMIN_EMAIL: &str = "admin@shop.test";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// The root `spin.toml` pointed at the components built for this test run.
pub fn shop_manifest() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let manifest = std::fs::read_to_string(root.join("spin.toml")).unwrap();
    let wasm = wasm_dir();
    manifest
        .replace(
            "source = \"target/wasm32-wasip2/release/",
            &format!("source = \"{}/", wasm.display()),
        )
        .replace(
            "source = \"storefront/dist\"",
            &format!("source = \"{}\"", storefront_files(&root).display()),
        )
}

/// The storefront's build (`storefront/dist`) when `scripts/storefront.sh` has
/// made it, otherwise its static files (`storefront/public`): the API tests do
/// not need the storefront, and `cargo test` alone must not need npm.
fn storefront_files(root: &Path) -> PathBuf {
    let dist = root.join("storefront/dist");
    let dir = if dist.is_dir() {
        dist
    } else {
        root.join("storefront/public")
    };
    dir.canonicalize().unwrap()
}

const ENV: &[(&str, &str)] = &[
    ("SPIN_VARIABLE_SERVICE_TOKEN", SERVICE_TOKEN),
    ("SPIN_VARIABLE_ADMIN_EMAIL", ADMIN_EMAIL),
    ("SPIN_VARIABLE_ADMIN_PASSWORD", ADMIN_PASSWORD),
];

/// The shop on an empty data directory, without demo data, with a known admin
/// account and service token.
pub async fn spawn_shop() -> TestApp {
    spawn_shop_with(&[], &[]).await
}

/// Like [`spawn_shop`], with extra arguments and environment.
pub async fn spawn_shop_with(args: &[&str], env: &[(&str, &str)]) -> TestApp {
    let mut all_args = vec!["--no-seed"];
    all_args.extend_from_slice(args);
    let mut all_env = ENV.to_vec();
    all_env.extend_from_slice(env);
    spawn_app(&shop_manifest(), &all_args, &all_env).await
}

/// Like [`spawn_shop`], in a directory the caller keeps (its data lives in
/// `<dir>/data`), so a test can restart the shop on it or read its files.
pub async fn spawn_shop_in(dir: &Path, env: &[(&str, &str)]) -> TestApp {
    let mut all_env = ENV.to_vec();
    all_env.extend_from_slice(env);
    spawn_app_at(dir, &shop_manifest(), &["--no-seed"], &all_env).await
}

/// The shop in a directory the caller keeps, with demo seeding left on.
pub async fn spawn_shop_at(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> TestApp {
    spawn_app_at(dir, &shop_manifest(), args, env).await
}

/// A response: status, JSON body (Null when empty or not JSON) and headers.
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The error code of an error body.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

impl TestApp {
    /// Sends a request with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        self.call_with(method, path, token, body, &[]).await
    }

    /// Like [`TestApp::call`], with extra headers.
    pub async fn call_with(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.expect("request is answered");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert!(status < 500, "{path} answered {status}: {text}");
        Answer {
            status,
            body,
            headers,
        }
    }

    /// Signs in; returns the access token and the refresh-token cookie value.
    pub async fn login(&self, email: &str, password: &str) -> (String, String) {
        let a = self
            .call(
                Method::POST,
                "/api/users/login",
                None,
                Some(json!({ "email": email, "password": password })),
            )
            .await;
        assert_eq!(a.status, 200, "login of {email}: {}", a.body);
        let token = a.body["access_token"].as_str().unwrap().to_string();
        (token, refresh_cookie(&a.headers).expect("refresh cookie"))
    }

    /// An access token of the configured admin.
    pub async fn admin_token(&self) -> String {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.0
    }

    /// Registers a customer and returns the access token registration answers.
    pub async fn customer_token(&self, email: &str) -> String {
        let a = self
            .call(
                Method::POST,
                "/api/users/register",
                None,
                Some(json!({ "email": email, "password": "a long enough passphrase" })),
            )
            .await;
        assert_eq!(a.status, 201, "register {email}: {}", a.body);
        a.body["access_token"].as_str().unwrap().to_string()
    }
}

/// The refresh token set by a `Set-Cookie` header.
pub fn refresh_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|c| c.split(';').next())
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "edgecart_refresh")
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}
