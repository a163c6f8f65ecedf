//! Endpoints about other people (docs/bridge.md#what-works-on-each-implementation): nicknames, signatures, profiles, online
//! states, likes, deleting a friend and input status.

use lizi_core::model::UserInfo;
use lizi_core::{Failure, FailureKind, Reply, Request};
use lizi_onebot::lenient::{as_i64, as_u64};
use serde_json::{json, Value};

use super::outcome::{call, invalid, text_field, Context, Plan, Planned, Read};

/// The plan of `request`, if it is one of these endpoints.
pub fn plan(request: &Request, context: &Context<'_>) -> Planned {
    use Request as R;
    match request {
        R::GetNickname(r) => {
            if r.fromcache == Some(true) {
                if let Some(name) = context.names.user(r.toqq) {
                    return Some(Ok(Plan::Answer(Reply::Text(name))));
                }
            }
            let Some(account) = r.fromqq.or(context.any_account) else {
                return Some(Err(Failure::new(
                    FailureKind::Offline,
                    format!(
                        "lizi has not seen {}'s nickname and no account is connected to ask",
                        r.toqq
                    ),
                )));
            };
            call(
                account,
                "get_stranger_info",
                json!({"user_id": r.toqq}),
                Read::Nickname,
            )
        }
        R::GetSignat(r) => call(
            r.fromqq,
            "get_stranger_info",
            json!({"user_id": r.toqq}),
            Read::Signature,
        ),
        R::QueryUserInfo(r) => call(
            r.logonqq,
            "get_stranger_info",
            json!({"user_id": r.qq}),
            Read::UserInfo,
        ),
        R::GetQqOnlineState(r) => call(
            r.logonqq,
            "nc_get_user_status",
            json!({"user_id": r.qq}),
            Read::OnlineState,
        ),
        R::SendLike(r) => call(
            r.fromqq,
            "send_like",
            json!({"user_id": r.toqq, "times": 1}),
            Read::Done,
        ),
        R::DeleteFriend(r) => call(
            r.fromqq,
            "delete_friend",
            json!({"user_id": r.toqq}),
            Read::Done,
        ),
        R::SendInputStatus(r) => {
            let Some(to) = r.toqq else {
                return invalid("/sendinputstatus needs `toqq`: whom to show the status to");
            };
            // XLZ 1 typing, 3 speaking; NapCat's event_type 1 typing, 0 speaking. XLZ 2
            // has no OneBot counterpart and shows nothing.
            let event_type = match r.status.unwrap_or(1) {
                1 => 1,
                3 => 0,
                _ => return Some(Ok(Plan::Answer(Reply::Done))),
            };
            call(
                r.logonqq,
                "set_input_status",
                json!({"user_id": to, "event_type": event_type}),
                Read::Done,
            )
        }
        _ => None,
    }
}

fn number(data: &Value, keys: &[&str]) -> i64 {
    keys.iter()
        .find_map(|key| data.get(*key).and_then(as_i64))
        .unwrap_or(0)
}

/// The XLZ name of a QQ NT online status (`nc_get_user_status`).
pub fn state_name(status: i64) -> &'static str {
    match status {
        10 => "在线",
        30 => "离开",
        40 => "隐身",
        50 => "忙碌",
        60 => "Q我吧",
        70 => "请勿打扰",
        _ => "离线",
    }
}

/// The reply of a profile read; `None` when the data lacks what the read needs.
pub fn read(read: Read, data: &Value) -> Option<Reply> {
    let reply = match read {
        Read::Nickname => Reply::Text(text_field(data, &["nickname"])?.to_owned()),
        Read::Signature => {
            Reply::Text(text_field(data, &["long_nick", "longNick", "sign"])?.to_owned())
        }
        Read::UserInfo => Reply::User(Box::new(UserInfo {
            uin: data.get("user_id").and_then(as_u64)?,
            nick_name: text_field(data, &["nickname"]).unwrap_or("").to_owned(),
            remark: text_field(data, &["remark"]).unwrap_or("").to_owned(),
            sign: text_field(data, &["long_nick", "longNick", "sign"])
                .unwrap_or("")
                .to_owned(),
            qq_level: number(data, &["qqLevel", "level"]),
            age: number(data, &["age"]),
            country: text_field(data, &["country"]).unwrap_or("").to_owned(),
            province: text_field(data, &["province"]).unwrap_or("").to_owned(),
            city: text_field(data, &["city"]).unwrap_or("").to_owned(),
            ..UserInfo::default()
        })),
        Read::OnlineState => {
            let status = data.get("status").and_then(as_i64)?;
            Reply::Text(state_name(status).to_owned())
        }
        _ => return None,
    };
    Some(reply)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbound::plan::outcome::Call;
    use crate::state::implementation::Implementation;
    use crate::state::names::Names;
    use lizi_core::endpoint as xlz;

    fn context<'a>(names: &'a Names, implementation: &'a Implementation) -> Context<'a> {
        Context {
            implementation,
            names,
            any_account: Some(10001),
            now: 1000,
        }
    }

    fn planned_call(request: Request) -> Call {
        let names = Names::in_memory();
        let implementation = Implementation::Unknown;
        match plan(&request, &context(&names, &implementation)) {
            Some(Ok(Plan::Call(call))) => call,
            other => panic!("{request:?}: {other:?}"),
        }
    }

    #[test]
    fn each_endpoint_is_its_action() {
        let nick = planned_call(Request::GetNickname(xlz::GetNickname {
            fromqq: Some(1),
            toqq: 2,
            fromcache: None,
        }));
        assert_eq!(
            (nick.account, nick.action, nick.params, nick.read),
            (
                1,
                "get_stranger_info",
                json!({"user_id": 2}),
                Read::Nickname
            )
        );
        let like = planned_call(Request::SendLike(xlz::SendLike { fromqq: 1, toqq: 2 }));
        assert_eq!(
            (like.action, like.params),
            ("send_like", json!({"user_id": 2, "times": 1}))
        );
        let delete = planned_call(Request::DeleteFriend(xlz::DeleteFriend {
            fromqq: 1,
            toqq: 2,
        }));
        assert_eq!(
            (delete.action, delete.params),
            ("delete_friend", json!({"user_id": 2}))
        );
        let state = planned_call(Request::GetQqOnlineState(xlz::GetQqOnlineState {
            logonqq: 1,
            qq: 2,
        }));
        assert_eq!(state.action, "nc_get_user_status");
        let sign = planned_call(Request::GetSignat(xlz::GetSignat { fromqq: 1, toqq: 2 }));
        assert_eq!(
            (sign.action, sign.read),
            ("get_stranger_info", Read::Signature)
        );
        let info = planned_call(Request::QueryUserInfo(xlz::QueryUserInfo {
            logonqq: 1,
            qq: 2,
        }));
        assert_eq!(info.read, Read::UserInfo);
    }

    #[test]
    fn input_status_maps_onto_napcat_event_types() {
        let status = |status| {
            let request = Request::SendInputStatus(xlz::SendInputStatus {
                logonqq: 1,
                toqq: Some(2),
                status,
            });
            let names = Names::in_memory();
            let implementation = Implementation::Unknown;
            plan(&request, &context(&names, &implementation))
        };
        let typing = status(Some(1));
        let Some(Ok(Plan::Call(typing))) = typing else {
            panic!("{typing:?}");
        };
        assert_eq!(typing.params, json!({"user_id": 2, "event_type": 1}));
        let Some(Ok(Plan::Call(speaking))) = status(Some(3)) else {
            panic!("speaking");
        };
        assert_eq!(speaking.params["event_type"], 0);
        assert_eq!(status(Some(2)), Some(Ok(Plan::Answer(Reply::Done))));
        let request = Request::SendInputStatus(xlz::SendInputStatus {
            logonqq: 1,
            toqq: None,
            status: Some(1),
        });
        let names = Names::in_memory();
        let implementation = Implementation::Unknown;
        assert!(matches!(
            plan(&request, &context(&names, &implementation)),
            Some(Err(f)) if f.kind == FailureKind::Invalid
        ));
    }

    #[test]
    fn cached_nicknames_answer_without_calling() {
        let names = Names::in_memory();
        names.keep_frame(&json!({"sender": {"user_id": 2, "nickname": "two"}}));
        let implementation = Implementation::Unknown;
        let request = |fromcache| {
            Request::GetNickname(xlz::GetNickname {
                fromqq: None,
                toqq: 2,
                fromcache,
            })
        };
        assert_eq!(
            plan(&request(Some(true)), &context(&names, &implementation)),
            Some(Ok(Plan::Answer(Reply::Text("two".into()))))
        );
        // Without fromcache the implementation is asked, by a connected account.
        let Some(Ok(Plan::Call(asked))) = plan(&request(None), &context(&names, &implementation))
        else {
            panic!("a call");
        };
        assert_eq!(asked.account, 10001);
    }

    #[test]
    fn profile_data_reads_per_implementation() {
        let napcat = json!({"user_id": 2, "nickname": "n", "long_nick": "s", "qqLevel": 9});
        let lagrange = json!({"user_id": 2, "nickname": "n", "sign": "s", "level": 9});
        for data in [napcat, lagrange] {
            assert_eq!(read(Read::Signature, &data), Some(Reply::Text("s".into())));
            let Some(Reply::User(user)) = read(Read::UserInfo, &data) else {
                panic!("user");
            };
            assert_eq!((user.uin, user.sign.as_str(), user.qq_level), (2, "s", 9));
        }
        assert_eq!(read(Read::Signature, &json!({"nickname": "n"})), None);
        assert_eq!(
            read(Read::OnlineState, &json!({"status": 50, "ext_status": 0})),
            Some(Reply::Text("忙碌".into()))
        );
        assert_eq!(
            read(Read::OnlineState, &json!({"status": 20})),
            Some(Reply::Text("离线".into()))
        );
    }
}
