//! Message conversion (onebot.md §4): OneBot segments as XLZ text for events, XLZ text as
//! segments for sends. Text, mentions, pictures, voices and replies keep their meaning, the
//! other segments of §4 are written by [`crate::segments_more`], and any other segment
//! arrives as its CQ-code text, so nothing is dropped silently.

use lizi_core::media::{md5_hex, normal_hash};
use lizi_core::textcode::{self, Code};
use lizi_onebot::message::{to_cq_string, AtTarget, View};
use lizi_onebot::Segment;

use crate::identity::MessageRecord;

/// An incoming message as XLZ text, and the text of the message it replies to (for
/// `Text_Reply`); `replied` finds the record of a replied-to OneBot id.
pub fn to_xlz<'a>(
    message: &[Segment],
    replied: impl Fn(i64) -> Option<&'a MessageRecord>,
) -> (String, String) {
    let mut pieces = Vec::with_capacity(message.len());
    let mut text_reply = String::new();
    for segment in message {
        let piece = match segment.view() {
            Ok(View::Text(text)) => textcode::Segment::Text(text),
            Ok(View::At(AtTarget::User(qq))) => textcode::Segment::At(qq),
            Ok(View::At(AtTarget::All)) => textcode::Segment::AtAll,
            Ok(View::Image {
                file, url, flash, ..
            }) => {
                let name = if flash { "flashPic" } else { "pic" };
                media_code(name, &file, url.as_deref())
            }
            Ok(View::Record { file, url }) => media_code("Audio", &file, url.as_deref()),
            Ok(View::Reply(id)) => match replied(id) {
                Some(record) => {
                    text_reply = record.text.clone();
                    textcode::Segment::Code(
                        Code::new("Reply")
                            .with("SendQQID", record.sender.to_string())
                            .with("Req", record.req.to_string())
                            .with("Random", record.random.to_string())
                            .with("SendTime", record.time.to_string()),
                    )
                }
                None => continue,
            },
            _ => crate::segments_more::rich(segment).unwrap_or_else(|| {
                textcode::Segment::Text(to_cq_string(std::slice::from_ref(segment)))
            }),
        };
        pieces.push(piece);
    }
    (textcode::print(&pieces), text_reply)
}

/// `[pic,hash=…]` (`[flashPic,…]`, `[Audio,…]`) of a received picture or voice: the hash
/// is the file name's when it is an MD5 (as NapCat's are, and as [`crate::media_in`] makes
/// them once the bytes are kept), else the MD5 of the URL (or of the file when there is
/// none), so that it always has XLZ's form; the URL is added when it holds nothing that
/// would end the code.
fn media_code(name: &str, file: &str, url: Option<&str>) -> textcode::Segment {
    let stem = file.split('.').next().unwrap_or(file);
    let hash = normal_hash(stem).unwrap_or_else(|| md5_hex(url.unwrap_or(file).as_bytes()));
    let mut code = Code::new(name).with("hash", hash);
    if let Some(url) = url.filter(|url| !url.is_empty() && !url.contains([',', ']', '['])) {
        code = code.with("url", url);
    }
    textcode::Segment::Code(code)
}

/// XLZ text as segments to send; a `[Reply,…,Req=R,Random=X,…]` code becomes a leading
/// `reply` segment when `reply_id` knows the message, and is dropped otherwise.
pub fn to_segments(text: &str, reply_id: impl Fn(i64, i64) -> Option<i64>) -> Vec<Segment> {
    to_segments_with(text, reply_id, |_| None)
}

/// [`to_segments`], where `media` gives the segment of a picture or voice code it knows.
pub fn to_segments_with(
    text: &str,
    reply_id: impl Fn(i64, i64) -> Option<i64>,
    media: impl Fn(&Code) -> Option<Segment>,
) -> Vec<Segment> {
    // The reply codes are taken out: none is left for the face to resolve.
    let no_reply = |_: i64| None;
    let mut reply = None;
    let mut out = Vec::new();
    let mut rest = Vec::new();
    let flush = |rest: &mut Vec<textcode::Segment>, out: &mut Vec<Segment>| {
        if !rest.is_empty() {
            let text = textcode::print(rest);
            out.extend(lizi_onebot_face::events::segments(&text, &no_reply));
            rest.clear();
        }
    };
    for piece in textcode::parse(text) {
        if let textcode::Segment::Code(code) = &piece {
            if code.is("Reply") {
                let number = |key| code.get(key).and_then(|value| value.parse::<i64>().ok());
                if let (Some(req), Some(random)) = (number("Req"), number("Random")) {
                    reply = reply.or(reply_id(req, random));
                }
                continue;
            }
            if let Some(segment) = media(code) {
                flush(&mut rest, &mut out);
                out.push(segment);
                continue;
            }
        }
        rest.push(piece);
    }
    flush(&mut rest, &mut out);
    reply.map(Segment::reply).into_iter().chain(out).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Conversation;

    #[test]
    fn segments_become_escaped_text_and_codes() {
        let record = MessageRecord {
            account: 1,
            conversation: Conversation::Group(9),
            req: 4,
            random: 77,
            time: 100,
            ob_id: 12,
            sender: 5,
            text: "earlier".into(),
        };
        let message = vec![
            Segment::reply(12),
            Segment::text("a[b]"),
            Segment::at(42),
            Segment::face(14),
            Segment::poke(1, 2),
        ];
        let (text, reply) = to_xlz(&message, |id| (id == 12).then_some(&record));
        assert_eq!(
            text,
            "[Reply,SendQQID=5,Req=4,Random=77,SendTime=100]a\\u005bb\\u005d[@42][Face,Id=14,name=微笑][Shake,name=戳一戳,Type=1,Id=2]"
        );
        assert_eq!(reply, "earlier");
        let (text, reply) = to_xlz(&[Segment::reply(13), Segment::text("x")], |_| None);
        assert_eq!((text.as_str(), reply.as_str()), ("x", ""));
    }

    #[test]
    fn text_becomes_segments_with_known_replies() {
        let segments = to_segments("[Reply,Req=4,Random=77]hi [@42]", |req, random| {
            (req == 4 && random == 77).then_some(12)
        });
        assert_eq!(
            segments,
            vec![Segment::reply(12), Segment::text("hi "), Segment::at(42)]
        );
        assert_eq!(
            to_segments("[Reply,Req=5,Random=1]hi", |_, _| None),
            vec![Segment::text("hi")]
        );
    }

    /// onebot.md §4 rows `image`, `image{type:"flash"}`, `record`, received.
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
        let convert = |segment: Segment| to_xlz(&[segment], |_| None).0;
        assert_eq!(convert(napcat), format!("[pic,hash={upper},url={url}]"));
        assert_eq!(convert(flash), format!("[flashPic,hash={upper},url={url}]"));
        assert_eq!(convert(record), format!("[Audio,hash={upper},url={url}]"));
        // Lagrange.OneBot's file is a URL: its MD5 names the picture; a URL with a comma
        // stays out of the code.
        let lagrange = "https://gchat.qpic.cn/a,b";
        let text = convert(image(
            serde_json::json!({"file": lagrange, "url": lagrange}),
        ));
        assert_eq!(text, format!("[pic,hash={}]", md5_hex(lagrange.as_bytes())));
    }

    /// onebot.md §4 rows `image`, `record`, sent: media codes become the segments given,
    /// in place, between the text around them.
    #[test]
    fn media_codes_become_segments_in_place() {
        let picture = Segment::image("base64://cA==", false);
        let voice = Segment::record("base64://dg==");
        let media = |code: &Code| match code.get("hash") {
            Some("P") => Some(picture.clone()),
            Some("V") => Some(voice.clone()),
            _ => None,
        };
        let segments = to_segments_with("a[pic,hash=P]b[Audio,hash=V][@1]", |_, _| None, media);
        assert_eq!(
            segments,
            vec![
                Segment::text("a"),
                picture.clone(),
                Segment::text("b"),
                voice.clone(),
                Segment::at(1)
            ]
        );
    }
}
