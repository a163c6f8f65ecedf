//! Events (OB11 `event/*.md`) with the common extensions of NapCat, Lagrange and LLOneBot.
//!
//! Parsing never fails on a JSON object: an unknown `post_type` becomes [`Body::Unknown`],
//! an unknown `notice_type`, `request_type`, `meta_event_type` or notify `sub_type` the
//! `Other` variant of its enum, each keeping the raw JSON; unknown `sub_type`s of known
//! events become `Other(String)`; missing ids read as 0, `card: null` as none, ids given as
//! strings as numbers. Serializing writes what NapCat emits: the field names, ids as JSON
//! numbers, absent optional extensions left out.

mod message;
mod meta;
mod notice;
mod request;

pub use message::{
    GroupMessage, GroupSubType, MessageEvent, MessageExtras, PrivateMessage, PrivateSubType,
};
pub use meta::{Heartbeat, Lifecycle, LifecycleKind, MetaEvent};
pub use notice::*;
pub use request::{FriendRequest, GroupRequest, GroupRequestKind, RequestEvent};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::lenient::{
    as_i64, as_u64, de_i64, de_opt_i64, de_opt_string, de_opt_u64, de_string, de_u64, string_enum,
};

/// One event: the common `time` and `self_id`, and the typed rest.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// When it happened (unix seconds).
    pub time: i64,
    /// The account that received it.
    pub self_id: u64,
    /// What happened.
    pub body: Body,
}

/// What happened, by `post_type`.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// `message`: a message to the account.
    Message(MessageEvent),
    /// `message_sent`: a message the account sent (NapCat, LLOneBot, go-cqhttp).
    MessageSent(MessageEvent),
    /// `notice`.
    Notice(Notice),
    /// `request`.
    Request(RequestEvent),
    /// `meta_event`.
    Meta(MetaEvent),
    /// Any other `post_type`, or none: the raw event.
    Unknown(Map<String, Value>),
}

/// Why a value is not an event at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an event must be a JSON object")]
pub struct NotAnObject;

impl Event {
    /// Reads an event from a JSON value; only a non-object fails.
    pub fn parse(value: Value) -> Result<Event, NotAnObject> {
        let Value::Object(raw) = value else {
            return Err(NotAnObject);
        };
        let time = raw.get("time").and_then(as_i64).unwrap_or(0);
        let self_id = raw.get("self_id").and_then(as_u64).unwrap_or(0);
        let body = match tag(&raw, "post_type") {
            "message" => Body::Message(MessageEvent::from_raw(raw)),
            "message_sent" => Body::MessageSent(MessageEvent::from_raw(raw)),
            "notice" => Body::Notice(Notice::from_raw(raw)),
            "request" => Body::Request(RequestEvent::from_raw(raw)),
            "meta_event" => Body::Meta(MetaEvent::from_raw(raw)),
            _ => Body::Unknown(raw),
        };
        Ok(Event {
            time,
            self_id,
            body,
        })
    }

    /// Why this event, of a kind known here, was kept raw: a field missing or of the wrong
    /// type for its typed body. `None` when it was read, or its kind is one this crate
    /// does not know (kept raw on purpose).
    pub fn misfit(&self) -> Option<String> {
        match &self.body {
            Body::Message(MessageEvent::Other(raw))
            | Body::MessageSent(MessageEvent::Other(raw)) => MessageEvent::misfit(raw),
            Body::Notice(Notice::Other(raw)) => Notice::misfit(raw),
            Body::Notice(Notice::Notify(Notify::Other(raw))) => Notify::misfit(raw),
            Body::Request(RequestEvent::Other(raw)) => RequestEvent::misfit(raw),
            _ => None,
        }
    }

    /// What kind of event this is, as its tags name it: `post_type` and the type inside
    /// (`message/group`, `notice/group_recall`, `notice/notify/poke`, `meta_event/heartbeat`).
    pub fn kind(&self) -> String {
        let value = self.to_value();
        let text = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
        };
        let inner = [
            "message_type",
            "notice_type",
            "request_type",
            "meta_event_type",
        ];
        let mut parts: Vec<&str> = text("post_type").into_iter().collect();
        parts.extend(inner.into_iter().find_map(&text));
        if text("notice_type") == Some("notify") {
            parts.extend(text("sub_type"));
        }
        if parts.is_empty() {
            return "unknown".into();
        }
        parts.join("/")
    }

    /// The event as NapCat writes it: `time`, `self_id`, `post_type`, then the fields.
    pub fn to_value(&self) -> Value {
        let mut out = Map::new();
        out.insert("time".into(), self.time.into());
        out.insert("self_id".into(), self.self_id.into());
        let (post_type, rest) = match &self.body {
            Body::Message(m) => ("message", m.to_map()),
            Body::MessageSent(m) => ("message_sent", m.to_map()),
            Body::Notice(n) => ("notice", n.to_map()),
            Body::Request(r) => ("request", r.to_map()),
            Body::Meta(m) => ("meta_event", m.to_map()),
            Body::Unknown(raw) => {
                out.extend(raw.clone());
                return Value::Object(out);
            }
        };
        out.insert("post_type".into(), post_type.into());
        out.extend(rest);
        Value::Object(out)
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Event, D::Error> {
        Event::parse(Value::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// A string field of a raw event, `""` when absent or not a string.
fn tag<'a>(raw: &'a Map<String, Value>, key: &str) -> &'a str {
    raw.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Reads a typed event body, or keeps the raw event through `other` when it does not fit.
fn typed<T: DeserializeOwned, R>(
    raw: Map<String, Value>,
    wrap: fn(T) -> R,
    other: fn(Map<String, Value>) -> R,
) -> R {
    match serde_json::from_value(Value::Object(raw.clone())) {
        Ok(body) => wrap(body),
        Err(_) => other(raw),
    }
}

/// Why `raw` does not read as the body `wrap` takes (`None`: it does).
fn misfit<T: DeserializeOwned, R>(raw: &Map<String, Value>, _wrap: fn(T) -> R) -> Option<String> {
    serde_json::from_value::<T>(Value::Object(raw.clone()))
        .err()
        .map(|error| error.to_string())
}

/// Declares how a typed event enum reads from and writes to its tag field (`key`): each
/// `Variant = "spelling"` row is a typed body, each `nested` row an enum tagged again
/// inside, and anything else (or a body that does not fit) stays raw in `Other`.
macro_rules! tagged_enum {
    (
        $name:ident by $key:literal { $($variant:ident = $text:literal,)* }
        $(nested { $($nested:ident = $ntext:literal,)* })?
    ) => {
        impl $name {
            pub(super) fn from_raw(raw: Map<String, Value>) -> $name {
                match $crate::event::tag(&raw, $key) {
                    $( $text => $crate::event::typed(raw, $name::$variant, $name::Other), )*
                    $($( $ntext => $name::$nested($nested::from_raw(raw)), )*)?
                    _ => $name::Other(raw),
                }
            }

            /// Why `raw`, of a kind this enum knows, did not fit its typed body (it was
            /// kept raw in `Other`); `None` when it fits or its kind is unknown.
            pub fn misfit(raw: &Map<String, Value>) -> Option<String> {
                match $crate::event::tag(raw, $key) {
                    $( $text => $crate::event::misfit(raw, $name::$variant), )*
                    $($( $ntext => $nested::misfit(raw), )*)?
                    _ => None,
                }
            }

            pub(super) fn to_map(&self) -> Map<String, Value> {
                match self {
                    $( $name::$variant(body) => $crate::event::tagged($key, $text, body), )*
                    $($( $name::$nested(inner) => {
                        let mut out = Map::new();
                        out.insert($key.into(), $ntext.into());
                        out.extend(inner.to_map());
                        out
                    } )*)?
                    $name::Other(raw) => raw.clone(),
                }
            }
        }
    };
}

use tagged_enum;

/// A typed body's fields after its tag (`key: value`).
fn tagged(key: &str, value: &str, body: &impl Serialize) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert(key.to_owned(), value.into());
    if let Ok(Value::Object(fields)) = serde_json::to_value(body) {
        out.extend(fields);
    }
    out
}

string_enum! {
    /// `message_type`.
    MessageType {
        /// A private message.
        Private = "private",
        /// A group message.
        Group = "group",
    }
}

string_enum! {
    /// A member's role.
    Role default Member {
        /// The owner.
        Owner = "owner",
        /// An admin.
        Admin = "admin",
        /// A plain member.
        Member = "member",
    }
}

string_enum! {
    /// A user's sex.
    Sex default Unknown {
        /// Male.
        Male = "male",
        /// Female.
        Female = "female",
        /// Not given.
        Unknown = "unknown",
    }
}

/// A message's sender; fields an implementation leaves out are `None` and not written.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Sender {
    /// QQ number.
    #[serde(default, deserialize_with = "de_u64")]
    pub user_id: u64,
    /// Nickname.
    #[serde(default, deserialize_with = "de_string")]
    pub nickname: String,
    /// Group card (`null` reads as none).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub card: Option<String>,
    /// Sex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Age.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_i64"
    )]
    pub age: Option<i64>,
    /// Area.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub area: Option<String>,
    /// Member level (a string in the standard).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub level: Option<String>,
    /// Role in the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Special title.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub title: Option<String>,
    /// The group of a temporary session (LLOneBot).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_u64"
    )]
    pub group_id: Option<u64>,
}

/// An anonymous sender.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anonymous {
    /// Anonymous user id.
    #[serde(default, deserialize_with = "de_i64")]
    pub id: i64,
    /// Anonymous name.
    #[serde(default, deserialize_with = "de_string")]
    pub name: String,
    /// The flag `set_group_anonymous_ban` takes.
    #[serde(default, deserialize_with = "de_string")]
    pub flag: String,
}
