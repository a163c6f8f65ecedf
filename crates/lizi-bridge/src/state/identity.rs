//! Message identity (docs/onebot-implementations.md#message-identity): XLZ names a message by `(req, random, time)`, OneBot
//! by an opaque `message_id` that some implementations forget on restart. The bridge keeps
//! every message it saw or sent as a [`MessageRecord`] in lizi's store, found by key
//! ([`Kept`]): one document per message (kind [`DOC_KIND`]), one per XLZ pair
//! ([`PAIR_KIND`]) naming it, and one summary per conversation ([`CONVERSATION_KIND`]), so
//! recalls and replies work across restarts of lizi and of the implementation while memory
//! holds only the summaries.

use std::collections::HashMap;
use std::sync::Arc;

use lizi_core::{Gin, Uin};
use lizi_onebot::xlz::Quoted;
use lizi_store::{Op, Store, StoreError};
use serde::{Deserialize, Serialize};

use super::kept::Kept;

/// The store document kind of message records (key: account, conversation, OneBot id).
pub const DOC_KIND: &str = "bridge_msg";

/// The store document kind naming a message record by its XLZ `(req, random)`.
pub const PAIR_KIND: &str = "bridge_msg_pair";

/// The store document kind of the conversations' summaries (last `Req`, newest message).
pub const CONVERSATION_KIND: &str = "bridge_conversation";

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

/// A conversation as it is written in store keys: `g<group>`, `f<friend>`,
/// `t<group>.<user>`.
pub fn conversation_key(conversation: Conversation) -> String {
    match conversation {
        Conversation::Group(group) => format!("g{group}"),
        Conversation::Friend(user) => format!("f{user}"),
        Conversation::Temporary { group, user } => format!("t{group}.{user}"),
    }
}

/// The store key of `account`'s message `ob_id` in `conversation`: an id names a message
/// only within its conversation (NapCat's and Lagrange's ids are 32-bit hashes, so two
/// conversations may well share one).
fn record_key(account: Uin, conversation: Conversation, ob_id: i64) -> String {
    format!("{account}:{}:{ob_id}", conversation_key(conversation))
}

/// The store key of `account`'s message `(req, random)`.
fn pair_key(account: Uin, req: i64, random: i64) -> String {
    format!("{account}:{req}:{random}")
}

/// The newest message of a conversation, where a refill starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Latest {
    /// Where.
    pub conversation: Conversation,
    /// Its OneBot `message_id`.
    pub ob_id: i64,
    /// Its time (unix seconds).
    pub time: i64,
    /// Its XLZ `Req`.
    pub req: i64,
}

/// What is kept of each conversation: the last `Req` given out and its newest message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Summary {
    account: Uin,
    last_req: i64,
    latest: Latest,
}

/// The message records of every account, kept in lizi's store and found by key: by
/// (account, conversation, `message_id`) as OneBot names a message, and by
/// (account, `Req`, `Random`) as XLZ does. Only one small summary per conversation is
/// held in memory.
#[derive(Debug)]
pub struct MessageMap {
    records: Kept<MessageRecord>,
    pairs: Kept<String>,
    summaries: Kept<Summary>,
    conversations: HashMap<(Uin, Conversation), Summary>,
}

impl MessageMap {
    /// The map kept in `store`; the conversations' summaries are read now.
    pub fn open(store: Arc<Store>) -> Result<MessageMap, StoreError> {
        let summaries: Kept<Summary> = Kept::new(store.clone(), CONVERSATION_KIND);
        let conversations = summaries
            .all()?
            .into_iter()
            .map(|(_, summary)| ((summary.account, summary.latest.conversation), summary))
            .collect();
        Ok(MessageMap {
            records: Kept::new(store.clone(), DOC_KIND),
            pairs: Kept::new(store, PAIR_KIND),
            summaries,
            conversations,
        })
    }

    /// The record of `account`'s message `ob_id` in `conversation`.
    pub fn by_ob_id(
        &self,
        account: Uin,
        conversation: Conversation,
        ob_id: i64,
    ) -> Result<Option<MessageRecord>, StoreError> {
        self.records.get(&record_key(account, conversation, ob_id))
    }

    /// The record of `account`'s message `(req, random)`.
    pub fn by_pair(
        &self,
        account: Uin,
        req: i64,
        random: i64,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let Some(key) = self.pairs.get(&pair_key(account, req, random))? else {
            return Ok(None);
        };
        let record = self.records.get(&key)?;
        // A later message of the conversation with the same id took the key over.
        Ok(record.filter(|record| record.req == req && record.random == random))
    }

    /// The `Req` of a new message in `conversation`: the implementation's sequence number
    /// when it gave one, else one more than the last of the conversation.
    pub fn next_req(&self, account: Uin, conversation: Conversation, seq: Option<i64>) -> i64 {
        match seq {
            Some(seq) if seq > 0 => seq,
            _ => {
                let last = self.conversations.get(&(account, conversation));
                last.map_or(0, |summary| summary.last_req) + 1
            }
        }
    }

    /// The newest message of each of `account`'s conversations (by time, then `Req`).
    pub fn latest_of(&self, account: Uin) -> Vec<Latest> {
        let mut latest: Vec<Latest> = self
            .conversations
            .iter()
            .filter(|((owner, _), _)| *owner == account)
            .map(|(_, summary)| summary.latest)
            .collect();
        latest.sort_by_key(|latest| (latest.time, latest.req));
        latest
    }

    /// Adds `record`; answers the store ops that keep it.
    pub fn insert(&mut self, record: MessageRecord) -> Vec<Op> {
        let key = record_key(record.account, record.conversation, record.ob_id);
        let mut ops = vec![
            self.pairs
                .put(pair_key(record.account, record.req, record.random), &key),
            self.records.put(key, &record),
        ];
        let latest = Latest {
            conversation: record.conversation,
            ob_id: record.ob_id,
            time: record.time,
            req: record.req,
        };
        let slot = (record.account, record.conversation);
        let summary = self.conversations.entry(slot).or_insert(Summary {
            account: record.account,
            last_req: 0,
            latest,
        });
        let before = *summary;
        summary.last_req = summary.last_req.max(record.req);
        if (latest.time, latest.req) >= (summary.latest.time, summary.latest.req) {
            summary.latest = latest;
        }
        if *summary != before {
            let key = format!(
                "{}:{}",
                record.account,
                conversation_key(record.conversation)
            );
            ops.push(self.summaries.put(key, summary));
        }
        ops
    }

    /// Gives `record`'s message the implementation's new id `new` (it forgot the old
    /// one); its XLZ ids stay. Answers the store ops that keep the change.
    pub fn rebind(&mut self, record: &MessageRecord, new: i64) -> Vec<Op> {
        let forget = self.records.remove(record_key(
            record.account,
            record.conversation,
            record.ob_id,
        ));
        let moved = MessageRecord {
            ob_id: new,
            ..record.clone()
        };
        let mut ops = vec![forget];
        ops.extend(self.insert(moved));
        ops
    }
}

#[cfg(test)]
impl MessageMap {
    /// An empty map in a store of its own, in memory.
    pub(crate) fn in_memory() -> MessageMap {
        let store = Store::open(lizi_store::StoreConfig::memory()).expect("a memory store");
        MessageMap::open(store).expect("an empty map")
    }

    /// Adds `record` and keeps it at once (a memory store keeps what it is given).
    pub(crate) fn keep(&mut self, record: MessageRecord) {
        let ops = self.insert(record);
        drop(self.records.store().write(ops));
    }

    /// Keeps what `converted` ops say, as the bridge commits them.
    pub(crate) fn apply(&self, ops: Vec<Op>) {
        drop(self.records.store().write(ops));
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
    use lizi_store::StoreConfig;

    fn record(ob_id: i64, req: i64, group: Gin) -> MessageRecord {
        MessageRecord {
            account: 1,
            conversation: Conversation::Group(group),
            req,
            random: random_of(ob_id),
            time: 100 + req,
            ob_id,
            sender: 5,
            text: "hi".into(),
        }
    }

    async fn keep(store: &Store, ops: Vec<Op>) {
        store.write(ops).wait().await.expect("written");
    }

    #[tokio::test]
    async fn records_are_found_both_ways_and_counters_continue_after_a_reopen() {
        let store = Store::open(StoreConfig::memory()).expect("a store");
        let mut map = MessageMap::open(store.clone()).expect("opened");
        keep(&store, map.insert(record(-7, 3, 9))).await;
        // The same id in another group is another message.
        keep(&store, map.insert(record(-7, 1, 8))).await;
        let reopened = MessageMap::open(store.clone()).expect("reopened");
        let found = reopened
            .by_ob_id(1, Conversation::Group(9), -7)
            .expect("read")
            .expect("kept");
        assert_eq!(found.req, 3);
        assert_eq!(
            reopened.by_pair(1, 3, found.random).expect("read"),
            Some(found.clone())
        );
        let other = reopened
            .by_ob_id(1, Conversation::Group(8), -7)
            .expect("read");
        assert_eq!(other.map(|r| r.req), Some(1));
        assert_eq!(reopened.next_req(1, Conversation::Group(9), None), 4);
        assert_eq!(reopened.next_req(1, Conversation::Group(9), Some(50)), 50);
        assert_eq!(reopened.next_req(1, Conversation::Friend(9), None), 1);
        let latest = reopened.latest_of(1);
        assert_eq!(latest.len(), 2);
        assert_eq!(latest[1].ob_id, -7);
        assert!(reopened.latest_of(2).is_empty());
    }

    #[tokio::test]
    async fn a_forgotten_id_is_replaced_and_the_xlz_ids_stay() {
        let store = Store::open(StoreConfig::memory()).expect("a store");
        let mut map = MessageMap::open(store.clone()).expect("opened");
        let old = record(-7, 3, 9);
        keep(&store, map.insert(old.clone())).await;
        keep(&store, map.rebind(&old, 55)).await;
        let group = Conversation::Group(9);
        assert_eq!(map.by_ob_id(1, group, -7).expect("read"), None);
        let moved = map
            .by_ob_id(1, group, 55)
            .expect("read")
            .expect("the new id");
        assert_eq!((moved.req, moved.random), (3, old.random));
        assert_eq!(
            map.by_pair(1, 3, old.random)
                .expect("read")
                .map(|r| r.ob_id),
            Some(55)
        );
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
