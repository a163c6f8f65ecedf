//! Counters exposed at `/metrics` in the Prometheus text format (the ports' own, by
//! listener, come from [`lizi_http::Ports`]).

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use lizi_store::Store;

/// Counters of the API layer.
#[derive(Debug, Default)]
pub struct Metrics {
    /// HTTP requests answered.
    pub requests: AtomicU64,
    /// Requests refused with 400.
    pub bad_requests: AtomicU64,
    /// Requests refused by access control.
    pub denied: AtomicU64,
    /// Events delivered by push.
    pub pushed: AtomicU64,
    /// Failed push attempts.
    pub push_failures: AtomicU64,
    /// Open WebSocket connections.
    pub websockets: AtomicU64,
    /// WebSockets closed for not answering Pings.
    pub websocket_timeouts: AtomicU64,
    /// Console logins refused for a wrong password or token.
    pub login_failures: AtomicU64,
    /// Console logins refused unread because their address failed too often.
    pub login_throttled: AtomicU64,
}

impl Metrics {
    /// Adds one to a counter.
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Renders the counters and the store's state.
    pub fn render(&self, store: &Store) -> String {
        let (sessions, readers) = store.cursor_counts();
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let stats = &store.stats;
        let rows = [
            (
                "lizi_http_requests_total",
                "counter",
                "HTTP requests answered",
                load(&self.requests),
            ),
            (
                "lizi_http_bad_requests_total",
                "counter",
                "requests refused for bad parameters",
                load(&self.bad_requests),
            ),
            (
                "lizi_http_denied_total",
                "counter",
                "requests refused by access control",
                load(&self.denied),
            ),
            (
                "lizi_events_total",
                "counter",
                "events appended to the log",
                store.appended(),
            ),
            (
                "lizi_events_cached",
                "gauge",
                "recent events held in memory",
                store.cached_events() as u64,
            ),
            (
                "lizi_events_dropped_total",
                "counter",
                "events skipped because a reader fell behind its lag limit",
                load(&stats.events_dropped),
            ),
            (
                "lizi_sessions",
                "gauge",
                "open event sessions",
                sessions as u64,
            ),
            (
                "lizi_sessions_dropped_total",
                "counter",
                "sessions removed for lagging",
                load(&stats.sessions_dropped),
            ),
            (
                "lizi_sessions_expired_total",
                "counter",
                "sessions removed for idleness",
                load(&stats.sessions_expired),
            ),
            (
                "lizi_internal_readers",
                "gauge",
                "open WebSocket streams and push reporters",
                readers as u64,
            ),
            (
                "lizi_push_delivered_total",
                "counter",
                "events delivered by push",
                load(&self.pushed),
            ),
            (
                "lizi_push_failures_total",
                "counter",
                "failed push attempts",
                load(&self.push_failures),
            ),
            (
                "lizi_store_commits_total",
                "counter",
                "transactions committed (each holds many requests: group commit)",
                load(&stats.commits),
            ),
            (
                "lizi_store_committed_units_total",
                "counter",
                "requests' writes committed",
                load(&stats.committed_units),
            ),
            (
                "lizi_store_unapplied_bytes",
                "gauge",
                "journal bytes not yet carried into the database",
                store.unapplied_bytes(),
            ),
            (
                "lizi_store_write_failures_total",
                "counter",
                "episodes of failed writes to the journal or the database",
                load(&stats.write_failures),
            ),
            (
                "lizi_store_failing",
                "gauge",
                "1 while writes fail (see /health for why)",
                u64::from(store.failing().is_some()),
            ),
            (
                "lizi_websockets",
                "gauge",
                "open WebSocket connections",
                load(&self.websockets),
            ),
            (
                "lizi_websocket_timeouts_total",
                "counter",
                "WebSockets closed for not answering Pings within ws_timeout_ms",
                load(&self.websocket_timeouts),
            ),
            (
                "lizi_console_login_failures_total",
                "counter",
                "console logins refused for a wrong password or token",
                load(&self.login_failures),
            ),
            (
                "lizi_console_login_throttled_total",
                "counter",
                "console logins refused unread because their address failed too often",
                load(&self.login_throttled),
            ),
        ];
        let mut out = String::new();
        for (name, kind, help, value) in rows {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        out
    }
}
