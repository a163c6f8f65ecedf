//! Message identity (onebot.md §2.1): XLZ names a message by `(req, random, time)`, OneBot
//! by an opaque `message_id` that some implementations forget on restart. The bridge keeps
//! every message it saw or sent as a [`MessageRecord`] in lizi's store (one document per
//! message, kind [`DOC_KIND`]), and an index of them in memory, so recalls and replies
//! work across restarts of lizi and of the implementation.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use lizi_core::{Gin, Uin};
use lizi_onebot::xlz::Quoted;
use lizi_store::Op;
use serde::{Deserialize, Serialize};

/// The store document kind of message records.
pub const DOC_KIND: &str = "bridge_message";

/// Where a message was said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conversation {
    /// A group.
    Group(Gin),
    /// A friend.
    Friend(Uin),
    /// A temporary session with `user` through `group` (0 when the implementation does
    /// not say which).
    Temporary {
        /// The group.
        group: Gin,
        /// The other user.
        user: Uin,
    },
}

impl Conversation {
    /// The other user of a private conversation.
    pub fn peer(self) -> Option<Uin> {
        match self {
            Conversation::Group(_) => None,
            Conversation::Friend(user) | Conversation::Temporary { user, .. } => Some(user),
        }
    }
}

/// One message as both sides name it, with its XLZ text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRecord {
    /// The framework account that saw or sent it.
    pub account: Uin,
    /// Where.
    pub conversation: Conversation,
    /// XLZ `Req`.
    pub req: i64,
    /// XLZ `Random`.
    pub random: i64,
    /// Send time (unix seconds).
    pub time: i64,
    /// The implementation's `message_id`.
    pub ob_id: i64,
    /// Who sent it.
    pub sender: Uin,
    /// The XLZ text.
    pub text: String,
}

impl MessageRecord {
    /// The message as a reply to it quotes it.
    pub fn quoted(&self) -> Quoted<'_> {
        Quoted {
            sender: self.sender,
            req: self.req,
            random: self.random,
            time: self.time,
            text: &self.text,
        }
    }
}

/// The message records of every account, indexed both ways.
#[derive(Debug, Default)]
pub struct MessageMap {
    by_ob_id: HashMap<(Uin, i64), Arc<MessageRecord>>,
    by_pair: HashMap<(Uin, i64, i64), Arc<MessageRecord>>,
    last_req: HashMap<(Uin, Conversation), i64>,
    latest: HashMap<(Uin, Conversation), Arc<MessageRecord>>,
}

impl MessageMap {
    /// The map of the records among the store's documents (other kinds are skipped; a
    /// record that does not parse is logged and skipped).
    pub fn load(docs: &[(String, String, String)]) -> MessageMap {
        let mut map = MessageMap::default();
        for (kind, key, body) in docs.iter().filter(|(kind, ..)| kind == DOC_KIND) {
            match serde_json::from_str::<MessageRecord>(body) {
                Ok(record) => map.index(record),
                Err(error) => tracing::warn!(kind, key, "skipping a bad message record: {error}"),
            }
        }
        map
    }

    /// The record of `account`'s message `ob_id`.
    pub fn by_ob_id(&self, account: Uin, ob_id: i64) -> Option<&MessageRecord> {
        self.by_ob_id.get(&(account, ob_id)).map(Arc::as_ref)
    }

    /// The record of `account`'s message `(req, random)`.
    pub fn by_pair(&self, account: Uin, req: i64, random: i64) -> Option<&MessageRecord> {
        self.by_pair.get(&(account, req, random)).map(Arc::as_ref)
    }

    /// The `Req` of a new message in `conversation`: the implementation's sequence number
    /// when it gave one, else one more than the last of the conversation.
    pub fn next_req(&self, account: Uin, conversation: Conversation, seq: Option<i64>) -> i64 {
        match seq {
            Some(seq) if seq > 0 => seq,
            _ => {
                let last = self.last_req.get(&(account, conversation)).copied();
                last.unwrap_or(0) + 1
            }
        }
    }

    /// The newest message of each of `account`'s conversations (by time, then `Req`).
    pub fn latest_of(&self, account: Uin) -> Vec<MessageRecord> {
        let mut latest: Vec<MessageRecord> = self
            .latest
            .iter()
            .filter(|((owner, _), _)| *owner == account)
            .map(|(_, record)| MessageRecord::clone(record))
            .collect();
        latest.sort_by_key(|record| (record.time, record.req));
        latest
    }

    /// Adds `record`; answers the store op that keeps it.
    pub fn insert(&mut self, record: MessageRecord) -> Op {
        let op = Op::Doc {
            kind: Cow::Borrowed(DOC_KIND),
            key: format!("{}:{}", record.account, record.ob_id),
            body: serde_json::to_string(&record).ok(),
        };
        self.index(record);
        op
    }

    /// Gives `account`'s message `old` the implementation's new id `new` (it forgot the old
    /// one); its XLZ ids stay. Answers the store ops that keep the change, none when `old`
    /// is unknown.
    pub fn rebind(&mut self, account: Uin, old: i64, new: i64) -> Vec<Op> {
        let Some(record) = self.by_ob_id.remove(&(account, old)) else {
            return Vec::new();
        };
        let forget = Op::Doc {
            kind: Cow::Borrowed(DOC_KIND),
            key: format!("{account}:{old}"),
            body: None,
        };
        let moved = MessageRecord {
            ob_id: new,
            ..MessageRecord::clone(&record)
        };
        vec![forget, self.insert(moved)]
    }

    fn index(&mut self, record: MessageRecord) {
        let last = self
            .last_req
            .entry((record.account, record.conversation))
            .or_insert(0);
        *last = (*last).max(record.req);
        let record = Arc::new(record);
        let newest = self
            .latest
            .entry((record.account, record.conversation))
            .or_insert_with(|| record.clone());
        if (record.time, record.req) > (newest.time, newest.req) {
            *newest = record.clone();
        }
        self.by_pair
            .insert((record.account, record.req, record.random), record.clone());
        self.by_ob_id.insert((record.account, record.ob_id), record);
    }
}

/// The XLZ `Random` of a OneBot message: a non-zero 31-bit hash (FNV-1a) of its id, so the
/// same event always gets the same value.
pub fn random_of(ob_id: i64) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in ob_id.to_le_bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    match (hash & 0x7fff_ffff) as i64 {
        0 => 1,
        random => random,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ob_id: i64, req: i64) -> MessageRecord {
        MessageRecord {
            account: 1,
            conversation: Conversation::Group(9),
            req,
            random: random_of(ob_id),
            time: 100,
            ob_id,
            sender: 5,
            text: "hi".into(),
        }
    }

    #[test]
    fn records_survive_a_reload_and_counters_continue() {
        let mut map = MessageMap::default();
        let Op::Doc { kind, key, body } = map.insert(record(-7, 3)) else {
            panic!("a document op");
        };
        let docs = vec![(kind.into_owned(), key, body.expect("a body"))];
        let reloaded = MessageMap::load(&docs);
        let found = reloaded.by_ob_id(1, -7).expect("kept");
        assert_eq!(reloaded.by_pair(1, 3, found.random), Some(found));
        assert_eq!(reloaded.next_req(1, Conversation::Group(9), None), 4);
        assert_eq!(reloaded.next_req(1, Conversation::Group(9), Some(50)), 50);
        assert_eq!(reloaded.next_req(1, Conversation::Friend(9), None), 1);
        assert_eq!(reloaded.latest_of(1), vec![found.clone()]);
        assert!(reloaded.latest_of(2).is_empty());
    }

    #[test]
    fn a_forgotten_id_is_replaced_and_the_xlz_ids_stay() {
        let mut map = MessageMap::default();
        map.insert(record(-7, 3));
        let random = random_of(-7);
        let ops = map.rebind(1, -7, 55);
        assert_eq!(ops.len(), 2);
        assert!(map.by_ob_id(1, -7).is_none());
        let moved = map.by_ob_id(1, 55).expect("the new id");
        assert_eq!((moved.req, moved.random), (3, random));
        assert_eq!(map.by_pair(1, 3, random).map(|r| r.ob_id), Some(55));
        assert!(map.rebind(1, -7, 56).is_empty(), "unknown now");
    }

    #[test]
    fn randoms_are_stable_positive_31_bit_values() {
        for id in [0, 1, -1, i64::from(i32::MAX), i64::from(i32::MIN)] {
            let random = random_of(id);
            assert_eq!(random, random_of(id));
            assert!((1..=0x7fff_ffff).contains(&random), "{id} → {random}");
        }
        assert_ne!(random_of(1), random_of(2));
    }
}
