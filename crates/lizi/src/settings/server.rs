//! Server settings: where lizi listens, what does the QQ work, and the limits of one
//! connection and one request.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::PathBuf;

use clap::Args;
use lizi_api::ApiConfig;
use lizi_sim::MessageLimits;
use serde::Deserialize;

use super::config_file::{parse_text, ConfigFile};

/// Default listen address: the original plugin's port, loopback only.
pub const DEFAULT_LISTEN: SocketAddr =
    SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 10429));

/// The server flags; each is also an environment variable and a config-file key.
#[derive(Debug, Default, Clone, Args, Deserialize)]
#[command(next_help_heading = "Server")]
#[serde(default)]
pub struct ServerFlags {
    /// Address and port to listen on (port 0 picks a free port) [default: 127.0.0.1:10429].
    #[arg(long, env = "LIZI_LISTEN", value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
    /// What does the QQ work: `sim` (the simulated network) or `onebot` (real accounts
    /// through OneBot implementations dialling `--onebot-accept`) [default: sim].
    #[arg(long, env = "LIZI_BACKEND", value_name = "NAME")]
    #[serde(deserialize_with = "parse_text")]
    pub backend: Option<BackendKind>,
    /// World fixture (TOML) of the simulated network [default: the built-in world].
    #[arg(long, env = "LIZI_WORLD", value_name = "FILE")]
    pub world: Option<PathBuf>,
    /// Most characters of one text message, each code counting as one (QQ's limit)
    /// [default: 4500].
    #[arg(long, env = "LIZI_MAX_TEXT_CHARS", value_name = "N")]
    pub max_text_chars: Option<usize>,
    /// Most bytes of one JSON or XML card's payload (QQ's limit) [default: 18000].
    #[arg(long, env = "LIZI_MAX_CARD_BYTES", value_name = "BYTES")]
    pub max_card_bytes: Option<usize>,
    /// Largest accepted request body in bytes [default: 33554432].
    #[arg(long, env = "LIZI_MAX_BODY_BYTES", value_name = "BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Most `key=value` parameters in one request [default: 1000].
    #[arg(long, env = "LIZI_MAX_PARAMS", value_name = "N")]
    pub max_params: Option<usize>,
    /// Longest wait for a connection's first request head in milliseconds, 0 for none
    /// [default: 30000].
    #[arg(long, env = "LIZI_HEADER_TIMEOUT_MS", value_name = "MS")]
    pub header_timeout_ms: Option<u64>,
    /// Longest wait for the next request on a kept-alive connection in milliseconds, 0 for
    /// none [default: 60000].
    #[arg(long, env = "LIZI_IDLE_TIMEOUT_MS", value_name = "MS")]
    pub idle_timeout_ms: Option<u64>,
    /// Most connections open at once, WebSockets included; more are refused [default: 1000].
    #[arg(long, env = "LIZI_MAX_CONNECTIONS", value_name = "N")]
    pub max_connections: Option<usize>,
    /// Interval between two WebSocket Pings in milliseconds, 0 for none [default: 30000].
    #[arg(long, env = "LIZI_WS_PING_INTERVAL_MS", value_name = "MS")]
    pub ws_ping_interval_ms: Option<u64>,
    /// Close a WebSocket silent for this many milliseconds (Pings unanswered) [default: 75000].
    #[arg(long, env = "LIZI_WS_TIMEOUT_MS", value_name = "MS")]
    pub ws_timeout_ms: Option<u64>,
    /// Longest time a request body may take to arrive after its head, in milliseconds, 0
    /// for none; slower bodies get 408 [default: 30000].
    #[arg(long, env = "LIZI_BODY_TIMEOUT_MS", value_name = "MS")]
    pub body_timeout_ms: Option<u64>,
    /// Most bytes of request bodies held in memory at once, over every port; a body that
    /// does not fit waits (up to body_timeout_ms), then gets 503; at least max_body_bytes
    /// [default: 268435456, or max_body_bytes if that is larger].
    #[arg(long, env = "LIZI_MAX_BODY_MEMORY_BYTES", value_name = "BYTES")]
    pub max_body_memory_bytes: Option<usize>,
}

/// Which backend does the QQ work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BackendKind {
    /// The simulated network.
    #[default]
    Sim,
    /// Real accounts through OneBot v11 implementations.
    OneBot,
}

impl std::str::FromStr for BackendKind {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        match name.trim().to_ascii_lowercase().as_str() {
            "sim" => Ok(BackendKind::Sim),
            "onebot" => Ok(BackendKind::OneBot),
            other => Err(format!(
                "unknown backend `{other}` (expected sim or onebot)"
            )),
        }
    }
}

/// The server settings outside the API's.
#[derive(Debug, Clone)]
pub struct Server {
    /// Listen address.
    pub listen: SocketAddr,
    /// Which backend does the QQ work.
    pub backend: BackendKind,
    /// World fixture, if any.
    pub world: Option<PathBuf>,
    /// The most one message may hold.
    pub limits: MessageLimits,
}

impl ServerFlags {
    /// These flags over the config file's `file`; the connection and request limits go
    /// into `api`.
    pub fn resolve(
        self,
        file: ServerFlags,
        config: &ConfigFile,
        api: &mut ApiConfig,
    ) -> anyhow::Result<Server> {
        let max_connections = self
            .max_connections
            .or(file.max_connections)
            .unwrap_or(api.max_connections);
        anyhow::ensure!(max_connections > 0, "max_connections must be at least 1");
        api.max_connections = max_connections;
        api.max_body_bytes = self
            .max_body_bytes
            .or(file.max_body_bytes)
            .unwrap_or(api.max_body_bytes);
        api.max_params = self
            .max_params
            .or(file.max_params)
            .unwrap_or(api.max_params);
        api.header_timeout_ms = self
            .header_timeout_ms
            .or(file.header_timeout_ms)
            .unwrap_or(api.header_timeout_ms);
        api.idle_timeout_ms = self
            .idle_timeout_ms
            .or(file.idle_timeout_ms)
            .unwrap_or(api.idle_timeout_ms);
        api.ws_ping_interval_ms = self
            .ws_ping_interval_ms
            .or(file.ws_ping_interval_ms)
            .unwrap_or(api.ws_ping_interval_ms);
        api.ws_timeout_ms = self
            .ws_timeout_ms
            .or(file.ws_timeout_ms)
            .unwrap_or(api.ws_timeout_ms);
        api.body_timeout_ms = self
            .body_timeout_ms
            .or(file.body_timeout_ms)
            .unwrap_or(api.body_timeout_ms);
        api.max_body_memory_bytes = match self.max_body_memory_bytes.or(file.max_body_memory_bytes)
        {
            Some(budget) => {
                anyhow::ensure!(
                    budget >= api.max_body_bytes,
                    "max_body_memory_bytes ({budget}) must be at least max_body_bytes ({}), or \
                     a body of the largest size could never be read",
                    api.max_body_bytes
                );
                budget
            }
            None => api.max_body_memory_bytes.max(api.max_body_bytes),
        };
        let default_limits = MessageLimits::default();
        Ok(Server {
            listen: self.listen.or(file.listen).unwrap_or(DEFAULT_LISTEN),
            backend: self.backend.or(file.backend).unwrap_or_default(),
            world: self.world.or(file.world.map(|path| config.path(path))),
            limits: MessageLimits {
                text_chars: self
                    .max_text_chars
                    .or(file.max_text_chars)
                    .unwrap_or(default_limits.text_chars),
                card_bytes: self
                    .max_card_bytes
                    .or(file.max_card_bytes)
                    .unwrap_or(default_limits.card_bytes),
            },
        })
    }
}
