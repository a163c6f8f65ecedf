//! `download_file`: NapCat's and LLOneBot's download into a folder of the implementation's
//! host, answering the local path, so that a bot can send the file on by path. lizi keeps
//! the content on the network first (the control API's `store_media`: a URL under the same
//! fetch rules as pictures, so private addresses are refused unless allowed, and the same
//! size cap and timeout), then writes it into the media folder as `name` (its last path
//! part; without one, the content's MD5, as both implementations name it).
//!
//! `headers` are accepted and not sent: lizi's downloads carry no extra headers.

use lizi_core::param::{decode_base64, MediaSource};
use lizi_onebot::action::{DownloadFile, DownloadedFile};

use super::by_id::plain_name;
use crate::actions::call::{data, Answer, Call};
use crate::config::FaceConfig;

/// Both implementations' answer when neither `url` nor `base64` is given.
const NOTHING_TO_DOWNLOAD: &str = "不存在任何文件, 无法下载";

impl Call<'_> {
    /// `download_file`.
    pub(crate) async fn download(&self, config: &FaceConfig, call: &DownloadFile) -> Answer {
        let Some(dir) = &config.media_dir else {
            return Err(self.failed(
                "download_file saves into the media folder, and none is set: start lizi with \
                 --media-dir",
            ));
        };
        let source = match (&call.base64, &call.url) {
            (Some(base64), _) if !base64.is_empty() => {
                let text = base64.strip_prefix("base64://").unwrap_or(base64);
                let bytes = decode_base64(text)
                    .map_err(|problem| self.bad(format!("parameter `base64`: {problem}")))?;
                MediaSource::Inline(bytes)
            }
            (_, Some(url)) if !url.is_empty() => MediaSource::Url(url.clone()),
            _ => return Err(self.failed(NOTHING_TO_DOWNLOAD)),
        };
        let name = match call.name.as_deref().filter(|n| !n.is_empty()) {
            Some(name) => Some(plain_name(name).ok_or_else(|| {
                self.bad(format!("parameter `name`: `{name}` is not a file name"))
            })?),
            None => None,
        };
        let kept = self.store_media(&source).await?;
        let hash = kept["hash"].as_str().unwrap_or_default().to_owned();
        let bytes = self.media_bytes(&hash).await?;
        let name = name.map_or_else(|| hash.to_ascii_lowercase(), str::to_owned);
        let path = dir.join(name);
        let written = match tokio::fs::create_dir_all(dir).await {
            Ok(()) => tokio::fs::write(&path, &bytes).await,
            Err(error) => Err(error),
        };
        written.map_err(|e| self.failed(format!("writing {} failed: {e}", path.display())))?;
        data(DownloadedFile {
            file: path.display().to_string(),
        })
    }
}
