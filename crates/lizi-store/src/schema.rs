//! The database schema and its migrations.
//!
//! The schema version is SQLite's `user_version`. Migrations run in order at start-up;
//! a database newer than this binary is refused.

use rusqlite::Connection;

use crate::StoreError;

/// Each migration brings the schema from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: the event log, sessions, readers, the world's documents and blobs.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
     CREATE TABLE events (
         seq INTEGER PRIMARY KEY,
         body TEXT NOT NULL,
         cum_bytes INTEGER NOT NULL
     );
     CREATE TABLE sessions (
         id INTEGER PRIMARY KEY,
         cursor INTEGER NOT NULL,
         lost INTEGER NOT NULL DEFAULT 0,
         lost_reason TEXT NOT NULL DEFAULT '',
         last_seen INTEGER NOT NULL
     );
     CREATE TABLE session_tombstones (
         id INTEGER PRIMARY KEY,
         reason TEXT NOT NULL,
         at INTEGER NOT NULL
     );
     CREATE TABLE readers (
         name TEXT PRIMARY KEY,
         cursor INTEGER NOT NULL,
         lost INTEGER NOT NULL DEFAULT 0
     ) WITHOUT ROWID;
     CREATE TABLE docs (
         kind TEXT NOT NULL,
         key TEXT NOT NULL,
         body TEXT NOT NULL,
         PRIMARY KEY (kind, key)
     ) WITHOUT ROWID;
     CREATE TABLE blobs (hash TEXT PRIMARY KEY, bytes BLOB NOT NULL) WITHOUT ROWID;",
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to [`SCHEMA_VERSION`], refusing a newer one; answers whether the
/// database was new (empty).
pub fn migrate(connection: &mut Connection) -> Result<bool, StoreError> {
    let version: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let transaction = connection.transaction()?;
        transaction.execute_batch(sql)?;
        transaction.pragma_update(None, "user_version", index as i64 + 1)?;
        transaction.commit()?;
        tracing::info!(version = index + 1, "database schema migrated");
    }
    Ok(version == 0)
}
