//! [`BridgeBackend`]: XLZ requests carried out on the connected accounts.
//!
//! Every request is first checked against the endpoint table ([`crate::table`], in
//! `carry`): impossible endpoints, and those the account's implementation lacks, fail
//! without calling it. The rest is carried out here (the account list, sends, recalls,
//! request answers by the stored flag), by [`crate::media`] (pictures, voices, avatars),
//! [`crate::files`] (group files), [`crate::standard`] (lists and group admin actions) and
//! [`crate::plan`] (the other single-action endpoints). A request none of them takes fails
//! saying it is not bridged (never a fake success); the control API (`/sim/…`) is not
//! available.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use lizi_core::event::{kind, EventBody, UserRef};
use lizi_core::model::LogonAccount;
use lizi_core::{
    Backend, BoxFuture, ControlRequest, Event, Failure, FailureKind, Receipt, Reply, Request, Uin,
};
use lizi_store::{Op, Store, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::identity::{random_of, Conversation, MessageMap, MessageRecord};
use crate::implementation::Implementation;
use crate::inbound::convert;
use crate::link::{Link, LinkError};
use crate::media::MediaStore;
use crate::names::Names;
use crate::pacing::{is_risk_control, Pacer, PacingConfig};
use crate::refill::{gap_event, missed};
use crate::requests::RequestMap;
use crate::text::to_segments_with;

mod carry;
use lizi_onebot::Segment;

/// The store document kind of the accounts seen.
const ACCOUNT_KIND: &str = "bridge_account";

use crate::events_more::LOGGED_OFF;

/// An account seen on a connection, kept across restarts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Seen {
    nickname: String,
    /// The implementation, detected from its `app_name`.
    implementation: Implementation,
}

#[derive(Debug, Default)]
struct Account {
    seen: Seen,
    link: Option<Arc<Link>>,
    received: u64,
    sent: u64,
    /// When the account's connection was lost, until a new one refills what it missed.
    lost_at: Option<i64>,
    /// Frames that arrived while the missed messages were being refilled, to convert after
    /// them so that the log stays in order.
    held: Option<Vec<Value>>,
    /// Whether the implementation reported the account offline (`bot_offline`, a
    /// heartbeat) while its connection stays open.
    reported_offline: bool,
    /// Whether the current connection's handshake (which implementation, which nickname)
    /// is done: until then the account is not shown online.
    identified: bool,
}

#[derive(Debug, Default)]
struct State {
    accounts: BTreeMap<Uin, Account>,
    messages: MessageMap,
    requests: RequestMap,
    names: Names,
    notices: crate::replay::RecentNotices,
}

/// The OneBot bridge backend: connected accounts, their message map, and the event log.
#[derive(Debug)]
pub struct BridgeBackend {
    pub(crate) store: Arc<Store>,
    state: Mutex<State>,
    next_link: AtomicU64,
    pacer: Pacer,
    /// Group files: the files seen and the folder names known ([`crate::files`]).
    pub(crate) files: Mutex<crate::files::Files>,
    /// The pictures and voices kept ([`crate::media`]).
    pub(crate) media: MediaStore,
    dials: crate::connect::DialCounts,
    /// Whether the notices XLZ has no event for are dropped rather than reported.
    drop_minor_notices: bool,
}

/// The current unix time in seconds.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs() as i64)
}

impl BridgeBackend {
    /// A bridge over `store`, with the accounts and messages it kept, sending at the pace
    /// `pacing` allows.
    pub fn open(store: Arc<Store>, pacing: PacingConfig) -> Result<BridgeBackend, StoreError> {
        let docs = store.load_docs()?;
        let mut state = State {
            messages: MessageMap::load(&docs),
            requests: RequestMap::load(&docs),
            ..State::default()
        };
        for (_, key, body) in docs.iter().filter(|(kind, ..)| kind == ACCOUNT_KIND) {
            if let (Ok(uin), Ok(seen)) = (key.parse::<Uin>(), serde_json::from_str::<Seen>(body)) {
                state.accounts.insert(
                    uin,
                    Account {
                        seen,
                        ..Account::default()
                    },
                );
            }
        }
        // A loss kept from before the restart, else (lizi was killed) since the account's
        // newest message: either way, the next connection refills.
        let kept = crate::refill::lost_times(&docs);
        let messages = &state.messages;
        for (&uin, account) in state.accounts.iter_mut() {
            let newest = messages.latest_of(uin).iter().map(|r| r.time).max();
            let lost = kept.iter().find(|(a, _)| *a == uin).map(|(_, at)| *at);
            account.lost_at = lost.or(newest).or(Some(now()));
        }
        Ok(BridgeBackend {
            media: MediaStore::load(store.clone(), &docs),
            store,
            state: Mutex::new(state),
            next_link: AtomicU64::new(1),
            pacer: Pacer::new(pacing),
            files: Mutex::new(crate::files::Files::load(&docs)),
            dials: crate::connect::DialCounts::default(),
            drop_minor_notices: false,
        })
    }

    /// The same bridge, dropping (`true`) or reporting as system notices (`false`, the
    /// default) the OneBot notices XLZ has no event for ([`crate::events_more`]).
    pub fn dropping_minor_notices(mut self, drop: bool) -> BridgeBackend {
        self.drop_minor_notices = drop;
        self
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A number for a new connection.
    pub(crate) fn link_id(&self) -> u64 {
        self.next_link.fetch_add(1, Ordering::Relaxed)
    }

    /// Makes `link` the account's connection, replacing (and closing) an earlier one.
    pub(crate) fn connected(&self, link: Arc<Link>) {
        let account = link.account;
        let mut state = self.lock();
        let entry = state.accounts.entry(account).or_default();
        entry.reported_offline = false;
        entry.identified = false;
        if entry.lost_at.is_some() {
            entry.held.get_or_insert_with(Vec::new);
        }
        if let Some(old) = entry.link.replace(link) {
            tracing::warn!(
                account,
                "onebot: a new connection replaces the account's earlier one"
            );
            old.close();
        }
        tracing::info!(account, "onebot: account connected");
    }

    /// Records what the handshake learnt and announces the account online (LOGIN_OK).
    pub(crate) fn identified(&self, account: Uin, nickname: String, implementation: String) {
        let mut state = self.lock();
        let entry = state.accounts.entry(account).or_default();
        entry.identified = true;
        entry.seen = Seen {
            nickname,
            implementation: Implementation::from(implementation),
        };
        let me = UserRef {
            uin: account,
            nick_name: entry.seen.nickname.clone(),
        };
        let op = Op::Doc {
            kind: ACCOUNT_KIND.into(),
            key: account.to_string(),
            body: serde_json::to_string(&entry.seen).ok(),
        };
        tracing::info!(account, implementation = %entry.seen.implementation.display(), "onebot: account identified");
        drop(
            self.store
                .commit(vec![op], &[account_event(account, me, kind::LOGIN_OK)]),
        );
        drop(state);
    }

    /// Forgets `link` if it still is its account's connection, announcing the account
    /// offline.
    pub(crate) fn disconnected(&self, link: &Link) {
        link.close();
        let mut state = self.lock();
        let Some(entry) = state.accounts.get_mut(&link.account) else {
            return;
        };
        if entry
            .link
            .as_ref()
            .is_some_and(|current| current.id == link.id)
        {
            entry.link = None;
            let lost_at = *entry.lost_at.get_or_insert_with(now);
            tracing::warn!(account = link.account, "onebot: account disconnected");
            let me = UserRef {
                uin: link.account,
                nick_name: entry.seen.nickname.clone(),
            };
            let op = crate::refill::lost_op(link.account, Some(lost_at));
            let event = account_event(link.account, me, LOGGED_OFF);
            drop(self.store.commit(vec![op], &[event]));
        }
    }

    /// Turns one OneBot event of `account` into XLZ events in the log.
    pub(crate) fn event(&self, account: Uin, frame: Value) {
        let mut state = self.lock();
        if let Some(held) = state
            .accounts
            .get_mut(&account)
            .and_then(|entry| entry.held.as_mut())
        {
            held.push(frame);
            return;
        }
        self.convert_in(&mut state, account, frame);
    }

    /// Converts one frame of `account` and commits what it becomes.
    fn convert_in(&self, state: &mut State, account: Uin, frame: Value) {
        let notice = frame.get("post_type").and_then(Value::as_str) == Some("notice");
        if notice && !state.notices.first_time(account, &frame) {
            return;
        }
        state.names.learn_frame(&frame);
        let Ok(event) = lizi_onebot::Event::parse(frame) else {
            return;
        };
        if let Some(online) = crate::events_more::presence(&event.body) {
            self.reported(state, account, online);
            return;
        }
        if self.drop_minor_notices && crate::events_more::is_minor(&event.body) {
            return;
        }
        if let lizi_onebot::Body::Request(request) = &event.body {
            let time = if event.time > 0 { event.time } else { now() };
            if let Some((op, event)) = state.requests.receive(account, time, request) {
                drop(self.store.commit(vec![op], &[event]));
            }
            return;
        }
        let file_op = match self.lock_files().records.note(account, &event) {
            crate::files::records::Noted::Seen => return,
            crate::files::records::Noted::New(op) => Some(op),
            crate::files::records::Noted::NoFile => None,
        };
        let mut converted = convert(&mut state.messages, account, &event, now());
        converted.ops.extend(file_op);
        if converted.events.is_empty() && converted.ops.is_empty() {
            return;
        }
        if let Some(entry) = state.accounts.get_mut(&account) {
            entry.received += converted.events.len() as u64;
        }
        drop(self.store.commit(converted.ops, &converted.events));
    }

    /// The implementation reported `account` online or offline: a change shows in
    /// `/getlogonqq` and as an XLZ event (31 back online, 38 offline).
    fn reported(&self, state: &mut State, account: Uin, online: bool) {
        let Some(entry) = state.accounts.get_mut(&account) else {
            return;
        };
        if entry.reported_offline != online {
            return;
        }
        entry.reported_offline = !online;
        tracing::warn!(
            account,
            online,
            "onebot: the implementation reports the account"
        );
        let me = UserRef {
            uin: account,
            nick_name: entry.seen.nickname.clone(),
        };
        let kind = if online { kind::LOGIN_OK } else { LOGGED_OFF };
        drop(self.store.append(&[account_event(account, me, kind)]));
    }

    /// After a lost connection came back on `link`: emits the messages each known
    /// conversation received meanwhile, or a gap event where they cannot be fetched
    /// ([`crate::refill`]); then the frames held meanwhile.
    pub(crate) async fn refill(&self, link: &Link) {
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
            let mut refilled = true;
            for last in conversations {
                match missed(link, &last).await {
                    Ok(Some((mut messages, complete))) => {
                        refilled &= complete;
                        for message in &mut messages {
                            self.keep_event_media(message).await;
                        }
                        let mut state = self.lock();
                        for message in messages {
                            let converted = convert(&mut state.messages, account, &message, now());
                            drop(self.store.commit(converted.ops, &converted.events));
                        }
                    }
                    Ok(None) => refilled = false,
                    Err(error) => {
                        tracing::warn!(
                            account,
                            "onebot: refilling after a lost connection: {error}"
                        );
                        refilled = false;
                    }
                }
            }
            let implementation = self.implementation(account);
            let gap = gap_event(account, &implementation, from, now(), refilled);
            let forget = crate::refill::lost_op(account, None);
            drop(self.store.commit(vec![forget], &[gap]));
        }
        let mut state = self.lock();
        let held = state
            .accounts
            .get_mut(&account)
            .and_then(|entry| entry.held.take());
        for frame in held.unwrap_or_default() {
            self.convert_in(&mut state, account, frame);
        }
    }

    pub(crate) fn link(&self, account: Uin) -> Result<Arc<Link>, Failure> {
        match self.lock().accounts.get(&account) {
            Some(Account {
                link: Some(link), ..
            }) => Ok(link.clone()),
            Some(_) => Err(Failure::new(
                FailureKind::Offline,
                format!("account {account} is not connected to lizi's OneBot bridge"),
            )),
            None => Err(Failure::new(
                FailureKind::UnknownAccount,
                format!("account {account} has never connected to lizi's OneBot bridge"),
            )),
        }
    }

    pub(crate) fn implementation(&self, account: Uin) -> String {
        self.implementation_of(account).short_name()
    }

    /// The implementation driving `account`, as detected when it connected.
    fn implementation_of(&self, account: Uin) -> Implementation {
        let state = self.lock();
        let implementation = state
            .accounts
            .get(&account)
            .map(|a| a.seen.implementation.clone());
        implementation.unwrap_or_default()
    }

    /// The `Req` a new message of `account` in `conversation` would get.
    pub(crate) fn next_req(&self, account: Uin, conversation: Conversation) -> i64 {
        self.lock().messages.next_req(account, conversation, None)
    }

    /// The send pacing counters, in the Prometheus text format.
    pub fn metrics(&self) -> String {
        self.pacer.metrics() + &self.dials.metrics()
    }

    /// The counts of the connections dialled to `--onebot-connect` URLs.
    pub(crate) fn dial_counts(&self) -> &crate::connect::DialCounts {
        &self.dials
    }

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
                        crate::pacing::SLOWDOWN.as_secs() / 60
                    ),
                )
            }
            _ => self.failed(account, error),
        }
    }

    pub(crate) fn failed(&self, account: Uin, error: LinkError) -> Failure {
        let kind = match error {
            LinkError::Closed(_) => FailureKind::Offline,
            _ => FailureKind::Refused,
        };
        Failure::new(kind, format!("{}: {error}", self.implementation(account)))
    }

    /// Sends `text` as `account` to `conversation`, records it and appends the account's
    /// own-message event.
    async fn send(
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
                state
                    .messages
                    .by_pair(account, req, random)
                    .map(|record: &MessageRecord| record.ob_id)
            };
            to_segments_with(text, reply_id, |code| attachments.segment(code))
        };
        self.send_segments(account, conversation, message, text)
            .await
    }

    /// Sends the prepared `message` (whose XLZ text is `text`) as [`BridgeBackend::send`]
    /// does.
    async fn send_segments(
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
                        self.lock().messages.by_ob_id(account, id).cloned()
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
            if let Some(known) = state.messages.by_ob_id(account, ob_id) {
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
            let op = state.messages.insert(record);
            if let Some(entry) = state.accounts.get_mut(&account) {
                entry.sent += 1;
            }
            (receipt, self.store.commit(vec![op], &[event]))
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
    async fn recall(
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
                .filter(|r| fits(r.conversation));
            found.cloned().ok_or_else(|| {
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
    /// refused the id lizi kept ([`crate::resolve`]): a new one is kept for next time; the
    /// same one may work again (NapCat's ids are derived from the message, and reading
    /// history puts them back in its cache). `None` when the history does not hold it.
    async fn found_again(&self, link: &Link, record: &MessageRecord) -> Option<i64> {
        let found = crate::resolve::find_again(link, record).await?;
        if found == record.ob_id {
            return Some(found);
        }
        let ops = self
            .lock()
            .messages
            .rebind(record.account, record.ob_id, found);
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

    /// Answers `account`'s request `seq` by its flag: approve, refuse, or (`None`) leave
    /// it unanswered, as QQ's "ignore" does.
    async fn answer_request(
        &self,
        account: Uin,
        seq: i64,
        approve: Option<bool>,
        reason: Option<String>,
    ) -> Result<Reply, Failure> {
        let request = self
            .lock()
            .requests
            .get(account, seq)
            .cloned()
            .ok_or_else(|| {
                Failure::new(
                    FailureKind::NotFound,
                    format!("lizi's OneBot bridge knows no request seq={seq} of account {account}"),
                )
            })?;
        let Some(approve) = approve else {
            return Ok(Reply::Done);
        };
        let (action, params) = if request.group == 0 {
            (
                "set_friend_add_request",
                json!({"flag": request.flag, "approve": approve}),
            )
        } else {
            let sub_type = if request.invite { "invite" } else { "add" };
            let params = json!({"flag": request.flag, "sub_type": sub_type, "approve": approve,
                "reason": reason.unwrap_or_default()});
            ("set_group_add_request", params)
        };
        let link = self.link(account)?;
        link.call(action, params)
            .await
            .map_err(|e| self.failed(account, e))?;
        Ok(Reply::Done)
    }

    fn accounts(&self) -> Vec<LogonAccount> {
        let state = self.lock();
        state
            .accounts
            .iter()
            .map(|(&uin, account)| LogonAccount {
                uin,
                nickname: account.seen.nickname.clone(),
                online: account.link.is_some() && account.identified && !account.reported_offline,
                received: account.received,
                sent: account.sent,
                protocol: Some(account.seen.implementation.display()),
            })
            .collect()
    }

    async fn route(&self, request: Request) -> Result<Reply, Failure> {
        use Request as R;
        if let Some(refused) = self.refused(&request) {
            return Err(refused);
        }
        match request {
            R::GetLogonQq(_) => Ok(Reply::Accounts(self.accounts())),
            R::SendGroupMsg(r) => {
                self.send(r.fromqq, Conversation::Group(r.togroup), &r.text)
                    .await
            }
            R::SendPrivateMsg(r) => {
                self.send(r.fromqq, Conversation::Friend(r.toqq), &r.text)
                    .await
            }
            R::SendGroupTempMsg(r) => {
                let conversation = Conversation::Temporary {
                    group: r.togroup,
                    user: r.toqq,
                };
                self.send(r.fromqq, conversation, &r.text).await
            }
            R::DeleteGroupMsg(r) => {
                let group = r.group;
                self.recall(r.fromqq, r.req, r.random, |c| {
                    c == Conversation::Group(group)
                })
                .await
            }
            R::SetFriendAddRequest(r) => {
                let approve = r.op == 1;
                self.answer_request(r.fromqq, r.seq, Some(approve), None)
                    .await
            }
            R::SetGroupAddRequest(r) => {
                let approve = match r.op {
                    11 => Some(true),
                    12 => Some(false),
                    _ => None,
                };
                self.answer_request(r.fromqq, r.seq, approve, r.reason.clone())
                    .await
            }
            media @ (R::SendPrivatePic(_)
            | R::SendGroupPic(_)
            | R::SendPrivateAudio(_)
            | R::SendGroupAudio(_)
            | R::GetPhotoUrl(_)
            | R::UploadFacePic(_)
            | R::UploadGroupFacePic(_)) => self.media_call(media).await,
            R::DeletePrivateMsg(r) => {
                let peer = r.toqq;
                self.recall(r.fromqq, r.req, r.random, |c| c.peer() == Some(peer))
                    .await
            }
            file @ (R::UploadFile(_)
            | R::NewGroupFolder(_)
            | R::RenameGroupFolder(_)
            | R::RemoveGroupFolder(_)
            | R::RemoveGroupFile(_)
            | R::MoveGroupFile(_)
            | R::GetGroupFileList(_)
            | R::GetGroupFileUrl(_)
            | R::ForwardGroupFileToGroup(_)
            | R::ForwardGroupFileToFriend(_)
            | R::ForwardFriendFileToFriend(_)) => self.files(file).await.unwrap_or_else(|other| {
                Err(Failure::new(
                    FailureKind::NotImplemented,
                    format!("{} is not bridged yet", other.path()),
                ))
            }),
            other => match crate::standard::plan(&other) {
                Some(call) => {
                    let link = self.link(call.account)?;
                    let data = link
                        .call(call.action, call.params)
                        .await
                        .map_err(|e| self.failed(call.account, e))?;
                    let reply = crate::standard::reply(call.answer, &data);
                    self.lock().names.learn_reply(&reply);
                    Ok(reply)
                }
                None => self.carry_out(other).await,
            },
        }
    }
}

/// The account's own-message event for a message it sent.
fn own_event(state: &State, record: &MessageRecord) -> Event {
    let nickname = state
        .accounts
        .get(&record.account)
        .map(|a| a.seen.nickname.clone())
        .unwrap_or_default();
    let message = json!({
        "time": record.time, "self_id": record.account, "post_type": "message_sent",
        "message_id": record.ob_id, "user_id": record.account,
        "sender": {"user_id": record.account, "nickname": nickname},
    });
    let mut message = message;
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
    // Built through the same conversion as reported messages, from a scratch map holding
    // only this record, so that both look alike.
    let mut scratch = MessageMap::default();
    let event = lizi_onebot::Event::parse(message).unwrap_or_else(|_| lizi_onebot::Event {
        time: record.time,
        self_id: record.account,
        body: lizi_onebot::Body::Unknown(Default::default()),
    });
    let mut converted = convert(&mut scratch, record.account, &event, record.time);
    match converted.events.pop() {
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

fn account_event(account: Uin, me: UserRef, event_kind: i64) -> Event {
    let body = EventBody {
        time_stamp: now(),
        kind: event_kind,
        ..EventBody::default()
    };
    let mut event = crate::notices::event_msg(account, me.uin, me.uin, 0, body);
    if let Event::EventMsg(event) = &mut event {
        event.from_qq.nick_name = me.nick_name.clone();
        event.operate_qq.nick_name = me.nick_name;
    }
    event
}

impl Backend for BridgeBackend {
    fn name(&self) -> &'static str {
        "onebot"
    }

    fn call(&self, request: Request) -> BoxFuture<'_, Result<Reply, Failure>> {
        Box::pin(self.route(request))
    }

    fn media(&self, hash: &str) -> BoxFuture<'_, Option<lizi_core::media::MediaBytes>> {
        let hash = hash.to_owned();
        Box::pin(async move {
            match self.media.bytes(&hash).await {
                Some(bytes) => Some(bytes),
                None => self.file_bytes(&hash).await,
            }
        })
    }

    fn control(&self, request: ControlRequest) -> BoxFuture<'_, Result<Reply, Failure>> {
        let action = request.action();
        Box::pin(async move {
            Err(Failure::new(
                FailureKind::NotImplemented,
                format!("the control action `{action}` is not available with the onebot backend: it drives real accounts, not a simulated network"),
            ))
        })
    }
}
