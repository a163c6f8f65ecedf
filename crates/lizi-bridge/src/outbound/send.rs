//! Messages sent and recalled through the bridge: XLZ text as the segments the
//! implementation takes ([`lizi_onebot::xlz::send_segments`], with the pictures and voices
//! of [`super::attachments`]), paced per account and group ([`crate::state::pacing`]),
//! kept in the message map under the ids XLZ knows, and reported as the account's own
//! message in the same form as a received one ([`crate::inbound::messages::convert`]). A
//! reply or recall naming a message the implementation forgot finds it again in history
//! ([`super::resolve`]).

use lizi_core::event::UserRef;
use lizi_core::{Event, Failure, FailureKind, Receipt, Reply, Uin};
use lizi_onebot::xlz::send_segments;
use lizi_onebot::{Body, Segment};
use serde_json::{json, Value};

use super::resolve::find_again;
use crate::backend::{BridgeBackend, State};
use crate::clock::now;
use crate::inbound::messages::{message_of, Stamp};
use crate::inbound::presence::account_event;
use crate::state::identity::{random_of, Conversation, MessageRecord};
use crate::state::kept::{or_unknown, read_failed};
use crate::state::pacing::{is_risk_control, SLOWDOWN};
use crate::transport::link::{Link, LinkError};

impl BridgeBackend {
    /// Whether `error` is QQ risk control.
    fn is_risk_control(&self, error: &LinkError) -> bool {
        matches!(error, LinkError::Failed { retcode, message, .. } if is_risk_control(*retcode, message))
    }

    /// A failed send as the XLZ answer; risk control is said as such and slows the
    /// account down.
    fn send_failed(&self, account: Uin, error: LinkError) -> Failure {
        match &error {
            LinkError::Failed {
                retcode, message, ..
            } if is_risk_control(*retcode, message) => {
                self.pacer.risk_control(account);
                Failure::new(
                    FailureKind::Refused,
                    format!(
                        "QQ risk control: {}: {error}; account {account} now sends at half \
                         rate for {} minutes",
                        self.implementation(account),
                        SLOWDOWN.as_secs() / 60
                    ),
                )
            }
            _ => self.failed(account, error),
        }
    }

    /// Sends `text` as `account` to `conversation`, records it and appends the account's
    /// own-message event.
    pub(crate) async fn send(
        &self,
        account: Uin,
        conversation: Conversation,
        text: &str,
    ) -> Result<Reply, Failure> {
        let attachments = self.attachments(account, text).await?;
        let text = attachments.text.as_str();
        let message = {
            let state = self.lock();
            let reply_id = |req, random| {
                let found = state.messages.by_pair(account, req, random);
                or_unknown(found, "a replied message").map(|record| record.ob_id)
            };
            send_segments(text, reply_id, |code| attachments.segment(code))
        };
        self.send_segments(account, conversation, message, text)
            .await
    }

    /// Sends the prepared `message` (whose XLZ text is `text`) as [`BridgeBackend::send`]
    /// does.
    pub(crate) async fn send_segments(
        &self,
        account: Uin,
        conversation: Conversation,
        message: Vec<lizi_onebot::Segment>,
        text: &str,
    ) -> Result<Reply, Failure> {
        let link = self.link(account)?;
        if message.is_empty() {
            return Err(Failure::new(FailureKind::Invalid, "the message is empty"));
        }
        let (action, params) = match conversation {
            Conversation::Group(group) => (
                "send_group_msg",
                json!({"group_id": group, "message": message}),
            ),
            Conversation::Friend(user) => (
                "send_private_msg",
                json!({"user_id": user, "message": message}),
            ),
            Conversation::Temporary { group, user } => (
                "send_private_msg",
                json!({"user_id": user, "group_id": group, "message": message}),
            ),
        };
        let group = match conversation {
            Conversation::Group(group) => Some(group),
            _ => None,
        };
        self.pacer.admit(account, group).await?;
        let data = match link.call(action, params.clone()).await {
            Err(error @ LinkError::Failed { .. }) if !self.is_risk_control(&error) => {
                let replied = match message.first().map(Segment::view) {
                    Some(Ok(lizi_onebot::message::View::Reply(id))) => {
                        let found = self.lock().messages.by_ob_id(account, conversation, id);
                        or_unknown(found, "a replied message")
                    }
                    _ => None,
                };
                let found = match replied {
                    Some(record) => self.found_again(&link, &record).await,
                    None => None,
                };
                let Some(found) = found else {
                    return Err(self.send_failed(account, error));
                };
                let mut params = params;
                params["message"][0] = json!(Segment::reply(found));
                link.call(action, params)
                    .await
                    .map_err(|e| self.send_failed(account, e))?
            }
            answered => answered.map_err(|e| self.send_failed(account, e))?,
        };
        let Some(ob_id) = data
            .get("message_id")
            .and_then(|id| id.as_i64().or_else(|| id.as_str()?.parse().ok()))
        else {
            return Err(Failure::new(
                FailureKind::Internal,
                format!(
                    "{} answered `{action}` without a message_id",
                    self.implementation(account)
                ),
            ));
        };
        let (receipt, ticket) = {
            let mut state = self.lock();
            let known = state.messages.by_ob_id(account, conversation, ob_id);
            if let Some(known) = or_unknown(known, "a sent message") {
                // The implementation reported the message before answering: its event is in.
                let receipt = Receipt {
                    req: known.req,
                    random: known.random,
                    time: known.time,
                };
                return Ok(Reply::Sent(receipt));
            }
            let seq = data.get("message_seq").and_then(Value::as_i64);
            let record = MessageRecord {
                account,
                conversation,
                req: state.messages.next_req(account, conversation, seq),
                random: random_of(ob_id),
                time: now(),
                ob_id,
                sender: account,
                text: lizi_core::textcode::canonical(text).into_owned(),
            };
            let receipt = Receipt {
                req: record.req,
                random: record.random,
                time: record.time,
            };
            let event = own_event(&state, &record);
            let ops = state.messages.insert(record);
            if let Some(entry) = state.accounts.get_mut(&account) {
                entry.sent += 1;
            }
            (receipt, self.store.commit(ops, &[event]))
        };
        ticket.wait().await.map_err(|e| {
            Failure::new(
                FailureKind::Internal,
                format!("saving the message failed: {e}"),
            )
        })?;
        Ok(Reply::Sent(receipt))
    }

    /// Recalls `account`'s message `(req, random)` if `fits` its conversation.
    pub(crate) async fn recall(
        &self,
        account: Uin,
        req: i64,
        random: i64,
        fits: impl Fn(Conversation) -> bool,
    ) -> Result<Reply, Failure> {
        let record = {
            let state = self.lock();
            let found = state
                .messages
                .by_pair(account, req, random)
                .map_err(read_failed)?;
            found.filter(|r| fits(r.conversation)).ok_or_else(|| {
                Failure::new(
                    FailureKind::NotFound,
                    format!("lizi's OneBot bridge knows no message req={req} random={random} of account {account}"),
                )
            })?
        };
        let link = self.link(account)?;
        let recall = |id: i64| link.call("delete_msg", json!({"message_id": id}));
        match recall(record.ob_id).await {
            Ok(_) => Ok(Reply::Done),
            Err(error @ LinkError::Failed { .. }) => {
                let Some(found) = self.found_again(&link, &record).await else {
                    return Err(self.not_found_again(account, error));
                };
                recall(found).await.map_err(|e| self.failed(account, e))?;
                Ok(Reply::Done)
            }
            Err(error) => Err(self.failed(account, error)),
        }
    }

    /// The implementation's id of `record`'s message, looked up in its history when it
    /// refused the id lizi kept ([`super::resolve`]): a new one is kept for next time; the
    /// same one may work again (NapCat's ids are derived from the message, and reading
    /// history puts them back in its cache). `None` when the history does not hold it.
    async fn found_again(&self, link: &Link, record: &MessageRecord) -> Option<i64> {
        let found = find_again(link, record).await?;
        if found == record.ob_id {
            return Some(found);
        }
        let ops = self.lock().messages.rebind(record, found);
        tracing::info!(
            account = record.account,
            old = record.ob_id,
            new = found,
            "onebot: a forgotten message id found again in history"
        );
        drop(self.store.commit(ops, &[]));
        Some(found)
    }

    /// The failure of an action on a message the implementation refused and its history
    /// does not hold under another id.
    fn not_found_again(&self, account: Uin, error: LinkError) -> Failure {
        let mut failure = self.failed(account, error);
        failure.message.push_str(
            "; the message was not found again in its history (an implementation that \
             restarted may have forgotten it)",
        );
        failure
    }
}

/// The account's own-message event for a message it sent, in the same form as a
/// reported one ([`message_of`]).
fn own_event(state: &State, record: &MessageRecord) -> Event {
    let nickname = state
        .accounts
        .get(&record.account)
        .map(|a| a.seen.nickname.clone())
        .unwrap_or_default();
    let mut message = json!({
        "time": record.time, "self_id": record.account, "post_type": "message_sent",
        "message_id": record.ob_id, "user_id": record.account,
        "sender": {"user_id": record.account, "nickname": nickname},
    });
    match record.conversation {
        Conversation::Group(group) => {
            message["message_type"] = "group".into();
            message["group_id"] = group.into();
        }
        Conversation::Friend(user) => {
            message["message_type"] = "private".into();
            message["sub_type"] = "friend".into();
            message["target_id"] = user.into();
        }
        Conversation::Temporary { group, user } => {
            message["message_type"] = "private".into();
            message["sub_type"] = "group".into();
            message["target_id"] = user.into();
            message["sender"]["group_id"] = group.into();
        }
    }
    let stamp = Stamp {
        account: record.account,
        time: record.time,
        now: record.time,
    };
    let event = match lizi_onebot::Event::parse(message).map(|event| event.body) {
        Ok(Body::MessageSent(message)) => message_of(stamp, &message, record),
        _ => None,
    };
    match event {
        Some(mut event) => {
            set_identity(&mut event, record);
            event
        }
        None => account_event(record.account, UserRef::default(), 0),
    }
}

/// Puts the record's ids and text into an own-message event.
fn set_identity(event: &mut Event, record: &MessageRecord) {
    match event {
        Event::GroupMsg(message) => {
            message.msg.req = record.req;
            message.msg.random = record.random;
            message.msg.text = record.text.clone();
        }
        Event::PrivateMsg(message) => {
            message.msg.req = record.req;
            message.msg.seq = record.random;
            message.msg.text = record.text.clone();
        }
        Event::EventMsg(_) => {}
    }
}
