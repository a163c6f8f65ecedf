//! One open connection of an account, whoever dialled it ([`super::accept`] or
//! [`super::connect`]): on connect the bridge asks `get_version_info` (which
//! implementation) and `get_login_info` (the nickname); frames with an `echo` answer its
//! actions ([`Link`]), the others are events, handed to the [`LinkHandler`] in order.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use lizi_core::Uin;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::handler::LinkHandler;
use super::link::Link;
use crate::state::implementation::detect;

/// Serves one open connection of `account`, whoever dialled it: the handshake, then
/// answers to the bridge's actions and events (`early`: events read before, in order)
/// until it closes or `stopping` turns true. Accepted and dialled connections
/// ([`super::connect`]) take this one path.
pub async fn run<S, H>(
    socket: WebSocketStream<S>,
    account: Uin,
    early: Vec<Value>,
    backend: Arc<H>,
    action_timeout: Duration,
    stopping: &mut watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    H: LinkHandler,
{
    let (mut sink, mut frames_in) = socket.split();
    let (link, mut frames_out) = Link::new(account, backend.link_id(), action_timeout);
    let link = Arc::new(link.with_action_times(backend.action_times().clone()));
    backend.connected(link.clone());
    for frame in early {
        backend.event(account, frame);
    }
    tokio::spawn(handshake(backend.clone(), link.clone()));
    let writer = tokio::spawn(async move {
        while let Some(frame) = frames_out.recv().await {
            if sink.send(Message::text(frame)).await.is_err() {
                break;
            }
        }
        let _ = sink.close().await;
    });
    loop {
        let frame = tokio::select! {
            frame = frames_in.next() => frame,
            _ = stopping.wait_for(|stop| *stop) => break,
            _ = link.ended() => break,
        };
        let text = match frame {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
            Some(Ok(_)) => continue,
        };
        let Ok(value) = serde_json::from_str::<Value>(text.as_str()) else {
            tracing::debug!(account, "onebot bridge: a frame that is not JSON");
            continue;
        };
        if !link.answer(&value) {
            let value = backend.keep_received_media(value).await;
            backend.event(account, value);
        }
    }
    backend.disconnected(&link);
    writer.abort();
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
