//! OneBot face settings: the OneBot v11 API lizi serves to OneBot bots, on a listener of
//! its own, through reverse WebSockets it dials and through event POSTs.

use std::net::SocketAddr;

use clap::Args;
use lizi_onebot::Profile;
use lizi_onebot_face::config::MessageFormat;
use lizi_onebot_face::FaceConfig;
use serde::Deserialize;

use super::config_file::{parse_text, urls};

/// The OneBot face flags; each is also an environment variable and a config-file key.
#[derive(Debug, Default, Clone, Args, Deserialize)]
#[command(next_help_heading = "OneBot face")]
#[serde(default)]
pub struct OneBotFaceFlags {
    /// Address and port of the OneBot v11 HTTP API and forward WebSocket (port 0 picks a
    /// free port) [default: none].
    #[arg(long, env = "LIZI_ONEBOT_LISTEN", value_name = "ADDR:PORT")]
    pub onebot_listen: Option<SocketAddr>,
    /// Access token OneBot clients must present [default: none].
    #[arg(long, env = "LIZI_ONEBOT_TOKEN", value_name = "TEXT")]
    pub onebot_token: Option<String>,
    /// OneBot implementation whose envelopes and retcodes to reproduce: `napcat`,
    /// `lagrange` or `llonebot` [default: napcat].
    #[arg(long, env = "LIZI_ONEBOT_PROFILE", value_name = "PROFILE")]
    #[serde(deserialize_with = "parse_text")]
    pub onebot_profile: Option<Profile>,
    /// Reverse WebSocket URL lizi connects to as a OneBot client, one connection per online
    /// account (repeatable; comma-separated in the environment) [default: none].
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
    #[serde(deserialize_with = "parse_text")]
    pub onebot_message_format: Option<MessageFormat>,
    /// Report the accounts' own messages to OneBot clients (NapCat's `reportSelfMessage`)
    /// [default: false].
    #[arg(long, env = "LIZI_ONEBOT_REPORT_SELF", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub onebot_report_self: Option<bool>,
    /// Forget OneBot message ids on restart and after 5000 messages, as NapCat does
    /// [default: false].
    #[arg(long, env = "LIZI_ONEBOT_FORGET_IDS", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub onebot_forget_ids: Option<bool>,
    /// URL every OneBot event is POSTed to, with quick operations in the answer
    /// (repeatable; comma-separated in the environment) [default: none].
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
    /// Add the content as base64 to the answers of `get_file`, `get_image` and
    /// `get_record` (NapCat's and LLOneBot's `enableLocalFile2Url`) [default: false].
    #[arg(long, env = "LIZI_ONEBOT_MEDIA_BASE64", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub onebot_media_base64: Option<bool>,
}

impl OneBotFaceFlags {
    /// These flags over the config file's `file`.
    pub fn resolve(self, file: OneBotFaceFlags) -> anyhow::Result<FaceConfig> {
        let defaults = FaceConfig::default();
        let reverse_urls = urls(
            self.onebot_reverse_urls,
            file.onebot_reverse_urls,
            &["ws://"],
            |url| {
                format!(
                    "OneBot reverse URL `{url}` must start with ws:// (wss:// is not supported: \
                     put lizi and the bot on one host or network, or a TLS proxy in front of \
                     the bot)"
                )
            },
        )?;
        let post_urls = urls(
            self.onebot_post_urls,
            file.onebot_post_urls,
            &["http://", "https://"],
            |url| format!("OneBot POST URL `{url}` must start with http:// or https://"),
        )?;
        Ok(FaceConfig {
            listen: self.onebot_listen.or(file.onebot_listen),
            token: self
                .onebot_token
                .or(file.onebot_token)
                .filter(|t| !t.is_empty()),
            profile: self
                .onebot_profile
                .or(file.onebot_profile)
                .unwrap_or(defaults.profile),
            reverse_urls,
            reconnect_ms: self
                .onebot_reconnect_ms
                .or(file.onebot_reconnect_ms)
                .unwrap_or(defaults.reconnect_ms),
            heartbeat_ms: self
                .onebot_heartbeat_ms
                .or(file.onebot_heartbeat_ms)
                .unwrap_or(defaults.heartbeat_ms),
            message_format: self
                .onebot_message_format
                .or(file.onebot_message_format)
                .unwrap_or(defaults.message_format),
            report_self: self
                .onebot_report_self
                .or(file.onebot_report_self)
                .unwrap_or(defaults.report_self),
            forget_ids: self
                .onebot_forget_ids
                .or(file.onebot_forget_ids)
                .unwrap_or(defaults.forget_ids),
            post_urls,
            secret: self
                .onebot_secret
                .or(file.onebot_secret)
                .filter(|s| !s.is_empty()),
            post_timeout_ms: self
                .onebot_post_timeout_ms
                .or(file.onebot_post_timeout_ms)
                .unwrap_or(defaults.post_timeout_ms),
            drop_while_disconnected: self
                .onebot_drop_while_disconnected
                .or(file.onebot_drop_while_disconnected)
                .unwrap_or(false),
            media_dir: None,
            media_base64: self
                .onebot_media_base64
                .or(file.onebot_media_base64)
                .unwrap_or(defaults.media_base64),
        })
    }
}
