//! The accept loop and the HTTP/1 connections of a port.
//!
//! Hand-written in place of `axum::serve` or hyper-util's `auto` server, which have no
//! header or idle timeout and no connection cap: each accepted socket takes a permit of
//! the port's own `max_connections` (over the cap it is closed at once, counted and logged),
//! and is served by hyper's HTTP/1 server with the deadlines of [`HeadTimer`]. A failed
//! accept that is not the peer's doing (out of file descriptors) pauses the loop, longer
//! each time in a row, instead of spinning. On shutdown the loop stops accepting, asks
//! every connection to finish its request in flight, and returns once they have.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

use crate::app::App;
use crate::counted::CountedStream;
use crate::head_timer::HeadTimer;
use crate::port::{handle, Port};
use crate::stats::bump;

/// The first pause after a failed accept; it doubles with each failure in a row.
const FIRST_PAUSE: Duration = Duration::from_millis(10);
/// The longest pause after failed accepts.
const LONGEST_PAUSE: Duration = Duration::from_secs(1);

/// Serves `app` on `listener` as `port` says until `shutdown` resolves, then drains the
/// connections. `app` sees only requests that passed the port's checks, their bodies read
/// whole, with the [`Peer`](crate::Peer) in their extensions.
pub async fn serve(
    listener: TcpListener,
    port: Port,
    app: impl App,
    shutdown: impl Future<Output = ()>,
) {
    let port = Arc::new(port);
    let permits = Arc::new(Semaphore::new(port.config.max_connections));
    // Connections hold `open`; `all_closed` resolves once none does.
    let (all_closed, open) = watch::channel(());
    let (drain, draining) = watch::channel(false);
    let mut pause = FIRST_PAUSE;
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    if !peer_gone(&error) {
                        bump(&port.stats.accept_errors);
                        port.stats.accept_log.hit();
                        tracing::debug!(port = port.stats.name, "accept failed: {error}");
                        tokio::select! {
                            () = tokio::time::sleep(pause) => {}
                            () = &mut shutdown => break,
                        }
                        pause = (pause * 2).min(LONGEST_PAUSE);
                    }
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        pause = FIRST_PAUSE;
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            bump(&port.stats.connections_refused);
            port.stats.over_cap_log.hit();
            continue;
        };
        // Without TCP_NODELAY, small WebSocket frames written while an earlier one is
        // still unacknowledged wait for the client's delayed ACK (up to 40 ms).
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!("setting TCP_NODELAY failed: {error}");
        }
        let Ok(local) = stream.local_addr() else {
            continue;
        };
        let stream = CountedStream::new(stream, permit, port.stats.clone());
        let connection = Connection {
            port: port.clone(),
            peer,
            local,
            draining: draining.clone(),
            _open: open.clone(),
        };
        tokio::spawn(connection.run(stream, app.clone()));
    }
    drop(listener);
    let _ = drain.send(true);
    drop(open);
    all_closed.closed().await;
}

/// Whether a failed accept was the peer's doing (it went away before being accepted),
/// which needs no pause.
fn peer_gone(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        error.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused
    )
}

/// One accepted connection and what serving it needs.
struct Connection {
    port: Arc<Port>,
    peer: SocketAddr,
    local: SocketAddr,
    draining: watch::Receiver<bool>,
    /// Held until the connection ends, so shutdown can wait for it.
    _open: watch::Receiver<()>,
}

impl Connection {
    async fn run(mut self, stream: CountedStream, app: impl App) {
        let (port, peer, local) = (self.port.clone(), self.peer, self.local);
        let service = service_fn(move |request: Request<Incoming>| {
            let answer = handle(port.clone(), app.clone(), peer, local, request);
            async move { Ok::<_, Infallible>(answer.await) }
        });
        let config = &self.port.config;
        let timer = HeadTimer::new(config.header_timeout, config.idle_timeout);
        let mut builder = http1::Builder::new();
        // Header names as the original's server wrote them (`Content-Type`, `Size`): one
        // XLZ client reads a picture's `Size` by its exact name.
        builder.title_case_headers(true);
        match config.header_timeout.or(config.idle_timeout) {
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
        let stats = &self.port.stats;
        if !error.is_timeout() {
            tracing::debug!(port = stats.name, peer = %self.peer, "connection ended: {error}");
        } else if timer.past_first_head() {
            bump(&stats.idle_closed);
            tracing::debug!(port = stats.name, peer = %self.peer, "closed an idle kept-alive connection");
        } else {
            bump(&stats.header_timeouts);
            stats.head_timeout_log.hit();
        }
    }
}
