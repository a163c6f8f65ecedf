//! Essence messages (精华消息): an owner or admin marks a group message, or unmarks it;
//! each change is a system notice ([`GrayTip::Essence`]) for the group's framework
//! accounts, with the message's `Req`.

use lizi_core::gray_tip::GrayTip;
use lizi_core::{Event, Gin, Uin};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::SimError;
use crate::notify::Notice;
use crate::world::{ConvKey, World};

/// A message marked as essence (a row of [`World::essence`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EssenceMark {
    /// Who sent the message.
    pub sender: Uin,
    /// Who marked it.
    pub operator: Uin,
    /// When it was marked (unix seconds).
    pub time: i64,
}

impl World {
    /// `operator` (an owner or admin of `gin`) marks message `req` as essence (`essence`)
    /// or removes the mark.
    pub fn set_essence(
        &mut self,
        operator: Uin,
        gin: Gin,
        req: i64,
        essence: bool,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        self.active_person(operator)?;
        let verb = if essence { "set" } else { "remove" };
        self.group(gin)?
            .require_manager(operator, &format!("{verb} essence messages"))?;
        let message = self.group_message(gin, req)?;
        let key = (gin, req);
        match (essence, self.essence.contains_key(&key)) {
            (true, true) => {
                return Err(SimError::Refused(format!(
                    "message Req={req} of group {gin} is already an essence message"
                )))
            }
            (false, false) => {
                return Err(SimError::Refused(format!(
                    "message Req={req} of group {gin} is not an essence message"
                )))
            }
            (true, false) => {
                let mark = EssenceMark {
                    sender: message.from,
                    operator,
                    time,
                };
                self.essence.insert(key, mark);
            }
            (false, true) => {
                self.essence.remove(&key);
            }
        }
        let tip = GrayTip::Essence {
            operator,
            sender: message.from,
            added: essence,
        };
        let notice = Notice::tip(&tip, time).in_group(gin).seq(req);
        Ok(self.notify_group(gin, &notice, &[]))
    }

    /// The control API's `essence` view: the essence messages of `gin`, oldest mark
    /// first, as `viewer` (a member, when given) reads them.
    pub fn essence_view(&self, gin: Gin, viewer: Option<Uin>) -> Result<Value, SimError> {
        self.group_for(gin, viewer)?;
        let mut marks: Vec<(&i64, &EssenceMark)> = self
            .essence
            .range((gin, i64::MIN)..=(gin, i64::MAX))
            .map(|((_, req), mark)| (req, mark))
            .collect();
        marks.sort_by_key(|(req, mark)| (mark.time, **req));
        let mut entries = Vec::with_capacity(marks.len());
        for (&req, mark) in marks {
            let message = self.message(ConvKey::Group(gin), req)?;
            let Some(message) = message else { continue };
            entries.push(json!({
                "req": req,
                "random": message.random,
                "seq": message.seq,
                "sender": mark.sender,
                "sender_nick": self.nickname(mark.sender),
                "sender_time": message.time,
                "operator": mark.operator,
                "operator_nick": self.nickname(mark.operator),
                "operator_time": mark.time,
                "text": message.text,
                "recalled": message.recalled,
            }));
        }
        Ok(json!({"group": gin, "essence": entries}))
    }
}
