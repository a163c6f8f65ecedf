//! WebSocket streams: `/` sends the 8 bytes `NewEvent` once per event, `/ws` sends each
//! event's JSON (wire.md §6). Nothing is sent on connect; client frames are ignored.

use std::sync::atomic::Ordering;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use lizi_core::CursorId;

use crate::AppState;

/// Events sent per read of the log on `/ws`.
const BATCH: usize = 256;

/// Accepts an upgrade to the nudge stream (`full = false`) or the event stream.
pub fn upgrade(upgrade: WebSocketUpgrade, state: AppState, full: bool) -> Response {
    upgrade.on_upgrade(move |socket| async move {
        state.metrics.websockets.fetch_add(1, Ordering::Relaxed);
        let result = if full {
            stream_events(socket, &state).await
        } else {
            stream_nudges(socket, &state).await
        };
        state.metrics.websockets.fetch_sub(1, Ordering::Relaxed);
        if let Err(error) = result {
            tracing::debug!("websocket closed: {error}");
        }
    })
}

/// What woke the connection loop.
enum Wake {
    Head,
    Client(Option<Result<Message, axum::Error>>),
    Stop,
}

async fn wait(
    socket: &mut WebSocket,
    state: &AppState,
    head: &mut tokio::sync::watch::Receiver<u64>,
) -> Wake {
    let mut stopping = state.stopping.clone();
    if *stopping.borrow() {
        return Wake::Stop;
    }
    tokio::select! {
        changed = head.changed() => if changed.is_ok() { Wake::Head } else { Wake::Stop },
        frame = socket.recv() => Wake::Client(frame),
        _ = stopping.changed() => Wake::Stop,
    }
}

/// `/`: one `NewEvent` text frame per event appended after the connection opened.
async fn stream_nudges(mut socket: WebSocket, state: &AppState) -> Result<(), axum::Error> {
    let mut head = state.log.watch();
    let mut seen = *head.borrow_and_update();
    loop {
        match wait(&mut socket, state, &mut head).await {
            Wake::Head => {
                let now = *head.borrow_and_update();
                for _ in seen..now {
                    socket.send(Message::Text("NewEvent".into())).await?;
                }
                seen = seen.max(now);
            }
            Wake::Client(Some(Ok(Message::Close(_)))) | Wake::Client(None) => return Ok(()),
            Wake::Client(Some(Ok(_))) => {}
            Wake::Client(Some(Err(error))) => return Err(error),
            Wake::Stop => return socket.send(Message::Close(None)).await,
        }
    }
}

/// `/ws`: every event appended after the connection opened, as JSON, in order. The
/// connection reads through its own cursor, so a slow client loses nothing.
async fn stream_events(mut socket: WebSocket, state: &AppState) -> Result<(), axum::Error> {
    let cursor = state.log.open_internal();
    let result = pump(&mut socket, state, cursor).await;
    state.log.close(cursor);
    result
}

async fn pump(
    socket: &mut WebSocket,
    state: &AppState,
    cursor: CursorId,
) -> Result<(), axum::Error> {
    let mut head = state.log.watch();
    loop {
        head.borrow_and_update();
        while let Some(batch) = state
            .log
            .read(cursor, BATCH)
            .filter(|b| !b.events.is_empty())
        {
            for event in &batch.events {
                socket.send(Message::Text(event.as_ref().into())).await?;
            }
            state.log.ack(cursor, batch.next);
        }
        match wait(socket, state, &mut head).await {
            Wake::Head => {}
            Wake::Client(Some(Ok(Message::Close(_)))) | Wake::Client(None) => return Ok(()),
            Wake::Client(Some(Ok(_))) => {}
            Wake::Client(Some(Err(error))) => return Err(error),
            Wake::Stop => return socket.send(Message::Close(None)).await,
        }
    }
}
