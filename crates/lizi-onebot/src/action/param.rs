//! Typed action parameters, decoded tolerantly from a `params` map.
//!
//! Each parameter kind of the action table is a marker type implementing [`Param`]: it
//! decodes its value from JSON (ids from numbers or numeric strings, booleans from any
//! spelling, `message` from a CQ string, an array or one segment), encodes it back exactly
//! (ids as JSON numbers, messages as arrays) and describes itself ([`ParamKind`]).

use serde_json::Value;

use crate::lenient::{as_bool, as_i64, as_text, as_u64};
use crate::message::{self, Message};

/// What is wrong with one parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("parameter `{param}`: {problem}")]
pub struct ParamError {
    /// The parameter's wire name.
    pub param: &'static str,
    /// The problem.
    pub problem: Problem,
}

/// The ways a parameter can be wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// Required but absent or `null`.
    #[error("is required")]
    Missing,
    /// Not a QQ or group number from 1 to 2^64-1.
    #[error("`{0}` is not a QQ or group number")]
    NotAnId(String),
    /// Not an integer.
    #[error("`{0}` is not an integer")]
    NotAnInteger(String),
    /// Not a boolean in any accepted spelling.
    #[error("`{0}` is not a boolean (true, false, 1 or 0)")]
    NotABoolean(String),
    /// Not a string, number or boolean.
    #[error("`{0}` is not text")]
    NotText(String),
    /// A number or boolean where the implementation declares a string and refuses others
    /// (LLOneBot, Lagrange.OneBot).
    #[error("expected a string but got {0}")]
    NotAString(String),
    /// Not a list of QQ numbers.
    #[error("`{0}` is not a list of QQ numbers")]
    NotIds(String),
    /// Not a message.
    #[error("{0}")]
    NotAMessage(#[from] message::MessageError),
}

/// The kind of a parameter, as the table describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// A QQ or group number (number or numeric string; written as a number).
    Id,
    /// A signed integer (message ids, durations, counts).
    Int,
    /// A boolean (`true`/`false`, `1`/`0`, or those as strings).
    Bool,
    /// Text (numbers and booleans read as their spelling).
    Text,
    /// A message: CQ string, segment array or one segment object.
    Message,
    /// Any JSON value, passed through (forward nodes, quick-operation contexts).
    Json,
    /// A list of QQ numbers (each a number or numeric string; written as numbers).
    Ids,
}

impl ParamKind {
    /// The kind's name in documentation.
    pub fn name(self) -> &'static str {
        match self {
            ParamKind::Id => "id",
            ParamKind::Int => "integer",
            ParamKind::Bool => "boolean",
            ParamKind::Text => "string",
            ParamKind::Message => "message",
            ParamKind::Json => "JSON",
            ParamKind::Ids => "id list",
        }
    }
}

/// One parameter of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// Wire name.
    pub name: &'static str,
    /// Other names accepted on input (e.g. `type` for `sub_type`).
    pub aliases: &'static [&'static str],
    /// What it holds.
    pub kind: ParamKind,
    /// Whether a call without it is refused.
    pub required: bool,
}

/// A parameter kind that decodes from and encodes to JSON.
pub trait Param {
    /// The Rust value it produces.
    type Value;
    /// Its description.
    const KIND: ParamKind;
    /// Whether it must be present.
    const REQUIRED: bool = true;
    /// Decodes it; `value` is `None` when absent or `null`.
    fn decode(name: &'static str, value: Option<&Value>) -> Result<Self::Value, ParamError>;
    /// Encodes it; `None` leaves the parameter out.
    fn encode(value: &Self::Value) -> Option<Value>;
}

fn present<'a>(name: &'static str, value: Option<&'a Value>) -> Result<&'a Value, ParamError> {
    value.ok_or(ParamError {
        param: name,
        problem: Problem::Missing,
    })
}

fn wrong(name: &'static str, problem: fn(String) -> Problem, value: &Value) -> ParamError {
    let shown = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    ParamError {
        param: name,
        problem: problem(shown),
    }
}

/// A QQ or group number.
pub struct Id;
impl Param for Id {
    type Value = u64;
    const KIND: ParamKind = ParamKind::Id;
    fn decode(name: &'static str, value: Option<&Value>) -> Result<u64, ParamError> {
        let value = present(name, value)?;
        as_u64(value)
            .filter(|id| *id > 0)
            .ok_or_else(|| wrong(name, Problem::NotAnId, value))
    }
    fn encode(value: &u64) -> Option<Value> {
        Some((*value).into())
    }
}

/// A signed integer.
pub struct Int;
impl Param for Int {
    type Value = i64;
    const KIND: ParamKind = ParamKind::Int;
    fn decode(name: &'static str, value: Option<&Value>) -> Result<i64, ParamError> {
        let value = present(name, value)?;
        as_i64(value).ok_or_else(|| wrong(name, Problem::NotAnInteger, value))
    }
    fn encode(value: &i64) -> Option<Value> {
        Some((*value).into())
    }
}

/// A boolean.
pub struct Flag;
impl Param for Flag {
    type Value = bool;
    const KIND: ParamKind = ParamKind::Bool;
    fn decode(name: &'static str, value: Option<&Value>) -> Result<bool, ParamError> {
        let value = present(name, value)?;
        as_bool(value).ok_or_else(|| wrong(name, Problem::NotABoolean, value))
    }
    fn encode(value: &bool) -> Option<Value> {
        Some((*value).into())
    }
}

/// Text.
pub struct Text;
impl Param for Text {
    type Value = String;
    const KIND: ParamKind = ParamKind::Text;
    fn decode(name: &'static str, value: Option<&Value>) -> Result<String, ParamError> {
        let value = present(name, value)?;
        as_text(value).ok_or_else(|| wrong(name, Problem::NotText, value))
    }
    fn encode(value: &String) -> Option<Value> {
        Some(Value::String(value.clone()))
    }
}

/// A message.
pub struct Msg;
impl Param for Msg {
    type Value = Message;
    const KIND: ParamKind = ParamKind::Message;
    fn decode(name: &'static str, value: Option<&Value>) -> Result<Message, ParamError> {
        message::parse(present(name, value)?).map_err(|e| ParamError {
            param: name,
            problem: e.into(),
        })
    }
    fn encode(value: &Message) -> Option<Value> {
        serde_json::to_value(value).ok()
    }
}

/// Any JSON value.
pub struct Json;
impl Param for Json {
    type Value = Value;
    const KIND: ParamKind = ParamKind::Json;
    fn decode(name: &'static str, value: Option<&Value>) -> Result<Value, ParamError> {
        present(name, value).cloned()
    }
    fn encode(value: &Value) -> Option<Value> {
        Some(value.clone())
    }
}

/// A list of QQ numbers.
pub struct Ids;
impl Param for Ids {
    type Value = Vec<u64>;
    const KIND: ParamKind = ParamKind::Ids;
    fn decode(name: &'static str, value: Option<&Value>) -> Result<Vec<u64>, ParamError> {
        let value = present(name, value)?;
        let ids = value.as_array().and_then(|items| {
            items
                .iter()
                .map(|item| as_u64(item).filter(|id| *id > 0))
                .collect::<Option<Vec<u64>>>()
        });
        ids.filter(|ids| !ids.is_empty())
            .ok_or_else(|| wrong(name, Problem::NotIds, value))
    }
    fn encode(value: &Vec<u64>) -> Option<Value> {
        Some(value.iter().copied().map(Value::from).collect())
    }
}

/// An optional parameter: absent or `null` is `None`.
impl<P: Param> Param for Option<P> {
    type Value = Option<P::Value>;
    const KIND: ParamKind = P::KIND;
    const REQUIRED: bool = false;
    fn decode(name: &'static str, value: Option<&Value>) -> Result<Self::Value, ParamError> {
        value.map(|v| P::decode(name, Some(v))).transpose()
    }
    fn encode(value: &Self::Value) -> Option<Value> {
        value.as_ref().and_then(P::encode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_come_from_numbers_or_numeric_strings_and_go_out_as_numbers() {
        assert_eq!(Id::decode("user_id", Some(&json!("10001"))), Ok(10001));
        assert_eq!(Id::encode(&10001), Some(json!(10001)));
        let empty = Id::decode("group_id", Some(&json!("")));
        assert_eq!(
            empty.map_err(|e| e.to_string()),
            Err("parameter `group_id`: `` is not a QQ or group number".into())
        );
        assert!(Id::decode("user_id", Some(&json!(0))).is_err());
        assert_eq!(
            Ids::decode("user_ids", Some(&json!(["20001", 20002]))),
            Ok(vec![20001, 20002])
        );
        assert!(Ids::decode("user_ids", Some(&json!([]))).is_err());
        assert!(Ids::decode("user_ids", Some(&json!("20001"))).is_err());
    }

    #[test]
    fn optional_parameters_accept_absence_but_not_garbage() {
        assert_eq!(<Option<Flag>>::decode("enable", None), Ok(None));
        assert_eq!(
            <Option<Flag>>::decode("enable", Some(&json!("0"))),
            Ok(Some(false))
        );
        let err = <Option<Flag>>::decode("enable", Some(&json!("maybe"))).expect_err("garbage");
        assert_eq!(err.problem, Problem::NotABoolean("maybe".into()));
        assert_eq!(
            Int::decode("duration", None).map_err(|e| e.problem),
            Err(Problem::Missing)
        );
    }
}
