//! Documents read back one at a time: the OneBot bridge keeps a document per message,
//! request, file, picture and name it has seen, and looks each up by its key (an indexed
//! lookup in the `docs` table, whose primary key is (kind, key)) instead of loading them
//! all at start. The simulated world, which loads its documents once, never reads them
//! this way.
//!
//! A document is written with [`Op::Doc`] in the unit of the change that made it; until
//! the applier has carried that unit into SQLite it is held in memory, exactly as messages
//! and blobs are, so a lookup finds it either way. Besides those, what lookups found (a
//! document, or that there is none) is kept in a [`Recent`] cache within the history's
//! byte budget (`history_cache_bytes`). A lookup reads the database with the cache
//! locked, so no write can reach the database between the two; the applier waits that
//! long (one indexed read) to say its writes are in. Without a database (`--flush memory`)
//! every document stays in memory.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, MutexGuard, PoisonError};

use rusqlite::{params, OptionalExtension};

use crate::recent::Recent;
use crate::store::Store;
use crate::writer::Op;
use crate::StoreError;

/// A document's (kind, key).
type Slot = (String, String);

/// A document's body, or `None` when there is none (deleted, or never written).
type Body = Option<Arc<str>>;

/// Documents in memory: those on their way to the database, and what lookups found.
#[derive(Debug, Default)]
pub(crate) struct DocCache {
    /// Written but not yet in the database: the latest body (`None`: deleted), and how
    /// many writes of it are on their way. Never evicted.
    pending: HashMap<Slot, (Body, u32)>,
    /// What lookups found in the database lately.
    recent: Recent<Slot, Body>,
}

fn weight(slot: &Slot, body: &Body) -> usize {
    slot.0.len() + slot.1.len() + body.as_ref().map_or(0, |body| body.len()) + 96
}

impl DocCache {
    /// An empty cache holding up to `budget` bytes of what lookups found.
    pub fn new(budget: usize) -> DocCache {
        DocCache {
            recent: Recent::new(budget),
            ..DocCache::default()
        }
    }

    /// Holds the documents of a submitted unit until the database has them.
    pub fn hold(&mut self, ops: &[Op]) {
        for op in ops {
            if let Op::Doc { kind, key, body } = op {
                self.hold_one((kind.to_string(), key.clone()), body.as_deref());
            }
        }
    }

    fn hold_one(&mut self, slot: Slot, body: Option<&str>) {
        let entry = self.pending.entry(slot).or_insert((None, 0));
        entry.0 = body.map(Arc::from);
        entry.1 += 1;
    }

    /// The database has these records' documents: they leave the pending set once their
    /// last write is in, and what lookups found of them is forgotten.
    pub fn settle(&mut self, records: &[Vec<Op>]) {
        for op in records.iter().flatten() {
            let Op::Doc { kind, key, .. } = op else {
                continue;
            };
            let slot = (kind.to_string(), key.clone());
            self.recent.forget(&slot);
            let Some((_, count)) = self.pending.get_mut(&slot) else {
                continue;
            };
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.pending.remove(&slot);
            }
        }
    }

    /// Replaces the pending set with the documents of the durable records the database
    /// lacks (after a failed write: the failed units' documents are forgotten).
    pub fn reset_pending(&mut self, durable: &[(String, String, Option<String>)]) {
        self.pending.clear();
        for (kind, key, body) in durable {
            self.hold_one((kind.clone(), key.clone()), body.as_deref());
        }
    }

    /// The document as memory knows it: `Some(body)` when it is pending or was looked up
    /// lately, `None` when the database must be asked.
    fn get(&mut self, slot: &Slot) -> Option<Body> {
        if let Some((body, _)) = self.pending.get(slot) {
            return Some(body.clone());
        }
        self.recent.get(slot)
    }

    /// The pending documents of `kind`, by key.
    fn pending_of(&self, kind: &str) -> Vec<(String, Body)> {
        self.pending
            .iter()
            .filter(|((pending_kind, _), _)| pending_kind == kind)
            .map(|((_, key), (body, _))| (key.clone(), body.clone()))
            .collect()
    }

    /// Documents in memory: (on their way to the database, looked up lately, their bytes).
    pub fn sizes(&self) -> (usize, usize, usize) {
        let (recent, bytes) = self.recent.sizes();
        (self.pending.len(), recent, bytes)
    }
}

impl Store {
    /// The document `key` of `kind`, written or not yet in the database: from memory when
    /// it is there, else by its key in the database (and kept in memory for a while).
    pub fn doc(&self, kind: &str, key: &str) -> Result<Option<Arc<str>>, StoreError> {
        let slot = (kind.to_owned(), key.to_owned());
        let mut cache = self.lock_docs();
        if let Some(body) = cache.get(&slot) {
            return Ok(body);
        }
        let Some(reader) = &self.reader else {
            return Ok(None);
        };
        let found: Body = {
            let connection = reader.lock().unwrap_or_else(PoisonError::into_inner);
            let body = connection
                .prepare_cached("SELECT body FROM docs WHERE kind = ?1 AND key = ?2")?
                .query_row(params![kind, key], |row| row.get::<_, String>(0))
                .optional()?;
            body.map(Arc::from)
        };
        let weight = weight(&slot, &found);
        cache.recent.remember(slot, found.clone(), weight);
        Ok(found)
    }

    /// Every document of `kind` as (key, body), in key order, those not yet in the
    /// database included.
    pub fn docs_of(&self, kind: &str) -> Result<Vec<(String, String)>, StoreError> {
        let cache = self.lock_docs();
        let mut found = BTreeMap::new();
        if let Some(reader) = &self.reader {
            let connection = reader.lock().unwrap_or_else(PoisonError::into_inner);
            let mut statement = connection
                .prepare_cached("SELECT key, body FROM docs WHERE kind = ?1 ORDER BY key")?;
            let rows = statement.query_map([kind], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?;
            for row in rows {
                let (key, body) = row?;
                found.insert(key, body);
            }
        }
        for (key, body) in cache.pending_of(kind) {
            match body {
                Some(body) => found.insert(key, body.to_string()),
                None => found.remove(&key),
            };
        }
        Ok(found.into_iter().collect())
    }

    /// Documents held in memory: (on their way to the database, looked up lately, the
    /// bytes of those).
    pub fn cached_docs(&self) -> (usize, usize, usize) {
        self.lock_docs().sizes()
    }

    pub(crate) fn lock_docs(&self) -> MutexGuard<'_, DocCache> {
        self.docs.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(key: &str, body: Option<&str>) -> Op {
        Op::Doc {
            kind: "thing".into(),
            key: key.into(),
            body: body.map(str::to_owned),
        }
    }

    fn slot(key: &str) -> Slot {
        ("thing".into(), key.into())
    }

    #[test]
    fn a_document_written_twice_stays_pending_until_both_writes_are_in() {
        let mut cache = DocCache::new(1 << 20);
        let (first, second) = (vec![put("a", Some("1"))], vec![put("a", None)]);
        cache.hold(&first);
        cache.hold(&second);
        assert_eq!(cache.get(&slot("a")), Some(None), "deleted by the second");
        cache.settle(&[first]);
        assert_eq!(cache.sizes().0, 1);
        cache.settle(&[second]);
        assert_eq!(cache.sizes().0, 0);
        assert_eq!(cache.get(&slot("a")), None, "the database is asked now");
    }

    #[test]
    fn what_lookups_found_is_forgotten_once_a_write_of_it_is_in() {
        let mut cache = DocCache::new(1 << 20);
        cache.recent.remember(slot("a"), None, 10);
        assert_eq!(cache.get(&slot("a")), Some(None));
        let write = vec![put("a", Some("1"))];
        cache.hold(&write);
        assert_eq!(cache.get(&slot("a")), Some(Some(Arc::from("1"))));
        cache.settle(&[write]);
        assert_eq!(cache.get(&slot("a")), None);
        assert_eq!(cache.pending_of("thing"), Vec::new());
    }
}
