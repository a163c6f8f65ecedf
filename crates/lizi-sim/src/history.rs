//! The world's message history: kept by the store, on disk (see the store's
//! `history.rs`), not in the world's tables.
//!
//! A change writes messages here; [`World::take_messages`] hands the ones it wrote to the
//! backend, which commits them with the change's other writes, and from then on the store
//! answers for them. A world without a store (the unit tests' worlds) keeps every message
//! here in memory.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use lizi_store::{Conv, MessageRow, Store};

use crate::error::SimError;
use crate::world::{ConvKey, StoredMessage, World};

/// Where the world's messages are.
#[derive(Clone, Default)]
pub struct History {
    store: Option<Arc<Store>>,
    /// Messages written since the last [`World::take_messages`] (every message when
    /// there is no store).
    local: BTreeMap<(ConvKey, i64), StoredMessage>,
    /// Those of `local` to hand out at the next [`World::take_messages`].
    changed: BTreeSet<(ConvKey, i64)>,
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History")
            .field("stored", &self.store.is_some())
            .field("local", &self.local)
            .finish_non_exhaustive()
    }
}

/// Two histories are equal when they hold the same messages in memory (a world with a
/// store holds its history there).
impl PartialEq for History {
    fn eq(&self, other: &Self) -> bool {
        self.local == other.local
    }
}

impl Eq for History {}

/// The store's name of a conversation.
fn conv(key: ConvKey) -> Conv {
    match key {
        ConvKey::Group(gin) => Conv {
            kind: Conv::GROUP,
            a: gin as i64,
            b: 0,
        },
        ConvKey::Private(a, b) => Conv {
            kind: Conv::PRIVATE,
            a: a as i64,
            b: b as i64,
        },
    }
}

fn to_row(key: ConvKey, m: StoredMessage) -> MessageRow {
    MessageRow {
        conv: conv(key),
        req: m.req,
        random: m.random,
        seq: m.seq,
        time: m.time,
        sender: m.from as i64,
        target: m.to.map(|to| to as i64),
        group: m.group.map(|gin| gin as i64),
        text: m.text,
        recalled: m.recalled,
    }
}

fn from_row(row: &MessageRow) -> StoredMessage {
    StoredMessage {
        req: row.req,
        random: row.random,
        seq: row.seq,
        time: row.time,
        from: row.sender as u64,
        to: row.target.map(|to| to as u64),
        group: row.group.map(|gin| gin as u64),
        text: row.text.clone(),
        recalled: row.recalled,
    }
}

fn read_failed(error: lizi_store::StoreError) -> SimError {
    SimError::History(error.to_string())
}

impl History {
    /// Keeps messages in `store` from now on.
    pub fn attach(&mut self, store: Arc<Store>) {
        self.store = Some(store);
    }

    /// The same store, and no messages of its own (for a world rebuilt from what is
    /// durable: the store forgot the failed writes' messages itself).
    pub fn detached_copy(&self) -> History {
        History {
            store: self.store.clone(),
            ..History::default()
        }
    }
}

impl World {
    /// The message `req` of conversation `key`.
    pub fn message(&self, key: ConvKey, req: i64) -> Result<Option<StoredMessage>, SimError> {
        if let Some(message) = self.history.local.get(&(key, req)) {
            return Ok(Some(message.clone()));
        }
        let Some(store) = &self.history.store else {
            return Ok(None);
        };
        let row = store.message(conv(key), req).map_err(read_failed)?;
        Ok(row.as_deref().map(from_row))
    }

    /// Up to `limit` messages of conversation `key` with a `Req` below `before` (all
    /// when `None`), oldest first.
    pub fn messages_page(
        &self,
        key: ConvKey,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, SimError> {
        let below = before.unwrap_or(i64::MAX);
        let mut page: BTreeMap<i64, StoredMessage> = BTreeMap::new();
        if let Some(store) = &self.history.store {
            let rows = store
                .messages_before(conv(key), before, limit)
                .map_err(read_failed)?;
            page.extend(rows.iter().map(|row| (row.req, from_row(row))));
        }
        let local = self.history.local.range((key, i64::MIN)..(key, below));
        page.extend(local.map(|((_, req), m)| (*req, m.clone())));
        let skip = page.len().saturating_sub(limit);
        Ok(page.into_values().skip(skip).collect())
    }

    /// Writes message `message.req` of conversation `key` (a new one, or a recall).
    pub fn put_message(&mut self, key: ConvKey, message: StoredMessage) {
        let slot = (key, message.req);
        self.history.local.insert(slot, message);
        self.history.changed.insert(slot);
    }

    /// Hands out the messages written since the last call, as the store's rows; with a
    /// store they are its to keep from now on.
    pub fn take_messages(&mut self) -> Vec<MessageRow> {
        let changed = std::mem::take(&mut self.history.changed);
        let stored = self.history.store.is_some();
        let mut rows = Vec::with_capacity(changed.len());
        for slot in changed {
            let message = if stored {
                self.history.local.remove(&slot)
            } else {
                self.history.local.get(&slot).cloned()
            };
            if let Some(message) = message {
                rows.push(to_row(slot.0, message));
            }
        }
        rows
    }
}
