//! One OneBot WebSocket connection, whichever side opened it: events from the store's
//! event log (through the reader it is given) and heartbeats out, action frames answered
//! with their `echo`. The reverse client and the forward server both run it.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{Sink, SinkExt, Stream, StreamExt};
use lizi_core::{Backend, Uin};
use lizi_onebot::ActionRequest;
use lizi_store::{ReaderId, Store};
use serde_json::{json, Value};
use tokio::sync::watch;

use crate::actions::{perform, unreadable};
use crate::events::roles::Roles;
use crate::events::{to_onebot, Lens};
use crate::ids::MessageIds;
use crate::FaceConfig;

/// What the connections share.
pub(crate) struct Shared {
    pub backend: Arc<dyn Backend>,
    pub store: Arc<Store>,
    pub config: Arc<FaceConfig>,
    pub ids: MessageIds,
}

/// What a connection carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Events and actions.
    Universal,
    /// Events only.
    Event,
    /// Actions only.
    Api,
}

/// Why a connection ended.
pub(crate) enum End {
    Dropped,
    Stopping,
}

fn meta(account: Uin, kind: &str, extra: Value) -> String {
    let mut event = json!({
        "time": unix_now(),
        "self_id": account,
        "post_type": "meta_event",
        "meta_event_type": kind,
    });
    if let (Value::Object(event), Value::Object(extra)) = (&mut event, extra) {
        event.extend(extra);
    }
    event.to_string()
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Runs one connection until it drops or the face stops: a `lifecycle` `connect` event
/// first and then events and heartbeats when the role carries events, answers to the
/// action frames when it carries actions. `stream` yields a text frame's text, `None` for
/// other frames, and ends when the connection does.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn serve<S, R>(
    shared: &Shared,
    mut sink: S,
    mut stream: R,
    account: Uin,
    reader: ReaderId,
    role: Role,
    stopping: &mut watch::Receiver<bool>,
) -> End
where
    S: Sink<String> + Unpin,
    R: Stream<Item = Option<String>> + Unpin,
{
    let events = role != Role::Api;
    if events {
        let lifecycle = meta(account, "lifecycle", json!({"sub_type": "connect"}));
        if sink.send(lifecycle).await.is_err() {
            return End::Dropped;
        }
    }
    let beat = Duration::from_millis(shared.config.heartbeat_ms.max(1));
    let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + beat, beat);
    let mut head = shared.store.watch();
    loop {
        head.borrow_and_update();
        if deliver(shared, &mut sink, account, reader, events)
            .await
            .is_err()
        {
            return End::Dropped;
        }
        tokio::select! {
            changed = head.changed() => if changed.is_err() { return End::Stopping },
            frame = stream.next() => match frame {
                Some(Some(text)) if role != Role::Event => {
                    let answer = answer(shared, account, &text).await;
                    if sink.send(answer.to_string()).await.is_err() {
                        return End::Dropped;
                    }
                }
                Some(_) => {}
                None => return End::Dropped,
            },
            _ = heartbeat.tick(), if events => {
                let status = json!({"status": {"online": true, "good": true}, "interval": shared.config.heartbeat_ms});
                if sink.send(meta(account, "heartbeat", status)).await.is_err() {
                    return End::Dropped;
                }
            }
            _ = until_stopping(stopping) => {
                let _ = sink.close().await;
                return End::Stopping;
            }
        }
    }
}

/// Sends the events the reader has not seen yet (only moves the reader on when `send` is
/// off); fails when the connection is gone.
async fn deliver<S: Sink<String> + Unpin>(
    shared: &Shared,
    sink: &mut S,
    account: Uin,
    reader: ReaderId,
    send: bool,
) -> Result<(), S::Error> {
    let lens = Lens {
        self_id: account,
        ids: &shared.ids,
        config: &shared.config,
    };
    loop {
        let mut roles = Roles::default();
        let batch = match shared.store.read(reader, 64) {
            Ok(Some(batch)) if !batch.events.is_empty() => batch,
            _ => return Ok(()),
        };
        for (offset, entry) in batch.events.iter().enumerate() {
            if let Some(mut event) = to_onebot(entry, &lens).filter(|_| send) {
                roles
                    .fill(shared.backend.as_ref(), account, &mut event)
                    .await;
                sink.send(event.to_string()).await?;
            }
            shared
                .store
                .advance(reader, batch.first + offset as u64 + 1);
        }
    }
}

/// The answer to one action frame.
async fn answer(shared: &Shared, account: Uin, text: &str) -> Value {
    let profile = shared.config.profile;
    match serde_json::from_str::<ActionRequest>(text) {
        Ok(request) => {
            let response = perform(shared, Some(account), &request).await;
            profile.render(&response)
        }
        Err(_) => unreadable(profile, "the frame is not an action request"),
    }
}

/// Resolves once the face is stopping.
pub(crate) async fn until_stopping(stopping: &mut watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}
