//! Media by name: `get_file`, `get_image` and `get_record` answer a picture, voice, video
//! or file lizi holds, by its hash (the `file` of received segments, with or without an
//! extension) or by a group or friend file's id or name, as the control API's
//! `media_file` finds it for the account.
//!
//! The answer is NapCat's and LLOneBot's: `file` a local path (a copy written into the
//! media folder, `<media folder>/<hash>/<name>`; without a media folder, the URL), `url`
//! the URL serving the bytes, `file_size` (a string), `file_name`, and `base64` when
//! `--onebot-media-base64` is set (LLOneBot adds it only when `file` is the URL, as
//! LLOneBot does). Each implementation's parameters: NapCat reads `file`, then `file_id`;
//! LLOneBot's `get_image` and `get_record` read only `file` (required by `get_record`).
//! lizi converts no voices: `get_record` answers a voice in the format it was sent in,
//! and fails for another `out_format` (NapCat requires one; LLOneBot's default is `mp3`).

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use lizi_onebot::action::FileData;
use lizi_onebot::Profile;
use serde_json::json;

use crate::actions::call::{data, Answer, Call};
use crate::config::FaceConfig;

/// Which of the three actions asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Asked {
    /// `get_file`.
    File,
    /// `get_image`.
    Image,
    /// `get_record`, in this `out_format`.
    Record,
}

/// The format names a voice of `content_type` answers to in `out_format`.
fn voice_formats(content_type: &str) -> &'static [&'static str] {
    match content_type {
        "audio/mpeg" => &["mp3"],
        "audio/amr" => &["amr"],
        "audio/silk" => &["silk", "slk"],
        "audio/wav" => &["wav"],
        "audio/ogg" => &["ogg"],
        _ => &[],
    }
}

/// `name` fit to be one file name in a folder: no folder part, not empty, not `.`/`..`.
pub(crate) fn plain_name(name: &str) -> Option<&str> {
    let name = name.rsplit(['/', '\\']).next()?.trim();
    (!name.is_empty() && name != "." && name != "..").then_some(name)
}

/// Writes `bytes` to `path` unless a file of that size is there already (the name holds
/// the content's hash, so the same size is the same content).
pub(crate) async fn write_once(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Ok(meta) = tokio::fs::metadata(path).await {
        if meta.len() == bytes.len() as u64 {
            return Ok(());
        }
    }
    if let Some(folder) = path.parent() {
        tokio::fs::create_dir_all(folder).await?;
    }
    tokio::fs::write(path, bytes).await
}

impl Call<'_> {
    /// `get_file`, `get_image`, `get_record`: the media `file` (or `file_id`) names.
    pub(crate) async fn media_file(
        &self,
        config: &FaceConfig,
        asked: Asked,
        file: Option<&str>,
        file_id: Option<&str>,
        out_format: Option<&str>,
    ) -> Answer {
        // LLOneBot's get_image and get_record read only `file`.
        let reads_file_id = self.profile == Profile::NapCat || asked == Asked::File;
        let name = file
            .filter(|f| !f.is_empty())
            .or(file_id.filter(|_| reads_file_id))
            .unwrap_or_default();
        if asked == Asked::Record && out_format.is_none() && self.profile == Profile::NapCat {
            return Err(self.bad("parameter `out_format`: is required"));
        }
        if name.is_empty() {
            return Err(self.failed(match self.profile {
                Profile::NapCat => "file not found",
                _ => "file is required",
            }));
        }
        let found = self
            .control_json("media_file", json!({ "account": self.me(), "file": name }))
            .await?;
        let text = |key: &str| found[key].as_str().unwrap_or_default().to_owned();
        let (hash, file_name, url) = (text("hash"), text("name"), text("url"));
        if asked == Asked::Record {
            let wanted = out_format.unwrap_or("mp3").trim().to_ascii_lowercase();
            let content_type = text("content_type");
            let formats = voice_formats(&content_type);
            let Some(held) = formats.first() else {
                return Err(self.failed(format!("`{name}` is not a voice ({content_type})")));
            };
            if !formats.contains(&wanted.as_str()) {
                return Err(self.failed(format!(
                    "lizi does not convert voices: `{name}` is {held}; ask for out_format \
                     {held}"
                )));
            }
        }
        let bytes = match (&config.media_dir, config.media_base64) {
            (None, false) => None,
            _ => Some(self.media_bytes(&hash).await?),
        };
        let local = match (&config.media_dir, &bytes) {
            (Some(dir), Some(bytes)) => {
                Some(self.keep_locally(dir, &hash, &file_name, bytes).await?)
            }
            _ => None,
        };
        let path = local.map_or(url.clone(), |path| path.display().to_string());
        let with_base64 = config.media_base64 && (self.profile != Profile::LLOneBot || path == url);
        data(FileData {
            base64: bytes.filter(|_| with_base64).map(|b| BASE64.encode(b)),
            file: path,
            url: Some(url),
            file_size: Some(found["size"].as_u64().unwrap_or(0).to_string()),
            file_name: Some(file_name),
        })
    }

    /// The bytes of the blob `hash`.
    pub(crate) async fn media_bytes(
        &self,
        hash: &str,
    ) -> Result<Vec<u8>, Box<lizi_onebot::ActionResponse>> {
        match self.backend.media(hash).await {
            Some(media) => Ok(media.bytes),
            None => Err(self.failed(format!("the bytes of {hash} are not kept any more"))),
        }
    }

    /// A copy of `bytes` in the media folder, `<dir>/<hash>/<name>`.
    async fn keep_locally(
        &self,
        dir: &Path,
        hash: &str,
        name: &str,
        bytes: &[u8],
    ) -> Result<PathBuf, Box<lizi_onebot::ActionResponse>> {
        let name = plain_name(name).unwrap_or(hash);
        let path = dir.join(hash).join(name);
        write_once(&path, bytes)
            .await
            .map_err(|e| self.failed(format!("writing {} failed: {e}", path.display())))?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_folders() {
        assert_eq!(plain_name("a/b/c.txt"), Some("c.txt"));
        assert_eq!(plain_name("..\\x.png"), Some("x.png"));
        assert_eq!(plain_name("../"), None);
        assert_eq!(plain_name(".."), None);
        assert_eq!(plain_name("  "), None);
    }

    #[test]
    fn voices_answer_to_their_own_format() {
        assert_eq!(voice_formats("audio/amr"), ["amr"]);
        assert!(voice_formats("image/png").is_empty());
    }
}
