//! The world a recorded scenario needs, written into the file in the world fixture's
//! format (`[world]` with `[[world.account]]`, `[[world.user]]`, `[[world.friend]]`,
//! `[[world.group]]`), so that it replays on a fresh simulated network: the account, the
//! people and groups the conversation touched, friendships and roles — as they were when
//! the recording started. The world is seen when the recording stops, so what happened
//! meanwhile is undone: people who joined were not members yet, people who left or were
//! removed were, and whoever spoke in a group must have been in it.

use std::collections::{BTreeMap, BTreeSet};

use lizi_core::event::kind;
use lizi_core::Event;
use serde::Serialize;

use crate::recording::{touched, Recording};

/// A framework account of the world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountRow {
    /// QQ number.
    pub uin: u64,
    /// Nickname.
    pub nickname: String,
    /// Logged in at start.
    pub online: bool,
}

/// A person of the world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRow {
    /// QQ number.
    pub uin: u64,
    /// Nickname.
    pub nickname: String,
}

/// A friendship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FriendRow {
    /// One side (the account).
    pub a: u64,
    /// The other.
    pub b: u64,
}

/// A group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupRow {
    /// Group number.
    pub gin: u64,
    /// Name.
    pub name: String,
    /// Owner.
    pub owner: u64,
    /// Admins.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub admins: Vec<u64>,
    /// Members.
    pub members: Vec<u64>,
    /// Cards, by QQ number.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub cards: BTreeMap<String, String>,
}

/// A world in the fixture's format.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WorldTable {
    /// Framework accounts.
    pub account: Vec<AccountRow>,
    /// People.
    pub user: Vec<UserRow>,
    /// Friendships.
    pub friend: Vec<FriendRow>,
    /// Groups.
    pub group: Vec<GroupRow>,
}

/// The world `recording` needs, as it was at its start; `joined` are the (person, group)
/// pairs that joined while it ran.
pub fn at_start(recording: &Recording, joined: &BTreeSet<(u64, u64)>) -> WorldTable {
    let account = recording.account;
    let touched = touched(account, &recording.observed);
    let seen: Vec<&Event> = recording
        .observed
        .iter()
        .filter(|o| o.event.logon() == account)
        .map(|o| &o.event)
        .collect();
    let names = names_seen(recording, &seen);
    let mut people: BTreeSet<u64> = touched.people.clone();
    let mut groups = Vec::new();
    for &gin in &touched.groups {
        let known = recording.world.groups.iter().find(|g| g.gin == gin);
        let mut members: BTreeSet<u64> = known
            .map(|g| g.members.iter().map(|m| m.uin).collect())
            .unwrap_or_default();
        // Undo what happened, newest first.
        for event in seen.iter().rev() {
            if let Event::EventMsg(e) = event {
                if e.from_group.gin != gin {
                    continue;
                }
                match e.msg.kind {
                    kind::MEMBER_JOINED => {
                        members.remove(&e.from_qq.uin);
                    }
                    kind::MEMBER_LEFT | kind::MEMBER_KICKED => {
                        members.insert(e.from_qq.uin);
                    }
                    _ => {}
                }
            }
        }
        for (user, group) in joined {
            if *group == gin {
                members.remove(user);
            }
        }
        // Whoever spoke in the group (or through it) was in it.
        let mut now = members.clone();
        for event in &seen {
            let speaker = match event {
                Event::GroupMsg(m) if m.from_group.gin == gin => Some(m.from_qq.uin),
                Event::PrivateMsg(m) if m.from_group.gin == gin => Some(m.from_qq.uin),
                Event::EventMsg(e) if e.from_group.gin == gin => {
                    match e.msg.kind {
                        kind::MEMBER_JOINED => {
                            now.insert(e.from_qq.uin);
                        }
                        kind::MEMBER_LEFT | kind::MEMBER_KICKED => {
                            now.remove(&e.from_qq.uin);
                        }
                        _ => {}
                    }
                    None
                }
                _ => None,
            };
            if let Some(speaker) = speaker {
                if now.insert(speaker) {
                    members.insert(speaker);
                }
            }
        }
        let owner = known.map_or(account, |g| g.owner);
        members.insert(owner);
        let wanted = |uin: &u64| *uin == account || *uin == owner || people.contains(uin);
        let members: Vec<u64> = members.into_iter().filter(wanted).collect();
        let admins: Vec<u64> = known
            .map(|g| g.admins.clone())
            .unwrap_or_default()
            .into_iter()
            .filter(|a| *a != owner && members.contains(a))
            .collect();
        let cards = known
            .map(|g| {
                g.members
                    .iter()
                    .filter(|m| !m.card.is_empty() && members.contains(&m.uin))
                    .map(|m| (m.uin.to_string(), m.card.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let name = known
            .map(|g| g.name.clone())
            .filter(|n| !n.is_empty())
            .or_else(|| names.groups.get(&gin).cloned())
            .unwrap_or_else(|| format!("group {gin}"));
        people.extend(members.iter().filter(|m| **m != account));
        groups.push(GroupRow {
            gin,
            name,
            owner,
            admins,
            members,
            cards,
        });
    }
    let friends = friends_at_start(recording, &seen, &people);
    let nickname = |uin: u64| {
        names
            .people
            .get(&uin)
            .cloned()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("user {uin}"))
    };
    let account_nickname = Some(recording.world.account_nickname.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "bot".to_owned());
    WorldTable {
        account: vec![AccountRow {
            uin: account,
            nickname: account_nickname,
            online: true,
        }],
        user: people
            .iter()
            .map(|&uin| UserRow {
                uin,
                nickname: nickname(uin),
            })
            .collect(),
        friend: friends
            .into_iter()
            .map(|b| FriendRow { a: account, b })
            .collect(),
        group: groups,
    }
}

/// The account's friends among `people` at the start: those it had at the end but for
/// those it made meanwhile, and whoever sent it a friend message.
fn friends_at_start(recording: &Recording, seen: &[&Event], people: &BTreeSet<u64>) -> Vec<u64> {
    let mut friends: BTreeSet<u64> = recording.world.friends.iter().map(|(u, _)| *u).collect();
    let mut made = BTreeSet::new();
    for event in seen {
        match event {
            Event::EventMsg(e) if e.msg.kind == kind::NEW_FRIEND => {
                made.insert(e.from_qq.uin);
                friends.remove(&e.from_qq.uin);
            }
            Event::PrivateMsg(m) if m.from_group.gin == 0 => {
                let from = m.from_qq.uin;
                if from != recording.account && !made.contains(&from) {
                    friends.insert(from);
                }
            }
            _ => {}
        }
    }
    friends.retain(|f| people.contains(f));
    friends.into_iter().collect()
}

/// Names seen in the world and in the events.
#[derive(Default)]
struct Names {
    people: BTreeMap<u64, String>,
    groups: BTreeMap<u64, String>,
}

fn names_seen(recording: &Recording, seen: &[&Event]) -> Names {
    let mut names = Names::default();
    let mut person = |uin: u64, name: &str| {
        if !name.is_empty() {
            names.people.entry(uin).or_insert_with(|| name.to_owned());
        }
    };
    for group in &recording.world.groups {
        for member in &group.members {
            person(member.uin, &member.nickname);
        }
    }
    for (uin, nickname) in &recording.world.friends {
        person(*uin, nickname);
    }
    for event in seen {
        match event {
            Event::PrivateMsg(m) => person(m.from_qq.uin, &m.from_qq.nick_name),
            Event::EventMsg(e) => {
                person(e.from_qq.uin, &e.from_qq.nick_name);
                person(e.operate_qq.uin, &e.operate_qq.nick_name);
            }
            Event::GroupMsg(m) => person(m.from_qq.uin, &m.from_qq.card),
        }
    }
    for event in seen {
        let (gin, name) = match event {
            Event::GroupMsg(m) => (m.from_group.gin, &m.from_group.name),
            Event::EventMsg(e) => (e.from_group.gin, &e.from_group.name),
            Event::PrivateMsg(_) => continue,
        };
        if gin != 0 && !name.is_empty() {
            names.groups.entry(gin).or_insert_with(|| name.clone());
        }
    }
    names
}

/// A WebSocket URL with its port replaced by `{port}` (the port `lizi test` gives the
/// bot): `ws://127.0.0.1:8080/ws/` → `ws://127.0.0.1:{port}/ws/`.
pub fn with_port_placeholder(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let authority_start = scheme_end + 3;
    let authority_end = url[authority_start..]
        .find('/')
        .map_or(url.len(), |i| authority_start + i);
    let authority = &url[authority_start..authority_end];
    let host = match authority.rfind(':') {
        Some(colon) if !authority[colon..].contains(']') => &authority[..colon],
        _ => authority,
    };
    format!(
        "{}{host}:{{port}}{}",
        &url[..authority_start],
        &url[authority_end..]
    )
}

#[cfg(test)]
mod tests {
    use super::with_port_placeholder;

    #[test]
    fn the_port_becomes_a_placeholder() {
        assert_eq!(
            with_port_placeholder("ws://127.0.0.1:8080/ws/"),
            "ws://127.0.0.1:{port}/ws/"
        );
        assert_eq!(
            with_port_placeholder("ws://localhost/x"),
            "ws://localhost:{port}/x"
        );
        assert_eq!(with_port_placeholder("ws://[::1]:9/"), "ws://[::1]:{port}/");
    }
}
