//! Action envelopes (OB11 `communication/ws.md`, `api/README.md`): the call, the answer as
//! every implementation's answer reads, the failure kinds the profiles number, the action
//! name's suffixes, and a rendered answer.
//!
//! [`ActionRequest`] reads tolerantly (`params` may be absent or `null`); [`ActionResponse`]
//! is profile-neutral, and [`crate::Profile::render`] writes it exactly as NapCat,
//! Lagrange.OneBot or LLOneBot would, with their retcodes for the three failure kinds
//! ([`Failure`]), and the request's `echo` byte for byte as it came ([`Echo`]).

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::echo::Echo;

/// An action call: `{"action": …, "params": {…}, "echo": …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionRequest {
    /// The action name, possibly with an `_async`/`_rate_limited` suffix.
    pub action: String,
    /// The parameters; absent or `null` read as empty.
    #[serde(default, deserialize_with = "map_or_null")]
    pub params: Map<String, Value>,
    /// Any JSON the caller wants back verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub echo: Option<Echo>,
}

fn map_or_null<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Map<String, Value>, D::Error> {
    Ok(Option::<Map<String, Value>>::deserialize(deserializer)?.unwrap_or_default())
}

/// The `status` of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Done.
    Ok,
    /// Accepted, to be done later (`_async`).
    Async,
    /// Not done.
    Failed,
    /// Any other spelling (read only).
    #[serde(other)]
    Unknown,
}

/// An action response, independent of the implementation profile.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ActionResponse {
    /// Outcome.
    pub status: Status,
    /// 0 ok, 1 async, anything else a failure code (profile-specific).
    #[serde(deserialize_with = "crate::lenient::de_i64")]
    pub retcode: i64,
    /// Result data, `null` when there is none.
    #[serde(default)]
    pub data: Value,
    /// The request's `echo`, when it had one.
    #[serde(default)]
    pub echo: Option<Echo>,
    /// Failure text (NapCat, LLOneBot, go-cqhttp `msg`).
    #[serde(
        default,
        alias = "msg",
        deserialize_with = "crate::lenient::de_opt_string"
    )]
    pub message: Option<String>,
    /// Human-readable failure text (NapCat, LLOneBot, go-cqhttp).
    #[serde(default, deserialize_with = "crate::lenient::de_opt_string")]
    pub wording: Option<String>,
    /// NapCat's `stream` (`"normal-action"`, or `"stream-action"` for streamed answers).
    #[serde(default, deserialize_with = "crate::lenient::de_opt_string")]
    pub stream: Option<String>,
}

impl ActionResponse {
    /// `status:"ok"`, `retcode:0` with `data`.
    pub fn ok(data: Value) -> ActionResponse {
        ActionResponse {
            status: Status::Ok,
            retcode: 0,
            data,
            echo: None,
            message: None,
            wording: None,
            stream: None,
        }
    }

    /// `status:"failed"` with a retcode and a message.
    pub fn failed(retcode: i64, message: impl Into<String>) -> ActionResponse {
        let message = message.into();
        ActionResponse {
            status: Status::Failed,
            retcode,
            data: Value::Null,
            echo: None,
            wording: Some(message.clone()),
            message: Some(message),
            stream: None,
        }
    }

    /// `status:"async"`, `retcode:1`, `data:null` (the standard's `_async` answer).
    pub fn async_accepted() -> ActionResponse {
        ActionResponse {
            status: Status::Async,
            retcode: 1,
            ..ActionResponse::ok(Value::Null)
        }
    }

    /// The same response carrying `echo`.
    pub fn with_echo(mut self, echo: Option<Echo>) -> ActionResponse {
        self.echo = echo;
        self
    }

    /// Whether the action was done (only `status:"ok"` counts: retcodes differ per
    /// implementation, docs/onebot-implementations.md#the-action-envelope).
    pub fn is_ok(&self) -> bool {
        self.status == Status::Ok
    }

    /// The failure text, `message` first, then `wording`; empty strings count as none.
    pub fn error_text(&self) -> Option<&str> {
        [&self.message, &self.wording]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .find(|text| !text.is_empty())
    }
}

/// Why an action failed, as the profiles number it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Missing or malformed parameters.
    BadParams,
    /// No such action.
    UnknownAction,
    /// The handler failed (QQ-side error, timeout, risk control…).
    HandlerFailed,
}

/// A suffix on an action name (OB11 `api/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suffix {
    /// None: run and answer.
    None,
    /// `_async`: answer at once, run later.
    Async,
    /// `_rate_limited`: queue, answer at once.
    RateLimited,
}

impl Suffix {
    /// The suffix as written (`_async`), `None` for no suffix.
    pub fn text(self) -> Option<&'static str> {
        match self {
            Suffix::None => None,
            Suffix::Async => Some("_async"),
            Suffix::RateLimited => Some("_rate_limited"),
        }
    }
}

/// Splits `send_msg_async` into (`send_msg`, [`Suffix::Async`]), `x_rate_limited` into
/// (`x`, [`Suffix::RateLimited`]); other names come back whole with [`Suffix::None`].
pub fn split_action(name: &str) -> (&str, Suffix) {
    if let Some(base) = name.strip_suffix("_async").filter(|b| !b.is_empty()) {
        (base, Suffix::Async)
    } else if let Some(base) = name.strip_suffix("_rate_limited").filter(|b| !b.is_empty()) {
        (base, Suffix::RateLimited)
    } else {
        (name, Suffix::None)
    }
}

/// A response as an implementation writes it: its fields in that implementation's order,
/// the `echo` exactly as the request carried it. Written with `to_string` (or any serde
/// serialiser).
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered(pub(crate) Vec<(&'static str, Field)>);

/// One field of a [`Rendered`] response.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Field {
    Value(Value),
    Echo(Echo),
}

impl Rendered {
    /// The response as a JSON value, for looking at it (an `echo` beyond 64 bits is
    /// rounded here; the text keeps it).
    pub fn to_value(&self) -> Value {
        let fields = self.0.iter().map(|(name, field)| {
            let value = match field {
                Field::Value(value) => value.clone(),
                Field::Echo(echo) => echo.to_value(),
            };
            ((*name).to_owned(), value)
        });
        Value::Object(fields.collect())
    }
}

impl Serialize for Rendered {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, field) in &self.0 {
            match field {
                Field::Value(value) => map.serialize_entry(name, value)?,
                Field::Echo(echo) => map.serialize_entry(name, echo)?,
            }
        }
        map.end()
    }
}

impl std::fmt::Display for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = serde_json::to_string(self).map_err(|_| std::fmt::Error)?;
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_tolerate_missing_or_null_params() {
        let bare: ActionRequest =
            serde_json::from_value(json!({"action": "get_status"})).expect("bare");
        assert!(bare.params.is_empty() && bare.echo.is_none());
        let null: ActionRequest = serde_json::from_value(
            json!({"action": "x", "params": null, "echo": {"seq": 1}, "extra": 1}),
        )
        .expect("null params");
        assert_eq!(null.echo, Echo::of(&json!({"seq": 1})));
    }

    #[test]
    fn suffixes_split_off_the_base_name() {
        assert_eq!(split_action("send_msg_async"), ("send_msg", Suffix::Async));
        assert_eq!(
            split_action("send_msg_rate_limited"),
            ("send_msg", Suffix::RateLimited)
        );
        assert_eq!(split_action("get_status"), ("get_status", Suffix::None));
        assert_eq!(split_action("_async"), ("_async", Suffix::None));
    }
}
