//! Media text codes: the codes uploads answer, and the rewriting of message text before a
//! message is stored and delivered — `[picFile,path=…]`, `[flashPicFile,path=…]` and
//! `[AudioFile,path=…]` upload the file and become `[pic,…]`, `[flashPic,…]`, `[Audio,…]`;
//! every `[pic]`, `[flashPic]` and `[Audio]` code of a known hash gets the `url` that
//! serves its bytes. Everything else in the text stays byte for byte as it was.

use lizi_core::media::{media_hash, picture_code, voice_code, with_url};
use lizi_core::param::MediaSource;
use lizi_core::textcode::{self, Code, Segment};
use lizi_core::{Failure, Request};

use crate::backend::SimBackend;
use crate::control::SimControl;

/// The single code that `[inner]` is, if it is one.
fn single_code(inner: &str) -> Option<Code> {
    match textcode::parse(&format!("[{inner}]")).as_slice() {
        [Segment::Code(code)] => Some(code.clone()),
        _ => None,
    }
}

impl SimBackend {
    /// The code a message should carry instead of `code`, or `None` to keep it.
    async fn rewrite_code(&self, code: &Code) -> Result<Option<Code>, Failure> {
        let upload = [
            ("picFile", false, false),
            ("flashPicFile", true, false),
            ("AudioFile", false, true),
        ]
        .into_iter()
        .find(|(name, _, _)| code.is(name));
        if let Some((_, flash, voice)) = upload {
            let Some(path) = code.get("path") else {
                return Ok(None);
            };
            let bytes = self.fetch(&MediaSource::Path(path.to_owned())).await?;
            let blob = self.store_blob(bytes).await?;
            let new = if voice {
                voice_code(&blob.hash, &blob.info)
            } else {
                picture_code(&blob.hash, &blob.info, flash)
            };
            return Ok(Some(with_url(new, self.media_url(&blob.hash))));
        }
        let Some(hash) = media_hash(code) else {
            return Ok(None);
        };
        if !self.lock().media.contains_key(&hash) {
            return Ok(None);
        }
        let mut code = code.clone();
        for (key, value) in &mut code.args {
            if key.eq_ignore_ascii_case("hash") {
                value.clone_from(&hash);
            }
        }
        Ok(Some(with_url(code, self.media_url(&hash))))
    }

    /// `text` with its media codes uploaded and given URLs.
    pub(crate) async fn rewrite_text(&self, text: &str) -> Result<String, Failure> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find('[') {
            out.push_str(&rest[..open]);
            let from_open = &rest[open..];
            match from_open[1..].find(['[', ']']) {
                Some(end) if from_open.as_bytes()[1 + end] == b']' => {
                    let span = &from_open[..end + 2];
                    let new = match single_code(&from_open[1..1 + end]) {
                        Some(code) => self.rewrite_code(&code).await?,
                        None => None,
                    };
                    match new {
                        Some(code) => out.push_str(&textcode::print(&[Segment::Code(code)])),
                        None => out.push_str(span),
                    }
                    rest = &from_open[end + 2..];
                }
                _ => {
                    out.push('[');
                    rest = &from_open[1..];
                }
            }
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Rewrites the text of the message-sending requests; others pass unchanged.
    pub(crate) async fn prepare_media(&self, mut request: Request) -> Result<Request, Failure> {
        let text = match &mut request {
            Request::SendPrivateMsg(r) => &mut r.text,
            Request::SendGroupMsg(r) => &mut r.text,
            Request::SendGroupTempMsg(r) => &mut r.text,
            _ => return Ok(request),
        };
        if text.contains('[') {
            *text = self.rewrite_text(text).await?;
        }
        Ok(request)
    }

    /// Rewrites the text of the control API's `message`; other actions pass unchanged.
    pub(crate) async fn prepare_control_media(
        &self,
        mut request: SimControl,
    ) -> Result<SimControl, Failure> {
        if let SimControl::Message(message) = &mut request {
            if message.text.contains('[') {
                message.text = self.rewrite_text(&message.text).await?;
            }
        }
        Ok(request)
    }
}
