//! The received segments of docs/onebot-implementations.md#xlz-text-and-onebot-segments beyond text, mentions, pictures, voices, files and
//! replies, as XLZ text: faces with their names, market faces, dice and rock-paper-scissors
//! as their faces, pokes as `[Shake,…]`, contacts as `[Share,…]`, JSON and XML cards as
//! their text, a forward message as an XML multi-message card carrying `m_resid` (what
//! `/getforwardedmsg` takes), and music, shares, locations, markdown, keyboards and the
//! rest as a bracketed placeholder, so nothing is dropped silently.

use lizi_core::textcode::{Code, Segment as Piece};

use crate::message::Segment;
use crate::message::{ContactKind, View};

/// NapCat's face id of a dice throw.
pub const DICE_FACE: i64 = 358;

/// NapCat's face id of rock-paper-scissors.
pub const RPS_FACE: i64 = 359;

/// `[Face,Id=…,name=…]`, the name when the face is known.
pub fn face(id: i64) -> Piece {
    Piece::Code(face_code(id))
}

fn face_code(id: i64) -> Code {
    let code = Code::new("Face").with("Id", id.to_string());
    match super::faces::name(id) {
        Some(name) => code.with("name", name),
        None => code,
    }
}

/// The XLZ text of one of this module's segments; `None` for the others.
pub fn rich(segment: &Segment) -> Option<Piece> {
    let text = |text: String| Some(Piece::Text(text));
    match segment.view().ok()? {
        View::Face(id) => Some(Piece::Code(super::keys::carry(segment, face_code(id)))),
        View::Dice(_) => Some(face(DICE_FACE)),
        View::Rps(_) => Some(face(RPS_FACE)),
        View::MFace {
            emoji_id,
            key,
            summary,
            ..
        } => Some(Piece::Code(
            Code::new("bigFace")
                .with("Id", value(&emoji_id))
                .with("name", value(&summary.unwrap_or_default()))
                .with("hash", value(&emoji_id))
                .with("flag", value(&key)),
        )),
        View::Poke { kind, id } => Some(Piece::Code(
            Code::new("Shake")
                .with("name", "戳一戳")
                .with("Type", value(&kind))
                .with("Id", value(&id)),
        )),
        View::Contact { kind, id } => {
            let kind = match kind {
                ContactKind::Group => "Group",
                _ => "Friend",
            };
            Some(Piece::Code(
                Code::new("Share")
                    .with("ID", id.to_string())
                    .with("Type", kind),
            ))
        }
        View::Json(json) => text(json),
        View::Xml(xml) => text(xml),
        View::Forward(resid) => text(lizi_core::forward::card(&resid)),
        View::Music(_) => text("[音乐]".into()),
        View::Share { title, url, .. } => text(format!("[分享]{title} {url}")),
        View::Location {
            title, lat, lon, ..
        } => text(format!("[位置]{} {lat},{lon}", title.unwrap_or_default())),
        View::Node(_) => text("[聊天记录]".into()),
        View::Other => placeholder(&segment.kind).map(|name| Piece::Text(name.into())),
        _ => None,
    }
}

/// `text` fit for a code value: XLZ has no escape there, so the characters that would end
/// the value or the code are left out.
fn value(text: &str) -> String {
    text.chars().filter(|c| !",[]".contains(*c)).collect()
}

/// The placeholder of a segment kind lizi does not view.
fn placeholder(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "markdown" => "[Markdown]",
        "keyboard" => "[按钮]",
        "onlinefile" => "[在线文件]",
        "flashtransfer" => "[闪传]",
        "miniapp" => "[小程序]",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lizi_core::textcode::print;
    use serde_json::json;

    fn xlz(segment: serde_json::Value) -> Option<String> {
        let segment: Segment = serde_json::from_value(segment).expect("a segment");
        rich(&segment).map(|piece| print(&[piece]))
    }

    #[test]
    fn every_segment_row_becomes_its_xlz_text() {
        let rows = [
            (
                json!({"type": "face", "data": {"id": "14"}}),
                "[Face,Id=14,name=微笑]",
            ),
            (
                json!({"type": "face", "data": {"id": "17"}}),
                "[Face,Id=17]",
            ),
            (
                json!({"type": "dice", "data": {"result": "3"}}),
                "[Face,Id=358,name=骰子]",
            ),
            (
                json!({"type": "rps", "data": {"result": "1"}}),
                "[Face,Id=359,name=猜拳]",
            ),
            (
                json!({"type": "mface", "data": {"emoji_package_id": 1, "emoji_id": "abc", "key": "k1", "summary": "[开心]"}}),
                "[bigFace,Id=abc,name=开心,hash=abc,flag=k1]",
            ),
            (
                json!({"type": "poke", "data": {"type": "1", "id": "-1"}}),
                "[Shake,name=戳一戳,Type=1,Id=-1]",
            ),
            (
                json!({"type": "contact", "data": {"type": "group", "id": "30001"}}),
                "[Share,ID=30001,Type=Group]",
            ),
            (
                json!({"type": "contact", "data": {"type": "qq", "id": "20001"}}),
                "[Share,ID=20001,Type=Friend]",
            ),
            (
                json!({"type": "json", "data": {"data": "{\"app\":\"x\",\"a\":[1]}"}}),
                "{\"app\":\"x\",\"a\":\\u005b1\\u005d}",
            ),
            (
                json!({"type": "xml", "data": {"data": "<msg>x</msg>"}}),
                "<msg>x</msg>",
            ),
            (
                json!({"type": "music", "data": {"type": "qq", "id": "1"}}),
                "\\u005b音乐\\u005d",
            ),
            (
                json!({"type": "share", "data": {"url": "http://a", "title": "T"}}),
                "\\u005b分享\\u005dT http://a",
            ),
            (
                json!({"type": "location", "data": {"lat": "39.9", "lon": "116.4", "title": "京"}}),
                "\\u005b位置\\u005d京 39.9,116.4",
            ),
            (
                json!({"type": "markdown", "data": {"content": "# x"}}),
                "\\u005bMarkdown\\u005d",
            ),
            (
                json!({"type": "keyboard", "data": {}}),
                "\\u005b按钮\\u005d",
            ),
        ];
        for (segment, expected) in rows {
            assert_eq!(xlz(segment.clone()).as_deref(), Some(expected), "{segment}");
        }
        for elsewhere in [
            json!({"type": "text", "data": {"text": "x"}}),
            json!({"type": "image", "data": {"file": "a.jpg"}}),
            json!({"type": "something_new", "data": {}}),
        ] {
            assert_eq!(xlz(elsewhere.clone()), None, "{elsewhere}");
        }
    }

    #[test]
    fn a_forward_message_is_a_card_naming_its_resid() {
        let text = xlz(json!({"type": "forward", "data": {"id": "RES_1\"x"}})).expect("a card");
        assert!(text.contains("m_resid=\"RES_1x\""), "{text}");
        assert!(text.contains("action=\"viewMultiMsg\""), "{text}");
    }
}
