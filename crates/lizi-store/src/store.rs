//! Opening, submitting, publishing, documents and blobs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use rusqlite::{Connection, OptionalExtension};
use tokio::sync::watch;

use crate::backlog::Backlog;
use crate::backup::Marks;
use crate::config::{Flush, StoreConfig};
use crate::docs::DocCache;
use crate::history::MessageCache;
use crate::journal::{self, Journal};
use crate::rollback::{Health, RollbackHook};
use crate::state::{Inner, SessionState};
use crate::writer::{self, Committed, Job, Op, Ticket, Unit};
use crate::{applier, schema, StoreError};

/// The file name of the database inside the data folder.
pub const DB_FILE: &str = "lizi.db";
/// Its write-ahead log.
const WAL_FILE: &str = "lizi.db-wal";

/// Removes every file the store keeps in `dir` (the data folder), so that the next
/// [`Store::open`] starts empty; files that are not there are fine.
pub fn remove_files(dir: &std::path::Path) -> std::io::Result<()> {
    let names = [
        DB_FILE,
        WAL_FILE,
        "lizi.db-shm",
        crate::backup::HANDOUT_FILE,
    ]
    .into_iter()
    .chain(journal::FILES);
    for name in names {
        match std::fs::remove_file(dir.join(name)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Announces a committed batch: counts it, publishes its events and resolves its tickets.
pub(crate) fn finish(store: &std::sync::Weak<Store>, batch: Committed) {
    if let (Some(store), Ok(())) = (store.upgrade(), &batch.result) {
        if let Some(record) = batch.record {
            store.marks.written(record);
        }
        store.metrics.committed(batch.took, batch.done.len());
        store.stats.commits.fetch_add(1, Ordering::Relaxed);
        store
            .stats
            .committed_units
            .fetch_add(batch.done.len() as u64, Ordering::Relaxed);
        if let Some(mark) = batch.mark {
            store.publish(mark);
        }
    }
    batch.resolve();
}

/// Counters about the store, for `/metrics`.
#[derive(Debug, Default)]
pub struct StoreStats {
    /// Events skipped because a cursor fell too far behind.
    pub events_dropped: AtomicU64,
    /// Sessions removed for lagging.
    pub sessions_dropped: AtomicU64,
    /// Sessions removed for idleness.
    pub sessions_expired: AtomicU64,
    /// Journal records written (each one flush in `full` mode).
    pub commits: AtomicU64,
    /// Units (requests' writes) those records held.
    pub committed_units: AtomicU64,
    /// Episodes of failed writes (to the journal or to the database).
    pub write_failures: AtomicU64,
}

/// lizi's durable state. Shared behind an `Arc`.
pub struct Store {
    pub(crate) inner: Mutex<Inner>,
    pub(crate) config: StoreConfig,
    head: watch::Sender<u64>,
    writer: Mutex<Option<mpsc::Sender<Job>>>,
    writer_threads: Mutex<Vec<JoinHandle<()>>>,
    pub(crate) reader: Option<Mutex<Connection>>,
    /// Whether writes fail, and why.
    pub(crate) health: Health,
    /// Rebuilds the simulated world after a failed write.
    pub(crate) rollback: Mutex<Option<RollbackHook>>,
    /// Blobs not in the database: all of them when there is none, else those still on
    /// their way to it.
    pub(crate) memory_blobs: Mutex<HashMap<String, Arc<[u8]>>>,
    /// Messages on their way to the database, and a cache of recent ones.
    pub(crate) messages: Mutex<MessageCache>,
    /// Documents on their way to the database, and what lookups found lately.
    pub(crate) docs: Mutex<DocCache>,
    /// The journal's lead over the database.
    backlog: Arc<Backlog>,
    /// How far the journal and the database have got, for backups.
    pub(crate) marks: Marks,
    /// Counters.
    pub stats: StoreStats,
    /// Histograms.
    pub(crate) metrics: crate::metrics::StoreMetrics,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The write-ahead log's size at which the applier checkpoints it into the database, so
/// the log starts over in the same file instead of growing. Under load this checkpoints
/// after every apply. A checkpoint copies the pages and flushes both files in one go,
/// which neither yields the CPU nor lets a journal flush through the disk ahead of it;
/// small and frequent ones keep the requests' wait behind them short. In the latency
/// benchmark (4 KiB pages) the event p99 was 4.7-5.3 ms at 1 MiB and 3.3-4.6 ms at 256 KiB
/// (at 16 MiB, single flushes took 10 ms).
const CHECKPOINT_BYTES: i64 = 256 << 10;

/// The page size of a new database. A table b-tree page holds whole rows up to its size
/// less 35 bytes, and rows do not span pages: with 4 KiB pages a message of 1 KiB (a
/// history row of about 1.1 KiB, an event of about 1.5 KiB) left a quarter of each page
/// empty, with 16 KiB pages about 3 %. A database made with another page size keeps it.
const PAGE_SIZE: i64 = 16 << 10;

/// SQLite's page cache on the applier's connection, in KiB. At SQLite's default (2 MiB:
/// 125 pages of 16 KiB) the applier read back from the file most pages it wrote when the
/// rows of a transaction were spread over a table, as the bridge's message records are
/// (keyed by the implementation's message ids), and spilled pages to the log before the
/// transaction's end. 100,000 events through the bridge: 78,000 reads and 95,000 writes at
/// the default, 38,000 and 54,000 with 8 MiB, 9,500 and 26,000 with 16 MiB (`strace -c`).
/// It fills only as pages are touched, and costs that much resident memory once they have
/// been (the history benchmark's 1 KiB messages fill it).
const APPLIER_CACHE_KIB: i64 = 16 << 10;

/// Applies the journal records the database lacks (after a crash); returns the sequence
/// number of the last record the database now holds.
fn replay_journal(connection: &mut Connection, dir: &std::path::Path) -> Result<u64, StoreError> {
    let applied: Option<String> = connection
        .query_row(
            "SELECT value FROM meta WHERE key = ?1",
            [applier::APPLIED_KEY],
            |row| row.get(0),
        )
        .optional()?;
    let applied = applied
        .map(|v| {
            v.parse::<u64>()
                .map_err(|_| StoreError::Corrupt(format!("meta {} = {v}", applier::APPLIED_KEY)))
        })
        .transpose()?
        .unwrap_or(0);
    let records = journal::replay(dir, applied)?;
    let Some(last) = records.last().map(|(seq, _)| *seq) else {
        return Ok(applied);
    };
    let ops: Vec<Vec<Op>> = records.into_iter().map(|(_, ops)| ops).collect();
    applier::apply(connection, &ops, last)?;
    tracing::info!(
        "applied journal records {} to {last}, which the database lacked",
        applied + 1
    );
    Ok(last)
}

fn connect(path: &std::path::Path) -> Result<Connection, StoreError> {
    let connection = Connection::open(path)?;
    // Only takes effect on a new, empty database (before the switch to WAL).
    connection.pragma_update(None, "page_size", PAGE_SIZE)?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    // Requests are made durable by the journal; the applier flushes SQLite's log on its
    // own schedule (see applier.rs), so SQLite need not wait for the disk in each commit.
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(connection)
}

impl Store {
    /// Opens (creating and migrating as needed) the store the config names, and starts
    /// its writer and sweeper threads.
    pub fn open(config: StoreConfig) -> Result<Arc<Store>, StoreError> {
        let memory = config.flush == Flush::Memory;
        let mut inner = Inner::empty(memory, config.cache_events, config.cache_bytes);
        let mut reader = None;
        let mut durable = None;
        if !memory {
            std::fs::create_dir_all(&config.dir)
                .map_err(|e| StoreError::Io(format!("{}: {e}", config.dir.display())))?;
            let path = config.dir.join(DB_FILE);
            let mut connection = connect(&path)?;
            if schema::migrate(&mut connection)? {
                // A journal beside a new database belongs to one that was removed.
                journal::clear(&config.dir);
            }
            let page_size: i64 = connection.query_row("PRAGMA page_size", [], |row| row.get(0))?;
            let checkpoint_pages = (CHECKPOINT_BYTES / page_size.max(512)).max(1);
            connection.pragma_update(None, "wal_autocheckpoint", checkpoint_pages)?;
            connection.pragma_update(None, "cache_size", -APPLIER_CACHE_KIB)?;
            let last_seq = replay_journal(&mut connection, &config.dir)?;
            schema::move_message_docs(&mut connection)?;
            // The journal is about to be written over from its start, so what the database
            // holds (applied before a crash, or just now) must be on disk first.
            if !crate::checkpoint::truncate(&connection)? {
                return Err(StoreError::Io(
                    "the database could not be checkpointed at start-up".into(),
                ));
            }
            load(&connection, &mut inner)?;
            reader = Some(Mutex::new(connect(&path)?));
            let journal = Journal::open(&config.dir, last_seq + 1)?;
            durable = Some((connection, journal, last_seq));
        }
        let (head, _) = watch::channel(inner.published);
        let unapplied_limit = config.max_unapplied_bytes;
        let config_history_bytes = config.history_cache_bytes;
        let last_applied = durable.as_ref().map_or(0, |(_, _, last)| *last);
        let store = Arc::new(Store {
            inner: Mutex::new(inner),
            config,
            head,
            writer: Mutex::new(None),
            writer_threads: Mutex::new(Vec::new()),
            reader,
            health: Health::default(),
            rollback: Mutex::new(None),
            memory_blobs: Mutex::new(HashMap::new()),
            messages: Mutex::new(MessageCache::new(config_history_bytes)),
            docs: Mutex::new(DocCache::new(config_history_bytes)),
            backlog: Arc::new(Backlog::new(unapplied_limit)),
            marks: Marks::at(last_applied),
            stats: StoreStats::default(),
            metrics: crate::metrics::StoreMetrics::default(),
        });
        if let Some((connection, journal, last_seq)) = durable {
            let applied = Arc::new(AtomicU64::new(last_seq));
            let (to_applier, applier_thread) = applier::spawn(
                Arc::downgrade(&store),
                connection,
                store.config.dir.join(WAL_FILE),
                applied.clone(),
                store.backlog.clone(),
            )?;
            let backlog = store.backlog.clone();
            let (sender, jobs) = mpsc::channel();
            let sync = store.config.flush == Flush::Full;
            let weak = Arc::downgrade(&store);
            let thread = std::thread::Builder::new()
                .name("lizi-writer".into())
                .spawn(move || writer::run(journal, sync, jobs, applied, to_applier, backlog, weak))
                .map_err(|e| StoreError::Io(format!("starting the writer: {e}")))?;
            *store.writer.lock().unwrap_or_else(PoisonError::into_inner) = Some(sender);
            // Joined in this order at close: the writer first, then the applier it feeds.
            *store
                .writer_threads
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = vec![thread, applier_thread];
        }
        crate::limits::spawn_sweeper(Arc::downgrade(&store))?;
        Ok(store)
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Bytes of journal records not yet carried into SQLite.
    pub fn unapplied_bytes(&self) -> u64 {
        self.backlog.bytes()
    }

    /// The flush policy in force.
    pub fn config_flush(&self) -> Flush {
        self.config.flush
    }

    /// Whether events and state are kept only in memory.
    pub fn is_memory(&self) -> bool {
        self.config.flush == Flush::Memory
    }

    /// Queues a unit; call with the store lock held when the unit's order matters.
    pub(crate) fn submit(&self, unit: Unit) -> Ticket {
        if let Some(refusal) = self.health.refusal() {
            return Ticket::ready(Err(refusal));
        }
        if unit.is_empty() {
            return Ticket::ready(Ok(()));
        }
        let writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        match writer.as_ref() {
            Some(sender) => {
                self.hold_blobs(&unit.ops);
                self.hold_messages(&unit.ops);
                self.hold_docs(&unit.ops);
                let (job, ticket) = writer::job(unit);
                match sender.send(job) {
                    Ok(()) => ticket,
                    Err(_) => Ticket::ready(Err(StoreError::Closed)),
                }
            }
            None if self.is_memory() => {
                drop(writer);
                self.hold_blobs(&unit.ops);
                self.hold_messages(&unit.ops);
                self.hold_docs(&unit.ops);
                if let Some(mark) = unit.publish {
                    self.publish_locked_free(mark);
                }
                Ticket::ready(Ok(()))
            }
            None => Ticket::ready(Err(StoreError::Closed)),
        }
    }

    /// Keeps the unit's blobs readable until the applier has put them in the database.
    fn hold_blobs(&self, ops: &[Op]) {
        let mut blobs = None;
        for op in ops {
            if let Op::Blob { hash, bytes } = op {
                blobs
                    .get_or_insert_with(|| {
                        self.memory_blobs
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                    })
                    .entry(hash.clone())
                    .or_insert_with(|| bytes.as_slice().into());
            }
        }
    }

    /// Keeps the unit's messages readable until the applier has put them in the database.
    fn hold_messages(&self, ops: &[Op]) {
        if ops.iter().any(|op| matches!(op, Op::Message(_))) {
            self.messages
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .hold(ops);
        }
    }

    /// Keeps the unit's documents readable until the applier has put them in the
    /// database.
    fn hold_docs(&self, ops: &[Op]) {
        if ops.iter().any(|op| matches!(op, Op::Doc { .. })) {
            self.lock_docs().hold(ops);
        }
    }

    /// Called by the applier once `records` are in the database: events below `on_disk`
    /// may leave the memory cache, the records' blobs the blob map, and their messages
    /// and documents the pending sets.
    pub(crate) fn settle(&self, on_disk: Option<u64>, records: &[Vec<Op>]) {
        self.messages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .settle(records);
        self.lock_docs().settle(records);
        if let Some(on_disk) = on_disk {
            let mut inner = self.lock();
            inner.on_disk = inner.on_disk.max(on_disk);
            inner.trim_cache();
        }
        let mut blobs = None;
        for op in records.iter().flatten() {
            if let Op::Blob { hash, .. } = op {
                blobs
                    .get_or_insert_with(|| {
                        self.memory_blobs
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                    })
                    .remove(hash);
            }
        }
    }

    /// Makes events below `mark` visible (from the writer thread, once durable).
    fn publish(&self, mark: u64) {
        let mut inner = self.lock();
        if mark > inner.published {
            inner.published = mark;
            inner.trim_cache();
        }
        let published = inner.published;
        drop(inner);
        self.head.send_replace(published);
    }

    /// In memory mode the caller may hold the lock: publish without taking it again.
    fn publish_locked_free(&self, mark: u64) {
        self.head.send_if_modified(|head| {
            if mark > *head {
                *head = mark;
                true
            } else {
                false
            }
        });
    }

    /// A receiver of the published head (the sequence number after the last visible event).
    pub fn watch(&self) -> watch::Receiver<u64> {
        self.head.subscribe()
    }

    /// The published head.
    pub fn head(&self) -> u64 {
        *self.head.borrow()
    }

    /// Writes world documents and blobs (no events); resolves when durable.
    pub fn write(&self, ops: Vec<Op>) -> Ticket {
        let _order = self.lock();
        self.submit(Unit { ops, publish: None })
    }

    /// Every saved world document as (kind, key, body), in key order.
    pub fn load_docs(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        let Some(reader) = &self.reader else {
            return Ok(Vec::new());
        };
        let connection = reader.lock().unwrap_or_else(PoisonError::into_inner);
        let mut statement =
            connection.prepare("SELECT kind, key, body FROM docs ORDER BY kind, key")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// A stored blob.
    pub fn blob(&self, hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        if let Some(bytes) = self
            .memory_blobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(hash)
        {
            return Ok(Some(bytes.to_vec()));
        }
        let Some(reader) = &self.reader else {
            return Ok(None);
        };
        let connection = reader.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(connection
            .query_row("SELECT bytes FROM blobs WHERE hash = ?1", [hash], |row| {
                row.get(0)
            })
            .optional()?)
    }

    /// Waits until everything submitted so far is durable, then stops the writer.
    pub fn close(&self) {
        let sender = self
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        drop(sender);
        let threads = std::mem::take(
            &mut *self
                .writer_threads
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for thread in threads {
            let _ = thread.join();
        }
        if let Some(reader) = &self.reader {
            let connection = reader.lock().unwrap_or_else(PoisonError::into_inner);
            let checkpointed = match crate::checkpoint::truncate(&connection) {
                Ok(true) => true,
                Ok(false) => {
                    tracing::warn!("the last checkpoint could not finish");
                    false
                }
                Err(error) => {
                    tracing::warn!("the last checkpoint failed: {error}");
                    false
                }
            };
            // Everything is in the database, on disk, now, unless a write or the
            // checkpoint failed: then the journal keeps what the database may lack, for
            // the next start.
            let failed = self.failing().is_some();
            if !failed && checkpointed {
                journal::clear(&self.config.dir);
            }
        }
    }

    /// The number of (sessions, readers) open.
    pub fn cursor_counts(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.sessions.len(), inner.readers.len())
    }

    /// Events held in the memory cache.
    pub fn cached_events(&self) -> usize {
        self.lock().cache.len()
    }

    /// Events appended so far (the last sequence number).
    pub fn appended(&self) -> u64 {
        self.lock().next_seq - 1
    }
}

/// Loads counters and sessions from the database.
fn load(connection: &Connection, inner: &mut Inner) -> Result<(), StoreError> {
    let meta = |key: &str| -> Result<Option<u64>, StoreError> {
        let value: Option<String> = connection
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()?;
        value
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| StoreError::Corrupt(format!("meta {key} = {v}")))
            })
            .transpose()
    };
    inner.next_seq = meta("next_seq")?.unwrap_or(1).max(1);
    inner.cum_total = meta("cum_total")?.unwrap_or(0);
    inner.next_session = meta("next_session")?.unwrap_or(1).max(1);
    inner.published = inner.next_seq;
    inner.on_disk = inner.next_seq;
    inner.cache_first = inner.next_seq;
    let mut statement =
        connection.prepare("SELECT id, cursor, lost, lost_reason, last_seen FROM sessions")?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)? as u64,
            SessionState {
                cursor: row.get::<_, i64>(1)? as u64,
                lost: row.get::<_, i64>(2)? as u64,
                lost_reason: row.get(3)?,
                last_seen: row.get(4)?,
            },
        ))
    })?;
    for row in rows {
        let (id, session) = row?;
        inner.sessions.insert(id, session);
    }
    let mut statement = connection.prepare("SELECT id, reason FROM session_tombstones")?;
    let rows = statement.query_map([], |row| Ok((row.get::<_, i64>(0)? as u64, row.get(1)?)))?;
    for row in rows {
        let (id, reason) = row?;
        inner.tombstones.insert(id, reason);
    }
    let mut statement =
        connection.prepare("SELECT name, cursor, lost FROM readers ORDER BY name")?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, i64>(1)? as u64,
            row.get::<_, i64>(2)? as u64,
        ))
    })?;
    for row in rows {
        let (name, cursor, lost) = row?;
        let id = crate::readers::ReaderId(inner.next_reader);
        inner.next_reader += 1;
        inner.readers.insert(
            id,
            crate::state::ReaderState {
                cursor,
                name: Some(name),
                lost,
            },
        );
    }
    let last_shape: Option<i64> =
        connection.query_row("SELECT MAX(id) FROM event_shapes", [], |row| row.get(0))?;
    inner.shapes.next = last_shape.map_or(1, |id| id as u64 + 1);
    let oldest: Option<i64> =
        connection.query_row("SELECT MIN(seq) FROM events", [], |row| row.get(0))?;
    inner.reclaimed = oldest.map_or(inner.next_seq, |s| s as u64);
    Ok(())
}
