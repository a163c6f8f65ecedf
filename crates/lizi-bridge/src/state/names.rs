//! [`Names`]: the nicknames and group names lizi has seen, in friend and member lists,
//! profiles and events, so that `/getnickname?fromcache=true` and
//! `/getgroupnamefromcache` answer without asking the implementation.

use std::collections::HashMap;

use lizi_core::{Gin, Reply, Uin};
use lizi_onebot::lenient::as_u64;
use serde_json::Value;

/// Names seen, newest wins. Kept in memory: a restart asks the implementation again.
#[derive(Debug, Default)]
pub struct Names {
    users: HashMap<Uin, String>,
    groups: HashMap<Gin, String>,
}

impl Names {
    /// The nickname of `uin`, if seen.
    pub fn user(&self, uin: Uin) -> Option<&str> {
        self.users.get(&uin).map(String::as_str)
    }

    /// The name of group `gin`, if seen.
    pub fn group(&self, gin: Gin) -> Option<&str> {
        self.groups.get(&gin).map(String::as_str)
    }

    fn keep_user(&mut self, uin: Uin, name: &str) {
        if uin != 0 && !name.is_empty() {
            self.users.insert(uin, name.to_owned());
        }
    }

    fn keep_group(&mut self, gin: Gin, name: &str) {
        if gin != 0 && !name.is_empty() {
            self.groups.insert(gin, name.to_owned());
        }
    }

    /// Learns the names in an answer: friends, members, groups, a profile.
    pub fn learn_reply(&mut self, reply: &Reply) {
        match reply {
            Reply::Friends(friends) => {
                for friend in friends {
                    self.keep_user(friend.uin, &friend.nick_name);
                }
            }
            Reply::Members(members) => {
                for member in members {
                    self.keep_user(member.uin, &member.nick_name);
                }
            }
            Reply::Groups(groups) => {
                for group in groups {
                    self.keep_group(group.gin, &group.str_group_name);
                }
            }
            Reply::User(user) => self.keep_user(user.uin, &user.nick_name),
            _ => {}
        }
    }

    /// Learns the names in a OneBot event: the sender's nickname, and the group's name
    /// where the implementation gives it.
    pub fn learn_frame(&mut self, frame: &Value) {
        let number = |value: &Value, key: &str| value.get(key).and_then(as_u64).unwrap_or(0);
        fn text<'a>(value: &'a Value, key: &str) -> &'a str {
            value.get(key).and_then(Value::as_str).unwrap_or("")
        }
        if let Some(sender) = frame.get("sender") {
            self.keep_user(number(sender, "user_id"), text(sender, "nickname"));
        }
        self.keep_group(number(frame, "group_id"), text(frame, "group_name"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lizi_core::model::Friend;
    use serde_json::json;

    #[test]
    fn names_come_from_lists_and_events() {
        let mut names = Names::default();
        names.learn_reply(&Reply::Friends(vec![Friend {
            uin: 5,
            nick_name: "five".into(),
            ..Friend::default()
        }]));
        names.learn_frame(&json!({"group_id": 7, "group_name": "seven",
            "sender": {"user_id": "6", "nickname": "six"}}));
        names.learn_frame(&json!({"sender": {"user_id": 5, "nickname": ""}}));
        assert_eq!(
            (names.user(5), names.user(6), names.group(7)),
            (Some("five"), Some("six"), Some("seven"))
        );
        assert_eq!(names.user(8), None);
    }
}
