//! The control actions of what a framework account keeps for itself and may still do
//! ([`AccountControl`]): its remarks for friends and groups, how it takes each group's
//! messages (QQ's message mask), its friend categories, what is
//! left of its mentions of everyone today, and its favourite stickers. XLZ has no endpoint
//! for these; the OneBot face reaches them through here, and so may a person at the
//! console.

use lizi_core::{ControlError, Gin, Uin};
use serde::Deserialize;

use super::body::{bad, json};

/// A control action of an account's own things.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountControl {
    /// `set_remark`: the account's remark for a friend or a group.
    SetRemark(SetRemark),
    /// `remarks`: the account's remarks for friends and groups (read-only).
    Remarks(OfAccount),
    /// `categories`: the account's friend categories (read-only).
    Categories(OfAccount),
    /// `set_category`: the account moves a friend into one of its categories.
    SetCategory(SetCategory),
    /// `set_group_mask`: how the account takes a group's messages.
    SetGroupMask(SetGroupMask),
    /// `group_masks`: the account's masks that are not QQ's default (read-only).
    GroupMasks(OfAccount),
    /// `at_all_remain`: what is left of the account's mentions of everyone in a group
    /// today (read-only).
    AtAllRemain(AtAllRemain),
    /// `stickers`: the account's favourite stickers (read-only).
    Stickers(OfAccount),
    /// `add_sticker`: the account keeps a picture the network holds as a sticker.
    AddSticker(AddSticker),
    /// `remove_sticker`: the account drops stickers.
    RemoveSticker(RemoveSticker),
    /// `describe_sticker`: the account describes a sticker.
    DescribeSticker(DescribeSticker),
}

/// Body of `set_remark`: `account`'s remark for friend `user` or for `group` (one of them);
/// an empty `remark` clears it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetRemark {
    /// The framework account.
    pub account: Uin,
    /// The friend.
    #[serde(default)]
    pub user: Option<Uin>,
    /// The group.
    #[serde(default)]
    pub group: Option<Gin>,
    /// The remark.
    pub remark: String,
}

/// Body of `set_group_mask`: how `account` takes group `group`'s messages — QQ's mask: 1
/// take and notify (the default), 2 into the group assistant, 3 block, 4 take without
/// notifying.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetGroupMask {
    /// The framework account.
    pub account: Uin,
    /// The group.
    pub group: Gin,
    /// The mask, 1 to 4.
    pub mask: i64,
}

/// Body of `set_category`: `account` moves friend `user` into its category `category`
/// (0: the default one).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetCategory {
    /// The framework account.
    pub account: Uin,
    /// The friend.
    pub user: Uin,
    /// The category's number (as `categories` lists it).
    pub category: u32,
}

/// Body of the views of one account.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfAccount {
    /// The framework account.
    pub account: Uin,
}

/// Body of `at_all_remain`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtAllRemain {
    /// The framework account.
    pub account: Uin,
    /// The group.
    pub group: Gin,
}

/// Body of `add_sticker`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddSticker {
    /// The framework account.
    pub account: Uin,
    /// The picture's hash (as `send_picture` or `store_media` answer it).
    pub md5: String,
    /// The sticker's description.
    #[serde(default)]
    pub desc: Option<String>,
}

/// Body of `remove_sticker`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveSticker {
    /// The framework account.
    pub account: Uin,
    /// The stickers' `res_id`s (as `stickers` lists them).
    pub res_ids: Vec<String>,
}

/// Body of `describe_sticker`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DescribeSticker {
    /// The framework account.
    pub account: Uin,
    /// The sticker's number (as `stickers` lists it).
    pub id: u32,
    /// The new description.
    pub desc: String,
}

impl AccountControl {
    /// The action names this area takes (lower case).
    pub const ACTIONS: [&'static str; 11] = [
        "set_remark",
        "remarks",
        "categories",
        "set_category",
        "set_group_mask",
        "group_masks",
        "at_all_remain",
        "stickers",
        "add_sticker",
        "remove_sticker",
        "describe_sticker",
    ];

    /// Whether `action` (lower case) is one of this area's.
    pub fn takes(action: &str) -> bool {
        Self::ACTIONS.contains(&action)
    }

    /// Decodes `action` (lower case, one of [`ACTIONS`](Self::ACTIONS)) with its JSON body.
    pub fn decode(action: &str, body: &[u8]) -> Result<Self, ControlError> {
        Ok(match action {
            "set_remark" => {
                let remark: SetRemark = json("set_remark", body)?;
                if remark.user.is_some() == remark.group.is_some() {
                    return Err(bad("set_remark", "give `user` or `group`, not both"));
                }
                AccountControl::SetRemark(remark)
            }
            "remarks" => AccountControl::Remarks(json("remarks", body)?),
            "categories" => AccountControl::Categories(json("categories", body)?),
            "set_category" => AccountControl::SetCategory(json("set_category", body)?),
            "set_group_mask" => AccountControl::SetGroupMask(json("set_group_mask", body)?),
            "group_masks" => AccountControl::GroupMasks(json("group_masks", body)?),
            "at_all_remain" => AccountControl::AtAllRemain(json("at_all_remain", body)?),
            "stickers" => AccountControl::Stickers(json("stickers", body)?),
            "add_sticker" => {
                let add: AddSticker = json("add_sticker", body)?;
                if lizi_core::media::normal_hash(&add.md5).is_none() {
                    return Err(bad("add_sticker", "`md5` is not 32 hex digits"));
                }
                AccountControl::AddSticker(add)
            }
            "remove_sticker" => {
                let remove: RemoveSticker = json("remove_sticker", body)?;
                if remove.res_ids.is_empty() {
                    return Err(bad("remove_sticker", "`res_ids` must not be empty"));
                }
                AccountControl::RemoveSticker(remove)
            }
            "describe_sticker" => AccountControl::DescribeSticker(json("describe_sticker", body)?),
            other => return Err(ControlError::UnknownAction(other.to_owned())),
        })
    }

    /// Whether the action only reads.
    pub fn read_only(&self) -> bool {
        matches!(
            self,
            AccountControl::Remarks(_)
                | AccountControl::GroupMasks(_)
                | AccountControl::Categories(_)
                | AccountControl::AtAllRemain(_)
                | AccountControl::Stickers(_)
        )
    }

    /// The action's name.
    pub fn action(&self) -> &'static str {
        match self {
            AccountControl::SetRemark(_) => "set_remark",
            AccountControl::Remarks(_) => "remarks",
            AccountControl::Categories(_) => "categories",
            AccountControl::SetCategory(_) => "set_category",
            AccountControl::SetGroupMask(_) => "set_group_mask",
            AccountControl::GroupMasks(_) => "group_masks",
            AccountControl::AtAllRemain(_) => "at_all_remain",
            AccountControl::Stickers(_) => "stickers",
            AccountControl::AddSticker(_) => "add_sticker",
            AccountControl::RemoveSticker(_) => "remove_sticker",
            AccountControl::DescribeSticker(_) => "describe_sticker",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_checks() {
        let remark =
            AccountControl::decode("set_remark", br#"{"account":1,"user":2,"remark":"x"}"#);
        assert!(matches!(remark, Ok(AccountControl::SetRemark(_))));
        let both = br#"{"account":1,"user":2,"group":3,"remark":"x"}"#;
        assert!(AccountControl::decode("set_remark", both).is_err());
        assert!(AccountControl::decode("set_remark", br#"{"account":1,"remark":"x"}"#).is_err());
        let sticker = br#"{"account":1,"md5":"nothex"}"#;
        assert!(AccountControl::decode("add_sticker", sticker).is_err());
        let none = br#"{"account":1,"res_ids":[]}"#;
        assert!(AccountControl::decode("remove_sticker", none).is_err());
        let view = AccountControl::decode("categories", br#"{"account":1}"#).expect("view");
        assert!(view.read_only());
        assert!(AccountControl::takes("stickers") && !AccountControl::takes("message"));
    }
}
