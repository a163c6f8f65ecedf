//! OneBot events as XLZ events (docs/bridge.md#how-onebot-events-become-xlz-events): group, friend and temporary-session
//! messages (the account's own included), recalls, and the membership notices of
//! [`super::membership`], and the other notices of [`super::notices`]. Message text is
//! written by [`lizi_onebot::xlz::reported_text`]. Events XLZ has no place for are skipped.
//!
//! A message is emitted once: one seen within the duplicate [`Window`] (the same account,
//! conversation, `message_id`, sender and time, or sequence number when the implementation
//! gives one; a message without a `message_id` is told apart by its text too) is a repeat,
//! and so is an own message lizi recorded when it sent it. A message that names no group,
//! no sender or no peer, or whose fields do not read as their types, is [`Unreadable`]:
//! never emitted as a message from QQ 0 in group 0, never dropped silently.

use lizi_core::event::private_kind;
use lizi_core::event::{
    group_kind, kind, EventBody, GroupId, GroupMsg, GroupMsgBody, GroupMsgGroup, GroupSender,
    PrivateMsg, PrivateMsgBody, TimeStamp, UserRef,
};
use lizi_core::{Event, Gin, Uin};
use lizi_onebot::event::{
    Body, FriendRecall, GroupMessage, GroupRecall, GroupSubType, MessageEvent, MessageExtras,
    Notice, PrivateMessage, PrivateSubType,
};
use lizi_onebot::message::View;
use lizi_onebot::xlz::reported_text;
use lizi_onebot::Segment;
use lizi_store::Op;

use super::event_msg::event_msg;
use super::files::{as_message, attach};
use super::{membership, notices};
use crate::state::duplicates::{fingerprint, Window};
use crate::state::identity::{random_of, Conversation, MessageMap, MessageRecord};
use crate::state::kept::or_unknown;

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

/// An event that cannot be converted: why, and the group it names, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// What is missing or wrong, as a phrase (`it names no group`).
    pub why: String,
    /// The group the event names (0: none or unknown).
    pub group: Gin,
}

impl Unreadable {
    fn new(why: impl Into<String>, group: Gin) -> Unreadable {
        Unreadable {
            why: why.into(),
            group,
        }
    }
}

/// What the conversion of one event needs besides the event: the message records and
/// the window of events converted lately.
pub struct Seen<'a> {
    /// The messages recorded.
    pub map: &'a mut MessageMap,
    /// The events converted lately.
    pub window: &'a mut Window,
}

/// Converts `event`, seen by `account` and received at `now`, recording its messages.
pub fn convert(
    seen: &mut Seen<'_>,
    account: Uin,
    event: &lizi_onebot::Event,
    now: i64,
) -> Result<Converted, Unreadable> {
    if let Some(message) = as_message(event) {
        return convert(seen, account, &message, now);
    }
    if let Some(why) = event.misfit() {
        return Err(Unreadable::new(why, 0));
    }
    let time = if event.time > 0 { event.time } else { now };
    let stamp = Stamp { account, time, now };
    let map = &*seen.map;
    Ok(match &event.body {
        Body::Message(message) => message_event(seen, stamp, message, false)?,
        Body::MessageSent(message) => message_event(seen, stamp, message, true)?,
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
    })
}

/// Who saw a message, when it was sent, and when it arrived.
#[derive(Debug, Clone, Copy)]
pub struct Stamp {
    /// The account.
    pub account: Uin,
    /// Its send time (unix seconds).
    pub time: i64,
    /// When it arrived.
    pub now: i64,
}

/// A message's ids and where it was said, before its XLZ text is known.
struct Incoming<'a> {
    conversation: Conversation,
    sender: Uin,
    ob_id: i64,
    own: bool,
    extras: &'a MessageExtras,
    message: &'a [Segment],
}

fn message_event(
    seen: &mut Seen<'_>,
    stamp: Stamp,
    event: &MessageEvent,
    sent: bool,
) -> Result<Converted, Unreadable> {
    let own = |user: Uin| sent || user == stamp.account;
    match event {
        MessageEvent::Group(group) if group.group_id == 0 => {
            Err(Unreadable::new("it names no group (`group_id`)", 0))
        }
        MessageEvent::Group(group) if group.user_id == 0 && !sent => Err(Unreadable::new(
            "it names no sender (`user_id`)",
            group.group_id,
        )),
        MessageEvent::Group(group) if matches!(group.sub_type, GroupSubType::Notice) => {
            let conversation = Conversation::Group(group.group_id);
            let key = (
                group.message_id,
                group.user_id,
                stamp.time,
                &group.raw_message,
            );
            if !seen
                .window
                .first_time(fingerprint((stamp.account, conversation, key)))
            {
                return Ok(Converted::default());
            }
            let (text, _) = text_of(seen.map, stamp.account, conversation, &group.message);
            let notice = notices::notice_message(stamp.account, stamp.time, event, text);
            Ok(Converted {
                ops: Vec::new(),
                events: vec![notice],
            })
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
                own: own(group.user_id),
                extras: &group.extras,
                message: &group.message,
            };
            Ok(record(seen, stamp, incoming, |record, text_reply| {
                group_msg(stamp, group, record, text_reply)
            }))
        }
        MessageEvent::Private(private) => {
            let own = own(private.user_id);
            let peer = match (own, private.target_id) {
                (true, Some(target)) => target,
                _ => private.user_id,
            };
            if peer == 0 {
                return Err(Unreadable::new(
                    "it names no one it is from or to (`user_id`, `target_id`)",
                    0,
                ));
            }
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
                own,
                extras: &private.extras,
                message: &private.message,
            };
            Ok(record(seen, stamp, incoming, |record, _| {
                private_msg(stamp, private, record)
            }))
        }
        // A message type XLZ has no place for (a guild message, say).
        MessageEvent::Other(_) => Ok(Converted::default()),
    }
}

/// The implementation's sequence number of a message, when it gives one.
fn sequence(extras: &MessageExtras) -> Option<i64> {
    extras
        .message_seq
        .or_else(|| extras.real_seq.as_deref().and_then(|seq| seq.parse().ok()))
}

/// The XLZ text of `message`, said in `conversation`, and the text of the message it
/// replies to (for `Text_Reply`), the replied messages found among `account`'s records.
fn text_of(
    map: &MessageMap,
    account: Uin,
    conversation: Conversation,
    message: &[Segment],
) -> (String, String) {
    let replied: Vec<(i64, MessageRecord)> = message
        .iter()
        .filter_map(|segment| match segment.view() {
            Ok(View::Reply(id)) => Some(id),
            _ => None,
        })
        .filter_map(|id| {
            let found = map.by_ob_id(account, conversation, id);
            Some((id, or_unknown(found, "a quoted message")?))
        })
        .collect();
    reported_text(message, |id| {
        replied
            .iter()
            .find(|(found, _)| *found == id)
            .map(|(_, record)| record.quoted())
    })
}

/// Records a message not seen before and makes its event; a repeat (within the window,
/// or the account's own message lizi recorded when sending it) makes nothing.
fn record(
    seen: &mut Seen<'_>,
    stamp: Stamp,
    incoming: Incoming<'_>,
    event: impl FnOnce(&MessageRecord, String) -> Event,
) -> Converted {
    let seq = sequence(incoming.extras);
    let (conversation, ob_id) = (incoming.conversation, incoming.ob_id);
    let map = &*seen.map;
    let (text, text_reply) = text_of(map, stamp.account, conversation, incoming.message);
    // Without a `message_id` (or with 0), only the text tells two messages apart.
    let content = (ob_id == 0).then_some(text.as_str());
    let when = seq.map_or((stamp.time, 0), |seq| (0, seq));
    let key = (
        stamp.account,
        conversation,
        ob_id,
        incoming.sender,
        when,
        content,
    );
    if !seen.window.first_time(fingerprint(key)) {
        return Converted::default();
    }
    if incoming.own && ob_id != 0 {
        let sent = or_unknown(
            map.by_ob_id(stamp.account, conversation, ob_id),
            "a sent message",
        );
        if sent.is_some_and(|record| record.sender == stamp.account) {
            return Converted::default();
        }
    }
    let record = MessageRecord {
        account: stamp.account,
        conversation,
        req: seen.map.next_req(stamp.account, conversation, seq),
        random: random_of(ob_id),
        time: stamp.time,
        ob_id,
        sender: incoming.sender,
        text,
    };
    let mut event = event(&record, text_reply);
    attach(&mut event, incoming.message);
    Converted {
        ops: seen.map.insert(record),
        events: vec![event],
    }
}

/// The XLZ event of `message`, a message `record` keeps, as [`convert`] makes it (for the
/// account's own sends, which are recorded before their event arrives).
pub fn message_of(stamp: Stamp, message: &MessageEvent, record: &MessageRecord) -> Option<Event> {
    match message {
        MessageEvent::Group(group) => Some(group_msg(stamp, group, record, String::new())),
        MessageEvent::Private(private) => Some(private_msg(stamp, private, record)),
        MessageEvent::Other(_) => None,
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
        // A voice is a message of its own (docs/bridge.md#how-onebot-events-become-xlz-events).
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
    let conversation = Conversation::Group(recall.group_id);
    let found = map.by_ob_id(stamp.account, conversation, recall.message_id);
    let body = recalled(
        stamp,
        kind::GROUP_RECALL,
        or_unknown(found, "a recalled message"),
    );
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
    let conversation = Conversation::Friend(recall.user_id);
    let found = map.by_ob_id(stamp.account, conversation, recall.message_id);
    let body = recalled(
        stamp,
        kind::FRIEND_RECALL,
        or_unknown(found, "a recalled message"),
    );
    let event = event_msg(stamp.account, recall.user_id, recall.user_id, 0, body);
    Converted {
        ops: Vec::new(),
        events: vec![event],
    }
}

/// The `Msg` of a recall: the recalled message's `Req` and text when it is known.
fn recalled(stamp: Stamp, kind: i64, found: Option<MessageRecord>) -> EventBody {
    EventBody {
        seq: found.as_ref().map_or(0, |record| record.req),
        time_stamp: stamp.time,
        kind,
        text: found.map(|record| record.text).unwrap_or_default(),
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

    /// Account 1's message records and duplicate window, in memory.
    struct Account {
        map: MessageMap,
        window: Window,
    }

    impl Account {
        fn new() -> Account {
            Account {
                map: MessageMap::in_memory(),
                window: Window::default(),
            }
        }

        /// What `event` becomes, its ops kept.
        fn convert(&mut self, event: &lizi_onebot::Event, now: i64) -> Converted {
            self.try_convert(event, now).expect("readable")
        }

        fn try_convert(
            &mut self,
            event: &lizi_onebot::Event,
            now: i64,
        ) -> Result<Converted, Unreadable> {
            let mut seen = Seen {
                map: &mut self.map,
                window: &mut self.window,
            };
            let mut converted = convert(&mut seen, 1, event, now)?;
            let ops = std::mem::take(&mut converted.ops);
            let kept = ops.len();
            self.map.apply(ops);
            converted.ops = (0..kept)
                .map(|_| Op::Meta("kept".into(), String::new()))
                .collect();
            Ok(converted)
        }
    }

    #[test]
    fn a_group_message_becomes_a_group_msg_once() {
        let mut account = Account::new();
        let event = parse(json!({
            "time": 100, "self_id": 1, "post_type": "message", "message_type": "group",
            "sub_type": "normal", "message_id": -5, "group_id": 9, "user_id": 42,
            "message": [{"type": "text", "data": {"text": "hi ["}}, {"type": "at", "data": {"qq": "1"}}],
            "sender": {"user_id": 42, "nickname": "Nick", "card": ""}, "real_seq": "17",
        }));
        let converted = account.convert(&event, 200);
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
        assert_eq!(
            converted.ops.len(),
            3,
            "the record, its XLZ ids, the conversation"
        );
        assert!(
            account.convert(&event, 201).events.is_empty(),
            "a replay is dropped"
        );
    }

    #[test]
    fn temporary_and_own_private_messages_name_the_right_people() {
        let mut account = Account::new();
        let temp = parse(json!({
            "time": 100, "self_id": 1, "post_type": "message", "message_type": "private",
            "sub_type": "group", "message_id": 3, "user_id": 42, "message": "yo",
            "sender": {"user_id": 42, "nickname": "N", "group_id": 284840486},
        }));
        let converted = account.convert(&temp, 100);
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
            let converted = Account::new().convert(&temp, 100);
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
        let converted = account.convert(&own, 100);
        let [Event::PrivateMsg(message)] = converted.events.as_slice() else {
            panic!("one PrivateMsg");
        };
        assert_eq!((message.from_qq.uin, message.msg.kind), (1, 166));
        assert_eq!(
            account
                .map
                .by_ob_id(1, Conversation::Friend(42), 4)
                .expect("read")
                .map(|r| r.sender),
            Some(1)
        );
    }

    #[test]
    fn a_group_notice_message_is_a_system_notice() {
        let mut account = Account::new();
        let notice = parse(json!({
            "time": 100, "self_id": 1, "post_type": "message", "message_type": "group",
            "sub_type": "notice", "message_id": 9, "group_id": 9, "user_id": 80000000,
            "message": "群公告 [更新]", "sender": {"user_id": 80000000},
        }));
        let converted = account.convert(&notice, 100);
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
        let mut account = Account::new();
        let message = parse(json!({
            "time": 100, "self_id": 1, "post_type": "message", "message_type": "group",
            "message_id": 8, "group_id": 9, "user_id": 42, "message": "x", "sender": {"user_id": 42},
        }));
        account.convert(&message, 100);
        let recall = parse(json!({
            "time": 101, "self_id": 1, "post_type": "notice", "notice_type": "group_recall",
            "group_id": 9, "user_id": 42, "operator_id": 42, "message_id": 8,
        }));
        let converted = account.convert(&recall, 101);
        let [Event::EventMsg(event)] = converted.events.as_slice() else {
            panic!("one EventMsg");
        };
        assert_eq!(
            (event.msg.kind, event.msg.seq, event.msg.text.as_str()),
            (8, 1, "x")
        );
    }

    fn group_message(
        id: serde_json::Value,
        group: serde_json::Value,
        text: &str,
    ) -> serde_json::Value {
        json!({"time": 100, "self_id": 1, "post_type": "message", "message_type": "group",
            "message_id": id, "group_id": group, "user_id": 42, "message": text,
            "sender": {"user_id": 42}})
    }

    #[test]
    fn the_same_id_in_another_group_is_another_message() {
        let mut account = Account::new();
        let first = account.convert(&parse(group_message(json!(7), json!(9), "a")), 100);
        let other = account.convert(&parse(group_message(json!(7), json!(8), "b")), 100);
        assert_eq!((first.events.len(), other.events.len()), (1, 1));
        let again = account.convert(&parse(group_message(json!(7), json!(9), "a")), 100);
        assert!(again.events.is_empty(), "a repeat");
        let group = |gin| Conversation::Group(gin);
        let text = |gin| {
            account
                .map
                .by_ob_id(1, group(gin), 7)
                .expect("read")
                .map(|r| r.text)
        };
        assert_eq!((text(9), text(8)), (Some("a".into()), Some("b".into())));
    }

    #[test]
    fn messages_without_an_id_are_told_apart_by_their_text() {
        let mut account = Account::new();
        for (id, texts) in [(json!(null), ["one", "two"]), (json!(0), ["three", "four"])] {
            for text in texts {
                let mut message = group_message(id.clone(), json!(9), text);
                if id.is_null() {
                    message
                        .as_object_mut()
                        .expect("object")
                        .remove("message_id");
                }
                let converted = account.convert(&parse(message.clone()), 100);
                assert_eq!(converted.events.len(), 1, "{message}");
            }
        }
        // The same text again in the same second from the same sender is a repeat.
        let repeat = account.convert(&parse(group_message(json!(0), json!(9), "one")), 100);
        assert!(repeat.events.is_empty());
    }

    #[test]
    fn a_message_that_names_no_group_or_has_ill_typed_ids_is_unreadable() {
        let mut account = Account::new();
        for (message, why) in [
            (group_message(json!("abc"), json!(9), "x"), "integer"),
            (group_message(json!(7), json!("abc"), "x"), "id"),
            (group_message(json!(7), json!(0), "x"), "names no group"),
            (
                json!({"post_type": "message", "message_type": "group", "message_id": 7,
                "group_id": 9, "message": "x"}),
                "names no sender",
            ),
            (
                json!({"post_type": "message", "message_type": "private", "message_id": 7,
                "message": "x"}),
                "names no one",
            ),
            (
                json!({"post_type": "notice", "notice_type": "group_recall", "group_id": [9],
                "message_id": 7}),
                "not an id",
            ),
        ] {
            let unreadable = account
                .try_convert(&parse(message.clone()), 100)
                .expect_err("unreadable");
            assert!(
                unreadable.why.contains(why),
                "{message}: {}",
                unreadable.why
            );
        }
        let guild = json!({"post_type": "message", "message_type": "guild", "message": "x"});
        assert!(
            account.convert(&parse(guild), 100).events.is_empty(),
            "not bridged"
        );
    }
}
