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

use futures_util::future::ready;
use futures_util::{SinkExt, StreamExt};
use lizi_core::{Backend, Uin};
use lizi_store::{ReaderId, Store};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::connection::{serve, until_stopping, End, Role, Shared};
use crate::FaceConfig;

/// The store name of the cursor of `url`'s connection for `account`.
pub fn reader_name(url: &str, account: Uin) -> String {
    format!("{READER_PREFIX}{account} {url}")
}

/// The prefix of every reverse connection's cursor name.
const READER_PREFIX: &str = "onebot reverse ";

/// Forgets the saved cursors of reverse URLs no longer configured, so that they do not
/// hold events on disk for ever; those of every framework account of a configured URL are
/// kept, online or not. Called at every start, whether the face runs or not.
pub async fn forget_stale_cursors(backend: &dyn Backend, store: &Store, config: &FaceConfig) {
    let all = crate::actions::framework_accounts(backend).await;
    let keep: Vec<String> = config
        .reverse_urls
        .iter()
        .flat_map(|url| {
            all.iter()
                .map(move |&(account, _)| reader_name(url, account))
        })
        .collect();
    store.forget_readers_except(READER_PREFIX, &keep);
}

/// Starts one connection per configured URL and online account.
pub(crate) async fn spawn(
    shared: Arc<Shared>,
    stopping: watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    if shared.config.reverse_urls.is_empty() {
        return Vec::new();
    }
    let accounts: Vec<Uin> = crate::actions::framework_accounts(shared.backend.as_ref())
        .await
        .into_iter()
        .filter(|&(_, online)| online)
        .map(|(account, _)| account)
        .collect();
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
                let (sink, stream) = socket.split();
                let sink = sink.with(|text: String| {
                    ready(Ok::<_, tokio_tungstenite::tungstenite::Error>(
                        Message::text(text),
                    ))
                });
                let stream = stream
                    .take_while(|frame| ready(matches!(frame, Ok(frame) if !frame.is_close())))
                    .map(|frame| match frame {
                        Ok(Message::Text(text)) => Some(text.as_str().to_owned()),
                        _ => None,
                    });
                let role = Role::Universal;
                let end = serve(&shared, sink, stream, account, reader, role, &mut stopping).await;
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
