//! The applier thread: carries durable journal records into SQLite, many per transaction.
//!
//! It wakes at most every [`APPLY_EVERY`] and applies every record that arrived meanwhile
//! in one transaction, writing each document, counter and cursor once with its last value,
//! together with the `journal_applied` mark of the last record. Commits are not flushed one
//! by one (`synchronous=NORMAL`): every [`SYNC_EVERY`] the applier flushes SQLite's
//! write-ahead log once, and only then may the journal reuse the space of the records
//! applied before. (Flushing a megabyte of log every 20 ms held up the journal's own small
//! flushes behind it, which showed in the requests' tail latency.) SQLite's automatic
//! checkpoint runs here too, off the requests' path. The applier is background work: it
//! yields the CPU every [`YIELD_EVERY`] of applying, so that a writer or request worker
//! woken meanwhile does not wait behind a whole batch.
//!
//! Until a record is applied, the events it carries stay in the store's memory cache and
//! its blobs in the store's blob map, so readers find them either way.
//!
//! Should a transaction fail (a full disk), the journal keeps its records: they stay
//! pending here, and the applier tries them again, with those that arrived meanwhile,
//! after 1 s, then twice as long each time up to 30 s. The store reports the failure
//! meanwhile (see `rollback.rs`); requests go on until the journal's lead over the
//! database reaches its limit (see `backlog.rs`).

use std::collections::HashMap;
use std::fs::File;
use std::hash::BuildHasherDefault;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection};

use crate::backlog::Backlog;
use crate::hash::FxHasher;
use crate::rollback::{back_off, FIRST_RETRY};
use crate::shapes::StoredEvent;
use crate::store::Store;
use crate::writer::{Op, Written};
use crate::StoreError;

/// The least time between two transactions of the applier.
const APPLY_EVERY: Duration = Duration::from_millis(20);

/// How often the applier flushes the write-ahead log while it applies records.
const SYNC_EVERY: Duration = Duration::from_millis(200);

/// How long the applier works before it lets other threads run. Applying a batch takes a
/// few milliseconds of CPU, and a writer or request worker woken meanwhile (on the
/// requests' path) would otherwise wait behind all of it.
const YIELD_EVERY: Duration = Duration::from_micros(100);

/// The meta key of the last journal record SQLite holds.
pub(crate) const APPLIED_KEY: &str = "journal_applied";

/// Starts the applier on `connection`, whose write-ahead log is `wal`; it ends, after
/// applying everything it was sent, once its sender is dropped. `applied` follows the last
/// record it made durable; each record leaves `backlog` once it is applied.
pub(crate) fn spawn(
    store: Weak<Store>,
    mut connection: Connection,
    wal: PathBuf,
    applied: Arc<AtomicU64>,
    backlog: Arc<Backlog>,
) -> Result<(mpsc::Sender<Written>, JoinHandle<()>), StoreError> {
    let (sender, records) = mpsc::channel::<Written>();
    let thread = std::thread::Builder::new()
        .name("lizi-applier".into())
        .spawn(move || {
            // However this thread ends, the writer must not wait for it any more.
            let _closes = CloseOnDrop(backlog.clone());
            let mut last_apply = Instant::now();
            let mut log = LogFlush {
                path: wal,
                file: None,
                last: Instant::now(),
                pending: None,
            };
            // What waits to be applied: the records of a failed transaction stay here,
            // with those that arrive meanwhile, until the database takes them.
            let mut pending = Pending::default();
            let mut open = true;
            let mut retry: Option<(Instant, Duration)> = None;
            loop {
                if pending.is_empty() {
                    if !open {
                        break;
                    }
                    match records.recv() {
                        Ok(first) => pending.push(first),
                        Err(mpsc::RecvError) => break,
                    }
                    // Sleep rather than wait on the channel, so the writer's sends
                    // meanwhile do not wake this thread once per record.
                    std::thread::sleep(APPLY_EVERY.saturating_sub(last_apply.elapsed()));
                } else if let (Some((at, _)), true) = (retry, open) {
                    // Wait for the retry, taking records meanwhile; a close ends the wait.
                    loop {
                        match records.recv_timeout(at.saturating_duration_since(Instant::now())) {
                            Ok(record) => pending.push(record),
                            Err(mpsc::RecvTimeoutError::Timeout) => break,
                            Err(mpsc::RecvTimeoutError::Disconnected) => {
                                open = false;
                                break;
                            }
                        }
                    }
                }
                loop {
                    match records.try_recv() {
                        Ok(record) => pending.push(record),
                        Err(mpsc::TryRecvError::Empty) => break,
                        Err(mpsc::TryRecvError::Disconnected) => {
                            open = false;
                            break;
                        }
                    }
                }
                last_apply = Instant::now();
                match apply(&mut connection, &pending.ops, pending.last_seq) {
                    Ok(()) => {
                        retry = None;
                        backlog.remove(pending.bytes);
                        let ops = std::mem::take(&mut pending.ops);
                        let mark = pending.mark.take();
                        let last_seq = pending.last_seq;
                        pending = Pending::default();
                        let Some(store) = store.upgrade() else {
                            continue;
                        };
                        store.marks.committed(last_seq);
                        store.settle(mark, &ops);
                        store.apply_works();
                        match log.committed(last_seq, !open) {
                            Ok(Some(durable)) => applied.store(durable, Ordering::Release),
                            Ok(None) => {}
                            Err(error) => store.apply_failed(&error.to_string()),
                        }
                    }
                    Err(error) => {
                        if let Some(store) = store.upgrade() {
                            store.apply_failed(&format!(
                                "records up to {}: {error}",
                                pending.last_seq
                            ));
                        }
                        if !open {
                            // Closing: the journal keeps the records for the next start.
                            break;
                        }
                        let wait = retry.map_or(FIRST_RETRY, |(_, wait)| back_off(wait));
                        retry = Some((Instant::now() + wait, wait));
                    }
                }
            }
        })
        .map_err(|e| StoreError::Io(format!("starting the applier: {e}")))?;
    Ok((sender, thread))
}

/// Journal records on their way into SQLite, gathered into one transaction.
#[derive(Default)]
struct Pending {
    ops: Vec<Vec<Op>>,
    bytes: u64,
    last_seq: u64,
    /// The highest publish mark of the records.
    mark: Option<u64>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    fn push(&mut self, record: Written) {
        self.bytes += record.bytes;
        self.last_seq = record.seq;
        self.mark = self.mark.max(record.mark);
        self.ops.push(record.ops);
    }
}

/// Closes the backlog when dropped.
struct CloseOnDrop(Arc<Backlog>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Flushes SQLite's write-ahead log now and then, and says which records that made
/// durable.
struct LogFlush {
    path: PathBuf,
    /// Opened on first use: SQLite creates the log with the first write.
    file: Option<File>,
    last: Instant,
    /// The last record committed but not yet flushed.
    pending: Option<u64>,
}

impl LogFlush {
    /// Notes that the records up to `seq` are committed; flushes the log when
    /// [`SYNC_EVERY`] has passed (or `now`), answering the last record that made durable.
    fn committed(&mut self, seq: u64, now: bool) -> Result<Option<u64>, StoreError> {
        self.pending = Some(seq);
        if !now && self.last.elapsed() < SYNC_EVERY {
            return Ok(None);
        }
        let io =
            |e: std::io::Error| StoreError::Io(format!("flushing {}: {e}", self.path.display()));
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(File::open(&self.path).map_err(io)?),
        };
        file.sync_data().map_err(io)?;
        self.last = Instant::now();
        Ok(self.pending.take())
    }
}

/// What a write overwrites: within one batch only the last write of each is needed.
#[derive(PartialEq, Eq, Hash)]
enum Slot<'a> {
    Doc(&'a str, &'a str),
    Meta(&'a str),
    Session(u64),
    Reader(&'a str),
    /// Reclaim marks only grow, so the last is the highest.
    Reclaim,
    Message(crate::history::Conv, i64),
    Shape(u64),
}

fn slot(op: &Op) -> Option<Slot<'_>> {
    match op {
        Op::Doc { kind, key, .. } => Some(Slot::Doc(kind, key)),
        Op::Meta(key, _) => Some(Slot::Meta(key)),
        Op::Session { id, .. } => Some(Slot::Session(*id)),
        Op::Reader { name, .. } => Some(Slot::Reader(name)),
        Op::Reclaim(_) => Some(Slot::Reclaim),
        Op::Message(m) => Some(Slot::Message(m.conv, m.req)),
        Op::Shape { id, .. } => Some(Slot::Shape(*id)),
        _ => None,
    }
}

/// Applies records' ops in one transaction, with the mark of the last record applied, and
/// commits it.
pub(crate) fn apply(
    connection: &mut Connection,
    records: &[Vec<Op>],
    last_seq: u64,
) -> rusqlite::Result<()> {
    // A busy group rewrites the same documents, counters and cursors many times over;
    // write each once, with its last value. Ops are numbered across the records; an op
    // is skipped when a later one writes the same slot.
    let total: usize = records.iter().map(Vec::len).sum();
    let mut last: HashMap<Slot<'_>, usize, BuildHasherDefault<FxHasher>> =
        HashMap::with_capacity_and_hasher(total / 4, BuildHasherDefault::default());
    let mut superseded = vec![false; total];
    for (index, op) in records.iter().flatten().enumerate() {
        if let Some(slot) = slot(op) {
            if let Some(earlier) = last.insert(slot, index) {
                superseded[earlier] = true;
            }
        }
    }
    let transaction = connection.transaction()?;
    {
        // The writes every message makes, prepared once per transaction.
        let mut hot = Hot {
            put_doc: transaction.prepare_cached(PUT_DOC)?,
            put_event: transaction.prepare_cached(PUT_EVENT)?,
            put_message: transaction.prepare_cached(crate::history::PUT_MESSAGE)?,
        };
        let mut worked_since = Instant::now();
        let live = records
            .iter()
            .flatten()
            .zip(superseded)
            .filter(|(_, gone)| !gone);
        for (applied, (op, _)) in live.enumerate() {
            apply_op(&transaction, &mut hot, op)?;
            if applied % 8 == 0 && worked_since.elapsed() >= YIELD_EVERY {
                std::thread::yield_now();
                worked_since = Instant::now();
            }
        }
        transaction
            .prepare_cached(PUT_META)?
            .execute(params![APPLIED_KEY, last_seq.to_string()])?;
    }
    transaction.commit()
}

// Writes that may replace a row are upserts, not `INSERT OR REPLACE`: a REPLACE into a table
// with an index (or without a rowid) keeps a statement journal, which SQLite spills to a
// temporary file once it passes 64 KiB, a few 16 KiB pages. That was about 20 KB written
// per message sent, to a deleted file in /var/tmp: the applier's largest cost (strace).

const PUT_DOC: &str = "INSERT INTO docs (kind, key, body) VALUES (?1, ?2, ?3)
     ON CONFLICT DO UPDATE SET body = excluded.body";
const PUT_EVENT: &str =
    "INSERT OR REPLACE INTO events (seq, body, cum_bytes, shape, message, logon)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
const PUT_META: &str = "INSERT INTO meta (key, value) VALUES (?1, ?2)
     ON CONFLICT DO UPDATE SET value = excluded.value";

/// The statements of the writes every message makes, prepared once per batch.
struct Hot<'t> {
    put_doc: rusqlite::CachedStatement<'t>,
    put_event: rusqlite::CachedStatement<'t>,
    put_message: rusqlite::CachedStatement<'t>,
}

fn apply_op(db: &rusqlite::Transaction<'_>, hot: &mut Hot<'_>, op: &Op) -> rusqlite::Result<()> {
    match op {
        Op::Doc {
            kind,
            key,
            body: Some(body),
        } => {
            hot.put_doc.execute(params![kind.as_ref(), key, body])?;
        }
        Op::Doc {
            kind,
            key,
            body: None,
        } => {
            db.prepare_cached("DELETE FROM docs WHERE kind = ?1 AND key = ?2")?
                .execute(params![kind.as_ref(), key])?;
        }
        Op::Blob { hash, bytes } => {
            db.prepare_cached("INSERT OR IGNORE INTO blobs (hash, bytes) VALUES (?1, ?2)")?
                .execute(params![hash, bytes])?;
        }
        Op::Events(events) => {
            for event in events {
                let (seq, cum) = (event.seq as i64, event.cum_before as i64);
                match &event.stored {
                    StoredEvent::Whole(body) => hot.put_event.execute(params![
                        seq,
                        body.as_ref(),
                        cum,
                        None::<i64>,
                        None::<i64>,
                        None::<i64>
                    ])?,
                    StoredEvent::Carrying {
                        shape,
                        message,
                        logon,
                    } => hot.put_event.execute(params![
                        seq,
                        "",
                        cum,
                        *shape as i64,
                        message,
                        logon
                    ])?,
                };
            }
        }
        Op::Shape { id, body } => {
            db.prepare_cached(
                "INSERT INTO event_shapes (id, body) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )?
            .execute(params![*id as i64, body.as_ref()])?;
        }
        Op::Meta(key, value) => {
            db.prepare_cached(PUT_META)?
                .execute(params![key.as_ref(), value])?;
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
                "INSERT INTO readers (name, cursor, lost) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO UPDATE SET cursor = excluded.cursor, lost = excluded.lost",
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
        Op::Message(message) => crate::history::put(&mut hot.put_message, message)?,
    }
    Ok(())
}
