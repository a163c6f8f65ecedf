//! What is kept of each account across restarts, as documents in lizi's store: the
//! nickname and implementation seen on its last connection ([`ACCOUNT_KIND`]), and when
//! its connection was lost ([`LOST_KIND`]), so that a restart of lizi while an account is
//! down still refills what it missed ([`crate::inbound::refill`]).

use std::borrow::Cow;

use lizi_core::Uin;
use lizi_store::Op;
use serde::{Deserialize, Serialize};

use super::implementation::Implementation;

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

/// The kept loss times among the store's documents.
pub fn lost_times(docs: &[(String, String, String)]) -> Vec<(Uin, i64)> {
    docs.iter()
        .filter(|(kind, ..)| kind == LOST_KIND)
        .filter_map(|(_, key, body)| Some((key.parse().ok()?, body.trim().parse().ok()?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_times_are_kept_as_documents() {
        let Op::Doc { kind, key, body } = lost_op(7, Some(1234)) else {
            panic!("a document");
        };
        let docs = vec![
            (kind.into_owned(), key, body.expect("a body")),
            ("other".into(), "8".into(), "1".into()),
        ];
        assert_eq!(lost_times(&docs), vec![(7, 1234)]);
        assert!(matches!(lost_op(7, None), Op::Doc { body: None, .. }));
    }
}
