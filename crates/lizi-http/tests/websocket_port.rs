//! A WebSocket-only port served by a plain [`Handler`], as the bridge's accept port is:
//! the token checked from the head (401, 403, no upgrade), the upgrade once it passes,
//! text echoed, a binary message closed with 1003 — over a real socket.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::request::Parts;
use http::{Request, Response};
use http_body_util::Full;
use lizi_http::websocket;
use lizi_http::{token, Gate, Handler, Names, Port, PortConfig, Ports, Refusal};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error, Message};

struct TokenGate;

impl Gate for TokenGate {
    fn admit(&self, head: &Parts, _peer: SocketAddr) -> Result<(), Refusal> {
        token::check("s3cret", &head.headers, head.uri.query())
    }
}

/// Upgrades every request and echoes the text it receives.
async fn echo(mut request: Request<Full<Bytes>>) -> Response<Full<Bytes>> {
    match websocket::accept(&mut request) {
        Ok((answer, upgrading)) => {
            tokio::spawn(async move {
                let Ok(mut socket) = upgrading.socket().await else {
                    return;
                };
                while let Some(Ok(message)) = socket.next().await {
                    if message.is_text() && socket.send(message).await.is_err() {
                        return;
                    }
                }
            });
            answer
        }
        Err(refusal) => refusal,
    }
}

async fn start() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let config = PortConfig {
        header_timeout: Some(Duration::from_secs(5)),
        idle_timeout: Some(Duration::from_secs(5)),
        body_timeout: Some(Duration::from_secs(5)),
        max_connections: 10,
        max_body_bytes: 1024,
        names: Names::default(),
    };
    let ports = Ports::new(4096);
    let port = Port::new("bridge", config, Arc::new(TokenGate), &ports);
    tokio::spawn(lizi_http::serve(
        listener,
        port,
        Handler(echo),
        std::future::pending(),
    ));
    address
}

/// The handshake's status with `authorization`, and the socket when it opened.
async fn dial(
    address: SocketAddr,
    authorization: Option<&str>,
) -> (
    u16,
    Option<
        tokio_tungstenite::WebSocketStream<
            tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
        >,
    >,
) {
    let mut request = format!("ws://{address}/")
        .into_client_request()
        .expect("request");
    if let Some(value) = authorization {
        request
            .headers_mut()
            .insert("Authorization", value.parse().expect("header"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, response)) => (response.status().as_u16(), Some(socket)),
        Err(Error::Http(response)) => (response.status().as_u16(), None),
        Err(error) => panic!("{error}"),
    }
}

#[tokio::test]
async fn the_token_is_checked_before_the_upgrade_and_binary_messages_are_closed() {
    let address = start().await;
    assert_eq!(dial(address, None).await.0, 401);
    assert_eq!(dial(address, Some("Bearer wrong")).await.0, 403);
    let (status, socket) = dial(address, Some("bearer s3cret")).await;
    assert_eq!(status, 101);
    let mut socket = socket.expect("a socket");
    socket.send(Message::text("hello")).await.expect("send");
    let echoed = socket.next().await.expect("a frame").expect("no error");
    assert_eq!(echoed, Message::text("hello"));
    socket
        .send(Message::binary(vec![1u8, 2, 3]))
        .await
        .expect("send");
    match socket.next().await {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 1003),
        other => panic!("expected a Close 1003, got {other:?}"),
    }
}
