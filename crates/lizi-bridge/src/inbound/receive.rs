//! What a connection tells the bridge, carried into lizi's event log: the backend's side
//! of [`LinkHandler`]. An account connecting, identified (LOGIN_OK) and disconnecting
//! (offline, [`LOGGED_OFF`]); each event frame in order — held while a refill runs
//! ([`super::refill`]), a repeated notice dropped, presence reported, minor notices
//! dropped when set, requests under their handle ([`super::requests`]), files noted once
//! ([`super::files`]), and the rest converted ([`super::messages::convert`]).

use std::sync::Arc;

use lizi_core::event::{kind, UserRef};
use lizi_core::Uin;
use lizi_store::Op;
use serde_json::Value;

use super::files::Noted;
use super::messages::convert;
use super::notices::is_minor;
use super::presence::{account_event, presence, LOGGED_OFF};
use crate::backend::{BridgeBackend, State};
use crate::clock::now;
use crate::state::accounts::{lost_op, Seen, ACCOUNT_KIND};
use crate::state::implementation::Implementation;
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

    /// Turns one OneBot event of `account` into XLZ events in the log.
    fn event(&self, account: Uin, frame: Value) {
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
    /// Converts one frame of `account` and commits what it becomes.
    pub(crate) fn convert_in(&self, state: &mut State, account: Uin, frame: Value) {
        let notice = frame.get("post_type").and_then(Value::as_str) == Some("notice");
        if notice && !state.notices.first_time(account, &frame) {
            return;
        }
        state.names.learn_frame(&frame);
        let Ok(event) = lizi_onebot::Event::parse(frame) else {
            return;
        };
        if let Some(online) = presence(&event.body) {
            self.reported(state, account, online);
            return;
        }
        if self.drop_minor_notices && is_minor(&event.body) {
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
            Noted::Seen => return,
            Noted::New(op) => Some(op),
            Noted::NoFile => None,
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
}
