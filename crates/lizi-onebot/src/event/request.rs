//! Request events (`post_type: "request"`): friend requests, join requests, invitations.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::tagged_enum;
use crate::lenient::{de_opt_u64, de_string, de_u64, string_enum};

/// A request by `request_type`.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestEvent {
    /// `friend`.
    Friend(FriendRequest),
    /// `group`.
    Group(GroupRequest),
    /// Any other `request_type`, or one that does not fit: the raw event.
    Other(Map<String, Value>),
}

tagged_enum! {
    RequestEvent by "request_type" {
        Friend = "friend",
        Group = "group",
    }
}

/// `request/friend`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FriendRequest {
    /// Who asks.
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
    /// Their message.
    #[serde(default, deserialize_with = "de_string")]
    pub comment: String,
    /// The handle `set_friend_add_request` takes (format differs per implementation).
    #[serde(default, deserialize_with = "de_string")]
    pub flag: String,
}

string_enum! {
    /// `request/group` sub-types.
    GroupRequestKind {
        /// Someone asks to join.
        Add = "add",
        /// The account is invited.
        Invite = "invite",
    }
}

/// `request/group`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRequest {
    /// Join request or invitation (NapCat has labelled invitations `add`).
    #[serde(default)]
    pub sub_type: GroupRequestKind,
    /// The group.
    #[serde(default, deserialize_with = "de_u64")]
    pub group_id: u64,
    /// Who asks, or who invites.
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
    /// Their message.
    #[serde(default, deserialize_with = "de_string")]
    pub comment: String,
    /// The handle `set_group_add_request` takes.
    #[serde(default, deserialize_with = "de_string")]
    pub flag: String,
    /// The inviter of a join request (Lagrange).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_u64"
    )]
    pub invitor_id: Option<u64>,
}
