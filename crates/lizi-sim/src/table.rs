//! [`Table`]: rows keyed by a key, that remember which keys changed.
//!
//! Every way to change a row — [`Table::get_mut`], [`Table::insert`], [`Table::remove`],
//! [`Table::get_or_insert_with`] — marks its key, and there is no other way to get at a
//! row mutably. [`Table::drain_changes`] hands out the marked keys with their current rows
//! and forgets them, so whoever saves the table learns exactly which rows to write.

use std::collections::{btree_map, BTreeMap};
use std::fmt;
use std::ops::RangeBounds;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Rows keyed by `K` that remember which keys changed since the last
/// [`drain_changes`](Table::drain_changes).
///
/// Serializing, comparing, debug-printing and cloning a table look at its rows only: the
/// pending changes are bookkeeping, not state. A table serializes as a sequence of
/// `[key, row]` pairs (so keys need not be strings) and a deserialized or cloned table has
/// no pending changes.
pub struct Table<K: Ord + Clone, V> {
    rows: BTreeMap<K, V>,
    /// The marked keys, in the order they were marked, possibly repeated: every change
    /// is followed by a drain, so this stays short and keeps its buffer.
    changed: Vec<K>,
}

impl<K: Ord + Clone, V> Table<K, V> {
    /// An empty table.
    pub fn new() -> Self {
        Table {
            rows: BTreeMap::new(),
            changed: Vec::new(),
        }
    }

    /// A table holding `rows`, with nothing marked as changed.
    pub fn from_rows(rows: BTreeMap<K, V>) -> Self {
        Table {
            rows,
            changed: Vec::new(),
        }
    }

    /// The row at `key`.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.rows.get(key)
    }

    /// Whether there is a row at `key`.
    pub fn contains_key(&self, key: &K) -> bool {
        self.rows.contains_key(key)
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows with their keys, in key order.
    pub fn iter(&self) -> btree_map::Iter<'_, K, V> {
        self.rows.iter()
    }

    /// The keys, in order.
    pub fn keys(&self) -> btree_map::Keys<'_, K, V> {
        self.rows.keys()
    }

    /// The rows, in key order.
    pub fn values(&self) -> btree_map::Values<'_, K, V> {
        self.rows.values()
    }

    /// The rows whose keys fall in `range`, in key order.
    pub fn range<R: RangeBounds<K>>(&self, range: R) -> btree_map::Range<'_, K, V> {
        self.rows.range(range)
    }

    /// The row at `key`, for changing it; marks `key` changed when the row exists.
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        let row = self.rows.get_mut(key)?;
        Self::mark(&mut self.changed, key);
        Some(row)
    }

    /// Puts `row` at `key`, answering the row it replaced; marks `key` changed.
    pub fn insert(&mut self, key: K, row: V) -> Option<V> {
        Self::mark(&mut self.changed, &key);
        self.rows.insert(key, row)
    }

    /// Removes the row at `key` and answers it; marks `key` changed when it existed.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        let row = self.rows.remove(key)?;
        Self::mark(&mut self.changed, key);
        Some(row)
    }

    /// The row at `key`, made with `make` first when missing, for changing it; marks `key`
    /// changed.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        Self::mark(&mut self.changed, &key);
        self.rows.entry(key).or_insert_with(make)
    }

    /// Puts in a row read from the store; marks nothing (it is saved already).
    pub(crate) fn load_row(&mut self, key: K, row: V) {
        self.rows.insert(key, row);
    }

    /// Packs the rows' tree once a world is built (rows put in one by one leave its nodes
    /// about half full), letting `each` compact every row likewise. Marks nothing.
    pub(crate) fn compact(&mut self, mut each: impl FnMut(&mut V)) {
        let rows = std::mem::take(&mut self.rows);
        // Collecting sorted rows builds the tree with full nodes.
        self.rows = rows
            .into_iter()
            .map(|(key, mut row)| {
                each(&mut row);
                (key, row)
            })
            .collect();
    }

    /// Whether any key is marked changed.
    pub fn has_changes(&self) -> bool {
        !self.changed.is_empty()
    }

    /// Calls `each` with every key changed since the last call, once each and in key
    /// order, with its current row (`None` when the row was removed); clears the marks.
    pub fn drain_changes(&mut self, mut each: impl FnMut(&K, Option<&V>)) {
        Self::dedup(&mut self.changed);
        for key in self.changed.drain(..) {
            each(&key, self.rows.get(&key));
        }
    }

    /// Marks `key`. Should marks pile up undrained (many changes to the same rows), the
    /// repeats are dropped, so the marks never outgrow the keys they name.
    fn mark(changed: &mut Vec<K>, key: &K) {
        changed.push(key.clone());
        if changed.len() >= 1024 && changed.len().is_power_of_two() {
            Self::dedup(changed);
        }
    }

    fn dedup(changed: &mut Vec<K>) {
        changed.sort_unstable();
        changed.dedup();
    }
}

impl<K: Ord + Clone, V> Default for Table<K, V> {
    fn default() -> Self {
        Table::new()
    }
}

impl<K: Ord + Clone, V> FromIterator<(K, V)> for Table<K, V> {
    /// A table of these rows, with nothing marked as changed.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(rows: I) -> Self {
        Table::from_rows(rows.into_iter().collect())
    }
}

impl<'a, K: Ord + Clone, V> IntoIterator for &'a Table<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = btree_map::Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K: Ord + Clone, V: Clone> Clone for Table<K, V> {
    /// The same rows, with nothing marked as changed.
    fn clone(&self) -> Self {
        Table::from_rows(self.rows.clone())
    }
}

impl<K: Ord + Clone, V: PartialEq> PartialEq for Table<K, V> {
    /// Same rows; pending changes are ignored.
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows
    }
}

impl<K: Ord + Clone, V: Eq> Eq for Table<K, V> {}

impl<K: Ord + Clone + fmt::Debug, V: fmt::Debug> fmt::Debug for Table<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.rows.iter()).finish()
    }
}

impl<K: Ord + Clone + Serialize, V: Serialize> Serialize for Table<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.rows.iter())
    }
}

impl<'de, K: Ord + Clone + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Table<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let rows: Vec<(K, V)> = Vec::deserialize(deserializer)?;
        Ok(rows.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table<u32, String> {
        Table::from_rows([(1, "one".to_owned()), (2, "two".to_owned())].into())
    }

    fn changed(table: &mut Table<u32, String>) -> Vec<(u32, Option<String>)> {
        let mut out = Vec::new();
        table.drain_changes(|k, v| out.push((*k, v.cloned())));
        out
    }

    #[test]
    fn reading_marks_nothing() {
        let mut t = table();
        assert_eq!(t.get(&1).map(String::as_str), Some("one"));
        assert!(t.contains_key(&2) && !t.contains_key(&3));
        assert_eq!((t.len(), t.is_empty()), (2, false));
        assert_eq!(t.iter().count(), 2);
        assert_eq!(t.keys().copied().collect::<Vec<_>>(), [1, 2]);
        assert_eq!(t.values().count(), 2);
        assert_eq!(t.range(2..).count(), 1);
        assert!(t.get_mut(&9).is_none(), "a missing row is not marked");
        assert!(t.remove(&9).is_none(), "removing nothing marks nothing");
        assert!(!t.has_changes());
        assert!(changed(&mut t).is_empty());
    }

    #[test]
    fn writing_marks_and_drain_changes_clears() {
        let mut t = table();
        t.get_mut(&1).unwrap().push('!');
        assert!(t.has_changes());
        assert_eq!(changed(&mut t), [(1, Some("one!".to_owned()))]);
        assert!(changed(&mut t).is_empty(), "drain_changes clears");

        assert_eq!(t.insert(3, "three".into()), None);
        assert_eq!(t.remove(&2).as_deref(), Some("two"));
        t.get_or_insert_with(4, || "four".into());
        t.get_or_insert_with(1, || unreachable!()).push('?');
        assert_eq!(
            changed(&mut t),
            [
                (1, Some("one!?".to_owned())),
                (2, None),
                (3, Some("three".to_owned())),
                (4, Some("four".to_owned())),
            ]
        );
        assert!(changed(&mut t).is_empty());
    }

    #[test]
    fn repeated_marks_stay_bounded_and_drain_once() {
        let mut t = table();
        for _ in 0..5000 {
            t.get_mut(&1).unwrap().push('.');
            t.get_mut(&2).unwrap().push('.');
        }
        assert!(t.changed.len() < 1024, "{} marks kept", t.changed.len());
        let keys: Vec<u32> = changed(&mut t).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, [1, 2]);
    }

    #[test]
    fn serde_eq_clone_see_rows_only() {
        let mut t: Table<(u32, u32), String> = Table::new();
        t.insert((1, 2), "x".into());
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"[[[1,2],"x"]]"#);
        let back: Table<(u32, u32), String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        assert!(!back.has_changes());
        assert!(!t.clone().has_changes());
        assert!(t.has_changes());
        assert_eq!(format!("{t:?}"), r#"{(1, 2): "x"}"#);
    }
}
