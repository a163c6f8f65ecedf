//! Message conversion (onebot.md §4): OneBot segments as XLZ text for events, XLZ text as
//! segments for sends. Text, mentions, pictures and replies keep their meaning, the other
//! segments of §4 are written by [`crate::segments_more`], and any other segment arrives as
//! its CQ-code text, so nothing is dropped silently.

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
            Ok(View::Image { file, url, .. }) => picture(&file, url.as_deref()),
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

/// `[pic,hash=…]` of a received picture: the MD5 of its file name when it is one, and its
/// URL when the URL holds nothing that would end the code.
fn picture(file: &str, url: Option<&str>) -> textcode::Segment {
    let stem = file.split('.').next().unwrap_or(file);
    let hash = if stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit()) {
        stem.to_ascii_uppercase()
    } else {
        stem.chars().filter(|c| !",[]".contains(*c)).collect()
    };
    let mut code = Code::new("pic").with("hash", hash);
    if let Some(url) = url.filter(|url| !url.is_empty() && !url.contains([',', ']', '['])) {
        code = code.with("url", url);
    }
    textcode::Segment::Code(code)
}

/// XLZ text as segments to send; a `[Reply,…,Req=R,Random=X,…]` code becomes a leading
/// `reply` segment when `reply_id` knows the message, and is dropped otherwise.
pub fn to_segments(text: &str, reply_id: impl Fn(i64, i64) -> Option<i64>) -> Vec<Segment> {
    let mut reply = None;
    let mut rest = Vec::new();
    for piece in textcode::parse(text) {
        if let textcode::Segment::Code(code) = &piece {
            if code.is("Reply") {
                let number = |key| code.get(key).and_then(|value| value.parse::<i64>().ok());
                if let (Some(req), Some(random)) = (number("Req"), number("Random")) {
                    reply = reply.or(reply_id(req, random));
                }
                continue;
            }
        }
        rest.push(piece);
    }
    let mut out: Vec<Segment> = reply.map(Segment::reply).into_iter().collect();
    // The reply codes were taken out above: none is left for the face to resolve.
    let no_reply = |_: i64| None;
    out.extend(lizi_onebot_face::events::segments(
        &textcode::print(&rest),
        &no_reply,
    ));
    out
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
}
