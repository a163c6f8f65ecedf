//! The data keys of a segment the conversion does not read itself (`face.sub_type`, an
//! image's `summary`…), carried in its XLZ code as arguments of their own names and back,
//! so a segment arrives with every data key it was sent with, as the implementations keep
//! them. A key or value XLZ text cannot hold (`,`, `[` or `]`, or `=` in a key) is left
//! out; values come back as strings, as every data value is written. Keys XLZ's code uses
//! itself (`Id`, `hash`, `Req`…) are never taken for carried ones, either way.

use lizi_core::textcode::Code;
use serde_json::Value;

use crate::message::Segment;

/// The data keys the conversion reads itself, per segment type.
fn read_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "face" | "reply" => &["id"],
        "image" => &["file", "url", "type"],
        "record" | "video" => &["file", "url"],
        "json" | "xml" => &["data"],
        _ => &[],
    }
}

/// XLZ's own arguments of a code.
fn code_keys(code: &Code) -> &'static [&'static str] {
    let known: [(&str, &'static [&'static str]); 8] = [
        ("Face", &["Id", "name"]),
        ("pic", &["hash", "wide", "high", "url", "cartoon"]),
        ("flashPic", &["hash", "wide", "high", "url", "cartoon"]),
        ("Audio", &["hash", "time", "url"]),
        ("litleVideo", &["hash", "url"]),
        (
            "Reply",
            &["Content", "SendQQID", "Req", "Random", "SendTime"],
        ),
        ("Json", &["Data"]),
        ("Xml", &["Data"]),
    ];
    known
        .iter()
        .find(|(name, _)| code.is(name))
        .map_or(&[], |(_, keys)| keys)
}

fn is_in(keys: &[&str], key: &str) -> bool {
    keys.iter().any(|known| known.eq_ignore_ascii_case(key))
}

/// `code` with the data keys of `segment` it does not hold otherwise, as arguments.
pub fn carry(segment: &Segment, mut code: Code) -> Code {
    let own = code_keys(&code);
    for (key, value) in &segment.data {
        let value = match value {
            Value::String(text) => text.clone(),
            Value::Null => continue,
            other => other.to_string(),
        };
        let printable = !key.is_empty()
            && !key.contains(['=', ',', '[', ']'])
            && !value.contains([',', '[', ']']);
        if printable && !is_in(read_keys(&segment.kind), key) && !is_in(own, key) {
            code = code.with(key.clone(), value);
        }
    }
    code
}

/// `segment` with the arguments of `code` that are not XLZ's own, as data keys (those it
/// has already are kept).
pub fn restore(code: &Code, mut segment: Segment) -> Segment {
    let own = code_keys(code);
    for (key, value) in &code.args {
        if !is_in(own, key) && !segment.data.contains_key(key) {
            segment
                .data
                .insert(key.clone(), Value::String(value.clone()));
        }
    }
    segment
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn segment(value: Value) -> Segment {
        serde_json::from_value(value).expect("a segment")
    }

    #[test]
    fn keys_the_conversion_does_not_read_go_into_the_code_and_back() {
        let face = segment(json!({"type": "face", "data": {"id": "178", "sub_type": "1"}}));
        let code = carry(&face, Code::new("Face").with("Id", "178"));
        assert_eq!(code.get("sub_type"), Some("1"));
        assert_eq!(restore(&code, Segment::face(178)), face);
        let image = segment(json!({"type": "image", "data": {
            "file": "base64://aGk=", "summary": "动画表情", "sub_type": 1, "bad": "[a]"}}));
        let code = carry(
            &image,
            Code::new("pic").with("hash", "AB").with("wide", "1"),
        );
        let back = restore(&code, Segment::image("AB", false));
        assert_eq!(back.data["summary"], "动画表情");
        assert_eq!(back.data["sub_type"], "1");
        assert!(back.data.get("bad").is_none() && back.data.get("wide").is_none());
    }

    #[test]
    fn a_videos_own_keys_stay_xlzs_and_the_others_travel() {
        let video = segment(json!({"type": "video", "data": {
            "file": "base64://aGk=", "url": "http://x/v", "name": "clip.mp4"}}));
        let code = carry(&video, Code::new("litleVideo").with("hash", "AB"));
        assert_eq!(code.get("name"), Some("clip.mp4"));
        assert!(
            code.get("file").is_none() && code.get("url").is_none(),
            "{code:?}"
        );
        let sent = Code::new("litleVideo")
            .with("hash", "AB")
            .with("url", "http://y/v")
            .with("name", "clip.mp4");
        let back = restore(&sent, Segment::video("AB"));
        assert_eq!(back.data["name"], "clip.mp4");
        assert!(back.data.get("hash").is_none() && back.data.get("url").is_none());
    }

    #[test]
    fn xlz_keys_are_never_carried_keys() {
        let odd = segment(json!({"type": "face", "data": {"id": "1", "name": "x", "Id": "2"}}));
        let code = carry(&odd, Code::new("Face").with("Id", "1").with("name", "惊讶"));
        assert_eq!(code.args.len(), 2, "{code:?}");
        let reply = Code::new("Reply")
            .with("Req", "3")
            .with("Random", "4")
            .with("note", "n");
        assert_eq!(restore(&reply, Segment::reply(9)).data.len(), 2);
    }
}
