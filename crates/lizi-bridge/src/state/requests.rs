//! Request handles (docs/onebot-implementations.md#request-handles): XLZ answers a friend or group request by the `seq` of
//! its event, OneBot by the request's `flag`. The bridge gives each request a `seq` (one
//! more than the account's last) and keeps `seq ↔ flag` in lizi's store (kinds
//! [`DOC_KIND`] and [`FLAG_KIND`], found by key), so a request can be answered after a
//! restart. A OneBot request becomes its XLZ event in [`crate::inbound::requests`].

use std::collections::HashMap;
use std::sync::Arc;

use lizi_core::{Gin, Uin};
use lizi_store::{Op, Store, StoreError};
use serde::{Deserialize, Serialize};

use super::kept::Kept;

/// The store document kind of pending requests (key: account and `seq`).
pub const DOC_KIND: &str = "bridge_request";

/// The store document kind naming a request's `seq` by its `flag`.
pub const FLAG_KIND: &str = "bridge_request_flag";

/// The store document kind of each account's last request handle.
pub const LAST_KIND: &str = "bridge_request_last";

/// A request the account received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRequest {
    /// The account.
    pub account: Uin,
    /// The XLZ handle (`Msg.Seq`).
    pub seq: i64,
    /// The implementation's handle.
    pub flag: String,
    /// Who asked (or invited).
    pub user: Uin,
    /// The group of a join request or invitation, 0 for a friend request.
    pub group: Gin,
    /// Whether the account was invited into `group`.
    pub invite: bool,
}

/// The pending requests of every account, kept in lizi's store and found by key: by
/// (account, `seq`) as XLZ names them and by (account, `flag`) to know a request seen
/// before. The last handle given out per account is held in memory.
#[derive(Debug)]
pub struct RequestMap {
    requests: Kept<PendingRequest>,
    flags: Kept<i64>,
    last: Kept<i64>,
    last_seq: HashMap<Uin, i64>,
}

impl RequestMap {
    /// The map kept in `store`; the accounts' last handles are read now.
    pub fn open(store: Arc<Store>) -> Result<RequestMap, StoreError> {
        let last: Kept<i64> = Kept::new(store.clone(), LAST_KIND);
        let last_seq = last
            .all()?
            .into_iter()
            .filter_map(|(account, seq)| Some((account.parse().ok()?, seq)))
            .collect();
        Ok(RequestMap {
            requests: Kept::new(store.clone(), DOC_KIND),
            flags: Kept::new(store, FLAG_KIND),
            last,
            last_seq,
        })
    }

    /// The request `seq` of `account`.
    pub fn get(&self, account: Uin, seq: i64) -> Result<Option<PendingRequest>, StoreError> {
        self.requests.get(&format!("{account}:{seq}"))
    }

    /// Whether `account` received the request `flag` before.
    pub fn knows(&self, account: Uin, flag: &str) -> Result<bool, StoreError> {
        Ok(self.flags.get(&format!("{account}:{flag}"))?.is_some())
    }

    /// The handle of `account`'s next request: one more than its last.
    pub fn next_seq(&self, account: Uin) -> i64 {
        self.last_seq.get(&account).copied().unwrap_or(0) + 1
    }

    /// Keeps `request`; answers the store ops that keep it.
    pub fn insert(&mut self, request: PendingRequest) -> Vec<Op> {
        let last = self.last_seq.entry(request.account).or_insert(0);
        *last = (*last).max(request.seq);
        vec![
            self.last.put(request.account.to_string(), last),
            self.flags.put(
                format!("{}:{}", request.account, request.flag),
                &request.seq,
            ),
            self.requests
                .put(format!("{}:{}", request.account, request.seq), &request),
        ]
    }
}
