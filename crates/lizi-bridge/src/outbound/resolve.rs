//! A message found again after its implementation forgot its id: NapCat keeps `message_id`s
//! in memory only (docs/onebot-implementations.md#message-identity), so after it restarts, a recall or a reply naming an id
//! lizi kept fails. The bridge then looks the message up in the conversation's history
//! (`get_group_msg_history` / `get_friend_msg_history`, page by page back to its time) and
//! takes the id the implementation gives it now: matched by sequence number when both sides
//! have the same, else by time (within [`CLOCK_SLACK`]), sender and text.

use lizi_onebot::event::MessageEvent;
use lizi_onebot::xlz::reported_text;
use lizi_onebot::{Body, Segment};
use serde_json::Value;

use crate::inbound::refill::{history_call, oldest_of, MAX_PAGES};
use crate::state::identity::MessageRecord;
use crate::transport::link::Link;

/// How far apart lizi's and the implementation's times of one message may be, in seconds:
/// lizi stamps its sends when the answer arrives.
pub const CLOCK_SLACK: i64 = 5;

/// The id the implementation now gives the message `record` names; `None` when its
/// history does not hold it (or cannot be read).
pub async fn find_again(link: &Link, record: &MessageRecord) -> Option<i64> {
    let (action, mut params) = history_call(record.conversation)?;
    for _ in 0..MAX_PAGES {
        let data = match link.call(action, params.clone()).await {
            Ok(data) => data,
            Err(error) => {
                tracing::warn!(
                    account = record.account,
                    "onebot: looking a message up again: {error}"
                );
                return None;
            }
        };
        let page: Vec<&Value> = data
            .get("messages")
            .and_then(Value::as_array)
            .map(|messages| messages.iter().collect())
            .unwrap_or_default();
        if let Some(id) = page.iter().find_map(|message| matching(message, record)) {
            return Some(id);
        }
        let ((key, cursor), time) = oldest_of(&data)?;
        if time < record.time - CLOCK_SLACK || params.get(key) == Some(&cursor) {
            return None;
        }
        params[key] = cursor;
    }
    None
}

/// The `message_id` of a history entry when it is the message `record` names.
fn matching(message: &Value, record: &MessageRecord) -> Option<i64> {
    let event = lizi_onebot::Event::parse(message.clone()).ok()?;
    let (Body::Message(message) | Body::MessageSent(message)) = &event.body else {
        return None;
    };
    let (id, user, segments, extras) = match message {
        MessageEvent::Group(m) => (m.message_id, m.user_id, &m.message, &m.extras),
        MessageEvent::Private(m) => (m.message_id, m.user_id, &m.message, &m.extras),
        MessageEvent::Other(_) => return None,
    };
    let seq = extras
        .message_seq
        .or_else(|| extras.real_seq.as_deref()?.parse().ok());
    if seq == Some(record.req) {
        return Some(id);
    }
    // lizi numbers a message itself when the implementation gave it no sequence number.
    let same = (event.time - record.time).abs() <= CLOCK_SLACK
        && user == record.sender
        && text_of(segments) == record.text;
    same.then_some(id)
}

/// A message's XLZ text, replies left out (their ids are what is being looked for).
fn text_of(segments: &[Segment]) -> String {
    reported_text(segments, |_| None).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::identity::{random_of, Conversation};
    use serde_json::json;

    fn record(req: i64, time: i64) -> MessageRecord {
        MessageRecord {
            account: 1,
            conversation: Conversation::Group(9),
            req,
            random: random_of(3),
            time,
            ob_id: 3,
            sender: 1,
            text: "hello".into(),
        }
    }

    fn entry(id: i64, time: i64, user: u64, text: &str) -> Value {
        json!({"time": time, "self_id": 1, "post_type": "message", "message_type": "group",
            "message_id": id, "group_id": 9, "user_id": user,
            "message": [{"type": "text", "data": {"text": text}}], "sender": {"user_id": user}})
    }

    #[test]
    fn a_message_is_matched_by_seq_when_given_else_by_time_sender_and_text() {
        let mut with_seq = entry(70, 100, 1, "other text");
        with_seq["message_seq"] = json!(12);
        assert_eq!(matching(&with_seq, &record(12, 100)), Some(70));
        assert_eq!(matching(&with_seq, &record(13, 100)), None);
        let mut same_text = entry(74, 100, 1, "hello");
        same_text["message_seq"] = json!(40);
        assert_eq!(
            matching(&same_text, &record(2, 100)),
            Some(74),
            "lizi's own numbering"
        );
        let plain = entry(71, 102, 1, "hello");
        assert_eq!(matching(&plain, &record(1, 100)), Some(71));
        assert_eq!(matching(&plain, &record(1, 90)), None, "too far apart");
        assert_eq!(matching(&entry(72, 100, 2, "hello"), &record(1, 100)), None);
        assert_eq!(matching(&entry(73, 100, 1, "hullo"), &record(1, 100)), None);
    }
}
