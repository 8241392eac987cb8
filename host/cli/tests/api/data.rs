use crate::helpers::{NO_SQLD, Sqld, TestApp, spawn_app, spawn_app_at, sqld};
use std::time::Duration;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "data"
[[trigger.http]]
route = "/app/..."
component = "app"
[[trigger.http]]
route = "/legacy/..."
component = "legacy"
[component.app]
source = "{spin_app}"
sqlite_databases = ["default", "orders"]
key_value_stores = ["default", "sessions"]
[component.legacy]
source = "{p2_app}"
sqlite_databases = ["legacy", "users"]
key_value_stores = ["legacy"]
"#;

async fn start(args: &[&str]) -> TestApp {
    spawn_app(APP, args, &[]).await
}

#[tokio::test]
async fn every_value_type_round_trips_through_the_async_interface() {
    let app = start(&[]).await;
    let (status, body) = app.get("/app/sql-types?db=orders").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        "integer:-9007199254740993,real:1.5,text:héllo ✓,blob:0001ff,null\nrowid=1 changes=1"
    );
}

#[tokio::test]
async fn the_synchronous_functions_work_too() {
    let app = start(&[]).await;
    let (status, body) = app.get("/app/sql-types-sync?db=default").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, "text:sync,real:-0.25 columns=s|r\nrowid=1 changes=1");
}

#[tokio::test]
async fn the_old_fermyon_sqlite_and_key_value_interfaces_work() {
    let app = start(&[]).await;
    let (status, body) = app.get("/legacy/legacy-sql?db=legacy").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        "i,r,s,b,n | Value::Integer(7),Value::Real(2.5),Value::Text(\"old\"),Value::Blob([9, 8]),Value::Null"
    );
    let (status, body) = app.get("/legacy/legacy-kv?store=legacy").await;
    assert_eq!((status, body.as_str()), (200, "k1=v1 exists=true keys=k1"));
}

#[tokio::test]
async fn ten_thousand_rows_stream_through_execute_async() {
    let app = start(&["--memory-limit", "16MiB"]).await;
    let (status, body) = app.get("/app/sql-stream?db=orders&n=10000").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, "rows=10000 sum=50005000 bytes=5000000");
}

#[tokio::test]
async fn grants_and_labels_map_to_spin_errors() {
    let app = start(&[]).await;
    assert_eq!(
        app.get("/app/sql-open?db=orders").await,
        (200, "opened".to_string())
    );
    let (status, body) = app.get("/app/sql-open?db=users").await;
    assert_eq!((status, body.as_str()), (403, "Error::AccessDenied"));
    let (status, body) = app.get("/app/sql-open?db=nowhere").await;
    assert_eq!((status, body.as_str()), (403, "Error::NoSuchDatabase"));
    let (status, body) = app.get("/app/sql-error?db=orders").await;
    assert_eq!(status, 400);
    assert!(
        body.starts_with("Error::Io(\"near \\\"SELEC\\\": syntax error"),
        "SQLite's own message, as Spin passes it on: {body}"
    );
    let (status, body) = app.get("/app/kv?store=legacy").await;
    assert_eq!((status, body.as_str()), (403, "Error::AccessDenied"));
    let (status, body) = app.get("/app/kv?store=nope").await;
    assert_eq!((status, body.as_str()), (403, "Error::NoSuchStore"));
}

#[tokio::test]
async fn text_a_guest_cannot_take_whole_is_an_error_not_a_crash() {
    let app = start(&[]).await;
    let (status, body) = app.get("/app/sql-edges?db=orders").await;
    assert_eq!(status, 200, "{body}");
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines,
        [
            "Error::Io(\"column `broken` holds text that is not valid UTF-8: read it as a blob, with CAST(broken AS BLOB)\")",
            "Error::Io(\"parameter 1 is text with a NUL character, which would be read back cut short: pass it as a blob\")",
            "after=42",
        ]
    );
    let log = format!("{}{}", app.stdout(), app.stderr());
    assert!(!log.contains("panicked"), "{log}");
}

#[tokio::test]
async fn key_value_round_trips_and_lists_keys() {
    let app = start(&[]).await;
    let (status, body) = app.get("/app/kv?store=sessions").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        "apple=green banana_existed=true banana=None cherry=false keys=apple"
    );
}

/// Asks `sql-count` on `orders` until it answers `expected` (at most `tries`
/// times, `pause` apart); returns the last answer.
async fn count_until(app: &TestApp, expected: &str, tries: u32, pause: Duration) -> String {
    let mut count = String::new();
    for _ in 0..tries {
        count = app.get("/app/sql-count?db=orders").await.1;
        if count == expected {
            break;
        }
        tokio::time::sleep(pause).await;
    }
    count
}

/// Inserts `n` rows into `orders` at once, each by its own request (values
/// `<prefix><i>`), and returns the rowids they answered. Every request must
/// succeed, and none may surface a locked database.
async fn concurrent_inserts(
    app: &TestApp,
    n: usize,
    prefix: &str,
) -> std::collections::HashSet<String> {
    let tasks: Vec<_> = (0..n)
        .map(|i| app.spawn_get(&format!("/app/sql-insert?db=orders&v={prefix}{i}")))
        .collect();
    let mut rowids = std::collections::HashSet::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert_eq!(status, 200, "{body}");
        assert!(!body.contains("locked"), "{body}");
        rowids.insert(body);
    }
    rowids
}

#[tokio::test]
async fn two_hundred_concurrent_writers_lose_nothing() {
    let app = start(&[]).await;
    assert_eq!(app.get("/app/sql-insert?db=orders&v=warmup").await.0, 200);
    let rowids = concurrent_inserts(&app, 200, "w").await;
    // Each writer's last-insert-rowid is its own row's, never a neighbour's.
    assert_eq!(rowids.len(), 200);
    assert_eq!(
        app.get("/app/sql-count?db=orders").await,
        (200, "201 201".to_string())
    );
}

#[tokio::test]
async fn last_insert_rowid_is_the_requests_own() {
    let app = start(&[]).await;
    for (v, rowid) in [("a", "1"), ("b", "2"), ("c", "3")] {
        let url = format!("/app/sql-insert?db=orders&v={v}");
        assert_eq!(app.get(&url).await, (200, rowid.to_string()));
    }
    // The next request runs on the pooled connection the inserts used (the
    // pool hands out the one put back last), changes a row and inserts none:
    // 0, as on the new connection Spin opens, not the earlier request's 3.
    assert_eq!(
        app.get("/app/sql-update?db=orders").await,
        (200, "rowid=0 changes=1".to_string())
    );
    assert_eq!(
        app.get("/app/sql-insert?db=orders&v=d").await,
        (200, "4".to_string())
    );
}

#[tokio::test]
async fn a_streamed_write_gives_up_its_turn_when_its_rows_are_read() {
    let app = start(&[]).await;
    assert_eq!(app.get("/app/sql-insert?db=orders&v=first").await.0, 200);
    // A write whose 100 rows stream back, read to the end; then its
    // connection stays open, idle, for 3 s.
    let holder = app.spawn_get("/app/sql-returning?db=orders&n=100&hold_ms=3000");
    // Its rows are committed once its statement is done.
    assert_eq!(
        count_until(&app, "101 2", 100, Duration::from_millis(20)).await,
        "101 2",
        "the first row and the hundred returned"
    );
    // Another writer goes at once instead of waiting for the idle connection.
    let started = std::time::Instant::now();
    assert_eq!(app.get("/app/sql-insert?db=orders&v=next").await.0, 200);
    assert!(
        started.elapsed() < Duration::from_secs(1) && !holder.is_finished(),
        "the insert waited {:?} for the streamed write's connection",
        started.elapsed()
    );
    assert_eq!(holder.await.unwrap(), (200, "returned=100".to_string()));
}

#[tokio::test]
async fn a_transaction_keeps_its_connection_until_it_ends() {
    let app = start(&[]).await;
    let (status, body) = app.get("/app/sql-tx?db=orders&end=commit").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, "inside=2 outside=0 after=2 rowid_is_last=true");
    for end in ["rollback", "abandon"] {
        let (status, body) = app.get(&format!("/app/sql-tx?db=orders&end={end}")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body, "inside=2 outside=0 after=0 rowid_is_last=true",
            "{end}"
        );
    }
    assert_eq!(app.get("/app/sql-insert?db=orders&v=next").await.0, 200);
    assert_eq!(
        app.get("/app/sql-count?db=orders").await,
        (200, "3 3".to_string()),
        "the committed two and the next insert, none of the abandoned"
    );
}

#[tokio::test]
async fn data_survives_kill_9_and_acknowledged_writes_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_at(dir.path(), APP, &[], &[]).await;
    assert_eq!(app.get("/app/sql-insert?db=orders&v=first").await.0, 200);
    let burst: Vec<_> = (0..300)
        .map(|i| {
            let client = app.client.clone();
            let url = app.url(&format!("/app/sql-insert?db=orders&v=k{i}"));
            tokio::spawn(async move {
                match client.get(url).send().await {
                    Ok(r) if r.status() == 200 => r.text().await.is_ok(),
                    _ => false,
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(150)).await;
    crate::helpers::signal(app.pid(), "KILL");
    let mut acknowledged = 1;
    for t in burst {
        if t.await.unwrap() {
            acknowledged += 1;
        }
    }
    drop(app);
    let app = spawn_app_at(dir.path(), APP, &[], &[]).await;
    let (status, body) = app.get("/app/sql-count?db=orders").await;
    assert_eq!(status, 200, "{body}");
    let stored: i64 = body.split(' ').next().unwrap().parse().unwrap();
    assert!(
        stored >= acknowledged,
        "{stored} rows stored, {acknowledged} acknowledged"
    );
}

#[tokio::test]
async fn sqlite_flag_runs_statements_and_files_before_serving() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("seed.sql");
    std::fs::write(
        &file,
        "CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT NOT NULL); INSERT INTO items (v) VALUES ('a'), ('b');",
    )
    .unwrap();
    let seed = format!("orders:@{}", file.display());
    let app = start(&[
        "--sqlite",
        &seed,
        "--sqlite",
        "orders:INSERT INTO items (v) VALUES ('c')",
    ])
    .await;
    assert_eq!(
        app.get("/app/sql-count?db=orders").await,
        (200, "3 3".to_string())
    );
}

#[tokio::test]
async fn a_configured_local_path_is_used_and_bad_sections_stop_startup() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("runtime-config.toml");
    std::fs::write(
        &config,
        "[sqlite_database.orders]\ntype = \"spin\"\npath = \"custom/orders.db\"\n",
    )
    .unwrap();
    let config_arg = config.display().to_string();
    let app = start(&["--runtime-config-file", &config_arg]).await;
    assert_eq!(app.get("/app/sql-insert?db=orders&v=x").await.0, 200);
    assert!(dir.path().join("custom/orders.db").is_file());

    std::fs::write(
        &config,
        "[sqlite_database.orders]\ntype = \"postgres\"\n[key_value_store.x]\nurl = 1\n",
    )
    .unwrap();
    let manifest = dir.path().join("spin.toml");
    std::fs::write(&manifest, crate::helpers::render(APP)).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_edgecart"))
        .args([
            "up",
            "--listen",
            "127.0.0.1:0",
            "--runtime-config-file",
            &config_arg,
            "--from",
        ])
        .arg(&manifest)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("type `postgres` is not supported"),
        "{stderr}"
    );
    assert!(
        stderr.contains("[key_value_store.x] `type` is missing"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A runtime-config file in `dir` putting the `orders` database and the
/// `sessions` store on `server`, through an embedded replica if `replica`
/// (synced every 0.2 s).
fn config(server: &Sqld, dir: &std::path::Path, replica: bool) -> std::path::PathBuf {
    let mut toml = String::new();
    for (section, label) in [
        ("sqlite_database", "orders"),
        ("key_value_store", "sessions"),
    ] {
        toml += &format!(
            "[{section}.{label}]\ntype = \"libsql\"\nurl = \"{}\"\n",
            server.url
        );
        if replica {
            toml += &format!("replica_path = \"replica/{label}.db\"\nsync_interval = 0.2\n");
        }
    }
    let path = dir.join(if replica {
        "replica.toml"
    } else {
        "remote.toml"
    });
    std::fs::write(&path, toml).unwrap();
    path
}

#[tokio::test]
async fn the_sqlite_and_key_value_interfaces_behave_the_same_on_a_remote_server_and_a_replica() {
    let Some(bin) = sqld() else {
        eprintln!("{NO_SQLD}");
        return;
    };
    for replica in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let server = Sqld::start(&bin, dir.path()).await;
        let config = config(&server, dir.path(), replica);
        let app = start(&["--runtime-config-file", config.to_str().unwrap()]).await;
        let mode = if replica { "replica" } else { "remote" };
        // The write and the read-back share one request: read-your-writes.
        let (status, body) = app.get("/app/sql-types?db=orders").await;
        assert_eq!(
            (status, body.as_str()),
            (
                200,
                "integer:-9007199254740993,real:1.5,text:héllo ✓,blob:0001ff,null\nrowid=1 changes=1"
            ),
            "{mode}"
        );
        let (status, body) = app.get("/app/sql-types-sync?db=orders").await;
        assert_eq!(
            (status, body.as_str()),
            (200, "text:sync,real:-0.25 columns=s|r\nrowid=1 changes=1"),
            "{mode}"
        );
        let (status, body) = app.get("/app/sql-stream?db=orders&n=10000").await;
        assert_eq!(
            (status, body.as_str()),
            (200, "rows=10000 sum=50005000 bytes=5000000"),
            "{mode}"
        );
        let (status, body) = app.get("/app/sql-error?db=orders").await;
        assert_eq!(status, 400, "{mode}");
        assert!(body.starts_with("Error::Io("), "{mode}: {body}");
        let (status, body) = app.get("/app/kv?store=sessions").await;
        assert_eq!(
            (status, body.as_str()),
            (
                200,
                "apple=green banana_existed=true banana=None cherry=false keys=apple"
            ),
            "{mode}"
        );
        // An abandoned transaction's connection is closed, not pooled: the
        // libSQL client still says autocommit after a `BEGIN` over HTTP, and
        // a later borrower's writes would join the transaction left open on
        // the server, never to be committed.
        for (end, after) in [("commit", 2), ("rollback", 0), ("abandon", 0)] {
            let (status, body) = app.get(&format!("/app/sql-tx?db=orders&end={end}")).await;
            assert_eq!(
                (status, body),
                (
                    200,
                    format!("inside=2 outside=0 after={after} rowid_is_last=true")
                ),
                "{mode}"
            );
        }
        // A connection that wrote is not pooled, so the server's connection
        // behind it does not report its last insert to the next request.
        assert_eq!(app.get("/app/sql-insert?db=orders&v=r").await.0, 200);
        assert_eq!(
            app.get("/app/sql-update?db=orders").await,
            (200, "rowid=0 changes=1".to_string()),
            "{mode}"
        );
        let rowids = concurrent_inserts(&app, 200, "c").await;
        assert_eq!(rowids.len(), 200, "{mode}: one rowid per writer");
        assert_eq!(
            count_until(&app, "203 203", 50, Duration::from_millis(100)).await,
            "203 203",
            "{mode}: the committed two, the one updated and the two hundred, none of the abandoned"
        );
        if !replica {
            // The server closes a stream idle for 10 s, pooled connections' too.
            tokio::time::sleep(Duration::from_secs(12)).await;
            assert_eq!(
                app.get("/app/sql-count?db=orders").await,
                (200, "203 203".to_string()),
                "{mode}: a pooled connection idle for longer than the server keeps its stream"
            );
        }
    }
}

#[tokio::test]
async fn writes_through_a_remote_primary_are_read_from_an_embedded_replica() {
    let Some(bin) = sqld() else {
        eprintln!("{NO_SQLD}");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Sqld::start(&bin, dir.path()).await;
    let writer = start(&[
        "--runtime-config-file",
        config(&server, dir.path(), false).to_str().unwrap(),
    ])
    .await;
    let reader = start(&[
        "--runtime-config-file",
        config(&server, dir.path(), true).to_str().unwrap(),
    ])
    .await;
    for i in 0..5 {
        let (status, body) = writer
            .get(&format!("/app/sql-insert?db=orders&v=r{i}"))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(
        count_until(&reader, "5 5", 50, Duration::from_millis(200)).await,
        "5 5",
        "the replica caught up with the primary"
    );
}
