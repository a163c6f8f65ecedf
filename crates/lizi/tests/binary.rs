//! The real `lizi` binary as a child process: startup on port 0, clean exit on SIGTERM and
//! SIGINT, the config file, environment variables under flags, and bad world files.

mod common;

use std::path::Path;
use std::time::Duration;

use common::child::{Lizi, EXIT};
use common::Scratch;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

const CUSTOM_WORLD: &str = r#"
[[account]]
uin = 10001
nickname = "bot"
online = true
[[user]]
uin = 20001
nickname = "Alice"
[[friend]]
a = 10001
b = 20001
[[group]]
gin = 30001
name = "test group"
owner = 20001
admins = [10001]
members = [10001, 20001]
"#;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

/// `GET /getlogonqq`; returns the raw text inside `ret`.
async fn logonqq(port: u16) -> String {
    let response = client()
        .get(format!("http://127.0.0.1:{port}/getlogonqq"))
        .send()
        .await
        .expect("GET /getlogonqq");
    assert_eq!(response.status().as_u16(), 200);
    let text = response.text().await.expect("body");
    let answer: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    answer["ret"].as_str().expect("ret is a string").to_owned()
}

/// The QQlist of `/getlogonqq`: (QQ, nickname) in the order sent.
async fn accounts(port: u16) -> Vec<(String, String)> {
    let ret = logonqq(port).await;
    let inner: Value = serde_json::from_str(&ret).unwrap_or_else(|e| panic!("{e}: {ret}"));
    let list = inner["QQlist"]
        .as_object()
        .unwrap_or_else(|| panic!("no QQlist: {ret}"));
    let mut out: Vec<(String, String)> = list
        .iter()
        .map(|(uin, info)| {
            (
                uin.clone(),
                info["昵称"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    // serde_json sorts keys; restore the order of the text.
    out.sort_by_key(|(uin, _)| ret.find(&format!("\"{uin}\"")).expect("key in text"));
    out
}

async fn stops_cleanly_on(signal: &str) {
    let scratch = Scratch::new("bin-signal");
    let data = scratch.data();
    let mut lizi = Lizi::spawn(
        &scratch.0,
        &["--listen", "127.0.0.1:0", "--data", &data],
        &[],
    );
    let port = lizi.port();

    let ret = logonqq(port).await;
    assert!(ret.starts_with(r#"{"QQlist":{"10001":{"#), "{ret}");
    assert_eq!(
        accounts(port).await,
        [
            ("10001".into(), "lizi-bot".into()),
            ("10002".into(), "lizi-helper".into())
        ]
    );
    // An open WebSocket does not hold up shutdown.
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{port}/ws"))
        .await
        .expect("websocket");
    ws.send(Message::Ping(b"p".to_vec().into()))
        .await
        .expect("ping");
    let pong = tokio::time::timeout(Duration::from_secs(5), ws.next()).await;
    assert!(matches!(pong, Ok(Some(Ok(Message::Pong(_))))), "{pong:?}");

    lizi.signal(signal);
    let (status, stderr) = lizi.wait_exit(EXIT);
    assert_eq!(
        status.code(),
        Some(0),
        "exit status {status}; stderr:\n{stderr}"
    );
    assert!(Path::new(&data).is_dir(), "the data folder was created");
}

#[tokio::test]
async fn sigterm_stops_with_status_0() {
    stops_cleanly_on("TERM").await;
}

#[tokio::test]
async fn sigint_stops_with_status_0() {
    stops_cleanly_on("INT").await;
}

#[tokio::test]
async fn serve_with_a_config_file_and_a_relative_world() {
    let scratch = Scratch::new("bin-config");
    scratch.write("w.toml", CUSTOM_WORLD);
    let config = scratch.write(
        "lizi.toml",
        "listen = \"127.0.0.1:0\"\nworld = \"w.toml\"\ndata = \"data\"\n",
    );
    // Run from elsewhere: `w.toml` and `data` are relative to the config file.
    let elsewhere = Scratch::new("bin-config-cwd");
    let mut lizi = Lizi::spawn(&elsewhere.0, &["serve", "--config", &config], &[]);
    let port = lizi.port();
    assert_eq!(accounts(port).await, [("10001".into(), "bot".into())]);
    let world = client()
        .get(format!("http://127.0.0.1:{port}/sim/world"))
        .send()
        .await
        .expect("GET /sim/world")
        .text()
        .await
        .expect("body");
    assert!(world.contains("test group"), "{world}");
    assert!(!world.contains("30002"), "{world}");
    assert!(
        scratch.path("data").is_dir(),
        "data relative to the config file"
    );
    lizi.terminate();
}

#[tokio::test]
async fn environment_variables_configure_and_flags_override_them() {
    let scratch = Scratch::new("bin-env");
    let world = scratch.write("w.toml", CUSTOM_WORLD);
    let other = scratch.write(
        "other.toml",
        &CUSTOM_WORLD.replace("\"bot\"", "\"flag-bot\""),
    );
    let data = scratch.data();

    // Environment only.
    let mut lizi = Lizi::spawn(
        &scratch.0,
        &[],
        &[
            ("LIZI_LISTEN", "127.0.0.1:0"),
            ("LIZI_WORLD", &world),
            ("LIZI_DATA", &data),
        ],
    );
    let port = lizi.port();
    assert_eq!(accounts(port).await, [("10001".into(), "bot".into())]);
    lizi.terminate();

    // Flags over environment: the environment names a taken port and a missing world.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let taken_addr = taken.local_addr().expect("addr").to_string();
    let missing = scratch.path("missing.toml");
    let mut lizi = Lizi::spawn(
        &scratch.0,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--world",
            &other,
            "--data",
            &data,
            // The folder holds the first run's world; start again from this fixture.
            "--reset",
        ],
        &[
            ("LIZI_LISTEN", &taken_addr),
            ("LIZI_WORLD", missing.to_str().unwrap()),
        ],
    );
    let port = lizi.port();
    assert_ne!(port.to_string(), taken_addr.rsplit(':').next().unwrap());
    assert_eq!(accounts(port).await, [("10001".into(), "flag-bot".into())]);
    lizi.terminate();

    // Environment over the config file.
    let config = scratch.write(
        "lizi.toml",
        "listen = \"127.0.0.1:0\"\nworld = \"w.toml\"\n",
    );
    let mut lizi = Lizi::spawn(
        &scratch.0,
        &["--data", &data],
        &[("LIZI_CONFIG", &config), ("LIZI_WORLD", &other)],
    );
    let port = lizi.port();
    assert_eq!(accounts(port).await, [("10001".into(), "flag-bot".into())]);
    lizi.terminate();
}

/// Runs lizi on a world file; asserts a non-zero exit whose stderr contains every `needle`.
fn assert_world_refused(scratch: &Scratch, name: &str, text: Option<&str>, needles: &[&str]) {
    let path = match text {
        Some(text) => scratch.write(name, text),
        None => scratch.path(name).to_str().unwrap().to_owned(),
    };
    let data = scratch.data();
    let mut lizi = Lizi::spawn(
        &scratch.0,
        &["--listen", "127.0.0.1:0", "--data", &data, "--world", &path],
        &[],
    );
    let (status, stderr) = lizi.wait_exit(Duration::from_secs(10));
    assert!(
        !status.success(),
        "{name}: lizi started on a bad world; stderr:\n{stderr}"
    );
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{name}: stderr does not mention `{needle}`:\n{stderr}"
        );
    }
}

#[test]
fn a_bad_world_file_is_refused_with_a_reason() {
    let scratch = Scratch::new("bin-bad-world");
    assert_world_refused(
        &scratch,
        "unknown-friend.toml",
        Some(&CUSTOM_WORLD.replace("b = 20001", "b = 99999")),
        &["unknown-friend.toml", "99999"],
    );
    assert_world_refused(
        &scratch,
        "no-account.toml",
        Some("[[user]]\nuin = 20001\nnickname = \"Alice\"\n"),
        &["no-account.toml", "account"],
    );
    assert_world_refused(
        &scratch,
        "duplicate.toml",
        Some(&format!(
            "{CUSTOM_WORLD}\n[[user]]\nuin = 20001\nnickname = \"again\"\n"
        )),
        &["duplicate.toml", "20001"],
    );
    assert_world_refused(
        &scratch,
        "syntax.toml",
        Some("[[account]\nuin = "),
        &["syntax.toml"],
    );
    assert_world_refused(&scratch, "missing.toml", None, &["missing.toml"]);
}
