//! Storage settings: the data folder, how writes reach the disk, how far an event reader
//! may fall behind, and what is kept in memory.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use lizi_store::{Flush, LagPolicy, StoreConfig};
use serde::Deserialize;

use super::config_file::{parse_text, ConfigFile};

/// Default data folder.
pub const DEFAULT_DATA: &str = "./lizi-data";

/// The storage flags; each but `--reset` is also an environment variable and a
/// config-file key.
#[derive(Debug, Default, Clone, Args, Deserialize)]
#[command(next_help_heading = "Storage")]
#[serde(default)]
pub struct StorageFlags {
    /// Data folder [default: ./lizi-data].
    #[arg(long, env = "LIZI_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Start from an empty data folder: delete the saved world, events and sessions first.
    #[arg(long)]
    #[serde(skip)]
    pub reset: bool,
    /// Flush policy: `full` (answer after the disk has it), `normal` (faster; the last
    /// moments may be lost on power loss) or `memory` (no database) [default: full].
    #[arg(long, env = "LIZI_FLUSH", value_name = "POLICY")]
    #[serde(deserialize_with = "parse_text")]
    pub flush: Option<Flush>,
    /// Most events a session may fall behind [default: 1000000].
    #[arg(long, env = "LIZI_MAX_LAG_EVENTS", value_name = "N")]
    pub max_lag_events: Option<u64>,
    /// Most bytes of events a session may fall behind [default: 1073741824].
    #[arg(long, env = "LIZI_MAX_LAG_BYTES", value_name = "BYTES")]
    pub max_lag_bytes: Option<u64>,
    /// Beyond the lag limit: `drop_oldest` (and report the loss) or `remove_session`
    /// [default: drop_oldest].
    #[arg(long, env = "LIZI_LAG_POLICY", value_name = "POLICY")]
    #[serde(deserialize_with = "parse_text")]
    pub lag_policy: Option<LagPolicy>,
    /// Remove sessions not read for this many seconds, or `never` [default: 604800].
    #[arg(long, env = "LIZI_SESSION_IDLE", value_name = "SECONDS|never")]
    pub session_idle: Option<Idle>,
    /// Recent events kept in memory [default: 8192].
    #[arg(long, env = "LIZI_CACHE_EVENTS", value_name = "N")]
    pub cache_events: Option<usize>,
    /// Most bytes of recent events kept in memory [default: 16777216].
    #[arg(long, env = "LIZI_CACHE_BYTES", value_name = "BYTES")]
    pub cache_bytes: Option<usize>,
    /// Bytes of recently written or read messages kept in memory; the history itself is
    /// on disk [default: 4194304].
    #[arg(long, env = "LIZI_HISTORY_CACHE_BYTES", value_name = "BYTES")]
    pub history_cache_bytes: Option<usize>,
}

/// A session idle limit: seconds, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "IdleText")]
pub struct Idle(pub Option<Duration>);

#[derive(Deserialize)]
#[serde(untagged)]
enum IdleText {
    Seconds(u64),
    Text(String),
}

impl TryFrom<IdleText> for Idle {
    type Error = String;
    fn try_from(value: IdleText) -> Result<Self, String> {
        match value {
            IdleText::Seconds(seconds) => Ok(Idle(Some(Duration::from_secs(seconds)))),
            IdleText::Text(text) => text.parse(),
        }
    }
}

impl std::str::FromStr for Idle {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim() {
            "never" | "0" => Ok(Idle(None)),
            seconds => seconds
                .parse::<u64>()
                .map(|s| Idle(Some(Duration::from_secs(s))))
                .map_err(|_| format!("`{text}` is not a number of seconds or `never`")),
        }
    }
}

/// The storage settings.
#[derive(Debug, Clone)]
pub struct Storage {
    /// Data folder.
    pub data: PathBuf,
    /// Whether to empty the data folder first.
    pub reset: bool,
    /// The store's settings.
    pub store: StoreConfig,
}

impl StorageFlags {
    /// These flags over the config file's `file`.
    pub fn resolve(self, file: StorageFlags, config: &ConfigFile) -> Storage {
        let data = self
            .data
            .or(file.data.map(|path| config.path(path)))
            .unwrap_or_else(|| DEFAULT_DATA.into());
        let mut store = StoreConfig::new(&data);
        store.flush = self.flush.or(file.flush).unwrap_or(store.flush);
        store.max_lag_events = self
            .max_lag_events
            .or(file.max_lag_events)
            .unwrap_or(store.max_lag_events);
        store.max_lag_bytes = self
            .max_lag_bytes
            .or(file.max_lag_bytes)
            .unwrap_or(store.max_lag_bytes);
        store.lag_policy = self
            .lag_policy
            .or(file.lag_policy)
            .unwrap_or(store.lag_policy);
        store.cache_events = self
            .cache_events
            .or(file.cache_events)
            .unwrap_or(store.cache_events);
        store.cache_bytes = self
            .cache_bytes
            .or(file.cache_bytes)
            .unwrap_or(store.cache_bytes);
        store.history_cache_bytes = self
            .history_cache_bytes
            .or(file.history_cache_bytes)
            .unwrap_or(store.history_cache_bytes);
        if let Some(Idle(idle)) = self.session_idle.or(file.session_idle) {
            store.session_idle = idle;
        }
        Storage {
            data,
            reset: self.reset,
            store,
        }
    }
}
