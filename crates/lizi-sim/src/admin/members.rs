//! Changing who is in a group and in what role: kick, mute, admins, cards, leaving,
//! dissolving and renaming.
//!
//! Each change checks every rule first, then changes the world and returns the events:
//! group events go to every online framework account in the group (see
//! [`World::notify_group`]); a change that changes nothing succeeds without events.

use lizi_core::event::kind;
use lizi_core::{Event, Gin, Uin};

use crate::error::SimError;
use crate::notify::Notice;
use crate::world::{Role, World};

/// The longest mute QQ allows: 30 days.
pub const MAX_MUTE_SECONDS: u32 = 30 * 24 * 3600;
/// The longest group card QQ allows, in UTF-8 bytes.
pub const MAX_CARD_BYTES: usize = 60;

impl World {
    /// `operator` (owner or admin, above `member`) kicks `member` out of `gin`; with
    /// `block`, the member's later join requests are refused. Event 6 goes to the online
    /// framework members left, event 30 to the kicked one if it is an online framework
    /// account.
    pub fn kick(
        &mut self,
        operator: Uin,
        gin: Gin,
        member: Uin,
        block: bool,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        let group = self.group(gin)?;
        group.require_manager(operator, "kick members")?;
        self.person(member)?;
        group.member(member)?;
        if operator == member {
            return Err(SimError::Invalid(format!(
                "{operator} cannot kick themselves out of group {gin}; leave it instead"
            )));
        }
        group.require_above(operator, member, None, "kick")?;
        let group = self.group_mut(gin)?;
        group.members.remove(&member);
        group.admins.remove(&member);
        if block {
            group.blocked.insert(member);
        }
        let notice = Notice::new(kind::MEMBER_KICKED, member, operator, time).in_group(gin);
        let mut events = self.notify_group(gin, &notice, &[]);
        let mine = Notice::new(kind::I_WAS_KICKED, member, operator, time).in_group(gin);
        events.extend(self.notify_account(member, &mine));
        Ok(events)
    }

    /// `operator` (owner or admin, above `member`) mutes `member` for `seconds` from
    /// `time` (event 7, `Msg.Text` the seconds), or unmutes with 0 (event 28, only when
    /// the member was muted).
    pub fn mute(
        &mut self,
        operator: Uin,
        gin: Gin,
        member: Uin,
        seconds: u32,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        let group = self.group(gin)?;
        group.require_manager(operator, "mute members")?;
        self.person(member)?;
        let state = group.member(member)?;
        if operator == member {
            return Err(SimError::Invalid(format!(
                "{operator} cannot mute themselves in group {gin}"
            )));
        }
        group.require_above(operator, member, None, "mute")?;
        if seconds > MAX_MUTE_SECONDS {
            return Err(SimError::Invalid(format!(
                "a mute lasts at most 30 days ({MAX_MUTE_SECONDS} seconds), not {seconds}"
            )));
        }
        let muted = state.mute_until > time;
        let (until, notice) = if seconds == 0 {
            if !muted {
                return Ok(Vec::new());
            }
            let notice = Notice::new(kind::MEMBER_UNMUTED, member, operator, time);
            (0, notice)
        } else {
            let notice =
                Notice::new(kind::MEMBER_MUTED, member, operator, time).text(seconds.to_string());
            (time + i64::from(seconds), notice)
        };
        self.member_mut(gin, member)?.mute_until = until;
        Ok(self.notify_group(gin, &notice.in_group(gin), &[]))
    }

    /// The owner `operator` grants (`admin`) or removes `member`'s admin role (events
    /// 10/9).
    pub fn set_admin(
        &mut self,
        operator: Uin,
        gin: Gin,
        member: Uin,
        admin: bool,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        let group = self.group(gin)?;
        group.require_owner(operator, "grant or remove admins")?;
        self.person(member)?;
        group.member(member)?;
        if member == group.owner {
            return Err(SimError::Invalid(format!(
                "{member} owns group {gin}; the owner's role cannot be changed this way"
            )));
        }
        if group.admins.contains(&member) == admin {
            return Ok(Vec::new());
        }
        let group = self.group_mut(gin)?;
        let kind = if admin {
            group.admins.insert(member);
            kind::ADMIN_GRANTED
        } else {
            group.admins.remove(&member);
            kind::ADMIN_REMOVED
        };
        let notice = Notice::new(kind, member, operator, time).in_group(gin);
        Ok(self.notify_group(gin, &notice, &[]))
    }

    /// `operator` sets `member`'s card: anyone their own, the owner or an admin that of
    /// someone below them (event 36, `Msg.Text` the new card).
    pub fn set_card(
        &mut self,
        operator: Uin,
        gin: Gin,
        member: Uin,
        card: &str,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        let group = self.group(gin)?;
        group.member(operator)?;
        self.person(member)?;
        let state = group.member(member)?;
        if operator != member {
            group.require_manager(operator, "change other members' cards")?;
            group.require_above(operator, member, None, "change the card of")?;
        }
        if card.len() > MAX_CARD_BYTES {
            return Err(SimError::Invalid(format!(
                "a group card holds at most {MAX_CARD_BYTES} bytes of UTF-8, not {}",
                card.len()
            )));
        }
        if state.card == card {
            return Ok(Vec::new());
        }
        card.clone_into(&mut self.member_mut(gin, member)?.card);
        let notice = Notice::new(kind::CARD_CHANGED, member, operator, time)
            .in_group(gin)
            .text(card);
        Ok(self.notify_group(gin, &notice, &[]))
    }

    /// `member` leaves `gin` (event 5, to the online framework members and the leaver).
    /// The owner cannot leave, only dissolve the group.
    pub fn leave(&mut self, member: Uin, gin: Gin, time: i64) -> Result<Vec<Event>, SimError> {
        let group = self.group(gin)?;
        group.member(member)?;
        if group.role(member) == Role::Owner {
            return Err(SimError::Refused(format!(
                "{member} owns group {gin}; the owner cannot leave it, only dissolve it"
            )));
        }
        let group = self.group_mut(gin)?;
        group.members.remove(&member);
        group.admins.remove(&member);
        let notice = Notice::new(kind::MEMBER_LEFT, member, member, time).in_group(gin);
        Ok(self.notify_group(gin, &notice, &[member]))
    }

    /// The owner `operator` dissolves `gin` (event 4 to every online framework member).
    /// The group's messages stay in the history.
    pub fn dissolve(&mut self, operator: Uin, gin: Gin, time: i64) -> Result<Vec<Event>, SimError> {
        self.group(gin)?
            .require_owner(operator, "dissolve the group")?;
        let notice = Notice::new(kind::GROUP_DISSOLVED, operator, operator, time).in_group(gin);
        let events = self.notify_group(gin, &notice, &[]);
        self.groups.remove(&gin);
        Ok(events)
    }

    /// `operator` (owner or admin) renames `gin` (event 32, `Msg.Text` the new name).
    pub fn rename_group(
        &mut self,
        operator: Uin,
        gin: Gin,
        name: &str,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        let group = self.group(gin)?;
        group.require_manager(operator, "rename the group")?;
        if name.trim().is_empty() {
            return Err(SimError::Invalid("a group name must not be empty".into()));
        }
        if group.name == name {
            return Ok(Vec::new());
        }
        name.clone_into(&mut self.group_mut(gin)?.name);
        let notice = Notice::new(kind::GROUP_RENAMED, operator, operator, time)
            .in_group(gin)
            .text(name);
        Ok(self.notify_group(gin, &notice, &[]))
    }
}
