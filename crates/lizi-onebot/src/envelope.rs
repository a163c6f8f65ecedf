//! Action envelopes (OB11 `communication/ws.md`, `api/README.md`) and the per-implementation
//! response profiles (onebot.md §1.3, §1.4, §5.2).
//!
//! [`ActionRequest`] reads tolerantly (`params` may be absent or `null`); [`ActionResponse`]
//! is profile-neutral, and [`Profile::render`] writes it exactly as NapCat, Lagrange.OneBot
//! or LLOneBot would, with their retcodes for the three failure kinds ([`Failure`]), and
//! the request's `echo` byte for byte as it came ([`Echo`]).

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::action::{Action, ActionError, ActionSpec};
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
    /// implementation, onebot.md §1.3).
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

/// The OneBot implementation whose envelope and retcodes to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// NapCatQQ: `{status,retcode,data,message,wording,echo,stream:"normal-action"}`;
    /// 1400 bad params, 1404 unknown action, 1200 handler failure.
    NapCat,
    /// Lagrange.OneBot: `{status,retcode,data,echo}` only; 404 unknown action, 200 for any
    /// exception — bad parameters included, as its handlers throw on them.
    Lagrange,
    /// LLOneBot: `{status,retcode,data,message,wording,echo}`; 1400 bad params, 1404
    /// unknown action, 1200 handler failure (its WebSocket codes).
    LLOneBot,
}

/// A profile name that is not `napcat`, `lagrange` or `llonebot`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown OneBot profile `{0}` (expected napcat, lagrange or llonebot)")]
pub struct UnknownProfile(pub String);

impl std::str::FromStr for Profile {
    type Err = UnknownProfile;

    fn from_str(name: &str) -> Result<Profile, UnknownProfile> {
        match name.trim().to_ascii_lowercase().as_str() {
            "napcat" => Ok(Profile::NapCat),
            "lagrange" => Ok(Profile::Lagrange),
            "llonebot" => Ok(Profile::LLOneBot),
            _ => Err(UnknownProfile(name.to_owned())),
        }
    }
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 3] = [Profile::NapCat, Profile::Lagrange, Profile::LLOneBot];

    /// The lower-case name ([`str::parse`] reads it back).
    pub fn name(self) -> &'static str {
        match self {
            Profile::NapCat => "napcat",
            Profile::Lagrange => "lagrange",
            Profile::LLOneBot => "llonebot",
        }
    }

    /// The `app_name` this implementation gives in `get_version_info`.
    pub fn app_name(self) -> &'static str {
        match self {
            Profile::NapCat => "NapCat.Onebot",
            Profile::Lagrange => "Lagrange.OneBot",
            Profile::LLOneBot => "LLOneBot",
        }
    }

    /// The retcode this implementation answers for `failure`.
    pub fn retcode(self, failure: Failure) -> i64 {
        match (self, failure) {
            (Profile::Lagrange, Failure::UnknownAction) => 404,
            (Profile::Lagrange, _) => 200,
            (_, Failure::BadParams) => 1400,
            (_, Failure::UnknownAction) => 1404,
            (_, Failure::HandlerFailed) => 1200,
        }
    }

    /// A failed response with this implementation's retcode for `failure`.
    pub fn failed(self, failure: Failure, message: impl Into<String>) -> ActionResponse {
        ActionResponse::failed(self.retcode(failure), message)
    }

    /// Whether an action name with `suffix` exists here. NapCat and LLOneBot register
    /// `_async` and `_rate_limited` as plain aliases of the synchronous handler (they run
    /// at once and answer `ok`); Lagrange knows neither (answer [`Failure::UnknownAction`]).
    pub fn accepts(self, suffix: Suffix) -> bool {
        suffix == Suffix::None || self != Profile::Lagrange
    }

    /// Routes a call as this implementation does: the suffix split off, then the typed
    /// action; an unknown action or suffix, an action this implementation lacks (see
    /// [`ActionSpec::profiles`]), or a bad parameter, gives this profile's failed
    /// response (carrying the request's `echo`, boxed) with a message naming the problem.
    pub fn route(self, request: &ActionRequest) -> Result<(Action, Suffix), Box<ActionResponse>> {
        let (name, suffix) = split_action(&request.action);
        let refuse = |failure, message: String| {
            Err(Box::new(
                self.failed(failure, message)
                    .with_echo(request.echo.clone()),
            ))
        };
        if !self.accepts(suffix) {
            return refuse(
                Failure::UnknownAction,
                format!("unknown action `{}`", request.action),
            );
        }
        // An action this implementation lacks is as unknown to it as a made-up name.
        if !ActionSpec::find(name).is_some_and(|spec| spec.available_in(self)) {
            return refuse(Failure::UnknownAction, format!("unknown action `{name}`"));
        }
        match Action::parse(name, &request.params) {
            Ok(action) => Ok((action, suffix)),
            Err(e @ ActionError::Unknown(_)) => refuse(Failure::UnknownAction, e.to_string()),
            Err(e @ ActionError::Param(_)) => refuse(Failure::BadParams, e.to_string()),
        }
    }

    /// Writes `response` exactly as this implementation does.
    pub fn render(self, response: &ActionResponse) -> Rendered {
        let mut fields = vec![
            (
                "status",
                Field::Value(serde_json::to_value(response.status).unwrap_or(Value::Null)),
            ),
            ("retcode", Field::Value(response.retcode.into())),
            ("data", Field::Value(response.data.clone())),
        ];
        let text =
            |field: &Option<String>| Field::Value(Value::String(field.clone().unwrap_or_default()));
        if self != Profile::Lagrange {
            fields.push(("message", text(&response.message)));
            fields.push(("wording", text(&response.wording)));
        }
        match (&response.echo, self) {
            (Some(echo), _) => fields.push(("echo", Field::Echo(echo.clone()))),
            (None, Profile::Lagrange) => fields.push(("echo", Field::Value(Value::Null))),
            (None, _) => {}
        }
        if self == Profile::NapCat {
            fields.push(("stream", Field::Value("normal-action".into())));
        }
        Rendered(fields)
    }
}

/// A response as an implementation writes it: its fields in that implementation's order,
/// the `echo` exactly as the request carried it. Written with `to_string` (or any serde
/// serialiser).
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered(Vec<(&'static str, Field)>);

/// One field of a [`Rendered`] response.
#[derive(Debug, Clone, PartialEq)]
enum Field {
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
        assert!(
            Profile::NapCat.accepts(Suffix::Async) && !Profile::Lagrange.accepts(Suffix::Async)
        );
    }

    #[test]
    fn each_profile_renders_its_own_envelope() {
        let ok =
            ActionResponse::ok(json!({"message_id": 708152094})).with_echo(Echo::of(&json!("e")));
        assert_eq!(
            serde_json::to_string(&Profile::NapCat.render(&ok)).expect("json"),
            r#"{"status":"ok","retcode":0,"data":{"message_id":708152094},"message":"","wording":"","echo":"e","stream":"normal-action"}"#
        );
        let failed = Profile::Lagrange.failed(Failure::UnknownAction, "no such action");
        assert_eq!(
            Profile::Lagrange.render(&failed).to_value(),
            json!({"status": "failed", "retcode": 404, "data": null, "echo": null})
        );
        let failed = Profile::LLOneBot.failed(Failure::BadParams, "user_id");
        assert_eq!(
            Profile::LLOneBot.render(&failed).to_value(),
            json!({"status": "failed", "retcode": 1400, "data": null, "message": "user_id", "wording": "user_id"})
        );
        assert_eq!(
            Profile::NapCat
                .render(&ActionResponse::async_accepted())
                .to_value()["retcode"],
            json!(1)
        );
    }

    #[test]
    fn profiles_number_failures_their_own_way() {
        let codes: Vec<_> = Profile::ALL
            .iter()
            .map(|p| {
                [
                    Failure::BadParams,
                    Failure::UnknownAction,
                    Failure::HandlerFailed,
                ]
                .map(|f| p.retcode(f))
            })
            .collect();
        assert_eq!(
            codes,
            vec![[1400, 1404, 1200], [200, 404, 200], [1400, 1404, 1200]]
        );
        for profile in Profile::ALL {
            assert_eq!(profile.name().parse(), Ok(profile));
        }
        assert!("go-cqhttp".parse::<Profile>().is_err());
    }
}
