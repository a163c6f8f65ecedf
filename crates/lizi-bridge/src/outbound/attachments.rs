//! Pictures and voices in sends (docs/onebot-implementations.md#xlz-text-and-onebot-segments): `[pic,hash=…]`, `[flashPic,hash=…]` and
//! `[Audio,hash=…]` of media the bridge keeps ([`crate::state::media`]) go out as
//! `image{file:"base64://…"}` (flash: `type:"flash"`) and `record{file:"base64://…"}`;
//! `[picFile,path=…]`, `[flashPicFile,path=…]` and `[AudioFile,path=…]` are read first
//! (under the server's media rules) and kept like uploads. A hash the bridge does not
//! have, or a flash picture the implementation cannot send, fails the send before anything
//! is sent.

use std::collections::HashMap;

use lizi_core::media::{media_hash, picture_code, voice_code, with_url};
use lizi_core::param::MediaSource;
use lizi_core::textcode::{self, Code};
use lizi_core::{Failure, FailureKind, Uin};
use lizi_onebot::{Profile, Segment};

use super::media::base64_file;
use crate::backend::BridgeBackend;
use crate::state::implementation::detect;

/// How a flash picture goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FlashSend {
    /// As `image{type:"flash"}`.
    AsFlash,
    /// As an ordinary picture (the implementation cannot send flash pictures and the
    /// settings allow it).
    AsPicture,
    /// Not at all: the send fails, saying why.
    Refused,
}

/// Whether `implementation` (a profile name or an `app_name`) sends flash pictures, and
/// what to do when it cannot: NapCat and Lagrange.OneBot have no flash send (docs/onebot-implementations.md
/// §2.4); LLOneBot and go-cqhttp honour the standard `type:"flash"`.
pub(crate) fn flash_for(implementation: &str, as_picture: bool) -> FlashSend {
    match detect(implementation) {
        Some(Profile::NapCat | Profile::Lagrange) if as_picture => FlashSend::AsPicture,
        Some(Profile::NapCat | Profile::Lagrange) => FlashSend::Refused,
        _ => FlashSend::AsFlash,
    }
}

/// A send's text with its media resolved, and the bytes of each picture and voice.
#[derive(Debug, Default)]
pub(crate) struct Attachments {
    /// The text, `*File` codes replaced by the kept media's codes, each with lizi's URL.
    pub text: String,
    /// `base64://…` files by hash.
    files: HashMap<String, String>,
    /// Whether flash pictures go out as flash pictures.
    flash: bool,
}

impl Attachments {
    /// The segment a media code of [`Attachments::text`] becomes.
    pub fn segment(&self, code: &Code) -> Option<Segment> {
        let file = self.files.get(&media_hash(code)?)?.clone();
        Some(if code.is("Audio") {
            Segment::record(file)
        } else if code.is("litleVideo") {
            Segment::video(file)
        } else {
            Segment::image(file, self.flash && code.is("flashPic"))
        })
    }
}

/// The upload codes and what each makes: (name, flash picture, voice).
const FILE_CODES: [(&str, bool, bool); 3] = [
    ("picFile", false, false),
    ("flashPicFile", true, false),
    ("AudioFile", false, true),
];

impl BridgeBackend {
    /// Resolves the media codes of `text`, sent by `account`.
    pub(crate) async fn attachments(
        &self,
        account: Uin,
        text: &str,
    ) -> Result<Attachments, Failure> {
        let mut out = Attachments {
            text: text.to_owned(),
            ..Attachments::default()
        };
        if !text.contains('[') {
            return Ok(out);
        }
        let mut pieces = textcode::parse(text);
        let mut changed = false;
        for piece in &mut pieces {
            let textcode::Segment::Code(code) = piece else {
                continue;
            };
            if let Some(new) = self.upload_file_code(code).await? {
                *code = new;
            }
            let Some(hash) = media_hash(code) else {
                continue;
            };
            if code.is("flashPic") {
                let implementation = self.implementation(account);
                match flash_for(&implementation, self.media.flash_as_picture()) {
                    FlashSend::AsFlash => out.flash = true,
                    FlashSend::AsPicture => {}
                    FlashSend::Refused => {
                        return Err(Failure::new(
                            FailureKind::NotImplemented,
                            format!(
                                "{implementation} cannot send flash pictures; nothing was \
                                 sent (set bridge_flash_as_picture to send them as \
                                 ordinary pictures)"
                            ),
                        ))
                    }
                }
            }
            if !out.files.contains_key(&hash) {
                let media = self.media.bytes(&hash).await.ok_or_else(|| {
                    Failure::new(
                        FailureKind::NotFound,
                        format!(
                            "lizi's OneBot bridge has no picture or voice with hash {hash}; \
                             upload it first (/sendgrouppic, /sendprivatepic, …); nothing \
                             was sent"
                        ),
                    )
                })?;
                out.files.insert(hash.clone(), base64_file(&media.bytes));
            }
            for (key, value) in &mut code.args {
                if key.eq_ignore_ascii_case("hash") {
                    value.clone_from(&hash);
                }
            }
            *code = with_url(code.clone(), self.media.url(&hash));
            changed = true;
        }
        if changed {
            out.text = textcode::print(&pieces);
        }
        Ok(out)
    }

    /// The code a `[picFile]`, `[flashPicFile]` or `[AudioFile]` code becomes once its
    /// file is read and kept; `None` for other codes.
    async fn upload_file_code(&self, code: &Code) -> Result<Option<Code>, Failure> {
        let Some((name, flash, voice)) = FILE_CODES.into_iter().find(|(n, ..)| code.is(n)) else {
            return Ok(None);
        };
        let path = code
            .get("path")
            .ok_or_else(|| Failure::new(FailureKind::Invalid, format!("[{name}] needs path=…")))?;
        let bytes = self
            .media
            .fetch(&MediaSource::Path(path.to_owned()))
            .await?;
        if bytes.is_empty() {
            return Err(Failure::new(
                FailureKind::Invalid,
                format!("`{path}` is empty"),
            ));
        }
        let (hash, info) = self.media.keep_bytes(bytes, None).await?;
        Ok(Some(if voice {
            voice_code(&hash, &info)
        } else {
            picture_code(&hash, &info, flash)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flash_pictures_per_implementation() {
        // docs/onebot-implementations.md#xlz-text-and-onebot-segments: `image{type:"flash"}` on LLOneBot (and go-cqhttp); NapCat and
        // Lagrange.OneBot cannot, so fail unless told to send an ordinary picture.
        assert_eq!(flash_for("llonebot", false), FlashSend::AsFlash);
        assert_eq!(flash_for("go-cqhttp", false), FlashSend::AsFlash);
        for cannot in ["napcat", "lagrange", "NapCat.Onebot", "Lagrange.OneBot"] {
            assert_eq!(flash_for(cannot, false), FlashSend::Refused, "{cannot}");
            assert_eq!(flash_for(cannot, true), FlashSend::AsPicture, "{cannot}");
        }
    }

    #[test]
    fn media_codes_become_base64_image_and_record_segments() {
        let mut attachments = Attachments {
            flash: true,
            ..Attachments::default()
        };
        let hash = "0123456789ABCDEF0123456789ABCDEF";
        attachments
            .files
            .insert(hash.into(), "base64://aGk=".into());
        let code = |name: &str| Code::new(name).with("hash", hash.to_ascii_lowercase());
        let image = |flash| Segment::image("base64://aGk=", flash);
        assert_eq!(attachments.segment(&code("pic")), Some(image(false)));
        assert_eq!(attachments.segment(&code("flashPic")), Some(image(true)));
        assert_eq!(
            attachments.segment(&code("Audio")),
            Some(Segment::record("base64://aGk="))
        );
        assert_eq!(
            attachments.segment(&Code::new("Face").with("Id", "1")),
            None
        );
        let other = Code::new("pic").with("hash", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");
        assert_eq!(attachments.segment(&other), None, "an unknown hash");
        attachments.flash = false;
        assert_eq!(
            attachments.segment(&code("flashPic")),
            Some(image(false)),
            "flash sent as an ordinary picture"
        );
    }
}
