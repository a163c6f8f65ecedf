//! OneBot segments as XLZ message text (docs/onebot-implementations.md#xlz-text-and-onebot-segments), read one of two ways, as the two
//! sides of OneBot send different things:
//!
//! - [`sent_text`]: a message a bot sends through lizi's OneBot face. Only what lizi's
//!   network can carry becomes text: text (escaped so it cannot turn into codes), `at` as
//!   `[@qq]`/`[@all]`, `face` as `[Face,Id=…]`, `reply` as the reply code `quote` gives
//!   (with a `Content` preview, [`Quoted::code_with_preview`]); pictures, voices and videos
//!   come in already uploaded, as codes (`ready`). Any other segment is refused by name rather than
//!   dropped, and so are a reply to an unknown message and an empty message.
//! - [`reported_text`]: a message an implementation reports to the bridge. Every segment
//!   becomes text: text and mentions as above, faces with their names, pictures, voices and
//!   videos as `[pic,hash=…]`, `[flashPic,…]`, `[Audio,…]`, `[litleVideo,…]`, a reply as the reply code of the
//!   quoted message ([`Quoted::code`], its text kept for `Text_Reply`; a reply to an
//!   unknown message is left out), the other segments of §4 as [`super::rich`] writes them,
//!   and any other as its CQ-code text, so nothing is dropped silently.

use lizi_core::media::{md5_hex, normal_hash};
use lizi_core::textcode::{self, Code, Segment as Piece};

use super::keys::carry;
use super::quote::Quoted;
use super::rich;
use crate::message::Segment;
use crate::message::{to_cq_string, AtTarget, View};

/// Why a bot's message cannot be written as XLZ text: the segment at fault, named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unsendable(pub String);

/// A bot's `message` as XLZ message text; `quote` gives the reply code of the message a
/// `reply` segment names (`None`: no such message), `ready` the text of the segments
/// prepared elsewhere (uploaded pictures and voices), by index.
pub fn sent_text(
    message: &[Segment],
    quote: &dyn Fn(i64) -> Option<Code>,
    ready: impl Fn(usize) -> Option<Piece>,
) -> Result<String, Unsendable> {
    let mut pieces = Vec::with_capacity(message.len());
    for (index, segment) in message.iter().enumerate() {
        if let Some(piece) = ready(index) {
            pieces.push(piece);
            continue;
        }
        let view = segment.view().map_err(|e| Unsendable(e.to_string()))?;
        pieces.push(match view {
            View::Text(text) => Piece::Text(text),
            View::At(AtTarget::User(qq)) => Piece::At(qq),
            View::At(AtTarget::All) => Piece::AtAll,
            View::Face(id) => {
                Piece::Code(carry(segment, Code::new("Face").with("Id", id.to_string())))
            }
            View::Reply(id) => Piece::Code(carry(
                segment,
                quote(id).ok_or_else(|| {
                    Unsendable(format!("the `reply` segment names no known message ({id})"))
                })?,
            )),
            _ => {
                return Err(Unsendable(format!(
                    "lizi's OneBot face cannot send `{}` segments yet",
                    segment.kind
                )))
            }
        });
    }
    if pieces.is_empty() {
        return Err(Unsendable("the message is empty".into()));
    }
    Ok(textcode::print(&pieces))
}

/// A reported `message` as XLZ text, and the text of the message it replies to (for
/// `Text_Reply`); `quoted` finds the message a `reply` segment names by its OneBot id.
pub fn reported_text<'a>(
    message: &[Segment],
    quoted: impl Fn(i64) -> Option<Quoted<'a>>,
) -> (String, String) {
    let mut pieces = Vec::with_capacity(message.len());
    let mut text_reply = String::new();
    for segment in message {
        let piece = match segment.view() {
            Ok(View::Text(text)) => Piece::Text(text),
            Ok(View::At(AtTarget::User(qq))) => Piece::At(qq),
            Ok(View::At(AtTarget::All)) => Piece::AtAll,
            Ok(View::Image {
                file, url, flash, ..
            }) => {
                let name = if flash { "flashPic" } else { "pic" };
                Piece::Code(carry(segment, media_code(name, &file, url.as_deref())))
            }
            Ok(View::Record { file, url }) => {
                Piece::Code(carry(segment, media_code("Audio", &file, url.as_deref())))
            }
            Ok(View::Video { file, url }) => Piece::Code(carry(
                segment,
                media_code("litleVideo", &file, url.as_deref()),
            )),
            Ok(View::Reply(id)) => match quoted(id) {
                Some(quoted) => {
                    text_reply = quoted.text.to_owned();
                    Piece::Code(carry(segment, quoted.code()))
                }
                None => continue,
            },
            _ => rich::rich(segment)
                .unwrap_or_else(|| Piece::Text(to_cq_string(std::slice::from_ref(segment)))),
        };
        pieces.push(piece);
    }
    (textcode::print(&pieces), text_reply)
}

/// `[pic,hash=…]` (`[flashPic,…]`, `[Audio,…]`) of a received picture or voice: the hash
/// is the file name's when it is an MD5 (as NapCat's are, and as the bridge makes them once
/// it keeps the bytes), else the MD5 of the URL (or of the file when there is none), so
/// that it always has XLZ's form; the URL is added when it holds nothing that would end the
/// code.
fn media_code(name: &str, file: &str, url: Option<&str>) -> Code {
    let stem = file.split('.').next().unwrap_or(file);
    let hash = normal_hash(stem).unwrap_or_else(|| md5_hex(url.unwrap_or(file).as_bytes()));
    let mut code = Code::new(name).with("hash", hash);
    if let Some(url) = url.filter(|url| !url.is_empty() && !url.contains([',', ']', '['])) {
        code = code.with("url", url);
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_quote(_: i64) -> Option<Code> {
        None
    }

    fn to_xlz_text(
        message: &[Segment],
        quote: &dyn Fn(i64) -> Option<Code>,
    ) -> Result<String, Unsendable> {
        sent_text(message, quote, |_| None)
    }

    #[test]
    fn a_reply_becomes_the_xlz_reply_code_of_the_quoted_message() {
        let quote = |id: i64| (id == -7).then(|| Code::new("Reply").with("Req", "3"));
        let message = [Segment::reply(-7), Segment::text("yes")];
        assert_eq!(
            to_xlz_text(&message, &quote).expect("sendable"),
            "[Reply,Req=3]yes"
        );
    }

    #[test]
    fn text_is_escaped_and_mentions_become_codes() {
        let message = vec![
            Segment::text("a[b]\\"),
            Segment::at(42),
            Segment::at_all(),
            Segment::face(14),
        ];
        assert_eq!(
            to_xlz_text(&message, &no_quote).expect("sendable"),
            "a\\u005bb\\u005d\\u005c[@42][@all][Face,Id=14]"
        );
    }

    #[test]
    fn unsendable_segments_are_refused_by_name() {
        let error = to_xlz_text(&[Segment::record("x.amr")], &no_quote).expect_err("refused");
        assert!(error.0.contains("`record`"), "{error}");
        assert!(to_xlz_text(&[], &no_quote).is_err());
        let error = to_xlz_text(&[Segment::reply(5)], &no_quote).expect_err("refused");
        assert!(error.0.contains("no known message"), "{error}");
    }

    #[test]
    fn segments_become_escaped_text_and_codes() {
        let record = Quoted {
            req: 4,
            random: 77,
            time: 100,
            sender: 5,
            text: "earlier",
        };
        let message = vec![
            Segment::reply(12),
            Segment::text("a[b]"),
            Segment::at(42),
            Segment::face(14),
            Segment::poke(1, 2),
        ];
        let (text, reply) = reported_text(&message, |id| (id == 12).then_some(record));
        assert_eq!(
            text,
            "[Reply,SendQQID=5,Req=4,Random=77,SendTime=100]a\\u005bb\\u005d[@42][Face,Id=14,name=微笑][Shake,name=戳一戳,Type=1,Id=2]"
        );
        assert_eq!(reply, "earlier");
        let (text, reply) = reported_text(&[Segment::reply(13), Segment::text("x")], |_| None);
        assert_eq!((text.as_str(), reply.as_str()), ("x", ""));
    }

    /// docs/onebot-implementations.md#xlz-text-and-onebot-segments rows `image`, `image{type:"flash"}`, `record`, received.
    #[test]
    fn received_pictures_and_voices_become_media_codes() {
        let md5 = "0123456789abcdef0123456789abcdef";
        let upper = md5.to_ascii_uppercase();
        let image = |data: serde_json::Value| Segment {
            kind: "image".into(),
            data: serde_json::from_value(data).expect("data"),
        };
        let url = "http://lizi.test/lizi/media/X";
        let napcat = image(serde_json::json!({"file": format!("{md5}.jpg"), "url": url}));
        let mut flash = napcat.clone();
        flash.data.insert("type".into(), "flash".into());
        let record = Segment {
            kind: "record".into(),
            data: serde_json::from_value(serde_json::json!({"file": md5, "url": url}))
                .expect("data"),
        };
        let convert = |segment: Segment| reported_text(&[segment], |_| None).0;
        assert_eq!(convert(napcat), format!("[pic,hash={upper},url={url}]"));
        assert_eq!(convert(flash), format!("[flashPic,hash={upper},url={url}]"));
        assert_eq!(convert(record), format!("[Audio,hash={upper},url={url}]"));
        let video = Segment {
            kind: "video".into(),
            data: serde_json::from_value(serde_json::json!({"file": md5, "url": url}))
                .expect("data"),
        };
        assert_eq!(
            convert(video),
            format!("[litleVideo,hash={upper},url={url}]")
        );
        // Lagrange.OneBot's file is a URL: its MD5 names the picture; a URL with a comma
        // stays out of the code.
        let lagrange = "https://gchat.qpic.cn/a,b";
        let text = convert(image(
            serde_json::json!({"file": lagrange, "url": lagrange}),
        ));
        assert_eq!(text, format!("[pic,hash={}]", md5_hex(lagrange.as_bytes())));
    }
}
