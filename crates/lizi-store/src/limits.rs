//! Lag limits and idle sessions, checked by a sweeper thread.
//!
//! A session (or reader) more than `max_lag_events` events or `max_lag_bytes` bytes behind
//! is handled by the configured [`LagPolicy`]: its oldest events are skipped and counted,
//! to be reported in its next read, or the session is removed with a tombstone that says
//! why. Sessions not read for `session_idle` are removed the same way. Nothing is silent:
//! each case is logged and counted.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Weak;

use crate::config::LagPolicy;
use crate::sessions::session_op;
use crate::store::Store;
use crate::writer::{Op, Unit};
use crate::{now, StoreError};

/// Starts the sweeper; it stops when the store is dropped.
pub(crate) fn spawn_sweeper(store: Weak<Store>) -> Result<(), StoreError> {
    let Some(every) = store.upgrade().map(|s| s.config.sweep_every) else {
        return Ok(());
    };
    std::thread::Builder::new()
        .name("lizi-sweeper".into())
        .spawn(move || loop {
            std::thread::sleep(every);
            let Some(store) = store.upgrade() else { break };
            if let Err(error) = store.sweep() {
                tracing::warn!("checking session limits failed: {error}");
            }
        })
        .map(drop)
        .map_err(|e| StoreError::Io(format!("starting the sweeper: {e}")))
}

impl Store {
    /// Applies idle expiry and lag limits now.
    pub fn sweep(&self) -> Result<(), StoreError> {
        if self.refuses_writes() {
            return Ok(()); // nothing it changed could be saved
        }
        let now = now();
        let config = &self.config;
        let mut inner = self.lock();
        let published = inner.published;
        let total = self.cum_before(&inner, published)?;
        let mut ops = Vec::new();
        let mut seen = HashMap::new();

        if let Some(idle) = config.session_idle {
            let limit = idle.as_secs() as i64;
            let expired: Vec<u64> = inner
                .sessions
                .iter()
                .filter(|(_, s)| now - s.last_seen > limit)
                .map(|(id, _)| *id)
                .collect();
            for id in expired {
                inner.sessions.remove(&id);
                let reason =
                    format!("removed after more than {limit} s without a read (session_idle)");
                tracing::warn!(session = id, "{reason}");
                self.stats.sessions_expired.fetch_add(1, Ordering::Relaxed);
                inner.tombstones.insert(id, reason.clone());
                ops.push(Op::RemoveSession {
                    id,
                    tombstone: Some(reason),
                    at: now,
                });
            }
        }

        let sessions: Vec<(u64, u64)> = inner
            .sessions
            .iter()
            .map(|(id, s)| (*id, s.cursor))
            .collect();
        for (id, cursor) in sessions {
            let Some(target) = self.lag_target(&inner, cursor, published, total, &mut seen)? else {
                continue;
            };
            let behind = published - cursor;
            match config.lag_policy {
                LagPolicy::DropOldest => {
                    let dropped = target - cursor;
                    let reason = format!(
                        "{dropped} oldest events dropped: the session was {behind} events behind, over its limit (max_lag_events {}, max_lag_bytes {})",
                        config.max_lag_events, config.max_lag_bytes
                    );
                    tracing::warn!(session = id, "{reason}");
                    self.stats
                        .events_dropped
                        .fetch_add(dropped, Ordering::Relaxed);
                    if let Some(session) = inner.sessions.get_mut(&id) {
                        session.cursor = target;
                        session.lost += dropped;
                        session.lost_reason = reason;
                        ops.push(session_op(id, session));
                    }
                }
                LagPolicy::RemoveSession => {
                    inner.sessions.remove(&id);
                    let reason = format!(
                        "removed: the session was {behind} events behind, over its limit (max_lag_events {}, max_lag_bytes {})",
                        config.max_lag_events, config.max_lag_bytes
                    );
                    tracing::warn!(session = id, "{reason}");
                    self.stats.sessions_dropped.fetch_add(1, Ordering::Relaxed);
                    inner.tombstones.insert(id, reason.clone());
                    ops.push(Op::RemoveSession {
                        id,
                        tombstone: Some(reason),
                        at: now,
                    });
                }
            }
        }

        let readers: Vec<_> = inner
            .readers
            .iter()
            .map(|(id, r)| (*id, r.cursor))
            .collect();
        for (id, cursor) in readers {
            let Some(target) = self.lag_target(&inner, cursor, published, total, &mut seen)? else {
                continue;
            };
            let dropped = target - cursor;
            self.stats
                .events_dropped
                .fetch_add(dropped, Ordering::Relaxed);
            if let Some(reader) = inner.readers.get_mut(&id) {
                tracing::warn!(reader = ?reader.name, "{dropped} oldest events dropped: the reader fell behind its limit");
                reader.cursor = target;
                reader.lost += dropped;
                if let Some(name) = reader.name.clone() {
                    ops.push(Op::Reader {
                        name,
                        cursor: target,
                        lost: reader.lost,
                    });
                }
            }
        }
        ops.extend(inner.reclaim());
        drop(self.submit(Unit { ops, publish: None }));
        Ok(())
    }

    /// Where a cursor at `cursor` must move to be within limits, if it is beyond them.
    /// `seen` remembers the answer per cursor position within one sweep: sessions that
    /// were created together and not read since share one, and the byte count of a
    /// position may need a database read.
    fn lag_target(
        &self,
        inner: &crate::state::Inner,
        cursor: u64,
        published: u64,
        total: u64,
        seen: &mut HashMap<u64, Option<u64>>,
    ) -> Result<Option<u64>, StoreError> {
        if let Some(known) = seen.get(&cursor) {
            return Ok(*known);
        }
        let config = &self.config;
        if cursor >= published {
            return Ok(None);
        }
        let mut target = cursor;
        if published - cursor > config.max_lag_events {
            target = published - config.max_lag_events;
        }
        let pending = total.saturating_sub(self.cum_before(inner, cursor)?);
        if pending > config.max_lag_bytes {
            let keep_from =
                self.seq_with_cum_at_least(inner, cursor, total - config.max_lag_bytes)?;
            target = target.max(keep_from);
        }
        let answer = (target > cursor).then_some(target.min(published));
        seen.insert(cursor, answer);
        Ok(answer)
    }
}
