//! Notices reported twice: an implementation may post the same notice again (a retried
//! post, several servers, a replay after reconnecting: onebot.md §8 item 7). Messages are
//! de-duplicated by their `message_id` and requests by their `flag`; notices carry no id,
//! so the bridge remembers a fingerprint of the last [`KEPT`] notice frames of each
//! account and converts a frame seen among them only once. Identical frames are the same
//! notice: each carries its `time` and every field that tells one from another.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{Hash, Hasher};

use lizi_core::Uin;
use serde_json::Value;

/// How many notice fingerprints are kept per account.
pub const KEPT: usize = 512;

/// The fingerprints of each account's recent notices.
#[derive(Debug, Default)]
pub struct RecentNotices {
    accounts: HashMap<Uin, Fingerprints>,
}

#[derive(Debug, Default)]
struct Fingerprints {
    order: VecDeque<u64>,
    known: HashSet<u64>,
}

impl RecentNotices {
    /// Whether `frame` is new for `account` (and remembers it); `false` for a repeat.
    pub fn first_time(&mut self, account: Uin, frame: &Value) -> bool {
        let mut hasher = DefaultHasher::new();
        frame.to_string().hash(&mut hasher);
        let fingerprint = hasher.finish();
        let seen = self.accounts.entry(account).or_default();
        if !seen.known.insert(fingerprint) {
            return false;
        }
        seen.order.push_back(fingerprint);
        if seen.order.len() > KEPT {
            if let Some(oldest) = seen.order.pop_front() {
                seen.known.remove(&oldest);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_repeated_notice_is_seen_once_per_account_and_old_ones_are_forgotten() {
        let mut recent = RecentNotices::default();
        let notice = json!({"time": 1, "notice_type": "group_card", "user_id": 5});
        assert!(recent.first_time(1, &notice));
        assert!(!recent.first_time(1, &notice));
        assert!(recent.first_time(2, &notice), "another account's");
        let later = json!({"time": 2, "notice_type": "group_card", "user_id": 5});
        assert!(recent.first_time(1, &later));
        for n in 0..KEPT {
            recent.first_time(1, &json!({ "n": n }));
        }
        assert!(
            recent.first_time(1, &notice),
            "forgotten after {KEPT} others"
        );
    }
}
