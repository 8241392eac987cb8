//! Test support shared by the host crates' integration tests.
//!
//! [`LocalStripe`] runs `localstripe`, a stateful Stripe API emulator from PyPI,
//! on a free port with its own working directory, and stops it when dropped.
//! `localstripe` must be on PATH (`scripts/test.sh` installs it into its tools
//! venv); without it the test fails and says how to install it.

#![allow(
    clippy::unwrap_used,
    reason = "test support: a failed setup step fails the test"
)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A free TCP port on 127.0.0.1 (free when asked; the caller binds it soon after).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `localstripe`, killed on drop.
pub struct LocalStripe {
    child: Child,
    /// Its API base URL, `http://127.0.0.1:<port>`.
    pub base: String,
    _dir: tempfile::TempDir,
}

impl Drop for LocalStripe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl LocalStripe {
    /// Starts `localstripe` on a free port and waits until it answers.
    pub async fn start() -> LocalStripe {
        LocalStripe::start_on(free_port()).await
    }

    /// Starts `localstripe` on `port` (for a test that must know the address
    /// before the emulator runs) and waits until it answers.
    pub async fn start_on(port: u16) -> LocalStripe {
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new("localstripe")
            .args(["--port", &port.to_string(), "--from-scratch"])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start localstripe ({e}): pip install localstripe (scripts/test.sh does)"
                )
            });
        let ls = LocalStripe {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        let client = reqwest::Client::new();
        for _ in 0..100 {
            let probe = client
                .get(format!("{}/v1/customers", ls.base))
                .basic_auth("sk_test_x", Some(""))
                .send()
                .await;
            if probe.is_ok() {
                return ls;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("localstripe did not start on port {port}");
    }
}
