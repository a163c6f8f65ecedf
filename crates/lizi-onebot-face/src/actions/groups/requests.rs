//! The requests a group receives: `get_group_system_msg` (and Lagrange.OneBot's
//! `get_group_requests`) lists the invitations of the account and the join requests of
//! the groups it manages, still pending (the control API's `requests` view, as XLZ has no
//! endpoint listing them); the join requests QQ filtered out only with the `llonebot`
//! profile, as LLOneBot lists them there (NapCat lists them apart, with
//! `get_group_ignored_notifies`).

use lizi_core::endpoint as xlz;
use lizi_core::{Gin, Request, Uin};
use lizi_onebot::action::{GroupSystemMsg, SystemRequest};
use lizi_onebot::Profile;
use serde_json::{json, Value};

use crate::actions::call::{Answer, Call};
use crate::flag::RequestFlag;

impl Call<'_> {
    /// Whether the account is the owner or an admin of `group`.
    pub(crate) async fn manages(&self, group: Gin) -> bool {
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

    /// The invitations of the account and the join requests of the groups it manages,
    /// still pending, among the first `limit` pending requests of the network (the
    /// control API's `requests` view).
    async fn pending_group_requests(
        &self,
        limit: Option<i64>,
    ) -> Result<Vec<PendingGroupRequest>, Box<lizi_onebot::ActionResponse>> {
        let view = self.control_json("requests", json!({})).await?;
        let limit = limit.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(0));
        let pending = view["requests"].as_array().cloned().unwrap_or_default();
        let mut out = Vec::new();
        for request in pending.into_iter().take(limit) {
            let number = |key: &str| request[key].as_u64().unwrap_or(0);
            let (from, to, group) = (number("from"), number("to"), number("group"));
            // Only LLOneBot lists the join requests QQ filtered out here.
            if request["screened"] == true && self.profile != Profile::LLOneBot {
                continue;
            }
            let invite = match request["kind"].as_str() {
                Some("invite") if to == self.me() => true,
                Some("join") if self.manages(group).await => false,
                _ => continue,
            };
            out.push(PendingGroupRequest {
                seq: request["seq"].as_i64().unwrap_or(0),
                time: request["time"].as_i64().unwrap_or(0),
                from,
                group,
                invite,
                text: request["text"].as_str().unwrap_or("").to_owned(),
            });
        }
        Ok(out)
    }

    /// `get_group_system_msg`: the pending invitations and join requests (NapCat: among
    /// the first `count`). `request_id` is XLZ's `seq`; `flag` is what
    /// `set_group_add_request` takes.
    pub(crate) async fn group_system_msg(&self, count: Option<i64>) -> Answer {
        let mut invited = Vec::new();
        let mut joins = Vec::new();
        for request in self.pending_group_requests(count).await? {
            let group_name = self
                .text(Request::GetGroupNameFromCache(xlz::GetGroupNameFromCache {
                    group: request.group,
                }))
                .await
                .unwrap_or_default();
            let invite = request.invite;
            let entry = SystemRequest {
                request_id: request.seq,
                invitor_uin: invite.then_some(request.from),
                requester_uin: (!invite).then_some(request.from),
                message: (!invite).then(|| request.text.clone()),
                group_id: request.group,
                group_name,
                checked: false,
                actor: 0,
            };
            let mut entry = serde_json::to_value(entry).unwrap_or(Value::Null);
            entry["flag"] = Value::String(request.flag().encode());
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
        // NapCat repeats the invitations under `InvitedRequest`.
        if self.profile == Profile::NapCat {
            out["InvitedRequest"] = Value::Array(invited.clone());
        }
        out["invited_requests"] = Value::Array(invited);
        out["join_requests"] = Value::Array(joins);
        Ok(out)
    }

    /// `get_group_requests` (Lagrange.OneBot's counterpart of `get_group_system_msg`):
    /// the pending invitations and join requests as request events, with the `flag` the
    /// request events carry and `invitor_id` 0, as Lagrange.OneBot writes it.
    pub(crate) async fn group_requests(&self) -> Answer {
        let requests = self.pending_group_requests(None).await?;
        let events: Vec<Value> = requests
            .iter()
            .map(|request| {
                json!({
                    "time": request.time,
                    "self_id": self.me(),
                    "post_type": "request",
                    "request_type": "group",
                    "comment": (!request.invite).then_some(&request.text),
                    "flag": request.flag().encode(),
                    "sub_type": if request.invite { "invite" } else { "add" },
                    "user_id": request.from,
                    "group_id": request.group,
                    "invitor_id": 0,
                })
            })
            .collect();
        Ok(Value::Array(events))
    }

    /// `get_group_ignored_notifies` (NapCat): the join requests QQ filtered out, as
    /// `get_group_ignore_add_request` lists them; QQ filters no invitation.
    pub(crate) async fn ignored_notifies(&self) -> Answer {
        let joins = self.ignored_requests().await?;
        Ok(json!({"invited_requests": [], "InvitedRequest": [], "join_requests": joins}))
    }
}

/// A pending invitation of the account, or join request of a group it manages.
struct PendingGroupRequest {
    seq: i64,
    time: i64,
    /// Who invites, or asks to join.
    from: Uin,
    group: Gin,
    invite: bool,
    text: String,
}

impl PendingGroupRequest {
    /// The flag that answers it.
    fn flag(&self) -> RequestFlag {
        RequestFlag::Group {
            group: self.group,
            user: self.from,
            seq: self.seq,
            invite: self.invite,
        }
    }
}
