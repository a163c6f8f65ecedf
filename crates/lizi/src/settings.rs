//! lizi's settings: command-line flags over environment variables over the TOML config
//! file over defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use lizi_api::{AllowRule, ApiConfig};
use lizi_onebot::Profile;
use lizi_onebot_face::config::MessageFormat;
use lizi_onebot_face::FaceConfig;
use lizi_sim::MessageLimits;
use lizi_store::{Flush, LagPolicy, StoreConfig};
use serde::Deserialize;
use std::time::Duration;

/// Default listen address: the original plugin's port, loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:10429";
/// Default data folder.
pub const DEFAULT_DATA: &str = "./lizi-data";

/// Flags of `lizi serve`; each is also an environment variable and a config-file key.
#[derive(Debug, Default, Clone, Args)]
pub struct ServeArgs {
    /// TOML config file with any of the keys below.
    #[arg(long, env = "LIZI_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address and port to listen on (port 0 picks a free port) [default: 127.0.0.1:10429].
    #[arg(long, env = "LIZI_LISTEN", value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
    /// Data folder [default: ./lizi-data].
    #[arg(long, env = "LIZI_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// World fixture (TOML) of the simulated network [default: the built-in world].
    #[arg(long, env = "LIZI_WORLD", value_name = "FILE")]
    pub world: Option<PathBuf>,
    /// Password; clients send its md5 in the `pass` cookie.
    #[arg(long, env = "LIZI_PASSWORD", value_name = "TEXT")]
    pub password: Option<String>,
    /// Bearer token accepted in `Authorization: Bearer …`.
    #[arg(long, env = "LIZI_TOKEN", value_name = "TEXT")]
    pub token: Option<String>,
    /// Remote address or network allowed besides loopback (repeatable; comma-separated in
    /// the environment).
    #[arg(
        long = "allow-from",
        env = "LIZI_ALLOW_FROM",
        value_delimiter = ',',
        value_name = "IP[/PREFIX]"
    )]
    pub allow_from: Vec<String>,
    /// Start even though `--allow-from` admits other machines and neither a password nor
    /// a token is set: then anyone who can connect acts as every account [default: false].
    #[arg(long, env = "LIZI_INSECURE_OPEN", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub insecure_open: Option<bool>,
    /// URL every event is POSTed to (repeatable; comma-separated in the environment).
    #[arg(
        long = "report-url",
        env = "LIZI_REPORT_URLS",
        value_delimiter = ',',
        value_name = "URL"
    )]
    pub report_urls: Vec<String>,
    /// Largest accepted request body in bytes [default: 33554432].
    #[arg(long, env = "LIZI_MAX_BODY_BYTES", value_name = "BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Most characters of one text message, each code counting as one (QQ's limit)
    /// [default: 4500].
    #[arg(long, env = "LIZI_MAX_TEXT_CHARS", value_name = "N")]
    pub max_text_chars: Option<usize>,
    /// Most bytes of one JSON or XML card's payload (QQ's limit) [default: 18000].
    #[arg(long, env = "LIZI_MAX_CARD_BYTES", value_name = "BYTES")]
    pub max_card_bytes: Option<usize>,
    /// Answer /getskey, /getpskey and /getclientkey [default: false].
    #[arg(long, env = "LIZI_KEY_ACCESS", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub key_access: Option<bool>,
    /// Log filter, e.g. `info` or `lizi_api=debug,info` [default: info].
    #[arg(long, env = "LIZI_LOG", value_name = "FILTER")]
    pub log: Option<String>,
    /// Flush policy: `full` (answer after the disk has it), `normal` (faster; the last
    /// moments may be lost on power loss) or `memory` (no database) [default: full].
    #[arg(long, env = "LIZI_FLUSH", value_name = "POLICY")]
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
    /// Folder whose files `fromtype=1` and `[picFile,path=…]` may read (repeatable;
    /// comma-separated in the environment) [default: none, local paths refused].
    #[arg(
        long = "media-dir",
        env = "LIZI_MEDIA_DIRS",
        value_delimiter = ',',
        value_name = "DIR"
    )]
    pub media_dirs: Vec<PathBuf>,
    /// Largest media file or download in bytes [default: 20971520].
    #[arg(long, env = "LIZI_FETCH_MAX_BYTES", value_name = "BYTES")]
    pub fetch_max_bytes: Option<u64>,
    /// Timeout of one media download in milliseconds [default: 15000].
    #[arg(long, env = "LIZI_FETCH_TIMEOUT_MS", value_name = "MS")]
    pub fetch_timeout_ms: Option<u64>,
    /// Let media URLs point at loopback, private or reserved addresses [default: false].
    #[arg(long, env = "LIZI_FETCH_ALLOW_PRIVATE", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub fetch_allow_private: Option<bool>,
    /// Base URL of the picture and file URLs lizi hands out [default: http://<listen address>].
    #[arg(long, env = "LIZI_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
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
    /// Host name clients may reach lizi by, besides loopback names and addresses, the
    /// listen address and public_url's host; `*` for any; other Hosts get 421 (repeatable;
    /// comma-separated in the environment).
    #[arg(
        long = "allow-host",
        env = "LIZI_ALLOW_HOSTS",
        value_delimiter = ',',
        value_name = "NAME"
    )]
    pub allow_hosts: Vec<String>,
    /// Web origin (`http://host:port`) whose pages may call lizi, besides lizi's own; `*`
    /// for any; requests from other pages get 403 (repeatable; comma-separated in the
    /// environment).
    #[arg(
        long = "allow-origin",
        env = "LIZI_ALLOW_ORIGINS",
        value_delimiter = ',',
        value_name = "ORIGIN"
    )]
    pub allow_origins: Vec<String>,
    /// Start from an empty data folder: delete the saved world, events and sessions first.
    #[arg(long)]
    pub reset: bool,

    /// PEM file of CA certificates trusted, besides the system's, for https report URLs
    /// and media downloads [default: none].
    #[arg(long, env = "LIZI_TLS_CA_FILE", value_name = "FILE")]
    pub tls_ca_file: Option<PathBuf>,

    /// Address and port of the OneBot v11 HTTP API and forward WebSocket (port 0 picks a
    /// free port) [default: off].
    #[arg(long, env = "LIZI_ONEBOT_LISTEN", value_name = "ADDR:PORT")]
    pub onebot_listen: Option<SocketAddr>,
    /// Access token OneBot clients must present [default: none].
    #[arg(long, env = "LIZI_ONEBOT_TOKEN", value_name = "TEXT")]
    pub onebot_token: Option<String>,
    /// OneBot implementation whose envelopes and retcodes to reproduce: `napcat`,
    /// `lagrange` or `llonebot` [default: napcat].
    #[arg(long, env = "LIZI_ONEBOT_PROFILE", value_name = "PROFILE")]
    pub onebot_profile: Option<Profile>,
    /// Reverse WebSocket URL lizi connects to as a OneBot client, one connection per online
    /// account (repeatable; comma-separated in the environment).
    #[arg(
        long = "onebot-reverse-url",
        env = "LIZI_ONEBOT_REVERSE_URLS",
        value_delimiter = ',',
        value_name = "URL"
    )]
    pub onebot_reverse_urls: Vec<String>,
    /// Pause before a dropped reverse WebSocket is tried again, in milliseconds [default: 5000].
    #[arg(long, env = "LIZI_ONEBOT_RECONNECT_MS", value_name = "MS")]
    pub onebot_reconnect_ms: Option<u64>,
    /// Interval of OneBot heartbeat meta events, in milliseconds [default: 30000].
    #[arg(long, env = "LIZI_ONEBOT_HEARTBEAT_MS", value_name = "MS")]
    pub onebot_heartbeat_ms: Option<u64>,
    /// How OneBot events carry messages: `array` (segments) or `string` (CQ codes)
    /// [default: array].
    #[arg(long, env = "LIZI_ONEBOT_MESSAGE_FORMAT", value_name = "FORMAT")]
    pub onebot_message_format: Option<MessageFormat>,
    /// Report the accounts' own messages to OneBot clients (NapCat's `reportSelfMessage`)
    /// [default: off].
    #[arg(long, env = "LIZI_ONEBOT_REPORT_SELF", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub onebot_report_self: Option<bool>,
    /// Forget OneBot message ids on restart and after 5000 messages, as NapCat does
    /// [default: off].
    #[arg(long, env = "LIZI_ONEBOT_FORGET_IDS", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub onebot_forget_ids: Option<bool>,
    /// URL every OneBot event is POSTed to, with quick operations in the answer
    /// (repeatable; comma-separated in the environment).
    #[arg(
        long = "onebot-post-url",
        env = "LIZI_ONEBOT_POST_URLS",
        value_delimiter = ',',
        value_name = "URL"
    )]
    pub onebot_post_urls: Vec<String>,
    /// Secret of the `X-Signature` HMAC-SHA1 of POSTed OneBot events [default: none].
    #[arg(long, env = "LIZI_ONEBOT_SECRET", value_name = "TEXT")]
    pub onebot_secret: Option<String>,
    /// Timeout of one OneBot event POST in milliseconds, 0 for none [default: 5000].
    #[arg(long, env = "LIZI_ONEBOT_POST_TIMEOUT_MS", value_name = "MS")]
    pub onebot_post_timeout_ms: Option<u64>,
    /// Like NapCat, skip the OneBot events that arrived while a connection or POST
    /// receiver was away, instead of catching up [default: false].
    #[arg(long, env = "LIZI_ONEBOT_DROP_WHILE_DISCONNECTED", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub onebot_drop_while_disconnected: Option<bool>,
    /// What does the QQ work: `sim` (the simulated network) or `onebot` (real accounts
    /// through OneBot implementations dialling `--onebot-accept`) [default: sim].
    #[arg(long, env = "LIZI_BACKEND", value_name = "NAME")]
    pub backend: Option<BackendKind>,
    /// Address and port of the reverse WebSocket OneBot implementations dial with the
    /// `onebot` backend (port 0 picks a free port) [default: 127.0.0.1:6700].
    #[arg(long, env = "LIZI_ONEBOT_ACCEPT", value_name = "ADDR:PORT")]
    pub onebot_accept: Option<SocketAddr>,
    /// With the `onebot` backend: forward WebSocket URL of an implementation that is a
    /// WebSocket server, dialled by lizi and again whenever the connection drops
    /// (repeatable; comma-separated in the environment).
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

/// The config file: the same keys as the flags, in snake case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    data: Option<PathBuf>,
    world: Option<PathBuf>,
    password: Option<String>,
    token: Option<String>,
    #[serde(default)]
    allow_from: Vec<String>,
    insecure_open: Option<bool>,
    #[serde(default)]
    report_urls: Vec<String>,
    max_body_bytes: Option<usize>,
    max_text_chars: Option<usize>,
    max_card_bytes: Option<usize>,
    key_access: Option<bool>,
    log: Option<String>,
    #[serde(default, deserialize_with = "parse_text")]
    flush: Option<Flush>,
    max_lag_events: Option<u64>,
    max_lag_bytes: Option<u64>,
    #[serde(default, deserialize_with = "parse_text")]
    lag_policy: Option<LagPolicy>,
    session_idle: Option<Idle>,
    cache_events: Option<usize>,
    cache_bytes: Option<usize>,
    history_cache_bytes: Option<usize>,
    #[serde(default)]
    media_dirs: Vec<PathBuf>,
    fetch_max_bytes: Option<u64>,
    fetch_timeout_ms: Option<u64>,
    fetch_allow_private: Option<bool>,
    public_url: Option<String>,

    tls_ca_file: Option<PathBuf>,
    max_params: Option<usize>,
    header_timeout_ms: Option<u64>,
    idle_timeout_ms: Option<u64>,
    max_connections: Option<usize>,
    ws_ping_interval_ms: Option<u64>,
    ws_timeout_ms: Option<u64>,
    body_timeout_ms: Option<u64>,
    max_body_memory_bytes: Option<usize>,
    #[serde(default)]
    allow_hosts: Vec<String>,
    #[serde(default)]
    allow_origins: Vec<String>,
    onebot_listen: Option<SocketAddr>,
    onebot_token: Option<String>,
    onebot_profile: Option<String>,
    #[serde(default)]
    onebot_reverse_urls: Vec<String>,
    onebot_reconnect_ms: Option<u64>,
    onebot_heartbeat_ms: Option<u64>,
    onebot_message_format: Option<String>,
    onebot_report_self: Option<bool>,
    onebot_forget_ids: Option<bool>,
    #[serde(default)]
    onebot_post_urls: Vec<String>,
    onebot_secret: Option<String>,
    onebot_post_timeout_ms: Option<u64>,
    onebot_drop_while_disconnected: Option<bool>,
    #[serde(default, deserialize_with = "parse_text")]
    backend: Option<BackendKind>,
    onebot_accept: Option<SocketAddr>,
    #[serde(default)]
    onebot_connect: Vec<String>,
    bridge_drop_minor_notices: Option<bool>,
    bridge_account_rate: Option<u32>,
    bridge_group_rate: Option<u32>,
    bridge_send_wait_ms: Option<u64>,
    bridge_flash_as_picture: Option<bool>,
}

/// Reads a value that parses from text (`flush = "normal"`).
fn parse_text<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr<Err = String>,
{
    let text: Option<String> = Option::deserialize(deserializer)?;
    text.map(|t| t.parse().map_err(serde::de::Error::custom))
        .transpose()
}

/// Fully resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Listen address.
    pub listen: SocketAddr,
    /// Data folder.
    pub data: PathBuf,
    /// World fixture, if any.
    pub world: Option<PathBuf>,
    /// Log filter.
    pub log: String,
    /// API layer settings.
    pub api: ApiConfig,
    /// Store settings.
    pub store: StoreConfig,
    /// The most one message may hold.
    pub limits: MessageLimits,
    /// Whether to empty the data folder first.
    pub reset: bool,
    /// OneBot face settings.
    pub onebot: FaceConfig,
    /// Which backend does the QQ work.
    pub backend: BackendKind,
    /// Where the `onebot` backend accepts implementations.
    pub onebot_accept: SocketAddr,
    /// The forward WebSocket URLs the `onebot` backend dials.
    pub onebot_connect: Vec<String>,
    /// Whether the `onebot` backend drops the notices XLZ has no event for.
    pub bridge_drop_minor_notices: bool,
    /// How fast the `onebot` backend sends.
    pub bridge_pacing: lizi_bridge::PacingConfig,
    /// Whether the `onebot` backend sends flash pictures as ordinary ones where the
    /// implementation cannot send flash pictures.
    pub bridge_flash_as_picture: bool,
}

impl Settings {
    /// Resolves flags and environment (already merged by clap) over the config file.
    pub fn resolve(args: ServeArgs) -> anyhow::Result<Settings> {
        let file = match &args.config {
            Some(path) => read_config(path)?,
            None => FileConfig::default(),
        };
        // Relative paths in a config file are relative to the file.
        let base = args
            .config
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let from_file = |path: PathBuf| {
            if path.is_relative() {
                base.join(path)
            } else {
                path
            }
        };
        let allow_from = if args.allow_from.is_empty() {
            file.allow_from
        } else {
            args.allow_from
        };
        let allow_from_texts: Vec<&str> = allow_from
            .iter()
            .map(|rule| rule.trim())
            .filter(|rule| !rule.is_empty())
            .collect();
        let allow_from = allow_from_texts
            .iter()
            .map(|rule| rule.parse::<AllowRule>())
            .collect::<Result<Vec<_>, _>>()
            .context("allow_from")?;
        let report_urls: Vec<String> = if args.report_urls.is_empty() {
            file.report_urls
        } else {
            args.report_urls
        }
        .into_iter()
        .filter(|url| !url.trim().is_empty())
        .collect();
        for url in &report_urls {
            anyhow::ensure!(
                url.starts_with("http://") || url.starts_with("https://"),
                "report URL `{url}` must start with http:// or https://"
            );
        }
        let defaults = ApiConfig::default();
        let media_dirs: Vec<PathBuf> = if args.media_dirs.is_empty() {
            file.media_dirs.into_iter().map(from_file).collect()
        } else {
            args.media_dirs
        };
        let public_url = args
            .public_url
            .or(file.public_url)
            .map(|url| url.trim().trim_end_matches('/').to_owned())
            .filter(|url| !url.is_empty());
        if let Some(url) = &public_url {
            anyhow::ensure!(
                url.starts_with("http://") || url.starts_with("https://"),
                "public_url `{url}` must start with http:// or https://"
            );
        }
        let password = args.password.or(file.password).filter(|p| !p.is_empty());
        let token = args.token.or(file.token).filter(|t| !t.is_empty());
        let insecure_open = args.insecure_open.or(file.insecure_open).unwrap_or(false);
        if password.is_none() && token.is_none() && !insecure_open {
            refuse_remote_rules(&allow_from_texts, &allow_from)?;
        }
        let extra_roots = match args.tls_ca_file.or(file.tls_ca_file.map(from_file)) {
            Some(path) => lizi_api::load_ca_file(&path).context("tls_ca_file")?,
            None => Vec::new(),
        };
        let max_connections = args
            .max_connections
            .or(file.max_connections)
            .unwrap_or(defaults.max_connections);
        anyhow::ensure!(max_connections > 0, "max_connections must be at least 1");
        let listener = ListenerSettings::resolve(
            ListenerSettings {
                body_timeout_ms: args.body_timeout_ms,
                max_body_memory_bytes: args.max_body_memory_bytes,
                allow_hosts: args.allow_hosts,
                allow_origins: args.allow_origins,
            },
            ListenerSettings {
                body_timeout_ms: file.body_timeout_ms,
                max_body_memory_bytes: file.max_body_memory_bytes,
                allow_hosts: file.allow_hosts,
                allow_origins: file.allow_origins,
            },
            args.max_body_bytes
                .or(file.max_body_bytes)
                .unwrap_or(defaults.max_body_bytes),
            public_url.as_deref(),
        )?;
        let data = args
            .data
            .or(file.data.map(from_file))
            .unwrap_or_else(|| DEFAULT_DATA.into());
        let mut store = StoreConfig::new(&data);
        store.flush = args.flush.or(file.flush).unwrap_or(store.flush);
        store.max_lag_events = args
            .max_lag_events
            .or(file.max_lag_events)
            .unwrap_or(store.max_lag_events);
        store.max_lag_bytes = args
            .max_lag_bytes
            .or(file.max_lag_bytes)
            .unwrap_or(store.max_lag_bytes);
        store.lag_policy = args
            .lag_policy
            .or(file.lag_policy)
            .unwrap_or(store.lag_policy);
        store.cache_events = args
            .cache_events
            .or(file.cache_events)
            .unwrap_or(store.cache_events);
        store.cache_bytes = args
            .cache_bytes
            .or(file.cache_bytes)
            .unwrap_or(store.cache_bytes);
        store.history_cache_bytes = args
            .history_cache_bytes
            .or(file.history_cache_bytes)
            .unwrap_or(store.history_cache_bytes);
        if let Some(Idle(idle)) = args.session_idle.or(file.session_idle) {
            store.session_idle = idle;
        }
        let default_limits = MessageLimits::default();
        let limits = MessageLimits {
            text_chars: args
                .max_text_chars
                .or(file.max_text_chars)
                .unwrap_or(default_limits.text_chars),
            card_bytes: args
                .max_card_bytes
                .or(file.max_card_bytes)
                .unwrap_or(default_limits.card_bytes),
        };
        let onebot_profile = match (args.onebot_profile, file.onebot_profile) {
            (Some(profile), _) => profile,
            (None, Some(name)) => name.parse().context("onebot_profile")?,
            (None, None) => Profile::NapCat,
        };
        let onebot_message_format = match (args.onebot_message_format, file.onebot_message_format) {
            (Some(format), _) => format,
            (None, Some(name)) => name
                .parse()
                .map_err(anyhow::Error::msg)
                .context("onebot_message_format")?,
            (None, None) => MessageFormat::Array,
        };
        let onebot_defaults = FaceConfig::default();
        let onebot_reverse_urls: Vec<String> = if args.onebot_reverse_urls.is_empty() {
            file.onebot_reverse_urls
        } else {
            args.onebot_reverse_urls
        }
        .into_iter()
        .filter(|url| !url.trim().is_empty())
        .collect();
        for url in &onebot_reverse_urls {
            anyhow::ensure!(
                url.starts_with("ws://"),
                "OneBot reverse URL `{url}` must start with ws:// (wss:// is not supported: put \
                 lizi and the bot on one host or network, or a TLS proxy in front of the bot)"
            );
        }
        let onebot_post_urls: Vec<String> = if args.onebot_post_urls.is_empty() {
            file.onebot_post_urls
        } else {
            args.onebot_post_urls
        }
        .into_iter()
        .filter(|url| !url.trim().is_empty())
        .collect();
        for url in &onebot_post_urls {
            anyhow::ensure!(
                url.starts_with("http://") || url.starts_with("https://"),
                "OneBot POST URL `{url}` must start with http:// or https://"
            );
        }
        let onebot_connect: Vec<String> = if args.onebot_connect.is_empty() {
            file.onebot_connect
        } else {
            args.onebot_connect
        }
        .into_iter()
        .filter(|url| !url.trim().is_empty())
        .collect();
        for url in &onebot_connect {
            anyhow::ensure!(
                url.starts_with("ws://"),
                "OneBot connect URL `{url}` must start with ws:// (wss:// is not supported: put \
                 lizi and the implementation on one host or network)"
            );
        }
        let pacing_defaults = lizi_bridge::PacingConfig::default();
        let bridge_pacing = lizi_bridge::PacingConfig {
            account_per_minute: args
                .bridge_account_rate
                .or(file.bridge_account_rate)
                .unwrap_or(pacing_defaults.account_per_minute),
            group_per_minute: args
                .bridge_group_rate
                .or(file.bridge_group_rate)
                .unwrap_or(pacing_defaults.group_per_minute),
            max_wait: args
                .bridge_send_wait_ms
                .or(file.bridge_send_wait_ms)
                .map_or(pacing_defaults.max_wait, Duration::from_millis),
        };
        Ok(Settings {
            bridge_pacing,
            bridge_flash_as_picture: args
                .bridge_flash_as_picture
                .or(file.bridge_flash_as_picture)
                .unwrap_or(false),
            onebot_connect,
            bridge_drop_minor_notices: args
                .bridge_drop_minor_notices
                .or(file.bridge_drop_minor_notices)
                .unwrap_or(false),
            backend: args.backend.or(file.backend).unwrap_or_default(),
            onebot_accept: args
                .onebot_accept
                .or(file.onebot_accept)
                .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 6700))),
            onebot: FaceConfig {
                post_urls: onebot_post_urls,
                secret: args
                    .onebot_secret
                    .or(file.onebot_secret)
                    .filter(|s| !s.is_empty()),
                post_timeout_ms: args
                    .onebot_post_timeout_ms
                    .or(file.onebot_post_timeout_ms)
                    .unwrap_or(onebot_defaults.post_timeout_ms),
                drop_while_disconnected: args
                    .onebot_drop_while_disconnected
                    .or(file.onebot_drop_while_disconnected)
                    .unwrap_or(false),
                listen: args.onebot_listen.or(file.onebot_listen),
                token: args
                    .onebot_token
                    .or(file.onebot_token)
                    .filter(|t| !t.is_empty()),
                profile: onebot_profile,
                reverse_urls: onebot_reverse_urls,
                reconnect_ms: args
                    .onebot_reconnect_ms
                    .or(file.onebot_reconnect_ms)
                    .unwrap_or(onebot_defaults.reconnect_ms),
                heartbeat_ms: args
                    .onebot_heartbeat_ms
                    .or(file.onebot_heartbeat_ms)
                    .unwrap_or(onebot_defaults.heartbeat_ms),
                message_format: onebot_message_format,
                report_self: args
                    .onebot_report_self
                    .or(file.onebot_report_self)
                    .unwrap_or(onebot_defaults.report_self),
                forget_ids: args
                    .onebot_forget_ids
                    .or(file.onebot_forget_ids)
                    .unwrap_or(onebot_defaults.forget_ids),
            },
            limits,
            listen: args
                .listen
                .or(file.listen)
                .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 10429))),
            data,
            store,
            reset: args.reset,
            world: args.world.or(file.world.map(from_file)),
            log: args.log.or(file.log).unwrap_or_else(|| "info".into()),
            api: ApiConfig {
                password,
                token,
                allow_from,
                report_urls,
                max_body_bytes: args
                    .max_body_bytes
                    .or(file.max_body_bytes)
                    .unwrap_or(defaults.max_body_bytes),
                key_access: args.key_access.or(file.key_access).unwrap_or(false),
                media_dirs,
                fetch_max_bytes: args
                    .fetch_max_bytes
                    .or(file.fetch_max_bytes)
                    .unwrap_or(defaults.fetch_max_bytes),
                fetch_timeout_ms: args
                    .fetch_timeout_ms
                    .or(file.fetch_timeout_ms)
                    .unwrap_or(defaults.fetch_timeout_ms),
                fetch_allow_private: args
                    .fetch_allow_private
                    .or(file.fetch_allow_private)
                    .unwrap_or(false),
                public_url,
                extra_roots,
                max_params: args
                    .max_params
                    .or(file.max_params)
                    .unwrap_or(defaults.max_params),
                header_timeout_ms: args
                    .header_timeout_ms
                    .or(file.header_timeout_ms)
                    .unwrap_or(defaults.header_timeout_ms),
                idle_timeout_ms: args
                    .idle_timeout_ms
                    .or(file.idle_timeout_ms)
                    .unwrap_or(defaults.idle_timeout_ms),
                max_connections,
                ws_ping_interval_ms: args
                    .ws_ping_interval_ms
                    .or(file.ws_ping_interval_ms)
                    .unwrap_or(defaults.ws_ping_interval_ms),
                ws_timeout_ms: args
                    .ws_timeout_ms
                    .or(file.ws_timeout_ms)
                    .unwrap_or(defaults.ws_timeout_ms),
                body_timeout_ms: listener.body_timeout_ms.unwrap_or(defaults.body_timeout_ms),
                max_body_memory_bytes: listener
                    .max_body_memory_bytes
                    .unwrap_or(defaults.max_body_memory_bytes),
                allow_hosts: listener.allow_hosts,
                allow_origins: listener.allow_origins,
                ..defaults
            },
        })
    }
}

/// The settings every listening port shares (body deadline and memory budget, the names
/// and origins it accepts), as given by flags or the environment, or by the file.
struct ListenerSettings {
    body_timeout_ms: Option<u64>,
    max_body_memory_bytes: Option<usize>,
    allow_hosts: Vec<String>,
    allow_origins: Vec<String>,
}

impl ListenerSettings {
    /// The flags' values over the file's, checked: the budget holds at least one body of
    /// `max_body_bytes` (by default the larger of the two), and the names and origins
    /// parse.
    fn resolve(
        args: ListenerSettings,
        file: ListenerSettings,
        max_body_bytes: usize,
        public_url: Option<&str>,
    ) -> anyhow::Result<ListenerSettings> {
        let list = |given: Vec<String>, from_file: Vec<String>| -> Vec<String> {
            if given.is_empty() { from_file } else { given }
                .into_iter()
                .map(|item| item.trim().to_owned())
                .filter(|item| !item.is_empty())
                .collect()
        };
        let mut resolved = ListenerSettings {
            body_timeout_ms: args.body_timeout_ms.or(file.body_timeout_ms),
            max_body_memory_bytes: args.max_body_memory_bytes.or(file.max_body_memory_bytes),
            allow_hosts: list(args.allow_hosts, file.allow_hosts),
            allow_origins: list(args.allow_origins, file.allow_origins),
        };
        match resolved.max_body_memory_bytes {
            Some(budget) => anyhow::ensure!(
                budget >= max_body_bytes,
                "max_body_memory_bytes ({budget}) must be at least max_body_bytes \
                 ({max_body_bytes}), or a body of the largest size could never be read"
            ),
            None => {
                let default = ApiConfig::default().max_body_memory_bytes;
                resolved.max_body_memory_bytes = Some(default.max(max_body_bytes));
            }
        }
        lizi_http::Names::new(&resolved.allow_hosts, &resolved.allow_origins, public_url)
            .context("allow_hosts, allow_origins or public_url")?;
        Ok(resolved)
    }
}

/// Fails when an allow rule admits another machine: without a password or a token, the
/// API (the control API included) would let anyone who can connect act as every account.
fn refuse_remote_rules(texts: &[&str], rules: &[AllowRule]) -> anyhow::Result<()> {
    match texts
        .iter()
        .zip(rules)
        .find(|(_, rule)| !rule.is_loopback_only())
    {
        Some((text, _)) => anyhow::bail!(
            "allow_from `{text}` lets other machines connect, but neither a password nor a \
             token is set, so anyone who can connect could act as every account: set \
             --password or --token, or pass --insecure-open to accept that"
        ),
        None => Ok(()),
    }
}

fn read_config(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("config file {}", path.display()))
}
