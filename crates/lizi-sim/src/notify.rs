//! Building `EventMsg` events (docs/xlz-api.md#event-objects) for the framework accounts that see them.
//!
//! Only online framework accounts see events. Group events go to every online framework
//! account that is a member of the group; account events to one account.

use lizi_core::event::{EventBody, EventGroup, EventMsg, UserRef};
use lizi_core::{Event, Gin, Uin};

use crate::world::World;

/// What an event says, before it is addressed to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Event type (`lizi_core::event::kind`).
    pub kind: i64,
    /// The user the event is about (`FromQQ`).
    pub about: Uin,
    /// Who did it (`OperateQQ`).
    pub operator: Uin,
    /// The group, if any.
    pub group: Option<Gin>,
    /// `Msg.Text`.
    pub text: String,
    /// `Msg.Seq` (a request handle, or 0).
    pub seq: i64,
    /// `Msg.SubType`.
    pub sub_type: i64,
    /// When (unix seconds).
    pub time: i64,
}

impl Notice {
    /// A notice of `kind` about `about`, done by `operator`, at `time`.
    pub fn new(kind: i64, about: Uin, operator: Uin, time: i64) -> Notice {
        Notice {
            kind,
            about,
            operator,
            group: None,
            text: String::new(),
            seq: 0,
            sub_type: 0,
            time,
        }
    }

    /// In group `gin`.
    pub fn in_group(mut self, gin: Gin) -> Notice {
        self.group = Some(gin);
        self
    }

    /// With `Msg.Text`.
    pub fn text(mut self, text: impl Into<String>) -> Notice {
        self.text = text.into();
        self
    }

    /// With `Msg.Seq`.
    pub fn seq(mut self, seq: i64) -> Notice {
        self.seq = seq;
        self
    }

    /// With `Msg.SubType`.
    pub fn sub_type(mut self, sub_type: i64) -> Notice {
        self.sub_type = sub_type;
        self
    }
}

impl World {
    /// The next event handle (`Msg.Seq` of requests and notices).
    pub fn next_event_seq(&mut self) -> i64 {
        let counters = self.counters_mut();
        counters.last_event_seq += 1;
        counters.last_event_seq
    }

    /// `notice` as seen by framework account `logon` (whether or not it is online).
    pub fn event_for(&self, logon: Uin, notice: &Notice) -> Event {
        let user = |uin: Uin| UserRef {
            uin,
            nick_name: self.nickname(uin),
        };
        let from_group = notice
            .group
            .map(|gin| EventGroup {
                gin,
                name: self
                    .groups
                    .get(&gin)
                    .map(|g| g.name.clone())
                    .unwrap_or_default(),
            })
            .unwrap_or_default();
        Event::EventMsg(EventMsg {
            from_qq: user(notice.about),
            operate_qq: user(notice.operator),
            logon_qq: logon,
            from_group,
            msg: EventBody {
                seq: notice.seq,
                time_stamp: notice.time,
                kind: notice.kind,
                sub_type: notice.sub_type,
                text: notice.text.clone(),
            },
        })
    }

    /// `notice` for `logon` if it is an online framework account, else nothing.
    pub fn notify_account(&self, logon: Uin, notice: &Notice) -> Vec<Event> {
        if self.is_online_account(logon) {
            vec![self.event_for(logon, notice)]
        } else {
            Vec::new()
        }
    }

    /// `notice` for every online framework account that is a member of `gin` (plus any in
    /// `also`, e.g. someone who just left or was kicked), each once, by QQ number.
    pub fn notify_group(&self, gin: Gin, notice: &Notice, also: &[Uin]) -> Vec<Event> {
        let mut accounts = self.online_members(gin);
        accounts.extend_from_slice(also);
        accounts.sort_unstable();
        accounts.dedup();
        accounts
            .into_iter()
            .filter(|uin| self.is_online_account(*uin))
            .map(|uin| self.event_for(uin, notice))
            .collect()
    }
}
