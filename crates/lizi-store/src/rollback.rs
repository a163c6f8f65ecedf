//! Failed writes: the failing state, and coming back to what is durable.
//!
//! Changes are made in memory first (the simulated world, the log's counters and cache,
//! cursors) and queued for the writer while the world is locked; the request waits for its
//! unit to be durable. Units are pipelined, so when one fails, those queued after it may
//! build on it. A write failure therefore starts an *episode*: every queued unit fails,
//! new writes fail at once with the reason, and what memory holds is rebuilt from what is
//! durable, the database's snapshot plus the journal records it lacks, below the first
//! failed record. An undo log per unit would cost every request a copy of each row it
//! changes; a rebuild costs nothing until a write fails, and reading the durable state
//! back is exactly what a restart does, so the state after an episode is the one a restart
//! would find. The simulated world rebuilds itself through the hook it registers with
//! [`Store::on_rollback`]. Event sessions are not rolled back: reads keep working during
//! an episode, so a session's cursor may move meanwhile; every cursor is saved again when
//! the episode ends.
//!
//! The writer probes with backoff whether writing works again (see `writer.rs`); the
//! applier retries a failed transaction the same way (see `applier.rs`). Each episode is
//! logged when it starts and when it ends, and counted.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rusqlite::OptionalExtension;

use crate::history::MessageRow;
use crate::journal;
use crate::state::Inner;
use crate::store::Store;
use crate::writer::{Op, Unit};
use crate::StoreError;

/// The first wait before a failed write is tried again.
pub(crate) const FIRST_RETRY: Duration = Duration::from_secs(1);

/// The longest wait between two tries.
pub(crate) const LAST_RETRY: Duration = Duration::from_secs(30);

/// The next wait after `wait`: twice as long, up to [`LAST_RETRY`].
pub(crate) fn back_off(wait: Duration) -> Duration {
    (wait * 2).min(LAST_RETRY)
}

/// Rebuilds a component's memory from what is durable; it calls the store's own part
/// (the second argument) while it holds its lock, so that no change slips in between.
pub type RollbackHook = Box<dyn Fn(&Durable, &mut dyn FnMut()) -> Result<(), String> + Send + Sync>;

/// Whether writes fail, and why.
#[derive(Debug, Default)]
pub(crate) struct Health {
    /// Set while journal writes fail: new writes fail at once.
    failing: AtomicBool,
    /// Why journal writes fail, and since when.
    journal: Mutex<Option<(StoreError, Instant)>>,
    /// Why the database refuses the journal's records, and since when.
    apply: Mutex<Option<(String, Instant)>>,
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Health {
    /// The error a write gets now, if writes fail.
    pub fn refusal(&self) -> Option<StoreError> {
        if !self.failing.load(Ordering::Acquire) {
            return None;
        }
        locked(&self.journal)
            .as_ref()
            .map(|(error, _)| error.clone())
    }
}

/// What is durable: the database's documents with the journal's later records laid over.
#[derive(Debug, Default)]
pub struct Durable {
    docs: BTreeMap<(String, String), String>,
    next_seq: u64,
    cum_total: u64,
    /// Blobs of the journal records the database lacks.
    blobs: HashSet<String>,
    /// Messages of the journal records the database lacks, in order.
    messages: Vec<Arc<MessageRow>>,
    /// Documents of the journal records the database lacks, in order: (kind, key, body).
    docs_ahead: Vec<(String, String, Option<String>)>,
}

impl Durable {
    /// Every durable world document as (kind, key, body), in key order.
    pub fn docs(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.docs
            .iter()
            .map(|((kind, key), body)| (kind.as_str(), key.as_str(), body.as_str()))
    }

    fn lay_over(&mut self, ops: &[Op]) {
        for op in ops {
            match op {
                Op::Doc { kind, key, body } => {
                    self.docs_ahead
                        .push((kind.to_string(), key.clone(), body.clone()));
                    let slot = (kind.to_string(), key.clone());
                    match body {
                        Some(body) => self.docs.insert(slot, body.clone()),
                        None => self.docs.remove(&slot),
                    };
                }
                Op::Blob { hash, .. } => {
                    self.blobs.insert(hash.clone());
                }
                Op::Meta(key, value) => self.meta(key, value),
                Op::Message(row) => self.messages.push(row.clone()),
                _ => {}
            }
        }
    }

    fn meta(&mut self, key: &str, value: &str) {
        let number = value.parse::<u64>().ok();
        match (key, number) {
            ("next_seq", Some(n)) => self.next_seq = n.max(1),
            ("cum_total", Some(n)) => self.cum_total = n,
            _ => {}
        }
    }
}

impl Store {
    /// Registers what rebuilds the component that changes ahead of the store (the
    /// simulated world) after a failed write; a later call replaces it.
    pub fn on_rollback(&self, hook: RollbackHook) {
        *locked(&self.rollback) = Some(hook);
    }

    /// Why writes fail now (the journal or the database), if they do.
    pub fn failing(&self) -> Option<String> {
        if let Some((error, _)) = locked(&self.health.journal).as_ref() {
            return Some(error.to_string());
        }
        locked(&self.health.apply)
            .as_ref()
            .map(|(reason, _)| format!("applying the journal to the database: {reason}"))
    }

    /// Whether new writes fail at once (cheap: one atomic load).
    pub fn refuses_writes(&self) -> bool {
        self.health.failing.load(Ordering::Acquire)
    }

    /// Fails at once, with the reason, while writes fail: for changes that must not be
    /// made in memory when they cannot be saved.
    pub fn writable(&self) -> Result<(), StoreError> {
        match self.health.refusal() {
            Some(refusal) => Err(refusal),
            None => Ok(()),
        }
    }

    /// Starts an episode of failed journal writes: later writes fail at once with
    /// `error`. Logged and counted here.
    pub(crate) fn begin_failure(&self, error: &StoreError) {
        let refusal = StoreError::Failed(error.to_string());
        *locked(&self.health.journal) = Some((refusal, Instant::now()));
        self.health.failing.store(true, Ordering::Release);
        self.stats.write_failures.fetch_add(1, Ordering::Relaxed);
        tracing::error!(
            "writing to the data folder failed: {error}; writes fail until it works again (tried every {}-{} s)",
            FIRST_RETRY.as_secs(),
            LAST_RETRY.as_secs()
        );
    }

    /// Rebuilds memory from what is durable below record `below`, then runs `finish`
    /// while the store is locked (and the world, through the hook).
    pub(crate) fn roll_back(
        &self,
        below: u64,
        finish: &mut dyn FnMut(&mut Inner),
    ) -> Result<(), String> {
        let durable = self.read_durable(below).map_err(|e| e.to_string())?;
        let mut store_part = || {
            let mut inner = self.lock();
            inner.roll_back(durable.next_seq, durable.cum_total);
            locked(&self.memory_blobs).retain(|hash, _| durable.blobs.contains(hash));
            locked(&self.messages).reset_pending(&durable.messages);
            locked(&self.docs).reset_pending(&durable.docs_ahead);
            finish(&mut inner);
        };
        match locked(&self.rollback).as_ref() {
            Some(hook) => hook(&durable, &mut store_part),
            None => {
                store_part();
                Ok(())
            }
        }
    }

    /// Ends the episode once writing works again: memory is rebuilt from what is
    /// durable, every cursor saved again and writes accepted, all under the locks;
    /// `drain` fails the units still queued from before.
    pub(crate) fn end_failure(&self, below: u64, drain: &mut dyn FnMut()) -> Result<(), String> {
        self.roll_back(below, &mut |inner| {
            drain();
            let since = locked(&self.health.journal).take().map(|(_, at)| at);
            self.health.failing.store(false, Ordering::Release);
            drop(self.submit(cursors_unit(inner)));
            tracing::info!(
                "writing to the data folder works again, after {} s",
                since.map_or(0, |at| at.elapsed().as_secs())
            );
        })
    }

    /// The database refused the journal's records: logged and counted once per episode.
    pub(crate) fn apply_failed(&self, error: &str) {
        let mut apply = locked(&self.health.apply);
        if apply.is_none() {
            self.stats.write_failures.fetch_add(1, Ordering::Relaxed);
            tracing::error!(
                "applying the journal to the database failed: {error}; the journal keeps the records, and the database is tried again (every {}-{} s)",
                FIRST_RETRY.as_secs(),
                LAST_RETRY.as_secs()
            );
        }
        *apply = Some((
            error.to_owned(),
            apply.as_ref().map_or_else(Instant::now, |a| a.1),
        ));
    }

    /// The database took the journal's records again.
    pub(crate) fn apply_works(&self) {
        if let Some((_, since)) = locked(&self.health.apply).take() {
            tracing::info!(
                "applying the journal to the database works again, after {} s",
                since.elapsed().as_secs()
            );
        }
    }

    /// Whether the database refuses the journal's records now.
    pub(crate) fn apply_failing(&self) -> bool {
        locked(&self.health.apply).is_some()
    }

    /// Reads what is durable: the database's snapshot, and the journal records after it
    /// up to (not including) `below`.
    fn read_durable(&self, below: u64) -> Result<Durable, StoreError> {
        let mut durable = Durable {
            next_seq: 1,
            ..Durable::default()
        };
        let Some(reader) = &self.reader else {
            return Ok(durable);
        };
        let applied = {
            let connection = locked(reader);
            // One read transaction: the applier may commit meanwhile.
            let snapshot = connection.unchecked_transaction()?;
            let meta = |key: &str| -> Result<Option<String>, StoreError> {
                Ok(snapshot
                    .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
                        row.get(0)
                    })
                    .optional()?)
            };
            let applied = meta(crate::applier::APPLIED_KEY)?
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
            for key in ["next_seq", "cum_total"] {
                if let Some(value) = meta(key)? {
                    durable.meta(key, &value);
                }
            }
            let mut statement = snapshot.prepare("SELECT kind, key, body FROM docs")?;
            let rows =
                statement.query_map([], |row| Ok(((row.get(0)?, row.get(1)?), row.get(2)?)))?;
            for row in rows {
                let (slot, body) = row?;
                durable.docs.insert(slot, body);
            }
            drop(statement);
            snapshot.commit()?;
            applied
        };
        let records = journal::replay(&self.config.dir, applied)?;
        let mut last = applied;
        for (seq, ops) in records.iter().take_while(|(seq, _)| *seq < below) {
            durable.lay_over(ops);
            last = *seq;
        }
        if last + 1 < below {
            return Err(StoreError::Corrupt(format!(
                "the journal holds records up to {last}, not all those up to {}",
                below - 1
            )));
        }
        Ok(durable)
    }
}

/// Every cursor and the session counter, saved again at the end of an episode.
fn cursors_unit(inner: &Inner) -> Unit {
    let mut ops: Vec<Op> = inner
        .sessions
        .iter()
        .map(|(id, session)| crate::sessions::session_op(*id, session))
        .collect();
    ops.extend(
        inner
            .tombstones
            .iter()
            .map(|(id, reason)| Op::RemoveSession {
                id: *id,
                tombstone: Some(reason.clone()),
                at: crate::now(),
            }),
    );
    ops.extend(inner.readers.values().filter_map(|reader| {
        reader.name.clone().map(|name| Op::Reader {
            name,
            cursor: reader.cursor,
            lost: reader.lost,
        })
    }));
    ops.push(Op::Meta(
        "next_session".into(),
        inner.next_session.to_string(),
    ));
    Unit { ops, publish: None }
}
