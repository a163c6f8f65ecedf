//! The reverse-WebSocket server OneBot implementations dial: any path, `X-Self-ID` names
//! the account, `Authorization: Bearer <token>` (or `?access_token=`) is checked when a
//! token is set. An admitted connection is served by [`super::connection::run`]. Starting
//! the server also starts dialling the `--onebot-connect` URLs ([`super::connect`]).

use std::sync::Arc;

use lizi_core::Uin;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;

use super::config::{BridgeConfig, BridgeError};
use super::handler::LinkHandler;
use super::{connect, connection};

/// Binds the accept address and serves connections until `stopping` turns true; dials
/// the configured URLs meanwhile.
pub async fn start<H: LinkHandler>(
    backend: Arc<H>,
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
    connect::start(
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

async fn accept_loop<H: LinkHandler>(
    listener: TcpListener,
    backend: Arc<H>,
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

async fn serve<H: LinkHandler>(
    stream: TcpStream,
    backend: Arc<H>,
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
    connection::run(
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
