//! Client sessions (`/allocsession` … `/geteventv2`): each a persisted cursor.

use std::sync::Arc;

use crate::state::SessionState;
use crate::store::Store;
use crate::writer::{Op, Unit};
use crate::{now, StoreError};

/// A session id as `/allocsession` hands it out.
pub type SessionId = u64;

/// How to take a session's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TakeOptions {
    /// Read without removing (at-least-once clients acknowledge later).
    pub peek: bool,
    /// Most events to return.
    pub limit: usize,
}

impl Default for TakeOptions {
    fn default() -> Self {
        TakeOptions {
            peek: false,
            limit: usize::MAX,
        }
    }
}

/// The answer to a take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// The session's events, and what it lost since its last read.
    Events {
        /// Event JSON texts, oldest first.
        events: Vec<Arc<str>>,
        /// Sequence number of the first event (the `LiziSeq` of `events[0]`).
        first: u64,
        /// Events skipped because the session fell behind its limit.
        lost: u64,
        /// Why they were skipped.
        lost_reason: String,
    },
    /// No such session.
    NotFound,
    /// lizi removed the session; the reason says why.
    Removed(String),
}

impl Store {
    /// Allocates a session; its first event is the next one appended.
    pub async fn alloc_session(&self) -> Result<SessionId, StoreError> {
        self.writable()?;
        let ticket = {
            let mut inner = self.lock();
            let id = inner.next_session;
            inner.next_session += 1;
            let session = SessionState {
                cursor: inner.next_seq,
                lost: 0,
                lost_reason: String::new(),
                last_seen: now(),
            };
            let ops = vec![
                session_op(id, &session),
                Op::Meta("next_session".into(), inner.next_session.to_string()),
            ];
            inner.sessions.insert(id, session);
            (id, self.submit(Unit { ops, publish: None }))
        };
        ticket.1.wait().await?;
        Ok(ticket.0)
    }

    /// Removes a session; false if it did not exist.
    pub async fn remove_session(&self, id: SessionId) -> Result<bool, StoreError> {
        self.writable()?;
        let ticket = {
            let mut inner = self.lock();
            if inner.sessions.remove(&id).is_none() {
                return Ok(false);
            }
            let mut ops = vec![Op::RemoveSession {
                id,
                tombstone: None,
                at: now(),
            }];
            ops.extend(inner.reclaim());
            self.submit(Unit { ops, publish: None })
        };
        ticket.wait().await?;
        Ok(true)
    }

    /// Drops a session's pending events; false if it does not exist.
    pub async fn reset_session(&self, id: SessionId) -> Result<bool, StoreError> {
        self.update_session(id, |session, inner| {
            session.cursor = inner.next_seq;
            session.lost = 0;
            session.lost_reason.clear();
        })
        .await
    }

    /// Changes a session with `change` (which sees the log's counters), marks it seen,
    /// and saves it; false if it does not exist.
    async fn update_session(
        &self,
        id: SessionId,
        change: impl FnOnce(&mut SessionState, &crate::state::Counters),
    ) -> Result<bool, StoreError> {
        self.writable()?;
        let ticket = {
            let mut inner = self.lock();
            let counters = inner.counters();
            let Some(session) = inner.sessions.get_mut(&id) else {
                return Ok(false);
            };
            change(session, &counters);
            session.last_seen = now();
            let mut ops = vec![session_op(id, session)];
            ops.extend(inner.reclaim());
            self.submit(Unit { ops, publish: None })
        };
        ticket.wait().await?;
        Ok(true)
    }

    /// Takes a session's pending events (moving its cursor unless peeking) and reports
    /// what it lost; the cursor move is durable before this returns, except while writes
    /// fail.
    pub async fn take(&self, id: SessionId, options: TakeOptions) -> Result<Taken, StoreError> {
        loop {
            let (from, to) = {
                let inner = self.lock();
                match inner.sessions.get(&id) {
                    Some(session) => (session.cursor, inner.published),
                    None => return Ok(self.missing(&inner, id)),
                }
            };
            let batch = self.read_range(from, to, options.limit)?;
            let ticket = {
                let mut inner = self.lock();
                let Some(session) = inner.sessions.get_mut(&id) else {
                    return Ok(self.missing(&inner, id));
                };
                if session.cursor != from {
                    continue; // another read moved it meanwhile
                }
                let lost = std::mem::take(&mut session.lost);
                let lost_reason = std::mem::take(&mut session.lost_reason);
                if !options.peek {
                    session.cursor = batch.next;
                }
                session.last_seen = now();
                let mut ops = vec![session_op(id, session)];
                if !options.peek {
                    ops.extend(inner.reclaim());
                }
                let ticket = self.submit(Unit { ops, publish: None });
                (ticket, lost, lost_reason)
            };
            let (ticket, lost, lost_reason) = ticket;
            if let Err(error) = ticket.wait().await {
                // While writes fail, reads go on: the cursor stays moved in memory and is
                // saved when writing works again (see rollback.rs); should lizi stop
                // before that, these events come again rather than being lost.
                tracing::debug!(session = id, "a read's cursor is not saved yet: {error}");
            }
            if !options.peek {
                let appended = batch.appended_times(0..batch.events.len());
                self.delivered(appended, crate::metrics::Delivery::Poll);
            }
            return Ok(Taken::Events {
                events: batch.events,
                first: batch.first,
                lost,
                lost_reason,
            });
        }
    }

    /// Acknowledges every event up to and including `seq`; false if no such session.
    pub async fn ack(&self, id: SessionId, seq: u64) -> Result<bool, StoreError> {
        self.update_session(id, |session, inner| {
            session.cursor = session
                .cursor
                .max(seq.saturating_add(1).min(inner.published));
        })
        .await
    }

    /// Pending events of a session (for metrics and tests).
    pub fn pending(&self, id: SessionId) -> Option<u64> {
        let inner = self.lock();
        inner
            .sessions
            .get(&id)
            .map(|s| inner.published.saturating_sub(s.cursor))
    }

    fn missing(&self, inner: &crate::state::Inner, id: SessionId) -> Taken {
        match inner.tombstones.get(&id) {
            Some(reason) => Taken::Removed(reason.clone()),
            None => Taken::NotFound,
        }
    }
}

pub(crate) fn session_op(id: SessionId, session: &SessionState) -> Op {
    Op::Session {
        id,
        cursor: session.cursor,
        lost: session.lost,
        lost_reason: session.lost_reason.clone(),
        last_seen: session.last_seen,
    }
}
