//! lizi's durable state in one SQLite file (WAL mode).
//!
//! A [`Store`] holds the event log (every event once, with a global sequence number),
//! the cursors that read it (client sessions and internal readers such as WebSocket
//! streams and push reporters), and the simulated world's documents and blobs. Writes
//! go through one writer thread that appends everything queued meanwhile as one record
//! to a journal and flushes it once (group commit); a caller's [`Ticket`] resolves once
//! its writes are durable, and events become visible to readers only then, so nothing a
//! client was told succeeded can be missing after a crash. An applier thread carries the
//! journal's records into SQLite in large transactions, and at start-up whatever the
//! database lacks is applied from the journal first. A failed write leaves no trace and
//! the store recovers by itself once writing works again (see `rollback.rs`).
//!
//! Undelivered events live on disk; memory holds a cache of recent events, bounded by
//! count and by bytes, and one small record per cursor, whatever the lag. The message
//! history lives on disk too, in its own table, with a cache bounded by bytes (see
//! `history.rs`), and so do documents read back one at a time (see `docs.rs`).

mod applier;
mod backlog;
mod backup;
mod checkpoint;
mod config;
mod cursors;
mod docs;
mod events;
mod hash;
mod history;
mod journal;
mod limits;
pub mod metrics;
mod readers;
mod recent;
mod rollback;
mod schema;
mod sessions;
mod shapes;
mod state;
mod store;
mod writer;

pub use backup::{check_backup, BackupInfo};
pub use config::{Flush, LagPolicy, StoreConfig};
pub use cursors::CursorView;
pub use events::{encode_event, Batch};
pub use history::{Conv, MessageRow};
pub use readers::ReaderId;
pub use rollback::{Durable, RollbackHook};
pub use schema::SCHEMA_VERSION;
pub use sessions::{SessionId, TakeOptions, Taken};
pub use store::{remove_files, Store, StoreStats, DB_FILE};
pub use writer::{Op, Ticket, Unit};

/// Why a store operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(String),
    /// The data folder could not be used.
    #[error("data folder: {0}")]
    Io(String),
    /// The database was written by a newer lizi.
    #[error("the database has schema version {found}, but this lizi understands up to {supported}; use a newer lizi or another data folder")]
    TooNew {
        /// Version found.
        found: i64,
        /// Newest version this binary knows.
        supported: i64,
    },
    /// A stored document or row could not be read.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// Writes fail until the data folder works again (an earlier write failed).
    #[error("writes fail until the data folder works again: {0}")]
    Failed(String),
    /// The store was closed.
    #[error("the store is closed")]
    Closed,
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        StoreError::Sqlite(error.to_string())
    }
}

/// Unix seconds now.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
