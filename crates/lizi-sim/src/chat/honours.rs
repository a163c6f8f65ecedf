//! Group honours (群荣誉). The talkative one (龙王) is decided by the group's messages:
//! the member who sent the most on a day (China's days; a tie goes to the smaller QQ
//! number) holds it for that day, over the last [`TALKATIVE_DAYS`] full days, and the
//! current holder is yesterday's. The other honours are the world file's.

use std::collections::BTreeMap;

use lizi_core::{Gin, Uin};
use serde_json::{json, Value};

use super::day_of;
use crate::error::SimError;
use crate::fixture::{Honours, WorldFixture};
use crate::table::Table;
use crate::world::{ConvKey, World};

/// How many full days before today decide the talkative honour.
pub const TALKATIVE_DAYS: i64 = 7;

/// The most messages read back to decide it (the newest ones), so that a busy group
/// costs a bounded read.
pub const TALKATIVE_SCAN: usize = 20_000;

/// Messages read per page of the history.
const PAGE: usize = 1_000;

/// The honours of every group of `fixture` that lists any.
pub fn from_fixture(fixture: &WorldFixture) -> Table<Gin, Honours> {
    fixture
        .groups()
        .iter()
        .filter(|g| !g.honours.is_empty())
        .map(|g| (g.gin, g.honours.clone()))
        .collect()
}

impl World {
    /// The day each of the last [`TALKATIVE_DAYS`] full days before `now` was won by
    /// whom: `(day, member)`, newest first (days without messages left out).
    fn talkative_days(&self, gin: Gin, now: i64) -> Result<Vec<(i64, Uin)>, SimError> {
        let today = day_of(now);
        let first = today - TALKATIVE_DAYS;
        let mut counts: BTreeMap<i64, BTreeMap<Uin, u32>> = BTreeMap::new();
        let (mut before, mut scanned) = (None, 0);
        'pages: while scanned < TALKATIVE_SCAN {
            let page = self.messages_page(ConvKey::Group(gin), before, PAGE)?;
            let Some(oldest) = page.first() else { break };
            before = Some(oldest.req);
            scanned += page.len();
            for message in page.iter().rev() {
                let day = day_of(message.time);
                if day < first {
                    break 'pages;
                }
                if day < today {
                    *counts
                        .entry(day)
                        .or_default()
                        .entry(message.from)
                        .or_default() += 1;
                }
            }
        }
        let group = self.group(gin)?;
        Ok(counts
            .into_iter()
            .rev()
            .filter_map(|(day, senders)| {
                let (uin, _) = senders
                    .into_iter()
                    .filter(|(uin, _)| group.members.contains_key(uin))
                    .max_by(|(a, x), (b, y)| x.cmp(y).then(b.cmp(a)))?;
                Some((day, uin))
            })
            .collect())
    }

    /// The control API's `honours` view of `gin` at `now`, as `viewer` (a member, when
    /// given) reads it.
    pub fn honours_view(&self, gin: Gin, viewer: Option<Uin>, now: i64) -> Result<Value, SimError> {
        self.group_for(gin, viewer)?;
        let days = self.talkative_days(gin, now)?;
        let yesterday = day_of(now) - 1;
        let current = days
            .first()
            .filter(|(day, _)| *day == yesterday)
            .map(|&(_, uin)| {
                let streak = days
                    .iter()
                    .zip(0..)
                    .take_while(|((day, holder), back)| *day == yesterday - back && *holder == uin)
                    .count();
                json!({"uin": uin, "nickname": self.nickname(uin), "day_count": streak})
            });
        let mut held: Vec<(Uin, usize)> = Vec::new();
        for &(_, uin) in &days {
            match held.iter_mut().find(|(holder, _)| *holder == uin) {
                Some((_, times)) => *times += 1,
                None => held.push((uin, 1)),
            }
        }
        let talkative: Vec<Value> = held
            .into_iter()
            .map(|(uin, times)| json!({"uin": uin, "nickname": self.nickname(uin), "days": times}))
            .collect();
        let given = self.honours.get(&gin).cloned().unwrap_or_default();
        let group = self.group(gin)?;
        let list = |holders: &[Uin]| -> Vec<Value> {
            holders
                .iter()
                .filter(|uin| group.members.contains_key(uin))
                .map(|&uin| json!({"uin": uin, "nickname": self.nickname(uin)}))
                .collect()
        };
        Ok(json!({
            "group": gin,
            "current_talkative": current,
            "talkative": talkative,
            "performer": list(&given.performer),
            "legend": list(&given.legend),
            "strong_newbie": list(&given.strong_newbie),
            "emotion": list(&given.emotion),
        }))
    }
}
