//! World fixtures: the TOML description of a simulated network at start.
//!
//! ```toml
//! [[account]]          # framework accounts (框架QQ); online = logged in at start
//! uin = 10001
//! nickname = "bot"
//! online = true        # optional, default true
//! [[user]]             # other people on the simulated network
//! uin = 20001
//! nickname = "Alice"
//! signature = "hi"     # optional profile fields: signature, sex (0/1/2), age, email
//! [[friend]]           # a friendship (symmetric)
//! a = 10001
//! b = 20001
//! [[group]]
//! gin = 30001
//! name = "test group"
//! owner = 20001
//! admins = [10001]
//! members = [10001, 20001]   # owner and admins are members even if not listed
//! cards = { 20001 = "the owner" }   # optional group cards, by QQ number
//! honours = { performer = [20001] }  # optional honours: performer, legend,
//!                                    # strong_newbie, emotion (talkative: from messages)
//! memo = ""            # optional group memo
//! [[category]]         # a friend category (分组) of an account, numbered from 1
//! account = 10001
//! name = "colleagues"
//! friends = [20001]    # friends of the account; the others are in "我的好友" (0)
//! ```
//!
//! A fixture is always validated, whether it comes from [`WorldFixture::from_toml`] or from
//! any other serde format, so a [`WorldFixture`] value is always a consistent world.

use std::collections::{BTreeMap, BTreeSet};

use lizi_core::{Gin, Uin};
use serde::{Deserialize, Serialize};

/// The default world, shipped as `worlds/default.toml`.
const DEFAULT_WORLD: &str = include_str!("../worlds/default.toml");

/// Why a world fixture was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorldError {
    /// The text is not TOML of the fixture's shape.
    #[error("world fixture is not valid: {0}")]
    Syntax(String),
    /// The world has no framework account.
    #[error("the world needs at least one [[account]]")]
    NoAccount,
    /// A QQ or group number is 0.
    #[error("{0} has number 0; QQ and group numbers start at 1")]
    Zero(String),
    /// Two people share a QQ number.
    #[error("QQ number {0} is listed more than once among [[account]] and [[user]]")]
    DuplicateUin(Uin),
    /// Two groups share a number.
    #[error("group {0} is listed more than once")]
    DuplicateGroup(Gin),
    /// A name that must not be empty is empty.
    #[error("{0} has an empty name")]
    EmptyName(String),
    /// A friendship or group refers to a QQ number that is neither account nor user.
    #[error("{context} refers to {uin}, which is neither an [[account]] nor a [[user]]")]
    UnknownUin {
        /// Where the reference is.
        context: String,
        /// The unknown number.
        uin: Uin,
    },
    /// Someone is their own friend.
    #[error("[[friend]] {0}–{0}: nobody can be their own friend")]
    SelfFriend(Uin),
    /// A friendship is listed twice.
    #[error("[[friend]] {0}–{1} is listed more than once")]
    DuplicateFriend(Uin, Uin),
    /// The owner of a group is also listed as an admin.
    #[error("group {gin}: the owner {uin} cannot also be an admin")]
    OwnerIsAdmin {
        /// The group.
        gin: Gin,
        /// The owner.
        uin: Uin,
    },
    /// A friend category is wrong: not an account's, a name empty or taken, or a friend
    /// that is not the account's or already in another category.
    #[error("[[category]] \"{name}\" of {account}: {problem}")]
    BadCategory {
        /// The account.
        account: Uin,
        /// The category's name.
        name: String,
        /// What is wrong.
        problem: String,
    },
    /// A group card is keyed by something that is not a member's QQ number.
    #[error("group {gin}: card key `{key}` is not the QQ number of a member")]
    BadCard {
        /// The group.
        gin: Gin,
        /// The offending key.
        key: String,
    },
    /// A group honour names someone who is not a member.
    #[error("group {gin}: honour `{honour}` names {uin}, who is not a member")]
    BadHonour {
        /// The group.
        gin: Gin,
        /// The honour.
        honour: &'static str,
        /// The one named.
        uin: Uin,
    },
}

/// A framework account (框架QQ) of the fixture.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountFixture {
    /// QQ number.
    pub uin: Uin,
    /// Nickname.
    pub nickname: String,
    /// Logged in at start (default true).
    #[serde(default = "yes")]
    pub online: bool,
    /// Signature (个性签名).
    #[serde(default)]
    pub signature: String,
    /// Sex: 0 unknown, 1 male, 2 female.
    #[serde(default)]
    pub sex: i64,
    /// Age.
    #[serde(default)]
    pub age: i64,
    /// E-mail.
    #[serde(default)]
    pub email: String,
}

/// Another person on the simulated network.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserFixture {
    /// QQ number.
    pub uin: Uin,
    /// Nickname.
    pub nickname: String,
    /// Signature (个性签名).
    #[serde(default)]
    pub signature: String,
    /// Sex: 0 unknown, 1 male, 2 female.
    #[serde(default)]
    pub sex: i64,
    /// Age.
    #[serde(default)]
    pub age: i64,
    /// E-mail.
    #[serde(default)]
    pub email: String,
}

/// A (symmetric) friendship.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FriendFixture {
    /// One side.
    pub a: Uin,
    /// The other side.
    pub b: Uin,
}

/// A group.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupFixture {
    /// Group number.
    pub gin: Gin,
    /// Group name.
    pub name: String,
    /// The owner (群主).
    pub owner: Uin,
    /// The admins (管理员).
    #[serde(default)]
    pub admins: Vec<Uin>,
    /// The members; the owner and admins are members even if not listed.
    #[serde(default)]
    pub members: Vec<Uin>,
    /// Group cards (群名片), keyed by QQ number.
    #[serde(default)]
    pub cards: BTreeMap<String, String>,
    /// Group honours (群荣誉) held by members; the talkative one (龙王) is not given here,
    /// the group's messages decide it.
    #[serde(default)]
    pub honours: Honours,
    /// Group memo (群公告).
    #[serde(default)]
    pub memo: String,
}

/// The members who hold each of a group's honours, as a world file gives them (and the
/// world keeps them, a row of [`crate::World::honours`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Honours {
    /// 群聊之火.
    #[serde(default)]
    pub performer: Vec<Uin>,
    /// 群聊炽焰.
    #[serde(default)]
    pub legend: Vec<Uin>,
    /// 冒尖小春笋.
    #[serde(default)]
    pub strong_newbie: Vec<Uin>,
    /// 快乐源泉.
    #[serde(default)]
    pub emotion: Vec<Uin>,
}

impl Honours {
    /// Whether no honour is held.
    pub fn is_empty(&self) -> bool {
        self.lists().iter().all(|(_, holders)| holders.is_empty())
    }

    /// Each honour's name with its holders.
    pub fn lists(&self) -> [(&'static str, &[Uin]); 4] {
        [
            ("performer", &self.performer),
            ("legend", &self.legend),
            ("strong_newbie", &self.strong_newbie),
            ("emotion", &self.emotion),
        ]
    }
}

/// A friend category (分组) of a framework account; the friends in none are in QQ's
/// default category.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryFixture {
    /// The account whose category it is.
    pub account: Uin,
    /// The category's name.
    pub name: String,
    /// Friends of the account sorted into it.
    #[serde(default)]
    pub friends: Vec<Uin>,
}

impl GroupFixture {
    /// Every member: owner, admins and listed members, each once, by QQ number.
    pub fn all_members(&self) -> BTreeSet<Uin> {
        let mut all: BTreeSet<Uin> = self.members.iter().copied().collect();
        all.insert(self.owner);
        all.extend(self.admins.iter().copied());
        all
    }

    /// The card of `uin`, empty when none is given.
    pub fn card(&self, uin: Uin) -> String {
        self.cards
            .get(&uin.to_string())
            .cloned()
            .unwrap_or_default()
    }
}

fn yes() -> bool {
    true
}

/// The fixture as written, before validation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorld {
    #[serde(default)]
    account: Vec<AccountFixture>,
    #[serde(default)]
    user: Vec<UserFixture>,
    #[serde(default)]
    friend: Vec<FriendFixture>,
    #[serde(default)]
    group: Vec<GroupFixture>,
    #[serde(default)]
    category: Vec<CategoryFixture>,
}

/// A validated description of a simulated network at start (see the module docs for the
/// TOML format).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawWorld")]
pub struct WorldFixture {
    accounts: Vec<AccountFixture>,
    users: Vec<UserFixture>,
    friends: Vec<FriendFixture>,
    groups: Vec<GroupFixture>,
    categories: Vec<CategoryFixture>,
}

impl TryFrom<RawWorld> for WorldFixture {
    type Error = WorldError;

    fn try_from(raw: RawWorld) -> Result<Self, WorldError> {
        let fixture = WorldFixture {
            accounts: raw.account,
            users: raw.user,
            friends: raw.friend,
            groups: raw.group,
            categories: raw.category,
        };
        fixture.validate()?;
        Ok(fixture)
    }
}

impl WorldFixture {
    /// Parses and validates a TOML world fixture.
    pub fn from_toml(text: &str) -> Result<WorldFixture, WorldError> {
        let raw: RawWorld = toml::from_str(text).map_err(|e| WorldError::Syntax(e.to_string()))?;
        WorldFixture::try_from(raw)
    }

    /// The default world (`crates/lizi-sim/worlds/default.toml`):
    ///
    /// - accounts 10001 "lizi-bot" and 10002 "lizi-helper", both online;
    /// - users 20001 "Alice", 20002 "Bob", 20003 "Carol";
    /// - friendships 10001–20001, 10001–20002, 10002–20001, 10001–10002;
    /// - group 30001 "lizi test group": owner 20001, admin 10001, members 10001, 10002,
    ///   20001, 20002, 20003;
    /// - group 30002 "lizi dev group": owner 10001, members 10001, 20002.
    pub fn default_world() -> WorldFixture {
        match WorldFixture::from_toml(DEFAULT_WORLD) {
            Ok(world) => world,
            // The file is part of the crate and a unit test parses it.
            Err(e) => unreachable!("worlds/default.toml is invalid: {e}"),
        }
    }

    /// The framework accounts.
    pub fn accounts(&self) -> &[AccountFixture] {
        &self.accounts
    }

    /// The other people.
    pub fn users(&self) -> &[UserFixture] {
        &self.users
    }

    /// The friendships.
    pub fn friends(&self) -> &[FriendFixture] {
        &self.friends
    }

    /// The groups.
    pub fn groups(&self) -> &[GroupFixture] {
        &self.groups
    }

    /// The friend categories, in the order written (each account's numbered from 1).
    pub fn categories(&self) -> &[CategoryFixture] {
        &self.categories
    }

    fn validate(&self) -> Result<(), WorldError> {
        if self.accounts.is_empty() {
            return Err(WorldError::NoAccount);
        }
        let people = self
            .accounts
            .iter()
            .map(|a| (a.uin, &a.nickname, "[[account]]"))
            .chain(self.users.iter().map(|u| (u.uin, &u.nickname, "[[user]]")));
        let mut known = BTreeSet::new();
        for (uin, nickname, table) in people {
            if uin == 0 {
                return Err(WorldError::Zero(format!("an {table}")));
            }
            if nickname.trim().is_empty() {
                return Err(WorldError::EmptyName(format!("{table} {uin}")));
            }
            if !known.insert(uin) {
                return Err(WorldError::DuplicateUin(uin));
            }
        }
        let check = |context: &dyn Fn() -> String, uin: Uin| {
            if known.contains(&uin) {
                Ok(())
            } else {
                Err(WorldError::UnknownUin {
                    context: context(),
                    uin,
                })
            }
        };

        let mut friendships = BTreeSet::new();
        for friend in &self.friends {
            let context = || format!("[[friend]] {}–{}", friend.a, friend.b);
            check(&context, friend.a)?;
            check(&context, friend.b)?;
            if friend.a == friend.b {
                return Err(WorldError::SelfFriend(friend.a));
            }
            let pair = (friend.a.min(friend.b), friend.a.max(friend.b));
            if !friendships.insert(pair) {
                return Err(WorldError::DuplicateFriend(pair.0, pair.1));
            }
        }

        let mut gins = BTreeSet::new();
        for group in &self.groups {
            if group.gin == 0 {
                return Err(WorldError::Zero(format!("group \"{}\"", group.name)));
            }
            if !gins.insert(group.gin) {
                return Err(WorldError::DuplicateGroup(group.gin));
            }
            if group.name.trim().is_empty() {
                return Err(WorldError::EmptyName(format!("group {}", group.gin)));
            }
            check(&|| format!("the owner of group {}", group.gin), group.owner)?;
            for &admin in &group.admins {
                check(&|| format!("the admins of group {}", group.gin), admin)?;
                if admin == group.owner {
                    return Err(WorldError::OwnerIsAdmin {
                        gin: group.gin,
                        uin: admin,
                    });
                }
            }
            for &member in &group.members {
                check(&|| format!("the members of group {}", group.gin), member)?;
            }
            let members = group.all_members();
            for key in group.cards.keys() {
                let is_member = key.parse::<Uin>().is_ok_and(|uin| members.contains(&uin));
                if !is_member {
                    return Err(WorldError::BadCard {
                        gin: group.gin,
                        key: key.clone(),
                    });
                }
            }
            for (honour, holders) in group.honours.lists() {
                if let Some(&uin) = holders.iter().find(|uin| !members.contains(uin)) {
                    let gin = group.gin;
                    return Err(WorldError::BadHonour { gin, honour, uin });
                }
            }
        }
        self.validate_categories(&friendships)
    }

    fn validate_categories(&self, friendships: &BTreeSet<(Uin, Uin)>) -> Result<(), WorldError> {
        let mut names = BTreeSet::new();
        let mut sorted = BTreeSet::new();
        for category in &self.categories {
            let bad = |problem: String| WorldError::BadCategory {
                account: category.account,
                name: category.name.clone(),
                problem,
            };
            if !self.accounts.iter().any(|a| a.uin == category.account) {
                return Err(bad("categories belong to an [[account]]".into()));
            }
            let name = category.name.trim();
            if name.is_empty() || name == crate::contacts::DEFAULT_CATEGORY {
                return Err(bad(format!(
                    "a category needs a name other than \"{}\", the default one",
                    crate::contacts::DEFAULT_CATEGORY
                )));
            }
            if !names.insert((category.account, name)) {
                return Err(bad("the account has another category of that name".into()));
            }
            for &friend in &category.friends {
                let pair = (category.account.min(friend), category.account.max(friend));
                if !friendships.contains(&pair) {
                    return Err(bad(format!("{friend} is not a [[friend]] of the account")));
                }
                if !sorted.insert((category.account, friend)) {
                    return Err(bad(format!("{friend} is already in another category")));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
        [[account]]
        uin = 10001
        nickname = "bot"
        [[user]]
        uin = 20001
        nickname = "Alice"
        signature = "hello"
        [[friend]]
        a = 10001
        b = 20001
        [[group]]
        gin = 30001
        name = "g"
        owner = 20001
        admins = [10001]
        cards = { 20001 = "boss" }
    "#;

    fn err(text: &str) -> WorldError {
        match WorldFixture::from_toml(text) {
            Ok(_) => panic!("accepted: {text}"),
            Err(e) => e,
        }
    }

    #[test]
    fn default_world_parses() {
        let world = WorldFixture::from_toml(DEFAULT_WORLD).unwrap();
        assert_eq!(world, WorldFixture::default_world());
        let uins: Vec<Uin> = world.accounts().iter().map(|a| a.uin).collect();
        assert_eq!(uins, [10001, 10002]);
        assert!(world.accounts().iter().all(|a| a.online));
        assert_eq!(world.users().len(), 3);
        assert_eq!(world.friends().len(), 4);
        let test = &world.groups()[0];
        assert_eq!((test.gin, test.owner), (30001, 20001));
        assert_eq!(test.all_members().len(), 5);
        assert_eq!(
            world.groups()[1]
                .all_members()
                .into_iter()
                .collect::<Vec<_>>(),
            [10001, 20002]
        );
    }

    #[test]
    fn categories_name_friends_of_an_account_once() {
        let with = |category: &str| format!("{SMALL}\n[[category]]\n{category}");
        let world = WorldFixture::from_toml(&with(
            r#"account = 10001
            name = "work"
            friends = [20001]"#,
        ))
        .expect("a good category");
        assert_eq!(world.categories()[0].friends, [20001]);
        let problem = |category: &str| match err(&with(category)) {
            WorldError::BadCategory { problem, .. } => problem,
            other => panic!("{other}"),
        };
        assert!(problem("account = 20001\nname = \"x\"").contains("[[account]]"));
        assert!(problem("account = 10001\nname = \"我的好友\"").contains("default"));
        assert!(problem("account = 10001\nname = \"x\"\nfriends = [20002]").contains("not a"));
        let twice = with("account = 10001\nname = \"x\"\nfriends = [20001]");
        let twice =
            format!("{twice}\n[[category]]\naccount = 10001\nname = \"y\"\nfriends = [20001]");
        assert!(matches!(
            WorldFixture::from_toml(&twice),
            Err(WorldError::BadCategory { .. })
        ));
    }

    #[test]
    fn small_world_with_defaults() {
        let world = WorldFixture::from_toml(SMALL).unwrap();
        assert!(world.accounts()[0].online);
        assert_eq!(world.users()[0].signature, "hello");
        assert_eq!(world.users()[0].age, 0);
        let group = &world.groups()[0];
        assert_eq!(
            group.all_members().into_iter().collect::<Vec<_>>(),
            [10001, 20001]
        );
        assert_eq!(group.card(20001), "boss");
        assert_eq!(group.card(10001), "");
    }

    #[test]
    fn other_serde_formats_validate_too() {
        let bad = serde_json::json!({"account": [], "user": []});
        let result: Result<WorldFixture, _> = serde_json::from_value(bad);
        assert!(result
            .unwrap_err()
            .to_string()
            .contains("at least one [[account]]"));
    }

    #[test]
    fn rejects_bad_worlds() {
        let acct = "[[account]]\nuin = 10001\nnickname = \"bot\"\n";
        assert!(matches!(
            err("[[account]]\nuin = 1\nnick = \"x\""),
            WorldError::Syntax(_)
        ));
        assert!(matches!(
            err(&format!("{acct}[[robot]]\nuin = 2")),
            WorldError::Syntax(_)
        ));
        assert_eq!(err(""), WorldError::NoAccount);
        assert_eq!(
            err("[[account]]\nuin = 0\nnickname = \"x\""),
            WorldError::Zero("an [[account]]".into())
        );
        assert_eq!(
            err(&format!("{acct}[[user]]\nuin = 10001\nnickname = \"x\"")),
            WorldError::DuplicateUin(10001)
        );
        assert_eq!(
            err(&format!("{acct}[[user]]\nuin = 20001\nnickname = \" \"")),
            WorldError::EmptyName("[[user]] 20001".into())
        );
        let e = err(&format!("{acct}[[friend]]\na = 10001\nb = 20009"));
        assert_eq!(
            e.to_string(),
            "[[friend]] 10001–20009 refers to 20009, which is neither an [[account]] nor a [[user]]"
        );
        assert_eq!(
            err(&format!("{acct}[[friend]]\na = 10001\nb = 10001")),
            WorldError::SelfFriend(10001)
        );
        let twice = format!(
            "{acct}[[user]]\nuin = 2\nnickname = \"x\"\n[[friend]]\na = 10001\nb = 2\n[[friend]]\na = 2\nb = 10001"
        );
        assert_eq!(err(&twice), WorldError::DuplicateFriend(2, 10001));
        let group = |body: &str| format!("{acct}[[group]]\ngin = 30001\nname = \"g\"\n{body}");
        assert_eq!(
            err(&group("owner = 20001")).to_string(),
            "the owner of group 30001 refers to 20001, which is neither an [[account]] nor a [[user]]"
        );
        assert!(matches!(
            err(&group("owner = 10001\nmembers = [5]")),
            WorldError::UnknownUin { uin: 5, .. }
        ));
        assert_eq!(
            err(&group("owner = 10001\nadmins = [10001]")),
            WorldError::OwnerIsAdmin {
                gin: 30001,
                uin: 10001
            }
        );
        assert_eq!(
            err(&group("owner = 10001\ncards = { 20001 = \"x\" }")),
            WorldError::BadCard {
                gin: 30001,
                key: "20001".into()
            }
        );
        assert_eq!(
            err(&group("owner = 10001\nhonours = { legend = [20001] }")),
            WorldError::BadHonour {
                gin: 30001,
                honour: "legend",
                uin: 20001
            }
        );
        assert!(matches!(
            err(&group("owner = 10001\nhonours = { talkative = [10001] }")),
            WorldError::Syntax(_)
        ));
        let dup = format!(
            "{}\n[[group]]\ngin = 30001\nname = \"h\"\nowner = 10001",
            group("owner = 10001")
        );
        assert_eq!(err(&dup), WorldError::DuplicateGroup(30001));
        assert_eq!(
            err(&format!(
                "{acct}[[group]]\ngin = 0\nname = \"g\"\nowner = 10001"
            )),
            WorldError::Zero("group \"g\"".into())
        );
    }
}
