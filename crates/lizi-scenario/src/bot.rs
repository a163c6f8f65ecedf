//! The bot under test as a child process: started through `sh -c` in its own process
//! group, marked with a cookie (so that everything it starts is killed at the end, even
//! what left the group: see [`crate::process_tree`]), its stdout and stderr kept for the
//! report, and a `ready` line on stdout noticed.

use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

use crate::process_tree;

/// The most output lines kept (the last ones).
const KEPT_LINES: usize = 200;

/// The bot's output so far, and whether it said `ready`.
#[derive(Debug, Default)]
struct Output {
    lines: Mutex<Vec<String>>,
    ready: AtomicBool,
}

impl Output {
    fn push(&self, line: String) {
        let mut lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        if lines.len() == KEPT_LINES {
            lines.remove(0);
        }
        lines.push(line);
    }
}

/// A running bot.
#[derive(Debug)]
pub struct Bot {
    child: Child,
    /// The shell's pid.
    pid: Option<u32>,
    /// Whether the bot and everything it started were killed.
    killed: bool,
    /// The cookie in the environment of the bot and its descendants.
    cookie: String,
    output: Arc<Output>,
    readers: Vec<JoinHandle<()>>,
    exit: Option<ExitStatus>,
}

impl Bot {
    /// Starts `command` with `sh -c`, with `env` added to lizi's own environment.
    pub fn start(command: &str, env: &[(&str, String)]) -> Result<Bot, String> {
        let mut shell = Command::new("sh");
        shell
            .arg("-c")
            .arg(command)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("LIZI_TOKEN")
            .env_remove("LIZI_PASSWORD")
            .process_group(0)
            .kill_on_drop(true);
        for (key, value) in env {
            shell.env(key, value);
        }
        let cookie = process_tree::new_cookie();
        let mut child = process_tree::spawn_marked(&mut shell, &cookie)
            .map_err(|e| format!("the bot `{command}` could not be started: {e}"))?;
        let output = Arc::new(Output::default());
        let mut readers = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            readers.push(tokio::spawn(read_lines(stdout, output.clone(), true)));
        }
        if let Some(stderr) = child.stderr.take() {
            readers.push(tokio::spawn(read_lines(stderr, output.clone(), false)));
        }
        let pid = child.id();
        Ok(Bot {
            child,
            pid,
            killed: false,
            cookie,
            output,
            readers,
            exit: None,
        })
    }

    /// Whether the bot printed a `ready` line on stdout.
    pub fn said_ready(&self) -> bool {
        self.output.ready.load(Ordering::Relaxed)
    }

    /// The bot's exit status, once it has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        if self.exit.is_none() {
            if let Some(status) = self.child.try_wait().ok().flatten() {
                self.reaped(status);
            }
        }
        self.exit
    }

    /// Notes that tokio reaped the bot's shell: its pid may now be another process's.
    fn reaped(&mut self, status: ExitStatus) {
        self.exit = Some(status);
        if let Some(pid) = self.pid {
            process_tree::forget(pid);
        }
    }

    /// The shell's pid while it is not reaped.
    fn live_pid(&self) -> Option<u32> {
        self.pid.filter(|_| self.exit.is_none())
    }

    /// Waits until the bot exits; answers its exit status.
    pub async fn wait_exit(&mut self) -> std::io::Result<ExitStatus> {
        if let Some(status) = self.exit {
            return Ok(status);
        }
        let status = self.child.wait().await?;
        self.reaped(status);
        Ok(status)
    }

    /// Kills the bot and everything it started, and waits for it; answers its output.
    pub async fn stop(mut self) -> Vec<String> {
        self.killed = true;
        let (pid, cookie) = (self.live_pid(), self.cookie.clone());
        let killed = tokio::task::spawn_blocking(move || kill_tree(pid, &cookie));
        if killed.await.is_err() {
            // The blocking pool is gone (the runtime stops): kill here.
            kill_tree(self.live_pid(), &self.cookie);
        }
        if self.exit.is_none() {
            let waited = tokio::time::timeout(Duration::from_secs(2), self.child.wait()).await;
            if let Ok(Ok(status)) = waited {
                self.reaped(status);
            }
        }
        for reader in std::mem::take(&mut self.readers) {
            // A grandchild that escaped the group may hold the pipe open.
            let _ = tokio::time::timeout(Duration::from_millis(500), reader).await;
        }
        self.output_lines()
    }

    /// The output lines kept so far.
    pub fn output_lines(&self) -> Vec<String> {
        self.output
            .lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        if !self.killed {
            kill_tree(self.live_pid(), &self.cookie);
        }
    }
}

/// Kills the process group of the bot's shell `pid` (while it is not reaped), then every
/// process below the shell or holding the bot's `cookie`.
fn kill_tree(pid: Option<u32>, cookie: &str) {
    if let Some(group @ 2..) = pid.and_then(|pid| i32::try_from(pid).ok()) {
        // SAFETY: kill(2) with a negative pid signals that process group; no memory is
        // involved.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
    process_tree::kill_bot(pid, cookie);
}

/// Keeps each line of `stream`; on stdout, a line `ready` marks the bot ready.
async fn read_lines(stream: impl AsyncRead + Unpin, output: Arc<Output>, stdout: bool) {
    let mut lines = BufReader::new(stream).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if stdout && line.trim() == "ready" {
            output.ready.store(true, Ordering::Relaxed);
        }
        output.push(line);
    }
}
