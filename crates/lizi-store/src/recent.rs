//! [`Recent`]: values read or written lately, kept within a byte budget, the least recently
//! used leaving first. Both the message history's cache and the documents' cache keep
//! their entries that are already in the database here; entries on their way to it are
//! held apart and never evicted.
//!
//! Hand-written (a map and an age index) because the budget is in bytes: the LRU crates
//! bound the number of entries.

use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

/// Values within a byte budget, by recency, their keys hashed with `S`.
#[derive(Debug)]
pub(crate) struct Recent<K, V, S = RandomState> {
    /// Each value, its weight and its age.
    entries: HashMap<K, (V, usize, u64), S>,
    /// The keys by age, oldest first.
    ages: BTreeMap<u64, K>,
    next_age: u64,
    bytes: usize,
    budget: usize,
}

impl<K, V, S: Default> Default for Recent<K, V, S> {
    fn default() -> Self {
        Recent {
            entries: HashMap::default(),
            ages: BTreeMap::new(),
            next_age: 0,
            bytes: 0,
            budget: 0,
        }
    }
}

impl<K: Hash + Eq + Clone, V: Clone, S: BuildHasher + Default> Recent<K, V, S> {
    /// An empty cache of up to `budget` bytes.
    pub fn new(budget: usize) -> Self {
        Recent {
            budget,
            ..Recent::default()
        }
    }

    /// The value of `key`, which becomes the most recently used.
    pub fn get(&mut self, key: &K) -> Option<V> {
        let (value, _, age) = self.entries.get_mut(key)?;
        self.ages.remove(age);
        *age = self.next_age;
        self.ages.insert(self.next_age, key.clone());
        self.next_age += 1;
        Some(value.clone())
    }

    /// Keeps `value` under `key` as the most recently used, `weight` bytes of the budget;
    /// the least recently used leave while the budget is exceeded.
    pub fn remember(&mut self, key: K, value: V, weight: usize) {
        let age = self.next_age;
        self.next_age += 1;
        if let Some((_, old_weight, old_age)) =
            self.entries.insert(key.clone(), (value, weight, age))
        {
            self.ages.remove(&old_age);
            self.bytes -= old_weight;
        }
        self.ages.insert(age, key);
        self.bytes += weight;
        while self.bytes > self.budget {
            let Some((_, oldest)) = self.ages.pop_first() else {
                break;
            };
            if let Some((_, gone, _)) = self.entries.remove(&oldest) {
                self.bytes -= gone;
            }
        }
    }

    /// Forgets `key`.
    pub fn forget(&mut self, key: &K) {
        if let Some((_, weight, age)) = self.entries.remove(key) {
            self.ages.remove(&age);
            self.bytes -= weight;
        }
    }

    /// Every value kept, in no order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.values().map(|(value, ..)| value)
    }

    /// How many values, and their bytes.
    pub fn sizes(&self) -> (usize, usize) {
        (self.entries.len(), self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_leave_first_within_the_budget() {
        let mut recent: Recent<_, _> = Recent::new(30);
        recent.remember("a", 1, 10);
        recent.remember("b", 2, 10);
        recent.remember("c", 3, 10);
        assert_eq!(recent.get(&"a"), Some(1), "a is now the newest");
        recent.remember("d", 4, 10);
        assert_eq!(recent.get(&"b"), None, "b was the least recently used");
        assert_eq!(recent.sizes(), (3, 30));
        recent.remember("c", 5, 25);
        assert_eq!(recent.get(&"c"), Some(5));
        assert_eq!(recent.sizes(), (1, 25), "the others made room");
        recent.forget(&"c");
        assert_eq!(recent.sizes(), (0, 0));
    }
}
