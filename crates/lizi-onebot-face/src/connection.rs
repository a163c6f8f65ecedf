//! One OneBot WebSocket connection, whichever side opened it: events from the store's
//! event log (through the reader it is given) and heartbeats out, action frames answered
//! with their `echo`. The reverse client and the forward server both run it.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::ready;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use lizi_core::{Backend, Uin};
use lizi_onebot::envelope::Rendered;
use lizi_onebot::ActionRequest;
use lizi_store::metrics::Delivery;
use lizi_store::{ReaderId, Store};
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::actions::unreadable;
use crate::events::roles::Roles;
use crate::events::{to_onebot, Lens};
use crate::faults::{act, Faults};
use crate::ids::MessageIds;
use crate::metrics::FaceMetrics;
use crate::polling::Queues;
use crate::presence::Presence;
use crate::FaceConfig;

/// What the connections share.
pub(crate) struct Shared {
    pub backend: Arc<dyn Backend>,
    pub store: Arc<Store>,
    pub config: Arc<FaceConfig>,
    /// The OneBot ids of stored messages.
    pub ids: MessageIds,
    /// The framework accounts' state.
    pub presence: watch::Sender<Presence>,
    /// The faults in force.
    pub faults: Faults,
    /// Deliveries, quick operations and action times.
    pub metrics: FaceMetrics,
    /// Names of the forward cursors in use by an open connection.
    pub forward_names: Mutex<HashSet<String>>,
    /// The queues of `get_event`.
    pub queues: Queues,
}

impl Shared {
    /// What the face shares, with no account known yet and no fault.
    pub fn new(backend: Arc<dyn Backend>, store: Arc<Store>, config: FaceConfig) -> Shared {
        Shared {
            backend,
            ids: MessageIds::new(store.clone(), config.profile, config.forget_ids),
            store,
            config: Arc::new(config),
            presence: watch::channel(Presence::default()).0,
            faults: Faults::default(),
            metrics: FaceMetrics::default(),
            forward_names: Mutex::new(HashSet::new()),
            queues: Queues::default(),
        }
    }

    /// The OneBot event for one event-log entry as `account` sees it, senders' roles
    /// filled in (through `roles`, a batch's cache); `None` when OneBot has no event for
    /// it or a fault drops it.
    pub async fn event_for(&self, account: Uin, entry: &str, roles: &mut Roles) -> Option<Value> {
        let lens = Lens {
            self_id: account,
            ids: &self.ids,
            config: &self.config,
        };
        let mut event = to_onebot(entry, &lens)?;
        if self.faults.drop_event() {
            return None;
        }
        roles.fill(self.backend.as_ref(), account, &mut event).await;
        Some(event)
    }

    /// Opens (or resumes) the named cursor of one connection; `None`, logged, when the
    /// store cannot.
    pub fn open_cursor(&self, name: &str) -> Option<ReaderId> {
        match self.store.open_reader(Some(name)) {
            Ok(reader) => Some(reader),
            Err(error) => {
                tracing::error!(name, "opening the event cursor failed: {error}");
                None
            }
        }
    }

    /// Takes a forward cursor name for a connection; false when one open already has it.
    pub fn claim_name(&self, name: &str) -> bool {
        self.names().insert(name.to_owned())
    }

    /// Gives back a forward cursor name when its connection ends.
    pub fn release_name(&self, name: &str) {
        self.names().remove(name);
    }

    fn names(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.forward_names
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Moves `reader` to the end of the log when transports skip what arrived while they
    /// were not connected (NapCat's behaviour).
    pub fn skip_missed(&self, reader: ReaderId) {
        if self.config.drop_while_disconnected {
            self.store.advance(reader, self.store.head());
        }
    }
}

/// One connection's part: whose events, through which cursor, carrying what.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Link {
    pub account: Uin,
    pub reader: ReaderId,
    pub role: Role,
    /// Whether the connection ends when its account logs out (reverse connections).
    pub ends_at_logout: bool,
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
    LoggedOut,
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

pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// A WebSocket as [`serve`] takes it: text written as text frames; a text frame's text
/// read, `None` for other frames, ending at a Close frame or an error.
pub(crate) fn text_frames<W>(
    socket: W,
) -> (
    impl Sink<String, Error = WsError> + Unpin,
    impl Stream<Item = Option<String>> + Unpin,
)
where
    W: Stream<Item = Result<Message, WsError>> + Sink<Message, Error = WsError> + Unpin,
{
    let (sink, stream) = socket.split();
    let sink = sink.with(|text: String| ready(Ok::<_, WsError>(Message::text(text))));
    let stream = stream
        .take_while(|frame| ready(matches!(frame, Ok(frame) if !frame.is_close())))
        .map(|frame| match frame {
            Ok(Message::Text(text)) => Some(text.as_str().to_owned()),
            _ => None,
        });
    (sink, stream)
}

/// Runs one connection until it drops, the face stops, the faults close it or (when it
/// `ends_at_logout`) its account logs out: a `lifecycle` `connect` event first and then
/// events, heartbeats and a `bot_offline` notice when the account goes offline, when the
/// role carries events; answers to the action frames when it carries actions. `stream`
/// yields a text frame's text, `None` for other frames, and ends when the connection does.
pub(crate) async fn serve<S, R>(
    shared: &Shared,
    mut sink: S,
    mut stream: R,
    link: Link,
    stopping: &mut watch::Receiver<bool>,
) -> End
where
    S: Sink<String> + Unpin,
    R: Stream<Item = Option<String>> + Unpin,
{
    let _open = shared.faults.opened();
    let Link { account, role, .. } = link;
    let events = role != Role::Api;
    let mut closings = shared.faults.closings();
    let mut presence = shared.presence.subscribe();
    let mut online = presence.borrow_and_update().online(account);
    shared.skip_missed(link.reader);
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
        if deliver(shared, &mut sink, link, events).await.is_err() {
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
                let status = json!({"status": {"online": online, "good": online}, "interval": shared.config.heartbeat_ms});
                if sink.send(meta(account, "heartbeat", status)).await.is_err() {
                    return End::Dropped;
                }
            }
            changed = presence.changed() => {
                if changed.is_err() {
                    return End::Stopping;
                }
                let (now_online, logged_in) = {
                    let state = presence.borrow_and_update();
                    (state.online(account), state.logged_in(account))
                };
                if online && !now_online && events {
                    let notice = crate::presence::bot_offline(account).to_string();
                    if sink.send(notice).await.is_err() {
                        return End::Dropped;
                    }
                }
                online = now_online;
                if link.ends_at_logout && !logged_in {
                    let _ = sink.close().await;
                    return End::LoggedOut;
                }
            }
            _ = closings.changed() => {
                let _ = sink.close().await;
                return End::Dropped;
            }
            _ = until_stopping(stopping) => {
                let _ = sink.close().await;
                return End::Stopping;
            }
        }
    }
}

/// Sends the events the reader has not seen yet (only moves the reader on when `send` is
/// off), dropping or duplicating as the faults say; fails when the connection is gone.
pub(crate) async fn deliver<S: Sink<String> + Unpin>(
    shared: &Shared,
    sink: &mut S,
    link: Link,
    send: bool,
) -> Result<(), S::Error> {
    loop {
        let mut roles = Roles::default();
        let batch = match shared.store.read(link.reader, 64) {
            Ok(Some(batch)) if !batch.events.is_empty() => batch,
            _ => return Ok(()),
        };
        for (offset, entry) in batch.events.iter().enumerate() {
            let event = match send {
                true => shared.event_for(link.account, entry, &mut roles).await,
                false => None,
            };
            if let Some(event) = event {
                let text = event.to_string();
                if shared.faults.duplicate_event() {
                    sink.send(text.clone()).await?;
                }
                sink.send(text).await?;
                let appended = batch.appended_times(offset..offset + 1);
                shared.store.delivered(appended, Delivery::OneBot);
            }
            shared
                .store
                .advance(link.reader, batch.first + offset as u64 + 1);
        }
    }
}

/// The answer to one action frame.
async fn answer(shared: &Shared, account: Uin, text: &str) -> Rendered {
    let profile = shared.config.profile;
    match serde_json::from_str::<ActionRequest>(text) {
        Ok(request) => {
            let response = act(shared, Some(account), &request).await;
            profile.render(&response)
        }
        Err(_) => unreadable(profile, "the frame is not an action request"),
    }
}

/// Resolves once the face is stopping.
pub(crate) async fn until_stopping(stopping: &mut watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}
