//! Pokes (戳一戳): a gray tip, not a message, so nothing is kept; the framework accounts
//! that see it get a system notice ([`GrayTip::Poke`]).

use lizi_core::gray_tip::GrayTip;
use lizi_core::{Event, Gin, Uin};

use crate::error::SimError;
use crate::notify::Notice;
use crate::world::World;

impl World {
    /// `from` pokes `target` at `time`: in group `gin` (both members, `from` free to speak
    /// there), else as friends. QQ lets one poke oneself. A group poke is seen by the
    /// group's online framework accounts, a friend poke by both sides.
    pub fn poke(
        &mut self,
        from: Uin,
        target: Uin,
        gin: Option<Gin>,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        self.active_person(from)?;
        self.person(target)?;
        let notice = Notice::tip(
            &GrayTip::Poke {
                operator: from,
                target,
            },
            time,
        );
        match gin {
            Some(gin) => {
                self.group(gin)?.member(target)?;
                self.may_speak(from, gin, time)?;
                Ok(self.notify_group(gin, &notice.in_group(gin), &[]))
            }
            None => {
                if from != target {
                    self.ensure_friends(from, target)?;
                }
                let mut sides = vec![from, target];
                sides.dedup();
                Ok(sides
                    .into_iter()
                    .flat_map(|uin| self.notify_account(uin, &notice))
                    .collect())
            }
        }
    }
}
