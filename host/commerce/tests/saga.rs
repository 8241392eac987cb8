//! The saga engine over a real libSQL file, with steps that call an idempotent
//! in-process service (a ledger that applies each key's effect once, as a payment
//! gateway or a reservation service does), including a crash between a step's
//! effect and its record.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed setup step fails the test"
)]

use edgecart_commerce::saga::{Engine, Outcome, Policy, Step, StepCtx, StepError, StepFuture};
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// An idempotent service: a key's effect applies once; undo removes it.
#[derive(Default)]
struct Ledger {
    /// Effects in force, by forward key.
    active: Mutex<Vec<String>>,
    /// How many times each key's effect was actually applied.
    applied: Mutex<HashMap<String, u32>>,
    /// Calls in order (`run:<key>` / `undo:<key>`).
    calls: Mutex<Vec<String>>,
}

impl Ledger {
    fn apply(&self, key: &str) {
        self.calls.lock().unwrap().push(format!("run:{key}"));
        let mut active = self.active.lock().unwrap();
        if !active.iter().any(|k| k == key) {
            active.push(key.to_string());
            *self
                .applied
                .lock()
                .unwrap()
                .entry(key.to_string())
                .or_default() += 1;
        }
    }

    fn undo(&self, forward_key: &str) {
        self.calls
            .lock()
            .unwrap()
            .push(format!("undo:{forward_key}"));
        self.active.lock().unwrap().retain(|k| k != forward_key);
    }

    fn active(&self) -> Vec<String> {
        self.active.lock().unwrap().clone()
    }
}

#[derive(Clone, Copy)]
enum Act {
    Ok,
    Retryable,
    Fatal,
    /// The effect happens, then the process "dies" before the step is recorded.
    Hang,
}

struct TestStep {
    name: &'static str,
    ledger: Arc<Ledger>,
    script: Mutex<VecDeque<Act>>,
    undo_fails: bool,
}

impl TestStep {
    fn boxed(name: &'static str, ledger: &Arc<Ledger>, script: &[Act]) -> Arc<dyn Step> {
        Arc::new(TestStep {
            name,
            ledger: Arc::clone(ledger),
            script: Mutex::new(script.iter().copied().collect()),
            undo_fails: false,
        })
    }
}

impl Step for TestStep {
    fn name(&self) -> &'static str {
        self.name
    }

    fn run<'a>(&'a self, ctx: &'a StepCtx) -> StepFuture<'a, Value> {
        Box::pin(async move {
            let act = self.script.lock().unwrap().pop_front().unwrap_or(Act::Ok);
            match act {
                Act::Ok => {
                    self.ledger.apply(&ctx.key);
                    Ok(json!({ "key": ctx.key, "seen": ctx.outputs.len() }))
                }
                Act::Retryable => Err(StepError::Retryable("timed out".into())),
                Act::Fatal => Err(StepError::Fatal("declined".into())),
                Act::Hang => {
                    self.ledger.apply(&ctx.key);
                    std::future::pending::<()>().await;
                    unreachable!()
                }
            }
        })
    }

    fn compensate<'a>(&'a self, ctx: &'a StepCtx) -> StepFuture<'a, ()> {
        Box::pin(async move {
            if self.undo_fails {
                return Err(StepError::Fatal("refund refused".into()));
            }
            self.ledger.undo(ctx.key.trim_end_matches(":undo"));
            Ok(())
        })
    }
}

fn policy() -> Policy {
    Policy {
        max_attempts: 3,
        first_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
    }
}

/// How soon a test engine's leases free up after it is dropped.
const LIVENESS: Duration = Duration::from_millis(600);

async fn engine(path: &std::path::Path, steps: Vec<Arc<dyn Step>>) -> Engine {
    Engine::open(path, steps, policy()).await.unwrap()
}

/// Starts saga `id` on `e` and returns once its step `key` is running (hung).
async fn run_until(
    e: &Arc<Engine>,
    id: &str,
    key: &str,
    ledger: &Ledger,
) -> tokio::task::JoinHandle<Result<Outcome, String>> {
    e.start(id, &json!({})).await.unwrap();
    let running = {
        let e = Arc::clone(e);
        let id = id.to_string();
        tokio::spawn(async move { e.run(&id).await })
    };
    while !ledger.active().contains(&key.to_string()) {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    running
}

#[tokio::test]
async fn every_step_runs_once_in_order_and_sees_earlier_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Arc::new(Ledger::default());
    let steps = vec![
        TestStep::boxed("reserve", &ledger, &[]),
        TestStep::boxed("pay", &ledger, &[]),
        TestStep::boxed("commit", &ledger, &[]),
    ];
    let e = engine(&dir.path().join("saga.db"), steps).await;
    e.start("order-1", &json!({ "order": 1 })).await.unwrap();
    e.start("order-1", &json!({ "order": 1 })).await.unwrap();
    assert_eq!(e.run("order-1").await.unwrap(), Outcome::Completed);
    assert_eq!(
        ledger.active(),
        ["order-1:reserve", "order-1:pay", "order-1:commit"]
    );
    assert_eq!(e.unfinished().await.unwrap(), Vec::<String>::new());
    assert_eq!(
        e.run("order-1").await.unwrap(),
        Outcome::Completed,
        "running a finished saga changes nothing"
    );
    assert_eq!(ledger.calls.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn a_fatal_failure_undoes_the_completed_steps_in_reverse() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Arc::new(Ledger::default());
    let steps = vec![
        TestStep::boxed("reserve", &ledger, &[]),
        TestStep::boxed("hold", &ledger, &[]),
        TestStep::boxed("pay", &ledger, &[Act::Fatal]),
        TestStep::boxed("commit", &ledger, &[]),
    ];
    let e = engine(&dir.path().join("saga.db"), steps).await;
    e.start("o", &json!({})).await.unwrap();
    assert_eq!(
        e.run("o").await.unwrap(),
        Outcome::Failed("pay: declined".into())
    );
    assert!(ledger.active().is_empty());
    let calls = ledger.calls.lock().unwrap().clone();
    assert_eq!(
        calls,
        [
            "run:o:reserve",
            "run:o:hold",
            "undo:o:hold",
            "undo:o:reserve"
        ]
    );
}

#[tokio::test]
async fn transient_failures_are_retried_then_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Arc::new(Ledger::default());
    let steps = vec![TestStep::boxed(
        "pay",
        &ledger,
        &[Act::Retryable, Act::Retryable],
    )];
    let e = engine(&dir.path().join("saga.db"), steps).await;
    e.start("o", &json!({})).await.unwrap();
    assert_eq!(e.run("o").await.unwrap(), Outcome::Completed);
    assert_eq!(ledger.applied.lock().unwrap()["o:pay"], 1);
}

#[tokio::test]
async fn when_retries_run_out_the_uncertain_step_is_undone_too() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Arc::new(Ledger::default());
    let steps = vec![
        TestStep::boxed("reserve", &ledger, &[]),
        TestStep::boxed(
            "pay",
            &ledger,
            &[Act::Retryable, Act::Retryable, Act::Retryable],
        ),
    ];
    let e = engine(&dir.path().join("saga.db"), steps).await;
    e.start("o", &json!({})).await.unwrap();
    let outcome = e.run("o").await.unwrap();
    assert_eq!(
        outcome,
        Outcome::Failed("pay kept failing: timed out".into())
    );
    let calls = ledger.calls.lock().unwrap().clone();
    assert_eq!(calls, ["run:o:reserve", "undo:o:pay", "undo:o:reserve"]);
}

#[tokio::test]
async fn a_failed_compensation_leaves_the_saga_stuck_for_an_operator() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Arc::new(Ledger::default());
    let steps: Vec<Arc<dyn Step>> = vec![
        Arc::new(TestStep {
            name: "pay",
            ledger: Arc::clone(&ledger),
            script: Mutex::new(VecDeque::new()),
            undo_fails: true,
        }),
        TestStep::boxed("ship", &ledger, &[Act::Fatal]),
    ];
    let e = engine(&dir.path().join("saga.db"), steps).await;
    e.start("o", &json!({})).await.unwrap();
    assert_eq!(
        e.run("o").await.unwrap(),
        Outcome::Stuck("undoing pay failed: refund refused".into())
    );
    assert_eq!(e.unfinished().await.unwrap(), Vec::<String>::new());
}

#[tokio::test]
async fn a_crash_between_an_effect_and_its_record_resumes_without_repeating_the_effect() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saga.db");
    let ledger = Arc::new(Ledger::default());
    for (crash_at, saga) in [(0, "a"), (1, "b"), (2, "c")] {
        let mut scripts = vec![vec![], vec![], vec![]];
        scripts[crash_at] = vec![Act::Hang];
        let steps: Vec<Arc<dyn Step>> = ["reserve", "pay", "commit"]
            .iter()
            .zip(&scripts)
            .map(|(n, s)| TestStep::boxed(n, &ledger, s))
            .collect();
        let e = Arc::new(engine(&path, steps).await.owned_by("crashed", LIVENESS));
        let hung_key = format!("{saga}:{}", ["reserve", "pay", "commit"][crash_at]);
        let running = run_until(&e, saga, &hung_key, &ledger).await;
        running.abort();
        let _ = running.await;
        drop(e);
    }
    let steps = vec![
        TestStep::boxed("reserve", &ledger, &[]),
        TestStep::boxed("pay", &ledger, &[]),
        TestStep::boxed("commit", &ledger, &[]),
    ];
    let restarted = engine(&path, steps).await.owned_by("restarted", LIVENESS);
    assert_eq!(
        restarted.unfinished().await.unwrap(),
        Vec::<String>::new(),
        "the crashed process's leases hold until its heartbeat is old"
    );
    tokio::time::sleep(LIVENESS * 2).await;
    let mut resumed = restarted.resume_all().await.unwrap();
    resumed.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        resumed,
        [
            ("a".to_string(), Outcome::Completed),
            ("b".to_string(), Outcome::Completed),
            ("c".to_string(), Outcome::Completed)
        ]
    );
    let applied = ledger.applied.lock().unwrap().clone();
    assert_eq!(applied.len(), 9);
    assert!(
        applied.values().all(|n| *n == 1),
        "every effect applied exactly once: {applied:?}"
    );
}

#[tokio::test]
async fn a_saga_runs_on_one_host_at_a_time_and_another_takes_it_over_once_its_host_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saga.db");
    let ledger = Arc::new(Ledger::default());
    let liveness = LIVENESS * 3;
    let hanging = vec![TestStep::boxed("pay", &ledger, &[Act::Hang])];
    let first = Arc::new(engine(&path, hanging).await.owned_by("pod-a", liveness));
    let running = run_until(&first, "s", "s:pay", &ledger).await;
    let other = engine(&path, vec![TestStep::boxed("pay", &ledger, &[])])
        .await
        .owned_by("pod-b", liveness);
    assert_eq!(other.run("s").await.unwrap(), Outcome::Busy);
    tokio::time::sleep(liveness + liveness / 2).await;
    assert_eq!(
        other.run("s").await.unwrap(),
        Outcome::Busy,
        "a host that is alive keeps its saga while its step runs"
    );
    running.abort();
    let _ = running.await;
    drop(first);
    assert_eq!(
        other.run("s").await.unwrap(),
        Outcome::Busy,
        "the lease outlives a crash until the heartbeat is old"
    );
    let mut outcome = Outcome::Busy;
    for _ in 0..100 {
        outcome = other.run("s").await.unwrap();
        if outcome != Outcome::Busy {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(outcome, Outcome::Completed, "taken over once pod-a is gone");
}

#[tokio::test]
async fn two_processes_on_one_machine_are_two_owners() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saga.db");
    let ledger = Arc::new(Ledger::default());
    let first = Arc::new(engine(&path, vec![TestStep::boxed("pay", &ledger, &[Act::Hang])]).await);
    let running = run_until(&first, "s", "s:pay", &ledger).await;
    // Same host name, same database: still a different owner, so no second run.
    let second = engine(&path, vec![TestStep::boxed("pay", &ledger, &[])]).await;
    assert_eq!(second.run("s").await.unwrap(), Outcome::Busy);
    running.abort();
}

#[tokio::test]
async fn a_restarted_process_takes_back_a_dead_predecessors_sagas_but_not_another_containers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saga.db");
    let ledger = Arc::new(Ledger::default());
    let first = Arc::new(engine(&path, vec![TestStep::boxed("pay", &ledger, &[Act::Hang])]).await);
    let running = run_until(&first, "s", "s:pay", &ledger).await;
    running.abort();
    let _ = running.await;
    drop(first);
    // Make the lease and heartbeat those of an earlier process of this host
    // whose process id no longer exists, as after a crash and restart.
    let db = libsql::Builder::new_local(&path).build().await.unwrap();
    let conn = db.connect().unwrap();
    let mut rows = conn
        .query("SELECT owner FROM saga_leases", ())
        .await
        .unwrap();
    let owner: String = rows.next().await.unwrap().unwrap().get(0).unwrap();
    drop(rows);
    let place = owner.split_once(':').unwrap().0;
    let dead = format!("{place}:999999999-1.0");
    for table in ["saga_leases", "saga_hosts"] {
        conn.execute(&format!("UPDATE {table} SET owner = ?1"), [dead.as_str()])
            .await
            .unwrap();
    }
    // Saga `t` belongs to a live process of the same host name in another PID
    // namespace (another container): its id means nothing here, so it keeps
    // its saga until its heartbeat ages.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let elsewhere = format!("{}/1:999999999-1.0", place.rsplit_once('/').unwrap().0);
    conn.execute(
        "INSERT INTO sagas (id, input, state, step, created_at, updated_at) VALUES ('t', '{}', 'running', 0, 0, 0)",
        (),
    )
    .await
    .unwrap();
    conn.execute(
        "INSERT INTO saga_leases (saga, owner, until) VALUES ('t', ?1, ?2)",
        libsql::params![
            elsewhere.as_str(),
            i64::try_from(now.as_secs()).unwrap() + 120
        ],
    )
    .await
    .unwrap();
    conn.execute(
        "INSERT INTO saga_hosts (owner, seen_ms) VALUES (?1, ?2)",
        libsql::params![elsewhere.as_str(), i64::try_from(now.as_millis()).unwrap()],
    )
    .await
    .unwrap();
    let restarted = engine(&path, vec![TestStep::boxed("pay", &ledger, &[])]).await;
    assert_eq!(restarted.unfinished().await.unwrap(), ["s".to_string()]);
    assert_eq!(restarted.run("s").await.unwrap(), Outcome::Completed);
}
