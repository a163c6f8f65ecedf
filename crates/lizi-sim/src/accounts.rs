//! Framework accounts: login, logout and `/getlogonqq`.
//!
//! Logging in an account that is already online succeeds and changes nothing (no second
//! LOGIN_OK event, counters kept); logging out an account that is already offline succeeds
//! too. An offline account sees no events and cannot send.

use lizi_core::event::{kind, EventBody, EventMsg, UserRef};
use lizi_core::model::LogonAccount;
use lizi_core::{Event, Uin};

use crate::error::SimError;
use crate::world::World;

impl World {
    /// Logs `uin` in; answers the LOGIN_OK event (type 31) unless it already was online.
    pub fn login(&mut self, uin: Uin, time: i64) -> Result<Vec<Event>, SimError> {
        if self.account(uin)?.account.is_some_and(|a| a.online) {
            return Ok(Vec::new());
        }
        self.set_online(uin, true)?;
        // The counts are since login.
        self.message_counts.remove(&uin);
        let me = UserRef {
            uin,
            nick_name: self.nickname(uin),
        };
        Ok(vec![Event::EventMsg(EventMsg {
            from_qq: me.clone(),
            operate_qq: me,
            logon_qq: uin,
            msg: EventBody {
                time_stamp: time,
                kind: kind::LOGIN_OK,
                ..EventBody::default()
            },
            ..EventMsg::default()
        })])
    }

    /// Logs `uin` out.
    pub fn logout(&mut self, uin: Uin) -> Result<(), SimError> {
        if self.is_online_account(uin) {
            self.set_online(uin, false)?;
        } else {
            self.account(uin)?;
        }
        Ok(())
    }

    /// The framework accounts, online ones first, then by QQ number.
    pub fn logon_accounts(&self) -> Vec<LogonAccount> {
        let mut accounts: Vec<LogonAccount> = self
            .people
            .values()
            .filter_map(|p| {
                p.account.map(|a| {
                    let counts = self.message_counts(p.uin);
                    LogonAccount {
                        uin: p.uin,
                        nickname: p.nickname.clone(),
                        online: a.online,
                        received: counts.received,
                        sent: counts.sent,
                        protocol: None,
                    }
                })
            })
            .collect();
        accounts.sort_by_key(|a| (!a.online, a.uin));
        accounts
    }
}
