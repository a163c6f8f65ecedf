//! The control actions of pictures and files: `send_picture`, `upload_file`, `send_file`,
//! and the `files` and `friend_files` views.

use lizi_core::param::decode_base64;
use lizi_core::{ControlError, Gin, Uin};
use serde::Deserialize;

use super::body::{bad, json};

/// An action of this area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaControl {
    /// `send_picture`: a simulated user sends a picture.
    SendPicture(SimPicture),
    /// `upload_file`: a simulated user uploads a group file.
    UploadFile(SimUpload),
    /// `files`: a read-only view of a group's folders and files.
    Files(SimFiles),
    /// `send_file`: a simulated user (or account) sends a file to a friend.
    SendFile(SimSendFile),
    /// `friend_files`: a read-only view of the files an account received from friends.
    FriendFiles(SimFriendFiles),
}

/// `POST /sim/send_picture`: `from` sends a picture (base64) to `to` (private), to
/// `group`, or to `to` through `group` (temporary session); `flash` makes it a flash
/// picture.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimPicture {
    /// The sender.
    pub from: Uin,
    /// The receiver of a private or temporary-session picture.
    #[serde(default)]
    pub to: Option<Uin>,
    /// The group of a group or temporary-session picture.
    #[serde(default)]
    pub group: Option<Gin>,
    /// The picture's bytes, base64.
    pub base64: String,
    /// A flash picture.
    #[serde(default)]
    pub flash: Option<bool>,
}

/// `POST /sim/upload_file`: `from` uploads `name` (bytes as base64) to `group`, into
/// `folder` (a folder id or name; the root when absent).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimUpload {
    /// The uploader.
    pub from: Uin,
    /// The group.
    pub group: Gin,
    /// The file name.
    pub name: String,
    /// The file's bytes, base64.
    pub base64: String,
    /// The folder (id or name); the root when absent.
    #[serde(default)]
    pub folder: Option<String>,
}

/// `GET /sim/files?group=…`: a group's folders and files.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimFiles {
    /// The group.
    pub group: Gin,
}

/// `POST /sim/send_file`: `from` sends the file `name` (bytes as base64) to friend `to`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimSendFile {
    /// The sender.
    pub from: Uin,
    /// The friend who receives it.
    pub to: Uin,
    /// The file name.
    pub name: String,
    /// The file's bytes, base64.
    pub base64: String,
}

/// `GET /sim/friend_files?account=…`: the files `account` (an account or a simulated user)
/// received from friends.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimFriendFiles {
    /// The receiver.
    pub account: Uin,
}

/// Checks that `text` is base64.
fn base64(action: &str, text: &str) -> Result<(), ControlError> {
    decode_base64(text)
        .map(drop)
        .map_err(|problem| bad(action, &format!("`base64`: {problem}")))
}

impl MediaControl {
    /// The action names this area takes (lower case).
    pub const ACTIONS: [&'static str; 5] = [
        "send_picture",
        "upload_file",
        "files",
        "send_file",
        "friend_files",
    ];

    /// Whether `action` (lower case) is one of this area's.
    pub fn takes(action: &str) -> bool {
        Self::ACTIONS.contains(&action)
    }

    /// Decodes `action` (lower case, one of [`ACTIONS`](Self::ACTIONS)) with its JSON body.
    pub fn decode(action: &str, body: &[u8]) -> Result<Self, ControlError> {
        Ok(match action {
            "send_picture" => {
                let picture: SimPicture = json("send_picture", body)?;
                base64("send_picture", &picture.base64)?;
                if picture.to.is_none() && picture.group.is_none() {
                    return Err(bad("send_picture", "give `to`, `group`, or both"));
                }
                MediaControl::SendPicture(picture)
            }
            "upload_file" => {
                let upload: SimUpload = json("upload_file", body)?;
                base64("upload_file", &upload.base64)?;
                if upload.name.trim().is_empty() {
                    return Err(bad("upload_file", "`name` must not be empty"));
                }
                MediaControl::UploadFile(upload)
            }
            "files" => MediaControl::Files(json("files", body)?),
            "send_file" => {
                let file: SimSendFile = json("send_file", body)?;
                base64("send_file", &file.base64)?;
                if file.name.trim().is_empty() {
                    return Err(bad("send_file", "`name` must not be empty"));
                }
                MediaControl::SendFile(file)
            }
            "friend_files" => MediaControl::FriendFiles(json("friend_files", body)?),
            other => return Err(ControlError::UnknownAction(other.to_owned())),
        })
    }

    /// Whether the action only reads.
    pub fn read_only(&self) -> bool {
        matches!(self, MediaControl::Files(_) | MediaControl::FriendFiles(_))
    }

    /// The action's name.
    pub fn action(&self) -> &'static str {
        match self {
            MediaControl::SendPicture(_) => "send_picture",
            MediaControl::UploadFile(_) => "upload_file",
            MediaControl::Files(_) => "files",
            MediaControl::SendFile(_) => "send_file",
            MediaControl::FriendFiles(_) => "friend_files",
        }
    }
}
