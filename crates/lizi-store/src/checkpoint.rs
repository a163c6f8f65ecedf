//! The last checkpoint, at close.
//!
//! While lizi runs, the applier's connection checkpoints the write-ahead log as it goes
//! (see applier.rs); at close the whole log is copied into the database and emptied.

use rusqlite::Connection;

/// Copies the whole log into the database and empties it (at close).
pub(crate) fn truncate(connection: &Connection) -> rusqlite::Result<()> {
    connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
}
