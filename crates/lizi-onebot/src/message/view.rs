//! Typed views of the segment kinds a bridge converts (OB11 `message/segment.md` plus
//! the NapCat/go-cqhttp additions `mface`, `file`, `forward` ids).
//!
//! Views read leniently (numbers as numbers or strings); a segment of an unknown kind is
//! [`View::Other`], so the caller can keep or drop it, never fail on it.

use serde_json::Value;

use super::{parse, Message, Segment};
use crate::lenient::{as_bool, as_i64, as_u64};

/// Why a segment does not fit its kind's view.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the `{kind}` segment's `{field}` {problem}")]
pub struct SegmentError {
    /// The segment kind.
    pub kind: String,
    /// The data field at fault.
    pub field: &'static str,
    /// What is wrong with it.
    pub problem: &'static str,
}

/// Whom an `at` segment mentions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtTarget {
    /// `qq:"all"`: everyone.
    All,
    /// One member.
    User(u64),
}

/// What a `contact` segment recommends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactKind {
    /// A user (`type:"qq"`).
    User,
    /// A group (`type:"group"`).
    Group,
}

/// A `music` segment: a platform track or a custom card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Music {
    /// `qq`, `163`, `xm` or `custom`.
    pub kind: String,
    /// The platform track id (platform tracks).
    pub id: Option<String>,
    /// Jump URL (custom).
    pub url: Option<String>,
    /// Audio URL (custom).
    pub audio: Option<String>,
    /// Title (custom).
    pub title: Option<String>,
    /// Subtitle (custom).
    pub content: Option<String>,
    /// Cover image URL (custom).
    pub image: Option<String>,
}

/// A `node` of a forward message: a reference to an existing message or custom content.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `node{id}`: an existing message by its id.
    Reference(String),
    /// `node{user_id,nickname,content}`: content shown as sent by someone.
    Custom {
        /// Shown sender.
        user_id: u64,
        /// Shown nickname.
        nickname: String,
        /// The content.
        content: Message,
    },
}

/// A segment read as its kind.
#[derive(Debug, Clone, PartialEq)]
pub enum View {
    /// Plain text.
    Text(String),
    /// A QQ face by id.
    Face(i64),
    /// A picture: `file` (name, URL, path or `base64://`), `url` when received, flash or not.
    Image {
        /// `file`.
        file: String,
        /// `url`, when received.
        url: Option<String>,
        /// `type:"flash"`.
        flash: bool,
        /// `summary` (NapCat).
        summary: Option<String>,
    },
    /// A voice: `file`, `url` when received.
    Record {
        /// `file`.
        file: String,
        /// `url`, when received.
        url: Option<String>,
    },
    /// A short video: `file`, `url` when received.
    Video {
        /// `file`.
        file: String,
        /// `url`, when received.
        url: Option<String>,
    },
    /// A mention.
    At(AtTarget),
    /// A quote of a message by its OneBot id.
    Reply(i64),
    /// A received forward message, by its id (`resid`).
    Forward(String),
    /// One node of a forward message being sent.
    Node(Node),
    /// A JSON card (the JSON text; an object is written back as compact JSON).
    Json(String),
    /// An XML card.
    Xml(String),
    /// A poke: `type` and `id`.
    Poke {
        /// `type`.
        kind: String,
        /// `id`.
        id: String,
    },
    /// A dice throw, with NapCat's `result` when received.
    Dice(Option<i64>),
    /// Rock-paper-scissors, with NapCat's `result` when received.
    Rps(Option<i64>),
    /// A file (received): `file` name, `file_id`, `file_size`, `url`.
    File {
        /// `file`.
        file: String,
        /// `file_id`.
        file_id: Option<String>,
        /// `file_size`.
        file_size: Option<u64>,
        /// `url`.
        url: Option<String>,
    },
    /// A recommended contact.
    Contact {
        /// User or group.
        kind: ContactKind,
        /// Its number.
        id: u64,
    },
    /// A music card.
    Music(Music),
    /// A link share: `url`, `title`, optional `content` and `image`.
    Share {
        /// `url`.
        url: String,
        /// `title`.
        title: String,
        /// `content`.
        content: Option<String>,
        /// `image`.
        image: Option<String>,
    },
    /// A location: `lat`, `lon`, optional `title` and `content`.
    Location {
        /// Latitude.
        lat: f64,
        /// Longitude.
        lon: f64,
        /// `title`.
        title: Option<String>,
        /// `content`.
        content: Option<String>,
    },
    /// A market face (NapCat): package id, emoji id, key, summary.
    MFace {
        /// `emoji_package_id`.
        emoji_package_id: i64,
        /// `emoji_id`.
        emoji_id: String,
        /// `key`.
        key: String,
        /// `summary`.
        summary: Option<String>,
    },
    /// A kind this crate does not view; the segment keeps its data.
    Other,
}

impl Segment {
    /// Reads the segment as its kind.
    pub fn view(&self) -> Result<View, SegmentError> {
        let text = |field| self.get_text(field);
        let need = |field: &'static str| {
            self.get_text(field)
                .ok_or_else(|| self.error(field, "is missing"))
        };
        let int = |field: &'static str| match self.data.get(field) {
            None | Some(Value::Null) => Err(self.error(field, "is missing")),
            Some(v) => as_i64(v).ok_or_else(|| self.error(field, "is not an integer")),
        };
        let real = |field: &'static str| {
            let value = self.data.get(field);
            let number = value.and_then(Value::as_f64);
            let parsed = value
                .and_then(Value::as_str)
                .and_then(|s| s.trim().parse().ok());
            number
                .or(parsed)
                .ok_or_else(|| self.error(field, "is not a number"))
        };
        Ok(match self.kind.as_str() {
            "text" => View::Text(need("text")?),
            "face" => View::Face(int("id")?),
            "image" => View::Image {
                file: need("file")?,
                url: text("url"),
                flash: text("type").as_deref() == Some("flash"),
                summary: text("summary"),
            },
            "record" => View::Record {
                file: need("file")?,
                url: text("url"),
            },
            "video" => View::Video {
                file: need("file")?,
                url: text("url"),
            },
            "at" => View::At(self.at_target()?),
            "reply" => View::Reply(int("id")?),
            "forward" => View::Forward(need("id")?),
            "node" => View::Node(self.node()?),
            "json" => View::Json(self.card("data")?),
            "xml" => View::Xml(self.card("data")?),
            "poke" => View::Poke {
                kind: need("type")?,
                id: need("id")?,
            },
            "dice" => View::Dice(self.data.get("result").and_then(as_i64)),
            "rps" => View::Rps(self.data.get("result").and_then(as_i64)),
            "file" => View::File {
                file: need("file")?,
                file_id: text("file_id"),
                file_size: self.data.get("file_size").and_then(as_u64),
                url: text("url"),
            },
            "contact" => View::Contact {
                kind: match need("type")?.as_str() {
                    "qq" => ContactKind::User,
                    "group" => ContactKind::Group,
                    _ => return Err(self.error("type", "is neither qq nor group")),
                },
                id: self.id("id")?,
            },
            "music" => View::Music(Music {
                kind: need("type")?,
                id: text("id"),
                url: text("url"),
                audio: text("audio"),
                title: text("title"),
                content: text("content"),
                image: text("image"),
            }),
            "share" => View::Share {
                url: need("url")?,
                title: need("title")?,
                content: text("content"),
                image: text("image"),
            },
            "location" => View::Location {
                lat: real("lat")?,
                lon: real("lon")?,
                title: text("title"),
                content: text("content"),
            },
            "mface" => View::MFace {
                emoji_package_id: int("emoji_package_id")?,
                emoji_id: need("emoji_id")?,
                key: need("key")?,
                summary: text("summary"),
            },
            _ => View::Other,
        })
    }

    fn error(&self, field: &'static str, problem: &'static str) -> SegmentError {
        SegmentError {
            kind: self.kind.clone(),
            field,
            problem,
        }
    }

    fn id(&self, field: &'static str) -> Result<u64, SegmentError> {
        self.data
            .get(field)
            .and_then(as_u64)
            .ok_or_else(|| self.error(field, "is not a QQ or group number"))
    }

    fn at_target(&self) -> Result<AtTarget, SegmentError> {
        match self.data.get("qq") {
            Some(Value::String(s)) if s == "all" => Ok(AtTarget::All),
            _ => self.id("qq").map(AtTarget::User),
        }
    }

    fn card(&self, field: &'static str) -> Result<String, SegmentError> {
        match self.data.get(field) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other @ (Value::Object(_) | Value::Array(_))) => Ok(other.to_string()),
            _ => Err(self.error(field, "is missing")),
        }
    }

    fn node(&self) -> Result<Node, SegmentError> {
        if let Some(id) = self.get_text("id") {
            return Ok(Node::Reference(id));
        }
        let content = self
            .data
            .get("content")
            .ok_or_else(|| self.error("content", "is missing"))?;
        Ok(Node::Custom {
            user_id: self
                .data
                .get("user_id")
                .or_else(|| self.data.get("uin"))
                .and_then(as_u64)
                .ok_or_else(|| self.error("user_id", "is not a QQ number"))?,
            nickname: self
                .get_text("nickname")
                .or_else(|| self.get_text("name"))
                .unwrap_or_default(),
            content: parse(content).map_err(|_| self.error("content", "is not a message"))?,
        })
    }

    /// Whether a boolean data field is true in any spelling (absent: false).
    pub fn flag(&self, field: &str) -> bool {
        self.data.get(field).and_then(as_bool).unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn segment(value: Value) -> Segment {
        serde_json::from_value(value).expect("segment")
    }

    #[test]
    fn views_read_numbers_from_strings_and_numbers() {
        let at = segment(json!({"type": "at", "data": {"qq": 10001}}));
        assert_eq!(at.view(), Ok(View::At(AtTarget::User(10001))));
        let all = segment(json!({"type": "at", "data": {"qq": "all"}}));
        assert_eq!(all.view(), Ok(View::At(AtTarget::All)));
        let reply = segment(json!({"type": "reply", "data": {"id": "-1814915305"}}));
        assert_eq!(reply.view(), Ok(View::Reply(-1_814_915_305)));
        let loc = segment(json!({"type": "location", "data": {"lat": "39.9", "lon": 116.3}}));
        assert!(matches!(loc.view(), Ok(View::Location { lon, .. }) if lon == 116.3));
    }

    #[test]
    fn a_json_card_given_as_an_object_reads_as_its_text() {
        let card = segment(json!({"type": "json", "data": {"data": {"app": "x"}}}));
        assert_eq!(card.view(), Ok(View::Json("{\"app\":\"x\"}".to_owned())));
    }

    #[test]
    fn custom_nodes_carry_their_content() {
        let node = segment(json!({"type": "node", "data": {
            "user_id": "10001", "nickname": "A", "content": "hi[CQ:face,id=1]"}}));
        let Ok(View::Node(Node::Custom {
            user_id, content, ..
        })) = node.view()
        else {
            panic!("not a custom node");
        };
        assert_eq!((user_id, content.len()), (10001, 2));
    }

    #[test]
    fn a_missing_field_is_named_and_unknown_kinds_are_other() {
        let bad = segment(json!({"type": "at", "data": {"qq": "x"}}));
        assert_eq!(bad.view().map_err(|e| e.field), Err("qq"));
        let face = segment(json!({"type": "face", "data": {}}));
        assert_eq!(
            face.view().map_err(|e| e.to_string()),
            Err("the `face` segment's `id` is missing".into())
        );
        assert_eq!(segment(json!({"type": "markdown"})).view(), Ok(View::Other));
    }
}
