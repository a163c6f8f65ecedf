//! Friends, requests, profiles, presence, cards, red packets and forwarded bundles on the
//! simulated network: the routing of this area's endpoints and control actions.
//!
//! The rules live in the submodules, as [`World`] methods that check everything before
//! they change anything: [`requests`] (friend and join requests, invitations, friend
//! settings), [`profile`] (profile, presence, likes, keys), [`cards`] (card messages,
//! gifts, red packets, bundles).

pub mod cards;
pub mod profile;
pub mod requests;

use lizi_core::{Event, Reply, Request};
use serde_json::json;

use crate::backend::{Handled, SimBackend};
use crate::control::SocialControl;
use crate::error::SimError;
use crate::messages::{random_id, Target};
use crate::world::{Group, World};
use cards::{music_card, CardKind};
use requests::Verdict;

/// Whether an accepted invitation into `group` by an ordinary member needs the approval
/// of an owner or admin (`/setgrouppriv_inviteway`: 2 always, 3 once the group has more
/// than 100 members, 1 never).
pub fn invites_need_approval(group: &Group) -> bool {
    match group.settings.invite_way {
        2 => true,
        3 => group.members.len() > 100,
        _ => false,
    }
}

/// `Done`, with `events`.
fn done(events: Vec<Event>) -> (Reply, Vec<Event>) {
    (Reply::Done, events)
}

impl SimBackend {
    /// Handles the requests of this area; hands any other back.
    pub(crate) async fn handle_social(&self, request: Request) -> Result<Handled, Request> {
        use Request as R;
        Ok(match request {
            R::AddFriend(r) => self.change(|w| {
                w.online_account(r.fromqq)?;
                let text = r.text.as_deref().unwrap_or_default();
                let remark = r.remark.as_deref().unwrap_or_default();
                let (_, events) = w.ask_friend(r.fromqq, r.toqq, text, remark, self.now())?;
                Ok(done(events))
            }),
            R::AddGroup(r) => self.change(|w| {
                w.online_account(r.fromqq)?;
                let text = r.text.as_deref().unwrap_or_default();
                Ok(done(w.ask_join(r.fromqq, r.togroup, text, self.now())?.1))
            }),
            R::SetFriendAddRequest(r) => self.change(|w| {
                let events =
                    w.answer_friend_as_account(r.fromqq, r.qq, r.seq, r.op == 1, self.now())?;
                Ok(done(events))
            }),
            R::SetGroupAddRequest(r) => self.change(|w| {
                let verdict = match r.op {
                    11 => Verdict::Accept,
                    12 => Verdict::Refuse,
                    _ => Verdict::Ignore,
                };
                let reason = r.reason.as_deref().unwrap_or_default();
                let invite = r.request_type == 1;
                let events = w.answer_group_as_account(
                    r.fromqq,
                    r.group,
                    r.qq,
                    r.seq,
                    verdict,
                    invite,
                    reason,
                    self.now(),
                )?;
                Ok(done(events))
            }),
            R::DeleteFriend(r) => {
                self.change(|w| Ok(done(w.delete_friend(r.fromqq, r.toqq, self.now())?)))
            }
            R::SetFriendIgnMsg(r) => self.change(|w| {
                w.set_friend_flag(r.fromqq, r.toqq, |side| side.ignore = r.ignore)?;
                Ok(done(Vec::new()))
            }),
            R::SetFriendCare(r) => self.change(|w| {
                w.set_friend_flag(r.fromqq, r.toqq, |side| side.care = r.care)?;
                Ok(done(Vec::new()))
            }),
            R::SetNickname(r) => self.change(|w| {
                w.online_account(r.fromqq)?;
                Ok(done(w.set_nickname(r.fromqq, &r.nickname, self.now())?))
            }),
            R::SetSignat(r) => self.change(|w| {
                w.online_account(r.fromqq)?;
                Ok(done(w.set_signature(r.fromqq, &r.signature, self.now())?))
            }),
            R::UpdateData(r) => self.change(|w| Ok(done(w.update_data(&r, self.now())?))),
            R::GetSignat(r) => self.read(|w| w.signature_of(r.fromqq, r.toqq).map(Reply::Text)),
            R::QueryUserInfo(r) => self.read(|w| {
                let info = w.user_info(r.logonqq, r.qq, self.now())?;
                Ok(Reply::User(Box::new(info)))
            }),
            R::SetOnlineState(r) => self.change(|w| {
                let power = r.power.map(i64::from);
                w.set_online_state(r.fromqq, r.state, r.sun, power)?;
                Ok(done(Vec::new()))
            }),
            R::GetQqOnlineState(r) => self.read(|w| {
                w.online_account(r.logonqq)?;
                w.online_state(r.logonqq, r.qq).map(Reply::Text)
            }),
            R::SendLike(r) => self.change(|w| {
                w.online_account(r.fromqq)?;
                Ok(done(w.like(r.fromqq, r.toqq, self.now())?))
            }),
            R::SendInputStatus(r) => self.change(|w| {
                let status = r.status.unwrap_or(1);
                Ok(done(w.input_status(
                    r.logonqq,
                    r.toqq,
                    status,
                    self.now(),
                )?))
            }),
            R::CallFriend(r) => self.read(|w| {
                w.call_friend(r.logonqq, r.toqq)?;
                Ok(Reply::Done)
            }),
            R::GetSkey(r) => self.key(r.logonqq, "skey", ""),
            R::GetPskey(r) => self.key(r.logonqq, "pskey", &r.domain),
            R::GetClientKey(r) => self.key(r.logonqq, "clientkey", ""),
            R::SendPrivateJsonMsg(r) => self.card(
                r.fromqq,
                Target::Private(r.toqq),
                CardKind::Json,
                &r.json,
                None,
            ),
            R::SendGroupJsonMsg(r) => self.card(
                r.fromqq,
                Target::Group(r.togroup),
                CardKind::Json,
                &r.json,
                r.anonymous,
            ),
            R::SendPrivateXmlMsg(r) => self.card(
                r.fromqq,
                Target::Private(r.toqq),
                CardKind::Xml,
                &r.xml,
                None,
            ),
            R::SendGroupXmlMsg(r) => self.card(
                r.fromqq,
                Target::Group(r.togroup),
                CardKind::Xml,
                &r.xml,
                r.anonymous,
            ),
            R::ShareMusic(r) => {
                let target = if r.totype == Some(1) {
                    Target::Group(r.to)
                } else {
                    Target::Private(r.to)
                };
                let singer = r.singername.as_deref().unwrap_or_default();
                let card = music_card(
                    r.apptype.unwrap_or(0),
                    &r.musicname,
                    singer,
                    &r.jumpurl,
                    &r.wrapperurl,
                    &r.fileurl,
                );
                self.card(r.logonqq, target, CardKind::Json, &card, None)
                    .map(|(_, ticket)| (Reply::Done, ticket))
            }
            R::SendFreePackage(r) => self.change(|w| {
                let (receipt, events) =
                    w.send_gift(r.fromqq, r.group, r.toqq, r.pkgid, self.now(), random_id())?;
                Ok((Reply::Sent(receipt), events))
            }),
            R::GetGroupHb(r) => {
                self.read(|w| w.red_packets_of(r.logonqq, r.group).map(Reply::RedPackets))
            }
            R::GetForwardedMsg(r) => {
                self.read(|w| w.bundle_messages(r.logonqq, &r.resid).map(Reply::Forwarded))
            }
            other => return Err(other),
        })
    }

    /// A simulated session key (a change: the key's seed is made on first use).
    fn key(&self, logon: u64, which: &str, domain: &str) -> Handled {
        self.change(|w| {
            Ok((
                Reply::Text(w.session_key(logon, which, domain)?),
                Vec::new(),
            ))
        })
    }

    /// A framework account sends a card message.
    fn card(
        &self,
        from: u64,
        target: Target,
        kind: CardKind,
        payload: &str,
        anonymous: Option<bool>,
    ) -> Handled {
        self.change(|w| {
            w.online_account(from)?;
            if let (Some(true), Target::Group(gin)) = (anonymous, target) {
                w.group(gin)?.member(from)?;
                return Err(SimError::Refused(format!(
                    "card messages cannot be sent anonymously (group {gin})"
                )));
            }
            let (receipt, events) =
                w.send_card(from, target, kind, payload, self.now(), random_id())?;
            Ok((Reply::Sent(receipt), events))
        })
    }

    /// Carries out a control action of this area.
    pub(crate) fn control_social(&self, action: SocialControl) -> Handled {
        use SocialControl as S;
        let seq = |seq: i64| Reply::Json(json!({ "ret": "ok", "seq": seq }));
        let ok = || Reply::Json(json!({ "ret": "ok" }));
        match action {
            S::FriendRequest(r) => self.change(|w| {
                let text = r.text.as_deref().unwrap_or_default();
                if r.doubt {
                    let n = w.ask_friend_doubtfully(r.from, r.to, text, self.now())?;
                    return Ok((seq(n), Vec::new()));
                }
                let (n, events) = w.ask_friend(r.from, r.to, text, "", self.now())?;
                Ok((seq(n), events))
            }),
            S::JoinRequest(r) => self.change(|w| {
                let text = r.text.as_deref().unwrap_or_default();
                if r.filtered {
                    let n = w.ask_join_filtered(r.from, r.group, text, self.now())?;
                    return Ok((seq(n), Vec::new()));
                }
                let (n, events) = w.ask_join(r.from, r.group, text, self.now())?;
                Ok((seq(n), events))
            }),
            S::Invite(r) => self.change(|w| {
                let (n, events) = w.invite(r.from, r.to, r.group, self.now())?;
                Ok((seq(n), events))
            }),
            S::Answer(r) => self.change(|w| {
                let reason = r.reason.as_deref().unwrap_or_default();
                Ok((
                    ok(),
                    w.answer_as_user(r.user, r.seq, r.accept, reason, self.now())?,
                ))
            }),
            S::SetNickname(r) => {
                self.change(|w| Ok((ok(), w.set_nickname(r.user, &r.nickname, self.now())?)))
            }
            S::SetSignature(r) => {
                self.change(|w| Ok((ok(), w.set_signature(r.user, &r.signature, self.now())?)))
            }
            S::Like(r) => self.change(|w| Ok((ok(), w.like(r.from, r.to, self.now())?))),
            S::RedPacket(r) => self.change(|w| {
                let (id, events) = w.send_red_packet(&r, self.now(), random_id())?;
                Ok((Reply::Json(json!({ "ret": "ok", "id": id })), events))
            }),
            S::Bundle(r) => self.change(|w| {
                let resid = w.make_bundle(&r.messages, self.now())?;
                Ok((
                    Reply::Json(json!({ "ret": "ok", "resid": resid })),
                    Vec::new(),
                ))
            }),
            S::Requests => self.read(|w| Ok(Reply::Json(w.requests_view()))),
        }
    }
}

impl World {
    /// The control API's `requests` view: the pending requests, oldest first.
    pub fn requests_view(&self) -> serde_json::Value {
        let requests: Vec<&requests::PendingRequest> = self.requests.values().collect();
        json!({ "requests": requests })
    }
}

#[cfg(test)]
pub(crate) mod tests;
