//! The writer thread: one connection, one transaction per batch of units (group commit).
//!
//! Units are applied in the order they were submitted. A unit's ticket resolves only after
//! the transaction holding it has committed, and after the events it carries have been
//! published to readers.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::mpsc;
use std::sync::Arc;

use rusqlite::{params, Connection};
use tokio::sync::oneshot;

use crate::StoreError;

/// Most units committed in one transaction.
const MAX_BATCH: usize = 4096;

/// One write.
#[derive(Debug)]
pub enum Op {
    /// Put (`Some`) or delete (`None`) a world document.
    Doc {
        /// Entity kind.
        kind: &'static str,
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
    /// Append events: (seq, JSON, cumulative bytes before it).
    Events(Vec<(u64, Arc<str>, u64)>),
    /// Set a meta value.
    Meta(&'static str, String),
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
    /// Whether the transaction committed.
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

/// Runs the writer until every sender is gone, handing each batch to `deliver` once its
/// transaction has committed (or failed).
pub(crate) fn run(
    mut connection: Connection,
    jobs: mpsc::Receiver<Job>,
    deliver: impl Fn(Committed),
) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let result = apply(&mut connection, &batch).map_err(StoreError::from);
        if let Err(error) = &result {
            tracing::error!("committing {} units failed: {error}", batch.len());
        }
        let mark = batch.iter().filter_map(|j| j.unit.publish).max();
        let done = batch.into_iter().map(|job| job.done).collect();
        deliver(Committed { done, mark, result });
    }
}

/// What a write overwrites: within one batch only the last write of each is needed.
#[derive(PartialEq, Eq, Hash)]
enum Slot<'a> {
    Doc(&'a str, &'a str),
    Meta(&'static str),
    Session(u64),
    Reader(&'a str),
    /// Reclaim marks only grow, so the last is the highest.
    Reclaim,
}

fn slot(op: &Op) -> Option<Slot<'_>> {
    match op {
        Op::Doc { kind, key, .. } => Some(Slot::Doc(kind, key)),
        Op::Meta(key, _) => Some(Slot::Meta(key)),
        Op::Session { id, .. } => Some(Slot::Session(*id)),
        Op::Reader { name, .. } => Some(Slot::Reader(name)),
        Op::Reclaim(_) => Some(Slot::Reclaim),
        _ => None,
    }
}

fn apply(connection: &mut Connection, batch: &[Job]) -> rusqlite::Result<()> {
    // A busy group rewrites the same documents, counters and cursors many times per
    // batch; write each once, with its last value.
    let mut last: HashMap<Slot<'_>, (usize, usize), BuildHasherDefault<FxHasher>> =
        HashMap::default();
    for (j, job) in batch.iter().enumerate() {
        for (o, op) in job.unit.ops.iter().enumerate() {
            if let Some(slot) = slot(op) {
                last.insert(slot, (j, o));
            }
        }
    }
    let transaction = connection.transaction()?;
    {
        // The two writes every message makes, prepared once per batch.
        // The two writes every message makes, prepared once per batch.
        let mut hot = Hot {
            put_doc: transaction.prepare_cached(PUT_DOC)?,
            put_event: transaction.prepare_cached(PUT_EVENT)?,
        };
        for (j, job) in batch.iter().enumerate() {
            for (o, op) in job.unit.ops.iter().enumerate() {
                if slot(op).is_some_and(|slot| last.get(&slot) != Some(&(j, o))) {
                    continue;
                }
                apply_op(&transaction, &mut hot, op)?;
            }
        }
    }
    transaction.commit()
}

/// A fast hasher (the multiply-rotate scheme of Firefox and rustc) for the writer's
/// per-batch table: its keys come from lizi, not from clients, so a keyed hash buys nothing
/// and SipHash was a visible share of the writer's time.
#[derive(Default)]
struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

const PUT_DOC: &str = "INSERT OR REPLACE INTO docs (kind, key, body) VALUES (?1, ?2, ?3)";
const PUT_EVENT: &str = "INSERT OR REPLACE INTO events (seq, body, cum_bytes) VALUES (?1, ?2, ?3)";

/// The statements of the writes every message makes, prepared once per batch.
struct Hot<'t> {
    put_doc: rusqlite::CachedStatement<'t>,
    put_event: rusqlite::CachedStatement<'t>,
}

fn apply_op(db: &rusqlite::Transaction<'_>, hot: &mut Hot<'_>, op: &Op) -> rusqlite::Result<()> {
    match op {
        Op::Doc {
            kind,
            key,
            body: Some(body),
        } => {
            hot.put_doc.execute(params![kind, key, body])?;
        }
        Op::Doc {
            kind,
            key,
            body: None,
        } => {
            db.prepare_cached("DELETE FROM docs WHERE kind = ?1 AND key = ?2")?
                .execute(params![kind, key])?;
        }
        Op::Blob { hash, bytes } => {
            db.prepare_cached("INSERT OR IGNORE INTO blobs (hash, bytes) VALUES (?1, ?2)")?
                .execute(params![hash, bytes])?;
        }
        Op::Events(events) => {
            for (seq, body, cum) in events {
                hot.put_event
                    .execute(params![*seq as i64, body.as_ref(), *cum as i64])?;
            }
        }
        Op::Meta(key, value) => {
            db.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?
                .execute(params![key, value])?;
        }
        Op::Session {
            id,
            cursor,
            lost,
            lost_reason,
            last_seen,
        } => {
            db.prepare_cached(
                "INSERT OR REPLACE INTO sessions (id, cursor, lost, lost_reason, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                *id as i64,
                *cursor as i64,
                *lost as i64,
                lost_reason,
                last_seen
            ])?;
        }
        Op::RemoveSession { id, tombstone, at } => {
            db.prepare_cached("DELETE FROM sessions WHERE id = ?1")?
                .execute(params![*id as i64])?;
            if let Some(reason) = tombstone {
                db.prepare_cached(
                    "INSERT OR REPLACE INTO session_tombstones (id, reason, at) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![*id as i64, reason, at])?;
            }
        }
        Op::Reader { name, cursor, lost } => {
            db.prepare_cached(
                "INSERT OR REPLACE INTO readers (name, cursor, lost) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![name, *cursor as i64, *lost as i64])?;
        }
        Op::RemoveReader(name) => {
            db.prepare_cached("DELETE FROM readers WHERE name = ?1")?
                .execute(params![name])?;
        }
        Op::Reclaim(below) => {
            db.prepare_cached("DELETE FROM events WHERE seq < ?1")?
                .execute(params![*below as i64])?;
        }
    }
    Ok(())
}
