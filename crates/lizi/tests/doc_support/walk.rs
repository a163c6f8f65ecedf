//! A document's examples run as a reader would run them: in order, in a folder of their
//! own, with the built `lizi` on `PATH`. `lizi …` starts a lizi (after stopping any other
//! on the same port or data folder, as the reader is told to); `python3 examples/…`
//! starts an example bot beside it (against the lizi on the default port, until the walk
//! ends); `curl` asks the lizi on the port it names and its answer is checked against the
//! one shown; `lizi test …`, `lizi backup …`, `sleep` and other tools run to completion and
//! must succeed. The documented ports are mapped to free
//! ones, so that walks never collide with each other or with a lizi already running here.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::markdown::{items, matches, Item};
use crate::common::child::LIZI_VARS;
use crate::common::{python_available, temp_dir};

/// The XLZ port lizi listens on when no `--listen` is given.
const XLZ_PORT: u16 = 10429;
/// The port the bridge listens on when no `--onebot-accept` is given.
const ACCEPT_PORT: u16 = 6700;
/// How long a lizi may take to answer `/health` after it was started.
const STARTUP: Duration = Duration::from_secs(30);

/// Commands the walk does not run, by how they start, and why.
const NOT_RUN: &[(&str, &str)] = &[
    (
        "cargo ",
        "builds and installs: the test suite is itself built by cargo",
    ),
    (
        "python3 -m pip install ",
        "installs packages: .ci/run installs them",
    ),
    ("apt-get ", "installs packages: .ci/run installs them"),
    (
        "bench/run",
        "the benchmark takes minutes and measures, it checks nothing",
    ),
    ("LIZI_BENCH_VERBOSE=", "the benchmark, as above"),
    (
        "packaging/build-deb",
        "builds a release binary and a package: the package test of `operations.rs` runs it",
    ),
    (
        "dpkg ",
        "installs system-wide: the package test of `operations.rs` does so in CI",
    ),
    (
        "systemctl ",
        "needs systemd running and the package installed",
    ),
    (
        "journalctl ",
        "needs systemd running and the package installed",
    ),
];

/// One `lizi test` at a time across walks: each starts several bots, and on a loaded
/// machine their start-up would eat into the scenarios' time limits.
static ONE_SCENARIO_RUN: Mutex<()> = Mutex::new(());

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A lizi a document started.
struct Started {
    child: Child,
    /// The line that started it, as written.
    line: String,
    /// The documented ports its line names (and the defaults it listens on).
    ports: Vec<u16>,
    /// Its data folder as written (`lizi-data` by default).
    data: Option<String>,
    stderr: PathBuf,
}

/// The state of one document's walk.
pub struct Walk {
    doc: String,
    dir: PathBuf,
    path_var: String,
    /// Documented port → the free port used in its place.
    ports: HashMap<u16, u16>,
    started: Vec<Started>,
    /// Example bots started, each killed (its whole process group) when the walk ends.
    bots: Vec<Child>,
    ran: usize,
}

impl Walk {
    /// Runs every example of the document at `doc` (relative to the root); answers how
    /// many commands ran.
    pub fn run(doc: &str) -> usize {
        let text = std::fs::read_to_string(root().join(doc)).expect("read the document");
        let tag = doc.replace(['/', '.'], "-");
        let dir = temp_dir(&format!("walk-{tag}"));
        for shared in ["examples", "crates"] {
            std::os::unix::fs::symlink(root().join(shared), dir.join(shared)).expect("symlink");
        }
        let bin = Path::new(env!("CARGO_BIN_EXE_lizi"))
            .parent()
            .expect("the binary's folder")
            .to_path_buf();
        let path_var = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut walk = Walk {
            doc: doc.to_owned(),
            dir,
            path_var,
            ports: HashMap::new(),
            started: Vec::new(),
            bots: Vec::new(),
            ran: 0,
        };
        for item in items(&text) {
            match item {
                Item::File { name, text } => {
                    std::fs::write(walk.dir.join(&name), text).expect("write the file");
                }
                Item::Command { line, shown } => walk.command(&line, shown.as_deref()),
            }
        }
        let ran = walk.ran;
        walk.stop_all();
        let _ = std::fs::remove_dir_all(&walk.dir);
        ran
    }

    fn command(&mut self, line: &str, shown: Option<&str>) {
        if let Some((_, why)) = NOT_RUN.iter().find(|(start, _)| line.starts_with(start)) {
            eprintln!("{}: not run ({why}): {line}", self.doc);
            return;
        }
        self.ran += 1;
        let word = line.split_whitespace().next().unwrap_or_default();
        match word {
            "curl" => self.curl(line, shown),
            "lizi" if line.starts_with("lizi test ") => self.scenarios(line),
            "lizi" if line.contains("--help") || line.contains("--version") => {
                self.finish(line);
            }
            "lizi" if line.starts_with("lizi backup ") => self.finish(line),
            "lizi" => self.start(line),
            "sqlite3" | "sleep" | "mkdir" | "cp" => self.finish(line),
            "python3" if line.starts_with("python3 examples/") => self.bot(line),
            _ => panic!(
                "{}: no rule to run `{line}`: teach crates/lizi/tests/doc_support/walk.rs how, \
                 or write it outside a ```sh block",
                self.doc
            ),
        }
    }

    /// `line` with every documented `127.0.0.1:<port>` replaced by its free port (new
    /// ones picked as they appear); answers the rewritten line and the documented ports.
    fn map_ports(&mut self, line: &str) -> (String, Vec<u16>) {
        const HOST: &str = "127.0.0.1:";
        let mut out = String::new();
        let mut documented = Vec::new();
        let mut rest = line;
        while let Some(at) = rest.find(HOST) {
            out.push_str(&rest[..at + HOST.len()]);
            rest = &rest[at + HOST.len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            rest = &rest[digits.len()..];
            match digits.parse::<u16>() {
                Ok(port) if port != 0 => {
                    documented.push(port);
                    out.push_str(&self.free_port(port).to_string());
                }
                _ => out.push_str(&digits),
            }
        }
        out.push_str(rest);
        (out, documented)
    }

    /// The free port that stands for the documented `port`.
    fn free_port(&mut self, port: u16) -> u16 {
        *self.ports.entry(port).or_insert_with(|| {
            let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
            listener.local_addr().expect("local address").port()
        })
    }

    /// A shell with the binary's folder on `PATH`, in the walk's folder.
    fn shell(&self, script: &str) -> Command {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(script)
            .current_dir(&self.dir)
            .env("PATH", &self.path_var)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        for var in LIZI_VARS {
            command.env_remove(var);
        }
        command
    }

    fn curl(&mut self, line: &str, shown: Option<&str>) {
        let (line, documented) = self.map_ports(line);
        for port in &documented {
            assert!(
                self.started.iter().any(|s| s.ports.contains(port)),
                "{}: `{line}` asks port {port}, but no lizi of this document listens there",
                self.doc
            );
        }
        // Unless the document shows the answer (a refusal, say), the command must
        // succeed: curl fails on any HTTP error status.
        let script = if shown.is_some() {
            line.clone()
        } else {
            format!("curl() {{ command curl --fail-with-body \"$@\"; }}\n{line}")
        };
        let output = self.shell(&script).output().expect("run sh (and curl)");
        let answer = String::from_utf8_lossy(&output.stdout);
        match shown {
            Some(shown) => assert!(
                matches(shown, answer.trim()),
                "{} shows\n  {shown}\nfor\n  {line}\nbut lizi answered\n  {answer}",
                self.doc
            ),
            None => assert!(
                output.status.success(),
                "{}: `{line}` failed ({}): {answer}\n{}",
                self.doc,
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ),
        }
    }

    /// Runs `line` to completion; it must succeed.
    fn finish(&self, line: &str) {
        let output = self.shell(line).output().expect("run sh");
        assert!(
            output.status.success(),
            "{}: `{line}` failed ({})\nstdout: {}\nstderr: {}",
            self.doc,
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// `lizi test …`: needs Python and the examples' requirements (aiocqhttp: a filter
    /// may well pick the OneBot example too); without them the line is skipped, except in
    /// CI, where it fails.
    fn scenarios(&self, line: &str) {
        if !python_available(true) {
            eprintln!(
                "{}: skipped (python3 or aiocqhttp missing): {line}",
                self.doc
            );
            return;
        }
        let _turn = ONE_SCENARIO_RUN
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.finish(line);
    }

    /// Starts the lizi of `line`, after stopping those on its ports or data folder.
    fn start(&mut self, line: &str) {
        let mut line = line.to_owned();
        // The defaults a line relies on, made explicit so that they too get free ports.
        let mut defaults = String::new();
        if !line.contains("--listen") && !line.contains("--config") {
            defaults.push_str(&format!(" --listen 127.0.0.1:{XLZ_PORT}"));
        }
        if line.contains("--backend onebot") && !line.contains("--onebot-accept") {
            defaults.push_str(&format!(" --onebot-accept 127.0.0.1:{ACCEPT_PORT}"));
        }
        line.insert_str("lizi".len(), &defaults);
        let (command_line, mut ports) = self.map_ports(&line);
        if line.contains("--config") && !line.contains("--listen") {
            // A configuration file without `listen`: the default port, which the walk
            // cannot move; its lizi gets a free one through the environment instead.
            ports.push(XLZ_PORT);
        }
        let data = word_after(&line, "--data").map(|d| normalize(&d));
        let data_or_default = data.clone().unwrap_or_else(|| "lizi-data".to_owned());
        let (stopping, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.started)
            .into_iter()
            .partition(|s| {
                s.ports.iter().any(|p| ports.contains(p))
                    || s.data.clone().unwrap_or_else(|| "lizi-data".to_owned()) == data_or_default
            });
        self.started = kept;
        for started in stopping {
            stop(started, &self.doc);
        }
        let n = self.ran;
        let stderr = self.dir.join(format!("lizi-{n}.log"));
        let mut command = self.shell(&format!("exec {command_line}"));
        if line.contains("--config") && !line.contains("--listen") {
            command.env(
                "LIZI_LISTEN",
                format!("127.0.0.1:{}", self.free_port(XLZ_PORT)),
            );
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr).expect("create the log file"))
            .spawn()
            .expect("start lizi");
        let mut started = Started {
            child,
            line: line.clone(),
            ports,
            data,
            stderr,
        };
        let xlz = self.free_port(match word_after(&line, "--listen") {
            Some(address) => port_of(&address),
            None => XLZ_PORT,
        });
        wait_until(&mut started, &self.doc, "answering /health", || health(xlz));
        if let Some(address) = word_after(&line, "--onebot-listen") {
            let port = self.free_port(port_of(&address));
            wait_until(&mut started, &self.doc, "listening for OneBot", || {
                TcpStream::connect(("127.0.0.1", port)).is_ok()
            });
        }
        self.started.push(started);
    }

    /// Starts an example bot in the background against the lizi on the default port,
    /// and waits until it says it is ready; skipped (with every `lizi test` after it)
    /// without Python, except in CI.
    fn bot(&mut self, line: &str) {
        if !python_available(true) {
            eprintln!(
                "{}: skipped (python3 or aiocqhttp missing): {line}",
                self.doc
            );
            return;
        }
        use std::os::unix::process::CommandExt;
        let output = self.dir.join(format!("bot-{}.log", self.ran));
        let url = format!("http://127.0.0.1:{}", self.free_port(XLZ_PORT));
        let child = self
            .shell(&format!("exec {line}"))
            .env("LIZI_URL", url)
            .process_group(0)
            .stdout(std::fs::File::create(&output).expect("create the bot's log"))
            .stderr(Stdio::null())
            .spawn()
            .expect("start the bot");
        self.bots.push(child);
        let deadline = Instant::now() + STARTUP;
        loop {
            let printed = std::fs::read_to_string(&output).unwrap_or_default();
            if printed.lines().any(|l| l.trim() == "ready") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{}: `{line}` never said it was ready: {printed}",
                self.doc
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stop_all(&mut self) {
        self.stop_bots();
        for started in std::mem::take(&mut self.started) {
            stop(started, &self.doc);
        }
    }

    fn stop_bots(&mut self) {
        for mut bot in std::mem::take(&mut self.bots) {
            // SAFETY: kill(2) on the bot's own process group.
            unsafe {
                libc::kill(-(bot.id() as i32), libc::SIGKILL);
            }
            let _ = bot.wait();
        }
    }
}

impl Drop for Walk {
    fn drop(&mut self) {
        self.stop_bots();
        for started in &mut self.started {
            let _ = started.child.kill();
            let _ = started.child.wait();
        }
    }
}

/// The word after `flag` in `line`.
fn word_after(line: &str, flag: &str) -> Option<String> {
    let mut words = line.split_whitespace();
    words.find(|w| *w == flag)?;
    words.next().map(str::to_owned)
}

fn normalize(path: &str) -> String {
    path.trim_start_matches("./")
        .trim_end_matches('/')
        .to_owned()
}

fn port_of(address: &str) -> u16 {
    address
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {address}"))
}

/// Waits until `ready` holds (`what` says what it waits for); fails with the lizi's log if
/// it exits first or takes longer than [`STARTUP`].
fn wait_until(started: &mut Started, doc: &str, what: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + STARTUP;
    loop {
        if let Some(status) = started.child.try_wait().expect("try_wait") {
            panic!(
                "{doc}: `{}` exited ({status}) before {what}:\n{}",
                started.line,
                log(started)
            );
        }
        if ready() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{doc}: `{}` did not get to {what} within {STARTUP:?}:\n{}",
            started.line,
            log(started)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether `GET /health` on `port` answers 200.
fn health(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

fn log(started: &Started) -> String {
    std::fs::read_to_string(&started.stderr).unwrap_or_default()
}

/// Stops a lizi as Ctrl-C would, and checks that it exits cleanly.
fn stop(mut started: Started, doc: &str) {
    let pid = started.child.id();
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("kill -INT {pid}"))
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -INT {pid} failed");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = started.child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = started.child.kill();
            let _ = started.child.wait();
            panic!(
                "{doc}: `{}` did not stop on Ctrl-C:\n{}",
                started.line,
                log(&started)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(
        status.code(),
        Some(0),
        "{doc}: `{}` did not exit cleanly on Ctrl-C:\n{}",
        started.line,
        log(&started)
    );
}
