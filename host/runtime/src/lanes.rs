//! Where a component's code runs: on the shared worker threads, or in the
//! background lane.
//!
//! A component marked `priority = "background"` (`[component.<id>.tool.edgecart]`
//! in `spin.toml`) gets its instances on threads of their own, which the
//! operating system schedules at a lower priority (nice +10 on Linux). Its
//! requests still run as soon as a core is free, but a burst of them, such as
//! sign-ups each hashing a password for tens of milliseconds, no longer takes
//! the cores from the short requests of every other component.
//!
//! `wasmtime-wasi-http` runs each instance on a tokio task spawned from the
//! request's dispatch, and that task runs the guest's code. [`in_lane`] polls
//! the dispatch inside the lane's runtime context, so those tasks are spawned
//! on the lane's runtime.

use std::future::Future;
use std::pin::pin;
use tokio::runtime::{Handle, Runtime};

/// How much lower than the process a background thread's priority is, in nice
/// steps. Ten steps give it about a tenth of a busy core's share against a
/// thread at the process's own priority.
pub const BACKGROUND_NICE: i32 = 10;

/// The threads of the background lane: a tokio runtime whose threads lower
/// their own scheduling priority when they start.
pub struct BackgroundLane {
    handle: Handle,
    /// Taken only when the lane is dropped.
    runtime: Option<Runtime>,
}

impl BackgroundLane {
    /// Starts `threads` threads named `edgecart-bg`.
    pub fn start(threads: usize) -> std::io::Result<BackgroundLane> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name("edgecart-bg")
            .on_thread_start(lower_priority)
            .enable_all()
            .build()?;
        Ok(BackgroundLane {
            handle: runtime.handle().clone(),
            runtime: Some(runtime),
        })
    }

    /// The lane's runtime, to run a component's instances on.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }
}

impl Drop for BackgroundLane {
    /// Stops the lane without waiting for its tasks: the lane is dropped with the
    /// application, possibly on one of the main runtime's threads, where waiting
    /// is not allowed.
    fn drop(&mut self) {
        if let Some(r) = self.runtime.take() {
            r.shutdown_background();
        }
    }
}

/// Lowers the calling thread's priority by [`BACKGROUND_NICE`]. On Linux a nice
/// value belongs to a thread, and raising it needs no privilege. Elsewhere the
/// call would apply to the whole process, so the lane's threads keep the
/// process's priority there and only stay apart from the worker threads.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let lowered = rustix::process::getpriority_process(None).and_then(|nice| {
            rustix::process::setpriority_process(None, (nice + BACKGROUND_NICE).min(19))
        });
        if let Err(e) = lowered {
            tracing::debug!(error = %e, "a background thread keeps the process's priority");
        }
    }
}

/// Runs `work` in `lane`'s runtime context: every task it spawns, while it is
/// polled, runs on that runtime. `work` itself is polled by the caller.
pub async fn in_lane<F: Future>(lane: &Handle, work: F) -> F::Output {
    let mut work = pin!(work);
    std::future::poll_fn(|cx| {
        let _entered = lane.enter();
        work.as_mut().poll(cx)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn tasks_spawned_in_a_lane_run_on_its_threads() {
        let lane = BackgroundLane::start(1).expect("lane");
        let name = in_lane(&lane.handle(), async {
            tokio::spawn(async { std::thread::current().name().map(str::to_string) })
                .await
                .expect("task")
        })
        .await;
        assert_eq!(name.as_deref(), Some("edgecart-bg"));
        let outside = tokio::spawn(async { std::thread::current().name().map(str::to_string) })
            .await
            .expect("task");
        assert_ne!(outside.as_deref(), Some("edgecart-bg"));
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn lane_threads_run_at_a_lower_priority() {
        let lane = BackgroundLane::start(1).expect("lane");
        let own = rustix::process::getpriority_process(None).expect("own priority");
        let theirs = lane
            .handle()
            .spawn(async { rustix::process::getpriority_process(None).expect("priority") })
            .await
            .expect("task");
        assert_eq!(theirs, (own + BACKGROUND_NICE).min(19));
        assert_eq!(
            rustix::process::getpriority_process(None).expect("own priority"),
            own,
            "the caller's priority is unchanged"
        );
    }
}
