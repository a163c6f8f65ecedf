//! Checkpoints off the writer's path.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold, which
//! stalls every request waiting on that commit. The writer's connection turns it off, and
//! this thread copies the write-ahead log into the database every few hundred milliseconds
//! instead (a passive checkpoint never blocks the writer or readers).

use std::path::Path;
use std::sync::Weak;
use std::time::Duration;

use rusqlite::Connection;

use crate::store::Store;
use crate::StoreError;

/// How often the log is checkpointed.
const EVERY: Duration = Duration::from_millis(250);

/// Starts the checkpointer on its own connection; it stops when the store is dropped.
pub(crate) fn spawn(store: Weak<Store>, path: &Path) -> Result<(), StoreError> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(5))?;
    std::thread::Builder::new()
        .name("lizi-checkpoint".into())
        .spawn(move || loop {
            std::thread::sleep(EVERY);
            if store.upgrade().is_none() {
                break;
            }
            if let Err(error) = passive(&connection) {
                tracing::warn!("checkpointing the database failed: {error}");
            }
        })
        .map(drop)
        .map_err(|e| StoreError::Io(format!("starting the checkpointer: {e}")))
}

/// Copies what it can of the log into the database without waiting for anyone.
pub(crate) fn passive(connection: &Connection) -> rusqlite::Result<()> {
    connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}

/// Copies the whole log into the database and empties it (at close).
pub(crate) fn truncate(connection: &Connection) -> rusqlite::Result<()> {
    connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
}
