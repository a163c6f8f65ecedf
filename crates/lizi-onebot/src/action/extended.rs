//! Typed response data of the account extensions (`nc_get_user_status`, `get_clientkey`,
//! `get_profile_like`, `get_group_detail_info`, `get_qq_avatar`): read leniently, written
//! exactly as the implementation that has them writes them, like the other action data.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::data::GroupInfo;

use crate::lenient::{de_i64, de_list, de_opt_i64, de_string};

/// `nc_get_user_status` data: NT's online status codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserStatus {
    /// 0 offline, 10 online, 30 away, 40 invisible, 50 busy, 60 "Q me", 70 do not disturb.
    #[serde(default, deserialize_with = "de_i64")]
    pub status: i64,
    /// The extended status (1000 battery, 1016 sleeping, 1018 studying…; 0 none).
    #[serde(default, deserialize_with = "de_i64")]
    pub ext_status: i64,
}

/// `get_clientkey` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientKey {
    /// The account's clientkey.
    #[serde(default, deserialize_with = "de_string")]
    pub clientkey: String,
}

/// `get_profile_like` data: the likes a profile received (`voteInfo`) and gave
/// (`favoriteInfo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileLike {
    /// The user's NT uid (lizi writes the QQ number).
    #[serde(default, deserialize_with = "de_string")]
    pub uid: String,
    /// When the answer was made (unix seconds, as a string).
    #[serde(default, deserialize_with = "de_string")]
    pub time: String,
    /// Likes received.
    #[serde(rename = "voteInfo")]
    pub vote_info: LikeCounts,
    /// Likes given.
    #[serde(rename = "favoriteInfo")]
    pub favorite_info: LikeCounts,
}

/// One side of [`ProfileLike`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LikeCounts {
    /// Likes in all.
    #[serde(default, deserialize_with = "de_i64")]
    pub total_count: i64,
    /// Likes received today (the received side).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_i64"
    )]
    pub new_count: Option<i64>,
    /// Likes given today (the given side).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_i64"
    )]
    pub today_count: Option<i64>,
    /// Who liked, as NapCat lists them (lizi lists none).
    #[serde(default, rename = "userInfos", deserialize_with = "de_list")]
    pub user_infos: Vec<Value>,
}

/// `get_group_detail_info` data: `get_group_info`'s fields and the group's memo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupDetail {
    /// The `get_group_info` fields.
    #[serde(flatten)]
    pub group: GroupInfo,
    /// The group's introduction.
    #[serde(default, rename = "groupMemo", deserialize_with = "de_string")]
    pub group_memo: String,
}

/// `get_qq_avatar` data (LLOneBot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AvatarUrl {
    /// The avatar's URL.
    #[serde(default, deserialize_with = "de_string")]
    pub url: String,
}
