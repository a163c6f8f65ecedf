//! Message events: group messages (`normal`, or `anonymous` when the sender is QQ's
//! anonymous number), private messages (`friend`, or `group` for temporary sessions, with
//! the group where each profile puts it), the account's own messages when
//! `report_self` is on (`message_sent`; Lagrange: `message` with `user_id == self_id`),
//! group file uploads (`group_upload` notices) and pokes (`notify` notices).

use lizi_core::event::{FileRef, GroupMsg, PrivateMsg};
use lizi_onebot::xlz::event_segments;
use lizi_onebot::{Profile, Segment};
use serde_json::{json, Value};

use super::fields::{envelope, extend, put_message_fields, put_sequence_fields, Lens};
use super::notices::poke;
use crate::ids::{group_conv, private_conv};

/// The QQ number anonymous group messages come from.
pub const ANONYMOUS_UIN: u64 = 80_000_000;

/// `post_type` of the account's own messages.
/// Where each implementation puts a temporary session's group (docs/onebot-face.md#events): NapCat at
/// the top (`group_id`, with `temp_source`), LLOneBot in `sender.group_id`, Lagrange
/// nowhere.
fn put_temporary_group(event: &mut Value, profile: Profile, group: u64) {
    match profile {
        Profile::NapCat => {
            event["temp_source"] = json!(0);
            event["group_id"] = json!(group);
        }
        Profile::LLOneBot => event["sender"]["group_id"] = json!(group),
        Profile::Lagrange => {}
    }
}

fn own_post_type(profile: Profile) -> &'static str {
    match profile {
        Profile::Lagrange => "message",
        Profile::NapCat | Profile::LLOneBot => "message_sent",
    }
}

/// A group message, or a `group_upload` notice for a message that carries a file.
pub(super) fn group(event: &GroupMsg, lens: &Lens<'_>) -> Option<Value> {
    let from = event.from_qq.uin;
    let group = event.from_group.gin;
    if !event.file.id.is_empty() {
        return Some(upload(event));
    }
    let own = from == event.logon_qq;
    if own && !lens.config.report_self {
        return None;
    }
    let time = event.time_stamp.send;
    if let Some(poke) = poke(&event.msg.text, time, event.logon_qq, from, Some(group)) {
        return (!own).then_some(poke);
    }
    let conv = group_conv(group);
    let message_id = lens.ids.of_message(conv, event.msg.req).unwrap_or(0);
    let post_type = if own {
        own_post_type(lens.config.profile)
    } else {
        "message"
    };
    let mut out = envelope(event.time_stamp.send, event.logon_qq, post_type);
    let anonymous = from == ANONYMOUS_UIN;
    let card = &event.from_qq.card;
    extend(
        &mut out,
        json!({
            "message_type": "group",
            "sub_type": if anonymous { "anonymous" } else { "normal" },
            "message_id": message_id,
            "group_id": group,
            "group_name": event.from_group.name,
            "user_id": from,
            "anonymous": if anonymous {
                json!({"id": from, "name": card, "flag": format!("{card}|{group}")})
            } else {
                Value::Null
            },
            "font": 14,
            "sender": {
                "user_id": from,
                "nickname": card,
                "card": card,
                "sex": "unknown",
                "age": 0,
                "role": "member",
                "title": event.from_qq.spec_title,
            },
        }),
    );
    put_sequence_fields(&mut out, lens.config.profile, message_id, event.msg.req);
    if own {
        out["message_sent_type"] = json!("self");
        out["target_id"] = json!(group);
    }
    let reply_id = |req| lens.ids.of_message(conv, req);
    let message = event_segments(&event.msg.text, &reply_id);
    put_message_fields(&mut out, message, lens.config.message_format);
    Some(out)
}

/// The `group_upload` notice of a group message carrying a file.
fn upload(event: &GroupMsg) -> Value {
    let mut out = envelope(event.time_stamp.send, event.logon_qq, "notice");
    extend(
        &mut out,
        json!({
            "notice_type": "group_upload",
            "group_id": event.from_group.gin,
            "user_id": event.from_qq.uin,
            "file": {
                "id": event.file.id,
                "name": event.file.name,
                "size": event.file.size,
                "busid": 102,
            },
        }),
    );
    out
}

/// A private message (friend or temporary session), or the account's own.
pub(super) fn private(event: &PrivateMsg, lens: &Lens<'_>) -> Option<Value> {
    let from = event.from_qq.uin;
    let own = from == event.logon_qq;
    if own && !lens.config.report_self {
        return None;
    }
    let time = event.time_stamp.send;
    if let Some(poke) = poke(&event.msg.text, time, event.logon_qq, from, None) {
        return (!own).then_some(poke);
    }
    let peer = if own {
        lens.ids.message(event.msg.seq)?.target? as u64
    } else {
        from
    };
    let group = event.from_group.gin;
    let message_id = lens.ids.of_seq(event.msg.seq);
    let post_type = if own {
        own_post_type(lens.config.profile)
    } else {
        "message"
    };
    let mut out = envelope(event.time_stamp.send, event.logon_qq, post_type);
    extend(
        &mut out,
        json!({
            "message_type": "private",
            "sub_type": if group == 0 { "friend" } else { "group" },
            "message_id": message_id,
            "user_id": from,
            "target_id": peer,
            "font": 14,
            "sender": {"user_id": from, "nickname": event.from_qq.nick_name, "sex": "unknown", "age": 0},
        }),
    );
    put_sequence_fields(&mut out, lens.config.profile, message_id, event.msg.req);
    if own {
        out["message_sent_type"] = json!("self");
    }
    if group != 0 {
        put_temporary_group(&mut out, lens.config.profile, group);
    }
    let conv = private_conv(event.logon_qq, peer);
    let reply_id = |req| lens.ids.of_message(conv, req);
    let mut message = event_segments(&event.msg.text, &reply_id);
    if !event.file.id.is_empty() {
        message = vec![file_segment(&event.file)];
    }
    put_message_fields(&mut out, message, lens.config.message_format);
    Some(out)
}

/// A `file` segment for a message that carries a file.
fn file_segment(file: &FileRef) -> Segment {
    let mut segment = Segment::new(
        "file",
        &[("file", file.name.clone()), ("file_id", file.id.clone())],
    );
    segment
        .data
        .insert("file_size".into(), Value::from(file.size.to_string()));
    segment
}
