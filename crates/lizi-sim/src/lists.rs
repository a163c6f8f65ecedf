//! Lists and lookups: friends, groups, members, nicknames, cards, managers.
//!
//! These answer from what the framework account already knows, so they work while the
//! account is offline too — except `/getnickname` without `fromcache=true`, which asks
//! the network and so needs the account online.

use lizi_core::model::{Friend, GroupEntry, Member};
use lizi_core::{Gin, Uin};

use crate::error::SimError;
use crate::world::World;

/// A number as the `int` fields of list items take it.
fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl World {
    /// `/getfriendlist`: the friends of a framework account, by QQ number.
    pub fn friend_list(&self, logon: Uin) -> Result<Vec<Friend>, SimError> {
        self.account(logon)?;
        Ok(self
            .friends_of(logon)
            .into_iter()
            .filter_map(|uin| self.people.get(&uin))
            .map(|p| Friend {
                uin: p.uin,
                nick_name: p.nickname.clone(),
                remark: self.remark_of(logon, p.uin),
                email: p.email.clone(),
            })
            .collect())
    }

    /// `/getgrouplist`: the groups a framework account is in, by number.
    pub fn group_list(&self, logon: Uin) -> Result<Vec<GroupEntry>, SimError> {
        self.account(logon)?;
        Ok(self
            .groups
            .values()
            .filter_map(|g| {
                let me = g.members.get(&logon)?;
                Some(GroupEntry {
                    group_id: int(g.gin),
                    gin: g.gin,
                    dw_member_num: int(g.members.len() as u64),
                    dw_group_owner_uin: g.owner,
                    dw_cmduin_join_time: me.joined,
                    // The end of my mute (unix seconds), 0 when not muted.
                    dw_my_shutup_timestamp: me.mute_end(crate::world::now()),
                    str_group_name: g.name.clone(),
                    str_group_memo: g.memo.clone(),
                    ..GroupEntry::default()
                })
            })
            .collect())
    }

    /// `/getgroupmemberlist`: the members of a group the account is in, by QQ number.
    pub fn member_list(&self, logon: Uin, gin: Gin) -> Result<Vec<Member>, SimError> {
        self.account(logon)?;
        let group = self.group(gin)?;
        group.member(logon)?;
        Ok(group
            .members
            .iter()
            .map(|(&uin, state)| {
                let person = self.people.get(&uin);
                Member {
                    uin,
                    age: person.map_or(0, |p| p.age),
                    sex: person.map_or(0, |p| p.sex),
                    nick_name: self.nickname(uin),
                    email: person.map(|p| p.email.clone()).unwrap_or_default(),
                    card: state.card.clone(),
                    spec_title: state.spec_title.clone(),
                    add_group_time: state.joined,
                    last_msg_time: self.last_spoke(gin, uin),
                    // The end of the member's mute (unix seconds), 0 when not muted.
                    mute_time: state.mute_end(crate::world::now()),
                    ..Member::default()
                }
            })
            .collect())
    }

    /// `/getnickname`: anybody's nickname. With `from_cache`, `from` may be absent; without
    /// it, `from` must be an online framework account.
    pub fn nickname_of(
        &self,
        from: Option<Uin>,
        to: Uin,
        from_cache: bool,
    ) -> Result<String, SimError> {
        match from {
            Some(from) if from_cache => self.account(from).map(drop)?,
            Some(from) => self.online_account(from).map(drop)?,
            None if from_cache => {}
            // The API layer requires `fromqq` without `fromcache=true`; 0 is nobody.
            None => return Err(SimError::UnknownAccount(0)),
        }
        Ok(self.person(to)?.nickname.clone())
    }

    /// `/getgroupnamefromcache`: a group's name.
    pub fn group_name(&self, gin: Gin) -> Result<String, SimError> {
        Ok(self.group(gin)?.name.clone())
    }

    /// `/getgroupcard`: the card of `to` in a group `from` is in (may be empty).
    pub fn group_card(&self, from: Uin, gin: Gin, to: Uin) -> Result<String, SimError> {
        self.account(from)?;
        let group = self.group(gin)?;
        group.member(from)?;
        self.person(to)?;
        Ok(group.member(to)?.card.clone())
    }

    /// `/getgroupmgrlist`: the owner, then the admins, each followed by `\r\n`.
    pub fn manager_list(&self, from: Uin, gin: Gin) -> Result<String, SimError> {
        self.account(from)?;
        let group = self.group(gin)?;
        group.member(from)?;
        Ok(std::iter::once(&group.owner)
            .chain(group.admins.iter())
            .map(|uin| format!("{uin}\r\n"))
            .collect())
    }
}
