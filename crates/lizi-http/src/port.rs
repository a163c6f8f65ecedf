//! One port ready to serve, and what it does with each request before its handler: the
//! Host and Origin checks and the port's gate from the head, then the body read whole.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{Either, Full};
use hyper::body::Incoming;

use crate::app::App;
use crate::budget::BodyBudget;
use crate::config::PortConfig;
use crate::gate::{Gate, Refusal};
use crate::stats::{PortStats, Ports};

/// The peer of a request, in its extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer(pub SocketAddr);

/// One port: its settings, its gate, its counters and the body budget it shares.
pub struct Port {
    pub(crate) config: PortConfig,
    pub(crate) gate: Arc<dyn Gate>,
    pub(crate) stats: Arc<PortStats>,
    pub(crate) budget: Arc<BodyBudget>,
}

impl Port {
    /// A port named `name` (`api`, `onebot`, `bridge`), registered in `ports` so that its
    /// counters show at `/metrics`.
    pub fn new(name: &'static str, config: PortConfig, gate: Arc<dyn Gate>, ports: &Ports) -> Self {
        Port {
            config,
            gate,
            stats: ports.register(name),
            budget: ports.budget().clone(),
        }
    }

    /// The port's counters.
    pub fn stats(&self) -> &Arc<PortStats> {
        &self.stats
    }

    /// Counts, logs and answers a refusal the way the gate writes them.
    pub(crate) fn refuse<B>(
        &self,
        refusal: &Refusal,
        peer: SocketAddr,
    ) -> Response<Either<Full<Bytes>, B>> {
        self.stats.refused(refusal.reason);
        tracing::debug!(port = self.stats.name, %peer, "refused a request: {refusal}");
        self.gate.render(refusal).map(Either::Left)
    }
}

/// What a WebSocket upgrade on this port needs to know, in the request's extensions.
#[derive(Debug, Clone)]
pub(crate) struct UpgradeContext {
    pub stats: Arc<PortStats>,
    pub max_message_bytes: usize,
}

/// Handles one request of a connection from `peer` that came in on `local`; at debug
/// level, logs one line for it: the port, method, path (not the query string, which may
/// carry a credential), status and duration.
pub(crate) async fn handle<A: App>(
    port: Arc<Port>,
    app: A,
    peer: SocketAddr,
    local: SocketAddr,
    request: Request<Incoming>,
) -> Response<Either<Full<Bytes>, A::Body>> {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return admit_and_answer(&port, app, peer, local, request).await;
    }
    let started = Instant::now();
    let (method, uri) = (request.method().clone(), request.uri().clone());
    let response = admit_and_answer(&port, app, peer, local, request).await;
    tracing::debug!(
        port = port.stats.name,
        method = %method,
        path = uri.path(),
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_micros() as f64 / 1000.0,
        "request"
    );
    response
}

/// The port's checks, then the app's answer.
async fn admit_and_answer<A: App>(
    port: &Port,
    mut app: A,
    peer: SocketAddr,
    local: SocketAddr,
    request: Request<Incoming>,
) -> Response<Either<Full<Bytes>, A::Body>> {
    let (mut head, body) = request.into_parts();
    let admitted = port
        .config
        .names
        .check(&head, local)
        .and_then(|()| port.gate.admit(&head, peer));
    if let Err(refusal) = admitted {
        return port.refuse(&refusal, peer);
    }
    let body = match crate::body::read(&head, body, &port.config, &port.budget).await {
        Ok(body) => body,
        Err(refusal) => return port.refuse(&refusal, peer),
    };
    head.extensions.insert(Peer(peer));
    head.extensions.insert(UpgradeContext {
        stats: port.stats.clone(),
        max_message_bytes: port.config.max_body_bytes,
    });
    let request = Request::from_parts(head, Full::new(body.bytes.clone()));
    let answered = app.answer(request).await;
    // The body's room in the budget is held until its request is answered.
    drop(body);
    match answered {
        Ok(response) => response.map(Either::Right),
        Err(error) => {
            tracing::error!(port = port.stats.name, "a request failed: {error}");
            let mut response = Response::new(Either::Left(Full::new(Bytes::from_static(
                b"the request failed inside lizi",
            ))));
            *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            response
        }
    }
}
