//! Pictures, voices and avatars through the bridge (docs/onebot-implementations.md#pictures-and-voices):
//!
//! - `/sendprivatepic`, `/sendgrouppic`, `/send*audio` read the bytes (base64, path or URL,
//!   through the server's fetcher and its limits), keep them ([`crate::state::media`]) and
//!   answer the code the simulated network answers; the implementation is not called.
//! - `/getphotourl` answers lizi's own URL of a picture the bridge keeps.
//! - `/uploadfacepic` and `/uploadgroupfacepic` become `set_qq_avatar` and
//!   `set_group_portrait` with the bytes as `base64://`.

use lizi_core::media::{photo_hash, picture_code, voice_code};
use lizi_core::param::MediaSource;
use lizi_core::textcode::{self, Segment};
use lizi_core::{Failure, FailureKind, Reply, Request, Uin};
use serde_json::json;

use crate::backend::BridgeBackend;

/// What is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Upload {
    /// A picture (flash or not).
    Picture {
        /// A flash picture.
        flash: bool,
    },
    /// A voice.
    Voice,
}

/// `bytes` as the `base64://…` file every implementation takes.
pub(crate) fn base64_file(bytes: &[u8]) -> String {
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    format!("base64://{text}")
}

impl BridgeBackend {
    /// The picture, voice and avatar requests; hands any other back.
    pub(crate) async fn media_call(&self, request: Request) -> Result<Reply, Failure> {
        use Request as R;
        let picture = |flash: Option<bool>| Upload::Picture {
            flash: flash == Some(true),
        };
        match request {
            R::SendPrivatePic(r) => self.upload(r.fromqq, &r.pic, picture(r.flashpic)).await,
            R::SendGroupPic(r) => self.upload(r.fromqq, &r.pic, picture(r.flashpic)).await,
            R::SendPrivateAudio(r) => self.upload(r.fromqq, &r.audio, Upload::Voice).await,
            R::SendGroupAudio(r) => self.upload(r.fromqq, &r.audio, Upload::Voice).await,
            R::GetPhotoUrl(r) => self.photo_url(&r.photo),
            R::UploadFacePic(r) => {
                let file = self.avatar_file(r.fromqq, &r.pic).await?;
                self.act(r.fromqq, "set_qq_avatar", json!({ "file": file }))
                    .await
            }
            R::UploadGroupFacePic(r) => {
                let file = self.avatar_file(r.fromqq, &r.pic).await?;
                let params = json!({"group_id": r.group, "file": file});
                self.act(r.fromqq, "set_group_portrait", params).await
            }
            other => Err(Failure::new(
                FailureKind::NotImplemented,
                format!("{} is not a picture request", other.path()),
            )),
        }
    }

    /// Reads and keeps an upload of `account`, answering its text code.
    async fn upload(
        &self,
        account: Uin,
        source: &MediaSource,
        what: Upload,
    ) -> Result<Reply, Failure> {
        self.link(account)?;
        let bytes = self.media.fetch(source).await?;
        if bytes.is_empty() {
            return Err(Failure::new(FailureKind::Invalid, "the upload is empty"));
        }
        let (hash, info) = self.media.keep_bytes(bytes, None).await?;
        let code = match what {
            Upload::Picture { flash } => picture_code(&hash, &info, flash),
            Upload::Voice => voice_code(&hash, &info),
        };
        Ok(Reply::Text(textcode::print(&[Segment::Code(code)])))
    }

    /// `/getphotourl`: lizi's URL of a picture the bridge keeps.
    fn photo_url(&self, photo: &str) -> Result<Reply, Failure> {
        let hash = photo_hash(photo)?;
        if self.media.known(&hash).is_none() {
            return Err(Failure::new(
                FailureKind::NotFound,
                format!("lizi's OneBot bridge has no picture with hash {hash}"),
            ));
        }
        Ok(Reply::Text(self.media.url(&hash)))
    }

    /// An avatar's bytes as the `base64://` file the implementations take.
    async fn avatar_file(&self, account: Uin, source: &MediaSource) -> Result<String, Failure> {
        self.link(account)?;
        let bytes = self.media.fetch(source).await?;
        if bytes.is_empty() {
            return Err(Failure::new(FailureKind::Invalid, "the picture is empty"));
        }
        Ok(base64_file(&bytes))
    }

    /// Calls `action` on `account`'s implementation; success is [`Reply::Done`].
    async fn act(
        &self,
        account: Uin,
        action: &'static str,
        params: serde_json::Value,
    ) -> Result<Reply, Failure> {
        let link = self.link(account)?;
        link.call(action, params)
            .await
            .map_err(|e| self.failed(account, e))?;
        Ok(Reply::Done)
    }
}
