use crate::helpers::{TestApp, spawn_app, spawn_app_in, startup_failure};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "capabilities"

[variables]
greeting = { default = "hello" }
audience = { default = "world" }
api_token = { default = "none", secret = true }
upstream_port = { default = "1" }

[[trigger.http]]
route = "/app/..."
component = "app"
[[trigger.http]]
route = "/legacy/..."
component = "legacy"
[[trigger.http]]
route = { private = true }
component = "internal"

[component.app]
source = "{spin_app}"
files = [{ source = "assets", destination = "/assets" }, "docs/*.md"]
allowed_outbound_hosts = ["http://internal.spin.internal", "http://self", "http://127.0.0.1:{{ upstream_port }}"]
[component.app.variables]
message = "{{ greeting }}, {{ audience }}!"
token = "{{ api_token }}"

[component.legacy]
source = "{p2_app}"
variables = { message = "legacy {{ greeting }}" }

[component.internal]
source = "{p2_app}"
"#;

/// A one-shot HTTP server on a free loopback port answering `body`.
async fn upstream(body: &'static str) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(reply.as_bytes()).await;
        }
    });
    port
}

async fn start(env: &[(&str, &str)]) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("assets/nested")).unwrap();
    std::fs::write(
        dir.path().join("assets/nested/hello.txt"),
        "hello from a mount",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    std::fs::write(dir.path().join("docs/guide.md"), "# guide").unwrap();
    std::fs::write(dir.path().join("docs/skip.txt"), "not matched").unwrap();
    spawn_app_in(dir, APP, &[], env).await
}

#[tokio::test]
async fn variables_come_from_defaults_and_the_environment() {
    let app = start(&[("SPIN_VARIABLE_AUDIENCE", "shoppers")]).await;
    assert_eq!(
        app.get("/app/var?name=message").await,
        (200, "hello, shoppers!".to_string())
    );
    let (status, body) = app.get("/app/var?name=greeting").await;
    assert_eq!(
        status, 404,
        "a component sees only the variables it declares: {body}"
    );
    assert!(body.contains("Undefined"), "{body}");
    let (status, body) = app.get("/app/var?name=Bad-Name").await;
    assert_eq!(status, 404);
    assert!(body.contains("InvalidName"), "{body}");
}

#[tokio::test]
async fn the_old_fermyon_variables_interface_still_works() {
    let app = start(&[("SPIN_VARIABLE_GREETING", "hi")]).await;
    assert_eq!(
        app.get("/legacy/x?name=message").await,
        (200, "legacy hi".to_string())
    );
}

#[tokio::test]
async fn secret_values_never_reach_the_log() {
    let app = start(&[
        ("SPIN_VARIABLE_API_TOKEN", "sk_live_supersecret"),
        ("RUST_LOG", "debug"),
    ])
    .await;
    assert_eq!(
        app.get("/app/var?name=token").await,
        (200, "sk_live_supersecret".to_string())
    );
    assert!(
        app.log_contains("resolved secret variable").await,
        "debug logging is on"
    );
    let log = app.stderr();
    assert!(!log.contains("sk_live_supersecret"), "{log}");
}

#[tokio::test]
async fn a_required_variable_without_a_value_stops_startup() {
    let manifest = r#"
spin_manifest_version = 2
[application]
name = "needs-key"
[variables]
stripe_key = { required = true, secret = true }
[[trigger.http]]
route = "/..."
component = "app"
[component.app]
source = "{spin_app}"
variables = { key = "{{ stripe_key }}" }
"#;
    let (status, stderr) = startup_failure(manifest, &[]);
    assert!(!status.success());
    assert!(
        stderr.contains("variable `stripe_key` is required"),
        "{stderr}"
    );
    assert!(stderr.contains("SPIN_VARIABLE_STRIPE_KEY"), "{stderr}");

    let app = spawn_app(manifest, &[], &[("SPIN_VARIABLE_STRIPE_KEY", "sk_test_1")]).await;
    assert_eq!(
        app.get("/var?name=key").await,
        (200, "sk_test_1".to_string())
    );
}

#[tokio::test]
async fn outbound_requests_to_granted_hosts_go_through() {
    let port = upstream("pong").await;
    let app = start(&[("SPIN_VARIABLE_UPSTREAM_PORT", &port.to_string())]).await;
    let (status, body) = app
        .get(&format!("/app/outbound?url=http://127.0.0.1:{port}/ping"))
        .await;
    assert_eq!((status, body.as_str()), (200, "200\npong"));
}

#[tokio::test]
async fn outbound_requests_to_other_hosts_are_denied_quickly() {
    let port = upstream("pong").await;
    let app = start(&[]).await;
    let started = std::time::Instant::now();
    let (status, body) = app
        .get(&format!("/app/outbound?url=http://127.0.0.1:{port}/ping"))
        .await;
    assert_eq!(status, 502);
    assert!(body.contains("HttpRequestDenied"), "{body}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        app.log_contains("outbound request denied").await,
        "{}",
        app.stderr()
    );
}

#[tokio::test]
async fn service_chaining_reaches_a_private_component_in_process() {
    let app = start(&[]).await;
    let (status, body) = app
        .get("/app/outbound?url=http://internal.spin.internal/inventory")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, "200\np2 says hello: path=/inventory route=/...");
    let (status, _) = app.get("/inventory").await;
    assert_eq!(status, 404, "the private component has no public route");
}

#[tokio::test]
async fn http_self_reaches_the_apps_own_public_routes() {
    let app = start(&[]).await;
    let (status, body) = app.get("/app/outbound?url=http://self/legacy/stock").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        "200\np2 says hello: path=/legacy/stock route=/legacy/..."
    );
}

#[tokio::test]
async fn chaining_needs_a_grant_too() {
    let app = start(&[]).await;
    let (status, body) = app
        .get("/app/outbound?url=http://legacy.spin.internal/")
        .await;
    assert_eq!(status, 502);
    assert!(body.contains("HttpRequestDenied"), "{body}");
}

#[tokio::test]
async fn mounted_files_are_readable_and_read_only() {
    let app = start(&[]).await;
    assert_eq!(
        app.get("/app/file?path=/assets/nested/hello.txt").await,
        (200, "hello from a mount".to_string())
    );
    assert_eq!(
        app.get("/app/file?path=/docs/guide.md").await,
        (200, "# guide".to_string())
    );
    assert_eq!(
        app.get("/app/file?path=/docs/skip.txt").await.0,
        404,
        "only matched globs are mounted"
    );
    assert_eq!(
        app.get("/app/file?path=/etc/passwd").await.0,
        404,
        "the host filesystem stays hidden"
    );
    assert_eq!(app.get("/app/write-file").await.0, 403);
}

#[tokio::test]
async fn the_admin_listener_serves_health_and_metrics() {
    let app = start(&[]).await;
    app.get("/app/headers").await;
    app.get("/nowhere").await;
    let admin = format!("http://{}", app.admin);
    let health: serde_json::Value = app
        .client
        .get(format!("{admin}/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let metrics = app
        .client
        .get(format!("{admin}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in [
        r#"edgecart_http_requests_total{component="app",route="/app/...",status="200"} 1"#,
        r#"edgecart_http_requests_total{component="none",route="none",status="404"} 1"#,
        "edgecart_instantiation_duration_seconds_count{component=\"app\"}",
        "edgecart_http_request_duration_seconds_bucket",
    ] {
        assert!(metrics.contains(needle), "missing {needle} in\n{metrics}");
    }
    assert_eq!(
        app.get("/metrics").await.0,
        404,
        "metrics stay off the public listener"
    );
}
