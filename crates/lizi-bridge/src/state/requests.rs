//! Request handles (onebot.md §2.2): XLZ answers a friend or group request by the `seq` of
//! its event, OneBot by the request's `flag`. The bridge gives each request a `seq` (one
//! more than the account's last) and keeps `seq ↔ flag` in lizi's store (kind
//! [`DOC_KIND`]), so a request can be answered after a restart. A OneBot request becomes
//! its XLZ event in [`crate::inbound::requests`].

use std::borrow::Cow;
use std::collections::HashMap;

use lizi_core::{Gin, Uin};
use lizi_store::Op;
use serde::{Deserialize, Serialize};

/// The store document kind of pending requests.
pub const DOC_KIND: &str = "bridge_request";

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

/// The pending requests of every account.
#[derive(Debug, Default)]
pub struct RequestMap {
    by_seq: HashMap<(Uin, i64), PendingRequest>,
    by_flag: HashMap<(Uin, String), i64>,
    last_seq: HashMap<Uin, i64>,
}

impl RequestMap {
    /// The map of the requests among the store's documents.
    pub fn load(docs: &[(String, String, String)]) -> RequestMap {
        let mut map = RequestMap::default();
        for (_, _, body) in docs.iter().filter(|(kind, ..)| kind == DOC_KIND) {
            if let Ok(request) = serde_json::from_str::<PendingRequest>(body) {
                map.index(request);
            }
        }
        map
    }

    /// The request `seq` of `account`.
    pub fn get(&self, account: Uin, seq: i64) -> Option<&PendingRequest> {
        self.by_seq.get(&(account, seq))
    }

    /// Whether `account` received the request `flag` before.
    pub fn knows(&self, account: Uin, flag: &str) -> bool {
        self.by_flag.contains_key(&(account, flag.to_owned()))
    }

    /// The handle of `account`'s next request: one more than its last.
    pub fn next_seq(&self, account: Uin) -> i64 {
        self.last_seq.get(&account).copied().unwrap_or(0) + 1
    }

    /// Keeps `request`; answers the store op that keeps it.
    pub fn insert(&mut self, request: PendingRequest) -> Op {
        let op = Op::Doc {
            kind: Cow::Borrowed(DOC_KIND),
            key: format!("{}:{}", request.account, request.seq),
            body: serde_json::to_string(&request).ok(),
        };
        self.index(request);
        op
    }

    fn index(&mut self, request: PendingRequest) {
        let last = self.last_seq.entry(request.account).or_insert(0);
        *last = (*last).max(request.seq);
        self.by_flag
            .insert((request.account, request.flag.clone()), request.seq);
        self.by_seq.insert((request.account, request.seq), request);
    }
}
