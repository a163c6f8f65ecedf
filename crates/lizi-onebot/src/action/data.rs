//! Typed response data: read leniently (ids as numbers or strings, `null` lists empty),
//! written exactly (ids as JSON numbers, field names as NapCat writes them).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::event::{Event, MessageType, Role, Sender, Sex};
use crate::lenient::{
    de_bool, de_i64, de_list, de_opt_i64, de_opt_string, de_opt_u64, de_string, de_u64,
};
use crate::message::{de_message, Message};

/// `{message_id}`: the sent message's id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageId {
    /// The message's OneBot id (int32, may be negative).
    #[serde(deserialize_with = "de_i64")]
    pub message_id: i64,
}

/// `get_msg` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageData {
    /// Send time (unix seconds).
    #[serde(default, deserialize_with = "de_i64")]
    pub time: i64,
    /// `private` or `group`.
    pub message_type: MessageType,
    /// The message's id.
    #[serde(default, deserialize_with = "de_i64")]
    pub message_id: i64,
    /// The message's real id.
    #[serde(default, deserialize_with = "de_i64")]
    pub real_id: i64,
    /// The sender.
    #[serde(default)]
    pub sender: Sender,
    /// The content (NapCat answers `""` for recalled messages).
    #[serde(default, deserialize_with = "de_message")]
    pub message: Message,
    /// The group, for group messages (NapCat).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_u64"
    )]
    pub group_id: Option<u64>,
}

/// `get_login_info` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginInfo {
    /// The account's QQ number.
    #[serde(deserialize_with = "de_u64")]
    pub user_id: u64,
    /// Its nickname.
    #[serde(default, deserialize_with = "de_string")]
    pub nickname: String,
}

/// `get_stranger_info` data (standard fields plus the common extensions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StrangerInfo {
    /// QQ number.
    #[serde(deserialize_with = "de_u64")]
    pub user_id: u64,
    /// Nickname.
    #[serde(default, deserialize_with = "de_string")]
    pub nickname: String,
    /// Sex.
    #[serde(default)]
    pub sex: Sex,
    /// Age.
    #[serde(default, deserialize_with = "de_i64")]
    pub age: i64,
    /// Signature (NapCat, LLOneBot).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub long_nick: Option<String>,
    /// Signature (Lagrange).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub sign: Option<String>,
    /// QQ level (Lagrange, LLOneBot; NapCat's `qqLevel` is read too).
    #[serde(
        default,
        alias = "qqLevel",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_i64"
    )]
    pub level: Option<i64>,
    /// The account's remark for the user (NapCat).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub remark: Option<String>,
    /// Country (LLOneBot).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub country: Option<String>,
    /// City (LLOneBot).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub city: Option<String>,
}

/// One entry of `get_friend_list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FriendInfo {
    /// QQ number.
    #[serde(deserialize_with = "de_u64")]
    pub user_id: u64,
    /// Nickname.
    #[serde(default, deserialize_with = "de_string")]
    pub nickname: String,
    /// Remark.
    #[serde(default, deserialize_with = "de_string")]
    pub remark: String,
}

/// `get_group_info` data and one entry of `get_group_list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupInfo {
    /// Group number.
    #[serde(deserialize_with = "de_u64")]
    pub group_id: u64,
    /// Group name.
    #[serde(default, deserialize_with = "de_string")]
    pub group_name: String,
    /// Members now.
    #[serde(default, deserialize_with = "de_i64")]
    pub member_count: i64,
    /// Member capacity.
    #[serde(default, deserialize_with = "de_i64")]
    pub max_member_count: i64,
    /// The account's remark for the group (NapCat).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub group_remark: Option<String>,
    /// The account's remark for the group (LLOneBot).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub remark_name: Option<String>,
}

/// `get_group_member_info` data and one entry of `get_group_member_list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupMemberInfo {
    /// Group number.
    #[serde(deserialize_with = "de_u64")]
    pub group_id: u64,
    /// QQ number.
    #[serde(deserialize_with = "de_u64")]
    pub user_id: u64,
    /// Nickname.
    #[serde(default, deserialize_with = "de_string")]
    pub nickname: String,
    /// Group card (`null` reads as empty).
    #[serde(default, deserialize_with = "de_string")]
    pub card: String,
    /// Sex.
    #[serde(default)]
    pub sex: Sex,
    /// Age.
    #[serde(default, deserialize_with = "de_i64")]
    pub age: i64,
    /// Area.
    #[serde(default, deserialize_with = "de_string")]
    pub area: String,
    /// Join time (unix seconds).
    #[serde(default, deserialize_with = "de_i64")]
    pub join_time: i64,
    /// Last message time (unix seconds).
    #[serde(default, deserialize_with = "de_i64")]
    pub last_sent_time: i64,
    /// Member level (a string in the standard).
    #[serde(default, deserialize_with = "de_string")]
    pub level: String,
    /// Role.
    #[serde(default)]
    pub role: Role,
    /// Whether the member has a bad record.
    #[serde(default, deserialize_with = "de_bool")]
    pub unfriendly: bool,
    /// Special title.
    #[serde(default, deserialize_with = "de_string")]
    pub title: String,
    /// Special title expiry (unix seconds, 0 = never).
    #[serde(default, deserialize_with = "de_i64")]
    pub title_expire_time: i64,
    /// Whether the card may be changed.
    #[serde(default, deserialize_with = "de_bool")]
    pub card_changeable: bool,
    /// End of the member's mute (unix seconds; NapCat, LLOneBot, go-cqhttp).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_i64"
    )]
    pub shut_up_timestamp: Option<i64>,
}

/// `get_cookies` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cookies {
    /// The cookie header value.
    #[serde(default, deserialize_with = "de_string")]
    pub cookies: String,
    /// The CSRF token of the skey, as a string (NapCat, LLOneBot; `""` without an skey).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub bkn: Option<String>,
}

/// `get_csrf_token` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsrfToken {
    /// The token.
    #[serde(deserialize_with = "de_i64")]
    pub token: i64,
}

/// `get_credentials` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Credentials {
    /// The cookie header value.
    #[serde(default, deserialize_with = "de_string")]
    pub cookies: String,
    /// The CSRF token (LLOneBot, Lagrange.OneBot).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_i64"
    )]
    pub csrf_token: Option<i64>,
    /// The CSRF token, under NapCat's name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_i64"
    )]
    pub token: Option<i64>,
}

/// `get_file` / `get_image` / `get_record` data (NapCat's and LLOneBot's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileData {
    /// Local path of the file on the implementation's host.
    #[serde(default, deserialize_with = "de_string")]
    pub file: String,
    /// Download URL (NapCat).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub url: Option<String>,
    /// Size in bytes, as a string.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub file_size: Option<String>,
    /// The file's name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub file_name: Option<String>,
    /// The content, base64, when the implementation is set to add it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub base64: Option<String>,
}

/// `can_send_image` / `can_send_record` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CanSend {
    /// Whether it can.
    #[serde(deserialize_with = "de_bool")]
    pub yes: bool,
}

/// `get_status` data (and a heartbeat's `status`): `online`, `good`, and whatever else the
/// implementation adds (`stat`, Lagrange's `app_*`), kept.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BotStatus {
    /// Whether the account is online (`null` when unknown).
    #[serde(default)]
    pub online: Option<bool>,
    /// Whether everything works.
    #[serde(default)]
    pub good: bool,
    /// Other fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `get_version_info` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionInfo {
    /// Implementation name.
    #[serde(default, deserialize_with = "de_string")]
    pub app_name: String,
    /// Implementation version.
    #[serde(default, deserialize_with = "de_string")]
    pub app_version: String,
    /// OneBot version (`v11`).
    #[serde(default, deserialize_with = "de_string")]
    pub protocol_version: String,
    /// Other fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `get_group_msg_history` / `get_friend_msg_history` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageHistory {
    /// The messages, as message events.
    #[serde(default, deserialize_with = "de_list")]
    pub messages: Vec<Event>,
}

/// `send_*_forward_msg` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForwardSent {
    /// The sent message's id.
    #[serde(deserialize_with = "de_i64")]
    pub message_id: i64,
    /// The forward id (`resid`), when reported.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub forward_id: Option<String>,
}
