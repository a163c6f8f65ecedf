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
    // 2: the message history in its own table (see `history.rs`), out of the documents.
    "CREATE TABLE messages (
         seq INTEGER PRIMARY KEY,
         conv_kind INTEGER NOT NULL,
         conv_a INTEGER NOT NULL,
         conv_b INTEGER NOT NULL,
         req INTEGER NOT NULL,
         random INTEGER NOT NULL,
         time INTEGER NOT NULL,
         sender INTEGER NOT NULL,
         target INTEGER,
         grp INTEGER,
         recalled INTEGER NOT NULL DEFAULT 0,
         text TEXT NOT NULL
     );
     CREATE UNIQUE INDEX messages_by_conv ON messages (conv_kind, conv_a, conv_b, req);",
    // 3: message events refer to the message they carry (see `shapes.rs`); the events
    // already stored move over in `share_stored_messages`.
    "CREATE TABLE event_shapes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
     ALTER TABLE events ADD COLUMN shape INTEGER;
     ALTER TABLE events ADD COLUMN message INTEGER;
     ALTER TABLE events ADD COLUMN logon INTEGER;",
];

/// The migration after which message events are stored as shapes.
const SHAPES_VERSION: usize = 3;

/// Moves documents of kind `message` (how lizi kept its history before schema version 2)
/// into the `messages` table. Run by the migration, and again after the journal's
/// records are applied at start-up, since a journal written by an older lizi may hold
/// such documents.
const MOVE_MESSAGE_DOCS: &str = "INSERT OR REPLACE INTO messages
         (seq, conv_kind, conv_a, conv_b, req, random, time, sender, target, grp, recalled, text)
     SELECT json_extract(body, '$.seq'),
         CASE WHEN json_extract(key, '$[0].Group') IS NULL THEN 1 ELSE 0 END,
         COALESCE(json_extract(key, '$[0].Group'), json_extract(key, '$[0].Private[0]')),
         COALESCE(json_extract(key, '$[0].Private[1]'), 0),
         json_extract(body, '$.req'), json_extract(body, '$.random'),
         json_extract(body, '$.time'), json_extract(body, '$.from'),
         json_extract(body, '$.to'), json_extract(body, '$.group'),
         COALESCE(json_extract(body, '$.recalled'), 0), json_extract(body, '$.text')
     FROM docs WHERE kind = 'message';
     DELETE FROM docs WHERE kind = 'message';";

/// Moves any document of kind `message` into the `messages` table (see
/// [`MOVE_MESSAGE_DOCS`]); answers how many moved.
pub(crate) fn move_message_docs(connection: &mut Connection) -> Result<usize, StoreError> {
    let count: i64 = connection.query_row(
        "SELECT COUNT(*) FROM docs WHERE kind = 'message'",
        [],
        |row| row.get(0),
    )?;
    if count > 0 {
        let transaction = connection.transaction()?;
        transaction.execute_batch(MOVE_MESSAGE_DOCS)?;
        transaction.commit()?;
        tracing::info!(count, "message documents moved into the messages table");
    }
    Ok(count as usize)
}

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to [`SCHEMA_VERSION`], refusing a newer one; answers whether the
/// database was new (empty). Logs a migration of an existing database, not the creation
/// of a new one.
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
        if index + 1 == SHAPES_VERSION {
            crate::shapes::share_stored_messages(&transaction)?;
        }
        transaction.pragma_update(None, "user_version", index as i64 + 1)?;
        transaction.commit()?;
    }
    if version > 0 && version < SCHEMA_VERSION {
        tracing::info!(
            from = version,
            to = SCHEMA_VERSION,
            "database schema migrated"
        );
    }
    Ok(version == 0)
}
