//! lizi's OneBot v11 face (docs/architecture.md): OneBot actions over the OneBot HTTP API, carried
//! out as the same typed lizi [`Request`](lizi_core::Request)s the XLZ endpoints use, so the
//! face depends only on the [`Backend`] trait, never on the simulated network's insides.
//!
//! - [`config`]: the face's settings.
//! - [`actions`]: a OneBot action turned into backend requests, and the answer into data.
//! - [`http`]: the HTTP API (`/:action`, GET or POST; query, form or JSON) and the forward
//!   WebSocket.
//! - `stream`: `GET /_events`, the events as Server-Sent Events (NapCat, LLOneBot).
//! - [`listen`]: the face's port, which checks the token from each request's head.
//! - [`events`]: XLZ events from the store's event log as OneBot events.
//! - [`ids`]: int32 message ids derived from the store's message `Seq`, stable across
//!   restarts.
//! - [`flag`]: the `flag` of a request event, answerable after a restart.
//! - [`reverse`]: reverse WebSocket connections carrying events and actions.
//! - [`post`]: HTTP POST of events, with the [`quick`] operations of the answers.
//! - `polling`: LLOneBot's `get_event`, events polled over the HTTP API.
//! - [`faults`]: faults on demand, set through the control API.

pub mod actions;
pub mod config;
mod connection;
pub mod events;
pub mod faults;
pub mod flag;
pub mod http;
pub mod ids;
pub mod listen;
mod metrics;
mod polling;
pub mod post;
mod presence;
pub mod quick;
pub mod reverse;
mod stream;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use lizi_core::{Backend, Uin};
use lizi_store::Store;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::FaceConfig;
pub use faults::FaultControl;

/// A running OneBot face.
pub struct Face {
    /// The HTTP API and forward WebSocket, for the OneBot listener.
    pub router: Router,
    /// The handle through which the control API sets faults.
    pub faults: FaultControl,
    /// Ends once every reverse connection and POST task has, after the face stops.
    pub task: JoinHandle<()>,
}

/// Starts the OneBot face: the reverse WebSocket connections' and POST readers' cursors
/// are open when this returns (so no later event is missed); they then run, connected
/// while their account is logged in, until `shutdown` resolves.
pub async fn start(
    backend: Arc<dyn Backend>,
    store: Arc<Store>,
    config: FaceConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Face {
    let (stop, stopping) = watch::channel(false);
    let shared = Arc::new(connection::Shared::new(backend, store, config));
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let task = presence::supervise(shared.clone(), stopping.clone(), start_account).await;
    Face {
        router: http::router(shared.clone(), stopping),
        faults: FaultControl { shared },
        task,
    }
}

/// Starts one account's reverse connections and POST tasks.
fn start_account(
    shared: &Arc<connection::Shared>,
    account: Uin,
    stopping: &watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    let mut tasks = reverse::start(shared, account, stopping);
    tasks.extend(post::start(shared, account, stopping));
    tasks
}
