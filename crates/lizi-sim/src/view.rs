//! The read-only view of the world that the control API's `world` action answers.

use serde_json::{json, Value};

use crate::world::{ConvKey, World};

impl World {
    /// One member of a group as the views show it: number, nickname, role, card, title,
    /// join time and when they last spoke.
    pub(crate) fn member_view(
        &self,
        group: &crate::world::Group,
        uin: lizi_core::Uin,
        member: &crate::world::MemberState,
    ) -> Value {
        json!({
            "uin": uin,
            "nickname": self.nickname(uin),
            "role": group.role(uin),
            "card": member.card,
            "spec_title": member.spec_title,
            "joined": member.joined,
            "last_msg": self.last_spoke(group.gin, uin),
        })
    }

    /// Accounts (with their online flag), users, friendships and groups (with members,
    /// roles and cards), as JSON.
    pub fn view(&self) -> Value {
        let person = |p: &crate::world::Person| {
            let mut value = json!({
                "uin": p.uin,
                "nickname": p.nickname,
                "signature": p.signature,
                "sex": p.sex,
                "age": p.age,
                "email": p.email,
            });
            if let (Some(account), Some(map)) = (p.account, value.as_object_mut()) {
                map.insert("online".into(), json!(account.online));
                let counts = self.message_counts(p.uin);
                map.insert("received".into(), json!(counts.received));
                map.insert("sent".into(), json!(counts.sent));
            }
            value
        };
        let accounts: Vec<Value> = self
            .people
            .values()
            .filter(|p| p.account.is_some())
            .map(person)
            .collect();
        let users: Vec<Value> = self
            .people
            .values()
            .filter(|p| p.account.is_none())
            .map(person)
            .collect();
        let friendships: Vec<Value> = self
            .friendships
            .keys()
            .map(|(a, b)| json!([a, b]))
            .collect();
        let groups: Vec<Value> = self
            .groups
            .values()
            .map(|g| {
                let members: Vec<Value> = g
                    .members
                    .iter()
                    .map(|(&uin, m)| self.member_view(g, uin, m))
                    .collect();
                json!({
                    "gin": g.gin,
                    "name": g.name,
                    "memo": g.memo,
                    "owner": g.owner,
                    "admins": g.admins,
                    "members": members,
                    "messages": self
                        .conversations
                        .get(&ConvKey::Group(g.gin))
                        .map_or(0, |c| c.last_req),
                })
            })
            .collect();
        json!({
            "accounts": accounts,
            "users": users,
            "friendships": friendships,
            "groups": groups,
        })
    }
}
