//! Reverse WebSocket: lizi connects to each configured URL as a Universal client, one
//! connection per online account (`X-Self-ID`, `X-Client-Role: Universal`, `User-Agent:
//! OneBot/11`, `Authorization: Bearer` when a token is set). Right after connecting it sends
//! the `lifecycle` `connect` meta event, then the account's events and a heartbeat every
//! `heartbeat_ms`, and answers the actions it receives. A dropped connection is retried
//! every `reconnect_ms`; each connection reads the event log through its own named,
//! persisted cursor, so what happened while it was down is delivered, in order, after it
//! is back (at least once: an event whose sending failed is sent again).

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use lizi_core::{Backend, Uin};
use lizi_onebot::ActionRequest;
use lizi_store::{ReaderId, Store};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::actions::{perform, unreadable};
use crate::events::to_onebot;
use crate::FaceConfig;

/// What the connections share.
pub(crate) struct Shared {
    pub backend: Arc<dyn Backend>,
    pub store: Arc<Store>,
    pub config: Arc<FaceConfig>,
}

/// The store name of the cursor of `url`'s connection for `account`.
pub fn reader_name(url: &str, account: Uin) -> String {
    format!("onebot reverse {account} {url}")
}

/// Starts one connection per configured URL and online account.
pub(crate) async fn spawn(
    shared: Arc<Shared>,
    stopping: watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    if shared.config.reverse_urls.is_empty() {
        return Vec::new();
    }
    let accounts = crate::actions::online_accounts(shared.backend.as_ref()).await;
    let mut tasks = Vec::new();
    for url in &shared.config.reverse_urls {
        for &account in &accounts {
            // Opened before the task starts, so that no event after startup is missed.
            let reader = match shared.store.open_reader(Some(&reader_name(url, account))) {
                Ok(reader) => reader,
                Err(error) => {
                    tracing::error!(%url, "opening the event cursor failed: {error}");
                    continue;
                }
            };
            tracing::info!(%url, account, "onebot reverse WebSocket");
            tasks.push(tokio::spawn(keep_connected(
                shared.clone(),
                url.clone(),
                account,
                reader,
                stopping.clone(),
            )));
        }
    }
    tasks
}

/// Why a connection ended.
enum End {
    Dropped,
    Stopping,
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn keep_connected(
    shared: Arc<Shared>,
    url: String,
    account: Uin,
    reader: ReaderId,
    mut stopping: watch::Receiver<bool>,
) {
    let pause = Duration::from_millis(shared.config.reconnect_ms.max(1));
    loop {
        match connect(&shared.config, &url, account).await {
            Ok(socket) => {
                tracing::info!(%url, account, "onebot reverse WebSocket connected");
                let end = serve(&shared, socket, account, reader, &mut stopping).await;
                if matches!(end, End::Stopping) {
                    break;
                }
                tracing::warn!(%url, account, "onebot reverse WebSocket dropped");
            }
            Err(error) => tracing::warn!(%url, account, "onebot reverse WebSocket: {error}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = until_stopping(&mut stopping) => break,
        }
    }
    shared.store.close_reader(reader);
}

async fn connect(config: &FaceConfig, url: &str, account: Uin) -> Result<Socket, String> {
    let mut request = url.into_client_request().map_err(|e| e.to_string())?;
    let headers = request.headers_mut();
    let value = |text: String| HeaderValue::from_str(&text).map_err(|e| e.to_string());
    headers.insert("X-Self-ID", value(account.to_string())?);
    headers.insert("X-Client-Role", HeaderValue::from_static("Universal"));
    headers.insert("User-Agent", HeaderValue::from_static("OneBot/11"));
    if let Some(token) = &config.token {
        headers.insert("Authorization", value(format!("Bearer {token}"))?);
    }
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .map_err(|e| e.to_string())?;
    Ok(socket)
}

fn meta(account: Uin, kind: &str, extra: Value) -> Message {
    let mut event = json!({
        "time": unix_now(),
        "self_id": account,
        "post_type": "meta_event",
        "meta_event_type": kind,
    });
    if let (Value::Object(event), Value::Object(extra)) = (&mut event, extra) {
        event.extend(extra);
    }
    Message::text(event.to_string())
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

async fn serve(
    shared: &Shared,
    socket: Socket,
    account: Uin,
    reader: ReaderId,
    stopping: &mut watch::Receiver<bool>,
) -> End {
    let (mut sink, mut stream) = socket.split();
    let lifecycle = meta(account, "lifecycle", json!({"sub_type": "connect"}));
    if sink.send(lifecycle).await.is_err() {
        return End::Dropped;
    }
    let beat = Duration::from_millis(shared.config.heartbeat_ms.max(1));
    let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + beat, beat);
    let mut head = shared.store.watch();
    loop {
        head.borrow_and_update();
        loop {
            let batch = match shared.store.read(reader, 64) {
                Ok(Some(batch)) if !batch.events.is_empty() => batch,
                _ => break,
            };
            for (offset, entry) in batch.events.iter().enumerate() {
                if let Some(event) = to_onebot(entry, account) {
                    if sink.send(Message::text(event.to_string())).await.is_err() {
                        return End::Dropped;
                    }
                }
                shared
                    .store
                    .advance(reader, batch.first + offset as u64 + 1);
            }
        }
        tokio::select! {
            changed = head.changed() => if changed.is_err() { return End::Stopping },
            frame = stream.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    let answer = answer(shared, account, text.as_str()).await;
                    if sink.send(Message::text(answer.to_string())).await.is_err() {
                        return End::Dropped;
                    }
                }
                Some(Ok(Message::Ping(payload))) => {
                    if sink.send(Message::Pong(payload)).await.is_err() {
                        return End::Dropped;
                    }
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return End::Dropped,
                Some(Ok(_)) => {}
            },
            _ = heartbeat.tick() => {
                let status = json!({"status": {"online": true, "good": true}, "interval": shared.config.heartbeat_ms});
                if sink.send(meta(account, "heartbeat", status)).await.is_err() {
                    return End::Dropped;
                }
            }
            _ = until_stopping(stopping) => {
                let _ = sink.send(Message::Close(None)).await;
                return End::Stopping;
            }
        }
    }
}

/// The answer to one action frame.
async fn answer(shared: &Shared, account: Uin, text: &str) -> Value {
    let profile = shared.config.profile;
    match serde_json::from_str::<ActionRequest>(text) {
        Ok(request) => {
            let response = perform(shared.backend.as_ref(), profile, Some(account), &request).await;
            profile.render(&response)
        }
        Err(_) => unreadable(profile, "the frame is not an action request"),
    }
}

/// Resolves once the face is stopping.
async fn until_stopping(stopping: &mut watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}
