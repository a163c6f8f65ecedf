//! Start-up through the real binary: one lizi per data folder, a busy port or an unusable
//! folder refused before anything is written, clear reasons naming the path, no open door
//! to the network without a password or token, and a start-up log that says where
//! everything is.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::child::Lizi;
use common::{enc, Scratch};
use serde_json::Value;

/// The arguments as `&str`, as [`Lizi::spawn`] takes them.
fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

fn text(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// Runs lizi with `args` and the given variables; asserts it exits non-zero within ten
/// seconds and that its stderr contains every needle; returns the stderr.
fn refused(dir: &Path, args: &[&str], env: &[(&str, &str)], needles: &[&str]) -> String {
    let mut lizi = Lizi::spawn(dir, args, env);
    let (status, stderr) = lizi.wait_exit(Duration::from_secs(10));
    assert!(
        !status.success(),
        "lizi {args:?} started; stderr:\n{stderr}"
    );
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "lizi {args:?}: stderr does not mention `{needle}`:\n{stderr}"
        );
    }
    stderr
}

/// Every file of a folder with its bytes and modification time.
fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, std::time::SystemTime)> {
    std::fs::read_dir(dir)
        .expect("read the folder")
        .map(|entry| {
            let entry = entry.expect("entry");
            let path = entry.path();
            let modified = entry.metadata().and_then(|m| m.modified()).expect("mtime");
            (
                entry.file_name().to_string_lossy().into_owned(),
                (std::fs::read(&path).expect("read a file"), modified),
            )
        })
        .collect()
}

/// Waits until every thread of process `pid` has stopped (state `T`): a stop signal takes
/// effect on each thread a moment after it is sent.
fn wait_stopped(pid: u32) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).expect("threads");
        let stopped = tasks.flatten().all(|task| {
            std::fs::read_to_string(task.path().join("stat"))
                .ok()
                .and_then(|stat| Some(stat[stat.rfind(')')? + 1..].trim_start().starts_with('T')))
                .unwrap_or(true)
        });
        if stopped {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "lizi did not stop");
        std::thread::sleep(Duration::from_millis(5));
    }
}

async fn post(port: u16, path: &str, body: String) -> Value {
    let response = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}{path}"))
        .body(body)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("JSON")
}

async fn send_group_message(port: u16, text: &str) {
    let answer = post(
        port,
        "/sendgroupmsg",
        format!("fromqq=10001&togroup=30001&text={}", enc(text)),
    )
    .await;
    let inner: Value = serde_json::from_str(answer["ret"].as_str().expect("ret")).expect("ret");
    assert_eq!(inner["retcode"], 0, "{answer}");
}

#[tokio::test]
async fn a_second_lizi_on_a_data_folder_is_refused_and_touches_nothing() {
    let scratch = Scratch::new("start-lock");
    let data = scratch.path("data");
    let args = ["--listen", "127.0.0.1:0", "--data", text(&data)];
    let mut first = Lizi::spawn(&scratch.0, &args, &[]);
    let port = first.port();
    let session = post(port, "/allocsession", String::new()).await["session_id"]
        .as_u64()
        .expect("session");
    for n in 0..5 {
        send_group_message(port, &format!("first {n}")).await;
    }

    // Frozen, the first one writes nothing more, yet still holds the folder.
    first.signal("STOP");
    wait_stopped(first.id());
    let before = snapshot(&data);
    let in_use = format!("PID {}", first.id());
    refused(&scratch.0, &args, &[], &["in use", text(&data), &in_use]);
    let mut with_reset = args.to_vec();
    with_reset.push("--reset");
    refused(
        &scratch.0,
        &with_reset,
        &[],
        &["in use", text(&data), &in_use],
    );
    assert_eq!(
        snapshot(&data),
        before,
        "the refused lizi changed the folder"
    );
    first.signal("CONT");
    send_group_message(port, "first 5").await;

    // The kernel releases the lock of a killed lizi; everything it acknowledged is there.
    first.signal("KILL");
    let _ = first.wait_exit(Duration::from_secs(10));
    let mut next = Lizi::spawn(&scratch.0, &args, &[]);
    let port = next.port();
    let events = post(port, "/geteventv2", format!("sessid={session}")).await;
    let texts: Vec<&str> = events["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|event| event["LogonQQ"] == 10001)
        .map(|event| event["Msg"]["Text"].as_str().expect("text"))
        .collect();
    assert_eq!(
        texts,
        (0..6).map(|n| format!("first {n}")).collect::<Vec<_>>()
    );
    next.terminate();
}

#[test]
fn a_busy_port_is_refused_before_the_data_folder_is_created() {
    let scratch = Scratch::new("start-port");
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = busy.local_addr().expect("address").to_string();
    let data = scratch.path("data");
    refused(
        &scratch.0,
        &["--listen", &address, "--data", text(&data)],
        &[],
        &["cannot listen", &address],
    );
    assert!(!data.exists(), "a busy port left a data folder behind");
}

#[test]
fn a_start_up_error_prints_its_causes_and_a_backtrace_only_with_debug_logging() {
    let scratch = Scratch::new("start-trace");
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = busy.local_addr().expect("address").to_string();
    let data = scratch.path("data");
    let args = ["--listen", address.as_str(), "--data", text(&data)];
    // Whatever RUST_BACKTRACE says, the error and its causes, as sentences.
    for backtrace in ["1", "full"] {
        let stderr = refused(
            &scratch.0,
            &args,
            &[
                ("RUST_BACKTRACE", backtrace),
                ("RUST_LIB_BACKTRACE", backtrace),
            ],
            &["Error: cannot listen on", "Caused by:", "in use"],
        );
        assert!(
            !stderr.to_lowercase().contains("backtrace"),
            "RUST_BACKTRACE={backtrace}:\n{stderr}"
        );
    }
    // With debug logging, the backtrace too, whatever RUST_BACKTRACE says.
    let debug: Vec<&str> = args.iter().copied().chain(["--log", "debug"]).collect();
    refused(
        &scratch.0,
        &debug,
        &[("RUST_BACKTRACE", "0")],
        &["Error: cannot listen on", "Stack backtrace:"],
    );
}

#[test]
fn a_data_path_that_is_a_file_is_refused_by_name() {
    let scratch = Scratch::new("start-file");
    let file = scratch.path("not-a-folder");
    std::fs::write(&file, "keep").expect("write");
    refused(
        &scratch.0,
        &["--listen", "127.0.0.1:0", "--data", text(&file)],
        &[],
        &[text(&file), "is not a folder"],
    );
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "keep");
}

/// Folders made read-only, made writable again (so they can be removed) on drop.
struct ReadOnly(Vec<PathBuf>);

impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        for dir in &self.0 {
            let _ = Command::new("chattr").arg("-i").arg(dir).status();
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
        }
    }
}

/// Makes `dir` refuse new files, even to root (`chattr +i`, or mode 0555 for others);
/// false when this file system allows neither.
fn make_read_only(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let immutable = Command::new("chattr")
        .arg("+i")
        .arg(dir)
        .status()
        .is_ok_and(|status| status.success());
    if !immutable {
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555));
    }
    let probe = dir.join("probe");
    let refused = std::fs::File::create(&probe).is_err();
    let _ = std::fs::remove_file(probe);
    refused
}

#[tokio::test]
async fn a_read_only_data_folder_is_refused_by_name_and_reason() {
    let scratch = Scratch::new("start-read-only");
    // A used data folder (database and lock file in it), and a new empty one.
    let used = scratch.path("used");
    let args = ["--listen", "127.0.0.1:0", "--data", text(&used)];
    let mut lizi = Lizi::spawn(&scratch.0, &args, &[]);
    send_group_message(lizi.port(), "kept").await;
    lizi.terminate();
    let empty = scratch.path("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let mut guard = ReadOnly(Vec::new());
    for dir in [&used, &empty] {
        guard.0.push(dir.clone());
        if !make_read_only(dir) {
            // CI runs as root on a file system that takes `chattr +i`: there the test must run.
            assert!(
                std::env::var_os("CI").is_none(),
                "this file system cannot make a folder read-only, and CI must run this test"
            );
            eprintln!("skipped: this file system cannot make a folder read-only");
            return;
        }
        let before = snapshot(dir);
        refused(
            &scratch.0,
            &["--listen", "127.0.0.1:0", "--data", text(dir)],
            &[],
            &[text(dir), "is not writable"],
        );
        assert_eq!(snapshot(dir), before);
    }
}

#[test]
fn an_allow_rule_for_other_machines_needs_a_credential_or_insecure_open() {
    let scratch = Scratch::new("start-open");
    let data = scratch.path("data");
    let listen = ["--listen", "127.0.0.1:0", "--data", text(&data)];
    let with = |extra: &[&str]| -> Vec<String> {
        listen
            .iter()
            .chain(extra)
            .map(|arg| arg.to_string())
            .collect()
    };
    for (args, env) in [
        (with(&["--allow-from", "10.0.0.0/8"]), vec![]),
        (with(&[]), vec![("LIZI_ALLOW_FROM", "127.0.0.1,0.0.0.0/0")]),
        (
            with(&["--allow-from", "::/0", "--insecure-open", "false"]),
            vec![],
        ),
    ] {
        refused(
            &scratch.0,
            &strs(&args),
            &env,
            &["--password", "--token", "--insecure-open"],
        );
        assert!(!data.exists(), "a refused start created the data folder");
    }

    let config = scratch.path("lizi.toml");
    std::fs::write(
        &config,
        "allow_from = [\"192.168.0.0/16\"]\ninsecure_open = true\n",
    )
    .expect("write config");
    for (args, env) in [
        (
            with(&["--allow-from", "10.0.0.0/8", "--insecure-open"]),
            vec![],
        ),
        (
            with(&["--allow-from", "10.0.0.0/8"]),
            vec![("LIZI_TOKEN", "t")],
        ),
        (
            with(&["--allow-from", "10.0.0.0/8", "--password", "p"]),
            vec![],
        ),
        (with(&["--config", text(&config)]), vec![]),
        (with(&["--allow-from", "127.0.0.1"]), vec![]),
    ] {
        let mut lizi = Lizi::spawn(&scratch.0, &strs(&args), &env);
        lizi.port();
        lizi.terminate();
    }
}

/// The one line of `stderr` that contains `needle`.
fn only_line<'a>(stderr: &'a str, needle: &str) -> &'a str {
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains(needle))
        .collect();
    match lines.as_slice() {
        [line] => line,
        _ => panic!("{} lines with `{needle}` in:\n{stderr}", lines.len()),
    }
}

#[tokio::test]
async fn start_up_logs_one_line_each_for_the_data_folder_the_backend_and_every_listener() {
    let scratch = Scratch::new("start-log");
    let data = scratch.path("data");
    let mut lizi = Lizi::spawn(
        &scratch.0,
        &[
            "--listen",
            "127.0.0.1:0",
            "--data",
            text(&data),
            "--onebot-listen",
            "127.0.0.1:0",
        ],
        &[],
    );
    let port = lizi.port();
    lizi.line_with("onebot HTTP API listening on");
    // The console's URL in the log is the console.
    let console = format!("http://127.0.0.1:{port}/console/");
    let page = reqwest::get(&console).await.expect("GET the console");
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.expect("page").contains("<html"));
    let stderr = lizi.terminate();
    let folder = std::fs::canonicalize(&data).expect("the data folder");
    only_line(
        &stderr,
        &format!("data folder {} (flush full)", folder.display()),
    );
    only_line(
        &stderr,
        "backend: the simulated network, a new world from the built-in one",
    );
    only_line(
        &stderr,
        &format!(
            "lizi listening on http://127.0.0.1:{port}: the XLZ API, and the console at {console}"
        ),
    );
    let onebot = only_line(&stderr, "onebot HTTP API listening on 127.0.0.1:");
    assert!(
        onebot.contains("forward WebSocket at ws://127.0.0.1:"),
        "{onebot}"
    );
    // A new folder's database is created, not migrated.
    assert!(!stderr.contains("migrated"), "{stderr}");

    // A database of an older schema (1: no messages table, no shared message events) is
    // migrated, and says so.
    let database = rusqlite::Connection::open(data.join("lizi.db")).expect("open");
    database
        .execute_batch(
            "DROP TABLE messages;
             DROP TABLE event_shapes;
             ALTER TABLE events DROP COLUMN shape;
             ALTER TABLE events DROP COLUMN message;
             ALTER TABLE events DROP COLUMN logon;
             PRAGMA user_version = 1;",
        )
        .expect("back to schema 1");
    drop(database);
    let mut lizi = Lizi::spawn(
        &scratch.0,
        &["--listen", "127.0.0.1:0", "--data", text(&data)],
        &[],
    );
    lizi.port();
    let stderr = lizi.terminate();
    only_line(&stderr, "database schema migrated from=1 to=3");
    only_line(
        &stderr,
        "backend: the simulated network, its world loaded from the data folder",
    );
    assert!(!stderr.contains("onebot"), "{stderr}");

    // The bridge: its accept address, in memory.
    let mut lizi = Lizi::spawn(
        &scratch.0,
        &[
            "--listen",
            "127.0.0.1:0",
            "--flush",
            "memory",
            "--backend",
            "onebot",
            "--onebot-accept",
            "127.0.0.1:0",
        ],
        &[],
    );
    let port = lizi.port();
    lizi.line_with("onebot bridge accepting");
    let stderr = lizi.terminate();
    only_line(&stderr, "data folder: none, everything is kept in memory");
    only_line(
        &stderr,
        "backend: real QQ accounts, bridged through OneBot implementations",
    );
    only_line(
        &stderr,
        &format!("lizi listening on http://127.0.0.1:{port}: the XLZ API"),
    );
    only_line(
        &stderr,
        "onebot bridge accepting implementations on ws://127.0.0.1:",
    );
}
