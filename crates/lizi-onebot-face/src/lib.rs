//! lizi's OneBot v11 face (DESIGN.md): OneBot actions over the OneBot HTTP API, carried
//! out as the same typed lizi [`Request`](lizi_core::Request)s the XLZ endpoints use, so the
//! face depends only on the [`Backend`] trait, never on the simulated network's insides.
//!
//! - [`config`]: the face's settings.
//! - [`actions`]: a OneBot action turned into backend requests, and the answer into data.
//! - [`segments`]: OneBot message segments written as XLZ message text.
//! - [`http`]: the HTTP API (`/:action`, GET or POST; query, form or JSON) with its token.
//! - [`events`]: XLZ events from the store's event log as OneBot events.
//! - [`ids`]: int32 message ids derived from the store's message `Seq`, stable across
//!   restarts.
//! - [`flag`]: the `flag` of a request event, answerable after a restart.
//! - [`reverse`]: reverse WebSocket connections carrying events and actions.

pub mod actions;
pub mod config;
mod connection;
pub mod events;
pub mod flag;
pub mod http;
pub mod ids;
pub mod reverse;
pub mod segments;

use std::future::Future;
use std::sync::Arc;

use lizi_core::Backend;
use lizi_store::Store;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::FaceConfig;

/// Starts the OneBot face: the reverse WebSocket connections' cursors are open when this
/// returns (so no later event is missed); the HTTP API on `listener`, if given, and the
/// connections then run in the returned task until `shutdown` resolves.
pub async fn start(
    listener: Option<TcpListener>,
    backend: Arc<dyn Backend>,
    store: Arc<Store>,
    config: FaceConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> JoinHandle<std::io::Result<()>> {
    let (stop, stopping) = watch::channel(false);
    let ids = ids::MessageIds::new(store.clone(), config.profile, config.forget_ids);
    let shared = Arc::new(connection::Shared {
        backend,
        store,
        config: Arc::new(config),
        ids,
    });
    let reverse = reverse::spawn(shared.clone(), stopping.clone()).await;
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    tokio::spawn(async move {
        let served = match listener {
            Some(listener) => {
                let address = listener.local_addr()?;
                tracing::info!("onebot HTTP API listening on {address}");
                let mut stopped = stopping.clone();
                axum::serve(listener, http::router(shared, stopping))
                    .with_graceful_shutdown(async move {
                        connection::until_stopping(&mut stopped).await
                    })
                    .await
            }
            None => Ok(()),
        };
        for task in reverse {
            let _ = task.await;
        }
        served
    })
}
