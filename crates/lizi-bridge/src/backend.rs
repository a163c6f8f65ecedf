//! [`BridgeBackend`]: what the bridge's rooms share — the store, the accounts with their
//! connections, and what is kept of their messages, requests, names, files and media.
//!
//! This module only holds it and hands it out. What a connection reports is carried in by
//! [`crate::inbound`] (which implements [`crate::transport::handler::LinkHandler`] for the
//! backend); XLZ requests are carried out by [`crate::outbound`] (which implements
//! [`lizi_core::Backend`] for it).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use lizi_core::{Failure, FailureKind, Uin};
use lizi_store::{Store, StoreError};
use serde_json::Value;

use crate::clock::now;
use crate::state::accounts::{accounts_seen, lost_times, Seen};
use crate::state::duplicates::Window;
use crate::state::files::Files;
use crate::state::identity::{Conversation, MessageMap};
use crate::state::implementation::Implementation;
use crate::state::media::{MediaSetup, MediaStore};
use crate::state::names::Names;
use crate::state::pacing::{Pacer, PacingConfig};
use crate::state::requests::RequestMap;
use crate::state::tally::Tally;
use crate::state::upgrade;
use crate::transport::action_times::ActionTimes;
use crate::transport::dials::DialCounts;
use crate::transport::link::{Link, LinkError};

/// One account the bridge has seen, connected or not.
#[derive(Debug, Default)]
pub(crate) struct Account {
    /// Its nickname and implementation, kept across restarts.
    pub(crate) seen: Seen,
    /// Its connection, while it has one.
    pub(crate) link: Option<Arc<Link>>,
    /// XLZ events made of what it received.
    pub(crate) received: u64,
    /// Messages it sent.
    pub(crate) sent: u64,
    /// When the account's connection was lost, until a new one refills what it missed.
    pub(crate) lost_at: Option<i64>,
    /// Frames that arrived while the missed messages were being refilled, to convert after
    /// them so that the log stays in order.
    pub(crate) held: Option<Vec<Value>>,
    /// Whether the implementation reported the account offline (`bot_offline`, a
    /// heartbeat) while its connection stays open.
    pub(crate) reported_offline: bool,
    /// Whether the current connection's handshake (which implementation, which nickname)
    /// is done: until then the account is not shown online.
    pub(crate) identified: bool,
}

/// What one lock guards: the accounts and the maps every event and send looks up.
#[derive(Debug)]
pub(crate) struct State {
    /// The accounts seen.
    pub(crate) accounts: BTreeMap<Uin, Account>,
    /// Message identity.
    pub(crate) messages: MessageMap,
    /// Request handles.
    pub(crate) requests: RequestMap,
    /// The events converted lately, to convert a repeated one once.
    pub(crate) window: Window,
}

/// How the bridge takes what the implementations report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiveConfig {
    /// Drop the notices XLZ has no event for, rather than report them as system notices.
    pub drop_minor_notices: bool,
    /// How many events are remembered to drop a repeat.
    pub duplicate_window: usize,
    /// How long an event is remembered to drop a repeat.
    pub duplicate_age: std::time::Duration,
    /// The longest a refill after a lost connection holds live events back.
    pub refill_budget: std::time::Duration,
}

/// How long a refill may hold live events back by default.
pub const DEFAULT_REFILL_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);

impl Default for ReceiveConfig {
    fn default() -> Self {
        ReceiveConfig {
            drop_minor_notices: false,
            duplicate_window: crate::state::duplicates::DEFAULT_COUNT,
            duplicate_age: crate::state::duplicates::DEFAULT_AGE,
            refill_budget: DEFAULT_REFILL_BUDGET,
        }
    }
}

/// The OneBot bridge backend: connected accounts, their message map, and the event log.
#[derive(Debug)]
pub struct BridgeBackend {
    pub(crate) store: Arc<Store>,
    state: Mutex<State>,
    next_link: AtomicU64,
    /// The send pacing of every account and group.
    pub(crate) pacer: Pacer,
    /// Group files: the files seen and the folder names known ([`crate::state::files`]).
    pub(crate) files: Mutex<Files>,
    /// The pictures and voices kept ([`crate::state::media`]).
    pub(crate) media: MediaStore,
    /// The counts of the connections dialled to `--onebot-connect` URLs.
    pub(crate) dials: DialCounts,
    /// How long the implementations took to answer actions.
    pub(crate) action_times: ActionTimes,
    /// How the implementations' events are taken.
    pub(crate) receiving: ReceiveConfig,
    /// The names seen.
    pub(crate) names: Names,
    /// Received pictures and voices whose source was not fetched (not an `http(s)` URL).
    pub(crate) media_refused: Tally,
    /// Events that could not be read (missing or ill-typed fields).
    pub(crate) unreadable: Tally,
}

impl BridgeBackend {
    /// A bridge over `store`, with the accounts and messages it kept, sending at the pace
    /// `pacing` allows.
    pub async fn open(
        store: Arc<Store>,
        pacing: PacingConfig,
    ) -> Result<BridgeBackend, StoreError> {
        let mut messages = MessageMap::open(store.clone())?;
        let mut requests = RequestMap::open(store.clone())?;
        let media = MediaStore::open(store.clone());
        upgrade::run(&store, &mut messages, &mut requests, &media).await?;
        // A loss kept from before the restart, else (lizi was killed) since the account's
        // newest message: either way, the next connection refills.
        let kept = lost_times(&store)?;
        let accounts = accounts_seen(&store)?
            .into_iter()
            .map(|(uin, seen)| {
                let newest = messages.latest_of(uin).iter().map(|r| r.time).max();
                let lost = kept.iter().find(|(a, _)| *a == uin).map(|(_, at)| *at);
                let account = Account {
                    seen,
                    lost_at: lost.or(newest).or(Some(now())),
                    ..Account::default()
                };
                (uin, account)
            })
            .collect();
        let receiving = ReceiveConfig::default();
        let state = State {
            accounts,
            messages,
            requests,
            window: Window::new(receiving.duplicate_window, receiving.duplicate_age),
        };
        Ok(BridgeBackend {
            media,
            names: Names::open(store.clone()),
            files: Mutex::new(Files::open(store.clone())),
            store,
            state: Mutex::new(state),
            next_link: AtomicU64::new(1),
            pacer: Pacer::new(pacing),
            dials: DialCounts::default(),
            action_times: ActionTimes::default(),
            receiving,
            media_refused: Tally::new(
                "lizi_bridge_media_refused",
                "received pictures and voices not fetched: their source is not an http(s) URL",
            ),
            unreadable: Tally::new(
                "lizi_bridge_unreadable_events",
                "events from the implementations that could not be read",
            ),
        })
    }

    /// The same bridge, taking the implementations' events as `receiving` says: minor
    /// notices dropped or reported ([`crate::inbound::notices`]), the duplicate window,
    /// the refill's time budget.
    pub fn receiving(mut self, receiving: ReceiveConfig) -> BridgeBackend {
        self.receiving = receiving;
        self.lock().window = Window::new(receiving.duplicate_window, receiving.duplicate_age);
        self
    }

    /// Gives the bridge the server's media fetcher, public URL and flash policy.
    pub fn set_media(&self, setup: MediaSetup) {
        self.media.set(setup);
    }

    /// The accounts and the maps, locked.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The file state, locked.
    pub(crate) fn lock_files(&self) -> MutexGuard<'_, Files> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A number for a new connection.
    pub(crate) fn next_link_id(&self) -> u64 {
        self.next_link.fetch_add(1, Ordering::Relaxed)
    }

    /// The connection of `account`, or why there is none.
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

    /// The short name of the implementation driving `account`, as failures start with it.
    pub(crate) fn implementation(&self, account: Uin) -> String {
        self.implementation_of(account).short_name()
    }

    /// The implementation driving `account`, as detected when it connected.
    pub(crate) fn implementation_of(&self, account: Uin) -> Implementation {
        let state = self.lock();
        let implementation = state
            .accounts
            .get(&account)
            .map(|a| a.seen.implementation.clone());
        implementation.unwrap_or_default()
    }

    /// Keeps the names an answer holds (friends, members, groups, a profile).
    pub(crate) fn keep_names(&self, reply: &lizi_core::Reply) {
        let ops = self.names.learn_reply(reply);
        if !ops.is_empty() {
            drop(self.store.write(ops));
        }
    }

    /// The `Req` a new message of `account` in `conversation` would get.
    pub(crate) fn next_req(&self, account: Uin, conversation: Conversation) -> i64 {
        self.lock().messages.next_req(account, conversation, None)
    }

    /// A failed action of `account` as the XLZ answer: offline when the connection is
    /// gone, else refused, naming the implementation.
    pub(crate) fn failed(&self, account: Uin, error: LinkError) -> Failure {
        let kind = match error {
            LinkError::Closed(_) => FailureKind::Offline,
            _ => FailureKind::Refused,
        };
        Failure::new(kind, format!("{}: {error}", self.implementation(account)))
    }
}
