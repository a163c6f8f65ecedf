//! The OneBot notices of docs/bridge.md#how-onebot-events-become-xlz-events beyond recalls, membership and requests: card and
//! group-name changes, input status, profile likes, other clients' status, and group
//! `notice` messages. The notices XLZ has no event for ([`is_minor`]: pokes, lucky king,
//! honours, titles, essence, emoji reactions, gray tips) become a system notice
//! ([`SYSTEM_NOTICE`]) with a description, unless the bridge is set to drop them. The
//! account's own presence is [`super::presence`]'s.

use lizi_core::event::{kind, EventBody};
use lizi_core::gray_tip::GrayTip;
use lizi_core::{Event, Uin};
use lizi_onebot::event::{Body, EssenceChange, GroupCard, HonorType, MessageEvent, Notice, Notify};
use serde_json::{Map, Value};

use super::event_msg::event_msg;
use crate::state::identity::{Conversation, MessageMap};
use crate::state::kept::or_unknown;

/// XLZ `EventMsg` type 33, 系统提示: a system notice, its text the description (pokes,
/// essence marks and reactions in [`GrayTip`]'s form, shared with the simulated network).
pub use lizi_core::gray_tip::SYSTEM_NOTICE;

/// `client_status` as XLZ types 200–203: another client of the account on a phone came
/// online (200) or went offline (201), on another device (202, 203).
pub const CLIENT_STATUS: [i64; 4] = [200, 201, 202, 203];

/// Whether the event is a notice XLZ has no event for, described as a system notice or
/// dropped as set.
pub fn is_minor(body: &Body) -> bool {
    match body {
        Body::Notice(Notice::Notify(notify)) => match notify {
            Notify::Other(raw) => ["title", "gray_tip"].contains(&sub_type(raw)),
            _ => true,
        },
        Body::Notice(Notice::Essence(_)) => true,
        Body::Notice(Notice::Other(raw)) => {
            ["group_msg_emoji_like", "reaction"].contains(&notice_type(raw))
        }
        _ => false,
    }
}

fn text_of<'a>(raw: &'a Map<String, Value>, key: &str) -> &'a str {
    raw.get(key).and_then(Value::as_str).unwrap_or("")
}

fn notice_type(raw: &Map<String, Value>) -> &str {
    text_of(raw, "notice_type")
}

fn sub_type(raw: &Map<String, Value>) -> &str {
    text_of(raw, "sub_type")
}

/// A number field, given as a number or a numeric string.
fn number(raw: &Map<String, Value>, key: &str) -> i64 {
    raw.get(key)
        .and_then(|v| v.as_i64().or_else(|| v.as_str()?.trim().parse().ok()))
        .unwrap_or(0)
}

fn uin(raw: &Map<String, Value>, key: &str) -> Uin {
    u64::try_from(number(raw, key)).unwrap_or(0)
}

/// What one of these notices says: who, done by whom, where, which type, the text, and
/// the OneBot id of the message it is about.
struct Said {
    user: Uin,
    operator: Uin,
    group: u64,
    kind: i64,
    text: String,
    message: Option<i64>,
    /// `Msg.SubType` (a reaction's count).
    sub_type: i64,
}

impl Said {
    fn new(user: Uin, operator: Uin, group: u64, kind: i64, text: String) -> Said {
        Said {
            user,
            operator,
            group,
            kind,
            text,
            message: None,
            sub_type: 0,
        }
    }

    /// A gray tip in `group` about the message `message` (its OneBot id).
    fn tip(tip: &GrayTip, group: u64, message: Option<i64>, sub_type: i64) -> Said {
        Said {
            message,
            sub_type,
            ..Said::new(
                tip.about(),
                tip.operator(),
                group,
                SYSTEM_NOTICE,
                tip.text(),
            )
        }
    }
}

/// The XLZ event of one of this module's notices seen by `account` at `time`; `None` for
/// the others (membership, recalls, presence: elsewhere). `map` names the messages
/// essence and reactions are about (their `Req` in `Msg.Seq`).
pub fn notice(map: &MessageMap, account: Uin, time: i64, notice: &Notice) -> Option<Event> {
    let said = match notice {
        Notice::GroupCard(GroupCard {
            group_id,
            user_id,
            card_new,
            ..
        }) => Said::new(
            *user_id,
            *user_id,
            *group_id,
            kind::CARD_CHANGED,
            card_new.clone(),
        ),
        Notice::Notify(notify) => notify_said(notify)?,
        Notice::Essence(essence) => {
            let tip = GrayTip::Essence {
                operator: essence.operator_id,
                sender: essence.sender_id,
                added: !matches!(essence.sub_type, EssenceChange::Delete),
            };
            Said::tip(&tip, essence.group_id, Some(essence.message_id), 0)
        }
        Notice::Other(raw) => other_said(account, raw)?,
        _ => return None,
    };
    // The message a notice is about was said in its group, else with its user.
    let conversation = match said.group {
        0 => Conversation::Friend(said.user),
        group => Conversation::Group(group),
    };
    let seq = said
        .message
        .and_then(|id| or_unknown(map.by_ob_id(account, conversation, id), "a message"))
        .map_or(0, |record| record.req);
    let body = EventBody {
        seq,
        time_stamp: time,
        kind: said.kind,
        sub_type: said.sub_type,
        text: said.text,
    };
    Some(event_msg(
        account,
        said.user,
        said.operator,
        said.group,
        body,
    ))
}

fn notify_said(notify: &Notify) -> Option<Said> {
    let said = match notify {
        Notify::Poke(poke) => {
            let tip = GrayTip::Poke {
                operator: poke.user_id,
                target: poke.target_id,
            };
            Said::tip(&tip, poke.group_id.unwrap_or(0), None, 0)
        }
        Notify::LuckyKing(lucky) => Said::new(
            lucky.target_id,
            lucky.user_id,
            lucky.group_id,
            SYSTEM_NOTICE,
            format!("{} 是 {} 的红包的运气王", lucky.target_id, lucky.user_id),
        ),
        Notify::Honor(honor) => {
            let name = match honor.honor_type {
                HonorType::Performer => "群聊之火",
                HonorType::Emotion => "快乐源泉",
                _ => "龙王",
            };
            Said::new(
                honor.user_id,
                honor.user_id,
                honor.group_id,
                SYSTEM_NOTICE,
                format!("{} 获得了群荣誉 {name}", honor.user_id),
            )
        }
        Notify::Other(raw) => {
            let (user, group) = (uin(raw, "user_id"), uin(raw, "group_id"));
            match sub_type(raw) {
                "group_name" => Said::new(
                    user,
                    user,
                    group,
                    kind::GROUP_RENAMED,
                    text_of(raw, "name_new").to_owned(),
                ),
                "input_status" => Said::new(
                    user,
                    user,
                    group,
                    kind::INPUT_STATUS,
                    text_of(raw, "status_text").to_owned(),
                ),
                "profile_like" => {
                    let operator = uin(raw, "operator_id");
                    let times = number(raw, "times").to_string();
                    Said::new(operator, operator, 0, kind::LIKED, times)
                }
                "title" => Said::new(
                    user,
                    user,
                    group,
                    SYSTEM_NOTICE,
                    format!("{user} 获得了头衔 {}", text_of(raw, "title")),
                ),
                "gray_tip" => Said {
                    message: raw.get("message_id").map(|_| number(raw, "message_id")),
                    ..Said::new(
                        user,
                        user,
                        group,
                        SYSTEM_NOTICE,
                        text_of(raw, "content").to_owned(),
                    )
                },
                _ => return None,
            }
        }
    };
    Some(said)
}

fn other_said(account: Uin, raw: &Map<String, Value>) -> Option<Said> {
    let group = uin(raw, "group_id");
    let said = match notice_type(raw) {
        "group_name_change" => {
            let operator = uin(raw, "operator_id");
            let name = [text_of(raw, "name"), text_of(raw, "name_new")].concat();
            Said::new(operator, operator, group, kind::GROUP_RENAMED, name)
        }
        "group_msg_emoji_like" => {
            let likes = raw
                .get("likes")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let emoji: Vec<String> = likes
                .iter()
                .map(|like| match &like["emoji_id"] {
                    Value::String(id) => id.clone(),
                    other => other.to_string(),
                })
                .collect();
            let count = likes
                .iter()
                .filter_map(Value::as_object)
                .map(|like| number(like, "count"))
                .sum();
            let tip = GrayTip::Reaction {
                operator: uin(raw, "user_id"),
                code: emoji.join(","),
                added: raw.get("is_add").and_then(Value::as_bool).unwrap_or(true),
            };
            Said::tip(&tip, group, Some(number(raw, "message_id")), count)
        }
        "reaction" => {
            let tip = GrayTip::Reaction {
                operator: uin(raw, "operator_id"),
                code: text_of(raw, "code").to_owned(),
                added: sub_type(raw) != "remove",
            };
            let count = number(raw, "count");
            Said::tip(&tip, group, Some(number(raw, "message_id")), count)
        }
        "client_status" => {
            let online = raw.get("online").and_then(Value::as_bool).unwrap_or(false);
            let client = raw.get("client").cloned().unwrap_or(Value::Null);
            let device = client["device_kind"].as_str().unwrap_or("").to_owned();
            let phone = ["mobile", "phone", "android", "ios", "iphone"]
                .iter()
                .any(|mark| device.to_ascii_lowercase().contains(mark));
            let kind = CLIENT_STATUS[usize::from(!phone) * 2 + usize::from(!online)];
            let name = client["device_name"].as_str().unwrap_or("").to_owned();
            Said::new(
                account,
                account,
                0,
                kind,
                [name, device].join(" ").trim().to_owned(),
            )
        }
        _ => return None,
    };
    Some(said)
}

/// The system notice of a group message with `sub_type: "notice"` in `text`.
pub fn notice_message(account: Uin, time: i64, message: &MessageEvent, text: String) -> Event {
    let (user, group) = match message {
        MessageEvent::Group(group) => (group.user_id, group.group_id),
        MessageEvent::Private(private) => (private.user_id, 0),
        MessageEvent::Other(_) => (0, 0),
    };
    let body = EventBody {
        time_stamp: time,
        kind: SYSTEM_NOTICE,
        text,
        ..EventBody::default()
    };
    event_msg(account, user, user, group, body)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::state::identity::{random_of, Conversation, MessageRecord};
    use serde_json::json;

    /// A notice event of account 1 with `fields`.
    pub(crate) fn parse(fields: Value) -> lizi_onebot::Event {
        let mut value = json!({"time": 100, "self_id": 1, "post_type": "notice"});
        let object = value.as_object_mut().expect("object");
        object.extend(fields.as_object().expect("object").clone());
        lizi_onebot::Event::parse(value).expect("an object")
    }

    /// Type, FromQQ, OperateQQ, group, Seq and text of a notice's event.
    fn row(map: &MessageMap, fields: Value) -> Option<(i64, u64, u64, u64, i64, String)> {
        let event = parse(fields);
        let Body::Notice(notice) = &event.body else {
            panic!("a notice");
        };
        match super::notice(map, 1, 100, notice)? {
            Event::EventMsg(e) => Some((
                e.msg.kind,
                e.from_qq.uin,
                e.operate_qq.uin,
                e.from_group.gin,
                e.msg.seq,
                e.msg.text,
            )),
            _ => None,
        }
    }

    fn map_with_message() -> MessageMap {
        let mut map = MessageMap::in_memory();
        map.keep(MessageRecord {
            account: 1,
            conversation: Conversation::Group(9),
            req: 41,
            random: random_of(77),
            time: 90,
            ob_id: 77,
            sender: 5,
            text: "精华".into(),
        });
        map
    }

    #[test]
    fn every_notice_row_becomes_its_xlz_event() {
        let map = map_with_message();
        let text = |s: &str| s.to_owned();
        let cases = [
            (
                json!({"notice_type": "group_card", "group_id": 9, "user_id": 5, "card_new": "新", "card_old": "旧"}),
                (36, 5, 5, 9, 0, text("新")),
            ),
            (
                json!({"notice_type": "notify", "sub_type": "group_name", "group_id": 9, "user_id": 6, "name_new": "新群名"}),
                (32, 6, 6, 9, 0, text("新群名")),
            ),
            (
                json!({"notice_type": "group_name_change", "group_id": 9, "operator_id": 6, "name": "LGR 群名"}),
                (32, 6, 6, 9, 0, text("LGR 群名")),
            ),
            (
                json!({"notice_type": "notify", "sub_type": "input_status", "group_id": 0, "user_id": 5, "status_text": "对方正在输入...", "event_type": 1}),
                (119, 5, 5, 0, 0, text("对方正在输入...")),
            ),
            (
                json!({"notice_type": "notify", "sub_type": "profile_like", "operator_id": 7, "operator_nick": "n", "times": 3}),
                (108, 7, 7, 0, 0, text("3")),
            ),
            (
                json!({"notice_type": "notify", "sub_type": "poke", "group_id": 9, "user_id": 5, "target_id": 1}),
                (33, 1, 5, 9, 0, text("5 戳了戳 1")),
            ),
            (
                json!({"notice_type": "notify", "sub_type": "poke", "user_id": 5, "target_id": 1}),
                (33, 1, 5, 0, 0, text("5 戳了戳 1")),
            ),
            (
                json!({"notice_type": "notify", "sub_type": "lucky_king", "group_id": 9, "user_id": 5, "target_id": 6}),
                (33, 6, 5, 9, 0, text("6 是 5 的红包的运气王")),
            ),
            (
                json!({"notice_type": "notify", "sub_type": "honor", "group_id": 9, "user_id": 5, "honor_type": "emotion"}),
                (33, 5, 5, 9, 0, text("5 获得了群荣誉 快乐源泉")),
            ),
            (
                json!({"notice_type": "notify", "sub_type": "title", "group_id": 9, "user_id": 5, "title": "大佬"}),
                (33, 5, 5, 9, 0, text("5 获得了头衔 大佬")),
            ),
            (
                json!({"notice_type": "essence", "sub_type": "add", "group_id": 9, "sender_id": 5, "operator_id": 6, "message_id": 77}),
                (33, 5, 6, 9, 41, text("6 把 5 的消息设为了精华消息")),
            ),
            (
                json!({"notice_type": "essence", "sub_type": "delete", "group_id": 9, "sender_id": 5, "operator_id": 6, "message_id": 78}),
                (33, 5, 6, 9, 0, text("6 把 5 的消息移出了精华消息")),
            ),
            (
                json!({"notice_type": "group_msg_emoji_like", "group_id": 9, "user_id": 5, "message_id": 77, "likes": [{"emoji_id": "76", "count": 1}], "is_add": true}),
                (33, 5, 5, 9, 41, text("5 用表情回应了消息 76")),
            ),
            (
                json!({"notice_type": "group_msg_emoji_like", "group_id": 9, "user_id": 5, "message_id": 77, "likes": [{"emoji_id": "76", "count": 1}], "is_add": false}),
                (33, 5, 5, 9, 41, text("5 取消了表情回应 76")),
            ),
            (
                json!({"notice_type": "reaction", "sub_type": "add", "group_id": 9, "operator_id": 5, "message_id": 77, "code": "424", "count": 1}),
                (33, 5, 5, 9, 41, text("5 用表情回应了消息 424")),
            ),
            (
                json!({"notice_type": "reaction", "sub_type": "remove", "group_id": 9, "operator_id": 5, "message_id": 77, "code": "424", "count": 0}),
                (33, 5, 5, 9, 41, text("5 取消了表情回应 424")),
            ),
            (
                json!({"notice_type": "notify", "sub_type": "gray_tip", "group_id": 9, "user_id": 5, "message_id": 77, "busi_id": "1061", "content": "5 拍了拍 1"}),
                (33, 5, 5, 9, 41, text("5 拍了拍 1")),
            ),
            (
                json!({"notice_type": "client_status", "online": true, "client": {"app_id": 1, "device_name": "iPhone", "device_kind": "iPhone"}}),
                (200, 1, 1, 0, 0, text("iPhone iPhone")),
            ),
            (
                json!({"notice_type": "client_status", "online": false, "client": {"app_id": 1, "device_name": "Mi", "device_kind": "Android"}}),
                (201, 1, 1, 0, 0, text("Mi Android")),
            ),
            (
                json!({"notice_type": "client_status", "online": true, "client": {"device_name": "电脑", "device_kind": "PC"}}),
                (202, 1, 1, 0, 0, text("电脑 PC")),
            ),
            (
                json!({"notice_type": "client_status", "online": false, "client": {"device_name": "电脑", "device_kind": "PC"}}),
                (203, 1, 1, 0, 0, text("电脑 PC")),
            ),
        ];
        for (fields, expected) in cases {
            assert_eq!(row(&map, fields.clone()), Some(expected), "{fields}");
        }
        for handled_elsewhere in [
            json!({"notice_type": "group_admin", "sub_type": "set", "group_id": 9, "user_id": 5}),
            json!({"notice_type": "bot_offline", "user_id": 1, "tag": "t", "message": "m"}),
            json!({"notice_type": "something_new", "group_id": 9}),
        ] {
            assert_eq!(
                row(&map, handled_elsewhere.clone()),
                None,
                "{handled_elsewhere}"
            );
        }
    }

    #[test]
    fn minor_notices_are_told_apart() {
        let minor = [
            json!({"notice_type": "notify", "sub_type": "poke", "user_id": 5, "target_id": 1}),
            json!({"notice_type": "notify", "sub_type": "lucky_king", "group_id": 9}),
            json!({"notice_type": "notify", "sub_type": "honor", "group_id": 9}),
            json!({"notice_type": "notify", "sub_type": "title", "group_id": 9}),
            json!({"notice_type": "notify", "sub_type": "gray_tip", "group_id": 9}),
            json!({"notice_type": "essence", "sub_type": "add", "group_id": 9}),
            json!({"notice_type": "group_msg_emoji_like", "group_id": 9}),
            json!({"notice_type": "reaction", "group_id": 9}),
        ];
        for fields in minor {
            assert!(is_minor(&parse(fields.clone()).body), "{fields}");
        }
        let not_minor = [
            json!({"notice_type": "group_card", "group_id": 9}),
            json!({"notice_type": "notify", "sub_type": "group_name", "group_id": 9}),
            json!({"notice_type": "notify", "sub_type": "input_status"}),
            json!({"notice_type": "client_status", "online": true}),
        ];
        for fields in not_minor {
            assert!(!is_minor(&parse(fields.clone()).body), "{fields}");
        }
    }
}
