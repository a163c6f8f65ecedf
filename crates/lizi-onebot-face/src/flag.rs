//! The `flag` of a OneBot request event: everything the XLZ answer (`/setfriendaddrequest`,
//! `/setgroupaddrequest`) needs, written into the string itself, so a request can be
//! answered by its flag after a restart with no table to keep.
//!
//! - a friend request: `friend:<user>:<seq>`;
//! - a join request or an invitation: `group:<group>:<user>:<seq>:<type>`, where `type` is
//!   XLZ's (`1` an invitation, `3` a join request).

use lizi_core::Uin;

/// A request event, as its flag names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestFlag {
    /// Someone asked to become the account's friend.
    Friend {
        /// Who asked.
        user: Uin,
        /// The XLZ event's `Msg.Seq`.
        seq: i64,
    },
    /// Someone asked to join a group, or invited the account into one.
    Group {
        /// The group.
        group: Uin,
        /// Who asked, or who invited.
        user: Uin,
        /// The XLZ event's `Msg.Seq`.
        seq: i64,
        /// Whether the account was invited (XLZ `type` 1) rather than asked (`type` 3).
        invite: bool,
    },
}

impl RequestFlag {
    /// XLZ's `type` of a group request: 1 for an invitation, 3 for a join request.
    pub fn xlz_type(invite: bool) -> i64 {
        if invite {
            1
        } else {
            3
        }
    }

    /// The flag as the event carries it.
    pub fn encode(&self) -> String {
        match *self {
            RequestFlag::Friend { user, seq } => format!("friend:{user}:{seq}"),
            RequestFlag::Group {
                group,
                user,
                seq,
                invite,
            } => format!("group:{group}:{user}:{seq}:{}", Self::xlz_type(invite)),
        }
    }

    /// Reads a flag written by [`RequestFlag::encode`]; `None` for anything else.
    pub fn decode(flag: &str) -> Option<RequestFlag> {
        let mut parts = flag.split(':');
        let kind = parts.next()?;
        let numbers: Vec<i64> = parts.map(|part| part.parse().ok()).collect::<Option<_>>()?;
        match (kind, numbers.as_slice()) {
            ("friend", &[user, seq]) => Some(RequestFlag::Friend {
                user: u64::try_from(user).ok()?,
                seq,
            }),
            ("group", &[group, user, seq, kind @ (1 | 3)]) => Some(RequestFlag::Group {
                group: u64::try_from(group).ok()?,
                user: u64::try_from(user).ok()?,
                seq,
                invite: kind == 1,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_read_back_as_written() {
        for flag in [
            RequestFlag::Friend { user: 42, seq: 7 },
            RequestFlag::Group {
                group: 100,
                user: 42,
                seq: -3,
                invite: true,
            },
            RequestFlag::Group {
                group: 100,
                user: 42,
                seq: 9,
                invite: false,
            },
        ] {
            assert_eq!(RequestFlag::decode(&flag.encode()), Some(flag));
        }
        assert_eq!(
            RequestFlag::Friend { user: 42, seq: 7 }.encode(),
            "friend:42:7"
        );
    }

    #[test]
    fn other_strings_are_not_flags() {
        for bad in [
            "",
            "friend",
            "friend:42",
            "friend:42:7:1",
            "group:1:2:3:2",
            "friend:-1:7",
            "friend:x:7",
            "1726890039",
        ] {
            assert_eq!(RequestFlag::decode(bad), None, "{bad}");
        }
    }
}
