//! Where a component's code runs: on the shared worker threads, or in the
//! background lane.
//!
//! A component marked `priority = "background"` (`[component.<id>.tool.edgecart]`
//! in `spin.toml`) gets its instances on threads of their own, which the
//! operating system runs only when no other thread wants the core (Linux's
//! `SCHED_IDLE` policy). Its requests still run as soon as a core is free, but
//! a burst of them, such as sign-ups each hashing a password for tens of
//! milliseconds, no longer takes the cores from the short requests of every
//! other component: a worker thread that wakes up takes the core at once.
//!
//! `wasmtime-wasi-http` runs each instance on a tokio task spawned from the
//! request's dispatch, and that task runs the guest's code. [`in_lane`] polls
//! the dispatch inside the lane's runtime context, so those tasks are spawned
//! on the lane's runtime.

use std::future::Future;
use std::pin::pin;
use tokio::runtime::{Handle, Runtime};

/// How much lower than the process a background thread's priority is, in nice
/// steps, where `SCHED_IDLE` is refused (a seccomp profile may refuse it). Ten
/// steps give it about a tenth of a busy core's share against a thread at the
/// process's own priority.
pub const BACKGROUND_NICE: i32 = 10;

/// The threads of the background lane: a tokio runtime whose threads lower
/// their own scheduling priority when they start ([`lower_priority`]).
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

/// Lowers the calling thread's priority. On Linux the thread takes the
/// `SCHED_IDLE` policy: it runs only when no thread of a normal policy wants
/// its core, and the scheduler counts a core running it as free, so a worker
/// thread that wakes up is placed there and preempts it at once. At nice +10
/// (this lane's first design) a woken worker still waited behind a hash's time
/// slice: in the shopper mix the other requests' p99 was 1.6 times as long
/// (`docs/performance.md`). The price is paid only when the cores are never
/// free: the lane then gets a sliver of a core, and a sign-up at the shopper
/// mix's saturation took about 5 s instead of 2 to 3. An unprivileged thread
/// may take `SCHED_IDLE` but never leave it. Where the policy is refused the
/// thread is niced by [`BACKGROUND_NICE`] instead; a nice value belongs to a
/// thread on Linux too. Elsewhere the calls would apply to the whole process,
/// so the lane's threads keep the process's priority there and only stay apart
/// from the worker threads.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: `param` is a valid `sched_param` that outlives the call, and
        // pid 0 names the calling thread.
        #[allow(
            unsafe_code,
            reason = "sched_setscheduler has no safe wrapper in our dependencies"
        )]
        let idle = unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) } == 0;
        if idle {
            return;
        }
        let refused = std::io::Error::last_os_error();
        let lowered = rustix::process::getpriority_process(None).and_then(|nice| {
            rustix::process::setpriority_process(None, (nice + BACKGROUND_NICE).min(19))
        });
        match lowered {
            Ok(()) => {
                tracing::debug!(error = %refused, "SCHED_IDLE refused: a background thread runs at nice +{BACKGROUND_NICE}")
            }
            Err(e) => {
                tracing::debug!(error = %e, "a background thread keeps the process's priority")
            }
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

    /// The calling thread's scheduling policy, from field 41 of its `stat`.
    #[cfg(target_os = "linux")]
    fn policy() -> i32 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").expect("stat");
        let after_name = &stat[stat.rfind(')').expect("name") + 1..];
        after_name
            .split_whitespace()
            .nth(38)
            .expect("policy")
            .parse()
            .expect("number")
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn lane_threads_run_only_when_a_core_is_free() {
        let lane = BackgroundLane::start(1).expect("lane");
        let own = policy();
        let theirs = lane.handle().spawn(async { policy() }).await.expect("task");
        assert_eq!(theirs, libc::SCHED_IDLE);
        assert_eq!(policy(), own, "the caller's policy is unchanged");
        assert_eq!(own, libc::SCHED_OTHER);
    }
}
