//! Notice events (`post_type: "notice"`): the standard ones, `group_card`, `essence` and
//! NapCat's `bot_offline`; anything else is kept raw in [`Notice::Other`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::tagged_enum;
use crate::lenient::{de_i64, de_opt_u64, de_string, de_u64, string_enum};

/// A notice by `notice_type`.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// `group_upload`: a file was uploaded to a group.
    GroupUpload(GroupUpload),
    /// `group_admin`: an admin was set or unset.
    GroupAdmin(GroupAdmin),
    /// `group_decrease`: a member left or was removed.
    GroupDecrease(GroupDecrease),
    /// `group_increase`: a member joined.
    GroupIncrease(GroupIncrease),
    /// `group_ban`: a member was muted or unmuted.
    GroupBan(GroupBan),
    /// `friend_add`: a new friend.
    FriendAdd(FriendAdd),
    /// `group_recall`: a group message was recalled.
    GroupRecall(GroupRecall),
    /// `friend_recall`: a private message was recalled.
    FriendRecall(FriendRecall),
    /// `notify`: poke, lucky king, honour, and the implementations' other sub-types.
    Notify(Notify),
    /// `group_card`: a member's card changed (go-cqhttp, NapCat).
    GroupCard(GroupCard),
    /// `essence`: a message was added to or removed from the essence list.
    Essence(Essence),
    /// `bot_offline`: the account went offline (NapCat, Lagrange).
    BotOffline(BotOffline),
    /// Any other `notice_type`, or one that does not fit: the raw event.
    Other(Map<String, Value>),
}

tagged_enum! {
    Notice by "notice_type" {
        GroupUpload = "group_upload",
        GroupAdmin = "group_admin",
        GroupDecrease = "group_decrease",
        GroupIncrease = "group_increase",
        GroupBan = "group_ban",
        FriendAdd = "friend_add",
        GroupRecall = "group_recall",
        FriendRecall = "friend_recall",
        GroupCard = "group_card",
        Essence = "essence",
        BotOffline = "bot_offline",
    }
    nested {
        Notify = "notify",
    }
}

/// The uploaded file of a `group_upload` notice.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UploadedFileInfo {
    /// File id.
    #[serde(default, deserialize_with = "de_string")]
    pub id: String,
    /// File name.
    #[serde(default, deserialize_with = "de_string")]
    pub name: String,
    /// Size in bytes.
    #[serde(default, deserialize_with = "de_u64")]
    pub size: u64,
    /// File type id.
    #[serde(default, deserialize_with = "de_i64")]
    pub busid: i64,
}

/// `group_upload`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupUpload {
    /// The group.
    #[serde(default, deserialize_with = "de_u64")]
    pub group_id: u64,
    /// The uploader.
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
    /// The file.
    #[serde(default)]
    pub file: UploadedFileInfo,
}

string_enum! {
    /// `group_admin` sub-types.
    AdminChange {
        /// Made admin.
        Set = "set",
        /// No longer admin.
        Unset = "unset",
    }
}

/// `group_admin`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupAdmin {
    /// Set or unset.
    #[serde(default)]
    pub sub_type: AdminChange,
    /// The group.
    #[serde(default, deserialize_with = "de_u64")]
    pub group_id: u64,
    /// The member.
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
}

string_enum! {
    /// `group_decrease` sub-types.
    DecreaseKind {
        /// Left on their own.
        Leave = "leave",
        /// Removed by an admin.
        Kick = "kick",
        /// The account itself was removed.
        KickMe = "kick_me",
        /// The group was dissolved (NapCat).
        Disband = "disband",
    }
}

/// `group_decrease`: who left, how, and who removed them (the member itself when
/// leaving; 0 when unknown or missing).
pub type GroupDecrease = GroupMemberChange<DecreaseKind>;

string_enum! {
    /// `group_increase` sub-types.
    IncreaseKind {
        /// An admin approved a request.
        Approve = "approve",
        /// A member invited them.
        Invite = "invite",
    }
}

/// `group_increase`: who joined, how, and who approved or invited them (0 when unknown,
/// as NapCat often sends).
pub type GroupIncrease = GroupMemberChange<IncreaseKind>;

/// A member joining or leaving a group; `K` is the kind of change (its `sub_type`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "K: Deserialize<'de> + Default"))]
pub struct GroupMemberChange<K> {
    /// How.
    #[serde(default)]
    pub sub_type: K,
    /// The group.
    #[serde(default, deserialize_with = "de_u64")]
    pub group_id: u64,
    /// Who approved, invited or removed (0 when unknown).
    #[serde(default, deserialize_with = "de_u64")]
    pub operator_id: u64,
    /// The member (0 when missing).
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
}

string_enum! {
    /// `group_ban` sub-types.
    BanKind {
        /// Muted.
        Ban = "ban",
        /// Unmuted.
        LiftBan = "lift_ban",
    }
}

/// `group_ban`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupBan {
    /// Ban or lift.
    #[serde(default)]
    pub sub_type: BanKind,
    /// The group.
    #[serde(default, deserialize_with = "de_u64")]
    pub group_id: u64,
    /// The admin.
    #[serde(default, deserialize_with = "de_u64")]
    pub operator_id: u64,
    /// The member (0 = the whole group).
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
    /// Seconds.
    #[serde(default, deserialize_with = "de_i64")]
    pub duration: i64,
}

/// `friend_add`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FriendAdd {
    /// The new friend.
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
}

/// `group_recall`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRecall {
    /// The group.
    #[serde(default, deserialize_with = "de_u64")]
    pub group_id: u64,
    /// The message's sender.
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
    /// Who recalled it.
    #[serde(default, deserialize_with = "de_u64")]
    pub operator_id: u64,
    /// The recalled message.
    #[serde(default, deserialize_with = "de_i64")]
    pub message_id: i64,
}

/// `friend_recall`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FriendRecall {
    /// The friend.
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
    /// The recalled message.
    #[serde(default, deserialize_with = "de_i64")]
    pub message_id: i64,
}

/// A `notify` notice by `sub_type`.
#[derive(Debug, Clone, PartialEq)]
pub enum Notify {
    /// `poke`.
    Poke(Poke),
    /// `lucky_king`: the red-packet lucky king.
    LuckyKing(LuckyKing),
    /// `honor`: a group honour changed.
    Honor(Honor),
    /// Any other `sub_type` (NapCat `title`, `input_status`, `profile_like`…): raw.
    Other(Map<String, Value>),
}

tagged_enum! {
    Notify by "sub_type" {
        Poke = "poke",
        LuckyKing = "lucky_king",
        Honor = "honor",
    }
}

/// `notify/poke`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Poke {
    /// The group, for group pokes.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_u64"
    )]
    pub group_id: Option<u64>,
    /// Who poked.
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
    /// Who was poked (NapCat has sent 0 when it was the account).
    #[serde(default, deserialize_with = "de_u64")]
    pub target_id: u64,
    /// NapCat's display fragments, kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_info: Option<Value>,
}

/// `notify/lucky_king`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LuckyKing {
    /// The group.
    #[serde(default, deserialize_with = "de_u64")]
    pub group_id: u64,
    /// Who sent the red packet.
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
    /// The lucky king.
    #[serde(default, deserialize_with = "de_u64")]
    pub target_id: u64,
}

string_enum! {
    /// Group honour types.
    HonorType {
        /// 龙王.
        Talkative = "talkative",
        /// 群聊之火.
        Performer = "performer",
        /// 快乐源泉.
        Emotion = "emotion",
    }
}

/// `notify/honor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Honor {
    /// The group.
    #[serde(default, deserialize_with = "de_u64")]
    pub group_id: u64,
    /// Which honour.
    #[serde(default)]
    pub honor_type: HonorType,
    /// The member.
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
}

/// `group_card`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupCard {
    /// The group.
    #[serde(default, deserialize_with = "de_u64")]
    pub group_id: u64,
    /// The member.
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
    /// The new card.
    #[serde(default, deserialize_with = "de_string")]
    pub card_new: String,
    /// The old card.
    #[serde(default, deserialize_with = "de_string")]
    pub card_old: String,
}

string_enum! {
    /// `essence` sub-types.
    EssenceChange {
        /// Added.
        Add = "add",
        /// Removed.
        Delete = "delete",
    }
}

/// `essence`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Essence {
    /// Added or removed.
    #[serde(default)]
    pub sub_type: EssenceChange,
    /// The group.
    #[serde(default, deserialize_with = "de_u64")]
    pub group_id: u64,
    /// The message's sender.
    #[serde(default, deserialize_with = "de_u64")]
    pub sender_id: u64,
    /// Who changed the list.
    #[serde(default, deserialize_with = "de_u64")]
    pub operator_id: u64,
    /// The message.
    #[serde(default, deserialize_with = "de_i64")]
    pub message_id: i64,
}

/// `bot_offline`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BotOffline {
    /// The account.
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
    /// A short reason tag.
    #[serde(default, deserialize_with = "de_string")]
    pub tag: String,
    /// The reason.
    #[serde(default, deserialize_with = "de_string")]
    pub message: String,
}
