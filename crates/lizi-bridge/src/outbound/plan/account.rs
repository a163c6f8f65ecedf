//! Endpoints about the account itself (docs/bridge.md#what-works-on-each-implementation): its nickname, signature and
//! profile, its online state, and its session keys.

use lizi_core::{Reply, Request};
use lizi_onebot::Profile;
use serde_json::{json, Map, Value};

use super::outcome::{call, invalid, Context, Planned, Read};

/// The domain whose cookies hold the account's `skey`.
const SKEY_DOMAIN: &str = "qun.qq.com";

/// The plan of `request`, if it is one of these endpoints.
pub fn plan(request: &Request, context: &Context<'_>) -> Planned {
    use Request as R;
    match request {
        R::SetNickname(r) => call(
            r.fromqq,
            "set_qq_profile",
            json!({"nickname": r.nickname}),
            Read::Done,
        ),
        R::SetSignat(r) => {
            if context.implementation.profile() == Some(Profile::NapCat) {
                call(
                    r.fromqq,
                    "set_self_longnick",
                    json!({"longNick": r.signature}),
                    Read::Done,
                )
            } else {
                call(
                    r.fromqq,
                    "set_qq_profile",
                    json!({"personal_note": r.signature}),
                    Read::Done,
                )
            }
        }
        R::UpdateData(r) => {
            let unsupported: Vec<&str> = [
                ("birth", r.birth.is_some()),
                ("profession", r.profession.is_some()),
                ("company", r.company.is_some()),
                ("location", r.location.is_some()),
                ("home", r.home.is_some()),
                ("email", r.email.is_some()),
            ]
            .into_iter()
            .filter_map(|(name, given)| given.then_some(name))
            .collect();
            if !unsupported.is_empty() {
                return invalid(format!(
                    "{} cannot set {} (OneBot's set_qq_profile takes the nickname, the \
                     signature and the sex only); nothing was changed",
                    context.implementation.display(),
                    unsupported.join(", ")
                ));
            }
            let mut params = Map::new();
            if let Some(nick) = &r.nick {
                params.insert("nickname".into(), json!(nick));
            }
            if let Some(desc) = &r.desc {
                params.insert("personal_note".into(), json!(desc));
            }
            if let Some(sex) = r.sex {
                params.insert("sex".into(), json!(sex));
            }
            if params.is_empty() {
                return invalid("/updatedata was given nothing to change");
            }
            call(
                r.logonqq,
                "set_qq_profile",
                Value::Object(params),
                Read::Done,
            )
        }
        R::SetOnlineState(r) => {
            // XLZ's 11/31/41 are QQ NT's 10/30/40; 50, 60 and 70 are the same.
            let status = match r.state {
                11 => 10,
                31 => 30,
                41 => 40,
                other => other,
            };
            call(
                r.fromqq,
                "set_online_status",
                json!({"status": status, "ext_status": r.sun.unwrap_or(0),
                    "battery_status": r.power.unwrap_or(0)}),
                Read::Done,
            )
        }
        R::GetSkey(r) => call(
            r.logonqq,
            "get_cookies",
            json!({"domain": SKEY_DOMAIN}),
            Read::Cookie("skey"),
        ),
        R::GetPskey(r) => call(
            r.logonqq,
            "get_cookies",
            json!({"domain": r.domain}),
            Read::Cookie("p_skey"),
        ),
        R::GetClientKey(r) => call(r.logonqq, "get_clientkey", json!({}), Read::ClientKey),
        _ => None,
    }
}

/// The value of cookie `name` in a `Cookie` header's text.
pub fn cookie<'a>(cookies: &'a str, name: &str) -> Option<&'a str> {
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The reply of a key read; `None` when the data lacks the key.
pub fn read(read: Read, data: &Value) -> Option<Reply> {
    let key = match read {
        Read::Cookie(name) => cookie(data.get("cookies")?.as_str()?, name)?,
        Read::ClientKey => data.get("clientkey")?.as_str()?,
        _ => return None,
    };
    Some(Reply::Text(key.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbound::plan::outcome::Plan;
    use crate::state::implementation::Implementation;
    use crate::state::names::Names;
    use lizi_core::endpoint as xlz;
    use lizi_core::FailureKind;

    fn planned(request: &Request, implementation: Implementation) -> Planned {
        let names = Names::in_memory();
        let context = Context {
            implementation: &implementation,
            names: &names,
            any_account: None,
            now: 0,
        };
        plan(request, &context)
    }

    fn action_and_params(
        request: &Request,
        implementation: Implementation,
    ) -> (&'static str, Value) {
        match planned(request, implementation) {
            Some(Ok(Plan::Call(call))) => (call.action, call.params),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_signature_is_set_by_each_implementation_s_action() {
        let request = Request::SetSignat(xlz::SetSignat {
            fromqq: 1,
            signature: "hi".into(),
        });
        assert_eq!(
            action_and_params(&request, Implementation::Known(Profile::NapCat)),
            ("set_self_longnick", json!({"longNick": "hi"}))
        );
        assert_eq!(
            action_and_params(&request, Implementation::Known(Profile::LLOneBot)),
            ("set_qq_profile", json!({"personal_note": "hi"}))
        );
        let nickname = Request::SetNickname(xlz::SetNickname {
            fromqq: 1,
            nickname: "n".into(),
        });
        assert_eq!(
            action_and_params(&nickname, Implementation::Unknown),
            ("set_qq_profile", json!({"nickname": "n"}))
        );
    }

    fn update(nick: Option<&str>, company: Option<&str>) -> Request {
        Request::UpdateData(xlz::UpdateData {
            logonqq: 1,
            nick: nick.map(Into::into),
            sex: Some(2),
            birth: None,
            profession: None,
            company: company.map(Into::into),
            location: None,
            home: None,
            email: None,
            desc: Some("d".into()),
        })
    }

    #[test]
    fn a_profile_update_sets_what_onebot_can_or_nothing() {
        assert_eq!(
            action_and_params(&update(Some("n"), None), Implementation::Unknown),
            (
                "set_qq_profile",
                json!({"nickname": "n", "personal_note": "d", "sex": 2})
            )
        );
        let refused = planned(&update(Some("n"), Some("c")), Implementation::Unknown);
        assert!(
            matches!(&refused, Some(Err(f)) if f.kind == FailureKind::Invalid
                && f.message.contains("company")),
            "{refused:?}"
        );
    }

    #[test]
    fn online_states_are_nt_codes() {
        let request = Request::SetOnlineState(xlz::SetOnlineState {
            fromqq: 1,
            state: 11,
            sun: Some(1016),
            power: None,
        });
        assert_eq!(
            action_and_params(&request, Implementation::Unknown),
            (
                "set_online_status",
                json!({"status": 10, "ext_status": 1016, "battery_status": 0})
            )
        );
    }

    #[test]
    fn keys_come_from_cookies() {
        let request = Request::GetPskey(xlz::GetPskey {
            logonqq: 1,
            domain: "qzone.qq.com".into(),
        });
        assert_eq!(
            action_and_params(&request, Implementation::Unknown),
            ("get_cookies", json!({"domain": "qzone.qq.com"}))
        );
        let data = json!({"cookies": "uin=o1; skey=@abc; p_uin=o1; p_skey=xyz=", "bkn": 5});
        assert_eq!(
            read(Read::Cookie("skey"), &data),
            Some(Reply::Text("@abc".into()))
        );
        assert_eq!(
            read(Read::Cookie("p_skey"), &data),
            Some(Reply::Text("xyz=".into()))
        );
        assert_eq!(
            read(Read::Cookie("p_skey"), &json!({"cookies": "skey=1"})),
            None
        );
        assert_eq!(
            read(Read::ClientKey, &json!({"clientkey": "k"})),
            Some(Reply::Text("k".into()))
        );
    }
}
