//! One open connection of an account, whoever dialled it ([`super::accept`] or
//! [`super::connect`]): on connect the bridge asks `get_version_info` (which
//! implementation) and `get_login_info` (the nickname); frames with an `echo` answer its
//! actions ([`Link`]), the others are events, handed to the [`LinkHandler`] in order, at
//! most [`IN_FLIGHT`] of them on their way into the store at once. A Ping goes out every
//! `ping_every`, and a connection silent (no frame, no Pong) for `silence` is closed
//! ([`Timing`]).

use std::collections::VecDeque;
use std::sync::Arc;

use futures_util::{Sink, SinkExt, Stream, StreamExt};
use lizi_core::Uin;
use serde_json::{json, Value};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::config::Timing;
use super::handler::LinkHandler;
use super::link::Link;
use crate::state::implementation::detect;

/// How many frames may be on their way into lizi's store at once: beyond this the
/// connection waits before it reads on, so an implementation that posts faster than the
/// store keeps up is slowed down by TCP rather than held in memory.
pub const IN_FLIGHT: usize = 256;

/// Serves one open connection of `account`, whoever dialled it: the handshake, then
/// answers to the bridge's actions and events (`early`: events read before, in order)
/// until it closes, falls silent for longer than `timing` allows, or `stopping` turns
/// true. Accepted and dialled connections ([`super::connect`]) take this one path.
pub async fn run<W, H>(
    socket: W,
    account: Uin,
    early: Vec<Value>,
    backend: Arc<H>,
    timing: Timing,
    stopping: &mut watch::Receiver<bool>,
) where
    W: Stream<Item = Result<Message, WsError>> + Sink<Message, Error = WsError> + Send,
    W: Unpin + 'static,
    H: LinkHandler,
{
    let (mut sink, mut frames_in) = socket.split();
    let (link, mut frames_out) = Link::new(account, backend.link_id(), timing.action);
    let link = Arc::new(link.with_action_times(backend.action_times().clone()));
    backend.connected(link.clone());
    let mut in_flight = VecDeque::new();
    for frame in early {
        in_flight.push_back(backend.event(account, frame));
    }
    tokio::spawn(handshake(backend.clone(), link.clone()));
    let (pings, mut to_ping) = mpsc::channel::<()>(1);
    let writer = tokio::spawn(async move {
        loop {
            let message = tokio::select! {
                frame = frames_out.recv() => match frame {
                    Some(frame) => Message::text(frame),
                    None => break,
                },
                Some(()) = to_ping.recv() => Message::Ping(Default::default()),
            };
            if sink.send(message).await.is_err() {
                break;
            }
        }
        let _ = sink.close().await;
    });
    let mut liveness = timing.ping_every.map(|every| {
        let start = tokio::time::Instant::now() + every;
        tokio::time::interval_at(start, every)
    });
    let mut heard = tokio::time::Instant::now();
    loop {
        let frame = tokio::select! {
            frame = frames_in.next() => frame,
            _ = stopping.wait_for(|stop| *stop) => break,
            _ = link.ended() => break,
            _ = tick(&mut liveness) => {
                if heard.elapsed() >= timing.silence {
                    tracing::warn!(
                        account,
                        "onebot bridge: nothing heard for {} s: the connection is closed",
                        timing.silence.as_secs()
                    );
                    break;
                }
                let _ = pings.try_send(());
                continue;
            }
        };
        heard = tokio::time::Instant::now();
        let text = match frame {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
            Some(Ok(_)) => continue,
        };
        // A frame that is not JSON is no answer; it goes on as an event that cannot be
        // read, which the handler reports.
        let value = serde_json::from_str::<Value>(text.as_str())
            .unwrap_or_else(|_| Value::String(text.as_str().chars().take(200).collect()));
        if !link.answer(&value) {
            let value = backend.keep_received_media(value).await;
            in_flight.push_back(backend.event(account, value));
            if in_flight.len() > IN_FLIGHT {
                if let Some(oldest) = in_flight.pop_front() {
                    oldest.await;
                }
            }
        }
    }
    backend.disconnected(&link);
    writer.abort();
}

/// The next tick of `liveness`, or never when there is none.
async fn tick(liveness: &mut Option<tokio::time::Interval>) {
    match liveness {
        Some(interval) => {
            interval.tick().await;
        }
        None => std::future::pending().await,
    }
}

/// Learns the implementation and the nickname, then announces the account.
async fn handshake<H: LinkHandler>(backend: Arc<H>, link: Arc<Link>) {
    let text = |data: &Value, key: &str| {
        data.get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let implementation = match link.call("get_version_info", json!({})).await {
        Ok(data) => {
            let app_name = text(&data, "app_name");
            match detect(&app_name) {
                Some(profile) => profile.name().to_owned(),
                None => app_name,
            }
        }
        Err(error) => {
            tracing::warn!(
                account = link.account,
                "onebot bridge: get_version_info: {error}"
            );
            String::new()
        }
    };
    let nickname = match link.call("get_login_info", json!({})).await {
        Ok(data) => text(&data, "nickname"),
        Err(error) => {
            tracing::warn!(
                account = link.account,
                "onebot bridge: get_login_info: {error}"
            );
            String::new()
        }
    };
    backend.identified(link.account, nickname, implementation);
    backend.refill(&link).await;
}
