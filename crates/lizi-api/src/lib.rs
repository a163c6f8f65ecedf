//! The XLZ HTTP API surface of lizi.
//!
//! [`run`] serves the API on a bound listener until a shutdown future resolves: every
//! endpoint of the table in `lizi-core`, the event sessions, the WebSocket streams at `/`
//! and `/ws`, the control API under `/sim/`, `/metrics` and `/health`, and the push
//! reporters that POST each event to the configured report URLs.

mod access;
mod config;
mod dispatch;
mod encode;
mod media;
mod metrics;
mod openapi;
mod push;
mod response;
mod sessions;
mod tls;
mod ws;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::serve::ListenerExt;
use lizi_core::Backend;
use lizi_store::Store;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use access::{AllowRule, AllowRuleError};
pub use config::ApiConfig;
pub use media::{is_public, HttpFetcher};
pub use metrics::Metrics;
pub use tls::{load_ca_file, CaFileError};

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The backend that does the QQ work.
    pub backend: Arc<dyn Backend>,
    /// The store whose event log all consumers read.
    pub log: Arc<Store>,
    /// API settings.
    pub config: Arc<ApiConfig>,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Becomes `true` when the server is shutting down.
    pub(crate) stopping: watch::Receiver<bool>,
}

/// Serves the API on `listener` until `shutdown` resolves, then stops accepting, closes
/// WebSockets and push reporters, and returns once open requests are answered.
pub async fn run(
    listener: TcpListener,
    backend: Arc<dyn Backend>,
    log: Arc<Store>,
    config: ApiConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopping) = watch::channel(false);
    let state = AppState {
        backend,
        log,
        config: Arc::new(config),
        metrics: Arc::new(Metrics::default()),
        stopping,
    };
    let reporters = push::spawn_reporters(&state)?;
    let app = axum::Router::new()
        .fallback(dispatch::dispatch)
        .with_state(state);
    // Without TCP_NODELAY, small WebSocket frames written while an earlier one is still
    // unacknowledged wait for the client's delayed ACK (up to 40 ms).
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!("setting TCP_NODELAY failed: {error}");
        }
    });
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let result = server.await;
    for reporter in reporters {
        let _ = reporter.await;
    }
    result
}
