//! Friend requests, join requests and invitations: asking, answering, and the events.
//!
//! A request is a row of [`World::requests`], keyed by its handle (`Msg.Seq` of the event
//! that announced it, from [`World::next_event_seq`]). Framework accounts answer through
//! `/setfriendaddrequest` and `/setgroupaddrequest`; simulated users through the control
//! API's `answer`. An answered (or ignored) request is removed. A request QQ screens out
//! (a doubtful friend request, a filtered join request) is kept the same way, marked
//! `screened`, without an event.

use lizi_core::event::kind;
use lizi_core::{Event, Gin, Uin};
use serde::{Deserialize, Serialize};

use crate::error::SimError;
use crate::notify::Notice;
use crate::world::{pair, Friendship, MemberState, Role, World};

/// What a pending request asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// `from` asks `to` to be friends.
    Friend,
    /// `from` asks to join `group`.
    Join,
    /// `from`, a member of `group`, invites `to` in.
    Invite,
}

/// A request waiting for an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRequest {
    /// The handle (`Msg.Seq`).
    pub seq: i64,
    /// What it asks.
    pub kind: RequestKind,
    /// Who asks (or invites).
    pub from: Uin,
    /// Who is asked (friend) or invited (invite); 0 for a join request.
    pub to: Uin,
    /// The group of a join request or invitation; 0 for a friend request.
    pub group: Gin,
    /// The request message.
    pub text: String,
    /// The remark the asker gives the new friend.
    #[serde(default)]
    pub remark: String,
    /// When it was made (unix seconds).
    pub time: i64,
    /// QQ screened it out (a doubtful friend request, a filtered join request): nobody was
    /// told, and it is listed apart.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub screened: bool,
}

/// How a request is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Accept.
    Accept,
    /// Refuse (the asker is told).
    Refuse,
    /// Ignore (nobody is told).
    Ignore,
}

impl World {
    /// A pending request by handle.
    fn request(&self, seq: i64) -> Result<&PendingRequest, SimError> {
        self.requests
            .get(&seq)
            .ok_or_else(|| SimError::NotFound(format!("there is no pending request {seq}")))
    }

    /// A new request row and its handle.
    fn file_request(&mut self, mut request: PendingRequest) -> i64 {
        let seq = self.next_event_seq();
        request.seq = seq;
        self.requests.insert(seq, request);
        seq
    }

    /// `from` asks `to` to be friends. Event 105 for `to` when it is an online framework
    /// account; the handle is answered by `to`.
    pub fn ask_friend(
        &mut self,
        from: Uin,
        to: Uin,
        text: &str,
        remark: &str,
        time: i64,
    ) -> Result<(i64, Vec<Event>), SimError> {
        self.file_friend_request(from, to, text, remark, time, false)
    }

    /// `from` asks framework account `to` to be friends, and QQ finds the request doubtful
    /// (可疑): it is kept for `to` without an event, listed apart, and answered like any
    /// other.
    pub fn ask_friend_doubtfully(
        &mut self,
        from: Uin,
        to: Uin,
        text: &str,
        time: i64,
    ) -> Result<i64, SimError> {
        self.account(to)?;
        self.file_friend_request(from, to, text, "", time, true)
            .map(|(seq, _)| seq)
    }

    fn file_friend_request(
        &mut self,
        from: Uin,
        to: Uin,
        text: &str,
        remark: &str,
        time: i64,
        screened: bool,
    ) -> Result<(i64, Vec<Event>), SimError> {
        self.active_person(from)?;
        self.person(to)?;
        if from == to {
            return Err(SimError::Invalid(format!(
                "{from} cannot add itself as a friend"
            )));
        }
        if self.friendships.contains_key(&pair(from, to)) {
            return Err(SimError::Refused(format!(
                "{from} and {to} are already friends"
            )));
        }
        if let Some(old) = self
            .requests
            .values()
            .find(|r| r.kind == RequestKind::Friend && r.from == from && r.to == to)
        {
            return Err(SimError::Refused(format!(
                "a friend request from {from} to {to} is already pending (seq {})",
                old.seq
            )));
        }
        let seq = self.file_request(PendingRequest {
            seq: 0,
            kind: RequestKind::Friend,
            from,
            to,
            group: 0,
            text: text.to_owned(),
            remark: remark.to_owned(),
            time,
            screened,
        });
        if screened {
            return Ok((seq, Vec::new()));
        }
        let notice = Notice::new(kind::FRIEND_REQUEST, from, from, time)
            .text(text)
            .seq(seq);
        Ok((seq, self.notify_account(to, &notice)))
    }

    /// `from` asks to join `gin`. Event 3 for every online framework account that is the
    /// owner or an admin of the group; with `filtered`, QQ filters the request out (risk
    /// control): it is kept without an event, listed apart, and answered like any other.
    pub fn ask_join(
        &mut self,
        from: Uin,
        gin: Gin,
        text: &str,
        time: i64,
    ) -> Result<(i64, Vec<Event>), SimError> {
        self.file_join_request(from, gin, text, time, false)
    }

    /// `from` asks to join `gin` and QQ filters the request out (risk control): it is kept
    /// without an event, listed apart, and answered like any other.
    pub fn ask_join_filtered(
        &mut self,
        from: Uin,
        gin: Gin,
        text: &str,
        time: i64,
    ) -> Result<i64, SimError> {
        self.file_join_request(from, gin, text, time, true)
            .map(|(seq, _)| seq)
    }

    fn file_join_request(
        &mut self,
        from: Uin,
        gin: Gin,
        text: &str,
        time: i64,
        screened: bool,
    ) -> Result<(i64, Vec<Event>), SimError> {
        self.active_person(from)?;
        let group = self.group(gin)?;
        if group.members.contains_key(&from) {
            return Err(SimError::Refused(format!(
                "{from} is already a member of group {gin}"
            )));
        }
        if group.blocked.contains(&from) {
            return Err(SimError::Refused(format!(
                "group {gin} refuses join requests from {from} (it was kicked with ignoreaddgrequest)"
            )));
        }
        if let Some(old) = self
            .requests
            .values()
            .find(|r| r.kind == RequestKind::Join && r.from == from && r.group == gin)
        {
            return Err(SimError::Refused(format!(
                "a join request from {from} to group {gin} is already pending (seq {})",
                old.seq
            )));
        }
        let seq = self.file_request(PendingRequest {
            seq: 0,
            kind: RequestKind::Join,
            from,
            to: 0,
            group: gin,
            text: text.to_owned(),
            remark: String::new(),
            time,
            screened,
        });
        if screened {
            return Ok((seq, Vec::new()));
        }
        Ok((
            seq,
            self.join_request_events(gin, from, from, text, seq, time),
        ))
    }

    /// Event 3 (someone asks to join) for the online framework managers of `gin`.
    fn join_request_events(
        &self,
        gin: Gin,
        about: Uin,
        operator: Uin,
        text: &str,
        seq: i64,
        time: i64,
    ) -> Vec<Event> {
        let notice = Notice::new(kind::JOIN_REQUEST, about, operator, time)
            .in_group(gin)
            .text(text)
            .seq(seq);
        let Some(group) = self.groups.get(&gin) else {
            return Vec::new();
        };
        std::iter::once(group.owner)
            .chain(group.admins.iter().copied())
            .flat_map(|uin| self.notify_account(uin, &notice))
            .collect()
    }

    /// `from`, a member of `gin`, invites framework account `to` in. Event 1 for `to`.
    pub fn invite(
        &mut self,
        from: Uin,
        to: Uin,
        gin: Gin,
        time: i64,
    ) -> Result<(i64, Vec<Event>), SimError> {
        self.active_person(from)?;
        self.account(to)?;
        let group = self.group(gin)?;
        group.member(from)?;
        if !group.settings.invite_in && group.role(from) == Role::Member {
            return Err(SimError::NoPermission(format!(
                "{from} is only a member of group {gin}, where members may not invite others"
            )));
        }
        if group.members.contains_key(&to) {
            return Err(SimError::Refused(format!(
                "{to} is already a member of group {gin}"
            )));
        }
        if group.blocked.contains(&to) {
            return Err(SimError::Refused(format!(
                "group {gin} refuses {to} (it was kicked with ignoreaddgrequest)"
            )));
        }
        if let Some(old) = self
            .requests
            .values()
            .find(|r| r.kind == RequestKind::Invite && r.to == to && r.group == gin)
        {
            return Err(SimError::Refused(format!(
                "an invitation of {to} into group {gin} is already pending (seq {})",
                old.seq
            )));
        }
        let seq = self.file_request(PendingRequest {
            seq: 0,
            kind: RequestKind::Invite,
            from,
            to,
            group: gin,
            text: String::new(),
            remark: String::new(),
            time,
            screened: false,
        });
        let notice = Notice::new(kind::INVITED, from, from, time)
            .in_group(gin)
            .seq(seq);
        Ok((seq, self.notify_account(to, &notice)))
    }

    /// `/setfriendaddrequest`: framework account `account` answers the friend request
    /// `seq` that `asker` made.
    pub fn answer_friend_as_account(
        &mut self,
        account: Uin,
        asker: Uin,
        seq: i64,
        accept: bool,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        self.online_account(account)?;
        let request = self.request(seq)?;
        if request.kind != RequestKind::Friend || request.to != account || request.from != asker {
            return Err(SimError::NotFound(format!(
                "there is no pending friend request {seq} from {asker} to {account}"
            )));
        }
        self.answer_friend(seq, accept, time)
    }

    /// `/setgroupaddrequest`: framework account `account` answers join request (`invite`
    /// false, type 3) or invitation (`invite` true, type 1) `seq` in group `gin`; `qq` is
    /// the applicant, or the inviter (or `account` itself) of an invitation.
    #[allow(clippy::too_many_arguments)]
    pub fn answer_group_as_account(
        &mut self,
        account: Uin,
        gin: Gin,
        qq: Uin,
        seq: i64,
        verdict: Verdict,
        invite: bool,
        reason: &str,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        self.online_account(account)?;
        self.group(gin)?;
        let request = self.request(seq)?;
        if invite {
            let matches = request.kind == RequestKind::Invite
                && request.to == account
                && request.group == gin
                && (qq == request.from || qq == account);
            if !matches {
                return Err(SimError::NotFound(format!(
                    "there is no pending invitation {seq} of {account} into group {gin} by {qq}"
                )));
            }
            return self.answer_invite(seq, verdict, time);
        }
        if request.kind != RequestKind::Join || request.group != gin || request.from != qq {
            return Err(SimError::NotFound(format!(
                "there is no pending join request {seq} from {qq} to group {gin}"
            )));
        }
        self.answer_join(account, seq, verdict, reason, time)
    }

    /// The control API's `answer`: simulated user `user` answers request `seq` (a friend
    /// request to `user`, or a join request to a group `user` manages).
    pub fn answer_as_user(
        &mut self,
        user: Uin,
        seq: i64,
        accept: bool,
        reason: &str,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        self.person(user)?;
        if self.account(user).is_ok() {
            return Err(SimError::Invalid(format!(
                "{user} is a framework account: it answers through /setfriendaddrequest or \
                 /setgroupaddrequest"
            )));
        }
        let request = self.request(seq)?.clone();
        let verdict = if accept {
            Verdict::Accept
        } else {
            Verdict::Refuse
        };
        match request.kind {
            RequestKind::Friend if request.to == user => self.answer_friend(seq, accept, time),
            RequestKind::Join => self.answer_join(user, seq, verdict, reason, time),
            _ => Err(SimError::NotFound(format!(
                "request {seq} is not one that {user} can answer"
            ))),
        }
    }

    /// Accepts or refuses friend request `seq` (already checked to be one).
    fn answer_friend(&mut self, seq: i64, accept: bool, time: i64) -> Result<Vec<Event>, SimError> {
        let request = self.request(seq)?.clone();
        let (asker, asked) = (request.from, request.to);
        self.requests.remove(&seq);
        let mut events = Vec::new();
        if !accept {
            let notice = Notice::new(kind::FRIEND_REFUSED, asked, asked, time);
            events.extend(self.notify_account(asker, &notice));
            return Ok(events);
        }
        let key = pair(asker, asked);
        if !self.friendships.contains_key(&key) {
            let mut friendship = Friendship::default();
            friendship.side_mut(asker, asked).remark = request.remark.clone();
            self.friendships.insert(key, friendship);
        }
        let accepted = Notice::new(kind::FRIEND_ACCEPTED, asked, asked, time);
        events.extend(self.notify_account(asker, &accepted));
        for (me, other) in [(asker, asked), (asked, asker)] {
            let notice = Notice::new(kind::NEW_FRIEND, other, other, time);
            events.extend(self.notify_account(me, &notice));
        }
        Ok(events)
    }

    /// `manager` answers join request `seq` (already checked to be one).
    fn answer_join(
        &mut self,
        manager: Uin,
        seq: i64,
        verdict: Verdict,
        reason: &str,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        let request = self.request(seq)?.clone();
        let gin = request.group;
        let group = self.group(gin)?;
        if !group.members.contains_key(&manager) {
            return Err(SimError::NotMember { uin: manager, gin });
        }
        if group.role(manager) == Role::Member {
            return Err(SimError::NoPermission(format!(
                "{manager} is only a member of group {gin}; only the owner or an admin may \
                 answer join requests"
            )));
        }
        self.requests.remove(&seq);
        match verdict {
            Verdict::Ignore => Ok(Vec::new()),
            Verdict::Refuse => {
                let notice = Notice::new(kind::JOIN_REFUSED, request.from, manager, time)
                    .in_group(gin)
                    .text(reason);
                Ok(self.notify_account(request.from, &notice))
            }
            Verdict::Accept => {
                Ok(self.add_member(gin, request.from, manager, kind::MEMBER_JOINED, time))
            }
        }
    }

    /// Framework account answers invitation `seq` (already checked to be one). An
    /// accepted invitation from an ordinary member of a group whose invitations need
    /// approval becomes a join request for its managers.
    fn answer_invite(
        &mut self,
        seq: i64,
        verdict: Verdict,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        let request = self.request(seq)?.clone();
        self.requests.remove(&seq);
        if verdict != Verdict::Accept {
            return Ok(Vec::new());
        }
        let gin = request.group;
        let group = self.group(gin)?;
        if group.members.contains_key(&request.to) {
            return Ok(Vec::new());
        }
        let inviter_manages =
            group.members.contains_key(&request.from) && group.role(request.from) != Role::Member;
        if crate::social::invites_need_approval(group) && !inviter_manages {
            let text = format!("invited by {}", request.from);
            let join = self.file_request(PendingRequest {
                seq: 0,
                kind: RequestKind::Join,
                from: request.to,
                to: 0,
                group: gin,
                text: text.clone(),
                remark: String::new(),
                time,
                screened: false,
            });
            return Ok(self.join_request_events(gin, request.to, request.from, &text, join, time));
        }
        Ok(self.add_member(gin, request.to, request.from, kind::MEMBER_INVITED, time))
    }

    /// Adds `uin` to `gin` (done by `operator`); `event` (2 joined, or 25 invited in) for the
    /// group's online framework members, the newcomer included.
    fn add_member(
        &mut self,
        gin: Gin,
        uin: Uin,
        operator: Uin,
        event: i64,
        time: i64,
    ) -> Vec<Event> {
        let Some(group) = self.groups.get_mut(&gin) else {
            return Vec::new();
        };
        if group.members.contains_key(&uin) {
            return Vec::new();
        }
        group.members.insert(
            uin,
            MemberState {
                joined: time,
                ..MemberState::default()
            },
        );
        let notice = Notice::new(event, uin, operator, time).in_group(gin);
        self.notify_group(gin, &notice, &[])
    }

    /// `/deletefriend`: `from` deletes friend `to`; event 100 for `to`.
    pub fn delete_friend(&mut self, from: Uin, to: Uin, time: i64) -> Result<Vec<Event>, SimError> {
        self.online_account(from)?;
        self.person(to)?;
        self.ensure_friends(from, to)?;
        self.friendships.remove(&pair(from, to));
        let notice = Notice::new(kind::FRIEND_DELETED, from, from, time);
        Ok(self.notify_account(to, &notice))
    }

    /// `/setfriendignmsg` and `/setfriendcare`: changes `of`'s settings for friend `other`.
    pub fn set_friend_flag(
        &mut self,
        of: Uin,
        other: Uin,
        change: impl FnOnce(&mut FriendSide),
    ) -> Result<(), SimError> {
        self.online_account(of)?;
        self.person(other)?;
        self.ensure_friends(of, other)?;
        let friendship = self
            .friendships
            .get_mut(&pair(of, other))
            .ok_or(SimError::NotFriend { of, other })?;
        change(friendship.side_mut(of, other));
        Ok(())
    }

    /// `of`'s settings for friend `other`, if they are friends.
    pub fn friend_side(&self, of: Uin, other: Uin) -> Option<&FriendSide> {
        self.friendships
            .get(&pair(of, other))
            .map(|f| f.side(of, other))
    }

    /// Whether `of` ignores the messages of friend `other`.
    pub fn ignores(&self, of: Uin, other: Uin) -> bool {
        self.friend_side(of, other).is_some_and(|s| s.ignore)
    }

    /// The remark `of` gave friend `other` (empty when none or not friends).
    pub fn remark_of(&self, of: Uin, other: Uin) -> String {
        self.friend_side(of, other)
            .map(|s| s.remark.clone())
            .unwrap_or_default()
    }
}

/// One side's settings for a friend.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FriendSide {
    /// The remark shown instead of the friend's nickname.
    #[serde(default)]
    pub remark: String,
    /// The friend's messages are not delivered.
    #[serde(default)]
    pub ignore: bool,
    /// Specially cared for (特别关心).
    #[serde(default)]
    pub care: bool,
}

impl Friendship {
    /// `of`'s side, for friend `other`.
    pub fn side(&self, of: Uin, other: Uin) -> &FriendSide {
        if of < other {
            &self.low
        } else {
            &self.high
        }
    }

    /// `of`'s side, for friend `other`, for changing it.
    pub fn side_mut(&mut self, of: Uin, other: Uin) -> &mut FriendSide {
        if of < other {
            &mut self.low
        } else {
            &mut self.high
        }
    }
}
