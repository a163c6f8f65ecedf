//! XLZ message text as OneBot segments (docs/onebot-implementations.md#xlz-text-and-onebot-segments), written one of two ways, as the two
//! sides of OneBot take different things:
//!
//! - [`event_segments`]: a message lizi's OneBot face shows a bot (events, `get_msg`,
//!   history): text, mentions, faces, pictures, voices (`[Audio,…]` → `record`), cards
//!   (`[Json,Data=…]`, `[Xml,Data=…]`; a merged forward's card as `forward{id}`), replies
//!   (`[Reply,…,Req=…]` → `reply` in place, with the quoted message's OneBot id) and short
//!   videos (`[litleVideo,hash=…]` → `video`);
//!   any other code is kept as its text.
//! - [`send_segments`]: a message the bridge sends through an implementation. Reply codes
//!   are taken out and the first one naming a known message becomes a leading `reply`
//!   segment (where the implementations take it); the pictures and voices the bridge
//!   prepared replace their codes in place; the rest is written as [`event_segments`]
//!   writes it.

use lizi_core::textcode::{self, Code};
use serde_json::Value;

use super::keys::restore;
use crate::message::Segment;

/// `text` as segments; `reply_id` gives the OneBot id of the message with a `Req` of the
/// same conversation (a reply to a message it cannot find stays text).
pub fn event_segments(text: &str, reply_id: &dyn Fn(i64) -> Option<i64>) -> Vec<Segment> {
    textcode::parse(text)
        .into_iter()
        .map(|piece| match piece {
            textcode::Segment::Text(text) => Segment::text(text),
            textcode::Segment::At(qq) => Segment::at(qq),
            textcode::Segment::AtAll => Segment::at_all(),
            textcode::Segment::Bq(id) => Segment::face(i64::from(id)),
            textcode::Segment::Code(code) => code_segment(&code, reply_id),
        })
        .collect()
}

/// The segment of one code, with the data keys it carries ([`restore`]); a code with no
/// segment stays its text.
fn code_segment(code: &Code, reply_id: &dyn Fn(i64) -> Option<i64>) -> Segment {
    match known_segment(code, reply_id) {
        Some(segment) => restore(code, segment),
        None => Segment::text(textcode::print(&[textcode::Segment::Code(code.clone())])),
    }
}

fn known_segment(code: &Code, reply_id: &dyn Fn(i64) -> Option<i64>) -> Option<Segment> {
    let arg = |key: &str| code.get(key).unwrap_or_default().to_owned();
    if code.is("Face") || code.is("smallFace") {
        if let Some(id) = code.get("Id").and_then(|id| id.parse().ok()) {
            return Some(Segment::face(id));
        }
    }
    if code.is("pic") || code.is("flashPic") {
        let url = arg("url");
        let file = code.get("hash").map(str::to_owned).unwrap_or(url.clone());
        return Some(with_url(Segment::image(file, code.is("flashPic")), url));
    }
    if code.is("Audio") {
        let url = arg("url");
        let file = code.get("hash").map(str::to_owned).unwrap_or(url.clone());
        return Some(with_url(Segment::record(file), url));
    }
    if code.is("litleVideo") && (code.get("hash").is_some() || code.get("url").is_some()) {
        let url = arg("url");
        let file = code.get("hash").map(str::to_owned).unwrap_or(url.clone());
        return Some(with_url(Segment::video(file), url));
    }
    if code.is("Json") && code.get("Data").is_some() {
        return Some(Segment::json(arg("Data")));
    }
    if code.is("Xml") && code.get("Data").is_some() {
        // A merged forward's card shows as the `forward` segment naming its bundle.
        if let Some(resid) = lizi_core::forward::resid(&arg("Data")) {
            return Some(Segment::new("forward", &[("id", resid)]));
        }
        return Some(Segment::xml(arg("Data")));
    }
    if code.is("Reply") {
        let id = code.get("Req").and_then(|req| req.parse().ok());
        return id.and_then(reply_id).map(Segment::reply);
    }
    None
}

fn with_url(mut segment: Segment, url: String) -> Segment {
    if !url.is_empty() {
        segment.data.insert("url".into(), Value::String(url));
    }
    segment
}

/// `text` as segments to send; a `[Reply,…,Req=R,Random=X,…]` code becomes a leading
/// `reply` segment when `reply_id` knows the message, and is dropped otherwise; `media`
/// gives the segment of a picture or voice code it knows.
pub fn send_segments(
    text: &str,
    reply_id: impl Fn(i64, i64) -> Option<i64>,
    media: impl Fn(&Code) -> Option<Segment>,
) -> Vec<Segment> {
    // The reply codes are taken out: none is left for the rest to resolve.
    let no_reply = |_: i64| None;
    let mut reply = None;
    let mut out = Vec::new();
    let mut rest = Vec::new();
    let flush = |rest: &mut Vec<textcode::Segment>, out: &mut Vec<Segment>| {
        if !rest.is_empty() {
            let text = textcode::print(rest);
            out.extend(event_segments(&text, &no_reply));
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

    fn no_reply(_: i64) -> Option<i64> {
        None
    }

    #[test]
    fn text_codes_become_segments() {
        let message = event_segments(
            "hi \\u005b[@42][Face,Id=14][pic,hash=AB,url=http://x/y]",
            &no_reply,
        );
        let mut image = Segment::image("AB", false);
        image
            .data
            .insert("url".into(), Value::String("http://x/y".into()));
        assert_eq!(
            message,
            vec![
                Segment::text("hi ["),
                Segment::at(42),
                Segment::face(14),
                image
            ]
        );
    }

    #[test]
    fn voice_cards_and_replies_become_their_segments() {
        let reply_id = |req: i64| (req == 7).then_some(-99);
        let message = event_segments(
            r#"[Reply,Content=old,SendQQID=1,Req=7,Random=5,SendTime=1][Audio,hash=CD][Json,Data={"a":1}][Xml,Data=<x/>]"#,
            &reply_id,
        );
        assert_eq!(
            message,
            vec![
                Segment::reply(-99),
                Segment::record("CD"),
                Segment::json(r#"{"a":1}"#),
                Segment::xml("<x/>"),
            ]
        );
    }

    #[test]
    fn a_forward_card_is_a_forward_segment() {
        // As the simulated network writes a card: `[`, `]` escaped inside the code.
        let card = lizi_core::forward::card("RES");
        let text = format!(
            "[Xml,Data={}]",
            card.replace('[', "\\u005b").replace(']', "\\u005d")
        );
        assert_eq!(
            event_segments(&text, &no_reply),
            vec![Segment::new("forward", &[("id", "RES".to_owned())])]
        );
    }

    #[test]
    fn a_video_code_becomes_a_video_segment() {
        let message = event_segments("[litleVideo,hash=AB,url=http://x/v]", &no_reply);
        let mut video = Segment::video("AB");
        video
            .data
            .insert("url".into(), Value::String("http://x/v".into()));
        assert_eq!(message, vec![video]);
        assert_eq!(
            event_segments("[litleVideo,name=x]", &no_reply),
            vec![Segment::text("[litleVideo,name=x]")],
            "a video code naming no video stays text"
        );
    }

    #[test]
    fn unknown_codes_and_unknown_replies_stay_text() {
        let message = event_segments("[Shake,name=x][Reply,Req=8]", &no_reply);
        assert_eq!(
            message,
            vec![
                Segment::text("[Shake,name=x]"),
                Segment::text("[Reply,Req=8]")
            ]
        );
    }

    #[test]
    fn text_becomes_segments_with_known_replies() {
        let to_segments = |text: &str, reply_id: &dyn Fn(i64, i64) -> Option<i64>| {
            send_segments(text, reply_id, |_| None)
        };
        let segments = to_segments("[Reply,Req=4,Random=77]hi [@42]", &|req, random| {
            (req == 4 && random == 77).then_some(12)
        });
        assert_eq!(
            segments,
            vec![Segment::reply(12), Segment::text("hi "), Segment::at(42)]
        );
        assert_eq!(
            to_segments("[Reply,Req=5,Random=1]hi", &|_, _| None),
            vec![Segment::text("hi")]
        );
    }

    /// docs/onebot-implementations.md#xlz-text-and-onebot-segments rows `image`, `record`, sent: media codes become the segments given,
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
        let segments = send_segments("a[pic,hash=P]b[Audio,hash=V][@1]", |_, _| None, media);
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
