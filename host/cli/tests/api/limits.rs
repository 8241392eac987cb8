use crate::helpers::{spawn_app, startup_failure};
use std::time::{Duration, Instant};

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "limits"
[[trigger.http]]
route = "/..."
component = "app"
[component.app]
source = "{spin_app}"
"#;

#[tokio::test]
async fn an_infinite_loop_is_stopped_by_the_deadline_while_other_requests_succeed() {
    let app = spawn_app(APP, &["--request-timeout", "1s"], &[]).await;
    let looping = {
        let client = app.client.clone();
        let url = app.url("/loop");
        tokio::spawn(async move {
            let started = Instant::now();
            let r = client.get(url).send().await.unwrap();
            (
                r.status().as_u16(),
                r.text().await.unwrap(),
                started.elapsed(),
            )
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    for _ in 0..5 {
        let (status, body) = app.get("/sleep?ms=10").await;
        assert_eq!((status, body.as_str()), (200, "slept 10 ms"));
    }
    let (status, body, elapsed) = looping.await.unwrap();
    assert_eq!(status, 500, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"]["code"], "timeout");
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(10),
        "{elapsed:?}"
    );
    assert_eq!(
        app.get("/sleep?ms=1").await.0,
        200,
        "the server is still healthy"
    );
}

#[tokio::test]
async fn a_spinning_guest_does_not_hold_up_others_on_a_single_worker_thread() {
    let app = spawn_app(
        APP,
        &["--request-timeout", "2s", "--worker-threads", "1"],
        &[],
    )
    .await;
    let looping = {
        let client = app.client.clone();
        let url = app.url("/loop");
        tokio::spawn(async move { client.get(url).send().await.unwrap().status().as_u16() })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    for _ in 0..5 {
        let started = Instant::now();
        let (status, body) = app.get("/sleep?ms=10").await;
        assert_eq!((status, body.as_str()), (200, "slept 10 ms"));
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "answered while the loop still runs, not after its deadline: {:?}",
            started.elapsed()
        );
    }
    assert_eq!(looping.await.unwrap(), 500);
}

#[test]
fn zero_worker_threads_is_refused_at_startup() {
    let (status, stderr) = startup_failure(APP, &[("EDGECART_WORKER_THREADS", "0")]);
    assert!(!status.success());
    assert!(stderr.contains("--worker-threads"), "{stderr}");
}

#[tokio::test]
async fn a_memory_bomb_is_stopped_by_the_memory_limit() {
    let app = spawn_app(APP, &["--memory-limit", "32MiB"], &[]).await;
    let r = app.client.get(app.url("/bomb")).send().await.unwrap();
    assert_eq!(r.status(), 500);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "out_of_memory");
    assert_eq!(app.get("/echo").await, (200, "0 bytes".to_string()));
}

#[tokio::test]
async fn a_body_over_the_limit_is_rejected_with_413() {
    let app = spawn_app(APP, &["--max-body-size", "1KiB"], &[]).await;
    let small = app
        .client
        .post(app.url("/echo"))
        .body(vec![7u8; 1000])
        .send()
        .await
        .unwrap();
    assert_eq!(small.text().await.unwrap(), "1000 bytes");

    let big = app
        .client
        .post(app.url("/echo"))
        .body(vec![7u8; 4096])
        .send()
        .await
        .unwrap();
    assert_eq!(big.status(), 413);
    let body: serde_json::Value = big.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");

    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..8).map(|_| Ok(vec![1u8; 512])).collect();
    let streamed = app
        .client
        .post(app.url("/echo"))
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(
        streamed.status(),
        413,
        "a chunked body without content-length is counted too"
    );
}

#[tokio::test]
async fn requests_over_the_concurrency_limit_get_503() {
    let app = spawn_app(APP, &["--max-concurrent-requests", "1"], &[]).await;
    let slow = {
        let client = app.client.clone();
        let url = app.url("/sleep?ms=1500");
        tokio::spawn(async move { client.get(url).send().await.unwrap().status().as_u16() })
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    let r = app.client.get(app.url("/headers")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "1");
    assert_eq!(slow.await.unwrap(), 200);
    assert_eq!(app.get("/headers").await.0, 200);
}

#[tokio::test]
async fn client_requests_wait_for_a_components_turn_and_chained_ones_never_do() {
    let manifest = format!("{APP}allowed_outbound_hosts = [\"http://app.spin.internal\"]\n");
    let app = spawn_app(&manifest, &["--max-component-requests", "1"], &[]).await;

    // The chained request runs while its caller holds the only turn.
    let (status, body) = app.get("/outbound?url=http://app.spin.internal/echo").await;
    assert_eq!((status, body.as_str()), (200, "200\n0 bytes"));

    let slow = {
        let client = app.client.clone();
        let url = app.url("/sleep?ms=800");
        tokio::spawn(async move { client.get(url).send().await.unwrap().status().as_u16() })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let (status, body) = app.get("/echo").await;
    assert_eq!(
        (status, body.as_str()),
        (200, "0 bytes"),
        "it waits, not fails"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "it waited for the sleeping request's turn: {:?}",
        started.elapsed()
    );
    assert_eq!(slow.await.unwrap(), 200);
}

#[tokio::test]
async fn sigterm_lets_an_in_flight_request_finish_then_exits_zero() {
    let app = spawn_app(APP, &[], &[]).await;
    let in_flight = app.spawn_get("/sleep?ms=1500");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let addr = app.addr;
    let status = tokio::task::spawn_blocking(move || app.terminate())
        .await
        .unwrap();
    assert_eq!(in_flight.await.unwrap(), (200, "slept 1500 ms".to_string()));
    assert_eq!(status.code(), Some(0));
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "the listener is closed"
    );
}

const LANES: &str = r#"
spin_manifest_version = 2
[application]
name = "lanes"
[[trigger.http]]
route = "/bg/..."
component = "hasher"
[[trigger.http]]
route = "/..."
component = "app"
[component.app]
source = "{spin_app}"
[component.hasher]
source = "{spin_app}"
[component.hasher.tool.edgecart]
priority = "background"
"#;

/// Linux's scheduling policies, as `/proc/<pid>/task/<tid>/stat` shows them.
#[cfg(target_os = "linux")]
const SCHED_OTHER: u32 = 0;
#[cfg(target_os = "linux")]
const SCHED_IDLE: u32 = 5;

/// `(name, CPU ticks in user mode, nice, scheduling policy)` of each thread of `pid`.
#[cfg(target_os = "linux")]
fn threads(pid: u32) -> Vec<(String, u64, i64, u32)> {
    let mut out = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).unwrap() {
        let Ok(stat) = std::fs::read_to_string(task.unwrap().path().join("stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        // After the name: state is field 3, utime field 14, nice field 19,
        // policy field 41.
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        out.push((
            stat[open + 1..close].to_string(),
            fields[11].parse().unwrap(),
            fields[16].parse().unwrap(),
            fields[38].parse().unwrap(),
        ));
    }
    out
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_background_component_computes_on_lower_priority_threads() {
    let app = spawn_app(LANES, &["--request-timeout", "1s"], &[]).await;
    let looping = {
        let client = app.client.clone();
        let url = app.url("/bg/loop");
        tokio::spawn(async move { client.get(url).send().await.unwrap().status().as_u16() })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    for _ in 0..5 {
        let (status, body) = app.get("/sleep?ms=10").await;
        assert_eq!((status, body.as_str()), (200, "slept 10 ms"));
    }
    assert_eq!(
        looping.await.unwrap(),
        500,
        "the deadline holds in the lane"
    );

    let all = threads(app.pid());
    let own_nice = all.iter().find(|t| t.0 == "edgecart").map_or(0, |t| t.2);
    let lane: Vec<_> = all.iter().filter(|t| t.0 == "edgecart-bg").collect();
    assert!(!lane.is_empty(), "no background threads in {all:?}");
    assert!(
        lane.iter().all(|t| t.3 == SCHED_IDLE),
        "background threads run under SCHED_IDLE: {all:?}"
    );
    // The loop ran for about a second of CPU, on a background thread.
    let lane_ticks: u64 = lane.iter().map(|t| t.1).sum();
    assert!(
        lane_ticks >= 20,
        "the loop did not run in the lane: {all:?}"
    );
    assert!(
        all.iter()
            .filter(|t| t.0 != "edgecart-bg")
            .all(|t| t.2 == own_nice && t.3 == SCHED_OTHER),
        "other threads keep the process's policy and priority: {all:?}"
    );
    assert_eq!(app.get("/bg/echo").await, (200, "0 bytes".to_string()));
}
