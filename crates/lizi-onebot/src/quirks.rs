//! What the implementations do differently that their parameter lists do not say, stated
//! once here for the face that imitates them and the bridge that drives them.

use crate::profile::Profile;

/// How an implementation's private send reaches someone who is not a friend: a temporary
/// session, opened as it opens one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemporaryChat {
    /// Through the group given as `group_id` (NapCat's `createContext`); a friend gets a
    /// friend message.
    ThroughGivenGroup,
    /// Only where a temporary session with that person exists already, through its group;
    /// `group_id` opens none (LLOneBot's `createPeer`). Otherwise a friend message, which
    /// a non-friend does not get.
    ExistingOnly,
    /// Never: the private send takes no `group_id` (Lagrange.OneBot).
    Never,
}

impl TemporaryChat {
    /// What `profile`'s implementation does.
    pub const fn of(profile: Profile) -> TemporaryChat {
        match profile {
            Profile::NapCat => TemporaryChat::ThroughGivenGroup,
            Profile::LLOneBot => TemporaryChat::ExistingOnly,
            Profile::Lagrange => TemporaryChat::Never,
        }
    }

    /// The limit, in a sentence (empty when there is none).
    pub const fn limit(self) -> &'static str {
        match self {
            TemporaryChat::ThroughGivenGroup => "",
            TemporaryChat::ExistingOnly => {
                "ignores group_id: only where a temporary chat already exists"
            }
            TemporaryChat::Never => {
                "its private send takes no group_id, so it cannot reach a non-friend"
            }
        }
    }
}
