//! What people do in chats besides sending plain messages, on the simulated network:
//! [`pokes`], emoji [`reactions`] to group messages, [`essence`] marks, group
//! [`announcements`], [`sign_ins`], merged [`forwards`] and group [`honours`]. This file
//! routes the area's control actions ([`ChatControl`]) and holds what its parts share.
//!
//! What QQ shows as a gray tip — a poke, an essence mark, a reaction — reaches the
//! framework accounts that see it as a system notice in [`GrayTip`]'s form, the form the
//! bridge writes for the same notices of a real account. Each change checks every rule
//! before it changes anything, so a refused one leaves no trace.

pub mod announcements;
pub mod essence;
pub mod forwards;
pub mod honours;
pub mod pokes;
pub mod reactions;
pub mod sign_ins;
#[cfg(test)]
pub(crate) mod tests;

use lizi_core::gray_tip::{GrayTip, SYSTEM_NOTICE};
use lizi_core::{Gin, Reply, Uin};
use serde_json::json;

use crate::backend::{Handled, SimBackend};
use crate::control::ChatControl;
use crate::error::SimError;
use crate::messages::{random_id, Target};
use crate::notify::Notice;
use crate::world::{ConvKey, Group, StoredMessage, World};

/// Seconds China's time is ahead of UTC: QQ's days (sign-ins, honours) are China's.
const CHINA_OFFSET: i64 = 8 * 3600;

/// The day of unix time `time`, as days since 1970-01-01 in China's time.
pub fn day_of(time: i64) -> i64 {
    (time + CHINA_OFFSET).div_euclid(86_400)
}

impl Notice {
    /// The system notice carrying gray tip `tip`, at `time`.
    pub(crate) fn tip(tip: &GrayTip, time: i64) -> Notice {
        Notice::new(SYSTEM_NOTICE, tip.about(), tip.operator(), time).text(tip.text())
    }
}

impl World {
    /// Group `gin`, failing unless `viewer` (when given) is one of its members.
    pub(crate) fn group_for(&self, gin: Gin, viewer: Option<Uin>) -> Result<&Group, SimError> {
        let group = self.group(gin)?;
        if let Some(viewer) = viewer {
            group.member(viewer)?;
        }
        Ok(group)
    }

    /// Message `req` of group `gin`, failing when there is none or it was recalled.
    pub(crate) fn group_message(&self, gin: Gin, req: i64) -> Result<StoredMessage, SimError> {
        match self.message(ConvKey::Group(gin), req)? {
            Some(message) if !message.recalled => Ok(message),
            Some(_) => Err(SimError::Refused(format!(
                "message Req={req} of group {gin} was recalled"
            ))),
            None => Err(SimError::NotFound(format!(
                "group {gin} has no message Req={req}"
            ))),
        }
    }

    /// Fails unless `who` may act in group `gin` at `time` as a message would: a member,
    /// not muted, and not a plain member under a whole-group mute.
    pub(crate) fn may_speak(&self, who: Uin, gin: Gin, time: i64) -> Result<(), SimError> {
        self.group(gin)?.member(who)?;
        self.check_group_rules(who, Target::Group(gin), "", time)
    }

    /// A member's name as QQ shows it in a group: the card, else the nickname.
    pub(crate) fn shown_name(&self, gin: Gin, uin: Uin) -> String {
        self.groups
            .get(&gin)
            .and_then(|group| group.members.get(&uin))
            .map(|member| member.card.clone())
            .filter(|card| !card.is_empty())
            .unwrap_or_else(|| self.nickname(uin))
    }
}

impl SimBackend {
    /// Carries out a control action of this area.
    pub(crate) fn control_chat(&self, action: ChatControl) -> Handled {
        use ChatControl as C;
        let ok = || Reply::Json(json!({ "ret": "ok" }));
        match action {
            C::Poke(p) => {
                self.change(|w| Ok((ok(), w.poke(p.from, p.target, p.group, self.now())?)))
            }
            C::React(r) => self.change(|w| {
                let (count, events) =
                    w.react(r.user, r.group, r.req, &r.emoji, r.add, self.now())?;
                Ok((Reply::Json(json!({ "ret": "ok", "count": count })), events))
            }),
            C::SetEssence(e) => self.change(|w| {
                let events = w.set_essence(e.operator, e.group, e.req, e.essence, self.now())?;
                Ok((ok(), events))
            }),
            C::Announce(a) => self.change(|w| {
                let id = w.announce(&a, self.now())?;
                Ok((
                    Reply::Json(json!({ "ret": "ok", "notice_id": id })),
                    Vec::new(),
                ))
            }),
            C::DeleteAnnouncement(d) => self.change(|w| {
                w.delete_announcement(d.operator, d.group, &d.notice_id)?;
                Ok((ok(), Vec::new()))
            }),
            C::SignIn(s) => self.change(|w| {
                let signed = w.sign_in(s.user, s.group, self.now())?;
                let answer = json!({ "ret": "ok", "rank": signed.rank, "time": signed.time });
                Ok((Reply::Json(answer), Vec::new()))
            }),
            C::Forward(f) => {
                let target = Target::of(f.to, f.group).ok_or_else(|| {
                    SimError::Invalid("a forward needs `to`, `group`, or both".into())
                })?;
                self.change(|w| {
                    let (resid, receipt, events) =
                        w.send_forward(f.from, target, &f.messages, self.now(), random_id())?;
                    let answer = json!({
                        "ret": "ok",
                        "resid": resid,
                        "req": receipt.req,
                        "random": receipt.random,
                        "time": receipt.time,
                    });
                    Ok((Reply::Json(answer), events))
                })
            }
            C::Essence(v) => self.read(|w| w.essence_view(v.group, v.viewer).map(Reply::Json)),
            C::Reactions(v) => {
                self.read(|w| w.reactions_view(v.group, v.req, v.viewer).map(Reply::Json))
            }
            C::Announcements(v) => {
                self.read(|w| w.announcements_view(v.group, v.viewer).map(Reply::Json))
            }
            C::SignIns(v) => {
                let day = v.day.unwrap_or_else(|| day_of(self.now()));
                self.read(|w| w.sign_ins_view(v.group, day, v.viewer).map(Reply::Json))
            }
            C::Honours(v) => self.read(|w| {
                w.honours_view(v.group, v.viewer, self.now())
                    .map(Reply::Json)
            }),
        }
    }
}
