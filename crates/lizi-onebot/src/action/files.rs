//! Typed response data of the group-file and account extensions (`upload_group_file`,
//! `get_group_root_files`, `get_group_file_url`, `get_group_system_msg`,
//! `get_online_clients`): read leniently, written exactly, like the other action data.

use serde::{Deserialize, Serialize};

use crate::lenient::{de_bool, de_i64, de_list, de_opt_string, de_opt_u64, de_string, de_u64};

/// `upload_group_file` data (NapCat reports the new file's id; others answer `null`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadedFile {
    /// The new file's id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub file_id: Option<String>,
}

/// `get_group_root_files` / `get_group_files_by_folder` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupFiles {
    /// Files (`null` reads as none).
    #[serde(default, deserialize_with = "de_list")]
    pub files: Vec<GroupFile>,
    /// Folders (`null` reads as none).
    #[serde(default, deserialize_with = "de_list")]
    pub folders: Vec<GroupFolder>,
}

/// A group file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupFile {
    /// Group number.
    #[serde(default, deserialize_with = "de_u64")]
    pub group_id: u64,
    /// File id.
    #[serde(deserialize_with = "de_string")]
    pub file_id: String,
    /// File name.
    #[serde(default, deserialize_with = "de_string")]
    pub file_name: String,
    /// File type id.
    #[serde(default, deserialize_with = "de_i64")]
    pub busid: i64,
    /// Size in bytes.
    #[serde(default, deserialize_with = "de_u64")]
    pub file_size: u64,
    /// Upload time (unix seconds).
    #[serde(default, deserialize_with = "de_i64")]
    pub upload_time: i64,
    /// Expiry (unix seconds, 0 = never).
    #[serde(default, deserialize_with = "de_i64")]
    pub dead_time: i64,
    /// Last change (unix seconds).
    #[serde(default, deserialize_with = "de_i64")]
    pub modify_time: i64,
    /// Download count.
    #[serde(default, deserialize_with = "de_i64")]
    pub download_times: i64,
    /// Uploader's QQ number.
    #[serde(default, deserialize_with = "de_u64")]
    pub uploader: u64,
    /// Uploader's name.
    #[serde(default, deserialize_with = "de_string")]
    pub uploader_name: String,
}

/// A group folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupFolder {
    /// Group number.
    #[serde(default, deserialize_with = "de_u64")]
    pub group_id: u64,
    /// Folder id (e.g. `/a1b2…`).
    #[serde(deserialize_with = "de_string")]
    pub folder_id: String,
    /// Folder name.
    #[serde(default, deserialize_with = "de_string")]
    pub folder_name: String,
    /// Creation time (unix seconds).
    #[serde(default, deserialize_with = "de_i64")]
    pub create_time: i64,
    /// Creator's QQ number.
    #[serde(default, deserialize_with = "de_u64")]
    pub creator: u64,
    /// Creator's name.
    #[serde(default, deserialize_with = "de_string")]
    pub creator_name: String,
    /// Files inside.
    #[serde(default, deserialize_with = "de_i64")]
    pub total_file_count: i64,
}

/// `get_group_file_url` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileUrl {
    /// The download URL.
    #[serde(deserialize_with = "de_string")]
    pub url: String,
}

/// `get_group_system_msg` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSystemMsg {
    /// Invitations (`null` reads as none).
    #[serde(default, deserialize_with = "de_list")]
    pub invited_requests: Vec<SystemRequest>,
    /// Join requests (`null` reads as none).
    #[serde(default, deserialize_with = "de_list")]
    pub join_requests: Vec<SystemRequest>,
}

/// A pending invitation or join request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemRequest {
    /// Request id (the `flag` to answer with).
    #[serde(deserialize_with = "de_i64")]
    pub request_id: i64,
    /// Inviter (invitations).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_u64"
    )]
    pub invitor_uin: Option<u64>,
    /// Applicant (join requests).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_u64"
    )]
    pub requester_uin: Option<u64>,
    /// Applicant's message (join requests).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub message: Option<String>,
    /// Group number.
    #[serde(default, deserialize_with = "de_u64")]
    pub group_id: u64,
    /// Group name.
    #[serde(default, deserialize_with = "de_string")]
    pub group_name: String,
    /// Whether it was handled.
    #[serde(default, deserialize_with = "de_bool")]
    pub checked: bool,
    /// Who handled it (0 = nobody yet).
    #[serde(default, deserialize_with = "de_u64")]
    pub actor: u64,
}

/// `get_online_clients` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OnlineClients {
    /// The other devices (`null` reads as none).
    #[serde(default, deserialize_with = "de_list")]
    pub clients: Vec<Device>,
}

/// A logged-in device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// Client id.
    #[serde(default, deserialize_with = "de_i64")]
    pub app_id: i64,
    /// Device name.
    #[serde(default, deserialize_with = "de_string")]
    pub device_name: String,
    /// Device kind.
    #[serde(default, deserialize_with = "de_string")]
    pub device_kind: String,
}
