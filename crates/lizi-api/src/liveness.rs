//! WebSocket liveness: a Ping every `ws_ping_interval_ms`, and the connection closed once
//! nothing (a Pong or any other frame) has been heard from the client for
//! `ws_timeout_ms`. WebSockets are exempt from the HTTP deadlines, so this is what frees
//! the connection of a client that went away without closing.

use std::time::Duration;

use futures_util::SinkExt;
use lizi_http::websocket::WebSocket;
use lizi_http::LimitLog;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::{Error, Message};

use crate::config::ApiConfig;
use crate::metrics::Metrics;

static SILENT: LimitLog = LimitLog::new(
    "api",
    "closed WebSockets that answered no Ping within ws_timeout_ms",
);

/// The Ping schedule of one WebSocket and when its client was last heard.
#[derive(Debug)]
pub struct Liveness {
    /// `None`: no Pings and no timeout.
    interval: Option<Duration>,
    timeout: Duration,
    heard: Instant,
    next_ping: Instant,
}

impl Liveness {
    /// The schedule of a connection opened now.
    pub fn new(config: &ApiConfig) -> Self {
        let interval = (config.ws_ping_interval_ms > 0)
            .then(|| Duration::from_millis(config.ws_ping_interval_ms));
        let now = Instant::now();
        Liveness {
            interval,
            timeout: Duration::from_millis(config.ws_timeout_ms),
            heard: now,
            next_ping: now + interval.unwrap_or_default(),
        }
    }

    /// When the connection must next wake for a Ping or the timeout; `None`: never.
    pub fn deadline(&self) -> Option<Instant> {
        self.interval?;
        Some(self.next_ping.min(self.heard + self.timeout))
    }

    /// Notes a frame from the client.
    pub fn heard(&mut self) {
        self.heard = Instant::now();
    }

    /// At the deadline: pings the client, or closes a silent connection and returns how
    /// the stream ends.
    pub async fn tend(
        &mut self,
        socket: &mut WebSocket,
        metrics: &Metrics,
    ) -> Option<Result<(), Error>> {
        let interval = self.interval?;
        let now = Instant::now();
        if now >= self.heard + self.timeout {
            Metrics::bump(&metrics.websocket_timeouts);
            SILENT.hit();
            return Some(socket.send(Message::Close(None)).await);
        }
        if now >= self.next_ping {
            self.next_ping = now + interval;
            if let Err(error) = socket.send(Message::Ping(Default::default())).await {
                return Some(Err(error));
            }
        }
        None
    }
}
