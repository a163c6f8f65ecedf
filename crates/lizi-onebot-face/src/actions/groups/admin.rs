//! Running a group: kicks, mutes, cards and leaving (`/kickgroupmember`,
//! `/mutegroupmember`, `/setgroupwholemute`, `/setgroupcard`, `/exitgroup`), admins
//! (`/setgroupmgr`), the group name (the control API's `rename_group` acting as the
//! account: XLZ has no endpoint), the members' privileges (`/setgrouppriv_*`), and what the
//! simulated network cannot do, which fails saying why: special titles.

use lizi_core::endpoint as xlz;
use lizi_core::{Gin, Request, Uin};
use lizi_onebot::action::{
    SetGroupAdmin, SetGroupBan, SetGroupCard, SetGroupKick, SetGroupLeave,
    SetGroupMemberInvitePolicy, SetGroupMemberPermissions, SetGroupName,
    SetGroupNewMemberHistoryVisibility, SetGroupSpecialTitle, SetGroupWholeBan,
};
use lizi_onebot::event::Role;
use serde_json::{json, Value};

use crate::actions::call::{Answer, Call};

impl Call<'_> {
    /// `set_group_kick`: `/kickgroupmember`.
    pub(crate) async fn kick(&self, call: &SetGroupKick) -> Answer {
        self.done(Request::KickGroupMember(xlz::KickGroupMember {
            fromqq: self.me(),
            group: call.group_id,
            toqq: call.user_id,
            ignoreaddgrequest: call.reject_add_request,
        }))
        .await
    }

    /// `set_group_kick_members` (NapCat) and `batch_delete_group_member` (LLOneBot):
    /// `/kickgroupmember` for each of `members`, after checking that every one can be
    /// removed (a member of the group with a role below the account's), so that either all
    /// go or none does.
    pub(crate) async fn kick_members(
        &self,
        group: Gin,
        members: &[Uin],
        reject_add_request: Option<bool>,
    ) -> Answer {
        let list = self.members(group).await?;
        let rank = |uin: Uin| {
            let role = list
                .iter()
                .find(|m| m.user_id == uin)
                .map(|m| m.role.clone());
            role.map(|role| match role {
                Role::Owner => 2,
                Role::Admin => 1,
                _ => 0,
            })
        };
        let mine = rank(self.me()).unwrap_or(0);
        for &member in members {
            match rank(member) {
                None => {
                    let why =
                        format!("{member} is not a member of group {group}: nobody was removed");
                    return Err(self.failed(why));
                }
                Some(theirs) if member == self.me() || theirs >= mine => {
                    return Err(self.failed(format!(
                        "{} may not remove {member} from group {group}: that needs a higher \
                         role; nobody was removed",
                        self.me()
                    )));
                }
                Some(_) => {}
            }
        }
        for &member in members {
            self.done(Request::KickGroupMember(xlz::KickGroupMember {
                fromqq: self.me(),
                group,
                toqq: member,
                ignoreaddgrequest: reject_add_request,
            }))
            .await?;
        }
        Ok(Value::Null)
    }

    /// `set_group_ban`: `/mutegroupmember` for `duration` seconds (1800 when absent; 0
    /// lifts the mute).
    pub(crate) async fn ban(&self, call: &SetGroupBan) -> Answer {
        let seconds = call.duration.unwrap_or(1800).clamp(0, i64::from(u32::MAX));
        self.done(Request::MuteGroupMember(xlz::MuteGroupMember {
            fromqq: self.me(),
            group: call.group_id,
            toqq: call.user_id,
            time: u32::try_from(seconds).unwrap_or(u32::MAX),
        }))
        .await
    }

    /// `set_group_whole_ban`: `/setgroupwholemute` (on when `enable` is absent).
    pub(crate) async fn whole_ban(&self, call: &SetGroupWholeBan) -> Answer {
        self.done(Request::SetGroupWholeMute(xlz::SetGroupWholeMute {
            fromqq: self.me(),
            group: call.group_id,
            ismute: call.enable.unwrap_or(true),
        }))
        .await
    }

    /// `set_group_card`: `/setgroupcard` (an absent card clears it).
    pub(crate) async fn set_card(&self, call: &SetGroupCard) -> Answer {
        self.done(Request::SetGroupCard(xlz::SetGroupCard {
            fromqq: self.me(),
            togroup: call.group_id,
            toqq: call.user_id,
            card: call.card.clone().unwrap_or_default(),
        }))
        .await
    }

    /// `set_group_leave`: `/exitgroup`.
    pub(crate) async fn leave(&self, call: &SetGroupLeave) -> Answer {
        // NapCat, Lagrange.OneBot and LLOneBot all ignore `is_dismiss`: they just leave.
        self.done(Request::ExitGroup(xlz::ExitGroup {
            fromqq: self.me(),
            group: call.group_id,
        }))
        .await
    }

    /// `set_group_admin` (`/setgroupmgr`: the owner's right).
    pub(crate) async fn set_admin(&self, call: &SetGroupAdmin) -> Answer {
        self.done(Request::SetGroupMgr(xlz::SetGroupMgr {
            fromqq: self.me(),
            group: call.group_id,
            toqq: call.user_id,
            bemgr: call.enable.unwrap_or(true),
        }))
        .await
    }

    /// `set_group_name`: XLZ has no endpoint, so the control API's `rename_group` acting as
    /// the account, under the same rule (owner or admin).
    pub(crate) async fn set_name(&self, call: &SetGroupName) -> Answer {
        self.ensure_online()?;
        if call.group_name.trim().is_empty() {
            return Err(self.bad("parameter `group_name`: must not be empty"));
        }
        let rename = json!({
            "operator": self.me(),
            "group": call.group_id,
            "name": call.group_name,
        });
        self.control("rename_group", rename)
            .await
            .map(|_| serde_json::Value::Null)
    }

    /// `set_group_special_title`: only the owner may; the simulated network (like XLZ)
    /// has no way to set a title, so even the owner is told so.
    pub(crate) async fn set_special_title(&self, call: &SetGroupSpecialTitle) -> Answer {
        let members = self.members(call.group_id).await?;
        let role_of = |uin| {
            members
                .iter()
                .find(|m| m.user_id == uin)
                .map(|m| m.role.clone())
        };
        if role_of(self.me()) != Some(Role::Owner) {
            return Err(self.failed(format!(
                "only the owner of group {} may set special titles; {} is not the owner",
                call.group_id,
                self.me()
            )));
        }
        if role_of(call.user_id).is_none() {
            return Err(self.failed(format!(
                "{} is not a member of group {}",
                call.user_id, call.group_id
            )));
        }
        Err(self.failed(
            "the simulated network cannot set special titles: XLZ has no endpoint for them, \
             titles come only from the world file",
        ))
    }

    /// `set_group_member_permissions`: one `/setgrouppriv_*` per permission given.
    pub(crate) async fn member_permissions(&self, call: &SetGroupMemberPermissions) -> Answer {
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
    pub(crate) async fn invite_policy(&self, call: &SetGroupMemberInvitePolicy) -> Answer {
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

    /// `set_group_new_member_history_visibility`:
    /// `/setgrouppriv_newmembercanviewhistorymsg`.
    pub(crate) async fn history_visibility(
        &self,
        call: &SetGroupNewMemberHistoryVisibility,
    ) -> Answer {
        self.done(Request::SetGroupPrivNewMemberCanViewHistoryMsg(
            xlz::SetGroupPrivNewMemberCanViewHistoryMsg {
                fromqq: self.me(),
                togroup: call.group_id,
                allow: call.visible,
            },
        ))
        .await
    }
}
