//! What a framework account keeps about its contacts for itself, as QQ keeps it per
//! account: the remark it gives a friend or a group, and the categories (分组) its friends
//! are sorted into. Nobody else sees these and no event tells of a change.
//!
//! A friend's remark lives on the account's side of the friendship (see
//! [`FriendSide`](crate::social::requests::FriendSide)); a group's remark in
//! [`World::group_remarks`]. Categories come from the world file (`[[category]]`) and live in
//! [`World::categories`], numbered from 1 per account; every friend in none of them is in
//! the default category, number 0, [`DEFAULT_CATEGORY`].
//!
//! The control API's account area (`set_remark`, `remarks`, `categories`, `at_all_remain`
//! and the sticker actions) is routed here.

use std::collections::BTreeSet;

use lizi_core::{Gin, Reply, Uin};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::backend::{Handled, SimBackend};
use crate::control::AccountControl;
use crate::error::SimError;
use crate::world::World;

/// The name of QQ's default friend category, which holds every friend put in no other.
pub const DEFAULT_CATEGORY: &str = "我的好友";

/// The longest remark QQ takes, in characters.
const MOST_REMARK_CHARS: usize = 96;

/// A friend category of one account (its key is the account and the category's number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// The category's name.
    pub name: String,
    /// The friends sorted into it (a friend no longer a friend is not listed).
    pub friends: BTreeSet<Uin>,
}

/// One category as the lists show it: number, name and the friends in it, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryView {
    /// Its number (0 for the default category).
    pub id: u32,
    /// Its name.
    pub name: String,
    /// The friends in it, by QQ number.
    pub friends: Vec<Uin>,
}

fn check_remark(remark: &str) -> Result<(), SimError> {
    let length = remark.chars().count();
    if length > MOST_REMARK_CHARS {
        return Err(SimError::TooLong {
            what: "remark",
            length,
            unit: "characters",
            limit: MOST_REMARK_CHARS,
        });
    }
    Ok(())
}

impl World {
    /// Framework account `account` gives friend `friend` the remark `remark` (empty
    /// clears it): the friend list shows it instead of the nickname.
    pub fn set_friend_remark(
        &mut self,
        account: Uin,
        friend: Uin,
        remark: &str,
    ) -> Result<(), SimError> {
        check_remark(remark)?;
        self.set_friend_flag(account, friend, |side| side.remark = remark.to_owned())
    }

    /// Framework account `account` gives group `gin`, which it is in, the remark `remark`
    /// (empty clears it).
    pub fn set_group_remark(
        &mut self,
        account: Uin,
        gin: Gin,
        remark: &str,
    ) -> Result<(), SimError> {
        self.online_account(account)?;
        self.group(gin)?.member(account)?;
        check_remark(remark)?;
        if remark.is_empty() {
            self.group_remarks.remove(&(account, gin));
        } else {
            self.group_remarks.insert((account, gin), remark.to_owned());
        }
        Ok(())
    }

    /// Framework account `account` sets how it takes group `gin`'s messages: QQ's mask, 1
    /// take and notify (the default), 2 into the group assistant, 3 block, 4 take without
    /// notifying. The setting is kept; what reaches bots is unchanged.
    pub fn set_group_mask(&mut self, account: Uin, gin: Gin, mask: i64) -> Result<(), SimError> {
        self.online_account(account)?;
        self.group(gin)?.member(account)?;
        let mask = match mask {
            1 => {
                self.group_masks.remove(&(account, gin));
                return Ok(());
            }
            2..=4 => mask as u8,
            other => {
                return Err(SimError::Invalid(format!(
                    "QQ has no group message mask {other}: 1 take and notify, 2 into the group \
                     assistant, 3 block, 4 take without notifying"
                )))
            }
        };
        self.group_masks.insert((account, gin), mask);
        Ok(())
    }

    /// The remark `account` gave group `gin` (empty when none).
    pub fn group_remark(&self, account: Uin, gin: Gin) -> String {
        self.group_remarks
            .get(&(account, gin))
            .cloned()
            .unwrap_or_default()
    }

    /// The friend categories of framework account `account`, the default one first, each
    /// with the friends it holds now.
    pub fn categories_of(&self, account: Uin) -> Result<Vec<CategoryView>, SimError> {
        self.account(account)?;
        let friends: BTreeSet<Uin> = self.friends_of(account).into_iter().collect();
        let mut sorted = BTreeSet::new();
        let mut out = Vec::new();
        for ((_, id), category) in self.categories.range((account, 1)..=(account, u32::MAX)) {
            let members: Vec<Uin> = category.friends.intersection(&friends).copied().collect();
            sorted.extend(members.iter().copied());
            out.push(CategoryView {
                id: *id,
                name: category.name.clone(),
                friends: members,
            });
        }
        let default = CategoryView {
            id: 0,
            name: DEFAULT_CATEGORY.to_owned(),
            friends: friends.difference(&sorted).copied().collect(),
        };
        out.insert(0, default);
        Ok(out)
    }

    /// Friend `uin` of `account` as the category view shows it: profile, the account's
    /// remark, and whether it is an online framework account.
    fn friend_view(&self, account: Uin, uin: Uin) -> Value {
        let person = self.people.get(&uin);
        json!({
            "uin": uin,
            "nickname": person.map_or("", |p| &p.nickname),
            "remark": self.remark_of(account, uin),
            "sex": person.map_or(0, |p| p.sex),
            "age": person.map_or(0, |p| p.age),
            "email": person.map_or("", |p| &p.email),
            "signature": person.map_or("", |p| &p.signature),
            "online": self.is_online_account(uin),
        })
    }

    /// Framework account `account` moves friend `friend` into its category `category`
    /// (0, the default one, takes it out of every other). A category the account does not
    /// have is refused, and changes nothing.
    pub fn set_friend_category(
        &mut self,
        account: Uin,
        friend: Uin,
        category: u32,
    ) -> Result<(), SimError> {
        self.online_account(account)?;
        self.person(friend)?;
        self.ensure_friends(account, friend)?;
        if category != 0 && !self.categories.contains_key(&(account, category)) {
            return Err(SimError::Invalid(format!(
                "{account} has no friend category {category}"
            )));
        }
        let (current, _) = self.category_of(account, friend);
        if current == category {
            return Ok(());
        }
        if let Some(old) = self.categories.get_mut(&(account, current)) {
            old.friends.remove(&friend);
        }
        if let Some(new) = self.categories.get_mut(&(account, category)) {
            new.friends.insert(friend);
        }
        Ok(())
    }

    /// The category friend `friend` of `account` is in: its number and name.
    pub fn category_of(&self, account: Uin, friend: Uin) -> (u32, String) {
        self.categories
            .range((account, 1)..=(account, u32::MAX))
            .find(|(_, category)| category.friends.contains(&friend))
            .map_or((0, DEFAULT_CATEGORY.to_owned()), |((_, id), category)| {
                (*id, category.name.clone())
            })
    }
}

impl SimBackend {
    /// Carries out a control action of an account's own things.
    pub(crate) fn control_account(&self, action: AccountControl) -> Handled {
        let ok = || Reply::Json(json!({ "ret": "ok" }));
        match action {
            AccountControl::SetRemark(r) => self.change(|w| {
                match (r.user, r.group) {
                    (Some(user), _) => w.set_friend_remark(r.account, user, &r.remark)?,
                    (None, Some(gin)) => w.set_group_remark(r.account, gin, &r.remark)?,
                    (None, None) => return Err(SimError::Invalid("give `user` or `group`".into())),
                }
                Ok((ok(), Vec::new()))
            }),
            AccountControl::SetGroupMask(m) => self.change(|w| {
                w.set_group_mask(m.account, m.group, m.mask)?;
                Ok((ok(), Vec::new()))
            }),
            AccountControl::GroupMasks(of) => self.read(|w| {
                w.account(of.account)?;
                let groups: serde_json::Map<String, Value> = w
                    .group_masks
                    .range((of.account, 0)..=(of.account, Gin::MAX))
                    .map(|((_, gin), mask)| (gin.to_string(), json!(mask)))
                    .collect();
                Ok(Reply::Json(
                    json!({ "account": of.account, "groups": groups }),
                ))
            }),
            AccountControl::SetCategory(c) => self.change(|w| {
                w.set_friend_category(c.account, c.user, c.category)?;
                Ok((ok(), Vec::new()))
            }),
            AccountControl::Categories(of) => self.read(|w| {
                let categories: Vec<Value> = w
                    .categories_of(of.account)?
                    .into_iter()
                    .map(|category| {
                        let friends: Vec<Value> = category
                            .friends
                            .iter()
                            .map(|&uin| w.friend_view(of.account, uin))
                            .collect();
                        json!({ "id": category.id, "name": category.name, "friends": friends })
                    })
                    .collect();
                Ok(Reply::Json(
                    json!({ "account": of.account, "categories": categories }),
                ))
            }),
            AccountControl::Remarks(of) => self.read(|w| {
                w.account(of.account)?;
                let friends: serde_json::Map<String, Value> = w
                    .friends_of(of.account)
                    .into_iter()
                    .map(|uin| (uin.to_string(), json!(w.remark_of(of.account, uin))))
                    .filter(|(_, remark)| remark != "")
                    .collect();
                let groups: serde_json::Map<String, Value> = w
                    .group_remarks
                    .range((of.account, 0)..=(of.account, Gin::MAX))
                    .map(|((_, gin), remark)| (gin.to_string(), json!(remark)))
                    .collect();
                Ok(Reply::Json(
                    json!({ "account": of.account, "friends": friends, "groups": groups }),
                ))
            }),
            AccountControl::AtAllRemain(r) => self.read(|w| {
                w.account(r.account)?;
                let remain = w.at_all_remain(r.account, r.group, self.now())?;
                Ok(Reply::Json(json!(remain)))
            }),
            AccountControl::Stickers(of) => self.control_stickers(of.account),
            AccountControl::AddSticker(add) => self.control_add_sticker(add),
            AccountControl::RemoveSticker(remove) => self.control_remove_sticker(remove),
            AccountControl::DescribeSticker(describe) => self.control_describe_sticker(describe),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::fixture::WorldFixture;

    /// One row of each table of what accounts keep for themselves (for the round trip of
    /// the saved documents).
    pub(crate) fn add_account_rows(world: &mut World) {
        world.group_remarks.insert((10001, 30001), "work".into());
        world.group_masks.insert((10001, 30001), 4);
        let friends = [20001].into_iter().collect();
        let category = Category {
            name: "同学".into(),
            friends,
        };
        world.categories.insert((10001, 1), category);
        world.count_at_all(10001, 30001, "[@all]", 1_700_000_000);
        let sticker = crate::media::Sticker {
            md5: "0123456789ABCDEF0123456789ABCDEF".into(),
            desc: "cat".into(),
            time: 1,
        };
        world.stickers.insert((10001, 1), sticker);
    }

    const WORLD: &str = r#"
        [[account]]
        uin = 10001
        nickname = "bot"
        [[user]]
        uin = 20001
        nickname = "Alice"
        [[user]]
        uin = 20002
        nickname = "Bob"
        [[friend]]
        a = 10001
        b = 20001
        [[friend]]
        a = 10001
        b = 20002
        [[category]]
        account = 10001
        name = "同学"
        friends = [20002]
        [[group]]
        gin = 30001
        name = "g"
        owner = 20001
        members = [10001]
    "#;

    fn world() -> World {
        World::from_fixture(&WorldFixture::from_toml(WORLD).expect("world"), 100)
    }

    #[test]
    fn categories_come_from_the_world_file_and_the_rest_are_in_the_default_one() {
        let world = world();
        let categories = world.categories_of(10001).expect("categories");
        assert_eq!(
            categories,
            [
                CategoryView {
                    id: 0,
                    name: DEFAULT_CATEGORY.into(),
                    friends: vec![20001]
                },
                CategoryView {
                    id: 1,
                    name: "同学".into(),
                    friends: vec![20002]
                },
            ]
        );
        assert_eq!(world.category_of(10001, 20002), (1, "同学".into()));
        assert_eq!(world.category_of(10001, 20001).0, 0);
        assert!(
            world.categories_of(20001).is_err(),
            "users keep no categories"
        );
    }

    #[test]
    fn a_friend_moves_between_categories_and_a_missing_one_changes_nothing() {
        let mut world = world();
        world.take_changes();
        assert!(world.set_friend_category(10001, 20001, 2).is_err());
        assert!(world.set_friend_category(10001, 20003, 1).is_err());
        assert!(!world.has_changes(), "a refusal changes nothing");
        world.set_friend_category(10001, 20001, 1).expect("move");
        assert_eq!(world.category_of(10001, 20001), (1, "同学".into()));
        world.set_friend_category(10001, 20002, 0).expect("back");
        assert_eq!(world.category_of(10001, 20002).0, 0);
        let categories = world.categories_of(10001).expect("categories");
        assert_eq!(categories[0].friends, vec![20002]);
        assert_eq!(categories[1].friends, vec![20001]);
    }

    #[test]
    fn remarks_are_the_accounts_own_and_checked() {
        let mut world = world();
        world.set_friend_remark(10001, 20001, "A").expect("remark");
        assert_eq!(world.remark_of(10001, 20001), "A");
        assert_eq!(world.remark_of(20001, 10001), "");
        world
            .set_group_remark(10001, 30001, "work")
            .expect("remark");
        assert_eq!(world.group_remark(10001, 30001), "work");
        world.take_changes();
        let long = "x".repeat(97);
        assert!(world.set_group_remark(10001, 30001, &long).is_err());
        assert!(world.set_friend_remark(10001, 20001, &long).is_err());
        assert!(world.set_friend_remark(10001, 20003, "x").is_err());
        assert!(world.set_group_remark(10001, 30002, "x").is_err());
        assert!(!world.has_changes(), "a refusal changes nothing");
        world.set_group_remark(10001, 30001, "").expect("clear");
        assert_eq!(world.group_remark(10001, 30001), "");
    }
}
