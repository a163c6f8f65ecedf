//! Typed response data of the list extensions NapCat and LLOneBot share
//! (`get_friends_with_category`, `get_group_shut_list`, `get_group_at_all_remain`,
//! `get_group_file_system_info`, `get_group_ignore_add_request`,
//! `get_doubt_friends_add_request`): read leniently, written with each implementation's
//! field names (camelCase where they pass NT's objects through).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::lenient::{de_bool, de_i64, de_list, de_opt_string, de_string, de_u64};

/// One category of `get_friends_with_category` (NT's category with its friends as
/// OneBot users).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FriendCategory {
    /// The category's number (0: QQ's default category).
    #[serde(rename = "categoryId", deserialize_with = "de_i64")]
    pub category_id: i64,
    /// Its place in the list.
    #[serde(rename = "categorySortId", default, deserialize_with = "de_i64")]
    pub category_sort_id: i64,
    /// Its name.
    #[serde(rename = "categoryName", default, deserialize_with = "de_string")]
    pub category_name: String,
    /// How many friends it holds.
    #[serde(rename = "categoryMbCount", default, deserialize_with = "de_i64")]
    pub category_mb_count: i64,
    /// How many of them are online.
    #[serde(rename = "onlineCount", default, deserialize_with = "de_i64")]
    pub online_count: i64,
    /// The friends, as each implementation writes a user.
    #[serde(rename = "buddyList", default, deserialize_with = "de_list")]
    pub buddy_list: Vec<Map<String, Value>>,
}

/// `get_group_at_all_remain` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AtAllRemain {
    /// Whether the account may mention everyone now.
    #[serde(deserialize_with = "de_bool")]
    pub can_at_all: bool,
    /// Mentions of everyone the group has left today.
    #[serde(deserialize_with = "de_i64")]
    pub remain_at_all_count_for_group: i64,
    /// Mentions of everyone the account has left today.
    #[serde(deserialize_with = "de_i64")]
    pub remain_at_all_count_for_uin: i64,
}

/// `get_group_file_system_info` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileSystemInfo {
    /// Files in the group.
    #[serde(deserialize_with = "de_u64")]
    pub file_count: u64,
    /// The most files a group may hold (10000 in both implementations).
    #[serde(deserialize_with = "de_u64")]
    pub limit_count: u64,
    /// Bytes used.
    #[serde(deserialize_with = "de_u64")]
    pub used_space: u64,
    /// Bytes the group may use.
    #[serde(deserialize_with = "de_u64")]
    pub total_space: u64,
}

/// One entry of NapCat's `get_group_ignore_add_request`: a join request QQ filtered out,
/// in `get_group_system_msg`'s entry shape (NapCat puts the applicant in `invitor_uin`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IgnoredRequest {
    /// The request's id (the `flag` to answer it with).
    #[serde(deserialize_with = "de_i64")]
    pub request_id: i64,
    /// The applicant.
    #[serde(deserialize_with = "de_u64")]
    pub invitor_uin: u64,
    /// The applicant's nickname.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub invitor_nick: Option<String>,
    /// The group.
    #[serde(deserialize_with = "de_u64")]
    pub group_id: u64,
    /// The applicant's message.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub message: Option<String>,
    /// The group's name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub group_name: Option<String>,
    /// Whether it was handled.
    #[serde(default, deserialize_with = "de_bool")]
    pub checked: bool,
    /// Who handled it (0: nobody yet).
    #[serde(default, deserialize_with = "de_u64")]
    pub actor: u64,
    /// The applicant's nickname, again.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub requester_nick: Option<String>,
}

/// One entry of `get_doubt_friends_add_request`: a friend request QQ found doubtful.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoubtRequest {
    /// The asker's NT uid: the `flag` `set_doubt_friends_add_request` takes.
    #[serde(deserialize_with = "de_string")]
    pub flag: String,
    /// The asker's QQ number (NapCat writes a number, LLOneBot a string).
    pub uin: Value,
    /// The asker's nickname.
    #[serde(default, deserialize_with = "de_string")]
    pub nick: String,
    /// Where the asker found the account.
    #[serde(default)]
    pub source: Value,
    /// Why QQ found it doubtful.
    #[serde(default, deserialize_with = "de_string")]
    pub reason: String,
    /// The request message.
    #[serde(default, deserialize_with = "de_string")]
    pub msg: String,
    /// The group the asker came through, if any (`"0"` when none).
    #[serde(default, deserialize_with = "de_string")]
    pub group_code: String,
    /// When it was made (unix seconds, as a string).
    #[serde(default, deserialize_with = "de_string")]
    pub time: String,
    /// Always `doubt`.
    #[serde(rename = "type", default, deserialize_with = "de_string")]
    pub kind: String,
}

/// A muted member of `get_group_shut_list`, as NT describes a group member (both
/// implementations pass NT's object through).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NtGroupMember {
    /// NT's uid.
    #[serde(default, deserialize_with = "de_string")]
    pub uid: String,
    /// The member's QID.
    #[serde(default, deserialize_with = "de_string")]
    pub qid: String,
    /// The QQ number, as a string.
    #[serde(default, deserialize_with = "de_string")]
    pub uin: String,
    /// The nickname.
    #[serde(default, deserialize_with = "de_string")]
    pub nick: String,
    /// The account's remark for the member.
    #[serde(default, deserialize_with = "de_string")]
    pub remark: String,
    /// Card kind.
    #[serde(default, deserialize_with = "de_i64")]
    pub card_type: i64,
    /// The group card.
    #[serde(default, deserialize_with = "de_string")]
    pub card_name: String,
    /// NT's role: 2 member, 3 admin, 4 owner.
    #[serde(default, deserialize_with = "de_i64")]
    pub role: i64,
    /// Avatar path on the implementation's host.
    #[serde(default, deserialize_with = "de_string")]
    pub avatar_path: String,
    /// When the mute ends (unix seconds).
    #[serde(default, deserialize_with = "de_i64")]
    pub shut_up_time: i64,
    /// Whether the member left.
    #[serde(default, deserialize_with = "de_bool")]
    pub is_delete: bool,
    /// Specially cared for.
    #[serde(default, deserialize_with = "de_bool")]
    pub is_special_concerned: bool,
    /// Shielded.
    #[serde(default, deserialize_with = "de_bool")]
    pub is_special_shield: bool,
    /// A robot account.
    #[serde(default, deserialize_with = "de_bool")]
    pub is_robot: bool,
    /// Honours, as NT keys them.
    #[serde(default)]
    pub group_honor: Value,
    /// The member's real level.
    #[serde(default, deserialize_with = "de_i64")]
    pub member_real_level: i64,
    /// The member's level.
    #[serde(default, deserialize_with = "de_i64")]
    pub member_level: i64,
    /// Global group level.
    #[serde(default, deserialize_with = "de_i64")]
    pub global_group_level: i64,
    /// Global group points.
    #[serde(default, deserialize_with = "de_i64")]
    pub global_group_point: i64,
    /// Title id.
    #[serde(default, deserialize_with = "de_i64")]
    pub member_title_id: i64,
    /// Special title.
    #[serde(default, deserialize_with = "de_string")]
    pub member_special_title: String,
    /// Special title expiry (as a string).
    #[serde(default, deserialize_with = "de_string")]
    pub special_title_expire_time: String,
    /// Display flag.
    #[serde(default, deserialize_with = "de_i64")]
    pub user_show_flag: i64,
    /// Display flag (new).
    #[serde(default, deserialize_with = "de_i64")]
    pub user_show_flag_new: i64,
    /// Rich flag.
    #[serde(default, deserialize_with = "de_i64")]
    pub rich_flag: i64,
    /// VIP kind.
    #[serde(default, deserialize_with = "de_i64")]
    pub mss_vip_type: i64,
    /// Big club level.
    #[serde(default, deserialize_with = "de_i64")]
    pub big_club_level: i64,
    /// Big club flag.
    #[serde(default, deserialize_with = "de_i64")]
    pub big_club_flag: i64,
    /// Automatic remark.
    #[serde(default, deserialize_with = "de_string")]
    pub auto_remark: String,
    /// Credit level.
    #[serde(default, deserialize_with = "de_i64")]
    pub credit_level: i64,
    /// Join time (unix seconds).
    #[serde(default, deserialize_with = "de_i64")]
    pub join_time: i64,
    /// Last message time (unix seconds).
    #[serde(default, deserialize_with = "de_i64")]
    pub last_speak_time: i64,
    /// Member flag.
    #[serde(default, deserialize_with = "de_i64")]
    pub member_flag: i64,
    /// Member flag (extended).
    #[serde(default, deserialize_with = "de_i64")]
    pub member_flag_ext: i64,
    /// Mobile flag.
    #[serde(default, deserialize_with = "de_i64")]
    pub member_mobile_flag: i64,
    /// Member flag (extended, 2).
    #[serde(default, deserialize_with = "de_i64", rename = "memberFlagExt2")]
    pub member_flag_ext2: i64,
    /// Shielded (again).
    #[serde(default, deserialize_with = "de_bool")]
    pub is_special_shielded: bool,
    /// Card name id.
    #[serde(default, deserialize_with = "de_i64")]
    pub card_name_id: i64,
}
