//! OneBot events as XLZ events (onebot.md §3): group, friend and temporary-session
//! messages (the account's own included, de-duplicated by `message_id`), recalls, and the
//! membership notices of [`super::membership`], and the other notices of
//! [`super::notices`]. Message text is written by [`lizi_onebot::xlz::reported_text`].
//! Events XLZ has no place for are skipped.

use lizi_core::event::private_kind;
use lizi_core::event::{
    group_kind, kind, EventBody, GroupId, GroupMsg, GroupMsgBody, GroupMsgGroup, GroupSender,
    PrivateMsg, PrivateMsgBody, TimeStamp, UserRef,
};
use lizi_core::{Event, Uin};
use lizi_onebot::event::{
    Body, FriendRecall, GroupMessage, GroupRecall, GroupSubType, MessageEvent, MessageExtras,
    Notice, PrivateMessage, PrivateSubType,
};
use lizi_onebot::xlz::reported_text;
use lizi_onebot::Segment;
use lizi_store::Op;

use super::event_msg::event_msg;
use super::files::{as_message, attach};
use super::{membership, notices};
use crate::state::identity::{random_of, Conversation, MessageMap, MessageRecord};

/// The group id NapCat and LLOneBot give a temporary session whose group they do not know.
const UNKNOWN_GROUP: u64 = 284_840_486;

/// What one OneBot event becomes: the store ops to keep (message records) and the XLZ
/// events to append, both empty for events not bridged.
#[derive(Debug, Default)]
pub struct Converted {
    /// Records to keep.
    pub ops: Vec<Op>,
    /// XLZ events.
    pub events: Vec<Event>,
}

/// Converts `event`, seen by `account` and received at `now`, recording its messages in
/// `map`.
pub fn convert(
    map: &mut MessageMap,
    account: Uin,
    event: &lizi_onebot::Event,
    now: i64,
) -> Converted {
    if let Some(message) = as_message(event) {
        return convert(map, account, &message, now);
    }
    let time = if event.time > 0 { event.time } else { now };
    let stamp = Stamp { account, time, now };
    match &event.body {
        Body::Message(message) => message_event(map, stamp, message, false),
        Body::MessageSent(message) => message_event(map, stamp, message, true),
        Body::Notice(Notice::GroupRecall(recall)) => group_recall(map, stamp, recall),
        Body::Notice(Notice::FriendRecall(recall)) => friend_recall(map, stamp, recall),
        Body::Notice(notice) => Converted {
            ops: Vec::new(),
            events: membership::membership(account, time, notice)
                .or_else(|| notices::notice(map, account, time, notice))
                .into_iter()
                .collect(),
        },
        _ => Converted::default(),
    }
}

#[derive(Debug, Clone, Copy)]
struct Stamp {
    account: Uin,
    time: i64,
    now: i64,
}

/// A message's ids and where it was said, before its XLZ text is known.
struct Incoming<'a> {
    conversation: Conversation,
    sender: Uin,
    ob_id: i64,
    extras: &'a MessageExtras,
    message: &'a [Segment],
}

fn message_event(
    map: &mut MessageMap,
    stamp: Stamp,
    event: &MessageEvent,
    sent: bool,
) -> Converted {
    let own = |user: Uin| sent || user == stamp.account;
    match event {
        MessageEvent::Group(group) if matches!(group.sub_type, GroupSubType::Notice) => {
            let quoted = |id| map.by_ob_id(stamp.account, id).map(MessageRecord::quoted);
            let (text, _) = reported_text(&group.message, quoted);
            let notice = notices::notice_message(stamp.account, stamp.time, event, text);
            Converted {
                ops: Vec::new(),
                events: vec![notice],
            }
        }
        MessageEvent::Group(group) => {
            let incoming = Incoming {
                conversation: Conversation::Group(group.group_id),
                sender: if own(group.user_id) {
                    stamp.account
                } else {
                    group.user_id
                },
                ob_id: group.message_id,
                extras: &group.extras,
                message: &group.message,
            };
            record(map, stamp, incoming, |record, text_reply| {
                group_msg(stamp, group, record, text_reply)
            })
        }
        MessageEvent::Private(private) => {
            let own = own(private.user_id);
            let peer = match (own, private.target_id) {
                (true, Some(target)) => target,
                _ => private.user_id,
            };
            let conversation = match private.sub_type {
                PrivateSubType::Group => Conversation::Temporary {
                    // NapCat puts the group at the top, LLOneBot in the sender, Lagrange
                    // nowhere.
                    group: private
                        .group_id
                        .or(private.sender.group_id)
                        .filter(|&g| g != UNKNOWN_GROUP)
                        .unwrap_or(0),
                    user: peer,
                },
                _ => Conversation::Friend(peer),
            };
            let incoming = Incoming {
                conversation,
                sender: if own { stamp.account } else { private.user_id },
                ob_id: private.message_id,
                extras: &private.extras,
                message: &private.message,
            };
            record(map, stamp, incoming, |record, _| {
                private_msg(stamp, private, record)
            })
        }
        MessageEvent::Other(_) => Converted::default(),
    }
}

/// Records a message not seen before and makes its event; a message already recorded
/// (the echo of a send, a replayed event) makes nothing.
fn record(
    map: &mut MessageMap,
    stamp: Stamp,
    incoming: Incoming<'_>,
    event: impl FnOnce(&MessageRecord, String) -> Event,
) -> Converted {
    if map.by_ob_id(stamp.account, incoming.ob_id).is_some() {
        return Converted::default();
    }
    let seq = incoming.extras.message_seq.or_else(|| {
        incoming
            .extras
            .real_seq
            .as_deref()
            .and_then(|seq| seq.parse().ok())
    });
    let quoted = |id| map.by_ob_id(stamp.account, id).map(MessageRecord::quoted);
    let (text, text_reply) = reported_text(incoming.message, quoted);
    let record = MessageRecord {
        account: stamp.account,
        conversation: incoming.conversation,
        req: map.next_req(stamp.account, incoming.conversation, seq),
        random: random_of(incoming.ob_id),
        time: stamp.time,
        ob_id: incoming.ob_id,
        sender: incoming.sender,
        text,
    };
    let mut event = event(&record, text_reply);
    attach(&mut event, incoming.message);
    Converted {
        ops: vec![map.insert(record)],
        events: vec![event],
    }
}

fn group_msg(
    stamp: Stamp,
    group: &GroupMessage,
    record: &MessageRecord,
    text_reply: String,
) -> Event {
    let card = group
        .sender
        .card
        .clone()
        .filter(|card| !card.is_empty())
        .unwrap_or_else(|| group.sender.nickname.clone());
    Event::GroupMsg(GroupMsg {
        from_qq: GroupSender {
            uin: record.sender,
            card,
            spec_title: group.sender.title.clone().unwrap_or_default(),
            ..GroupSender::default()
        },
        logon_qq: stamp.account,
        time_stamp: TimeStamp {
            recv: stamp.now,
            send: record.time,
        },
        from_group: GroupMsgGroup {
            gin: group.group_id,
            name: group.group_name.clone().unwrap_or_default(),
        },
        msg: GroupMsgBody {
            req: record.req,
            random: record.random,
            sub_type: group_kind::ORDINARY,
            text: record.text.clone(),
            text_reply,
            ..GroupMsgBody::default()
        },
        ..GroupMsg::default()
    })
}

fn private_msg(stamp: Stamp, private: &PrivateMessage, record: &MessageRecord) -> Event {
    let (kind, gin) = match record.conversation {
        Conversation::Temporary { group, .. } => (private_kind::TEMPORARY, group),
        // A voice is a message of its own (onebot.md §3).
        _ if matches!(private.message.as_slice(), [only] if only.kind == "record") => {
            (private_kind::VOICE, 0)
        }
        _ => (private_kind::FRIEND, 0),
    };
    Event::PrivateMsg(PrivateMsg {
        from_qq: UserRef {
            uin: record.sender,
            nick_name: private.sender.nickname.clone(),
        },
        logon_qq: stamp.account,
        time_stamp: TimeStamp {
            recv: stamp.now,
            send: record.time,
        },
        from_group: GroupId { gin },
        msg: PrivateMsgBody {
            req: record.req,
            seq: record.random,
            kind,
            text: record.text.clone(),
            ..PrivateMsgBody::default()
        },
        ..PrivateMsg::default()
    })
}

fn group_recall(map: &MessageMap, stamp: Stamp, recall: &GroupRecall) -> Converted {
    let found = map.by_ob_id(stamp.account, recall.message_id);
    let body = recalled(stamp, kind::GROUP_RECALL, found);
    let event = event_msg(
        stamp.account,
        recall.user_id,
        recall.operator_id,
        recall.group_id,
        body,
    );
    Converted {
        ops: Vec::new(),
        events: vec![event],
    }
}

fn friend_recall(map: &MessageMap, stamp: Stamp, recall: &FriendRecall) -> Converted {
    let found = map.by_ob_id(stamp.account, recall.message_id);
    let body = recalled(stamp, kind::FRIEND_RECALL, found);
    let event = event_msg(stamp.account, recall.user_id, recall.user_id, 0, body);
    Converted {
        ops: Vec::new(),
        events: vec![event],
    }
}

/// The `Msg` of a recall: the recalled message's `Req` and text when it is known.
fn recalled(stamp: Stamp, kind: i64, found: Option<&MessageRecord>) -> EventBody {
    EventBody {
        seq: found.map_or(0, |record| record.req),
        time_stamp: stamp.time,
        kind,
        text: found.map(|record| record.text.clone()).unwrap_or_default(),
        ..EventBody::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(value: serde_json::Value) -> lizi_onebot::Event {
        lizi_onebot::Event::parse(value).expect("an object")
    }

    #[test]
    fn a_group_message_becomes_a_group_msg_once() {
        let mut map = MessageMap::default();
        let event = parse(json!({
            "time": 100, "self_id": 1, "post_type": "message", "message_type": "group",
            "sub_type": "normal", "message_id": -5, "group_id": 9, "user_id": 42,
            "message": [{"type": "text", "data": {"text": "hi ["}}, {"type": "at", "data": {"qq": "1"}}],
            "sender": {"user_id": 42, "nickname": "Nick", "card": ""}, "real_seq": "17",
        }));
        let converted = convert(&mut map, 1, &event, 200);
        let [Event::GroupMsg(message)] = converted.events.as_slice() else {
            panic!("one GroupMsg: {:?}", converted.events);
        };
        assert_eq!(message.from_qq.uin, 42);
        assert_eq!(message.from_qq.card, "Nick");
        assert_eq!(message.from_group.gin, 9);
        assert_eq!(message.msg.req, 17);
        assert_eq!(message.msg.random, random_of(-5));
        assert_eq!(message.msg.text, "hi \\u005b[@1]");
        assert_eq!(
            message.time_stamp,
            TimeStamp {
                recv: 200,
                send: 100
            }
        );
        assert_eq!(converted.ops.len(), 1);
        assert!(
            convert(&mut map, 1, &event, 201).events.is_empty(),
            "a replay is dropped"
        );
    }

    #[test]
    fn temporary_and_own_private_messages_name_the_right_people() {
        let mut map = MessageMap::default();
        let temp = parse(json!({
            "time": 100, "self_id": 1, "post_type": "message", "message_type": "private",
            "sub_type": "group", "message_id": 3, "user_id": 42, "message": "yo",
            "sender": {"user_id": 42, "nickname": "N", "group_id": 284840486},
        }));
        let converted = convert(&mut map, 1, &temp, 100);
        let [Event::PrivateMsg(message)] = converted.events.as_slice() else {
            panic!("one PrivateMsg");
        };
        assert_eq!(
            (message.msg.kind, message.from_group.gin, message.msg.req),
            (141, 0, 1)
        );
        // NapCat's group is at the top, LLOneBot's in the sender.
        for (top, sender) in [(json!(9), json!(null)), (json!(null), json!(9))] {
            let temp = parse(json!({
                "time": 100, "self_id": 1, "post_type": "message", "message_type": "private",
                "sub_type": "group", "message_id": 5, "user_id": 43, "message": "yo",
                "group_id": top, "sender": {"user_id": 43, "nickname": "M", "group_id": sender},
            }));
            let converted = convert(&mut MessageMap::default(), 1, &temp, 100);
            let [Event::PrivateMsg(message)] = converted.events.as_slice() else {
                panic!("one PrivateMsg");
            };
            assert_eq!(message.from_group.gin, 9, "{top} {sender}");
        }
        let own = parse(json!({
            "time": 100, "self_id": 1, "post_type": "message_sent", "message_type": "private",
            "sub_type": "friend", "message_id": 4, "user_id": 1, "target_id": 42, "message": "me",
            "sender": {"user_id": 1, "nickname": "Me"},
        }));
        let converted = convert(&mut map, 1, &own, 100);
        let [Event::PrivateMsg(message)] = converted.events.as_slice() else {
            panic!("one PrivateMsg");
        };
        assert_eq!((message.from_qq.uin, message.msg.kind), (1, 166));
        assert_eq!(
            map.by_ob_id(1, 4).map(|r| r.conversation),
            Some(Conversation::Friend(42))
        );
    }

    #[test]
    fn a_group_notice_message_is_a_system_notice() {
        let mut map = MessageMap::default();
        let notice = parse(json!({
            "time": 100, "self_id": 1, "post_type": "message", "message_type": "group",
            "sub_type": "notice", "message_id": 9, "group_id": 9, "user_id": 80000000,
            "message": "群公告 [更新]", "sender": {"user_id": 80000000},
        }));
        let converted = convert(&mut map, 1, &notice, 100);
        let [Event::EventMsg(event)] = converted.events.as_slice() else {
            panic!("one EventMsg: {:?}", converted.events);
        };
        assert_eq!(
            (
                event.msg.kind,
                event.from_group.gin,
                event.msg.text.as_str()
            ),
            (33, 9, "群公告 \\u005b更新\\u005d")
        );
        assert!(converted.ops.is_empty(), "not kept as a message");
    }

    #[test]
    fn a_recall_names_the_recalled_message() {
        let mut map = MessageMap::default();
        let message = parse(json!({
            "time": 100, "self_id": 1, "post_type": "message", "message_type": "group",
            "message_id": 8, "group_id": 9, "user_id": 42, "message": "x", "sender": {"user_id": 42},
        }));
        convert(&mut map, 1, &message, 100);
        let recall = parse(json!({
            "time": 101, "self_id": 1, "post_type": "notice", "notice_type": "group_recall",
            "group_id": 9, "user_id": 42, "operator_id": 42, "message_id": 8,
        }));
        let converted = convert(&mut map, 1, &recall, 101);
        let [Event::EventMsg(event)] = converted.events.as_slice() else {
            panic!("one EventMsg");
        };
        assert_eq!(
            (event.msg.kind, event.msg.seq, event.msg.text.as_str()),
            (8, 1, "x")
        );
    }
}
