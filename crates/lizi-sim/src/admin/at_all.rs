//! Mentioning everyone (`[@all]`): QQ lets only a group's owner and admins do it, a limited
//! number of times a day, counted for the group and for each of them. Every group message
//! with `[@all]` passes [`World::check_at_all`]; the count of the day is kept in
//! [`World::at_all`] (a row per group for the day it last used, as QQ's day turns in
//! China), so the budget survives a restart and starts afresh the next day.

use std::collections::BTreeMap;

use lizi_core::china_time::day_of;
use lizi_core::textcode::{parse, Segment};
use lizi_core::{Gin, Uin};
use serde::{Deserialize, Serialize};

use crate::error::SimError;
use crate::world::{Role, World};

/// How many mentions of everyone a group may make in a day, all its managers together.
pub const AT_ALL_PER_GROUP: u32 = 10;

/// How many mentions of everyone one manager may make in a group in a day.
pub const AT_ALL_PER_MEMBER: u32 = 10;

/// The mentions of everyone one group made on one day.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AtAllDay {
    /// All of them.
    pub total: u32,
    /// By whom.
    pub by: BTreeMap<Uin, u32>,
}

/// What is left of a member's budget of mentions of everyone today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AtAllRemain {
    /// Whether the member may mention everyone now.
    pub can_at_all: bool,
    /// What the group has left today.
    pub for_group: u32,
    /// What the member has left today.
    pub for_member: u32,
}

/// Whether `text` mentions everyone (most texts are ruled out without parsing them).
pub fn mentions_everyone(text: &str) -> bool {
    text.contains("[@all]") && parse(text).iter().any(|s| matches!(s, Segment::AtAll))
}

impl World {
    /// What is left today (at `time`) of `uin`'s mentions of everyone in `gin`.
    pub fn at_all_remain(&self, uin: Uin, gin: Gin, time: i64) -> Result<AtAllRemain, SimError> {
        let group = self.group(gin)?;
        group.member(uin)?;
        let day = self.at_all.get(&(gin, day_of(time)));
        let for_group = AT_ALL_PER_GROUP.saturating_sub(day.map_or(0, |d| d.total));
        let used = day.and_then(|d| d.by.get(&uin)).copied().unwrap_or(0);
        let for_member = AT_ALL_PER_MEMBER.saturating_sub(used);
        let manager = group.role(uin) != Role::Member;
        Ok(AtAllRemain {
            can_at_all: manager && for_group > 0 && for_member > 0,
            for_group,
            for_member,
        })
    }

    /// Fails when `from` may not mention everyone in `gin` at `time`: not the owner or an
    /// admin, or nothing left of today's budget. A message without `[@all]` passes.
    pub(crate) fn check_at_all(
        &self,
        from: Uin,
        gin: Gin,
        text: &str,
        time: i64,
    ) -> Result<(), SimError> {
        if !mentions_everyone(text) {
            return Ok(());
        }
        let remain = self.at_all_remain(from, gin, time)?;
        if remain.can_at_all {
            return Ok(());
        }
        if self.group(gin)?.role(from) == Role::Member {
            return Err(SimError::NoPermission(format!(
                "{from} is only a member of group {gin}; only the owner or an admin may \
                 mention everyone"
            )));
        }
        Err(SimError::Refused(format!(
            "no mention of everyone is left today in group {gin} ({AT_ALL_PER_GROUP} a day for \
             the group, {AT_ALL_PER_MEMBER} for each manager)"
        )))
    }

    /// Counts a message of `from` in `gin` at `time` that passed [`World::check_at_all`].
    /// The group's counts of earlier days are dropped: the table keeps a day a group.
    pub(crate) fn count_at_all(&mut self, from: Uin, gin: Gin, text: &str, time: i64) {
        if !mentions_everyone(text) {
            return;
        }
        let today = day_of(time);
        let earlier: Vec<(Gin, i64)> = self
            .at_all
            .range((gin, i64::MIN)..(gin, today))
            .map(|(key, _)| *key)
            .collect();
        for key in earlier {
            self.at_all.remove(&key);
        }
        let day = self
            .at_all
            .get_or_insert_with((gin, today), AtAllDay::default);
        day.total += 1;
        *day.by.entry(from).or_insert(0) += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::WorldFixture;
    use crate::messages::Target;

    #[test]
    fn managers_mention_everyone_within_the_day_and_members_not_at_all() {
        let mut world = World::from_fixture(&WorldFixture::default_world(), 100);
        let noon = 1_700_000_000;
        for n in 0..AT_ALL_PER_GROUP {
            let sent = world.send(10001, Target::Group(30001), "[@all] hi", noon, i64::from(n));
            assert!(sent.is_ok(), "{n}: {sent:?}");
        }
        let remain = world.at_all_remain(10001, 30001, noon).expect("remain");
        assert_eq!(
            remain,
            AtAllRemain {
                can_at_all: false,
                for_group: 0,
                for_member: 0
            }
        );
        world.take_changes();
        let refused = world.send(20001, Target::Group(30001), "[@all]", noon, 1);
        assert!(
            matches!(&refused, Err(SimError::Refused(why)) if why.contains("no mention")),
            "{refused:?}"
        );
        assert!(!world.has_changes(), "a refused send changes nothing");
        let member = world.send(20003, Target::Group(30001), "[@all]", noon, 1);
        assert!(
            matches!(member, Err(SimError::NoPermission(_))),
            "{member:?}"
        );
        assert!(world
            .send(20003, Target::Group(30001), "hi", noon, 1)
            .is_ok());
        // The next day, the budget is whole again.
        let tomorrow = world
            .at_all_remain(10001, 30001, noon + 86_400)
            .expect("remain");
        assert_eq!((tomorrow.for_group, tomorrow.for_member), (10, 10));
        assert!(world
            .at_all_remain(20003, 30001, noon + 86_400)
            .is_ok_and(|r| !r.can_at_all));
        world
            .send(10001, Target::Group(30001), "[@all]", noon + 86_400, 1)
            .expect("a new day's mention");
        assert_eq!(world.at_all.len(), 1, "only the new day is kept");
    }
}
