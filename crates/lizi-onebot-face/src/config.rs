//! The OneBot face's settings.

use std::net::SocketAddr;
use std::path::PathBuf;

use lizi_onebot::Profile;

/// How the OneBot face serves (the defaults are NapCat's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceConfig {
    /// Where the HTTP API listens; `None` keeps the face off.
    pub listen: Option<SocketAddr>,
    /// The access token clients must present, if any.
    pub token: Option<String>,
    /// The implementation whose envelopes and retcodes to reproduce.
    pub profile: Profile,
    /// Reverse WebSocket URLs lizi connects to.
    pub reverse_urls: Vec<String>,
    /// Pause before a dropped reverse connection is tried again, in milliseconds.
    pub reconnect_ms: u64,
    /// Interval of heartbeat meta events, in milliseconds.
    pub heartbeat_ms: u64,
    /// How events carry `message` and `raw_message`.
    pub message_format: MessageFormat,
    /// Whether the account's own messages are reported (NapCat's `reportSelfMessage`).
    pub report_self: bool,
    /// Whether message ids die on restart and after 5000 messages, as NapCat's do.
    pub forget_ids: bool,
    /// URLs every event is POSTed to (HTTP POST, with quick operations).
    pub post_urls: Vec<String>,
    /// The secret of the `X-Signature` HMAC of POSTed events, if any.
    pub secret: Option<String>,
    /// Timeout of one event POST, in milliseconds.
    pub post_timeout_ms: u64,
    /// NapCat's behaviour: a transport skips what arrived while it was not connected,
    /// instead of catching up.
    pub drop_while_disconnected: bool,
    /// The folder `download_file` saves into and `get_file`, `get_image`, `get_record`
    /// answer local paths in (lizi gives the first media folder when it starts the face);
    /// `None`: no local paths.
    pub media_dir: Option<PathBuf>,
    /// Whether `get_file`, `get_image` and `get_record` add the content as base64 (NapCat's
    /// and LLOneBot's `enableLocalFile2Url`).
    pub media_base64: bool,
}

/// How events carry messages (docs/onebot-implementations.md#message-formats).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageFormat {
    /// Segment arrays (NapCat's, Lagrange's and LLOneBot's default).
    #[default]
    Array,
    /// CQ-code strings.
    String,
}

impl std::str::FromStr for MessageFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "array" => Ok(MessageFormat::Array),
            "string" => Ok(MessageFormat::String),
            other => Err(format!(
                "unknown OneBot message format `{other}` (expected `array` or `string`)"
            )),
        }
    }
}

impl Default for FaceConfig {
    fn default() -> Self {
        FaceConfig {
            listen: None,
            token: None,
            profile: Profile::NapCat,
            reverse_urls: Vec::new(),
            reconnect_ms: 5000,
            heartbeat_ms: 30000,
            message_format: MessageFormat::Array,
            report_self: false,
            forget_ids: false,
            post_urls: Vec::new(),
            secret: None,
            post_timeout_ms: 5000,
            drop_while_disconnected: false,
            media_dir: None,
            media_base64: false,
        }
    }
}
