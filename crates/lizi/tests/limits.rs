//! No cheap denial of service, over real sockets: deadlines for request heads and idle
//! connections, the connection cap, WebSocket liveness, the parameter cap, a malformed
//! chunked body, and the open-file limit of the real binary.

mod common;

use std::time::{Duration, Instant};

use common::child::Lizi;
use common::raw::{exchange, read_answer, until_closed, PATIENCE};
use common::{temp_dir, Server};
use futures_util::StreamExt;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

const HEALTH: &[u8] = b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";

#[tokio::test]
async fn a_silent_connection_is_closed_after_the_header_timeout() {
    let server = Server::start_with(|s| {
        s.api.header_timeout_ms = 300;
        s.api.idle_timeout_ms = 60_000;
    })
    .await;
    let mut silent = TcpStream::connect(server.addr).await.expect("connect");
    let (took, answer) = until_closed(&mut silent).await;
    assert!(took >= Duration::from_millis(250), "closed after {took:?}");
    assert_eq!(answer, "", "nothing is answered to nothing");
    assert_eq!(
        server
            .metric("lizi_http_header_timeouts_total{listener=\"api\"}")
            .await,
        1
    );
}

#[tokio::test]
async fn a_head_dribbled_byte_by_byte_is_closed() {
    let server = Server::start_with(|s| s.api.header_timeout_ms = 500).await;
    let stream = TcpStream::connect(server.addr).await.expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    // One byte every 50 ms of a head that would never end.
    let dribble = tokio::spawn(async move {
        let head = b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
        for byte in head.iter().chain(std::iter::repeat(&b'a')) {
            if writer.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    let closed = tokio::time::timeout(PATIENCE, async {
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
    dribble.abort();
    assert!(closed.is_ok(), "a dribbled head kept its connection open");
    assert!(
        start.elapsed() >= Duration::from_millis(400),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(
        server
            .metric("lizi_http_header_timeouts_total{listener=\"api\"}")
            .await,
        1
    );
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_the_idle_timeout() {
    let server = Server::start_with(|s| {
        s.api.header_timeout_ms = 400;
        s.api.idle_timeout_ms = 1_500;
    })
    .await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    stream.write_all(HEALTH).await.expect("write");
    assert!(read_answer(&mut stream).await.starts_with("HTTP/1.1 200"));
    // Longer than the header timeout: between requests the idle timeout applies.
    tokio::time::sleep(Duration::from_millis(800)).await;
    stream.write_all(HEALTH).await.expect("write");
    assert!(read_answer(&mut stream).await.starts_with("HTTP/1.1 200"));
    let (took, rest) = until_closed(&mut stream).await;
    assert_eq!(rest, "");
    assert!(
        took >= Duration::from_millis(1_300),
        "closed after {took:?}"
    );
    assert_eq!(
        server
            .metric("lizi_http_idle_closed_total{listener=\"api\"}")
            .await,
        1
    );
    assert_eq!(
        server
            .metric("lizi_http_header_timeouts_total{listener=\"api\"}")
            .await,
        0
    );
}

#[tokio::test]
async fn over_the_connection_cap_new_connections_are_refused_and_logged() {
    let dir = temp_dir("cap");
    let mut lizi = Lizi::serve_in(&dir, None, &["--max-connections", "2"]);
    let addr = format!("127.0.0.1:{}", lizi.port());
    // Two kept-alive connections fill the cap.
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(&addr).await.expect("connect");
        stream.write_all(HEALTH).await.expect("write");
        assert!(read_answer(&mut stream).await.starts_with("HTTP/1.1 200"));
        held.push(stream);
    }
    let refused = exchange(&addr, HEALTH).await;
    assert_eq!(
        refused, "",
        "a connection over the cap is closed unanswered"
    );

    // Room again: a normal client is served.
    held.pop();
    let start = Instant::now();
    let served = loop {
        let answer = exchange(
            &addr,
            b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        )
        .await;
        if !answer.is_empty() || start.elapsed() > PATIENCE {
            break answer;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(served.starts_with("HTTP/1.1 200"), "{served}");
    let refusals = served
        .lines()
        .find_map(|line| {
            line.strip_prefix("lizi_http_connections_refused_total{listener=\"api\"} ")
        })
        .and_then(|value| value.trim().parse::<u64>().ok());
    assert!(refusals >= Some(1), "{served}");

    drop(held);
    let stderr = lizi.terminate();
    assert!(
        stderr.contains("refused new connections: max_connections are open already"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A server that pings WebSockets every 200 ms and closes them after 800 ms of silence,
/// and a WebSocket open on `path`.
async fn pinging_server(
    path: &str,
) -> (
    Server,
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>,
) {
    let server = Server::start_with(|s| {
        s.api.ws_ping_interval_ms = 200;
        s.api.ws_timeout_ms = 800;
    })
    .await;
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{}{path}", server.addr))
        .await
        .expect("websocket");
    (server, ws)
}

#[tokio::test]
async fn a_websocket_that_never_answers_pings_is_closed() {
    let (server, mut ws) = pinging_server("/ws").await;
    // Not reading means not answering the Pings.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let mut pings = 0;
    let ended_with = loop {
        match tokio::time::timeout(PATIENCE, ws.next()).await {
            Err(_) => panic!("the silent WebSocket is still open"),
            Ok(Some(Ok(Message::Ping(_)))) => pings += 1,
            Ok(other) => break format!("{other:?}"),
        }
    };
    assert!(pings >= 1, "pings were sent");
    // A Close frame, or the connection already gone when the client's late Pong is sent.
    assert!(
        ended_with.contains("Close")
            || ended_with.contains("BrokenPipe")
            || ended_with.contains("ConnectionReset")
            || ended_with == "None",
        "{ended_with}"
    );
    assert_eq!(server.metric("lizi_websocket_timeouts_total").await, 1);
    assert_eq!(server.metric("lizi_websockets").await, 0);
}

#[tokio::test]
async fn a_websocket_that_answers_pings_stays_open() {
    let (server, mut ws) = pinging_server("/").await;
    // Reading answers each Ping with a Pong.
    let until = Instant::now() + Duration::from_millis(2_000);
    let mut pings = 0;
    while let Ok(frame) = tokio::time::timeout_at(until.into(), ws.next()).await {
        match frame {
            Some(Ok(Message::Ping(_))) => pings += 1,
            other => panic!("the WebSocket ended: {other:?}"),
        }
    }
    assert!(pings >= 5, "{pings} pings");
    assert_eq!(server.metric("lizi_websocket_timeouts_total").await, 0);
    assert_eq!(server.metric("lizi_websockets").await, 1);
}

#[tokio::test]
async fn too_many_parameters_get_400_naming_the_limit() {
    let server = Server::start().await;
    let keys = |n: usize| {
        (0..n)
            .map(|k| format!("k{k}={k}"))
            .collect::<Vec<_>>()
            .join("&")
    };
    let (status, text) = server.post("/allocsession", &keys(100_001)).await;
    assert_eq!(status, 400, "{text}");
    let answer: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(answer["ret"], "error");
    let message = answer["error"].as_str().expect("error text");
    assert!(
        message.contains("1000") && message.contains("max_params"),
        "{message}"
    );
    assert_eq!(answer["limit"], "max_params");
    assert_eq!(answer["max"], 1000);

    let answer = server.call("/allocsession", &keys(999)).await;
    assert!(answer["session_id"].as_u64().is_some(), "{answer}");
}

#[tokio::test]
async fn a_malformed_chunked_body_gets_400() {
    let server = Server::start().await;
    let answer = exchange(
        &server.addr.to_string(),
        b"POST /allocsession HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
          Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("malformed"), "{answer}");
    assert!(!answer.contains("larger than the limit"), "{answer}");
}

#[tokio::test]
async fn the_open_file_limit_is_raised_to_the_hard_limit() {
    let dir = temp_dir("nofile");
    // Started with a low soft limit, as many systems' default of 1,024 is.
    let mut lizi = Lizi::serve_in(&dir, Some("-S -n 256"), &[]);
    lizi.port();
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", lizi.id())).expect("limits");
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .expect("a Max open files line");
    let numbers: Vec<&str> = line["Max open files".len()..].split_whitespace().collect();
    let (soft, hard) = (numbers[0], numbers[1]);
    assert_eq!(soft, hard, "{line}");
    assert_ne!(soft, "256", "the soft limit was raised: {line}");
    lizi.terminate();
    let _ = std::fs::remove_dir_all(dir);
}
