//! Stoplight Prism, the spec-validating mock server the contract tests judge the clients with.
//!
//! Prism is an npm package, pinned in `tools/prism/package.json` and `package-lock.json` and
//! installed into `.tools/prism/` (git-ignored) by `cargo xtask install-prism`. Tests that need
//! it fail, naming that command, when it is missing: a contract test that skips itself would
//! let CI pass without judging anything.
//!
//! By hand (from the workspace root):
//!
//! ```text
//! cargo xtask install-prism
//! .tools/prism/node_modules/.bin/prism mock -h 127.0.0.1 -p 4010 specs/downloaded/magicline-openapi.json
//! .tools/prism/node_modules/.bin/prism mock -h 127.0.0.1 -p 4011 -d specs/downloaded/magicline-openapi.json
//! curl -i -H 'X-API-KEY: any' http://127.0.0.1:4010/v1/studios/utilization
//! ```
//!
//! A request that violates the spec is answered with a 4xx (or 5xx) and an `sl-violations`
//! header: a JSON list of `{location, severity, code, message}`. `Prefer: code=404` asks for a
//! documented status, `Prefer: dynamic=true` for schema-random data from a static server.

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use crate::workspace_root;

/// The Prism version `tools/prism/package.json` pins (the newest that runs on Node 20: later
/// ones require Node 24).
pub const PRISM_VERSION: &str = "5.14.2";

/// What installs Prism.
pub const INSTALL_COMMAND: &str = "cargo xtask install-prism";

/// How long Prism may take to load a spec and listen (it parses and dereferences the whole
/// document first, which takes seconds for the Open API on a busy machine).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(120);

/// The `prism` executable: `$PRISM_BIN`, or the one `cargo xtask install-prism` installs.
pub fn prism_bin() -> PathBuf {
    match std::env::var_os("PRISM_BIN") {
        Some(path) => PathBuf::from(path),
        None => workspace_root()
            .join(".tools")
            .join("prism")
            .join("node_modules")
            .join(".bin")
            .join("prism"),
    }
}

/// The `prism` executable; panics, naming the install command, when it is not installed.
pub fn require_installed() -> PathBuf {
    let bin = prism_bin();
    if !bin.exists() {
        panic!(
            "Prism {PRISM_VERSION} is not installed (no {}): run `{INSTALL_COMMAND}` (needs node >= 18 and npm; \
             `cargo xtask test` runs it first)",
            bin.display()
        );
    }
    bin
}

/// How Prism answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The spec's examples, as they are (`prism mock`).
    Static,
    /// Schema-random data (`prism mock -d`).
    ///
    /// Unseeded on purpose: Prism re-seeds its generator with `--seed` before every response,
    /// so a seeded server answers every call of an operation with the same data, and more calls
    /// would decode nothing new.
    Dynamic,
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mode::Static => f.write_str("static"),
            Mode::Dynamic => f.write_str("dynamic"),
        }
    }
}

/// A running Prism; stopped when dropped, also while a failing test unwinds.
///
/// Prism runs under a small `sh` watchdog that holds the read end of a pipe from this process:
/// when the handle is dropped, or this process dies without running destructors, the pipe
/// closes and the watchdog stops Prism, so no mock server outlives its test run.
#[derive(Debug)]
pub struct Prism {
    child: Child,
    watchdog: Option<ChildStdin>,
    url: String,
    log: PathBuf,
}

impl Prism {
    /// Starts `prism mock` for `spec` on 127.0.0.1 and a free port, logging to
    /// `<log_dir>/prism-<label>.log`, and waits until it accepts connections.
    pub fn start(spec: &Path, mode: Mode, log_dir: &Path, label: &str) -> Prism {
        let bin = require_installed();
        fs::create_dir_all(log_dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", log_dir.display()));
        let log = log_dir.join(format!("prism-{label}.log"));
        let port = free_port();
        let mut args: Vec<String> = vec![
            "mock".into(),
            "-h".into(),
            "127.0.0.1".into(),
            "-p".into(),
            port.to_string(),
        ];
        if mode == Mode::Dynamic {
            args.push("-d".into());
        }
        args.push(spec.display().to_string());
        let output =
            File::create(&log).unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
        let errors = output.try_clone().expect("a log file handle can be cloned");
        // `$0 "$@"` is Prism; a background job reads the pipe on fd 3 (background jobs get
        // /dev/null as stdin otherwise) and stops Prism when the pipe closes. `wait` makes the
        // watchdog exit when Prism exits, so an early crash is seen by `try_wait`.
        let script = r#"exec 3<&0
"$0" "$@" </dev/null & prism=$!
{ cat <&3 >/dev/null; kill "$prism" 2>/dev/null; } &
wait "$prism""#;
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg(&bin)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(output)
            .stderr(errors)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} through sh: {e}", bin.display()));
        let watchdog = child.stdin.take();
        let mut prism = Prism {
            child,
            watchdog,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };
        prism.wait_until_listening(port);
        prism
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Prism's log file (every request, with its violations).
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// The last few kilobytes of the log, for failure messages.
    pub fn log_tail(&self) -> String {
        log_tail(&self.log, 4096)
    }

    fn wait_until_listening(&mut self, port: u16) {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "Prism exited before listening ({status}); its log {}:\n{}",
                    self.log.display(),
                    self.log_tail()
                );
            }
            if TcpStream::connect_timeout(
                &([127, 0, 0, 1], port).into(),
                Duration::from_millis(200),
            )
            .is_ok()
            {
                return;
            }
            if started.elapsed() > STARTUP_TIMEOUT {
                panic!(
                    "Prism did not listen on port {port} within {STARTUP_TIMEOUT:?}; its log {}:\n{}",
                    self.log.display(),
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // Closing the pipe makes the watchdog stop Prism and exit.
        drop(self.watchdog.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_)) | Err(_)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port that was free a moment ago (the OS picks it; Prism binds it right after).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("the OS hands out a free port on 127.0.0.1")
}

fn log_tail(path: &Path, bytes: u64) -> String {
    let Ok(mut file) = File::open(path) else {
        return String::new();
    };
    let length = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(length.saturating_sub(bytes)));
    let mut tail = Vec::new();
    let _ = file.read_to_end(&mut tail);
    String::from_utf8_lossy(&tail).into_owned()
}
