//! The control API (`/sim/<action>`, JSON in and out) as every backend sees it: a
//! [`ControlRequest`] carries a backend's own action by name with its JSON body, without
//! knowing it; the backend that owns control actions decodes them and documents them
//! through [`ControlActions`]. The actions themselves (the simulated network's) live with
//! the backend that has them.

use crate::reply::{Failure, FailureKind, Reply};
use crate::BoxFuture;

/// A control-API action as it was asked: its name, its JSON body, and whether it came by
/// POST (anything else, as a GET with query parameters, only reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlRequest {
    action: String,
    body: Vec<u8>,
    posted: bool,
}

impl ControlRequest {
    /// `action` asked with POST: a change or a read-only view.
    pub fn post(action: impl Into<String>, body: impl Into<Vec<u8>>) -> Self {
        ControlRequest {
            action: action.into(),
            body: body.into(),
            posted: true,
        }
    }

    /// `action` asked without POST (a GET with query parameters): only a read-only view
    /// answers it; a change is refused with [`ControlError::TakesPost`].
    pub fn get(action: impl Into<String>, body: impl Into<Vec<u8>>) -> Self {
        ControlRequest {
            posted: false,
            ..ControlRequest::post(action, body)
        }
    }

    /// The action's name, owned, so that an answer built after the request is gone can
    /// name it.
    pub fn action(&self) -> String {
        self.action.clone()
    }

    /// The JSON body (empty when none was given).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Whether it came by POST.
    pub fn posted(&self) -> bool {
        self.posted
    }
}

/// Why a control action was not carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ControlError {
    /// No such action.
    #[error("unknown control action `{0}`")]
    UnknownAction(String),
    /// The body is not the JSON the action takes.
    #[error("invalid body for `{action}`: {reason}")]
    BadBody {
        /// The action.
        action: String,
        /// What is wrong.
        reason: String,
    },
    /// A change asked without POST.
    #[error("/sim/{0} takes POST")]
    TakesPost(String),
    /// The action was decoded, and carrying it out failed.
    #[error(transparent)]
    Failed(#[from] Failure),
}

impl From<ControlError> for Failure {
    /// The failure a caller that knows only [`Failure`] sees (the OneBot face): the
    /// carrying out's own, or an invalid (or unimplemented) request saying why.
    fn from(error: ControlError) -> Failure {
        let kind = match &error {
            ControlError::Failed(failure) => return failure.clone(),
            ControlError::UnknownAction(_) => FailureKind::NotImplemented,
            ControlError::BadBody { .. } | ControlError::TakesPost(_) => FailureKind::Invalid,
        };
        Failure::new(kind, error.to_string())
    }
}

/// One control action, documented: `/openapi.json` is written from these.
#[derive(Debug, Clone, Copy)]
pub struct ControlDoc {
    /// `/sim/<action>`.
    pub action: &'static str,
    /// Read-only views answer GET (with query parameters) as well as POST.
    pub read_only: bool,
    /// What it does.
    pub summary: &'static str,
    /// An example JSON body for the default world.
    pub example: &'static str,
}

/// The control actions of a backend that has its own (the simulated network's): it
/// decodes each [`ControlRequest`] and carries it out, and documents every action.
pub trait ControlActions: Send + Sync {
    /// Every action, documented.
    fn docs(&self) -> &[ControlDoc];

    /// Decodes `request` and carries it out: an unknown name, a bad body or a change
    /// asked without POST is refused before anything changes.
    fn run(&self, request: ControlRequest) -> BoxFuture<'_, Result<Reply, ControlError>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_that_knows_only_failures_reads_why() {
        let failure = Failure::new(FailureKind::NotMember, "not in the group");
        assert_eq!(Failure::from(ControlError::from(failure.clone())), failure);
        let bad = Failure::from(ControlError::BadBody {
            action: "kick".into(),
            reason: "missing field `group`".into(),
        });
        assert_eq!(bad.kind, FailureKind::Invalid);
        assert_eq!(
            bad.message,
            "invalid body for `kick`: missing field `group`"
        );
        let unknown = Failure::from(ControlError::UnknownAction("nope".into()));
        assert_eq!(unknown.kind, FailureKind::NotImplemented);
        assert_eq!(
            ControlError::TakesPost("kick".into()).to_string(),
            "/sim/kick takes POST"
        );
    }

    #[test]
    fn a_request_keeps_how_it_was_asked() {
        let posted = ControlRequest::post("world", "{}");
        assert!(posted.posted());
        assert_eq!(posted.action(), "world");
        assert_eq!(posted.body(), b"{}");
        assert!(!ControlRequest::get("world", "").posted());
    }
}
