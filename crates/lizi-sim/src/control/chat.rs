//! The control actions of what people do in chats besides sending plain messages
//! ([`ChatControl`]): pokes, emoji reactions, essence marks, group announcements,
//! sign-ins and merged forwards, and the views of each (with the group honours).
//!
//! A view names the `viewer` it is read for when it is read on someone's behalf (the
//! OneBot face reads as its account): a viewer must be a member of the group.

use lizi_core::{ControlError, Gin, Uin};
use serde::Deserialize;

use super::body::{bad, json};
use super::social::BundleMessage;

/// An action of this area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatControl {
    /// `poke`: someone pokes someone, in a group or between friends.
    Poke(SimPoke),
    /// `react`: a member reacts to a group message with a face, or takes it back.
    React(SimReact),
    /// `set_essence`: an owner or admin marks a group message as essence, or unmarks it.
    SetEssence(SimSetEssence),
    /// `announce`: an owner or admin posts a group announcement.
    Announce(SimAnnounce),
    /// `delete_announcement`: an owner or admin deletes a group announcement.
    DeleteAnnouncement(SimDeleteAnnouncement),
    /// `sign_in`: a member signs in (打卡) to a group for the day.
    SignIn(SimSignIn),
    /// `forward`: someone sends a merged forward of messages.
    Forward(SimForward),
    /// `essence`: a group's essence messages (read-only).
    Essence(SimGroupView),
    /// `reactions`: the reactions to a group message (read-only).
    Reactions(SimReactionsView),
    /// `announcements`: a group's announcements (read-only).
    Announcements(SimGroupView),
    /// `sign_ins`: who signed in to a group on a day (read-only).
    SignIns(SimSignInsView),
    /// `honours`: a group's honours (read-only).
    Honours(SimGroupView),
}

/// `POST /sim/poke`: `from` pokes `target`, in `group` or, without it, as friends.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimPoke {
    /// Who pokes.
    pub from: Uin,
    /// Who is poked (may be `from`: QQ lets one poke oneself).
    pub target: Uin,
    /// The group both are in; a friend poke without it.
    #[serde(default)]
    pub group: Option<Gin>,
}

/// `POST /sim/react`: `user` reacts to message `req` of `group` with face `emoji`, or
/// takes the reaction back (`add: false`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimReact {
    /// Who reacts.
    pub user: Uin,
    /// The group.
    pub group: Gin,
    /// The message's `Req`.
    pub req: i64,
    /// The face id (QQ's emoji code), digits.
    pub emoji: String,
    /// Add (the default) or take back.
    #[serde(default = "yes")]
    pub add: bool,
}

/// `POST /sim/set_essence`: `operator` marks message `req` of `group` as essence, or
/// unmarks it (`essence: false`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimSetEssence {
    /// Who marks it (owner or admin).
    pub operator: Uin,
    /// The group.
    pub group: Gin,
    /// The message's `Req`.
    pub req: i64,
    /// Mark (the default) or unmark.
    #[serde(default = "yes")]
    pub essence: bool,
}

/// `POST /sim/announce`: `operator` posts `text` as an announcement of `group`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimAnnounce {
    /// Who posts it (owner or admin).
    pub operator: Uin,
    /// The group.
    pub group: Gin,
    /// The announcement's text.
    pub text: String,
    /// A picture the network holds, by hash.
    #[serde(default)]
    pub image: Option<String>,
    /// Pinned to the top (置顶).
    #[serde(default)]
    pub pinned: bool,
    /// Members must confirm they read it (the default, as in QQ).
    #[serde(default = "yes")]
    pub confirm_required: bool,
}

/// `POST /sim/delete_announcement`: `operator` deletes announcement `notice_id` of
/// `group`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimDeleteAnnouncement {
    /// Who deletes it (owner or admin).
    pub operator: Uin,
    /// The group.
    pub group: Gin,
    /// The announcement's id.
    pub notice_id: String,
}

/// `POST /sim/sign_in`: `user` signs in to `group` for the day.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimSignIn {
    /// Who signs in.
    pub user: Uin,
    /// The group.
    pub group: Gin,
}

/// `POST /sim/forward`: `from` sends `messages` as one merged forward to `to`
/// (private), to `group`, or to `to` through `group` (temporary session).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimForward {
    /// The sender.
    pub from: Uin,
    /// The receiver of a private or temporary-session forward.
    #[serde(default)]
    pub to: Option<Uin>,
    /// The group of a group or temporary-session forward.
    #[serde(default)]
    pub group: Option<Gin>,
    /// The forwarded messages, in order.
    pub messages: Vec<BundleMessage>,
}

/// `GET /sim/essence|announcements|honours?group=N`: one group's, read for `viewer`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimGroupView {
    /// The group.
    pub group: Gin,
    /// Who reads it (must be a member); anyone when absent.
    #[serde(default)]
    pub viewer: Option<Uin>,
}

/// `GET /sim/reactions?group=N&req=R`: the reactions to one group message.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimReactionsView {
    /// The group.
    pub group: Gin,
    /// The message's `Req`.
    pub req: i64,
    /// Who reads it (must be a member); anyone when absent.
    #[serde(default)]
    pub viewer: Option<Uin>,
}

/// `GET /sim/sign_ins?group=N`: who signed in to a group on `day` (today when absent).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimSignInsView {
    /// The group.
    pub group: Gin,
    /// The day, as days since 1970-01-01 in China's time; today when absent.
    #[serde(default)]
    pub day: Option<i64>,
    /// Who reads it (must be a member); anyone when absent.
    #[serde(default)]
    pub viewer: Option<Uin>,
}

fn yes() -> bool {
    true
}

impl ChatControl {
    /// The action names this area takes (lower case).
    pub const ACTIONS: [&'static str; 12] = [
        "poke",
        "react",
        "set_essence",
        "announce",
        "delete_announcement",
        "sign_in",
        "forward",
        "essence",
        "reactions",
        "announcements",
        "sign_ins",
        "honours",
    ];

    /// Whether `action` (lower case) is one of this area's.
    pub fn takes(action: &str) -> bool {
        Self::ACTIONS.contains(&action)
    }

    /// Decodes `action` (lower case, one of [`ACTIONS`](Self::ACTIONS)) with its JSON body.
    pub fn decode(action: &str, body: &[u8]) -> Result<Self, ControlError> {
        Ok(match action {
            "poke" => ChatControl::Poke(json(action, body)?),
            "react" => {
                let react: SimReact = json(action, body)?;
                if react.emoji.is_empty() || !react.emoji.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad(action, "`emoji` must be a face id (digits)"));
                }
                ChatControl::React(react)
            }
            "set_essence" => ChatControl::SetEssence(json(action, body)?),
            "announce" => {
                let announce: SimAnnounce = json(action, body)?;
                if announce.text.trim().is_empty() {
                    return Err(bad(action, "`text` must not be empty"));
                }
                ChatControl::Announce(announce)
            }
            "delete_announcement" => ChatControl::DeleteAnnouncement(json(action, body)?),
            "sign_in" => ChatControl::SignIn(json(action, body)?),
            "forward" => {
                let forward: SimForward = json(action, body)?;
                if forward.to.is_none() && forward.group.is_none() {
                    return Err(bad(action, "give `to`, `group`, or both"));
                }
                ChatControl::Forward(forward)
            }
            "essence" => ChatControl::Essence(json(action, body)?),
            "reactions" => ChatControl::Reactions(json(action, body)?),
            "announcements" => ChatControl::Announcements(json(action, body)?),
            "sign_ins" => ChatControl::SignIns(json(action, body)?),
            "honours" => ChatControl::Honours(json(action, body)?),
            other => return Err(ControlError::UnknownAction(other.to_owned())),
        })
    }

    /// Whether the action only reads.
    pub fn read_only(&self) -> bool {
        matches!(
            self,
            ChatControl::Essence(_)
                | ChatControl::Reactions(_)
                | ChatControl::Announcements(_)
                | ChatControl::SignIns(_)
                | ChatControl::Honours(_)
        )
    }

    /// The action's name.
    pub fn action(&self) -> &'static str {
        match self {
            ChatControl::Poke(_) => "poke",
            ChatControl::React(_) => "react",
            ChatControl::SetEssence(_) => "set_essence",
            ChatControl::Announce(_) => "announce",
            ChatControl::DeleteAnnouncement(_) => "delete_announcement",
            ChatControl::SignIn(_) => "sign_in",
            ChatControl::Forward(_) => "forward",
            ChatControl::Essence(_) => "essence",
            ChatControl::Reactions(_) => "reactions",
            ChatControl::Announcements(_) => "announcements",
            ChatControl::SignIns(_) => "sign_ins",
            ChatControl::Honours(_) => "honours",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_checks_bodies() {
        let poke = ChatControl::decode("poke", br#"{"from":20001,"target":10001}"#).unwrap();
        assert_eq!(
            poke,
            ChatControl::Poke(SimPoke {
                from: 20001,
                target: 10001,
                group: None
            })
        );
        assert!(!poke.read_only());
        let react = br#"{"user":1,"group":2,"req":3,"emoji":"76"}"#;
        assert!(matches!(
            ChatControl::decode("react", react),
            Ok(ChatControl::React(SimReact { add: true, .. }))
        ));
        let not_a_face = br#"{"user":1,"group":2,"req":3,"emoji":"smile"}"#;
        assert!(ChatControl::decode("react", not_a_face).is_err());
        let blank = br#"{"operator":1,"group":2,"text":" "}"#;
        assert!(ChatControl::decode("announce", blank).is_err());
        let nowhere = br#"{"from":1,"messages":[{"from":1,"text":"a"}]}"#;
        assert!(ChatControl::decode("forward", nowhere).is_err());
        let view = ChatControl::decode("honours", br#"{"group":30001}"#).unwrap();
        assert!(view.read_only());
        assert_eq!(view.action(), "honours");
    }
}
