//! The XLZ HTTP API surface of lizi.
//!
//! [`run`] serves the API on a bound listener until a shutdown future resolves: every
//! endpoint of the table in `lizi-core`, the event sessions, the WebSocket streams at `/`
//! and `/ws`, the control API under `/sim/`, the recording of a conversation as a
//! scenario file under `/lizi/record`, `/metrics`, `/health` and `/lizi/backup`, and the
//! push reporters that POST each event to the configured report URLs.

mod access;
mod backup;
mod config;
mod console;
mod dispatch;
mod encode;
mod extension;
mod liveness;
mod login;
mod media;
mod metrics;
mod observe;
mod openapi;
mod peers;
mod push;
mod record;
mod response;
mod sessions;
mod tls;
mod ws;

use std::future::Future;
use std::sync::Arc;

use lizi_core::Backend;
use lizi_http::{Port, Ports};
use lizi_store::Store;
use prometheus_client::registry::Registry;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use config::ApiConfig;
pub use console::CONTENT_SECURITY_POLICY;
pub use extension::ControlExtension;
pub use media::{is_public, HttpFetcher};
pub use metrics::{HttpRequest, Metrics};
pub use peers::{AllowRule, AllowRuleError};
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
    /// Every port of the process (their counters show at `/metrics`) and the body budget.
    pub ports: Arc<Ports>,
    /// Everything `/metrics` shows.
    pub(crate) registry: Arc<Registry>,
    /// Failed console logins per client address.
    pub(crate) login_throttle: Arc<login::LoginThrottle>,
    /// Becomes `true` when the server is shutting down.
    pub(crate) stopping: watch::Receiver<bool>,
    /// Control actions served by another part of lizi, if any.
    pub(crate) extension: Option<Arc<dyn ControlExtension>>,
    /// The recording of a conversation as a scenario file, when one runs.
    pub(crate) recorder: Arc<record::Recorder>,
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
    let ports = Ports::new(config.max_body_memory_bytes);
    run_extended(listener, backend, log, config, None, ports, shutdown).await
}

/// [`run`], with the control actions (and counters) of `extension` served besides the
/// built-in ones and listed in the OpenAPI document, as one of `ports` (whose counters
/// `/metrics` shows, and whose body budget it shares).
pub async fn run_extended(
    listener: TcpListener,
    backend: Arc<dyn Backend>,
    log: Arc<Store>,
    config: ApiConfig,
    extension: Option<Arc<dyn ControlExtension>>,
    ports: Arc<Ports>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let port_config = config
        .port_config()
        .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidInput, error))?;
    let (stop, stopping) = watch::channel(false);
    let config = Arc::new(config);
    let metrics = Arc::new(Metrics::default());
    let gate = access::ApiGate {
        config: config.clone(),
        metrics: metrics.clone(),
    };
    let port = Port::new("api", port_config, Arc::new(gate), &ports);
    let recorder = Arc::new(record::Recorder::new(
        config.record_max_events,
        config.record_faces.clone(),
    ));
    let mut registry = Registry::default();
    metrics.register(&mut registry);
    log.register_metrics(&mut registry);
    ports.register_metrics(&mut registry);
    if let Some(extension) = &extension {
        extension.register_metrics(&mut registry);
    }
    let state = AppState {
        backend,
        log,
        config,
        metrics: metrics.clone(),
        ports,
        registry: Arc::new(registry),
        login_throttle: Arc::default(),
        stopping,
        extension,
        recorder,
    };
    let reporters = push::spawn_reporters(&state)?;
    let app = axum::Router::new()
        .fallback(dispatch::dispatch)
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            observe::xlz_request,
        ));
    lizi_http::serve(listener, port, app, async move {
        shutdown.await;
        let _ = stop.send(true);
    })
    .await;
    for reporter in reporters {
        let _ = reporter.await;
    }
    Ok(())
}
