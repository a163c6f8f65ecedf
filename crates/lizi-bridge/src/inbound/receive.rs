//! What a connection tells the bridge, carried into lizi's event log: the backend's side
//! of [`LinkHandler`]. An account connecting, identified (LOGIN_OK) and disconnecting
//! (offline, [`LOGGED_OFF`]); each event frame in order — held while a refill runs
//! ([`super::refill`]), a repeated notice dropped, presence reported, minor notices
//! dropped when set, requests under their handle ([`super::requests`]), files noted once
//! ([`super::files`]), and the rest converted ([`super::messages::convert`]). A frame that
//! cannot be read is reported as such ([`super::unreadable`]), never dropped silently.

use std::sync::Arc;

use std::future::Future;

use lizi_core::event::{kind, UserRef};
use lizi_core::{Event, Uin};
use lizi_store::{Op, Ticket};
use serde_json::Value;

use super::files::Noted;
use super::messages::{convert, Seen as Recorded};
use super::notices::is_minor;
use super::presence::{account_event, presence, LOGGED_OFF};
use crate::backend::{BridgeBackend, State};
use crate::clock::now;
use crate::state::accounts::{lost_op, Seen, ACCOUNT_KIND};
use crate::state::duplicates::fingerprint;
use crate::state::implementation::Implementation;
use crate::state::kept::or_unknown;
use crate::transport::action_times::ActionTimes;
use crate::transport::dials::DialCounts;
use crate::transport::handler::LinkHandler;
use crate::transport::link::Link;

impl LinkHandler for BridgeBackend {
    fn link_id(&self) -> u64 {
        self.next_link_id()
    }

    /// Makes `link` the account's connection, replacing (and closing) an earlier one.
    fn connected(&self, link: Arc<Link>) {
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
    fn identified(&self, account: Uin, nickname: String, implementation: String) {
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
        let shown = entry.seen.implementation.display();
        if let Some(link) = &entry.link {
            link.set_implementation(&shown);
        }
        tracing::info!(account, implementation = %shown, "onebot: account identified");
        drop(
            self.store
                .commit(vec![op], &[account_event(account, me, kind::LOGIN_OK)]),
        );
        drop(state);
    }

    /// Forgets `link` if it still is its account's connection, announcing the account
    /// offline.
    fn disconnected(&self, link: &Link) {
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
            let op = lost_op(link.account, Some(lost_at));
            let event = account_event(link.account, me, LOGGED_OFF);
            drop(self.store.commit(vec![op], &[event]));
        }
    }

    async fn keep_received_media(&self, frame: Value) -> Value {
        self.keep_frame_media(frame).await
    }

    /// Turns one OneBot event of `account` into XLZ events in the log; resolves once they
    /// are kept.
    fn event(&self, account: Uin, frame: Value) -> impl Future<Output = ()> + Send + 'static {
        let ticket = {
            let mut state = self.lock();
            match state
                .accounts
                .get_mut(&account)
                .and_then(|entry| entry.held.as_mut())
            {
                Some(held) => {
                    held.push(frame);
                    None
                }
                None => self.convert_in(&mut state, account, frame),
            }
        };
        async move {
            if let Some(ticket) = ticket {
                // A failed write is the store's to report; the frame is done either way.
                let _ = ticket.wait().await;
            }
        }
    }

    async fn refill(&self, link: &Link) {
        self.refill_missed(link).await;
    }

    fn dial_counts(&self) -> &DialCounts {
        &self.dials
    }

    fn action_times(&self) -> &ActionTimes {
        &self.action_times
    }
}

impl BridgeBackend {
    /// Converts one frame of `account` and commits what it becomes; answers the commit,
    /// to wait for when frames arrive faster than they can be kept.
    pub(crate) fn convert_in(
        &self,
        state: &mut State,
        account: Uin,
        frame: Value,
    ) -> Option<Ticket> {
        let (ops, events) = self.frame_outcome(state, account, frame);
        self.commit_in(state, account, ops, events)
    }

    /// Converts `event` of `account` (a message fetched from history) and commits what it
    /// becomes.
    pub(crate) fn commit_converted(
        &self,
        state: &mut State,
        account: Uin,
        event: &lizi_onebot::Event,
    ) -> Option<Ticket> {
        let events = self.converted(state, account, event, &mut Vec::new());
        self.commit_in(state, account, Vec::new(), events)
    }

    /// Commits what a frame of `account` became, counting its events.
    fn commit_in(
        &self,
        state: &mut State,
        account: Uin,
        ops: Vec<Op>,
        events: Vec<Event>,
    ) -> Option<Ticket> {
        if events.is_empty() && ops.is_empty() {
            return None;
        }
        if let Some(entry) = state.accounts.get_mut(&account) {
            entry.received += events.len() as u64;
        }
        Some(self.store.commit(ops, &events))
    }

    /// What one frame of `account` becomes: the ops to keep and the XLZ events.
    fn frame_outcome(
        &self,
        state: &mut State,
        account: Uin,
        frame: Value,
    ) -> (Vec<Op>, Vec<Event>) {
        let notice = frame.get("post_type").and_then(Value::as_str) == Some("notice");
        if notice
            && !state
                .window
                .first_time(fingerprint((account, frame.to_string())))
        {
            return (Vec::new(), Vec::new());
        }
        let mut ops = self.names.learn_frame(&frame);
        let event = match lizi_onebot::Event::parse(frame) {
            Ok(event) => event,
            Err(not_an_object) => {
                let event = self.unreadable_event(state, account, "unknown", &not_an_object, 0);
                return (ops, vec![event]);
            }
        };
        if let Some(why) = event.misfit() {
            let event = self.unreadable_event(state, account, &event.kind(), &why, 0);
            return (ops, vec![event]);
        }
        if let Some(online) = presence(&event.body) {
            return (
                ops,
                self.reported(state, account, online).into_iter().collect(),
            );
        }
        if self.receiving.drop_minor_notices && is_minor(&event.body) {
            return (ops, Vec::new());
        }
        if let lizi_onebot::Body::Request(request) = &event.body {
            let time = if event.time > 0 { event.time } else { now() };
            let received = state.requests.receive(account, time, request);
            let Some((request_ops, event)) = or_unknown(received, "a request") else {
                return (ops, Vec::new());
            };
            ops.extend(request_ops);
            return (ops, vec![event]);
        }
        match self.lock_files().records.note(account, &event) {
            Noted::Seen => return (ops, Vec::new()),
            Noted::New(op) => ops.push(op),
            Noted::NoFile => {}
        }
        let events = self.converted(state, account, &event, &mut ops);
        (ops, events)
    }

    /// The XLZ events `event` of `account` becomes, its ops added to `ops`; an event that
    /// cannot be read becomes the event saying so.
    fn converted(
        &self,
        state: &mut State,
        account: Uin,
        event: &lizi_onebot::Event,
        ops: &mut Vec<Op>,
    ) -> Vec<Event> {
        let mut seen = Recorded {
            map: &mut state.messages,
            window: &mut state.window,
        };
        match convert(&mut seen, account, event, now()) {
            Ok(converted) => {
                ops.extend(converted.ops);
                converted.events
            }
            Err(unreadable) => {
                let kind = event.kind();
                let (why, group) = (unreadable.why, unreadable.group);
                vec![self.unreadable_event(state, account, &kind, &why, group)]
            }
        }
    }

    /// The implementation reported `account` online or offline: a change shows in
    /// `/getlogonqq` and as an XLZ event (31 back online, 38 offline), answered.
    fn reported(&self, state: &mut State, account: Uin, online: bool) -> Option<Event> {
        let entry = state.accounts.get_mut(&account)?;
        if entry.reported_offline != online {
            return None;
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
        Some(account_event(account, me, kind))
    }
}
