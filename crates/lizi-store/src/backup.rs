//! Backups: a consistent copy of the database, taken once the journal is applied.
//!
//! A request is answered once its journal record is durable; the applier carries the
//! record into SQLite a little later. So a backup notes the last record written when it
//! begins (every unit answered by then is in it or before it), waits until the database
//! has committed up to that record, and only then copies the database, with SQLite's
//! online backup API in a single step: one read transaction, so the copy is one snapshot.
//! The applier commits whole records, each transaction with the journal mark of its last
//! record, so a snapshot holds whole batches and says which: a backup cannot see a
//! half-applied batch. Writes go on meanwhile (WAL readers do not block the writer).
//!
//! The copy is left as one self-contained file (rollback journal mode, no `-wal` beside
//! it), checked with `PRAGMA integrity_check`, and flushed. Starting lizi on a folder
//! holding it as `lizi.db` restores it. One backup runs at a time.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use crate::store::{Store, DB_FILE};
use crate::StoreError;

/// The longest a backup waits for the database to take the journal's records.
const CATCH_UP_WAIT: Duration = Duration::from_secs(60);

/// How often a waiting backup looks again.
const POLL: Duration = Duration::from_millis(2);

/// The name of the copy a running lizi makes in its data folder before handing it out.
pub(crate) const HANDOUT_FILE: &str = "lizi.backup";

/// How far the journal and the database have got, and the one backup that may run.
#[derive(Debug, Default)]
pub(crate) struct Marks {
    /// The last journal record written: every answered unit is in it or before it.
    written: AtomicU64,
    /// The last journal record the database has committed.
    committed: AtomicU64,
    /// Held while a backup runs.
    running: Mutex<()>,
}

impl Marks {
    /// Marks for a database that holds every record up to `last`.
    pub(crate) fn at(last: u64) -> Marks {
        Marks {
            written: AtomicU64::new(last),
            committed: AtomicU64::new(last),
            running: Mutex::new(()),
        }
    }

    /// Record `seq` is written to the journal (before its units are answered).
    pub(crate) fn written(&self, seq: u64) {
        self.written.fetch_max(seq, Ordering::AcqRel);
    }

    /// The database has committed every record up to `seq`.
    pub(crate) fn committed(&self, seq: u64) {
        self.committed.fetch_max(seq, Ordering::AcqRel);
    }
}

/// What a backup holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupInfo {
    /// The copy's size in bytes.
    pub bytes: u64,
    /// The last journal record in the copy.
    pub journal_record: u64,
}

impl Store {
    /// Writes a consistent copy of the database to `dest`, a file that must not exist,
    /// holding everything answered before the call (see the module doc). On failure no
    /// file is left at `dest`.
    pub fn backup_to(&self, dest: &Path) -> Result<BackupInfo, StoreError> {
        if self.is_memory() {
            return Err(StoreError::Io(
                "there is no data folder to back up: everything is kept in memory (flush = memory)"
                    .into(),
            ));
        }
        let _one_at_a_time = self
            .marks
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let io = |e: std::io::Error| StoreError::Io(format!("{}: {e}", dest.display()));
        // Claims the name: an existing file is refused rather than overwritten.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dest)
            .map_err(io)?;
        let copied = self
            .catch_up()
            .and_then(|()| copy(&self.config.dir.join(DB_FILE), dest));
        if copied.is_err() {
            let _ = std::fs::remove_file(dest);
        }
        copied
    }

    /// [`backup_to`](Store::backup_to) a file in the data folder that is removed from the
    /// folder as soon as it is written; answers it opened for reading, for handing out.
    pub fn backup_file(&self) -> Result<(std::fs::File, BackupInfo), StoreError> {
        let path = self.config.dir.join(HANDOUT_FILE);
        // What an interrupted backup left.
        let _ = std::fs::remove_file(&path);
        let info = self.backup_to(&path)?;
        let file = std::fs::File::open(&path);
        let _ = std::fs::remove_file(&path);
        let file = file.map_err(|e| StoreError::Io(format!("{}: {e}", path.display())))?;
        Ok((file, info))
    }

    /// Waits until the database has committed every journal record written so far.
    fn catch_up(&self) -> Result<(), StoreError> {
        let target = self.marks.written.load(Ordering::Acquire);
        let started = Instant::now();
        while self.marks.committed.load(Ordering::Acquire) < target {
            if self.apply_failing() {
                let reason = self.failing().unwrap_or_default();
                return Err(StoreError::Failed(format!(
                    "the database does not take the journal's records, so a backup would \
                     miss some: {reason}"
                )));
            }
            if started.elapsed() >= CATCH_UP_WAIT {
                return Err(StoreError::Io(format!(
                    "the database did not catch up with the journal (record {target}) within {} s",
                    CATCH_UP_WAIT.as_secs()
                )));
            }
            std::thread::sleep(POLL);
        }
        Ok(())
    }
}

/// Copies the database at `source` into the (empty) file `dest` in one step, leaves the
/// copy in rollback journal mode, checks it and flushes it.
fn copy(source: &Path, dest: &Path) -> Result<BackupInfo, StoreError> {
    let from = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    from.busy_timeout(Duration::from_secs(5))?;
    let mut to = Connection::open(dest)?;
    {
        let backup = Backup::new(&from, &mut to)?;
        let started = Instant::now();
        // -1: every page in one step, under one read transaction.
        while backup.step(-1)? != StepResult::Done {
            if started.elapsed() >= CATCH_UP_WAIT {
                return Err(StoreError::Io(
                    "the database stayed locked for the backup's whole wait".into(),
                ));
            }
            std::thread::sleep(POLL);
        }
    }
    drop(from);
    to.pragma_update(None, "journal_mode", "DELETE")?;
    let journal_record = check(&to)?;
    drop(to);
    let file = std::fs::File::open(dest)
        .map_err(|e| StoreError::Io(format!("{}: {e}", dest.display())))?;
    file.sync_all()
        .map_err(|e| StoreError::Io(format!("flushing {}: {e}", dest.display())))?;
    let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok(BackupInfo {
        bytes,
        journal_record,
    })
}

/// Checks a copy made by a backup: `PRAGMA integrity_check` must answer `ok`. Answers the
/// last journal record the copy holds.
pub fn check_backup(path: &Path) -> Result<BackupInfo, StoreError> {
    let connection = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let journal_record = check(&connection)?;
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    Ok(BackupInfo {
        bytes,
        journal_record,
    })
}

/// `PRAGMA integrity_check`, then the copy's journal mark.
fn check(connection: &Connection) -> Result<u64, StoreError> {
    let verdict: String = connection.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
    if verdict != "ok" {
        return Err(StoreError::Corrupt(format!(
            "the copy fails its integrity check: {verdict}"
        )));
    }
    let mark: Option<String> = rusqlite::OptionalExtension::optional(connection.query_row(
        "SELECT value FROM meta WHERE key = ?1",
        [crate::applier::APPLIED_KEY],
        |row| row.get(0),
    ))?;
    Ok(mark.and_then(|mark| mark.parse().ok()).unwrap_or(0))
}
