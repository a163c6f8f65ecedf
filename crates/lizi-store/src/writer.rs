//! The writer thread: every unit queued meanwhile goes into one journal record, flushed
//! to disk once (group commit).
//!
//! When units were already waiting as the last record's flush ended, more are on their
//! way: the writer then lets the queue fill for half as long as that flush took before it
//! writes the next record (see [`Gather`]). Under load this makes records about twice as
//! large, so there are half as many flushes, each of which costs CPU in the kernel and
//! wakes the waiting requests' threads; a lone request finds the writer idle and is written
//! at once.
//!
//! Units are written in the order they were submitted. A unit's ticket resolves only after
//! the record holding it is durable, and after the events it carries have been published
//! to readers. The record's ops then go to the applier, which carries them into SQLite.
//!
//! A failed write (or a database that stays too far behind) starts an episode, before
//! the failed units hear of it: the store's memory is rebuilt from what is durable, every
//! unit queued meanwhile fails, and so does every unit that arrives until a probe of the
//! journal, tried after 1 s and then twice as long each time up to 30 s, succeeds (see
//! `rollback.rs`).

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use crate::backlog::Backlog;
use crate::journal::Journal;
use crate::rollback::{back_off, FIRST_RETRY};
use crate::store::{finish, Store};
use crate::StoreError;

/// Most units written in one record.
const MAX_BATCH: usize = 4096;

/// The longest the writer lets a busy queue fill before writing.
const MAX_GATHER: Duration = Duration::from_micros(500);

/// Below this a wait is not worth a sleep (a thread's sleep oversleeps by about 50 µs).
const MIN_GATHER: Duration = Duration::from_micros(20);

/// How long to let the queue fill before the next record: half the last flush's time,
/// when units were already waiting as it ended (PostgreSQL's `commit_delay`, set from the
/// disk's own speed). With `flush = normal` the "flush" is a write to the page cache, too
/// short to wait for.
#[derive(Debug, Default)]
struct Gather {
    last_flush: Duration,
}

impl Gather {
    /// How long to wait before writing a record whose first unit was already queued.
    fn window(&self) -> Duration {
        let window = (self.last_flush / 2).min(MAX_GATHER);
        if window < MIN_GATHER {
            Duration::ZERO
        } else {
            window
        }
    }

    /// Waits [`window`](Self::window).
    fn wait(&self) {
        let window = self.window();
        if !window.is_zero() {
            std::thread::sleep(window);
        }
    }
}

/// One write.
#[derive(Debug)]
pub enum Op {
    /// Put (`Some`) or delete (`None`) a world document.
    Doc {
        /// Entity kind.
        kind: Cow<'static, str>,
        /// Key within the kind.
        key: String,
        /// JSON body.
        body: Option<String>,
    },
    /// Store a content-addressed blob (a no-op when present).
    Blob {
        /// Content hash.
        hash: String,
        /// Content.
        bytes: Vec<u8>,
    },
    /// Append events.
    Events(Vec<crate::shapes::EventRow>),
    /// Store the shape of message events (see `shapes.rs`); a no-op when present.
    Shape {
        /// Its id.
        id: u64,
        /// The event JSON with holes.
        body: Arc<str>,
    },
    /// Set a meta value.
    Meta(Cow<'static, str>, String),
    /// Create or update a session.
    Session {
        /// Session id.
        id: u64,
        /// Next unread sequence number.
        cursor: u64,
        /// Events lost and not yet reported.
        lost: u64,
        /// Why they were lost.
        lost_reason: String,
        /// Last activity (unix seconds).
        last_seen: i64,
    },
    /// Remove a session, leaving a tombstone with a reason when one is given.
    RemoveSession {
        /// Session id.
        id: u64,
        /// Why, when removed by lizi rather than by the client.
        tombstone: Option<String>,
        /// When (unix seconds).
        at: i64,
    },
    /// Create or update a named reader.
    Reader {
        /// Reader name.
        name: String,
        /// Next unread sequence number.
        cursor: u64,
        /// Events lost so far.
        lost: u64,
    },
    /// Forget a named reader.
    RemoveReader(String),
    /// Delete events below a sequence number (read by every cursor).
    Reclaim(u64),
    /// Put a message in the history (a recall writes it again). Only the recall flag may
    /// differ when a message is written again: the events that carry it are read back
    /// from its row (see `shapes.rs`).
    Message(Arc<crate::history::MessageRow>),
}

/// A group of writes that commit together.
#[derive(Debug, Default)]
pub struct Unit {
    /// The writes.
    pub ops: Vec<Op>,
    /// Events below this sequence number become visible once the unit commits.
    pub publish: Option<u64>,
}

impl Unit {
    /// Whether the unit writes nothing.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty() && self.publish.is_none()
    }
}

/// Resolves when a unit is durable (or failed).
#[derive(Debug)]
pub struct Ticket(TicketInner);

#[derive(Debug)]
enum TicketInner {
    Ready(Result<(), StoreError>),
    Pending(oneshot::Receiver<Result<(), StoreError>>),
}

impl Ticket {
    /// A ticket that is already resolved.
    pub fn ready(result: Result<(), StoreError>) -> Ticket {
        Ticket(TicketInner::Ready(result))
    }

    /// Waits for the commit.
    pub async fn wait(self) -> Result<(), StoreError> {
        match self.0 {
            TicketInner::Ready(result) => result,
            TicketInner::Pending(receiver) => receiver.await.unwrap_or(Err(StoreError::Closed)),
        }
    }

    /// Waits for the commit, blocking the thread (not for async contexts).
    pub fn wait_blocking(self) -> Result<(), StoreError> {
        match self.0 {
            TicketInner::Ready(result) => result,
            TicketInner::Pending(receiver) => {
                receiver.blocking_recv().unwrap_or(Err(StoreError::Closed))
            }
        }
    }
}

/// A submitted unit with its completion.
pub(crate) struct Job {
    unit: Unit,
    done: oneshot::Sender<Result<(), StoreError>>,
}

/// Wraps a unit into a job and its ticket.
pub(crate) fn job(unit: Unit) -> (Job, Ticket) {
    let (done, receiver) = oneshot::channel();
    (Job { unit, done }, Ticket(TicketInner::Pending(receiver)))
}

/// A committed (or failed) batch, waiting to be announced.
pub(crate) struct Committed {
    /// The batch's tickets.
    pub done: Vec<oneshot::Sender<Result<(), StoreError>>>,
    /// The highest `publish` mark in the batch.
    pub mark: Option<u64>,
    /// The journal record that holds the batch, once written.
    pub record: Option<u64>,
    /// How long writing (and flushing) the record took.
    pub took: Duration,
    /// Whether the record was written.
    pub result: Result<(), StoreError>,
}

impl Committed {
    /// Resolves the batch's tickets with its result.
    pub fn resolve(self) {
        for done in self.done {
            let _ = done.send(self.result.clone());
        }
    }
}

/// A durable journal record on its way into SQLite.
pub(crate) struct Written {
    /// The record's sequence number.
    pub seq: u64,
    /// Its size in the journal, counted in the [`Backlog`] until it is applied.
    pub bytes: u64,
    /// Its ops, in order.
    pub ops: Vec<Op>,
    /// Events below this are in the record (or were never to be written).
    pub mark: Option<u64>,
}

/// How long a record waits for a database that is behind and failing before its units
/// fail; a database that works is waited for up to [`BACKLOG_WAIT_LONGEST`].
const BACKLOG_WAIT_FAILING: Duration = Duration::from_secs(10);

/// The longest a record waits for the database to catch up.
const BACKLOG_WAIT_LONGEST: Duration = Duration::from_secs(60);

/// An episode of failed writes, as the writer sees it (see `rollback.rs`).
struct Episode {
    error: StoreError,
    wait: Duration,
    next_try: Instant,
}

impl Episode {
    fn new(error: StoreError) -> Episode {
        Episode {
            error: StoreError::Failed(error.to_string()),
            wait: FIRST_RETRY,
            next_try: Instant::now() + FIRST_RETRY,
        }
    }

    fn back_off(&mut self) {
        self.wait = back_off(self.wait);
        self.next_try = Instant::now() + self.wait;
    }
}

/// Fails every job still queued.
fn drain(jobs: &mpsc::Receiver<Job>, error: &StoreError) {
    while let Ok(job) = jobs.try_recv() {
        let _ = job.done.send(Err(error.clone()));
    }
}

/// Runs the writer until every sender is gone: writes each batch as one journal record
/// (flushed when `sync`), announces it through [`finish`], and hands its ops to the
/// applier. `applied` is the last record the applier has made durable in SQLite; while
/// `backlog` is over its limit, the next batch waits. A failed write starts an episode
/// (see `rollback.rs`): the units queued meanwhile fail, and the journal is probed with
/// backoff until writing works again.
pub(crate) fn run(
    mut journal: Journal,
    sync: bool,
    jobs: mpsc::Receiver<Job>,
    applied: Arc<AtomicU64>,
    applier: mpsc::Sender<Written>,
    backlog: Arc<Backlog>,
    store: Weak<Store>,
) {
    let mut episode: Option<Episode> = None;
    let mut gather = Gather::default();
    loop {
        if let Some(current) = &mut episode {
            match jobs.recv_timeout(current.next_try.saturating_duration_since(Instant::now())) {
                Ok(job) => {
                    let _ = job.done.send(Err(current.error.clone()));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let error = current.error.clone();
                    let recovered = backlog.within_limit()
                        && journal.probe().is_ok()
                        && store.upgrade().is_some_and(|store| {
                            store
                                .end_failure(journal.next_seq(), &mut || drain(&jobs, &error))
                                .map_err(|e| {
                                    tracing::warn!("rebuilding from the data folder failed: {e}")
                                })
                                .is_ok()
                        });
                    if recovered {
                        episode = None;
                    } else {
                        current.back_off();
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            continue;
        }
        let first = match jobs.try_recv() {
            Ok(job) => {
                gather.wait();
                job
            }
            Err(mpsc::TryRecvError::Empty) => match jobs.recv() {
                Ok(job) => job,
                Err(mpsc::RecvError) => break,
            },
            Err(mpsc::TryRecvError::Disconnected) => break,
        };
        let caught_up = wait_for_database(&backlog, &store);
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let written = caught_up.and_then(|()| {
            let ops = batch.iter().flat_map(|job| job.unit.ops.iter());
            let started = Instant::now();
            let written = journal.append(ops, sync, applied.load(Ordering::Acquire));
            gather.last_flush = started.elapsed();
            written
        });
        let mark = batch.iter().filter_map(|j| j.unit.publish).max();
        let mut done = Vec::with_capacity(batch.len());
        let mut ops = Vec::new();
        for job in batch {
            done.push(job.done);
            ops.extend(job.unit.ops);
        }
        let result = written.as_ref().map(drop).map_err(Clone::clone);
        if let Err(error) = &result {
            // Memory goes back to what is durable before anyone hears of the failure.
            episode = Some(begin_episode(error, &store, &journal, &jobs));
        }
        let record = written.as_ref().ok().map(|(seq, _)| *seq);
        finish(
            &store,
            Committed {
                done,
                mark,
                record,
                took: gather.last_flush,
                result,
            },
        );
        if let Ok((seq, bytes)) = written {
            backlog.add(bytes);
            let record = Written {
                seq,
                bytes,
                ops,
                mark,
            };
            if applier.send(record).is_err() {
                backlog.remove(bytes);
                tracing::error!("the applier has stopped; record {seq} stays in the journal");
            }
        }
    }
}

/// Starts an episode after `error`: writes are refused from now on, memory is rebuilt
/// from what is durable and the units queued meanwhile fail.
fn begin_episode(
    error: &StoreError,
    store: &Weak<Store>,
    journal: &Journal,
    jobs: &mpsc::Receiver<Job>,
) -> Episode {
    let episode = Episode::new(error.clone());
    if let Some(store) = store.upgrade() {
        store.begin_failure(error);
        let refusal = episode.error.clone();
        if let Err(e) = store.roll_back(journal.next_seq(), &mut |_| drain(jobs, &refusal)) {
            tracing::error!("rebuilding from the data folder failed: {e}");
        }
    }
    episode
}

/// Waits while the database is too far behind the journal: up to
/// [`BACKLOG_WAIT_FAILING`] when it refuses the records, else [`BACKLOG_WAIT_LONGEST`].
fn wait_for_database(backlog: &Backlog, store: &Weak<Store>) -> Result<(), StoreError> {
    let started = Instant::now();
    let gave_up = || {
        let failing = store.upgrade().is_some_and(|s| s.apply_failing());
        let waited = started.elapsed();
        waited >= BACKLOG_WAIT_LONGEST || (failing && waited >= BACKLOG_WAIT_FAILING)
    };
    if backlog.wait_within_limit(gave_up) {
        return Ok(());
    }
    let reason = store
        .upgrade()
        .and_then(|s| s.failing())
        .unwrap_or_else(|| "it is too slow".into());
    Err(StoreError::Io(format!(
        "the database is {} bytes behind the journal, over its limit: {reason}",
        backlog.bytes()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gather_window_is_half_the_flush_within_bounds() {
        let window = |micros| {
            Gather {
                last_flush: Duration::from_micros(micros),
            }
            .window()
        };
        assert_eq!(window(260), Duration::from_micros(130), "a disk flush");
        assert_eq!(window(10), Duration::ZERO, "a page-cache write");
        assert_eq!(window(20_000), MAX_GATHER, "a stalled disk");
    }
}
