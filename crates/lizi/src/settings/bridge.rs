//! Bridge settings: with the `onebot` backend, where OneBot implementations reach lizi
//! (or lizi reaches them), what it reports of theirs and how fast it sends through them.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::Duration;

use clap::Args;
use lizi_bridge::{PacingConfig, ReceiveConfig};
use serde::Deserialize;

use super::config_file::urls;

/// Default address of the reverse WebSocket OneBot implementations dial.
pub const DEFAULT_ACCEPT: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 6700));

/// The bridge flags; each is also an environment variable and a config-file key.
#[derive(Debug, Default, Clone, Args, Deserialize)]
#[command(next_help_heading = "Bridge")]
#[serde(default)]
pub struct BridgeFlags {
    /// Address and port of the reverse WebSocket OneBot implementations dial with the
    /// `onebot` backend (port 0 picks a free port) [default: 127.0.0.1:6700].
    #[arg(long, env = "LIZI_ONEBOT_ACCEPT", value_name = "ADDR:PORT")]
    pub onebot_accept: Option<SocketAddr>,
    /// With the `onebot` backend: forward WebSocket URL of an implementation that is a
    /// WebSocket server, dialled by lizi and again whenever the connection drops
    /// (repeatable; comma-separated in the environment) [default: none].
    #[arg(
        long = "onebot-connect",
        env = "LIZI_ONEBOT_CONNECT",
        value_delimiter = ',',
        value_name = "URL"
    )]
    pub onebot_connect: Vec<String>,
    /// With the `onebot` backend: drop the OneBot notices XLZ has no event for (pokes,
    /// lucky king, honours, titles, essence, emoji reactions, gray tips) instead of
    /// reporting them as system notices (EventMsg 33) [default: false].
    #[arg(long, env = "LIZI_BRIDGE_DROP_MINOR_NOTICES", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub bridge_drop_minor_notices: Option<bool>,
    /// With the `onebot` backend: messages per minute each account sends, sustained, after
    /// a burst of 5 (0: unpaced) [default: 60].
    #[arg(long, env = "LIZI_BRIDGE_ACCOUNT_RATE", value_name = "PER_MINUTE")]
    pub bridge_account_rate: Option<u32>,
    /// With the `onebot` backend: messages per minute each group receives, sustained, after
    /// a burst of 3 (0: unpaced) [default: 30].
    #[arg(long, env = "LIZI_BRIDGE_GROUP_RATE", value_name = "PER_MINUTE")]
    pub bridge_group_rate: Option<u32>,
    /// With the `onebot` backend: the longest a send waits for its turn before it fails,
    /// in milliseconds [default: 10000].
    #[arg(long, env = "LIZI_BRIDGE_SEND_WAIT_MS", value_name = "MS")]
    pub bridge_send_wait_ms: Option<u64>,
    /// With the `onebot` backend: send flash pictures as ordinary pictures through
    /// implementations that cannot send flash pictures (NapCat, Lagrange.OneBot), instead
    /// of failing [default: false].
    #[arg(long, env = "LIZI_BRIDGE_FLASH_AS_PICTURE", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub bridge_flash_as_picture: Option<bool>,
    /// With the `onebot` backend: how many recent events are remembered, so that one the
    /// implementation reports again is emitted once [default: 20000].
    #[arg(long, env = "LIZI_BRIDGE_DUPLICATE_WINDOW", value_name = "EVENTS")]
    pub bridge_duplicate_window: Option<usize>,
    /// With the `onebot` backend: how long, in seconds, an event is remembered so that a
    /// repeat of it is emitted once [default: 600].
    #[arg(long, env = "LIZI_BRIDGE_DUPLICATE_WINDOW_S", value_name = "SECONDS")]
    pub bridge_duplicate_window_s: Option<u64>,
    /// With the `onebot` backend: the longest the refill after a lost connection may take,
    /// in milliseconds; live events wait for it, and what is not refilled by then is
    /// reported missing [default: 10000].
    #[arg(long, env = "LIZI_BRIDGE_REFILL_BUDGET_MS", value_name = "MS")]
    pub bridge_refill_budget_ms: Option<u64>,
}

/// The bridge settings.
#[derive(Debug, Clone)]
pub struct Bridge {
    /// Where implementations dial.
    pub accept: SocketAddr,
    /// The forward WebSocket URLs lizi dials.
    pub connect: Vec<String>,
    /// How it takes the implementations' events.
    pub receiving: ReceiveConfig,
    /// How fast it sends.
    pub pacing: PacingConfig,
    /// Whether flash pictures go as ordinary ones where the implementation cannot send
    /// flash pictures.
    pub flash_as_picture: bool,
}

impl BridgeFlags {
    /// These flags over the config file's `file`.
    pub fn resolve(self, file: BridgeFlags) -> anyhow::Result<Bridge> {
        let connect = urls(
            self.onebot_connect,
            file.onebot_connect,
            &["ws://"],
            |url| {
                format!(
                "OneBot connect URL `{url}` must start with ws:// (wss:// is not supported: put \
                 lizi and the implementation on one host or network)"
            )
            },
        )?;
        let defaults = PacingConfig::default();
        let receiving = ReceiveConfig::default();
        let pacing = PacingConfig {
            account_per_minute: self
                .bridge_account_rate
                .or(file.bridge_account_rate)
                .unwrap_or(defaults.account_per_minute),
            group_per_minute: self
                .bridge_group_rate
                .or(file.bridge_group_rate)
                .unwrap_or(defaults.group_per_minute),
            max_wait: self
                .bridge_send_wait_ms
                .or(file.bridge_send_wait_ms)
                .map_or(defaults.max_wait, Duration::from_millis),
        };
        Ok(Bridge {
            accept: self
                .onebot_accept
                .or(file.onebot_accept)
                .unwrap_or(DEFAULT_ACCEPT),
            connect,
            receiving: ReceiveConfig {
                drop_minor_notices: self
                    .bridge_drop_minor_notices
                    .or(file.bridge_drop_minor_notices)
                    .unwrap_or(false),
                duplicate_window: self
                    .bridge_duplicate_window
                    .or(file.bridge_duplicate_window)
                    .unwrap_or(receiving.duplicate_window),
                duplicate_age: self
                    .bridge_duplicate_window_s
                    .or(file.bridge_duplicate_window_s)
                    .map_or(receiving.duplicate_age, Duration::from_secs),
                refill_budget: self
                    .bridge_refill_budget_ms
                    .or(file.bridge_refill_budget_ms)
                    .map_or(receiving.refill_budget, Duration::from_millis),
            },
            pacing,
            flash_as_picture: self
                .bridge_flash_as_picture
                .or(file.bridge_flash_as_picture)
                .unwrap_or(false),
        })
    }
}
