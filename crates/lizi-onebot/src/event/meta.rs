//! Meta events (`post_type: "meta_event"`): lifecycle and heartbeat.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::tagged_enum;
use crate::action::BotStatus;
use crate::lenient::{de_i64, string_enum};

/// A meta event by `meta_event_type`.
#[derive(Debug, Clone, PartialEq)]
pub enum MetaEvent {
    /// `lifecycle`.
    Lifecycle(Lifecycle),
    /// `heartbeat`.
    Heartbeat(Heartbeat),
    /// Any other `meta_event_type`, or one that does not fit: the raw event.
    Other(Map<String, Value>),
}

tagged_enum! {
    MetaEvent by "meta_event_type" {
        Lifecycle = "lifecycle",
        Heartbeat = "heartbeat",
    }
}

string_enum! {
    /// `lifecycle` sub-types.
    LifecycleKind {
        /// OneBot enabled.
        Enable = "enable",
        /// OneBot disabled.
        Disable = "disable",
        /// A WebSocket connected.
        Connect = "connect",
    }
}

/// `meta_event/lifecycle`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lifecycle {
    /// Which.
    #[serde(default)]
    pub sub_type: LifecycleKind,
}

/// `meta_event/heartbeat`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heartbeat {
    /// The implementation's state, as `get_status` gives it.
    #[serde(default)]
    pub status: BotStatus,
    /// Milliseconds to the next heartbeat.
    #[serde(default, deserialize_with = "de_i64")]
    pub interval: i64,
}
