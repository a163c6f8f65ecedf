//! The state of the simulated network, as plain data that can be saved and loaded.
//!
//! Everything here is synchronous and free of I/O. Lookups return [`SimError`]s that name
//! the numbers involved, so every request path can use `?`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{SystemTime, UNIX_EPOCH};

use lizi_core::{Gin, Uin};
use serde::{Deserialize, Serialize};

pub use crate::admin::GroupSettings;
use crate::error::SimError;
use crate::fixture::WorldFixture;
use crate::table::Table;

/// The whole simulated network.
///
/// Every piece of state is a row of a [`Table`], so the world knows which rows each
/// change touched: [`World::take_changes`] hands them out for saving.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct World {
    /// Everybody, framework accounts included, by QQ number.
    pub people: Table<Uin, Person>,
    /// Friendships, each once as `(smaller, larger)` (see [`pair`]).
    pub friendships: Table<(Uin, Uin), Friendship>,
    /// Groups by number.
    pub groups: Table<Gin, Group>,
    /// Conversations (group chats and private pairs) that have had messages.
    pub conversations: Table<ConvKey, Conversation>,
    /// Every message, by conversation and `Req`: kept by the store (see `history.rs`).
    #[serde(skip)]
    pub history: crate::history::History,
    /// The network-wide counters, as one row at [`COUNTERS_KEY`].
    pub counters: Table<String, Counters>,
    /// Pending friend and join requests and invitations, by handle (`Msg.Seq`).
    #[serde(default)]
    pub requests: Table<i64, crate::social::requests::PendingRequest>,
    /// Red packets sent through the control API, by id.
    #[serde(default)]
    pub red_packets: Table<String, crate::social::cards::StoredRedPacket>,
    /// Forwarded-message bundles, by `resid`.
    #[serde(default)]
    pub bundles: Table<String, crate::social::cards::StoredBundle>,
    /// Essence marks, by group and the marked message's `Req`.
    #[serde(default)]
    pub essence: Table<(Gin, i64), crate::chat::essence::EssenceMark>,
    /// Emoji reactions to group messages, by group and the message's `Req`.
    #[serde(default)]
    pub reactions: Table<(Gin, i64), crate::chat::reactions::Reactions>,
    /// Group announcements (群公告), by group and announcement id.
    #[serde(default)]
    pub announcements: Table<(Gin, String), crate::chat::announcements::Announcement>,
    /// Group sign-ins (打卡), by group and day (days since 1970-01-01 in China's time).
    #[serde(default)]
    pub sign_ins: Table<(Gin, i64), crate::chat::sign_ins::SignInDay>,
    /// The honours a group's world file gives (all but the talkative one, which the
    /// group's messages decide), by group.
    #[serde(default)]
    pub honours: Table<Gin, crate::fixture::Honours>,
    /// Uploaded pictures, voices and files by content hash (the bytes are store blobs).
    #[serde(default)]
    pub media: Table<String, crate::media::MediaInfo>,
    /// Group files and folders, and the files accounts received from friends.
    #[serde(default)]
    pub files: Table<crate::media::FileKey, crate::media::FileEntry>,
    /// Avatars set through the API: the picture's hash, by owner.
    #[serde(default)]
    pub avatars: Table<crate::media::AvatarOf, String>,
    /// When each member last spoke in each group (unix seconds), kept apart from the
    /// group so that a message does not rewrite the whole group.
    pub last_spoke: Table<(Gin, Uin), i64>,
    /// Each framework account's message counts, kept apart from the account's person so
    /// that a message does not rewrite its whole profile.
    pub message_counts: Table<Uin, MessageCounts>,
    /// The remark each framework account gave each group, by account and group.
    #[serde(default)]
    pub group_remarks: Table<(Uin, Gin), String>,
    /// How each account takes each group's messages, where not QQ's default mask (1).
    pub group_masks: Table<(Uin, Gin), u8>,
    /// Each framework account's friend categories, by account and number (from 1).
    #[serde(default)]
    pub categories: Table<(Uin, u32), crate::contacts::Category>,
    /// The mentions of everyone each group made on the day it last made one, by group
    /// and day.
    #[serde(default)]
    pub at_all: Table<(Gin, i64), crate::admin::AtAllDay>,
    /// Each framework account's favourite stickers (自定义表情), by account and number.
    #[serde(default)]
    pub stickers: Table<(Uin, u32), crate::media::Sticker>,
    /// The most one message may hold (a setting, not saved).
    #[serde(skip)]
    pub limits: crate::limits::MessageLimits,
    /// The framework accounts that are logged in: derived from [`World::people`] (not
    /// saved), so that a group event finds its receivers in O(online accounts) rather
    /// than O(members).
    #[serde(skip)]
    online: BTreeSet<Uin>,
}

/// The key of the one row of [`World::counters`].
pub const COUNTERS_KEY: &str = "global";

/// The network-wide counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counters {
    /// The last global message sequence number handed out (`Msg.Seq`).
    #[serde(default)]
    pub last_seq: i64,
    /// The last event handle handed out (`Msg.Seq` of requests and other events).
    #[serde(default)]
    pub last_event_seq: i64,
}

/// A friendship between two people (keyed by the ordered pair in [`World::friendships`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Friendship {
    /// The smaller QQ number's settings for the other (remark, ignore, care).
    #[serde(default)]
    pub low: crate::social::requests::FriendSide,
    /// The larger QQ number's settings for the other.
    #[serde(default)]
    pub high: crate::social::requests::FriendSide,
}

/// Which conversation a message belongs to.
///
/// `Req` counts per conversation: per group for group messages, per unordered pair of QQ
/// numbers for private and temporary-session messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ConvKey {
    /// A group's chat.
    Group(Gin),
    /// The private conversation of two people, `(smaller, larger)` (see [`pair`]).
    Private(Uin, Uin),
}

impl ConvKey {
    /// The private conversation of `a` and `b`, in either order.
    pub fn private(a: Uin, b: Uin) -> ConvKey {
        let (a, b) = pair(a, b);
        ConvKey::Private(a, b)
    }
}

/// A person on the network. Empty texts and an empty profile are left out of the saved
/// document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// QQ number.
    pub uin: Uin,
    /// Nickname.
    pub nickname: String,
    /// Signature.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub signature: String,
    /// Sex: 0 unknown, 1 male, 2 female.
    pub sex: i64,
    /// Age.
    pub age: i64,
    /// E-mail.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    /// Set when this person is a framework account.
    pub account: Option<AccountState>,
    /// Profile data, presence and likes (see [`crate::social::profile::Profile`]).
    #[serde(default, skip_serializing_if = "crate::compact::LazyProfile::is_empty")]
    pub profile: crate::compact::LazyProfile,
}

/// The framework side of a framework account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccountState {
    /// Logged in.
    pub online: bool,
}

/// How many messages a framework account has sent and seen since it logged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MessageCounts {
    /// Messages from others it has seen.
    pub received: u64,
    /// Messages it has sent.
    pub sent: u64,
}

/// A group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Group number.
    pub gin: Gin,
    /// Name.
    pub name: String,
    /// Memo.
    pub memo: String,
    /// The owner.
    pub owner: Uin,
    /// The admins (never the owner).
    pub admins: BTreeSet<Uin>,
    /// Every member (owner and admins included), by QQ number.
    pub members: BTreeMap<Uin, MemberState>,
    /// People kicked with "ignore later join requests": their join requests are refused.
    #[serde(default)]
    pub blocked: BTreeSet<Uin>,
    /// Group settings and member privileges (see [`GroupSettings`]).
    #[serde(default)]
    pub settings: GroupSettings,
}

/// A member's state in a group. Fields at their default are left out of the saved
/// document (a large group's document holds every member).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MemberState {
    /// Group card (may be empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub card: String,
    /// Special title.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub spec_title: String,
    /// When the member joined (unix seconds).
    pub joined: i64,
    /// When the member's mute ends (unix seconds; not muted once it has passed).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub mute_until: i64,
    /// The member's last reported position, in 1e-6 degrees.
    #[serde(default, skip_serializing_if = "is_default_pos")]
    pub pos: lizi_core::event::Pos,
    /// Whether the member shares that position in the group (shown as `FromQQ.Pos`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub sharing_pos: bool,
}

fn is_zero(value: &i64) -> bool {
    *value == 0
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn is_default_pos(pos: &lizi_core::event::Pos) -> bool {
    *pos == lizi_core::event::Pos::default()
}

/// A member's role in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 群主.
    Owner,
    /// 管理员.
    Admin,
    /// Ordinary member.
    Member,
}

/// The state of one conversation (its messages are in [`World::history`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Conversation {
    /// The last `Req` handed out in this conversation.
    pub last_req: i64,
}

/// A sent message, kept for recall and history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMessage {
    /// Per-conversation sequence (`Req`).
    pub req: i64,
    /// Random id.
    pub random: i64,
    /// Global message sequence (`Seq`).
    pub seq: i64,
    /// Send time (unix seconds).
    pub time: i64,
    /// Sender.
    pub from: Uin,
    /// Receiver of a private or temporary-session message.
    pub to: Option<Uin>,
    /// Group of a group or temporary-session message.
    pub group: Option<Gin>,
    /// Text, with text codes.
    pub text: String,
    /// Recalled: it can no longer be recalled, replied to or forwarded.
    #[serde(default)]
    pub recalled: bool,
}

/// Unix seconds now.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A friendship key: the pair ordered.
pub fn pair(a: Uin, b: Uin) -> (Uin, Uin) {
    (a.min(b), a.max(b))
}

impl World {
    /// Builds the world a (validated) fixture describes; `now` is everybody's join time.
    pub fn from_fixture(fixture: &WorldFixture, now: i64) -> World {
        let mut people = BTreeMap::new();
        for a in fixture.accounts() {
            let account = AccountState { online: a.online };
            people.insert(
                a.uin,
                Person {
                    uin: a.uin,
                    nickname: a.nickname.clone(),
                    signature: a.signature.clone(),
                    sex: a.sex,
                    age: a.age,
                    email: a.email.clone(),
                    account: Some(account),
                    profile: Default::default(),
                },
            );
        }
        for u in fixture.users() {
            people.insert(
                u.uin,
                Person {
                    uin: u.uin,
                    nickname: u.nickname.clone(),
                    signature: u.signature.clone(),
                    sex: u.sex,
                    age: u.age,
                    email: u.email.clone(),
                    account: None,
                    profile: Default::default(),
                },
            );
        }
        let friendships = fixture
            .friends()
            .iter()
            .map(|f| (pair(f.a, f.b), Friendship::default()))
            .collect();
        let groups = fixture
            .groups()
            .iter()
            .map(|g| {
                let members = g
                    .all_members()
                    .into_iter()
                    .map(|uin| {
                        let state = MemberState {
                            card: g.card(uin),
                            joined: now,
                            ..MemberState::default()
                        };
                        (uin, state)
                    })
                    .collect();
                let group = Group {
                    gin: g.gin,
                    name: g.name.clone(),
                    memo: g.memo.clone(),
                    owner: g.owner,
                    admins: g.admins.iter().copied().collect(),
                    members,
                    blocked: BTreeSet::new(),
                    settings: GroupSettings::default(),
                };
                (g.gin, group)
            })
            .collect();
        let mut categories = Table::new();
        let mut numbers: BTreeMap<Uin, u32> = BTreeMap::new();
        for category in fixture.categories() {
            let number = numbers.entry(category.account).or_insert(0);
            *number += 1;
            let row = crate::contacts::Category {
                name: category.name.trim().to_owned(),
                friends: category.friends.iter().copied().collect(),
            };
            categories.load_row((category.account, *number), row);
        }
        let mut world = World {
            people: Table::from_rows(people),
            friendships,
            groups,
            conversations: Table::new(),
            history: Default::default(),
            counters: Table::from_rows([(COUNTERS_KEY.to_owned(), Counters::default())].into()),
            requests: Table::new(),
            red_packets: Table::new(),
            bundles: Table::new(),
            essence: Table::new(),
            reactions: Table::new(),
            announcements: Table::new(),
            sign_ins: Table::new(),
            honours: crate::chat::honours::from_fixture(fixture),
            media: Table::new(),
            files: Table::new(),
            avatars: Table::new(),
            last_spoke: Table::new(),
            message_counts: Table::new(),
            group_remarks: Table::new(),
            group_masks: Table::new(),
            categories,
            at_all: Table::new(),
            stickers: Table::new(),
            limits: crate::limits::MessageLimits::default(),
            online: BTreeSet::new(),
        };
        world.compact();
        world.index_online();
        world
    }

    /// Packs the trees of the large tables (people, groups and their members) once the
    /// world is built or loaded.
    pub(crate) fn compact(&mut self) {
        self.people.compact(|_| {});
        self.groups.compact(|group| {
            group.members = std::mem::take(&mut group.members).into_iter().collect();
        });
    }

    /// When `uin` last spoke in group `gin` (unix seconds, 0 never).
    pub fn last_spoke(&self, gin: Gin, uin: Uin) -> i64 {
        self.last_spoke.get(&(gin, uin)).copied().unwrap_or(0)
    }

    /// The message counts of framework account `uin`.
    pub fn message_counts(&self, uin: Uin) -> MessageCounts {
        self.message_counts.get(&uin).copied().unwrap_or_default()
    }

    /// Anybody on the network.
    pub fn person(&self, uin: Uin) -> Result<&Person, SimError> {
        self.people.get(&uin).ok_or(SimError::UnknownUser(uin))
    }

    /// A framework account, online or not.
    pub fn account(&self, uin: Uin) -> Result<&Person, SimError> {
        match self.people.get(&uin) {
            Some(person) if person.account.is_some() => Ok(person),
            _ => Err(SimError::UnknownAccount(uin)),
        }
    }

    /// Logs framework account `uin` in or out (which marks the person changed).
    pub fn set_online(&mut self, uin: Uin, online: bool) -> Result<(), SimError> {
        let account = self
            .people
            .get_mut(&uin)
            .and_then(|p| p.account.as_mut())
            .ok_or(SimError::UnknownAccount(uin))?;
        account.online = online;
        if online {
            self.online.insert(uin);
        } else {
            self.online.remove(&uin);
        }
        Ok(())
    }

    /// Rebuilds the set of online framework accounts from [`World::people`] (after a load).
    pub(crate) fn index_online(&mut self) {
        self.online = self
            .people
            .values()
            .filter(|p| p.account.is_some_and(|a| a.online))
            .map(|p| p.uin)
            .collect();
    }

    /// The online framework accounts that are members of `gin` (none for an unknown
    /// group), by QQ number: the receivers of the group's events. Costs O(the smaller of
    /// online accounts and members), not O(members).
    pub fn online_members(&self, gin: Gin) -> Vec<Uin> {
        let Some(group) = self.groups.get(&gin) else {
            return Vec::new();
        };
        if self.online.len() <= group.members.len() {
            self.online
                .iter()
                .copied()
                .filter(|uin| group.members.contains_key(uin))
                .collect()
        } else {
            group
                .members
                .keys()
                .copied()
                .filter(|uin| self.online.contains(uin))
                .collect()
        }
    }

    /// The network-wide counters.
    pub fn counters(&self) -> Counters {
        self.counters
            .get(&COUNTERS_KEY.to_owned())
            .copied()
            .unwrap_or_default()
    }

    /// The network-wide counters, for changing them.
    pub fn counters_mut(&mut self) -> &mut Counters {
        self.counters
            .get_or_insert_with(COUNTERS_KEY.to_owned(), Counters::default)
    }

    /// A framework account that is logged in.
    pub fn online_account(&self, uin: Uin) -> Result<&Person, SimError> {
        let person = self.account(uin)?;
        if self.is_online_account(uin) {
            Ok(person)
        } else {
            Err(SimError::Offline(uin))
        }
    }

    /// Someone who may act on the network: any user, or a framework account that is
    /// logged in.
    pub fn active_person(&self, uin: Uin) -> Result<&Person, SimError> {
        let person = self.person(uin)?;
        match person.account {
            Some(account) if !account.online => Err(SimError::Offline(uin)),
            _ => Ok(person),
        }
    }

    /// Whether `uin` is a framework account that is logged in (and so sees events).
    pub fn is_online_account(&self, uin: Uin) -> bool {
        self.people
            .get(&uin)
            .and_then(|p| p.account)
            .is_some_and(|a| a.online)
    }

    /// The nickname of `uin`, empty when unknown.
    pub fn nickname(&self, uin: Uin) -> String {
        self.people
            .get(&uin)
            .map(|p| p.nickname.clone())
            .unwrap_or_default()
    }

    /// A group.
    pub fn group(&self, gin: Gin) -> Result<&Group, SimError> {
        self.groups.get(&gin).ok_or(SimError::UnknownGroup(gin))
    }

    /// Fails unless `other` is a friend of `of`.
    pub fn ensure_friends(&self, of: Uin, other: Uin) -> Result<(), SimError> {
        if self.friendships.contains_key(&pair(of, other)) {
            Ok(())
        } else {
            Err(SimError::NotFriend { of, other })
        }
    }

    /// The friends of `uin`, by QQ number.
    pub fn friends_of(&self, uin: Uin) -> Vec<Uin> {
        let mut friends: Vec<Uin> = self
            .friendships
            .keys()
            .filter_map(|&(a, b)| match uin {
                _ if a == uin => Some(b),
                _ if b == uin => Some(a),
                _ => None,
            })
            .collect();
        friends.sort_unstable();
        friends
    }
}

impl Group {
    /// The member state of `uin`, failing unless it is a member.
    pub fn member(&self, uin: Uin) -> Result<&MemberState, SimError> {
        self.members
            .get(&uin)
            .ok_or(SimError::NotMember { uin, gin: self.gin })
    }

    /// The role of a member.
    pub fn role(&self, uin: Uin) -> Role {
        if uin == self.owner {
            Role::Owner
        } else if self.admins.contains(&uin) {
            Role::Admin
        } else {
            Role::Member
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_world_state() {
        let world = World::from_fixture(&WorldFixture::default_world(), 100);
        assert!(world.is_online_account(10001));
        assert!(!world.is_online_account(20001));
        assert_eq!(world.friends_of(10001), [10002, 20001, 20002]);
        assert_eq!(world.friends_of(20003), Vec::<Uin>::new());
        let group = world.group(30001).unwrap();
        assert_eq!(group.role(20001), Role::Owner);
        assert_eq!(group.role(10001), Role::Admin);
        assert_eq!(group.role(20003), Role::Member);
        assert_eq!(group.member(20002).unwrap().joined, 100);
        assert_eq!(
            world.group(30002).unwrap().member(20001),
            Err(SimError::NotMember {
                uin: 20001,
                gin: 30002
            })
        );
        assert_eq!(
            world.account(20001).unwrap_err(),
            SimError::UnknownAccount(20001)
        );
        assert_eq!(world.person(99).unwrap_err(), SimError::UnknownUser(99));
        // The state round-trips through JSON, so it can be saved (the index of online
        // accounts is derived, not saved).
        let json = serde_json::to_string(&world).unwrap();
        let mut back = serde_json::from_str::<World>(&json).unwrap();
        back.index_online();
        assert_eq!(back, world);
    }
}
