//! A conversation becomes a test: recorded on a running lizi (the simulated network with
//! the example XLZ and OneBot bots, and real accounts through the bridge), the file
//! replays green with `lizi test` as it is, and fails — showing the recorded and the new
//! answer — when the bot changes. Plus the recording's endpoints as a client sees them.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::bridge::{Bridge, Network};
use common::child::{Lizi, LIZI_VARS};
use common::scenario_run::{
    changed_bot, lizi_test, replays_and_catches_the_change, BotProcess, XLZ_BOT,
};
use common::{python_available, Scratch, Server};
use serde_json::json;

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

/// A lizi on the simulated network, as a child process, and a client of it.
struct SimLizi {
    lizi: Lizi,
    base: String,
    client: reqwest::Client,
}

impl SimLizi {
    /// Starts `lizi` in `scratch` with `extra` arguments.
    fn start(scratch: &Scratch, extra: &[&str]) -> SimLizi {
        let mut lizi = Lizi::serve_in(&scratch.0, None, extra);
        let base = format!("http://127.0.0.1:{}", lizi.port());
        SimLizi {
            lizi,
            base,
            client: reqwest::Client::new(),
        }
    }

    /// Simulated user `from` says `text`: in `group`, or privately to the bot (0).
    async fn says(&self, from: u64, group: u64, text: &str) {
        let body = match group {
            0 => json!({"from": from, "to": 10001, "text": text}),
            group => json!({"from": from, "group": group, "text": text}),
        };
        let url = format!("{}/sim/message", self.base);
        let (status, answer) = common::post_json(&self.client, &url, &body).await;
        assert_eq!(status, 200, "{body}: {answer}");
    }

    /// Waits until `text` was said in `group`.
    async fn said(&self, group: u64, text: &str) {
        until(text, || async {
            let url = format!("{}/sim/history?group={group}", self.base);
            let page = common::get_json(&self.client, &url, None).await;
            page["messages"]
                .as_array()
                .is_some_and(|all| all.iter().any(|m| m["text"] == text))
        })
        .await;
    }

    /// `POST` to `path` with `body`; answers the status and the text.
    async fn post(&self, path: &str, body: &str) -> (u16, String) {
        let answer = self
            .client
            .post(format!("{}{path}", self.base))
            .body(body.to_owned())
            .send()
            .await
            .expect(path);
        (answer.status().as_u16(), answer.text().await.expect(path))
    }
}

#[tokio::test]
async fn a_recording_with_the_xlz_bot_replays_green_and_fails_when_the_bot_changes() {
    if !python_available(false) {
        return;
    }
    let scratch = Scratch::new("record-xlz");
    let mut lizi = SimLizi::start(&scratch, &[]);
    let bot = BotProcess::start(
        XLZ_BOT,
        &[
            ("LIZI_URL", lizi.base.clone()),
            ("LIZI_ACCOUNT", "10001".into()),
        ],
        scratch.path("bot.log"),
    );
    bot.wait_ready().await;
    // `lizi record` records until Ctrl-C.
    let file = scratch.path("recorded.toml");
    let mut record = Command::new(env!("CARGO_BIN_EXE_lizi"));
    record
        .args(["record", "--url", &lizi.base, "--out"])
        .arg(&file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for var in LIZI_VARS {
        record.env_remove(var);
    }
    let mut record = record.spawn().expect("lizi record runs");
    until("the recording", || async {
        let url = format!("{}/lizi/record", lizi.base);
        common::get_json(&lizi.client, &url, None).await["recording"] == true
    })
    .await;
    lizi.says(20001, 30001, "ping").await;
    lizi.said(30001, "pong").await;
    lizi.says(20002, 30001, "hello").await;
    // As people do, the next one speaks once the bot has answered: an answer after the
    // next message would be taken for that message's.
    lizi.said(30001, "hi [@20002]").await;
    lizi.says(20003, 30001, "just chatting").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    lizi.says(20002, 0, "ping").await;
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
    lizi.lizi.terminate();
    let changed = changed_bot(&scratch.0, "examples/xlz_echo_bot.py");
    replays_and_catches_the_change(file.to_str().expect("UTF-8"), XLZ_BOT, &changed);
}

#[tokio::test]
async fn a_recording_with_the_onebot_bot_replays_green_and_fails_when_the_bot_changes() {
    if !python_available(true) {
        return;
    }
    let scratch = Scratch::new("record-onebot");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let url = format!("ws://127.0.0.1:{port}/ws/");
    let reverse = ["--onebot-reverse-url", &url, "--onebot-reconnect-ms", "100"];
    let mut lizi = SimLizi::start(&scratch, &reverse);
    let bot = BotProcess::start(
        "python3 examples/onebot_bot.py",
        &[("LIZI_ONEBOT_REVERSE_PORT", port.to_string())],
        scratch.path("bot.log"),
    );
    bot.wait_ready().await;
    let body = r#"{"groups":[30001],"name":"the OneBot bot, recorded"}"#;
    assert_eq!(lizi.post("/lizi/record/start", body).await.0, 200);
    lizi.says(20001, 30001, "ping").await;
    lizi.said(30001, "pong").await;
    lizi.says(20002, 30001, "not for the bot").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let stopped = lizi
        .client
        .post(format!("{}/lizi/record/stop", lizi.base))
        .send()
        .await
        .expect("stop");
    assert_eq!(stopped.status(), 200);
    assert_eq!(
        stopped.headers()["content-type"],
        "application/toml; charset=UTF-8"
    );
    let text = stopped.text().await.expect("the file");
    for piece in [
        "onebot_reverse_url = \"ws://127.0.0.1:{port}/ws/\"",
        "name = \"the OneBot bot, recorded\"",
    ] {
        assert!(text.contains(piece), "{piece} is not in\n{text}");
    }
    lizi.lizi.terminate();
    let file = scratch.write("recorded.toml", &text);
    let changed = changed_bot(&scratch.0, "examples/onebot_bot.py");
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
    bot.wait_ready().await;
    let client = reqwest::Client::new();
    let started = client.post(format!("{}/lizi/record/start", bridge.base));
    assert_eq!(started.send().await.expect("start").status(), 200);
    let said = |text: &'static str| {
        let network = &network;
        async move {
            until(text, || async {
                let messages = network.history(&format!("group={GROUP}")).await;
                messages.iter().any(|m| m["text"] == text)
            })
            .await
        }
    };
    network.say(271828182, GROUP, "ping").await;
    said("pong").await;
    network.say(161803398, GROUP, "hello").await;
    said("hi [@161803398]").await;
    let oops = network.say(161803398, GROUP, "oops, 张伟").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let recall =
        json!({"user": 161803398, "group": GROUP, "req": oops["req"], "random": oops["random"]});
    network.sim_ok("recall", recall).await;
    let asked = json!({"from": 141421356, "group": GROUP, "text": "我是王芳"});
    network.sim_ok("join_request", asked).await;
    said("welcome [@141421356]").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopped = client.post(format!("{}/lizi/record/stop", bridge.base));
    let stopped = stopped.send().await.expect("stop");
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
        async move { common::get_json(&client, &url, None).await }
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
    let document = common::get_json(&server.client, &server.url("/openapi.json"), None).await;
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
    let status =
        common::get_json(&server.client, &server.url("/lizi/record"), Some("sekret")).await;
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

#[tokio::test]
async fn lizi_record_stops_after_its_minutes_with_the_token_given() {
    let server = Server::start_with(|settings| settings.api.token = Some("sekret".into())).await;
    let scratch = Scratch::new("record-minutes");
    let out = scratch.path("timed.toml");
    let run = |token: &str| {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_lizi"));
        command
            .args(["record", "--url", &server.base, "--minutes", "0.01"])
            .args(["--token", token, "--name", "timed", "--out"])
            .arg(&out)
            .stdin(Stdio::null());
        for var in LIZI_VARS {
            command.env_remove(var);
        }
        command.output()
    };
    let refused = run("wrong").await.expect("lizi record runs");
    assert_ne!(refused.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("did not start recording (403)"), "{stderr}");
    assert!(!out.exists());
    let started = Instant::now();
    let done = run("sekret").await.expect("lizi record runs");
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(0), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(10), "{stderr}");
    let text = std::fs::read_to_string(&out).expect("the file is written");
    assert!(text.contains("name = \"timed\""), "{text}");
}
