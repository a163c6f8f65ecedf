//! The API layer's metrics, and `/metrics`: one `prometheus-client` registry per server
//! holding them, the store's (see `lizi_store::metrics` for why that crate), the ports'
//! (by listener, from [`lizi_http::Ports`]) and those of the
//! [`ControlExtension`](crate::ControlExtension), encoded in the Prometheus text format.

use lizi_store::metrics::{latency_family, LatencyFamily};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};

/// The label set of `lizi_http_request_duration_seconds`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct HttpRequest {
    /// The endpoint: the table's path, or one of a few fixed names (see `observe.rs`),
    /// never a path as the client wrote it.
    pub endpoint: &'static str,
    /// The answer's HTTP status.
    pub status: u16,
}

/// Counters, gauges and the request latency of the API layer.
#[derive(Debug)]
pub struct Metrics {
    /// HTTP requests answered.
    pub requests: Counter,
    /// Requests refused with 400.
    pub bad_requests: Counter,
    /// Requests refused by access control.
    pub denied: Counter,
    /// Events delivered by push.
    pub pushed: Counter,
    /// Failed push attempts.
    pub push_failures: Counter,
    /// Open WebSocket connections.
    pub websockets: Gauge,
    /// WebSockets closed for not answering Pings.
    pub websocket_timeouts: Counter,
    /// Console logins refused for a wrong password or token.
    pub login_failures: Counter,
    /// Console logins refused unread because their address failed too often.
    pub login_throttled: Counter,
    /// How long requests took, by endpoint and status.
    pub request_duration: LatencyFamily<HttpRequest>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            requests: Counter::default(),
            bad_requests: Counter::default(),
            denied: Counter::default(),
            pushed: Counter::default(),
            push_failures: Counter::default(),
            websockets: Gauge::default(),
            websocket_timeouts: Counter::default(),
            login_failures: Counter::default(),
            login_throttled: Counter::default(),
            request_duration: latency_family(),
        }
    }
}

impl Metrics {
    /// Adds one to a counter.
    pub fn bump(counter: &Counter) {
        counter.inc();
    }

    /// Registers every metric of the API layer in `registry`.
    pub fn register(&self, registry: &mut Registry) {
        let counters = [
            (
                "lizi_http_requests",
                "HTTP requests answered",
                &self.requests,
            ),
            (
                "lizi_http_bad_requests",
                "requests refused for bad parameters",
                &self.bad_requests,
            ),
            (
                "lizi_http_denied",
                "requests refused by access control",
                &self.denied,
            ),
            (
                "lizi_push_delivered",
                "events delivered by push",
                &self.pushed,
            ),
            (
                "lizi_push_failures",
                "failed push attempts",
                &self.push_failures,
            ),
            (
                "lizi_websocket_timeouts",
                "WebSockets closed for not answering Pings within ws_timeout_ms",
                &self.websocket_timeouts,
            ),
            (
                "lizi_console_login_failures",
                "console logins refused for a wrong password or token",
                &self.login_failures,
            ),
            (
                "lizi_console_login_throttled",
                "console logins refused unread because their address failed too often",
                &self.login_throttled,
            ),
        ];
        for (name, help, counter) in counters {
            registry.register(name, help, counter.clone());
        }
        registry.register(
            "lizi_websockets",
            "open WebSocket connections",
            self.websockets.clone(),
        );
        registry.register_with_unit(
            "lizi_http_request_duration",
            "time to answer a request that passed the port's checks, by endpoint and status",
            Unit::Seconds,
            self.request_duration.clone(),
        );
    }
}

/// `GET /metrics`: the registry in the Prometheus text format.
pub(crate) fn serve(registry: &Registry) -> axum::response::Response {
    let mut text = String::new();
    match prometheus_client::encoding::prometheus_text::encode(&mut text, registry) {
        Ok(()) => crate::response::with(
            axum::http::StatusCode::OK,
            "text/plain; version=0.0.4; charset=utf-8",
            text,
        ),
        Err(error) => {
            tracing::error!("encoding the metrics failed: {error}");
            crate::response::error(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "encoding the metrics failed",
            )
        }
    }
}
