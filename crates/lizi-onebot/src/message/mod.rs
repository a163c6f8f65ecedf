//! Messages: segments in the array form, their typed views, and the CQ-code string form.
//!
//! A [`Message`] is a list of [`Segment`]s, each `{"type": …, "data": {…}}` (OB11
//! `message/array.md`). Input is tolerant: [`parse`] takes a CQ string, an array or a
//! single segment object, as OB11 `api/README.md` allows for every `message` parameter.
//! Output is exact: the constructors write every data value as a JSON string, as the
//! standard spells them (`at.qq` as a string matters: Lagrange rejects a number).

mod cq;
mod view;

pub use cq::{escape_param, escape_text, parse_cq, to_cq_string, unescape_param, unescape_text};
pub use view::{AtTarget, ContactKind, Music, Node, SegmentError, View};

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// A message: segments in order.
pub type Message = Vec<Segment>;

/// One message segment, `{"type": kind, "data": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// The segment type (`text`, `at`, `image`…), kept verbatim even when unknown.
    #[serde(rename = "type")]
    pub kind: String,
    /// The segment's data; `null` or absent reads as empty.
    #[serde(default, deserialize_with = "map_or_null")]
    pub data: Map<String, Value>,
}

/// Why a value is not a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// Neither a string, an array nor an object.
    #[error("a message must be a string, an array of segments or one segment object")]
    WrongShape,
    /// A segment without a string `type`, or with a `data` that is not an object.
    #[error("segment {0} is not {{\"type\": <string>, \"data\": <object>}}")]
    BadSegment(usize),
}

/// Reads a message from a CQ string, an array of segments or a single segment object.
pub fn parse(value: &Value) -> Result<Message, MessageError> {
    match value {
        Value::String(text) => Ok(parse_cq(text)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| segment(item).ok_or(MessageError::BadSegment(index)))
            .collect(),
        Value::Object(_) => segment(value)
            .map(|s| vec![s])
            .ok_or(MessageError::BadSegment(0)),
        _ => Err(MessageError::WrongShape),
    }
}

fn segment(value: &Value) -> Option<Segment> {
    let object = value.as_object()?;
    let kind = object.get("type")?.as_str()?.to_owned();
    let data = match object.get("data") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(data)) => data.clone(),
        Some(_) => return None,
    };
    Some(Segment { kind, data })
}

/// Deserializes a `message` field tolerantly: string, array or object; `null` is empty.
pub fn de_message<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Message, D::Error> {
    let value = Value::deserialize(deserializer)?;
    if value.is_null() {
        return Ok(Vec::new());
    }
    parse(&value).map_err(serde::de::Error::custom)
}

fn map_or_null<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Map<String, Value>, D::Error> {
    Ok(Option::<Map<String, Value>>::deserialize(deserializer)?.unwrap_or_default())
}

/// The plain text of a message: its `text` segments joined, everything else dropped.
pub fn plain_text(message: &[Segment]) -> String {
    message
        .iter()
        .filter(|s| s.kind == "text")
        .filter_map(|s| s.data.get("text").and_then(Value::as_str))
        .collect()
}

impl Segment {
    /// A segment of `kind` with string data values, in the given order.
    pub fn new(kind: &str, data: &[(&str, String)]) -> Segment {
        Segment {
            kind: kind.to_owned(),
            data: data
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Value::String(v.clone())))
                .collect(),
        }
    }

    /// `text{text}`.
    pub fn text(text: impl Into<String>) -> Segment {
        Segment::new("text", &[("text", text.into())])
    }

    /// `face{id}`.
    pub fn face(id: i64) -> Segment {
        Segment::new("face", &[("id", id.to_string())])
    }

    /// `at{qq}` of one member (the number written as a string).
    pub fn at(qq: u64) -> Segment {
        Segment::new("at", &[("qq", qq.to_string())])
    }

    /// `at{qq:"all"}`.
    pub fn at_all() -> Segment {
        Segment::new("at", &[("qq", "all".to_owned())])
    }

    /// `reply{id}` quoting a message by its OneBot `message_id`.
    pub fn reply(message_id: i64) -> Segment {
        Segment::new("reply", &[("id", message_id.to_string())])
    }

    /// `image{file}` (`file` may be a URL, a path or `base64://…`); `flash` adds
    /// `type:"flash"`.
    pub fn image(file: impl Into<String>, flash: bool) -> Segment {
        let mut segment = Segment::new("image", &[("file", file.into())]);
        if flash {
            segment
                .data
                .insert("type".to_owned(), Value::String("flash".to_owned()));
        }
        segment
    }

    /// `record{file}`.
    pub fn record(file: impl Into<String>) -> Segment {
        Segment::new("record", &[("file", file.into())])
    }

    /// `video{file}`.
    pub fn video(file: impl Into<String>) -> Segment {
        Segment::new("video", &[("file", file.into())])
    }

    /// `json{data}` with the card's JSON text.
    pub fn json(data: impl Into<String>) -> Segment {
        Segment::new("json", &[("data", data.into())])
    }

    /// `xml{data}` with the card's XML text.
    pub fn xml(data: impl Into<String>) -> Segment {
        Segment::new("xml", &[("data", data.into())])
    }

    /// `poke{type,id}`.
    pub fn poke(kind: i64, id: i64) -> Segment {
        Segment::new(
            "poke",
            &[("type", kind.to_string()), ("id", id.to_string())],
        )
    }

    /// A data value as text (numbers in their decimal spelling), if present.
    pub fn get_text(&self, key: &str) -> Option<String> {
        self.data.get(key).and_then(crate::lenient::as_text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_message_reads_from_string_array_or_object() {
        let from_string = parse(&json!("hi[CQ:at,qq=10001]")).expect("string");
        let from_array = parse(&json!([
            {"type": "text", "data": {"text": "hi"}},
            {"type": "at", "data": {"qq": "10001"}}
        ]))
        .expect("array");
        assert_eq!(from_string, from_array);
        let single = parse(&json!({"type": "face", "data": {"id": 14}})).expect("object");
        assert_eq!(single.len(), 1);
        assert_eq!(single[0].get_text("id").as_deref(), Some("14"));
        assert_eq!(
            parse(&json!({"type": "dice"})).expect("no data")[0]
                .data
                .len(),
            0
        );
    }

    #[test]
    fn malformed_messages_are_refused_with_the_segment_index() {
        assert_eq!(parse(&json!(12)), Err(MessageError::WrongShape));
        let bad = json!([{"type": "text", "data": {"text": "a"}}, {"data": {}}]);
        assert_eq!(parse(&bad), Err(MessageError::BadSegment(1)));
        assert_eq!(
            parse(&json!({"type": "at", "data": 3})),
            Err(MessageError::BadSegment(0))
        );
    }

    #[test]
    fn constructors_write_data_values_as_strings() {
        let out = serde_json::to_value(vec![Segment::at(10001), Segment::reply(-5)]).expect("json");
        assert_eq!(
            out,
            json!([{"type": "at", "data": {"qq": "10001"}}, {"type": "reply", "data": {"id": "-5"}}])
        );
    }
}
