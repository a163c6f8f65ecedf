//! A conversation becomes a test: recorded on a running lizi (the simulated network with
//! the example XLZ and OneBot bots, and real accounts through the bridge), the file
//! replays green with `lizi test` as it is, and fails — showing the recorded and the new
//! answer — when the bot changes. Plus the recording's endpoints as a client sees them.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::bridge::{Bridge, Network};
use common::child::{Lizi, LIZI_VARS};
use common::scenario_run::{lizi_test, root, BotProcess, XLZ_BOT};
use common::{python_available, Scratch, Server};
use serde_json::{json, Value};

/// Waits until `check` holds, polling; panics with `what` after 20 s.
async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(20);
    while !check().await {
        assert!(Instant::now() < deadline, "{what} never happened");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A copy of an example bot answering `PONG` where it answered `pong`.
fn changed_bot(scratch: &Scratch, example: &str) -> String {
    let source = std::fs::read_to_string(root().join(example)).expect("the example bot");
    assert!(source.contains("\"pong\""), "{example} answers pong");
    let path = scratch.write("changed_bot.py", &source.replace("\"pong\"", "\"PONG\""));
    format!("python3 {path}")
}

/// `lizi test` on `file` passes with `bot`, and fails with `changed`, its report showing
/// the recorded answer and the new one.
fn replays_and_catches_the_change(file: &str, bot: &str, changed: &str) {
    let run = lizi_test(&[file, "--bot", bot], Duration::from_secs(120));
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("1 passed, 0 failed"), "{}", run.stdout);
    let run = lizi_test(&[file, "--bot", changed], Duration::from_secs(120));
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("expected: the bot says \"pong\" in group"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("what happened: the bot said \"PONG\" in group"),
        "{}",
        run.stdout
    );
}

/// Waits until the bot has answered `ping` in `group` of the lizi at `base`.
async fn bot_answers(client: &reqwest::Client, base: &str, group: u64) {
    bot_said(client, base, group, "pong").await;
}

/// Waits until `text` was said in `group` of the lizi at `base`.
async fn bot_said(client: &reqwest::Client, base: &str, group: u64, text: &str) {
    until(text, || async {
        let page: Value = client
            .get(format!("{base}/sim/history?group={group}"))
            .send()
            .await
            .expect("history")
            .json()
            .await
            .expect("json");
        page["messages"]
            .as_array()
            .is_some_and(|all| all.iter().any(|m| m["text"] == text))
    })
    .await;
}

async fn sim(client: &reqwest::Client, base: &str, action: &str, body: Value) -> Value {
    let (status, answer) = common::post_json(client, &format!("{base}/sim/{action}"), &body).await;
    assert_eq!(status, 200, "/sim/{action} {body}: {answer}");
    answer
}

/// Waits until the bot says it is ready (connected).
async fn bot_ready(bot: &BotProcess) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !bot.said_ready() {
        assert!(
            Instant::now() < deadline,
            "the bot never got ready: {}",
            bot.output()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_recording_with_the_xlz_bot_replays_green_and_fails_when_the_bot_changes() {
    if !python_available(false) {
        return;
    }
    let scratch = Scratch::new("record-xlz");
    let data = scratch.data();
    let mut lizi = Lizi::spawn(
        &scratch.0,
        &["--listen", "127.0.0.1:0", "--data", &data],
        &[],
    );
    let base = format!("http://127.0.0.1:{}", lizi.port());
    let client = reqwest::Client::new();
    let bot = BotProcess::start(
        XLZ_BOT,
        &[("LIZI_URL", base.clone()), ("LIZI_ACCOUNT", "10001".into())],
        scratch.path("bot.log"),
    );
    bot_ready(&bot).await;
    // `lizi record` records until Ctrl-C.
    let file = scratch.path("recorded.toml");
    let mut record = Command::new(env!("CARGO_BIN_EXE_lizi"));
    record
        .args(["record", "--url", &base, "--out"])
        .arg(&file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for var in LIZI_VARS {
        record.env_remove(var);
    }
    let mut record = record.spawn().expect("lizi record runs");
    until("the recording", || async {
        let status: Value = client
            .get(format!("{base}/lizi/record"))
            .send()
            .await
            .expect("status")
            .json()
            .await
            .expect("json");
        status["recording"] == true
    })
    .await;
    sim(
        &client,
        &base,
        "message",
        json!({"from": 20001, "group": 30001, "text": "ping"}),
    )
    .await;
    bot_answers(&client, &base, 30001).await;
    sim(
        &client,
        &base,
        "message",
        json!({"from": 20002, "group": 30001, "text": "hello"}),
    )
    .await;
    // As people do, the next one speaks once the bot has answered: an answer after the
    // next message would be taken for that message's.
    bot_said(&client, &base, 30001, "hi [@20002]").await;
    sim(
        &client,
        &base,
        "message",
        json!({"from": 20003, "group": 30001, "text": "just chatting"}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    sim(
        &client,
        &base,
        "message",
        json!({"from": 20002, "to": 10001, "text": "ping"}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    // SAFETY: kill(2) on the child started above.
    unsafe {
        libc::kill(record.id() as i32, libc::SIGINT);
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while record.try_wait().expect("wait").is_none() {
        assert!(
            Instant::now() < deadline,
            "lizi record did not stop on SIGINT"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = record.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("wrote"), "{stderr}");
    let text = std::fs::read_to_string(&file).expect("the recorded file");
    for piece in [
        "say = \"ping\"",
        "text = \"pong\"",
        "text = \"hi [@20002]\"",
        "say = \"just chatting\"",
        "expect_silence = ",
        "to = 20002",
    ] {
        assert!(text.contains(piece), "{piece} is not in\n{text}");
    }
    lizi.terminate();
    let changed = changed_bot(&scratch, "examples/xlz_echo_bot.py");
    replays_and_catches_the_change(file.to_str().expect("UTF-8"), XLZ_BOT, &changed);
}

#[tokio::test]
async fn a_recording_with_the_onebot_bot_replays_green_and_fails_when_the_bot_changes() {
    if !python_available(true) {
        return;
    }
    let scratch = Scratch::new("record-onebot");
    let data = scratch.data();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let url = format!("ws://127.0.0.1:{port}/ws/");
    let mut lizi = Lizi::spawn(
        &scratch.0,
        &[
            "--listen",
            "127.0.0.1:0",
            "--data",
            &data,
            "--onebot-reverse-url",
            &url,
            "--onebot-reconnect-ms",
            "100",
        ],
        &[],
    );
    let base = format!("http://127.0.0.1:{}", lizi.port());
    let client = reqwest::Client::new();
    let bot = BotProcess::start(
        "python3 examples/onebot_bot.py",
        &[("LIZI_ONEBOT_REVERSE_PORT", port.to_string())],
        scratch.path("bot.log"),
    );
    bot_ready(&bot).await;
    let started = client
        .post(format!("{base}/lizi/record/start"))
        .body(r#"{"groups":[30001],"name":"the OneBot bot, recorded"}"#)
        .send()
        .await
        .expect("start");
    assert_eq!(started.status(), 200);
    sim(
        &client,
        &base,
        "message",
        json!({"from": 20001, "group": 30001, "text": "ping"}),
    )
    .await;
    bot_answers(&client, &base, 30001).await;
    sim(
        &client,
        &base,
        "message",
        json!({"from": 20002, "group": 30001, "text": "not for the bot"}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let stopped = client
        .post(format!("{base}/lizi/record/stop"))
        .send()
        .await
        .expect("stop");
    assert_eq!(stopped.status(), 200);
    assert_eq!(
        stopped.headers()["content-type"],
        "application/toml; charset=UTF-8"
    );
    let text = stopped.text().await.expect("the file");
    assert!(
        text.contains("onebot_reverse_url = \"ws://127.0.0.1:{port}/ws/\""),
        "{text}"
    );
    assert!(
        text.contains("name = \"the OneBot bot, recorded\""),
        "{text}"
    );
    lizi.terminate();
    let file = scratch.write("recorded.toml", &text);
    let changed = changed_bot(&scratch, "examples/onebot_bot.py");
    replays_and_catches_the_change(&file, "python3 examples/onebot_bot.py", &changed);
}

/// The real side of the bridge test: numbers and names that look like real ones, which
/// the recorded file must not hold.
const REAL_WORLD: &str = r#"
[[account]]
uin = 3141592653
nickname = "真机器人"

[[user]]
uin = 271828182
nickname = "张伟"

[[user]]
uin = 161803398
nickname = "李娜"

[[user]]
uin = 141421356
nickname = "王芳"

[[group]]
gin = 662607015
name = "真实测试群"
owner = 271828182
admins = [3141592653]
members = [3141592653, 271828182, 161803398]
cards = { 161803398 = "娜娜" }
"#;

#[tokio::test]
async fn a_recording_through_the_bridge_is_anonymised_and_replays_on_a_fresh_network() {
    if !python_available(false) {
        return;
    }
    const ACCOUNT: u64 = 3141592653;
    const GROUP: u64 = 662607015;
    let scratch = Scratch::new("record-bridge");
    let world = scratch.write("real-world.toml", REAL_WORLD);
    let bridge = Bridge::start(&scratch, "127.0.0.1:0", &[]);
    let network = Network::start(&scratch, &bridge.accept, "napcat", &["--world", &world]);
    bridge.wait_state(ACCOUNT, "在线").await;
    let bot = BotProcess::start(
        XLZ_BOT,
        &[
            ("LIZI_URL", bridge.base.clone()),
            ("LIZI_ACCOUNT", ACCOUNT.to_string()),
        ],
        scratch.path("bot.log"),
    );
    let client = reqwest::Client::new();
    bot_ready(&bot).await;
    let started = client
        .post(format!("{}/lizi/record/start", bridge.base))
        .send()
        .await
        .expect("start");
    assert_eq!(started.status(), 200);
    network.say(271828182, GROUP, "ping").await;
    bot_answers(&client, &network.base, GROUP).await;
    network.say(161803398, GROUP, "hello").await;
    until("the bot's greeting", || async {
        let messages = network.history(&format!("group={GROUP}")).await;
        messages.iter().any(|m| m["text"] == "hi [@161803398]")
    })
    .await;
    let oops = network.say(161803398, GROUP, "oops, 张伟").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    network
        .sim_ok(
            "recall",
            json!({"user": 161803398, "group": GROUP, "req": oops["req"], "random": oops["random"]}),
        )
        .await;
    network
        .sim_ok(
            "join_request",
            json!({"from": 141421356, "group": GROUP, "text": "我是王芳"}),
        )
        .await;
    until("the bot's welcome", || async {
        let messages = network.history(&format!("group={GROUP}")).await;
        messages.iter().any(|m| m["text"] == "welcome [@141421356]")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopped = client
        .post(format!("{}/lizi/record/stop", bridge.base))
        .send()
        .await
        .expect("stop");
    assert_eq!(stopped.status(), 200);
    let text = stopped.text().await.expect("the file");
    for real in [
        "3141592653",
        "271828182",
        "161803398",
        "141421356",
        "662607015",
        "真机器人",
        "张伟",
        "李娜",
        "娜娜",
        "王芳",
        "真实测试群",
    ] {
        assert!(
            !text.contains(real),
            "{real} is in the recorded file:\n{text}"
        );
    }
    for piece in [
        "account = 10001",
        "say = \"ping\"",
        "from = 20001",
        "text = \"hi [@20002]\"",
        "recall = 20002",
        "join_request = 20003",
        "expect = \"accept\"",
        "text = \"welcome [@20003]\"",
        "Real QQ numbers, group numbers, nicknames and cards were replaced",
    ] {
        assert!(text.contains(piece), "{piece} is not in\n{text}");
    }
    drop(network);
    drop(bridge);
    let file = scratch.write("recorded.toml", &text);
    let run = lizi_test(&[&file, "--bot", XLZ_BOT], Duration::from_secs(120));
    assert_eq!(run.code, Some(0), "{}\n{}\n{text}", run.stdout, run.stderr);
}

/// The file as `/lizi/record/stop` answers it, for a conversation on the in-process server.
async fn stop(server: &Server) -> (u16, String) {
    server.post("/lizi/record/stop", "").await
}

#[tokio::test]
async fn the_recording_endpoints_answer_as_documented() {
    let server = Server::start_with(|settings| settings.api.record_max_events = 3).await;
    let status = |server: &Server| {
        let url = server.url("/lizi/record");
        let client = server.client.clone();
        async move {
            let answer = client.get(url).send().await.expect("status");
            serde_json::from_str::<Value>(&answer.text().await.expect("body")).expect("json")
        }
    };
    assert_eq!(status(&server).await, json!({"recording": false}));
    // A bad body starts nothing; stopping what does not run is refused.
    let (code, answer) = server.post("/lizi/record/start", r#"{"group":[1]}"#).await;
    assert_eq!(code, 400, "{answer}");
    assert_eq!(status(&server).await["recording"], false);
    assert_eq!(stop(&server).await.0, 409);
    let (code, _) = server.post("/lizi/record/start", "").await;
    assert_eq!(code, 200);
    let (code, answer) = server.post("/lizi/record/start", "").await;
    assert_eq!(code, 409, "one recording at a time: {answer}");
    for text in ["one", "two", "three", "four", "five"] {
        let (code, _) = server
            .sim(
                "message",
                json!({"from": 20001, "group": 30001, "text": text}),
            )
            .await;
        assert_eq!(code, 200);
    }
    // Each message is seen by both framework accounts in the group: ten events, three
    // kept.
    until("the events recorded", || async {
        status(&server).await["dropped"] == 7
    })
    .await;
    let now = status(&server).await;
    assert_eq!(
        (now["recording"].clone(), now["events"].clone()),
        (json!(true), json!(3))
    );
    let (code, file) = stop(&server).await;
    assert_eq!(code, 200, "{file}");
    assert!(
        file.contains("The recording held more than 3 events: the oldest 7 were dropped"),
        "{file}"
    );
    assert!(file.contains("say = \"five\""), "{file}");
    assert!(!file.contains("say = \"one\""), "{file}");
    assert_eq!(status(&server).await["recording"], false);
    assert_eq!(stop(&server).await.0, 409);
    // Documented beside the rest.
    let document: Value = server
        .client
        .get(server.url("/openapi.json"))
        .send()
        .await
        .expect("openapi")
        .json()
        .await
        .expect("json");
    for path in ["/lizi/record", "/lizi/record/start", "/lizi/record/stop"] {
        assert!(document["paths"][path].is_object(), "{path}");
    }
    // Methods.
    let (code, _) = server.post("/lizi/record", "").await;
    assert_eq!(code, 405);
}

#[tokio::test]
async fn recording_takes_the_same_credentials_as_the_rest() {
    let server = Server::start_with(|settings| settings.api.token = Some("sekret".into())).await;
    let url = server.url("/lizi/record/start");
    let refused = server.client.post(&url).send().await.expect("start");
    assert_eq!(refused.status(), 403);
    let status: Value = server
        .client
        .get(server.url("/lizi/record"))
        .bearer_auth("sekret")
        .send()
        .await
        .expect("status")
        .json()
        .await
        .expect("json");
    assert_eq!(
        status["recording"], false,
        "the refused start started nothing"
    );
    let allowed = server
        .client
        .post(&url)
        .bearer_auth("sekret")
        .send()
        .await
        .expect("start");
    assert_eq!(allowed.status(), 200);
}
