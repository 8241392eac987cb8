//! A spin-sdk 7 component whose routes exercise the runtime: headers, variables,
//! outbound HTTP, service chaining, files, runaway loops and memory, bodies.

mod data;

use spin_sdk::http::body::IncomingBodyExt;
use spin_sdk::http::{EmptyBody, IntoResponse, Request, StatusCode};
use spin_sdk::http_service;

fn query<'a>(req: &'a Request, key: &str) -> Option<&'a str> {
    req.uri()
        .query()?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

fn text(status: StatusCode, body: impl Into<String>) -> (StatusCode, String) {
    (status, body.into())
}

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    let path_info = req
        .headers()
        .get("spin-path-info")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let action = req
        .uri()
        .path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let action = if path_info.is_empty() {
        action
    } else {
        path_info
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let db = query(&req, "db").unwrap_or("default").to_string();
    match action.as_str() {
        "sql-open" => data::open(&db).await,
        "sql-types" => data::types(&db).await,
        "sql-types-sync" => data::types_sync(&db),
        "sql-error" => data::bad_sql(&db).await,
        "sql-edges" => data::edges(&db).await,
        "sql-stream" => {
            data::stream(
                &db,
                query(&req, "n").and_then(|n| n.parse().ok()).unwrap_or(100),
            )
            .await
        }
        "sql-insert" => data::insert(&db, query(&req, "v").unwrap_or_default()).await,
        "sql-update" => data::update(&db).await,
        "sql-returning" => {
            let n = query(&req, "n").and_then(|v| v.parse().ok()).unwrap_or(100);
            let hold_ms = query(&req, "hold_ms")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            data::returning(&db, n, hold_ms).await
        }
        "sql-count" => data::count(&db).await,
        "sql-tx" => data::transaction(&db, query(&req, "end").unwrap_or("commit")).await,
        "kv" => data::key_value(query(&req, "store").unwrap_or("default")).await,
        "var" => {
            let name = query(&req, "name").unwrap_or_default();
            match spin_sdk::variables::get(name).await {
                Ok(v) => text(StatusCode::OK, v),
                Err(e) => text(StatusCode::NOT_FOUND, format!("{e:?}")),
            }
        }
        "outbound" => {
            let url = query(&req, "url")
                .unwrap_or_default()
                .replace("%2F", "/")
                .replace("%3A", ":");
            let request = match spin_sdk::http::Request::get(&url).body(EmptyBody::new()) {
                Ok(r) => r,
                Err(e) => return text(StatusCode::BAD_REQUEST, e.to_string()),
            };
            match spin_sdk::http::send(request).await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let body = resp
                        .into_body()
                        .bytes()
                        .await
                        .map(|b| String::from_utf8_lossy(&b).into_owned());
                    text(
                        StatusCode::OK,
                        format!(
                            "{status}\n{}",
                            body.unwrap_or_else(|e| format!("body error: {e:?}"))
                        ),
                    )
                }
                Err(e) => text(StatusCode::BAD_GATEWAY, format!("denied or failed: {e:?}")),
            }
        }
        "file" => {
            let path = query(&req, "path").unwrap_or("/").replace("%2F", "/");
            match std::fs::read_to_string(&path) {
                Ok(s) => text(StatusCode::OK, s),
                Err(e) => text(StatusCode::NOT_FOUND, e.to_string()),
            }
        }
        "write-file" => match std::fs::write("/data.txt", b"x") {
            Ok(()) => text(StatusCode::OK, "written"),
            Err(e) => text(StatusCode::FORBIDDEN, e.to_string()),
        },
        "loop" => {
            let mut n: u64 = 0;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        }
        "bomb" => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1u8; 1 << 20]);
                std::hint::black_box(&hoard);
            }
        }
        "sleep" => {
            let ms: u64 = query(&req, "ms")
                .and_then(|m| m.parse().ok())
                .unwrap_or(100);
            spin_sdk::wasip3::clocks::monotonic_clock::wait_for(ms * 1_000_000).await;
            text(StatusCode::OK, format!("slept {ms} ms"))
        }
        "echo" => match req.into_body().bytes().await {
            Ok(b) => text(StatusCode::OK, format!("{} bytes", b.len())),
            Err(e) => text(StatusCode::BAD_REQUEST, format!("{e:?}")),
        },
        _ => {
            let mut headers = serde_json::Map::new();
            for (k, v) in req.headers() {
                if k.as_str().starts_with("spin-") {
                    headers.insert(
                        k.as_str().to_string(),
                        v.to_str().unwrap_or_default().into(),
                    );
                }
            }
            headers.insert("uri".into(), req.uri().to_string().into());
            text(
                StatusCode::OK,
                serde_json::Value::Object(headers).to_string(),
            )
        }
    }
}
