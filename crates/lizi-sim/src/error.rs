//! Why a request to the simulated network failed, and how that maps onto [`Failure`].

use lizi_core::{Failure, FailureKind, Gin, Uin};

/// A rule of the simulated network that a request broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// `fromqq`/`logonqq` is not a framework account.
    #[error("{0} is not a framework account")]
    UnknownAccount(Uin),
    /// The framework account is logged out.
    #[error("framework account {0} is offline")]
    Offline(Uin),
    /// Nobody on the network has this QQ number.
    #[error("there is no user {0} on the simulated network")]
    UnknownUser(Uin),
    /// No such group.
    #[error("there is no group {0} on the simulated network")]
    UnknownGroup(Gin),
    /// `other` is not a friend of `of`.
    #[error("{other} is not a friend of {of}")]
    NotFriend {
        /// The one whose friend list was looked at.
        of: Uin,
        /// The one who is not on it.
        other: Uin,
    },
    /// Not a member of the group.
    #[error("{uin} is not a member of group {gin}")]
    NotMember {
        /// Who.
        uin: Uin,
        /// The group.
        gin: Gin,
    },
    /// Refused by the network's rules or settings.
    #[error("{0}")]
    Refused(String),
    /// The actor's group role does not allow it.
    #[error("{0}")]
    NoPermission(String),
    /// The sender is muted (alone or by whole-group mute).
    #[error("{0}")]
    Muted(String),
    /// The message (or other thing) referred to does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request makes no sense in the current state.
    #[error("{0}")]
    Invalid(String),
    /// A message is longer than QQ allows (see [`crate::limits`]).
    #[error("the {what} is {length} {unit} long; QQ allows at most {limit}")]
    TooLong {
        /// What was too long (`text message`, `card`).
        what: &'static str,
        /// Its length.
        length: usize,
        /// What the length counts (`characters`, `bytes`).
        unit: &'static str,
        /// The most allowed.
        limit: usize,
    },
    /// A request that never reaches a backend got here.
    #[error("{0} is handled by the API layer, not by the sim backend")]
    ApiLayer(&'static str),
    /// The message history could not be read.
    #[error("reading the message history failed: {0}")]
    History(String),
}

impl SimError {
    /// The failure kind this maps to.
    pub fn kind(&self) -> FailureKind {
        match self {
            SimError::UnknownAccount(_) => FailureKind::UnknownAccount,
            SimError::Offline(_) => FailureKind::Offline,
            SimError::UnknownUser(_) => FailureKind::UnknownUser,
            SimError::UnknownGroup(_) => FailureKind::UnknownGroup,
            SimError::NotFriend { .. } => FailureKind::NotFriend,
            SimError::NotMember { .. } => FailureKind::NotMember,
            SimError::Refused(_) => FailureKind::Refused,
            SimError::NoPermission(_) => FailureKind::NoPermission,
            SimError::Muted(_) => FailureKind::Muted,
            SimError::NotFound(_) => FailureKind::NotFound,
            SimError::Invalid(_) => FailureKind::Invalid,
            SimError::TooLong { .. } => FailureKind::TooLong,
            SimError::ApiLayer(_) | SimError::History(_) => FailureKind::Internal,
        }
    }
}

impl From<SimError> for Failure {
    fn from(error: SimError) -> Self {
        Failure::new(error.kind(), error.to_string())
    }
}

/// Why a backend could not be opened on a store.
#[derive(Debug, thiserror::Error)]
pub enum SimOpenError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] lizi_store::StoreError),
    /// The saved world could not be read.
    #[error("the saved world cannot be loaded: {0}")]
    Load(#[from] crate::persist::LoadError),
}
