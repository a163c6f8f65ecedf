//! XLZ events from lizi's event log turned into OneBot v11 events (onebot.md §3): group and
//! private messages (temporary sessions as `sub_type:"group"`), in NapCat's field names,
//! their text codes as segments. Other events, and the account's own messages, are not
//! reported yet.

use lizi_core::event::{GroupMsg, PrivateMsg};
use lizi_core::textcode::{self, Code};
use lizi_core::{Event, Uin};
use lizi_onebot::message::to_cq_string;
use lizi_onebot::Segment;
use serde_json::{json, Value};

use crate::actions::{message_id, Target};

/// The OneBot event for one event-log entry, as seen by `self_id`; `None` for entries of
/// other accounts and events not reported.
pub fn to_onebot(entry: &str, self_id: Uin) -> Option<Value> {
    let event: Event = serde_json::from_str(entry).ok()?;
    if event.logon() != self_id {
        return None;
    }
    match event {
        Event::GroupMsg(message) => group_message(&message),
        Event::PrivateMsg(message) => private_message(&message),
        Event::EventMsg(_) => None,
    }
}

fn group_message(event: &GroupMsg) -> Option<Value> {
    let from = event.from_qq.uin;
    if from == event.logon_qq {
        return None;
    }
    let group = event.from_group.gin;
    let message = segments(&event.msg.text);
    Some(json!({
        "time": event.time_stamp.send,
        "self_id": event.logon_qq,
        "post_type": "message",
        "message_type": "group",
        "sub_type": "normal",
        "message_id": message_id(event.logon_qq, Target::Group(group), event.msg.req, event.msg.random),
        "group_id": group,
        "user_id": from,
        "anonymous": null,
        "raw_message": to_cq_string(&message),
        "message": message,
        "font": 14,
        "sender": {
            "user_id": from,
            "nickname": event.from_qq.card,
            "card": event.from_qq.card,
            "role": "member",
        },
    }))
}

fn private_message(event: &PrivateMsg) -> Option<Value> {
    let from = event.from_qq.uin;
    if from == event.logon_qq {
        return None;
    }
    let group = event.from_group.gin;
    let (sub_type, target) = match group {
        0 => ("friend", Target::Private(from)),
        _ => ("group", Target::Temporary { group, user: from }),
    };
    let message = segments(&event.msg.text);
    let mut out = json!({
        "time": event.time_stamp.send,
        "self_id": event.logon_qq,
        "post_type": "message",
        "message_type": "private",
        "sub_type": sub_type,
        "message_id": message_id(event.logon_qq, target, event.msg.req, event.msg.seq),
        "user_id": from,
        "raw_message": to_cq_string(&message),
        "message": message,
        "font": 14,
        "sender": {"user_id": from, "nickname": event.from_qq.nick_name},
    });
    if group != 0 {
        out["temp_source"] = json!(0);
        out["group_id"] = json!(group);
        out["sender"]["group_id"] = json!(group);
    }
    Some(out)
}

/// XLZ message text as segments: text, mentions, faces and pictures; any other code is
/// kept as its text.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for piece in textcode::parse(text) {
        let segment = match piece {
            textcode::Segment::Text(text) => Segment::text(text),
            textcode::Segment::At(qq) => Segment::at(qq),
            textcode::Segment::AtAll => Segment::at_all(),
            textcode::Segment::Bq(id) => Segment::face(i64::from(id)),
            textcode::Segment::Code(code) => code_segment(&code),
        };
        out.push(segment);
    }
    out
}

fn code_segment(code: &Code) -> Segment {
    if code.is("Face") {
        if let Some(id) = code.get("Id").and_then(|id| id.parse().ok()) {
            return Segment::face(id);
        }
    }
    if code.is("pic") || code.is("flashPic") {
        let url = code.get("url").unwrap_or_default().to_owned();
        let file = code.get("hash").unwrap_or(&url).to_owned();
        let mut image = Segment::image(file, code.is("flashPic"));
        image.data.insert("url".into(), Value::String(url));
        return image;
    }
    Segment::text(textcode::print(&[textcode::Segment::Code(code.clone())]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_codes_become_segments() {
        let message = segments("hi \\u005b[@42][Face,Id=14][pic,hash=AB,url=http://x/y]");
        assert_eq!(
            message,
            vec![Segment::text("hi ["), Segment::at(42), Segment::face(14), {
                let mut image = Segment::image("AB", false);
                image
                    .data
                    .insert("url".into(), Value::String("http://x/y".into()));
                image
            },]
        );
    }
}
