//! The last checkpoint, at close.
//!
//! While lizi runs, the applier's connection checkpoints the write-ahead log as it goes
//! (see applier.rs); at close the whole log is copied into the database and emptied.

use rusqlite::Connection;

/// Copies the whole log into the database, flushed, and empties it (at close); answers
/// whether it got through (another connection can keep it from finishing).
pub(crate) fn truncate(connection: &Connection) -> rusqlite::Result<bool> {
    connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
        Ok(row.get::<_, i64>(0)? == 0)
    })
}
