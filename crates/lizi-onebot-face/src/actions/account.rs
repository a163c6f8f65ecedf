//! Actions about the account itself: who it is (`get_login_info`), its profile
//! (`/setnickname`, `/setsignat`, `/updatedata`), its avatar and a group's portrait
//! (`/uploadfacepic`, `/uploadgroupfacepic`: `file` is read as in sends, `base64://…`, a
//! URL, a path, or the name of a picture lizi has), its online status
//! (`/setonlinestate`), its session keys as cookies (`/getskey`, `/getpskey`,
//! `/getclientkey`) and its clients; and which framework account a call acts as
//! (`/getlogonqq`).

use lizi_core::endpoint as xlz;
use lizi_core::param::MediaSource;
use lizi_core::{Backend, Gin, Reply, Request, Uin};
use lizi_onebot::action::{
    ClientKey, Cookies, Credentials, CsrfToken, Device, LoginInfo, OnlineClients, SetOnlineStatus,
    SetQqProfile, SetSelfLongnick,
};
use lizi_onebot::Profile;
use serde_json::Value;

use crate::actions::call::{data, Account, Answer, Call};
use crate::actions::media::{source_of, Source};

/// NT online status codes and the XLZ states they are (`/setonlinestate`'s `state`).
const NT_TO_XLZ_STATE: [(i64, i64); 6] =
    [(10, 11), (30, 31), (40, 41), (50, 50), (60, 60), (70, 70)];

/// Every framework account, and whether it is online.
pub(crate) async fn framework_accounts(backend: &dyn Backend) -> Vec<(Uin, bool)> {
    match backend.call(Request::GetLogonQq(xlz::GetLogonQq {})).await {
        Ok(Reply::Accounts(accounts)) => accounts.into_iter().map(|a| (a.uin, a.online)).collect(),
        _ => Vec::new(),
    }
}

/// The account a connection acts as: `wanted`, or the first online one.
pub(crate) async fn choose_account(
    backend: &dyn Backend,
    wanted: Option<Uin>,
) -> Result<Uin, String> {
    account(backend, wanted).await.map(|account| account.uin)
}

/// The framework account `wanted`, or the first online one, with its nickname and state.
pub(crate) async fn account(backend: &dyn Backend, wanted: Option<Uin>) -> Result<Account, String> {
    let reply = backend
        .call(Request::GetLogonQq(xlz::GetLogonQq {}))
        .await
        .map_err(|f| f.message)?;
    let Reply::Accounts(accounts) = reply else {
        return Err("the backend did not list its accounts".into());
    };
    let found = match wanted {
        Some(uin) => accounts.into_iter().find(|a| a.uin == uin),
        None => accounts.into_iter().find(|a| a.online),
    };
    match (found, wanted) {
        (Some(a), _) => Ok(Account {
            uin: a.uin,
            nickname: a.nickname,
            online: a.online,
        }),
        (None, Some(uin)) => Err(format!("{uin} is not a framework account")),
        (None, None) => Err("no framework account is online".into()),
    }
}

impl Call<'_> {
    /// `get_login_info`.
    pub(crate) fn login_info(&self) -> Answer {
        data(LoginInfo {
            user_id: self.account.uin,
            nickname: self.account.nickname.clone(),
        })
    }

    /// `set_qq_profile`: `nickname` through `/setnickname`, `personal_note` through
    /// `/setsignat`, NapCat's `sex` through `/updatedata`; what is not given stays as it
    /// is (LLOneBot's reading; NapCat requires `nickname`). Every value is checked before
    /// anything changes.
    pub(crate) async fn set_profile(&self, call: &SetQqProfile) -> Answer {
        if call
            .nickname
            .as_deref()
            .is_some_and(|n| n.trim().is_empty())
        {
            return Err(self.bad("parameter `nickname`: must not be empty"));
        }
        if call.sex.is_some_and(|sex| !matches!(sex, 1 | 2)) {
            return Err(self.bad(
                "parameter `sex`: the simulated network's profiles know 1 (male) and 2 (female)",
            ));
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
        if let Some(sex) = call.sex {
            self.done(Request::UpdateData(xlz::UpdateData {
                logonqq: self.me(),
                nick: None,
                sex: Some(sex),
                birth: None,
                profession: None,
                company: None,
                location: None,
                home: None,
                email: None,
                desc: None,
            }))
            .await?;
        }
        Ok(Value::Null)
    }

    /// `_get_model_show` (NapCat): the device model shown with the account's status; as
    /// NapCat answers, the one asked for, free.
    pub(crate) fn model_show(&self, model: Option<&str>) -> Answer {
        let model = model.unwrap_or_default();
        Ok(serde_json::json!([{"variants": {"model_show": model, "need_pay": false}}]))
    }

    /// `set_self_longnick`: `/setsignat`.
    pub(crate) async fn set_longnick(&self, call: &SetSelfLongnick) -> Answer {
        self.done(Request::SetSignat(xlz::SetSignat {
            fromqq: self.me(),
            signature: call.long_nick.clone(),
        }))
        .await
    }

    /// `set_qq_avatar`: the account's avatar; `set_group_portrait`: `group`'s.
    pub(crate) async fn set_avatar(&self, group: Option<Gin>, file: &str) -> Answer {
        let pic = match source_of(file).map_err(|e| self.bad(e.0))? {
            Source::Upload(source) => source,
            Source::Known(hash) => match self.backend.media(&hash).await {
                Some(media) => MediaSource::Inline(media.bytes),
                None => return Err(self.failed(format!("lizi has no picture named {hash}"))),
            },
        };
        let fromqq = self.me();
        let request = match group {
            Some(group) => {
                Request::UploadGroupFacePic(xlz::UploadGroupFacePic { fromqq, group, pic })
            }
            None => Request::UploadFacePic(xlz::UploadFacePic { fromqq, pic }),
        };
        self.done(request).await
    }

    /// `set_online_status`: NT's status codes turned into XLZ's states; `ext_status` is
    /// XLZ's `sun` and `battery_status` its `power` (0: none). Codes XLZ cannot express
    /// fail before anything changes.
    pub(crate) async fn online_status(&self, call: &SetOnlineStatus) -> Answer {
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
            let allowed: Vec<String> = suns.iter().map(ToString::to_string).collect();
            return Err(self.failed(format!(
                "extended status {sun} has no XLZ counterpart (/setonlinestate's sun is one of \
                 {}); nothing was changed",
                allowed.join(", ")
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

    /// `get_cookies`, with the skey's CSRF token as `bkn` (NapCat, LLOneBot). LLOneBot
    /// refuses the cookies of `pay.qq.com`.
    pub(crate) async fn cookies(&self, domain: Option<&str>) -> Answer {
        if self.profile == Profile::LLOneBot && domain == Some("pay.qq.com") {
            return Err(self.failed("该域名禁止获取cookie"));
        }
        let (cookies, skey) = self.keys(domain).await?;
        let bkn = (self.profile != Profile::Lagrange).then(|| csrf_of(&skey).to_string());
        data(Cookies { cookies, bkn })
    }

    /// `get_csrf_token`: QQ's `bkn` of the skey.
    pub(crate) async fn csrf_token(&self) -> Answer {
        let (_, skey) = self.keys(None).await?;
        data(CsrfToken {
            token: csrf_of(&skey),
        })
    }

    /// `get_credentials`: both; NapCat names the token `token`, the others `csrf_token`.
    pub(crate) async fn credentials(&self, domain: Option<&str>) -> Answer {
        let (cookies, skey) = self.keys(domain).await?;
        let token = csrf_of(&skey);
        let napcat = self.profile == Profile::NapCat;
        data(Credentials {
            cookies,
            csrf_token: (!napcat).then_some(token),
            token: napcat.then_some(token),
        })
    }

    /// `get_clientkey`: `/getclientkey`.
    pub(crate) async fn clientkey(&self) -> Answer {
        let clientkey = self
            .text(Request::GetClientKey(xlz::GetClientKey {
                logonqq: self.me(),
            }))
            .await?;
        data(ClientKey { clientkey })
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
