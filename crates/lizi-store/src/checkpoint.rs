//! Checkpoints, mostly off the writer's path.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold, which
//! stalls every request waiting on that commit. So this thread copies the write-ahead log
//! into the database in the background, and keeps at it while the log has frames left
//! (a passive checkpoint never blocks the writer or readers).
//!
//! Under steady writes a background checkpoint never quite finishes: new frames arrive
//! while it copies, so the log would never restart and would grow without bound (and a
//! growing file makes every flush slower, as each one must also commit the file's new
//! size). The writer therefore keeps SQLite's automatic checkpoint at
//! [`RESTART_FRAMES`]: by then this thread has copied nearly every frame, the writer copies
//! the last few, and its next transaction starts the log again from the beginning,
//! overwriting the same file.

use std::path::Path;
use std::sync::Weak;
use std::time::Duration;

use rusqlite::Connection;

use crate::store::Store;
use crate::StoreError;

/// How often the log is checkpointed when it is idle.
const EVERY: Duration = Duration::from_millis(250);

/// How soon the next checkpoint runs when the last one left frames behind.
const BUSY_EVERY: Duration = Duration::from_millis(5);

/// The log's size, in pages, at which the writer finishes a checkpoint itself so the log
/// starts over.
pub(crate) const RESTART_FRAMES: i64 = 4096;

/// Starts the checkpointer on its own connection; it stops when the store is dropped.
pub(crate) fn spawn(store: Weak<Store>, path: &Path) -> Result<(), StoreError> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(5))?;
    std::thread::Builder::new()
        .name("lizi-checkpoint".into())
        .spawn(move || {
            let mut pause = EVERY;
            loop {
                std::thread::sleep(pause);
                if store.upgrade().is_none() {
                    break;
                }
                pause = match passive(&connection) {
                    Ok(Progress { frames, copied }) if frames > copied => BUSY_EVERY,
                    Ok(_) => EVERY,
                    Err(error) => {
                        tracing::warn!("checkpointing the database failed: {error}");
                        EVERY
                    }
                };
            }
        })
        .map(drop)
        .map_err(|e| StoreError::Io(format!("starting the checkpointer: {e}")))
}

/// What a checkpoint found and did, in pages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Progress {
    /// Frames in the log.
    pub frames: i64,
    /// Frames copied into the database so far.
    pub copied: i64,
}

/// Copies what it can of the log into the database without waiting for anyone.
pub(crate) fn passive(connection: &Connection) -> rusqlite::Result<Progress> {
    connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        Ok(Progress {
            frames: row.get(1)?,
            copied: row.get(2)?,
        })
    })
}

/// Copies the whole log into the database and empties it (at close).
pub(crate) fn truncate(connection: &Connection) -> rusqlite::Result<()> {
    connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
}
