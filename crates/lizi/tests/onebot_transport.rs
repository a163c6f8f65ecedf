//! The OneBot face's transports over real sockets: HTTP POST to a receiver run by the test
//! (headers, signature, quick operations, catching up after the receiver was down),
//! reverse connections following logins and logouts, forward `/event` catch-up and the
//! NapCat-style drop mode, the OneBot listener's header timeout and connection cap, a busy
//! OneBot port at start-up, and every fault of `/sim/onebot_fault`.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use common::child::Lizi;
use common::{Scratch, Server};
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use lizi::Settings;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response as Handshake};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// A free loopback address.
fn free_address() -> SocketAddr {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    probe.local_addr().expect("addr")
}

/// Starts lizi with the OneBot listener on (and `adjust`); returns it and the listener's
/// address once it accepts.
async fn start(adjust: impl FnOnce(&mut Settings)) -> (Server, SocketAddr) {
    let address = free_address();
    let server = Server::start_with(|settings| {
        settings.onebot.listen = Some(address);
        adjust(settings);
    })
    .await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(address).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "the OneBot listener never came up"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (server, address)
}

/// A simulated user's group message.
async fn say(server: &Server, from: u64, text: &str) {
    let body = json!({"from": from, "group": 30001, "text": text});
    let (status, answer) = server.sim("message", body).await;
    assert_eq!(status, 200, "{answer}");
}

/// Sets a fault; asserts it was accepted and returns the answer.
async fn fault(server: &Server, body: Value) -> Value {
    let (status, answer) = server.sim("onebot_fault", body.clone()).await;
    assert_eq!(status, 200, "{body}: {answer}");
    assert_eq!(answer["ret"], "ok", "{answer}");
    answer
}

/// A read-only control view.
async fn view(server: &Server, path: &str) -> Value {
    let response = server
        .client
        .get(server.url(path))
        .send()
        .await
        .expect("view");
    assert_eq!(response.status().as_u16(), 200, "{path}");
    response.json().await.expect("json")
}

/// Waits until `check` holds on the control view at `path`.
async fn until_view(server: &Server, path: &str, what: &str, check: impl Fn(&Value) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let value = view(server, path).await;
        if check(&value) {
            return;
        }
        assert!(Instant::now() < deadline, "{what} never happened: {value}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn member(group: &Value, uin: u64) -> Option<&Value> {
    group["members"]
        .as_array()?
        .iter()
        .find(|m| m["uin"] == uin)
}

// ----- HTTP POST -----

/// What the test's receiver got: the headers and the body of one POST.
type Posted = (HeaderMap, String);

/// How the receiver answers an event POSTed for `self_id`: a quick operation or nothing.
type Answer = fn(&Value, &str) -> Option<Value>;

/// Runs an HTTP receiver on `listener`; every POST comes out of the returned channel.
fn receiver(listener: TcpListener, answer: Answer) -> mpsc::UnboundedReceiver<Posted> {
    let (sender, received) = mpsc::unbounded_channel();
    let state = Arc::new((sender, answer));
    async fn hook(
        State(state): State<Arc<(mpsc::UnboundedSender<Posted>, Answer)>>,
        headers: HeaderMap,
        body: String,
    ) -> Response {
        let event: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        let self_id = headers
            .get("x-self-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let _ = state.0.send((headers, body));
        match (state.1)(&event, &self_id) {
            Some(operations) => {
                let json = [(axum::http::header::CONTENT_TYPE, "application/json")];
                (json, operations.to_string()).into_response()
            }
            None => StatusCode::NO_CONTENT.into_response(),
        }
    }
    let app = axum::Router::new()
        .fallback(axum::routing::post(hook))
        .with_state(state);
    tokio::spawn(async move { axum::serve(listener, app).await });
    received
}

/// The next POSTed message event for 10001: its headers, and its body as parsed and as
/// sent.
async fn next_posted(posts: &mut mpsc::UnboundedReceiver<Posted>) -> (HeaderMap, Value, String) {
    loop {
        let (headers, body) = tokio::time::timeout(Duration::from_secs(20), posts.recv())
            .await
            .expect("a POST in time")
            .expect("receiver running");
        let event: Value = serde_json::from_str(&body).expect("the body is JSON");
        if event["post_type"] == "message" && event["self_id"] == 10001 {
            return (headers, event, body);
        }
    }
}

/// The next POSTed message event for 10001, with its headers.
async fn next_message(posts: &mut mpsc::UnboundedReceiver<Posted>) -> (HeaderMap, Value) {
    let (headers, event, _) = next_posted(posts).await;
    (headers, event)
}

/// Asserts that `headers` carry the HMAC-SHA1 of `body` with `secret`.
fn assert_signed(headers: &HeaderMap, body: &str, secret: &str) {
    let signature = headers["x-signature"].to_str().expect("text");
    let digest = signature.strip_prefix("sha1=").expect("sha1=");
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(body.as_bytes());
    mac.verify_slice(&hex(digest))
        .expect("X-Signature is the HMAC-SHA1 of the body");
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn quick_operations(event: &Value, self_id: &str) -> Option<Value> {
    if self_id != "10001" {
        return None;
    }
    match event["raw_message"].as_str()? {
        "reply please" => Some(json!({"reply": "hi", "at_sender": true})),
        "kick me" => Some(json!({"kick": true})),
        "ban me" => Some(json!({"ban": true, "ban_duration": 60})),
        _ => None,
    }
}

#[tokio::test]
async fn events_are_posted_signed_and_quick_operations_are_carried_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let mut posts = receiver(listener, quick_operations);
    let server = Server::start_with(|settings| {
        settings.onebot.post_urls = vec![url];
        settings.onebot.secret = Some("s3cret".into());
    })
    .await;

    say(&server, 20002, "plain").await;
    let (headers, event, body) = next_posted(&mut posts).await;
    assert_eq!(event["raw_message"], "plain", "{event}");
    assert_eq!(event["group_id"], 30001);
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["x-self-id"], "10001");
    assert_signed(&headers, &body, "s3cret");

    say(&server, 20001, "reply please").await;
    until_view(
        &server,
        "/sim/history?group=30001",
        "the quick reply",
        |h| {
            h["messages"].as_array().is_some_and(|m| {
                m.iter()
                    .any(|m| m["from"] == 10001 && m["text"] == "[@20001]hi")
            })
        },
    )
    .await;
    say(&server, 20003, "kick me").await;
    until_view(&server, "/sim/group?gin=30001", "the quick kick", |g| {
        member(g, 20003).is_none()
    })
    .await;
    say(&server, 20002, "ban me").await;
    until_view(&server, "/sim/group?gin=30001", "the quick ban", |g| {
        member(g, 20002)
            .and_then(|m| m["mute_left"].as_u64())
            .is_some_and(|left| left > 0 && left <= 60)
    })
    .await;
    assert!(server.metric("lizi_onebot_posted_total").await >= 4);
    // Counted once the action has answered, a moment after its effect shows.
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.metric("lizi_onebot_quick_operations_total").await < 3 {
        assert!(
            Instant::now() < deadline,
            "the quick operations were not counted"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn delete_or_approve(event: &Value, self_id: &str) -> Option<Value> {
    if self_id != "10001" {
        return None;
    }
    match event["post_type"].as_str()? {
        "message" if event["raw_message"] == "delete me" => Some(json!({"delete": true})),
        "request" => Some(json!({"approve": true, "remark": "new friend"})),
        _ => None,
    }
}

#[tokio::test]
async fn quick_operations_delete_a_message_and_approve_a_request() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let _posts = receiver(listener, delete_or_approve);
    let server = Server::start_with(|settings| settings.onebot.post_urls = vec![url]).await;
    say(&server, 20002, "delete me").await;
    until_view(
        &server,
        "/sim/history?group=30001",
        "the quick delete",
        |h| {
            h["messages"].as_array().is_some_and(|m| {
                m.iter()
                    .any(|m| m["text"] == "delete me" && m["recalled"] == true)
            })
        },
    )
    .await;
    let body = json!({"from": 20003, "to": 10001, "text": "hello"});
    let (status, answer) = server.sim("friend_request", body).await;
    assert_eq!(status, 200, "{answer}");
    until_view(&server, "/sim/world", "the quick approval", |world| {
        world["friendships"]
            .as_array()
            .is_some_and(|f| f.iter().any(|p| p[0] == 10001 && p[1] == 20003))
    })
    .await;
}

/// The texts 10001 is POSTed after a receiver that was down comes up, until "after".
async fn posted_after_the_receiver_was_down(drop_while_disconnected: bool) -> Vec<String> {
    let address = free_address();
    let server = Server::start_with(|settings| {
        settings.onebot.post_urls = vec![format!("http://{address}/")];
        settings.onebot.reconnect_ms = 100;
        settings.onebot.drop_while_disconnected = drop_while_disconnected;
    })
    .await;
    for text in ["one", "two", "three"] {
        say(&server, 20001, text).await;
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.metric("lizi_onebot_post_failures_total").await < 3 {
        assert!(Instant::now() < deadline, "the POSTs were never tried");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let listener = TcpListener::bind(address).await.expect("bind the receiver");
    let mut posts = receiver(listener, |_, _| None);
    say(&server, 20001, "after").await;
    let mut texts = Vec::new();
    while texts.last().map(String::as_str) != Some("after") {
        let (_, event) = next_message(&mut posts).await;
        texts.push(event["raw_message"].as_str().expect("text").to_owned());
    }
    texts
}

#[tokio::test]
async fn a_post_receiver_that_was_down_gets_what_it_missed_in_order() {
    assert_eq!(
        posted_after_the_receiver_was_down(false).await,
        ["one", "two", "three", "after"]
    );
}

#[tokio::test]
async fn dropping_while_disconnected_a_post_receiver_misses_what_came_while_down() {
    assert_eq!(posted_after_the_receiver_was_down(true).await, ["after"]);
}

// ----- reverse WebSocket -----

type Socket = WebSocketStream<TcpStream>;

/// Accepts reverse connections until one comes from `account`; keeps the others open.
async fn accept_account(listener: &TcpListener, account: &str, others: &mut Vec<Socket>) -> Socket {
    loop {
        let (stream, _) = tokio::time::timeout(Duration::from_secs(20), listener.accept())
            .await
            .expect("lizi connects")
            .expect("accept");
        let mut self_id = String::new();
        #[allow(clippy::result_large_err)] // the handshake callback's type is tungstenite's
        let socket = tokio_tungstenite::accept_hdr_async(
            stream,
            |request: &Request, response: Handshake| {
                self_id = request.headers()["x-self-id"]
                    .to_str()
                    .unwrap_or("")
                    .to_owned();
                Ok(response)
            },
        )
        .await
        .expect("handshake");
        if self_id == account {
            return socket;
        }
        others.push(socket);
    }
}

/// A world whose 10002 is logged out at start.
fn world_with_10002_offline(scratch: &Scratch) -> std::path::PathBuf {
    let world = include_str!("../../lizi-sim/worlds/default.toml").replacen(
        "nickname = \"lizi-helper\"\nonline = true",
        "nickname = \"lizi-helper\"\nonline = false",
        1,
    );
    scratch.write("world.toml", &world).into()
}

#[tokio::test]
async fn a_reverse_connection_follows_an_account_logging_in_and_out() {
    let scratch = Scratch::new("ob-login");
    let world = world_with_10002_offline(&scratch);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("ws://{}/", listener.local_addr().expect("addr"));
    let server = Server::start_with(|settings| {
        settings.world = Some(world);
        settings.onebot.reverse_urls = vec![url];
        settings.onebot.reconnect_ms = 100;
    })
    .await;
    let mut others = Vec::new();
    accept_account(&listener, "10001", &mut others).await;

    server.call("/loginqq", "logonqq=10002").await;
    let mut socket = accept_account(&listener, "10002", &mut others).await;
    let lifecycle = common::ws_frames::next_json(&mut socket).await;
    assert_eq!(lifecycle["sub_type"], "connect", "{lifecycle}");
    say(&server, 20001, "welcome").await;
    let event = common::ws_frames::next_json(&mut socket).await;
    assert_eq!(event["raw_message"], "welcome", "{event}");

    server.call("/logoutqq", "logonqq=10002").await;
    let notice = common::ws_frames::next_json(&mut socket).await;
    assert_eq!(notice["notice_type"], "bot_offline", "{notice}");
    assert_eq!(notice["self_id"], 10002);
    let closed = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match socket.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "the logged-out account's connection stays open"
    );
}

#[tokio::test]
async fn dropping_while_disconnected_a_reverse_connection_skips_what_came_while_away() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("ws://{}/", listener.local_addr().expect("addr"));
    let server = Server::start_with(|settings| {
        settings.onebot.reverse_urls = vec![url];
        settings.onebot.reconnect_ms = 100;
        settings.onebot.drop_while_disconnected = true;
    })
    .await;
    let mut others = Vec::new();
    let mut socket = accept_account(&listener, "10001", &mut others).await;
    common::ws_frames::next_json(&mut socket).await;
    socket.close(None).await.expect("close");
    drop(socket);
    say(&server, 20002, "while away").await;
    let mut socket = accept_account(&listener, "10001", &mut others).await;
    let lifecycle = common::ws_frames::next_json(&mut socket).await;
    assert_eq!(lifecycle["sub_type"], "connect", "{lifecycle}");
    say(&server, 20002, "back").await;
    let event = common::ws_frames::next_json(&mut socket).await;
    assert_eq!(event["raw_message"], "back", "{event}");
}

/// Bursts messages while `/sim/onebot_fault` closes every connection: after lizi
/// reconnects, every message has arrived, in order.
#[tokio::test]
async fn closing_connections_mid_burst_loses_nothing() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("ws://{}/", listener.local_addr().expect("addr"));
    let server = Server::start_with(|settings| {
        settings.onebot.reverse_urls = vec![url];
        settings.onebot.reconnect_ms = 100;
    })
    .await;
    let mut others = Vec::new();
    let mut socket = accept_account(&listener, "10001", &mut others).await;
    common::ws_frames::next_json(&mut socket).await;
    let (client, target) = (server.client.clone(), server.url("/sim/message"));
    let burst = tokio::spawn(async move {
        for n in 0..30 {
            let body = json!({"from": 20001, "group": 30001, "text": format!("burst {n}")});
            let response = client.post(&target).json(&body).send().await.expect("send");
            assert_eq!(response.status().as_u16(), 200);
        }
    });
    let mut texts = Vec::new();
    while texts.len() < 5 {
        let event = common::ws_frames::next_json(&mut socket).await;
        texts.push(event["raw_message"].as_str().expect("text").to_owned());
    }
    let answer = fault(&server, json!({"kind": "close_connections"})).await;
    assert!(answer["closed"].as_u64() >= Some(1), "{answer}");
    while let Ok(Some(Ok(frame))) =
        tokio::time::timeout(Duration::from_secs(20), socket.next()).await
    {
        if let Message::Text(text) = frame {
            let event: Value = serde_json::from_str(text.as_str()).expect("JSON");
            if let Some(text) = event["raw_message"].as_str() {
                texts.push(text.to_owned());
            }
        }
    }
    let mut socket = accept_account(&listener, "10001", &mut others).await;
    while texts.last().map(String::as_str) != Some("burst 29") {
        let event = common::ws_frames::next_json(&mut socket).await;
        if let Some(text) = event["raw_message"].as_str() {
            texts.push(text.to_owned());
        }
    }
    burst.await.expect("burst");
    texts.dedup();
    let expected: Vec<String> = (0..30).map(|n| format!("burst {n}")).collect();
    assert_eq!(texts, expected);
}

// ----- forward WebSocket -----

/// The texts a forward `/event` client named `bot1` gets after reconnecting, until "back".
async fn forward_after_reconnecting(drop_while_disconnected: bool) -> Vec<String> {
    let (server, address) =
        start(|settings| settings.onebot.drop_while_disconnected = drop_while_disconnected).await;
    let url = format!("ws://{address}/event?client=bot1");
    let (mut socket, _) = tokio_tungstenite::connect_async(&url)
        .await
        .expect("connect");
    common::ws_frames::next_json(&mut socket).await;
    socket.close(None).await.expect("close");
    // The close handshake done, lizi has let the cursor go.
    while let Ok(Some(Ok(_))) = tokio::time::timeout(Duration::from_secs(5), socket.next()).await {}
    tokio::time::sleep(Duration::from_millis(200)).await;
    for text in ["first while away", "second while away"] {
        say(&server, 20002, text).await;
    }
    let (mut socket, _) = tokio_tungstenite::connect_async(&url)
        .await
        .expect("connect");
    let lifecycle = common::ws_frames::next_json(&mut socket).await;
    assert_eq!(lifecycle["sub_type"], "connect", "{lifecycle}");
    say(&server, 20002, "back").await;
    let mut texts = Vec::new();
    while texts.last().map(String::as_str) != Some("back") {
        let event = common::ws_frames::next_json(&mut socket).await;
        texts.push(event["raw_message"].as_str().expect("text").to_owned());
    }
    texts
}

#[tokio::test]
async fn a_forward_event_client_that_reconnects_gets_what_it_missed() {
    assert_eq!(
        forward_after_reconnecting(false).await,
        ["first while away", "second while away", "back"]
    );
}

#[tokio::test]
async fn dropping_while_disconnected_a_forward_client_skips_what_came_while_away() {
    assert_eq!(forward_after_reconnecting(true).await, ["back"]);
}

// ----- the listener -----

/// Whether lizi closes `stream` (EOF or reset) within `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut buffer = [0u8; 256];
    matches!(
        tokio::time::timeout(limit, stream.read(&mut buffer)).await,
        Ok(Ok(0)) | Ok(Err(_))
    )
}

#[tokio::test]
async fn the_onebot_listener_has_the_header_timeout() {
    let (_server, address) = start(|settings| settings.api.header_timeout_ms = 300).await;
    let mut silent = TcpStream::connect(address).await.expect("connect");
    assert!(
        closed_within(&mut silent, Duration::from_secs(10)).await,
        "a connection that sends no request head stays open"
    );
}

#[tokio::test]
async fn the_onebot_listener_has_the_connection_cap() {
    let (_server, address) = start(|settings| settings.api.max_connections = 1).await;
    // One connection served and kept alive holds the only place.
    let deadline = Instant::now() + Duration::from_secs(20);
    let _held = loop {
        let mut stream = TcpStream::connect(address).await.expect("connect");
        let request = "GET /get_version_info HTTP/1.1\r\nHost: localhost\r\n\r\n";
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut buffer = [0u8; 1024];
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await;
        if let Ok(Ok(n)) = read {
            if buffer[..n].starts_with(b"HTTP/1.1 200") {
                break stream;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the OneBot listener never answered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut refused = TcpStream::connect(address).await.expect("connect");
    assert!(
        closed_within(&mut refused, Duration::from_secs(5)).await,
        "a connection over the cap is served"
    );
}

#[test]
fn a_busy_onebot_port_fails_start_up_before_the_data_folder_is_created() {
    let scratch = Scratch::new("ob-busy");
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = busy.local_addr().expect("address").to_string();
    let data = scratch.path("data");
    let args = [
        "--listen",
        "127.0.0.1:0",
        "--data",
        data.to_str().expect("UTF-8"),
        "--onebot-listen",
        &address,
    ];
    let mut lizi = Lizi::spawn(&scratch.0, &args, &[]);
    let (status, stderr) = lizi.wait_exit(Duration::from_secs(10));
    assert!(
        !status.success(),
        "lizi started on a busy OneBot port: {stderr}"
    );
    assert!(stderr.contains(&address), "{stderr}");
    assert!(stderr.contains("onebot_listen"), "{stderr}");
    assert!(
        !data.exists(),
        "a busy OneBot port left a data folder behind"
    );
}

// ----- faults -----

/// A forward `/event` connection of 10001, past its lifecycle frame.
async fn event_socket(
    address: SocketAddr,
) -> WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>> {
    let url = format!("ws://{address}/event?self_id=10001");
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("connect");
    common::ws_frames::next_json(&mut socket).await;
    socket
}

#[tokio::test]
async fn faults_drop_and_duplicate_events() {
    let (server, address) = start(|_| {}).await;
    let mut socket = event_socket(address).await;
    let answer = fault(&server, json!({"kind": "drop_events", "count": 1})).await;
    assert_eq!(answer["count"], 1, "{answer}");
    say(&server, 20001, "dropped").await;
    say(&server, 20001, "kept").await;
    let event = common::ws_frames::next_json(&mut socket).await;
    assert_eq!(event["raw_message"], "kept", "{event}");

    fault(&server, json!({"kind": "duplicate_events", "count": 1})).await;
    say(&server, 20001, "twice").await;
    say(&server, 20001, "once").await;
    let first = common::ws_frames::next_json(&mut socket).await;
    let second = common::ws_frames::next_json(&mut socket).await;
    let third = common::ws_frames::next_json(&mut socket).await;
    assert_eq!(first["raw_message"], "twice", "{first}");
    assert_eq!(second, first);
    assert_eq!(third["raw_message"], "once", "{third}");
}

async fn action(server: &Server, address: SocketAddr, name: &str, params: Value) -> Value {
    let response = server
        .client
        .post(format!("http://{address}/{name}"))
        .header("X-Self-ID", "10001")
        .json(&params)
        .send()
        .await
        .expect("action");
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("json")
}

#[tokio::test]
async fn faults_delay_and_fail_actions() {
    let (server, address) = start(|_| {}).await;
    fault(&server, json!({"kind": "delay_actions", "ms": 400})).await;
    let began = Instant::now();
    let answer = action(&server, address, "get_status", json!({})).await;
    assert_eq!(answer["status"], "ok", "{answer}");
    assert!(began.elapsed() >= Duration::from_millis(400));
    fault(&server, json!({"kind": "delay_actions", "ms": 0})).await;

    fault(&server, json!({"kind": "fail_actions", "count": 1})).await;
    let send = json!({"group_id": 30001, "message": "hello"});
    let failed = action(&server, address, "send_group_msg", send.clone()).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(
        failed["retcode"], 200,
        "NapCat's HTTP API numbers a failure 200"
    );
    assert!(
        failed["message"]
            .as_str()
            .is_some_and(|m| m.contains("Timeout")),
        "{failed}"
    );
    let sent = action(&server, address, "send_group_msg", send).await;
    assert_eq!(sent["status"], "ok", "{sent}");
}

/// The next heartbeat on `socket`.
async fn next_heartbeat<S>(socket: &mut S) -> Value
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    common::ws_frames::next_json_where(socket, |v| v["meta_event_type"] == "heartbeat").await
}

#[tokio::test]
async fn faults_report_an_account_offline_and_back() {
    let (server, address) = start(|settings| settings.onebot.heartbeat_ms = 100).await;
    let mut socket = event_socket(address).await;
    assert_eq!(next_heartbeat(&mut socket).await["status"]["online"], true);
    let answer = fault(&server, json!({"kind": "offline", "account": 10001})).await;
    assert_eq!(answer["online"], false, "{answer}");
    let notice = common::ws_frames::next_json(&mut socket).await;
    assert_eq!(notice["post_type"], "notice", "{notice}");
    assert_eq!(notice["notice_type"], "bot_offline");
    assert_eq!(notice["self_id"], 10001);
    assert_eq!(next_heartbeat(&mut socket).await["status"]["online"], false);
    let status = action(&server, address, "get_status", json!({})).await;
    assert_eq!(status["data"]["online"], false, "{status}");

    fault(&server, json!({"kind": "online", "account": 10001})).await;
    let status = action(&server, address, "get_status", json!({})).await;
    assert_eq!(status["data"]["online"], true, "{status}");
    assert_eq!(next_heartbeat(&mut socket).await["status"]["online"], true);
}

#[tokio::test]
async fn bad_fault_bodies_are_refused_naming_the_field() {
    let (server, _) = start(|_| {}).await;
    for (body, field) in [
        (json!({"kind": "nope"}), "`kind`"),
        (json!({"count": 1}), "`kind`"),
        (json!({"kind": "delay_actions"}), "`ms`"),
        (json!({"kind": "drop_events", "count": "x"}), "`count`"),
        (json!({"kind": "offline"}), "`account`"),
        (json!({"kind": "offline", "account": 20001}), "`account`"),
    ] {
        let (status, answer) = server.sim("onebot_fault", body.clone()).await;
        assert_eq!(status, 400, "{body}: {answer}");
        let error = answer["error"].as_str().expect("error");
        assert!(error.contains(field), "{body}: {error}");
    }
    let document = view(&server, "/openapi.json").await;
    let fault = &document["paths"]["/sim/onebot_fault"]["post"];
    assert!(
        fault["summary"]
            .as_str()
            .is_some_and(|s| s.contains("close_connections")),
        "{fault}"
    );
}

// ----- settings -----

#[test]
fn the_transport_settings_are_config_file_keys_and_flags() {
    let scratch = Scratch::new("ob-settings");
    let config = scratch.write(
        "lizi.toml",
        "onebot_post_urls = [\"http://127.0.0.1:9/hook\"]\nonebot_secret = \"s\"\n\
         onebot_post_timeout_ms = 700\nonebot_drop_while_disconnected = true\n",
    );
    let args = lizi::ServeArgs {
        config: Some(config.into()),
        storage: lizi::settings::StorageFlags {
            data: Some(scratch.path("data")),
            ..Default::default()
        },
        ..Default::default()
    };
    let onebot = Settings::resolve(args.clone()).expect("settings").onebot;
    assert_eq!(onebot.post_urls, ["http://127.0.0.1:9/hook"]);
    assert_eq!(onebot.secret.as_deref(), Some("s"));
    assert_eq!(onebot.post_timeout_ms, 700);
    assert!(onebot.drop_while_disconnected);
    let flags = lizi::ServeArgs {
        onebot: lizi::settings::OneBotFaceFlags {
            onebot_post_timeout_ms: Some(900),
            onebot_drop_while_disconnected: Some(false),
            ..Default::default()
        },
        ..args.clone()
    };
    let onebot = Settings::resolve(flags).expect("settings").onebot;
    assert_eq!(onebot.post_timeout_ms, 900);
    assert!(!onebot.drop_while_disconnected);
    let bad = lizi::ServeArgs {
        onebot: lizi::settings::OneBotFaceFlags {
            onebot_post_urls: vec!["ftp://127.0.0.1/".into()],
            ..Default::default()
        },
        ..args
    };
    let error = Settings::resolve(bad).expect_err("an ftp URL").to_string();
    assert!(error.contains("ftp://127.0.0.1/"), "{error}");
}

/// The binary POSTs signed events to the URL and with the secret from its environment.
#[tokio::test]
async fn the_binary_posts_to_the_url_and_with_the_secret_of_its_environment() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let mut posts = receiver(listener, |_, _| None);
    let scratch = Scratch::new("ob-env");
    let data = scratch.data();
    let mut lizi = Lizi::spawn(
        &scratch.0,
        &["--listen", "127.0.0.1:0", "--data", &data],
        &[
            ("LIZI_ONEBOT_POST_URLS", &url),
            ("LIZI_ONEBOT_SECRET", "env-secret"),
        ],
    );
    let port = lizi.port();
    let body = json!({"from": 20001, "group": 30001, "text": "from the binary"});
    let response = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/sim/message"))
        .json(&body)
        .send()
        .await
        .expect("message");
    assert_eq!(response.status().as_u16(), 200);
    let (headers, event, body) = next_posted(&mut posts).await;
    assert_eq!(event["raw_message"], "from the binary", "{event}");
    assert_signed(&headers, &body, "env-secret");
    lizi.terminate();
}
