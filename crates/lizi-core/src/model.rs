//! Records that endpoints answer with, shaped as docs/xlz-api.md#endpoint-answers gives them.

use serde::{Deserialize, Serialize};

use crate::{Gin, Uin};

/// An item of `/getfriendlist`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Friend {
    /// QQ number.
    #[serde(rename = "UIN")]
    pub uin: Uin,
    /// Nickname.
    #[serde(rename = "NickName")]
    pub nick_name: String,
    /// Remark.
    #[serde(rename = "Remark")]
    pub remark: String,
    /// E-mail.
    #[serde(rename = "Email")]
    pub email: String,
}

/// An item of `/getgrouplist`.
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupEntry {
    #[serde(rename = "GroupID")]
    pub group_id: i64,
    #[serde(rename = "GIN")]
    pub gin: Gin,
    pub c_flag: i64,
    #[serde(rename = "GroupInfoSeq")]
    pub group_info_seq: i64,
    pub dw_group_flag_ext: i64,
    pub dw_group_rank_seq: i64,
    pub dw_certification_type: i64,
    pub dw_shutup_timestamp: i64,
    pub dw_my_shutup_timestamp: i64,
    pub dw_cmd_uin_uin_flag: i64,
    pub dw_additional_flag: i64,
    pub dw_group_type_flag: i64,
    pub dw_group_sec_type: i64,
    pub dw_group_sec_type_info: i64,
    pub dw_group_class_ext: i64,
    pub dw_app_privilege_flag: i64,
    pub dw_subscription_uin: i64,
    pub dw_member_num: i64,
    pub dw_member_num_seq: i64,
    pub dw_member_card_seq: i64,
    pub dw_group_flag_ext3: i64,
    pub dw_group_owner_uin: Uin,
    pub c_is_conf_group: i64,
    pub c_is_modify_conf_group_face: i64,
    pub c_is_modify_conf_group_name: i64,
    #[serde(rename = "dwCmduinJoinTime")]
    pub dw_cmduin_join_time: i64,
    pub str_group_name: String,
    pub str_group_memo: String,
}

/// An item of `/getgroupmemberlist`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Member {
    /// QQ number.
    #[serde(rename = "UIN")]
    pub uin: Uin,
    /// Age.
    pub age: i64,
    /// Sex: 0 unknown, 1 male, 2 female.
    pub sex: i64,
    /// Nickname.
    pub nick_name: String,
    /// E-mail.
    pub email: String,
    /// Group card.
    pub card: String,
    /// Remark.
    pub remark: String,
    /// Special title.
    pub spec_title: String,
    /// Phone.
    pub phone: String,
    /// When the special title expires.
    pub spec_title_expired: i64,
    /// Seconds of mute left.
    pub mute_time: i64,
    /// When the member joined (unix seconds).
    pub add_group_time: i64,
    /// When the member last spoke (unix seconds).
    pub last_msg_time: i64,
    /// Group level.
    pub group_level: i64,
}

/// A service badge of [`UserInfo`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Service {
    /// Service code.
    pub code: i64,
    /// Level.
    pub level: i64,
}

/// The `Info` of `/queryuserinfo`.
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserInfo {
    #[serde(rename = "UIN")]
    pub uin: Uin,
    pub nick_name: String,
    pub remark: String,
    pub email: String,
    pub online_state: String,
    #[serde(rename = "CLike")]
    pub c_like: i64,
    pub sign: String,
    #[serde(rename = "QQLevel")]
    pub qq_level: i64,
    pub age: i64,
    pub country: String,
    pub province: String,
    pub city: String,
    pub svc_list: Vec<Service>,
    #[serde(rename = "QQDR")]
    pub qqdr: String,
    pub today_liked: i64,
    #[serde(rename = "TodayCLike")]
    pub today_c_like: i64,
}

/// The `Info` of `/querygroupinfo`.
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupInfo {
    pub name: String,
    pub pos: String,
    #[serde(rename = "Type")]
    pub kind: String,
    pub tag: String,
    pub introduction: String,
}

/// An item of `/getgroupfilelist`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupFile {
    /// File or folder id.
    #[serde(rename = "FileID")]
    pub file_id: String,
    /// Name.
    pub file_name: String,
    /// Size in bytes (0 for a folder).
    pub file_size: u64,
    /// Upload time (unix seconds).
    pub upload_time: i64,
    /// Who uploaded it.
    pub uploader_uin: Uin,
    /// Whether this is a folder.
    pub is_folder: bool,
}

/// An item of `/getgrouphb`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RedPacket {
    /// Red packet id.
    #[serde(rename = "ListID")]
    pub list_id: String,
    /// Group.
    #[serde(rename = "GIN")]
    pub gin: Gin,
    /// Sender.
    pub sender_uin: Uin,
    /// Greeting.
    pub title: String,
    /// Amount in cents.
    pub amount: i64,
    /// Packets left.
    pub count_left: i64,
    /// When it was sent (unix seconds).
    pub send_time: i64,
}

/// One framework account of `/getlogonqq`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogonAccount {
    /// QQ number.
    pub uin: Uin,
    /// Nickname.
    pub nickname: String,
    /// Whether it is logged in.
    pub online: bool,
    /// Messages received and sent since login.
    pub received: u64,
    /// Messages sent since login.
    pub sent: u64,
    /// What drives the account (`登录协议`); `None` for the simulated network.
    pub protocol: Option<String>,
}
