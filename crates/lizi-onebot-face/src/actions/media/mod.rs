//! Pictures, voices and videos in sends (docs/onebot-implementations.md#pictures-and-voices), Lagrange.OneBot's
//! `upload_image`, media by name ([`by_id`]: `get_file`, `get_image`, `get_record`),
//! downloads ([`download`]: `download_file` and the media folder), favourite stickers
//! ([`stickers`]) and the keys of media URLs ([`rkey`]).
//!
//! An `image` or `record` segment is uploaded first through the XLZ upload request of the
//! chat (`/sendgrouppic`, `/sendprivatepic`, `/sendgroupaudio`, `/sendprivateaudio`),
//! which answers the `[pic,hash=…]` or `[Audio,hash=…]` code; the message then carries that
//! code. A `video` segment, which XLZ has no upload for, is kept through the control API's
//! `store_media` and sent as `[litleVideo,hash=…,url=…]`. `file` may be `base64://…`, an
//! `http(s)://` URL or a local path (read by the server under its media rules), or the
//! file name of a picture, voice or video lizi already has: its hash (32 hex digits, as
//! received segments give it), with or without an extension.

pub(crate) mod by_id;
mod download;
mod rkey;
mod stickers;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use lizi_core::endpoint as xlz;
use lizi_core::media::video_code;
use lizi_core::param::{decode_base64, MediaSource};
use lizi_core::textcode::{self, Code};
use lizi_core::Request;
use lizi_onebot::message::View;
use lizi_onebot::xlz::{carry, sent_text, Unsendable};
use lizi_onebot::Segment;
use serde_json::{json, Value};

use crate::actions::call::{Answer, Call};
use crate::actions::messages::target::Target;

/// What a media segment asks to send.
enum Media {
    /// A picture (flash or not).
    Picture { flash: bool },
    /// A voice.
    Voice,
    /// A short video.
    Video,
}

/// Where a media segment's content is.
pub(crate) enum Source {
    /// Content lizi already has, by hash.
    Known(String),
    /// Content to upload.
    Upload(MediaSource),
}

/// The normalised hash a file name names (`ABC…`, `abc….jpg`, `{ABC…}.png`), if any.
pub(crate) fn hash_of(file: &str) -> Option<String> {
    let stem = file.trim().split('.').next()?;
    let stem = stem.trim_start_matches('{').trim_end_matches('}');
    (stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| stem.to_ascii_uppercase())
}

/// Where `file` (`base64://…`, a URL, a path or a known hash) says the content is.
pub(crate) fn source_of(file: &str) -> Result<Source, Unsendable> {
    let file = file.trim();
    if let Some(base64) = file.strip_prefix("base64://") {
        return decode_base64(base64)
            .map(|bytes| Source::Upload(MediaSource::Inline(bytes)))
            .map_err(|problem| Unsendable(format!("bad base64:// media: {problem}")));
    }
    if file.starts_with("http://") || file.starts_with("https://") {
        return Ok(Source::Upload(MediaSource::Url(file.to_owned())));
    }
    if let Some(path) = file.strip_prefix("file://") {
        return Ok(Source::Upload(MediaSource::Path(path.to_owned())));
    }
    if let Some(hash) = hash_of(file) {
        return Ok(Source::Known(hash));
    }
    if file.starts_with('/') {
        return Ok(Source::Upload(MediaSource::Path(file.to_owned())));
    }
    Err(Unsendable(format!(
        "`{file}` is not base64://…, an http(s):// URL, a local path or the name of a \
         picture or voice lizi has"
    )))
}

impl Call<'_> {
    /// The message as XLZ text, its pictures and voices uploaded for `target` first.
    pub(crate) async fn xlz_text(
        &self,
        target: Target,
        message: &[Segment],
        quote: &(dyn Fn(i64) -> Option<Code> + Sync),
    ) -> Result<String, Box<lizi_onebot::ActionResponse>> {
        let mut uploaded: Vec<(usize, textcode::Segment)> = Vec::new();
        for (index, segment) in message.iter().enumerate() {
            let (file, media) = match segment.view() {
                Ok(View::Image { file, flash, .. }) => (file, Media::Picture { flash }),
                Ok(View::Record { file, .. }) => (file, Media::Voice),
                Ok(View::Video { file, .. }) => (file, Media::Video),
                _ => continue,
            };
            let source = source_of(&file).map_err(|e| self.bad(e.0))?;
            let code = self.upload(target, &media, source).await?;
            uploaded.push((index, textcode::Segment::Code(carry(segment, code))));
        }
        let ready = |index: usize| {
            uploaded
                .iter()
                .find(|(at, _)| *at == index)
                .map(|(_, code)| code.clone())
        };
        sent_text(message, quote, ready).map_err(|e| self.bad(e.0))
    }

    /// The code that sends `source` as `media` to `target`.
    async fn upload(
        &self,
        target: Target,
        media: &Media,
        source: Source,
    ) -> Result<Code, Box<lizi_onebot::ActionResponse>> {
        let source = match source {
            Source::Known(hash) => {
                // Make sure the network has it: `/getphotourl` knows every stored hash.
                let url = self.media_url(&hash).await?;
                return Ok(match media {
                    Media::Picture { flash: true } => Code::new("flashPic").with("hash", hash),
                    Media::Picture { flash: false } => Code::new("pic").with("hash", hash),
                    Media::Voice => Code::new("Audio").with("hash", hash),
                    Media::Video => video_code(&hash, url),
                });
            }
            Source::Upload(source) => source,
        };
        if let Media::Video = media {
            let kept = self.store_media(&source).await?;
            let hash = kept["hash"].as_str().unwrap_or_default();
            let url = kept["url"].as_str().unwrap_or_default().to_owned();
            return Ok(video_code(hash, url));
        }
        let fromqq = self.me();
        let request = match (media, target) {
            (Media::Picture { flash }, Target::Group(togroup)) => {
                Request::SendGroupPic(xlz::SendGroupPic {
                    fromqq,
                    togroup,
                    pic: source,
                    flashpic: Some(*flash),
                })
            }
            (
                Media::Picture { flash },
                Target::Private(toqq) | Target::Temporary { user: toqq, .. },
            ) => Request::SendPrivatePic(xlz::SendPrivatePic {
                fromqq,
                toqq,
                pic: source,
                flashpic: Some(*flash),
            }),
            (Media::Voice, Target::Group(togroup)) => {
                Request::SendGroupAudio(xlz::SendGroupAudio {
                    fromqq,
                    togroup,
                    voice_type: None,
                    text: None,
                    audio: source,
                })
            }
            (Media::Voice, Target::Private(toqq) | Target::Temporary { user: toqq, .. }) => {
                Request::SendPrivateAudio(xlz::SendPrivateAudio {
                    fromqq,
                    toqq,
                    voice_type: None,
                    text: None,
                    audio: source,
                })
            }
            (Media::Video, _) => {
                return Err(self.failed("a video is kept through store_media, not uploaded"))
            }
        };
        let text = self.text(request).await?;
        match textcode::parse(&text).as_slice() {
            [textcode::Segment::Code(code)] => Ok(code.clone()),
            _ => Err(self.failed(format!("the upload answered `{text}`, not a media code"))),
        }
    }

    /// Uploads a picture (`file`: `base64://…`, a URL, a path or the name of one lizi
    /// has) into group `group`'s chat without sending it, as XLZ's uploads do; answers
    /// its hash.
    pub(crate) async fn upload_picture(
        &self,
        group: lizi_core::Gin,
        file: &str,
    ) -> Result<String, Box<lizi_onebot::ActionResponse>> {
        let source = source_of(file).map_err(|e| self.bad(e.0))?;
        let picture = Media::Picture { flash: false };
        let code = self.upload(Target::Group(group), &picture, source).await?;
        code.get("hash")
            .map(str::to_owned)
            .ok_or_else(|| self.failed("the upload answered no picture hash"))
    }

    /// The URL serving the picture, voice or video with `hash` (failing when the network
    /// holds none).
    pub(crate) async fn media_url(
        &self,
        hash: &str,
    ) -> Result<String, Box<lizi_onebot::ActionResponse>> {
        self.text(Request::GetPhotoUrl(xlz::GetPhotoUrl {
            photo: format!("[pic,hash={hash}]"),
            fromqq: Some(self.me()),
            group: None,
        }))
        .await
    }

    /// `upload_image` (Lagrange.OneBot): the picture uploaded without a chat (the
    /// control API's `upload_picture`); answers the URL serving it.
    pub(crate) async fn upload_image(&self, file: &str) -> Answer {
        self.ensure_online()?;
        let mut upload = serde_json::json!({"account": self.me()});
        // Inline content goes on as the caller wrote it; `source_of` checks it is base64.
        let inline = file.trim().strip_prefix("base64://");
        match source_of(file).map_err(|e| self.bad(e.0))? {
            Source::Known(hash) => return Ok(Value::String(self.media_url(&hash).await?)),
            Source::Upload(MediaSource::Inline(_)) => upload["base64"] = inline.into(),
            Source::Upload(MediaSource::Path(path)) => upload["path"] = Value::String(path),
            Source::Upload(MediaSource::Url(url)) => upload["url"] = Value::String(url),
        }
        let uploaded = self.control_json("upload_picture", upload).await?;
        match uploaded["url"].as_str() {
            Some(url) => Ok(Value::String(url.to_owned())),
            None => Err(self.failed("the upload answered no URL")),
        }
    }

    /// Keeps the content `source` names on the network (the control API's
    /// `store_media`, under the server's media rules); answers what was kept: `hash`,
    /// `name`, `size`, `content_type`, `url`.
    pub(crate) async fn store_media(&self, source: &MediaSource) -> Answer {
        let body = match source {
            MediaSource::Inline(bytes) => json!({ "base64": BASE64.encode(bytes) }),
            MediaSource::Url(url) => json!({ "url": url }),
            MediaSource::Path(path) => json!({ "path": path }),
        };
        self.control_json("store_media", body).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_give_hashes() {
        let hash = "0123456789abcdef0123456789ABCDEF";
        assert_eq!(
            hash_of(hash).as_deref(),
            Some("0123456789ABCDEF0123456789ABCDEF")
        );
        assert!(hash_of(&format!("{hash}.jpg")).is_some());
        assert!(hash_of(&format!("{{{hash}}}.png")).is_some());
        assert!(hash_of("photo.jpg").is_none());
        assert!(
            matches!(source_of("base64://aGk="), Ok(Source::Upload(MediaSource::Inline(b))) if b == b"hi")
        );
        assert!(matches!(
            source_of("https://x/y.png"),
            Ok(Source::Upload(MediaSource::Url(_)))
        ));
        assert!(matches!(
            source_of("/tmp/a.png"),
            Ok(Source::Upload(MediaSource::Path(_)))
        ));
        assert!(source_of("a.png").is_err());
        assert!(source_of("base64://%%").is_err());
    }
}
