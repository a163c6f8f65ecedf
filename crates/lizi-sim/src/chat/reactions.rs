//! Emoji reactions (表情回应) to group messages: who reacted with which face, kept per
//! message; each change is a system notice ([`GrayTip::Reaction`]) for the group's
//! framework accounts, with the message's `Req` and the face's count after it.

use std::collections::BTreeMap;

use lizi_core::gray_tip::GrayTip;
use lizi_core::{Event, Gin, Uin};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::SimError;
use crate::notify::Notice;
use crate::world::World;

/// The most different faces one message may carry (QQ's limit in its clients).
pub const MAX_FACES: usize = 20;

/// The reactions to one message (a row of [`World::reactions`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Reactions {
    /// Who reacted with each face (by face id), in the order they did.
    pub faces: BTreeMap<String, Vec<Uin>>,
}

impl World {
    /// `user` reacts to message `req` of group `gin` with face `code` (`add`), or takes
    /// that reaction back; answers the face's count after it, and the notices.
    pub fn react(
        &mut self,
        user: Uin,
        gin: Gin,
        req: i64,
        code: &str,
        add: bool,
        time: i64,
    ) -> Result<(usize, Vec<Event>), SimError> {
        self.active_person(user)?;
        self.may_speak(user, gin, time)?;
        self.group_message(gin, req)?;
        let key = (gin, req);
        let current = self.reactions.get(&key);
        let reacted = current
            .and_then(|r| r.faces.get(code))
            .is_some_and(|users| users.contains(&user));
        let faces = current.map_or(0, |r| r.faces.len());
        let new_face = current.is_none_or(|r| !r.faces.contains_key(code));
        match (add, reacted) {
            (true, true) => {
                return Err(SimError::Refused(format!(
                "{user} has already reacted to message Req={req} of group {gin} with face {code}"
            )))
            }
            (false, false) => {
                return Err(SimError::Refused(format!(
                    "{user} has not reacted to message Req={req} of group {gin} with face {code}"
                )))
            }
            (true, false) if new_face && faces >= MAX_FACES => {
                return Err(SimError::Refused(format!(
                    "message Req={req} of group {gin} already carries {MAX_FACES} different faces"
                )))
            }
            _ => {}
        }
        let row = self.reactions.get_or_insert_with(key, Reactions::default);
        let users = row.faces.entry(code.to_owned()).or_default();
        if add {
            users.push(user);
        } else {
            users.retain(|uin| *uin != user);
        }
        let count = users.len();
        if count == 0 {
            row.faces.remove(code);
        }
        if row.faces.is_empty() {
            self.reactions.remove(&key);
        }
        let tip = GrayTip::Reaction {
            operator: user,
            code: code.to_owned(),
            added: add,
        };
        let notice = Notice::tip(&tip, time)
            .in_group(gin)
            .seq(req)
            .sub_type(count as i64);
        Ok((count, self.notify_group(gin, &notice, &[])))
    }

    /// The control API's `reactions` view: each face on message `req` of `gin` with its
    /// count and who reacted, as `viewer` (a member, when given) reads it.
    pub fn reactions_view(
        &self,
        gin: Gin,
        req: i64,
        viewer: Option<Uin>,
    ) -> Result<Value, SimError> {
        self.group_for(gin, viewer)?;
        self.group_message(gin, req)?;
        let faces: Vec<Value> = self
            .reactions
            .get(&(gin, req))
            .map(|row| {
                row.faces
                    .iter()
                    .map(|(code, users)| {
                        let users: Vec<Value> = users
                            .iter()
                            .map(|&uin| json!({"uin": uin, "nickname": self.nickname(uin)}))
                            .collect();
                        json!({"emoji": code, "count": users.len(), "users": users})
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(json!({"group": gin, "req": req, "reactions": faces}))
    }
}
