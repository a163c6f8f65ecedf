//! `lizi test` and signals: SIGTERM and SIGINT stop a run at once, kill every bot and all
//! it started (a `setsid` grandchild and a double-forked orphan too), report the
//! scenarios as interrupted, still write the JUnit file, and exit with 143 / 130.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::child::LIZI_VARS;
use common::Scratch;

/// The processes the bot starts, each writing its pid to `<name>.pid`: the bot's shell,
/// a child, a grandchild in the child's group, a grandchild that left the group and the
/// session with `setsid`, and an orphan whose parent exited at once.
const PIDS: &[&str] = &["shell", "child", "grandchild", "setsid", "orphan"];

/// The bot: starts its family, says `ready`, and waits.
fn bot_command(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "echo $$ > {d}/shell.pid; \
         sh -c 'echo $$ > {d}/child.pid; \
                sh -c \"echo \\$\\$ > {d}/grandchild.pid; exec sleep 300\" & \
                setsid sh -c \"echo \\$\\$ > {d}/setsid.pid; exec sleep 300\" & \
                wait' & \
         (sh -c 'echo $$ > {d}/orphan.pid; exec sleep 300' &); \
         echo ready; wait"
    )
}

/// Whether process `pid` exists (a zombie counts: it is not reaped).
fn alive(pid: i32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Runs two scenarios with `--jobs 1` (one running, one waiting for its turn), sends
/// `signal` once the running one's bot has started its family, and checks what follows.
fn interrupted_run(signal: i32, name: &str, code: i32) {
    let scratch = Scratch::new(&format!("signals-{name}"));
    let bot = bot_command(&scratch.0);
    let scenario = format!(
        "name = \"waits\"\nbot = {bot:?}\n\n[[step]]\nwait = 60000\n\n[[step]]\nexpect_silence = 100\ngroup = 30001\n"
    );
    let first = scratch.write("a_running.toml", &scenario);
    let second = scratch.write("b_waiting.toml", &scenario.replace("waits", "queued"));
    let junit = scratch.path("junit.xml");
    let mut command = Command::new(env!("CARGO_BIN_EXE_lizi"));
    command
        .args(["test", &first, &second, "--jobs", "1", "--junit"])
        .arg(&junit)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in LIZI_VARS {
        command.env_remove(var);
    }
    let mut run = command.spawn().expect("lizi test runs");
    let started = Instant::now();
    let pid_of = |name: &str| -> Option<i32> {
        std::fs::read_to_string(scratch.path(&format!("{name}.pid")))
            .ok()?
            .trim()
            .parse()
            .ok()
    };
    while PIDS.iter().any(|name| pid_of(name).is_none()) {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = run.kill();
            panic!("the bot's processes did not all start");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let pids: Vec<i32> = PIDS.iter().filter_map(|name| pid_of(name)).collect();
    assert!(pids.iter().all(|pid| alive(*pid)), "{pids:?}");
    // The scenario is in its `wait` step by now (the bot said `ready` before waiting).
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: kill(2) on the child we started.
    unsafe {
        libc::kill(run.id() as i32, signal);
    }
    let signalled = Instant::now();
    while run.try_wait().expect("wait").is_none() {
        if signalled.elapsed() > Duration::from_secs(10) {
            let _ = run.kill();
            panic!("lizi test did not stop within 10 s of {name}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let stopped_in = signalled.elapsed();
    let output = run.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let left: Vec<(&str, i32)> = PIDS
        .iter()
        .copied()
        .zip(pids.iter().copied())
        .filter(|(_, pid)| alive(*pid))
        .collect();
    for (_, pid) in &left {
        // SAFETY: kill(2) on a process this test's bot started.
        unsafe {
            libc::kill(*pid, libc::SIGKILL);
        }
    }
    assert_eq!(left, [], "processes outlived lizi test\n{stdout}\n{stderr}");
    assert_eq!(output.status.code(), Some(code), "{stdout}\n{stderr}");
    assert!(stopped_in < Duration::from_secs(5), "{stopped_in:?}");
    let text = format!("{name} during step 1 (wait)");
    assert!(
        stdout.contains(&format!("INTERRUPTED {first}: waits (")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("INTERRUPTED {second}: queued (")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("  interrupted by {text}\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "  interrupted by {name} during the wait for its turn\n"
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("PASS"), "{stdout}");
    assert!(
        stdout.ends_with("\n0 passed, 0 failed, 2 interrupted\n"),
        "{stdout}"
    );
    let xml = std::fs::read_to_string(&junit).expect("the JUnit file is written");
    assert!(
        xml.contains("tests=\"2\" failures=\"0\" errors=\"2\""),
        "{xml}"
    );
    assert!(
        xml.contains(&format!("<error message=\"interrupted by {text}\">")),
        "{xml}"
    );
    assert!(xml.contains("<system-out>ready\n</system-out>"), "{xml}");
}

#[test]
fn sigterm_stops_the_run_and_kills_every_bot_process() {
    interrupted_run(libc::SIGTERM, "SIGTERM", 143);
}

#[test]
fn sigint_stops_the_run_and_kills_every_bot_process() {
    interrupted_run(libc::SIGINT, "SIGINT", 130);
}

/// A scenario's end kills its bot's whole family, the `setsid` grandchild and the orphan
/// too, before the next scenario starts: the next bot finds none of them alive.
#[test]
fn a_scenario_end_kills_every_bot_process_before_the_next_starts() {
    let scratch = Scratch::new("signals-end");
    let first_dir = scratch.path("first");
    std::fs::create_dir_all(&first_dir).expect("folder");
    let first = scratch.write(
        "a_first.toml",
        &format!(
            "name = \"first\"\nbot = {:?}\n\n[[step]]\nwait = 1000\n",
            bot_command(&first_dir)
        ),
    );
    let alive_file = scratch.path("alive.txt");
    let d = first_dir.display();
    let census = format!(
        "for f in {d}/*.pid; do kill -0 $(cat $f) 2>/dev/null && echo $f >> {}; done; \
         echo ready; exec sleep 300",
        alive_file.display()
    );
    let second = scratch.write(
        "b_second.toml",
        &format!("name = \"second\"\nbot = {census:?}\n\n[[step]]\nwait = 100\n"),
    );
    let mut command = Command::new(env!("CARGO_BIN_EXE_lizi"));
    command
        .args(["test", &first, &second, "--jobs", "1"])
        .stdin(Stdio::null());
    for var in LIZI_VARS {
        command.env_remove(var);
    }
    let output = command.output().expect("lizi test runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let pids: Vec<i32> = PIDS
        .iter()
        .filter_map(|name| {
            std::fs::read_to_string(first_dir.join(format!("{name}.pid")))
                .ok()?
                .trim()
                .parse()
                .ok()
        })
        .collect();
    for pid in pids.iter().filter(|pid| alive(**pid)) {
        // SAFETY: kill(2) on a process this test's bot started.
        unsafe {
            libc::kill(*pid, libc::SIGKILL);
        }
    }
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert_eq!(pids.len(), PIDS.len(), "{stdout}");
    let seen_alive = std::fs::read_to_string(&alive_file).unwrap_or_default();
    assert_eq!(seen_alive, "", "the first bot's processes outlived it");
}
