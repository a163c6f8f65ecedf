//! The event log: every event stored once, read by many cursors.
//!
//! Sessions (`/getevent`), WebSocket streams and push reporters are all cursors: the
//! sequence number of the next event each has not yet taken. Appending costs the same
//! whatever the number of cursors, and events behind every cursor are reclaimed.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;

use crate::event::Event;

/// A session id as `/allocsession` hands it out.
pub type SessionId = u64;

/// Identifies a cursor: a client session, or a reader inside lizi (a WebSocket, a push
/// reporter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CursorId {
    /// A client session.
    Session(SessionId),
    /// An internal reader.
    Internal(u64),
}

/// The event log. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct EventLog {
    inner: Mutex<Inner>,
    head: watch::Sender<u64>,
}

#[derive(Debug)]
struct Inner {
    /// Sequence number of `events[0]`.
    first: u64,
    events: VecDeque<Arc<str>>,
    /// Sequence number the next appended event gets.
    next: u64,
    /// For each cursor, the sequence number of the next event it will read.
    cursors: HashMap<CursorId, u64>,
    next_session: SessionId,
    next_internal: u64,
}

/// Events read from a cursor, with the sequence number that follows the last one.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// Event JSON texts, oldest first.
    pub events: Vec<Arc<str>>,
    /// Sequence number after the last event in `events`.
    pub next: u64,
}

impl Default for EventLog {
    fn default() -> Self {
        Self::new()
    }
}

impl EventLog {
    /// An empty log; the first event gets sequence number 1.
    pub fn new() -> Self {
        let (head, _) = watch::channel(1);
        EventLog {
            inner: Mutex::new(Inner {
                first: 1,
                events: VecDeque::new(),
                next: 1,
                cursors: HashMap::new(),
                next_session: 1,
                next_internal: 1,
            }),
            head,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Appends events in order; returns the sequence number of the first.
    pub fn append(&self, events: &[Event]) -> u64 {
        let mut inner = self.lock();
        let start = inner.next;
        let keep = !inner.cursors.is_empty();
        for event in events {
            let seq = inner.next;
            inner.next += 1;
            if keep {
                inner.events.push_back(encode(event, seq).into());
            }
        }
        if !keep {
            inner.first = inner.next;
        }
        let next = inner.next;
        drop(inner);
        self.head.send_replace(next);
        start
    }

    /// The sequence number the next event will get.
    pub fn head(&self) -> u64 {
        self.lock().next
    }

    /// A receiver that sees the head move.
    pub fn watch(&self) -> watch::Receiver<u64> {
        self.head.subscribe()
    }

    /// Allocates a session whose first event will be the next one appended.
    pub fn alloc_session(&self) -> SessionId {
        let mut inner = self.lock();
        let id = inner.next_session;
        inner.next_session += 1;
        let next = inner.next;
        inner.cursors.insert(CursorId::Session(id), next);
        id
    }

    /// Opens an internal cursor at the head.
    pub fn open_internal(&self) -> CursorId {
        let mut inner = self.lock();
        let id = CursorId::Internal(inner.next_internal);
        inner.next_internal += 1;
        let next = inner.next;
        inner.cursors.insert(id, next);
        id
    }

    /// Removes a cursor; false if it did not exist.
    pub fn close(&self, cursor: CursorId) -> bool {
        let mut inner = self.lock();
        let existed = inner.cursors.remove(&cursor).is_some();
        inner.reclaim();
        existed
    }

    /// Drops a cursor's pending events; false if it does not exist.
    pub fn reset(&self, cursor: CursorId) -> bool {
        let mut inner = self.lock();
        let next = inner.next;
        match inner.cursors.get_mut(&cursor) {
            Some(position) => {
                *position = next;
                inner.reclaim();
                true
            }
            None => false,
        }
    }

    /// Takes all pending events of a cursor and moves it to the head; `None` if the
    /// cursor does not exist.
    pub fn take(&self, cursor: CursorId) -> Option<Vec<Arc<str>>> {
        let batch = self.read(cursor, usize::MAX)?;
        self.ack(cursor, batch.next);
        Some(batch.events)
    }

    /// Reads up to `max` pending events of a cursor without moving it.
    pub fn read(&self, cursor: CursorId, max: usize) -> Option<Batch> {
        let inner = self.lock();
        let position = *inner.cursors.get(&cursor)?;
        let skip = position.saturating_sub(inner.first) as usize;
        let events: Vec<Arc<str>> = inner.events.iter().skip(skip).take(max).cloned().collect();
        let next = position.max(inner.first) + events.len() as u64;
        Some(Batch { events, next })
    }

    /// Moves a cursor forward to `next` (never backward, never past the head).
    pub fn ack(&self, cursor: CursorId, next: u64) {
        let mut inner = self.lock();
        let head = inner.next;
        if let Some(position) = inner.cursors.get_mut(&cursor) {
            *position = (*position).max(next.min(head));
            inner.reclaim();
        }
    }

    /// Whether a cursor exists.
    pub fn exists(&self, cursor: CursorId) -> bool {
        self.lock().cursors.contains_key(&cursor)
    }

    /// Number of events held in memory.
    pub fn retained(&self) -> usize {
        self.lock().events.len()
    }

    /// Number of open cursors of each kind: (sessions, internal).
    pub fn cursor_counts(&self) -> (usize, usize) {
        let inner = self.lock();
        let sessions = inner
            .cursors
            .keys()
            .filter(|c| matches!(c, CursorId::Session(_)))
            .count();
        (sessions, inner.cursors.len() - sessions)
    }
}

impl Inner {
    /// Drops events that every cursor has read.
    fn reclaim(&mut self) {
        let oldest = self.cursors.values().copied().min().unwrap_or(self.next);
        while self.first < oldest && self.events.pop_front().is_some() {
            self.first += 1;
        }
        if self.events.is_empty() {
            self.first = self.next;
        }
    }
}

/// Serialises an event with its log sequence number in the lizi-specific `LiziSeq` key,
/// which old clients ignore.
pub fn encode(event: &Event, seq: u64) -> String {
    let mut json = serde_json::to_string(event).unwrap_or_else(|_| String::from("{}"));
    json.pop();
    json.push_str(",\"LiziSeq\":");
    json.push_str(&seq.to_string());
    json.push('}');
    json
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventMsg, GroupMsg};

    fn event(n: u64) -> Event {
        let mut e = EventMsg::default();
        e.msg.seq = n as i64;
        Event::EventMsg(e)
    }

    #[test]
    fn sessions_see_events_after_allocation_only() {
        let log = EventLog::new();
        log.append(&[event(1)]);
        let a = log.alloc_session();
        log.append(&[event(2), event(3)]);
        let b = log.alloc_session();
        log.append(&[event(4)]);
        assert_eq!(log.take(CursorId::Session(a)).unwrap().len(), 3);
        assert_eq!(log.take(CursorId::Session(a)).unwrap().len(), 0);
        let got = log.take(CursorId::Session(b)).unwrap();
        assert_eq!(got.len(), 1);
        assert!(got[0].ends_with(",\"LiziSeq\":4}"));
        assert_eq!(log.retained(), 0);
        assert!(log.take(CursorId::Session(99)).is_none());
    }

    #[test]
    fn reclaims_only_behind_every_cursor() {
        let log = EventLog::new();
        let a = CursorId::Session(log.alloc_session());
        let b = log.open_internal();
        log.append(&[event(1), event(2)]);
        log.take(a);
        assert_eq!(log.retained(), 2);
        let batch = log.read(b, 1).unwrap();
        assert_eq!(batch.events.len(), 1);
        log.ack(b, batch.next);
        assert_eq!(log.retained(), 1);
        log.close(b);
        assert_eq!(log.retained(), 0);
        assert!(log.reset(a));
        assert!(!log.reset(b));
    }

    #[test]
    fn encode_appends_sequence() {
        let json = encode(&Event::GroupMsg(GroupMsg::default()), 7);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["LiziSeq"], 7);
        assert_eq!(value["Type"], "GroupMsg");
    }
}
