//! Media and group files: the [`MediaFetcher`] the API layer gives a backend, and the
//! control-API actions of this area (`send_picture`, `upload_file`, `files`, `send_file`,
//! `friend_files`).

use serde::Deserialize;

use crate::backend::{BoxFuture, ControlError, ControlRequest};
use crate::param::{decode_base64, MediaSource};
use crate::reply::Failure;
use crate::{Gin, Uin};

/// Reads the bytes a [`MediaSource`] names, under the server's rules: local paths only
/// inside the configured folders, URLs with a size cap, a timeout and address checks.
/// The API layer implements it (a backend knows no HTTP and no file system rules).
pub trait MediaFetcher: Send + Sync + 'static {
    /// The bytes of `source`; [`MediaSource::Inline`] data is answered as it is.
    fn fetch<'a>(&'a self, source: &'a MediaSource) -> BoxFuture<'a, Result<Vec<u8>, Failure>>;
}

/// The bytes of a stored picture, voice or file, as the API layer serves them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaBytes {
    /// The `Content-Type` to serve them with.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// The control actions of this area.
pub const ACTIONS: [&str; 5] = [
    "send_picture",
    "upload_file",
    "files",
    "send_file",
    "friend_files",
];

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

/// Decodes one of [`ACTIONS`].
pub fn decode(action: &str, body: &[u8]) -> Result<ControlRequest, ControlError> {
    use crate::backend::json_body as json;
    fn base64(action: &'static str, text: &str) -> Result<(), ControlError> {
        decode_base64(text)
            .map(drop)
            .map_err(|problem| ControlError::BadBody {
                action,
                reason: format!("`base64`: {problem}"),
            })
    }
    match action {
        "send_picture" => {
            let picture: SimPicture = json("send_picture", body)?;
            base64("send_picture", &picture.base64)?;
            if picture.to.is_none() && picture.group.is_none() {
                return Err(ControlError::BadBody {
                    action: "send_picture",
                    reason: "give `to`, `group`, or both".into(),
                });
            }
            Ok(ControlRequest::SendPicture(picture))
        }
        "upload_file" => {
            let upload: SimUpload = json("upload_file", body)?;
            base64("upload_file", &upload.base64)?;
            if upload.name.trim().is_empty() {
                return Err(ControlError::BadBody {
                    action: "upload_file",
                    reason: "`name` must not be empty".into(),
                });
            }
            Ok(ControlRequest::UploadFile(upload))
        }
        "files" => Ok(ControlRequest::Files(json("files", body)?)),
        "send_file" => {
            let file: SimSendFile = json("send_file", body)?;
            base64("send_file", &file.base64)?;
            if file.name.trim().is_empty() {
                return Err(ControlError::BadBody {
                    action: "send_file",
                    reason: "`name` must not be empty".into(),
                });
            }
            Ok(ControlRequest::SendFile(file))
        }
        "friend_files" => Ok(ControlRequest::FriendFiles(json("friend_files", body)?)),
        other => Err(ControlError::UnknownAction(other.to_owned())),
    }
}

/// The base URL media URLs use until the server sets its own (lizi's default listen
/// address).
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:10429";

/// What the server gives a backend for media: the [`MediaFetcher`] and lizi's public base
/// URL, which the URLs of stored pictures and files (`/lizi/media/<hash>`) use.
#[derive(Default)]
pub struct MediaAccess {
    fetcher: std::sync::RwLock<Option<std::sync::Arc<dyn MediaFetcher>>>,
    base_url: std::sync::RwLock<Option<String>>,
}

impl std::fmt::Debug for MediaAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaAccess")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl MediaAccess {
    /// Sets the fetcher and the public base URL (`http://host:port`, no trailing slash
    /// needed).
    pub fn set(&self, fetcher: std::sync::Arc<dyn MediaFetcher>, public_base_url: &str) {
        use std::sync::PoisonError;
        *self.fetcher.write().unwrap_or_else(PoisonError::into_inner) = Some(fetcher);
        *self
            .base_url
            .write()
            .unwrap_or_else(PoisonError::into_inner) =
            Some(public_base_url.trim_end_matches('/').to_owned());
    }

    /// The URL serving the stored bytes `hash`.
    pub fn url(&self, hash: &str) -> String {
        let base = self
            .base_url
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        format!("{base}/lizi/media/{hash}")
    }

    /// The bytes `source` names: inline data as it is, paths and URLs through the
    /// fetcher.
    pub async fn fetch(&self, source: &MediaSource) -> Result<Vec<u8>, Failure> {
        if let MediaSource::Inline(bytes) = source {
            return Ok(bytes.clone());
        }
        let fetcher = self
            .fetcher
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        match fetcher {
            Some(fetcher) => fetcher.fetch(source).await,
            None => Err(Failure::new(
                crate::FailureKind::Refused,
                "reading local files and URLs is not set up in this backend",
            )),
        }
    }

    /// The fetcher, for work that goes on after an answer.
    pub fn fetcher(&self) -> Option<std::sync::Arc<dyn MediaFetcher>> {
        self.fetcher
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}
