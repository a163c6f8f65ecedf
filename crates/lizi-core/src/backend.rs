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

    /// The bytes of an uploaded picture, voice or file by content hash (32 hex digits,
    /// any case), for the API layer's media route; `None` when unknown.
    fn media(&self, hash: &str) -> BoxFuture<'_, Option<crate::sim_media::MediaBytes>> {
        let _ = hash;
        Box::pin(async { None })
    }
}

/// A control-API action (`/sim/<action>`, JSON body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlRequest {
    /// A simulated user sends a message.
    Message(SimMessage),
    /// A read-only view of the whole world.
    World,
    /// `kick`: a member is kicked (see [`crate::sim_admin`]).
    Kick(crate::sim_admin::SimKick),
    /// `mute`: a member is muted or unmuted.
    Mute(crate::sim_admin::SimMute),
    /// `leave`: someone leaves a group.
    Leave(crate::sim_admin::SimLeave),
    /// `set_card`: a member's card is set.
    SetCard(crate::sim_admin::SimSetCard),
    /// `recall`: a message is recalled.
    Recall(crate::sim_admin::SimRecall),
    /// `set_admin`: the owner grants or removes an admin.
    SetAdmin(crate::sim_admin::SimSetAdmin),
    /// `rename_group`: a group is renamed.
    RenameGroup(crate::sim_admin::SimRenameGroup),
    /// `whole_mute`: a group's whole-group mute is switched.
    WholeMute(crate::sim_admin::SimWholeMute),
    /// A user, group or friendship is added (see [`crate::sim_world`]).
    Shape(crate::sim_world::Shape),
    /// `group`: a read-only view of one group.
    GroupView(crate::sim_admin::SimGroupView),
    /// `history`: a read-only view of a conversation's messages.
    History(crate::sim_admin::SimHistory),
    /// An action of the friends, requests, profile and cards area.
    Social(crate::social_control::SocialControl),
    /// `send_picture`: a simulated user sends a picture (see [`crate::sim_media`]).
    SendPicture(crate::sim_media::SimPicture),
    /// `upload_file`: a simulated user uploads a group file.
    UploadFile(crate::sim_media::SimUpload),
    /// `files`: a read-only view of a group's folders and files.
    Files(crate::sim_media::SimFiles),
    /// `send_file`: a simulated user (or account) sends a file to a friend.
    SendFile(crate::sim_media::SimSendFile),
    /// `friend_files`: a read-only view of the files an account received from friends.
    FriendFiles(crate::sim_media::SimFriendFiles),
    /// `clock`: the simulated clock moves forward.
    Clock(SimClock),
}

/// `POST /sim/clock`: the simulated network's clock moves `advance_seconds` forward (a
/// mute of ten minutes ends after `{"advance_seconds":600}`, without waiting).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimClock {
    /// Seconds to add to the simulated clock.
    pub advance_seconds: u32,
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

/// Decodes an action's JSON body.
pub(crate) fn json_body<T: serde::de::DeserializeOwned>(
    action: &'static str,
    body: &[u8],
) -> Result<T, ControlError> {
    serde_json::from_slice(body).map_err(|e| ControlError::BadBody {
        action,
        reason: e.to_string(),
    })
}

/// A body that parsed but says something impossible.
pub(crate) fn bad_body(action: &'static str, reason: &str) -> ControlError {
    ControlError::BadBody {
        action,
        reason: reason.to_owned(),
    }
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
        match action.to_ascii_lowercase().as_str() {
            "message" => {
                let message: SimMessage = json_body("message", body)?;
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
            "clock" => Ok(ControlRequest::Clock(json_body("clock", body)?)),
            name if crate::sim_admin::ACTIONS.contains(&name) => {
                crate::sim_admin::decode(name, body)
            }
            social if crate::social_control::SocialControl::takes(social) => Ok(
                ControlRequest::Social(crate::social_control::SocialControl::decode(social, body)?),
            ),
            shape if crate::sim_world::ACTIONS.contains(&shape) => {
                crate::sim_world::decode(shape, body)
            }
            media if crate::sim_media::ACTIONS.contains(&media) => {
                crate::sim_media::decode(media, body)
            }
            other => Err(ControlError::UnknownAction(other.to_owned())),
        }
    }

    /// Whether the action only reads (answered to GET as well as POST).
    pub fn read_only(&self) -> bool {
        matches!(
            self,
            ControlRequest::World
                | ControlRequest::GroupView(_)
                | ControlRequest::History(_)
                | ControlRequest::Files(_)
                | ControlRequest::FriendFiles(_)
        ) || matches!(self, ControlRequest::Social(social) if social.read_only())
    }

    /// The action's name.
    pub fn action(&self) -> &'static str {
        match self {
            ControlRequest::Message(_) => "message",
            ControlRequest::World => "world",
            ControlRequest::Kick(_) => "kick",
            ControlRequest::Mute(_) => "mute",
            ControlRequest::Leave(_) => "leave",
            ControlRequest::SetCard(_) => "set_card",
            ControlRequest::Recall(_) => "recall",
            ControlRequest::SetAdmin(_) => "set_admin",
            ControlRequest::RenameGroup(_) => "rename_group",
            ControlRequest::WholeMute(_) => "whole_mute",
            ControlRequest::Shape(shape) => shape.action(),
            ControlRequest::GroupView(_) => "group",
            ControlRequest::History(_) => "history",
            ControlRequest::Social(social) => social.action(),
            ControlRequest::SendPicture(_) => "send_picture",
            ControlRequest::UploadFile(_) => "upload_file",
            ControlRequest::Files(_) => "files",
            ControlRequest::SendFile(_) => "send_file",
            ControlRequest::FriendFiles(_) => "friend_files",
            ControlRequest::Clock(_) => "clock",
        }
    }
}
