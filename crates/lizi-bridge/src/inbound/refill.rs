//! What a dropped connection lost: events an implementation produced while no connection
//! was open are gone from its side (NapCat drops them). When the account's connection comes
//! back, the bridge asks the history of each conversation it has seen a message in
//! (`get_group_msg_history` / `get_friend_msg_history`), page by page back to the last
//! message it saw ([`missed`]), and emits the messages after it. Then it emits one [`GAP`]
//! event saying when the connection was lost and naming the conversations that could not
//! be refilled (no such action, a failed call, a temporary session, more missed than
//! [`MAX_PAGES`] pages, or no answer within the refill's time budget), and that
//! conversations lizi never saw a message in cannot be, so nothing is lost silently.
//!
//! Live events that arrive during the refill are held and converted after it, so the log
//! stays in order within each conversation. So that an implementation that is slow to
//! answer, or ignores history requests, cannot hold them back for long, conversations are
//! refilled [`PARALLEL`] at a time within one time budget for the whole refill
//! (`--bridge-refill-budget-ms`, [`DEFAULT_REFILL_BUDGET`](crate::backend::DEFAULT_REFILL_BUDGET)); whatever is not refilled by then is
//! named in the gap event, and the held events flow at once.
//!
//! The time a connection was lost is kept in lizi's store
//! ([`LOST_KIND`](crate::state::accounts::LOST_KIND)), so a restart of lizi while an account
//! is down still refills; an account whose loss was not recorded (lizi killed) counts as
//! lost since its newest message.
//!
//! The history paging ([`history_call`], [`oldest_of`]) also serves
//! [`crate::outbound::resolve`], which looks a sent message up again.

use std::collections::HashSet;
use std::time::Duration;

use futures_util::StreamExt;
use lizi_core::event::EventBody;
use lizi_core::{Event, Uin};
use serde_json::{json, Value};
use tokio::time::Instant;

use super::event_msg::event_msg;
use crate::backend::BridgeBackend;
use crate::clock::now;
use crate::state::accounts::lost_op;
use crate::state::identity::{Conversation, Latest};
use crate::transport::link::{Link, LinkError};

/// How many conversations are refilled at once.
pub const PARALLEL: usize = 8;

/// How many conversations a gap event names; the rest are counted.
pub const NAMED: usize = 20;

/// The most history pages asked of one conversation after one loss.
pub const MAX_PAGES: usize = 20;

/// The lizi-specific `EventMsg` type of a gap: messages in its text's time span may be
/// missing. XLZ uses no such type.
pub const GAP: i64 = 900;

/// The most messages asked of one conversation's history.
pub const PAGE: usize = 100;

/// The messages of `last`'s conversation after `last`, oldest first, fetched page by page
/// through `link`, and whether they are all of them; `Ok(None)` when the conversation has
/// no history action.
pub async fn missed(
    link: &Link,
    last: &Latest,
) -> Result<Option<(Vec<lizi_onebot::Event>, bool)>, LinkError> {
    let Some((action, mut params)) = history_call(last.conversation) else {
        return Ok(None);
    };
    let mut newer: Vec<lizi_onebot::Event> = Vec::new();
    let mut seen = HashSet::new();
    let mut previous = None;
    for _ in 0..MAX_PAGES {
        let data = link.call(action, params.clone()).await?;
        let oldest = oldest_of(&data);
        if previous.is_some() && oldest == previous {
            // The implementation gave the same page again: it cannot go further back.
            break;
        }
        let (messages, complete) = after_last(&data, last);
        let mut page: Vec<lizi_onebot::Event> = messages
            .into_iter()
            .filter(|event| message_id(event).is_none_or(|id| seen.insert(id)))
            .collect();
        page.append(&mut newer);
        newer = page;
        if complete {
            return Ok(Some((newer, true)));
        }
        let Some(((key, cursor), time)) = oldest.clone() else {
            break;
        };
        if time < last.time {
            // The pages went past the last message seen without meeting it (recalled):
            // everything newer is in.
            return Ok(Some((newer, true)));
        }
        params[key] = cursor;
        previous = oldest;
    }
    Ok(Some((newer, false)))
}

/// Where the page before a history page starts: the oldest message's `message_seq` (NapCat,
/// LLOneBot; pages include it) or else its `message_id` (Lagrange), and its time.
pub fn oldest_of(data: &Value) -> Option<((&'static str, Value), i64)> {
    let oldest = data
        .get("messages")
        .and_then(Value::as_array)?
        .iter()
        .min_by_key(|m| m.get("time").and_then(Value::as_i64).unwrap_or(i64::MAX))?;
    let time = oldest.get("time").and_then(Value::as_i64).unwrap_or(0);
    let number = |key: &str| {
        let value = oldest.get(key)?;
        value.as_i64().or_else(|| value.as_str()?.parse().ok())
    };
    let cursor = match number("message_seq").or_else(|| number("real_seq")) {
        Some(seq) => ("message_seq", json!(seq)),
        None => ("message_id", json!(number("message_id")?)),
    };
    Some((cursor, time))
}

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
pub fn after_last(data: &Value, last: &Latest) -> (Vec<lizi_onebot::Event>, bool) {
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

/// Why a conversation was not refilled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotRefilled {
    /// A temporary session, or an implementation without the history action.
    NoHistory,
    /// The history call failed.
    Failed(String),
    /// More was missed than [`MAX_PAGES`] pages, or the history goes no further back.
    TooFarBack,
    /// Not answered within the refill's time budget.
    OutOfTime(Duration),
}

impl std::fmt::Display for NotRefilled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotRefilled::NoHistory => f.write_str("no history to ask"),
            NotRefilled::Failed(why) => write!(f, "{why}"),
            NotRefilled::TooFarBack => f.write_str("more was missed than its history gave"),
            NotRefilled::OutOfTime(budget) => {
                write!(f, "not refilled within {} s", budget.as_secs_f64())
            }
        }
    }
}

/// A conversation as a gap event names it.
fn conversation_name(conversation: Conversation) -> String {
    match conversation {
        Conversation::Group(group) => format!("group {group}"),
        Conversation::Friend(user) => format!("friend {user}"),
        Conversation::Temporary { user, .. } => format!("temporary session with {user}"),
    }
}

/// The event telling `account`'s sessions that the connection to `implementation` was
/// lost between `from` and `to` (unix seconds): messages in that time may be missing in
/// the conversations that could not be refilled (`missing`, named with why), and in those
/// lizi never saw a message in, which cannot be.
pub fn gap_event(
    account: Uin,
    implementation: &str,
    from: i64,
    to: i64,
    missing: &[(Conversation, NotRefilled)],
) -> Event {
    let which = if missing.is_empty() {
        "the conversations lizi had seen a message in were refilled from history; in others"
            .to_owned()
    } else {
        let mut named: Vec<String> = missing
            .iter()
            .take(NAMED)
            .map(|(conversation, why)| format!("{} ({why})", conversation_name(*conversation)))
            .collect();
        if missing.len() > NAMED {
            named.push(format!("{} more", missing.len() - NAMED));
        }
        format!(
            "some conversations could not be refilled from history: {}; in those and in \
             others lizi had not seen a message in",
            named.join(", ")
        )
    };
    let body = EventBody {
        time_stamp: to,
        kind: GAP,
        text: format!(
            "the connection to {implementation} was lost from {from} to {to}; {which}, \
             messages in that time may be missing"
        ),
        ..EventBody::default()
    };
    event_msg(account, account, account, 0, body)
}

/// What the refill of one conversation gave: the messages fetched, and why not all of
/// them were, if not.
type Refilled = (Vec<lizi_onebot::Event>, Option<NotRefilled>);

impl BridgeBackend {
    /// After a lost connection came back on `link`: emits the messages each known
    /// conversation received meanwhile, as far as the time budget allows, and a gap event
    /// naming those that could not be refilled; then the frames held meanwhile.
    pub(crate) async fn refill_missed(&self, link: &Link) {
        let account = link.account;
        let lost = {
            let mut state = self.lock();
            let from = state
                .accounts
                .get_mut(&account)
                .and_then(|entry| entry.lost_at.take());
            from.map(|from| (from, state.messages.latest_of(account)))
        };
        if let Some((from, conversations)) = lost {
            let refilled = self.refill_within(link, &conversations).await;
            let implementation = self.implementation(account);
            let mut state = self.lock();
            let mut missing = Vec::new();
            for (last, (messages, not_refilled)) in conversations.iter().zip(refilled) {
                for message in &messages {
                    drop(self.commit_converted(&mut state, account, message));
                }
                missing.extend(not_refilled.map(|why| (last.conversation, why)));
            }
            if !missing.is_empty() {
                tracing::warn!(
                    account,
                    conversations = missing.len(),
                    "onebot: some conversations could not be refilled after a lost connection"
                );
            }
            let gap = gap_event(account, &implementation, from, now(), &missing);
            let forget = lost_op(account, None);
            drop(self.store.commit(vec![forget], &[gap]));
        }
        let mut state = self.lock();
        let held = state
            .accounts
            .get_mut(&account)
            .and_then(|entry| entry.held.take());
        for frame in held.unwrap_or_default() {
            drop(self.convert_in(&mut state, account, frame));
        }
    }

    /// The missed messages of each of `conversations` (in their order), [`PARALLEL`] at a
    /// time; those not refilled within the budget are [`NotRefilled::OutOfTime`].
    async fn refill_within(&self, link: &Link, conversations: &[Latest]) -> Vec<Refilled> {
        let budget = self.receiving.refill_budget;
        let deadline = Instant::now() + budget;
        let mut outcomes: Vec<Refilled> = conversations
            .iter()
            .map(|_| (Vec::new(), Some(NotRefilled::OutOfTime(budget))))
            .collect();
        let mut running = futures_util::stream::iter(conversations.iter().copied().enumerate())
            .map(|(index, last)| async move { (index, self.refill_one(link, &last).await) })
            .buffer_unordered(PARALLEL);
        while let Ok(Some((index, outcome))) =
            tokio::time::timeout_at(deadline, running.next()).await
        {
            outcomes[index] = outcome;
        }
        outcomes
    }

    /// The missed messages of `last`'s conversation, their pictures and voices kept.
    async fn refill_one(&self, link: &Link, last: &Latest) -> Refilled {
        match missed(link, last).await {
            Ok(Some((mut messages, complete))) => {
                for message in &mut messages {
                    self.keep_event_media(message).await;
                }
                // What was fetched is emitted all the same; the gap names the rest.
                (messages, (!complete).then_some(NotRefilled::TooFarBack))
            }
            Ok(None) => (Vec::new(), Some(NotRefilled::NoHistory)),
            Err(error) => (Vec::new(), Some(NotRefilled::Failed(error.to_string()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: i64, time: i64) -> Value {
        json!({"time": time, "self_id": 1, "post_type": "message", "message_type": "group",
            "message_id": id, "group_id": 9, "user_id": 5, "message": "m",
            "sender": {"user_id": 5}})
    }

    fn last(ob_id: i64, time: i64) -> Latest {
        Latest {
            conversation: Conversation::Group(9),
            req: 1,
            time,
            ob_id,
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
        let mut missing = vec![
            (temporary, NotRefilled::NoHistory),
            (
                Conversation::Group(5),
                NotRefilled::OutOfTime(Duration::from_secs(10)),
            ),
        ];
        let Event::EventMsg(gap) = gap_event(1, "lagrange", 100, 200, &missing) else {
            panic!("an EventMsg");
        };
        assert_eq!((gap.msg.kind, gap.msg.time_stamp), (GAP, 200));
        assert!(gap.msg.text.contains("lagrange was lost from 100 to 200"));
        assert!(
            gap.msg.text.contains(
                "could not be refilled from history: temporary session with 2 (no history to \
                 ask), group 5 (not refilled within 10 s);"
            ),
            "{}",
            gap.msg.text
        );
        missing
            .extend((0..NAMED as u64).map(|n| (Conversation::Friend(n), NotRefilled::TooFarBack)));
        let Event::EventMsg(gap) = gap_event(1, "lagrange", 100, 200, &missing) else {
            panic!("an EventMsg");
        };
        assert!(gap.msg.text.contains(", 2 more;"), "{}", gap.msg.text);
        let Event::EventMsg(gap) = gap_event(1, "napcat", 100, 200, &[]) else {
            panic!("an EventMsg");
        };
        assert!(gap.msg.text.contains("were refilled"), "{}", gap.msg.text);
        assert!(gap
            .msg
            .text
            .ends_with("messages in that time may be missing"));
    }

    #[test]
    fn a_page_starts_before_its_oldest_message_by_seq_or_id() {
        let page = |messages: Vec<Value>| json!({ "messages": messages });
        let mut with_seq = message(5, 10);
        with_seq["message_seq"] = json!(44);
        assert_eq!(
            oldest_of(&page(vec![message(6, 11), with_seq])),
            Some((("message_seq", json!(44)), 10))
        );
        let mut with_real_seq = message(5, 10);
        with_real_seq["real_seq"] = json!("45");
        assert_eq!(
            oldest_of(&page(vec![with_real_seq])),
            Some((("message_seq", json!(45)), 10))
        );
        assert_eq!(
            oldest_of(&page(vec![message(-9, 10)])),
            Some((("message_id", json!(-9)), 10))
        );
        assert_eq!(oldest_of(&page(vec![])), None);
    }
}
