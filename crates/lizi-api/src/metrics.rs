//! Counters exposed at `/metrics` in the Prometheus text format.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use lizi_core::EventLog;

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
}

impl Metrics {
    /// Adds one to a counter.
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Renders the counters and the event log's state.
    pub fn render(&self, log: &EventLog) -> String {
        let (sessions, readers) = log.cursor_counts();
        let rows: [(&str, &str, &str, u64); 10] = [
            (
                "lizi_http_requests_total",
                "counter",
                "HTTP requests answered",
                self.requests.load(Ordering::Relaxed),
            ),
            (
                "lizi_http_bad_requests_total",
                "counter",
                "requests refused for bad parameters",
                self.bad_requests.load(Ordering::Relaxed),
            ),
            (
                "lizi_http_denied_total",
                "counter",
                "requests refused by access control",
                self.denied.load(Ordering::Relaxed),
            ),
            (
                "lizi_events_total",
                "counter",
                "events appended to the log",
                log.head().saturating_sub(1),
            ),
            (
                "lizi_events_retained",
                "gauge",
                "events held for readers that have not taken them",
                log.retained() as u64,
            ),
            (
                "lizi_sessions",
                "gauge",
                "open event sessions",
                sessions as u64,
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
                self.pushed.load(Ordering::Relaxed),
            ),
            (
                "lizi_push_failures_total",
                "counter",
                "failed push attempts",
                self.push_failures.load(Ordering::Relaxed),
            ),
            (
                "lizi_websockets",
                "gauge",
                "open WebSocket connections",
                self.websockets.load(Ordering::Relaxed),
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
