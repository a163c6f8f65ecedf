//! The full checkpoints, at start-up and at close.
//!
//! While lizi runs, the applier's connection checkpoints the write-ahead log as it goes
//! (see applier.rs). At start-up and at close the whole log is copied into the database,
//! flushed, and emptied: then the journal's records are all in the database on disk.

use rusqlite::Connection;

/// Copies the whole log into the database, flushed, and empties it; answers whether it got
/// through (another connection can keep it from finishing).
pub(crate) fn truncate(connection: &Connection) -> rusqlite::Result<bool> {
    connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
        Ok(row.get::<_, i64>(0)? == 0)
    })
}
