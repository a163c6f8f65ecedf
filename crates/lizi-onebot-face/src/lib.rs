//! lizi's OneBot v11 face (DESIGN.md): OneBot actions over the OneBot HTTP API, carried
//! out as the same typed lizi [`Request`](lizi_core::Request)s the XLZ endpoints use, so the
//! face depends only on the [`Backend`] trait, never on the simulated network's insides.
//!
//! - [`config`]: the face's settings.
//! - [`actions`]: a OneBot action turned into backend requests, and the answer into data.
//! - [`segments`]: OneBot message segments written as XLZ message text.
//! - [`http`]: the HTTP API (`/:action`, GET or POST; query, form or JSON) with its token.

pub mod actions;
pub mod config;
pub mod http;
pub mod segments;

use std::future::Future;
use std::sync::Arc;

use lizi_core::Backend;
use tokio::net::TcpListener;

pub use config::FaceConfig;

/// Serves the OneBot HTTP API on `listener` until `shutdown` resolves.
pub async fn run(
    listener: TcpListener,
    backend: Arc<dyn Backend>,
    config: FaceConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let address = listener.local_addr()?;
    tracing::info!("onebot HTTP API listening on {address}");
    let router = http::router(backend, Arc::new(config));
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}
