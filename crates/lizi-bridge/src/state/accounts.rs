//! What is kept of each account across restarts, as documents in lizi's store: the
//! nickname and implementation seen on its last connection ([`ACCOUNT_KIND`]), and when
//! its connection was lost ([`LOST_KIND`]), so that a restart of lizi while an account is
//! down still refills what it missed ([`crate::inbound::refill`]).

use std::borrow::Cow;

use lizi_core::Uin;
use lizi_store::{Op, Store, StoreError};
use serde::{Deserialize, Serialize};

use super::implementation::Implementation;
use super::kept::Kept;

/// The store document kind of the accounts seen.
pub const ACCOUNT_KIND: &str = "bridge_account";

/// The store document kind of the time an account's connection was lost (key: the
/// account, body: unix seconds).
pub const LOST_KIND: &str = "bridge_lost";

/// An account seen on a connection, kept across restarts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Seen {
    /// Its nickname (`get_login_info`).
    pub nickname: String,
    /// The implementation, detected from its `app_name`.
    pub implementation: Implementation,
}

/// The op keeping (`Some`) or forgetting (`None`) when `account`'s connection was lost.
pub fn lost_op(account: Uin, lost_at: Option<i64>) -> Op {
    Op::Doc {
        kind: Cow::Borrowed(LOST_KIND),
        key: account.to_string(),
        body: lost_at.map(|time| time.to_string()),
    }
}

/// The loss times kept in `store`.
pub fn lost_times(store: &std::sync::Arc<Store>) -> Result<Vec<(Uin, i64)>, StoreError> {
    let kept: Kept<i64> = Kept::new(store.clone(), LOST_KIND);
    Ok(kept
        .all()?
        .into_iter()
        .filter_map(|(account, at)| Some((account.parse().ok()?, at)))
        .collect())
}

/// The accounts kept in `store`, with what was seen of each.
pub fn accounts_seen(store: &std::sync::Arc<Store>) -> Result<Vec<(Uin, Seen)>, StoreError> {
    let kept: Kept<Seen> = Kept::new(store.clone(), ACCOUNT_KIND);
    Ok(kept
        .all()?
        .into_iter()
        .filter_map(|(account, seen)| Some((account.parse().ok()?, seen)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_times_are_kept_as_documents() {
        let store = Store::open(lizi_store::StoreConfig::memory()).expect("a store");
        let other = Op::Doc {
            kind: "other".into(),
            key: "8".into(),
            body: Some("1".into()),
        };
        drop(store.write(vec![lost_op(7, Some(1234)), other]));
        assert_eq!(lost_times(&store).expect("read"), vec![(7, 1234)]);
        drop(store.write(vec![lost_op(7, None)]));
        assert_eq!(lost_times(&store).expect("read"), vec![]);
    }
}
