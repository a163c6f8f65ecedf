//! `lizi test`: the real binary runs the example scenarios against the example bots in
//! `examples/` (Python), as a bot author would in CI; and the simulated clock's control
//! action, over HTTP.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::python_available;
use common::scenario_run::{lizi_test, root, XLZ_BOT};
use common::Server;
use serde_json::{json, Value};

/// The report with clock times (`[05:07:21]`) and durations (`(0.31 s)`) masked.
fn masked(text: &str) -> String {
    let times = regex::Regex::new(r"\[\d\d:\d\d:\d\d\]").expect("regex");
    let durations = regex::Regex::new(r"\(\d+\.\d\d s\)").expect("regex");
    let text = times.replace_all(text, "[hh:mm:ss]");
    durations.replace_all(&text, "(t s)").into_owned()
}

/// A scratch file path for a JUnit document.
fn junit_path(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("lizi-junit-{tag}-{}.xml", std::process::id()))
}

/// The testcases of a JUnit file, parsed by Python's XML parser: name, classname,
/// failure message (or null) and system-out.
fn junit_cases(path: &Path) -> Value {
    let script = r#"
import json, sys, xml.etree.ElementTree as E
root = E.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
cases = []
for case in suite.iter("testcase"):
    failure = case.find("failure")
    out = case.find("system-out")
    cases.append({
        "name": case.get("name"),
        "classname": case.get("classname"),
        "failure": None if failure is None else failure.get("message"),
        "report": None if failure is None else failure.text,
        "out": None if out is None else out.text,
    })
print(json.dumps({"tests": suite.get("tests"), "failures": suite.get("failures"), "cases": cases}))
"#;
    let output = Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "the JUnit XML does not parse: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("json")
}

#[test]
fn the_example_scenarios_pass_against_the_example_bots() {
    if !python_available(true) {
        return;
    }
    let junit = junit_path("pass");
    let junit_arg = junit.to_string_lossy().into_owned();
    let run = lizi_test(
        &[
            "examples/scenarios",
            "--bot",
            XLZ_BOT,
            "--junit",
            &junit_arg,
        ],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    let mut lines: Vec<String> = masked(&run.stdout).lines().map(str::to_owned).collect();
    assert_eq!(lines.pop().as_deref(), Some("6 passed, 0 failed"));
    lines.sort();
    assert_eq!(
        lines,
        [
            "",
            "PASS examples/scenarios/clock.toml: a mute ends with the clock (t s)",
            "PASS examples/scenarios/moderation.toml: moderation (t s)",
            "PASS examples/scenarios/onebot.toml: a OneBot bot answers ping (t s)",
            "PASS examples/scenarios/pictures.toml: pictures and replies (t s)",
            "PASS examples/scenarios/ping.toml: ping gets pong (t s)",
            "PASS examples/scenarios/requests.toml: requests and welcomes (t s)",
        ]
    );
    let parsed = junit_cases(&junit);
    let _ = std::fs::remove_file(&junit);
    assert_eq!(
        (parsed["tests"].as_str(), parsed["failures"].as_str()),
        (Some("6"), Some("0"))
    );
    let names: Vec<&str> = parsed["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|case| {
            assert_eq!(case["failure"], Value::Null);
            let out = case["out"].as_str().unwrap_or_default();
            assert!(out.lines().any(|line| line == "ready"), "{case}");
            case["name"].as_str().expect("name")
        })
        .collect();
    assert_eq!(
        names,
        [
            "a mute ends with the clock",
            "moderation",
            "a OneBot bot answers ping",
            "pictures and replies",
            "ping gets pong",
            "requests and welcomes",
        ]
    );
}

#[test]
fn each_failing_expectation_is_reported_exactly() {
    if !python_available(false) {
        return;
    }
    let junit = junit_path("fail");
    let junit_arg = junit.to_string_lossy().into_owned();
    let run = lizi_test(
        &[
            "examples/failing",
            "--bot",
            XLZ_BOT,
            "--jobs",
            "4",
            "--junit",
            &junit_arg,
        ],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    // The bot that exits and the one that never connects (within 500 ms) end their
    // scenarios quickly: nothing waits for them beyond their limits.
    for quick in [
        "exits_early.toml: exits early (",
        "never_connects.toml: never connects (",
    ] {
        let line = run
            .stdout
            .lines()
            .find(|line| line.contains(quick))
            .expect(quick);
        let seconds: f64 = line[line.rfind('(').expect("(") + 1..]
            .trim_end_matches(" s)")
            .parse()
            .expect("seconds");
        assert!(seconds < 10.0, "{line}");
    }
    let stdout = masked(&run.stdout);
    let (progress, reports) = stdout.split_once("\n\n").expect("progress, then reports");
    let mut progress: Vec<&str> = progress.lines().collect();
    progress.sort();
    let files = [
        ("accept", "accept"),
        ("crash", "crash"),
        ("exits_early", "exits early"),
        ("invalid", "invalid"),
        ("kick", "kick"),
        ("mute", "mute"),
        ("never_connects", "never connects"),
        ("pattern", "pattern"),
        ("recall", "recall"),
        ("silence", "silence"),
        ("text_code", "text code"),
        ("world", "world"),
        ("wrong_text", "wrong text"),
    ];
    let expected: Vec<String> = files
        .iter()
        .map(|(file, name)| format!("FAIL examples/failing/{file}.toml: {name} (t s)"))
        .collect();
    assert_eq!(progress, expected);
    let expected_reports = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenario/failing_report.txt"),
    )
    .expect("the expected report");
    assert_eq!(reports, expected_reports);
    // The bot of `never_connects` (its whole process group) is gone.
    let left = std::fs::read_dir("/proc")
        .expect("/proc")
        .filter_map(|entry| std::fs::read(entry.ok()?.path().join("cmdline")).ok())
        .filter(|cmdline| String::from_utf8_lossy(cmdline).contains("29.75"))
        .count();
    assert_eq!(left, 0, "the bot's process group outlived its scenario");

    let parsed = junit_cases(&junit);
    let _ = std::fs::remove_file(&junit);
    assert_eq!(
        (parsed["tests"].as_str(), parsed["failures"].as_str()),
        (Some("13"), Some("13"))
    );
    let cases = parsed["cases"].as_array().expect("cases");
    let crash = cases
        .iter()
        .find(|case| case["name"] == "crash")
        .expect("the crash case");
    assert_eq!(crash["classname"], "examples/failing/crash.toml");
    assert_eq!(
        crash["failure"],
        "step 2 (wait): the bot exited (exit status: 3)"
    );
    assert_eq!(crash["out"], "ready\ncrashing on purpose\n");
    let wrong = cases
        .iter()
        .find(|case| case["name"] == "wrong text")
        .expect("the wrong text case");
    let report = masked(wrong["report"].as_str().expect("report"));
    assert!(
        report.contains("    [hh:mm:ss] lizi-bot (10001): pong\n"),
        "{report}"
    );
    let invalid = cases
        .iter()
        .find(|case| case["name"] == "invalid")
        .expect("the invalid case");
    assert_eq!(invalid["out"], Value::Null, "no bot was started for it");
}

#[test]
fn filter_runs_only_the_matching_scenarios() {
    if !python_available(false) {
        return;
    }
    let run = lizi_test(
        &["examples/scenarios", "--bot", XLZ_BOT, "--filter", "clock"],
        Duration::from_secs(30),
    );
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        masked(&run.stdout),
        "PASS examples/scenarios/clock.toml: a mute ends with the clock (t s)\n\n1 passed, 0 failed\n"
    );
    let none = lizi_test(
        &[
            "examples/scenarios",
            "--bot",
            XLZ_BOT,
            "--filter",
            "no such scenario",
        ],
        Duration::from_secs(30),
    );
    assert_ne!(none.code, Some(0));
    assert!(
        none.stderr.contains("no scenario to run"),
        "{}",
        none.stderr
    );
}

#[test]
fn the_documented_example_is_the_ping_scenario() {
    let readme =
        std::fs::read_to_string(root().join("docs/lizi-test.md")).expect("docs/lizi-test.md");
    let start = readme
        .find("```toml\n# The bot answers `ping`")
        .expect("docs/lizi-test.md shows examples/scenarios/ping.toml");
    let block = &readme[start + "```toml\n".len()..];
    let block = &block[..block.find("```").expect("the block ends")];
    let file = std::fs::read_to_string(root().join("examples/scenarios/ping.toml")).expect("file");
    assert_eq!(block, file);
}

/// `/sim/clock` moves the simulated time: a ten-minute mute ends at once.
#[tokio::test]
async fn the_clock_moves_forward_and_a_mute_ends() {
    let server = Server::start().await;
    let mute = json!({"operator": 20001, "group": 30001, "member": 20003, "seconds": 600});
    assert_eq!(server.sim("mute", mute).await.0, 200);
    let say = json!({"from": 20003, "group": 30001, "text": "can I talk?"});
    let (status, refused) = server.sim("message", say.clone()).await;
    assert_eq!((status, refused["kind"].as_str()), (409, Some("muted")));
    let (status, moved) = server.sim("clock", json!({"advance_seconds": 590})).await;
    assert_eq!(status, 200, "{moved}");
    let (_, group) = server.sim("group", json!({"gin": 30001})).await;
    let carol = |group: &Value| {
        group["members"]
            .as_array()
            .and_then(|members| members.iter().find(|m| m["uin"] == 20003).cloned())
            .expect("Carol")
    };
    let left = carol(&group)["mute_left"].as_i64().expect("mute_left");
    assert!((1..=10).contains(&left), "{left}");
    server.sim("clock", json!({"advance_seconds": 10})).await;
    let (status, sent) = server.sim("message", say).await;
    assert_eq!(status, 200, "{sent}");
    let (_, group) = server.sim("group", json!({"gin": 30001})).await;
    assert_eq!(carol(&group)["mute_left"], 0);
    // The message carries the simulated time: ten minutes ahead.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64;
    let ahead = sent["time"].as_i64().expect("time") - now;
    assert!((595..=605).contains(&ahead), "{ahead}");
    // A malformed body changes nothing.
    let (status, _) = server.sim("clock", json!({"advance_seconds": -5})).await;
    assert_eq!(status, 400);
}

/// Without a bot command, lizi listens on the scenario's `listen` address and runs the
/// steps once a bot started elsewhere connects.
#[test]
fn a_bot_already_running_elsewhere_is_waited_for() {
    if !python_available(false) {
        return;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let folder = common::temp_dir("running-bot");
    std::fs::create_dir_all(&folder).expect("folder");
    let scenario = folder.join("running.toml");
    let text = format!(
        "name = \"running bot\"\nlisten = \"127.0.0.1:{port}\"\n\n[[step]]\nsay = \"ping\"\nfrom = 20001\ngroup = 30001\n\n[[step]]\nexpect = \"message\"\ngroup = 30001\ntext = \"pong\"\nwithin_ms = 3000\n"
    );
    std::fs::write(&scenario, text).expect("scenario");
    // The bot starts on its own, pointed at the fixed port, and tries again until lizi
    // answers there.
    let mut bot = Command::new("sh")
        .args([
            "-c",
            "until python3 examples/xlz_echo_bot.py 2>/dev/null; do sleep 0.2; done",
        ])
        .current_dir(root())
        .env("LIZI_URL", format!("http://127.0.0.1:{port}"))
        .env("LIZI_ACCOUNT", "10001")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the bot starts");
    let run = lizi_test(&[&scenario.to_string_lossy()], Duration::from_secs(60));
    let _ = bot.kill();
    let _ = bot.wait();
    let _ = std::fs::remove_dir_all(&folder);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains(&format!("waiting for a bot at http://127.0.0.1:{port}")),
        "{}",
        run.stdout
    );
    assert!(
        masked(&run.stdout).ends_with("\n1 passed, 0 failed\n"),
        "{}",
        run.stdout
    );
}
