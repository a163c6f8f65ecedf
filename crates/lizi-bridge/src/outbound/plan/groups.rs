//! Group endpoints of one action each (docs/bridge.md#what-works-on-each-implementation): names, managers, cards, mute time,
//! information, the members' permissions, and dissolving.

use lizi_core::model::GroupInfo;
use lizi_core::{Failure, FailureKind, Reply, Request};
use lizi_onebot::lenient::{as_i64, as_u64};
use serde_json::{json, Value};

use super::outcome::{call, Context, Plan, Planned, Read};

/// The plan of `request`, if it is one of these endpoints.
pub fn plan(request: &Request, context: &Context<'_>) -> Planned {
    use Request as R;
    let permission = |account, group, key: &str, allow: bool| {
        let mut params = json!({"group_id": group});
        params[key] = json!(allow);
        call(account, "set_group_member_permissions", params, Read::Done)
    };
    let invite_policy = |account, group, policy: &str| {
        call(
            account,
            "set_group_member_invite_policy",
            json!({"group_id": group, "policy": policy}),
            Read::Done,
        )
    };
    match request {
        R::GetGroupNameFromCache(r) => {
            if let Some(name) = context.names.group(r.group) {
                return Some(Ok(Plan::Answer(Reply::Text(name))));
            }
            let Some(account) = context.any_account else {
                return Some(Err(Failure::new(
                    FailureKind::Offline,
                    format!(
                        "lizi has not seen group {}'s name and no account is connected to ask",
                        r.group
                    ),
                )));
            };
            call(
                account,
                "get_group_info",
                json!({"group_id": r.group}),
                Read::GroupName,
            )
        }
        R::QueryGroupInfo(r) => call(
            r.logonqq,
            "get_group_info",
            json!({"group_id": r.group}),
            Read::GroupInfo,
        ),
        R::GetGroupMgrList(r) => call(
            r.fromqq,
            "get_group_member_list",
            json!({"group_id": r.group}),
            Read::Managers,
        ),
        R::GetGroupCard(r) => call(
            r.fromqq,
            "get_group_member_info",
            json!({"group_id": r.group, "user_id": r.toqq}),
            Read::Card,
        ),
        R::GetMuteTime(r) => call(
            r.fromqq,
            "get_group_member_info",
            json!({"group_id": r.group, "user_id": r.fromqq, "no_cache": true}),
            Read::MuteLeft(context.now),
        ),
        R::DispGroup(r) => Some(Err(Failure::new(
            FailureKind::NotImplemented,
            format!(
                "/dispgroup cannot work on {}: set_group_leave's is_dismiss is ignored by the \
                 implementations, which would only leave group {}; nothing was done",
                context.implementation.display(),
                r.group
            ),
        ))),
        R::SetGroupPrivNewGroup(r) => {
            permission(r.fromqq, r.togroup, "allow_member_create_group", r.allow)
        }
        R::SetGroupPrivNewTempSession(r) => permission(
            r.fromqq,
            r.togroup,
            "allow_member_temporary_session",
            r.allow,
        ),
        R::SetGroupPrivUploadPhotoAlbum(r) => {
            permission(r.fromqq, r.togroup, "allow_member_upload_album", r.allow)
        }
        R::SetGroupPrivInviteIn(r) => invite_policy(
            r.fromqq,
            r.togroup,
            if r.allow {
                "require_approval"
            } else {
                "disabled"
            },
        ),
        R::SetGroupPrivInviteWay(r) => {
            let policy = match r.way {
                1 => "no_approval",
                3 => "no_approval_under_100",
                _ => "require_approval",
            };
            invite_policy(r.fromqq, r.togroup, policy)
        }
        R::SetGroupPrivNewMemberCanViewHistoryMsg(r) => call(
            r.fromqq,
            "set_group_new_member_history_visibility",
            json!({"group_id": r.togroup, "visible": r.allow}),
            Read::Done,
        ),
        R::SetGroupPrivAnonymous(r) => call(
            r.fromqq,
            "set_group_anonymous",
            json!({"group_id": r.togroup, "enable": r.allow}),
            Read::Done,
        ),
        _ => None,
    }
}

/// The owner, then the admins, each followed by `\r\n`, from a member list.
fn managers(members: &[Value]) -> String {
    let of_role = |role: &'static str| {
        members
            .iter()
            .filter(move |m| m.get("role").and_then(Value::as_str) == Some(role))
            .filter_map(|m| m.get("user_id").and_then(as_u64))
    };
    of_role("owner")
        .chain(of_role("admin"))
        .map(|uin| format!("{uin}\r\n"))
        .collect()
}

/// The reply of a group read; `None` when the data lacks what the read needs.
pub fn read(read: Read, data: &Value) -> Option<Reply> {
    let name = || Some(data.get("group_name")?.as_str()?.to_owned());
    let reply = match read {
        Read::GroupName => Reply::Text(name()?),
        Read::GroupInfo => Reply::Group(GroupInfo {
            name: name()?,
            ..GroupInfo::default()
        }),
        Read::Managers => Reply::Text(managers(data.as_array()?)),
        Read::Card => {
            data.get("user_id")?;
            let card = data.get("card").and_then(Value::as_str).unwrap_or("");
            Reply::Text(card.to_owned())
        }
        Read::MuteLeft(now) => {
            let until = data.get("shut_up_timestamp").and_then(as_i64)?;
            Reply::Text((until - now).max(0).to_string())
        }
        _ => return None,
    };
    Some(reply)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::implementation::Implementation;
    use crate::state::names::Names;
    use lizi_core::endpoint as xlz;
    use lizi_onebot::Profile;

    fn planned(request: &Request, names: &Names) -> Planned {
        let implementation = Implementation::Known(Profile::NapCat);
        let context = Context {
            implementation: &implementation,
            names,
            any_account: Some(10001),
            now: 1000,
        };
        plan(request, &context)
    }

    fn action_and_params(request: Request) -> (&'static str, Value) {
        match planned(&request, &Names::in_memory()) {
            Some(Ok(Plan::Call(call))) => (call.action, call.params),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn permissions_are_napcat_s_actions() {
        assert_eq!(
            action_and_params(Request::SetGroupPrivNewGroup(xlz::SetGroupPrivNewGroup {
                fromqq: 1,
                togroup: 3,
                allow: false,
            })),
            (
                "set_group_member_permissions",
                json!({"group_id": 3, "allow_member_create_group": false})
            )
        );
        assert_eq!(
            action_and_params(Request::SetGroupPrivNewTempSession(
                xlz::SetGroupPrivNewTempSession {
                    fromqq: 1,
                    togroup: 3,
                    allow: true,
                }
            ))
            .1,
            json!({"group_id": 3, "allow_member_temporary_session": true})
        );
        assert_eq!(
            action_and_params(Request::SetGroupPrivUploadPhotoAlbum(
                xlz::SetGroupPrivUploadPhotoAlbum {
                    fromqq: 1,
                    togroup: 3,
                    allow: true,
                }
            ))
            .1,
            json!({"group_id": 3, "allow_member_upload_album": true})
        );
        assert_eq!(
            action_and_params(Request::SetGroupPrivInviteIn(xlz::SetGroupPrivInviteIn {
                fromqq: 1,
                togroup: 3,
                allow: false,
            })),
            (
                "set_group_member_invite_policy",
                json!({"group_id": 3, "policy": "disabled"})
            )
        );
        for (way, policy) in [
            (1, "no_approval"),
            (2, "require_approval"),
            (3, "no_approval_under_100"),
        ] {
            let request = Request::SetGroupPrivInviteWay(xlz::SetGroupPrivInviteWay {
                fromqq: 1,
                togroup: 3,
                way,
            });
            assert_eq!(action_and_params(request).1["policy"], policy);
        }
        assert_eq!(
            action_and_params(Request::SetGroupPrivNewMemberCanViewHistoryMsg(
                xlz::SetGroupPrivNewMemberCanViewHistoryMsg {
                    fromqq: 1,
                    togroup: 3,
                    allow: true,
                }
            )),
            (
                "set_group_new_member_history_visibility",
                json!({"group_id": 3, "visible": true})
            )
        );
        assert_eq!(
            action_and_params(Request::SetGroupPrivAnonymous(xlz::SetGroupPrivAnonymous {
                fromqq: 1,
                togroup: 3,
                allow: true,
            })),
            (
                "set_group_anonymous",
                json!({"group_id": 3, "enable": true})
            )
        );
    }

    #[test]
    fn group_reads_take_their_action() {
        assert_eq!(
            action_and_params(Request::GetGroupCard(xlz::GetGroupCard {
                fromqq: 1,
                group: 3,
                toqq: 2,
            })),
            (
                "get_group_member_info",
                json!({"group_id": 3, "user_id": 2})
            )
        );
        assert_eq!(
            action_and_params(Request::GetMuteTime(xlz::GetMuteTime {
                fromqq: 1,
                group: 3
            }))
            .1["user_id"],
            1
        );
        assert_eq!(
            action_and_params(Request::GetGroupMgrList(xlz::GetGroupMgrList {
                fromqq: 1,
                group: 3,
            })),
            ("get_group_member_list", json!({"group_id": 3}))
        );
        assert_eq!(
            action_and_params(Request::QueryGroupInfo(xlz::QueryGroupInfo {
                logonqq: 1,
                group: 3,
            })),
            ("get_group_info", json!({"group_id": 3}))
        );
    }

    #[test]
    fn group_names_come_from_the_cache_first_and_dissolving_is_refused() {
        let names = Names::in_memory();
        names.keep_frame(&json!({"group_id": 3, "group_name": "three"}));
        let request = |group| Request::GetGroupNameFromCache(xlz::GetGroupNameFromCache { group });
        assert_eq!(
            planned(&request(3), &names),
            Some(Ok(Plan::Answer(Reply::Text("three".into()))))
        );
        let Some(Ok(Plan::Call(asked))) = planned(&request(4), &names) else {
            panic!("a call");
        };
        assert_eq!((asked.account, asked.action), (10001, "get_group_info"));
        let dissolve = Request::DispGroup(xlz::DispGroup {
            fromqq: 1,
            group: 3,
        });
        let Some(Err(failure)) = planned(&dissolve, &names) else {
            panic!("refused");
        };
        assert!(failure.message.contains("NapCat"), "{failure}");
    }

    #[test]
    fn group_data_reads_as_xlz_text() {
        let members = json!([
            {"user_id": 5, "role": "admin"}, {"user_id": 4, "role": "member"},
            {"user_id": 3, "role": "owner"}, {"user_id": 6, "role": "admin"},
        ]);
        assert_eq!(
            read(Read::Managers, &members),
            Some(Reply::Text("3\r\n5\r\n6\r\n".into()))
        );
        assert_eq!(
            read(Read::Card, &json!({"user_id": 2, "card": null})),
            Some(Reply::Text(String::new()))
        );
        assert_eq!(
            read(
                Read::MuteLeft(1000),
                &json!({"user_id": 1, "shut_up_timestamp": 1600})
            ),
            Some(Reply::Text("600".into()))
        );
        assert_eq!(
            read(
                Read::MuteLeft(1000),
                &json!({"user_id": 1, "shut_up_timestamp": 0})
            ),
            Some(Reply::Text("0".into()))
        );
        assert_eq!(read(Read::MuteLeft(1000), &json!({"user_id": 1})), None);
        assert_eq!(
            read(Read::GroupInfo, &json!({"group_id": 3, "group_name": "g"})),
            Some(Reply::Group(GroupInfo {
                name: "g".into(),
                ..GroupInfo::default()
            }))
        );
    }
}
