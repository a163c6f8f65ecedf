//! Internal readers: WebSocket streams (in memory) and push reporters (named, persisted
//! so that pending deliveries survive a restart).

use crate::events::Batch;
use crate::state::ReaderState;
use crate::store::Store;
use crate::writer::{Op, Unit};
use crate::StoreError;

/// Identifies an internal reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReaderId(pub(crate) u64);

impl Store {
    /// Opens a reader at the head. A named reader resumes where the same name stopped,
    /// even across restarts; an unnamed one lives until closed.
    pub fn open_reader(&self, name: Option<&str>) -> Result<ReaderId, StoreError> {
        let mut inner = self.lock();
        if let Some(name) = name {
            let existing = inner
                .readers
                .iter()
                .find(|(_, state)| state.name.as_deref() == Some(name))
                .map(|(id, _)| *id);
            if let Some(id) = existing {
                return Ok(id);
            }
        }
        let id = ReaderId(inner.next_reader);
        inner.next_reader += 1;
        let cursor = inner.next_seq;
        inner.readers.insert(
            id,
            ReaderState {
                cursor,
                name: name.map(str::to_owned),
                lost: 0,
            },
        );
        if let Some(name) = name {
            let op = Op::Reader {
                name: name.to_owned(),
                cursor,
                lost: 0,
            };
            drop(self.submit(Unit {
                ops: vec![op],
                publish: None,
            }));
        }
        Ok(id)
    }

    /// Reads up to `max` published events after the reader's cursor, without moving it.
    pub fn read(&self, reader: ReaderId, max: usize) -> Result<Option<Batch>, StoreError> {
        let (from, to) = {
            let inner = self.lock();
            match inner.readers.get(&reader) {
                Some(state) => (state.cursor, inner.published),
                None => return Ok(None),
            }
        };
        self.read_range(from, to, max).map(Some)
    }

    /// Moves a reader forward to `next` (persisted for named readers, without waiting).
    pub fn advance(&self, reader: ReaderId, next: u64) {
        let mut inner = self.lock();
        let published = inner.published;
        let Some(state) = inner.readers.get_mut(&reader) else {
            return;
        };
        state.cursor = state.cursor.max(next.min(published));
        let mut ops: Vec<Op> = state
            .name
            .clone()
            .map(|name| Op::Reader {
                name,
                cursor: state.cursor,
                lost: state.lost,
            })
            .into_iter()
            .collect();
        ops.extend(inner.reclaim());
        drop(self.submit(Unit { ops, publish: None }));
    }

    /// Closes a reader; a named one keeps its saved position for next time.
    ///
    /// A named reader stays among the cursors (until [`Store::forget_readers_except`]),
    /// so the events it has not delivered are not reclaimed once every session has them.
    pub fn close_reader(&self, reader: ReaderId) {
        let mut inner = self.lock();
        let unnamed = inner
            .readers
            .get(&reader)
            .is_some_and(|state| state.name.is_none());
        if unnamed && inner.readers.remove(&reader).is_some() {
            let ops: Vec<Op> = inner.reclaim().into_iter().collect();
            drop(self.submit(Unit { ops, publish: None }));
        }
    }

    /// Forgets saved named readers whose name starts with `prefix`, other than `keep`
    /// (report URLs no longer configured); readers of other consumers are left alone.
    pub fn forget_readers_except(&self, prefix: &str, keep: &[String]) {
        let mut inner = self.lock();
        let stale: Vec<(ReaderId, String)> = inner
            .readers
            .iter()
            .filter_map(|(id, state)| state.name.clone().map(|name| (*id, name)))
            .filter(|(_, name)| name.starts_with(prefix) && !keep.contains(name))
            .collect();
        let mut ops = Vec::new();
        for (id, name) in stale {
            inner.readers.remove(&id);
            ops.push(Op::RemoveReader(name));
        }
        ops.extend(inner.reclaim());
        drop(self.submit(Unit { ops, publish: None }));
    }

    /// Events a reader lost to lag limits, and resets the count.
    pub fn take_reader_lost(&self, reader: ReaderId) -> u64 {
        let mut inner = self.lock();
        inner
            .readers
            .get_mut(&reader)
            .map_or(0, |s| std::mem::take(&mut s.lost))
    }
}
