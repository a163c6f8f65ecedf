//! What a group is: the account's groups and a group's information (`/getgrouplist`,
//! `/getgroupnamefromcache`, `/querygroupinfo`, the control API's `group` view for a group
//! the account is not in), its members and their roles (`/getgroupmemberlist`,
//! `/getgroupmgrlist`), and the account's remark for each group (the control API's
//! `remarks`).

use lizi_core::endpoint as xlz;
use lizi_core::model::{GroupEntry, Member};
use lizi_core::{Gin, Reply, Request, Uin};
use lizi_onebot::action::{
    GetGroupDetailInfo, GetGroupInfo, GetGroupMemberInfo, GroupDetail, GroupInfo, GroupMemberInfo,
};
use lizi_onebot::event::{Role, Sex};
use lizi_onebot::Profile;
use serde_json::{json, Value};

use crate::actions::call::{data, Answer, Call};

/// The capacity lizi reports for every group (QQ's common 500-member tier); the simulated
/// network has no capacity of its own.
const MAX_MEMBERS: i64 = 500;

fn group_info(entry: &GroupEntry) -> GroupInfo {
    GroupInfo {
        group_id: entry.gin,
        group_name: entry.str_group_name.clone(),
        member_count: entry.dw_member_num,
        max_member_count: MAX_MEMBERS,
        group_remark: None,
        remark_name: None,
    }
}

impl Call<'_> {
    async fn groups(&self) -> Result<Vec<GroupEntry>, Box<lizi_onebot::ActionResponse>> {
        let request = Request::GetGroupList(xlz::GetGroupList { logonqq: self.me() });
        match self.ask(request).await? {
            Reply::Groups(groups) => Ok(groups),
            other => Err(self.unexpected(&other)),
        }
    }

    /// NapCat's `group_all_shut` on a group's answer: -1 while the whole group is muted
    /// (NT's `shutUpAllTimestamp` set), else 0 (the control API's `group` view says which).
    async fn put_all_shut(&self, answer: &mut Value) {
        let Some(group) = answer["group_id"].as_u64() else {
            return;
        };
        if self.profile != Profile::NapCat {
            return;
        }
        let view = self.control_json("group", json!({ "gin": group })).await;
        let muted = view.is_ok_and(|view| view["settings"]["whole_mute"] == true);
        answer["group_all_shut"] = json!(if muted { -1 } else { 0 });
    }

    /// The account's remark for each group, in the field of the profile's implementation
    /// (NapCat `group_remark`, LLOneBot `remark_name`; Lagrange.OneBot writes none).
    async fn with_remarks(
        &self,
        mut groups: Vec<GroupInfo>,
    ) -> Result<Vec<GroupInfo>, Box<lizi_onebot::ActionResponse>> {
        if self.profile == Profile::Lagrange {
            return Ok(groups);
        }
        let remarks = self.group_remarks().await?;
        for group in &mut groups {
            let remark = Some(Self::remark_in(&remarks, group.group_id));
            match self.profile {
                Profile::NapCat => group.group_remark = remark,
                _ => group.remark_name = remark,
            }
        }
        Ok(groups)
    }

    /// `get_group_list`.
    pub(crate) async fn group_list(&self) -> Answer {
        let groups = self.groups().await?.iter().map(group_info).collect();
        let mut list = Vec::new();
        for info in self.with_remarks(groups).await? {
            let mut info = data(info)?;
            self.put_all_shut(&mut info).await;
            list.push(info);
        }
        Ok(Value::Array(list))
    }

    /// `get_group_info`: from the account's group list; a group it is not in is described
    /// from the network's view of it (name and member count).
    pub(crate) async fn group_info(&self, call: &GetGroupInfo) -> Answer {
        let mut info = self.plain_group_info(call).await?;
        self.put_all_shut(&mut info).await;
        Ok(info)
    }

    async fn plain_group_info(&self, call: &GetGroupInfo) -> Answer {
        if let Some(entry) = self.groups().await?.iter().find(|g| g.gin == call.group_id) {
            let remarked = self.with_remarks(vec![group_info(entry)]).await?;
            return data(remarked.into_iter().next());
        }
        let name = self
            .text(Request::GetGroupNameFromCache(xlz::GetGroupNameFromCache {
                group: call.group_id,
            }))
            .await?;
        let view = self
            .control_json("group", json!({ "gin": call.group_id }))
            .await?;
        let members = view["members"].as_array().map_or(0, Vec::len);
        data(GroupInfo {
            group_id: call.group_id,
            group_name: name,
            member_count: i64::try_from(members).unwrap_or(i64::MAX),
            max_member_count: MAX_MEMBERS,
            group_remark: None,
            remark_name: None,
        })
    }

    /// A group's members with their roles (the owner and admins from `/getgroupmgrlist`).
    pub(crate) async fn members(
        &self,
        group: Gin,
    ) -> Result<Vec<GroupMemberInfo>, Box<lizi_onebot::ActionResponse>> {
        let list = Request::GetGroupMemberList(xlz::GetGroupMemberList {
            logonqq: self.me(),
            group,
        });
        let members = match self.ask(list).await? {
            Reply::Members(members) => members,
            other => return Err(self.unexpected(&other)),
        };
        let managers = self
            .text(Request::GetGroupMgrList(xlz::GetGroupMgrList {
                fromqq: self.me(),
                group,
            }))
            .await?;
        let managers: Vec<Uin> = managers
            .lines()
            .filter_map(|line| line.trim().parse().ok())
            .collect();
        let role = |uin: Uin| match managers.iter().position(|m| *m == uin) {
            Some(0) => Role::Owner,
            Some(_) => Role::Admin,
            None => Role::Member,
        };
        // Lagrange.OneBot's member entity has no `shut_up_timestamp`.
        let with_mute = self.profile != lizi_onebot::Profile::Lagrange;
        Ok(members
            .into_iter()
            .map(|m| {
                let mut info = member_info(group, role(m.uin), m);
                if !with_mute {
                    info.shut_up_timestamp = None;
                }
                info
            })
            .collect())
    }

    /// `get_group_member_list`.
    pub(crate) async fn member_list(&self, group: Gin) -> Answer {
        let members = self.members(group).await?;
        let list: Result<Vec<Value>, _> =
            members.into_iter().map(|m| self.member_data(m)).collect();
        Ok(Value::Array(list?))
    }

    /// A member as the profile writes one: LLOneBot adds `card_or_nickname`.
    fn member_data(&self, member: GroupMemberInfo) -> Answer {
        let shown = if member.card.is_empty() {
            member.nickname.clone()
        } else {
            member.card.clone()
        };
        let mut value = data(member)?;
        if self.profile == Profile::LLOneBot {
            value["card_or_nickname"] = Value::String(shown);
        }
        Ok(value)
    }

    /// `get_group_member_info`.
    pub(crate) async fn member(&self, call: &GetGroupMemberInfo) -> Answer {
        let members = self.members(call.group_id).await?;
        match members.into_iter().find(|m| m.user_id == call.user_id) {
            Some(member) => self.member_data(member),
            None => Err(self.failed(format!(
                "{} is not a member of group {}",
                call.user_id, call.group_id
            ))),
        }
    }

    /// `get_group_detail_info`: `get_group_info`'s answer with `/querygroupinfo`'s
    /// introduction as `groupMemo`.
    pub(crate) async fn group_detail(&self, call: &GetGroupDetailInfo) -> Answer {
        let info = self
            .plain_group_info(&GetGroupInfo {
                group_id: call.group_id,
                no_cache: None,
            })
            .await?;
        let about = match self
            .ask(Request::QueryGroupInfo(xlz::QueryGroupInfo {
                logonqq: self.me(),
                group: call.group_id,
            }))
            .await?
        {
            Reply::Group(about) => about,
            other => return Err(self.unexpected(&other)),
        };
        let group: GroupInfo = serde_json::from_value(info)
            .map_err(|e| self.failed(format!("the group's information is unreadable: {e}")))?;
        let mut detail = data(GroupDetail {
            group,
            group_memo: about.introduction,
        })?;
        self.put_all_shut(&mut detail).await;
        Ok(detail)
    }
}

fn member_info(group: Gin, role: Role, member: Member) -> GroupMemberInfo {
    GroupMemberInfo {
        group_id: group,
        user_id: member.uin,
        nickname: member.nick_name,
        card: member.card,
        sex: match member.sex {
            1 => Sex::Male,
            2 => Sex::Female,
            _ => Sex::Unknown,
        },
        age: member.age,
        area: String::new(),
        join_time: member.add_group_time,
        last_sent_time: member.last_msg_time,
        level: member.group_level.to_string(),
        role,
        unfriendly: false,
        title: member.spec_title,
        title_expire_time: member.spec_title_expired,
        card_changeable: true,
        shut_up_timestamp: Some(member.mute_time),
    }
}
