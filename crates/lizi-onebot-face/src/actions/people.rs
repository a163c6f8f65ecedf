//! Actions about people and the account itself: profiles (`/queryuserinfo`), likes
//! (`/sendlike`), friend and group requests answered by `flag` (`/setfriendaddrequest`,
//! `/setgroupaddrequest`), the account's profile (`/setnickname`, `/setsignat`,
//! `/updatedata`), its session keys as cookies (`/getskey`, `/getpskey`) and its client.

use lizi_core::endpoint as xlz;
use lizi_core::{Reply, Request};
use lizi_onebot::action::{
    BotStatus, Cookies, Credentials, CsrfToken, Device, GetStrangerInfo, OnlineClients, SendLike,
    SetFriendAddRequest, SetGroupAddRequest, SetQqProfile, StrangerInfo,
};
use lizi_onebot::event::Sex;
use lizi_onebot::Profile;
use serde_json::Value;

use super::call::{data, Answer, Call};
use crate::flag::RequestFlag;

/// The most likes one `send_like` gives (QQ's daily limit for a non-SVIP account).
const MOST_LIKES: i64 = 10;

impl Call<'_> {
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

    /// `set_qq_profile`: `nickname` through `/setnickname`, `personal_note` through
    /// `/setsignat`, `company` and `email` through `/updatedata`. `college` has no place
    /// in a QQ profile lizi keeps, so a call giving it fails before anything changes.
    pub(crate) async fn set_profile(&self, call: &SetQqProfile) -> Answer {
        if call.college.is_some() {
            return Err(self.failed(
                "the simulated network's profiles have no college (XLZ's /updatedata has no \
                 such field); nothing was changed",
            ));
        }
        let given = [
            &call.nickname,
            &call.personal_note,
            &call.company,
            &call.email,
        ];
        if given.iter().all(|field| field.is_none()) {
            return Err(
                self.bad("give at least one of `nickname`, `personal_note`, `company`, `email`")
            );
        }
        if call
            .nickname
            .as_deref()
            .is_some_and(|n| n.trim().is_empty())
        {
            return Err(self.bad("parameter `nickname`: must not be empty"));
        }
        if let Some(nickname) = &call.nickname {
            self.done(Request::SetNickname(xlz::SetNickname {
                fromqq: self.me(),
                nickname: nickname.clone(),
            }))
            .await?;
        }
        if let Some(note) = &call.personal_note {
            self.done(Request::SetSignat(xlz::SetSignat {
                fromqq: self.me(),
                signature: note.clone(),
            }))
            .await?;
        }
        if call.company.is_some() || call.email.is_some() {
            self.done(Request::UpdateData(xlz::UpdateData {
                logonqq: self.me(),
                nick: None,
                sex: None,
                birth: None,
                profession: None,
                company: call.company.clone(),
                location: None,
                home: None,
                email: call.email.clone(),
                desc: None,
            }))
            .await?;
        }
        Ok(Value::Null)
    }

    /// `get_status`: `online` and `good` are the account's real state.
    pub(crate) fn status(&self) -> Answer {
        data(BotStatus {
            online: Some(self.account.online),
            good: self.account.online,
            extra: Default::default(),
        })
    }

    /// `get_online_clients`: the account's one client while it is logged in.
    pub(crate) fn online_clients(&self) -> Answer {
        let clients = if self.account.online {
            vec![Device {
                app_id: 0,
                device_name: "lizi".into(),
                device_kind: "simulated".into(),
            }]
        } else {
            Vec::new()
        };
        data(OnlineClients { clients })
    }

    /// The account's simulated `skey`, and the `p_skey` of `domain` when one is given.
    async fn keys(
        &self,
        domain: Option<&str>,
    ) -> Result<(String, String), Box<lizi_onebot::ActionResponse>> {
        let skey = self
            .text(Request::GetSkey(xlz::GetSkey { logonqq: self.me() }))
            .await?;
        let mut cookies = format!("uin=o{me}; skey={skey}", me = self.me());
        if let Some(domain) = domain.map(str::trim).filter(|d| !d.is_empty()) {
            let pskey = self
                .text(Request::GetPskey(xlz::GetPskey {
                    logonqq: self.me(),
                    domain: domain.to_owned(),
                }))
                .await?;
            cookies.push_str(&format!("; p_uin=o{me}; p_skey={pskey}", me = self.me()));
        }
        Ok((cookies, skey))
    }

    /// `get_cookies`.
    pub(crate) async fn cookies(&self, domain: Option<&str>) -> Answer {
        let (cookies, _) = self.keys(domain).await?;
        data(Cookies { cookies })
    }

    /// `get_csrf_token`: QQ's `bkn` of the skey.
    pub(crate) async fn csrf_token(&self) -> Answer {
        let (_, skey) = self.keys(None).await?;
        data(CsrfToken {
            token: csrf_of(&skey),
        })
    }

    /// `get_credentials`: both.
    pub(crate) async fn credentials(&self, domain: Option<&str>) -> Answer {
        let (cookies, skey) = self.keys(domain).await?;
        data(Credentials {
            cookies,
            csrf_token: csrf_of(&skey),
        })
    }
}

/// QQ's CSRF token (`bkn`, `g_tk`) of an skey: the well-known hash web QQ computes.
fn csrf_of(skey: &str) -> i64 {
    let mut hash: i64 = 5381;
    for byte in skey.bytes() {
        hash = hash.wrapping_add((hash << 5).wrapping_add(i64::from(byte)));
    }
    hash & 0x7fff_ffff
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_csrf_token_is_the_bkn_hash() {
        // 5381 * 33 + 'a' = 177670.
        assert_eq!(super::csrf_of("a"), 177_670);
        assert_eq!(super::csrf_of(""), 5381);
    }
}
