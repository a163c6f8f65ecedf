//! [`DialCounts`]: how the dials to `--onebot-connect` URLs went, for `/metrics`
//! (`crate::metrics`).

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

    /// The dials that connected, and those that failed.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.connected.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counts_are_kept_by_outcome() {
        let counts = DialCounts::default();
        counts.count_failed();
        counts.count_failed();
        counts.count_connected();
        assert_eq!(counts.counts(), (1, 2));
    }
}
