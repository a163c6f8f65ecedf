//! What a backend answers: a [`Reply`] on success, a [`Failure`] otherwise.

use crate::event::GroupMsg;
use crate::model::{
    Friend, GroupEntry, GroupFile, GroupInfo, LogonAccount, Member, RedPacket, UserInfo,
};

/// Identifies a sent message, as the send endpoints answer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Receipt {
    /// Message request number.
    pub req: i64,
    /// Random id.
    pub random: i64,
    /// Send time (unix seconds).
    pub time: i64,
}

/// A successful backend result.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// Done, nothing to report (`true`, `OK`, retcode 0).
    Done,
    /// A message was sent.
    Sent(Receipt),
    /// Plain text.
    Text(String),
    /// Friends.
    Friends(Vec<Friend>),
    /// Groups.
    Groups(Vec<GroupEntry>),
    /// Group members.
    Members(Vec<Member>),
    /// Group files.
    Files(Vec<GroupFile>),
    /// Red packets.
    RedPackets(Vec<RedPacket>),
    /// A user's profile.
    User(Box<UserInfo>),
    /// A group's information.
    Group(GroupInfo),
    /// A forwarded bundle.
    Forwarded(Vec<GroupMsg>),
    /// The framework accounts.
    Accounts(Vec<LogonAccount>),
    /// Arbitrary JSON (control API answers).
    Json(serde_json::Value),
}

/// Why a backend call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// `fromqq`/`logonqq` is not a framework account.
    UnknownAccount,
    /// The framework account is not logged in.
    Offline,
    /// No such user.
    UnknownUser,
    /// No such group.
    UnknownGroup,
    /// The peer is not a friend.
    NotFriend,
    /// Not a member of the group.
    NotMember,
    /// The role does not allow it.
    NoPermission,
    /// Muted.
    Muted,
    /// The thing referred to (message, file, request) does not exist.
    NotFound,
    /// Refused by the network's rules (limits, settings).
    Refused,
    /// The request makes no sense in the current state.
    Invalid,
    /// The message is longer than QQ allows.
    TooLong,
    /// The backend does not implement this endpoint (yet).
    NotImplemented,
    /// Something broke inside lizi.
    Internal,
}

impl FailureKind {
    /// The `retcode` carried in retcode text.
    pub fn retcode(self) -> i64 {
        match self {
            FailureKind::UnknownAccount => 1,
            FailureKind::Offline => 2,
            FailureKind::UnknownUser => 3,
            FailureKind::UnknownGroup => 4,
            FailureKind::NotFriend => 5,
            FailureKind::NotMember => 6,
            FailureKind::NoPermission => 7,
            FailureKind::Muted => 8,
            FailureKind::NotFound => 9,
            FailureKind::Refused => 10,
            FailureKind::Invalid => 11,
            FailureKind::TooLong => 12,
            FailureKind::NotImplemented => 98,
            FailureKind::Internal => 99,
        }
    }

    /// A short machine-readable name.
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::UnknownAccount => "unknown_account",
            FailureKind::Offline => "offline",
            FailureKind::UnknownUser => "unknown_user",
            FailureKind::UnknownGroup => "unknown_group",
            FailureKind::NotFriend => "not_friend",
            FailureKind::NotMember => "not_member",
            FailureKind::NoPermission => "no_permission",
            FailureKind::Muted => "muted",
            FailureKind::NotFound => "not_found",
            FailureKind::Refused => "refused",
            FailureKind::Invalid => "invalid",
            FailureKind::TooLong => "too_long",
            FailureKind::NotImplemented => "not_implemented",
            FailureKind::Internal => "internal",
        }
    }
}

/// A failed backend call: what kind of failure, and a readable reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    /// The kind.
    pub kind: FailureKind,
    /// The reason, for people.
    pub message: String,
}

impl Failure {
    /// A failure of `kind` with `message`.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
        }
    }

    /// The standard answer for an endpoint a backend does not implement.
    pub fn not_implemented(path: &str, backend: &str) -> Self {
        Failure::new(
            FailureKind::NotImplemented,
            format!("{path} is not implemented by the {backend} backend yet"),
        )
    }
}
