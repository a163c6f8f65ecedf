//! Group settings and member privileges (`/setgroupwholemute`, `/setgrouppriv_*`), and
//! shared positions (`/setsharepos`, `/uploadpos`).

use lizi_core::event::{kind, Pos};
use lizi_core::{Event, Gin, Uin};
use serde::{Deserialize, Serialize};

use crate::error::SimError;
use crate::notify::Notice;
use crate::world::{MemberState, World};

/// A group's settings; every field defaults to QQ's default for a new group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupSettings {
    /// Whole-group mute: only the owner and admins may send.
    pub whole_mute: bool,
    /// Anonymous chat allowed (`/sendgroupmsg` with `anonymous=true`).
    pub anonymous: bool,
    /// 坦白说 allowed.
    pub tan_bai_shuo: bool,
    /// Members may start temporary sessions (`/sendgrouptempmsg`).
    pub temp_session: bool,
    /// Members may start new group chats from this group.
    pub new_group: bool,
    /// Members may upload group files.
    pub upload_file: bool,
    /// Members may upload to the group album.
    pub upload_album: bool,
    /// Members may invite others in.
    pub invite_in: bool,
    /// New members may read the history.
    pub new_member_history: bool,
    /// How invitations are approved: 1 no approval, 2 an admin approves, 3 no approval
    /// while the group has at most 100 members.
    pub invite_way: i64,
}

impl Default for GroupSettings {
    fn default() -> Self {
        GroupSettings {
            whole_mute: false,
            anonymous: false,
            tan_bai_shuo: true,
            temp_session: true,
            new_group: true,
            upload_file: true,
            upload_album: true,
            invite_in: true,
            new_member_history: true,
            invite_way: 3,
        }
    }
}

/// A member privilege that `/setgrouppriv_*` turns on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privilege {
    /// `/setgrouppriv_newgroup` (events 19/20).
    NewGroup,
    /// `/setgrouppriv_newtempsession` (events 17/18).
    TempSession,
    /// `/setgrouppriv_uploadfile` (events 21/22).
    UploadFile,
    /// `/setgrouppriv_uploadphotoalbum` (events 23/24).
    UploadAlbum,
    /// `/setgrouppriv_invitein` (no event).
    InviteIn,
    /// `/setgrouppriv_anonymous` (events 13/14).
    Anonymous,
    /// `/setgrouppriv_tanbaishuo` (events 15/16).
    TanBaiShuo,
    /// `/setgrouppriv_newmembercanviewhistorymsg` (no event).
    NewMemberHistory,
}

impl Privilege {
    /// The event types (on, off) a change of this privilege produces, if any.
    pub fn event_kinds(self) -> Option<(i64, i64)> {
        match self {
            Privilege::Anonymous => Some((13, 14)),
            Privilege::TanBaiShuo => Some((15, 16)),
            Privilege::TempSession => Some((17, 18)),
            Privilege::NewGroup => Some((19, 20)),
            Privilege::UploadFile => Some((21, 22)),
            Privilege::UploadAlbum => Some((23, 24)),
            Privilege::InviteIn | Privilege::NewMemberHistory => None,
        }
    }

    fn flag(self, settings: &mut GroupSettings) -> &mut bool {
        match self {
            Privilege::NewGroup => &mut settings.new_group,
            Privilege::TempSession => &mut settings.temp_session,
            Privilege::UploadFile => &mut settings.upload_file,
            Privilege::UploadAlbum => &mut settings.upload_album,
            Privilege::InviteIn => &mut settings.invite_in,
            Privilege::Anonymous => &mut settings.anonymous,
            Privilege::TanBaiShuo => &mut settings.tan_bai_shuo,
            Privilege::NewMemberHistory => &mut settings.new_member_history,
        }
    }
}

impl MemberState {
    /// When the member's mute ends (unix seconds), or 0 when not muted at `now`.
    pub fn mute_end(&self, now: i64) -> i64 {
        if self.mute_until > now {
            self.mute_until
        } else {
            0
        }
    }

    /// The position shown as `FromQQ.Pos` of this member's group messages: the reported
    /// one while sharing is on, else zero.
    pub fn shown_pos(&self) -> Pos {
        if self.sharing_pos {
            self.pos
        } else {
            Pos::default()
        }
    }
}

/// Degrees of longitude (`posx`) and latitude (`posy`) as a [`Pos`] in 1e-6 degrees.
pub fn position(posx: f64, posy: f64) -> Result<Pos, SimError> {
    if !(-180.0..=180.0).contains(&posx) || !(-90.0..=90.0).contains(&posy) {
        return Err(SimError::Invalid(format!(
            "position {posx},{posy} is not a longitude (-180..180) and latitude (-90..90) in degrees"
        )));
    }
    // In range, so the products fit easily in i64.
    let micro = |degrees: f64| (degrees * 1_000_000.0).round() as i64;
    Ok(Pos {
        lo: micro(posx),
        la: micro(posy),
    })
}

impl World {
    /// `operator` (owner or admin) turns whole-group mute on or off (events 11/12).
    pub fn set_whole_mute(
        &mut self,
        operator: Uin,
        gin: Gin,
        on: bool,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        let group = self.group(gin)?;
        group.require_manager(operator, "mute the whole group")?;
        if group.settings.whole_mute == on {
            return Ok(Vec::new());
        }
        self.group_mut(gin)?.settings.whole_mute = on;
        let kind = if on {
            kind::WHOLE_MUTE_ON
        } else {
            kind::WHOLE_MUTE_OFF
        };
        let notice = Notice::new(kind, operator, operator, time).in_group(gin);
        Ok(self.notify_group(gin, &notice, &[]))
    }

    /// `operator` (owner or admin) turns a member privilege on or off; a change produces
    /// the privilege's event, if it has one.
    pub fn set_privilege(
        &mut self,
        operator: Uin,
        gin: Gin,
        privilege: Privilege,
        allow: bool,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        let group = self.group(gin)?;
        group.require_manager(operator, "change the group's privileges")?;
        let mut settings = group.settings;
        if *privilege.flag(&mut settings) == allow {
            return Ok(Vec::new());
        }
        *privilege.flag(&mut settings) = allow;
        self.group_mut(gin)?.settings = settings;
        Ok(match privilege.event_kinds() {
            Some((on, off)) => {
                let kind = if allow { on } else { off };
                let notice = Notice::new(kind, operator, operator, time).in_group(gin);
                self.notify_group(gin, &notice, &[])
            }
            None => Vec::new(),
        })
    }

    /// `operator` (owner or admin) sets how invitations are approved (1, 2 or 3).
    pub fn set_invite_way(&mut self, operator: Uin, gin: Gin, way: i64) -> Result<(), SimError> {
        let group = self.group(gin)?;
        group.require_manager(operator, "change how invitations are approved")?;
        if !(1..=3).contains(&way) {
            return Err(SimError::Invalid(format!(
                "invite way {way} is not 1, 2 or 3"
            )));
        }
        if group.settings.invite_way != way {
            self.group_mut(gin)?.settings.invite_way = way;
        }
        Ok(())
    }

    /// `member` reports a position in `gin` and, with `sharing`, turns sharing on or off.
    pub fn set_position(
        &mut self,
        member: Uin,
        gin: Gin,
        posx: f64,
        posy: f64,
        sharing: Option<bool>,
    ) -> Result<(), SimError> {
        let pos = position(posx, posy)?;
        let state = self.group(gin)?.member(member)?;
        if state.pos == pos && sharing.is_none_or(|on| on == state.sharing_pos) {
            return Ok(());
        }
        let state = self.member_mut(gin, member)?;
        state.pos = pos;
        if let Some(on) = sharing {
            state.sharing_pos = on;
        }
        Ok(())
    }
}
