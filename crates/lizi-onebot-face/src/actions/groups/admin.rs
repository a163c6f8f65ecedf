//! The implementations' extension actions, each carried out as the XLZ request that does
//! the same on the simulated network: `delete_friend` (`/deletefriend`), NapCat's
//! `set_input_status` (`/sendinputstatus`), `set_self_longnick` (`/setsignat`), the group
//! privileges (`/setgrouppriv_*`), `set_online_status` (`/setonlinestate`, NapCat and
//! LLOneBot), `nc_get_user_status` (`/getqqonlinestate`), `get_clientkey`
//! (`/getclientkey`), `get_profile_like` (`/queryuserinfo`'s like counts) and
//! `get_group_detail_info` (`get_group_info` and `/querygroupinfo`'s introduction).
//! Which profile has which is the action table's business: a call reaching here is one the
//! profile has.

use lizi_core::endpoint as xlz;
use lizi_core::{Reply, Request};
use lizi_onebot::action::{
    ClientKey, DeleteFriend, GetGroupDetailInfo, GetGroupInfo, GetProfileLike, GroupDetail,
    GroupInfo, LikeCounts, ProfileLike, SetGroupMemberInvitePolicy, SetGroupMemberPermissions,
    SetInputStatus, SetOnlineStatus, UserStatus,
};
use lizi_onebot::Action;
use serde_json::Value;

use super::call::{data, Answer, Call};
use super::unsupported;

/// NT online status codes and the XLZ states they are (`/setonlinestate`'s `state`).
const NT_TO_XLZ_STATE: [(i64, i64); 6] =
    [(10, 11), (30, 31), (40, 41), (50, 50), (60, 60), (70, 70)];

/// The NT status code of each state name `/getqqonlinestate` answers (离线: 0).
const STATE_NAMES: [(&str, i64); 7] = [
    ("在线", 10),
    ("离开", 30),
    ("隐身", 40),
    ("忙碌", 50),
    ("Q我吧", 60),
    ("请勿打扰", 70),
    ("离线", 0),
];

impl Call<'_> {
    /// Carries out an extension action; any other fails as not carried out.
    pub(crate) async fn carry_out_extension(&self, action: Action) -> Answer {
        use Action as A;
        let me = self.me();
        match action {
            A::DeleteFriend(call) => self.delete_friend(&call).await,
            A::SetInputStatus(call) => self.input_status(&call).await,
            A::SetSelfLongnick(call) => {
                self.done(Request::SetSignat(xlz::SetSignat {
                    fromqq: me,
                    signature: call.long_nick,
                }))
                .await
            }
            A::SetGroupMemberPermissions(call) => self.member_permissions(&call).await,
            A::SetGroupMemberInvitePolicy(call) => self.invite_policy(&call).await,
            A::SetGroupNewMemberHistoryVisibility(call) => {
                self.done(Request::SetGroupPrivNewMemberCanViewHistoryMsg(
                    xlz::SetGroupPrivNewMemberCanViewHistoryMsg {
                        fromqq: me,
                        togroup: call.group_id,
                        allow: call.visible,
                    },
                ))
                .await
            }
            A::SetOnlineStatus(call) => self.online_status(&call).await,
            A::NcGetUserStatus(call) => self.user_status(call.user_id).await,
            A::GetClientkey(_) => {
                let clientkey = self
                    .text(Request::GetClientKey(xlz::GetClientKey { logonqq: me }))
                    .await?;
                data(ClientKey { clientkey })
            }
            A::GetProfileLike(call) => self.profile_like(&call).await,
            A::GetGroupDetailInfo(call) => self.group_detail(&call).await,
            other => Err(Box::new(unsupported(self.profile, other.name()))),
        }
    }

    /// `delete_friend`: `/deletefriend`. NapCat's `temp_block` (blacklist as well) has no
    /// XLZ counterpart and is not applied.
    async fn delete_friend(&self, call: &DeleteFriend) -> Answer {
        self.done(Request::DeleteFriend(xlz::DeleteFriend {
            fromqq: self.me(),
            toqq: call.user_id,
        }))
        .await
    }

    /// `set_input_status`: `event_type` 1 (typing) is XLZ status 1, 0 (speaking) status 3.
    async fn input_status(&self, call: &SetInputStatus) -> Answer {
        let status = match call.event_type {
            1 => 1,
            0 => 3,
            other => {
                return Err(self.bad(format!(
                    "parameter `event_type`: {other} is neither 1 (typing) nor 0 (speaking)"
                )))
            }
        };
        self.done(Request::SendInputStatus(xlz::SendInputStatus {
            logonqq: self.me(),
            toqq: Some(call.user_id),
            status: Some(status),
        }))
        .await
    }

    /// `set_group_member_permissions`: one `/setgrouppriv_*` per permission given.
    async fn member_permissions(&self, call: &SetGroupMemberPermissions) -> Answer {
        let (fromqq, togroup) = (self.me(), call.group_id);
        let mut requests = Vec::new();
        if let Some(allow) = call.allow_member_create_group {
            requests.push(Request::SetGroupPrivNewGroup(xlz::SetGroupPrivNewGroup {
                fromqq,
                togroup,
                allow,
            }));
        }
        if let Some(allow) = call.allow_member_temporary_session {
            requests.push(Request::SetGroupPrivNewTempSession(
                xlz::SetGroupPrivNewTempSession {
                    fromqq,
                    togroup,
                    allow,
                },
            ));
        }
        if let Some(allow) = call.allow_member_upload_album {
            requests.push(Request::SetGroupPrivUploadPhotoAlbum(
                xlz::SetGroupPrivUploadPhotoAlbum {
                    fromqq,
                    togroup,
                    allow,
                },
            ));
        }
        if requests.is_empty() {
            return Err(self.bad(
                "give at least one of `allow_member_create_group`, \
                 `allow_member_temporary_session`, `allow_member_upload_album`",
            ));
        }
        for request in requests {
            self.done(request).await?;
        }
        Ok(Value::Null)
    }

    /// `set_group_member_invite_policy`: `disabled` forbids inviting
    /// (`/setgrouppriv_invitein`); the others allow it with XLZ invite way 1 (no approval),
    /// 2 (approval) or 3 (no approval under 100 members).
    async fn invite_policy(&self, call: &SetGroupMemberInvitePolicy) -> Answer {
        let way = match call.policy.trim() {
            "disabled" => None,
            "no_approval" => Some(1),
            "require_approval" => Some(2),
            "no_approval_under_100" => Some(3),
            other => {
                return Err(self.bad(format!(
                    "parameter `policy`: `{other}` is not disabled, no_approval, \
                     require_approval or no_approval_under_100"
                )))
            }
        };
        let (fromqq, togroup) = (self.me(), call.group_id);
        if let Some(way) = way {
            self.done(Request::SetGroupPrivInviteWay(xlz::SetGroupPrivInviteWay {
                fromqq,
                togroup,
                way,
            }))
            .await?;
        }
        self.done(Request::SetGroupPrivInviteIn(xlz::SetGroupPrivInviteIn {
            fromqq,
            togroup,
            allow: way.is_some(),
        }))
        .await
    }

    /// `set_online_status`: NT's status codes turned into XLZ's states; `ext_status` is
    /// XLZ's `sun` and `battery_status` its `power` (0: none). Codes XLZ cannot express
    /// fail before anything changes.
    async fn online_status(&self, call: &SetOnlineStatus) -> Answer {
        let Some(&(_, state)) = NT_TO_XLZ_STATE.iter().find(|(nt, _)| *nt == call.status) else {
            return Err(self.bad(format!(
                "parameter `status`: {} is not an online status (10, 30, 40, 50, 60 or 70)",
                call.status
            )));
        };
        let sun = call.ext_status.unwrap_or(0);
        let suns = xlz::SetOnlineState::PARAMS
            .iter()
            .find(|param| param.name == "sun")
            .map_or(&[][..], |param| param.allowed);
        if !suns.is_empty() && !suns.contains(&sun) {
            return Err(self.failed(format!(
                "extended status {sun} has no XLZ counterpart (/setonlinestate's sun is one of \
                 {suns:?}); nothing was changed"
            )));
        }
        let power = match call.battery_status.unwrap_or(0) {
            0 => None,
            level @ 1..=100 => u32::try_from(level).ok(),
            other => {
                return Err(self.bad(format!(
                    "parameter `battery_status`: {other} is not between 0 and 100"
                )))
            }
        };
        self.done(Request::SetOnlineState(xlz::SetOnlineState {
            fromqq: self.me(),
            state,
            sun: Some(sun),
            power,
        }))
        .await
    }

    /// `nc_get_user_status`: `/getqqonlinestate`'s state name as an NT code. XLZ reads no
    /// extended status back, so `ext_status` is 0.
    async fn user_status(&self, user: u64) -> Answer {
        let name = self
            .text(Request::GetQqOnlineState(xlz::GetQqOnlineState {
                logonqq: self.me(),
                qq: user,
            }))
            .await?;
        let status = STATE_NAMES
            .iter()
            .find(|(known, _)| *known == name.trim())
            .map(|(_, code)| *code)
            .ok_or_else(|| self.failed(format!("unknown online state `{name}`")))?;
        data(UserStatus {
            status,
            ext_status: 0,
        })
    }

    /// `get_profile_like`: `/queryuserinfo`'s like counts of the user (the account when
    /// `user_id` is absent). The simulated network counts the likes a profile received,
    /// not those it gave, and names no likers.
    async fn profile_like(&self, call: &GetProfileLike) -> Answer {
        let user = call.user_id.unwrap_or(self.me());
        let info = match self
            .ask(Request::QueryUserInfo(xlz::QueryUserInfo {
                logonqq: self.me(),
                qq: user,
            }))
            .await?
        {
            Reply::User(info) => info,
            other => return Err(self.unexpected(&other)),
        };
        data(ProfileLike {
            uid: user.to_string(),
            time: crate::connection::unix_now().to_string(),
            vote_info: LikeCounts {
                total_count: info.c_like,
                new_count: Some(info.today_c_like),
                today_count: None,
                user_infos: Vec::new(),
            },
            favorite_info: LikeCounts {
                total_count: 0,
                new_count: None,
                today_count: Some(0),
                user_infos: Vec::new(),
            },
        })
    }

    /// `get_group_detail_info`: `get_group_info`'s answer with `/querygroupinfo`'s
    /// introduction as `groupMemo`.
    async fn group_detail(&self, call: &GetGroupDetailInfo) -> Answer {
        let info = self
            .group_info(&GetGroupInfo {
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
        data(GroupDetail {
            group,
            group_memo: about.introduction,
        })
    }
}
