//! The XLZ endpoints that are one standard OneBot action each (docs/bridge.md#what-works-on-each-implementation, kind S):
//! lists, and the group admin actions. Each becomes an [`ActionCall`]; the action's data
//! becomes the endpoint's reply.

use lizi_core::model::{Friend, GroupEntry, Member};
use lizi_core::{Reply, Request, Uin};
use lizi_onebot::lenient::{as_i64, as_u64};
use serde_json::{json, Value};

/// What an endpoint's answer is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Nothing beyond success.
    Done,
    /// `get_friend_list` data as friends.
    Friends,
    /// `get_group_list` data as groups.
    Groups,
    /// `get_group_member_list` data as members.
    Members,
}

/// One OneBot action that carries an XLZ request out.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionCall {
    /// The account acting.
    pub account: Uin,
    /// The action.
    pub action: &'static str,
    /// Its parameters.
    pub params: Value,
    /// How its data answers the request.
    pub answer: Answer,
}

/// The action of `request`, when it is one of the standard endpoints.
pub fn plan(request: &Request) -> Option<ActionCall> {
    use Request as R;
    let call = |account, action, params, answer| ActionCall {
        account,
        action,
        params,
        answer,
    };
    Some(match request {
        R::GetFriendList(r) => call(r.logonqq, "get_friend_list", json!({}), Answer::Friends),
        R::GetGroupList(r) => call(r.logonqq, "get_group_list", json!({}), Answer::Groups),
        R::GetGroupMemberList(r) => call(
            r.logonqq,
            "get_group_member_list",
            json!({"group_id": r.group}),
            Answer::Members,
        ),
        R::KickGroupMember(r) => call(
            r.fromqq,
            "set_group_kick",
            json!({"group_id": r.group, "user_id": r.toqq, "reject_add_request": r.ignoreaddgrequest == Some(true)}),
            Answer::Done,
        ),
        R::MuteGroupMember(r) => call(
            r.fromqq,
            "set_group_ban",
            json!({"group_id": r.group, "user_id": r.toqq, "duration": r.time}),
            Answer::Done,
        ),
        R::SetGroupWholeMute(r) => call(
            r.fromqq,
            "set_group_whole_ban",
            json!({"group_id": r.group, "enable": r.ismute}),
            Answer::Done,
        ),
        R::SetGroupCard(r) => call(
            r.fromqq,
            "set_group_card",
            json!({"group_id": r.togroup, "user_id": r.toqq, "card": r.card}),
            Answer::Done,
        ),
        R::ExitGroup(r) => call(
            r.fromqq,
            "set_group_leave",
            json!({"group_id": r.group}),
            Answer::Done,
        ),
        R::SetGroupMgr(r) => call(
            r.fromqq,
            "set_group_admin",
            json!({"group_id": r.group, "user_id": r.toqq, "enable": r.bemgr}),
            Answer::Done,
        ),
        _ => return None,
    })
}

/// The reply `data` of an action gives, as `answer` says.
pub fn reply(answer: Answer, data: &Value) -> Reply {
    let items = || data.as_array().map(Vec::as_slice).unwrap_or_default();
    let text = |item: &Value, key: &str| {
        item.get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let number = |item: &Value, key: &str| item.get(key).and_then(as_u64).unwrap_or(0);
    match answer {
        Answer::Done => Reply::Done,
        Answer::Friends => Reply::Friends(
            items()
                .iter()
                .map(|item| Friend {
                    uin: number(item, "user_id"),
                    nick_name: text(item, "nickname"),
                    remark: text(item, "remark"),
                    ..Friend::default()
                })
                .collect(),
        ),
        Answer::Groups => Reply::Groups(
            items()
                .iter()
                .map(|item| {
                    let gin = number(item, "group_id");
                    GroupEntry {
                        group_id: gin as i64,
                        gin,
                        dw_member_num: item.get("member_count").and_then(as_i64).unwrap_or(0),
                        str_group_name: text(item, "group_name"),
                        ..GroupEntry::default()
                    }
                })
                .collect(),
        ),
        Answer::Members => Reply::Members(
            items()
                .iter()
                .map(|item| Member {
                    uin: number(item, "user_id"),
                    nick_name: text(item, "nickname"),
                    card: text(item, "card"),
                    spec_title: text(item, "title"),
                    age: item.get("age").and_then(as_i64).unwrap_or(0),
                    add_group_time: item.get("join_time").and_then(as_i64).unwrap_or(0),
                    last_msg_time: item.get("last_sent_time").and_then(as_i64).unwrap_or(0),
                    ..Member::default()
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_data_becomes_xlz_items() {
        let data = json!([{"group_id": "30001", "group_name": "g", "member_count": 3}]);
        let Reply::Groups(groups) = reply(Answer::Groups, &data) else {
            panic!("groups");
        };
        assert_eq!(
            (
                groups[0].gin,
                groups[0].str_group_name.as_str(),
                groups[0].dw_member_num
            ),
            (30001, "g", 3)
        );
        let data = json!([{"user_id": 5, "nickname": "n", "card": "c", "join_time": 9}]);
        let Reply::Members(members) = reply(Answer::Members, &data) else {
            panic!("members");
        };
        assert_eq!(
            (
                members[0].uin,
                members[0].card.as_str(),
                members[0].add_group_time
            ),
            (5, "c", 9)
        );
        assert_eq!(
            reply(Answer::Friends, &Value::Null),
            Reply::Friends(Vec::new())
        );
    }
}
