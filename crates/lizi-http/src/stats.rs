//! The counters of each port, and their metrics for all of them (labelled
//! `listener="api"`, `"onebot"`, …), read at each scrape by a `prometheus-client`
//! collector.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;

use crate::budget::BodyBudget;
use crate::gate::Reason;
use crate::limit_log::LimitLog;

/// Counters of one port, and its rate-limited log lines.
#[derive(Debug)]
pub struct PortStats {
    /// The port's name in `/metrics` and the log (`api`, `onebot`, `bridge`).
    pub name: &'static str,
    pub(crate) connections: AtomicU64,
    pub(crate) connections_refused: AtomicU64,
    pub(crate) accept_errors: AtomicU64,
    pub(crate) header_timeouts: AtomicU64,
    pub(crate) idle_closed: AtomicU64,
    refusals: [AtomicU64; Reason::ALL.len()],
    pub(crate) binary_frames: AtomicU64,
    pub(crate) oversized_frames: AtomicU64,
    pub(crate) over_cap_log: LimitLog,
    pub(crate) accept_log: LimitLog,
    pub(crate) head_timeout_log: LimitLog,
    refusal_logs: [LimitLog; Reason::ALL.len()],
    pub(crate) binary_log: LimitLog,
    pub(crate) oversized_log: LimitLog,
}

impl PortStats {
    fn new(name: &'static str) -> Self {
        PortStats {
            name,
            connections: AtomicU64::new(0),
            connections_refused: AtomicU64::new(0),
            accept_errors: AtomicU64::new(0),
            header_timeouts: AtomicU64::new(0),
            idle_closed: AtomicU64::new(0),
            refusals: Default::default(),
            binary_frames: AtomicU64::new(0),
            oversized_frames: AtomicU64::new(0),
            over_cap_log: LimitLog::new(
                name,
                "refused new connections: max_connections are open already",
            ),
            accept_log: LimitLog::new(
                name,
                "accepting a connection failed (out of file descriptors?); backing off",
            ),
            head_timeout_log: LimitLog::new(
                name,
                "closed connections that sent no complete request head within header_timeout_ms",
            ),
            refusal_logs: Reason::ALL.map(|reason| LimitLog::new(name, reason.log_text())),
            binary_log: LimitLog::new(
                name,
                "closed WebSockets that sent a binary frame (1003: only text is taken)",
            ),
            oversized_log: LimitLog::new(
                name,
                "closed WebSockets that sent a message over max_body_bytes (1009)",
            ),
        }
    }

    /// Counts and logs (rate-limited) a refused request.
    pub fn refused(&self, reason: Reason) {
        let index = Reason::ALL
            .iter()
            .position(|r| *r == reason)
            .unwrap_or_default();
        bump(&self.refusals[index]);
        self.refusal_logs[index].hit();
    }

    /// How many requests were refused for `reason`.
    pub fn refusals(&self, reason: Reason) -> u64 {
        let index = Reason::ALL
            .iter()
            .position(|r| *r == reason)
            .unwrap_or_default();
        self.refusals[index].load(Ordering::Relaxed)
    }
}

/// Adds one to a counter.
pub(crate) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// The ports of one process: the body budget they share and each one's counters.
#[derive(Debug)]
pub struct Ports {
    budget: Arc<BodyBudget>,
    ports: Mutex<Vec<Arc<PortStats>>>,
}

impl Ports {
    /// No port yet, and a body budget of `max_body_memory_bytes`.
    pub fn new(max_body_memory_bytes: usize) -> Arc<Ports> {
        Arc::new(Ports {
            budget: Arc::new(BodyBudget::new(max_body_memory_bytes)),
            ports: Mutex::new(Vec::new()),
        })
    }

    /// The counters of a new port named `name`, listed at `/metrics` from now on.
    pub fn register(&self, name: &'static str) -> Arc<PortStats> {
        let stats = Arc::new(PortStats::new(name));
        self.lock().push(stats.clone());
        stats
    }

    /// The body budget.
    pub fn budget(&self) -> &Arc<BodyBudget> {
        &self.budget
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Arc<PortStats>>> {
        self.ports.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers the counters of every port (those registered later too) in `registry`.
    pub fn register_metrics(self: &Arc<Self>, registry: &mut Registry) {
        registry.register_collector(Box::new(PortsCollector(Arc::downgrade(self))));
    }
}

/// The counters of every port, read at each scrape.
#[derive(Debug)]
struct PortsCollector(Weak<Ports>);

impl Collector for PortsCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let Some(all) = self.0.upgrade() else {
            return Ok(());
        };
        let (ports, budget) = (all.lock().clone(), all.budget.clone());
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        type Read = fn(&PortStats) -> &AtomicU64;
        let rows: [(&str, MetricType, &str, Read); 7] = [
            ("lizi_http_connections", MetricType::Gauge, "open TCP connections, WebSockets included", |s| &s.connections),
            ("lizi_http_connections_refused", MetricType::Counter, "connections closed at once because max_connections were open", |s| &s.connections_refused),
            ("lizi_http_accept_errors", MetricType::Counter, "failed accepts (such as running out of file descriptors), each followed by a pause", |s| &s.accept_errors),
            ("lizi_http_header_timeouts", MetricType::Counter, "connections closed for sending no complete request head within header_timeout_ms", |s| &s.header_timeouts),
            ("lizi_http_idle_closed", MetricType::Counter, "kept-alive connections closed after idle_timeout_ms without a request", |s| &s.idle_closed),
            ("lizi_websocket_binary_closed", MetricType::Counter, "WebSockets closed (1003) for sending a binary frame", |s| &s.binary_frames),
            ("lizi_websocket_oversized_closed", MetricType::Counter, "WebSockets closed (1009) for sending a message over max_body_bytes", |s| &s.oversized_frames),
        ];
        for (name, kind, help, read) in rows {
            let mut family = encoder.encode_descriptor(name, help, None, kind)?;
            for port in &ports {
                let labels = [("listener", port.name)];
                let value = load(read(port));
                let metric = family.encode_family(&labels)?;
                match kind {
                    MetricType::Gauge => ConstGauge::new(value as i64).encode(metric)?,
                    _ => ConstCounter::new(value).encode(metric)?,
                }
            }
        }
        let mut family = encoder.encode_descriptor(
            "lizi_http_refused",
            "requests refused before their handler, by reason",
            None,
            MetricType::Counter,
        )?;
        for port in &ports {
            for reason in Reason::ALL {
                let labels = [("listener", port.name), ("reason", reason.name())];
                ConstCounter::new(port.refusals(reason)).encode(family.encode_family(&labels)?)?;
            }
        }
        for (name, help, value) in [
            (
                "lizi_http_body_bytes_held",
                "bytes of request bodies in flight, over every listener",
                budget.held_bytes(),
            ),
            (
                "lizi_http_body_budget_bytes",
                "most bytes of request bodies held at once (max_body_memory_bytes)",
                budget.total_bytes(),
            ),
        ] {
            let gauge = ConstGauge::new(value as i64);
            gauge.encode(encoder.encode_descriptor(name, help, None, gauge.metric_type())?)?;
        }
        Ok(())
    }
}
