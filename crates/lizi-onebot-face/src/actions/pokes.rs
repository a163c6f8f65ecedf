//! Pokes (戳一戳): `group_poke`, `friend_poke`, `send_poke`, through the simulated
//! network's `poke` control action (XLZ has no endpoint for one).
//!
//! NapCat and Lagrange.OneBot run the three names through one handler: a group poke
//! when `group_id` is given, else a friend poke, of `target_id` (default `user_id`).
//! LLOneBot's `group_poke` pokes `user_id` in `group_id` (which it needs) and its
//! `friend_poke` pokes the friend `user_id`; it reads no `target_id`.

use lizi_core::{Gin, Uin};
use lizi_onebot::Profile;
use serde_json::{json, Value};

use crate::actions::call::{Answer, Call};

/// Which poke action was called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PokeAction {
    /// `group_poke`.
    Group,
    /// `friend_poke`.
    Friend,
    /// `send_poke`.
    Send,
}

impl Call<'_> {
    /// A poke of `target_id` (else `user_id`), in `group_id` when given, as the profile's
    /// implementation reads the action.
    pub(crate) async fn poke(
        &self,
        action: PokeAction,
        user_id: Uin,
        group_id: Option<Gin>,
        target_id: Option<Uin>,
    ) -> Answer {
        let (target, group) = match (self.profile, action) {
            (Profile::LLOneBot, PokeAction::Group) => match group_id {
                Some(group) => (user_id, Some(group)),
                None => return Err(self.bad("parameter `group_id`: is required")),
            },
            (Profile::LLOneBot, _) => (user_id, None),
            _ => (target_id.unwrap_or(user_id), group_id),
        };
        let mut body = json!({"from": self.me(), "target": target});
        if let Some(group) = group {
            body["group"] = json!(group);
        }
        self.control_json("poke", body).await?;
        Ok(Value::Null)
    }
}
