//! The control actions of group administration and recall (`/sim/kick`, `/sim/mute`, …)
//! and the group and history views.
//!
//! Every change is done by a simulated user or a framework account (`operator`/`user`),
//! subject to the same group-role rules as the HTTP API.

use lizi_core::{ControlError, Gin, Uin};
use serde::Deserialize;

use super::body::{bad, json};

/// An action of this area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminControl {
    /// `kick`: a member is kicked.
    Kick(SimKick),
    /// `mute`: a member is muted or unmuted.
    Mute(SimMute),
    /// `leave`: someone leaves a group.
    Leave(SimLeave),
    /// `set_card`: a member's card is set.
    SetCard(SimSetCard),
    /// `recall`: a message is recalled.
    Recall(SimRecall),
    /// `set_admin`: the owner grants or removes an admin.
    SetAdmin(SimSetAdmin),
    /// `rename_group`: a group is renamed.
    RenameGroup(SimRenameGroup),
    /// `whole_mute`: a group's whole-group mute is switched.
    WholeMute(SimWholeMute),
    /// `group`: a read-only view of one group.
    GroupView(SimGroupView),
    /// `history`: a read-only view of a conversation's messages.
    History(SimHistory),
}

/// `POST /sim/kick`: `operator` removes `member` from `group`; with `block`, later join
/// requests of `member` are refused.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimKick {
    /// Who kicks (owner or admin).
    pub operator: Uin,
    /// The group.
    pub group: Gin,
    /// Who is kicked.
    pub member: Uin,
    /// Refuse the member's later join requests.
    #[serde(default)]
    pub block: bool,
}

/// `POST /sim/mute`: `operator` mutes `member` for `seconds` (0 unmutes).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimMute {
    /// Who mutes (owner or admin).
    pub operator: Uin,
    /// The group.
    pub group: Gin,
    /// Who is muted.
    pub member: Uin,
    /// Duration in seconds; 0 unmutes.
    pub seconds: u32,
}

/// `POST /sim/leave`: `user` leaves `group`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimLeave {
    /// Who leaves (not the owner).
    pub user: Uin,
    /// The group.
    pub group: Gin,
}

/// `POST /sim/set_card`: `operator` sets the group card of `member`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimSetCard {
    /// Who sets it (the member, or someone above the member).
    pub operator: Uin,
    /// The group.
    pub group: Gin,
    /// Whose card.
    pub member: Uin,
    /// The new card (may be empty).
    pub card: String,
}

/// `POST /sim/recall`: `user` recalls message `req`/`random` of `group`, or of the private
/// conversation with `to`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimRecall {
    /// Who recalls.
    pub user: Uin,
    /// The group of a group message.
    #[serde(default)]
    pub group: Option<Gin>,
    /// The peer of a private message.
    #[serde(default)]
    pub to: Option<Uin>,
    /// The message's `Req`.
    pub req: i64,
    /// The message's `Random`.
    pub random: i64,
}

/// `POST /sim/set_admin`: the owner `operator` grants or removes `member`'s admin role.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimSetAdmin {
    /// The owner.
    pub operator: Uin,
    /// The group.
    pub group: Gin,
    /// The member.
    pub member: Uin,
    /// Grant (`true`) or remove (`false`).
    pub admin: bool,
}

/// `POST /sim/rename_group`: `operator` (owner or admin) renames `group`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimRenameGroup {
    /// Who renames.
    pub operator: Uin,
    /// The group.
    pub group: Gin,
    /// The new name (not empty).
    pub name: String,
}

/// `POST /sim/whole_mute`: `operator` (owner or admin) switches `group`'s whole-group
/// mute on or off.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimWholeMute {
    /// Who switches it.
    pub operator: Uin,
    /// The group.
    pub group: Gin,
    /// On (`true`) or off.
    pub mute: bool,
}

/// `GET /sim/group?gin=N`: one group with members, roles, cards, mutes, positions and
/// settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimGroupView {
    /// The group.
    pub gin: Gin,
}

/// `GET /sim/history?group=N` or `?a=X&b=Y`: a page of the messages of a group or a
/// private pair, with `limit` and `before`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimHistory {
    /// A group.
    #[serde(default)]
    pub group: Option<Gin>,
    /// One side of a private conversation.
    #[serde(default)]
    pub a: Option<Uin>,
    /// The other side.
    #[serde(default)]
    pub b: Option<Uin>,
    /// Only messages with a `Req` below this (the page before one that began there).
    #[serde(default)]
    pub before: Option<i64>,
    /// The most messages in the page: [`HISTORY_PAGE`] when not given, at most
    /// [`HISTORY_PAGE_MAX`].
    #[serde(default)]
    pub limit: Option<usize>,
}

/// The messages in a `/sim/history` page when `limit` is not given.
pub const HISTORY_PAGE: usize = 100;

/// The most messages a `/sim/history` page may hold.
pub const HISTORY_PAGE_MAX: usize = 1000;

impl AdminControl {
    /// The action names this area takes (lower case).
    pub const ACTIONS: [&'static str; 10] = [
        "kick",
        "mute",
        "leave",
        "set_card",
        "recall",
        "set_admin",
        "rename_group",
        "whole_mute",
        "group",
        "history",
    ];

    /// Whether `action` (lower case) is one of this area's.
    pub fn takes(action: &str) -> bool {
        Self::ACTIONS.contains(&action)
    }

    /// Decodes `action` (lower case, one of [`ACTIONS`](Self::ACTIONS)) with its JSON body.
    pub fn decode(action: &str, body: &[u8]) -> Result<Self, ControlError> {
        Ok(match action {
            "kick" => AdminControl::Kick(json("kick", body)?),
            "mute" => AdminControl::Mute(json("mute", body)?),
            "leave" => AdminControl::Leave(json("leave", body)?),
            "set_card" => AdminControl::SetCard(json("set_card", body)?),
            "recall" => {
                let recall: SimRecall = json("recall", body)?;
                if recall.group.is_some() == recall.to.is_some() {
                    return Err(bad("recall", "give exactly one of `group` and `to`"));
                }
                AdminControl::Recall(recall)
            }
            "set_admin" => AdminControl::SetAdmin(json("set_admin", body)?),
            "rename_group" => {
                let rename: SimRenameGroup = json("rename_group", body)?;
                if rename.name.trim().is_empty() {
                    return Err(bad("rename_group", "`name` must not be empty"));
                }
                AdminControl::RenameGroup(rename)
            }
            "whole_mute" => AdminControl::WholeMute(json("whole_mute", body)?),
            "group" => AdminControl::GroupView(json("group", body)?),
            "history" => {
                let history: SimHistory = json("history", body)?;
                if history
                    .limit
                    .is_some_and(|n| n == 0 || n > HISTORY_PAGE_MAX)
                {
                    return Err(bad("history", "`limit` must be between 1 and 1000"));
                }
                match (history.group, history.a, history.b) {
                    (Some(_), None, None) | (None, Some(_), Some(_)) => {
                        AdminControl::History(history)
                    }
                    _ => return Err(bad("history", "give `group`, or both `a` and `b`")),
                }
            }
            other => return Err(ControlError::UnknownAction(other.to_owned())),
        })
    }

    /// Whether the action only reads.
    pub fn read_only(&self) -> bool {
        matches!(self, AdminControl::GroupView(_) | AdminControl::History(_))
    }

    /// The action's name.
    pub fn action(&self) -> &'static str {
        match self {
            AdminControl::Kick(_) => "kick",
            AdminControl::Mute(_) => "mute",
            AdminControl::Leave(_) => "leave",
            AdminControl::SetCard(_) => "set_card",
            AdminControl::Recall(_) => "recall",
            AdminControl::SetAdmin(_) => "set_admin",
            AdminControl::RenameGroup(_) => "rename_group",
            AdminControl::WholeMute(_) => "whole_mute",
            AdminControl::GroupView(_) => "group",
            AdminControl::History(_) => "history",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_checks_bodies() {
        let kick = AdminControl::decode("kick", br#"{"operator":1,"group":2,"member":3}"#);
        assert_eq!(
            kick,
            Ok(AdminControl::Kick(SimKick {
                operator: 1,
                group: 2,
                member: 3,
                block: false
            }))
        );
        assert!(!kick.unwrap().read_only());
        assert!(AdminControl::decode("recall", br#"{"user":1,"req":1,"random":2}"#).is_err());
        assert!(AdminControl::decode(
            "recall",
            br#"{"user":1,"group":2,"to":3,"req":1,"random":2}"#
        )
        .is_err());
        assert!(AdminControl::decode("history", br#"{"a":1}"#).is_err());
        assert!(
            AdminControl::decode("rename_group", br#"{"operator":1,"group":2,"name":" "}"#)
                .is_err()
        );
        assert!(AdminControl::decode("mute", br#"{"operator":1,"group":2,"member":3}"#).is_err());
        let view = AdminControl::decode("group", br#"{"gin":30001}"#).unwrap();
        assert!(view.read_only());
        assert_eq!(view.action(), "group");
    }
}
