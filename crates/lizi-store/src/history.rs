//! The message history: one row per message in its own table, with a bounded cache.
//!
//! Messages are the bulk of what a busy network keeps, and they are only ever looked up
//! one at a time (by conversation and `Req`, to recall or reply) or a page at a time
//! (`/sim/history`), so they live on disk, not in memory. A message is written with
//! [`Op::Message`] in the unit of the change that made it; until the applier has carried
//! that unit into SQLite it is held in memory, exactly as events and blobs are, so readers
//! find it either way. Besides those, a cache of recently written and read messages is
//! kept within a byte budget ([`Recent`]; entries in flight are held apart and never
//! evicted).
//!
//! The table is a rowid table keyed by the message's global `Seq`, with a unique index
//! on (conversation, `Req`): a table b-tree keeps up to a page less 35 bytes of a row on
//! its page, so a message of a few KiB does not spill into a mostly empty overflow page,
//! as a row of a `WITHOUT ROWID` table (an index b-tree, about 1 KiB local at most) did.

use std::collections::BTreeMap;
use std::hash::BuildHasherDefault;
use std::sync::{Arc, PoisonError};

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::hash::FxHasher;
use crate::recent::Recent;
use crate::store::Store;
use crate::writer::Op;
use crate::StoreError;

/// A conversation: a group's chat or the private pair of two people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Conv {
    /// [`Conv::GROUP`] or [`Conv::PRIVATE`].
    pub kind: u8,
    /// The group, or the smaller QQ number of the pair.
    pub a: i64,
    /// 0 for a group, else the larger QQ number of the pair.
    pub b: i64,
}

impl Conv {
    /// The kind of a group chat.
    pub const GROUP: u8 = 0;
    /// The kind of a private conversation.
    pub const PRIVATE: u8 = 1;
}

/// One stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    /// Its conversation.
    pub conv: Conv,
    /// Per-conversation sequence (`Req`).
    pub req: i64,
    /// Random id.
    pub random: i64,
    /// Global message sequence (`Seq`), unique.
    pub seq: i64,
    /// Send time (unix seconds).
    pub time: i64,
    /// Sender.
    pub sender: i64,
    /// Receiver of a private or temporary-session message.
    pub target: Option<i64>,
    /// Group of a group or temporary-session message.
    pub group: Option<i64>,
    /// Text, with text codes.
    pub text: String,
    /// Whether it was recalled.
    pub recalled: bool,
}

impl MessageRow {
    /// Roughly the memory the row takes, for the cache's budget.
    fn weight(&self) -> usize {
        std::mem::size_of::<MessageRow>() + self.text.len() + 64
    }
}

type Key = (Conv, i64);

const COLUMNS: &str =
    "conv_kind, conv_a, conv_b, req, random, seq, time, sender, target, grp, text, recalled";

/// The statement the applier writes a message with (a recall rewrites the row). An upsert
/// that replaces the row it conflicts with, as `INSERT OR REPLACE` would, without the
/// statement journal REPLACE keeps (see `applier.rs`).
pub(crate) const PUT_MESSAGE: &str = "INSERT INTO messages
     (conv_kind, conv_a, conv_b, req, random, seq, time, sender, target, grp, text, recalled)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
     ON CONFLICT DO UPDATE SET conv_kind = excluded.conv_kind, conv_a = excluded.conv_a,
         conv_b = excluded.conv_b, req = excluded.req, random = excluded.random,
         seq = excluded.seq, time = excluded.time, sender = excluded.sender,
         target = excluded.target, grp = excluded.grp, text = excluded.text,
         recalled = excluded.recalled";

/// Writes one message with the prepared [`PUT_MESSAGE`].
pub(crate) fn put(
    statement: &mut rusqlite::CachedStatement<'_>,
    m: &MessageRow,
) -> rusqlite::Result<()> {
    statement.execute(params![
        m.conv.kind,
        m.conv.a,
        m.conv.b,
        m.req,
        m.random,
        m.seq,
        m.time,
        m.sender,
        m.target,
        m.group,
        m.text,
        m.recalled
    ])?;
    Ok(())
}

fn read_row(row: &Row<'_>) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        conv: Conv {
            kind: row.get(0)?,
            a: row.get(1)?,
            b: row.get(2)?,
        },
        req: row.get(3)?,
        random: row.get(4)?,
        seq: row.get(5)?,
        time: row.get(6)?,
        sender: row.get(7)?,
        target: row.get(8)?,
        group: row.get(9)?,
        text: row.get(10)?,
        recalled: row.get(11)?,
    })
}

/// The message `req` of `conv` in the database.
pub(crate) fn select_one(
    connection: &Connection,
    conv: Conv,
    req: i64,
) -> Result<Option<MessageRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM messages WHERE conv_kind = ?1 AND conv_a = ?2 AND conv_b = ?3 AND req = ?4"
    );
    Ok(connection
        .prepare_cached(&sql)?
        .query_row(params![conv.kind, conv.a, conv.b, req], read_row)
        .optional()?)
}

/// The message whose global `Seq` is `seq` in the database (a rowid lookup).
pub(crate) fn select_by_seq(
    connection: &Connection,
    seq: i64,
) -> Result<Option<MessageRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM messages WHERE seq = ?1");
    Ok(connection
        .prepare_cached(&sql)?
        .query_row(params![seq], read_row)
        .optional()?)
}

/// Up to `limit` messages of `conv` with a `Req` below `before`, newest first.
pub(crate) fn select_page(
    connection: &Connection,
    conv: Conv,
    before: i64,
    limit: usize,
) -> Result<Vec<MessageRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM messages WHERE conv_kind = ?1 AND conv_a = ?2 AND conv_b = ?3
         AND req < ?4 ORDER BY req DESC LIMIT ?5"
    );
    let mut statement = connection.prepare_cached(&sql)?;
    let rows = statement.query_map(
        params![conv.kind, conv.a, conv.b, before, limit as i64],
        read_row,
    )?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Messages in memory: those on their way to the database, and a cache of recent ones.
#[derive(Debug, Default)]
pub(crate) struct MessageCache {
    /// Written but not yet in the database: the latest version, and how many writes of
    /// it are on their way. Never evicted.
    pending: BTreeMap<Key, (Arc<MessageRow>, u32)>,
    /// Recently written or read messages that are in the database (hashed with the fast
    /// hash of `hash.rs`: the keys are lizi's own numbers, and every message passes through
    /// here once it is applied).
    recent: Recent<Key, Arc<MessageRow>, BuildHasherDefault<FxHasher>>,
}

impl MessageCache {
    /// An empty cache holding up to `budget` bytes of messages already in the database.
    pub fn new(budget: usize) -> MessageCache {
        MessageCache {
            pending: BTreeMap::new(),
            recent: Recent::new(budget),
        }
    }

    /// Holds the messages of a submitted unit until the database has them.
    pub fn hold(&mut self, ops: &[Op]) {
        for op in ops {
            if let Op::Message(row) = op {
                self.hold_one(row);
            }
        }
    }

    /// Holds one message written again (or for the first time) until the database has it.
    fn hold_one(&mut self, row: &Arc<MessageRow>) {
        let entry = self
            .pending
            .entry((row.conv, row.req))
            .or_insert_with(|| (row.clone(), 0));
        entry.0 = row.clone();
        entry.1 += 1;
    }

    /// The database has these records' messages: they leave the pending set (once their
    /// last write is in) for the cache of recent ones.
    pub fn settle(&mut self, records: &[Vec<Op>]) {
        for op in records.iter().flatten() {
            let Op::Message(row) = op else {
                continue;
            };
            let key = (row.conv, row.req);
            let Some((_, count)) = self.pending.get_mut(&key) else {
                continue;
            };
            *count = count.saturating_sub(1);
            if *count == 0 {
                if let Some((latest, _)) = self.pending.remove(&key) {
                    self.remember(latest);
                }
            }
        }
    }

    /// Replaces the pending set with the messages of the durable records the database
    /// lacks (after a failed write: the failed units' messages are forgotten).
    pub fn reset_pending(&mut self, durable: &[Arc<MessageRow>]) {
        self.pending.clear();
        for row in durable {
            self.hold_one(row);
        }
    }

    /// The message in memory, if it is.
    pub fn get(&mut self, conv: Conv, req: i64) -> Option<Arc<MessageRow>> {
        let key = (conv, req);
        if let Some((row, _)) = self.pending.get(&key) {
            return Some(row.clone());
        }
        self.recent.get(&key)
    }

    /// The pending messages of `conv` with a `Req` below `before`.
    pub fn pending_of(&self, conv: Conv, before: i64) -> Vec<Arc<MessageRow>> {
        self.pending
            .range((conv, i64::MIN)..(conv, before))
            .map(|(_, (row, _))| row.clone())
            .collect()
    }

    /// Puts a message that is in the database in the cache of recent ones, as the newest,
    /// evicting the oldest beyond the budget.
    pub fn remember(&mut self, row: Arc<MessageRow>) {
        let weight = row.weight();
        self.recent.remember((row.conv, row.req), row, weight);
    }

    /// The message in memory whose global `Seq` is `seq`, if it is (a scan: for messages
    /// the database does not have yet, and for stores without a database).
    fn find_seq(&self, seq: i64) -> Option<Arc<MessageRow>> {
        let pending = self.pending.values().map(|(row, _)| row);
        pending
            .chain(self.recent.values())
            .find(|row| row.seq == seq)
            .cloned()
    }

    /// The highest global `Seq` of the messages in memory.
    fn last_seq(&self) -> Option<i64> {
        let pending = self.pending.values().map(|(row, _)| row.seq);
        let recent = self.recent.values().map(|row| row.seq);
        pending.chain(recent).max()
    }

    /// Messages in memory: (pending, recent) counts and the recent ones' bytes.
    pub fn sizes(&self) -> (usize, usize, usize) {
        let (recent, bytes) = self.recent.sizes();
        (self.pending.len(), recent, bytes)
    }
}

impl Store {
    /// The message `req` of `conv`: from memory when it is there, else from the database.
    pub fn message(&self, conv: Conv, req: i64) -> Result<Option<Arc<MessageRow>>, StoreError> {
        if let Some(row) = self.lock_messages().get(conv, req) {
            return Ok(Some(row));
        }
        let Some(reader) = &self.reader else {
            return Ok(None);
        };
        let found = {
            let connection = reader.lock().unwrap_or_else(PoisonError::into_inner);
            select_one(&connection, conv, req)?
        };
        let mut cache = self.lock_messages();
        // Written again meanwhile: the pending version is the newer one.
        if let Some(row) = cache.get(conv, req) {
            return Ok(Some(row));
        }
        Ok(found.map(|row| {
            let row = Arc::new(row);
            cache.remember(row.clone());
            row
        }))
    }

    /// The message whose global `Seq` is `seq`, in whichever conversation: an indexed
    /// lookup in the database, the newer version in memory when it was written again.
    pub fn message_by_seq(&self, seq: i64) -> Result<Option<Arc<MessageRow>>, StoreError> {
        let found = match &self.reader {
            Some(reader) => {
                let connection = reader.lock().unwrap_or_else(PoisonError::into_inner);
                select_by_seq(&connection, seq)?
            }
            None => None,
        };
        let mut cache = self.lock_messages();
        Ok(match found {
            Some(row) => Some(
                cache
                    .get(row.conv, row.req)
                    .unwrap_or_else(|| Arc::new(row)),
            ),
            None => cache.find_seq(seq),
        })
    }

    /// The highest global `Seq` of any stored message (0 when there is none).
    pub fn last_message_seq(&self) -> Result<i64, StoreError> {
        let stored: Option<i64> = match &self.reader {
            Some(reader) => {
                let connection = reader.lock().unwrap_or_else(PoisonError::into_inner);
                let max = connection
                    .prepare_cached("SELECT MAX(seq) FROM messages")?
                    .query_row([], |row| row.get(0))?;
                max
            }
            None => None,
        };
        let held = self.lock_messages().last_seq();
        Ok(stored.max(held).unwrap_or(0))
    }

    /// Up to `limit` messages of `conv` with a `Req` below `before` (all when `None`),
    /// newest first.
    pub fn messages_before(
        &self,
        conv: Conv,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<Arc<MessageRow>>, StoreError> {
        let before = before.unwrap_or(i64::MAX);
        // Pending messages first, then the database: one the applier carries over
        // meanwhile is found in one or the other. The only change to a message is its
        // recall, so a recalled version is the newer one.
        let mut page: BTreeMap<i64, Arc<MessageRow>> = self
            .lock_messages()
            .pending_of(conv, before)
            .into_iter()
            .map(|row| (row.req, row))
            .collect();
        if let Some(reader) = &self.reader {
            let connection = reader.lock().unwrap_or_else(PoisonError::into_inner);
            for row in select_page(&connection, conv, before, limit)? {
                match page.get(&row.req) {
                    Some(pending) if pending.recalled || !row.recalled => {}
                    _ => {
                        page.insert(row.req, Arc::new(row));
                    }
                }
            }
        }
        Ok(page.into_values().rev().take(limit).collect())
    }

    /// Messages held in memory: (on their way to the database, cached, cached bytes).
    pub fn cached_messages(&self) -> (usize, usize, usize) {
        self.lock_messages().sizes()
    }

    fn lock_messages(&self) -> std::sync::MutexGuard<'_, MessageCache> {
        self.messages.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(req: i64, text: &str) -> Arc<MessageRow> {
        Arc::new(MessageRow {
            conv: Conv {
                kind: Conv::GROUP,
                a: 1,
                b: 0,
            },
            req,
            random: 1,
            seq: req,
            time: 0,
            sender: 2,
            target: None,
            group: Some(1),
            text: text.into(),
            recalled: false,
        })
    }

    #[test]
    fn the_cache_keeps_to_its_budget_but_never_drops_a_pending_message() {
        let one = row(1, "x").weight();
        let mut cache = MessageCache::new(one * 2);
        let ops: Vec<Op> = (1..=5).map(|req| Op::Message(row(req, "x"))).collect();
        cache.hold(&ops);
        assert_eq!(cache.sizes().0, 5, "pending messages all stay");
        cache.settle(&[ops]);
        let (pending, recent, bytes) = cache.sizes();
        assert_eq!((pending, recent), (0, 2), "only two fit the budget");
        assert!(bytes <= one * 2);
        let conv = row(1, "").conv;
        assert!(cache.get(conv, 5).is_some() && cache.get(conv, 1).is_none());
    }

    #[test]
    fn messages_in_memory_are_found_by_seq() {
        let mut cache = MessageCache::new(1 << 20);
        cache.hold(&[Op::Message(row(3, "c")), Op::Message(row(7, "g"))]);
        assert_eq!(
            cache.find_seq(7).map(|row| row.text.clone()),
            Some("g".into())
        );
        assert!(cache.find_seq(5).is_none());
        assert_eq!(cache.last_seq(), Some(7));
    }

    #[test]
    fn a_message_written_twice_stays_pending_until_both_writes_are_in() {
        let mut cache = MessageCache::new(1 << 20);
        let first = vec![Op::Message(row(1, "a"))];
        let second = vec![Op::Message(row(1, "b"))];
        cache.hold(&first);
        cache.hold(&second);
        cache.settle(&[first]);
        assert_eq!(cache.sizes().0, 1);
        let conv = row(1, "").conv;
        assert_eq!(cache.get(conv, 1).unwrap().text, "b");
        cache.settle(&[second]);
        assert_eq!(cache.sizes().0, 0);
        assert_eq!(cache.get(conv, 1).unwrap().text, "b");
    }
}
