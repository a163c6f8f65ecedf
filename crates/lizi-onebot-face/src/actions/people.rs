//! Actions about other people: friends (`/getfriendlist`, `/deletefriend`), profiles
//! (`/queryuserinfo`, its like counts) and online states (`/getqqonlinestate`), likes
//! (`/sendlike`), the typing indicator (`/sendinputstatus`), and friend and group
//! requests answered by `flag` (`/setfriendaddrequest`, `/setgroupaddrequest`).

use lizi_core::endpoint as xlz;
use lizi_core::{Reply, Request};
use lizi_onebot::action::{
    AvatarUrl, DeleteFriend, FriendInfo, GetProfileLike, GetQqAvatar, GetStrangerInfo, LikeCounts,
    ProfileLike, SendLike, SetFriendAddRequest, SetGroupAddRequest, SetInputStatus, StrangerInfo,
    UserStatus,
};
use lizi_onebot::event::Sex;
use lizi_onebot::Profile;
use serde_json::Value;

use crate::actions::call::{data, Answer, Call};
use crate::flag::RequestFlag;

/// The most likes one `send_like` gives (QQ's daily limit for a non-SVIP account).
const MOST_LIKES: i64 = 10;

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

/// LLOneBot's `get_profile_like` and `get_profile_like_me`: `{users, nextStart}`, the
/// people who liked (or were liked by) the account's profile from `start` on. The
/// simulated network counts likes but does not list who gave them, so the list is empty
/// and the next page starts where this one did.
pub(crate) fn likers(start: Option<i64>) -> Answer {
    Ok(serde_json::json!({"users": [], "nextStart": start.unwrap_or(0).max(0)}))
}

impl Call<'_> {
    /// `get_friend_list`: `/getfriendlist`, with the account's remarks (LLOneBot writes the
    /// nickname for a friend without one, as `remark || nick`).
    pub(crate) async fn friend_list(&self) -> Answer {
        let request = Request::GetFriendList(xlz::GetFriendList { logonqq: self.me() });
        let nickname_for_none = self.profile == Profile::LLOneBot;
        match self.ask(request).await? {
            Reply::Friends(friends) => data(
                friends
                    .into_iter()
                    .map(|f| FriendInfo {
                        remark: if nickname_for_none && f.remark.is_empty() {
                            f.nick_name.clone()
                        } else {
                            f.remark
                        },
                        user_id: f.uin,
                        nickname: f.nick_name,
                    })
                    .collect::<Vec<_>>(),
            ),
            _ => Err(self.failed("the backend did not list friends")),
        }
    }

    /// `get_unidirectional_friend_list`: none, as friendship on the simulated network is
    /// mutual.
    pub(crate) fn unidirectional_friends(&self) -> Answer {
        Ok(Value::Array(Vec::new()))
    }

    /// `get_qq_avatar` (LLOneBot): the URL LLOneBot writes for a user's avatar, else a
    /// group's; without either it fails, as LLOneBot does.
    pub(crate) fn avatar_url(&self, call: &GetQqAvatar) -> Answer {
        let url = match (call.user_id, call.group_id) {
            (Some(user), _) => format!("https://thirdqq.qlogo.cn/g?b=qq&nk={user}&s=640"),
            (None, Some(group)) => format!("https://p.qlogo.cn/gh/{group}/{group}/0"),
            (None, None) => return Err(self.failed("give `user_id` or `group_id`")),
        };
        data(AvatarUrl { url })
    }

    /// `delete_friend`: `/deletefriend`. NapCat's `temp_block` (blacklist as well) has no
    /// XLZ counterpart and is not applied. Without a user the implementations fail in
    /// their handler.
    pub(crate) async fn delete_friend(&self, call: &DeleteFriend) -> Answer {
        let Some(user) = call.user_id else {
            return Err(self.failed("no friend to delete: give `user_id`"));
        };
        self.done(Request::DeleteFriend(xlz::DeleteFriend {
            fromqq: self.me(),
            toqq: user,
        }))
        .await
    }

    /// `get_stranger_info`: anybody's public profile, with each implementation's
    /// extension fields: NapCat's `long_nick`, `qqLevel` and `remark`; Lagrange's `sign`
    /// and `level`; LLOneBot's `long_nick`, `level`, and `country`/`city` when known.
    pub(crate) async fn stranger(&self, call: &GetStrangerInfo) -> Answer {
        let request = Request::QueryUserInfo(xlz::QueryUserInfo {
            logonqq: self.me(),
            qq: call.user_id,
        });
        let info = match self.ask(request).await? {
            Reply::User(info) => info,
            other => return Err(self.unexpected(&other)),
        };
        let (napcat, lagrange) = (
            self.profile == Profile::NapCat,
            self.profile == Profile::Lagrange,
        );
        let llonebot = self.profile == Profile::LLOneBot;
        let known = |text: String| (llonebot && !text.is_empty()).then_some(text);
        let mut out = data(StrangerInfo {
            user_id: info.uin,
            nickname: info.nick_name,
            sex: Sex::Unknown,
            age: info.age,
            long_nick: (!lagrange).then(|| info.sign.clone()),
            sign: lagrange.then_some(info.sign),
            level: Some(info.qq_level),
            remark: napcat.then_some(info.remark),
            country: known(info.country),
            city: known(info.city),
        })?;
        // NapCat calls the level `qqLevel`.
        if let (true, Value::Object(fields)) = (napcat, &mut out) {
            if let Some(level) = fields.remove("level") {
                fields.insert("qqLevel".into(), level);
            }
        }
        Ok(out)
    }

    /// `nc_get_user_status`: `/getqqonlinestate`'s state name as an NT code. XLZ reads no
    /// extended status back, so `ext_status` is 0.
    pub(crate) async fn user_status(&self, user: u64) -> Answer {
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
    pub(crate) async fn profile_like(&self, call: &GetProfileLike) -> Answer {
        if self.profile == Profile::LLOneBot {
            return likers(call.start);
        }
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

    /// `send_like`: `/sendlike` `times` times (1 to 10); stops at the first refusal
    /// (QQ's daily limit, not a friend…) and says how many were given.
    pub(crate) async fn like(&self, call: &SendLike) -> Answer {
        let times = call.times.unwrap_or(1);
        if !(1..=MOST_LIKES).contains(&times) {
            return Err(self.bad(format!(
                "parameter `times`: {times} is not between 1 and {MOST_LIKES}"
            )));
        }
        for given in 0..times {
            let request = Request::SendLike(xlz::SendLike {
                fromqq: self.me(),
                toqq: call.user_id,
            });
            if let Err(failed) = self.ask(request).await {
                let why = failed.error_text().unwrap_or_default().to_owned();
                return Err(self.failed(format!("{why} ({given} of {times} likes given)")));
            }
        }
        Ok(Value::Null)
    }

    /// `set_input_status`: `event_type` 1 (typing) is XLZ status 1, 0 (speaking) status 3.
    pub(crate) async fn input_status(&self, call: &SetInputStatus) -> Answer {
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

    /// `set_friend_add_request`: the friend request the flag names, answered through
    /// `/setfriendaddrequest`.
    pub(crate) async fn answer_friend(&self, call: &SetFriendAddRequest) -> Answer {
        match self.flag(&call.flag)? {
            RequestFlag::Friend { user, seq } => {
                let approve = call.approve.unwrap_or(true);
                self.done(Request::SetFriendAddRequest(xlz::SetFriendAddRequest {
                    fromqq: self.me(),
                    qq: user,
                    seq,
                    op: if approve { 1 } else { 2 },
                }))
                .await
            }
            RequestFlag::Group { .. } => Err(self.failed(format!(
                "flag `{}` is a group request's: answer it with set_group_add_request",
                call.flag
            ))),
        }
    }

    /// `set_group_add_request`: the join request or invitation the flag names, answered
    /// through `/setgroupaddrequest`. The flag says which kind it is; `sub_type` is not
    /// needed (and a wrong one is not held against the caller).
    pub(crate) async fn answer_group(&self, call: &SetGroupAddRequest) -> Answer {
        match self.flag(&call.flag)? {
            RequestFlag::Group {
                group,
                user,
                seq,
                invite,
            } => {
                let approve = call.approve.unwrap_or(true);
                self.done(Request::SetGroupAddRequest(xlz::SetGroupAddRequest {
                    fromqq: self.me(),
                    group,
                    qq: user,
                    seq,
                    op: if approve { 11 } else { 12 },
                    request_type: RequestFlag::xlz_type(invite),
                    reason: call.reason.clone(),
                }))
                .await
            }
            RequestFlag::Friend { .. } => Err(self.failed(format!(
                "flag `{}` is a friend request's: answer it with set_friend_add_request",
                call.flag
            ))),
        }
    }

    fn flag(&self, flag: &str) -> Result<RequestFlag, Box<lizi_onebot::ActionResponse>> {
        RequestFlag::decode(flag.trim()).ok_or_else(|| {
            self.failed(format!(
                "`{flag}` is not a request flag lizi gave: take the `flag` of the request event \
                 or of get_group_system_msg"
            ))
        })
    }
}
