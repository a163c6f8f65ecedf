//! Real accounts made anonymous: every real QQ number, group number, nickname, card and
//! group name of a recording is replaced by a stable fixture — the account by `10001
//! lizi-bot`, people by `20001 Alice`, `20002 Bob`, … and groups by `30001 test group 1`,
//! … in the order they first appear — consistently across the whole file: mentions,
//! replies and numbers or names written in the text follow the mapping. Pictures, voices
//! and files keep only their hash, and only when asked (`keep_media`); otherwise nothing
//! but the kind of the code is left.

use std::collections::BTreeMap;

use lizi_core::textcode::{self, Code, Segment};
use lizi_core::Event;

use crate::recording::{appearances, GroupSeen, MemberSeen, Recording, WorldSeen};

/// The fixture number of the recorded account.
pub const ACCOUNT: u64 = 10001;
/// The fixture nickname of the recorded account.
pub const ACCOUNT_NAME: &str = "lizi-bot";
/// The first fixture number of a person.
const FIRST_PERSON: u64 = 20001;
/// The first fixture number of a group.
const FIRST_GROUP: u64 = 30001;

/// The names people get, in order; later people are `User <number>`.
const NAMES: &[&str] = &[
    "Alice", "Bob", "Carol", "Dave", "Eve", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory",
    "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Yolanda",
];

/// Text codes that hold no media: kept as they are (their numbers and names follow the
/// mapping).
const PLAIN_CODES: &[&str] = &["Face", "bigFace", "smallFace", "Shake", "Reply"];

/// The mapping from real numbers and names to fixtures.
#[derive(Debug, Default)]
struct Fixtures {
    /// Real QQ number → fixture number and name.
    people: BTreeMap<u64, (u64, String)>,
    /// Real group number → fixture number and name.
    groups: BTreeMap<u64, (u64, String)>,
    /// Real names (nicknames, cards, group names) → fixture names, longest first.
    names: Vec<(String, String)>,
    keep_media: bool,
}

impl Fixtures {
    fn person(&mut self, uin: u64) {
        if uin == 0 || self.people.contains_key(&uin) {
            return;
        }
        let index = self.people.values().filter(|(n, _)| *n != ACCOUNT).count();
        let number = FIRST_PERSON + index as u64;
        let name = NAMES
            .get(index)
            .map_or_else(|| format!("User {number}"), |name| (*name).to_owned());
        self.people.insert(uin, (number, name));
    }

    fn group(&mut self, gin: u64) {
        if gin == 0 || self.groups.contains_key(&gin) {
            return;
        }
        let index = self.groups.len();
        let number = FIRST_GROUP + index as u64;
        self.groups
            .insert(gin, (number, format!("test group {}", index + 1)));
    }

    fn uin(&self, uin: u64) -> u64 {
        self.people.get(&uin).map_or(uin, |(n, _)| *n)
    }

    fn gin(&self, gin: u64) -> u64 {
        self.groups.get(&gin).map_or(gin, |(n, _)| *n)
    }

    fn name_of(&self, uin: u64) -> String {
        self.people
            .get(&uin)
            .map_or_else(String::new, |(_, name)| name.clone())
    }

    fn group_name(&self, gin: u64) -> String {
        self.groups
            .get(&gin)
            .map_or_else(String::new, |(_, name)| name.clone())
    }

    /// Notes a real name (of a person or group) and the fixture name it becomes.
    fn name(&mut self, real: &str, fixture: String) {
        let real = real.trim();
        // A one-character name would rewrite every occurrence of that character.
        if real.chars().count() < 2 || self.names.iter().any(|(r, _)| r == real) {
            return;
        }
        self.names.push((real.to_owned(), fixture));
    }

    /// Plain text with real names and numbers replaced.
    fn plain(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for (real, fixture) in &self.names {
            text = text.replace(real.as_str(), fixture);
        }
        numbers_replaced(&text, |n| {
            self.people
                .get(&n)
                .or_else(|| self.groups.get(&n))
                .map(|(fixture, _)| *fixture)
        })
    }

    /// Message text (with codes) with every real number and name replaced, media kept by
    /// hash only (or not at all).
    fn text(&self, text: &str) -> String {
        let segments: Vec<Segment> = textcode::parse(text)
            .into_iter()
            .map(|segment| match segment {
                Segment::Text(text) => Segment::Text(self.plain(&text)),
                Segment::At(uin) => Segment::At(self.uin(uin)),
                Segment::Code(code) if PLAIN_CODES.iter().any(|name| code.is(name)) => {
                    let mut kept = Code::new(code.name.clone());
                    // A reply's quoted text and sender, like any number or name.
                    for (key, value) in &code.args {
                        kept = kept.with(key.clone(), self.plain(value));
                    }
                    Segment::Code(kept)
                }
                Segment::Code(code) => {
                    let mut kept = Code::new(code.name.clone());
                    if self.keep_media {
                        if let Some(hash) = code.get("hash").or(code.get("md5")) {
                            kept = kept.with("hash", hash);
                        }
                    }
                    Segment::Code(kept)
                }
                other => other,
            })
            .collect();
        textcode::print(&segments)
    }
}

/// `text` with every run of digits that `map` knows replaced.
fn numbers_replaced(text: &str, map: impl Fn(u64) -> Option<u64>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        match digits.parse().ok().and_then(&map) {
            Some(fixture) => out.push_str(&fixture.to_string()),
            None => out.push_str(digits),
        }
        digits.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// The recording with every real number and name replaced by a fixture.
pub fn anonymised(recording: &Recording) -> Recording {
    let mut fixtures = Fixtures {
        keep_media: recording.options.keep_media,
        ..Fixtures::default()
    };
    let account = recording.account;
    fixtures
        .people
        .insert(account, (ACCOUNT, ACCOUNT_NAME.to_owned()));
    // Numbers in the order they first appear.
    let (people, groups) = appearances(account, &recording.observed);
    groups.into_iter().for_each(|g| fixtures.group(g));
    people.into_iter().for_each(|u| fixtures.person(u));
    for group in &recording.world.groups {
        fixtures.group(group.gin);
        fixtures.person(group.owner);
        group.admins.iter().for_each(|u| fixtures.person(*u));
        group.members.iter().for_each(|m| fixtures.person(m.uin));
    }
    recording
        .world
        .friends
        .iter()
        .for_each(|(u, _)| fixtures.person(*u));
    // Names, each person's and group's known names becoming the fixture's.
    fixtures.name(&recording.world.account_nickname, ACCOUNT_NAME.to_owned());
    let mut names: Vec<(String, String)> = Vec::new();
    for group in &recording.world.groups {
        names.push((group.name.clone(), fixtures.group_name(group.gin)));
        for member in &group.members {
            let fixture = fixtures.name_of(member.uin);
            names.push((member.nickname.clone(), fixture.clone()));
            names.push((member.card.clone(), fixture));
        }
    }
    for (uin, nickname) in &recording.world.friends {
        names.push((nickname.clone(), fixtures.name_of(*uin)));
    }
    for seen in &recording.observed {
        match &seen.event {
            Event::GroupMsg(m) => {
                names.push((m.from_qq.card.clone(), fixtures.name_of(m.from_qq.uin)));
                names.push((
                    m.from_group.name.clone(),
                    fixtures.group_name(m.from_group.gin),
                ));
            }
            Event::PrivateMsg(m) => {
                names.push((m.from_qq.nick_name.clone(), fixtures.name_of(m.from_qq.uin)));
            }
            Event::EventMsg(e) => {
                names.push((e.from_qq.nick_name.clone(), fixtures.name_of(e.from_qq.uin)));
                names.push((
                    e.operate_qq.nick_name.clone(),
                    fixtures.name_of(e.operate_qq.uin),
                ));
                names.push((
                    e.from_group.name.clone(),
                    fixtures.group_name(e.from_group.gin),
                ));
            }
        }
    }
    for (real, fixture) in names {
        if !fixture.is_empty() {
            fixtures.name(&real, fixture);
        }
    }
    fixtures
        .names
        .sort_by_key(|(real, _)| std::cmp::Reverse(real.chars().count()));

    let mut out = recording.clone();
    out.account = ACCOUNT;
    for seen in &mut out.observed {
        seen.peer = seen.peer.map(|p| fixtures.uin(p));
        anonymise_event(&fixtures, &mut seen.event);
    }
    out.world = WorldSeen {
        account_nickname: ACCOUNT_NAME.to_owned(),
        groups: recording
            .world
            .groups
            .iter()
            .map(|group| GroupSeen {
                gin: fixtures.gin(group.gin),
                name: fixtures.group_name(group.gin),
                owner: fixtures.uin(group.owner),
                admins: group.admins.iter().map(|u| fixtures.uin(*u)).collect(),
                members: group
                    .members
                    .iter()
                    .map(|m| MemberSeen {
                        uin: fixtures.uin(m.uin),
                        nickname: fixtures.name_of(m.uin),
                        card: String::new(),
                    })
                    .collect(),
            })
            .collect(),
        friends: recording
            .world
            .friends
            .iter()
            .map(|(u, _)| (fixtures.uin(*u), fixtures.name_of(*u)))
            .collect(),
    };
    out
}

/// One event with its numbers, names and texts replaced.
fn anonymise_event(fixtures: &Fixtures, event: &mut Event) {
    // Who it is about: the number replaced, the fixture's name answered.
    let person = |uin: &mut u64| {
        let real = *uin;
        *uin = fixtures.uin(real);
        fixtures.name_of(real)
    };
    match event {
        Event::GroupMsg(m) => {
            m.from_qq.card = person(&mut m.from_qq.uin);
            m.from_qq.spec_title.clear();
            person(&mut m.logon_qq);
            m.from_group.name = fixtures.group_name(m.from_group.gin);
            m.from_group.gin = fixtures.gin(m.from_group.gin);
            m.msg.text = fixtures.text(&m.msg.text);
            m.msg.text_reply = fixtures.text(&m.msg.text_reply);
            m.file = Default::default();
        }
        Event::PrivateMsg(m) => {
            m.from_qq.nick_name = person(&mut m.from_qq.uin);
            person(&mut m.logon_qq);
            m.from_group.gin = fixtures.gin(m.from_group.gin);
            m.msg.text = fixtures.text(&m.msg.text);
            m.file = Default::default();
        }
        Event::EventMsg(e) => {
            e.from_qq.nick_name = person(&mut e.from_qq.uin);
            e.operate_qq.nick_name = person(&mut e.operate_qq.uin);
            person(&mut e.logon_qq);
            e.from_group.name = fixtures.group_name(e.from_group.gin);
            e.from_group.gin = fixtures.gin(e.from_group.gin);
            e.msg.text = fixtures.text(&e.msg.text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_replaced_only_as_whole_runs() {
        let map = |n| (n == 123).then_some(20001);
        assert_eq!(
            numbers_replaced("123 1234 a123b 12", map),
            "20001 1234 a20001b 12"
        );
    }

    #[test]
    fn text_follows_the_mapping_and_media_keeps_its_hash_only_when_asked() {
        let mut fixtures = Fixtures::default();
        fixtures.person(987654);
        fixtures.name("张伟", "Alice".into());
        assert_eq!(
            fixtures.text("张伟 [@987654] 987654 [pic,hash=AB,url=http://x/y]"),
            "Alice [@20001] 20001 [pic]"
        );
        fixtures.keep_media = true;
        assert_eq!(
            fixtures.text("[pic,hash=AB,url=http://x/y]"),
            "[pic,hash=AB]"
        );
    }
}
