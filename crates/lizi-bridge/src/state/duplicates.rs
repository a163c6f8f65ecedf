//! Events reported twice: an implementation may post the same event again (a retried
//! post, several servers, a replay after reconnecting: docs/bridge.md#what-users-of-the-implementations-lost item 7), and a refill
//! may fetch from history a message that also arrived live. The bridge remembers a
//! fingerprint of each event it converted within a [`Window`] bounded by count and by age
//! (`--bridge-duplicate-window`, `--bridge-duplicate-window-s`), and converts an event
//! whose fingerprint is in it only once.
//!
//! What makes two events the same is the caller's part: for a message its account,
//! conversation, `message_id`, sender and time, or the implementation's sequence number
//! when it gives one (a `message_id` alone is a 32-bit hash on NapCat and Lagrange, so
//! different messages share one); for a notice the whole frame, which carries its `time`
//! and every field that tells one from another. Fingerprints are 64-bit hashes
//! ([`fingerprint`]).

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashSet, VecDeque};
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

/// How many events the window remembers by default.
pub const DEFAULT_COUNT: usize = 20_000;

/// How long the window remembers an event by default.
pub const DEFAULT_AGE: Duration = Duration::from_secs(600);

/// The fingerprint of `what`.
pub fn fingerprint(what: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    what.hash(&mut hasher);
    hasher.finish()
}

/// The events converted lately, by fingerprint.
#[derive(Debug)]
pub struct Window {
    order: VecDeque<(u64, Instant)>,
    known: HashSet<u64>,
    count: usize,
    age: Duration,
}

impl Default for Window {
    fn default() -> Self {
        Window::new(DEFAULT_COUNT, DEFAULT_AGE)
    }
}

impl Window {
    /// A window of the last `count` events, none older than `age`.
    pub fn new(count: usize, age: Duration) -> Window {
        Window {
            order: VecDeque::new(),
            known: HashSet::new(),
            count: count.max(1),
            age,
        }
    }

    /// Whether the event of `fingerprint` is new (and remembers it); `false` for one seen
    /// within the window.
    pub fn first_time(&mut self, fingerprint: u64) -> bool {
        self.first_time_at(fingerprint, Instant::now())
    }

    fn first_time_at(&mut self, fingerprint: u64, now: Instant) -> bool {
        while let Some(&(oldest, at)) = self.order.front() {
            if self.order.len() < self.count && now.duration_since(at) < self.age {
                break;
            }
            self.order.pop_front();
            self.known.remove(&oldest);
        }
        if !self.known.insert(fingerprint) {
            return false;
        }
        self.order.push_back((fingerprint, now));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_new_once_within_the_window_by_count_and_by_age() {
        let start = Instant::now();
        let mut window = Window::new(3, Duration::from_secs(60));
        assert!(window.first_time_at(1, start));
        assert!(!window.first_time_at(1, start), "a repeat");
        for other in 2..=4 {
            assert!(window.first_time_at(other, start));
        }
        assert!(window.first_time_at(1, start), "pushed out by three others");
        let later = start + Duration::from_secs(61);
        assert!(window.first_time_at(4, later), "too old to count");
        assert_eq!(window.order.len(), 1);
        assert_ne!(fingerprint((1u64, "a")), fingerprint((1u64, "b")));
    }
}
