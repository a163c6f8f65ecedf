//! The control actions of pictures, videos and files: `send_picture`, `upload_picture`,
//! `send_video`, `upload_file`, `rename_file`, `send_file`, `store_media`, and the `files`,
//! `friend_files` and `media_file` views.

use lizi_core::param::{decode_base64, MediaSource};
use lizi_core::{ControlError, Gin, Uin};
use serde::Deserialize;

use super::body::{bad, json};

/// An action of this area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaControl {
    /// `send_picture`: a simulated user sends a picture.
    SendPicture(SimPicture),
    /// `upload_picture`: an account uploads a picture without sending it.
    UploadPicture(SimUploadPicture),
    /// `upload_file`: a simulated user uploads a group file.
    UploadFile(SimUpload),
    /// `files`: a read-only view of a group's folders and files.
    Files(SimFiles),
    /// `rename_file`: someone renames a group file.
    RenameFile(SimRenameFile),
    /// `send_file`: a simulated user (or account) sends a file to a friend.
    SendFile(SimSendFile),
    /// `friend_files`: a read-only view of the files an account received from friends.
    FriendFiles(SimFriendFiles),
    /// `send_video`: a simulated user sends a short video.
    SendVideo(SimVideo),
    /// `store_media`: bytes kept by the network, by hash.
    StoreMedia(SimStoreMedia),
    /// `media_file`: a read-only view of the media or file a name names for an account.
    MediaFile(SimMediaFile),
}

/// `POST /sim/send_video`: `from` sends a short video (base64) to `to` (private), to
/// `group`, or to `to` through `group` (temporary session).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimVideo {
    /// The sender.
    pub from: Uin,
    /// The receiver of a private or temporary-session video.
    #[serde(default)]
    pub to: Option<Uin>,
    /// The group of a group or temporary-session video.
    #[serde(default)]
    pub group: Option<Gin>,
    /// The video's bytes, base64.
    pub base64: String,
}

/// `POST /sim/store_media`: the network keeps the bytes given as `base64`, or read from
/// `url` or `path` under the server's media rules (size cap, timeout, no private
/// addresses unless allowed, paths only in the media folders).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimStoreMedia {
    /// The bytes, base64.
    #[serde(default)]
    pub base64: Option<String>,
    /// An `http(s)://` URL to download.
    #[serde(default)]
    pub url: Option<String>,
    /// A local path to read.
    #[serde(default)]
    pub path: Option<String>,
}

/// `GET /sim/media_file?account=…&file=…`: the picture, voice or video `file` names by
/// hash, or the group or friend file it names by id or name, as `account` sees them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimMediaFile {
    /// The framework account.
    pub account: Uin,
    /// The hash, file id or file name.
    pub file: String,
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

/// `POST /sim/upload_picture`: framework account `account` uploads a picture without
/// sending it (Lagrange.OneBot's `upload_image`): its bytes as `base64`, a local `path`
/// or a `url`, read under the media rules; answers its hash and URL.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimUploadPicture {
    /// The uploader.
    pub account: Uin,
    /// The picture's bytes, base64.
    #[serde(default)]
    pub base64: Option<String>,
    /// A local file.
    #[serde(default)]
    pub path: Option<String>,
    /// A URL to fetch.
    #[serde(default)]
    pub url: Option<String>,
}

impl SimUploadPicture {
    /// Where the picture's bytes are.
    pub fn source(&self) -> Option<MediaSource> {
        match (&self.base64, &self.path, &self.url) {
            (Some(text), None, None) => decode_base64(text).ok().map(MediaSource::Inline),
            (None, Some(path), None) => Some(MediaSource::Path(path.clone())),
            (None, None, Some(url)) => Some(MediaSource::Url(url.clone())),
            _ => None,
        }
    }
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
    /// The file's bytes, base64 (or give `path`).
    #[serde(default)]
    pub base64: Option<String>,
    /// A local file to upload, read under the media rules (or give `base64`).
    #[serde(default)]
    pub path: Option<String>,
    /// The folder (id or name); the root when absent.
    #[serde(default)]
    pub folder: Option<String>,
}

/// `POST /sim/rename_file`: `operator` (its uploader, or an owner or admin) renames group
/// `group`'s file `file`, which is in `folder` (an id or name; the root when absent).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimRenameFile {
    /// Who renames it.
    pub operator: Uin,
    /// The group.
    pub group: Gin,
    /// The file's id.
    pub file: String,
    /// The folder the file is in.
    #[serde(default)]
    pub folder: Option<String>,
    /// The new name.
    pub name: String,
}

/// `GET /sim/files?group=…`: a group's folders and files.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimFiles {
    /// The group.
    pub group: Gin,
}

/// `POST /sim/send_file`: `from` sends the file `name` to friend `to`: its bytes as
/// base64, or a local path read under the media rules (as `/uploadfile` reads one).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimSendFile {
    /// The sender.
    pub from: Uin,
    /// The friend who receives it.
    pub to: Uin,
    /// The file name.
    pub name: String,
    /// The file's bytes, base64 (or give `path`).
    #[serde(default)]
    pub base64: Option<String>,
    /// A local file to send (or give `base64`).
    #[serde(default)]
    pub path: Option<String>,
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
    pub const ACTIONS: [&'static str; 10] = [
        "send_picture",
        "upload_picture",
        "upload_file",
        "files",
        "rename_file",
        "send_file",
        "friend_files",
        "send_video",
        "store_media",
        "media_file",
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
            "upload_picture" => {
                let upload: SimUploadPicture = json("upload_picture", body)?;
                if upload.source().is_none() {
                    let why = "give one of `base64` (valid), `path` or `url`";
                    return Err(bad("upload_picture", why));
                }
                MediaControl::UploadPicture(upload)
            }
            "upload_file" => {
                let upload: SimUpload = json("upload_file", body)?;
                match (&upload.base64, &upload.path) {
                    (Some(text), None) => base64("upload_file", text)?,
                    (None, Some(_)) => {}
                    _ => return Err(bad("upload_file", "give one of `base64` or `path`")),
                }
                if upload.name.trim().is_empty() {
                    return Err(bad("upload_file", "`name` must not be empty"));
                }
                MediaControl::UploadFile(upload)
            }
            "files" => MediaControl::Files(json("files", body)?),
            "rename_file" => MediaControl::RenameFile(json("rename_file", body)?),
            "send_file" => {
                let file: SimSendFile = json("send_file", body)?;
                match (&file.base64, &file.path) {
                    (Some(text), None) => base64("send_file", text)?,
                    (None, Some(path)) if !path.trim().is_empty() => {}
                    _ => return Err(bad("send_file", "give `base64` or `path`, not both")),
                }
                if file.name.trim().is_empty() {
                    return Err(bad("send_file", "`name` must not be empty"));
                }
                MediaControl::SendFile(file)
            }
            "friend_files" => MediaControl::FriendFiles(json("friend_files", body)?),
            "send_video" => {
                let video: SimVideo = json("send_video", body)?;
                base64("send_video", &video.base64)?;
                if video.to.is_none() && video.group.is_none() {
                    return Err(bad("send_video", "give `to`, `group`, or both"));
                }
                MediaControl::SendVideo(video)
            }
            "store_media" => {
                let store: SimStoreMedia = json("store_media", body)?;
                let given = [&store.base64, &store.url, &store.path];
                if given.iter().filter(|source| source.is_some()).count() != 1 {
                    return Err(bad("store_media", "give one of `base64`, `url` or `path`"));
                }
                if let Some(text) = &store.base64 {
                    base64("store_media", text)?;
                }
                MediaControl::StoreMedia(store)
            }
            "media_file" => MediaControl::MediaFile(json("media_file", body)?),
            other => return Err(ControlError::UnknownAction(other.to_owned())),
        })
    }

    /// Whether the action only reads.
    pub fn read_only(&self) -> bool {
        matches!(
            self,
            MediaControl::Files(_) | MediaControl::FriendFiles(_) | MediaControl::MediaFile(_)
        )
    }

    /// The action's name.
    pub fn action(&self) -> &'static str {
        match self {
            MediaControl::SendPicture(_) => "send_picture",
            MediaControl::UploadPicture(_) => "upload_picture",
            MediaControl::UploadFile(_) => "upload_file",
            MediaControl::Files(_) => "files",
            MediaControl::RenameFile(_) => "rename_file",
            MediaControl::SendFile(_) => "send_file",
            MediaControl::FriendFiles(_) => "friend_files",
            MediaControl::SendVideo(_) => "send_video",
            MediaControl::StoreMedia(_) => "store_media",
            MediaControl::MediaFile(_) => "media_file",
        }
    }
}
