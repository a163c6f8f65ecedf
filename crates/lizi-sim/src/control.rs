//! The control API (`/sim/<action>`, JSON in and out): what a person at the console or a
//! test asks of the simulated network beyond what the framework accounts can, decoded from
//! the [`ControlRequest`](lizi_core::ControlRequest)s every backend receives into a
//! [`SimControl`], and documented in [`CONTROL_DOCS`].
//!
//! One module per area: [`admin`] (group administration, recall, the group and history
//! views), [`media`] (pictures, videos and files), [`social`] (requests, profiles, likes,
//! red packets, bundles), [`shape`] (new users, groups and friendships), [`chat`] (pokes,
//! reactions, essence, announcements, sign-ins, forwards, honours), [`account`] (remarks,
//! categories, mentions of everyone, stickers); messages, the world view and the clock are
//! here. The backend carries the decoded actions out.

pub mod account;
pub mod admin;
mod body;
pub mod chat;
mod docs;
pub mod media;
pub mod shape;
pub mod social;

use lizi_core::{ControlError, Gin, Uin};
use serde::Deserialize;

pub use account::AccountControl;
pub use admin::AdminControl;
pub use chat::ChatControl;
pub use docs::CONTROL_DOCS;
pub use media::MediaControl;
pub use shape::Shape;
pub use social::SocialControl;

/// A decoded control action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimControl {
    /// `message`: a simulated user sends a message.
    Message(SimMessage),
    /// `world`: a read-only view of the whole world.
    World,
    /// `clock`: the simulated clock moves forward.
    Clock(SimClock),
    /// An action of group administration and recall, or a group or history view.
    Admin(AdminControl),
    /// An action of pictures and files.
    Media(MediaControl),
    /// An action of the friends, requests, profile and cards area.
    Social(SocialControl),
    /// A user, group or friendship is added.
    Shape(Shape),
    /// An action of pokes, reactions, essence, announcements, sign-ins and forwards.
    Chat(ChatControl),
    /// An action of what a framework account keeps for itself.
    Account(AccountControl),
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

/// `POST /sim/clock`: the simulated network's clock moves `advance_seconds` forward (a
/// mute of ten minutes ends after `{"advance_seconds":600}`, without waiting).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimClock {
    /// Seconds to add to the simulated clock.
    pub advance_seconds: u32,
}

impl SimControl {
    /// Decodes `action` (the path after `/sim/`, any case) with its JSON `body`.
    pub fn decode(action: &str, body: &[u8]) -> Result<Self, ControlError> {
        match action.to_ascii_lowercase().as_str() {
            "message" => {
                let message: SimMessage = body::json("message", body)?;
                if message.text.is_empty() {
                    return Err(body::bad("message", "`text` must not be empty"));
                }
                if message.to.is_none() && message.group.is_none() {
                    return Err(body::bad("message", "give `to`, `group`, or both"));
                }
                Ok(SimControl::Message(message))
            }
            "world" => Ok(SimControl::World),
            "clock" => Ok(SimControl::Clock(body::json("clock", body)?)),
            admin if AdminControl::takes(admin) => {
                Ok(SimControl::Admin(AdminControl::decode(admin, body)?))
            }
            social if SocialControl::takes(social) => {
                Ok(SimControl::Social(SocialControl::decode(social, body)?))
            }
            shape if Shape::takes(shape) => Ok(SimControl::Shape(Shape::decode(shape, body)?)),
            media if MediaControl::takes(media) => {
                Ok(SimControl::Media(MediaControl::decode(media, body)?))
            }
            chat if ChatControl::takes(chat) => {
                Ok(SimControl::Chat(ChatControl::decode(chat, body)?))
            }
            account if AccountControl::takes(account) => {
                Ok(SimControl::Account(AccountControl::decode(account, body)?))
            }
            other => Err(ControlError::UnknownAction(other.to_owned())),
        }
    }

    /// Whether the action only reads (answered to GET as well as POST).
    pub fn read_only(&self) -> bool {
        match self {
            SimControl::World => true,
            SimControl::Message(_) | SimControl::Clock(_) | SimControl::Shape(_) => false,
            SimControl::Admin(admin) => admin.read_only(),
            SimControl::Media(media) => media.read_only(),
            SimControl::Social(social) => social.read_only(),
            SimControl::Chat(chat) => chat.read_only(),
            SimControl::Account(account) => account.read_only(),
        }
    }

    /// The action's name.
    pub fn action(&self) -> &'static str {
        match self {
            SimControl::Message(_) => "message",
            SimControl::World => "world",
            SimControl::Clock(_) => "clock",
            SimControl::Admin(admin) => admin.action(),
            SimControl::Media(media) => media.action(),
            SimControl::Social(social) => social.action(),
            SimControl::Shape(shape) => shape.action(),
            SimControl::Chat(chat) => chat.action(),
            SimControl::Account(account) => account.action(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_need_text_and_a_receiver() {
        let message = SimControl::decode("message", br#"{"from":1,"group":2,"text":"hi"}"#);
        assert!(matches!(message, Ok(SimControl::Message(_))));
        let empty = SimControl::decode("message", br#"{"from":1,"group":2,"text":""}"#);
        assert_eq!(
            empty.unwrap_err().to_string(),
            "invalid body for `message`: `text` must not be empty"
        );
        assert!(SimControl::decode("message", br#"{"from":1,"text":"hi"}"#).is_err());
        assert_eq!(
            SimControl::decode("nothing", b"{}"),
            Err(ControlError::UnknownAction("nothing".into()))
        );
        assert!(SimControl::decode("WORLD", b"").unwrap().read_only());
        let kick = SimControl::decode("KICK", br#"{"operator":1,"group":2,"member":3}"#);
        assert_eq!(kick.map(|k| k.action()), Ok("kick"));
    }

    #[test]
    fn every_documented_example_decodes_to_its_action() {
        for doc in CONTROL_DOCS {
            let body = if doc.example == "{}" {
                &b""[..]
            } else {
                doc.example.as_bytes()
            };
            let request = SimControl::decode(doc.action, body)
                .unwrap_or_else(|e| panic!("{}: {e}", doc.action));
            assert_eq!(request.action(), doc.action);
            assert_eq!(request.read_only(), doc.read_only, "{}", doc.action);
        }
    }

    #[test]
    fn every_action_is_documented() {
        let areas = [
            &["message", "world", "clock"][..],
            &AdminControl::ACTIONS,
            &MediaControl::ACTIONS,
            &SocialControl::ACTIONS,
            &Shape::ACTIONS,
            &ChatControl::ACTIONS,
            &AccountControl::ACTIONS,
        ];
        let actions: Vec<&str> = areas.concat();
        for action in &actions {
            assert!(
                CONTROL_DOCS.iter().any(|doc| doc.action == *action),
                "{action} has no doc"
            );
        }
        assert_eq!(actions.len(), CONTROL_DOCS.len());
    }
}
