//! Read-only answers of this area: `/getmutetime`, `/querygroupinfo`, and the control
//! API's `group` and `history` views.

use lizi_core::model::GroupInfo;
use lizi_core::{Gin, Uin};
use serde_json::{json, Value};

use crate::error::SimError;
use crate::world::{ConvKey, World};

impl World {
    /// `/getmutetime`: seconds of `uin`'s own mute left in `gin` at `now` (0 when not
    /// muted; whole-group mute is not counted).
    pub fn mute_left(&self, uin: Uin, gin: Gin, now: i64) -> Result<i64, SimError> {
        self.account(uin)?;
        let state = self.group(gin)?.member(uin)?;
        Ok((state.mute_until - now).max(0))
    }

    /// `/querygroupinfo`: a group's public information (the simulated network keeps no
    /// location, type or tags, so those are empty).
    pub fn group_info(&self, logon: Uin, gin: Gin) -> Result<GroupInfo, SimError> {
        self.online_account(logon)?;
        let group = self.group(gin)?;
        Ok(GroupInfo {
            name: group.name.clone(),
            pos: String::new(),
            kind: String::new(),
            tag: String::new(),
            introduction: group.memo.clone(),
        })
    }

    /// The control API's `group` view at `now`: members with role, card, mute and
    /// position, and the group's settings and blocked list.
    pub fn group_view(&self, gin: Gin, now: i64) -> Result<Value, SimError> {
        let group = self.group(gin)?;
        let members: Vec<Value> = group
            .members
            .iter()
            .map(|(&uin, m)| {
                let mut member = self.member_view(group, uin, m);
                if let Value::Object(fields) = &mut member {
                    fields.insert("mute_until".into(), json!(m.mute_until));
                    fields.insert("mute_left".into(), json!((m.mute_until - now).max(0)));
                    fields.insert("pos".into(), json!({ "lo": m.pos.lo, "la": m.pos.la }));
                    fields.insert("sharing_pos".into(), json!(m.sharing_pos));
                }
                member
            })
            .collect();
        Ok(json!({
            "gin": group.gin,
            "name": group.name,
            "memo": group.memo,
            "owner": group.owner,
            "admins": group.admins,
            "blocked": group.blocked,
            "settings": group.settings,
            "members": members,
        }))
    }

    /// The control API's `history` view: a page of the messages of a group, or of the
    /// private conversation of `a` and `b`: the last `limit` with a `Req` below `before`
    /// (the newest when `None`), oldest first, and the `before` of the page before it
    /// (`null` when there is none).
    pub fn history_view(
        &self,
        conv: ConvKey,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Value, SimError> {
        let page = self.messages_page(conv, before, limit)?;
        let first = page.first().map(|m| m.req);
        let earlier = first.filter(|&req| req > 1 && page.len() == limit);
        let messages: Vec<Value> = page
            .into_iter()
            .map(|m| {
                json!({
                    "req": m.req,
                    "random": m.random,
                    "seq": m.seq,
                    "time": m.time,
                    "from": m.from,
                    "to": m.to,
                    "group": m.group,
                    "text": m.text,
                    "recalled": m.recalled,
                })
            })
            .collect();
        Ok(json!({ "messages": messages, "before": earlier }))
    }
}
