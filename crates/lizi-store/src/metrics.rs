//! The store's metrics, on `prometheus-client`: the counters and gauges it keeps (read at
//! each scrape by a collector), how long each group commit took and how many units it
//! held, and how long events waited between their append and their delivery to a reader.
//!
//! `prometheus-client` rather than the `metrics` crate with its Prometheus exporter: its
//! registry is a value each lizi owns, not a process-wide recorder, so the many servers a
//! test process runs keep their counts apart; and it adds to lizi's tree only dtoa,
//! parking_lot (with lock_api, parking_lot_core, scopeguard) and its derive macro, where
//! the exporter, even without its default features, needs metrics, metrics-util, quanta,
//! evmap, indexmap and base64 and what they pull in (crossbeam among them).
//!
//! Every latency histogram in lizi has the buckets of [`latency_histogram`], fit for
//! requests that take from a tenth of a millisecond to seconds.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{
    DescriptorEncoder, EncodeLabelSet, EncodeLabelValue, EncodeMetric, LabelValueEncoder,
};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use crate::store::Store;

/// The upper bounds, in seconds, of the buckets of every latency histogram: 0.1 ms to 10 s
/// in steps of 1, 2.5 and 5.
pub const LATENCY_BUCKETS: [f64; 16] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0,
];

/// The upper bounds of the buckets of `lizi_store_commit_units`: 1 to 4096 units.
const UNIT_BUCKETS: [f64; 13] = [
    1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0, 4096.0,
];

/// A histogram of durations in seconds, with [`LATENCY_BUCKETS`].
pub fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// A family of latency histograms, one per label set.
pub type LatencyFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// An empty [`LatencyFamily`].
pub fn latency_family<L: Clone + std::hash::Hash + Eq>() -> LatencyFamily<L> {
    Family::new_with_constructor(latency_histogram)
}

/// Who delivered events: the label `reader` of `lizi_event_delivery_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// An XLZ client polling its session (`/getevent`, `/geteventv2`).
    Poll,
    /// An XLZ WebSocket stream.
    Ws,
    /// An XLZ push reporter (a POST to a report URL).
    Push,
    /// The OneBot face (a WebSocket or a POST).
    OneBot,
}

impl EncodeLabelValue for Delivery {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        let name = match self {
            Delivery::Poll => "poll",
            Delivery::Ws => "ws",
            Delivery::Push => "push",
            Delivery::OneBot => "onebot",
        };
        std::fmt::Write::write_str(encoder, name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct DeliveryLabels {
    reader: Delivery,
}

/// The store's histograms.
#[derive(Debug)]
pub(crate) struct StoreMetrics {
    commit_seconds: Histogram,
    commit_units: Histogram,
    delivery: LatencyFamily<DeliveryLabels>,
}

impl Default for StoreMetrics {
    fn default() -> Self {
        StoreMetrics {
            commit_seconds: latency_histogram(),
            commit_units: Histogram::new(UNIT_BUCKETS),
            delivery: latency_family(),
        }
    }
}

impl StoreMetrics {
    /// A journal record of `units` units was written (and flushed) in `took`.
    pub(crate) fn committed(&self, took: Duration, units: usize) {
        self.commit_seconds.observe(took.as_secs_f64());
        self.commit_units.observe(units as f64);
    }

    /// Events appended at `appended` are delivered now.
    pub(crate) fn delivered(&self, appended: &[Instant], by: Delivery) {
        if appended.is_empty() {
            return;
        }
        let now = Instant::now();
        let histogram = self.delivery.get_or_create(&DeliveryLabels { reader: by });
        for at in appended {
            histogram.observe(now.saturating_duration_since(*at).as_secs_f64());
        }
    }
}

impl Store {
    /// Notes that events appended at `appended` (from [`Batch::appended_times`]) were
    /// delivered by `by`, for `lizi_event_delivery_seconds`: each counts with the time
    /// since its append.
    pub fn delivered(&self, appended: &[Instant], by: Delivery) {
        self.metrics.delivered(appended, by);
    }

    /// Registers the store's metrics in `registry`.
    pub fn register_metrics(self: &Arc<Self>, registry: &mut Registry) {
        let metrics = &self.metrics;
        registry.register_with_unit(
            "lizi_store_commit",
            "time to write and flush one journal record (a group commit)",
            Unit::Seconds,
            metrics.commit_seconds.clone(),
        );
        registry.register(
            "lizi_store_commit_units",
            "requests' writes per journal record (a group commit)",
            metrics.commit_units.clone(),
        );
        registry.register_with_unit(
            "lizi_event_delivery",
            "time from an event's append to its delivery, by reader (poll, ws, push, onebot)",
            Unit::Seconds,
            metrics.delivery.clone(),
        );
        registry.register_collector(Box::new(StoreCollector(Arc::downgrade(self))));
    }
}

/// The store's counters and gauges, read at each scrape.
#[derive(Debug)]
struct StoreCollector(Weak<Store>);

impl Collector for StoreCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let Some(store) = self.0.upgrade() else {
            return Ok(());
        };
        let stats = &store.stats;
        let load = |counter: &std::sync::atomic::AtomicU64| counter.load(Ordering::Relaxed);
        let (sessions, readers) = store.cursor_counts();
        let counters = [
            (
                "lizi_events",
                "events appended to the log",
                store.appended(),
            ),
            (
                "lizi_events_dropped",
                "events skipped because a reader fell behind its lag limit",
                load(&stats.events_dropped),
            ),
            (
                "lizi_sessions_dropped",
                "sessions removed for lagging",
                load(&stats.sessions_dropped),
            ),
            (
                "lizi_sessions_expired",
                "sessions removed for idleness",
                load(&stats.sessions_expired),
            ),
            (
                "lizi_store_commits",
                "transactions committed (each holds many requests: group commit)",
                load(&stats.commits),
            ),
            (
                "lizi_store_committed_units",
                "requests' writes committed",
                load(&stats.committed_units),
            ),
            (
                "lizi_store_write_failures",
                "episodes of failed writes to the journal or the database",
                load(&stats.write_failures),
            ),
        ];
        for (name, help, value) in counters {
            let counter = ConstCounter::new(value);
            counter.encode(encoder.encode_descriptor(
                name,
                help,
                None,
                counter.metric_type(),
            )?)?;
        }
        let gauges = [
            (
                "lizi_events_cached",
                "recent events held in memory",
                store.cached_events() as i64,
            ),
            ("lizi_sessions", "open event sessions", sessions as i64),
            (
                "lizi_internal_readers",
                "open WebSocket streams and push reporters",
                readers as i64,
            ),
            (
                "lizi_store_unapplied_bytes",
                "journal bytes not yet carried into the database",
                store.unapplied_bytes() as i64,
            ),
            (
                "lizi_store_failing",
                "1 while writes fail (see /health for why)",
                i64::from(store.failing().is_some()),
            ),
        ];
        for (name, help, value) in gauges {
            let gauge = ConstGauge::new(value);
            gauge.encode(encoder.encode_descriptor(name, help, None, gauge.metric_type())?)?;
        }
        Ok(())
    }
}
