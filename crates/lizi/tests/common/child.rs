//! The real `lizi` binary as a child process.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Every environment variable lizi reads; cleared so the test's own environment can't leak in.
pub const LIZI_VARS: &[&str] = &[
    "LIZI_CONFIG",
    "LIZI_LISTEN",
    "LIZI_DATA",
    "LIZI_WORLD",
    "LIZI_PASSWORD",
    "LIZI_TOKEN",
    "LIZI_ALLOW_FROM",
    "LIZI_INSECURE_OPEN",
    "LIZI_REPORT_URLS",
    "LIZI_MAX_BODY_BYTES",
    "LIZI_MAX_TEXT_CHARS",
    "LIZI_MAX_CARD_BYTES",
    "LIZI_KEY_ACCESS",
    "LIZI_LOG",
    "LIZI_LOG_FORMAT",
    "LIZI_FLUSH",
    "LIZI_MAX_LAG_EVENTS",
    "LIZI_MAX_LAG_BYTES",
    "LIZI_LAG_POLICY",
    "LIZI_SESSION_IDLE",
    "LIZI_CACHE_EVENTS",
    "LIZI_MAX_PARAMS",
    "LIZI_HEADER_TIMEOUT_MS",
    "LIZI_IDLE_TIMEOUT_MS",
    "LIZI_MAX_CONNECTIONS",
    "LIZI_WS_PING_INTERVAL_MS",
    "LIZI_WS_TIMEOUT_MS",
    "LIZI_BODY_TIMEOUT_MS",
    "LIZI_MAX_BODY_MEMORY_BYTES",
    "LIZI_ALLOW_HOSTS",
    "LIZI_ALLOW_ORIGINS",
    "LIZI_RECORD_MAX_EVENTS",
    "LIZI_ONEBOT_LISTEN",
    "LIZI_ONEBOT_TOKEN",
    "LIZI_ONEBOT_PROFILE",
    "LIZI_ONEBOT_REVERSE_URLS",
    "LIZI_ONEBOT_RECONNECT_MS",
    "LIZI_ONEBOT_HEARTBEAT_MS",
    "LIZI_BACKEND",
    "LIZI_ONEBOT_ACCEPT",
];

pub const STARTUP: Duration = Duration::from_secs(20);
pub const EXIT: Duration = Duration::from_secs(5);

/// A running `lizi` process; killed on drop.
pub struct Lizi {
    child: Child,
    lines: mpsc::Receiver<String>,
    stderr: Vec<String>,
}

impl Lizi {
    /// Starts `lizi <args>` in `dir` with only the given LIZI_* variables.
    pub fn spawn(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Lizi {
        Lizi::spawn_program(dir, env!("CARGO_BIN_EXE_lizi"), args, env)
    }

    /// Starts `program <args>` (a program that ends by running lizi in its own place,
    /// such as a shell's `exec`) like [`Lizi::spawn`].
    pub fn spawn_program(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> Lizi {
        let mut command = Command::new(program);
        command
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for var in LIZI_VARS {
            command.env_remove(var);
        }
        command.envs(env.iter().copied());
        let mut child = command.spawn().expect("spawn lizi");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Lizi {
            child,
            lines,
            stderr: Vec::new(),
        }
    }

    /// Starts `lizi <args>` like [`Lizi::spawn`], under the shell's `ulimit <limit>` (such
    /// as `-S -n 256`: a low soft limit of open files).
    pub fn spawn_limited(dir: &Path, limit: &str, args: &[&str], env: &[(&str, &str)]) -> Lizi {
        let script = format!(r#"ulimit {limit} && exec "$0" "$@""#);
        let shell_args: Vec<&str> = ["-c", script.as_str(), env!("CARGO_BIN_EXE_lizi")]
            .into_iter()
            .chain(args.iter().copied())
            .collect();
        Lizi::spawn_program(dir, "sh", &shell_args, env)
    }

    /// Starts `lizi --listen 127.0.0.1:0 --data <dir>/data <extra>` in `dir`, under
    /// `ulimit <limit>` when one is given (see [`Lizi::spawn_limited`]).
    pub fn serve_in(dir: &Path, limit: Option<&str>, extra: &[&str]) -> Lizi {
        let data = dir.join("data");
        let data = data.to_str().expect("utf-8 path");
        let args: Vec<&str> = ["--listen", "127.0.0.1:0", "--data", data]
            .into_iter()
            .chain(extra.iter().copied())
            .collect();
        match limit {
            Some(limit) => Lizi::spawn_limited(dir, limit, &args, &[]),
            None => Lizi::spawn(dir, &args, &[]),
        }
    }

    /// Reads stderr until the `listening on http://127.0.0.1:<port>` line; returns the port.
    pub fn port(&mut self) -> u16 {
        const MARK: &str = "listening on http://127.0.0.1:";
        let line = self.next_line_with(MARK);
        let at = line.find(MARK).unwrap_or_default();
        let digits: String = line[at + MARK.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let port: u16 = digits
            .parse()
            .unwrap_or_else(|_| panic!("no port in {line:?}"));
        assert_ne!(port, 0, "{line}");
        port
    }

    /// Reads stderr until a line that contains `mark`, and answers it.
    fn next_line_with(&mut self, mark: &str) -> String {
        let deadline = Instant::now() + STARTUP;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.stderr.push(line.clone());
                    if line.contains(mark) {
                        return line;
                    }
                }
                Err(_) => panic!("no line with {mark:?}; stderr so far: {:#?}", self.stderr),
            }
        }
    }

    /// The first stderr line (already read or still to come) that contains `mark`.
    pub fn line_with(&mut self, mark: &str) -> String {
        match self.stderr.iter().find(|line| line.contains(mark)) {
            Some(line) => line.clone(),
            None => self.next_line_with(mark),
        }
    }

    /// The process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    pub fn signal(&self, name: &str) {
        // The shell's own `kill`, so no procps package is needed.
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("kill -{name} {}", self.child.id()))
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits for the process to exit (at most `limit`); returns its status and all stderr.
    pub fn wait_exit(&mut self, limit: Duration) -> (ExitStatus, String) {
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "lizi did not exit within {limit:?}; stderr: {:#?}",
                self.stderr
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        // The reader thread ends at EOF once the process is gone.
        let eof = Instant::now() + Duration::from_secs(2);
        while let Ok(line) = self
            .lines
            .recv_timeout(eof.saturating_duration_since(Instant::now()))
        {
            self.stderr.push(line);
        }
        (status, self.stderr.join("\n"))
    }

    /// Sends SIGTERM and asserts a clean exit (code 0) within [`EXIT`]; returns stderr.
    pub fn terminate(&mut self) -> String {
        self.signal("TERM");
        let (status, stderr) = self.wait_exit(EXIT);
        assert_eq!(status.code(), Some(0), "{status:?} {stderr}");
        stderr
    }
}

impl Drop for Lizi {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
