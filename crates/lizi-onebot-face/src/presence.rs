//! Which framework accounts are logged in, and which the face reports offline, watched
//! for the connections: a reverse WebSocket or an HTTP POST reader runs for every
//! framework account and is connected only while its account is logged in, heartbeats say
//! `online:false` and a `bot_offline` notice goes out when an account goes offline.
//!
//! The account set is polled through the [`Backend`](lizi_core::Backend) (`/getlogonqq`)
//! every [`POLL`] rather than read from the event log: a login writes an event, but a
//! logout writes none, so only asking catches both. The answer is an in-memory list read
//! under the world's lock, cheap at that rate, and the poll does not grow with the event
//! rate.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use lizi_core::Uin;
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::connection::{until_stopping, Shared};

/// How often the account set is asked for.
const POLL: Duration = Duration::from_millis(250);

/// The framework accounts and their state, as the connections see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Presence {
    /// Every framework account, and whether it is logged in.
    pub accounts: BTreeMap<Uin, bool>,
    /// Accounts reported offline by the `offline` fault although logged in.
    pub reported_offline: BTreeSet<Uin>,
}

impl Presence {
    /// Whether the account is logged in on the simulated network.
    pub fn logged_in(&self, account: Uin) -> bool {
        self.accounts.get(&account).copied().unwrap_or(false)
    }

    /// Whether the account is reported online (heartbeats, `get_status`).
    pub fn online(&self, account: Uin) -> bool {
        self.logged_in(account) && !self.reported_offline.contains(&account)
    }
}

/// The `bot_offline` notice (NapCat's and Lagrange's extension) for `account`.
pub(crate) fn bot_offline(account: Uin) -> Value {
    json!({
        "time": crate::connection::unix_now(),
        "self_id": account,
        "post_type": "notice",
        "notice_type": "bot_offline",
        "user_id": account,
        "tag": "BotOfflineEvent",
        "message": "the account went offline",
    })
}

/// Resolves once `account` is logged in (true) or the face stops (false).
pub(crate) async fn until_logged_in(
    presence: &mut watch::Receiver<Presence>,
    account: Uin,
    stopping: &mut watch::Receiver<bool>,
) -> bool {
    tokio::select! {
        found = presence.wait_for(|p| p.logged_in(account)) => found.is_ok(),
        _ = until_stopping(stopping) => false,
    }
}

/// Asks the backend for the framework accounts and publishes them; answers the accounts.
pub(crate) async fn refresh(shared: &Shared) -> Vec<Uin> {
    let accounts = crate::actions::framework_accounts(shared.backend.as_ref()).await;
    let listed: BTreeMap<Uin, bool> = accounts.into_iter().collect();
    let uins = listed.keys().copied().collect();
    shared.presence.send_if_modified(|presence| {
        let changed = presence.accounts != listed;
        presence.accounts = listed;
        changed
    });
    uins
}

/// Starts one account's connections; answers their tasks.
pub(crate) type StartAccount = fn(&Arc<Shared>, Uin, &watch::Receiver<bool>) -> Vec<JoinHandle<()>>;

/// Starts, for each framework account, one task per configured reverse URL and POST URL
/// (`start` opens its cursor before returning, so no event after startup is missed), then
/// keeps watching the account set for accounts added later; the returned task ends, once
/// every connection has, when the face stops.
pub(crate) async fn supervise(
    shared: Arc<Shared>,
    stopping: watch::Receiver<bool>,
    start: StartAccount,
) -> JoinHandle<()> {
    let mut known = BTreeSet::new();
    let mut tasks = Vec::new();
    for account in refresh(&shared).await {
        known.insert(account);
        tasks.extend(start(&shared, account, &stopping));
    }
    tokio::spawn(async move {
        let mut stopped = stopping.clone();
        loop {
            tokio::select! {
                _ = tokio::time::sleep(POLL) => {}
                _ = until_stopping(&mut stopped) => break,
            }
            for account in refresh(&shared).await {
                if known.insert(account) {
                    tasks.extend(start(&shared, account, &stopping));
                }
            }
        }
        for task in tasks {
            let _ = task.await;
        }
    })
}
