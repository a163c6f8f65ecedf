//! WebSocket servers on a port: the upgrade, answered only after the port's head checks
//! (so a missing or wrong token is refused with 401/403 and no WebSocket), and the frames
//! lizi's servers refuse.
//!
//! The handshake (RFC 6455 §4.2) is written here over hyper's upgrade, with tungstenite's
//! accept key, because the crates that do it take a whole stream (tungstenite's
//! `accept_hdr_async`, which reads the head itself, past the port's checks) or bring their
//! own framework (axum's `WebSocketUpgrade`). [`WebSocket`] is tokio-tungstenite's stream
//! with one rule added: a binary frame is answered with Close 1003 and a message over
//! `max_body_bytes` with Close 1009 (tungstenite refuses it from the frame header, before
//! reading it), each counted and logged, and the stream then ends.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use futures_util::{Sink, Stream};
use http::header::{
    HeaderValue, CONNECTION, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_VERSION,
    UPGRADE,
};
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::upgrade::{OnUpgrade, Upgraded};
use hyper_util::rt::TokioIo;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error, Message};
use tokio_tungstenite::WebSocketStream;

use crate::gate::Answer;
use crate::port::UpgradeContext;
use crate::stats::{bump, PortStats};

/// Whether a request asks for a WebSocket (`Upgrade: websocket`).
pub fn is_upgrade<B>(request: &Request<B>) -> bool {
    request
        .headers()
        .get(UPGRADE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("websocket"))
}

/// A handshake that is not a valid WebSocket upgrade: 400 (426 for another version).
fn bad_handshake(status: StatusCode, why: &str) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(why.to_owned())));
    *response.status_mut() = status;
    if status == StatusCode::UPGRADE_REQUIRED {
        response
            .headers_mut()
            .insert(SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
    }
    response
}

/// Accepts a WebSocket handshake that reached a handler of a port's app: the 101 answer
/// to send, and the upgrade that yields the socket once it is sent. A request that is not
/// a valid handshake gets the answer saying why.
#[allow(clippy::result_large_err)] // the refusal is the answer itself, built once
pub fn accept<B>(request: &mut Request<B>) -> Result<(Answer, Upgrading), Answer> {
    let header = |name| {
        request
            .headers()
            .get(name)
            .and_then(|value: &HeaderValue| value.to_str().ok())
    };
    if request.method() != Method::GET || !is_upgrade(request) {
        return Err(bad_handshake(
            StatusCode::BAD_REQUEST,
            "a WebSocket handshake is a GET with `Upgrade: websocket`",
        ));
    }
    let connection_upgrade = header(CONNECTION).is_some_and(|value| {
        value
            .split(',')
            .any(|token| token.trim().eq_ignore_ascii_case("upgrade"))
    });
    if !connection_upgrade {
        return Err(bad_handshake(
            StatusCode::BAD_REQUEST,
            "a WebSocket handshake needs `Connection: Upgrade`",
        ));
    }
    if header(SEC_WEBSOCKET_VERSION).map(str::trim) != Some("13") {
        return Err(bad_handshake(
            StatusCode::UPGRADE_REQUIRED,
            "only WebSocket version 13 is spoken",
        ));
    }
    let Some(key) = header(SEC_WEBSOCKET_KEY) else {
        return Err(bad_handshake(
            StatusCode::BAD_REQUEST,
            "a WebSocket handshake needs `Sec-WebSocket-Key`",
        ));
    };
    let accept_key = derive_accept_key(key.trim().as_bytes());
    let Some(context) = request.extensions_mut().remove::<UpgradeContext>() else {
        return Err(bad_handshake(
            StatusCode::INTERNAL_SERVER_ERROR,
            "this request did not come through a lizi port",
        ));
    };
    let Some(upgrade) = request.extensions_mut().remove::<OnUpgrade>() else {
        return Err(bad_handshake(
            StatusCode::INTERNAL_SERVER_ERROR,
            "this connection cannot be upgraded",
        ));
    };
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    if let Ok(value) = HeaderValue::from_str(&accept_key) {
        headers.insert(SEC_WEBSOCKET_ACCEPT, value);
    }
    Ok((response, Upgrading { upgrade, context }))
}

/// An accepted handshake whose 101 answer is on its way.
pub struct Upgrading {
    upgrade: OnUpgrade,
    context: UpgradeContext,
}

impl Upgrading {
    /// The WebSocket, once the 101 answer is sent and the connection handed over.
    pub async fn socket(self) -> Result<WebSocket, hyper::Error> {
        let upgraded = self.upgrade.await?;
        let limit = Some(self.context.max_message_bytes);
        let config = WebSocketConfig::default()
            .max_message_size(limit)
            .max_frame_size(limit);
        let inner =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config))
                .await;
        Ok(WebSocket {
            inner,
            stats: self.context.stats,
            state: State::Open,
        })
    }
}

/// Where a [`WebSocket`] is in refusing a frame.
enum State {
    Open,
    /// The Close frame to send.
    Refusing(CloseFrame),
    /// Sent; flushing it.
    Flushing,
    Ended,
}

/// A server WebSocket on a port: tungstenite's messages in and out, binary and oversized
/// messages refused.
pub struct WebSocket {
    inner: WebSocketStream<TokioIo<Upgraded>>,
    stats: Arc<PortStats>,
    state: State,
}

impl WebSocket {
    /// Starts refusing the connection with `code`, counted and logged.
    fn refuse(&mut self, code: CloseCode, reason: &'static str) {
        let (counter, log) = match code {
            CloseCode::Unsupported => (&self.stats.binary_frames, &self.stats.binary_log),
            _ => (&self.stats.oversized_frames, &self.stats.oversized_log),
        };
        bump(counter);
        log.hit();
        self.state = State::Refusing(CloseFrame {
            code,
            reason: reason.into(),
        });
    }
}

impl Stream for WebSocket {
    type Item = Result<Message, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Ended => return Poll::Ready(None),
                State::Open => match ready!(Pin::new(&mut this.inner).poll_next(cx)) {
                    Some(Ok(Message::Binary(_))) => {
                        this.refuse(CloseCode::Unsupported, "only text frames are taken")
                    }
                    Some(Err(Error::Capacity(_))) => {
                        this.refuse(CloseCode::Size, "the message is larger than max_body_bytes")
                    }
                    other => return Poll::Ready(other),
                },
                State::Refusing(frame) => {
                    let frame = frame.clone();
                    let mut inner = Pin::new(&mut this.inner);
                    this.state = match ready!(inner.as_mut().poll_ready(cx)) {
                        Ok(()) => match inner.start_send(Message::Close(Some(frame))) {
                            Ok(()) => State::Flushing,
                            Err(_) => State::Ended,
                        },
                        Err(_) => State::Ended,
                    };
                }
                State::Flushing => {
                    let _ = ready!(Pin::new(&mut this.inner).poll_flush(cx));
                    this.state = State::Ended;
                }
            }
        }
    }
}

impl Sink<Message> for WebSocket {
    type Error = Error;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Pin::new(&mut self.get_mut().inner).poll_ready(cx)
    }

    fn start_send(self: Pin<&mut Self>, message: Message) -> Result<(), Error> {
        Pin::new(&mut self.get_mut().inner).start_send(message)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Pin::new(&mut self.get_mut().inner).poll_close(cx)
    }
}
