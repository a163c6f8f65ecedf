//! What a dropped connection lost: events an implementation produced while no connection
//! was open are gone from its side (NapCat drops them). When the account's connection comes
//! back, the bridge asks the history of each conversation it has seen a message in
//! (`get_group_msg_history` / `get_friend_msg_history`) and emits the messages that came
//! after the last one it saw; where it cannot (no such action, a failed call, a temporary
//! session, more missed than one page holds) it emits one [`GAP`] event saying when the
//! connection was lost, so nothing is lost silently.

use lizi_core::event::EventBody;
use lizi_core::{Event, Uin};
use serde_json::{json, Value};

use crate::identity::{Conversation, MessageRecord};
use crate::notices::event_msg;

/// The lizi-specific `EventMsg` type of a gap: messages in its text's time span may be
/// missing. XLZ uses no such type.
pub const GAP: i64 = 900;

/// The most messages asked of one conversation's history.
pub const PAGE: usize = 100;

/// The history action and its parameters for `conversation`; `None` for a temporary
/// session, which has no history action.
pub fn history_call(conversation: Conversation) -> Option<(&'static str, Value)> {
    match conversation {
        Conversation::Group(group) => Some((
            "get_group_msg_history",
            json!({"group_id": group, "count": PAGE}),
        )),
        Conversation::Friend(user) => Some((
            "get_friend_msg_history",
            json!({"user_id": user, "count": PAGE}),
        )),
        Conversation::Temporary { .. } => None,
    }
}

/// The messages of a history answer's `data` that came after `last`, oldest first, and
/// whether they are all of them. They are those following `last` in the page; when `last`
/// is not in it, those not older than it, and they are complete only when the page was not
/// full (else older ones may be beyond it).
pub fn after_last(data: &Value, last: &MessageRecord) -> (Vec<lizi_onebot::Event>, bool) {
    let page: Vec<lizi_onebot::Event> = data
        .get("messages")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|message| lizi_onebot::Event::parse(message.clone()).ok())
        .collect();
    let full = page.len() >= PAGE;
    let position = page
        .iter()
        .position(|event| message_id(event) == Some(last.ob_id));
    match position {
        Some(position) => (page.into_iter().skip(position + 1).collect(), true),
        None => {
            let newer = page
                .into_iter()
                .filter(|event| event.time >= last.time)
                .collect();
            (newer, !full)
        }
    }
}

/// The OneBot `message_id` of a message event.
fn message_id(event: &lizi_onebot::Event) -> Option<i64> {
    use lizi_onebot::event::MessageEvent;
    match &event.body {
        lizi_onebot::Body::Message(message) | lizi_onebot::Body::MessageSent(message) => {
            match message {
                MessageEvent::Group(group) => Some(group.message_id),
                MessageEvent::Private(private) => Some(private.message_id),
                MessageEvent::Other(_) => None,
            }
        }
        _ => None,
    }
}

/// The event telling `account`'s sessions that messages between `from` and `to` (unix
/// seconds) may be missing because the connection to `implementation` was lost.
pub fn gap_event(account: Uin, implementation: &str, from: i64, to: i64) -> Event {
    let body = EventBody {
        time_stamp: to,
        kind: GAP,
        text: format!(
            "the connection to {implementation} was lost from {from} to {to}; messages in \
             that time may be missing"
        ),
        ..EventBody::default()
    };
    event_msg(account, account, account, 0, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::random_of;

    fn message(id: i64, time: i64) -> Value {
        json!({"time": time, "self_id": 1, "post_type": "message", "message_type": "group",
            "message_id": id, "group_id": 9, "user_id": 5, "message": "m",
            "sender": {"user_id": 5}})
    }

    fn last(ob_id: i64, time: i64) -> MessageRecord {
        MessageRecord {
            account: 1,
            conversation: Conversation::Group(9),
            req: 1,
            random: random_of(ob_id),
            time,
            ob_id,
            sender: 5,
            text: "m".into(),
        }
    }

    fn ids(events: &[lizi_onebot::Event]) -> Vec<Option<i64>> {
        events.iter().map(message_id).collect()
    }

    #[test]
    fn the_messages_after_the_last_seen_are_taken() {
        let data = json!({"messages": [message(1, 10), message(2, 11), message(3, 12)]});
        let (events, complete) = after_last(&data, &last(1, 10));
        assert_eq!((ids(&events), complete), (vec![Some(2), Some(3)], true));
        let (events, complete) = after_last(&data, &last(3, 12));
        assert_eq!((events.len(), complete), (0, true));
    }

    #[test]
    fn without_the_last_seen_newer_messages_are_taken_and_a_full_page_is_incomplete() {
        let data = json!({"messages": [message(1, 10), message(2, 11)]});
        let (events, complete) = after_last(&data, &last(7, 11));
        assert_eq!((ids(&events), complete), (vec![Some(2)], true));
        let full: Vec<Value> = (0..PAGE as i64).map(|id| message(id + 100, 20)).collect();
        let (events, complete) = after_last(&json!({ "messages": full }), &last(7, 11));
        assert_eq!((events.len(), complete), (PAGE, false));
        assert!(after_last(&Value::Null, &last(7, 11)).1);
    }

    #[test]
    fn temporary_sessions_have_no_history_and_a_gap_says_when() {
        let temporary = Conversation::Temporary { group: 1, user: 2 };
        assert_eq!(history_call(temporary), None);
        assert_eq!(
            history_call(Conversation::Friend(2)).map(|(action, _)| action),
            Some("get_friend_msg_history")
        );
        let Event::EventMsg(gap) = gap_event(1, "lagrange", 100, 200) else {
            panic!("an EventMsg");
        };
        assert_eq!((gap.msg.kind, gap.msg.time_stamp), (GAP, 200));
        assert!(gap.msg.text.contains("lagrange was lost from 100 to 200"));
    }
}
