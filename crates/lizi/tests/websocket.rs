//! WebSocket streams over real sockets (docs/xlz-api.md#websockets-and-push): `/` sends exactly `NewEvent` once per
//! event, `/ws` sends each event's JSON; nothing on connect; client junk text and pings
//! are ignored without closing the connection; a binary message is closed with 1003 and
//! one over `max_body_bytes` with 1009, on these and on the OneBot face's WebSocket.

mod common;

use std::time::Duration;

use common::Server;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a stream must stay quiet to count as "nothing sent".
const QUIET: Duration = Duration::from_millis(300);
/// Upper bound for any single expected frame.
const FRAME_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens a WebSocket on `path` and waits until the server's connection loop runs.
async fn connect(server: &Server, path: &str) -> Ws {
    let url = format!("ws://{}{}", server.addr, path);
    let handshake = tokio_tungstenite::connect_async(url.as_str());
    let (mut ws, response) = match tokio::time::timeout(FRAME_TIMEOUT, handshake).await {
        Err(_) => panic!("{url}: handshake timed out"),
        Ok(Err(e)) => panic!("{url}: handshake failed: {e}"),
        Ok(Ok(connected)) => connected,
    };
    assert_eq!(response.status().as_u16(), 101, "{url}");
    sync(&mut ws).await;
    ws
}

/// Sends a ping and waits for its pong. The server answers pings from inside its
/// connection loop, so afterwards the connection is subscribed to new events.
async fn sync(ws: &mut Ws) {
    let payload: Vec<u8> = b"sync".to_vec();
    ws.send(Message::Ping(payload.clone().into()))
        .await
        .expect("send ping");
    match next_frame(ws).await {
        Message::Pong(echo) => assert_eq!(echo.as_ref(), payload.as_slice(), "pong payload"),
        other => panic!("expected a pong, got {other:?}"),
    }
}

/// The next frame, failing after [`FRAME_TIMEOUT`] or when the stream ends.
async fn next_frame(ws: &mut Ws) -> Message {
    match tokio::time::timeout(FRAME_TIMEOUT, ws.next()).await {
        Err(_) => panic!("no frame within {FRAME_TIMEOUT:?}"),
        Ok(None) => panic!("the stream ended"),
        Ok(Some(Err(e))) => panic!("websocket error: {e}"),
        Ok(Some(Ok(frame))) => frame,
    }
}

/// The next text frame's payload.
async fn next_text(ws: &mut Ws) -> String {
    match next_frame(ws).await {
        Message::Text(text) => text.as_str().to_owned(),
        other => panic!("expected a text frame, got {other:?}"),
    }
}

/// `n` text frames.
async fn texts(ws: &mut Ws, n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(next_text(ws).await);
    }
    out
}

/// Asserts that nothing arrives for [`QUIET`].
async fn assert_quiet(ws: &mut Ws, what: &str) {
    if let Ok(frame) = tokio::time::timeout(QUIET, ws.next()).await {
        panic!("{what}: expected no frame, got {frame:?}");
    }
}

/// One group message from 20001 in 30001 (2 events: 10001 and 10002 see it) and one
/// private message 20001 → 10001 (1 event). Returns the number of events caused.
async fn cause_events(server: &Server, tag: &str) -> usize {
    let (status, answer) = server
        .sim(
            "message",
            json!({"from": 20001, "group": 30001, "text": format!("group {tag}")}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = server
        .sim(
            "message",
            json!({"from": 20001, "to": 10001, "text": format!("private {tag}")}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    3
}

/// The raw events of a session through `/getevent` (each preceded by one LF).
async fn raw_events(server: &Server, session: u64) -> Vec<String> {
    let (status, body) = server.post("/getevent", &format!("sessid={session}")).await;
    assert_eq!(status, 200, "{body}");
    if body.is_empty() {
        return Vec::new();
    }
    let rest = body
        .strip_prefix('\n')
        .unwrap_or_else(|| panic!("framing: {body:?}"));
    rest.split('\n').map(str::to_owned).collect()
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[tokio::test]
async fn nudge_stream_sends_exactly_new_event_per_event() {
    let server = Server::start().await;
    let mut ws = connect(&server, "/").await;
    assert_quiet(&mut ws, "on connect").await;

    let n = cause_events(&server, "a").await;
    for frame in texts(&mut ws, n).await {
        assert_eq!(frame.as_bytes(), b"NewEvent");
    }
    assert_quiet(&mut ws, "after the events").await;

    // A bot's own message is an event too.
    let (answer, inner) = server
        .call_retcode("/sendprivatemsg", "fromqq=10001&toqq=20001&text=hello")
        .await;
    assert_eq!(inner["retcode"], 0, "{answer}");
    assert_eq!(next_text(&mut ws).await, "NewEvent");
    assert_quiet(&mut ws, "after the bot's message").await;
    server.stop().await;
}

#[tokio::test]
async fn event_stream_sends_each_event_as_json_like_geteventv2() {
    let server = Server::start().await;
    let v2 = server.session().await;
    let raw = server.session().await;
    let mut ws = connect(&server, "/ws").await;
    assert_quiet(&mut ws, "on connect").await;

    let mut n = cause_events(&server, "b").await;
    server
        .call("/sendprivatemsg", "fromqq=10001&toqq=20001&text=hello")
        .await;
    n += 1;

    let frames = texts(&mut ws, n).await;
    assert_quiet(&mut ws, "after the events").await;
    let events = server.events(v2).await;
    assert_eq!(events.len(), n, "{events:?}");
    let parsed: Vec<Value> = frames.iter().map(|f| parse(f)).collect();
    assert_eq!(parsed, events, "frames differ from /geteventv2");
    // Byte for byte the same text as /getevent.
    assert_eq!(frames, raw_events(&server, raw).await);

    let types: Vec<(&str, u64)> = parsed
        .iter()
        .map(|e| (e["Type"].as_str().unwrap(), e["LogonQQ"].as_u64().unwrap()))
        .collect();
    let mut group: Vec<u64> = types
        .iter()
        .filter(|t| t.0 == "GroupMsg")
        .map(|t| t.1)
        .collect();
    group.sort_unstable();
    assert_eq!(group, [10001, 10002], "{types:?}");
    assert_eq!(
        types.iter().filter(|t| t.0 == "PrivateMsg").count(),
        2,
        "{types:?}"
    );
    assert_eq!(parsed[0]["Msg"]["Text"], "group b");
    assert_eq!(parsed[2]["Msg"]["Text"], "private b");
    assert_eq!(parsed[3]["Msg"]["Text"], "hello");
    for frame in &frames {
        assert!(!frame.contains('\n') && !frame.contains('\r'), "{frame:?}");
    }
    server.stop().await;
}

#[tokio::test]
async fn junk_frames_and_pings_are_ignored() {
    let server = Server::start().await;
    for path in ["/", "/ws"] {
        let mut ws = connect(&server, path).await;
        ws.send(Message::Text("123".into())).await.expect("send");
        ws.send(Message::Text("2024-01-02 03:04:05".into()))
            .await
            .expect("send");
        ws.send(Message::Ping(b"are you there".to_vec().into()))
            .await
            .expect("send");
        match next_frame(&mut ws).await {
            Message::Pong(payload) => assert_eq!(payload.as_ref(), b"are you there"),
            other => panic!("{path}: expected a pong, got {other:?}"),
        }
        assert_quiet(&mut ws, path).await;

        let n = cause_events(&server, path).await;
        let frames = texts(&mut ws, n).await;
        if path == "/" {
            assert!(frames.iter().all(|f| f == "NewEvent"), "{frames:?}");
        } else {
            assert_eq!(parse(&frames[0])["Msg"]["Text"], format!("group {path}"));
        }
        // Still open after more junk.
        ws.send(Message::Text("123".into())).await.expect("send");
        sync(&mut ws).await;
        ws.close(None).await.expect("close");
    }
    server.stop().await;
}

#[tokio::test]
async fn paths_match_case_insensitively() {
    let server = Server::start().await;
    let mut upper = connect(&server, "/WS").await;
    let mut mixed = connect(&server, "/Ws").await;
    let n = cause_events(&server, "case").await;
    for ws in [&mut upper, &mut mixed] {
        let frames = texts(ws, n).await;
        let first = parse(&frames[0]);
        assert_eq!(first["Type"], "GroupMsg", "{first}");
        assert_eq!(first["Msg"]["Text"], "group case");
    }
    server.stop().await;
}

#[tokio::test]
async fn every_client_gets_every_event() {
    let server = Server::start().await;
    let session = server.session().await;
    let mut full = Vec::new();
    for _ in 0..3 {
        full.push(connect(&server, "/ws").await);
    }
    let mut nudges = Vec::new();
    for _ in 0..2 {
        nudges.push(connect(&server, "/").await);
    }
    let mut n = 0;
    for round in 0..3 {
        n += cause_events(&server, &format!("round {round}")).await;
    }
    let expected = server.events(session).await;
    assert_eq!(expected.len(), n);
    for (i, ws) in full.iter_mut().enumerate() {
        let frames: Vec<Value> = texts(ws, n).await.iter().map(|f| parse(f)).collect();
        assert_eq!(frames, expected, "/ws client {i}");
        assert_quiet(ws, "/ws client").await;
    }
    for ws in &mut nudges {
        assert_eq!(texts(ws, n).await, vec!["NewEvent".to_owned(); n]);
        assert_quiet(ws, "/ client").await;
    }
    server.stop().await;
}

#[tokio::test]
async fn a_closed_client_does_not_disturb_others() {
    let server = Server::start().await;
    let mut survivor = connect(&server, "/ws").await;
    let mut nudge_survivor = connect(&server, "/").await;
    let mut polite = connect(&server, "/ws").await;
    let abrupt = connect(&server, "/ws").await;
    let abrupt_nudge = connect(&server, "/").await;

    polite.close(None).await.expect("close");
    drop(abrupt);
    drop(abrupt_nudge);

    let n = cause_events(&server, "after close").await;
    let frames = texts(&mut survivor, n).await;
    assert_eq!(parse(&frames[0])["Msg"]["Text"], "group after close");
    assert_eq!(
        texts(&mut nudge_survivor, n).await,
        vec!["NewEvent".to_owned(); n]
    );

    // And again, after the server has surely noticed the dropped connections.
    let n = cause_events(&server, "later").await;
    let frames = texts(&mut survivor, n).await;
    assert_eq!(parse(&frames[n - 1])["Msg"]["Text"], "private later");
    assert_eq!(texts(&mut nudge_survivor, n).await.len(), n);
    let answer = server.call("/getlogonqq", "").await;
    assert!(
        answer["ret"].as_str().is_some_and(|r| r.contains("10001")),
        "{answer}"
    );
    server.stop().await;
}

#[tokio::test]
async fn stopping_the_server_closes_websockets() {
    let server = Server::start().await;
    let mut ws = connect(&server, "/ws").await;
    tokio::time::timeout(Duration::from_secs(10), server.stop())
        .await
        .expect("the server stops while a websocket is open");
    // A close frame or the end of the stream, promptly.
    match tokio::time::timeout(FRAME_TIMEOUT, ws.next()).await {
        Err(_) => panic!("the websocket stayed open after the server stopped"),
        Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => {}
        Ok(Some(Ok(other))) => panic!("unexpected frame {other:?}"),
    }
}

/// Reads until the server's Close frame; answers its code. Fails if the connection stays
/// open or ends without one.
async fn close_code(ws: &mut Ws, what: &str) -> u16 {
    loop {
        match tokio::time::timeout(FRAME_TIMEOUT, ws.next()).await {
            Err(_) => panic!("{what}: no Close within {FRAME_TIMEOUT:?}"),
            Ok(Some(Ok(Message::Close(Some(frame))))) => return u16::from(frame.code),
            Ok(Some(Ok(Message::Close(None)))) => panic!("{what}: a Close without a code"),
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(error))) => panic!("{what}: the connection failed: {error}"),
            Ok(None) => panic!("{what}: the connection ended without a Close frame"),
        }
    }
}

#[tokio::test]
async fn binary_and_oversized_messages_are_closed_with_1003_and_1009() {
    const LIMIT: usize = 64 * 1024;
    let (server, onebot) = Server::start_with_onebot(|s| s.api.max_body_bytes = LIMIT).await;
    let sockets = [
        (format!("ws://{}/", server.addr), "api"),
        (format!("ws://{}/ws", server.addr), "api"),
        (format!("ws://{onebot}/"), "onebot"),
    ];
    let counted = |name: &str, port: &str| format!("{name}{{listener=\"{port}\"}}");
    for (round, (url, port)) in sockets.iter().enumerate() {
        let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .expect("connect");
        ws.send(Message::Binary(vec![0u8, 1, 2].into()))
            .await
            .expect("send");
        assert_eq!(close_code(&mut ws, url).await, 1003, "{url}: binary");

        let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .expect("connect");
        ws.send(Message::Text("a".repeat(LIMIT + 1).into()))
            .await
            .expect("send");
        assert_eq!(close_code(&mut ws, url).await, 1009, "{url}: oversized");

        let seen = if *port == "api" { round as u64 + 1 } else { 1 };
        for name in [
            "lizi_websocket_binary_closed_total",
            "lizi_websocket_oversized_closed_total",
        ] {
            assert_eq!(
                server.metric(&counted(name, port)).await,
                seen,
                "{url} {name}"
            );
        }
    }
    // A message within the limit is still taken (and ignored, as junk is).
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", server.addr))
        .await
        .expect("connect");
    ws.send(Message::Text("a".repeat(LIMIT).into()))
        .await
        .expect("send");
    sync(&mut ws).await;
}
