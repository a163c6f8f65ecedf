//! Group administration and recall on the simulated network.
//!
//! QQ's role rules apply throughout (owner > admin > member): a framework account, or a
//! simulated user acting through the control API, may do only what its role allows, and
//! otherwise gets a failure that says why. The rules and events live in the submodules:
//! [`rules`] (roles, and the group rules every send passes), [`at_all`] (the daily
//! budget of mentions of everyone), [`members`] (kick, mute,
//! admins, cards, leave, dissolve, rename), [`settings`] (whole mute, privileges,
//! positions), [`recall`] and [`views`].
//!
//! Through the HTTP API the acting framework account must be online; through the control
//! API the actor may be any user or an online framework account.

mod at_all;
mod members;
mod recall;
mod rules;
mod settings;
mod views;

#[cfg(test)]
mod tests;

use lizi_core::{Event, Reply, Request, Uin};
use serde_json::json;

use crate::backend::{Handled, SimBackend};
use crate::control::admin::{AdminControl, HISTORY_PAGE};
use crate::error::SimError;
use crate::world::{ConvKey, World};

pub use at_all::AtAllDay;
pub use settings::{GroupSettings, Privilege};

/// A change that answers `Done` with its events.
fn done(events: Result<Vec<Event>, SimError>) -> Result<(Reply, Vec<Event>), SimError> {
    events.map(|events| (Reply::Done, events))
}

/// A control change that answers `{"ret":"ok","events":N}` (N events produced).
fn ok(events: Result<Vec<Event>, SimError>) -> Result<(Reply, Vec<Event>), SimError> {
    events.map(|events| {
        let reply = Reply::Json(json!({ "ret": "ok", "events": events.len() }));
        (reply, events)
    })
}

/// Fails unless `uin` is an online framework account (the HTTP API's actor).
fn account(world: &World, uin: Uin) -> Result<(), SimError> {
    world.online_account(uin).map(drop)
}

/// Fails unless `uin` may act on the network (the control API's actor).
fn anyone(world: &World, uin: Uin) -> Result<(), SimError> {
    world.active_person(uin).map(drop)
}

impl SimBackend {
    /// Handles the requests of this area; hands any other back.
    pub(crate) async fn handle_admin(&self, request: Request) -> Result<Handled, Request> {
        use Privilege as P;
        use Request as R;
        let privilege = |from: Uin, gin, privilege, allow| {
            self.change(move |w| {
                account(w, from)?;
                done(w.set_privilege(from, gin, privilege, allow, self.now()))
            })
        };
        Ok(match request {
            R::SetGroupMgr(r) => self.change(|w| {
                account(w, r.fromqq)?;
                done(w.set_admin(r.fromqq, r.group, r.toqq, r.bemgr, self.now()))
            }),
            R::KickGroupMember(r) => self.change(|w| {
                account(w, r.fromqq)?;
                let block = r.ignoreaddgrequest == Some(true);
                done(w.kick(r.fromqq, r.group, r.toqq, block, self.now()))
            }),
            R::MuteGroupMember(r) => self.change(|w| {
                account(w, r.fromqq)?;
                done(w.mute(r.fromqq, r.group, r.toqq, r.time, self.now()))
            }),
            R::SetGroupWholeMute(r) => self.change(|w| {
                account(w, r.fromqq)?;
                done(w.set_whole_mute(r.fromqq, r.group, r.ismute, self.now()))
            }),
            R::SetGroupCard(r) => self.change(|w| {
                account(w, r.fromqq)?;
                done(w.set_card(r.fromqq, r.togroup, r.toqq, &r.card, self.now()))
            }),
            R::ExitGroup(r) => self.change(|w| {
                account(w, r.fromqq)?;
                done(w.leave(r.fromqq, r.group, self.now()))
            }),
            R::DispGroup(r) => self.change(|w| {
                account(w, r.fromqq)?;
                done(w.dissolve(r.fromqq, r.group, self.now()))
            }),
            R::SetGroupPrivNewGroup(r) => privilege(r.fromqq, r.togroup, P::NewGroup, r.allow),
            R::SetGroupPrivNewTempSession(r) => {
                privilege(r.fromqq, r.togroup, P::TempSession, r.allow)
            }
            R::SetGroupPrivUploadFile(r) => privilege(r.fromqq, r.togroup, P::UploadFile, r.allow),
            R::SetGroupPrivUploadPhotoAlbum(r) => {
                privilege(r.fromqq, r.togroup, P::UploadAlbum, r.allow)
            }
            R::SetGroupPrivInviteIn(r) => privilege(r.fromqq, r.togroup, P::InviteIn, r.allow),
            R::SetGroupPrivAnonymous(r) => privilege(r.fromqq, r.togroup, P::Anonymous, r.allow),
            R::SetGroupPrivTanBaiShuo(r) => privilege(r.fromqq, r.togroup, P::TanBaiShuo, r.allow),
            R::SetGroupPrivNewMemberCanViewHistoryMsg(r) => {
                privilege(r.fromqq, r.togroup, P::NewMemberHistory, r.allow)
            }
            R::SetGroupPrivInviteWay(r) => self.change(|w| {
                account(w, r.fromqq)?;
                w.set_invite_way(r.fromqq, r.togroup, r.way)?;
                Ok((Reply::Done, Vec::new()))
            }),
            R::SetSharePos(r) => self.change(|w| {
                account(w, r.fromqq)?;
                w.set_position(r.fromqq, r.group, r.posx, r.posy, Some(r.enable))?;
                Ok((Reply::Done, Vec::new()))
            }),
            R::UploadPos(r) => self.change(|w| {
                account(w, r.fromqq)?;
                w.set_position(r.fromqq, r.group, r.posx, r.posy, None)?;
                Ok((Reply::Done, Vec::new()))
            }),
            R::GetMuteTime(r) => self.read(|w| {
                let left = w.mute_left(r.fromqq, r.group, self.now())?;
                Ok(Reply::Text(left.to_string()))
            }),
            R::QueryGroupInfo(r) => {
                self.read(|w| w.group_info(r.logonqq, r.group).map(Reply::Group))
            }
            R::DeleteGroupMsg(r) => self.change(|w| {
                account(w, r.fromqq)?;
                done(w.recall_group(r.fromqq, r.group, r.req, r.random, self.now()))
            }),
            R::DeletePrivateMsg(r) => self.change(|w| {
                account(w, r.fromqq)?;
                let sent = Some(r.time);
                done(w.recall_private(r.fromqq, r.toqq, r.req, r.random, sent, self.now()))
            }),
            other => return Err(other),
        })
    }

    /// Carries out a control action of this area.
    pub(crate) fn control_admin(&self, action: AdminControl) -> Handled {
        use AdminControl as C;
        match action {
            C::Kick(r) => self.change(|w| {
                anyone(w, r.operator)?;
                ok(w.kick(r.operator, r.group, r.member, r.block, self.now()))
            }),
            C::Mute(r) => self.change(|w| {
                anyone(w, r.operator)?;
                ok(w.mute(r.operator, r.group, r.member, r.seconds, self.now()))
            }),
            C::Leave(r) => self.change(|w| {
                anyone(w, r.user)?;
                ok(w.leave(r.user, r.group, self.now()))
            }),
            C::SetCard(r) => self.change(|w| {
                anyone(w, r.operator)?;
                ok(w.set_card(r.operator, r.group, r.member, &r.card, self.now()))
            }),
            C::SetAdmin(r) => self.change(|w| {
                anyone(w, r.operator)?;
                ok(w.set_admin(r.operator, r.group, r.member, r.admin, self.now()))
            }),
            C::RenameGroup(r) => self.change(|w| {
                anyone(w, r.operator)?;
                ok(w.rename_group(r.operator, r.group, &r.name, self.now()))
            }),
            C::Recall(r) => self.change(|w| {
                anyone(w, r.user)?;
                ok(match (r.group, r.to) {
                    (Some(gin), _) => w.recall_group(r.user, gin, r.req, r.random, self.now()),
                    (None, Some(to)) => {
                        w.recall_private(r.user, to, r.req, r.random, None, self.now())
                    }
                    (None, None) => Err(SimError::Invalid(
                        "a recall needs `group` or `to`".to_owned(),
                    )),
                })
            }),
            C::WholeMute(r) => self.change(|w| {
                anyone(w, r.operator)?;
                ok(w.set_whole_mute(r.operator, r.group, r.mute, self.now()))
            }),
            C::GroupView(r) => self.read(|w| w.group_view(r.gin, self.now()).map(Reply::Json)),
            C::History(r) => self.read(|w| {
                let conv = match (r.group, r.a, r.b) {
                    (Some(gin), _, _) => ConvKey::Group(gin),
                    (None, Some(a), Some(b)) => ConvKey::private(a, b),
                    _ => {
                        return Err(SimError::Invalid(
                            "history needs `group`, or both `a` and `b`".to_owned(),
                        ))
                    }
                };
                let limit = r.limit.unwrap_or(HISTORY_PAGE);
                Ok(Reply::Json(w.history_view(conv, r.before, limit)?))
            }),
        }
    }
}
