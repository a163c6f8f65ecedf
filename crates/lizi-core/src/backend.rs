//! The [`Backend`] trait: what does the QQ work behind the API.

use std::future::Future;
use std::pin::Pin;

use serde::Deserialize;

use crate::endpoint::Request;
use crate::reply::{Failure, FailureKind, Reply};
use crate::{Gin, Uin};

/// A boxed, sendable future, as [`Backend`] methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Does the QQ work for API requests, and reports events to the event log it was given.
pub trait Backend: Send + Sync + 'static {
    /// A short name for logs and messages (`sim`, `onebot`).
    fn name(&self) -> &'static str;

    /// Carries out one API request. Session requests never reach a backend.
    fn call(&self, request: Request) -> BoxFuture<'_, Result<Reply, Failure>>;

    /// Carries out one control-API action (acting as other users, reading the world).
    fn control(&self, request: ControlRequest) -> BoxFuture<'_, Result<Reply, Failure>> {
        let action = request.action();
        let backend = self.name();
        Box::pin(async move {
            Err(Failure::new(
                FailureKind::NotImplemented,
                format!("the {backend} backend has no control action `{action}`"),
            ))
        })
    }
}

/// A control-API action (`/sim/<action>`, JSON body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlRequest {
    /// A simulated user sends a message.
    Message(SimMessage),
    /// A read-only view of the whole world.
    World,
}

/// `POST /sim/message`: `from` sends `text` to `to` (private), to `group`, or to `to`
/// through `group` (temporary session).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimMessage {
    /// The sender (a simulated user or a framework account).
    pub from: Uin,
    /// The receiver of a private or temporary-session message.
    #[serde(default)]
    pub to: Option<Uin>,
    /// The group of a group or temporary-session message.
    #[serde(default)]
    pub group: Option<Gin>,
    /// The message text, with text codes.
    pub text: String,
}

/// Why a control request could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ControlError {
    /// No such action.
    #[error("unknown control action `{0}`")]
    UnknownAction(String),
    /// The body is not the JSON the action takes.
    #[error("invalid body for `{action}`: {reason}")]
    BadBody {
        /// The action.
        action: &'static str,
        /// What is wrong.
        reason: String,
    },
}

impl ControlRequest {
    /// Decodes `action` (the path after `/sim/`) with its JSON `body`.
    pub fn decode(action: &str, body: &[u8]) -> Result<Self, ControlError> {
        fn json<T: serde::de::DeserializeOwned>(
            action: &'static str,
            body: &[u8],
        ) -> Result<T, ControlError> {
            serde_json::from_slice(body).map_err(|e| ControlError::BadBody {
                action,
                reason: e.to_string(),
            })
        }
        match action.to_ascii_lowercase().as_str() {
            "message" => {
                let message: SimMessage = json("message", body)?;
                if message.text.is_empty() {
                    return Err(ControlError::BadBody {
                        action: "message",
                        reason: "`text` must not be empty".into(),
                    });
                }
                if message.to.is_none() && message.group.is_none() {
                    return Err(ControlError::BadBody {
                        action: "message",
                        reason: "give `to`, `group`, or both".into(),
                    });
                }
                Ok(ControlRequest::Message(message))
            }
            "world" => Ok(ControlRequest::World),
            other => Err(ControlError::UnknownAction(other.to_owned())),
        }
    }

    /// Whether the action only reads (answered to GET as well as POST).
    pub fn read_only(&self) -> bool {
        matches!(self, ControlRequest::World)
    }

    /// The action's name.
    pub fn action(&self) -> &'static str {
        match self {
            ControlRequest::Message(_) => "message",
            ControlRequest::World => "world",
        }
    }
}
