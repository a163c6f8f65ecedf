//! The reverse-WebSocket server OneBot implementations dial: any path, `X-Self-ID` names
//! the account, `Authorization: Bearer <token>` (or `?access_token=`) is checked when a
//! token is set. On connect the bridge asks `get_version_info` (which implementation) and
//! `get_login_info` (the nickname); frames with an `echo` answer its actions, the others
//! are events.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use lizi_core::Uin;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::link::Link;
use crate::{BridgeBackend, BridgeConfig, BridgeError};

/// Binds the accept address and serves connections until `stopping` turns true.
pub async fn start(
    backend: Arc<BridgeBackend>,
    config: BridgeConfig,
    stopping: watch::Receiver<bool>,
) -> Result<JoinHandle<()>, BridgeError> {
    config.check()?;
    let listener = TcpListener::bind(config.accept)
        .await
        .map_err(|source| BridgeError::Bind {
            address: config.accept,
            source,
        })?;
    let address = listener.local_addr().map_err(|source| BridgeError::Bind {
        address: config.accept,
        source,
    })?;
    tracing::info!("onebot bridge accepting implementations on ws://{address}/");
    crate::connect::start(
        backend.clone(),
        &config.connect,
        config.token.clone(),
        config.action_timeout,
        stopping.clone(),
    );
    let config = Arc::new(config);
    Ok(tokio::spawn(accept_loop(
        listener, backend, config, stopping,
    )))
}

async fn accept_loop(
    listener: TcpListener,
    backend: Arc<BridgeBackend>,
    config: Arc<BridgeConfig>,
    mut stopping: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopping.wait_for(|stop| *stop) => return,
        };
        match accepted {
            Ok((stream, peer)) => {
                let (backend, config, stopping) =
                    (backend.clone(), config.clone(), stopping.clone());
                tokio::spawn(async move {
                    if let Err(error) = serve(stream, backend, config, stopping).await {
                        tracing::warn!(%peer, "onebot bridge connection refused: {error}");
                    }
                });
            }
            Err(error) => tracing::warn!("onebot bridge accept failed: {error}"),
        }
    }
}

/// The account a handshake names, or the HTTP refusal.
fn admit(request: &Request, token: Option<&str>) -> Result<Uin, (StatusCode, String)> {
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(token) = token {
        let bearer = header("Authorization").map(|v| {
            v.trim_start_matches("Bearer ")
                .trim_start_matches("Token ")
                .trim()
        });
        let query = request
            .uri()
            .query()
            .unwrap_or("")
            .split('&')
            .find_map(|pair| pair.strip_prefix("access_token="));
        match bearer.or(query) {
            None => {
                return Err((
                    StatusCode::UNAUTHORIZED,
                    "an access token is required".into(),
                ))
            }
            Some(given) if given != token => {
                return Err((StatusCode::FORBIDDEN, "wrong access token".into()))
            }
            Some(_) => {}
        }
    }
    header("X-Self-ID")
        .and_then(|id| id.trim().parse::<Uin>().ok())
        .filter(|&id| id != 0)
        .ok_or((
            StatusCode::BAD_REQUEST,
            "X-Self-ID must name the account".into(),
        ))
}

async fn serve(
    stream: TcpStream,
    backend: Arc<BridgeBackend>,
    config: Arc<BridgeConfig>,
    mut stopping: watch::Receiver<bool>,
) -> Result<(), String> {
    let mut admitted: Result<Uin, String> = Err("no handshake".into());
    #[allow(clippy::result_large_err)] // the handshake callback's type is tungstenite's
    let check =
        |request: &Request, response: Response| match admit(request, config.token.as_deref()) {
            Ok(account) => {
                admitted = Ok(account);
                Ok(response)
            }
            Err((status, why)) => {
                admitted = Err(why.clone());
                let mut refusal = ErrorResponse::new(Some(why));
                *refusal.status_mut() = status;
                Err(refusal)
            }
        };
    let socket = tokio_tungstenite::accept_hdr_async(stream, check).await;
    let account = admitted?;
    let socket = socket.map_err(|e| e.to_string())?;
    run(
        socket,
        account,
        Vec::new(),
        backend,
        config.action_timeout,
        &mut stopping,
    )
    .await;
    Ok(())
}

/// Serves one open connection of `account`, whoever dialled it: the handshake, then
/// answers to the bridge's actions and events (`early`: events read before, in order)
/// until it closes or `stopping` turns true. Accepted and dialled connections
/// ([`crate::connect`]) take this one path.
pub(crate) async fn run<S>(
    socket: WebSocketStream<S>,
    account: Uin,
    early: Vec<Value>,
    backend: Arc<BridgeBackend>,
    action_timeout: Duration,
    stopping: &mut watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sink, mut frames_in) = socket.split();
    let (link, mut frames_out) = Link::new(account, backend.link_id(), action_timeout);
    let link = Arc::new(link);
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

pub use crate::implementation::detect;

/// Learns the implementation and the nickname, then announces the account.
async fn handshake(backend: Arc<BridgeBackend>, link: Arc<Link>) {
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
