//! OneBot message ids (docs/onebot-implementations.md#message-identity): int32, unique, and stable across restarts.
//!
//! An id is the message's global `Seq` (the key of the store's `messages` table) put
//! through a bijection into the shape the chosen profile's ids have, so no table of ids is
//! kept and turning an id back into its message is one indexed lookup:
//!
//! - NapCat: a positive int32 that looks hashed (NapCat's are MD5-derived with the sign
//!   bit cleared): `Seq` mixed within 31 bits;
//! - LLOneBot: any int32, often negative (its ids are the first int32 of an MD5): `Seq`
//!   mixed within 32 bits;
//! - Lagrange: `(seq << 16) | low`, negative once the top bit is set (Lagrange keeps 16
//!   bits of the sequence and 16 of the random): the low 16 bits of `Seq` in the high half
//!   and its next 16 bits in the low half, so ids never collide.
//!
//! Ids are distinct for the first 2^31 messages of the network. With `forget_ids`, ids
//! behave as NapCat's in-memory cache: those of messages from before the face started,
//! or more than [`FORGET_AFTER`] messages ago, are unknown until read again through
//! history.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use lizi_onebot::Profile;
use lizi_store::{Conv, MessageRow, Store};

/// How many of the newest messages keep their ids when ids are forgotten (NapCat's cache).
pub const FORGET_AFTER: i64 = 5000;

const MIX_A: u64 = 0x2c1b_3c6d;
const MIX_B: u64 = 0x297a_2d39;

/// The id of the message with global `Seq` `seq` in `profile`'s shape.
pub fn encode(profile: Profile, seq: i64) -> i64 {
    let seq = seq as u64;
    match profile {
        Profile::NapCat => mix(seq, 31) as i64,
        Profile::LLOneBot => i64::from(mix(seq, 32) as u32 as i32),
        Profile::Lagrange => i64::from((seq as u32).rotate_left(16) as i32),
    }
}

/// The global `Seq` an id of `profile`'s shape stands for; `None` for a number no id of
/// that shape can be.
pub fn decode(profile: Profile, id: i64) -> Option<i64> {
    let bits = i32::try_from(id).ok()?;
    let seq = match profile {
        Profile::NapCat => unmix(u64::try_from(bits).ok()?, 31),
        Profile::LLOneBot => unmix(u64::from(bits as u32), 32),
        Profile::Lagrange => u64::from((bits as u32).rotate_right(16)),
    };
    Some(seq as i64)
}

/// Multiplies by an odd number, xor-shifts and multiplies again, modulo 2^`bits`: a
/// bijection that keeps 0 at 0 (a `Seq` is never 0, so an id never is).
fn mix(x: u64, bits: u32) -> u64 {
    let mask = (1u64 << bits) - 1;
    let mut x = (x & mask).wrapping_mul(MIX_A) & mask;
    x ^= x >> 15;
    x.wrapping_mul(MIX_B) & mask
}

/// The inverse of [`mix`].
fn unmix(y: u64, bits: u32) -> u64 {
    let mask = (1u64 << bits) - 1;
    let mut x = y.wrapping_mul(inverse(MIX_B)) & mask;
    x ^= (x >> 15) ^ (x >> 30);
    x.wrapping_mul(inverse(MIX_A)) & mask
}

/// The inverse of odd `a` modulo 2^64 (Newton's iteration), hence modulo any 2^bits.
fn inverse(a: u64) -> u64 {
    let mut x = a;
    for _ in 0..6 {
        x = x.wrapping_mul(2u64.wrapping_sub(a.wrapping_mul(x)));
    }
    x
}

/// Why an id does not name a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownId(pub String);

/// Message ids of one face: the profile's shape over the store's messages.
pub struct MessageIds {
    store: Arc<Store>,
    profile: Profile,
    /// With forgetting on: the last `Seq` before the face started.
    forgotten_up_to: Option<i64>,
    /// Forgotten messages read again through history, known again (NapCat caches every
    /// message it reads, and its ids are derived from the message: the same id comes back).
    read_again: Mutex<HashSet<i64>>,
}

impl MessageIds {
    /// Ids of `store`'s messages in `profile`'s shape; with `forget`, ids of messages
    /// stored before now are unknown (as after a NapCat restart).
    pub fn new(store: Arc<Store>, profile: Profile, forget: bool) -> MessageIds {
        let forgotten_up_to = forget.then(|| store.last_message_seq().unwrap_or(0));
        MessageIds {
            store,
            profile,
            forgotten_up_to,
            read_again: Mutex::new(HashSet::new()),
        }
    }

    /// Makes the message `seq` known again after it was read through history.
    pub fn read_again(&self, seq: i64) {
        if self.forgotten_up_to.is_some() {
            self.read_again
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(seq);
        }
    }

    /// The id of the message with global `Seq` `seq`.
    pub fn of_seq(&self, seq: i64) -> i64 {
        encode(self.profile, seq)
    }

    /// The id of message `req` of `conv`, if the store has it.
    pub fn of_message(&self, conv: Conv, req: i64) -> Option<i64> {
        let row = self.store.message(conv, req).ok()??;
        Some(self.of_seq(row.seq))
    }

    /// The message with global `Seq` `seq`, forgotten or not.
    pub fn message(&self, seq: i64) -> Option<Arc<MessageRow>> {
        self.store.message_by_seq(seq).ok()?
    }

    /// The message an id names.
    pub fn find(&self, id: i64) -> Result<Arc<MessageRow>, UnknownId> {
        let unknown = || UnknownId(format!("there is no message with message_id {id}"));
        let seq = decode(self.profile, id).ok_or_else(unknown)?;
        if let Some(floor) = self.forgotten_up_to {
            let newest = self.store.last_message_seq().unwrap_or(0);
            let read_again = || {
                self.read_again
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .contains(&seq)
            };
            if (seq <= floor || seq <= newest - FORGET_AFTER) && !read_again() {
                return Err(UnknownId(format!(
                    "message_id {id} is no longer known (ids are forgotten on restart and after {FORGET_AFTER} messages)"
                )));
            }
        }
        match self.store.message_by_seq(seq) {
            Ok(Some(row)) => Ok(row),
            Ok(None) => Err(unknown()),
            Err(error) => Err(UnknownId(format!("reading message {id}: {error}"))),
        }
    }
}

/// The store's name of the conversation of a group.
pub fn group_conv(group: u64) -> Conv {
    Conv {
        kind: Conv::GROUP,
        a: group as i64,
        b: 0,
    }
}

/// The store's name of the private conversation of two people (temporary sessions
/// included), in either order.
pub fn private_conv(one: u64, other: u64) -> Conv {
    Conv {
        kind: Conv::PRIVATE,
        a: one.min(other) as i64,
        b: one.max(other) as i64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILES: [Profile; 3] = [Profile::NapCat, Profile::Lagrange, Profile::LLOneBot];

    #[test]
    fn ids_read_back_as_their_seq() {
        for profile in PROFILES {
            for seq in (1..5000).chain([65_535, 65_536, 1 << 24, (1 << 31) - 1]) {
                let id = encode(profile, seq);
                assert!(i32::try_from(id).is_ok(), "{profile:?} {seq} {id}");
                assert_eq!(decode(profile, id), Some(seq), "{profile:?} {seq}");
            }
        }
    }

    #[test]
    fn ids_do_not_collide_past_sixteen_bits() {
        for profile in PROFILES {
            let mut seen = std::collections::HashSet::new();
            for seq in 1..200_000 {
                assert!(seen.insert(encode(profile, seq)), "{profile:?} {seq}");
            }
        }
    }

    #[test]
    fn each_profile_has_its_shape() {
        let ids = |profile| (1..1000).map(move |seq| encode(profile, seq));
        assert!(ids(Profile::NapCat).all(|id| id > 0));
        assert!(ids(Profile::LLOneBot).any(|id| id < 0));
        assert_eq!(encode(Profile::Lagrange, 3), 3 << 16);
        assert!(encode(Profile::Lagrange, 40_000) < 0);
        assert_eq!(decode(Profile::NapCat, -5), None);
        assert_eq!(decode(Profile::NapCat, 1 << 40), None);
    }

    fn row(seq: i64) -> lizi_store::Op {
        lizi_store::Op::Message(Arc::new(MessageRow {
            conv: group_conv(30001),
            req: seq,
            random: 7,
            seq,
            time: 0,
            sender: 20001,
            target: None,
            group: Some(30001),
            text: "x".into(),
            recalled: false,
        }))
    }

    #[tokio::test]
    async fn forgotten_ids_are_those_from_before_the_start_or_beyond_the_newest_5000() {
        let store = Store::open(lizi_store::StoreConfig::memory()).expect("store");
        store.write(vec![row(1)]).wait().await.expect("write");
        let ids = MessageIds::new(store.clone(), Profile::NapCat, true);
        let kept = MessageIds::new(store.clone(), Profile::NapCat, false);
        let newest = 2 + FORGET_AFTER;
        store
            .write((2..=newest).map(row).collect())
            .wait()
            .await
            .expect("write");
        let known = |ids: &MessageIds, seq| ids.find(ids.of_seq(seq)).is_ok();
        assert!(!known(&ids, 1), "from before the start");
        assert!(!known(&ids, 2), "more than 5000 messages ago");
        assert!(known(&ids, 3) && known(&ids, newest));
        assert!(
            known(&kept, 1) && known(&kept, 2),
            "kept without forgetting"
        );
        assert!(ids.find(12345).is_err() && ids.find(-1).is_err());
        ids.read_again(1);
        assert!(known(&ids, 1), "read again through history");
    }
}
