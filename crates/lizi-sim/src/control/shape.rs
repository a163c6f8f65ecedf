//! The control actions that shape the world while lizi runs (`/sim/add_user`,
//! `/sim/add_group`, `/sim/add_friendship`): what a world fixture does at start-up, for a
//! person at the console or a test that needs one more user.

use lizi_core::{ControlError, Gin, Uin};
use serde::Deserialize;

use super::body::{bad, json};

/// `POST /sim/add_user`: a new simulated user.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimAddUser {
    /// The new QQ number (not taken yet).
    pub uin: Uin,
    /// Nickname (not empty).
    pub nickname: String,
}

/// `POST /sim/add_group`: a new group of existing people.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimAddGroup {
    /// The new group number (not taken yet).
    pub gin: Gin,
    /// Name (not empty).
    pub name: String,
    /// The owner.
    pub owner: Uin,
    /// The other members.
    #[serde(default)]
    pub members: Vec<Uin>,
}

/// `POST /sim/add_friendship`: two people become friends.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimAddFriendship {
    /// One of them.
    pub a: Uin,
    /// The other.
    pub b: Uin,
}

/// A world-shaping action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// `add_user`.
    AddUser(SimAddUser),
    /// `add_group`.
    AddGroup(SimAddGroup),
    /// `add_friendship`.
    AddFriendship(SimAddFriendship),
}

impl Shape {
    /// The action names this area takes (lower case).
    pub const ACTIONS: [&'static str; 3] = ["add_user", "add_group", "add_friendship"];

    /// Whether `action` (lower case) is one of this area's.
    pub fn takes(action: &str) -> bool {
        Self::ACTIONS.contains(&action)
    }

    /// Decodes `action` (lower case, one of [`ACTIONS`](Self::ACTIONS)) with its JSON body.
    pub fn decode(action: &str, body: &[u8]) -> Result<Self, ControlError> {
        Ok(match action {
            "add_user" => {
                let user: SimAddUser = json("add_user", body)?;
                if user.nickname.trim().is_empty() {
                    return Err(bad("add_user", "`nickname` must not be empty"));
                }
                Shape::AddUser(user)
            }
            "add_group" => {
                let group: SimAddGroup = json("add_group", body)?;
                if group.name.trim().is_empty() {
                    return Err(bad("add_group", "`name` must not be empty"));
                }
                Shape::AddGroup(group)
            }
            "add_friendship" => {
                let friendship: SimAddFriendship = json("add_friendship", body)?;
                if friendship.a == friendship.b {
                    return Err(bad("add_friendship", "`a` and `b` must differ"));
                }
                Shape::AddFriendship(friendship)
            }
            other => return Err(ControlError::UnknownAction(other.to_owned())),
        })
    }

    /// The action's name.
    pub fn action(&self) -> &'static str {
        match self {
            Shape::AddUser(_) => "add_user",
            Shape::AddGroup(_) => "add_group",
            Shape::AddFriendship(_) => "add_friendship",
        }
    }
}
