//! Reverse WebSocket: lizi connects to each configured URL as a Universal client
//! (`X-Self-ID`, `X-Client-Role: Universal`, `User-Agent: OneBot/11`, `Authorization:
//! Bearer` when a token is set), one connection per logged-in account: an account logging
//! in later connects then, one logging out gets a `bot_offline` notice and its connection
//! closed. Right after connecting it sends the `lifecycle` `connect` meta event, then the
//! account's events and a heartbeat every `heartbeat_ms`, and answers the actions it
//! receives. A dropped connection is retried after `reconnect_ms` (at least 100 ms: see
//! [`Backoff`]), and a dial that fails, or a connection dropped within a second, waits
//! twice as long as the last time, up to 10 s (or `reconnect_ms` if longer); each
//! connection reads
//! the event log through its own named, persisted cursor, so what happened while it was
//! down is delivered, in order, after it is back (at least once: an event whose sending
//! failed is sent again), unless the face drops what arrived while disconnected (NapCat's
//! behaviour).

use std::sync::Arc;
use std::time::{Duration, Instant};

use lizi_core::{Backend, Backoff, Uin};
use lizi_store::{ReaderId, Store};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::connection::{serve, text_frames, until_stopping, End, Link, Role, Shared};
use crate::presence::until_logged_in;
use crate::FaceConfig;

/// The store name of the cursor of `url`'s connection for `account`.
pub fn reader_name(url: &str, account: Uin) -> String {
    format!("{READER_PREFIX}{account} {url}")
}

/// The prefix of every reverse connection's cursor name.
const READER_PREFIX: &str = "onebot reverse ";

/// Forgets the saved cursors of reverse and POST URLs no longer configured, so that they
/// do not hold events on disk for ever (those of every framework account of a configured
/// URL are kept, online or not), and the forward connections' cursors when the listener is
/// off. Called at every start, whether the face runs or not.
pub async fn forget_stale_cursors(backend: &dyn Backend, store: &Store, config: &FaceConfig) {
    let all = crate::actions::framework_accounts(backend).await;
    let names = |urls: &[String], name: fn(&str, Uin) -> String| -> Vec<String> {
        urls.iter()
            .flat_map(|url| all.iter().map(move |&(account, _)| name(url, account)))
            .collect()
    };
    store.forget_readers_except(READER_PREFIX, &names(&config.reverse_urls, reader_name));
    store.forget_readers_except(
        crate::post::READER_PREFIX,
        &names(&config.post_urls, crate::post::reader_name),
    );
    if config.listen.is_none() {
        store.forget_readers_except(crate::http::FORWARD_PREFIX, &[]);
    }
}

/// Starts `account`'s connection to every configured URL, its cursors opened first so
/// that no event after this is missed.
pub(crate) fn start(
    shared: &Arc<Shared>,
    account: Uin,
    stopping: &watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    let mut tasks = Vec::new();
    for url in &shared.config.reverse_urls {
        let Some(reader) = shared.open_cursor(&reader_name(url, account)) else {
            continue;
        };
        tasks.push(tokio::spawn(keep_connected(
            shared.clone(),
            url.clone(),
            account,
            reader,
            stopping.clone(),
        )));
    }
    tasks
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The longest pause between two dials of a URL that keeps failing, unless
/// `reconnect_ms` is longer.
const LONGEST_PAUSE: Duration = Duration::from_secs(10);

/// How long a connection must have stayed up for the next pause to start over at
/// `reconnect_ms`: one dropped at once (a server that accepts and closes) backs off.
const STEADY: Duration = Duration::from_secs(1);

async fn keep_connected(
    shared: Arc<Shared>,
    url: String,
    account: Uin,
    reader: ReaderId,
    mut stopping: watch::Receiver<bool>,
) {
    let interval = Duration::from_millis(shared.config.reconnect_ms);
    let mut backoff = Backoff::new(interval, interval.max(LONGEST_PAUSE));
    let mut presence = shared.presence.subscribe();
    loop {
        if !until_logged_in(&mut presence, account, &mut stopping).await {
            break;
        }
        match connect(&shared.config, &url, account).await {
            Ok(socket) => {
                tracing::info!(%url, account, "onebot reverse WebSocket connected");
                let connected_at = Instant::now();
                let (sink, stream) = text_frames(socket);
                let link = Link {
                    account,
                    reader,
                    role: Role::Universal,
                    ends_at_logout: true,
                };
                let end = serve(&shared, sink, stream, link, &mut stopping).await;
                if connected_at.elapsed() >= STEADY {
                    backoff.reset();
                }
                match end {
                    End::Stopping => break,
                    End::LoggedOut => {
                        tracing::info!(%url, account, "onebot reverse WebSocket closed: logged out");
                        continue;
                    }
                    End::Dropped => {
                        tracing::warn!(%url, account, "onebot reverse WebSocket dropped")
                    }
                }
            }
            Err(error) => tracing::warn!(%url, account, "onebot reverse WebSocket: {error}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff.pause()) => {}
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
