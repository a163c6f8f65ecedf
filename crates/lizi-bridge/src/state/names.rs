//! [`Names`]: the nicknames and group names lizi has seen, in friend and member lists,
//! profiles and events, so that `/getnickname?fromcache=true` and
//! `/getgroupnamefromcache` answer without asking the implementation. Kept in lizi's store
//! and found by key ([`Kept`]); a name is written again only when it changed.

use std::sync::Arc;

use lizi_core::{Gin, Reply, Uin};
use lizi_onebot::lenient::as_u64;
use lizi_store::{Op, Store};
use serde_json::Value;

use super::kept::{or_unknown, Kept};

/// The store document kind of users' nicknames (key: the QQ number).
pub const USER_KIND: &str = "bridge_name_user";

/// The store document kind of groups' names (key: the group number).
pub const GROUP_KIND: &str = "bridge_name_group";

/// Names seen, newest wins.
#[derive(Debug)]
pub struct Names {
    users: Kept<String>,
    groups: Kept<String>,
}

impl Names {
    /// The names kept in `store`.
    pub fn open(store: Arc<Store>) -> Names {
        Names {
            users: Kept::new(store.clone(), USER_KIND),
            groups: Kept::new(store, GROUP_KIND),
        }
    }

    /// The nickname of `uin`, if seen.
    pub fn user(&self, uin: Uin) -> Option<String> {
        or_unknown(self.users.get(&uin.to_string()), "a nickname")
    }

    /// The name of group `gin`, if seen.
    pub fn group(&self, gin: Gin) -> Option<String> {
        or_unknown(self.groups.get(&gin.to_string()), "a group name")
    }

    /// The op keeping `name` for `id` of `kept`, unless it is empty or already kept.
    fn keep(kept: &Kept<String>, id: u64, name: &str, ops: &mut Vec<Op>) {
        if id == 0 || name.is_empty() {
            return;
        }
        let key = id.to_string();
        if or_unknown(kept.get(&key), "a name").as_deref() != Some(name) {
            ops.push(kept.put(key, &name.to_owned()));
        }
    }

    /// The ops keeping the names in an answer: friends, members, groups, a profile.
    pub fn learn_reply(&self, reply: &Reply) -> Vec<Op> {
        let mut ops = Vec::new();
        match reply {
            Reply::Friends(friends) => {
                for friend in friends {
                    Names::keep(&self.users, friend.uin, &friend.nick_name, &mut ops);
                }
            }
            Reply::Members(members) => {
                for member in members {
                    Names::keep(&self.users, member.uin, &member.nick_name, &mut ops);
                }
            }
            Reply::Groups(groups) => {
                for group in groups {
                    Names::keep(&self.groups, group.gin, &group.str_group_name, &mut ops);
                }
            }
            Reply::User(user) => Names::keep(&self.users, user.uin, &user.nick_name, &mut ops),
            _ => {}
        }
        ops
    }

    /// The ops keeping the names in a OneBot event: the sender's nickname, and the
    /// group's name where the implementation gives it.
    pub fn learn_frame(&self, frame: &Value) -> Vec<Op> {
        let number = |value: &Value, key: &str| value.get(key).and_then(as_u64).unwrap_or(0);
        fn text<'a>(value: &'a Value, key: &str) -> &'a str {
            value.get(key).and_then(Value::as_str).unwrap_or("")
        }
        let mut ops = Vec::new();
        if let Some(sender) = frame.get("sender") {
            let (uin, name) = (number(sender, "user_id"), text(sender, "nickname"));
            Names::keep(&self.users, uin, name, &mut ops);
        }
        let (gin, name) = (number(frame, "group_id"), text(frame, "group_name"));
        Names::keep(&self.groups, gin, name, &mut ops);
        ops
    }
}

#[cfg(test)]
impl Names {
    /// No names, in a store of their own in memory.
    pub(crate) fn in_memory() -> Names {
        Names::open(Store::open(lizi_store::StoreConfig::memory()).expect("a memory store"))
    }

    /// Learns and keeps the names in `frame` at once.
    pub(crate) fn keep_frame(&self, frame: &Value) {
        drop(self.users.store().write(self.learn_frame(frame)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lizi_core::model::Friend;
    use lizi_store::StoreConfig;
    use serde_json::json;

    #[tokio::test]
    async fn names_come_from_lists_and_events_and_are_written_once() {
        let store = Store::open(StoreConfig::memory()).expect("a store");
        let names = Names::open(store.clone());
        let friends = Reply::Friends(vec![Friend {
            uin: 5,
            nick_name: "five".into(),
            ..Friend::default()
        }]);
        let mut ops = names.learn_reply(&friends);
        ops.extend(
            names.learn_frame(&json!({"group_id": 7, "group_name": "seven",
            "sender": {"user_id": "6", "nickname": "six"}})),
        );
        ops.extend(names.learn_frame(&json!({"sender": {"user_id": 5, "nickname": ""}})));
        assert_eq!(ops.len(), 3);
        store.write(ops).wait().await.expect("written");
        assert_eq!(
            (names.user(5), names.user(6), names.group(7)),
            (
                Some("five".into()),
                Some("six".into()),
                Some("seven".into())
            )
        );
        assert_eq!(names.user(8), None);
        assert!(names.learn_reply(&friends).is_empty(), "known already");
    }
}
