//! The OneBot face's reverse WebSocket against a OneBot client run by the test: the
//! connection headers, the lifecycle frame, events, actions with `echo`, reconnecting and
//! the events missed meanwhile; and a real OneBot client library (aiocqhttp) answering a
//! simulated user.

mod common;

use std::time::Duration;

use common::Server;
use futures_util::SinkExt;
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

type Socket = WebSocketStream<TcpStream>;

/// Accepts connections until one comes from `account`; keeps the others open in `others`.
#[allow(clippy::result_large_err)] // the handshake callback's type is tungstenite's
async fn accept_account(
    listener: &TcpListener,
    account: &str,
    others: &mut Vec<Socket>,
) -> (Socket, Vec<(String, String)>) {
    loop {
        let (stream, _) = tokio::time::timeout(Duration::from_secs(20), listener.accept())
            .await
            .expect("lizi connects")
            .expect("accept");
        let mut headers = Vec::new();
        let socket =
            tokio_tungstenite::accept_hdr_async(stream, |request: &Request, response: Response| {
                headers = request
                    .headers()
                    .iter()
                    .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
                    .collect();
                Ok(response)
            })
            .await
            .expect("handshake");
        let self_id = headers
            .iter()
            .find(|(k, _)| k == "x-self-id")
            .map(|(_, v)| v.clone());
        if self_id.as_deref() == Some(account) {
            return (socket, headers);
        }
        others.push(socket);
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} header in {headers:?}"))
}

#[tokio::test]
async fn reverse_websocket_carries_events_and_actions_and_catches_up_after_reconnecting() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!(
        "ws://{}/onebot/v11/ws",
        listener.local_addr().expect("addr")
    );
    let server = Server::start_with(|settings| {
        settings.onebot.reverse_urls = vec![url];
        settings.onebot.token = Some("tok".into());
        settings.onebot.reconnect_ms = 100;
    })
    .await;
    let mut others = Vec::new();
    let (mut socket, headers) = accept_account(&listener, "10001", &mut others).await;
    assert_eq!(header(&headers, "x-client-role"), "Universal");
    assert_eq!(header(&headers, "authorization"), "Bearer tok");
    assert_eq!(header(&headers, "user-agent"), "OneBot/11");

    let lifecycle = common::ws_frames::next_json(&mut socket).await;
    assert_eq!(lifecycle["meta_event_type"], "lifecycle", "{lifecycle}");
    assert_eq!(lifecycle["sub_type"], "connect");
    assert_eq!(lifecycle["self_id"], 10001);

    let (status, _) = server
        .sim(
            "message",
            json!({"from": 20001, "group": 30001, "text": "hello [@10001]"}),
        )
        .await;
    assert_eq!(status, 200);
    let event = common::ws_frames::next_json(&mut socket).await;
    assert_eq!(event["post_type"], "message", "{event}");
    assert_eq!(event["message_type"], "group");
    assert_eq!(event["group_id"], 30001);
    assert_eq!(event["user_id"], 20001);
    assert_eq!(event["self_id"], 10001);
    assert_eq!(
        event["message"],
        json!([{"type": "text", "data": {"text": "hello "}}, {"type": "at", "data": {"qq": "10001"}}])
    );
    assert_eq!(event["raw_message"], "hello [CQ:at,qq=10001]");
    assert!(event["message_id"].is_i64());

    let call = json!({"action": "send_group_msg", "params": {"group_id": 30001, "message": "pong"}, "echo": {"n": 1}});
    socket
        .send(Message::text(call.to_string()))
        .await
        .expect("send");
    let reply = common::ws_frames::next_json(&mut socket).await;
    assert_eq!(reply["echo"], json!({"n": 1}), "{reply}");
    assert_eq!(reply["status"], "ok", "{reply}");

    // Dropped: what happens meanwhile arrives, in order, after lizi reconnects.
    socket.close(None).await.expect("close");
    drop(socket);
    for text in ["first while away", "second while away"] {
        let (status, _) = server
            .sim(
                "message",
                json!({"from": 20002, "group": 30001, "text": text}),
            )
            .await;
        assert_eq!(status, 200);
    }
    let (mut socket, _) = accept_account(&listener, "10001", &mut others).await;
    let lifecycle = common::ws_frames::next_json(&mut socket).await;
    assert_eq!(lifecycle["sub_type"], "connect", "{lifecycle}");
    for text in ["first while away", "second while away"] {
        let event = common::ws_frames::next_json(&mut socket).await;
        assert_eq!(event["message"][0]["data"]["text"], text, "{event}");
        assert_eq!(event["user_id"], 20002);
    }
    server.stop().await;
}

/// Whether `python3` can import aiocqhttp; in CI its absence fails the test.
fn aiocqhttp_available() -> bool {
    let found = std::process::Command::new("python3")
        .args(["-c", "import aiocqhttp"])
        .status()
        .is_ok_and(|status| status.success());
    if !found && std::env::var_os("CI").is_some() {
        panic!("python3 with aiocqhttp is required in CI (pip install aiocqhttp)");
    }
    found
}

/// A python child process, killed on drop.
struct Bot(std::process::Child);

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// aiocqhttp, a OneBot client library nobody on this project wrote, runs a bot that
/// listens for the reverse WebSocket; a simulated user says `ping` in a group, the bot
/// answers through lizi, and the answer is in the group's history.
#[tokio::test]
async fn an_aiocqhttp_bot_answers_a_simulated_user() {
    if !aiocqhttp_available() {
        eprintln!("skipped: python3 with aiocqhttp is not installed");
        return;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/onebot/aiocqhttp_bot.py");
    let _bot = Bot(std::process::Command::new("python3")
        .args([script, &port.to_string(), "tok"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("python3 runs"));
    let url = format!("ws://127.0.0.1:{port}/ws");
    let server = Server::start_with(|settings| {
        settings.onebot.reverse_urls = vec![url];
        settings.onebot.token = Some("tok".into());
        settings.onebot.reconnect_ms = 200;
    })
    .await;
    let (status, _) = server
        .sim(
            "message",
            json!({"from": 20001, "group": 30001, "text": "ping"}),
        )
        .await;
    assert_eq!(status, 200);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let history: Value = server
            .client
            .get(server.url("/sim/history?group=30001"))
            .send()
            .await
            .expect("history")
            .json()
            .await
            .expect("json");
        let answered = history["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .any(|m| m["from"] == 10001 && m["text"] == "pong");
        if answered {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the aiocqhttp bot never answered: {history}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.stop().await;
}

/// A reverse URL taken out of the configuration does not keep its cursors, which would hold
/// every later event on disk for ever.
#[tokio::test]
async fn cursors_of_a_reverse_url_no_longer_configured_are_forgotten() {
    // Nothing listens there: the connections fail and are retried, their cursors stay.
    let unused = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("ws://{}/", unused.local_addr().expect("addr"));
    drop(unused);
    let server = Server::start_with(|settings| settings.onebot.reverse_urls = vec![url]).await;
    assert_eq!(
        server.metric("lizi_internal_readers").await,
        2,
        "one cursor per online account of the default world"
    );
    let server = server
        .restart(|settings| settings.onebot.reverse_urls.clear())
        .await;
    assert_eq!(server.metric("lizi_internal_readers").await, 0);
}

/// Accepts TCP connections on `listener` and closes each at once, counting them.
fn count_and_drop(listener: TcpListener) -> std::sync::Arc<std::sync::atomic::AtomicU64> {
    let count = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counting = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counting.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            drop(stream);
        }
    });
    count
}

#[tokio::test]
async fn a_reconnect_setting_of_zero_backs_off_instead_of_dialling_in_a_tight_loop() {
    // Receivers that close every connection at once: the reverse WebSocket's handshake
    // and every POST fail.
    let reverse = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let post = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let (reverse_at, post_at) = (
        reverse.local_addr().expect("addr"),
        post.local_addr().expect("addr"),
    );
    let (dials, posts) = (count_and_drop(reverse), count_and_drop(post));
    let server = Server::start_with(|settings| {
        settings.onebot.reverse_urls = vec![format!("ws://{reverse_at}/onebot/v11/ws")];
        settings.onebot.post_urls = vec![format!("http://{post_at}/post")];
        settings.onebot.reconnect_ms = 0;
    })
    .await;
    // Something to POST.
    server
        .sim(
            "message",
            json!({"from": 20001, "group": 30001, "text": "post me"}),
        )
        .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let count =
        |counter: &std::sync::atomic::AtomicU64| counter.load(std::sync::atomic::Ordering::Relaxed);
    let (dialled, posted) = (count(&dials), count(&posts));
    // Two accounts: pauses of 0.1, 0.2, 0.4, 0.8 and 1.6 s leave about five dials each in
    // 3 s, and POSTs at least 0.1 s apart about thirty each; a tight loop makes thousands.
    assert!((2..=16).contains(&dialled), "{dialled} dials in 3 s");
    assert!((1..=80).contains(&posted), "{posted} POSTs in 3 s");
    server.stop().await;
}
