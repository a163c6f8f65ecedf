//! `lizi test` (and other commands that start bots) run as a bot author would: the real
//! binary, in the workspace root, with the test's own LIZI_* variables cleared.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::child::LIZI_VARS;

/// The workspace root: the examples' paths are relative to it.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The example XLZ bot's command.
pub const XLZ_BOT: &str = "python3 examples/xlz_echo_bot.py";

/// What a run of `lizi test` gave.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// One `lizi test` at a time: each starts several Python bots, and on a loaded machine
/// their start-up would eat into the scenarios' time limits.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `lizi test <args>` in the workspace root; kills it after `limit`.
pub fn lizi_test(args: &[&str], limit: Duration) -> Run {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let started = Instant::now();
    let mut command = Command::new(env!("CARGO_BIN_EXE_lizi"));
    command
        .arg("test")
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in LIZI_VARS {
        command.env_remove(var);
    }
    let mut child = command.spawn().expect("lizi runs");
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("lizi test {args:?} did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("output");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A bot started in the workspace root in its own process group, its output kept in a
/// file; killed (the whole group) when dropped.
pub struct BotProcess {
    child: Child,
    output: PathBuf,
}

impl BotProcess {
    /// Starts `command` with `sh -c` and `env`, its stdout and stderr going to `output`.
    pub fn start(command: &str, env: &[(&str, String)], output: PathBuf) -> BotProcess {
        use std::os::unix::process::CommandExt;
        let log = std::fs::File::create(&output).expect("the bot's output file");
        let mut shell = Command::new("sh");
        shell
            .args(["-c", command])
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("the output file"))
            .stderr(log)
            .process_group(0);
        for var in LIZI_VARS {
            shell.env_remove(var);
        }
        for (key, value) in env {
            shell.env(key, value);
        }
        BotProcess {
            child: shell.spawn().expect("the bot starts"),
            output,
        }
    }

    /// Whether the bot printed its `ready` line.
    pub fn said_ready(&self) -> bool {
        std::fs::read_to_string(&self.output)
            .is_ok_and(|text| text.lines().any(|line| line.trim() == "ready"))
    }

    /// What the bot printed so far.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.output).unwrap_or_default()
    }

    /// Waits until the bot says it is ready (connected), at most 30 s.
    pub async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.said_ready() {
            assert!(
                Instant::now() < deadline,
                "the bot never got ready: {}",
                self.output()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A copy of an example bot (`example`, from the root) answering `PONG` where it answered
/// `pong`, written in `folder`; answers the command that starts it.
pub fn changed_bot(folder: &Path, example: &str) -> String {
    let source = std::fs::read_to_string(root().join(example)).expect("the example bot");
    assert!(source.contains("\"pong\""), "{example} answers pong");
    let path = folder.join("changed_bot.py");
    std::fs::write(&path, source.replace("\"pong\"", "\"PONG\"")).expect("write the bot");
    format!("python3 {}", path.display())
}

/// `lizi test` on the recorded `file` passes with `bot`, and fails with `changed` (see
/// [`changed_bot`]), its report showing the recorded answer and the new one.
pub fn replays_and_catches_the_change(file: &str, bot: &str, changed: &str) {
    let run = lizi_test(&[file, "--bot", bot], Duration::from_secs(120));
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("1 passed, 0 failed"), "{}", run.stdout);
    let run = lizi_test(&[file, "--bot", changed], Duration::from_secs(120));
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    for shown in [
        "expected: the bot says \"pong\" in group",
        "what happened: the bot said \"PONG\" in group",
    ] {
        assert!(run.stdout.contains(shown), "{shown}: {}", run.stdout);
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        // SAFETY: kill(2) on the bot's own process group (its id is the shell's pid).
        unsafe {
            libc::kill(-(self.child.id() as i32), libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}
