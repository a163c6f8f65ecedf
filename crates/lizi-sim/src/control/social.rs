//! The control actions of the friends, requests, profile and cards area
//! ([`SocialControl`]).

use lizi_core::{ControlError, Gin, Uin};
use serde::Deserialize;

use super::body::{bad, json};

/// A control action of the social area: other people ask, answer, change their profile,
/// like, send red packets and build forwarded bundles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocialControl {
    /// `friend_request`: `from` asks `to` to be friends.
    FriendRequest(FriendRequest),
    /// `join_request`: `from` asks to join `group`.
    JoinRequest(JoinRequest),
    /// `invite`: `from` invites framework account `to` into `group`.
    Invite(Invite),
    /// `answer`: `user` answers the pending request `seq`.
    Answer(Answer),
    /// `set_nickname`: `user` changes their nickname.
    SetNickname(SetNickname),
    /// `set_signature`: `user` changes their signature.
    SetSignature(SetSignature),
    /// `like`: `from` likes `to`'s profile.
    Like(Like),
    /// `red_packet`: `from` sends a red packet to `group`.
    RedPacket(RedPacket),
    /// `bundle`: a forwarded-messages bundle; answers its `resid`.
    Bundle(Bundle),
    /// `requests`: the pending requests (read-only).
    Requests,
}

/// Body of `friend_request`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FriendRequest {
    /// Who asks.
    pub from: Uin,
    /// Who is asked.
    pub to: Uin,
    /// The request message.
    #[serde(default)]
    pub text: Option<String>,
    /// QQ finds it doubtful (可疑): no event, listed apart (`to` must be an account).
    #[serde(default)]
    pub doubt: bool,
}

/// Body of `join_request`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    /// Who asks.
    pub from: Uin,
    /// The group.
    pub group: Gin,
    /// The request message.
    #[serde(default)]
    pub text: Option<String>,
    /// QQ filters it out (risk control): no event, listed apart.
    #[serde(default)]
    pub filtered: bool,
}

/// Body of `invite`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    /// The inviting member.
    pub from: Uin,
    /// The invited framework account.
    pub to: Uin,
    /// The group.
    pub group: Gin,
}

/// Body of `answer`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// Who answers: the asked user, or an owner/admin of the group.
    pub user: Uin,
    /// The request's handle.
    pub seq: i64,
    /// Accept (true) or refuse (false).
    pub accept: bool,
    /// Why it was refused.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Body of `set_nickname`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetNickname {
    /// Who.
    pub user: Uin,
    /// The new nickname.
    pub nickname: String,
}

/// Body of `set_signature`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetSignature {
    /// Who.
    pub user: Uin,
    /// The new signature.
    pub signature: String,
}

/// Body of `like`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Like {
    /// Who likes.
    pub from: Uin,
    /// Whose profile.
    pub to: Uin,
}

/// Body of `red_packet`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedPacket {
    /// The sender.
    pub from: Uin,
    /// The group.
    pub group: Gin,
    /// The greeting.
    pub title: String,
    /// Total amount in cents.
    pub amount: i64,
    /// Number of packets.
    pub count: i64,
}

/// Body of `bundle`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// The messages, in order.
    pub messages: Vec<BundleMessage>,
}

/// One message of a [`Bundle`] (or of a forward sent with `forward`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleMessage {
    /// The sender.
    pub from: Uin,
    /// The group it was said in, if any.
    #[serde(default)]
    pub group: Option<Gin>,
    /// The text, with text codes.
    pub text: String,
    /// The name shown for the sender; with it, `from` may be any number, as QQ shows a
    /// forwarded node made up by its sender (else the sender's card or nickname).
    #[serde(default)]
    pub name: Option<String>,
    /// When it was said (unix seconds; the bundle's time when absent).
    #[serde(default)]
    pub time: Option<i64>,
}

impl SocialControl {
    /// The action names this area takes (lower case).
    pub const ACTIONS: [&'static str; 10] = [
        "friend_request",
        "join_request",
        "invite",
        "answer",
        "set_nickname",
        "set_signature",
        "like",
        "red_packet",
        "bundle",
        "requests",
    ];

    /// Whether `action` (lower case) is one of this area's.
    pub fn takes(action: &str) -> bool {
        Self::ACTIONS.contains(&action)
    }

    /// Decodes `action` (lower case, one of [`ACTIONS`](Self::ACTIONS)) with its JSON body.
    pub fn decode(action: &str, body: &[u8]) -> Result<SocialControl, ControlError> {
        Ok(match action {
            "friend_request" => SocialControl::FriendRequest(json("friend_request", body)?),
            "join_request" => SocialControl::JoinRequest(json("join_request", body)?),
            "invite" => SocialControl::Invite(json("invite", body)?),
            "answer" => SocialControl::Answer(json("answer", body)?),
            "set_nickname" => {
                let request: SetNickname = json("set_nickname", body)?;
                if request.nickname.trim().is_empty() {
                    return Err(bad("set_nickname", "`nickname` must not be empty"));
                }
                SocialControl::SetNickname(request)
            }
            "set_signature" => SocialControl::SetSignature(json("set_signature", body)?),
            "like" => SocialControl::Like(json("like", body)?),
            "red_packet" => {
                let request: RedPacket = json("red_packet", body)?;
                if request.count < 1 || request.count > 100 {
                    return Err(bad("red_packet", "`count` must be 1 to 100"));
                }
                if request.amount < request.count || request.amount > 20_000 * request.count {
                    return Err(bad(
                        "red_packet",
                        "`amount` (cents) must be at least 1 and at most 20000 per packet",
                    ));
                }
                SocialControl::RedPacket(request)
            }
            "bundle" => {
                let request: Bundle = json("bundle", body)?;
                if request.messages.is_empty() {
                    return Err(bad("bundle", "`messages` must not be empty"));
                }
                if request.messages.iter().any(|m| m.text.is_empty()) {
                    return Err(bad("bundle", "every message needs a `text`"));
                }
                SocialControl::Bundle(request)
            }
            "requests" => SocialControl::Requests,
            other => return Err(ControlError::UnknownAction(other.to_owned())),
        })
    }

    /// Whether the action only reads.
    pub fn read_only(&self) -> bool {
        matches!(self, SocialControl::Requests)
    }

    /// The action's name.
    pub fn action(&self) -> &'static str {
        match self {
            SocialControl::FriendRequest(_) => "friend_request",
            SocialControl::JoinRequest(_) => "join_request",
            SocialControl::Invite(_) => "invite",
            SocialControl::Answer(_) => "answer",
            SocialControl::SetNickname(_) => "set_nickname",
            SocialControl::SetSignature(_) => "set_signature",
            SocialControl::Like(_) => "like",
            SocialControl::RedPacket(_) => "red_packet",
            SocialControl::Bundle(_) => "bundle",
            SocialControl::Requests => "requests",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_checks() {
        let answer = SocialControl::decode("answer", br#"{"user":20001,"seq":3,"accept":true}"#);
        assert_eq!(
            answer,
            Ok(SocialControl::Answer(Answer {
                user: 20001,
                seq: 3,
                accept: true,
                reason: None
            }))
        );
        assert!(SocialControl::decode("answer", br#"{"user":1}"#).is_err());
        assert!(SocialControl::decode("like", br#"{"from":1,"to":2,"x":1}"#).is_err());
        let packet = br#"{"from":1,"group":2,"title":"t","amount":1,"count":2}"#;
        assert!(SocialControl::decode("red_packet", packet).is_err());
        assert!(SocialControl::decode("bundle", br#"{"messages":[]}"#).is_err());
        assert!(SocialControl::decode("requests", b"").unwrap().read_only());
        assert!(SocialControl::takes("bundle") && !SocialControl::takes("message"));
    }
}
