//! Shaping the world while lizi runs (`/sim/add_user`, `/sim/add_group`,
//! `/sim/add_friendship`), with the checks a world fixture gets at start-up: numbers are
//! new, the people named exist.

use std::collections::{BTreeMap, BTreeSet};

use lizi_core::event::kind;
use lizi_core::{Event, Reply};
use serde_json::json;

use crate::backend::{Handled, SimBackend};
use crate::control::shape::{Shape, SimAddFriendship, SimAddGroup, SimAddUser};
use crate::error::SimError;
use crate::notify::Notice;
use crate::world::{pair, Friendship, Group, MemberState, Person, World};

impl World {
    /// Adds a simulated user with a QQ number nobody has.
    pub fn add_user(&mut self, user: &SimAddUser) -> Result<(), SimError> {
        if self.people.contains_key(&user.uin) {
            return Err(SimError::Refused(format!("{} already exists", user.uin)));
        }
        let person = Person {
            uin: user.uin,
            nickname: user.nickname.clone(),
            signature: String::new(),
            sex: 0,
            age: 0,
            email: String::new(),
            account: None,
            profile: Default::default(),
        };
        self.people.insert(user.uin, person);
        Ok(())
    }

    /// Adds a group of existing people, `owner` first; members join at `time`.
    pub fn add_group(&mut self, group: &SimAddGroup, time: i64) -> Result<(), SimError> {
        if self.groups.contains_key(&group.gin) {
            return Err(SimError::Refused(format!(
                "group {} already exists",
                group.gin
            )));
        }
        let mut members = BTreeMap::new();
        for uin in std::iter::once(group.owner).chain(group.members.iter().copied()) {
            self.person(uin)?;
            let state = MemberState {
                joined: time,
                ..MemberState::default()
            };
            members.insert(uin, state);
        }
        let new = Group {
            gin: group.gin,
            name: group.name.clone(),
            memo: String::new(),
            owner: group.owner,
            admins: BTreeSet::new(),
            members,
            blocked: BTreeSet::new(),
            settings: Default::default(),
        };
        self.groups.insert(group.gin, new);
        Ok(())
    }

    /// Makes two existing people friends; each framework account among them is told
    /// (event 104) at `time`.
    pub fn add_friendship(
        &mut self,
        friendship: &SimAddFriendship,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        let (a, b) = (friendship.a, friendship.b);
        self.person(a)?;
        self.person(b)?;
        let key = pair(a, b);
        if self.friendships.contains_key(&key) {
            return Err(SimError::Refused(format!(
                "{a} and {b} are friends already"
            )));
        }
        self.friendships.insert(key, Friendship::default());
        let mut events = Vec::new();
        for (me, other) in [(a, b), (b, a)] {
            let notice = Notice::new(kind::NEW_FRIEND, other, other, time);
            events.extend(self.notify_account(me, &notice));
        }
        Ok(events)
    }
}

impl SimBackend {
    /// Carries out a world-shaping control action.
    pub(crate) fn control_shape(&self, shape: Shape) -> Handled {
        let action = shape.action();
        let now = self.now();
        self.change(|w| {
            let events = match &shape {
                Shape::AddUser(user) => w.add_user(user).map(|()| Vec::new()),
                Shape::AddGroup(group) => w.add_group(group, now).map(|()| Vec::new()),
                Shape::AddFriendship(friendship) => w.add_friendship(friendship, now),
            }?;
            let reply = Reply::Json(json!({"ret": "ok", "action": action, "events": events.len()}));
            Ok((reply, events))
        })
    }
}
