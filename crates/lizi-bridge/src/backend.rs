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
use crate::state::accounts::{lost_times, Seen, ACCOUNT_KIND};
use crate::state::files::Files;
use crate::state::identity::{Conversation, MessageMap};
use crate::state::implementation::Implementation;
use crate::state::media::{MediaSetup, MediaStore};
use crate::state::names::Names;
use crate::state::pacing::{Pacer, PacingConfig};
use crate::state::recent_notices::RecentNotices;
use crate::state::requests::RequestMap;
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
#[derive(Debug, Default)]
pub(crate) struct State {
    /// The accounts seen.
    pub(crate) accounts: BTreeMap<Uin, Account>,
    /// Message identity.
    pub(crate) messages: MessageMap,
    /// Request handles.
    pub(crate) requests: RequestMap,
    /// The names seen.
    pub(crate) names: Names,
    /// The notices seen lately, to convert a repeated one once.
    pub(crate) notices: RecentNotices,
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
    /// Whether the notices XLZ has no event for are dropped rather than reported.
    pub(crate) drop_minor_notices: bool,
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
        let kept = lost_times(&docs);
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
            files: Mutex::new(Files::load(&docs)),
            dials: DialCounts::default(),
            action_times: ActionTimes::default(),
            drop_minor_notices: false,
        })
    }

    /// The same bridge, dropping (`true`) or reporting as system notices (`false`, the
    /// default) the OneBot notices XLZ has no event for ([`crate::inbound::notices`]).
    pub fn dropping_minor_notices(mut self, drop: bool) -> BridgeBackend {
        self.drop_minor_notices = drop;
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
