//! The accept loop and the HTTP/1 connections.
//!
//! Hand-written in place of `axum::serve`, which has no header or idle timeout and no
//! connection cap: each accepted socket takes a permit of `max_connections` (over the cap
//! it is closed at once, counted and logged), and is served by hyper's HTTP/1 server with
//! the deadlines of [`HeadTimer`]. On shutdown the loop stops accepting, asks every
//! connection to finish its request in flight, and returns once they have.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

use crate::config::ApiConfig;
use crate::counted_io::CountedStream;
use crate::head_timer::HeadTimer;
use crate::limit_log::LimitLog;
use crate::metrics::Metrics;

static REFUSED: LimitLog =
    LimitLog::new("refused new connections: max_connections are open already");
static HEAD_TIMEOUTS: LimitLog =
    LimitLog::new("closed connections that sent no complete request head within header_timeout_ms");
static ACCEPT_FAILED: LimitLog =
    LimitLog::new("accepting a connection failed (out of file descriptors?)");

/// The per-connection limits, from the settings.
#[derive(Debug, Clone, Copy)]
struct Deadlines {
    header: Option<Duration>,
    idle: Option<Duration>,
}

impl Deadlines {
    fn from_config(config: &ApiConfig) -> Self {
        let millis = |ms: u64| (ms > 0).then(|| Duration::from_millis(ms));
        Deadlines {
            header: millis(config.header_timeout_ms),
            idle: millis(config.idle_timeout_ms),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then drains the connections.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    config: &ApiConfig,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(config.max_connections));
    let deadlines = Deadlines::from_config(config);
    // Connections hold `open`; `all_closed` resolves once none does.
    let (all_closed, open) = watch::channel(());
    let (drain, draining) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            Metrics::bump(&metrics.connections_refused);
            REFUSED.hit();
            continue;
        };
        // Without TCP_NODELAY, small WebSocket frames written while an earlier one is
        // still unacknowledged wait for the client's delayed ACK (up to 40 ms).
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!("setting TCP_NODELAY failed: {error}");
        }
        let stream = CountedStream::new(stream, permit, metrics.clone());
        let connection = Connection {
            app: app.clone(),
            peer,
            deadlines,
            metrics: metrics.clone(),
            draining: draining.clone(),
            _open: open.clone(),
        };
        tokio::spawn(connection.run(stream));
    }
    drop(listener);
    let _ = drain.send(true);
    drop(open);
    all_closed.closed().await;
}

/// Waits a little after a failed accept that is not the peer's doing (such as running out
/// of file descriptors), so the loop does not spin.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused
    ) {
        return;
    }
    tracing::debug!("accept failed: {error}");
    ACCEPT_FAILED.hit();
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// One accepted connection and what serving it needs.
struct Connection {
    app: Router,
    peer: SocketAddr,
    deadlines: Deadlines,
    metrics: Arc<Metrics>,
    draining: watch::Receiver<bool>,
    /// Held until the connection ends, so shutdown can wait for it.
    _open: watch::Receiver<()>,
}

impl Connection {
    async fn run(mut self, stream: CountedStream) {
        let (app, peer) = (self.app.clone(), self.peer);
        let service = service_fn(move |request: hyper::Request<Incoming>| {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            tower_service::Service::call(&mut app.clone(), request)
        });
        let timer = HeadTimer::new(self.deadlines.header, self.deadlines.idle);
        let mut builder = http1::Builder::new();
        // Header names as the original's server wrote them (`Content-Type`, `Size`): one
        // client reads a picture's `Size` by its exact name.
        builder.title_case_headers(true);
        match self.deadlines.header.or(self.deadlines.idle) {
            Some(any) => builder.timer(timer.clone()).header_read_timeout(any),
            None => builder.header_read_timeout(None),
        };
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .with_upgrades();
        tokio::pin!(connection);
        let mut asked_to_finish = false;
        loop {
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(error) = result {
                        self.ended_by(&error, &timer);
                    }
                    return;
                }
                changed = self.draining.changed(), if !asked_to_finish => {
                    // A closed channel also means the server is going away.
                    let _ = changed;
                    asked_to_finish = true;
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }

    /// Counts and logs a connection closed by a deadline; other errors are the peer's.
    fn ended_by(&self, error: &hyper::Error, timer: &HeadTimer) {
        if !error.is_timeout() {
            tracing::debug!(peer = %self.peer, "connection ended: {error}");
        } else if timer.past_first_head() {
            Metrics::bump(&self.metrics.idle_closed);
            tracing::debug!(peer = %self.peer, "closed an idle kept-alive connection");
        } else {
            Metrics::bump(&self.metrics.header_timeouts);
            HEAD_TIMEOUTS.hit();
        }
    }
}
