//! [`Tally`]: events the bridge refused or could not read, counted by kind for `/metrics`
//! and logged sparingly: the first at once, later ones at most once per [`INTERVAL`] with
//! how many there were and the latest one's detail, so that an implementation sending a
//! flood of bad frames cannot flood the log. The kinds come from the implementation's
//! frames, so at most [`MAX_KINDS`] are told apart; the rest are counted as `other`.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Shortest time between two log lines of one tally.
pub const INTERVAL: Duration = Duration::from_secs(10);

/// The most kinds a tally tells apart.
pub const MAX_KINDS: usize = 32;

/// One counter of `/metrics`, by kind, with its sparse log line.
#[derive(Debug)]
pub struct Tally {
    /// The metric's name.
    name: &'static str,
    /// What it counts, for the metric's help and the log line.
    what: &'static str,
    counts: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    by_kind: BTreeMap<String, u64>,
    unlogged: u64,
    logged_at: Option<Instant>,
}

impl Tally {
    /// A tally shown in `/metrics` as `name` (a counter: `name_total`), counting `what`.
    pub const fn new(name: &'static str, what: &'static str) -> Tally {
        Tally {
            name,
            what,
            counts: Mutex::new(Counts {
                by_kind: BTreeMap::new(),
                unlogged: 0,
                logged_at: None,
            }),
        }
    }

    /// Counts one of `kind`; logs it with `detail` unless a line was written lately.
    pub fn count(&self, kind: &str, detail: impl Display) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let known = counts.by_kind.contains_key(kind) || counts.by_kind.len() < MAX_KINDS;
        let kind = if known { kind } else { "other" };
        *counts.by_kind.entry(kind.to_owned()).or_insert(0) += 1;
        counts.unlogged += 1;
        if counts.logged_at.is_some_and(|at| at.elapsed() < INTERVAL) {
            return;
        }
        counts.logged_at = Some(Instant::now());
        let unlogged = std::mem::take(&mut counts.unlogged);
        drop(counts);
        tracing::warn!(
            kind,
            "onebot bridge: {}: {detail} ({unlogged} since the last report)",
            self.what
        );
    }

    /// How many were counted, of every kind.
    pub fn total(&self) -> u64 {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.by_kind.values().sum()
    }

    /// The metric's name (without the `_total` its counter is shown with) and help.
    pub fn described(&self) -> (&'static str, String) {
        (self.name, format!("{}, by kind", self.what))
    }

    /// The counts by kind.
    pub fn by_kind(&self) -> Vec<(String, u64)> {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts
            .by_kind
            .iter()
            .map(|(kind, count)| (kind.clone(), *count))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_counted_apart_up_to_the_limit() {
        let tally = Tally::new("lizi_test", "things refused");
        tally.count("message/group", "one");
        tally.count("message/group", "two");
        for n in 0..MAX_KINDS + 5 {
            tally.count(&format!("kind{n}"), "many");
        }
        let counts = tally.by_kind();
        assert!(
            counts.contains(&("message/group".to_owned(), 2)),
            "{counts:?}"
        );
        assert!(counts.contains(&("other".to_owned(), 6)), "{counts:?}");
        assert_eq!(counts.len(), MAX_KINDS + 1);
        assert_eq!(tally.total(), 2 + MAX_KINDS as u64 + 5);
    }
}
