//! The in-memory index of the log: counters, the cache of recent events, and one small
//! record per cursor.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use crate::readers::ReaderId;
use crate::shapes::ShapeIds;
use crate::writer::Op;

/// A cached event.
#[derive(Debug, Clone)]
pub(crate) struct Cached {
    pub body: Arc<str>,
    /// Bytes of all events before this one.
    pub cum_before: u64,
    /// When it was appended (for `lizi_event_delivery_seconds`).
    pub appended: std::time::Instant,
}

/// A client session.
#[derive(Debug, Clone)]
pub(crate) struct SessionState {
    pub cursor: u64,
    pub lost: u64,
    pub lost_reason: String,
    pub last_seen: i64,
}

/// An internal reader.
#[derive(Debug, Clone)]
pub(crate) struct ReaderState {
    pub cursor: u64,
    /// Persistent readers have a name.
    pub name: Option<String>,
    pub lost: u64,
}

/// Everything behind the store's mutex.
#[derive(Debug)]
pub(crate) struct Inner {
    /// Sequence number the next event gets.
    pub next_seq: u64,
    /// Events below this are committed and visible.
    pub published: u64,
    /// Bytes of all events appended so far.
    pub cum_total: u64,
    /// Sequence number of `cache[0]`.
    pub cache_first: u64,
    pub cache: VecDeque<Cached>,
    pub sessions: HashMap<u64, SessionState>,
    pub tombstones: HashMap<u64, String>,
    pub next_session: u64,
    pub readers: HashMap<ReaderId, ReaderState>,
    pub next_reader: u64,
    /// Events below this are in the database (later ones may still be on their way to it,
    /// in the journal, so they must stay cached).
    pub on_disk: u64,
    /// Events below this have been deleted from disk (or never written).
    pub reclaimed: u64,
    /// Whether events live only in memory.
    pub memory: bool,
    pub cache_capacity: usize,
    /// Most bytes of events the cache holds once they are in the database.
    pub cache_bytes: u64,
    /// The shapes of message events written so far (see `shapes.rs`).
    pub shapes: ShapeIds,
}

/// The log's positions, copied out of [`Inner`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Counters {
    /// Sequence number the next event gets.
    pub next_seq: u64,
    /// Events below this are visible.
    pub published: u64,
}

impl Inner {
    /// An empty log with no cursors, caching up to `cache_events` recent events and
    /// `cache_bytes` of them.
    pub fn empty(memory: bool, cache_events: usize, cache_bytes: usize) -> Inner {
        Inner {
            next_seq: 1,
            published: 1,
            cum_total: 0,
            cache_first: 1,
            cache: VecDeque::new(),
            sessions: HashMap::new(),
            tombstones: HashMap::new(),
            next_session: 1,
            readers: HashMap::new(),
            next_reader: 1,
            reclaimed: 1,
            on_disk: 1,
            memory,
            cache_capacity: cache_events.max(1),
            cache_bytes: cache_bytes as u64,
            shapes: ShapeIds::default(),
        }
    }

    /// The log's positions.
    pub fn counters(&self) -> Counters {
        Counters {
            next_seq: self.next_seq,
            published: self.published,
        }
    }

    /// Whether anything reads the log.
    pub fn has_cursors(&self) -> bool {
        !self.sessions.is_empty() || !self.readers.is_empty()
    }

    /// The oldest position any cursor still needs.
    pub fn oldest_needed(&self) -> u64 {
        self.sessions
            .values()
            .map(|s| s.cursor)
            .chain(self.readers.values().map(|r| r.cursor))
            .min()
            .unwrap_or(self.next_seq)
    }

    /// Drops cached events nobody needs; returns a disk reclaim op when the oldest needed
    /// position moved.
    pub fn reclaim(&mut self) -> Option<Op> {
        let oldest = self.oldest_needed().min(self.published);
        while self.cache_first < oldest && self.cache.pop_front().is_some() {
            self.cache_first += 1;
        }
        if self.cache.is_empty() {
            self.cache_first = self.next_seq;
        }
        if oldest > self.reclaimed {
            self.reclaimed = oldest;
            (!self.memory).then_some(Op::Reclaim(oldest))
        } else {
            None
        }
    }

    /// Keeps the cache within its count and byte budgets (durable mode only: older
    /// events are in the database). The cache runs up to the log's end, so its bytes are
    /// those of all events less those before its first.
    pub fn trim_cache(&mut self) {
        if self.memory {
            return;
        }
        let evictable = self.published.min(self.on_disk);
        while self.cache_first < evictable {
            let Some(first) = self.cache.front() else {
                break;
            };
            let over_count = self.cache.len() > self.cache_capacity;
            let over_bytes = self.cum_total - first.cum_before > self.cache_bytes;
            if !over_count && !over_bytes {
                break;
            }
            self.cache.pop_front();
            self.cache_first += 1;
        }
    }

    /// Forgets events from `next_seq` on, which were never made durable (their unit
    /// failed): the log ends where the durable one does, at `cum_total` bytes. No cursor
    /// is left past its end.
    pub fn roll_back(&mut self, next_seq: u64, cum_total: u64) {
        self.next_seq = next_seq;
        self.cum_total = cum_total;
        self.published = self.published.min(next_seq);
        self.on_disk = self.on_disk.min(next_seq);
        self.reclaimed = self.reclaimed.min(next_seq);
        if self.cache_first > next_seq {
            self.cache.clear();
            self.cache_first = next_seq;
        } else {
            self.cache.truncate((next_seq - self.cache_first) as usize);
        }
        for session in self.sessions.values_mut() {
            session.cursor = session.cursor.min(next_seq);
        }
        for reader in self.readers.values_mut() {
            reader.cursor = reader.cursor.min(next_seq);
        }
        // A shape first written by a failed unit is not in the database.
        self.shapes.forget();
    }

    /// The cached event `seq`, if cached.
    pub fn cached(&self, seq: u64) -> Option<&Cached> {
        seq.checked_sub(self.cache_first)
            .and_then(|i| self.cache.get(i as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner_with_events(count: u64) -> Inner {
        let mut inner = Inner::empty(false, 100, 1 << 20);
        for _ in 0..count {
            inner.cache.push_back(Cached {
                body: "{}".into(),
                cum_before: inner.cum_total,
                appended: std::time::Instant::now(),
            });
            inner.next_seq += 1;
            inner.cum_total += 2;
        }
        inner
    }

    #[test]
    fn the_cache_keeps_to_its_byte_budget_once_events_are_on_disk() {
        let mut inner = inner_with_events(10);
        inner.cache_bytes = 7; // 2 bytes an event: the newest three fit
        inner.published = 11;
        inner.on_disk = 5;
        inner.trim_cache();
        assert_eq!(inner.cache_first, 5, "events not yet in the database stay");
        inner.on_disk = 11;
        inner.trim_cache();
        assert_eq!((inner.cache_first, inner.cache.len()), (8, 3));
    }

    #[test]
    fn a_roll_back_forgets_the_events_that_were_never_durable() {
        let mut inner = inner_with_events(5);
        inner.published = 4; // events 1-3 durable, 4 and 5 failed
        inner.sessions.insert(
            1,
            SessionState {
                cursor: 6,
                lost: 0,
                lost_reason: String::new(),
                last_seen: 0,
            },
        );
        inner.roll_back(4, 6);
        assert_eq!((inner.next_seq, inner.cum_total), (4, 6));
        assert_eq!(inner.cache.len(), 3);
        assert!(inner.cached(3).is_some() && inner.cached(4).is_none());
        assert_eq!(inner.sessions[&1].cursor, 4, "no cursor past the log's end");
    }

    #[test]
    fn a_roll_back_behind_an_uncached_log_empties_the_cache() {
        let mut inner = inner_with_events(0);
        inner.next_seq = 9;
        inner.cache_first = 9;
        inner.reclaimed = 9;
        inner.roll_back(7, 0);
        assert_eq!((inner.cache_first, inner.reclaimed), (7, 7));
        assert!(inner.cache.is_empty());
    }
}
