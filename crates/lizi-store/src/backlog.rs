//! The journal's lead over the database: the bytes of journal records the writer has
//! handed to the applier that the applier has not yet taken care of.
//!
//! Each of those records holds its ops in memory, its events in the store's cache and its
//! blobs in the blob map until it is applied. Should SQLite stall (a full disk, a reader
//! holding a checkpoint back) while the journal keeps up, that memory would grow without
//! end; instead the writer waits while the lead is over its limit, so a stalled database
//! turns into slower answers. The limit is checked before each record, so the lead may
//! pass it by at most one record.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How often a waiting writer looks again.
const RECHECK: Duration = Duration::from_millis(1);

/// The bytes of records written but not yet applied, with their limit.
#[derive(Debug)]
pub(crate) struct Backlog {
    bytes: AtomicU64,
    limit: u64,
    /// Set when the applier is gone, which then can no longer shorten the backlog.
    closed: AtomicBool,
}

impl Backlog {
    /// An empty backlog that holds the writer back beyond `limit` bytes.
    pub fn new(limit: u64) -> Backlog {
        Backlog {
            bytes: AtomicU64::new(0),
            limit,
            closed: AtomicBool::new(false),
        }
    }

    /// Says the applier has stopped: nobody waits for it any more.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
    }

    fn over_limit(&self) -> bool {
        self.bytes() > self.limit && !self.closed.load(Ordering::Acquire)
    }

    /// The bytes written and not yet applied.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Acquire)
    }

    /// Counts a record handed to the applier.
    pub fn add(&self, bytes: u64) {
        self.bytes.fetch_add(bytes, Ordering::AcqRel);
    }

    /// Counts records the applier is done with (applied, or skipped after a failure).
    pub fn remove(&self, bytes: u64) {
        let _ = self
            .bytes
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |held| {
                Some(held.saturating_sub(bytes))
            });
    }

    /// Whether the backlog is within its limit (or nobody can shorten it).
    pub fn within_limit(&self) -> bool {
        !self.over_limit()
    }

    /// Returns once the backlog is within its limit, saying so in the log when it had to
    /// wait; answers false when `give_up` said so first.
    pub fn wait_within_limit(&self, give_up: impl Fn() -> bool) -> bool {
        if !self.over_limit() {
            return true;
        }
        let started = Instant::now();
        tracing::warn!(
            behind_bytes = self.bytes(),
            limit_bytes = self.limit,
            "the database is behind the journal by more than its limit; writes wait for it"
        );
        while self.over_limit() {
            if give_up() {
                return false;
            }
            std::thread::sleep(RECHECK);
        }
        tracing::info!(
            waited_ms = started.elapsed().as_millis() as u64,
            "the database caught up; writes go on"
        );
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_up_and_down_and_never_below_zero() {
        let backlog = Backlog::new(10);
        backlog.add(8);
        backlog.add(4);
        assert_eq!(backlog.bytes(), 12);
        backlog.remove(5);
        assert_eq!(backlog.bytes(), 7);
        assert!(backlog.wait_within_limit(|| true));
        backlog.remove(100);
        assert_eq!(backlog.bytes(), 0);
    }

    #[test]
    fn a_closed_backlog_holds_nobody_back() {
        let backlog = Backlog::new(10);
        backlog.add(50);
        assert!(
            !backlog.wait_within_limit(|| true),
            "over the limit, it gives up"
        );
        backlog.close();
        assert!(backlog.wait_within_limit(|| true));
        assert_eq!(backlog.bytes(), 50);
    }
}
