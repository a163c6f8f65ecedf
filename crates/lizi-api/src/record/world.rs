//! The world a recording touched, asked of the backend through the XLZ requests any bot
//! could make (so it works on the simulated network and on real accounts alike): the
//! account's nickname, and for each group the conversation touched its name, owner,
//! admins and members, and the account's friends among the people it touched.

use std::collections::BTreeSet;

use lizi_core::endpoint::{
    GetFriendList, GetGroupList, GetGroupMemberList, GetGroupMgrList, GetLogonQq,
};
use lizi_core::{Backend, Reply, Request};
use lizi_scenario_file::{GroupSeen, MemberSeen, Touched, WorldSeen};

/// What the world shows of `touched`, seen by `account`; what the backend cannot tell is
/// left out (the scenario falls back on what the events said).
pub async fn seen(backend: &dyn Backend, account: u64, touched: &Touched) -> WorldSeen {
    let mut world = WorldSeen::default();
    if let Ok(Reply::Accounts(accounts)) = backend.call(Request::GetLogonQq(GetLogonQq {})).await {
        if let Some(me) = accounts.iter().find(|a| a.uin == account) {
            world.account_nickname = me.nickname.clone();
        }
    }
    let groups = match backend
        .call(Request::GetGroupList(GetGroupList { logonqq: account }))
        .await
    {
        Ok(Reply::Groups(groups)) => groups,
        _ => Vec::new(),
    };
    for &gin in &touched.groups {
        let entry = groups.iter().find(|g| g.gin == gin);
        let members = match backend
            .call(Request::GetGroupMemberList(GetGroupMemberList {
                logonqq: account,
                group: gin,
            }))
            .await
        {
            Ok(Reply::Members(members)) => members,
            Ok(_) | Err(_) => {
                tracing::debug!(gin, "the recording could not list the group's members");
                continue;
            }
        };
        let managers: Vec<u64> = match backend
            .call(Request::GetGroupMgrList(GetGroupMgrList {
                fromqq: account,
                group: gin,
            }))
            .await
        {
            Ok(Reply::Text(text)) => text
                .split(['\r', '\n'])
                .filter_map(|line| line.trim().parse().ok())
                .collect(),
            _ => Vec::new(),
        };
        let owner = entry
            .map(|e| e.dw_group_owner_uin)
            .filter(|o| *o != 0)
            .or(managers.first().copied())
            .unwrap_or(0);
        let admins = managers.iter().copied().filter(|m| *m != owner).collect();
        world.groups.push(GroupSeen {
            gin,
            name: entry.map(|e| e.str_group_name.clone()).unwrap_or_default(),
            owner,
            admins,
            members: members
                .into_iter()
                .map(|m| MemberSeen {
                    uin: m.uin,
                    nickname: m.nick_name,
                    card: m.card,
                })
                .collect(),
        });
    }
    let people: BTreeSet<u64> = touched.people.clone();
    if let Ok(Reply::Friends(friends)) = backend
        .call(Request::GetFriendList(GetFriendList { logonqq: account }))
        .await
    {
        world.friends = friends
            .into_iter()
            .filter(|f| people.contains(&f.uin))
            .map(|f| (f.uin, f.nick_name))
            .collect();
    }
    world
}
