//! Store settings.

use std::path::PathBuf;
use std::time::Duration;

/// When a commit is flushed to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flush {
    /// Answer only after the journal record holding the batch is flushed to disk:
    /// nothing acknowledged is lost, even on power loss. The default.
    Full,
    /// Answer once the batch is written to the journal, without waiting for the disk:
    /// survives a crash of lizi, but the last moments may be lost on power loss or an OS
    /// crash.
    Normal,
    /// No database at all: everything in memory, lost at exit (benchmarks, throwaway runs).
    Memory,
}

impl std::str::FromStr for Flush {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "full" => Ok(Flush::Full),
            "normal" => Ok(Flush::Normal),
            "memory" => Ok(Flush::Memory),
            other => Err(format!(
                "`{other}` is not a flush policy (full, normal or memory)"
            )),
        }
    }
}

/// What happens to a cursor that falls too far behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LagPolicy {
    /// Skip its oldest events, and tell it how many in its next read.
    DropOldest,
    /// Remove the session (as the original plugin did), and say why when it next reads.
    RemoveSession,
}

impl std::str::FromStr for LagPolicy {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().replace('-', "_").as_str() {
            "drop_oldest" => Ok(LagPolicy::DropOldest),
            "remove_session" | "remove" => Ok(LagPolicy::RemoveSession),
            other => Err(format!(
                "`{other}` is not a lag policy (drop_oldest or remove_session)"
            )),
        }
    }
}

/// Store settings.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// The data folder (`lizi.db` inside it); ignored with [`Flush::Memory`].
    pub dir: PathBuf,
    /// Flush policy.
    pub flush: Flush,
    /// Recent events kept in memory for fast reads.
    pub cache_events: usize,
    /// Most bytes of events that cache holds (the newest event stays however large).
    pub cache_bytes: usize,
    /// Bytes of recently written or read messages kept in memory (besides those still on
    /// their way to the database, which stay until they are in).
    pub history_cache_bytes: usize,
    /// Most events a session may have pending.
    pub max_lag_events: u64,
    /// Most bytes of events a session may have pending.
    pub max_lag_bytes: u64,
    /// What happens beyond those limits.
    pub lag_policy: LagPolicy,
    /// Sessions not read for this long are removed; `None` keeps them forever.
    pub session_idle: Option<Duration>,
    /// How often limits and idle sessions are checked.
    pub sweep_every: Duration,
    /// Most bytes of journal records that may wait to be carried into SQLite; beyond this,
    /// writes wait for the database to catch up.
    pub max_unapplied_bytes: u64,
}

impl StoreConfig {
    /// Defaults for a data folder.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        StoreConfig {
            dir: dir.into(),
            flush: Flush::Full,
            cache_events: 8192,
            cache_bytes: 16 << 20,
            history_cache_bytes: 4 << 20,
            max_lag_events: 1_000_000,
            max_lag_bytes: 1 << 30,
            lag_policy: LagPolicy::DropOldest,
            session_idle: Some(Duration::from_secs(7 * 24 * 3600)),
            sweep_every: Duration::from_secs(1),
            max_unapplied_bytes: 64 << 20,
        }
    }

    /// An in-memory store.
    pub fn memory() -> Self {
        StoreConfig {
            flush: Flush::Memory,
            ..StoreConfig::new("")
        }
    }
}
