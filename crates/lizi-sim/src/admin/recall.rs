//! Recalling messages (`/deletegroupmsg`, `/deleteprivatemsg`).
//!
//! A recalled message stays in the history, marked recalled: it cannot be recalled again
//! nor replied to. The recall event carries the message's `Req` as `Msg.Seq` and its text
//! as `Msg.Text`.

use lizi_core::event::kind;
use lizi_core::{Event, Gin, Uin};

use crate::error::SimError;
use crate::notify::Notice;
use crate::world::{ConvKey, Role, World};

/// How long a sender may recall their own message, in seconds (QQ's two minutes); the
/// owner and admins may recall group messages at any time.
pub const RECALL_WINDOW: i64 = 120;

impl World {
    /// `operator` recalls message `req`/`random` of group `gin` at `now`: their own
    /// (a plain member within [`RECALL_WINDOW`]), or, as owner or admin, that of someone
    /// below them. Event 8 goes to every online framework member.
    pub fn recall_group(
        &mut self,
        operator: Uin,
        gin: Gin,
        req: i64,
        random: i64,
        now: i64,
    ) -> Result<Vec<Event>, SimError> {
        let group = self.group(gin)?;
        group.member(operator)?;
        let key = ConvKey::Group(gin);
        let mut message = self
            .message(key, req)?
            .filter(|m| m.random == random)
            .ok_or_else(|| {
                SimError::NotFound(format!(
                    "there is no message Req={req} Random={random} in group {gin}"
                ))
            })?;
        if message.recalled {
            return Err(SimError::Invalid(format!(
                "message Req={req} in group {gin} was already recalled"
            )));
        }
        let sender = message.from;
        if sender == operator {
            if group.role(operator) == Role::Member && now - message.time > RECALL_WINDOW {
                return Err(SimError::Refused(format!(
                    "message Req={req} in group {gin} was sent more than {RECALL_WINDOW} seconds ago; only the owner or an admin may recall it now"
                )));
            }
        } else {
            group.require_manager(operator, "recall other members' messages")?;
            let sender_role = if group.members.contains_key(&sender) {
                group.role(sender)
            } else {
                Role::Member
            };
            group.require_above(operator, sender, Some(sender_role), "recall a message of")?;
        }
        let text = message.text.clone();
        message.recalled = true;
        self.put_message(key, message);
        let notice = Notice::new(kind::GROUP_RECALL, sender, operator, now)
            .in_group(gin)
            .seq(req)
            .text(text);
        Ok(self.notify_group(gin, &notice, &[]))
    }

    /// `operator` recalls their own private (or temporary-session) message `req`/`random`
    /// to `peer`, sent at `sent` when given, within [`RECALL_WINDOW`] of `now`. Event 103
    /// goes to `peer` if it is an online framework account.
    pub fn recall_private(
        &mut self,
        operator: Uin,
        peer: Uin,
        req: i64,
        random: i64,
        sent: Option<i64>,
        now: i64,
    ) -> Result<Vec<Event>, SimError> {
        self.person(peer)?;
        let key = ConvKey::private(operator, peer);
        let mut message = self
            .message(key, req)?
            .filter(|m| m.random == random && sent.is_none_or(|t| t == m.time))
            .ok_or_else(|| {
                let time = sent.map(|t| format!(" Time={t}")).unwrap_or_default();
                SimError::NotFound(format!(
                    "there is no message Req={req} Random={random}{time} between {operator} and {peer}"
                ))
            })?;
        if message.from != operator {
            return Err(SimError::NoPermission(format!(
                "message Req={req} was sent by {}, not {operator}; only its sender may recall a private message",
                message.from
            )));
        }
        if message.recalled {
            return Err(SimError::Invalid(format!(
                "message Req={req} between {operator} and {peer} was already recalled"
            )));
        }
        if now - message.time > RECALL_WINDOW {
            return Err(SimError::Refused(format!(
                "message Req={req} was sent more than {RECALL_WINDOW} seconds ago and can no longer be recalled"
            )));
        }
        let text = message.text.clone();
        message.recalled = true;
        self.put_message(key, message);
        let notice = Notice::new(kind::FRIEND_RECALL, operator, operator, now)
            .seq(req)
            .text(text);
        Ok(self.notify_account(peer, &notice))
    }
}
