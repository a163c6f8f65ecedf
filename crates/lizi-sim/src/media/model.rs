//! The rows of the media tables of the [`World`](crate::World): files and folders, and
//! avatars.

use lizi_core::model::GroupFile;
use lizi_core::{Gin, Uin};
use serde::{Deserialize, Serialize};

/// The folder id of a group's root.
pub const ROOT: &str = "/";

/// Where a file lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum FileScope {
    /// A group's files and folders.
    Group(Gin),
    /// The files an account received from friends.
    Friend(Uin),
}

/// The key of a file or folder: its scope and its id.
pub type FileKey = (FileScope, String);

/// A group file, a group folder, or a file received from a friend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Id (`/` followed by a UUID, like QQ's).
    pub id: String,
    /// Name.
    pub name: String,
    /// The folder id it is in ([`ROOT`] for the root and for friend files).
    pub folder: String,
    /// Whether this is a folder.
    pub is_folder: bool,
    /// Size in bytes (0 for a folder).
    pub size: u64,
    /// MD5 of the content, upper-case hex (the blob's hash; empty for a folder).
    pub md5: String,
    /// Who uploaded (or created, or sent) it.
    pub uploader: Uin,
    /// When (unix seconds).
    pub time: i64,
}

impl FileEntry {
    /// The `/getgroupfilelist` item.
    pub fn item(&self) -> GroupFile {
        GroupFile {
            file_id: self.id.clone(),
            file_name: self.name.clone(),
            file_size: self.size,
            upload_time: self.time,
            uploader_uin: self.uploader,
            is_folder: self.is_folder,
        }
    }

    /// The JSON the control API's `files` view shows.
    pub fn view(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "name": self.name,
            "folder": self.folder,
            "is_folder": self.is_folder,
            "size": self.size,
            "md5": self.md5,
            "uploader": self.uploader,
            "time": self.time,
        })
    }
}

/// Whose avatar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AvatarOf {
    /// A user's (framework account's) avatar.
    User(Uin),
    /// A group's avatar.
    Group(Gin),
}

/// A new file or folder id: `/` and a random UUID.
pub fn new_id() -> String {
    format!(
        "/{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        fastrand::u32(..),
        fastrand::u16(..),
        fastrand::u16(..),
        fastrand::u16(..),
        fastrand::u64(..) & 0xffff_ffff_ffff
    )
}
