//! Appending events and reading ranges of the log.

use std::sync::Arc;

use lizi_core::Event;

use crate::shapes::{Carried, EventRow, Fills, StoredEvent};
use crate::state::{Cached, Inner};
use crate::store::Store;
use crate::writer::{Op, Ticket, Unit};
use crate::StoreError;

/// Reads a range of events: whole ones as they are, message events with their shape and
/// the message they carry (see `shapes.rs`).
const READ_EVENTS: &str =
    "SELECT e.seq, e.body, e.logon, s.body, m.req, m.random, m.seq, m.time, m.text
     FROM events e
     LEFT JOIN event_shapes s ON s.id = e.shape
     LEFT JOIN messages m ON m.seq = e.message
     WHERE e.seq >= ?1 AND e.seq < ?2 ORDER BY e.seq";

/// A text column of a row, `None` when it is NULL.
fn text_column<'r>(
    row: &'r rusqlite::Row<'_>,
    column: usize,
) -> Result<Option<&'r str>, StoreError> {
    match row.get_ref(column)? {
        rusqlite::types::ValueRef::Null => Ok(None),
        value => value
            .as_str()
            .map(Some)
            .map_err(|e| StoreError::Corrupt(e.to_string())),
    }
}

/// Events read from a cursor.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// Event JSON texts, oldest first.
    pub events: Vec<Arc<str>>,
    /// Sequence number of the first event in `events`.
    pub first: u64,
    /// Sequence number after the last one.
    pub next: u64,
    /// When the last `appended.len()` events were appended: those read from the memory
    /// cache (see [`Batch::appended_times`]).
    pub(crate) appended: Vec<std::time::Instant>,
}

impl Batch {
    /// When the events at `range` (indexes into `events`) were appended, for those read
    /// from the memory cache; events read back from the database have no time. For
    /// [`Store::delivered`].
    pub fn appended_times(&self, range: std::ops::Range<usize>) -> &[std::time::Instant] {
        let from_disk = self.events.len() - self.appended.len();
        let start = range
            .start
            .saturating_sub(from_disk)
            .min(self.appended.len());
        let end = range.end.saturating_sub(from_disk).min(self.appended.len());
        &self.appended[start..end.max(start)]
    }
}

/// Serialises an event with its log sequence number in the lizi-specific `LiziSeq` key,
/// which old clients ignore.
pub fn encode_event(event: &Event, seq: u64) -> String {
    let mut json = serde_json::to_string(event).unwrap_or_else(|_| String::from("{}"));
    append_seq(&mut json, seq);
    json
}

/// Adds the `LiziSeq` key to the event JSON `json`.
pub(crate) fn append_seq(json: &mut String, seq: u64) {
    use std::fmt::Write;
    json.pop();
    let _ = write!(json, ",\"LiziSeq\":{seq}}}");
}

impl Store {
    /// Commits world writes and the events they caused as one unit: the events get the
    /// next sequence numbers and become visible when the unit is durable. Call while
    /// holding whatever lock orders the changes (the world's), so units queue in order.
    ///
    /// An event that carries a message the unit writes is stored as a reference to it
    /// (see `shapes.rs`).
    pub fn commit(&self, mut ops: Vec<Op>, events: &[Event]) -> Ticket {
        let mut inner = self.lock();
        let mut publish = None;
        if !events.is_empty() {
            let keep = inner.has_cursors();
            let appended = std::time::Instant::now();
            let mut rows = Vec::with_capacity(if keep { events.len() } else { 0 });
            let mut shapes = Vec::new();
            // Nothing is shared where nothing is written: without cursors, or without a
            // database, or while writes are refused (a shape remembered then would never
            // be written).
            let share = keep && !inner.memory && self.health.refusal().is_none();
            let mut carried = share.then(|| Carried::of(&ops)).flatten();
            for event in events {
                let seq = inner.next_seq;
                inner.next_seq += 1;
                let mut json = serde_json::to_string(event).unwrap_or_else(|_| "{}".into());
                let stored = carried
                    .as_mut()
                    .and_then(|carried| carried.store(event, &json, &mut inner.shapes));
                append_seq(&mut json, seq);
                let body: Arc<str> = json.into();
                let cum_before = inner.cum_total;
                inner.cum_total += body.len() as u64;
                if keep {
                    let stored = match stored {
                        Some(stored) => {
                            shapes.extend(stored.new_shape);
                            stored.event
                        }
                        None => StoredEvent::Whole(body.clone()),
                    };
                    inner.cache.push_back(Cached {
                        body,
                        cum_before,
                        appended,
                    });
                    rows.push(EventRow {
                        seq,
                        cum_before,
                        stored,
                    });
                }
            }
            if !keep {
                inner.cache_first = inner.next_seq;
                inner.reclaimed = inner.reclaimed.max(inner.next_seq);
            }
            ops.extend(shapes);
            if !rows.is_empty() {
                ops.push(Op::Events(rows));
            }
            ops.push(Op::Meta("next_seq".into(), inner.next_seq.to_string()));
            ops.push(Op::Meta("cum_total".into(), inner.cum_total.to_string()));
            publish = Some(inner.next_seq);
            if inner.memory {
                inner.published = inner.next_seq;
            }
        }
        self.submit(Unit { ops, publish })
    }

    /// Appends events with no world writes.
    pub fn append(&self, events: &[Event]) -> Ticket {
        self.commit(Vec::new(), events)
    }

    /// Reads events `[from, to)` (at most `max`), from the cache or the database. The
    /// caller's cursor must stay at or before `from` until this returns, so the range
    /// cannot be reclaimed meanwhile; the database is read without holding the lock.
    pub(crate) fn read_range(&self, from: u64, to: u64, max: usize) -> Result<Batch, StoreError> {
        let to = to.min(from.saturating_add(max as u64));
        if from >= to {
            return Ok(Batch {
                first: from,
                next: from,
                ..Batch::default()
            });
        }
        let (cache_first, cached, appended) = {
            let inner = self.lock();
            let start = from.max(inner.cache_first);
            let count = to.saturating_sub(start) as usize;
            let (mut cached, mut appended) = (Vec::with_capacity(count), Vec::with_capacity(count));
            for event in (start..to).map_while(|seq| inner.cached(seq)) {
                cached.push(event.body.clone());
                appended.push(event.appended);
            }
            (inner.cache_first, cached, appended)
        };
        let mut events = Vec::with_capacity((to - from) as usize);
        if from < cache_first {
            self.read_disk(from, cache_first.min(to), &mut events)?;
        }
        events.extend(cached);
        let next = from + events.len() as u64;
        Ok(Batch {
            events,
            first: from,
            next,
            appended,
        })
    }

    fn read_disk(&self, from: u64, to: u64, out: &mut Vec<Arc<str>>) -> Result<(), StoreError> {
        let Some(reader) = &self.reader else {
            return Ok(());
        };
        let connection = reader
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut statement = connection.prepare_cached(READ_EVENTS)?;
        let mut rows = statement.query([from as i64, to as i64])?;
        let mut expected = from;
        let mut rendered = String::new();
        while let Some(row) = rows.next()? {
            let seq = row.get::<_, i64>(0)? as u64;
            if seq != expected {
                return Err(StoreError::Corrupt(format!(
                    "event {expected} is missing from the log"
                )));
            }
            match row.get::<_, Option<i64>>(2)? {
                None => out.push(Arc::from(text_column(row, 1)?.unwrap_or_default())),
                Some(logon) => {
                    let (Some(shape), Some(message_text)) =
                        (text_column(row, 3)?, text_column(row, 8)?)
                    else {
                        return Err(StoreError::Corrupt(format!(
                            "event {seq} refers to a shape or a message that is not stored"
                        )));
                    };
                    let fills = Fills {
                        logon,
                        req: row.get(4)?,
                        random: row.get(5)?,
                        seq: row.get(6)?,
                        time: row.get(7)?,
                        text: message_text,
                    };
                    crate::shapes::render(shape, &fills, seq, &mut rendered);
                    out.push(Arc::from(rendered.as_str()));
                }
            }
            expected += 1;
        }
        if expected != to {
            return Err(StoreError::Corrupt(format!(
                "events {expected}..{to} are missing from the log"
            )));
        }
        Ok(())
    }

    /// Bytes of all events before `seq` (for lag limits).
    pub(crate) fn cum_before(&self, inner: &Inner, seq: u64) -> Result<u64, StoreError> {
        if seq >= inner.next_seq {
            return Ok(inner.cum_total);
        }
        if let Some(cached) = inner.cached(seq) {
            return Ok(cached.cum_before);
        }
        let Some(reader) = &self.reader else {
            return Ok(inner.cum_total);
        };
        let connection = reader
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let value: Option<i64> = connection
            .prepare_cached("SELECT cum_bytes FROM events WHERE seq >= ?1 ORDER BY seq LIMIT 1")?
            .query_row([seq as i64], |row| row.get(0))
            .ok();
        Ok(value.map_or(inner.cum_total, |v| v as u64))
    }

    /// The first sequence number at or after `from` whose preceding bytes are at least
    /// `bytes` (for dropping the oldest events of a lagging cursor).
    pub(crate) fn seq_with_cum_at_least(
        &self,
        inner: &Inner,
        from: u64,
        bytes: u64,
    ) -> Result<u64, StoreError> {
        if let Some(reader) = &self.reader {
            if from < inner.cache_first {
                let connection = reader
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let found: Option<i64> = connection
                    .prepare_cached(
                        "SELECT seq FROM events WHERE seq >= ?1 AND cum_bytes >= ?2 ORDER BY seq LIMIT 1",
                    )?
                    .query_row([from as i64, bytes as i64], |row| row.get(0))
                    .ok();
                if let Some(seq) = found {
                    return Ok(seq as u64);
                }
            }
        }
        let start = from.max(inner.cache_first);
        Ok((start..inner.published)
            .find(|seq| inner.cached(*seq).is_some_and(|c| c.cum_before >= bytes))
            .unwrap_or(inner.published))
    }
}
