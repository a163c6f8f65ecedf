//! The read-only view of the world that the control API's `world` action answers.

use serde_json::{json, Value};

use crate::world::{ConvKey, World};

impl World {
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
                map.insert("received".into(), json!(account.received));
                map.insert("sent".into(), json!(account.sent));
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
                    .map(|(&uin, m)| {
                        json!({
                            "uin": uin,
                            "nickname": self.nickname(uin),
                            "role": g.role(uin),
                            "card": m.card,
                            "spec_title": m.spec_title,
                            "joined": m.joined,
                            "last_msg": self.last_spoke(g.gin, uin),
                        })
                    })
                    .collect();
                json!({
                    "gin": g.gin,
                    "name": g.name,
                    "memo": g.memo,
                    "owner": g.owner,
                    "admins": g.admins,
                    "members": members,
                    "messages": self.messages_of(ConvKey::Group(g.gin)).count(),
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
