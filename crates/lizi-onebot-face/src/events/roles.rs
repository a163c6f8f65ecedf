//! `sender.role` of group messages (`owner`, `admin` or `member`). XLZ's `GroupMsg` does
//! not carry the sender's role, so it is asked of the backend (`/getgroupmgrlist`, the
//! owner and then the admins) when the event is delivered, once per group for a batch of
//! events.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use lizi_core::endpoint as xlz;
use lizi_core::{Backend, Gin, Reply, Request, Uin};
use serde_json::{json, Value};

/// The managers of the groups seen so far: the owner first, then the admins.
#[derive(Default)]
pub struct Roles {
    managers: HashMap<Gin, Vec<Uin>>,
}

impl Roles {
    /// The role of `user` in `group` as `account` sees it; `member` when the backend
    /// does not say.
    pub async fn of(
        &mut self,
        backend: &dyn Backend,
        account: Uin,
        group: Gin,
        user: Uin,
    ) -> &'static str {
        let managers = match self.managers.entry(group) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => slot.insert(managers(backend, account, group).await),
        };
        match managers.iter().position(|&u| u == user) {
            Some(0) => "owner",
            Some(_) => "admin",
            _ => "member",
        }
    }

    /// Fills `sender.role` of a group message event (anonymous ones stay `member`).
    pub async fn fill(&mut self, backend: &dyn Backend, account: Uin, event: &mut Value) {
        if event["message_type"] != "group" || event["sub_type"] != "normal" {
            return;
        }
        let (Some(group), Some(user)) = (event["group_id"].as_u64(), event["user_id"].as_u64())
        else {
            return;
        };
        event["sender"]["role"] = json!(self.of(backend, account, group, user).await);
    }
}

async fn managers(backend: &dyn Backend, account: Uin, group: Gin) -> Vec<Uin> {
    let request = Request::GetGroupMgrList(xlz::GetGroupMgrList {
        fromqq: account,
        group,
    });
    match backend.call(request).await {
        Ok(Reply::Text(list)) => list
            .split_whitespace()
            .filter_map(|uin| uin.parse().ok())
            .collect(),
        _ => Vec::new(),
    }
}
