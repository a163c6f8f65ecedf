//! The reverse-WebSocket server OneBot implementations dial: any path, `X-Self-ID` names
//! the account. The port is served by lizi's listener ([`lizi_http`]) as every other port
//! is: its own connection cap, header and idle timeouts, accept errors that pause the loop,
//! the `Host` and `Origin` checks, and the access token checked from the head before the
//! upgrade is answered (401 when none is presented, 403 when it is wrong; the forms
//! accepted are [`lizi_http::token`]'s), every refusal counted under the port `bridge` and
//! logged at most once per 10 s. An admitted connection is served by
//! [`super::connection::run`]. Starting the server also starts dialling the
//! `--onebot-connect` URLs ([`super::connect`]).

use std::sync::Arc;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use lizi_core::Uin;
use lizi_http::token::TokenGate;
use lizi_http::{Answer, Handler, Port, PortConfig, Ports};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::config::{BridgeConfig, BridgeError};
use super::handler::LinkHandler;
use super::{connect, connection};

/// Binds the accept address and serves connections on it as the port `bridge` of `ports`,
/// with `port_config`'s limits, until `stopping` turns true; dials the configured URLs
/// meanwhile.
pub async fn start<H: LinkHandler>(
    backend: Arc<H>,
    config: BridgeConfig,
    port_config: PortConfig,
    ports: &Ports,
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
        config.timing,
        stopping.clone(),
    );
    let gate = TokenGate::new(config.token.clone());
    let port = Port::new("bridge", port_config, Arc::new(gate), ports);
    let config = Arc::new(config);
    let handshake = {
        let stopping = stopping.clone();
        move |request| admit(request, backend.clone(), config.clone(), stopping.clone())
    };
    let mut until_stopped = stopping;
    let shutdown = async move {
        let _ = until_stopped.wait_for(|stop| *stop).await;
    };
    Ok(tokio::spawn(lizi_http::serve(
        listener,
        port,
        Handler(handshake),
        shutdown,
    )))
}

/// A handshake that passed the port's checks: upgraded when it names the account, and
/// the connection then served until it ends.
async fn admit<H: LinkHandler>(
    mut request: Request<Full<Bytes>>,
    backend: Arc<H>,
    config: Arc<BridgeConfig>,
    mut stopping: watch::Receiver<bool>,
) -> Answer {
    let Some(account) = self_id(&request) else {
        return refusal(
            StatusCode::BAD_REQUEST,
            "X-Self-ID must name the account the implementation is logged in as",
        );
    };
    let (answer, upgrading) = match lizi_http::websocket::accept(&mut request) {
        Ok(accepted) => accepted,
        Err(refusal) => return refusal,
    };
    tokio::spawn(async move {
        match upgrading.socket().await {
            Ok(socket) => {
                connection::run(
                    socket,
                    account,
                    Vec::new(),
                    backend,
                    config.timing,
                    &mut stopping,
                )
                .await
            }
            Err(error) => tracing::debug!(account, "onebot bridge upgrade failed: {error}"),
        }
    });
    answer
}

/// The account the handshake's `X-Self-ID` names, when it names one.
fn self_id<B>(request: &Request<B>) -> Option<Uin> {
    request
        .headers()
        .get("X-Self-ID")
        .and_then(|id| id.to_str().ok())
        .and_then(|id| id.trim().parse::<Uin>().ok())
        .filter(|&id| id != 0)
}

/// A plain-text answer with `status`.
fn refusal(status: StatusCode, why: &'static str) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from_static(why.as_bytes())));
    *response.status_mut() = status;
    response
}
