//! Starting and killing the real binary.
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use store::testing::Backend;

pub struct Server {
    child: Child,
    pub base: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    /// Starts `shangliang serve` on a free port and waits until it is ready.
    pub async fn start(url: &str) -> Server {
        Server::start_with(url, &[]).await
    }

    /// [`Server::start`] with more settings in the environment.
    pub async fn start_with(url: &str, env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_shangliang"))
            .args([
                "--database-url",
                url,
                "serve",
                "--no-worker",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .env("RUST_LOG", "error")
            // Many clients from one address: the rate limits have their own tests.
            .env("SHANGLIANG_RATE_LIMITS", "false")
            .env(
                "SHANGLIANG_PHOTO_DIR",
                std::env::temp_dir().join(format!("shangliang-photos-{port}")),
            )
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start shangliang");
        let mut server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if client
                .get(format!("{}/readyz", server.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server.kill();
        panic!("server did not become ready");
    }

    /// The largest resident set the process has had so far (`VmHWM`), in bytes.
    pub fn peak_memory(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/PID/status");
        kb * 1024
    }

    /// SIGKILL: no shutdown, no flush.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// PostgreSQL tests in this binary run one at a time: one of them restarts the server.
pub async fn pg_lock(backend: Backend) -> Option<tokio::sync::MutexGuard<'static, ()>> {
    static LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    match backend {
        Backend::Postgres => Some(LOCK.lock().await),
        Backend::Sqlite => None,
    }
}

/// Runs the binary once on `url` with these arguments and settings.
pub fn cli(url: &str, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_shangliang"))
        .args(["--database-url", url])
        .args(args)
        .env("RUST_LOG", "error")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// What a command printed, once it is known to have succeeded.
pub fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
