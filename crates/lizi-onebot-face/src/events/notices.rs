//! Notice events (docs/onebot-implementations.md#events) from XLZ `EventMsg`s: `group_admin`, `group_increase`,
//! `group_decrease`, `group_ban` (a whole-group mute has `user_id` 0), `friend_add`,
//! `group_recall`, `friend_recall` (with the recalled message's OneBot id) and
//! `group_card`. XLZ's card event gives only the new card, so `card_old` is empty. A
//! message that is nothing but XLZ's poke code (`[Shake,…]`, docs/onebot-implementations.md#xlz-text-and-onebot-segments) is a `notify`
//! `poke` notice: at the account in a private chat, at the code's `QQ` in a group (0
//! when it names nobody).

use lizi_core::event::{kind, EventMsg};
use lizi_core::textcode::{self, Segment};
use lizi_core::{Gin, Uin};
use serde_json::{json, Value};

use super::fields::{envelope, extend, Lens};
use crate::ids::{group_conv, private_conv};

/// The notice for `event`, if it is one OneBot has.
pub(super) fn notice(event: &EventMsg, lens: &Lens<'_>) -> Option<Value> {
    let user = event.from_qq.uin;
    let operator = event.operate_qq.uin;
    let group = event.from_group.gin;
    let in_group = |notice_type: &str, sub_type: &str| {
        json!({
            "notice_type": notice_type,
            "sub_type": sub_type,
            "group_id": group,
            "user_id": user,
            "operator_id": operator,
        })
    };
    let ban = |sub_type: &str, user: u64, duration: i64| {
        json!({
            "notice_type": "group_ban",
            "sub_type": sub_type,
            "group_id": group,
            "user_id": user,
            "operator_id": operator,
            "duration": duration,
        })
    };
    let fields = match event.msg.kind {
        kind::ADMIN_GRANTED => in_group("group_admin", "set"),
        kind::ADMIN_REMOVED => in_group("group_admin", "unset"),
        kind::MEMBER_JOINED => in_group("group_increase", "approve"),
        kind::MEMBER_INVITED => in_group("group_increase", "invite"),
        kind::MEMBER_LEFT => in_group("group_decrease", "leave"),
        kind::MEMBER_KICKED => in_group("group_decrease", "kick"),
        kind::I_WAS_KICKED => in_group("group_decrease", "kick_me"),
        kind::GROUP_DISSOLVED => in_group("group_decrease", "disband"),
        kind::MEMBER_MUTED => ban("ban", user, event.msg.text.parse().unwrap_or(0)),
        kind::MEMBER_UNMUTED => ban("lift_ban", user, 0),
        kind::WHOLE_MUTE_ON => ban("ban", 0, -1),
        kind::WHOLE_MUTE_OFF => ban("lift_ban", 0, 0),
        kind::NEW_FRIEND => json!({"notice_type": "friend_add", "user_id": user}),
        kind::GROUP_RECALL => json!({
            "notice_type": "group_recall",
            "group_id": group,
            "user_id": user,
            "operator_id": operator,
            "message_id": lens.ids.of_message(group_conv(group), event.msg.seq),
        }),
        kind::FRIEND_RECALL => json!({
            "notice_type": "friend_recall",
            "user_id": user,
            "message_id": lens.ids.of_message(private_conv(user, event.logon_qq), event.msg.seq),
        }),
        kind::CARD_CHANGED => json!({
            "notice_type": "group_card",
            "group_id": group,
            "user_id": user,
            "card_new": event.msg.text,
            "card_old": "",
        }),
        _ => return None,
    };
    let mut out = envelope(event.msg.time_stamp, event.logon_qq, "notice");
    extend(&mut out, fields);
    Some(out)
}

/// The `notify` `poke` notice of a message from `user` whose text is only a poke code;
/// `group` is the group of a group message.
pub(super) fn poke(
    text: &str,
    time: i64,
    self_id: Uin,
    user: Uin,
    group: Option<Gin>,
) -> Option<Value> {
    let pieces = textcode::parse(text);
    let [Segment::Code(code)] = pieces.as_slice() else {
        return None;
    };
    if !code.is("Shake") {
        return None;
    }
    let mut fields = json!({"notice_type": "notify", "sub_type": "poke", "user_id": user});
    match group {
        Some(group) => {
            fields["group_id"] = json!(group);
            let target: u64 = code.get("QQ").and_then(|qq| qq.parse().ok()).unwrap_or(0);
            fields["target_id"] = json!(target);
        }
        None => {
            fields["target_id"] = json!(self_id);
            fields["sender_id"] = json!(user);
        }
    }
    let mut out = envelope(time, self_id, "notice");
    extend(&mut out, fields);
    Some(out)
}
