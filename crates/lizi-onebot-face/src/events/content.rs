//! XLZ message text as OneBot segments (onebot.md §4): text, mentions, faces, pictures,
//! voice (`[Audio,…]` → `record`), cards (`[Json,Data=…]`, `[Xml,Data=…]`) and replies
//! (`[Reply,…,Req=…]` → `reply` with the quoted message's OneBot id); any other code is
//! kept as its text.

use lizi_core::textcode::{self, Code};
use lizi_onebot::Segment;
use serde_json::Value;

/// `text` as segments; `reply_id` gives the OneBot id of the message with a `Req` of the
/// same conversation (a reply to a message it cannot find stays text).
pub fn segments(text: &str, reply_id: &dyn Fn(i64) -> Option<i64>) -> Vec<Segment> {
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

fn code_segment(code: &Code, reply_id: &dyn Fn(i64) -> Option<i64>) -> Segment {
    let arg = |key: &str| code.get(key).unwrap_or_default().to_owned();
    if code.is("Face") || code.is("smallFace") {
        if let Some(id) = code.get("Id").and_then(|id| id.parse().ok()) {
            return Segment::face(id);
        }
    }
    if code.is("pic") || code.is("flashPic") {
        let url = arg("url");
        let file = code.get("hash").map(str::to_owned).unwrap_or(url.clone());
        return with_url(Segment::image(file, code.is("flashPic")), url);
    }
    if code.is("Audio") {
        let url = arg("url");
        let file = code.get("hash").map(str::to_owned).unwrap_or(url.clone());
        return with_url(Segment::record(file), url);
    }
    if code.is("Json") && code.get("Data").is_some() {
        return Segment::json(arg("Data"));
    }
    if code.is("Xml") && code.get("Data").is_some() {
        return Segment::xml(arg("Data"));
    }
    if code.is("Reply") {
        let id = code
            .get("Req")
            .and_then(|req| req.parse().ok())
            .and_then(reply_id);
        if let Some(id) = id {
            return Segment::reply(id);
        }
    }
    Segment::text(textcode::print(&[textcode::Segment::Code(code.clone())]))
}

fn with_url(mut segment: Segment, url: String) -> Segment {
    if !url.is_empty() {
        segment.data.insert("url".into(), Value::String(url));
    }
    segment
}

/// A `file` segment for a message that carries a file.
pub fn file_segment(file: &lizi_core::event::FileRef) -> Segment {
    let mut segment = Segment::new(
        "file",
        &[("file", file.name.clone()), ("file_id", file.id.clone())],
    );
    segment
        .data
        .insert("file_size".into(), Value::from(file.size.to_string()));
    segment
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_reply(_: i64) -> Option<i64> {
        None
    }

    #[test]
    fn text_codes_become_segments() {
        let message = segments(
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
        let message = segments(
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
    fn unknown_codes_and_unknown_replies_stay_text() {
        let message = segments("[Shake,name=x][Reply,Req=8]", &no_reply);
        assert_eq!(
            message,
            vec![
                Segment::text("[Shake,name=x]"),
                Segment::text("[Reply,Req=8]")
            ]
        );
    }
}
