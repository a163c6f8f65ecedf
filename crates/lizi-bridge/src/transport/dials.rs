//! [`DialCounts`]: how the dials to `--onebot-connect` URLs went, for `/metrics`.

use std::sync::atomic::{AtomicU64, Ordering};

/// How many dials were made, and how many failed or were dropped later.
#[derive(Debug, Default)]
pub struct DialCounts {
    connected: AtomicU64,
    failed: AtomicU64,
}

impl DialCounts {
    /// Counts a dial that made a connection.
    pub fn count_connected(&self) {
        self.connected.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a dial that failed.
    pub fn count_failed(&self) {
        self.failed.fetch_add(1, Ordering::Relaxed);
    }

    /// The counters in the Prometheus text format.
    pub fn metrics(&self) -> String {
        let name = "lizi_bridge_dials_total";
        format!(
            "# HELP {name} Connections the bridge dialled to --onebot-connect URLs, by outcome.\n\
             # TYPE {name} counter\n\
             {name}{{outcome=\"connected\"}} {}\n\
             {name}{{outcome=\"failed\"}} {}\n",
            self.connected.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counts_are_shown_by_outcome() {
        let counts = DialCounts::default();
        counts.failed.fetch_add(2, Ordering::Relaxed);
        let text = counts.metrics();
        assert!(
            text.contains("lizi_bridge_dials_total{outcome=\"failed\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("lizi_bridge_dials_total{outcome=\"connected\"} 0"),
            "{text}"
        );
    }
}
