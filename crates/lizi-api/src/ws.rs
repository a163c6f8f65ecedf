//! WebSocket streams: `/` sends the 8 bytes `NewEvent` once per event, `/ws` sends each
//! event's JSON (docs/xlz-api.md#websockets-and-push). Nothing is sent on connect; client text frames are ignored,
//! but each one shows the client is alive (see [`crate::liveness`]); a binary frame or a
//! message over `max_body_bytes` closes the connection (1003, 1009: see
//! [`lizi_http::websocket`]).
//!
//! The stream's position is taken before the handshake answer goes out, so an event
//! appended while the connection is being set up is not missed. A `/ws` client that falls
//! behind the lag limit gets a `{"Type":"LiziLost",…}` frame saying how many it lost.

use axum::body::Body;
use axum::http::Request;
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use lizi_http::websocket::WebSocket;
use lizi_store::metrics::Delivery;
use lizi_store::ReaderId;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::{Error, Message};

use crate::liveness::Liveness;
use crate::AppState;

/// Events sent per read of the log on `/ws`; each read's frames are flushed together.
const BATCH: usize = 256;

/// The nudge frame's payload (docs/xlz-api.md#websockets-and-push).
const NUDGE: &str = "NewEvent";

/// Accepts an upgrade to the nudge stream (`full = false`) or the event stream.
pub fn upgrade(mut request: Request<Body>, state: AppState, full: bool) -> Response {
    let (response, upgrading) = match lizi_http::websocket::accept(&mut request) {
        Ok(accepted) => accepted,
        Err(refusal) => return refusal.map(Body::new),
    };
    let mut head = state.log.watch();
    let seen = *head.borrow_and_update();
    let reader = if full {
        state.log.open_reader(None).ok()
    } else {
        None
    };
    tokio::spawn(async move {
        let socket = match upgrading.socket().await {
            Ok(socket) => socket,
            Err(error) => {
                if let Some(reader) = reader {
                    state.log.close_reader(reader);
                }
                tracing::debug!("websocket upgrade failed: {error}");
                return;
            }
        };
        state.metrics.websockets.inc();
        let result = match reader {
            Some(reader) => {
                let result = stream_events(socket, &state, head, reader).await;
                state.log.close_reader(reader);
                result
            }
            None => stream_nudges(socket, &state, head, seen).await,
        };
        state.metrics.websockets.dec();
        if let Err(error) = result {
            tracing::debug!("websocket closed: {error}");
        }
    });
    response.map(Body::new)
}

/// What woke the connection loop.
enum Wake {
    Head,
    Client(Option<Result<Message, Error>>),
    Stop,
    /// Time to ping the client or to give up on it.
    Liveness,
}

async fn wait(
    socket: &mut WebSocket,
    state: &AppState,
    head: &mut watch::Receiver<u64>,
    liveness: &Liveness,
) -> Wake {
    let mut stopping = state.stopping.clone();
    if *stopping.borrow() {
        return Wake::Stop;
    }
    let deadline = liveness.deadline();
    let due = async {
        match deadline {
            Some(at) => tokio::time::sleep_until(at).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        changed = head.changed() => if changed.is_ok() { Wake::Head } else { Wake::Stop },
        frame = socket.next() => Wake::Client(frame),
        _ = stopping.changed() => Wake::Stop,
        () = due => Wake::Liveness,
    }
}

/// Keeps the connection's liveness: notes client frames, pings, closes a silent client.
async fn keep_alive(
    socket: &mut WebSocket,
    state: &AppState,
    liveness: &mut Liveness,
    wake: &Wake,
) -> Option<Result<(), Error>> {
    match wake {
        Wake::Client(Some(Ok(_))) => {
            liveness.heard();
            None
        }
        Wake::Liveness => liveness.tend(socket, &state.metrics).await,
        _ => None,
    }
}

/// Handles a wake-up: `None` goes on, `Some` ends the stream with that result.
async fn settle(socket: &mut WebSocket, wake: Wake) -> Option<Result<(), Error>> {
    match wake {
        Wake::Head | Wake::Liveness => None,
        // The socket has queued the Close frame that echoes the client's status code
        // (RFC 6455 §5.5.1); flushing sends it before the connection is dropped.
        Wake::Client(Some(Ok(Message::Close(_)))) => Some(socket.flush().await),
        Wake::Client(None) => Some(Ok(())),
        Wake::Client(Some(Ok(_))) => None,
        Wake::Client(Some(Err(error))) => Some(Err(error)),
        Wake::Stop => Some(socket.send(Message::Close(None)).await),
    }
}

/// `/`: one `NewEvent` text frame per event appended after the connection opened.
async fn stream_nudges(
    mut socket: WebSocket,
    state: &AppState,
    mut head: watch::Receiver<u64>,
    mut seen: u64,
) -> Result<(), Error> {
    let mut liveness = Liveness::new(&state.config);
    loop {
        let now = *head.borrow_and_update();
        if now > seen {
            // Every frame of this wake-up is written, then flushed once.
            for _ in seen..now {
                socket.feed(Message::Text(NUDGE.into())).await?;
            }
            socket.flush().await?;
        }
        seen = seen.max(now);
        let wake = wait(&mut socket, state, &mut head, &liveness).await;
        if let Some(end) = keep_alive(&mut socket, state, &mut liveness, &wake).await {
            return end;
        }
        if let Some(end) = settle(&mut socket, wake).await {
            return end;
        }
    }
}

/// `/ws`: every event appended after the connection opened, as JSON, in order, read
/// through the connection's own cursor, so a slow client loses nothing.
async fn stream_events(
    mut socket: WebSocket,
    state: &AppState,
    mut head: watch::Receiver<u64>,
    reader: ReaderId,
) -> Result<(), Error> {
    let mut liveness = Liveness::new(&state.config);
    loop {
        head.borrow_and_update();
        loop {
            let batch = match state.log.read(reader, BATCH) {
                Ok(Some(batch)) if !batch.events.is_empty() => batch,
                Ok(_) => break,
                Err(error) => {
                    tracing::error!("reading events for a websocket failed: {error}");
                    return socket.send(Message::Close(None)).await;
                }
            };
            let lost = state.log.take_reader_lost(reader);
            if lost > 0 {
                // Said in band, in the same form as /getevent's marker.
                tracing::warn!("a /ws client fell behind its lag limit and lost {lost} events");
                let marker = serde_json::json!({
                    "Type": "LiziLost",
                    "Lost": lost,
                    "Reason": "this connection fell behind its lag limit (max_lag_events / max_lag_bytes)",
                });
                socket
                    .feed(Message::Text(marker.to_string().into()))
                    .await?;
            }
            for event in &batch.events {
                socket.feed(Message::Text(event.as_ref().into())).await?;
            }
            socket.flush().await?;
            let appended = batch.appended_times(0..batch.events.len());
            state.log.delivered(appended, Delivery::Ws);
            state.log.advance(reader, batch.next);
        }
        let wake = wait(&mut socket, state, &mut head, &liveness).await;
        if let Some(end) = keep_alive(&mut socket, state, &mut liveness, &wake).await {
            return end;
        }
        if let Some(end) = settle(&mut socket, wake).await {
            return end;
        }
    }
}
