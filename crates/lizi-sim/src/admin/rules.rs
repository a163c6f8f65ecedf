//! Who may do what in a group (owner > admin > member), and the group rules a message
//! must pass before it is sent: mutes, temporary-session and anonymous settings, and
//! replies to recalled messages.

use lizi_core::event::{GroupSender, Pos};
use lizi_core::textcode::{parse, Segment};
use lizi_core::{Event, Gin, Receipt, Uin};

use crate::error::SimError;
use crate::messages::Target;
use crate::world::{ConvKey, Group, MemberState, Role, World};

/// `FromQQ.UIN` of an anonymous group message: QQ's anonymous senders are not real
/// accounts, and 80000000 is the number QQ itself uses for them.
pub const ANONYMOUS_UIN: Uin = 80_000_000;
/// `FromQQ.Card` of an anonymous group message.
pub const ANONYMOUS_CARD: &str = "匿名";

/// The rank of a role: owner 2, admin 1, member 0.
fn rank(role: Role) -> u8 {
    match role {
        Role::Owner => 2,
        Role::Admin => 1,
        Role::Member => 0,
    }
}

/// A role as a word in reasons.
pub(crate) fn role_word(role: Role) -> &'static str {
    match role {
        Role::Owner => "owner",
        Role::Admin => "admin",
        Role::Member => "member",
    }
}

impl Group {
    /// Fails unless `who` is the owner or an admin; `what` completes "only the owner or an
    /// admin may …".
    pub(crate) fn require_manager(&self, who: Uin, what: &str) -> Result<Role, SimError> {
        self.member(who)?;
        match self.role(who) {
            Role::Member => Err(SimError::NoPermission(format!(
                "{who} is only a member of group {}; only the owner or an admin may {what}",
                self.gin
            ))),
            role => Ok(role),
        }
    }

    /// Fails unless `who` is the owner; `what` completes "only the owner may …".
    pub(crate) fn require_owner(&self, who: Uin, what: &str) -> Result<(), SimError> {
        self.member(who)?;
        match self.role(who) {
            Role::Owner => Ok(()),
            role => Err(SimError::NoPermission(format!(
                "{who} is {} {} of group {}; only the owner may {what}",
                if role == Role::Admin { "an" } else { "only a" },
                role_word(role),
                self.gin
            ))),
        }
    }

    /// Fails unless `operator` ranks above `target` (`target_role` when given, for someone
    /// who may have left); `what` is the verb, e.g. "kick".
    pub(crate) fn require_above(
        &self,
        operator: Uin,
        target: Uin,
        target_role: Option<Role>,
        what: &str,
    ) -> Result<(), SimError> {
        let mine = self.role(operator);
        let theirs = target_role.unwrap_or_else(|| self.role(target));
        if rank(mine) > rank(theirs) {
            Ok(())
        } else {
            Err(SimError::NoPermission(format!(
                "{operator} ({}) may not {what} {target} ({}) in group {}: that needs a higher role",
                role_word(mine),
                role_word(theirs),
                self.gin
            )))
        }
    }
}

impl World {
    /// A group, for changing it.
    pub(crate) fn group_mut(&mut self, gin: Gin) -> Result<&mut Group, SimError> {
        self.groups.get_mut(&gin).ok_or(SimError::UnknownGroup(gin))
    }

    /// A member's state, for changing it.
    pub(crate) fn member_mut(&mut self, gin: Gin, uin: Uin) -> Result<&mut MemberState, SimError> {
        self.group_mut(gin)?
            .members
            .get_mut(&uin)
            .ok_or(SimError::NotMember { uin, gin })
    }

    /// The group rules a message from `from` to `target` at `time` must pass (called by
    /// [`World::send`] once sender and receiver are known to exist and be members):
    ///
    /// - in a group, a muted member may not send, nor may a plain member while the whole
    ///   group is muted;
    /// - with temporary sessions off, a plain member may only write to the owner or admins;
    /// - a `[Reply,…,Req=N,…]` code may not refer to a recalled message of the same
    ///   conversation.
    pub(crate) fn check_group_rules(
        &self,
        from: Uin,
        target: Target,
        text: &str,
        time: i64,
    ) -> Result<(), SimError> {
        match target {
            Target::Group(gin) => {
                let group = self.group(gin)?;
                let state = group.member(from)?;
                if state.mute_until > time {
                    return Err(SimError::Muted(format!(
                        "{from} is muted in group {gin} for another {} seconds",
                        state.mute_until - time
                    )));
                }
                if group.settings.whole_mute && group.role(from) == Role::Member {
                    return Err(SimError::Muted(format!(
                        "group {gin} is muted for everyone but the owner and admins"
                    )));
                }
                self.check_at_all(from, gin, text, time)?;
            }
            Target::Temp { gin, to } => {
                let group = self.group(gin)?;
                if !group.settings.temp_session
                    && group.role(from) == Role::Member
                    && group.role(to) == Role::Member
                {
                    return Err(SimError::Refused(format!(
                        "temporary sessions are off in group {gin}: member {from} may only write to the owner or admins"
                    )));
                }
            }
            Target::Private(_) => {}
        }
        let conv = target.conversation(from);
        for segment in parse(text) {
            let Segment::Code(code) = segment else {
                continue;
            };
            if !code.is("Reply") {
                continue;
            }
            let Some(req) = code.get("Req").and_then(|r| r.trim().parse::<i64>().ok()) else {
                continue;
            };
            if self.message(conv, req)?.is_some_and(|m| m.recalled) {
                return Err(SimError::Refused(format!(
                    "message Req={req} {} was recalled; it cannot be replied to",
                    describe(conv)
                )));
            }
        }
        Ok(())
    }

    /// `from` sends `text` to group `gin` anonymously, when the group allows anonymous
    /// chat. Everybody (the sender's own framework account too) sees the message from
    /// [`ANONYMOUS_UIN`] with card [`ANONYMOUS_CARD`]; the history keeps the real sender,
    /// who may recall it.
    pub fn send_anonymous(
        &mut self,
        from: Uin,
        gin: Gin,
        text: &str,
        time: i64,
        random: i64,
    ) -> Result<(Receipt, Vec<Event>), SimError> {
        let group = self.group(gin)?;
        group.member(from)?;
        if !group.settings.anonymous {
            return Err(SimError::Refused(format!(
                "anonymous chat is off in group {gin}"
            )));
        }
        let (receipt, mut events) = self.send(from, Target::Group(gin), text, time, random)?;
        for event in &mut events {
            if let Event::GroupMsg(message) = event {
                message.from_qq = GroupSender {
                    uin: ANONYMOUS_UIN,
                    card: ANONYMOUS_CARD.to_owned(),
                    spec_title: String::new(),
                    pos: Pos::default(),
                };
            }
        }
        Ok((receipt, events))
    }
}

/// "in group N" or "between A and B", for reasons.
pub(crate) fn describe(conv: ConvKey) -> String {
    match conv {
        ConvKey::Group(gin) => format!("in group {gin}"),
        ConvKey::Private(a, b) => format!("between {a} and {b}"),
    }
}
