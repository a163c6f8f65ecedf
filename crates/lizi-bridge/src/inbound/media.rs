//! Received pictures and voices (docs/onebot-implementations.md#pictures-and-voices, #xlz-text-and-onebot-segments): each `image` or `record` segment of
//! an incoming message is fetched once from its `url` (NapCat `{file:<md5>.<ext>, url,
//! sub_type, summary, file_size}`, Lagrange.OneBot `{file:<url>, filename, url}`,
//! LLOneBot `{file, url}`) through the server's fetcher, so with its size cap and timeout,
//! and kept under its MD5 ([`crate::state::media`]). The segment is then made to name that
//! hash and lizi's URL, which the XLZ text carries (`[pic,hash=…,url=…]`); the QQ URL,
//! which expires, is not needed again.
//!
//! A fetch that fails loses nothing: the event is still emitted, with the hash of the file
//! name (NapCat names pictures by their MD5) or else of the URL, and lizi's URL fetches
//! again from the QQ URL when asked. The connection's frames wait while a picture is
//! fetched, which keeps the account's events in order.
//!
//! Only `http` and `https` URLs are fetched. A segment whose `url` (or `file`) names
//! anything else (`file:///…`, `data:`, a path on the implementation's machine) is refused:
//! counted in `/metrics` (`lizi_bridge_media_refused_total`), logged, and its `url` left
//! out, so the XLZ text carries lizi's own URL or none, never the implementation's.

use lizi_core::media::{md5_hex, normal_hash, MediaInfo};
use lizi_core::param::MediaSource;
use lizi_onebot::Segment;
use serde_json::Value;

use crate::backend::BridgeBackend;
use crate::clock::now;
use crate::state::media::Known;

/// A non-empty text field of `segment`'s data.
fn field<'a>(segment: &'a Segment, key: &str) -> Option<&'a str> {
    segment
        .data
        .get(key)
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
}

/// The scheme of a URL (`http`, `file`, `base64`…), lower case; `None` for a plain name.
fn scheme(text: &str) -> Option<String> {
    let (scheme, _) = text.split_once(':')?;
    let is_scheme = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    // `C:\…` is a Windows path, not a scheme.
    (is_scheme && scheme.len() > 1).then(|| scheme.to_ascii_lowercase())
}

/// Whether `text` is an `http` or `https` URL.
fn is_web_url(text: &str) -> bool {
    matches!(scheme(text).as_deref(), Some("http" | "https"))
}

/// The URL a received media segment can be fetched from: `url`, or a `file` that is one
/// (Lagrange.OneBot).
fn source_url(segment: &Segment) -> Option<String> {
    field(segment, "url")
        .filter(|url| is_web_url(url))
        .or_else(|| field(segment, "file").filter(|file| is_web_url(file)))
        .map(str::to_owned)
}

/// What a received media segment names that lizi does not fetch, with its scheme (`path`
/// for none): a `url` that is not an `http(s)` URL, or a `file` that is a URL of another
/// scheme (a plain `file` is a name or a path, never fetched).
fn refused_source(segment: &Segment) -> Option<(String, &str)> {
    if let Some(url) = field(segment, "url").filter(|url| !is_web_url(url)) {
        return Some((scheme(url).unwrap_or_else(|| "path".into()), url));
    }
    let file = field(segment, "file")?;
    let scheme = scheme(file).filter(|scheme| scheme != "http" && scheme != "https")?;
    Some((scheme, file))
}

/// The MD5 a received file name is, if it is one (`ABC…`, `abc….jpg`, `{ABC…}.png`).
fn name_hash(segment: &Segment) -> Option<String> {
    let file = segment.data.get("file").and_then(Value::as_str)?;
    let stem = file.trim().split('.').next()?;
    normal_hash(stem.trim_start_matches('{').trim_end_matches('}'))
}

impl BridgeBackend {
    /// `frame` with the pictures and voices of its message kept and named by hash.
    pub(crate) async fn keep_frame_media(&self, mut frame: Value) -> Value {
        let Some(message) = frame.get("message") else {
            return frame;
        };
        let Ok(mut segments) = lizi_onebot::message::parse(message) else {
            return frame;
        };
        if self.keep_segments(&mut segments).await {
            if let Ok(message) = serde_json::to_value(&segments) {
                frame["message"] = message;
            }
        }
        frame
    }

    /// [`BridgeBackend::keep_frame_media`] for a parsed message event (one fetched from
    /// history).
    pub(crate) async fn keep_event_media(&self, event: &mut lizi_onebot::Event) {
        use lizi_onebot::event::{Body, MessageEvent};
        let message = match &mut event.body {
            Body::Message(message) | Body::MessageSent(message) => message,
            _ => return,
        };
        let segments = match message {
            MessageEvent::Group(group) => &mut group.message,
            MessageEvent::Private(private) => &mut private.message,
            MessageEvent::Other(_) => return,
        };
        self.keep_segments(segments).await;
    }

    /// Keeps the pictures and voices among `segments`, naming each by its hash and lizi's
    /// URL; one whose source is not an `http(s)` URL is refused and loses its `url`.
    /// Answers whether any segment changed.
    async fn keep_segments(&self, segments: &mut [Segment]) -> bool {
        let mut changed = false;
        for segment in segments {
            if segment.kind != "image" && segment.kind != "record" {
                continue;
            }
            if let Some((scheme, source)) = refused_source(segment) {
                let shown: String = source.chars().take(80).collect();
                self.media_refused.count(
                    &scheme,
                    format_args!("a received `{}` names {shown}", segment.kind),
                );
            }
            let hash = self.received(segment).await;
            let url = hash.as_ref().map(|hash| self.media.url(hash));
            if let Some(hash) = hash {
                segment.data.insert("file".into(), Value::String(hash));
            }
            match url {
                Some(url) => {
                    segment.data.insert("url".into(), Value::String(url));
                    changed = true;
                }
                None => changed |= segment.data.remove("url").is_some(),
            }
        }
        changed
    }

    /// The hash of a received picture or voice, fetched and kept the first time its URL
    /// is seen; `None` when it names neither a URL nor a picture the bridge has.
    async fn received(&self, segment: &Segment) -> Option<String> {
        let named = name_hash(segment);
        let stored = named
            .clone()
            .filter(|hash| self.media.known(hash).is_some_and(|known| known.stored));
        if stored.is_some() {
            return stored;
        }
        let url = source_url(segment)?;
        if let Some(hash) = self.media.hash_of_source(&url) {
            return Some(hash);
        }
        let fetched = match self.media.fetch(&MediaSource::Url(url.clone())).await {
            Ok(bytes) if !bytes.is_empty() => self.media.keep_bytes(bytes, Some(url.clone())).await,
            Ok(_) => Err(lizi_core::Failure::new(
                lizi_core::FailureKind::Invalid,
                "the picture is empty",
            )),
            Err(failure) => Err(failure),
        };
        match fetched {
            Ok((hash, _)) => Some(hash),
            Err(failure) => {
                tracing::warn!(
                    "onebot bridge: fetching a received picture from {url}: {}; lizi's URL \
                     will try again",
                    failure.message
                );
                let hash = named.unwrap_or_else(|| md5_hex(url.as_bytes()));
                let known = Known {
                    info: MediaInfo::of(&[], now()),
                    source: Some(url),
                    stored: false,
                };
                if let Err(failure) = self.media.keep(&hash, known, None).await {
                    tracing::warn!("onebot bridge: {}", failure.message);
                }
                Some(hash)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn segment(value: Value) -> Segment {
        serde_json::from_value(value).expect("a segment")
    }

    #[test]
    fn each_profile_names_its_picture_its_own_way() {
        let md5 = "0123456789abcdef0123456789abcdef";
        // NapCat: the file name is the MD5, the URL carries an rkey.
        let napcat = segment(json!({"type": "image", "data": {
            "file": format!("{md5}.jpg"), "sub_type": 0, "summary": "",
            "url": "https://multimedia.nt.qq.com.cn/download?appid=1407&rkey=x",
            "file_size": "12"}}));
        assert_eq!(name_hash(&napcat), Some(md5.to_ascii_uppercase()));
        assert_eq!(
            source_url(&napcat).as_deref(),
            Some("https://multimedia.nt.qq.com.cn/download?appid=1407&rkey=x")
        );
        // Lagrange.OneBot: the file is the URL.
        let lagrange = segment(json!({"type": "image", "data": {
            "file": "https://gchat.qpic.cn/a/b/0", "filename": "x.png", "url": ""}}));
        assert_eq!(name_hash(&lagrange), None);
        assert_eq!(
            source_url(&lagrange).as_deref(),
            Some("https://gchat.qpic.cn/a/b/0")
        );
        // A voice with a path and no URL: nothing to fetch.
        let voice = segment(json!({"type": "record", "data": {"file": "/tmp/v.amr"}}));
        assert_eq!((name_hash(&voice), source_url(&voice)), (None, None));
        assert_eq!(refused_source(&voice), None);
    }

    #[test]
    fn only_web_urls_are_fetched_and_other_schemes_are_refused() {
        let local = segment(json!({"type": "image", "data": {
            "file": "0123456789abcdef0123456789abcdef.jpg", "url": "file:///etc/passwd"}}));
        assert_eq!(source_url(&local), None);
        assert_eq!(
            refused_source(&local),
            Some(("file".into(), "file:///etc/passwd"))
        );
        let upper = segment(json!({"type": "image", "data": {"url": "HTTPS://q.qpic.cn/x"}}));
        assert_eq!(source_url(&upper).as_deref(), Some("HTTPS://q.qpic.cn/x"));
        assert_eq!(refused_source(&upper), None);
        let inline = segment(json!({"type": "record", "data": {"file": "base64://AAAA"}}));
        assert_eq!(
            refused_source(&inline).map(|(s, _)| s),
            Some("base64".into())
        );
        let windows = segment(json!({"type": "image", "data": {"file": "C:\\pics\\a.png"}}));
        assert_eq!(refused_source(&windows), None);
        let path = segment(json!({"type": "image", "data": {"url": "/tmp/a.png"}}));
        assert_eq!(refused_source(&path), Some(("path".into(), "/tmp/a.png")));
    }
}
