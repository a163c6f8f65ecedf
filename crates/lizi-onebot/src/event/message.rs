//! Message events: private and group, with the id extensions NapCat, LLOneBot and
//! Lagrange add (`message_seq`, `real_id`, NapCat's string `real_seq`, `message_style`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{tagged_enum, Anonymous, Sender};
use crate::lenient::{
    de_i64, de_opt_i64, de_opt_string, de_opt_u64, de_string, de_u64, string_enum,
};
use crate::message::{de_message, Message};

/// A message event by `message_type`.
#[derive(Debug, Clone, PartialEq)]
pub enum MessageEvent {
    /// `private`.
    Private(PrivateMessage),
    /// `group`.
    Group(GroupMessage),
    /// Any other `message_type`, or one that does not fit: the raw event.
    Other(Map<String, Value>),
}

tagged_enum! {
    MessageEvent by "message_type" {
        Private = "private",
        Group = "group",
    }
}

string_enum! {
    /// A private message's `sub_type`.
    PrivateSubType {
        /// From a friend.
        Friend = "friend",
        /// A temporary session through a group.
        Group = "group",
        /// The account's own message from another device (go-cqhttp).
        GroupSelf = "group_self",
        /// Anything else the standard calls `other`.
        Misc = "other",
    }
}

string_enum! {
    /// A group message's `sub_type`.
    GroupSubType {
        /// A member's message.
        Normal = "normal",
        /// An anonymous message.
        Anonymous = "anonymous",
        /// A system notice in the chat.
        Notice = "notice",
    }
}

/// A private message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrivateMessage {
    /// Friend or temporary session.
    #[serde(default)]
    pub sub_type: PrivateSubType,
    /// The message's OneBot id.
    #[serde(default, deserialize_with = "de_i64")]
    pub message_id: i64,
    /// The sender.
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
    /// The content.
    #[serde(default, deserialize_with = "de_message")]
    pub message: Message,
    /// The content as a CQ string (never trust it: escaping and emptiness vary).
    #[serde(default, deserialize_with = "de_string")]
    pub raw_message: String,
    /// Font id.
    #[serde(default, deserialize_with = "de_i64")]
    pub font: i64,
    /// The sender's profile.
    #[serde(default)]
    pub sender: Sender,
    /// The receiver (Lagrange, go-cqhttp).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_u64"
    )]
    pub target_id: Option<u64>,
    /// The group of a temporary session, at the top (NapCat; LLOneBot puts it in
    /// `sender.group_id`, Lagrange nowhere).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_u64"
    )]
    pub group_id: Option<u64>,
    /// The source of a temporary session (NapCat, go-cqhttp).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_i64"
    )]
    pub temp_source: Option<i64>,
    /// NapCat's and LLOneBot's extra ids and format.
    #[serde(flatten)]
    pub extras: MessageExtras,
}

/// A group message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupMessage {
    /// Normal, anonymous or notice.
    #[serde(default)]
    pub sub_type: GroupSubType,
    /// The message's OneBot id.
    #[serde(default, deserialize_with = "de_i64")]
    pub message_id: i64,
    /// The group.
    #[serde(default, deserialize_with = "de_u64")]
    pub group_id: u64,
    /// The sender.
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
    /// The anonymous sender, `null` when not anonymous (always written).
    #[serde(default)]
    pub anonymous: Option<Anonymous>,
    /// The content.
    #[serde(default, deserialize_with = "de_message")]
    pub message: Message,
    /// The content as a CQ string (never trust it: escaping and emptiness vary).
    #[serde(default, deserialize_with = "de_string")]
    pub raw_message: String,
    /// Font id.
    #[serde(default, deserialize_with = "de_i64")]
    pub font: i64,
    /// The sender's profile.
    #[serde(default)]
    pub sender: Sender,
    /// The group's name (NapCat, LLOneBot).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub group_name: Option<String>,
    /// NapCat's and LLOneBot's extra ids and format.
    #[serde(flatten)]
    pub extras: MessageExtras,
    /// Lagrange's bubble/pendant/font ids, kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_style: Option<Value>,
}

/// The ids and format NapCat and LLOneBot add to message events; absent ones are `None`
/// and not written.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MessageExtras {
    /// The QQ message sequence.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_i64"
    )]
    pub message_seq: Option<i64>,
    /// NapCat's `real_id`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_i64"
    )]
    pub real_id: Option<i64>,
    /// NapCat's `real_seq` (a string there).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub real_seq: Option<String>,
    /// NapCat's `message_format` (`array` or `string`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub message_format: Option<String>,
}
