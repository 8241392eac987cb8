//! Starts the real `edgecart` binary on port 0 over the test components.

use edgecart_testkit::free_port;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Builds the test components for wasm32-wasip2 once per test run (incremental,
/// in the shared target directory) and returns the directory holding the `.wasm`s.
pub fn wasm_dir() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let root = workspace_root();
            let status = Command::new(env!("CARGO"))
                .args([
                    "build",
                    "--release",
                    "--target",
                    "wasm32-wasip2",
                    "-p",
                    "test-spin-app",
                    "-p",
                    "test-p2-app",
                    "-p",
                    "web",
                    "-p",
                    "users",
                    "-p",
                    "catalog",
                    "-p",
                    "cart",
                    "-p",
                    "orders",
                ])
                .current_dir(&root)
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building the test components failed");
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| root.join("target"));
            target.join("wasm32-wasip2").join("release")
        })
        .clone()
}

/// Fills `{spin_app}`, `{p2_app}` and `{web}` in a manifest with the built components.
pub fn render(manifest: &str) -> String {
    let dir = wasm_dir();
    manifest
        .replace(
            "{spin_app}",
            &dir.join("test_spin_app.wasm").display().to_string(),
        )
        .replace(
            "{p2_app}",
            &dir.join("test_p2_app.wasm").display().to_string(),
        )
        .replace("{web}", &dir.join("web.wasm").display().to_string())
}

/// A running `edgecart up`.
pub struct TestApp {
    pub addr: SocketAddr,
    pub admin: SocketAddr,
    pub client: reqwest::Client,
    child: Child,
    stderr: Arc<Mutex<String>>,
    stdout: Arc<Mutex<String>>,
    _dir: Option<tempfile::TempDir>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let r = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request is answered");
        let status = r.status().as_u16();
        (status, r.text().await.expect("body"))
    }

    /// `get` on a task of its own, for a request left in flight.
    pub fn spawn_get(&self, path: &str) -> tokio::task::JoinHandle<(u16, String)> {
        let (client, url) = (self.client.clone(), self.url(path));
        tokio::spawn(async move {
            let r = client.get(url).send().await.expect("request is answered");
            let status = r.status().as_u16();
            (status, r.text().await.expect("body"))
        })
    }

    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Everything the server printed on stdout so far.
    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// Waits up to `secs` seconds until stdout contains `needle`.
    pub async fn stdout_contains(&self, needle: &str, secs: u64) -> bool {
        for _ in 0..secs * 20 {
            if self.stdout().contains(needle) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    /// Waits until stderr contains `needle` (the log is read on another thread);
    /// returns whether it appeared within a few seconds.
    pub async fn log_contains(&self, needle: &str) -> bool {
        for _ in 0..100 {
            if self.stderr().contains(needle) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn terminate(mut self) -> ExitStatus {
        signal(self.pid(), "TERM");
        wait_with_timeout(&mut self.child, Duration::from_secs(30))
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn signal(pid: u32, sig: &str) {
    let status = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(pid.to_string())
        .status()
        .expect("kill runs");
    assert!(status.success());
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> ExitStatus {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "edgecart did not exit within {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn edgecart(dir: &Path, manifest: &str, args: &[&str], env: &[(&str, &str)]) -> Command {
    let path = dir.join("spin.toml");
    std::fs::write(&path, render(manifest)).expect("write manifest");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_edgecart"));
    cmd.arg("up")
        .arg("--from")
        .arg(&path)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(args)
        .envs(env.iter().copied())
        .env_remove("EDGECART_LISTEN")
        .current_dir(dir)
        .stdin(Stdio::null());
    cmd
}

/// Starts `edgecart up` on `manifest` with a fresh data directory on a free port.
pub async fn spawn_app(manifest: &str, args: &[&str], env: &[(&str, &str)]) -> TestApp {
    spawn_app_in(tempfile::tempdir().expect("tempdir"), manifest, args, env).await
}

/// Like [`spawn_app`], in a prepared directory (for `files` mounts).
pub async fn spawn_app_in(
    dir: tempfile::TempDir,
    manifest: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> TestApp {
    let mut app = spawn_app_at(dir.path(), manifest, args, env).await;
    app._dir = Some(dir);
    app
}

/// Like [`spawn_app`], in a directory the caller keeps (to restart on the same data).
pub async fn spawn_app_at(
    dir: &Path,
    manifest: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> TestApp {
    spawn_command(edgecart(dir, manifest, args, env)).await
}

/// Starts `edgecart commerce` (the commerce services alone) for the shop at
/// `shop_url`, with its data in `<dir>/commerce`, on a free port.
pub async fn spawn_commerce(dir: &Path, shop_url: &str, env: &[(&str, &str)]) -> TestApp {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_edgecart"));
    cmd.arg("commerce")
        .args(["--shop-url", shop_url, "--data-dir"])
        .arg(dir.join("commerce"))
        .envs(env.iter().copied())
        .env_remove("EDGECART_LISTEN")
        .current_dir(dir)
        .stdin(Stdio::null());
    spawn_command(cmd).await
}

/// Runs an `edgecart` command on free ports and waits until it serves.
async fn spawn_command(mut cmd: Command) -> TestApp {
    cmd.args(["--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("edgecart starts");
    let stderr = Arc::new(Mutex::new(String::new()));
    let mut err_pipe = child.stderr.take().expect("stderr");
    let sink = stderr.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = err_pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let stdout = child.stdout.take().expect("stdout");
    let printed = Arc::new(Mutex::new(String::new()));
    let out_sink = printed.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut admin = None;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            {
                let mut out = out_sink.lock().unwrap();
                out.push_str(&line);
                out.push('\n');
            }
            if let Some(rest) = line.strip_prefix("Admin endpoints on http://") {
                admin = rest
                    .split('/')
                    .next()
                    .and_then(|a| a.parse::<SocketAddr>().ok());
            }
            if let Some(rest) = line.strip_prefix("Serving http://") {
                let _ = tx.send((rest.trim().parse::<SocketAddr>().ok(), admin));
            }
        }
    });
    let started = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(120)))
        .await
        .expect("join");
    let (addr, admin) = match started {
        Ok((Some(addr), Some(admin))) => (addr, admin),
        _ => {
            let _ = child.kill();
            panic!(
                "edgecart did not start; stderr:\n{}",
                stderr.lock().unwrap()
            );
        }
    };
    TestApp {
        addr,
        admin,
        client: reqwest::Client::new(),
        child,
        stderr,
        stdout: printed,
        _dir: None,
    }
}

/// Runs `edgecart up` on a manifest expected to be rejected; returns the exit
/// status and stderr.
pub fn startup_failure(manifest: &str, env: &[(&str, &str)]) -> (ExitStatus, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    startup_failure_in(dir.path(), manifest, env)
}

pub fn startup_failure_in(
    dir: &Path,
    manifest: &str,
    env: &[(&str, &str)],
) -> (ExitStatus, String) {
    let out = edgecart(dir, manifest, &["--listen", "127.0.0.1:0"], env)
        .output()
        .expect("edgecart runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "edgecart panicked:\n{stderr}");
    (out.status, stderr)
}

/// A libSQL server (`sqld`) from `EDGECART_SQLD` or `PATH`, if there is one.
pub fn sqld() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("EDGECART_SQLD") {
        return Some(p.into());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("sqld"))
            .find(|p| p.is_file())
    })
}

/// What a test that needs `sqld` prints when there is none.
pub const NO_SQLD: &str = "skipped: no libSQL server; set EDGECART_SQLD=/path/to/sqld or put sqld on PATH to run the remote and replica tests";

/// A `sqld` primary on a free port with its database in `dir`, killed on drop.
pub struct Sqld {
    child: Child,
    /// Its HTTP URL.
    pub url: String,
}

impl Sqld {
    /// Starts one.
    pub async fn start(bin: &Path, dir: &Path) -> Sqld {
        let port = free_port();
        let child = Command::new(bin)
            .args([
                "--http-listen-addr",
                &format!("127.0.0.1:{port}"),
                "--db-path",
            ])
            .arg(dir.join("primary.sqld"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Sqld {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Sqld {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
