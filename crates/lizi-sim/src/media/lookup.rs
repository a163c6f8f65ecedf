//! Media by name, and media that arrives without a chat: the control API's `media_file`
//! (a picture, voice or video by its hash, or a group or friend file by id or name, as
//! an account sees them), `store_media` (bytes fetched under the server's media rules, or
//! given inline, kept by hash) and `send_video` (a person sends a short video, as
//! `send_picture` sends a picture). The OneBot face's `get_file`, `get_image`,
//! `get_record`, `download_file` and `video` segments go through them; XLZ has no endpoint
//! for any.

use lizi_core::media::{extension, normal_hash, MediaInfo};
use lizi_core::param::{decode_base64, MediaSource};
use lizi_core::textcode::Code;
use lizi_core::{Failure, FailureKind, Reply, Uin};
use serde_json::{json, Value};

use super::model::{FileEntry, FileScope};
use crate::backend::{Handled, SimBackend};
use crate::control::media::{SimMediaFile, SimStoreMedia, SimVideo};
use crate::error::SimError;
use crate::world::World;

/// What a name found: the blob's hash and what the file is called.
struct Found {
    hash: String,
    name: String,
}

/// The hash a media file name names (`ABC…`, `abc….jpg`, `{ABC…}.png`), if any.
fn hash_in(name: &str) -> Option<String> {
    let stem = name.trim().split('.').next()?;
    normal_hash(stem.trim_start_matches('{').trim_end_matches('}'))
}

impl World {
    /// The group files and friend files `account` can see: those of its groups and those
    /// friends sent it.
    fn files_seen_by(&self, account: Uin) -> impl Iterator<Item = &FileEntry> {
        self.files.iter().filter_map(move |((scope, _), entry)| {
            let seen = match scope {
                FileScope::Group(gin) => self
                    .groups
                    .get(gin)
                    .is_some_and(|g| g.members.contains_key(&account)),
                FileScope::Friend(uin) => *uin == account,
            };
            (seen && !entry.is_folder).then_some(entry)
        })
    }

    /// What `file` names for `account`: a picture, voice or video the network holds, by
    /// hash (with or without an extension); else a group or friend file it can see, by id,
    /// then by name.
    fn find_media(&self, account: Uin, file: &str) -> Result<Found, SimError> {
        self.account(account)?;
        let file = file.trim();
        if let Some(hash) = hash_in(file).filter(|h| self.media.contains_key(h)) {
            let info = self.media.get(&hash);
            let ext = info.map_or("", |i| extension(&i.content_type));
            let name = if ext.is_empty() {
                hash.clone()
            } else {
                format!("{hash}.{ext}")
            };
            return Ok(Found { hash, name });
        }
        let by_id = self.files_seen_by(account).find(|e| e.id == file);
        let entry = by_id.or_else(|| self.files_seen_by(account).find(|e| e.name == file));
        match entry {
            Some(entry) => Ok(Found {
                hash: entry.md5.clone(),
                name: entry.name.clone(),
            }),
            None => Err(SimError::NotFound(format!(
                "`{file}` names no picture, voice, video or file that {account} can see"
            ))),
        }
    }
}

impl SimBackend {
    /// A stored blob as the control API shows it.
    fn blob_view(&self, hash: &str, name: &str, info: Option<&MediaInfo>) -> Value {
        json!({
            "hash": hash,
            "name": name,
            "size": info.map_or(0, |i| i.size),
            "content_type": info.map_or("application/octet-stream", |i| &i.content_type),
            "url": self.media_url(hash),
        })
    }

    /// The control API's `media_file` view.
    pub(crate) fn control_media_file(&self, lookup: SimMediaFile) -> Handled {
        self.read(|w| {
            let found = w.find_media(lookup.account, &lookup.file)?;
            let info = w.media.get(&found.hash);
            Ok(Reply::Json(self.blob_view(&found.hash, &found.name, info)))
        })
    }

    /// The control API's `store_media`: reads the bytes (URLs and paths under the server's
    /// media rules) and keeps them; answers what was kept.
    pub(crate) async fn control_store_media(&self, store: SimStoreMedia) -> Handled {
        let source = match (store.base64, store.url, store.path) {
            (Some(base64), None, None) => decode_base64(&base64)
                .map(MediaSource::Inline)
                .map_err(|p| Failure::new(FailureKind::Invalid, format!("`base64` {p}")))?,
            (None, Some(url), None) => MediaSource::Url(url),
            (None, None, Some(path)) => MediaSource::Path(path),
            _ => {
                return Err(Failure::new(
                    FailureKind::Invalid,
                    "give one of `base64`, `url` or `path`",
                ))
            }
        };
        let bytes = self.fetch(&source).await?;
        if bytes.is_empty() {
            return Err(Failure::new(FailureKind::Invalid, "the content is empty"));
        }
        let blob = self.store_blob(bytes).await?;
        let ext = extension(&blob.info.content_type);
        let name = if ext.is_empty() {
            blob.hash.clone()
        } else {
            format!("{}.{ext}", blob.hash)
        };
        let view = self.blob_view(&blob.hash, &name, Some(&blob.info));
        Ok((Reply::Json(view), None))
    }

    /// The control API's `send_video`: a person sends a short video (base64), as
    /// `send_picture` sends a picture.
    pub(crate) fn control_send_video(&self, video: SimVideo) -> Handled {
        let chat = (video.from, video.to, video.group);
        self.send_uploaded(chat, &video.base64, "a video", |blob| {
            Code::new("litleVideo").with("hash", &blob.hash)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::WorldFixture;

    #[test]
    fn names_find_media_by_hash_then_files_by_id_and_name() {
        let mut world = World::from_fixture(&WorldFixture::default_world(), 100);
        let hash = "0123456789ABCDEF0123456789ABCDEF".to_owned();
        world
            .media
            .insert(hash.clone(), MediaInfo::of(b"GIF89a\x01\0\x01\0", 1));
        let found = world.find_media(10001, &format!("{}.gif", hash.to_lowercase()));
        assert_eq!(found.map(|f| f.name), Ok(format!("{hash}.gif")));
        world.files.insert(
            (FileScope::Group(30002), "/f1".into()),
            FileEntry {
                id: "/f1".into(),
                name: "notes.txt".into(),
                folder: "/".into(),
                is_folder: false,
                size: 5,
                md5: hash.clone(),
                uploader: 10001,
                time: 1,
            },
        );
        assert_eq!(
            world.find_media(10001, "/f1").map(|f| f.name),
            Ok("notes.txt".into())
        );
        assert_eq!(
            world.find_media(10001, "notes.txt").map(|f| f.hash),
            Ok(hash)
        );
        assert!(
            world.find_media(10002, "/f1").is_err(),
            "10002 is not in group 30002"
        );
        assert!(world.find_media(10001, "other.txt").is_err());
    }
}
