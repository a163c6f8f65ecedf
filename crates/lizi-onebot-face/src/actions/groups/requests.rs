//! The requests a group receives: `get_group_system_msg` lists the invitations of the
//! account and the join requests of the groups it manages, still pending (the control
//! API's `requests` view, as XLZ has no endpoint listing them).

use lizi_core::endpoint as xlz;
use lizi_core::{Gin, Request, Uin};
use lizi_onebot::action::{GroupSystemMsg, SystemRequest};
use serde_json::{json, Value};

use crate::actions::call::{Answer, Call};
use crate::flag::RequestFlag;

impl Call<'_> {
    /// Whether the account is the owner or an admin of `group`.
    async fn manages(&self, group: Gin) -> bool {
        let request = Request::GetGroupMgrList(xlz::GetGroupMgrList {
            fromqq: self.me(),
            group,
        });
        match self.text(request).await {
            Ok(managers) => managers
                .lines()
                .any(|line| line.trim().parse::<Uin>() == Ok(self.me())),
            Err(_) => false,
        }
    }

    /// `get_group_system_msg`: the invitations of the account and the join requests of
    /// the groups it manages, still pending. `request_id` is XLZ's `seq`; `flag` is what
    /// `set_group_add_request` takes.
    pub(crate) async fn group_system_msg(&self) -> Answer {
        let view = self.control_json("requests", json!({})).await?;
        let mut invited = Vec::new();
        let mut joins = Vec::new();
        let pending = view["requests"].as_array().cloned().unwrap_or_default();
        for request in pending {
            let number = |key: &str| request[key].as_u64().unwrap_or(0);
            let (seq, from, to, group) = (
                request["seq"].as_i64().unwrap_or(0),
                number("from"),
                number("to"),
                number("group"),
            );
            let invite = match request["kind"].as_str() {
                Some("invite") if to == self.me() => true,
                Some("join") if self.manages(group).await => false,
                _ => continue,
            };
            let group_name = self
                .text(Request::GetGroupNameFromCache(xlz::GetGroupNameFromCache {
                    group,
                }))
                .await
                .unwrap_or_default();
            let entry = SystemRequest {
                request_id: seq,
                invitor_uin: invite.then_some(from),
                requester_uin: (!invite).then_some(from),
                message: (!invite).then(|| request["text"].as_str().unwrap_or("").to_owned()),
                group_id: group,
                group_name,
                checked: false,
                actor: 0,
            };
            let mut entry = serde_json::to_value(entry).unwrap_or(Value::Null);
            let flag = RequestFlag::Group {
                group,
                user: from,
                seq,
                invite,
            };
            entry["flag"] = Value::String(flag.encode());
            if invite {
                invited.push(entry);
            } else {
                joins.push(entry);
            }
        }
        let mut out = serde_json::to_value(GroupSystemMsg {
            invited_requests: Vec::new(),
            join_requests: Vec::new(),
        })
        .unwrap_or(Value::Null);
        out["invited_requests"] = Value::Array(invited);
        out["join_requests"] = Value::Array(joins);
        Ok(out)
    }
}
