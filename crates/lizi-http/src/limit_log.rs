//! Log lines for limits that bite: the first hit is logged at once, later ones at most
//! once per [`INTERVAL`] with how many there were, so a flood of refused or timed-out
//! connections cannot flood the log too.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Shortest time between two lines about the same limit.
pub const INTERVAL: Duration = Duration::from_secs(10);

/// How often one limit of one port bit, logged sparingly.
#[derive(Debug)]
pub struct LimitLog {
    /// The port it happens on (`api`, `onebot`, `bridge`).
    port: &'static str,
    /// What happened, e.g. "refused connections: max_connections reached".
    what: &'static str,
    /// Hits not logged yet.
    unlogged: AtomicU64,
    /// When the last line was written.
    last: Mutex<Option<Instant>>,
}

impl LimitLog {
    /// A log for one limit of the port named `port`.
    pub const fn new(port: &'static str, what: &'static str) -> Self {
        LimitLog {
            port,
            what,
            unlogged: AtomicU64::new(0),
            last: Mutex::new(None),
        }
    }

    /// Counts a hit; writes a warning when the last one is [`INTERVAL`] old (or none).
    pub fn hit(&self) {
        self.unlogged.fetch_add(1, Ordering::Relaxed);
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        if last.is_some_and(|at| at.elapsed() < INTERVAL) {
            return;
        }
        *last = Some(Instant::now());
        let count = self.unlogged.swap(0, Ordering::Relaxed);
        tracing::warn!(
            port = self.port,
            count,
            "{} ({count} since the last report)",
            self.what
        );
    }
}
