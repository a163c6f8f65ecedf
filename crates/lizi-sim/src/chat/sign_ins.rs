//! Group sign-ins (群打卡): a member signs in once a day (again the same day changes
//! nothing, as QQ's own button does); the day's list keeps the order. QQ reports no
//! event for them.

use lizi_core::{Gin, Uin};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::day_of;
use crate::error::SimError;
use crate::world::World;

/// One group's sign-ins of one day (a row of [`World::sign_ins`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SignInDay {
    /// Who signed in, in order.
    pub members: Vec<SignedIn>,
}

/// One sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    /// Who.
    pub uin: Uin,
    /// When (unix seconds).
    pub time: i64,
    /// Its place in the day's list, from 1.
    pub rank: usize,
}

impl World {
    /// `user` signs in to `gin` at `time`; answers the sign-in (the earlier one of the
    /// same day, unchanged, if there is one).
    pub fn sign_in(&mut self, user: Uin, gin: Gin, time: i64) -> Result<SignedIn, SimError> {
        self.active_person(user)?;
        self.group(gin)?.member(user)?;
        let key = (gin, day_of(time));
        if let Some(signed) = self
            .sign_ins
            .get(&key)
            .and_then(|day| day.members.iter().find(|s| s.uin == user))
        {
            return Ok(*signed);
        }
        let day = self.sign_ins.get_or_insert_with(key, SignInDay::default);
        let signed = SignedIn {
            uin: user,
            time,
            rank: day.members.len() + 1,
        };
        day.members.push(signed);
        Ok(signed)
    }

    /// The control API's `sign_ins` view: who signed in to `gin` on `day`, in order, as
    /// `viewer` (a member, when given) reads it.
    pub fn sign_ins_view(
        &self,
        gin: Gin,
        day: i64,
        viewer: Option<Uin>,
    ) -> Result<Value, SimError> {
        self.group_for(gin, viewer)?;
        let entries: Vec<Value> = self
            .sign_ins
            .get(&(gin, day))
            .map(|day| {
                day.members
                    .iter()
                    .map(|s| {
                        json!({
                            "uin": s.uin,
                            "nickname": self.nickname(s.uin),
                            "time": s.time,
                            "rank": s.rank,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(json!({"group": gin, "day": day, "sign_ins": entries}))
    }
}
